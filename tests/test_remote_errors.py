"""When a remote store fails, the user gets one line naming the endpoint, exit 2, and the store
keeps what it had.

A real `oxigraph serve` holds the shipped dataset. In front of it, small local servers play
the parts of what goes wrong: a proxy that demands credentials or refuses some requests, a
page that is not SPARQL results, a port that never answers, a port nobody listens on.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from strategykg.cli import main
from strategykg.remote import Credentials, RemoteEngine, RemoteError
from tests.conftest import free_port
from tests.stores import (
    assert_store_holds,
    fixed_answer,
    guard_proxy,
    publish,
    reworded,
    running_store,
    silent,
    url_of,
    write_data,
)

NO_CREDENTIALS = {"STRATEGYKG_USER": None, "STRATEGYKG_PASSWORD": None, "STRATEGYKG_TOKEN": None}
COMMANDS = ["query", "validate", "push"]
UNCHANGED = "the published graphs are unchanged"


@pytest.fixture(scope="module")
def store(tmp_path_factory, kg):
    with running_store("oxigraph", tmp_path_factory.mktemp("oxigraph")) as store:
        publish(store, kg)
        yield store


@pytest.fixture(scope="module")
def changed_files(project_root, tmp_path_factory) -> list[str]:
    folder = tmp_path_factory.mktemp("changed")
    return [str(p) for p in write_data(project_root, folder, reworded)]


@pytest.fixture(autouse=True)
def store_keeps_what_it_had(request, kg):
    """After every test here, the real store still holds the shipped dataset, whole."""
    yield
    if "store" in request.fixturenames:
        assert_store_holds(request.getfixturevalue("store"), kg)


def run(command: str, endpoint: str, project_root, *extra: str, files: list[str] = ()):
    args = {
        "query": ["query", "places", "--root", str(project_root), "--endpoint", endpoint],
        "validate": ["validate", "--root", str(project_root), "--endpoint", endpoint],
        "push": ["push", "--root", str(project_root), *files, "--endpoint", endpoint, "--quiet"],
    }[command]
    return CliRunner().invoke(main, [*args, *extra], env=NO_CREDENTIALS)


def assert_one_line_error(result, endpoint: str, *phrases: str) -> str:
    """Exit 2 and exactly one line on stderr, which names the endpoint: never a traceback."""
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("strategykg: ")
    assert endpoint in lines[0]
    for phrase in phrases:
        assert phrase in lines[0]
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("command", COMMANDS)
def test_a_store_that_is_not_running(command, project_root):
    endpoint = f"http://127.0.0.1:{free_port()}/query"
    result = run(command, endpoint, project_root)
    assert_one_line_error(result, endpoint, "cannot reach", "connection refused")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_store_that_never_answers(command, project_root):
    with silent() as endpoint:
        result = run(command, endpoint, project_root, "--timeout", "1")
    assert_one_line_error(result, endpoint, "did not answer within 1 s")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_store_that_wants_credentials_that_were_not_given(command, store, project_root):
    with guard_proxy(store.server.base, user="alice", password="s3cret") as proxy:
        endpoint = url_of(proxy)
        result = run(command, endpoint, project_root)
    assert_one_line_error(result, endpoint, "refused the credentials (HTTP 401)", "give --user")


@pytest.mark.parametrize("command", COMMANDS)
def test_a_store_that_refuses_a_wrong_password(command, store, project_root):
    with guard_proxy(store.server.base, user="alice", password="s3cret") as proxy:
        endpoint = url_of(proxy)
        result = run(command, endpoint, project_root, "--user", "alice", "--password", "wrong")
    assert_one_line_error(result, endpoint, "(HTTP 401)", "check --user/--password or --token")


@pytest.mark.parametrize("command", COMMANDS)
def test_basic_credentials_go_with_every_request(command, store, project_root):
    with guard_proxy(store.server.base, user="alice", password="s3cret") as proxy:
        result = run(
            command, url_of(proxy), project_root, "--user", "alice", "--password", "s3cret"
        )
        assert result.exit_code == 0, result.output
        assert all(method for method, _path, _body in proxy.requests)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bearer_token_goes_with_every_request(command, store, project_root):
    with guard_proxy(store.server.base, token="t0ken") as proxy:
        good = run(command, url_of(proxy), project_root, "--token", "t0ken")
        bad = run(command, url_of(proxy), project_root, "--token", "stale")
    assert good.exit_code == 0, good.output
    assert_one_line_error(bad, url_of(proxy), "(HTTP 401)")


def test_credentials_can_come_from_the_environment(store, project_root):
    with guard_proxy(store.server.base, token="t0ken") as proxy:
        result = CliRunner().invoke(
            main,
            ["query", "places", "--root", str(project_root), "--endpoint", url_of(proxy)],
            env={**NO_CREDENTIALS, "STRATEGYKG_TOKEN": "t0ken"},
        )
    assert result.exit_code == 0, result.output


def writes(handler, _body: bytes) -> bool:
    return handler.command == "POST" and handler.path.startswith(("/update", "/store"))


def test_a_read_only_account_cannot_push(store, project_root, changed_files):
    forbidden = (403, "text/plain", b"this account may only read")
    with guard_proxy(
        store.server.base, refuse=lambda h, b: forbidden if writes(h, b) else None
    ) as proxy:
        pushed = run("push", url_of(proxy), project_root, files=changed_files)
        read = run("query", url_of(proxy), project_root)
    line = assert_one_line_error(pushed, url_of(proxy, "/store"), "forbids the upload (HTTP 403)")
    assert line.endswith(UNCHANGED)
    assert read.exit_code == 0, read.output


@pytest.mark.parametrize("command", COMMANDS)
def test_a_url_that_is_not_a_sparql_endpoint(command, store, project_root):
    endpoint = store.server.base + "/sparql-is-not-here"
    result = run(command, endpoint, project_root)
    assert_one_line_error(result, endpoint, "no SPARQL endpoint at", "(HTTP 404)")


def test_a_store_that_rejects_part_of_the_upload(store, project_root, changed_files):
    posts = []

    def third_upload_too_large(handler, body: bytes):
        if handler.path.startswith("/store") and body:
            posts.append(handler.path)
            if len(posts) == 3:
                return 413, "text/plain", b"Payload Too Large: the limit is 1 MB"
        return None

    with guard_proxy(store.server.base, refuse=third_upload_too_large) as proxy:
        result = run(
            "push", url_of(proxy), project_root, "--chunk-size", "200", files=changed_files
        )
    line = assert_one_line_error(
        result, url_of(proxy, "/store"), "rejected the upload (HTTP 413): Payload Too Large"
    )
    assert line.endswith(UNCHANGED)


def test_a_store_that_fails_the_swap(store, project_root, changed_files):
    def no_move(handler, body: bytes):
        if handler.path.startswith("/update") and b"every graph replaced" in body:
            return 500, "text/plain", b"No space left on device"
        return None

    with guard_proxy(store.server.base, refuse=no_move) as proxy:
        result = run("push", url_of(proxy), project_root, files=changed_files)
    line = assert_one_line_error(
        result, url_of(proxy, "/update"), "failed on the swap (HTTP 500): No space left on device"
    )
    assert line.endswith(UNCHANGED)


@pytest.mark.parametrize("command", COMMANDS)
def test_an_answer_that_is_not_sparql_results(command, project_root):
    page = b"<!doctype html><html><body><h1>Welcome to our portal</h1></body></html>"
    with fixed_answer(200, "text/html; charset=utf-8", page) as server:
        result = run(command, url_of(server), project_root)
    assert_one_line_error(result, url_of(server), "is not SPARQL results (got text/html)")


def test_an_answer_that_claims_to_be_json_but_is_not(project_root):
    with fixed_answer(200, "application/sparql-results+json", b"{ results: oops") as server:
        result = run("query", url_of(server), project_root)
    assert_one_line_error(result, url_of(server), "is not SPARQL results (malformed")


def test_a_store_that_is_down_for_maintenance(project_root):
    with fixed_answer(503, "text/plain", b"Service Unavailable: back at 6 pm") as server:
        result = run("query", url_of(server), project_root)
    assert_one_line_error(result, url_of(server), "(HTTP 503): Service Unavailable: back at 6 pm")


def test_a_query_the_store_cannot_parse(store, project_root, tmp_path):
    broken = tmp_path / "broken.rq"
    broken.write_text("# title: A broken question\nSELECT ?x WHERE { ?x\n")
    result = CliRunner().invoke(
        main,
        ["query", str(broken), "--root", str(project_root), "--endpoint", store.query_url],
        env=NO_CREDENTIALS,
    )
    assert_one_line_error(result, store.query_url, "rejected the query (HTTP 400)")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--graph", "not an iri"], "is not an absolute IRI"),
        (["--user", "alice"], "--user and --password go together"),
        (["--token", "t", "--user", "a", "--password", "p"], "not both"),
    ],
)
def test_a_mistake_in_the_options_is_one_line_too(store, project_root, extra, message):
    for command in COMMANDS:
        result = run(command, store.query_url, project_root, *extra)
        assert result.exit_code == 2, result.output
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_a_proxy_is_told_why_the_store_cannot_answer(store):
    """`serve --endpoint` maps these to 502 (or 504 for a timeout)."""
    nowhere = RemoteEngine(f"http://127.0.0.1:{free_port()}/query", graphs=[])
    with pytest.raises(RemoteError) as unreachable:
        nowhere.forward("ASK {}", "application/sparql-results+json")
    assert unreachable.value.kind == "unreachable"
    with guard_proxy(store.server.base, token="t0ken") as proxy:
        wrong = RemoteEngine(url_of(proxy), graphs=[], credentials=Credentials(token="stale"))
        with pytest.raises(RemoteError) as unauthorized:
            wrong.forward("ASK {}", "application/sparql-results+json")
    assert unauthorized.value.kind == "unauthorized"
    assert unauthorized.value.status == 401
