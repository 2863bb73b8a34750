"""Dereferenceable IRIs: every IRI of the dataset answers with RDF or a page, by negotiation."""

from __future__ import annotations

import re

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from tests.serving import BASE

RESULT = BASE + "id/result/justice-in-guatemala"
OBJECTIVE = BASE + "id/objective/haiti-rule-of-law-and-development"
SKG = BASE + "ontology#"
OA = "http://www.w3.org/ns/oa#"


def _span(source_text: str, start_words: str) -> tuple[int, int, str]:
    """The source sentence (bullet) that starts with start_words, and its code-point offsets."""
    start = source_text.index(start_words)
    end = source_text.index("\n", start)
    return start, end, source_text[start:end]


def test_a_crawler_asking_for_turtle_gets_the_results_triples(http, source_text):
    answer = http.get(RESULT[len(BASE) - 1 :], headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=answer.text, format="turtle")
    result = URIRef(RESULT)
    assert (result, RDF.type, URIRef(SKG + "Result")) in graph
    assert graph.value(result, RDFS.label) is not None
    # The result is stated in the source's bullet about Guatemala, at its exact offsets.
    start, end, sentence = _span(source_text, "Helped reinforce justice in Guatemala")
    passage = graph.value(result, URIRef(SKG + "statedIn"))
    assert passage is not None
    passage_graph = Graph().parse(
        data=http.get(str(passage)[len(BASE) - 1 :], headers={"Accept": "text/turtle"}).text,
        format="turtle",
    )
    quotes = {str(o) for o in passage_graph.objects(None, URIRef(OA + "exact"))}
    assert sentence in quotes
    starts = {int(o) for o in passage_graph.objects(None, URIRef(OA + "start"))}
    assert start in starts


def test_the_same_description_in_every_format(http):
    turtle = Graph().parse(
        data=http.get("/id/result/justice-in-guatemala.ttl").text, format="turtle"
    )
    assert len(turtle) > 5
    for suffix, accept, parse_as in (
        ("nt", "application/n-triples", "nt"),
        ("rdf", "application/rdf+xml", "xml"),
        ("jsonld", "application/ld+json", "json-ld"),
    ):
        by_suffix = http.get(f"/id/result/justice-in-guatemala.{suffix}")
        by_accept = http.get("/id/result/justice-in-guatemala", headers={"Accept": accept})
        assert by_suffix.headers["content-type"].startswith(accept)
        assert by_suffix.text == by_accept.text
        # rdflib fetches the published @context from this server to read the JSON-LD.
        graph = Graph().parse(data=by_suffix.text, format=parse_as, publicID=str(by_suffix.url))
        assert isomorphic(graph, turtle), suffix


def test_json_ld_uses_the_published_context(http, server):
    document = http.get(
        "/id/result/justice-in-guatemala", headers={"Accept": "application/ld+json"}
    ).json()
    assert document["@context"] == server.url + "/context.jsonld"
    context = http.get("/context.jsonld")
    assert context.headers["content-type"].startswith("application/ld+json")
    terms = context.json()["@context"]
    assert terms["skg"] == SKG
    assert terms["hasTheme"] == {"@id": SKG + "hasTheme", "@type": "@id"}
    node = next(n for n in document["@graph"] if n["@id"] == RESULT)
    assert node["@type"] == "Result"
    assert "en" in node["label"]


def test_negotiated_answers_vary_on_accept_and_name_their_document(http):
    answer = http.get("/id/result/justice-in-guatemala", headers={"Accept": "text/turtle"})
    assert "Accept" in answer.headers["vary"]
    assert answer.headers["content-location"] == "/id/result/justice-in-guatemala.ttl"
    links = answer.headers["link"]
    assert '</id/result/justice-in-guatemala.jsonld>; rel="alternate"' in links
    html = http.get("/id/result/justice-in-guatemala", headers={"Accept": "text/html"})
    assert html.headers["content-type"].startswith("text/html")
    assert html.headers["content-location"] == "/id/result/justice-in-guatemala.html"


def test_unknown_iris_are_404(http):
    for path in ("/id/result/no-such-result", "/id/nothing", "/no/such/thing.ttl"):
        answer = http.get(path, headers={"Accept": "text/turtle"})
        assert answer.status_code == 404, path
        assert "not an IRI of this dataset" in answer.text


def test_every_iri_of_the_dataset_under_the_base_dereferences(http, kg):
    iris = set()
    for quad in kg.store.quads_for_pattern(None, None, None):
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, ox.NamedNode) and term.value.startswith(BASE):
                iris.add(term.value.split("#", 1)[0])  # the document of a hash IRI
    assert len(iris) > 100
    for iri in sorted(iris):
        answer = http.get(iri[len(BASE) - 1 :], headers={"Accept": "application/n-triples"})
        assert answer.status_code == 200, iri
        if not iri.endswith(".txt"):
            assert answer.headers["content-type"].startswith("application/n-triples"), iri


def test_the_ontology_is_served_at_its_own_iri(http):
    turtle = http.get("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (URIRef(BASE + "ontology"), RDF.type, OWL.Ontology) in graph
    assert (URIRef(SKG + "Result"), RDF.type, OWL.Class) in graph
    page = http.get("/ontology", headers={"Accept": "text/html"})
    # Every term has an anchor, so ontology#Result lands on its definition.
    assert 'id="Result"' in page.text and 'id="statedIn"' in page.text
    version = http.get("/ontology/0.1.0", headers={"Accept": "text/turtle"})
    assert version.status_code == 200
    assert isomorphic(Graph().parse(data=version.text, format="turtle"), graph)


def test_themes_and_their_scheme_dereference(http):
    theme = Graph().parse(
        data=http.get("/id/theme/rule-of-law", headers={"Accept": "text/turtle"}).text,
        format="turtle",
    )
    node = URIRef(BASE + "id/theme/rule-of-law")
    assert (node, SKOS.prefLabel, Literal("Rule of law", lang="en")) in theme
    scheme = Graph().parse(
        data=http.get("/id/themes", headers={"Accept": "text/turtle"}).text, format="turtle"
    )
    assert (URIRef(BASE + "id/themes"), RDF.type, SKOS.ConceptScheme) in scheme
    assert (node, SKOS.inScheme, URIRef(BASE + "id/themes")) in scheme  # pointed at by its themes


def test_named_graphs_and_source_texts_dereference(http, source_text):
    graph = http.get("/graph/data/places", headers={"Accept": "text/turtle"})
    assert graph.status_code == 200
    places = Graph().parse(data=graph.text, format="turtle")
    assert (URIRef(BASE + "id/place/guatemala"), None, None) in places
    text = http.get("/sources/goal-2-security-institutions.txt")
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text == source_text


def test_a_reader_asking_for_french_gets_the_french_label(http):
    french = http.get(
        OBJECTIVE[len(BASE) - 1 :],
        headers={"Accept": "text/html", "Accept-Language": "fr-CA,fr;q=0.9"},
    )
    assert '<html lang="fr">' in french.text
    assert "Contribuer à la primauté du droit" in french.text
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", french.text).group(1)
    assert h1.startswith("Contribuer")
    english = http.get(
        OBJECTIVE[len(BASE) - 1 :] + "?lang=en",
        headers={"Accept": "text/html", "Accept-Language": "fr"},
    )
    h1 = re.search(r"<h1[^>]*>(.*?)</h1>", english.text).group(1)
    assert h1.startswith("Contributing to the rule of law")
    assert "Accept-Language" in french.headers["vary"]


def test_an_objective_page_quotes_its_passage_highlighted_in_context(http, source_text):
    start, end, sentence = _span(source_text, "Contributing to the rule of law")
    page = http.get(OBJECTIVE[len(BASE) - 1 :] + ".html").text
    marked = re.search(r"<mark>(.*?)</mark>", page, re.S).group(1)
    assert marked.replace("&#39;", "'") in sentence
    assert marked.startswith("Contributing to the rule of law, economic opportunity")
    context_before = source_text[max(0, start - 60) : start].strip().split("\n")[-1]
    assert context_before.replace("&", "&amp;") in page  # the text around the quote is shown
    assert f"{start}" in page


def test_a_resource_page_shows_types_properties_as_links_and_incoming_links(http):
    page = http.get(RESULT[len(BASE) - 1 :], headers={"Accept": "text/html"}).text
    assert 'href="/ontology#Result"' in page  # its type, as a link
    assert 'href="/id/place/guatemala"' in page  # a property value, as a link on this server
    assert 'href="/id/goal/security-and-institutions"' in page  # the goal that points to it
    assert "Referred to by" in page


def test_the_landing_page_counts_triples_and_classes(http):
    count = http.get(
        "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
    )
    triples = int(count.text.splitlines()[1])
    page = http.get("/", headers={"Accept": "text/html"}).text
    shown = re.search(r'id="triple-count">([\d,]+)<', page).group(1)
    assert int(shown.replace(",", "")) == triples
    results = re.search(
        r'href="/ontology#Result"[^<]*>[^<]*</a>.*?<td class="num"><a[^>]*>(\d+)</a>', page, re.S
    )
    assert results and int(results.group(1)) == 5  # the five results of the source
    for link in ("/sparql", "/queries", "/dumps/", "/.well-known/void"):
        assert f'href="{link}' in page
    rdf = http.get("/", headers={"Accept": "text/turtle"})
    assert "void" in rdf.text  # machines asking the root get the dataset description


def test_pages_and_descriptions_revalidate_with_their_etag(http):
    first = http.get("/id/result/justice-in-guatemala", headers={"Accept": "text/turtle"})
    again = http.get(
        "/id/result/justice-in-guatemala",
        headers={"Accept": "text/turtle", "If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304
    html = http.get(
        "/id/result/justice-in-guatemala",
        headers={"Accept": "text/html", "If-None-Match": first.headers["etag"]},
    )
    assert html.status_code == 200
