"""A data catalogue harvests the release's VoID and DCAT: who, what, when, how big, where to get it."""

from __future__ import annotations

import hashlib

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF, XSD

from strategykg.describe import dataset_description
from strategykg.load import PARTS
from tests.release_builds import BASE, shipped_release

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
ONTOLOGY = URIRef(BASE + "ontology")


@pytest.fixture(scope="module")
def release():
    return shipped_release()


@pytest.fixture(scope="module")
def void(release) -> Graph:
    return Graph().parse(release.folder / "site" / ".well-known" / "void.ttl", format="turtle")


@pytest.fixture(scope="module")
def dataset(release) -> URIRef:
    return URIRef(f"{BASE}dataset/{release.version}")


def count(kg, pattern: str, parts=PARTS) -> int:
    """A count over the sources, asked of the store the loader filled."""
    graphs = " ".join(f"<{g}>" for g in kg.graphs(parts))
    query = f"SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT {pattern} }}"
    query = query.replace("WHERE_GRAPHS", f"VALUES ?g {{ {graphs} }} GRAPH ?g")
    return int(next(iter(kg.store.query(query)))["n"].value)


TRIPLES = "?s ?p ?o WHERE { WHERE_GRAPHS { ?s ?p ?o } }"
ENTITIES = f'?s WHERE {{ WHERE_GRAPHS {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), "{BASE}")) }}'
CLASSES = "?c WHERE { WHERE_GRAPHS { ?s a ?c } }"
PROPERTIES = "?p WHERE { WHERE_GRAPHS { ?s ?p ?o } }"


def number(graph: Graph, subject: URIRef, prop: URIRef) -> int:
    return int(graph.value(subject, prop))


def test_void_counts_match_the_graph(kg, void, dataset):
    assert number(void, dataset, VOID.triples) == count(kg, TRIPLES)
    assert number(void, dataset, VOID.entities) == count(kg, ENTITIES)
    assert number(void, dataset, VOID.classes) == count(kg, CLASSES)
    assert number(void, dataset, VOID.properties) == count(kg, PROPERTIES)


@pytest.mark.parametrize("part", PARTS)
def test_each_part_is_a_subset_with_its_own_counts(kg, void, dataset, part):
    subset = URIRef(f"{dataset}#{part}")
    assert (dataset, VOID.subset, subset) in void
    assert number(void, subset, VOID.triples) == count(kg, TRIPLES, [part])
    assert number(void, subset, VOID.entities) == count(kg, ENTITIES, [part])
    for source in (s for s in kg.sources if s.part == part):
        assert (subset, VOID.subset, URIRef(source.graph)) in void


def test_title_dates_licence_and_publisher_come_from_the_sources(kg, void, dataset):
    ontology = kg.rdflib_graph(["ontology"])
    assert void.value(dataset, DCTERMS.issued) == ontology.value(ONTOLOGY, DCTERMS.issued)
    assert void.value(dataset, DCTERMS.modified) == ontology.value(ONTOLOGY, DCTERMS.modified)
    assert void.value(dataset, DCTERMS.license) == ontology.value(ONTOLOGY, DCTERMS.license)
    assert void.value(dataset, DCAT.version) == ontology.value(ONTOLOGY, OWL.versionInfo)
    publisher = void.value(dataset, DCTERMS.publisher)
    assert str(void.value(publisher, FOAF.name)) == "strategykg project"
    titles = {t.language: str(t) for t in void.objects(dataset, DCTERMS.title)}
    assert "Canada's engagement in the Americas" in titles["en"]
    assert "L’engagement du Canada dans les Amériques" in titles["fr"]


def test_every_distribution_gives_its_media_type_size_and_checksum(release, void, dataset):
    site = release.folder / "site"
    distributions = list(void.objects(None, DCAT.distribution))
    # every part and the whole, in six formats, each plain and gzipped
    assert len(distributions) == (len(PARTS) + 1) * 6 * 2
    for distribution in distributions:
        url = str(void.value(distribution, DCAT.downloadURL))
        assert url.startswith(f"{BASE}dumps/{release.version}/")
        data = (site / url[len(BASE) :]).read_bytes()
        assert void.value(distribution, DCAT.byteSize) == Literal(
            len(data), datatype=XSD.nonNegativeInteger
        )
        checksum = void.value(distribution, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        media_type = str(void.value(distribution, DCAT.mediaType))
        extension = url.removesuffix(".gz").rsplit(".", 1)[-1]
        expected = {
            "ttl": "text/turtle",
            "nt": "application/n-triples",
            "jsonld": "application/ld+json",
            "rdf": "application/rdf+xml",
            "trig": "application/trig",
            "nq": "application/n-quads",
        }[extension]
        assert media_type == f"https://www.iana.org/assignments/media-types/{expected}"
        if url.endswith(".gz"):
            assert (distribution, DCAT.compressFormat, None) in void


def test_the_sparql_endpoint_is_described(void, dataset):
    endpoint = URIRef(BASE + "sparql")
    assert (dataset, VOID.sparqlEndpoint, endpoint) in void
    service = next(void.subjects(DCAT.endpointURL, endpoint))
    assert (service, RDF.type, DCAT.DataService) in void
    assert (service, DCAT.servesDataset, dataset) in void


@pytest.mark.parametrize(
    ("target", "predicate", "namespace"),
    [
        ("wikidata", OWL.sameAs, "http://www.wikidata.org/entity/"),
        (
            "un-sdg",
            URIRef("http://www.w3.org/2004/02/skos/core#closeMatch"),
            "http://metadata.un.org/sdg/",
        ),
        (
            "un-sdg",
            URIRef("http://www.w3.org/2004/02/skos/core#relatedMatch"),
            "http://metadata.un.org/sdg/",
        ),
    ],
)
def test_link_sets_count_the_links_to_wikidata_and_the_un_sdg(
    kg, void, dataset, target, predicate, namespace
):
    local = str(predicate).rsplit("#", 1)[-1]
    linkset = URIRef(f"{dataset}#links-{target}-{local}")
    assert (linkset, RDF.type, VOID.Linkset) in void
    assert void.value(linkset, VOID.linkPredicate) == predicate
    pattern = (
        f"?s ?o WHERE {{ WHERE_GRAPHS {{ ?s <{predicate}> ?o }} "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?o), "{namespace}")) }}'
    )
    assert number(void, linkset, VOID.triples) == count(kg, pattern)


def test_the_description_is_a_function_of_the_graph_alone(kg):
    first, second = dataset_description(kg), dataset_description(kg)
    assert sorted(first) == sorted(second)
    assert (None, VOID.sparqlEndpoint, URIRef(BASE + "sparql")) in first
