"""Real SPARQL stores on loopback for the remote tests, and small HTTP servers that misbehave.

OxigraphServer runs `oxigraph serve` (the PyPI wheel's binary) and VirtuosoServer runs
Virtuoso Open Source (Debian's virtuoso-opensource-7-bin) from a throwaway folder. Both
can be killed with SIGKILL and restarted on the same data, as a crashed store would be.
GuardProxy stands in front of a store and demands credentials or refuses some requests;
FixedAnswer answers every request the same way; Silent accepts connections and never answers.
"""

from __future__ import annotations

import base64
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox

from strategykg.load import KnowledgeGraph
from strategykg.namespaces import GRAPH
from strategykg.push import STAGING, PushReport, diff, push
from strategykg.remote import Credentials, Endpoints, RemoteEngine
from strategykg.validate import ValidationOutcome, validate
from tests.conftest import free_port

OXIGRAPH = Path(sys.executable).parent / "oxigraph"
STORE_KINDS = ["oxigraph", "virtuoso"]


def _wait_until_ready(url: str, process: subprocess.Popen, log: Path, limit: float = 90) -> None:
    """Poll the query endpoint until it answers (a bounded wait, not a timed assertion)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the store exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            answer = httpx.post(
                url,
                data={"query": "ASK {}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=2,
            )
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(
        f"the store at {url} did not start: {log.read_text(errors='replace')[-2000:]}"
    )


class Server:
    """A store process on 127.0.0.1 that can be stopped, killed and restarted on its data."""

    kind = ""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.log = folder / "server.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        raise NotImplementedError

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), stdout=log, stderr=subprocess.STDOUT, cwd=self.folder
            )
        _wait_until_ready(self.query_url, self.process, self.log)

    def kill(self) -> None:
        """SIGKILL: the store gets no chance to flush or clean up, as in a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> None:
        self.stop()
        self.start()


class OxigraphServer(Server):
    kind = "oxigraph"

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    def command(self) -> list[str]:
        location = self.folder / "data"
        return [
            str(OXIGRAPH),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{self.port}",
        ]


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {folder}

[HTTPServer]
ServerPort = 127.0.0.1:{port}
ServerRoot = {folder}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
"""


class VirtuosoServer(Server):
    """Virtuoso Open Source 7: reads at /sparql; writes need the dba account (HTTP Digest)."""

    kind = "virtuoso"
    user = "dba"
    password = "dba"  # the default of a fresh Virtuoso database

    def __init__(self, folder: Path):
        super().__init__(folder)
        self.sql_port = free_port()
        ini = VIRTUOSO_INI.format(folder=folder, port=self.port, sql_port=self.sql_port)
        (folder / "virtuoso.ini").write_text(ini)

    @property
    def query_url(self) -> str:
        return f"{self.base}/sparql"

    def command(self) -> list[str]:
        return [shutil.which("virtuoso-t") or "virtuoso-t", "-f", "-c", "virtuoso.ini"]


@dataclass
class Store:
    """A running store and how strategykg reaches it (the same for the library and the CLI)."""

    server: Server
    endpoints: Endpoints
    credentials: Credentials = field(default_factory=Credentials)
    push_args: list[str] = field(default_factory=list)
    graph: str | None = None  # the one graph the dataset was pushed to, if not one per file

    @property
    def kind(self) -> str:
        return self.server.kind

    @property
    def query_url(self) -> str:
        return self.endpoints.query

    def engine(self, graphs: list[str] | None = None) -> RemoteEngine:
        return RemoteEngine(self.query_url, graphs=graphs, credentials=self.credentials)

    def graphs(self, prefix: str) -> list[str]:
        return self.engine(graphs=[]).named_graphs([prefix])

    def clear(self) -> None:
        """Drop every graph strategykg may have written, so each test starts from empty."""
        names = self.graphs(str(GRAPH)) + self.graphs(STAGING) + self.graphs("https://example.org/")
        if names:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in names))

    def update(self, text: str) -> None:
        with self.engine().client() as client:
            answer = client.post(
                self.endpoints.update,
                content=text.encode(),
                headers={"Content-Type": "application/sparql-update"},
            )
        answer.raise_for_status()


@contextmanager
def running_store(kind: str, folder: Path) -> Iterator[Store]:
    """Start a store of the given kind in folder, and always stop it."""
    if kind == "oxigraph":
        server: Server = OxigraphServer(folder)
        store = Store(server, Endpoints.infer(f"{server.base}/query"))
    else:
        server = VirtuosoServer(folder)
        base = server.base
        credentials = Credentials(VirtuosoServer.user, VirtuosoServer.password)
        endpoints = Endpoints.infer(
            f"{base}/sparql",
            update=f"{base}/sparql-auth",
            store=f"{base}/sparql-graph-crud-auth",
        )
        push_args = [
            "--update-endpoint",
            endpoints.update,
            "--gsp-endpoint",
            str(endpoints.store),
            "--user",
            VirtuosoServer.user,
            "--password",
            VirtuosoServer.password,
        ]
        store = Store(server, endpoints, credentials, push_args)
    server.start()
    try:
        yield store
    finally:
        server.stop()


# Small HTTP servers that misbehave ----------------------------------------------------------


Rule = Callable[[BaseHTTPRequestHandler, bytes], tuple[int, str, bytes] | None]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _answer(
        self, status: int, content_type: str, body: bytes, headers: dict | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.server.handle_request_with(self, b"")

    def do_POST(self) -> None:  # noqa: N802
        self.server.handle_request_with(self, self._body())


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, respond: Callable[[_Handler, bytes], None]):
        super().__init__(("127.0.0.1", free_port()), _Handler)
        self.respond = respond
        self.requests: list[tuple[str, str, bytes]] = []

    def handle_request_with(self, handler: _Handler, body: bytes) -> None:
        self.requests.append((handler.command, handler.path, body))
        self.respond(handler, body)


@contextmanager
def http_server(respond: Callable[[_Handler, bytes], None]) -> Iterator[_Server]:
    server = _Server(respond)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def url_of(server: _Server, path: str = "/query") -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}{path}"


@contextmanager
def fixed_answer(status: int, content_type: str, body: bytes) -> Iterator[_Server]:
    """Answers every request with the same status and body (an HTML page, a 403…)."""
    with http_server(lambda handler, _body: handler._answer(status, content_type, body)) as server:
        yield server


@contextmanager
def silent() -> Iterator[str]:
    """A port that accepts connections and never answers: the client's timeout must fire."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)  # the kernel completes handshakes; nobody ever reads or replies
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/query"
    finally:
        sock.close()


@contextmanager
def guard_proxy(
    upstream: str,
    *,
    user: str | None = None,
    password: str | None = None,
    token: str | None = None,
    refuse: Rule | None = None,
) -> Iterator[_Server]:
    """A reverse proxy to a store that demands Basic or Bearer credentials, and may refuse.

    refuse(handler, body) returns (status, content type, body) to answer instead of the
    store, or None to forward. Its paths are the store's: /query, /update, /store.
    """
    expected = None
    if user:
        expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    elif token:
        expected = f"Bearer {token}"
    client = httpx.Client(timeout=60)

    def respond(handler: _Handler, body: bytes) -> None:
        if expected and handler.headers.get("Authorization") != expected:
            scheme = "Basic" if user else "Bearer"
            handler._answer(
                401,
                "text/plain",
                b"credentials required",
                {"WWW-Authenticate": f'{scheme} realm="store"'},
            )
            return
        if refuse and (answer := refuse(handler, body)):
            handler._answer(*answer)
            return
        headers = {
            name: value
            for name, value in handler.headers.items()
            if name.lower() in ("content-type", "accept")
        }
        forwarded = client.request(
            handler.command, upstream + handler.path, content=body, headers=headers
        )
        handler._answer(
            forwarded.status_code,
            forwarded.headers.get("content-type", "application/octet-stream"),
            forwarded.content,
        )

    with http_server(respond) as server:
        yield server
    client.close()


# Datasets for the tests ---------------------------------------------------------------------

_OUTCOMES: dict[int, tuple[KnowledgeGraph, ValidationOutcome]] = {}


def publish(store: Store, kg: KnowledgeGraph, **options: object) -> PushReport:
    """push() with the store's endpoints and credentials, validating each dataset only once."""
    if id(kg) not in _OUTCOMES:
        _OUTCOMES[id(kg)] = (kg, validate(kg))  # holding kg keeps its id from being reused
    outcome = _OUTCOMES[id(kg)][1]
    endpoints = options.pop("endpoints", store.endpoints)
    credentials = store.credentials
    return push(kg, endpoints, credentials=credentials, outcome=outcome, **options)  # type: ignore[arg-type]


NEW_LABEL = "The Government of Canada, reworded"


def write_data(project_root: Path, folder: Path, edit=None, extra: str | None = None) -> list[Path]:
    """A copy of data/*.ttl in folder, each text passed through edit(name, text) -> (name, text)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for path in sorted((project_root / "data").glob("*.ttl")):
        name, text = path.name, path.read_text(encoding="utf-8")
        if edit:
            name, text = edit(name, text)
        (folder / name).write_text(text, encoding="utf-8")
        files.append(folder / name)
    if extra:
        (folder / "extra.ttl").write_text(extra, encoding="utf-8")
        files.append(folder / "extra.ttl")
    return files


def reworded(name: str, text: str) -> tuple[str, str]:
    """One label reworded, and places.ttl renamed to locations.ttl (its graph name changes)."""
    if name == "actors.ttl":
        assert '"Government of Canada"@en' in text
        text = text.replace('"Government of Canada"@en', f'"{NEW_LABEL}"@en', 1)
    return ("locations.ttl" if name == "places.ttl" else name), text


def misquoted(name: str, text: str) -> tuple[str, str]:
    """A quote that the source text does not contain: validation must fail."""
    if name == "goal-2.ttl":
        text = text.replace('oa:exact "', 'oa:exact "Not in the source: ', 1)
    return name, text


def triples_of(kg: KnowledgeGraph, graph: str) -> list[ox.Triple]:
    return [q.triple for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]


def assert_store_holds(store: Store, kg: KnowledgeGraph, *, clean: bool = True) -> None:
    """Every source graph is on the store, isomorphic to the local one, and no other project
    graph; clean: no staging graph either."""
    assert store.graphs(str(GRAPH)) == sorted(s.graph for s in kg.sources)
    engine = store.engine(graphs=[])
    for source in kg.sources:
        assert diff(triples_of(kg, source.graph), engine.fetch(source.graph)) == (0, 0), (
            source.graph
        )
    if clean:
        assert store.graphs(STAGING) == []
