"""A reviewer trusts the review because each pitfall has a fixture that triggers exactly it.

Every file in tests/fixtures/review/ is a small, otherwise clean ontology with
one defect; its ``# expect:`` line names the codes the review must report. The
errors and warnings found must be exactly those (notes may come along), and
the review must fail at the level of the defect.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from strategykg.pitfalls import CHECKS, LEVELS
from strategykg.reasoning import CHECKS as REASONING_CHECKS
from strategykg.review import load_subject, review

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"
CASES = sorted(p for p in FIXTURES.glob("*.ttl") if not p.name.endswith(".shapes.ttl"))


def expected_codes(path: Path) -> set[str]:
    match = re.search(r"^# expect:(.*)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert match, f"{path.name} has no '# expect:' line"
    return set(match.group(1).split())


def files_of(path: Path) -> list[Path]:
    """The fixture, and its shapes when it has a sibling NAME.shapes.ttl."""
    shapes = path.with_name(path.stem + ".shapes.ttl")
    return [path, shapes] if shapes.exists() else [path]


def review_fixture(path: Path):
    expected = expected_codes(path)
    needs_dl = any(code.startswith("dl_") for code in expected)  # HermiT costs a JVM start
    return review(load_subject(files=files_of(path)), dl=needs_dl)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_each_fixture_triggers_exactly_its_pitfall(path: Path) -> None:
    expected = expected_codes(path)
    report = review_fixture(path)
    raised = {f.code for f in report.findings if f.level in ("error", "warning")}
    found = {f.code for f in report.findings}
    assert raised <= expected, f"unexpected errors or warnings: {sorted(raised - expected)}"
    assert expected <= found, f"not reported: {sorted(expected - found)}"
    if expected:
        level = min((f.level for f in report.findings if f.code in expected), key=LEVELS.index)
        assert report.fails(level), f"the review should fail at --fail-on {level}"


def test_the_clean_fixture_has_no_finding_at_all() -> None:
    report = review(load_subject(files=[FIXTURES / "clean.ttl"]), dl=True)
    assert report.findings == []
    assert not report.fails("info")


def test_every_check_of_the_catalogue_has_a_fixture() -> None:
    covered = set().union(*(expected_codes(p) for p in CASES))
    # dl_unavailable needs a machine without Java: tests/test_review_reasoning.py fakes one.
    catalogue = (set(CHECKS) | set(REASONING_CHECKS)) - {"dl_unavailable"}
    assert catalogue - covered == set()
    assert covered - set(CHECKS) - set(REASONING_CHECKS) == set(), "a fixture names an unknown code"


def test_fixture_names_say_which_pitfall_they_trigger() -> None:
    for path in CASES:
        codes = {c.lower().replace("_", "-") for c in expected_codes(path)}
        assert path.stem == "clean" or any(
            path.stem.startswith(c) or c in path.stem for c in codes
        ), path.name


def test_bilingual_labels_are_not_multiple_labels() -> None:
    """ROBOT's multiple_labels fails any bilingual ontology; ours allows one label per language."""
    report = review(load_subject(files=[FIXTURES / "clean.ttl"]), dl=False)
    assert "multiple_labels" not in {f.code for f in report.findings}
    two_english = review(load_subject(files=[FIXTURES / "multiple-labels.ttl"]), dl=False)
    (finding,) = [f for f in two_english.findings if f.code == "multiple_labels"]
    assert finding.terms == ("https://w3id.org/review-fixture#Place",)
    assert "@en" in finding.detail


def test_a_finding_names_the_offending_terms_and_a_fix() -> None:
    report = review(load_subject(files=[FIXTURES / "p06-class-hierarchy-cycle.ttl"]), dl=False)
    (finding,) = [f for f in report.findings if f.code == "P06"]
    assert finding.terms == (
        "https://w3id.org/review-fixture#Site",
        "https://w3id.org/review-fixture#Spot",
    )
    assert finding.level == "error"
    assert "ex:Site ⊑ ex:Spot ⊑ ex:Site" in finding.detail
    assert report.checks["P06"].catalogue == "OOPS!"
    assert report.checks["P06"].fix


def test_an_undeclared_term_of_our_own_is_an_error_but_a_foreign_one_a_warning(tmp_path) -> None:
    base = (FIXTURES / "clean.ttl").read_text(encoding="utf-8")
    path = tmp_path / "foreign.ttl"
    path.write_text(
        base + "\nex:unesco <https://example.org/other#foundedIn> ex:paris .\n", encoding="utf-8"
    )
    (finding,) = [f for f in review(load_subject(files=[path]), dl=False).findings]
    assert (finding.code, finding.level) == ("P35", "warning")
