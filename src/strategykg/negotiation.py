"""Content negotiation: one table of the formats the server speaks, and an RFC 9110 Accept parser.

Every handler maps media types, ``format=`` values and URL suffixes through :data:`FORMATS`, the
way rdflib's plugin registry maps names and media types, so there are no if-chains over media
types elsewhere. No installed dependency parses Accept headers (Starlette has none), so a small
q-value parser lives here, with its rules tested in tests/test_server_units.py:

* the most specific matching range decides a type's q (``text/turtle;q=0`` beats ``*/*``);
* among equal q, the client's more specific range wins, then the server's order of preference;
* a format's other media types (application/x-turtle) count only when the client names them;
* q=0 means "not acceptable"; a missing or empty Accept header means ``*/*``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox


@dataclass(frozen=True)
class Format:
    """One serialisation: its short name, media types (the first is sent), suffix and kind."""

    name: str
    label: str
    media_types: tuple[str, ...]
    suffix: str | None
    kind: str  # "results" (SPARQL results), "graph", "dataset", "page" or "text"
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat | None = None

    @property
    def media_type(self) -> str:
        return self.media_types[0]

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(
            ("json", "xml", "trig", "n-triples", "n-quads")
        )
        return self.media_type + ("; charset=utf-8" if textual else "")


R = ox.QueryResultsFormat
G = ox.RdfFormat
FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "SPARQL JSON",
        ("application/sparql-results+json", "application/json"),
        "srj",
        "results",
        R.JSON,
    ),
    Format(
        "xml",
        "SPARQL XML",
        ("application/sparql-results+xml", "application/xml", "text/xml"),
        "srx",
        "results",
        R.XML,
    ),
    Format("csv", "CSV", ("text/csv",), "csv", "results", R.CSV),
    Format("tsv", "TSV", ("text/tab-separated-values",), "tsv", "results", R.TSV),
    Format("turtle", "Turtle", ("text/turtle", "application/x-turtle"), "ttl", "graph", G.TURTLE),
    Format(
        "ntriples", "N-Triples", ("application/n-triples", "text/plain"), "nt", "graph", G.N_TRIPLES
    ),
    Format(
        "jsonld",
        "JSON-LD",
        ("application/ld+json", "application/json"),
        "jsonld",
        "graph",
        G.JSON_LD,
    ),
    Format(
        "rdfxml",
        "RDF/XML",
        ("application/rdf+xml", "application/xml", "text/xml"),
        "rdf",
        "graph",
        G.RDF_XML,
    ),
    Format("trig", "TriG", ("application/trig",), "trig", "dataset", G.TRIG),
    Format("nquads", "N-Quads", ("application/n-quads",), "nq", "dataset", G.N_QUADS),
    Format("html", "HTML", ("text/html", "application/xhtml+xml"), "html", "page"),
)
BY_NAME = {f.name: f for f in FORMATS}
BY_SUFFIX = {f.suffix: f for f in FORMATS if f.suffix}
HTML = BY_NAME["html"]

# What each kind of answer can be written as, in the server's order of preference.
RESULTS = tuple(f for f in FORMATS if f.kind == "results")
GRAPHS = tuple(f for f in FORMATS if f.kind == "graph")
DATASETS = tuple(f for f in FORMATS if f.kind == "dataset")
RESOURCE = (*GRAPHS, HTML)  # a dereferenced IRI (a machine format is the default for */*)
PAGE = (HTML, *GRAPHS)  # a page made for people that also has RDF (HTML for */*)
_ALIASES = {"sparql-results+json": "json", "rdf": "rdfxml", "ttl": "turtle", "nt": "ntriples"}


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    specificity: int  # 0 for */*, 1 for type/*, 2 for type/subtype (3 with parameters)

    def matches(self, media_type: str) -> bool:
        kind, _, sub = media_type.partition("/")
        return (self.type in ("*", kind)) and (self.subtype in ("*", sub))


@lru_cache(maxsize=512)
def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header; malformed entries are skipped, not fatal."""
    if not header or not header.strip():
        return (MediaRange("*", "*", 1.0, 0),)
    ranges = []
    for item in header.split(","):
        parts = [p.strip() for p in item.split(";")]
        kind, slash, sub = parts[0].lower().partition("/")
        if not slash or not kind or not sub or (kind == "*" and sub != "*"):
            continue
        q, params = 1.0, 0
        for param in parts[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0
                break  # parameters after q are accept-extensions, not part of the range
            params = 1
        specificity = 0 if kind == "*" else 1 if sub == "*" else 2 + params
        ranges.append(MediaRange(kind, sub, q, specificity))
    return tuple(ranges)


def quality(ranges: Sequence[MediaRange], media_type: str) -> tuple[float, int]:
    """(q, specificity) of the most specific range that matches media_type; (0, -1) if none."""
    best: MediaRange | None = None
    for candidate in ranges:
        if candidate.matches(media_type) and (
            best is None or candidate.specificity > best.specificity
        ):
            best = candidate
    return (best.q, best.specificity) if best else (0.0, -1)


@lru_cache(maxsize=1024)
def _negotiate(header: str | None, names: tuple[str, ...]) -> str | None:
    ranges = parse_accept(header)
    best: tuple[float, int, int] | None = None
    chosen = None
    for order, name in enumerate(names):
        for alias, media_type in enumerate(BY_NAME[name].media_types):
            q, specificity = quality(ranges, media_type)
            if q <= 0 or (alias and specificity < 2):
                continue  # an alias counts only when named: */* stands for the main type
            score = (q, specificity, -order)
            if best is None or score > best:
                best, chosen = score, name
    return chosen


def negotiate(header: str | None, candidates: Iterable[Format]) -> Format | None:
    """The candidate the Accept header prefers, or None if it accepts none of them (406)."""
    name = _negotiate(header, tuple(f.name for f in candidates))
    return None if name is None else BY_NAME[name]


def from_parameter(value: str, candidates: Iterable[Format]) -> Format | None:
    """A ``format=`` value, by short name, suffix or media type, among the candidates."""
    value = value.strip().lower()
    value = _ALIASES.get(value, value)
    pool = list(candidates)
    for fmt in pool:
        if value in (fmt.name, fmt.suffix) or value in fmt.media_types:
            return fmt
    return None


def acceptable_list(candidates: Iterable[Format]) -> str:
    """The media types a 406 answer offers instead."""
    return ", ".join(dict.fromkeys(f.media_type for f in candidates))


@lru_cache(maxsize=256)
def pick_language(header: str | None, offered: tuple[str, ...] = ("en", "fr")) -> str:
    """The offered language an Accept-Language header prefers (RFC 4647 basic filtering)."""
    best, best_score = offered[0], (0.0, -1, 0)
    for item in (header or "").split(","):
        tag, _, params = item.strip().partition(";")
        tag = tag.strip().lower()
        if not tag:
            continue
        q = 1.0
        key, _, value = params.strip().partition("=")
        if key.strip() == "q":
            try:
                q = float(value)
            except ValueError:
                q = 0.0
        for order, lang in enumerate(offered):
            if tag == "*" or tag == lang or tag.startswith(lang + "-"):
                score = (q, 0 if tag == "*" else 1, -order)
                if q > 0 and score > best_score:
                    best, best_score = lang, score
    return best
