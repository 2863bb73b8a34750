"""`strategykg review` guards every change: exit 0 when clean, 1 on a finding, 2 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from strategykg.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"


def run(*args: str):
    return CliRunner().invoke(main, ["review", *args], catch_exceptions=False)


def test_ci_runs_the_review_on_the_shipped_project_and_it_passes(project_root) -> None:
    result = run("--root", str(project_root), "--fail-on", "error", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["passed"] is True
    assert report["consistency"]["hermit"]["ran"] is True


def test_a_fixture_with_an_error_fails_the_review() -> None:
    result = run(str(FIXTURES / "p06-class-hierarchy-cycle.ttl"), "--no-dl")
    assert result.exit_code == 1
    assert "ERROR P06 [OOPS!] Cycle in the class hierarchy" in result.output


def test_a_warning_fails_only_when_asked_to() -> None:
    fixture = str(FIXTURES / "p11-missing-domain-range.ttl")
    assert run(fixture, "--no-dl").exit_code == 0
    assert run(fixture, "--no-dl", "--fail-on", "warning").exit_code == 1


def test_a_note_fails_only_at_fail_on_info() -> None:
    fixture = str(FIXTURES / "p22-naming-conventions.ttl")
    assert run(fixture, "--no-dl", "--fail-on", "warning").exit_code == 0
    assert run(fixture, "--no-dl", "--fail-on", "info").exit_code == 1


def test_a_proposed_ontology_that_drops_a_french_label_does_not_land(
    project_root, tmp_path
) -> None:
    ontology = (project_root / "ontology" / "strategy.ttl").read_text(encoding="utf-8")
    changed = ontology.replace('rdfs:label "Goal"@en , "But"@fr ;', 'rdfs:label "Goal"@en ;')
    assert changed != ontology
    proposed = tmp_path / "strategy.ttl"
    proposed.write_text(changed, encoding="utf-8")
    result = run("--root", str(project_root), "--ontology", str(proposed), "--no-dl")
    assert result.exit_code == 1
    assert "skg:Goal: no label tagged @fr" in result.output


def test_unreadable_turtle_is_one_line_with_file_and_line(tmp_path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix ex: <https://example.org/> .\n\nex:a ex:b ex:c ;\n    ex:d .\n")
    result = run(str(broken))
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"strategykg: {broken}:4")


def test_a_missing_file_is_bad_input(tmp_path) -> None:
    result = run(str(tmp_path / "nowhere.ttl"))
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_the_html_report_is_written_to_a_file_that_opens_offline(tmp_path) -> None:
    target = tmp_path / "review.html"
    result = run(str(FIXTURES / "clean.ttl"), "--format", "html", "-o", str(target))
    assert result.exit_code == 0
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html


def test_text_from_the_files_under_review_is_escaped_in_html(tmp_path) -> None:
    base = (FIXTURES / "clean.ttl").read_text(encoding="utf-8")
    hostile = tmp_path / "hostile.ttl"
    hostile.write_text(
        base.replace('"Lieu"@fr', '"Lieu"@fr , "<script>alert(1)</script>"@fr'), encoding="utf-8"
    )
    result = run(str(hostile), "--format", "html", "--no-dl")
    assert result.exit_code == 1  # two French labels: multiple_labels
    assert "<script>" not in result.output
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in result.output
