"""An engineer trusting the fast engine: pyoxigraph and rdflib give the same rows to every question."""

from __future__ import annotations

import pytest

from strategykg.queries import QueryLibrary
from tests.conftest import PROJECT_ROOT

LIBRARY = QueryLibrary(PROJECT_ROOT / "queries")


@pytest.mark.parametrize("name", LIBRARY.names())
def test_both_engines_give_the_same_rows(name, oxigraph_engine, rdflib_engine):
    sparql = LIBRARY.get(name).bind()
    fast, reference = oxigraph_engine.query(sparql), rdflib_engine.query(sparql)
    assert fast.variables == reference.variables
    assert fast.comparable() == reference.comparable()
    assert fast.rows, f"{name} has no answer on the shipped data"


def test_numbers_are_compared_by_value_not_by_spelling(oxigraph_engine, rdflib_engine):
    sparql = "SELECT ?n WHERE { VALUES ?n { 2.50 } }"
    assert oxigraph_engine.query(sparql).comparable() == rdflib_engine.query(sparql).comparable()


def test_both_engines_see_the_named_graph_of_each_source_file(oxigraph_engine, rdflib_engine):
    sparql = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    graphs = {str(row[0]) for row in oxigraph_engine.query(sparql).rows}
    assert "https://w3id.org/strategykg/graph/data/goal-2" in graphs
    assert "https://w3id.org/strategykg/graph/ontology/strategy" in graphs
    assert oxigraph_engine.query(sparql).comparable() == rdflib_engine.query(sparql).comparable()
