"""The strategykg command line: a thin layer that parses arguments and calls the library."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TypeVar

import click

from strategykg.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, StrategyKGError

F = TypeVar("F", bound=Callable[..., object])


def reports_errors(command: F) -> F:
    """Turn a StrategyKGError into one line on stderr and its exit code, never a traceback."""

    @wraps(command)
    def wrapper(*args: object, **kwargs: object) -> object:
        try:
            return command(*args, **kwargs)
        except StrategyKGError as error:
            click.echo(f"strategykg: {error}", err=True)
            sys.exit(error.exit_code)
        except KeyboardInterrupt:
            click.echo("strategykg: interrupted", err=True)
            sys.exit(130)
        except Exception as error:  # a bug: one line for the user, the traceback on request
            if os.environ.get("STRATEGYKG_DEBUG"):
                raise
            click.echo(
                f"strategykg: internal error: {type(error).__name__}: {error} "
                "(set STRATEGYKG_DEBUG=1 for the traceback)",
                err=True,
            )
            sys.exit(EXIT_USAGE)

    return wrapper  # type: ignore[return-value]


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Project folder (default: the nearest folder with ontology/ and data/).",
)


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(
                f"{pair!r} is not of the form name=value", param_hint="--param"
            )
        values[name.strip()] = value
    return values


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="strategykg")
def main() -> None:
    """Publish a government strategy as a linked-data knowledge graph."""


@main.command()
@root_option
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--shapes", type=click.Path(path_type=Path), help="Another SHACL shapes file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "turtle", "json"]),
    default="text",
    show_default=True,
)
@reports_errors
def validate(root: Path | None, files: tuple[Path, ...], shapes: Path | None, fmt: str) -> None:
    """Validate the data against the SHACL shapes and every quote against its source.

    FILES, if given, stand in for the project's data/ (the ontology and themes
    still come from the project). Exit 0 if it conforms, 1 on violations, 2 on
    unreadable input.
    """
    from strategykg.load import load
    from strategykg.validate import validate as run_validation

    kg = load(root, data_files=list(files) or None)
    outcome = run_validation(kg, shapes=shapes)
    text = {"text": outcome.as_text, "turtle": outcome.as_turtle, "json": outcome.as_json}[fmt]()
    click.echo(text.rstrip("\n"))
    sys.exit(EXIT_OK if outcome.conforms else EXIT_FINDINGS)


@main.command()
@root_option
@click.argument("name", required=False)
@click.option("--list", "list_only", is_flag=True, help="List the competency questions.")
@click.option(
    "--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="Bind a parameter."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
)
@click.option(
    "--engine",
    type=click.Choice(["oxigraph", "rdflib"]),
    default="oxigraph",
    show_default=True,
    help="The embedded engine (ignored with --endpoint).",
)
@click.option("--endpoint", metavar="URL", help="Ask a remote SPARQL 1.1 endpoint instead.")
@click.option(
    "--show", is_flag=True, help="Print the SPARQL with its parameters bound, not the answer."
)
@reports_errors
def query(
    root: Path | None,
    name: str | None,
    list_only: bool,
    params: tuple[str, ...],
    fmt: str,
    engine: str,
    endpoint: str | None,
    show: bool,
) -> None:
    """Answer a competency question NAME (or any .rq FILE)."""
    from strategykg.load import find_root
    from strategykg.queries import QueryLibrary

    project = find_root() if root is None else root
    library = QueryLibrary(project / "queries")
    if list_only or not name:
        if not name and not list_only:
            raise click.UsageError("give a question NAME or FILE, or --list")
        for question in library:
            signature = " ".join(f"{p.name}={p.default}" for p in question.parameters)
            click.echo(
                f"{question.name:36} {question.title}" + (f"  [{signature}]" if signature else "")
            )
        return
    question = library.get(name)
    sparql = question.bind(parse_params(params))
    if show:
        click.echo(sparql.rstrip("\n"))
        return
    if endpoint:
        from strategykg.remote import RemoteEngine

        runner = RemoteEngine(endpoint)
    else:
        from strategykg.engines import open_engine
        from strategykg.load import load

        runner = open_engine(load(project), engine)
    from strategykg.results import render

    click.echo(render(runner.query(sparql), fmt, title=question.title).rstrip("\n"))


if __name__ == "__main__":
    main()
