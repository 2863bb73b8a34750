"""Bad input files: `strategykg build` and `strategykg push` reject them as `validate` does.

The same bad Turtle the validator is handed in test_bad_input.py (a syntax error, a file cut
short, a huge file broken at its very end, the wrong encoding, files that are not Turtle) now
turns up in a project's data/ folder before a build, or on the command line of a push. Each is
rejected with exactly one line on stderr that names the file (and the line, where the parser
knows it), exit code 2 and no traceback, and nothing is written: no release folder after a
failed build, no new triples on the store after a failed push.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import PROJECT_ROOT
from tests.stores import Store, running_store
from tests.test_bad_input import CASES

HUGE_ROWS = 600_000
ROW = '<http://example.org/s{0}> <http://www.w3.org/2000/01/rdf-schema#label> "Label {0}"@en .\n'
EVERYTHING = """SELECT (COUNT(*) AS ?n) WHERE {
  { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } }
}"""


def _run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "strategykg.cli", *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
    )


def _one_line(run: subprocess.CompletedProcess) -> str:
    """The run failed as it should: exit 2, one printable line on stderr, no traceback."""
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].isprintable(), repr(lines[0])
    return lines[0]


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def _write_huge(path: Path) -> int:
    """A file of 600,000 good triples whose last line is broken; return that line's number."""
    with path.open("w", encoding="utf-8") as out:
        out.write("".join(ROW.format(i) for i in range(HUGE_ROWS)))
        out.write('<http://example.org/last> <http://example.org/p> "never closed\n')
    assert path.stat().st_size > 50_000_000
    return HUGE_ROWS + 1


# Build -------------------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the shipped project's sources, to which a test adds a bad data file."""
    root = tmp_path / "project"
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    return root


def _reject_build(project: Path, bad: Path) -> str:
    """Build the project with the bad file in data/; check nothing was written; the line."""
    out = project.parent / "out"
    before = _listing(project.parent)
    run = _run("build", "--quiet", "--root", str(project), "--out", str(out))
    line = _one_line(run)
    assert run.stdout == ""
    assert not out.exists(), _listing(out)
    assert _listing(project.parent) == before, "something was written"
    return line


@pytest.mark.parametrize("name", CASES)
def test_a_bad_data_file_stops_the_build_with_one_line_and_no_release(project, name):
    content, line = CASES[name]
    bad = project / "data" / f"{name}.ttl"
    bad.write_bytes(content)
    message = _reject_build(project, bad)
    assert message.startswith(f"strategykg: {bad}:{line}: "), message


def test_a_huge_data_file_broken_at_its_end_stops_the_build_at_its_last_line(project):
    bad = project / "data" / "huge.ttl"
    line = _write_huge(bad)
    message = _reject_build(project, bad)
    assert message.startswith(f"strategykg: {bad}:{line}: "), message


# Push --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    with running_store("oxigraph", tmp_path_factory.mktemp("oxigraph")) as store:
        # Something already published, so "nothing new" is not just "still empty".
        store.update(
            "INSERT DATA { GRAPH <https://example.org/published> "
            "{ <https://example.org/a> <https://example.org/b> <https://example.org/c> } }"
        )
        yield store


def triples_on(store: Store) -> int:
    answer = httpx.post(
        store.query_url, data={"query": EVERYTHING}, headers={"Accept": "text/csv"}, timeout=60
    )
    answer.raise_for_status()
    return int(answer.text.splitlines()[1])


def _reject_push(store: Store, bad: Path) -> str:
    """Push the bad file to the real store; check the store gained nothing; the line."""
    before = triples_on(store)
    files = _listing(bad.parent)
    run = _run(
        "push", "--quiet", "--root", str(PROJECT_ROOT), str(bad), "--endpoint", store.query_url
    )
    line = _one_line(run)
    assert triples_on(store) == before, "the store holds new triples"
    assert _listing(bad.parent) == files, "something was written"
    return line


@pytest.mark.parametrize("name", CASES)
def test_a_bad_file_is_not_pushed_and_is_named_on_one_line(store, tmp_path, name):
    content, line = CASES[name]
    bad = tmp_path / f"{name}.ttl"
    bad.write_bytes(content)
    message = _reject_push(store, bad)
    assert message.startswith(f"strategykg: {bad}:{line}: "), message


def test_a_huge_file_broken_at_its_end_is_not_pushed_and_its_last_line_is_named(store, tmp_path):
    bad = tmp_path / "huge.ttl"
    line = _write_huge(bad)
    message = _reject_push(store, bad)
    assert message.startswith(f"strategykg: {bad}:{line}: "), message
