"""Bad input files: `strategykg validate` rejects each with one clear line, exit code 2, no traceback.

What the public will hand the validator: Turtle with a syntax error, a file cut short, a huge
file broken at its very end, text in the wrong encoding, and files that are not Turtle at all.
Each is rejected with exactly one line on stderr that names the file (and the line, where the
parser knows it), exit code 2, nothing on stdout and nothing written.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from strategykg.errors import InputError
from strategykg.load import read_graph
from tests.conftest import PROJECT_ROOT

PLACES = (PROJECT_ROOT / "data" / "places.ttl").read_text(encoding="utf-8")
GOAL = (PROJECT_ROOT / "data" / "goal-2.ttl").read_bytes()
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def _reject(path: Path, *extra: str) -> str:
    """Run `strategykg validate path`; check it is rejected properly; return the stderr line."""
    before = sorted(p.name for p in path.parent.iterdir())
    run = subprocess.run(
        [sys.executable, "-m", "strategykg.cli", "validate", *extra, str(path)],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
    )
    assert run.returncode == 2, run.stderr
    assert run.stdout == ""
    assert "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].isprintable(), repr(lines[0])
    assert sorted(p.name for p in path.parent.iterdir()) == before, "something was written"
    return lines[0]


def _first_line_that_is_not_utf8(data: bytes) -> int:
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            return number
    raise AssertionError("all of it is UTF-8")


# name -> (the bytes of the file, the line the error must name)
MALFORMED = "@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n"
TRUNCATED = GOAL[: len(GOAL) * 6 // 10]
LATIN_1 = PLACES.encode("latin-1")  # "Amériques", "Caraïbes" in one byte each
CASES = {
    "malformed": (MALFORMED.encode(), 4),
    "truncated": (TRUNCATED, TRUNCATED.count(b"\n") + 1),
    "latin-1": (LATIN_1, _first_line_that_is_not_utf8(LATIN_1)),
    "utf-16": (PLACES.encode("utf-16"), 1),
    "utf-8-with-byte-order-mark": (b"\xef\xbb\xbf" + PLACES.encode(), 1),
    "png": (PNG, 1),
    "json": (json.dumps({"@context": {}, "name": "Goal 2"}).encode(), 1),
    "gzip": (gzip.compress(PLACES.encode(), mtime=0), 1),
    "html": (b"<!DOCTYPE html>\n<html><body>Not found</body></html>\n", 1),
    "rdf-xml": (
        b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>\n',
        1,
    ),
    "control-characters": (b"@prefix ex: <http://e/> .\n\x1b[31m\x07\x00 ex:a ex:b .\n", 2),
}


@pytest.mark.parametrize("name", CASES)
def test_a_bad_file_is_rejected_with_one_line_naming_file_and_line(tmp_path, name):
    content, line = CASES[name]
    path = tmp_path / f"{name}.ttl"
    path.write_bytes(content)
    message = _reject(path)
    assert message.startswith(f"strategykg: {path}:{line}: "), message


def test_a_huge_file_broken_at_its_end_is_rejected_at_its_last_line(tmp_path):
    path = tmp_path / "huge.ttl"
    row = (
        '<http://example.org/s{0}> <http://www.w3.org/2000/01/rdf-schema#label> "Label {0}"@en .\n'
    )
    with path.open("w", encoding="utf-8") as out:
        out.write("".join(row.format(i) for i in range(600_000)))
        out.write('<http://example.org/last> <http://example.org/p> "never closed\n')
    assert path.stat().st_size > 50_000_000
    message = _reject(path)
    assert message.startswith(f"strategykg: {path}:600001: "), message


def test_the_turbo_engine_rejects_bad_input_the_same_way(tmp_path):
    path = tmp_path / "truncated.ttl"
    path.write_bytes(TRUNCATED)
    assert _reject(path, "--engine", "turbo") == _reject(path)


def test_a_missing_file_and_a_folder_are_named_as_such(tmp_path):
    assert (
        _reject(tmp_path / "absent.ttl") == f"strategykg: {tmp_path / 'absent.ttl'}: no such file"
    )
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    assert _reject(folder) == f"strategykg: {folder}: a folder, not a Turtle file"


def test_a_source_text_that_is_not_utf8_is_named(tmp_path):
    (tmp_path / "sources").mkdir()
    text = tmp_path / "sources" / "latin.txt"
    text.write_bytes("Sécurité".encode("latin-1"))
    data = tmp_path / "data.ttl"
    data.write_text(PLACES, encoding="utf-8")
    message = _reject(data)
    assert message.startswith(f"strategykg: {text}: not UTF-8 text"), message


def test_random_bytes_always_give_one_printable_line(tmp_path):
    """Parser messages quote the bytes they choke on; those must not break the line."""
    rng = random.Random(20)
    path = tmp_path / "random.ttl"
    for index in range(300):
        content = bytes(rng.randrange(256) for _ in range(rng.randint(1, 120)))
        if index % 2:  # near-Turtle: a prefix, then punctuation, escapes and control bytes
            noise = b'ex:a "\n\t<>{}.;\\\r\x00\x1b'
            content = b"@prefix ex: <http://e/> .\n" + bytes(rng.choice(noise) for _ in content)
        path.write_bytes(content)
        try:
            read_graph(path)  # the loader's parser, without the project around it
        except InputError as error:
            assert str(error).isprintable(), repr(str(error))
