"""Push the validated knowledge graph to a remote SPARQL 1.1 store, replacing graphs atomically.

What a reader of the store sees, at every moment:

1. While the data goes up, the published graphs are untouched. The new triples go, in
   chunks, into staging graphs of their own (``https://w3id.org/strategykg/staging/…``),
   through the Graph Store Protocol (POST appends), or SPARQL Update INSERT DATA where
   the store has no Graph Store Protocol.
2. strategykg counts each staging graph on the store. A store that kept fewer triples than
   were sent (a cut-off upload, a concurrent push) stops the push here: nothing published
   has changed, and the staging graphs are dropped.
3. One SPARQL Update request swaps every staged graph in: it deletes from each published
   graph what its staging graph lacks and inserts what it lacks (so a republish with few
   changes writes few triples), and drops the project graphs that no longer exist locally.
   Oxigraph, Fuseki and GraphDB run one request as one transaction: readers see all the old
   graphs or all the new ones, never a mix. The staging graphs are dropped afterwards.

A failure before the swap leaves the published graphs whole and readable; a retry is safe,
and drops the staging graphs a killed push left behind. A failure *during* the swap request
leaves either the old graphs or the new ones (that request is atomic); push again.

How the project's graphs map to the store. By default each source file's named graph is
pushed as it is (``…/graph/data/goal-2``, ``…/graph/ontology/shapes``…), so the store holds
the same dataset as the embedded store and the dumps, and per-file provenance survives; a
project graph found on the store but no longer in the project is dropped in the swap (the
project owns the ``https://w3id.org/strategykg/graph/`` namespace). With ``graph=IRI``, the
validated data graph (ontology, themes and data, without the SHACL shapes, which are rules
about the data rather than data) goes into that one named graph, and nothing else is touched.

Blank nodes are scoped to one request, so a chunk never splits the triples that share a
blank node: a blank node cut in two would become two different nodes on the store.
"""

from __future__ import annotations

import contextlib
import secrets
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from typing import Protocol

import httpx
import pyoxigraph as ox

from strategykg.errors import EXIT_FINDINGS, StrategyKGError
from strategykg.load import KnowledgeGraph
from strategykg.namespaces import DEFAULT_BASE, GRAPH
from strategykg.remote import (
    Credentials,
    Endpoints,
    RemoteEngine,
    RemoteError,
    describe_status,
    describe_transport,
    first_line,
)
from strategykg.validate import ValidationOutcome, validate

STAGING = DEFAULT_BASE + "staging/"
GSP_CHUNK = 50_000  # triples a Graph Store POST; keeps the store's memory per request modest
UPDATE_CHUNK = 10_000  # SPARQL Update text is slower to parse, and stores cap request sizes
DATA_PARTS = ("ontology", "themes", "data")
UNCHANGED = "the published graphs are unchanged"
SWAP_SECONDS_PER_MILLION = 600  # the swap's timeout, at least; measured: see docs/remote-stores.md


class NotConforming(StrategyKGError):
    """The data fails validation, so it is not pushed (exit 1, like validate)."""

    exit_code = EXIT_FINDINGS

    def __init__(self, outcome: ValidationOutcome):
        counts = outcome.counts()
        super().__init__(
            f"refusing to push: the data does not conform ({counts['violation']} violations); "
            "see 'strategykg validate'"
        )
        self.outcome = outcome


class PushProgress(Protocol):
    """What a push reports while it runs (a progress bar, or a test that pulls the plug)."""

    def start(self, total: int) -> None: ...
    def advance(self, triples: int) -> None: ...
    def step(self, text: str) -> None: ...


class _Silent:
    def start(self, total: int) -> None:
        pass

    def advance(self, triples: int) -> None:
        pass

    def step(self, text: str) -> None:
        pass


class ConsoleProgress:
    """A progress bar and step lines on stderr (nothing with quiet), for the command line."""

    def __init__(self, quiet: bool = False):
        from rich.console import Console

        self.quiet = quiet
        self.console = Console(stderr=True)
        self._bar = None
        self._task = None

    def __enter__(self) -> ConsoleProgress:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()

    def step(self, text: str) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        self.console.print(f"[dim]{text}…[/dim]", highlight=False)

    def start(self, total: int) -> None:
        if self.quiet:
            return
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self._bar = Progress(
            TextColumn("uploading"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,} triples"),
            TimeElapsedColumn(),
            console=self.console,
        )
        self._task = self._bar.add_task("upload", total=total)
        self._bar.start()

    def advance(self, triples: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, triples)


@dataclass
class GraphChange:
    """One named graph on the store: what it held and what it holds after the push."""

    graph: str
    triples: int
    previous: int
    added: int | None = None
    removed: int | None = None


@dataclass
class PushReport:
    """What a push did (or, for a dry run, would do)."""

    endpoint: str
    dry_run: bool
    graphs: list[GraphChange]
    dropped: list[GraphChange] = field(default_factory=list)
    leftovers: list[str] = field(default_factory=list)
    protocol: str | None = None
    chunks: int = 0
    seconds: float = 0.0
    upload_seconds: float = 0.0
    swap_seconds: float = 0.0

    @property
    def triples(self) -> int:
        return sum(g.triples for g in self.graphs)

    @property
    def added(self) -> int:
        return sum(g.added or 0 for g in self.graphs)

    @property
    def removed(self) -> int:
        return sum(g.removed or 0 for g in [*self.graphs, *self.dropped])

    def as_text(self) -> str:
        lines = []
        count = f"{len(self.graphs)} graph{'s' if len(self.graphs) != 1 else ''}"
        if self.dry_run:
            lines.append(
                f"Dry run: pushing {count} ({self.triples:,} triples) to {self.endpoint} "
                f"would add {self.added:,} triples and remove {self.removed:,}:"
            )
            for g in self.graphs:
                state = "new graph" if g.previous == 0 else f"holds {g.previous:,} now"
                lines.append(f"  {g.graph}  +{g.added:,} -{g.removed:,}  ({state})")
            for g in self.dropped:
                lines.append(f"  {g.graph}  -{g.removed:,}  (no longer in the project: dropped)")
            lines.append("Nothing was changed.")
            return "\n".join(lines)
        how = "the Graph Store Protocol" if self.protocol == "graph-store" else "SPARQL Update"
        lines.append(
            f"Pushed {count} ({self.triples:,} triples) to {self.endpoint} with {how} "
            f"in {self.chunks} chunk{'s' if self.chunks != 1 else ''}, {self.seconds:.1f} s:"
        )
        for g in self.graphs:
            lines.append(f"  {g.graph}  {g.triples:,} triples (was {g.previous:,})")
        for g in self.dropped:
            lines.append(f"  {g.graph}  dropped ({g.previous:,} triples; no longer in the project)")
        if self.leftovers:
            lines.append(
                f"Removed {len(self.leftovers)} staging graph(s) left by an interrupted push."
            )
        return "\n".join(lines)


# What goes where -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One named graph on the store and the local graphs whose triples it receives."""

    graph: str
    sources: tuple[str, ...]


def plan_targets(kg: KnowledgeGraph, graph: str | None = None) -> list[Target]:
    """Each source file's graph as it is, or (graph given) the data graph merged into one."""
    if graph is None:
        return [Target(s.graph, (s.graph,)) for s in kg.sources]
    return [Target(graph, tuple(kg.graphs(DATA_PARTS)))]


def target_triples(kg: KnowledgeGraph, target: Target) -> Iterator[ox.Triple]:
    """The distinct triples a target receives (a triple stated in two files is sent once)."""
    if len(target.sources) == 1:
        graph = ox.NamedNode(target.sources[0])
        for quad in kg.store.quads_for_pattern(None, None, None, graph):
            yield quad.triple
        return
    merged = ox.Store()  # deduplicates in Rust, without a Python set of a million triples
    merged.bulk_extend(
        ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
        for name in target.sources
        for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(name))
    )
    for quad in merged.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield quad.triple


def count_target(kg: KnowledgeGraph, target: Target) -> int:
    if len(target.sources) == 1:
        return sum(
            1 for _ in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(target.graph))
        )
    return sum(1 for _ in target_triples(kg, target))


# Blank-node-safe chunks and diffs -------------------------------------------------------------


class _Components:
    """Union-find over blank nodes: triples that share a blank node stay together."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, node: str) -> str:
        root = self.parent.setdefault(node, node)
        while root != self.parent[root]:
            self.parent[root] = self.parent[self.parent[root]]
            root = self.parent[root]
        return root

    def union(self, nodes: Sequence[str]) -> str:
        roots = [self.find(n) for n in nodes]
        for other in roots[1:]:
            self.parent[other] = roots[0]
        return roots[0]


def _blank_nodes(triple: ox.Triple) -> list[str]:
    return [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]


def _grouped(
    with_blanks: list[tuple[str, ox.Triple]], components: _Components
) -> list[list[ox.Triple]]:
    groups: dict[str, list[ox.Triple]] = {}
    for blank, triple in with_blanks:
        groups.setdefault(components.find(blank), []).append(triple)
    return list(groups.values())


def split_components(triples: Iterable[ox.Triple]) -> tuple[list[ox.Triple], list[list[ox.Triple]]]:
    """Ground triples, and the triples with blank nodes grouped by connected blank nodes."""
    ground, with_blanks = [], []
    components = _Components()
    for triple in triples:
        if blanks := _blank_nodes(triple):
            components.union(blanks)
            with_blanks.append((blanks[0], triple))
        else:
            ground.append(triple)
    return ground, _grouped(with_blanks, components)


def chunked(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Chunks of about size triples; a group sharing blank nodes is never split (it may overflow).

    Ground triples stream through; only the triples with blank nodes wait for the end, when
    their groups are known.
    """
    chunk: list[ox.Triple] = []
    with_blanks: list[tuple[str, ox.Triple]] = []
    components = _Components()
    for triple in triples:
        if blanks := _blank_nodes(triple):
            components.union(blanks)
            with_blanks.append((blanks[0], triple))
            continue
        chunk.append(triple)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    for group in _grouped(with_blanks, components):
        if chunk and len(chunk) + len(group) > size:
            yield chunk
            chunk = []
        chunk.extend(group)
    if chunk:
        yield chunk


def _signatures(triples: Iterable[ox.Triple]) -> Counter[tuple[str, ...]]:
    """Each ground triple, and each blank-node group in RDFC-1.0 canonical form, counted."""
    ground, groups = split_components(triples)
    found: Counter[tuple[str, ...]] = Counter((str(t),) for t in ground)
    for group in groups:
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in group)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        found[tuple(sorted(str(q) for q in dataset))] += 1
    return found


def differences(
    local: Iterable[ox.Triple], remote: Iterable[ox.Triple]
) -> tuple[Counter[tuple[str, ...]], Counter[tuple[str, ...]]]:
    """(what only local has, what only remote has), as ground triples and blank-node groups."""
    new, old = _signatures(local), _signatures(remote)
    return new - old, old - new


def diff(local: Iterable[ox.Triple], remote: Iterable[ox.Triple]) -> tuple[int, int]:
    """(triples added, triples removed) going from remote to local, blank nodes compared by shape.

    A changed blank-node group counts as removed and added whole, as a store would see it.
    """
    added, removed = differences(local, remote)
    return (
        sum(len(sig) * n for sig, n in added.items()),
        sum(len(sig) * n for sig, n in removed.items()),
    )


# Writing to the store ------------------------------------------------------------------------


class _Writer:
    """Sends chunks to a staging graph, through the Graph Store Protocol or SPARQL Update."""

    def __init__(self, client: httpx.Client, endpoints: Endpoints, engine: RemoteEngine):
        self.client = client
        self.endpoints = endpoints
        self.engine = engine
        self.protocol = "graph-store" if endpoints.store else "update"

    def probe(self, staging: str) -> None:
        """An empty POST finds out whether the Graph Store URL is one (it changes nothing)."""
        if self.endpoints.store is None:
            return
        response = self._post_graph(staging, b"")
        if response.status_code in (404, 405, 501):  # no Graph Store Protocol there
            self.protocol = "update"
        elif response.status_code >= 300:
            raise self._error(response, self.endpoints.store, "the upload")

    def send(self, staging: str, triples: list[ox.Triple]) -> None:
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if self.protocol == "graph-store":
            assert self.endpoints.store is not None
            response = self._post_graph(staging, body)
            if response.status_code >= 300:
                raise self._error(response, self.endpoints.store, "the upload")
            return
        if any(_blank_nodes(t) for t in triples):
            # The same triples as a template: SPARQL 1.1 allows blank nodes in INSERT DATA,
            # but Virtuoso 7 refuses them there ("not allowed in a constant clause").
            head, tail = f"INSERT {{ GRAPH <{staging}> {{\n", "} } WHERE { }"
        else:
            head, tail = f"INSERT DATA {{ GRAPH <{staging}> {{\n", "} }"
        self.update(head.encode() + body + tail.encode(), action="the upload")

    def update(self, text: bytes | str, *, action: str, timeout: float | None = None) -> None:
        body = text.encode() if isinstance(text, str) else text
        url = self.endpoints.update
        patience = timeout or self.engine.timeout
        try:
            response = self.client.post(
                url,
                content=body,
                headers={"Content-Type": "application/sparql-update"},
                timeout=patience,
            )
        except httpx.TransportError as error:
            raise describe_transport(error, url, patience) from None
        if response.status_code >= 300:
            raise self._error(response, url, action, service="SPARQL Update endpoint")

    def _post_graph(self, staging: str, body: bytes) -> httpx.Response:
        assert self.endpoints.store is not None
        try:
            return self.client.post(
                self.endpoints.store,
                params={"graph": staging},
                content=body,
                headers={"Content-Type": "application/n-triples"},
            )
        except httpx.TransportError as error:
            raise describe_transport(error, self.endpoints.store, self.engine.timeout) from None

    def _error(
        self, response: httpx.Response, url: str, action: str, service: str = "Graph Store endpoint"
    ) -> RemoteError:
        return describe_status(
            response.status_code,
            first_line(response.text),
            url,
            action=action,
            credentials=self.engine.credentials,
            service=service,
        )


def _run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def staging_prefix(graph: str | None) -> str:
    """Staging graphs are named per publication (the project's graphs, or one --graph), so a
    push clears what an interrupted push of the same publication left, and nothing else."""
    key = sha256((graph or str(GRAPH)).encode()).hexdigest()[:12]
    return f"{STAGING}{key}/"


def _drop(graphs: Iterable[str]) -> str:
    return " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs)


def push(
    kg: KnowledgeGraph,
    endpoints: Endpoints,
    *,
    graph: str | None = None,
    credentials: Credentials | None = None,
    timeout: float = 60.0,
    chunk_size: int | None = None,
    dry_run: bool = False,
    outcome: ValidationOutcome | None = None,
    progress: PushProgress | None = None,
    verify: bool = False,
    validator: str = "pyshacl",
) -> PushReport:
    """Replace the project's graphs on a store with kg, atomically as readers see it.

    kg must conform (validated here with validator, "pyshacl" or "turbo", unless a
    conforming outcome is handed in): else NotConforming. verify reads the staged graphs
    back and compares them, term for term, before the swap (a store may rewrite literals).
    Any failure is a RemoteError whose message says what the store holds.
    """
    progress = progress or _Silent()
    started = time.monotonic()
    engine = RemoteEngine(endpoints.query, graphs=(), credentials=credentials, timeout=timeout)
    if outcome is None:
        # A wrong URL or password fails now, not after a long validation.
        engine.query("ASK { }", dataset=False)
        progress.step(f"validating {len(kg):,} triples")
        outcome = validate(kg, engine=validator)
    if not outcome.conforms:
        raise NotConforming(outcome)
    targets = plan_targets(kg, graph)
    names = [t.graph for t in targets]
    prefix = staging_prefix(graph)

    progress.step("reading the store")
    found = engine.named_graphs([str(GRAPH), prefix])
    leftovers = [g for g in found if g.startswith(prefix)]
    orphans = [] if graph else [g for g in found if g.startswith(str(GRAPH)) and g not in names]
    previous = engine.count_triples([*names, *orphans])
    sizes = {t.graph: count_target(kg, t) for t in targets}
    changes = [GraphChange(t.graph, sizes[t.graph], previous[t.graph]) for t in targets]
    dropped = [GraphChange(g, 0, previous[g], added=0, removed=previous[g]) for g in orphans]
    report = PushReport(endpoints.query, dry_run, changes, dropped, leftovers)

    if dry_run:
        for target, change in zip(targets, changes, strict=True):
            progress.step(f"comparing {target.graph}")
            remote = engine.fetch(target.graph) if change.previous else []
            change.added, change.removed = diff(target_triples(kg, target), remote)
        report.seconds = time.monotonic() - started
        return report

    run = _run_id()
    staged = {t.graph: f"{prefix}{run}/{i}" for i, t in enumerate(targets)}
    with engine.client() as client:
        writer = _Writer(client, endpoints, engine)
        if leftovers:
            progress.step("removing staging graphs left by an interrupted push")
            writer.update(_drop(leftovers), action="the clean-up")
        try:
            uploading = time.monotonic()
            report.chunks = _upload(kg, targets, staged, sizes, writer, chunk_size, progress)
            report.upload_seconds = time.monotonic() - uploading
            _check_staging(engine, staged, sizes)
            if verify:
                progress.step("reading the staged graphs back")
                _verify_staging(kg, engine, targets, staged, sizes)
        except (RemoteError, KeyboardInterrupt) as error:
            _discard(writer, staged.values())
            if isinstance(error, RemoteError):
                raise error.with_note(UNCHANGED) from None
            raise
        progress.step("swapping the new graphs in")
        try:
            swapping = time.monotonic()
            # The store reads every staged triple once: give it time in proportion.
            patience = max(timeout, SWAP_SECONDS_PER_MILLION * sum(sizes.values()) / 1e6)
            _swap(writer, swap_update(run, targets, staged, sizes, orphans), patience)
            report.swap_seconds = time.monotonic() - swapping
        except RemoteError as error:
            if error.maybe_applied:
                raise error.with_note(
                    "the swap is one request: the store holds either the old graphs or the new "
                    "ones, never a mix; push again"
                ) from None
            _discard(writer, staged.values())
            raise error.with_note(UNCHANGED) from None
        progress.step("dropping the staging graphs")
        _discard(writer, staged.values())  # on failure, the next push drops them
        _check_published(engine, sizes)
    report.protocol = writer.protocol
    report.seconds = time.monotonic() - started
    return report


def _upload(
    kg: KnowledgeGraph,
    targets: Sequence[Target],
    staged: dict[str, str],
    sizes: dict[str, int],
    writer: _Writer,
    chunk_size: int | None,
    progress: PushProgress,
) -> int:
    """Send every target's triples to its staging graph; returns the number of requests."""
    first = next(iter(staged.values()))
    writer.probe(first)
    size = chunk_size or (GSP_CHUNK if writer.protocol == "graph-store" else UPDATE_CHUNK)
    progress.start(sum(sizes.values()))
    chunks = 0
    for target in targets:
        for chunk in chunked(target_triples(kg, target), size):
            writer.send(staged[target.graph], chunk)
            chunks += 1
            progress.advance(len(chunk))
    return chunks


def _check_staging(engine: RemoteEngine, staged: dict[str, str], sizes: dict[str, int]) -> None:
    """The store must hold every triple sent, before anything is swapped in."""
    counts = engine.count_triples([staged[g] for g in sizes if sizes[g]])
    for graph, expected in sizes.items():
        if expected and counts[staged[graph]] != expected:
            raise RemoteError(
                f"{engine.endpoint} kept {counts[staged[graph]]:,} of the {expected:,} triples "
                f"sent for {graph} (a cut-off upload, or another push at the same time?)",
                kind="rejected",
                endpoint=engine.endpoint,
            )


def swap_update(
    run: str,
    targets: Sequence[Target],
    staged: dict[str, str],
    sizes: dict[str, int],
    orphans: Sequence[str],
) -> str:
    """The one request that makes every target equal to its staging graph, and drops orphans.

    Only the difference is written: the triples a target has and its staging graph lacks are
    deleted, then the ones it lacks are inserted (blank nodes are never shared between the
    two graphs, so triples with blank nodes are replaced whole). MOVE would do the same in
    one line but rewrites every triple twice inside one transaction: at a million triples
    that took Oxigraph 114 s and 7 GB, where a republish with few changes writes almost
    nothing this way. The staging graphs are dropped afterwards, outside the transaction.
    """
    lines = [f"# strategykg push {run}: every graph replaced in one request"]
    lines += [f"DROP SILENT GRAPH <{g}>" for g in orphans]
    for target in targets:
        graph, staging = target.graph, staged[target.graph]
        if not sizes[graph]:
            lines.append(f"DROP SILENT GRAPH <{graph}>")
            continue
        # FILTER EXISTS: should the staging graph be gone (dropped by another push of the
        # same publication), delete nothing rather than empty the published graph.
        lines.append(
            f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }}"
            f" FILTER NOT EXISTS {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}"
            f" FILTER EXISTS {{ GRAPH <{staging}> {{ ?s0 ?p0 ?o0 }} }} }}"
        )
        lines.append(
            f"INSERT {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }}"
            f" FILTER NOT EXISTS {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} }}"
        )
    return lines[0] + "\n" + " ;\n".join(lines[1:])


def _swap(writer: _Writer, update: str, timeout: float, attempts: int = 5) -> None:
    """Send the swap; a store that aborted it as a deadlock with readers rolled it back whole,
    so it is sent again (Virtuoso at serializable isolation does that under load)."""
    for attempt in range(attempts):
        try:
            writer.update(update, action="the swap", timeout=timeout)
            return
        except RemoteError as error:
            retry = error.status is not None and (
                "deadlock" in str(error).lower() or "40001" in str(error)
            )
            if not retry or attempt == attempts - 1:
                raise
            time.sleep(0.2 * 2**attempt)


def _check_published(engine: RemoteEngine, sizes: dict[str, int]) -> None:
    """After the swap, every graph holds what was sent (else another push got in the way)."""
    counts = engine.count_triples(list(sizes))
    for graph, expected in sizes.items():
        if counts[graph] != expected:
            raise RemoteError(
                f"{engine.endpoint} holds {counts[graph]:,} triples in {graph} after the swap, "
                f"not {expected:,} (another push at the same time?); push again",
                kind="failed",
                endpoint=engine.endpoint,
            )


def _verify_staging(
    kg: KnowledgeGraph,
    engine: RemoteEngine,
    targets: Sequence[Target],
    staged: dict[str, str],
    sizes: dict[str, int],
) -> None:
    """What the store kept must be what it was sent, term for term (blank nodes by shape)."""
    for target in targets:
        if not sizes[target.graph]:
            continue
        remote = engine.fetch(staged[target.graph])
        sent, kept = differences(target_triples(kg, target), remote)
        if sent or kept:
            example = f": {_first(sent)} came back as {_first(kept)}" if sent and kept else ""
            count = sum(len(sig) * n for sig, n in sent.items())
            raise RemoteError(
                f"{engine.endpoint} changed {count:,} of the triples sent for {target.graph}"
                f"{example}",
                kind="rejected",
                endpoint=engine.endpoint,
            )


def _first(found: Counter[tuple[str, ...]]) -> str:
    text = min(found)[0]
    return text if len(text) <= 160 else text[:159] + "…"


def _discard(writer: _Writer, staging: Iterable[str]) -> None:
    """Best effort: drop this push's staging graphs (a dead store keeps them for the next push)."""
    with contextlib.suppress(RemoteError):
        writer.update(_drop(staging), action="the clean-up")
