"""The server's small parts on their own: content negotiation, the query guard, JSON-LD."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from strategykg.linkeddata import Describer, JsonLdCompactor, Vocabulary, jsonld_context
from strategykg.namespaces import PREFIXES
from strategykg.negotiation import (
    GRAPHS,
    HTML,
    RESOURCE,
    RESULTS,
    from_parameter,
    negotiate,
    parse_accept,
    pick_language,
)
from strategykg.sparql_guard import GuardError, cap_rows, inspect

BASE = "https://w3id.org/strategykg/"


# -- Accept ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "turtle"),  # no header means */*: the first machine format
        ("", "turtle"),
        ("*/*", "turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),  # a browser
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.9", "turtle"),
        ("text/*", "turtle"),
        ("text/turtle;q=0, */*;q=0.1", "ntriples"),  # q=0 excludes even when */* matches
        ("application/n-triples; charset=utf-8", "ntriples"),  # parameters do not hide a type
        ("TEXT/TURTLE", "turtle"),  # media types are case-insensitive
        ("garbage, text/html", "html"),  # a malformed entry is skipped, not fatal
    ],
)
def test_a_resource_is_negotiated_by_quality_then_specificity(accept, expected):
    assert negotiate(accept, RESOURCE).name == expected


def test_nothing_acceptable_is_none_so_the_server_can_answer_406():
    assert negotiate("image/png", RESOURCE) is None
    assert negotiate("text/csv", GRAPHS) is None


def test_json_means_results_for_a_select_and_json_ld_for_a_graph():
    assert negotiate("application/json", RESULTS).name == "json"
    assert negotiate("application/json", GRAPHS).name == "jsonld"
    assert negotiate("application/sparql-results+xml", RESULTS).name == "xml"


def test_the_most_specific_range_decides_a_types_quality():
    ranges = parse_accept("text/*;q=0.2, text/turtle;q=0.9, */*;q=0.1")
    assert negotiate("text/*;q=0.2, text/turtle;q=0.9, */*;q=0.1", (HTML, *GRAPHS)).name == "turtle"
    assert len(ranges) == 3


def test_a_format_parameter_takes_names_suffixes_and_media_types():
    assert from_parameter("json", RESULTS).name == "json"
    assert from_parameter("ttl", GRAPHS).name == "turtle"
    assert from_parameter("application/sparql-results+xml", RESULTS).name == "xml"
    assert from_parameter("png", RESULTS) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("en-GB,en;q=0.9", "en"),
        ("de, fr;q=0.5", "fr"),
        ("fr;q=0, en;q=0.1", "en"),
        ("*", "en"),
    ],
)
def test_the_page_language_follows_accept_language(header, expected):
    assert pick_language(header) == expected


# -- the query guard ---------------------------------------------------------------------------


def test_a_query_nested_thousands_deep_is_refused_before_any_parser_sees_it():
    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000
    with pytest.raises(GuardError) as refused:
        inspect(deep, max_depth=64)
    assert refused.value.status == 400
    assert "64" in refused.value.message


def test_long_runs_of_unary_operators_count_as_nesting():
    with pytest.raises(GuardError):
        inspect("SELECT * WHERE { FILTER(" + "!" * 500 + "true) }", max_depth=64)


def test_brackets_inside_strings_iris_and_comments_do_not_count():
    text = (
        'SELECT * WHERE { ?s ?p "((((((((((" . # {{{{{{{{{{{{{{{{{{{\n'
        "?s <http://e/((((((((((> ?o . ?s ?p '''[[[[[[[[[[[[''' }"
    )
    assert inspect(text, max_depth=3).depth == 1


@pytest.mark.parametrize(
    ("text", "operation"),
    [
        ("PREFIX ex: <http://e/> SELECT * WHERE { ?s ex:p ?o }", "query"),
        ("BASE <http://e/> ASK { ?s ?p ?o }", "query"),
        ("insert data { <http://e/a> <http://e/b> <http://e/c> }", "update"),
        ("PREFIX ex: <http://e/> DELETE WHERE { ?s ex:p ?o }", "update"),
        ("WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "update"),
        ("DROP ALL", "update"),
        ("SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <a:b> <a:c> <a:d> }", "update"),
    ],
)
def test_updates_are_told_apart_from_queries(text, operation):
    assert inspect(text).operation == operation


def test_service_is_found_as_a_keyword_but_not_in_names_strings_or_variables():
    assert inspect("SELECT * WHERE { SERVICE <http://e/sparql> { ?s ?p ?o } }").uses_service
    assert inspect("select * where { service silent <http://e/s> { ?s ?p ?o } }").uses_service
    quiet = 'PREFIX service: <http://e/> SELECT ?service WHERE { ?service service:p "SERVICE" }'
    assert not inspect(quiet).uses_service


def test_queries_whose_answer_changes_between_runs_are_marked_volatile():
    assert inspect("SELECT (NOW() AS ?t) WHERE {}").volatile
    assert inspect("SELECT (RAND() AS ?r) WHERE {}").volatile
    assert not inspect("SELECT ?now WHERE { ?s <http://e/now> ?now }").volatile


@pytest.mark.parametrize(
    ("text", "expected", "capped"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }\nLIMIT 10\n", True),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 5", "SELECT * WHERE { ?s ?p ?o } LIMIT 5", False),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 500", "SELECT * WHERE { ?s ?p ?o } LIMIT 10", True),
        (
            "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <http://e/a> }",
            "SELECT * WHERE { ?s ?p ?o } LIMIT 10\nVALUES ?s { <http://e/a> }",
            True,
        ),
        (
            "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 99 } }",
            "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 99 } }\nLIMIT 10\n",
            True,
        ),
        ("ASK { ?s ?p ?o }", "ASK { ?s ?p ?o }", False),
        (
            "SELECT * WHERE { ?s ?p ?o } # a comment",
            "SELECT * WHERE { ?s ?p ?o } # a comment\nLIMIT 10\n",
            True,
        ),
    ],
)
def test_the_row_cap_lowers_or_adds_the_top_level_limit(text, expected, capped):
    assert cap_rows(text, inspect(text), 10) == (expected, capped)


def test_capped_queries_still_parse_and_answer_at_most_the_cap(kg):
    for text in (
        "SELECT * WHERE { ?s ?p ?o } VALUES ?o { 1 2 }",
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "DESCRIBE ?s WHERE { ?s a ?c }",
        "SELECT * WHERE { ?s ?p ?o } # trailing comment",
    ):
        capped, _ = cap_rows(text, inspect(text), 3)
        answer = kg.store.query(capped, use_default_graph_as_union=True)
        assert len(list(answer)) <= 3 * 20  # DESCRIBE gives a few triples per solution


# -- JSON-LD against the published context -------------------------------------------------------


def test_json_ld_compacted_against_the_context_means_the_same_triples(kg):
    vocabulary = Vocabulary(BASE, PREFIXES)
    describer = Describer(kg.store, vocabulary, kg.texts)
    context = jsonld_context(kg.store, BASE + "ontology#", PREFIXES)
    compactor = JsonLdCompactor(context, vocabulary)
    for iri in (BASE + "id/result/justice-in-guatemala", BASE + "ontology", BASE + "id/themes"):
        triples = describer.describe(iri).triples()
        document = json.loads(
            compactor.compact(ox.serialize(triples, format=ox.RdfFormat.JSON_LD), "x")
        )
        document["@context"] = context["@context"]
        compacted = Graph().parse(data=json.dumps(document), format="json-ld")
        expected = Graph().parse(
            data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt"
        )
        assert isomorphic(compacted, expected), iri


def test_a_query_that_does_not_parse_is_found_without_running_anything():
    from strategykg.service import syntax_error

    assert syntax_error("SELECT * WHERE { ?s ?p ?o }") is None
    assert syntax_error("SELECT * WHERE { ?s ?p ").startswith("SPARQL syntax error: error at 1:")
    many = " ".join(str(n) for n in range(3000))
    # A cartesian product of three big VALUES blocks would never end if it were evaluated.
    assert (
        syntax_error(
            f"SELECT * {{ VALUES ?a {{ {many} }} VALUES ?b {{ {many} }} VALUES ?c {{ {many} }} }}"
        )
        is None
    )
