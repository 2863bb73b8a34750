"""A person at the command line: clear answers, clear errors, the exit codes the docs promise."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from tests.conftest import FIXTURES, PROJECT_ROOT

STRATEGYKG = [sys.executable, "-m", "strategykg.cli"]


def run(*args: str, cwd=PROJECT_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*STRATEGYKG, *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )


def test_validate_exits_0_on_the_shipped_data():
    done = run("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Conforms")


def test_validate_exits_1_on_a_broken_fixture_and_says_why():
    done = run("validate", str(FIXTURES / "shapes" / "result-without-passage.ttl"))
    assert done.returncode == 1
    assert "Must be stated in exactly one passage" in done.stdout


def test_validate_json_report_is_machine_readable():
    done = run("validate", "--format", "json")
    assert json.loads(done.stdout)["conforms"] is True


def test_a_typo_in_a_turtle_file_is_one_line_with_file_and_line(tmp_path):
    broken = tmp_path / "typo.ttl"
    broken.write_text(
        '@prefix ex: <http://example.org/> .\n\nex:a ex:b "unclosed .\n', encoding="utf-8"
    )
    done = run("validate", str(broken))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert f"{broken}:3:" in done.stderr and "Traceback" not in done.stderr


def test_the_rule_of_law_question_prints_the_results_with_their_labels():
    done = run("query", "results-supporting-rule-of-law")
    assert done.returncode == 0, done.stderr
    assert "Helped reinforce justice in Guatemala" in done.stdout
    assert "Strengthened the national justice systems" in done.stdout
    assert "Haitian National Police" not in done.stdout


def test_query_output_formats():
    as_csv = run("query", "results-by-place", "--param", "place=haiti", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [r["result"] for r in rows] == [
        "https://w3id.org/strategykg/id/result/haitian-national-police-capacity"
    ]
    as_json = json.loads(run("query", "quantified-results", "--format", "json").stdout)
    assert len(as_json["results"]["bindings"]) == 2
    as_tsv = run("query", "goal-overview", "--format", "tsv").stdout.splitlines()
    assert as_tsv[0].startswith("?strategyLabel\t?number")


def test_query_list_shows_every_question_with_its_defaults():
    done = run("query", "--list")
    assert done.returncode == 0
    assert (
        "results-by-place" in done.stdout
        and "place=<https://w3id.org/strategykg/id/place/guatemala>" in done.stdout
    )


def test_query_runs_a_sparql_file_by_path(tmp_path):
    question = tmp_path / "count.rq"
    question.write_text(
        "# title: Count results\nSELECT (COUNT(*) AS ?n) WHERE { ?r a <https://w3id.org/strategykg/ontology#Result> }\n"
    )
    done = run("query", str(question), "--format", "csv")
    assert done.stdout.splitlines() == ["n", "5"]


def test_the_rdflib_engine_answers_too():
    done = run("query", "objectives-without-results", "--engine", "rdflib", "--format", "csv")
    assert "combat-transnational-organized-crime" in done.stdout


def test_bad_usage_is_one_line_and_exit_2():
    for args in (
        ["query", "no-such-question"],
        ["query", "results-by-place", "--param", "planet=mars"],
        ["query", "results-by-place", "--param", "place"],
        ["query", "results-by-place", "--param", "place=not an iri"],
    ):
        done = run(*args)
        assert done.returncode == 2, args
        assert "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) <= 3, done.stderr  # click adds a usage line


def test_every_command_has_help():
    for command in ("validate", "query"):
        done = run(command, "--help")
        assert done.returncode == 0 and "Usage:" in done.stdout


def test_validate_and_push_name_the_shacl_engine_the_same_way():
    for command in ("validate", "push"):
        assert "--validator" in run(command, "--help").stdout
    done = run("validate", "--validator", "turbo")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Conforms")
