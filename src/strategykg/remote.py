"""A remote SPARQL 1.1 store as an Engine: queries through SPARQLWrapper, answers as rdflib terms.

strategykg does not grow a store of its own; past one machine it speaks the standard
protocols to an existing one (Oxigraph server, Fuseki, GraphDB, Virtuoso, QLever). This
module holds what every remote command shares: the endpoint layout of the common stores,
credentials (HTTP Basic, Digest when the store asks for it, or a Bearer token), one-line
errors that name the endpoint, and fetching the pushed graphs back for validation.

The dataset a remote query sees. The embedded engine answers over the union of the
project's named graphs; a store's default graph is often empty (Oxigraph, Fuseki) or the
union of everything it holds (Virtuoso, GraphDB). So that every store answers like the
embedded one, each query names its dataset with the protocol's ``default-graph-uri`` and
``named-graph-uri`` parameters: by default the project's graphs found on the store (the
ones ``strategykg push`` writes, under https://w3id.org/strategykg/graph/), or the graph
given with ``--graph``. A store without such graphs is asked with its own default dataset.
"""

from __future__ import annotations

import ast
import base64
import http.client
import json
import re
import socket
import urllib.error
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx
import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node
from SPARQLWrapper import POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from strategykg.engines import Engine, QueryResult
from strategykg.errors import InputError
from strategykg.load import KnowledgeGraph, SourceFile, _part_of, to_rdflib
from strategykg.namespaces import GRAPH

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
SELECT_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.8"
)
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"
DEFAULT_TIMEOUT = 60.0
USER_AGENT = "strategykg (SPARQL 1.1 client)"


class RemoteError(InputError):
    """A remote store failed or refused: one line naming the endpoint, exit code 2.

    kind is one of: unreachable, timeout, interrupted, unauthorized, forbidden, not-found,
    rejected, failed, bad-answer; status is the HTTP status when there was one.
    maybe_applied is True when the request may have reached the store before the failure
    (a read timeout, a connection cut mid-answer): a write may then have happened.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        endpoint: str,
        status: int | None = None,
        maybe_applied: bool = False,
    ):
        super().__init__(message)
        self.kind = kind
        self.endpoint = endpoint
        self.status = status
        self.maybe_applied = maybe_applied

    def with_note(self, note: str) -> RemoteError:
        """The same error with a note appended (what happened to the remote data)."""
        return RemoteError(
            f"{self}; {note}",
            kind=self.kind,
            endpoint=self.endpoint,
            status=self.status,
            maybe_applied=self.maybe_applied,
        )


@dataclass(frozen=True)
class Credentials:
    """How to authenticate to a store: a user and password, or a Bearer token, or nothing."""

    user: str | None = None
    password: str | None = None
    token: str | None = None

    def __post_init__(self) -> None:
        if self.token and (self.user or self.password):
            raise InputError("give either --user and --password, or --token, not both")
        if bool(self.user) != bool(self.password):
            raise InputError("--user and --password go together")

    def __bool__(self) -> bool:
        return bool(self.user or self.token)

    def headers(self) -> dict[str, str]:
        """Headers sent with every request: Basic goes out pre-emptively, like curl -u does."""
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.user:
            pair = f"{self.user}:{self.password}".encode()
            return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii")}
        return {}

    def httpx_auth(self) -> httpx.Auth | None:
        """Basic first; Digest if the store challenges with it (Virtuoso's /sparql-auth)."""
        return _PasswordAuth(self.user, self.password) if self.user and self.password else None


class _PasswordAuth(httpx.Auth):
    """HTTP Basic, switching to Digest for good when a store turns Basic down without a
    Basic challenge (Virtuoso's /sparql-auth answers a Basic header with a bare 401)."""

    requires_request_body = True  # a Digest retry re-sends the body

    def __init__(self, user: str, password: str):
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._use_digest = False

    def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
        if not self._use_digest:
            request = next(self._basic.auth_flow(request))
            response = yield request
            if response.status_code != 401:
                return
            challenges = [c.lower() for c in response.headers.get_list("www-authenticate")]
            if challenges and not any(c.startswith("digest ") for c in challenges):
                return  # a Basic store that refuses these credentials
            self._use_digest = True
            request.headers.pop("Authorization", None)
        yield from self._digest.auth_flow(request)


def check_graph_iri(iri: str) -> str:
    """A graph name must be an absolute IRI (it goes into SPARQL and into the protocol)."""
    if not _ABSOLUTE_IRI.match(iri):
        raise InputError(f"--graph {iri!r} is not an absolute IRI")
    return iri


_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class RemoteSettings:
    """What the command line says about a store, besides its URL: checked when used."""

    graph: str | None = None
    user: str | None = None
    password: str | None = None
    token: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    def credentials(self) -> Credentials:
        return Credentials(self.user, self.password, self.token)

    def engine(self, endpoint: str) -> RemoteEngine:
        """A RemoteEngine over the graph given, else over the project's graphs on the store."""
        graphs = None if self.graph is None else [check_graph_iri(self.graph)]
        return RemoteEngine(
            endpoint, graphs=graphs, credentials=self.credentials(), timeout=self.timeout
        )


@dataclass(frozen=True)
class Endpoints:
    """The URLs of one store: SPARQL query, SPARQL Update, and Graph Store Protocol (or None)."""

    query: str
    update: str
    store: str | None

    @classmethod
    def infer(cls, query: str, update: str | None = None, store: str | None = None) -> Endpoints:
        """Fill in the update and Graph Store URLs from the query URL's shape, unless given.

        Oxigraph  /query                -> /update, /store
        Fuseki    /DATASET/query|sparql -> /DATASET/update, /DATASET/data
        Virtuoso  /sparql[-auth]        -> same URL, /sparql-graph-crud[-auth]
        GraphDB   /repositories/ID      -> /repositories/ID/statements, .../rdf-graphs/service
        otherwise                       -> the query URL for updates, and no Graph Store
        store="none" says the store has no Graph Store Protocol (uploads use SPARQL Update).
        """
        _check_url(query)
        guessed_update, guessed_store = _layout(query)
        if store is not None and store.lower() == "none":
            chosen_store = None
        else:
            chosen_store = store or guessed_store
        for url in (update, chosen_store):
            if url:
                _check_url(url)
        return cls(query=query, update=update or guessed_update, store=chosen_store)


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"{url!r} is not an http(s) URL of a SPARQL endpoint")


def _layout(query: str) -> tuple[str, str | None]:
    parts = urlsplit(query)
    segments = parts.path.rstrip("/").split("/")
    last = segments[-1] if segments else ""

    def sibling(*names: str) -> str:
        return urlunsplit(parts._replace(path="/".join([*segments[:-1], *names]), query=""))

    def child(*names: str) -> str:
        return urlunsplit(parts._replace(path="/".join([*segments, *names]), query=""))

    if len(segments) >= 3 and segments[-2] == "repositories":  # GraphDB, RDF4J
        return child("statements"), child("rdf-graphs", "service")
    if last in ("sparql", "sparql-auth") and len(segments) == 2:  # Virtuoso
        crud = "sparql-graph-crud-auth" if last == "sparql-auth" else "sparql-graph-crud"
        return query, sibling(crud)
    if last == "query" and len(segments) == 2:  # Oxigraph
        return sibling("update"), sibling("store")
    if last in ("query", "sparql") and len(segments) >= 3:  # Fuseki /DATASET/...
        return sibling("update"), sibling("data")
    return query, None


@dataclass(frozen=True)
class RemoteAnswer:
    """A store's raw answer, passed through untouched (for a proxying server)."""

    status: int
    content_type: str
    body: bytes


def describe_status(
    status: int,
    detail: str,
    endpoint: str,
    *,
    action: str,
    credentials: Credentials | None = None,
    service: str = "SPARQL endpoint",
) -> RemoteError:
    """The one-line error for an HTTP status from a store (action: "the query", "the upload"…)."""
    detail = f": {detail}" if detail else ""
    if status == 401:
        hint = (
            "check --user/--password or --token"
            if credentials
            else "give --user and --password, or --token"
        )
        return RemoteError(
            f"{endpoint} refused the credentials (HTTP 401): {hint}",
            kind="unauthorized",
            endpoint=endpoint,
            status=status,
        )
    if status == 403:
        return RemoteError(
            f"{endpoint} forbids {action} (HTTP 403): the account lacks the rights for it",
            kind="forbidden",
            endpoint=endpoint,
            status=status,
        )
    if status in (404, 405, 501):
        return RemoteError(
            f"no {service} at {endpoint} (HTTP {status}): check the URL "
            "(Oxigraph: /query, Fuseki: /DATASET/sparql, Virtuoso: /sparql, "
            "GraphDB: /repositories/ID)",
            kind="not-found",
            endpoint=endpoint,
            status=status,
        )
    if 400 <= status < 500:
        return RemoteError(
            f"{endpoint} rejected {action} (HTTP {status}){detail}",
            kind="rejected",
            endpoint=endpoint,
            status=status,
        )
    return RemoteError(
        f"{endpoint} failed on {action} (HTTP {status}){detail}",
        kind="failed",
        endpoint=endpoint,
        status=status,
    )


def describe_transport(error: BaseException, endpoint: str, timeout: float) -> RemoteError:
    """The one-line error for a request that got no HTTP answer at all."""
    reason = getattr(error, "reason", None)
    cause = reason if isinstance(reason, BaseException) else error  # urllib wraps the OSError
    text = str(cause).lower()
    before_sending = isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout)
    if isinstance(cause, httpx.TimeoutException | TimeoutError | socket.timeout) or (
        "timed out" in text
    ):
        return RemoteError(
            f"{endpoint} did not answer within {timeout:g} s "
            "(raise --timeout if the store is just slow)",
            kind="timeout",
            endpoint=endpoint,
            maybe_applied=not before_sending,
        )
    if "refused" in text:
        reason = "connection refused (is the store running?)"
    elif "name or service not known" in text or "nodename nor servname" in text:
        reason = "unknown host"
    elif not before_sending and isinstance(
        cause, httpx.TransportError | ConnectionResetError | http.client.HTTPException
    ):
        return RemoteError(
            f"the connection to {endpoint} broke off: "
            f"{first_line(str(cause)) or type(cause).__name__}",
            kind="interrupted",
            endpoint=endpoint,
            maybe_applied=True,
        )
    else:
        reason = first_line(str(cause)) or type(cause).__name__
    return RemoteError(f"cannot reach {endpoint}: {reason}", kind="unreachable", endpoint=endpoint)


def first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line of a store's error body, shortened: errors stay one line."""
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("<"):
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


def _wrapper_detail(error: SPARQLWrapperException) -> str:
    """SPARQLWrapper keeps the store's body only inside its message, as a bytes repr."""
    message = str(error)
    _head, found, body = message.partition("Response:\n")
    if not found:
        return ""
    try:
        raw = ast.literal_eval(body.strip())
    except (ValueError, SyntaxError):
        return first_line(body)
    return first_line(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw))


_WRAPPER_STATUS = {
    QueryBadFormed: 400,
    Unauthorized: 401,
    EndPointNotFound: 404,
    URITooLong: 414,
    EndPointInternalError: 500,
}


_PROLOGUE = re.compile(r"\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>", re.IGNORECASE)


def query_form(sparql: str) -> str:
    """The form of a query (SELECT, ASK, CONSTRUCT, DESCRIBE…): its first keyword after the
    prologue, skipping comments, BASE and PREFIX."""
    position = 0
    while (match := _PROLOGUE.match(sparql, position)) and match.end() > position:
        position = match.end()
    word = re.match(r"[A-Za-z]+", sparql[position:])
    return word.group(0).upper() if word else ""


class RemoteEngine(Engine):
    """Answers SPARQL queries from a remote SPARQL 1.1 endpoint, as rdflib terms.

    graphs: the named graphs that make up the dataset of every query (sent as
    default-graph-uri and named-graph-uri). None finds the project's graphs on the store
    (falling back to the store's own default dataset if there are none); an empty
    sequence always uses the store's own default dataset.
    """

    name = "remote"

    def __init__(
        self,
        endpoint: str,
        *,
        graphs: Sequence[str] | None = None,
        credentials: Credentials | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ):
        _check_url(endpoint)
        self.endpoint = endpoint
        self.credentials = credentials or Credentials()
        self.timeout = timeout
        self._graphs = None if graphs is None else list(graphs)

    # The dataset -------------------------------------------------------------------------

    def dataset(self) -> list[str]:
        """The graphs queries run over (found on first use when not given)."""
        if self._graphs is None:
            self._graphs = self.named_graphs([str(GRAPH)])
        return self._graphs

    def named_graphs(self, prefixes: Sequence[str]) -> list[str]:
        """The store's named graphs whose IRI starts with one of prefixes, sorted."""
        condition = " || ".join(f"STRSTARTS(STR(?g), {Literal(p).n3()})" for p in prefixes)
        # GRAPH ?g {} lists graphs from the store's catalogue, cheaply (Oxigraph, Fuseki);
        # Virtuoso answers it with unbound rows, so fall back to scanning the quads.
        for pattern in ("{ }", "{ ?s ?p ?o }"):
            sparql = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {pattern} FILTER ({condition}) }}"
            found = self.query(sparql, dataset=False).column("g")
            if found and all(isinstance(g, URIRef) for g in found):
                return sorted(str(g) for g in found)
        return []

    def count_triples(self, graphs: Sequence[str]) -> dict[str, int]:
        """The number of triples in each of the given named graphs (0 for a missing graph)."""
        counts = dict.fromkeys(graphs, 0)
        for start in range(0, len(graphs), 200):  # keep each query small
            batch = graphs[start : start + 200]
            values = " ".join(URIRef(g).n3() for g in batch)
            result = self.query(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} "
                "GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                dataset=False,
            )
            for graph, count in result.rows:
                if graph is not None and count is not None:
                    counts[str(graph)] = int(count)
        return counts

    # Queries -----------------------------------------------------------------------------

    def query(self, sparql: str, *, dataset: bool = True) -> QueryResult:
        """Run a query through SPARQLWrapper and return its answer as rdflib terms.

        dataset=False sends no default-graph-uri/named-graph-uri: the store's own dataset.
        """
        wrapper = self._wrapper(sparql, dataset=dataset)
        content_type, body = self._send(wrapper)
        kind = wrapper.queryType
        if kind in ("CONSTRUCT", "DESCRIBE"):
            return QueryResult(kind="graph", triples=self._parse_graph(content_type, body))
        return self._parse_results(content_type, body, ask=kind == "ASK")

    def fetch(self, graph: str) -> list[ox.Triple]:
        """Every triple of one named graph, checked against the store's own count.

        A store may cap result sizes (Virtuoso's ResultSetMaxRows) and cut an answer short
        without saying so; validating a truncated graph would be silently wrong.
        """
        iri = URIRef(graph).n3()
        wrapper = self._wrapper(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri} {{ ?s ?p ?o }} }}", dataset=False
        )
        content_type, body = self._send(wrapper)
        fmt = self._rdf_format(content_type, body)
        try:
            triples = [quad.triple for quad in ox.parse(body, format=fmt)]
        except (SyntaxError, ValueError) as error:
            raise self._bad_answer(f"unreadable {fmt.name}: {first_line(str(error))}") from None
        expected = self.count_triples([graph])[graph]
        if len(set(triples)) != expected:
            raise RemoteError(
                f"{self.endpoint} returned {len(triples)} of the {expected} triples of {graph} "
                "(does the store cap result sizes?)",
                kind="bad-answer",
                endpoint=self.endpoint,
            )
        return triples

    def forward(
        self,
        sparql: str,
        accept: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> RemoteAnswer:
        """Pass a query through to the store and return its answer untouched (for a proxy).

        The dataset is the one given, else this engine's (as for query). Answers about the
        query itself (400, 406, 414) come back as they are, for the proxy to pass on; a store
        that cannot be reached, refuses our credentials or fails raises RemoteError (a proxy
        answers 502, or 504 for kind == "timeout").
        """
        if default_graphs is None and named_graphs is None:
            default_graphs = named_graphs = self.dataset()
        data: list[tuple[str, str]] = [("query", sparql)]
        data += [("default-graph-uri", g) for g in default_graphs or ()]
        data += [("named-graph-uri", g) for g in named_graphs or ()]
        try:
            with self.client() as client:
                response = client.post(
                    self.endpoint,
                    content=urlencode(data).encode("ascii"),
                    headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
                )
        except httpx.TransportError as error:
            raise describe_transport(error, self.endpoint, self.timeout) from None
        if response.status_code < 300 or response.status_code in (400, 406, 414):
            return RemoteAnswer(
                status=response.status_code,
                content_type=response.headers.get("content-type", "application/octet-stream"),
                body=response.content,
            )
        raise describe_status(
            response.status_code,
            first_line(response.text),
            self.endpoint,
            action="the query",
            credentials=self.credentials,
        )

    def client(self) -> httpx.Client:
        """An httpx client with this engine's credentials and timeout (for GSP and Update)."""
        headers = {"User-Agent": USER_AGENT}
        if self.credentials.token:
            headers.update(self.credentials.headers())
        return httpx.Client(
            auth=self.credentials.httpx_auth(), headers=headers, timeout=self.timeout
        )

    # Internals ---------------------------------------------------------------------------

    def _wrapper(self, sparql: str, *, dataset: bool) -> SPARQLWrapper:
        wrapper = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        wrapper.setMethod(POST)  # long queries, and no caching proxies between us and the data
        wrapper.setOnlyConneg(True)  # no format=/output= parameters, which some stores reject
        wrapper.setTimeout(self.timeout)  # type: ignore[arg-type]  # urllib takes a float
        wrapper.setQuery(sparql)
        kind = query_form(sparql)
        if kind not in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            raise InputError("not a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE)")
        wrapper.queryType = kind  # its own guess reads keywords inside comments ("address": ADD)
        accept = GRAPH_ACCEPT if kind in ("CONSTRUCT", "DESCRIBE") else SELECT_ACCEPT
        wrapper.addCustomHttpHeader("Accept", accept)
        for name, value in self.credentials.headers().items():
            wrapper.addCustomHttpHeader(name, value)
        if dataset:
            for graph in self.dataset():
                wrapper.addDefaultGraph(graph)
                wrapper.addNamedGraph(graph)
        return wrapper

    def _send(self, wrapper: SPARQLWrapper) -> tuple[str, bytes]:
        try:
            answer = wrapper.query()
            content_type = answer.info().get("content-type", "")
            body = answer.response.read()
        except SPARQLWrapperException as error:
            status = next(s for kind, s in _WRAPPER_STATUS.items() if isinstance(error, kind))
            raise self._status_error(status, _wrapper_detail(error)) from None
        except urllib.error.HTTPError as error:
            detail = first_line(error.read().decode("utf-8", "replace"))
            raise self._status_error(error.code, detail) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            raise describe_transport(error, self.endpoint, self.timeout) from None
        return content_type, body

    def _status_error(self, status: int, detail: str) -> RemoteError:
        action = "the query"
        return describe_status(
            status, detail, self.endpoint, action=action, credentials=self.credentials
        )

    def _bad_answer(self, why: str) -> RemoteError:
        return RemoteError(
            f"the answer from {self.endpoint} is not SPARQL results ({why})",
            kind="bad-answer",
            endpoint=self.endpoint,
        )

    def _parse_results(self, content_type: str, body: bytes, *, ask: bool) -> QueryResult:
        media = content_type.split(";")[0].strip().lower()
        if media in ("application/sparql-results+json", "application/json"):
            try:
                document = json.loads(body)
                return _from_json(document, ask=ask)
            except (ValueError, KeyError, TypeError, AttributeError):
                raise self._bad_answer(f"malformed {media}") from None
        fmt = ox.QueryResultsFormat.from_media_type(media) if media else None
        if fmt is None or fmt == ox.QueryResultsFormat.CSV:  # CSV drops term types: refuse it
            raise self._bad_answer(f"got {media or 'no content type'}")
        try:
            answer = ox.parse_query_results(body, format=fmt)
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult(kind="ask", boolean=bool(answer))
            variables = [v.value for v in answer.variables]
            rows = [
                tuple(None if s[v] is None else to_rdflib(s[v]) for v in variables) for s in answer
            ]
        except (SyntaxError, ValueError) as error:
            raise self._bad_answer(f"unreadable {media}: {first_line(str(error))}") from None
        return QueryResult(kind="select", variables=variables, rows=rows)

    def _rdf_format(self, content_type: str, body: bytes) -> ox.RdfFormat:
        media = content_type.split(";")[0].strip().lower()
        fmt = ox.RdfFormat.from_media_type(media) if media else None
        if fmt is None:
            raise self._bad_answer(f"got {media or 'no content type'} for a graph query")
        return fmt

    def _parse_graph(self, content_type: str, body: bytes) -> list[tuple[Node, Node, Node]]:
        fmt = self._rdf_format(content_type, body)
        try:
            return [
                (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
                for q in ox.parse(body, format=fmt)
            ]
        except (SyntaxError, ValueError) as error:
            raise self._bad_answer(f"unreadable {fmt.name}: {first_line(str(error))}") from None


def _from_json(document: dict, *, ask: bool) -> QueryResult:
    """SPARQL 1.1 Query Results JSON, tolerant of what real stores send.

    Virtuoso 7 writes "typed-literal" (from the 2007 draft) and answers ASK with one
    binding of __ASK_RETVAL (or none) instead of "boolean".
    """
    if "boolean" in document:
        return QueryResult(kind="ask", boolean=bool(document["boolean"]))
    variables = list(document["head"].get("vars", []))
    bindings = document["results"]["bindings"]
    if ask:
        values = [b.get(variables[0], {}).get("value") for b in bindings] if variables else []
        return QueryResult(kind="ask", boolean=any(v not in (None, "0", "false") for v in values))
    rows = [tuple(_json_term(b[v]) if v in b else None for v in variables) for b in bindings]
    return QueryResult(kind="select", variables=variables, rows=rows)


def _json_term(binding: dict) -> Node:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        language = binding.get("xml:lang")
        datatype = binding.get("datatype")
        if language:
            return Literal(value, lang=language)
        if datatype and datatype not in (XSD_STRING, RDF_LANG_STRING):
            return Literal(value, datatype=URIRef(datatype))
        return Literal(value)
    raise ValueError(f"unknown term type {kind!r}")


@dataclass(frozen=True)
class RemoteSource(SourceFile):
    """A named graph read back from a store, standing in for a source file."""

    name: str = ""

    @property
    def graph(self) -> str:
        return self.name


def fetch_knowledge_graph(
    local: KnowledgeGraph, engine: RemoteEngine, graph: str | None = None
) -> KnowledgeGraph:
    """The graphs on the store as a KnowledgeGraph, with the local project's shapes and texts.

    Validating it checks what readers of the store actually get. Without graph, the
    project's graphs on the store are read (the remote copy of the shapes is ignored: the
    local shapes are the rules); with graph, that one graph is the data.
    """
    if graph is not None:
        remote = [graph]
    else:
        remote = engine.named_graphs([str(GRAPH)])
        if not remote:
            raise RemoteError(
                f"no strategykg graphs on {engine.endpoint} (none under {GRAPH}): "
                "push first, or name the graph with --graph",
                kind="not-found",
                endpoint=engine.endpoint,
            )
    store = ox.Store()
    sources: list[SourceFile] = []
    for source in local.sources:
        if source.part == "shapes":
            quads = local.store.quads_for_pattern(None, None, None, ox.NamedNode(source.graph))
            store.bulk_extend(quads)
            sources.append(source)
    for name in remote:
        relative = name.removeprefix(str(GRAPH)) + ".ttl" if graph is None else "data/remote.ttl"
        part = _part_of(relative) if relative.startswith("ontology/") else "data"
        if part == "shapes":
            continue
        target = ox.NamedNode(name)
        store.bulk_extend(
            ox.Quad(t.subject, t.predicate, t.object, target) for t in engine.fetch(name)
        )
        sources.append(RemoteSource(path=Path(name), relative=relative, part=part, name=name))
    return KnowledgeGraph(root=local.root, sources=sources, store=store, texts=dict(local.texts))
