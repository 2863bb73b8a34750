"""What the server computes once at start-up: counts, the JSON-LD context, VoID and DCAT.

The data does not change while the server runs, so the statistics and the context are made
once, before the first request. Descriptions that name the server's own address (the SPARQL
Service Description, VoID/DCAT with their download links) are made once per address and
format and then kept. The dumps themselves are made on first request
(:mod:`strategykg.live_dumps`): making them here cost most of the start-up at scale.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from functools import lru_cache

import pyoxigraph as ox

from strategykg.linkeddata import RDF_TYPE, Describer, JsonLdCompactor, jsonld_context
from strategykg.live_dumps import DUMPS
from strategykg.load import KnowledgeGraph
from strategykg.namespaces import FORMATS_NS, PREFIXES, W3C_FORMATS
from strategykg.negotiation import BY_NAME, DATASETS, GRAPHS, RESULTS, Format

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
IANA = "https://www.iana.org/assignments/media-types/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
EXTRA_PREFIXES = {"sd": SD, "void": VOID, "dcat": DCAT, "formats": str(FORMATS_NS)}
_PREFIX_LINE = re.compile(r"^\s*@prefix\s+([A-Za-z][\w.-]*)\s*:\s*<([^>]*)>", re.MULTILINE)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_n(XSD + "integer"))


class Publication:
    """The dataset's statistics, dumps and descriptions, computed once."""

    def __init__(self, kg: KnowledgeGraph, describer: Describer, config_summary: str):
        self.kg = kg
        self.store = kg.store
        self.describer = describer
        vocabulary = describer.vocabulary
        self.vocabulary = vocabulary
        self.base = vocabulary.base
        self.summary = config_summary
        store = kg.store
        self.quads = len(store)
        self.triples = int(
            next(iter(self._select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value
        )
        self.subjects = int(
            next(iter(self._select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")))[
                "n"
            ].value
        )
        self.classes = [
            (row["c"].value, int(row["n"].value))
            for row in self._select(
                "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER isIRI(?c) } "
                "GROUP BY ?c ORDER BY DESC(?n) ?c"
            )
        ]
        self.properties = int(
            next(iter(self._select("SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }")))[
                "n"
            ].value
        )
        sizes = {
            row["g"].value: int(row["n"].value)
            for row in store.query(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            )
        }
        self.graphs = [
            (source.graph, source.relative, source.part, sizes.get(source.graph, 0))
            for source in kg.sources
        ]
        ontology = self.base + "ontology"
        self.ontology_namespace = ontology + "#"
        self.context = jsonld_context(store, self.ontology_namespace, vocabulary.prefixes)
        self.context_bytes = json.dumps(self.context, ensure_ascii=False, indent=2).encode()
        self.compactor = JsonLdCompactor(self.context, vocabulary)
        self.title, self.description, self.license = self._header(ontology)
        # The data's version: its sources' bytes, so ETags change exactly when the data does.
        digest = hashlib.sha256()
        for source in kg.sources:
            digest.update(source.relative.encode() + b"\0" + source.path.read_bytes())
        for name, text in sorted(kg.texts.items()):
            digest.update(name.encode() + b"\0" + text.encode())
        self.version = digest.hexdigest()[:16]
        self.example = self._example()

    def _select(self, sparql: str):
        return self.store.query(sparql, use_default_graph_as_union=True)

    def _header(self, ontology: str) -> tuple[dict[str, str], dict[str, str], str | None]:
        titles: dict[str, str] = {}
        descriptions: dict[str, str] = {}
        strategy = [
            row["s"]
            for row in self._select(
                "SELECT ?s WHERE { ?s a <https://w3id.org/strategykg/ontology#Strategy> } ORDER BY ?s LIMIT 1"
            )
        ]
        for lang in ("en", "fr"):
            name = self.describer.label(strategy[0], lang) if strategy else None
            titles[lang] = (
                "Strategy knowledge graph"
                if lang == "en"
                else "Graphe de connaissances des stratégies"
            ) + ((" : " if lang == "fr" else ": ") + name.value if name is not None else "")
        for value in self.describer.values(_n(ontology), _n(DCT + "description")):
            if isinstance(value, ox.Literal) and value.language in ("en", "fr"):
                descriptions[value.language] = value.value
        licenses = self.describer.values(_n(ontology), _n(DCT + "license"))
        return titles, descriptions, licenses[0].value if licenses else None

    def _example(self) -> str | None:
        for kind in ("Result", "Objective", "Goal"):
            for row in self._select(
                f"SELECT ?s WHERE {{ ?s a <{self.ontology_namespace}{kind}> }} ORDER BY ?s LIMIT 1"
            ):
                return row["s"].value
        return None

    # -- descriptions ---------------------------------------------------------------------------

    @lru_cache(maxsize=16)  # noqa: B019 - one Publication per server, kept for its lifetime
    def service_description(self, origin: str) -> list[ox.Triple]:
        """SPARQL 1.1 Service Description of the endpoint at origin/sparql."""
        endpoint = _n(origin + "/sparql")
        service = _n(origin + "/sparql#service")
        t = [
            ox.Triple(service, RDF_TYPE, _n(SD + "Service")),
            ox.Triple(service, _n(SD + "endpoint"), endpoint),
            ox.Triple(service, _n(SD + "supportedLanguage"), _n(SD + "SPARQL11Query")),
            ox.Triple(service, _n(SD + "feature"), _n(SD + "UnionDefaultGraph")),
            ox.Triple(service, _n(SD + "feature"), _n(SD + "BasicFederatedQuery"))
            if "SERVICE allowed" in self.summary
            else None,
            ox.Triple(
                service,
                _n(SD + "defaultEntailmentRegime"),
                _n("http://www.w3.org/ns/entailment/Simple"),
            ),
            ox.Triple(service, _n(RDFS + "comment"), ox.Literal(self.summary, language="en")),
            ox.Triple(service, _n(DCT + "title"), ox.Literal(self.title["en"], language="en")),
        ]
        triples = [x for x in t if x is not None]
        for fmt in (*RESULTS, *GRAPHS):
            triples.append(
                ox.Triple(service, _n(SD + "resultFormat"), _n(FORMATS_NS[W3C_FORMATS[fmt.name]]))
            )
        dataset = ox.BlankNode("dataset")
        default = ox.BlankNode("default")
        triples += [
            ox.Triple(service, _n(SD + "defaultDataset"), dataset),
            ox.Triple(dataset, RDF_TYPE, _n(SD + "Dataset")),
            ox.Triple(dataset, _n(SD + "defaultGraph"), default),
            ox.Triple(default, RDF_TYPE, _n(SD + "Graph")),
            ox.Triple(default, _n(VOID + "triples"), _int(self.triples)),
            ox.Triple(
                default,
                _n(RDFS + "comment"),
                ox.Literal("The union of the named graphs.", language="en"),
            ),
        ]
        for number, (graph, relative, _part, count) in enumerate(self.graphs):
            named, inner = ox.BlankNode(f"named{number}"), ox.BlankNode(f"graph{number}")
            triples += [
                ox.Triple(dataset, _n(SD + "namedGraph"), named),
                ox.Triple(named, RDF_TYPE, _n(SD + "NamedGraph")),
                ox.Triple(named, _n(SD + "name"), _n(graph)),
                ox.Triple(named, _n(SD + "graph"), inner),
                ox.Triple(inner, RDF_TYPE, _n(SD + "Graph")),
                ox.Triple(inner, _n(VOID + "triples"), _int(count)),
                ox.Triple(inner, _n(DCT + "source"), ox.Literal(relative)),
            ]
        return triples

    @lru_cache(maxsize=16)  # noqa: B019 - one Publication per server, kept for its lifetime
    def void(self, origin: str) -> list[ox.Triple]:
        """VoID and DCAT description of the dataset as served at origin."""
        dataset = _n(self.base + "dataset")
        triples = [
            ox.Triple(dataset, RDF_TYPE, _n(VOID + "Dataset")),
            ox.Triple(dataset, RDF_TYPE, _n(DCAT + "Dataset")),
            ox.Triple(dataset, _n(VOID + "triples"), _int(self.triples)),
            ox.Triple(dataset, _n(VOID + "distinctSubjects"), _int(self.subjects)),
            ox.Triple(dataset, _n(VOID + "properties"), _int(self.properties)),
            ox.Triple(dataset, _n(VOID + "classes"), _int(len(self.classes))),
            ox.Triple(dataset, _n(VOID + "uriSpace"), ox.Literal(self.base + "id/")),
            ox.Triple(dataset, _n(VOID + "vocabulary"), _n(self.base + "ontology")),
            ox.Triple(dataset, _n(VOID + "sparqlEndpoint"), _n(origin + "/sparql")),
            ox.Triple(dataset, _n(VOID + "rootResource"), _n(self.base + "id/themes")),
            ox.Triple(dataset, _n(DCAT + "landingPage"), _n(origin + "/")),
            ox.Triple(dataset, _n(DCT + "conformsTo"), _n(self.base + "ontology")),
        ]
        for lang, title in self.title.items():
            triples.append(ox.Triple(dataset, _n(DCT + "title"), ox.Literal(title, language=lang)))
        for lang, text in self.description.items():
            triples.append(
                ox.Triple(dataset, _n(DCT + "description"), ox.Literal(text, language=lang))
            )
        if self.license:
            triples.append(ox.Triple(dataset, _n(DCT + "license"), _n(self.license)))
        if self.example:
            triples.append(ox.Triple(dataset, _n(VOID + "exampleResource"), _n(self.example)))
        for number, (cls, count) in enumerate(self.classes):
            part = ox.BlankNode(f"class{number}")
            triples += [
                ox.Triple(dataset, _n(VOID + "classPartition"), part),
                ox.Triple(part, _n(VOID + "class"), _n(cls)),
                ox.Triple(part, _n(VOID + "entities"), _int(count)),
            ]
        for number, (graph, relative, _part, count) in enumerate(self.graphs):
            subset = _n(graph)
            triples += [
                ox.Triple(dataset, _n(VOID + "subset"), subset),
                ox.Triple(subset, RDF_TYPE, _n(VOID + "Dataset")),
                ox.Triple(subset, _n(VOID + "triples"), _int(count)),
                ox.Triple(subset, _n(DCT + "source"), ox.Literal(relative)),
            ]
            del number
        service = _n(origin + "/sparql#service")
        triples += [
            ox.Triple(dataset, _n(DCAT + "accessService"), service),
            ox.Triple(service, RDF_TYPE, _n(DCAT + "DataService")),
            ox.Triple(service, _n(DCAT + "endpointURL"), _n(origin + "/sparql")),
            ox.Triple(service, _n(DCAT + "endpointDescription"), _n(origin + "/sparql")),
            ox.Triple(
                service, _n(DCT + "conformsTo"), _n("https://www.w3.org/TR/sparql11-protocol/")
            ),
            ox.Triple(service, _n(DCAT + "servesDataset"), dataset),
        ]
        # No dcat:byteSize: a dump is made on first request, after this description may have
        # been sent (a release's VoID, made with its files, has sizes and checksums).
        for dump in DUMPS.values():
            url = _n(f"{origin}/dumps/{dump.name}")
            triples += [
                ox.Triple(dataset, _n(DCAT + "distribution"), url),
                ox.Triple(url, RDF_TYPE, _n(DCAT + "Distribution")),
                ox.Triple(url, _n(DCAT + "downloadURL"), url),
                ox.Triple(url, _n(DCAT + "mediaType"), _n(IANA + dump.format.media_type)),
                ox.Triple(url, _n(DCT + "format"), _n(FORMATS_NS[W3C_FORMATS[dump.format.name]])),
            ]
            if dump.compressed:
                triples.append(
                    ox.Triple(url, _n(DCAT + "compressFormat"), _n(IANA + "application/gzip"))
                )
            if dump.format.kind != "dataset":
                triples.append(ox.Triple(dataset, _n(VOID + "dataDump"), url))
        return triples

    def prefixes(self) -> dict[str, str]:
        return self.vocabulary.prefixes


def source_prefixes(kg: KnowledgeGraph) -> dict[str, str]:
    """The project's prefixes, then those its Turtle files declare (result:, passage: …)."""
    prefixes = {**PREFIXES, **EXTRA_PREFIXES}
    bound = set(prefixes.values())
    for source in kg.sources:
        with source.path.open(encoding="utf-8") as lines:
            head = "".join(itertools.islice(lines, 400))
        for name, namespace in _PREFIX_LINE.findall(head):
            if name and name not in prefixes and namespace not in bound:
                prefixes[name] = namespace
                bound.add(namespace)
    return prefixes


def used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes some IRI of triples starts with, so a small document declares only those."""
    iris = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and term.datatype is not None:
                iris.add(term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


def serialize_triples(
    triples: list[ox.Triple],
    fmt: Format,
    prefixes: dict[str, str],
    compactor: JsonLdCompactor | None = None,
    context_url: str | None = None,
) -> bytes:
    """A small graph in one of the graph formats; JSON-LD compacted against the published context."""
    if fmt.name == "jsonld" and compactor is not None and context_url is not None:
        return compactor.compact(ox.serialize(triples, format=ox.RdfFormat.JSON_LD), context_url)
    if fmt.kind == "dataset":
        fmt = BY_NAME["turtle"] if fmt.name == "trig" else BY_NAME["ntriples"]
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=used_prefixes(triples, prefixes))


__all__ = ["DATASETS", "Publication", "serialize_triples"]
