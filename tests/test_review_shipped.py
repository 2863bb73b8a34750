"""A reviewer runs `strategykg review` on the shipped project and reads a clean, complete report."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from strategykg.review import load_subject, review
from strategykg.review_output import render

SKG = "https://w3id.org/strategykg/ontology#"


@pytest.fixture(scope="module")
def report(kg):
    """The full review of the shipped project, HermiT included (run once for this module)."""
    return review(kg)


def test_the_shipped_ontology_passes_the_review_with_no_error(report) -> None:
    errors = [f for f in report.findings if f.level == "error"]
    assert errors == [], errors
    assert not report.fails("error")


def test_hermit_finds_the_model_and_data_consistent_and_every_class_satisfiable(report) -> None:
    assert report.dl.ran and report.dl.consistent is True
    assert report.dl.unsatisfiable == []


def test_owl_rl_finds_no_contradiction_and_the_shapes_still_pass_after_inference(report) -> None:
    assert not [f for f in report.findings if f.code.startswith("rl_")]
    assert report.rl.inferred > 0
    assert report.rl.shacl_checked and report.rl.shacl_results == 0
    # The Wikidata items we link to with owl:sameAs inherit our statements after reasoning; the
    # shapes check only our own resources, so nothing has to be set aside.
    assert report.rl.set_aside == 0


def test_every_term_is_labelled_and_defined_in_english_and_french(report) -> None:
    assert report.coverage.languages[:2] == ("en", "fr")
    for group in report.coverage.terms:
        for lang in ("en", "fr"):
            assert group.labelled.get(lang) == group.total, (group.kind, lang)
            assert group.defined.get(lang) == group.total, (group.kind, lang)


def test_every_objective_engagement_and_result_quotes_its_source_exactly(report) -> None:
    quotes = report.coverage.quotes
    assert quotes.counts == {"objectives": (5, 5), "engagements": (2, 2), "results": (5, 5)}
    assert quotes.mismatched == []


def test_most_classes_are_targeted_by_a_shape(report) -> None:
    shapes = report.coverage.shapes
    assert f"{SKG}Result" in shapes.direct
    assert shapes.inherited[f"{SKG}Region"] == f"{SKG}Place"
    assert shapes.share is not None and shapes.share > 0.9


def test_outbound_links_are_counted_per_resource_type(report) -> None:
    rows = {row.type: row for row in report.coverage.links}
    country = rows[f"{SKG}Country"]
    assert country.total == 4 and country.linked["Wikidata"] == 4 and country.linked["UN SDG"] == 4
    assert rows[f"{SKG}Theme"].linked["UN SDG"] > 0


def test_metrics_count_the_model_as_its_file_declares_it(report, project_root) -> None:
    ontology = Graph().parse(project_root / "ontology" / "strategy.ttl")
    declared = {s for s in ontology.subjects(RDF.type, OWL.Class) if str(s).startswith(SKG)}
    metrics = report.metrics
    assert metrics.counts["classes"] == len(declared)
    assert metrics.counts["object properties"] > 0 and metrics.counts["concepts"] > 0
    assert metrics.logical_axioms > metrics.counts["classes"]
    assert metrics.class_depth >= 2 and metrics.concept_depth >= 3
    assert "Entity" in metrics.reuse["http://www.w3.org/ns/prov#"]
    assert metrics.reuse["http://www.w3.org/ns/prov#"]["Entity"] == ["axiom"]


def test_what_cannot_be_checked_offline_is_said_not_faked(report) -> None:
    not_checked = {item.code: item for item in report.not_checked}
    assert "HTTP" in not_checked["P37"].reason
    assert "P37" not in {f.code for f in report.findings}


# ---------------------------------------------------------------------------------------------
# The report in each format
# ---------------------------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_the_html_report_shows_the_metrics_as_an_accessible_chart(report) -> None:
    html = render(report, "html")
    parser = _Collector()
    parser.feed(html)
    charts = [attrs for tag, attrs in parser.tags if tag == "svg"]
    assert len(charts) >= 2
    assert all(c.get("role") == "img" and c.get("aria-labelledby") for c in charts)
    assert "<title id=" in html and "<desc id=" in html
    assert ">classes</text>" in html  # each bar is labelled in text, not by colour alone
    # Self-contained: it opens offline, with no script and no stylesheet to fetch.
    assert not [tag for tag, _attrs in parser.tags if tag in ("script", "link", "img")]


def test_the_html_report_links_each_finding_to_the_documentation_of_its_term(report, kg) -> None:
    # By default a term links to its IRI, which dereferences to its documentation.
    assert f'href="{SKG}concernsPlace"' in render(report, "html")
    # With --docs-base, to the anchor of the generated documentation (pyLODE-style fragments).
    elsewhere = review(kg, dl=False, docs_base="https://example.org/docs/ontology.html")
    html = render(elsewhere, "html")
    assert 'href="https://example.org/docs/ontology.html#concernsPlace"' in html
    assert (
        'href="https://w3id.org/strategykg/id/theme/access-to-justice"' in html
    )  # not an ontology term


def test_the_json_report_is_machine_readable(report) -> None:
    data = json.loads(render(report, "json"))
    assert data["schema"] == "https://w3id.org/strategykg/review/1"
    assert data["passed"] is True and data["counts"]["error"] == 0
    finding = data["findings"][0]
    assert set(finding) == {"code", "level", "terms", "detail"}
    assert set(finding["terms"][0]) == {"iri", "name", "link"}
    assert data["checks"][finding["code"]]["fix"]
    assert data["consistency"]["hermit"]["consistent"] is True
    assert data["coverage"]["quotes"]["counts"]["results"] == [5, 5]
    assert data["metrics"]["counts"]["classes"] > 0


def test_the_text_and_markdown_reports_give_the_verdict_first(report) -> None:
    text = render(report, "text")
    assert text.splitlines()[1].startswith("PASS at --fail-on error: 0 errors")
    for heading in ("Pitfalls", "Coverage", "Consistency", "Metrics", "Not checked"):
        assert heading in text
    markdown = render(report, "markdown", fail_on="warning")
    assert markdown.startswith("## Ontology review")
    assert "**FAIL at --fail-on warning" in markdown
    assert "| warning | [P11](https://oops.linkeddata.es/catalogue.jsp) (OOPS!) |" in markdown


def test_a_quote_that_drifts_from_its_source_shows_in_the_coverage(project_root, tmp_path) -> None:
    goal = (project_root / "data" / "goal-2.ttl").read_text(encoding="utf-8")
    exact = 'oa:exact "Providing resources and training'
    assert exact in goal
    drifted = tmp_path / "goal-2.ttl"
    drifted.write_text(goal.replace(exact, 'oa:exact "Offering resources and training'), "utf-8")
    files = [project_root / "ontology" / name for name in ("strategy.ttl", "themes.ttl")]
    files += [p for p in (project_root / "data").glob("*.ttl") if p.name != "goal-2.ttl"]
    report = review(load_subject(project_root, files=[*files, drifted]), dl=False)
    assert report.coverage.quotes.counts["objectives"] == (5, 4)
    assert report.coverage.quotes.mismatched == [
        "https://w3id.org/strategykg/id/objective/combat-transnational-organized-crime"
    ]
