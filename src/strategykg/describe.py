"""Describe the dataset with VoID and DCAT: what it is, who publishes it, how big it is, where to get it.

:func:`dataset_description` is a pure function of the knowledge graph (no files, no clock): the
build writes its result next to the dumps, and the server can answer ``/.well-known/void`` with
it. Titles, dates, licence and publisher come from the sources (the ontology header and the
strategies in the data); statistics are counted from the triples.

IRIs it mints, under the release base:
``{base}dataset`` (the dataset across versions), ``{base}dataset/{version}`` (this release, with
hash IRIs for its parts, distributions, link sets and SPARQL service), and it describes each named
graph ``{base}graph/...`` as a subset.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from strategykg.dumps import FORMATS, PARTS_TITLES, DumpFile
from strategykg.load import KnowledgeGraph
from strategykg.namespaces import DEFAULT_BASE, FORMATS_NS, W3C_FORMATS
from strategykg.release import Release, new_graph, pick, prepare

VOID = Namespace("http://rdfs.org/ns/void#")
# DCAT 3 (rdflib ships DCAT 2, which lacks dcat:version and the version links).
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
IANA = "https://www.iana.org/assignments/media-types/"
LANGUAGE_IRIS = {
    "en": "http://id.loc.gov/vocabulary/iso639-1/en",
    "fr": "http://id.loc.gov/vocabulary/iso639-1/fr",
}


@dataclass(frozen=True)
class LinkTarget:
    """A dataset the graph links into, recognised by the namespace of the linked IRIs."""

    key: str
    title: str
    namespace: str
    homepage: str


LINK_TARGETS = (
    LinkTarget(
        "wikidata", "Wikidata", "http://www.wikidata.org/entity/", "https://www.wikidata.org/"
    ),
    LinkTarget(
        "un-sdg",
        "UN Sustainable Development Goals KOS",
        "http://metadata.un.org/sdg/",
        "http://metadata.un.org/sdg/",
    ),
    LinkTarget("geonames", "GeoNames", "http://sws.geonames.org/", "https://www.geonames.org/"),
)


@dataclass(frozen=True)
class Statistics:
    """VoID statistics of a set of triples."""

    triples: int
    entities: int
    classes: int
    properties: int
    distinct_subjects: int
    distinct_objects: int


def statistics(triples: Sequence[ox.Triple], base: str) -> Statistics:
    """Counts as VoID defines them; entities are the IRI subjects under the base (void:uriSpace)."""
    subjects = {t.subject for t in triples}
    entities = {s for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(base)}
    classes = {t.object for t in triples if t.predicate.value == str(RDF.type)}
    return Statistics(
        triples=len(triples),
        entities=len(entities),
        classes=len(classes),
        properties=len({t.predicate for t in triples}),
        distinct_subjects=len(subjects),
        distinct_objects=len({t.object for t in triples}),
    )


def dataset_iri(base: str) -> str:
    return f"{base}dataset"


def release_iri(base: str, version: str) -> str:
    return f"{base}dataset/{version}"


def dumps_iri(base: str, version: str) -> str:
    """The folder the dumps of a version are published in (ends in '/')."""
    return f"{base}dumps/{version}/"


def sparql_endpoint_iri(base: str) -> str:
    return f"{base}sparql"


def dataset_description(
    kg: KnowledgeGraph | None = None,
    *,
    base: str = DEFAULT_BASE,
    distributions: Sequence[DumpFile] = (),
    sparql_endpoint: str | None = None,
    previous_version: str | None = None,
    release: Release | None = None,
) -> Graph:
    """VoID and DCAT description of kg (or of an already prepared release) as an rdflib Graph.

    distributions are the dump files to describe (with sizes and checksums); the build passes
    those it wrote, a server may pass none. sparql_endpoint defaults to ``{base}sparql``.
    previous_version, the version string of the release this one follows, links the two.
    """
    if release is None:
        if kg is None:
            raise TypeError("dataset_description needs a KnowledgeGraph or a Release")
        release = prepare(kg, base)
    base, info = release.base, release.info
    g = new_graph(release.prefixes)
    for prefix, ns in (
        ("void", VOID),
        ("dcat", DCAT),
        ("spdx", SPDX),
        ("sd", SD),
        ("formats", FORMATS_NS),
    ):
        g.bind(prefix, ns, override=True, replace=True)
    g.bind("dataset", release_iri(base, info.version) + "#", override=True, replace=True)

    unversioned = URIRef(dataset_iri(base))
    this = URIRef(release_iri(base, info.version))
    anchor = release_iri(base, info.version) + "#"
    endpoint = URIRef(sparql_endpoint or sparql_endpoint_iri(base))
    data = release.rdflib_graph(["ontology", "themes", "data"])
    titles, descriptions = _titles(release, data)

    # The dataset across its versions points at this one.
    g.add((unversioned, RDF.type, DCAT.Dataset))
    g.add((unversioned, RDF.type, VOID.Dataset))
    for lang, text in titles.items():
        g.add((unversioned, DCTERMS.title, Literal(text, lang=lang)))
    g.add((unversioned, DCAT.hasVersion, this))
    g.add((unversioned, DCAT.hasCurrentVersion, this))
    g.add((unversioned, DCAT.landingPage, URIRef(base)))

    # This release.
    for kind in (DCAT.Dataset, VOID.Dataset):
        g.add((this, RDF.type, kind))
    for lang, text in titles.items():
        g.add((this, DCTERMS.title, Literal(f"{text} ({info.version})", lang=lang)))
    for lang, text in descriptions.items():
        g.add((this, DCTERMS.description, Literal(text, lang=lang)))
    g.add((this, DCAT.isVersionOf, unversioned))
    g.add((this, DCAT.version, Literal(info.version)))
    g.add((this, OWL.versionInfo, Literal(info.version)))
    g.add((this, DCTERMS.issued, Literal(info.issued, datatype=XSD.date)))
    g.add((this, DCTERMS.modified, Literal(info.modified, datatype=XSD.date)))
    if previous_version:
        previous = URIRef(release_iri(base, previous_version))
        g.add((this, DCAT.previousVersion, previous))
        g.add((this, PROV.wasRevisionOf, previous))
    if info.license:
        g.add((this, DCTERMS.license, URIRef(info.license)))
    for prop, name in ((DCTERMS.publisher, info.publisher), (DCTERMS.creator, info.creator)):
        if name:
            agent = BNode(f"agent-{prop.rsplit('/', 1)[-1]}")
            g.add((this, prop, agent))
            g.add((agent, RDF.type, FOAF.Agent))
            g.add((agent, FOAF.name, Literal(name)))
    for lang in ("en", "fr"):
        g.add((this, DCTERMS.language, URIRef(LANGUAGE_IRIS[lang])))
    g.add((this, DCTERMS.conformsTo, URIRef(info.ontology_iri)))
    g.add((this, DCAT.landingPage, URIRef(base)))
    g.add((this, FOAF.homepage, URIRef(base)))
    g.add((this, VOID.uriSpace, Literal(base)))
    g.add((this, VOID.sparqlEndpoint, endpoint))
    for fmt in FORMATS:
        g.add((this, VOID.feature, FORMATS_NS[W3C_FORMATS[fmt.key]]))
    _describe_content(g, this, data, release)

    # Statistics of the whole and of each part, with class and property partitions for the whole.
    all_triples = release.triples()
    _add_statistics(g, this, statistics(all_triples, base))
    _add_partitions(g, this, all_triples, anchor, release.prefixes)
    _add_vocabularies(g, this, all_triples)
    for part in release.parts:
        subset = URIRef(anchor + part)
        g.add((this, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, DCTERMS.isPartOf, this))
        en, fr = PARTS_TITLES[part]
        g.add((subset, DCTERMS.title, Literal(en, lang="en")))
        g.add((subset, DCTERMS.title, Literal(fr, lang="fr")))
        _add_statistics(g, subset, statistics(release.triples([part]), base))
        for graph_iri in release.graphs_of([part]):
            named = URIRef(graph_iri)
            g.add((subset, VOID.subset, named))
            g.add((named, RDF.type, VOID.Dataset))
            g.add((named, RDF.type, SD.NamedGraph))
            g.add((named, SD.name, named))
            g.add((named, DCTERMS.isPartOf, subset))
            relative = graph_iri[len(base + "graph/") :] + ".ttl"
            g.add((named, RDFS.label, Literal(relative)))
            quads = [q for q in release.quads if q.graph_name.value == graph_iri]
            g.add((named, VOID.triples, _count(len(quads))))

    _add_linksets(g, this, all_triples, anchor)
    _add_distributions(g, this, anchor, release, distributions)

    service = URIRef(anchor + "sparql")
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((service, DCTERMS.title, Literal("Point d’accès SPARQL", lang="fr")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.servesDataset, this))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    return g


def _titles(release: Release, data: Graph) -> tuple[dict[str, str], dict[str, str]]:
    """Title and description from the strategies the data holds and the ontology's title."""
    strategies = sorted(data.subjects(RDF.type, URIRef(release.vocabulary + "Strategy")))
    titles, descriptions = {}, {}
    for lang, template, text in (
        (
            "en",
            "Strategy knowledge graph: {names}",
            "Linked data about {names}: its goals, objectives, engagements, results, actors, places "
            "and themes, each statement with the exact passage of the source text it is taken "
            "from. Modelled with the {ontology}, version {version}.",
        ),
        (
            "fr",
            "Graphe de connaissances des stratégies : {names}",
            "Données liées sur {names} : ses buts, objectifs, engagements, résultats, acteurs, "
            "lieux et thèmes, chaque énoncé avec le passage exact du texte source dont il est "
            "tiré. Modèle : {ontology}, version {version}.",
        ),
    ):
        names = [str(pick(data.objects(s, RDFS.label), lang) or s) for s in strategies]
        joined = "; ".join(names) or release.info.titles.get(lang, "")
        ontology = release.info.titles.get(lang) or release.info.titles.get("en", "")
        titles[lang] = template.format(names=joined)
        if lang == "fr" and joined.split("’")[0].split(" ")[0] in ("L", "Le", "La", "Les"):
            joined = joined[:1].lower() + joined[1:]  # "sur l’engagement", not "sur L’engagement"
        descriptions[lang] = text.format(
            names=joined, ontology=ontology, version=release.info.version
        )
    return titles, descriptions


def _describe_content(g: Graph, this: URIRef, data: Graph, release: Release) -> None:
    """Root and example resources, themes, keywords and the documents the data is taken from."""
    skg = Namespace(release.vocabulary)
    for strategy in sorted(data.subjects(RDF.type, skg.Strategy)):
        g.add((this, VOID.rootResource, strategy))
    for goal in sorted(data.subjects(RDF.type, skg.Goal))[:3]:
        g.add((this, VOID.exampleResource, goal))
    for document in sorted(data.subjects(RDF.type, skg.SourceDocument)):
        g.add((this, DCTERMS.source, document))
    # The theme schemes (not the ontology's own small schemes, such as its comparators).
    themes = release.rdflib_graph(["themes"])
    schemes = sorted(themes.subjects(RDF.type, SKOS.ConceptScheme))
    for scheme in schemes:
        g.add((this, DCAT.themeTaxonomy, scheme))
        for top in sorted(data.objects(scheme, SKOS.hasTopConcept)):
            g.add((this, DCAT.theme, top))
            for lang in ("en", "fr"):
                label = pick(data.objects(top, SKOS.prefLabel), lang)
                if label is not None and label.language and label.language.startswith(lang):
                    g.add((this, DCAT.keyword, label))


def _count(n: int) -> Literal:
    return Literal(n, datatype=XSD.integer)


def _add_statistics(g: Graph, node: URIRef, stats: Statistics) -> None:
    g.add((node, VOID.triples, _count(stats.triples)))
    g.add((node, VOID.entities, _count(stats.entities)))
    g.add((node, VOID.classes, _count(stats.classes)))
    g.add((node, VOID.properties, _count(stats.properties)))
    g.add((node, VOID.distinctSubjects, _count(stats.distinct_subjects)))
    g.add((node, VOID.distinctObjects, _count(stats.distinct_objects)))


def _slug(iri: str, prefixes: dict[str, str]) -> str:
    """skg-Goal for skg:Goal: a readable, stable fragment for a partition."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return "".join(c if c.isalnum() else "-" for c in iri).strip("-")
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}-{iri[len(best) :]}"


def _add_partitions(
    g: Graph, this: URIRef, triples: Sequence[ox.Triple], anchor: str, prefixes: dict[str, str]
) -> None:
    """void:classPartition (entities per class) and void:propertyPartition (triples per property)."""
    by_class: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        if t.predicate.value == str(RDF.type) and isinstance(t.object, ox.NamedNode):
            by_class[t.object.value].add(str(t.subject))
    by_property = Counter(t.predicate.value for t in triples)
    for cls, members in sorted(by_class.items()):
        node = URIRef(f"{anchor}class-{_slug(cls, prefixes)}")
        g.add((this, VOID.classPartition, node))
        g.add((node, VOID["class"], URIRef(cls)))
        g.add((node, VOID.entities, _count(len(members))))
    for prop, count in sorted(by_property.items()):
        node = URIRef(f"{anchor}property-{_slug(prop, prefixes)}")
        g.add((this, VOID.propertyPartition, node))
        g.add((node, VOID.property, URIRef(prop)))
        g.add((node, VOID.triples, _count(count)))


def _add_vocabularies(g: Graph, this: URIRef, triples: Iterable[ox.Triple]) -> None:
    """void:vocabulary: the namespaces of the properties and classes the triples use."""
    used = set()
    for t in triples:
        used.add(t.predicate.value)
        if t.predicate.value == str(RDF.type) and isinstance(t.object, ox.NamedNode):
            used.add(t.object.value)
    namespaces = set()
    for iri in used:
        cut = max(iri.rfind("#"), iri.rfind("/"))
        namespaces.add(iri[: cut + 1])
    for namespace in sorted(namespaces):
        g.add((this, VOID.vocabulary, URIRef(namespace)))


def _add_linksets(g: Graph, this: URIRef, triples: Sequence[ox.Triple], anchor: str) -> None:
    """One void:Linkset per target dataset and link predicate, with the number of links."""
    links: Counter[tuple[str, str]] = Counter()
    for t in triples:
        if isinstance(t.object, ox.NamedNode) and isinstance(t.subject, ox.NamedNode):
            for target in LINK_TARGETS:
                if t.object.value.startswith(target.namespace):
                    links[(target.key, t.predicate.value)] += 1
    for target in LINK_TARGETS:
        predicates = sorted(p for key, p in links if key == target.key)
        if not predicates:
            continue
        node = URIRef(anchor + target.key)
        g.add((node, RDF.type, VOID.Dataset))
        g.add((node, DCTERMS.title, Literal(target.title)))
        g.add((node, FOAF.homepage, URIRef(target.homepage)))
        g.add((node, VOID.uriSpace, Literal(target.namespace)))
        for predicate in predicates:
            local = predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
            linkset = URIRef(f"{anchor}links-{target.key}-{local}")
            g.add((this, VOID.subset, linkset))
            g.add((linkset, RDF.type, VOID.Linkset))
            g.add((linkset, VOID.subjectsTarget, this))
            g.add((linkset, VOID.objectsTarget, node))
            g.add((linkset, VOID.linkPredicate, URIRef(predicate)))
            g.add((linkset, VOID.triples, _count(links[(target.key, predicate)])))


def _add_distributions(
    g: Graph, this: URIRef, anchor: str, release: Release, files: Sequence[DumpFile]
) -> None:
    """A dcat:Distribution per dump file, on the dataset or on the part it holds."""
    folder = dumps_iri(release.base, release.info.version)
    for file in files:
        node = URIRef(f"{anchor}dump-{file.name}")
        owner = this if file.part == "all" else URIRef(anchor + file.part)
        url = URIRef(folder + file.name)
        g.add((owner, DCAT.distribution, node))
        if file.part == "all":
            g.add((this, VOID.dataDump, url))
        g.add((node, RDF.type, DCAT.Distribution))
        en, fr = PARTS_TITLES[file.part]
        suffix = ", gzip" if file.compressed else ""
        g.add((node, DCTERMS.title, Literal(f"{en}, {file.format.name}{suffix}", lang="en")))
        g.add((node, DCTERMS.title, Literal(f"{fr}, {file.format.name}{suffix}", lang="fr")))
        g.add((node, DCAT.downloadURL, url))
        g.add((node, DCAT.accessURL, url))
        g.add((node, DCAT.mediaType, URIRef(IANA + file.format.media_type)))
        if file.compressed:
            g.add((node, DCAT.compressFormat, URIRef(IANA + "application/gzip")))
        g.add((node, DCAT.byteSize, Literal(file.size, datatype=XSD.nonNegativeInteger)))
        checksum = URIRef(f"{anchor}sha256-{file.name}")
        g.add((node, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(file.sha256, datatype=XSD.hexBinary)))
        g.add((node, DCTERMS.issued, Literal(release.info.issued, datatype=XSD.date)))
        if release.info.license:
            g.add((node, DCTERMS.license, URIRef(release.info.license)))
