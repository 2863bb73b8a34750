"""Start `strategykg serve` as a real process on a free loopback port, for the server tests."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import httpx
import pytest

from tests.conftest import PROJECT_ROOT, free_port

STRATEGYKG = Path(sys.executable).parent / "strategykg"
BASE = "https://w3id.org/strategykg/"


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen

    def path(self, iri: str) -> str:
        """The URL at which this server answers for a dataset IRI."""
        assert iri.startswith(BASE), iri
        return self.url + "/" + iri[len(BASE) :]


@contextlib.contextmanager
def running_server(*options: str, env: dict[str, str] | None = None) -> Iterator[RunningServer]:
    """A server process for the shipped project; stopped (and reaped) on exit."""
    port = free_port()
    command = [str(STRATEGYKG), "serve", "--root", str(PROJECT_ROOT), "--port", str(port)]
    process = subprocess.Popen(
        [*command, *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=None if env is None else {**os.environ, **env},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120  # a readiness wait, not an assertion about speed
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {process.stderr.read()}")
            try:
                if httpx.get(url + "/", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not come up")
            time.sleep(0.1)
        yield RunningServer(url, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        for stream in (process.stdout, process.stderr):
            if stream:
                stream.close()


def _plain(term: dict | None) -> object:
    """A SPARQL JSON term as a comparable value (numbers by value, blank nodes alike)."""
    if term is None:
        return None
    if term["type"] == "bnode":
        return ("bnode",)
    if term["type"] in ("literal", "typed-literal"):
        datatype = term.get("datatype", "")
        if datatype.startswith("http://www.w3.org/2001/XMLSchema#") and datatype.rsplit("#", 1)[
            1
        ] in ("integer", "decimal", "double", "float", "int", "long"):
            with contextlib.suppress(InvalidOperation):
                return ("number", Decimal(term["value"]).normalize())
        return ("literal", term["value"], term.get("xml:lang"), datatype)
    return ("iri", term["value"])


def comparable_json(text: str) -> list[tuple]:
    """The rows of a SPARQL 1.1 JSON answer, as sorted comparable tuples."""
    answer = json.loads(text)
    if "boolean" in answer:
        return [(answer["boolean"],)]
    variables = answer["head"]["vars"]
    rows = [
        tuple(_plain(binding.get(v)) for v in variables)
        for binding in answer["results"]["bindings"]
    ]
    return sorted(rows, key=repr)


@pytest.fixture(scope="module")
def server():
    """One real server per test module, on the shipped data; a module may define its own."""
    with running_server() as running:
        yield running


@pytest.fixture(scope="module")
def http(server):
    """An HTTP client for the module's server."""
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client
