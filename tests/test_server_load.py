"""Under load, the server keeps its promises: no crash, no 500, no leak, and it still answers.

Fifty readers use one real `strategykg serve` at once for thirty seconds. Some ask cheap
questions, some ask a heavy one that runs into the time limit, some send queries that are not
SPARQL, some read pages as HTML and as Turtle, and some ask for pages that do not exist. Every
answer must be a proper one: 503 for a query stopped by the time limit, 400 for a malformed
query, 404 for a missing page, never any other 5xx. The server and its query workers must not
grow without bound, and afterwards a normal question still gets a normal answer.
"""

from __future__ import annotations

import asyncio
import collections
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.serving import running_server

READERS = 50
DURATION = 30  # seconds of load
WARM_UP = 5  # seconds before the first memory reading
MAX_REQUESTS = 200_000  # a bound on the whole run, whatever the speed of the machine
TIME_LIMIT = 2  # the server's --timeout: heavy queries are stopped (503) after this
MiB = 1024 * 1024
GROWTH_BOUND = 100 * MiB  # generous: caches fill and workers are replaced under load

PREFIXES = """\
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX skg: <https://w3id.org/strategykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CHEAP = [
    COUNT,
    PREFIXES + "ASK { ?s a skg:Result }",
    PREFIXES
    + "SELECT ?theme ?label WHERE { ?theme a skg:Theme ; skos:prefLabel ?label } LIMIT {n}",
    PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label } LIMIT {n}",
]
# Every labelled thing, joined through any chain of links to every theme it may touch, and to
# every other thing with the same label: over the whole graph, it runs into the time limit.
HEAVY = (
    PREFIXES
    + """SELECT (COUNT(*) AS ?n) WHERE {
  ?x rdfs:label ?label .
  ?x (!rdf:type)* ?y .
  ?y skg:hasTheme/skos:broader* ?theme .
  ?theme skos:prefLabel ?name .
  ?z (<urn:x>|!<urn:x>)* ?x .
  ?w ?p ?label .
}"""
)
MALFORMED = [
    "SELECT WHERE {",
    "SELECT ?s WHERE { ?s ?p }",
    "this is not SPARQL",
    "SELECT * WHERE { ?s ?p ?o } LIMIT many",
    "PREFIX : <oops SELECT * {}",
]
PAGES = [
    ("/id/result/justice-in-guatemala", "text/html"),
    ("/id/result/justice-in-guatemala", "text/turtle"),
    ("/", "text/html"),
    ("/queries/results-by-place", "text/html"),
]
MISSING = ["/id/result/no-such-result", "/no/such/page", "/queries/no-such-question"]


def tree_of(pid: int) -> set[int]:
    """The process and all its descendants (the zygote and the query workers it forks)."""
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        found.add(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # a worker replaced while we looked
    return found


def resident_bytes(pid: int) -> int:
    """VmRSS of the server and every process under it, summed."""
    total = 0
    for member in tree_of(pid):
        try:
            status = Path(f"/proc/{member}/status").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


@dataclass
class Tally:
    """What the readers saw: answers by kind and status, and anything out of place."""

    answers: collections.Counter = field(default_factory=collections.Counter)
    problems: list[str] = field(default_factory=list)
    sent: int = 0


async def ask(client: httpx.AsyncClient, kind: str, rng: random.Random) -> httpx.Response:
    if kind == "cheap":
        query = rng.choice(CHEAP).replace("{n}", str(rng.randint(1, 40)))
        return await client.get("/sparql", params={"query": query}, headers=JSON)
    if kind == "heavy":
        return await client.post("/sparql", data={"query": HEAVY}, headers=JSON)
    if kind == "malformed":
        return await client.get("/sparql", params={"query": rng.choice(MALFORMED)}, headers=JSON)
    if kind == "page":
        path, accept = rng.choice(PAGES)
        return await client.get(path, headers={"Accept": accept})
    return await client.get(rng.choice(MISSING), headers={"Accept": "text/html"})


JSON = {"Accept": "application/sparql-results+json"}
KINDS = ["cheap"] * 5 + ["heavy"] + ["malformed"] * 2 + ["page"] * 4 + ["missing"]
EXPECTED = {"cheap": 200, "heavy": 200, "malformed": 400, "page": 200, "missing": 404}


def timed_out(answer: httpx.Response) -> bool:
    """A 503 for the time limit: the query ran past it, or waited past it for a free worker.

    Queries are parsed in the workers, so while heavy queries keep every worker busy, even a
    malformed query can wait out the time limit in the queue and get this 503, not a 400.
    """
    return answer.status_code == 503 and "time limit" in answer.text


async def reader(number: int, url: str, deadline: float, tally: Tally) -> None:
    """One reader: asks one thing after another until the deadline (or the overall bound)."""
    rng = random.Random(number)
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        while time.monotonic() < deadline and tally.sent < MAX_REQUESTS:
            kind = rng.choice(KINDS)
            tally.sent += 1
            try:
                answer = await ask(client, kind, rng)
            except httpx.HTTPError as error:
                tally.problems.append(f"{kind}: {type(error).__name__}: {error}")
                continue
            tally.answers[kind, answer.status_code] += 1
            if answer.status_code != EXPECTED[kind] and not timed_out(answer):
                tally.problems.append(f"{kind}: {answer.status_code} {answer.text[:200]!r}")


async def load(url: str, pid: int) -> tuple[Tally, int, int]:
    """Run the readers; return what they saw and the memory after the warm-up and at the end."""
    tally = Tally()
    start = time.monotonic()
    deadline = start + DURATION
    readers = [asyncio.create_task(reader(n, url, deadline, tally)) for n in range(READERS)]
    await asyncio.sleep(WARM_UP)
    early = resident_bytes(pid)
    await asyncio.gather(*readers)
    return tally, early, resident_bytes(pid)


@pytest.fixture(scope="module")
def server():
    with running_server("--timeout", str(TIME_LIMIT)) as running:
        yield running


def test_fifty_readers_for_thirty_seconds_get_proper_answers_and_the_server_holds(server):
    tally, early, late = asyncio.run(load(server.url, server.process.pid))

    # Every kind of request was made, and answered as it should be.
    assert not tally.problems, tally.problems[:20]
    for kind in EXPECTED:
        assert any(k == kind for k, _ in tally.answers), (kind, tally.answers)
    assert tally.answers["malformed", 400] > 0
    assert tally.answers["page", 200] > 0 and tally.answers["missing", 404] > 0
    assert all(status < 500 or status == 503 for _, status in tally.answers), tally.answers

    # Memory after the warm-up and at the end: caches may fill, but nothing runs away.
    assert late - early < max(GROWTH_BOUND, early // 2), (early / MiB, late / MiB)

    # The server is alive and a normal question gets a normal answer.
    assert server.process.poll() is None
    answer = httpx.get(
        server.url + "/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"}, timeout=60
    )
    assert answer.status_code == 200
    assert int(answer.text.splitlines()[1]) > 0

    # With the load gone, every malformed query is a 400 again.
    for query in MALFORMED:
        answer = httpx.get(
            server.url + "/sparql", params={"query": query}, headers=JSON, timeout=60
        )
        assert answer.status_code == 400, (query, answer.status_code, answer.text[:200])
