"""Serialise a release: one table of RDF formats, byte-stable writers, dumps, the JSON-LD context.

Formats are registered once in :data:`FORMATS` (name, extension, media type), in the manner of
rdflib's plugin registry, so the dumps, the static site and the web-server configuration all map
media types through the same table. Output is byte-stable: blank nodes carry canonical labels
(see :mod:`strategykg.release`), N-Triples and N-Quads are sorted line by line, rdflib graphs are
filled in sorted order, JSON is written with sorted keys, and gzip files carry no name or time.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD
from rdflib.plugins.serializers.trig import TrigSerializer
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Node

from strategykg.load import to_rdflib
from strategykg.release import Release, new_graph, quad_key, triple_key


@dataclass(frozen=True)
class RdfFormat:
    """One RDF serialisation the release writes and the web server negotiates."""

    key: str
    name: str
    extension: str
    media_type: str
    datasets: bool  # keeps named graphs


FORMATS: tuple[RdfFormat, ...] = (
    RdfFormat("turtle", "Turtle", "ttl", "text/turtle", False),
    RdfFormat("ntriples", "N-Triples", "nt", "application/n-triples", False),
    RdfFormat("jsonld", "JSON-LD", "jsonld", "application/ld+json", False),
    RdfFormat("rdfxml", "RDF/XML", "rdf", "application/rdf+xml", False),
    RdfFormat("trig", "TriG", "trig", "application/trig", True),
    RdfFormat("nquads", "N-Quads", "nq", "application/n-quads", True),
)
BY_EXTENSION = {f.extension: f for f in FORMATS}
# The formats of one resource's description on the static site (a resource is one graph).
RESOURCE_FORMATS = tuple(f for f in FORMATS if not f.datasets)
# Media types of every other file the release writes, for web-server configuration.
OTHER_MEDIA_TYPES = {
    "html": "text/html",
    "css": "text/css",
    "svg": "image/svg+xml",
    "txt": "text/plain",
    "md": "text/markdown",
    "json": "application/json",
    "gz": "application/gzip",
    "rdfp": "application/rdf-patch",
}
# Properties whose values are text in several languages: JSON-LD language maps.
LANGUAGE_MAPS = {
    "label": RDFS.label,
    "comment": RDFS.comment,
    "prefLabel": SKOS.prefLabel,
    "altLabel": SKOS.altLabel,
    "definition": SKOS.definition,
    "scopeNote": SKOS.scopeNote,
    "editorialNote": SKOS.editorialNote,
    "note": SKOS.note,
    "title": URIRef("http://purl.org/dc/terms/title"),
    "description": URIRef("http://purl.org/dc/terms/description"),
}
PARTS_TITLES = {
    "all": ("Whole dataset", "Jeu de données complet"),
    "ontology": ("Ontology", "Ontologie"),
    "themes": ("Themes", "Thèmes"),
    "shapes": ("SHACL shapes", "Formes SHACL"),
    "data": ("Data", "Données"),
}


def dump_name(part: str, fmt: RdfFormat) -> str:
    """strategykg.ttl for the whole dataset, strategykg-ontology.ttl for a part."""
    stem = "strategykg" if part == "all" else f"strategykg-{part}"
    return f"{stem}.{fmt.extension}"


def context_iri(release: Release) -> str:
    """The published JSON-LD context of this release (versioned, so old documents keep meaning)."""
    return f"{release.base}context/{release.info.version}.jsonld"


def jsonld_context(release: Release) -> dict[str, object]:
    """The @context: the release's prefixes, ontology terms, and language maps for text."""
    context: dict[str, object] = {"@version": 1.1, "id": "@id", "type": "@type"}
    context.update(release.prefixes)
    ontology = release.rdflib_graph(["ontology"])
    namespace = release.info.ontology_iri + "#"
    for kind, coerce in ((OWL.ObjectProperty, True), (OWL.DatatypeProperty, False)):
        for prop in sorted(ontology.subjects(RDF.type, kind)):
            name = str(prop)
            if name.startswith(namespace):
                term: dict[str, str] = {"@id": "skg:" + name[len(namespace) :]}
                if coerce:
                    term["@type"] = "@id"
                context.setdefault(name[len(namespace) :], term)
    for name, prop in LANGUAGE_MAPS.items():
        context[name] = {"@id": str(prop), "@container": "@language"}
    return {
        "@context": dict(sorted(context.items(), key=lambda kv: (not kv[0].startswith("@"), kv[0])))
    }


def serialize(
    triples_or_quads: Iterable[ox.Triple] | Iterable[ox.Quad],
    fmt: RdfFormat,
    release: Release,
    context: dict[str, object] | None = None,
) -> bytes:
    """Bytes of one format, the same bytes for the same input on every run."""
    items = list(triples_or_quads)
    if fmt.datasets:
        quads = sorted(dict.fromkeys(items), key=quad_key)  # type: ignore[arg-type]
        if fmt.key == "nquads":
            return _sorted_lines(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
        return trig_bytes(quads, release.prefixes)
    triples = sorted(
        dict.fromkeys(ox.Triple(i.subject, i.predicate, i.object) for i in items), key=triple_key
    )
    if fmt.key == "ntriples":
        return _sorted_lines(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
    if fmt.key == "rdfxml":
        # pyoxigraph writes triples in the order given; rdflib's RDF/XML follows hash order.
        return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=release.prefixes)
    graph = new_graph(release.prefixes)
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return serialize_graph(graph, fmt, release, context)


def bind_missing_namespaces(graph: Graph) -> None:
    """Give every unbound predicate namespace a prefix, in sorted order.

    rdflib would invent ns1, ns2 … itself, numbered in the order it meets them, which follows
    hash order: the same graph would then be written with different prefixes on each run.
    """
    bound = [str(ns) for _, ns in graph.namespaces()]
    missing = set()
    for predicate in set(graph.predicates()):
        iri = str(predicate)
        if not any(iri.startswith(ns) and iri[len(ns) :] for ns in bound):
            cut = max(iri.rfind("#"), iri.rfind("/"))
            if 0 < cut < len(iri) - 1:
                missing.add(iri[: cut + 1])
    for number, namespace in enumerate(sorted(missing), start=1):
        graph.bind(f"ns{number}", namespace, override=False)


def serialize_graph(
    graph: Graph, fmt: RdfFormat, release: Release, context: dict[str, object] | None = None
) -> bytes:
    """Bytes of an rdflib graph in a triple format (Turtle and JSON-LD through rdflib)."""
    bind_missing_namespaces(graph)
    if fmt.key == "turtle":
        stream = io.BytesIO()
        _TurtleSerializer(graph).serialize(stream, encoding="utf-8")
        return stream.getvalue()
    if fmt.key == "jsonld":
        context = context if context is not None else jsonld_context(release)
        text = graph.serialize(format="json-ld", context=context["@context"], auto_compact=True)
        document = json.loads(text)
        if not isinstance(document, dict):
            document = {"@graph": document}
        document = _sorted_json(document)
        # Compacted against the context, the document names the published context file.
        document["@context"] = context_iri(release)
        return json_bytes(document)
    if fmt.key in ("ntriples", "rdfxml"):
        triples = sorted(
            {ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph},
            key=triple_key,
        )
        if fmt.key == "ntriples":
            return _sorted_lines(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        prefixes = {p: str(ns) for p, ns in graph.namespaces() if p and p != "xml"}
        return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes)
    raise ValueError(f"{fmt.name} keeps named graphs: serialise quads instead")


def from_rdflib(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert one rdflib term to its pyoxigraph equal."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def _sorted_lines(data: bytes) -> bytes:
    lines = sorted(set(data.decode("utf-8").splitlines()))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _sorted_json(value: object, key: str | None = None) -> object:
    """JSON-LD with its arrays sorted: rdflib orders them by hash, and only @list order matters."""
    if isinstance(value, dict):
        return {k: _sorted_json(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_json(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return value


# Turtle's shorthand for numbers and booleans, per datatype: anything else must be quoted.
_SHORTHAND = {
    str(XSD.integer): re.compile(r"[+-]?\d+"),
    str(XSD.decimal): re.compile(r"[+-]?\d*\.\d+"),
    str(XSD.double): re.compile(r"[+-]?(\d+\.\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d+[eE][+-]?\d+)"),
    str(XSD.boolean): re.compile(r"true|false"),
}


class _LexicalMixin:
    """Keep every literal's lexical form: rdflib writes "50"^^xsd:decimal as 50 or 50.0."""

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype is not None:
            plain = node._literal_n3(use_plain=True)
            grammar = _SHORTHAND.get(str(node.datatype))
            if not plain.startswith('"') and (
                plain != str(node) or grammar is None or not grammar.fullmatch(plain)
            ):
                return node._literal_n3(
                    use_plain=False,
                    qname_callback=lambda dt: self.get_pname(dt, False),  # type: ignore[attr-defined]
                )
        return super().label(node, position)  # type: ignore[misc]


class _TurtleSerializer(_LexicalMixin, TurtleSerializer):
    """rdflib's Turtle, keeping lexical forms."""


class _SortedTrigSerializer(_LexicalMixin, TrigSerializer):
    """rdflib's TriG, keeping lexical forms, its named graphs in IRI order (rdflib uses a set)."""

    def __init__(self, store: Dataset):
        super().__init__(store)
        self.contexts.sort(key=lambda graph: str(graph.identifier))


def trig_bytes(quads: Iterable[ox.Quad], prefixes: dict[str, str]) -> bytes:
    """TriG through rdflib (nested blank nodes, grouped subjects), its graphs in IRI order."""
    dataset = Dataset()
    for prefix, ns in prefixes.items():
        dataset.bind(prefix, ns, override=True, replace=True)
    for q in sorted(quads, key=quad_key):
        graph = dataset.graph(URIRef(q.graph_name.value))
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    bind_missing_namespaces(dataset)
    stream = io.BytesIO()
    _SortedTrigSerializer(dataset).serialize(stream, encoding="utf-8")
    return stream.getvalue()


def json_bytes(document: object) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def gzip_bytes(data: bytes) -> bytes:
    """gzip with no file name and mtime 0, so the same data always gives the same bytes."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as f:
        f.write(data)
    return buffer.getvalue()


@dataclass(frozen=True)
class DumpFile:
    """A file written to the dumps folder, as DCAT describes it."""

    part: str
    format: RdfFormat
    name: str
    size: int
    sha256: str
    compressed: bool


def write_dumps(release: Release, folder: Path, progress=None) -> list[DumpFile]:
    """Every part and the whole dataset in every format, each also gzipped; returns what it wrote."""
    folder.mkdir(parents=True, exist_ok=True)
    context = jsonld_context(release)
    files: list[DumpFile] = []
    for part in ["all", *release.parts]:
        quads = release.quads if part == "all" else release.part_quads([part])
        for fmt in FORMATS:
            data = serialize(quads, fmt, release, context)
            name = dump_name(part, fmt)
            for payload, file_name, compressed in (
                (data, name, False),
                (gzip_bytes(data), name + ".gz", True),
            ):
                (folder / file_name).write_bytes(payload)
                digest = hashlib.sha256(payload).hexdigest()
                files.append(DumpFile(part, fmt, file_name, len(payload), digest, compressed))
            if progress:
                progress()
    return files
