"""The SPARQL 1.1 Protocol at /sparql, used by real clients against a real server process."""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, TSV, XML, SPARQLWrapper

from strategykg.queries import QueryLibrary
from tests.conftest import PROJECT_ROOT
from tests.serving import STRATEGYKG, comparable_json

SKG = "https://w3id.org/strategykg/ontology#"
RESULTS_QUERY = f"""
PREFIX skg: <{SKG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?result ?label WHERE {{ ?result a skg:Result ; rdfs:label ?label FILTER (lang(?label) = "en") }}
ORDER BY ?result
"""
# The five results the source text lists under "Achieving results", in its words.
SOURCE_RESULTS = (
    "Increased the capacity and skills of the Haitian National Police",
    "Contributed to the training of more than 4,000 candidates",
    "Helped reinforce justice in Guatemala",
    "Supported fair, transparent and inclusive elections",
    "Strengthened the national justice systems of the region",
)


def test_an_analyst_with_sparqlwrapper_finds_the_five_results_of_the_source(server, source_text):
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(RESULTS_QUERY)
    client.setReturnFormat(JSON)
    rows = client.query().convert()["results"]["bindings"]
    assert len(rows) == 5
    for row in rows:
        assert row["result"]["value"].startswith("https://w3id.org/strategykg/id/result/")
    for sentence in SOURCE_RESULTS:
        assert sentence in source_text  # the expectation comes from the text itself
    labels = " ".join(r["label"]["value"] for r in rows)
    assert "Guatemala" in labels and "Haitian National Police" in labels


@pytest.mark.parametrize("fmt", [XML, CSV, TSV])
def test_sparqlwrapper_gets_the_same_rows_in_xml_csv_and_tsv(server, fmt):
    client = SPARQLWrapper(server.url + "/sparql")
    client.setQuery(RESULTS_QUERY)
    client.setReturnFormat(fmt)
    answer = client.query()
    content_type = answer.info()["content-type"]
    converted = answer.convert()
    if fmt == XML:
        assert content_type.startswith("application/sparql-results+xml")
        assert len(converted.getElementsByTagName("result")) == 5
    else:
        text = converted.decode() if isinstance(converted, bytes) else converted
        lines = [line for line in text.splitlines() if line]
        assert len(lines) == 6  # a header and five rows
        assert content_type.startswith("text/csv" if fmt == CSV else "text/tab-separated-values")


def test_sparqlwrapper_posts_a_construct_and_reads_the_graph(server):
    client = SPARQLWrapper(server.url + "/sparql")
    client.setMethod("POST")
    client.setQuery(
        f"PREFIX skg: <{SKG}> CONSTRUCT {{ ?r a skg:Result }} WHERE {{ ?r a skg:Result }}"
    )
    graph = client.query().convert()
    assert isinstance(graph, Graph)
    assert len(graph) == 5


def test_rdflib_sparqlstore_queries_the_endpoint_like_a_local_graph(server):
    store = SPARQLStore(server.url + "/sparql", returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query(RESULTS_QUERY))
    assert len(rows) == 5
    assert all(isinstance(label, Literal) and label.language == "en" for _, label in rows)
    ask = graph.query(f"ASK {{ ?r a <{SKG}Result> }}")
    assert ask.askAnswer is True
    triples = list(graph.triples((URIRef(str(rows[0][0])), None, None)))
    assert triples


@pytest.mark.parametrize(
    ("accept", "media_type", "parse_as"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
    ],
)
def test_a_construct_comes_back_in_every_graph_format(http, accept, media_type, parse_as):
    query = f"PREFIX skg: <{SKG}> CONSTRUCT WHERE {{ ?r a skg:Result }}"
    answer = http.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(media_type)
    assert len(Graph().parse(data=answer.text, format=parse_as)) == 5


def test_the_three_ways_of_sending_a_query_give_the_same_answer(http):
    headers = {"Accept": "application/sparql-results+json"}
    by_get = http.get("/sparql", params={"query": RESULTS_QUERY}, headers=headers)
    by_form = http.post("/sparql", data={"query": RESULTS_QUERY}, headers=headers)
    by_body = http.post(
        "/sparql",
        content=RESULTS_QUERY.encode(),
        headers={**headers, "Content-Type": "application/sparql-query"},
    )
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert comparable_json(by_get.text) == comparable_json(by_form.text)
    assert comparable_json(by_form.text) == comparable_json(by_body.text)


def test_default_graph_uri_and_named_graph_uri_choose_the_dataset(http):
    places = "https://w3id.org/strategykg/graph/data/places"
    ontology = "https://w3id.org/strategykg/graph/ontology/strategy"
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    whole = http.get("/sparql", params={"query": count}, headers={"Accept": "text/csv"})
    only_places = http.get(
        "/sparql",
        params={"query": count, "default-graph-uri": places},
        headers={"Accept": "text/csv"},
    )
    n_whole = int(whole.text.splitlines()[1])
    n_places = int(only_places.text.splitlines()[1])
    assert 0 < n_places < n_whole
    graphs = http.get(
        "/sparql",
        params=[
            ("query", "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"),
            ("named-graph-uri", places),
            ("named-graph-uri", ontology),
        ],
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    names = {b["g"]["value"] for b in graphs["results"]["bindings"]}
    assert names == {places, ontology}


def test_a_browser_choosing_a_format_by_parameter_gets_it(http):
    answer = http.get(
        "/sparql",
        params={"query": RESULTS_QUERY, "format": "csv"},
        headers={"Accept": "text/html,*/*;q=0.8"},
    )
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == ["result", "label"] and len(rows) == 6


def test_a_browser_sees_the_answer_as_an_html_table(http):
    answer = http.get("/sparql", params={"query": RESULTS_QUERY}, headers={"Accept": "text/html"})
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.text.count("<tr>") == 6
    assert "Helped reinforce justice in Guatemala" in answer.text


def test_the_service_description_says_what_the_endpoint_does(http, server):
    answer = http.get("/sparql", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    graph = Graph().parse(data=answer.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoints = list(graph.objects(None, URIRef(sd + "endpoint")))
    assert endpoints == [URIRef(server.url + "/sparql")]
    formats = {str(o) for o in graph.objects(None, URIRef(sd + "resultFormat"))}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    features = {str(o) for o in graph.objects(None, URIRef(sd + "feature"))}
    assert sd + "UnionDefaultGraph" in features
    assert sd + "BasicFederatedQuery" not in features  # SERVICE is off by default
    named = list(graph.objects(None, URIRef(sd + "namedGraph")))
    assert len(named) == 7  # one per source file


def test_head_and_options_answer_without_a_body(http):
    head = http.head("/sparql", params={"query": RESULTS_QUERY})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("application/sparql-results+json")
    options = http.options("/sparql")
    assert options.status_code == 204
    assert "POST" in options.headers["access-control-allow-methods"]
    assert options.headers["access-control-allow-origin"] == "*"


def test_a_javascript_app_on_another_origin_may_read_answers(http):
    answer = http.get(
        "/sparql", params={"query": RESULTS_QUERY}, headers={"Origin": "https://example.org"}
    )
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "ETag" in answer.headers["access-control-expose-headers"]


def test_a_client_revalidating_with_its_etag_gets_304(http):
    first = http.get("/sparql", params={"query": RESULTS_QUERY})
    etag = first.headers["etag"]
    again = http.get("/sparql", params={"query": RESULTS_QUERY}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    other = http.get(
        "/sparql",
        params={"query": RESULTS_QUERY},
        headers={"If-None-Match": etag, "Accept": "text/csv"},
    )
    assert other.status_code == 200  # another variant has another ETag


def test_answers_are_gzipped_for_clients_that_accept_it(http):
    query = "SELECT * WHERE { ?s ?p ?o }"
    packed = http.get(
        "/sparql",
        params={"query": query},
        headers={"Accept-Encoding": "gzip", "Accept": "text/tab-separated-values"},
    )
    assert packed.headers["content-encoding"] == "gzip"
    plain = httpx.get(
        str(packed.url),
        headers={"Accept-Encoding": "identity", "Accept": "text/tab-separated-values"},
    )
    assert "content-encoding" not in plain.headers
    assert packed.text == plain.text  # httpx decompressed it
    assert len(plain.content) > int(packed.headers["content-length"])


def test_sparql_results_are_never_cached_for_queries_that_change_between_runs(http):
    answer = http.get("/sparql", params={"query": "SELECT (NOW() AS ?t) WHERE {}"})
    assert answer.status_code == 200
    assert "etag" not in answer.headers


def _cli_json(name: str) -> str:
    return subprocess.run(
        [str(STRATEGYKG), "query", name, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_every_competency_question_answers_the_same_over_http_as_on_the_command_line(
    http, project_root
):
    library = QueryLibrary(project_root / "queries")
    names = library.names()
    with ThreadPoolExecutor(max_workers=4) as pool:
        cli_answers = dict(zip(names, pool.map(_cli_json, names), strict=True))
    for question in library:
        over_sparql = http.get(
            "/sparql",
            params={"query": question.text},
            headers={"Accept": "application/sparql-results+json"},
        )
        over_page = http.get(f"/queries/{question.name}", params={"format": "json"})
        assert over_sparql.status_code == over_page.status_code == 200, question.name
        expected = comparable_json(cli_answers[question.name])
        assert comparable_json(over_sparql.text) == expected, question.name
        assert comparable_json(over_page.text) == expected, question.name


def test_a_question_with_a_parameter_is_answered_for_that_value(http):
    default = http.get("/queries/results-by-place", params={"format": "json"}).json()
    mexico = http.get(
        "/queries/results-by-place", params={"format": "json", "place": "mexico"}
    ).json()
    rows = mexico["results"]["bindings"]
    assert rows  # the source: "Strengthened the national justice systems ... including in Mexico"
    assert {r["where"]["value"] for r in rows} == {"https://w3id.org/strategykg/id/place/mexico"}
    assert default != mexico


def test_question_downloads_are_attachments_named_after_the_question(http):
    answer = http.get("/queries/results-by-actor", params={"format": "csv"})
    assert answer.headers["content-type"].startswith("text/csv")
    assert 'filename="results-by-actor.csv"' in answer.headers["content-disposition"]
    listing = http.get("/queries", headers={"Accept": "application/json"}).json()
    assert {q["name"] for q in listing} == set(QueryLibrary(QUERIES).names())


QUERIES = PROJECT_ROOT / "queries"


def test_dumps_hold_the_whole_dataset_in_every_format(http):
    count = http.get(
        "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
    )
    triples = int(count.text.splitlines()[1])
    turtle = Graph().parse(data=http.get("/dumps/strategykg.ttl").text, format="turtle")
    assert len(turtle) == triples
    packed = http.get("/dumps/strategykg.nt.gz")
    assert packed.headers["content-type"] == "application/gzip"
    ntriples = gzip.decompress(packed.content).decode()
    assert len(Graph().parse(data=ntriples, format="nt")) == triples
    jsonld = Graph().parse(data=http.get("/dumps/strategykg.jsonld").text, format="json-ld")
    assert len(jsonld) == triples
    trig = http.get("/dumps/strategykg.trig")
    assert trig.headers["content-type"].startswith("application/trig")
    from rdflib import Dataset

    dataset = Dataset().parse(data=trig.text, format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert "https://w3id.org/strategykg/graph/data/goal-2" in names
    assert http.get("/dumps/nothing.ttl").status_code == 404


def test_the_void_description_counts_the_triples_and_links_the_downloads(http, server):
    void = "http://rdfs.org/ns/void#"
    dcat = "http://www.w3.org/ns/dcat#"
    answer = http.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=answer.text, format="turtle")
    dataset = URIRef("https://w3id.org/strategykg/dataset")
    count = http.get(
        "/sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
    )
    assert int(graph.value(dataset, URIRef(void + "triples"))) == int(count.text.splitlines()[1])
    assert graph.value(dataset, URIRef(void + "sparqlEndpoint")) == URIRef(server.url + "/sparql")
    downloads = list(graph.objects(None, URIRef(dcat + "downloadURL")))
    assert len(downloads) == 10  # five formats, plain and gzip
    for url in downloads:
        assert http.head(str(url)).status_code == 200
    as_json = json.loads(
        http.get("/.well-known/void", headers={"Accept": "application/ld+json"}).text
    )
    assert as_json
