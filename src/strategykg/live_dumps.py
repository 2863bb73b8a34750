"""The server's downloads of the whole dataset: made on first request, by a worker, kept on disk.

Making every dump at start-up took most of the server's start at a million triples (about
20 s, the JSON-LD compaction the bulk of it) and kept them all in the server's memory. Now a
format is written once, when it is first asked for, into a private folder that the server
removes when it stops, by a worker of its own (forked like the query workers, so the queries
keep theirs, and stopped afterwards, so the heap the document grew goes with it), one at a
time (:mod:`strategykg.ondemand`). Each format gives two files, plain and gzip, served from disk with
byte ranges and strong ETags from their SHA-256. The bytes do not depend on when they were
made: the data cannot change while the server runs.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from strategykg.linkeddata import JsonLdCompactor
from strategykg.negotiation import BY_NAME, Format
from strategykg.ondemand import OnFirstRequest

DUMP_STEM = "strategykg"
DUMP_FORMATS = ("turtle", "ntriples", "jsonld", "trig", "nquads")
# Writing one dump is not a query: at a million triples JSON-LD takes tens of seconds.
DUMP_TIME_LIMIT = 900.0
_CHUNK = 1 << 20


@dataclass(frozen=True)
class DumpSpec:
    """One downloadable file of the whole dataset, before it is made."""

    name: str
    format: Format
    compressed: bool

    @property
    def media_type(self) -> str:
        return "application/gzip" if self.compressed else self.format.content_type

    @property
    def label(self) -> str:
        return self.format.label + (" (gzip)" if self.compressed else "")


@dataclass(frozen=True)
class DumpFile:
    """A dump on disk, with what a client may check it against."""

    spec: DumpSpec
    path: Path
    size: int
    sha256: str

    @property
    def etag(self) -> str:
        return f'"{self.sha256[:32]}"'


def file_names(fmt: Format) -> tuple[str, str]:
    """The plain and the gzip file of one format: strategykg.ttl, strategykg.ttl.gz."""
    plain = f"{DUMP_STEM}.{fmt.suffix}"
    return plain, plain + ".gz"


def _specs() -> dict[str, DumpSpec]:
    specs = {}
    for name in DUMP_FORMATS:
        fmt = BY_NAME[name]
        plain, packed = file_names(fmt)
        specs[plain] = DumpSpec(plain, fmt, False)
        specs[packed] = DumpSpec(packed, fmt, True)
    return specs


DUMPS: dict[str, DumpSpec] = _specs()


Made = tuple[str, int, str]  # what a worker sends back (pyoxigraph's formats do not pickle)


def _finish(name: str, temporary: Path, folder: Path) -> Made:
    """Checksum a written file and move it into place, so a reader never sees half of one."""
    digest = hashlib.sha256()
    with temporary.open("rb") as stream:
        while chunk := stream.read(_CHUNK):
            digest.update(chunk)
    size = temporary.stat().st_size
    os.replace(temporary, folder / name)
    return name, size, digest.hexdigest()


@dataclass(frozen=True)
class DumpWriter:
    """Writes one format's dumps from the store. Runs in a worker (or a thread, remote mode)."""

    store: ox.Store
    prefixes: dict[str, str]
    compactor: JsonLdCompactor
    context: dict  # the published @context, written into the JSON-LD dump for offline use

    def _body(self, fmt: Format, target: Path) -> None:
        if fmt.kind == "dataset":
            quads = self.store.quads_for_pattern(None, None, None)
            ox.serialize(quads, str(target), format=fmt.oxigraph, prefixes=self.prefixes)
            return
        # The union of the named graphs, each triple once even when two files state it.
        triples = dict.fromkeys(
            ox.Triple(q.subject, q.predicate, q.object)
            for q in self.store.quads_for_pattern(None, None, None)
        )
        if fmt.name != "jsonld":
            ox.serialize(triples, str(target), format=fmt.oxigraph, prefixes=self.prefixes)
            return
        expanded = ox.serialize(triples, format=fmt.oxigraph)
        del triples
        document = json.loads(self.compactor.compact(expanded, "context.jsonld"))
        document["@context"] = self.context["@context"]  # a dump is read offline
        target.write_bytes(json.dumps(document, ensure_ascii=False, indent=1).encode())

    def write(self, format_name: str, folder: str) -> list[Made]:
        """The plain and the gzip file of one format, written into folder."""
        fmt = BY_NAME[format_name]
        where = Path(folder)
        plain, packed = file_names(fmt)
        work = Path(tempfile.mkdtemp(prefix=".writing-", dir=where))
        try:
            self._body(fmt, work / plain)
            with (
                (work / plain).open("rb") as source,
                (work / packed).open("wb") as raw,
                gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as sink,
            ):
                shutil.copyfileobj(source, sink, _CHUNK)
            return [_finish(plain, work / plain, where), _finish(packed, work / packed, where)]
        finally:
            shutil.rmtree(work, ignore_errors=True)


RunJob = Callable[[str, tuple, float], Awaitable[object]]


class DumpShelf:
    """The server's side: the dumps made so far, and the making of the others."""

    def __init__(self, run: RunJob, gate: asyncio.Semaphore):
        self._run = run
        self.folder = Path(tempfile.mkdtemp(prefix="strategykg-dumps-"))
        self._formats: OnFirstRequest[str, dict[str, DumpFile]] = OnFirstRequest(self._make, gate)

    @property
    def ready(self) -> dict[str, DumpFile]:
        return {name: f for files in self._formats.made.values() for name, f in files.items()}

    async def _make(self, fmt: str) -> dict[str, DumpFile]:
        made = await self._run("dump", (fmt, str(self.folder)), DUMP_TIME_LIMIT)
        return {
            name: DumpFile(DUMPS[name], self.folder / name, size, sha256)
            for name, size, sha256 in made  # type: ignore[attr-defined]
        }

    async def get(self, name: str) -> DumpFile:
        """The dump called name (a key of DUMPS), made now if it has not been yet."""
        return (await self._formats.get(DUMPS[name].format.name))[name]

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
