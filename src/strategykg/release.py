"""What a release publishes: the sources' quads made canonical, rebased and sorted, and its metadata.

Every release artefact (dumps, description, documentation, static site) is written from one
:class:`Release`, so they all agree on blank node labels, IRIs and prefixes. Blank nodes get
RDFC-1.0 canonical labels and quads are sorted, which is what makes two builds byte-identical.
The release's version and dates come from the ontology header (``owl:versionInfo``,
``owl:versionIRI``, ``dcterms:issued`` / ``dcterms:modified``), never from the clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from strategykg.errors import InputError
from strategykg.load import KnowledgeGraph, to_rdflib
from strategykg.namespaces import DEFAULT_BASE, PREFIXES

LANGUAGES = ("en", "fr")
SCHEMA_NAME = URIRef("https://schema.org/name")
FOAF_NAME = URIRef("http://xmlns.com/foaf/0.1/name")
_SAFE_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
# IRIs whose last segment has one of these extensions name a file of the site, not a resource page.
FILE_EXTENSIONS = frozenset(
    [
        "txt",
        "ttl",
        "nt",
        "nq",
        "jsonld",
        "rdf",
        "trig",
        "gz",
        "svg",
        "html",
        "json",
        "md",
        "csv",
        "css",
        "rdfp",
    ]
)


@dataclass(frozen=True)
class ReleaseInfo:
    """The release's identity, read from the ontology header."""

    version: str
    ontology_iri: str
    version_iri: str
    issued: str
    modified: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    license: str | None
    publisher: str | None
    creator: str | None


@dataclass
class Release:
    """The quads a release publishes (canonical blank nodes, sorted), with what describes them."""

    base: str
    info: ReleaseInfo
    quads: list[ox.Quad]
    graph_parts: dict[str, str]
    prefixes: dict[str, str]
    texts: dict[str, str]
    source_base: str = DEFAULT_BASE
    _graphs: dict[tuple[str, ...], Graph] = field(default_factory=dict, repr=False)
    _triples: dict[tuple[str, ...] | None, list[ox.Triple]] = field(
        default_factory=dict, repr=False
    )

    def graphs_of(self, parts: Iterable[str]) -> list[str]:
        wanted = set(parts)
        return [g for g, part in self.graph_parts.items() if part in wanted]

    def part_quads(self, parts: Iterable[str]) -> list[ox.Quad]:
        wanted = set(self.graphs_of(parts))
        return [q for q in self.quads if q.graph_name.value in wanted]

    def triples(self, parts: Iterable[str] | None = None) -> list[ox.Triple]:
        """Distinct triples of the given parts (all by default), in a stable order (cached)."""
        key = None if parts is None else tuple(sorted(set(parts)))
        if key not in self._triples:
            quads = self.quads if key is None else self.part_quads(key)
            seen = dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads)
            self._triples[key] = sorted(seen, key=triple_key)
        return self._triples[key]

    def rdflib_graph(self, parts: Iterable[str] | None = None) -> Graph:
        """The union of the given parts as an rdflib Graph in a stable order (cached: do not change it)."""
        key = tuple(sorted(self.graph_parts.values() if parts is None else set(parts)))
        if key not in self._graphs:
            graph = new_graph(self.prefixes)
            add = graph.add
            for t in self.triples(None if parts is None else key):
                add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
            self._graphs[key] = graph
        return self._graphs[key]

    @property
    def vocabulary(self) -> str:
        """The ontology's namespace in this release (it moves with the base)."""
        return self.info.ontology_iri + "#"

    @property
    def parts(self) -> list[str]:
        return list(dict.fromkeys(self.graph_parts.values()))

    def source_iri(self, name: str) -> str:
        """The IRI a source text is published at (``{base}sources/{file name}``)."""
        return f"{self.base}sources/{name}"


def new_graph(prefixes: dict[str, str]) -> Graph:
    """An empty rdflib Graph that knows only the given prefixes (no rdflib defaults)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def triple_key(t: ox.Triple) -> tuple[str, str, str]:
    return (str(t.subject), str(t.predicate), str(t.object))


def quad_key(q: ox.Quad) -> tuple[str, str, str, str]:
    return (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object))


def check_base(base: str) -> str:
    """A base must be an absolute http(s) IRI ending in '/', because the site mirrors its paths."""
    if not re.match(r"^https?://[^/\s]+/(\S*/)?$", base):
        raise InputError(
            f"--base {base!r} must be an absolute http(s) IRI ending in '/', "
            "such as https://example.org/strategykg/"
        )
    return base


def prepare(kg: KnowledgeGraph, base: str = DEFAULT_BASE) -> Release:
    """The release of kg under base: IRIs under the project base are rewritten to base."""
    base = check_base(base)
    rebase = _rebaser(DEFAULT_BASE, base)
    graph_parts = {rebase(ox.NamedNode(s.graph)).value: s.part for s in kg.sources}
    dataset = ox.Dataset(
        ox.Quad(rebase(q.subject), rebase(q.predicate), rebase(q.object), rebase(q.graph_name))
        for q in kg.store.quads_for_pattern(None, None, None)
        if isinstance(q.graph_name, ox.NamedNode)
    )
    # RDFC-1.0 labels depend only on the graph's content, so unchanged sources keep their labels.
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    quads = sorted(dataset, key=quad_key)
    prefixes = {
        prefix: (base + ns[len(DEFAULT_BASE) :] if ns.startswith(DEFAULT_BASE) else ns)
        for prefix, ns in source_prefixes(kg).items()
    }
    release = Release(
        base=base,
        info=ReleaseInfo("", "", "", "", "", {}, {}, None, None, None),
        quads=quads,
        graph_parts=graph_parts,
        prefixes=prefixes,
        texts={PurePosixPath(k).name: v for k, v in sorted(kg.texts.items())},
    )
    release.info = read_info(release)
    return release


def _rebaser(old: str, new: str):
    """A term mapper that moves IRIs under old to new, and plain literals that spell such IRIs.

    Plain literals are moved too because some vocabularies write namespaces as strings
    (``vann:preferredNamespaceUri``, ``sh:namespace``); text with a language tag is left alone.
    """
    if old == new:
        return lambda term: term

    def rebase(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(old):
            return ox.NamedNode(new + term.value[len(old) :])
        if isinstance(term, ox.Literal) and not term.language and term.value.startswith(old):
            return ox.Literal(new + term.value[len(old) :], datatype=term.datatype)
        return term

    return rebase


def source_prefixes(kg: KnowledgeGraph) -> dict[str, str]:
    """The prefixes people read: namespaces.PREFIXES, then those the source files declare."""
    prefixes = dict(PREFIXES)
    bound = set(prefixes.values())
    for source in kg.sources:
        if not source.path.is_file():
            continue
        parser = ox.parse(path=str(source.path), format=ox.RdfFormat.TURTLE)
        for _ in parser:
            pass
        for prefix, namespace in parser.prefixes.items():
            if prefix and prefix not in prefixes and namespace not in bound:
                prefixes[prefix] = namespace
                bound.add(namespace)
    return prefixes


def read_info(release: Release) -> ReleaseInfo:
    """The release's version, dates and titles from the one owl:Ontology of the ontology part."""
    graph = release.rdflib_graph(["ontology"])
    ontologies = sorted(set(graph.subjects(RDF.type, OWL.Ontology)))
    if len(ontologies) != 1:
        raise InputError(
            f"the ontology part must declare exactly one owl:Ontology, found {len(ontologies)}"
        )
    onto = ontologies[0]
    version = graph.value(onto, OWL.versionInfo)
    if version is None or not _SAFE_VERSION.fullmatch(str(version)):
        raise InputError(
            f"<{onto}> needs an owl:versionInfo made of letters, digits, '.', '_' or '-' "
            "(it names the release folder)"
        )
    version_iri = graph.value(onto, OWL.versionIRI)
    if version_iri is None:
        raise InputError(f"<{onto}> has no owl:versionIRI")
    modified = graph.value(onto, DCTERMS.modified) or graph.value(onto, DCTERMS.issued)
    issued = graph.value(onto, DCTERMS.issued) or modified
    if modified is None:
        raise InputError(f"<{onto}> needs dcterms:modified or dcterms:issued (the release date)")

    def agent_name(prop: URIRef) -> str | None:
        agent = graph.value(onto, prop)
        if agent is None:
            return None
        if isinstance(agent, Literal):
            return str(agent)
        name = graph.value(agent, SCHEMA_NAME) or graph.value(agent, FOAF_NAME)
        return str(name) if name is not None else str(agent)

    license_ = graph.value(onto, DCTERMS.license)
    return ReleaseInfo(
        version=str(version),
        ontology_iri=str(onto),
        version_iri=str(version_iri),
        issued=str(issued),
        modified=str(modified),
        titles=by_language(graph.objects(onto, DCTERMS.title)),
        descriptions=by_language(graph.objects(onto, DCTERMS.description)),
        license=None if license_ is None else str(license_),
        publisher=agent_name(DCTERMS.publisher),
        creator=agent_name(DCTERMS.creator),
    )


# ---------------------------------------------------------------------------
# Languages: one value per official language, with an explicit fallback
# ---------------------------------------------------------------------------


def primary_language(tag: str | None) -> str:
    """'fr' for fr, fr-CA and fr-t-en (a translation from English is still French)."""
    return (tag or "").split("-")[0].lower()


def by_language(values: Iterable[object]) -> dict[str, str]:
    """Literals keyed by primary language ('' for none), first one in sorted order winning."""
    found: dict[str, str] = {}
    for value in sorted(v for v in values if isinstance(v, Literal)):
        found.setdefault(primary_language(value.language), str(value))
    return found


def pick(values: Iterable[object], lang: str) -> Literal | None:
    """The value in lang, else English, else untagged, else any: the fallback is explicit."""
    literals = sorted(v for v in values if isinstance(v, Literal))
    for wanted in (lang, "en", ""):
        for value in literals:
            if primary_language(value.language) == wanted:
                return value
    return literals[0] if literals else None


# ---------------------------------------------------------------------------
# IRIs and site paths
# ---------------------------------------------------------------------------


def document_of(iri: str) -> str:
    """The IRI without its fragment: what a client actually asks the server for."""
    return iri.split("#", 1)[0]


def site_path(iri: str, base: str) -> str | None:
    """The site path (no extension) that mirrors iri under base, or None if it has none.

    ``{base}id/result/x`` -> ``id/result/x``; ``{base}ontology#Goal`` -> ``ontology``;
    ``{base}`` and IRIs ending in '/' -> ``index`` files. Percent-escapes are decoded because
    web servers decode the request path before they look for a file.
    """
    if not iri.startswith(base):
        return None
    rest = document_of(iri[len(base) :])
    if "?" in rest:
        return None
    path = unquote(rest)
    if path == "" or path.endswith("/"):
        path += "index"
    segments = path.split("/")
    if any(s in ("", ".", "..") for s in segments) or "\x00" in path:
        return None
    return path


def is_file_iri(path: str) -> bool:
    """True if the site path names a file (such as a dump or a source text), not a resource."""
    name = path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[-1].lower() in FILE_EXTENSIONS


def relative_link(from_path: str, to_path: str) -> str:
    """A relative URL from the file at from_path to the file at to_path (both site-relative)."""
    source = from_path.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < len(source) and common < len(target) - 1 and source[common] == target[common]:
        common += 1
    parts = [".."] * (len(source) - common) + target[common:]
    return "/".join(parts)
