"""Safe by default: read-only, no SERVICE, time limits that stop queries, caps, and no input
that can produce a 500, a traceback or a dead server."""

from __future__ import annotations

import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import free_port
from tests.serving import STRATEGYKG, running_server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
TIME_LIMIT = 2
MAX_ROWS = 50


@pytest.fixture(scope="module")
def server():
    with running_server("--timeout", str(TIME_LIMIT), "--max-rows", str(MAX_ROWS)) as running:
        yield running


def count(http: httpx.Client) -> int:
    answer = http.get("/sparql", params={"query": COUNT}, headers={"Accept": "text/csv"})
    assert answer.status_code == 200
    return int(answer.text.splitlines()[1])


def children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def test_updates_are_refused_with_403_and_change_nothing(http):
    before = count(http)
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    attempts = [
        http.post("/sparql", data={"update": update}),
        http.post(
            "/sparql",
            content=update.encode(),
            headers={"Content-Type": "application/sparql-update"},
        ),
        http.post("/sparql", data={"query": update}),
        http.get("/sparql", params={"update": "DROP ALL"}),
        http.get("/sparql", params={"query": "CLEAR DEFAULT"}),
    ]
    for answer in attempts:
        assert answer.status_code == 403
        assert "read-only" in answer.text
    assert count(http) == before


def test_service_to_another_host_is_refused_and_never_contacted(http):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        answer = http.get("/sparql", params={"query": query})
        assert answer.status_code == 403
        assert "--allow-service" in answer.text
        with pytest.raises(TimeoutError):
            listener.accept()


def test_service_works_when_switched_on(server):
    with running_server("--allow-service") as federating:
        query = (
            "PREFIX skg: <https://w3id.org/strategykg/ontology#> SELECT (COUNT(?r) AS ?n) "
            f"WHERE {{ SERVICE <{server.url}/sparql> {{ ?r a skg:Result }} }}"
        )
        answer = httpx.get(
            federating.url + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}
        )
        assert answer.status_code == 200
        assert answer.text.splitlines()[1] == "5"


def test_a_query_past_the_time_limit_is_stopped_and_others_are_served_meanwhile(http, server):
    zygote = next(iter(children(server.process.pid)))
    workers_before = children(zygote)
    with ThreadPoolExecutor(max_workers=1) as pool:
        heavy = pool.submit(http.get, "/sparql", params={"query": CARTESIAN})
        cheap = http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert cheap.status_code == 200
        assert not heavy.done()  # the cheap answer came while the heavy query still ran
        answer = heavy.result()
    assert answer.status_code == 503
    assert f"time limit of {TIME_LIMIT} s" in answer.text
    # SIGKILL is asynchronous: wait (without judging speed) until the kernel has torn it down.
    deadline = time.monotonic() + 60
    while not (killed := workers_before - children(zygote)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(killed) == 1  # the worker evaluating it was stopped, not abandoned
    assert not any(Path(f"/proc/{pid}").exists() for pid in killed)
    assert len(children(zygote)) == len(workers_before)  # and replaced
    assert count(http) > 0


def test_result_rows_are_capped_and_the_cap_is_announced(http):
    everything = http.get(
        "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, headers={"Accept": "text/csv"}
    )
    assert len(everything.text.splitlines()) == MAX_ROWS + 1
    assert everything.headers["x-sparql-maxrows"] == str(MAX_ROWS)
    small = http.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"},
        headers={"Accept": "text/csv"},
    )
    assert len(small.text.splitlines()) == 4
    assert "x-sparql-maxrows" not in small.headers


def test_oversized_requests_get_413(http):
    huge = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (2 * 1024 * 1024)
    answer = http.post(
        "/sparql", content=huge.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert answer.status_code == 413
    long_query = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (300 * 1024)
    assert http.post("/sparql", data={"query": long_query}).status_code == 413


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
        "SELECT * WHERE { FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }",
        "SELECT * WHERE { FILTER(" + "!" * 20_000 + "true) }",
        "SELECT * WHERE { ?s " + "(" * 50_000 + "<http://e/p>" + ")" * 50_000 + " ?o }",
    ],
    ids=["braces", "parentheses", "negations", "path"],
)
def test_queries_nested_thousands_deep_get_400_and_the_server_lives_on(http, query):
    answer = http.post(
        "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert answer.status_code == 400
    assert "levels deep" in answer.text
    assert count(http) > 0


def test_a_flat_chain_of_ten_thousands_operators_does_not_crash_the_server(http):
    query = "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o"] * 20_000) + ") } LIMIT 1"
    answer = http.post(
        "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert answer.status_code in (200, 503)
    assert count(http) > 0


def test_a_malformed_query_gets_400_with_the_parsers_message(http):
    answer = http.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
    assert answer.status_code == 400
    assert answer.text.startswith("SPARQL syntax error: error at 1:")  # where the client wrote it


def test_an_unknown_format_gets_406(http):
    answer = http.get("/sparql", params={"query": COUNT}, headers={"Accept": "image/png"})
    assert answer.status_code == 406
    assert "application/sparql-results+json" in answer.text
    construct = http.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"Accept": "text/csv"},
    )
    assert construct.status_code == 406
    resource = http.get("/id/result/justice-in-guatemala", headers={"Accept": "image/png"})
    assert resource.status_code == 406


def test_html_escapes_every_literal(http):
    query = 'SELECT ?x WHERE { BIND("<script>alert(1)</script> & <b>" AS ?x) }'
    page = http.get("/sparql", params={"query": query}, headers={"Accept": "text/html"}).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in page
    shown = http.get(
        "/sparql",
        params={"query": query + " #</textarea><script>"},
        headers={"Accept": "text/html"},
    ).text
    assert "</textarea><script>" not in shown


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/queries/results-by-place?place=no%20such%20place%20%3E%20%7D", 400),
        ("/queries/results-by-place?nope=1", 400),
        ("/queries/no-such-question", 404),
        ("/dumps/../../etc/passwd", 404),
        ("/sources/nothing.txt", 404),
        ("/sparql?query=ASK%7B%7D&format=png", 406),
    ],
)
def test_bad_input_anywhere_gets_a_clear_4xx(http, path, status):
    answer = http.get(path)
    assert answer.status_code == status, answer.text
    assert "Traceback" not in answer.text


def test_bodies_that_are_not_queries_get_clear_4xx(http):
    binary = http.post(
        "/sparql", content=b"\xff\xfe\x00", headers={"Content-Type": "application/sparql-query"}
    )
    assert binary.status_code == 400
    other = http.post("/sparql", content=b"query", headers={"Content-Type": "text/plain"})
    assert other.status_code == 415
    empty = http.post(
        "/sparql", content=b"", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert empty.status_code == 400
    assert "no query" in empty.text


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.text(
        alphabet=st.sampled_from(list("SELECTWHERAKONSTUCIBD{}()[]<>?$\"'#:;.,!*/^|&=-+ \n\\")),
        max_size=200,
    )
)
def test_no_input_produces_a_500_or_a_traceback(http, text):
    answer = http.post(
        "/sparql",
        content=text.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "*/*"},
    )
    assert answer.status_code < 500 or answer.status_code == 503, text
    assert "Traceback" not in answer.text


def test_the_command_line_reports_a_busy_port_in_one_line():
    with socket.socket() as taken:
        port = free_port()
        taken.bind(("127.0.0.1", port))
        taken.listen(1)
        run = subprocess.run(
            [str(STRATEGYKG), "serve", "--port", str(port)], capture_output=True, text=True
        )
    assert run.returncode == 2
    assert (
        run.stderr.strip() == f"strategykg: cannot listen on 127.0.0.1:{port}: the port is in use"
    )


def test_the_command_line_refuses_a_base_that_is_not_an_http_iri():
    run = subprocess.run(
        [str(STRATEGYKG), "serve", "--base", "ftp://example.org/x"], capture_output=True, text=True
    )
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1
    assert "--base" in run.stderr


def test_a_malformed_query_gets_its_400_at_once_while_every_worker_is_busy():
    with (
        running_server("--workers", "1", "--timeout", "10") as lone,
        httpx.Client(base_url=lone.url, timeout=60) as client,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        heavy = pool.submit(client.get, "/sparql", params={"query": CARTESIAN})
        time.sleep(0.5)  # let the heavy query reach the only worker (a wait, not a judgement)
        malformed = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p "})
        assert malformed.status_code == 400
        assert malformed.text.startswith("SPARQL syntax error: error at 1:")
        assert not heavy.done()  # it did not wait for the worker to come free
        assert heavy.result().status_code == 503
