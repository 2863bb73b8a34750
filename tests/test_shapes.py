"""A data steward validating the graph: the shipped data conforms, each broken fixture breaks one rule."""

from __future__ import annotations

import pytest

from strategykg.load import load
from strategykg.validate import validate
from tests.conftest import FIXTURES, PROJECT_ROOT

SHAPE_FIXTURES = FIXTURES / "shapes"

# fixture -> the (focus, path) of every violation it must yield, and nothing else.
# Focus and path are in the compact form the report prints; path None for node-level constraints.
EXPECTED = {
    "strategy-without-goal": {("id:test/strategy", "skg:hasGoal")},
    "goal-without-objective": {("id:test/goal", "skg:hasObjective")},
    "objective-without-goal": {("id:test/objective", "skg:objectiveOf")},
    "engagement-without-goal": {("id:test/engagement", "skg:engagementFor")},
    "rationale-without-passage": {("id:test/rationale", "skg:statedIn")},
    "result-without-passage": {("id:test/result", "skg:statedIn")},
    "result-without-french-label": {("id:test/result", "rdfs:label")},
    "result-with-two-english-labels": {("id:test/result", "rdfs:label")},
    "result-without-theme-or-actor": {("id:test/result", None)},
    "result-citing-another-document": {("id:test/result", None)},
    "quantity-without-comparator": {("id:test/quantity", "skg:hasComparator")},
    "quantity-value-not-decimal": {("id:test/quantity", "skg:value")},
    "source-document-without-checksum": {("id:document/goal-2", "skg:sha256")},
    "passage-without-document": {("id:document/goal-2/chars/617-699", "skg:inDocument")},
    "passage-start-after-end": {("id:document/goal-2/chars/617-699", None)},
    "quote-does-not-match-source": {("id:document/goal-2/chars/617-699", "oa:exact")},
    "quote-with-ascii-space-for-nbsp": {("id:document/goal-2/chars/2575-2618", "oa:exact")},
    "actor-label-in-german": {("id:test/start", "rdfs:label")},
    "place-within-itself": {("id:test/central-america", None)},
    "country-code-lowercase": {("id:test/guatemala", "skg:isoAlpha2")},
    "country-without-region": {("id:test/guatemala", "skg:withinPlace")},
    "same-as-not-wikidata": {("id:test/guatemala", "owl:sameAs")},
    "reference-to-undefined-place": {
        ("id:test/guatamala", "rdf:type"),
        ("id:test/result", "skg:concernsPlace"),
    },
    "theme-without-french-label": {("theme:piracy", "skos:prefLabel")},
    "theme-hierarchy-cycle": {("theme:justice", None), ("theme:transitional-justice", None)},
    "ontology-term-without-french": {
        ("skg:Milestone", "rdfs:label"),
        ("skg:Milestone", "skos:definition"),
    },
    "ontology-term-not-defined-by": {("https://w3id.org/strategykg/ontology", None)},
    "ontology-without-header": {
        ("id:test/extension", path)
        for path in (
            "dcterms:title",
            "dcterms:description",
            "dcterms:creator",
            "dcterms:license",
            "owl:versionIRI",
            "owl:versionInfo",
            "vann:preferredNamespacePrefix",
            "vann:preferredNamespaceUri",
        )
    },
}


def test_the_shipped_graph_conforms(kg):
    outcome = validate(kg)
    assert outcome.conforms, outcome.as_text()
    assert outcome.findings == []


def test_the_minimal_fixture_conforms_so_each_broken_one_breaks_only_its_rule():
    outcome = validate(load(PROJECT_ROOT, [SHAPE_FIXTURES / "minimal-valid.ttl"]))
    assert outcome.conforms, outcome.as_text()


def test_every_shape_fixture_is_listed():
    on_disk = {p.stem for p in SHAPE_FIXTURES.glob("*.ttl")} - {"minimal-valid"}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("fixture", sorted(EXPECTED))
def test_a_broken_fixture_yields_exactly_its_violation(fixture):
    outcome = validate(load(PROJECT_ROOT, [SHAPE_FIXTURES / f"{fixture}.ttl"]))
    found = [(f.focus, f.path) for f in outcome.findings if f.severity == "violation"]
    assert not outcome.conforms
    assert sorted(found, key=str) == sorted(EXPECTED[fixture], key=str), outcome.as_text()


def test_every_message_says_what_is_wrong_in_words():
    outcome = validate(load(PROJECT_ROOT, [SHAPE_FIXTURES / "reference-to-undefined-place.ttl"]))
    messages = " ".join(f.message for f in outcome.findings)
    assert "never described" in messages and "must point to a place" in messages


def test_the_report_is_available_as_turtle_and_json():
    import json

    from rdflib import Graph
    from rdflib.namespace import SH

    outcome = validate(load(PROJECT_ROOT, [SHAPE_FIXTURES / "quote-does-not-match-source.ttl"]))
    report = Graph().parse(data=outcome.as_turtle(), format="turtle")
    assert len(list(report.subjects(predicate=SH.resultMessage))) == 1
    data = json.loads(outcome.as_json())
    assert data["conforms"] is False and data["counts"]["violation"] == 1
