"""The DL check never fails silently: no Java, no owlready2 or a hung HermiT is an error finding."""

from __future__ import annotations

from pathlib import Path

from strategykg import reasoning
from strategykg.reasoning import HermitRun
from strategykg.review import load_subject, review
from strategykg.scope import ReviewScope

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"


def test_without_java_the_review_reports_an_error_instead_of_skipping(tmp_path) -> None:
    report = review(load_subject(files=[FIXTURES / "clean.ttl"]), java=str(tmp_path / "java"))
    (finding,) = report.findings
    assert (finding.code, finding.level) == ("dl_unavailable", "error")
    assert "install-system-deps.sh" in finding.detail
    assert report.fails("error")


def test_without_owlready2_the_review_says_how_to_install_it(monkeypatch) -> None:
    monkeypatch.setattr(reasoning, "hermit_classpath", lambda: None)
    report = review(load_subject(files=[FIXTURES / "clean.ttl"]))
    (finding,) = report.findings
    assert finding.code == "dl_unavailable" and "pip install owlready2" in finding.detail


def test_a_hermit_that_outlives_its_time_limit_is_stopped_and_reported() -> None:
    scope = ReviewScope(load_subject(files=[FIXTURES / "clean.ttl"]))
    outcome = HermitRun(scope.graph, timeout=0.001).result()  # no JVM starts in a millisecond
    (finding,) = outcome.findings
    assert finding.code == "dl_error" and "did not finish" in finding.detail
    assert outcome.ran is False


def test_asking_for_no_dl_check_is_said_in_the_report() -> None:
    report = review(load_subject(files=[FIXTURES / "clean.ttl"]), dl=False)
    assert report.findings == []
    assert report.dl.skipped and "--no-dl" in report.dl.skipped


def test_hermit_names_the_unsatisfiable_class() -> None:
    report = review(load_subject(files=[FIXTURES / "dl-unsatisfiable.ttl"]))
    assert report.dl.unsatisfiable == ["https://w3id.org/review-fixture#Campus"]
    assert report.dl.consistent is True
