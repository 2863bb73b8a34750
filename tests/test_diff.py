"""A reviewer sees what a change does before accepting it: per resource, in words, as RDF Patch,
and as the CHANGELOG entry the next release gets. `strategykg diff` exits 0 when nothing
changed and 1 when something did."""

from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Literal, Namespace, URIRef
from rdflib.namespace import RDFS

from strategykg.build import build
from strategykg.diff import ADDED_GRAPH, REMOVED_GRAPH, compare, read_side
from strategykg.load import load
from tests.conftest import PROJECT_ROOT
from tests.release_builds import BASE, copy_project, shipped_release

STRATEGYKG = [sys.executable, "-m", "strategykg.cli"]
RESULT = BASE + "id/result/justice-in-guatemala"
NEW_RESULT = BASE + "id/result/new-result"
REMOVED_PASSAGE = BASE + "id/document/goal-2/chars/2943-2975"
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*STRATEGYKG, *args], capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def release():
    return shipped_release()


@pytest.fixture(scope="module")
def changed(tmp_path_factory):
    """Version 0.2.0 of the project: one label reworded, one result added, one passage removed."""
    project = copy_project(tmp_path_factory.mktemp("changed"))
    ontology = project / "ontology" / "strategy.ttl"
    text = ontology.read_text(encoding="utf-8")
    text = text.replace('owl:versionInfo "0.1.0"', 'owl:versionInfo "0.2.0"')
    text = text.replace("strategykg/ontology/0.1.0>", "strategykg/ontology/0.2.0>")
    text = text.replace('dcterms:modified "2026-11-28"', 'dcterms:modified "2026-12-01"')
    ontology.write_text(text, encoding="utf-8")
    data = project / "data" / "goal-2.ttl"
    text = data.read_text(encoding="utf-8")
    text = text.replace(
        '"Helped reinforce justice in Guatemala"@en', '"Reinforced justice in Guatemala"@en'
    )
    text = text[: text.index("passage:2943-2975 a skg:Passage")]
    text += 'result:new-result a skg:Result ; rdfs:label "A new result"@en .\n'
    data.write_text(text, encoding="utf-8")
    return project


def test_a_build_and_the_sources_it_was_built_from_do_not_differ(release):
    done = run("diff", str(release.folder.parent), str(PROJECT_ROOT))
    assert done.returncode == 0, done.stderr
    assert "No differences." in done.stdout


def test_each_changed_resource_is_reported_in_words(release, changed):
    done = run("diff", str(release.folder), str(changed))
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert '  + result:new-result "A new result" (Result)' in lines
    assert "  - passage:2943-2975 (Passage)" in lines
    assert '  ~ result:justice-in-guatemala "Reinforced justice in Guatemala" (Result)' in lines
    assert '      - rdfs:label: "Helped reinforce justice in Guatemala"@en' in lines
    assert '      + rdfs:label: "Reinforced justice in Guatemala"@en' in lines
    assert lines[1].startswith("1 resource added, 1 removed, 2 changed")  # with the ontology header


def test_the_rdf_patch_turns_the_old_release_into_the_new_one(release, changed):
    done = run("diff", "--format", "patch", str(release.folder), str(changed))
    lines = done.stdout.splitlines()
    assert lines[0].startswith("H id <urn:uuid:") and lines[0].endswith("> .")
    assert lines[1] == "TX ." and lines[-1] == "TC ."
    operations = {"A": set(), "D": set()}
    for line in lines[2:-1]:
        kind, statement = line.split(" ", 1)
        quad = next(iter(ox.parse(statement.encode(), format=ox.RdfFormat.N_TRIPLES)))
        operations[kind].add(ox.Triple(quad.subject, quad.predicate, quad.object))

    def named(triples):
        return {t for t in triples if not any(isinstance(x, ox.BlankNode) for x in t)}

    old, new = read_side(release.folder), read_side(changed)
    patched = (named(old.triples) - named(operations["D"])) | named(operations["A"])
    assert patched == named(new.triples)
    # the removed passage's two selectors go with it: 3 + 2 statements about blank nodes
    selectors = [t for t in operations["D"] if isinstance(t.subject, ox.BlankNode)]
    assert len(selectors) == 5


def test_the_trig_output_has_a_graph_of_removed_and_one_of_added_triples(release, changed):
    done = run("diff", "--format", "trig", str(release.folder), str(changed))
    dataset = Dataset()
    dataset.parse(data=done.stdout, format="trig")
    removed, added = dataset.graph(URIRef(REMOVED_GRAPH)), dataset.graph(URIRef(ADDED_GRAPH))
    old_label = Literal("Helped reinforce justice in Guatemala", lang="en")
    new_label = Literal("Reinforced justice in Guatemala", lang="en")
    assert (URIRef(RESULT), RDFS.label, old_label) in removed
    assert (URIRef(RESULT), RDFS.label, new_label) in added
    assert (URIRef(NEW_RESULT), None, None) in added


def test_a_release_built_against_the_previous_one_gets_a_changelog_entry(
    release, changed, tmp_path
):
    report = build(load(changed), tmp_path / "dist", previous=release.folder)
    assert report.version == "0.2.0"
    changelog = (report.folder / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n\n## 0.2.0 (2026-12-01)\n")
    assert "### Added\n\n- A new result (`result:new-result`)" in changelog
    assert "### Removed\n\n- `passage:2943-2975`" in changelog
    assert "## 0.1.0 (2026-11-28)" in changelog  # the previous release's entry follows
    patch = (report.folder / "site" / "changes" / "0.2.0.rdfp").read_text(encoding="utf-8")
    expected = compare(read_side(release.folder), read_side(changed)).as_patch()
    assert patch == expected
    void = Dataset().parse(report.folder / "site" / ".well-known" / "void.ttl", format="turtle")
    this = URIRef(f"{BASE}dataset/0.2.0")
    assert (this, DCAT.previousVersion, URIRef(f"{BASE}dataset/0.1.0")) in void
    assert "changes/0.2.0.rdfp" in (report.folder / "site" / "index.html").read_text()


def test_a_folder_that_is_neither_sources_nor_a_build_is_refused(tmp_path):
    done = run("diff", str(tmp_path), str(PROJECT_ROOT))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not a source tree" in done.stderr
