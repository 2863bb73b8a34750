"""The same routes over another engine (rdflib here; a remote store with `serve --endpoint`)."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from starlette.testclient import TestClient

from strategykg.server import ServerConfig, create_app
from tests.serving import comparable_json

SKG = "https://w3id.org/strategykg/ontology#"
RESULTS = f"SELECT ?r WHERE {{ ?r a <{SKG}Result> }} ORDER BY ?r"


@pytest.fixture(scope="module")
def client(kg, rdflib_engine):
    app = create_app(kg, config=ServerConfig(timeout=30), engine=rdflib_engine)
    with TestClient(app) as test_client:
        yield test_client


def test_sparql_answers_from_the_other_engine_match_the_embedded_store(client, oxigraph_engine):
    answer = client.get(
        "/sparql", params={"query": RESULTS}, headers={"Accept": "application/json"}
    )
    assert answer.status_code == 200
    rows = comparable_json(answer.text)
    assert len(rows) == 5
    expected = sorted(("iri", str(r)) for (r,) in oxigraph_engine.query(RESULTS).rows)
    assert [row[0] for row in rows] == expected
    as_csv = client.get("/sparql", params={"query": RESULTS}, headers={"Accept": "text/csv"})
    assert len(as_csv.text.splitlines()) == 6


def test_resources_dereference_through_the_other_engine(client):
    turtle = client.get("/id/result/justice-in-guatemala", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert (
        URIRef("https://w3id.org/strategykg/id/result/justice-in-guatemala"),
        RDF.type,
        URIRef(SKG + "Result"),
    ) in graph
    page = client.get("/id/result/justice-in-guatemala", headers={"Accept": "text/html"})
    assert "<mark>Helped reinforce justice in Guatemala" in page.text
    assert client.get("/id/result/nothing", headers={"Accept": "text/turtle"}).status_code == 404


def test_without_a_data_version_there_is_no_etag_to_trust(client):
    answer = client.get("/sparql", params={"query": RESULTS})
    assert "etag" not in answer.headers
