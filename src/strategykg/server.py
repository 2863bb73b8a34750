"""The linked-data server: a SPARQL 1.1 endpoint and dereferenceable IRIs (Starlette, on uvicorn).

The routes are thin: they read the request, negotiate a format through
:mod:`strategykg.negotiation`, check a query with :mod:`strategykg.sparql_guard`, and hand
the work to a backend. The default backend is a pool of forked query workers over the
embedded pyoxigraph store (:mod:`strategykg.workers`, :class:`~strategykg.service.StoreService`),
which is what lets the server stop a query at its time limit while it keeps serving others.
Any other :class:`~strategykg.engines.Engine` can stand behind the same routes
(:class:`~strategykg.service.EngineService`, in threads).

Safe by default: read-only (updates get 403), no SERVICE to other hosts unless allowed, a
time limit on every query (503 when it is reached, and the query is stopped), a cap on result
rows (the query's top-level LIMIT is lowered to it, and ``X-SPARQL-MaxRows`` says so), a cap
on request size (413), a nesting-depth guard (400) before any parser runs, 406 for formats it
cannot write, and an answer with one clear line for every error.

The data cannot change while the server runs, so what is the same for everyone (dumps, the
context, counts) is made once at start-up, every GET answer carries a weak ETag derived from
the request and the data's version (``If-None-Match`` gets 304 without any work), and
identical GETs are answered from an in-memory cache when it is on (``--cache-mb``).
"""

from __future__ import annotations

import asyncio
import hashlib
import sys
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, quote, urlencode

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from strategykg.engines import Engine
from strategykg.errors import InputError
from strategykg.linkeddata import Describer, Vocabulary
from strategykg.live_docs import DOCS_TIME_LIMIT, SVG, DocsWriter, OntologyDocs, diagram_path
from strategykg.live_dumps import DUMPS, DumpShelf, DumpWriter
from strategykg.load import KnowledgeGraph
from strategykg.namespaces import DEFAULT_BASE
from strategykg.negotiation import (
    BY_NAME,
    BY_SUFFIX,
    GRAPHS,
    HTML,
    PAGE,
    RESOURCE,
    RESULTS,
    Format,
    acceptable_list,
    from_parameter,
    negotiate,
    pick_language,
)
from strategykg.ondemand import OnFirstRequest
from strategykg.publication import Publication, serialize_triples, source_prefixes
from strategykg.queries import QueryLibrary
from strategykg.service import (
    EngineService,
    Renderer,
    SparqlJob,
    StoreService,
    finish,
    syntax_error,
)
from strategykg.sparql_guard import GuardError, cap_rows, inspect
from strategykg.workers import JobFailed, JobTimeout, PoolBusy, WorkerDied, WorkerPool

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Link, Content-Location, Vary, X-SPARQL-MaxRows",
}
PREFLIGHT = {
    **CORS,
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type, If-None-Match",
    "Access-Control-Max-Age": "86400",
    "Allow": "GET, HEAD, POST, OPTIONS",
}
# GET answers may be kept a minute by browsers and proxies; after that they revalidate (ETag).
CACHE_CONTROL = "public, max-age=60"
EXAMPLE_QUERY = """PREFIX skg: <https://w3id.org/strategykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?result ?label WHERE {
  ?result a skg:Result ; rdfs:label ?label .
  FILTER (lang(?label) = "en")
}
ORDER BY ?result"""


@dataclass
class ServerConfig:
    """The server's limits and switches (the CLI's options)."""

    base: str = DEFAULT_BASE
    timeout: float = 10.0
    max_rows: int = 100_000
    max_query_bytes: int = 256 * 1024
    max_body_bytes: int = 1024 * 1024
    max_depth: int = 64
    allow_service: bool = False
    workers: int = 2
    cache_mb: int = 256

    def summary(self) -> str:
        service = "SERVICE allowed" if self.allow_service else "no SERVICE"
        return (
            f"Read-only SPARQL 1.1 endpoint over the union of the named graphs; {service}; "
            f"each query stops after {self.timeout:g} s; at most {self.max_rows} result rows; "
            f"queries up to {self.max_query_bytes} bytes, nested at most {self.max_depth} deep."
        )


class Backend(Protocol):
    """Runs the service's jobs (sparql, describe, page, graph, render) with a time limit."""

    async def run(self, op: str, args: tuple, timeout: float) -> dict: ...

    async def run_apart(self, op: str, args: tuple, timeout: float) -> object:
        """A big job (a dump) that must not hold a query worker."""
        ...

    def busy(self) -> bool: ...

    def close(self) -> None: ...


class PoolBackend:
    """Jobs in forked workers over the embedded store: a query past its limit is killed."""

    def __init__(self, service: StoreService, workers: int):
        self.pool = WorkerPool(service.handle, size=workers, warm=service.warm)

    async def run(self, op: str, args: tuple, timeout: float) -> dict:
        return await self.pool.run(op, args, timeout)  # type: ignore[return-value]

    async def run_apart(self, op: str, args: tuple, timeout: float) -> object:
        return await self.pool.run_apart(op, args, timeout)

    def busy(self) -> bool:
        return self.pool.idle() == 0

    def close(self) -> None:
        self.pool.close()


class ThreadBackend:
    """Jobs in threads over any Engine. A thread cannot be stopped: past the limit the client
    gets 503 at once and the engine (a remote store's own timeout) must end the query."""

    def __init__(self, service: EngineService):
        self.service = service

    async def run(self, op: str, args: tuple, timeout: float) -> dict:
        try:
            return await asyncio.wait_for(asyncio.to_thread(self.service.handle, op, args), timeout)  # type: ignore[return-value]
        except TimeoutError:
            raise JobTimeout() from None

    async def run_apart(self, op: str, args: tuple, timeout: float) -> object:
        return await self.run(op, args, timeout)  # threads hold nothing the queries need

    def busy(self) -> bool:
        return False  # a thread per job: nothing queues here

    def close(self) -> None:
        pass


@dataclass
class Reply:
    """An answer before it becomes a Response: kept as such in the cache."""

    status: int
    body: bytes
    media_type: str
    gzip: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class ResponseCache:
    """Least-recently-used replies, up to a total size in bytes."""

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.size = 0
        self.items: OrderedDict[tuple, Reply] = OrderedDict()

    def get(self, key: tuple) -> Reply | None:
        reply = self.items.get(key)
        if reply is not None:
            self.items.move_to_end(key)
        return reply

    def put(self, key: tuple, reply: Reply) -> None:
        cost = len(reply.body) + 512
        if cost > self.capacity // 2:
            return  # one answer may not push out most of the others
        if key in self.items:
            self.size -= len(self.items.pop(key).body) + 512
        self.items[key] = reply
        self.size += cost
        while self.size > self.capacity and self.items:
            _, old = self.items.popitem(last=False)
            self.size -= len(old.body) + 512


@lru_cache(maxsize=1024)
def query_items(raw: bytes) -> tuple[tuple[str, str], ...]:
    """A query string's parameters, decoded once per distinct string (clients repeat queries)."""
    return tuple(parse_qsl(raw.decode("latin-1"), keep_blank_values=True))


def accepts_gzip(request: Request) -> bool:
    for item in request.headers.get("accept-encoding", "").split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            return params.replace(" ", "").lower() not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


def etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in header.split(","))


CACHE_MARK = b"x-strategykg-cacheable"


class FastCache:
    """The response cache, in front of everything: identical GET requests (same path, query
    string, Accept, Accept-Encoding, Accept-Language and Host) get the stored bytes without
    routing, negotiation or any other work. Only answers the routes mark cacheable are kept
    (200s that depend on nothing but the request and the immutable data)."""

    def __init__(self, app: ASGIApp, capacity: int):
        self.app = app
        self.entries: OrderedDict[tuple, tuple[int, list, bytes, bytes | None]] = OrderedDict()
        self.capacity = capacity
        self.size = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        wanted = {b"accept": b"", b"accept-encoding": b"", b"accept-language": b"", b"host": b""}
        match = b""
        for name, value in scope["headers"]:
            if name in wanted:
                wanted[name] = value
            elif name == b"if-none-match":
                match = value
        key = (scope["path"], scope["query_string"], *wanted.values())
        hit = self.entries.get(key)
        if hit is not None:
            self.entries.move_to_end(key)
            status, headers, body, etag = hit
            if match and etag and etag_matches(match.decode("latin-1"), etag.decode("latin-1")):
                kept = [h for h in headers if h[0] in (b"etag", b"vary", b"cache-control")]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if any(name == CACHE_MARK for name, _ in headers):
                    start["headers"] = [(n, v) for n, v in headers if n != CACHE_MARK]
                    start["status"] = message["status"]
                    message = {**message, "headers": start["headers"]}
            elif message["type"] == "http.response.body" and start:
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        if start and start["status"] == 200 and scope["method"] == "GET":
            body = b"".join(chunks)
            etag = next((v for n, v in start["headers"] if n == b"etag"), None)
            cost = len(body) + 1024
            if cost <= self.capacity // 2:
                self.entries[key] = (200, start["headers"], body, etag)
                self.size += cost
                while self.size > self.capacity and self.entries:
                    _, old = self.entries.popitem(last=False)
                    self.size -= len(old[2]) + 1024


class PreflightMiddleware:
    """Answers CORS preflight and plain OPTIONS requests for every path."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            await Response(status_code=204, headers=PREFLIGHT)(scope, receive, send)
            return
        await self.app(scope, receive, send)


class LinkedDataServer:
    """The routes, over one backend, one publication and one response cache."""

    def __init__(
        self,
        kg: KnowledgeGraph,
        config: ServerConfig,
        engine: Engine | None = None,
    ):
        self.kg = kg
        self.config = config
        self.vocabulary = Vocabulary(config.base, source_prefixes(kg))
        texts = {Path(name).name: text for name, text in kg.texts.items()}
        self.texts = texts
        self.describer = Describer(kg.store, self.vocabulary, texts)
        self.publication = Publication(kg, self.describer, config.summary())
        self.prefixes = self.publication.prefixes()
        self.renderer = Renderer()
        self.library = QueryLibrary(kg.root / "queries")
        self.aliases = self._aliases()
        self.started = time.time()
        writer = DumpWriter(
            kg.store, self.prefixes, self.publication.compactor, self.publication.context
        )
        docs = DocsWriter(kg, config.base)
        if engine is None:
            service = StoreService(
                kg.store,
                self.describer,
                self.publication.compactor,
                self.prefixes,
                self.renderer,
                writer,
                docs,
            )
            self.backend: Backend = PoolBackend(service, config.workers)
            self.version: str | None = self.publication.version
        else:
            self.backend = ThreadBackend(
                EngineService(
                    engine,
                    self.vocabulary,
                    self.prefixes,
                    self.renderer,
                    texts,
                    self.publication.compactor,
                    writer,
                    docs,
                )
            )
            self.version = None  # another store's data may change under us: no ETag, no cache
        capacity = config.cache_mb * 1024 * 1024
        self.cache = ResponseCache(capacity) if capacity > 0 and self.version else None
        big_jobs = asyncio.Semaphore(1)  # dumps, documentation: one core for them at most
        self.dump_files = DumpShelf(self.backend.run_apart, big_jobs)
        self.ontology_iri = config.base + "ontology"
        self.documentation: OnFirstRequest[str, OntologyDocs | None] = OnFirstRequest(
            self._document, big_jobs
        )

    async def _document(self, lang: str) -> OntologyDocs | None:
        """The ontology's pyLODE page in lang, or None (said once) when it cannot be made."""
        try:
            docs = await self.backend.run_apart("docs", (lang,), DOCS_TIME_LIMIT)
        except (JobTimeout, WorkerDied, JobFailed) as failure:
            print(
                f"strategykg: the ontology's documentation ({lang}) could not be made, the "
                f"server's own page of it is served instead: {failure or type(failure).__name__}",
                file=sys.stderr,
            )
            return None
        return docs  # type: ignore[return-value]

    def close(self) -> None:
        """Stop the workers and remove the dumps made so far."""
        self.backend.close()
        self.dump_files.close()

    def _aliases(self) -> dict[str, str]:
        """Version IRIs of the ontologies dereference to the ontology itself."""
        aliases = {}
        version_iri = "http://www.w3.org/2002/07/owl#versionIRI"
        for triple in self.describer.triples(None, ox.NamedNode(version_iri)):
            if triple.object.value.startswith(self.config.base):
                aliases[triple.object.value] = triple.subject.value
        return aliases

    # -- plumbing -------------------------------------------------------------------------------

    def origin(self, request: Request) -> str:
        scope = request.scope
        host = request.headers.get("host")
        if not host:
            return str(request.base_url).rstrip("/")
        return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"

    def lang(self, request: Request) -> str:
        asked = request.query_params.get("lang", "")
        if asked in ("en", "fr"):
            return asked
        return pick_language(request.headers.get("accept-language"))

    def chrome(self, request: Request, lang: str, title: str, **extra: object) -> dict:
        """What every page's layout needs."""
        path = request.url.path
        other = "fr" if lang == "en" else "en"
        params = dict(request.query_params)
        params["lang"] = other
        return {
            "title": title,
            "site_title": self.publication.title[lang],
            "switch_href": path + "?" + urlencode(params),
            "other_lang": other,
            **extra,
        }

    def etag(self, key: tuple) -> str | None:
        if self.version is None:
            return None
        digest = hashlib.blake2b(repr(key).encode(), digest_size=10).hexdigest()
        return f'W/"{self.version}-{digest}"'

    def response(self, request: Request, reply: Reply, etag: str | None, vary: str) -> Response:
        headers = {**CORS, "Vary": vary, **reply.headers}
        if reply.status == 200 and etag:
            headers["ETag"] = etag
            headers["Cache-Control"] = CACHE_CONTROL
            if self.cache is not None:
                headers[CACHE_MARK.decode()] = "1"  # FastCache may keep it (and strips this)
        if reply.gzip:
            headers["Content-Encoding"] = "gzip"
        return Response(
            reply.body, status_code=reply.status, headers=headers, media_type=reply.media_type
        )

    def error(
        self, request: Request, status: int, message: str, vary: str = "Accept", **headers: str
    ) -> Response:
        """One clear line, as text, or as a small page for a browser."""
        wants_page = negotiate(request.headers.get("accept"), (BY_NAME["ntriples"], HTML)) is HTML
        text = message.rstrip(".") + "."
        if wants_page and "text/html" in request.headers.get("accept", ""):
            lang = self.lang(request)
            body = self.renderer.render(
                "serve-error.html",
                lang,
                status=status,
                message=text,
                **self.chrome(request, lang, f"{status}"),
            )
            media = HTML.content_type
        else:
            body, media = (text + "\n").encode(), "text/plain; charset=utf-8"
        return Response(
            body, status_code=status, media_type=media, headers={**CORS, "Vary": vary, **headers}
        )

    async def cached(
        self,
        request: Request,
        key: tuple,
        produce: Callable[[], Awaitable[Reply | Response]],
        vary: str,
        cacheable: bool = True,
    ) -> Response:
        """Answer a GET from the ETag, then the cache, then by producing it."""
        key = (self.origin(request), *key)
        etag = self.etag(key) if cacheable else None
        if etag and etag_matches(request.headers.get("if-none-match"), etag):
            return Response(
                status_code=304,
                headers={**CORS, "ETag": etag, "Vary": vary, "Cache-Control": CACHE_CONTROL},
            )
        if self.cache is not None and cacheable and request.method in ("GET", "HEAD"):
            hit = self.cache.get(key)
            if hit is not None:
                return self.response(request, hit, etag, vary)
        reply = await produce()
        if isinstance(reply, Response):
            return reply
        if (
            self.cache is not None
            and cacheable
            and reply.status == 200
            and request.method in ("GET", "HEAD")
        ):
            self.cache.put(key, reply)
        return self.response(request, reply, etag, vary)

    async def job(self, request: Request, op: str, args: tuple) -> dict | Response:
        """Run one job; the failures of the machinery become clear 503s."""
        try:
            return await self.backend.run(op, args, self.config.timeout)
        except JobTimeout:
            return self.error(
                request,
                503,
                f"the query ran past this endpoint's time limit of {self.config.timeout:g} s and "
                "was stopped; narrow it down (add a LIMIT, bind a variable, avoid cartesian products)",
            )
        except PoolBusy:
            return self.error(
                request,
                503,
                "every query worker stayed busy for the whole time limit; try again",
                **{"Retry-After": "1"},
            )
        except WorkerDied:
            return self.error(
                request,
                503,
                "the query engine stopped while evaluating this request; it has been restarted",
            )
        except JobFailed as failure:
            return self.error(request, 500, f"internal error: {failure}")

    # -- SPARQL ---------------------------------------------------------------------------------

    async def read_body(self, request: Request) -> bytes | Response:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.config.max_body_bytes:
            return self.error(
                request, 413, f"the request body is larger than {self.config.max_body_bytes} bytes"
            )
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > self.config.max_body_bytes:
                return self.error(
                    request,
                    413,
                    f"the request body is larger than {self.config.max_body_bytes} bytes",
                )
            chunks.append(chunk)
        return b"".join(chunks)

    async def sparql(self, request: Request) -> Response:
        params = list(query_items(request.scope["query_string"]))
        query: str | None = None
        if request.method == "POST":
            kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if kind == "application/sparql-update":
                return self.read_only(request)
            body = await self.read_body(request)
            if isinstance(body, Response):
                return body
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return self.error(request, 400, "the request body is not UTF-8")
            if kind == "application/x-www-form-urlencoded":
                params += parse_qsl(text, keep_blank_values=True)
            elif kind == "application/sparql-query":
                query = text
            else:
                return self.error(
                    request,
                    415,
                    "send a query as application/sparql-query or application/x-www-form-urlencoded",
                )
        names = [name for name, _ in params]
        if "update" in names:
            return self.read_only(request)
        queries = [value for name, value in params if name == "query"]
        if query is not None and queries:
            return self.error(request, 400, "give the query once: in the body or as a parameter")
        if len(queries) > 1:
            return self.error(request, 400, "give exactly one query parameter")
        query = query if query is not None else (queries[0] if queries else None)
        if query is None:
            if request.method == "POST":
                return self.error(request, 400, "no query: send one in the 'query' parameter")
            return await self.service_description(request)
        fmt = next((value for name, value in params if name in ("format", "output")), None)
        return await self.run_query(
            request,
            query,
            default_graphs=[v for n, v in params if n == "default-graph-uri"] or None,
            named_graphs=[v for n, v in params if n == "named-graph-uri"] or None,
            fmt=fmt,
            cache_key=("sparql", tuple(sorted(params)))
            if request.method in ("GET", "HEAD")
            else None,
            page=lambda lang: {"template": "serve-sparql.html", "lang": lang, "query": query},
        )

    def read_only(self, request: Request) -> Response:
        return self.error(
            request,
            403,
            "this endpoint is read-only: SPARQL updates are refused and nothing was changed",
        )

    def choose(
        self, request: Request, fmt: str | None
    ) -> tuple[Format | None, Format | None, bool] | Response:
        """(results format, graph format, HTML?) from format= or Accept; a Response if none fits."""
        if fmt:
            chosen = from_parameter(fmt, (*RESULTS, *GRAPHS, HTML))
            if chosen is None:
                return self.error(
                    request,
                    406,
                    f"unknown format {fmt!r}; use one of json, xml, csv, tsv, turtle, ntriples, jsonld, rdfxml, html",
                )
            if chosen is HTML:
                return None, None, True
            pairs = {"json": "jsonld", "xml": "rdfxml", "jsonld": "json", "rdfxml": "xml"}
            other = BY_NAME.get(pairs.get(chosen.name, ""))
            if chosen.kind == "results":
                return chosen, other, False
            return other, chosen, False
        accept = request.headers.get("accept")
        if negotiate(accept, (*RESULTS, *GRAPHS, HTML)) is HTML:
            return None, None, True
        results, graph = negotiate(accept, RESULTS), negotiate(accept, GRAPHS)
        if results is None and graph is None:
            return self.error(
                request,
                406,
                "no acceptable format: this endpoint writes "
                + acceptable_list((*RESULTS, *GRAPHS, HTML)),
            )
        return results, graph, False

    async def run_query(
        self,
        request: Request,
        query: str,
        *,
        default_graphs: list[str] | None,
        named_graphs: list[str] | None,
        fmt: str | None,
        cache_key: tuple | None,
        page: Callable[[str], dict],
        download: str | None = None,
    ) -> Response:
        vary = "Accept, Accept-Encoding, Accept-Language"
        chosen = self.choose(request, fmt)
        if isinstance(chosen, Response):
            return chosen
        results, graph, html = chosen
        if len(query.encode("utf-8")) > self.config.max_query_bytes:
            return self.error(
                request, 413, f"the query is longer than {self.config.max_query_bytes} bytes"
            )
        try:
            inspection = inspect(query, self.config.max_depth)
        except GuardError as refused:
            return self.error(request, refused.status, refused.message)
        if inspection.operation == "update":
            return self.read_only(request)
        if inspection.uses_service and not self.config.allow_service:
            return self.error(
                request,
                403,
                "SERVICE (federated query) is switched off on this endpoint; start the server "
                "with --allow-service to allow it",
            )
        text, capped = cap_rows(query, inspection, self.config.max_rows)
        gz = accepts_gzip(request)
        lang = self.lang(request) if html else ""
        job = SparqlJob(
            query=text,
            original=query if capped else None,
            union=not inspection.has_dataset,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            results=results.name if results else None,
            graph=graph.name if graph else None,
            gzip=gz,
        )
        if html:
            job.page = {
                **self.chrome(request, lang, "SPARQL"),
                "formats": self.format_links(request),
                **page(lang),
            }

        async def produce() -> Reply | Response:
            # A malformed query must not wait out the queue for its 400 when every worker is
            # busy; when one is free, parsing there costs the server's loop nothing.
            if inspection.form != "ASK" and self.backend.busy():
                problem = syntax_error(query)
                if problem:
                    return self.error(request, 400, problem, vary)
            answer = await self.job(request, "sparql", (job,))
            if isinstance(answer, Response):
                return answer
            status = answer["status"]
            if status == 406:
                offered = RESULTS if answer["kind"] != "graph" else GRAPHS
                return self.error(
                    request,
                    406,
                    f"this query's answer can be written as {acceptable_list(offered)}, none of which is acceptable",
                    vary,
                )
            if status != 200:
                return self.error(request, status, answer["message"], vary)
            out = BY_NAME[answer["format"]]
            headers = {}
            if capped:
                headers["X-SPARQL-MaxRows"] = str(self.config.max_rows)
            if download and out is not HTML:
                headers["Content-Disposition"] = f'attachment; filename="{download}.{out.suffix}"'
            return Reply(200, answer["body"], out.content_type, answer["gzip"], headers)

        if cache_key is None:
            reply = await produce()
            return (
                reply if isinstance(reply, Response) else self.response(request, reply, None, vary)
            )
        key = (*cache_key, results and results.name, graph and graph.name, html, lang, gz)
        return await self.cached(request, key, produce, vary, cacheable=not inspection.volatile)

    def format_links(self, request: Request) -> list[dict[str, str]]:
        params = [
            (k, v) for k, v in request.query_params.multi_items() if k not in ("format", "lang")
        ]
        links = []
        for fmt in (*RESULTS, *GRAPHS):
            links.append(
                {
                    "name": fmt.label,
                    "href": request.url.path + "?" + urlencode([*params, ("format", fmt.name)]),
                }
            )
        return links

    async def service_description(self, request: Request) -> Response:
        vary = "Accept, Accept-Encoding, Accept-Language"
        fmt = negotiate(request.headers.get("accept"), RESOURCE)  # RDF for */*, as SD asks
        if fmt is None:
            return self.error(
                request, 406, "the service description is available as " + acceptable_list(RESOURCE)
            )
        lang = self.lang(request) if fmt is HTML else ""
        gz = accepts_gzip(request)

        async def produce() -> Reply:
            if fmt is HTML:
                context = self.chrome(request, lang, "SPARQL")
                body = self.renderer.render(
                    "serve-sparql.html",
                    lang,
                    query=EXAMPLE_QUERY,
                    table=None,
                    formats=[],
                    summary=self.config.summary(),
                    **context,
                )
            else:
                body = serialize_triples(
                    self.publication.service_description(self.origin(request)), fmt, self.prefixes
                )
            return self.reply(body, fmt, gz)

        return await self.cached(request, ("sd", fmt.name, lang, gz), produce, vary)

    def reply(self, body: bytes, fmt: Format, gz: bool, **headers: str) -> Reply:
        answer = finish(body, fmt.name, gz)
        return Reply(200, answer["body"], fmt.content_type, answer["gzip"], dict(headers))

    # -- linked data ----------------------------------------------------------------------------

    async def resource(self, request: Request) -> Response:
        raw = request.scope.get("raw_path") or request.url.path.encode()
        path = raw.decode("latin-1").split("?", 1)[0]
        iri = self.config.base + path[1:]
        iri = self.aliases.get(iri, iri)
        suffix_format = None
        if not self.describer.known(iri) and iri not in self.describer.graphs:
            stem, dot, suffix = iri.rpartition(".")
            if dot and suffix in BY_SUFFIX and BY_SUFFIX[suffix] in RESOURCE:
                candidate = self.aliases.get(stem, stem)
                if self.describer.known(candidate) or candidate in self.describer.graphs:
                    iri, suffix_format = candidate, BY_SUFFIX[suffix]
        if iri in self.describer.graphs:
            return await self.named_graph(request, iri, suffix_format)
        if not self.describer.known(iri):
            return self.error(request, 404, f"{iri} is not an IRI of this dataset")
        vary = "Accept, Accept-Encoding, Accept-Language"
        fmt = suffix_format or negotiate(request.headers.get("accept"), RESOURCE)
        if fmt is None:
            return self.error(
                request, 406, f"{iri} is described as " + acceptable_list(RESOURCE), vary
            )
        gz = accepts_gzip(request)
        lang = self.lang(request) if fmt is HTML else ""
        document = "/" + iri[len(self.config.base) :]
        headers = {"Link": self.alternates(document)}
        if suffix_format is None:
            headers["Content-Location"] = f"{document}.{fmt.suffix}"

        async def produce() -> Reply | Response:
            if fmt is HTML and iri == self.ontology_iri:
                docs = await self.documentation.get(lang)
                if docs is not None:
                    return self.reply(docs.page, HTML, gz, **headers)
            if fmt is HTML:
                chrome = self.chrome(request, lang, iri, formats=self.alternate_list(document))
                answer = await self.job(request, "page", (iri, lang, chrome, gz))
            else:
                context_url = self.origin(request) + "/context.jsonld"
                answer = await self.job(request, "describe", (iri, fmt.name, context_url, gz))
            if isinstance(answer, Response):
                return answer
            if answer["status"] != 200:
                return self.error(request, answer["status"], answer["message"], vary)
            return Reply(200, answer["body"], fmt.content_type, answer["gzip"], headers)

        return await self.cached(request, ("resource", iri, fmt.name, lang, gz), produce, vary)

    async def diagram(self, request: Request) -> Response:
        lang = "fr" if request.url.path == diagram_path("fr") else "en"
        docs = await self.documentation.get(lang)
        if docs is None or docs.diagram is None:
            why = docs.no_diagram if docs else "the ontology's documentation could not be made"
            return self.error(request, 404, f"no diagram of the ontology on this server: {why}")
        svg = docs.diagram
        gz = accepts_gzip(request)

        async def produce() -> Reply:
            return self.reply(svg, SVG, gz)

        return await self.cached(request, ("diagram", lang, gz), produce, "Accept-Encoding")

    def alternate_list(self, document: str) -> list[dict[str, str]]:
        return [
            {"name": f.label, "href": f"{document}.{f.suffix}", "media_type": f.media_type}
            for f in GRAPHS
        ]

    def alternates(self, document: str) -> str:
        links = [
            f'<{quote(document)}.{f.suffix}>; rel="alternate"; type="{f.media_type}"'
            for f in RESOURCE
        ]
        return ", ".join(links)

    async def named_graph(
        self, request: Request, graph: str, suffix_format: Format | None
    ) -> Response:
        vary = "Accept, Accept-Encoding, Accept-Language"
        fmt = suffix_format or negotiate(request.headers.get("accept"), RESOURCE)
        if fmt is None:
            return self.error(
                request, 406, f"{graph} is available as " + acceptable_list(RESOURCE), vary
            )
        gz = accepts_gzip(request)
        lang = self.lang(request) if fmt is HTML else ""
        document = "/" + graph[len(self.config.base) :]

        async def produce() -> Reply | Response:
            if fmt is HTML:
                info = next(g for g in self.publication.graphs if g[0] == graph)
                query = f"SELECT DISTINCT ?resource WHERE {{ GRAPH <{graph}> {{ ?resource ?p ?o }} FILTER isIRI(?resource) }} ORDER BY ?resource"
                context = {
                    "graph": graph,
                    "source": info[1],
                    "count": info[3],
                    "formats": self.alternate_list(document),
                    "sparql_href": "/sparql?" + urlencode({"query": query}),
                    **self.chrome(request, lang, graph),
                }
                answer = await self.job(request, "render", ("serve-graph.html", lang, context, gz))
            else:
                answer = await self.job(request, "graph", (graph, fmt.name, gz))
            if isinstance(answer, Response):
                return answer
            return Reply(
                200,
                answer["body"],
                fmt.content_type,
                answer["gzip"],
                {"Link": self.alternates(document)},
            )

        return await self.cached(request, ("graph", graph, fmt.name, lang, gz), produce, vary)

    async def source_text(self, request: Request) -> Response:
        name = request.path_params["name"]
        text = self.texts.get(name)
        if text is None:
            return self.error(request, 404, f"no source text named {name}")
        gz = accepts_gzip(request)

        async def produce() -> Reply:
            answer = finish(text.encode(), "text", gz)
            return Reply(200, answer["body"], "text/plain; charset=utf-8", answer["gzip"])

        return await self.cached(request, ("source", name, gz), produce, "Accept-Encoding")

    # -- publication ----------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        vary = "Accept, Accept-Encoding, Accept-Language"
        fmt = negotiate(request.headers.get("accept"), PAGE)
        if fmt is None:
            return self.error(request, 406, "this page is available as " + acceptable_list(PAGE))
        if fmt is not HTML:
            return await self.void(request)
        lang = self.lang(request)
        gz = accepts_gzip(request)

        async def produce() -> Reply:
            p = self.publication
            classes = []
            for cls, count in p.classes:
                link = self.describer.link(ox.NamedNode(cls), lang)
                query = (
                    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                    f"SELECT ?resource ?label WHERE {{\n  ?resource a <{cls}> .\n"
                    f'  OPTIONAL {{ ?resource rdfs:label ?label FILTER langMatches(lang(?label), "{lang}") }}\n}}\nORDER BY ?resource'
                )
                classes.append(
                    {**link, "count": count, "list_href": "/sparql?" + urlencode({"query": query})}
                )
            featured = []
            for iri in (p.example, self.config.base + "id/themes", self.config.base + "ontology"):
                if iri and self.describer.known(iri):
                    featured.append(self.describer.link(ox.NamedNode(iri), lang))
            context = self.chrome(
                request,
                lang,
                p.title[lang],
                description=p.description.get(lang) or p.description.get("en"),
                triples=p.triples,
                quads=p.quads,
                classes=classes,
                graphs=[
                    {"href": self.vocabulary.href(g), "source": rel, "count": n}
                    for g, rel, _part, n in p.graphs
                ],
                featured=featured,
                questions=len(self.library),
                summary=self.config.summary(),
                dumps=[d for d in DUMPS.values() if not d.compressed],
            )
            return self.reply(self.renderer.render("serve-home.html", lang, **context), HTML, gz)

        return await self.cached(request, ("home", lang, gz), produce, vary)

    async def void(self, request: Request) -> Response:
        vary = "Accept, Accept-Encoding"
        fmt = negotiate(request.headers.get("accept"), GRAPHS)
        if request.query_params.get("format"):
            fmt = from_parameter(request.query_params["format"], GRAPHS)
        if fmt is None:
            return self.error(
                request, 406, "the dataset description is available as " + acceptable_list(GRAPHS)
            )
        gz = accepts_gzip(request)

        async def produce() -> Reply:
            triples = self.publication.void(self.origin(request))
            return self.reply(serialize_triples(triples, fmt, self.prefixes), fmt, gz)

        return await self.cached(request, ("void", fmt.name, gz), produce, vary)

    async def context(self, request: Request) -> Response:
        gz = accepts_gzip(request)

        async def produce() -> Reply:
            return self.reply(self.publication.context_bytes, BY_NAME["jsonld"], gz)

        return await self.cached(request, ("context", gz), produce, "Accept-Encoding")

    async def dumps(self, request: Request) -> Response:
        lang = self.lang(request)
        gz = accepts_gzip(request)
        ready = self.dump_files.ready

        async def produce() -> Reply:
            files = [
                {
                    "name": spec.name,
                    "label": spec.label,
                    "size": ready[spec.name].size if spec.name in ready else None,
                    "sha256": ready[spec.name].sha256 if spec.name in ready else None,
                    "media_type": spec.media_type,
                }
                for spec in DUMPS.values()
            ]
            context = self.chrome(request, lang, "Downloads", files=files)
            return self.reply(self.renderer.render("serve-dumps.html", lang, **context), HTML, gz)

        # The page changes as dumps are made: it is kept only once they all are.
        return await self.cached(
            request,
            ("dumps", lang, gz),
            produce,
            "Accept-Encoding, Accept-Language",
            cacheable=len(ready) == len(DUMPS),
        )

    async def dump(self, request: Request) -> Response:
        name = request.path_params["name"]
        spec = DUMPS.get(name)
        if spec is None:
            return self.error(request, 404, f"no dump named {name}; see /dumps/")
        # A client that takes gzip gets the gzip file as a compressed transfer of the plain one.
        packed = not spec.compressed and accepts_gzip(request)
        try:
            file = await self.dump_files.get(name + ".gz" if packed else name)
        except (JobTimeout, PoolBusy, WorkerDied, JobFailed) as failure:
            return self.error(
                request,
                503,
                f"the dump {name} could not be made now ({type(failure).__name__}); try again",
                **{"Retry-After": "10"},
            )
        headers = {
            **CORS,
            "Vary": "Accept-Encoding",
            "ETag": file.etag,
            "Cache-Control": CACHE_CONTROL,
        }
        if etag_matches(request.headers.get("if-none-match"), file.etag):
            return Response(status_code=304, headers=headers)
        if packed:
            headers["Content-Encoding"] = "gzip"
        return FileResponse(file.path, media_type=spec.media_type, headers=headers)

    # -- competency questions -------------------------------------------------------------------

    async def questions(self, request: Request) -> Response:
        vary = "Accept, Accept-Encoding, Accept-Language"
        lang = self.lang(request)
        gz = accepts_gzip(request)
        fmt = negotiate(request.headers.get("accept"), (HTML, BY_NAME["json"]))
        if fmt is None:
            return self.error(
                request, 406, "the list of questions is available as text/html or application/json"
            )

        async def produce() -> Reply:
            items = [
                {
                    "name": q.name,
                    "title": q.title,
                    "description": q.description,
                    "parameters": [
                        {
                            "name": p.name,
                            "kind": p.kind,
                            "default": p.default,
                            "description": p.description,
                        }
                        for p in q.parameters
                    ],
                    "href": f"/queries/{q.name}",
                }
                for q in self.library
            ]
            if fmt is not HTML:
                import json

                return Reply(
                    200,
                    json.dumps(items, ensure_ascii=False, indent=1).encode(),
                    "application/json",
                )
            context = self.chrome(request, lang, "Questions", questions=items)
            return self.reply(self.renderer.render("serve-queries.html", lang, **context), HTML, gz)

        return await self.cached(request, ("questions", fmt.name, lang, gz), produce, vary)

    async def question(self, request: Request) -> Response:
        name = request.path_params["name"]
        try:
            question = self.library.get(name) if name in self.library.names() else None
        except InputError:
            question = None
        if question is None:
            return self.error(request, 404, f"no competency question named {name}; see /queries")
        values = {
            k: v for k, v in request.query_params.items() if k not in ("format", "lang") and v != ""
        }
        try:
            sparql = question.bind(values)
        except InputError as error:
            return self.error(request, 400, str(error))
        parameters = [
            {
                "name": p.name,
                "kind": p.kind,
                "description": p.description,
                "value": values.get(p.name, p.default.strip("<>").strip('"')),
            }
            for p in question.parameters
        ]
        downloads = []
        for fmt_name in ("csv", "json"):
            downloads.append(
                {
                    "name": BY_NAME[fmt_name].label,
                    "href": request.url.path + "?" + urlencode({**values, "format": fmt_name}),
                }
            )

        def page(lang: str) -> dict:
            return {
                "template": "serve-query.html",
                "lang": lang,
                "title": question.title,
                "question": {
                    "name": question.name,
                    "title": question.title,
                    "description": question.description,
                },
                "parameters": parameters,
                "sparql": sparql,
                "downloads": downloads,
                "sparql_href": "/sparql?" + urlencode({"query": sparql}),
            }

        return await self.run_query(
            request,
            sparql,
            default_graphs=None,
            named_graphs=None,
            fmt=request.query_params.get("format"),
            cache_key=("question", name, tuple(sorted(request.query_params.multi_items()))),
            page=page,
            download=name,
        )


def create_app(
    kg: KnowledgeGraph,
    *,
    config: ServerConfig | None = None,
    engine: Engine | None = None,
) -> Starlette:
    """The ASGI app over kg. Call it before the event loop starts: it forks the query workers.

    With engine, SPARQL and pages go through that engine instead of the embedded store (kg
    still gives the landing page's counts, the dumps and the VoID description).
    """
    config = config or ServerConfig()
    server = LinkedDataServer(kg, config, engine)
    static = Path(__file__).resolve().parent / "static"

    @asynccontextmanager
    async def lifespan(_app: Starlette):
        try:
            yield
        finally:
            server.close()

    get = ["GET"]
    routes = [
        Route("/", server.home, methods=get),
        Route("/sparql", server.sparql, methods=["GET", "POST"]),
        Route("/queries", server.questions, methods=get),
        Route("/queries/", lambda r: RedirectResponse("/queries", 308), methods=get),
        Route("/queries/{name}", server.question, methods=get),
        Route("/dumps", lambda r: RedirectResponse("/dumps/", 308), methods=get),
        Route("/dumps/", server.dumps, methods=get),
        Route("/dumps/{name}", server.dump, methods=get),
        Route("/.well-known/void", server.void, methods=get),
        Route("/dataset", server.void, methods=get),
        Route("/context.jsonld", server.context, methods=get),
        Route("/sources/{name}", server.source_text, methods=get),
        Route(diagram_path("en"), server.diagram, methods=get),
        Route(diagram_path("fr"), server.diagram, methods=get),
        Mount("/static", app=StaticFiles(directory=static), name="static"),
        Route("/{path:path}", server.resource, methods=get),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.server = server
    app.add_middleware(PreflightMiddleware)
    if server.cache is not None:
        app.add_middleware(FastCache, capacity=server.cache.capacity)
    return app
