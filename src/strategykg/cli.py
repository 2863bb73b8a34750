"""The strategykg command line: a thin layer that parses arguments and calls the library."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from strategykg.errors import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, StrategyKGError

if TYPE_CHECKING:
    from strategykg.remote import RemoteSettings

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


def remote_options(command: F) -> F:
    """--graph, --user, --password, --token and --timeout for a remote store, passed as `remote`."""

    @wraps(command)
    def wrapper(
        *args: object,
        graph: str | None,
        user: str | None,
        password: str | None,
        token: str | None,
        timeout: float,
        **kwargs: object,
    ) -> object:
        from strategykg.remote import RemoteSettings  # imported late: keeps --help fast

        kwargs["remote"] = RemoteSettings(graph, user, password, token, timeout)
        return command(*args, **kwargs)

    options = [
        click.option(
            "--graph",
            metavar="IRI",
            help="One named graph holding the whole dataset on the store "
            "(default: one graph per source file, under https://w3id.org/strategykg/graph/).",
        ),
        click.option("--user", envvar="STRATEGYKG_USER", help="User for HTTP Basic/Digest auth."),
        click.option(
            "--password", envvar="STRATEGYKG_PASSWORD", help="Password (or $STRATEGYKG_PASSWORD)."
        ),
        click.option(
            "--token", envvar="STRATEGYKG_TOKEN", help="Bearer token (or $STRATEGYKG_TOKEN)."
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=60.0,
            show_default=True,
            help="Seconds to wait for each answer from the store.",
        ),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper  # type: ignore[return-value]


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
@click.option("--endpoint", metavar="URL", help="Validate what a remote SPARQL endpoint serves.")
@click.option(
    "--validator",
    "--engine",
    "engine",
    type=click.Choice(["pyshacl", "turbo"]),
    default="pyshacl",
    show_default=True,
    help="pyshacl is the reference and the gate; turbo (pyshacl-turbo) gives the same report "
    "many times faster, for graphs of a million triples. The same option as push's.",
)
@remote_options
@reports_errors
def validate(
    root: Path | None,
    files: tuple[Path, ...],
    shapes: Path | None,
    fmt: str,
    endpoint: str | None,
    engine: str,
    remote: RemoteSettings,
) -> None:
    """Validate the data against the SHACL shapes and every quote against its source.

    FILES, if given, stand in for the project's data/ (the ontology and themes
    still come from the project). With --endpoint, the graphs on the store are
    fetched and validated against the project's shapes and source texts. Exit 0
    if it conforms, 1 on violations, 2 on unreadable input.
    """
    from strategykg.load import load
    from strategykg.validate import validate as run_validation

    if endpoint and files:
        raise click.UsageError("give FILES or --endpoint, not both")
    kg = load(root, data_files=list(files) or None)
    if endpoint:
        from strategykg.remote import fetch_knowledge_graph

        kg = fetch_knowledge_graph(kg, remote.engine(endpoint), graph=remote.graph)
    outcome = run_validation(kg, shapes=shapes, engine=engine)
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
@remote_options
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
    remote: RemoteSettings,
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
        runner = remote.engine(endpoint)
    else:
        from strategykg.engines import open_engine
        from strategykg.load import load

        runner = open_engine(load(project), engine)
    from strategykg.results import render

    click.echo(render(runner.query(sparql), fmt, title=question.title).rstrip("\n"))


@main.command()
@root_option
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The store's SPARQL query endpoint, e.g. http://localhost:7878/query.",
)
@click.option(
    "--update-endpoint", metavar="URL", help="Its SPARQL Update endpoint (default: guessed)."
)
@click.option(
    "--gsp-endpoint",
    metavar="URL",
    help="Its Graph Store Protocol endpoint, or 'none' to upload with SPARQL Update "
    "(default: guessed; Update if the guess is wrong).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    metavar="TRIPLES",
    help="Triples per request (default: 50000 by Graph Store, 10000 by Update).",
)
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.option(
    "--verify",
    is_flag=True,
    help="Read the upload back and compare it term for term before swapping it in.",
)
@click.option(
    "--validator",
    type=click.Choice(["pyshacl", "turbo"]),
    default="pyshacl",
    show_default=True,
    help="The SHACL engine of the gate: pyshacl, or turbo (pyshacl-turbo) for millions of triples.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@remote_options
@reports_errors
def push(
    root: Path | None,
    files: tuple[Path, ...],
    endpoint: str,
    update_endpoint: str | None,
    gsp_endpoint: str | None,
    chunk_size: int | None,
    dry_run: bool,
    verify: bool,
    validator: str,
    quiet: bool,
    remote: RemoteSettings,
) -> None:
    """Publish the validated graph to a remote SPARQL 1.1 store.

    Each source file's named graph replaces its copy on the store (with --graph,
    the data graph replaces that one graph). The new triples go up in chunks to
    staging graphs and are swapped in by one SPARQL Update request, so readers see
    the old graphs or the new ones, never a mix, and a failed push changes nothing
    published. FILES, if given, stand in for data/. Exit 1 if the data does not
    conform (nothing is pushed), 2 if the store cannot be reached or refuses.
    """
    from strategykg.load import load
    from strategykg.push import ConsoleProgress, NotConforming
    from strategykg.push import push as run_push
    from strategykg.remote import Endpoints, check_graph_iri

    endpoints = Endpoints.infer(endpoint, update_endpoint, gsp_endpoint)
    graph = check_graph_iri(remote.graph) if remote.graph else None
    credentials = remote.credentials()
    kg = load(root, data_files=list(files) or None)
    with ConsoleProgress(quiet) as progress:
        try:
            report = run_push(
                kg,
                endpoints,
                graph=graph,
                credentials=credentials,
                timeout=remote.timeout,
                chunk_size=chunk_size,
                dry_run=dry_run,
                progress=progress,
                verify=verify,
                validator=validator,
            )
        except NotConforming as refusal:
            click.echo(refusal.outcome.as_text())  # the findings, as validate prints them
            raise
    click.echo(report.as_text())


@main.command()
@root_option
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--ontology",
    "ontology_files",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Review the project with this file in place of ontology/strategy.ttl (repeatable).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "html", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="error",
    show_default=True,
    help="Exit 1 if a finding reaches this level.",
)
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write the report to FILE.")
@click.option(
    "--docs-base", metavar="URL", help="Link ontology terms to URL#LocalName, not to their IRIs."
)
@click.option("--dl/--no-dl", default=True, show_default=True, help="Run HermiT (needs Java).")
@click.option(
    "--dl-timeout", type=float, default=120.0, show_default=True, help="Seconds HermiT may take."
)
@reports_errors
def review(
    root: Path | None,
    files: tuple[Path, ...],
    ontology_files: tuple[Path, ...],
    fmt: str,
    fail_on: str,
    output: Path | None,
    docs_base: str | None,
    dl: bool,
    dl_timeout: float,
) -> None:
    """Review the ontology: pitfalls (OOPS!, ROBOT, FOOPS!, SKOS), coverage, consistency, metrics.

    FILES, if given, are reviewed on their own instead of the project (a file named
    *.shapes.ttl holds shapes). Exit 0 if no finding reaches --fail-on, 1 if one does,
    2 on unreadable input.
    """
    from strategykg.review import load_subject
    from strategykg.review import review as run_review
    from strategykg.review_output import render, verdict

    kg = load_subject(root, files=files, ontology=ontology_files)
    report = run_review(kg, docs_base=docs_base, dl=dl, dl_timeout=dl_timeout)
    text = render(report, fmt, fail_on)
    if output is not None:
        output.write_text(text + "\n", encoding="utf-8")
        click.echo(f"{output}: {verdict(report, fail_on)}", err=True)
    else:
        click.echo(text.rstrip("\n"))
    sys.exit(EXIT_FINDINGS if report.fails(fail_on) else EXIT_OK)


@main.command()
@root_option
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder the release is written to, as OUT/<version>/ (default: the project's dist/).",
)
@click.option(
    "--base",
    metavar="IRI",
    default=None,
    help="IRI the release is published under (default: https://w3id.org/strategykg/).",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, path_type=Path),
    help="A previous build or source tree: the CHANGELOG entry and an RDF Patch compare with it.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress on stderr.")
@reports_errors
def build(
    root: Path | None, out: Path | None, base: str | None, previous: Path | None, quiet: bool
) -> None:
    """Write a versioned, reproducible release: dumps, VoID/DCAT, documentation, static site.

    The release goes to OUT/<version>/ (the ontology's owl:versionInfo) and OUT/latest
    points at the newest version there. It is written to a temporary folder and renamed into
    place, so a failed build leaves no half-written release. The same sources give the same
    bytes. Exit 0 on success, 2 on unreadable input.
    """
    from strategykg.build import ConsoleProgress
    from strategykg.build import build as run_build
    from strategykg.load import find_root, load
    from strategykg.namespaces import DEFAULT_BASE

    project = find_root() if root is None else root
    with ConsoleProgress(quiet) as progress:
        progress.start("Loading the sources")
        kg = load(project)
        report = run_build(
            kg,
            out if out is not None else project / "dist",
            base=base or DEFAULT_BASE,
            previous=previous,
            progress=progress,
        )
    for warning in report.warnings:
        click.echo(f"strategykg: warning: {warning}", err=True)
    click.echo(report.as_text())


@main.command()
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "patch", "trig", "changelog"]),
    default="text",
    show_default=True,
    help="text: per resource, in words; patch: RDF Patch; trig: removed and added triples "
    "as two named graphs; changelog: the CHANGELOG entry NEW would get.",
)
@reports_errors
def diff(old: Path, new: Path, fmt: str) -> None:
    """Compare two builds or source trees resource by resource: added, removed, changed.

    OLD and NEW are each a source tree (a folder with ontology/ and data/), a build
    (dist/, dist/<version>/) or an RDF file. Exit 0 if both hold the same triples, 1 if
    they differ, 2 on unreadable input.
    """
    from strategykg.diff import compare, read_side

    changes = compare(read_side(old), read_side(new))
    if fmt == "patch":
        text = changes.as_patch()
    elif fmt == "trig":
        text = changes.as_trig()
    elif fmt == "changelog":
        text = changes.changelog(
            changes.new.version or "Unreleased", changes.new.date or "unreleased"
        )
    else:
        text = changes.as_text()
    click.echo(text.rstrip("\n"))
    sys.exit(EXIT_OK if changes.identical else EXIT_FINDINGS)


@main.command()
@root_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--base",
    default="https://w3id.org/strategykg/",
    show_default=True,
    metavar="IRI",
    help="The data's IRI base: GET /id/x answers for <IRI>id/x.",
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="S",
    help="Stop every query after S seconds (answered 503).",
)
@click.option(
    "--max-rows",
    default=100_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Cap on result rows (a larger LIMIT is lowered).",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Query worker processes (2 or more keep answering while one query runs long).",
)
@click.option(
    "--cache-mb",
    default=256,
    show_default=True,
    type=click.IntRange(min=0),
    help="Memory for cached GET answers (0: no cache).",
)
@click.option("--allow-service", is_flag=True, help="Let queries use SERVICE to other hosts.")
@click.option("--endpoint", metavar="URL", help="Answer from a remote SPARQL 1.1 endpoint.")
@click.option("--access-log", is_flag=True, help="Log every request on stderr.")
@reports_errors
def serve(**options: object) -> None:
    """Serve the graph over HTTP: SPARQL 1.1 at /sparql, pages and RDF for every IRI.

    Read-only, with a time limit on every query; see http://HOST:PORT/ once it runs.
    """
    from strategykg.serve_cli import run_server

    run_server(**options)  # type: ignore[arg-type]  # the options are run_server's keywords


if __name__ == "__main__":
    main()
