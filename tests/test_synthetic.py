"""The synthetic strategy graphs follow the model, and the fast validator reports what pySHACL does.

A benchmark is only as good as its data: scripts/synthetic.py must give the same bytes for the
same seed, follow the shipped ontology and shapes exactly, and break exactly the nodes its
manifest lists. pySHACL is the reference and the gate; `validate --engine turbo` may serve at
scale only because it gives the same report on every fixture and on the synthetic data.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from strategykg.load import KnowledgeGraph, load
from strategykg.results import compact
from strategykg.validate import Finding, ValidationOutcome, validate
from tests.conftest import FIXTURES, PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "synthetic.py"
SIZE = 3000  # big enough for every kind of node and defect, small enough for pySHACL


def _import_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synthetic", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


synthetic = _import_generator()


def _load(folder: Path) -> KnowledgeGraph:
    return load(PROJECT_ROOT, sorted(folder.glob("*.ttl")))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("valid")
    synthetic.generate(PROJECT_ROOT, out, SIZE, seed=11)
    return out


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("broken")
    synthetic.generate(PROJECT_ROOT, out, SIZE, seed=12, invalid=0.2)
    return out


@pytest.fixture(scope="module")
def broken_outcome(broken) -> ValidationOutcome:
    return validate(_load(broken))  # pySHACL, the reference


# ---------------------------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_bytes(tmp_path):
    first, second, other = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    synthetic.generate(PROJECT_ROOT, first, 2000, seed=5, invalid=0.1)
    synthetic.generate(PROJECT_ROOT, second, 2000, seed=5, invalid=0.1)
    synthetic.generate(PROJECT_ROOT, other, 2000, seed=6, invalid=0.1)
    assert _files(first) == _files(second)
    assert _files(first)["strategies-001.ttl"] != _files(other)["strategies-001.ttl"]


def test_the_size_is_close_to_the_target_and_the_manifest_counts_it(tmp_path):
    manifest = synthetic.generate(PROJECT_ROOT, tmp_path, 10_000, seed=3)
    store = ox.Store()
    for name in manifest["files"]:
        store.load(path=str(tmp_path / name), format=ox.RdfFormat.TURTLE)
    assert len(store) == manifest["triples"]
    assert abs(manifest["triples"] - 10_000) <= 300


def test_it_refuses_to_write_into_a_folder_it_did_not_make(tmp_path):
    (tmp_path / "notes.txt").write_text("someone's work", encoding="utf-8")
    with pytest.raises(SystemExit, match="not empty"):
        synthetic.generate(PROJECT_ROOT, tmp_path, 2000)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "someone's work"


def test_the_command_line_also_writes_n_triples(tmp_path):
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--triples", "1500", "--out", str(tmp_path), "--ntriples"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    triples = 0
    for name in manifest["files"]:
        turtle = list(ox.parse(path=str(tmp_path / name), format=ox.RdfFormat.TURTLE))
        ntriples = list(ox.parse(path=str(tmp_path / name[:-4]) + ".nt"))
        assert len(turtle) == len(ntriples) > 0
        triples += len(ntriples)
    assert triples == manifest["triples"]


def test_it_follows_the_model_in_both_languages_with_real_unicode(valid):
    kg = _load(valid)
    data = {"default_graph": [ox.NamedNode(g) for g in kg.graphs(("data",))]}
    ontology = {"default_graph": [ox.NamedNode(g) for g in kg.graphs(("ontology",))]}
    rdfs_label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    languages = Counter(
        s["lang"].value
        for s in kg.store.query(
            f"SELECT (lang(?l) AS ?lang) WHERE {{ ?x {rdfs_label} ?l }}", **data
        )
    )
    assert set(languages) == {"en", "fr-t-en"} and languages["en"] == languages["fr-t-en"]
    # Every class the data instantiates is declared by the shipped ontology (or is an OA selector).
    used = {s["c"].value for s in kg.store.query("SELECT DISTINCT ?c WHERE { ?x a ?c }", **data)}
    declared = {
        s["c"].value
        for s in kg.store.query(
            "SELECT ?c WHERE { ?c a <http://www.w3.org/2002/07/owl#Class> }", **ontology
        )
    }
    oa = {
        "http://www.w3.org/ns/oa#TextQuoteSelector",
        "http://www.w3.org/ns/oa#TextPositionSelector",
    }
    assert used - declared == oa
    texts = "".join(p.read_text(encoding="utf-8") for p in (valid / "sources").glob("*.txt"))
    turtle = (valid / "strategies-001.ttl").read_text(encoding="utf-8")
    for char in ("\u00a0", "’", "é"):  # no-break space, typographic apostrophe, accent
        assert char in texts and char in turtle, f"no {char!r} in the synthetic data"


def test_each_source_document_states_the_length_and_checksum_of_its_text(valid):
    kg = _load(valid)
    rows = kg.store.query(
        """PREFIX skg: <https://w3id.org/strategykg/ontology#>
        SELECT ?file ?count ?sha WHERE { ?d skg:characterCount ?count ; skg:sha256 ?sha ;
          <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?file }""",
        use_default_graph_as_union=True,
    )
    checked = 0
    for row in rows:
        text = (valid / "sources" / Path(row["file"].value).name).read_bytes()
        assert int(row["count"].value) == len(text.decode("utf-8"))
        assert row["sha"].value == hashlib.sha256(text).hexdigest()
        checked += 1
    assert checked == len(json.loads((valid / "manifest.json").read_text())["sources"])


# ---------------------------------------------------------------------------------------------
# Validation of the synthetic data: pySHACL, the reference
# ---------------------------------------------------------------------------------------------


def test_the_valid_graph_passes_pyshacl_with_no_finding_at_all(valid):
    outcome = validate(_load(valid))
    assert outcome.findings == [], outcome.as_text()[:2000]


def _expected(manifest: dict) -> Counter:
    def short(iri: str | None) -> str | None:
        return compact(URIRef(iri)) if iri else None

    return Counter(
        (short(e["focus"]), short(e["path"]), short(e["component"]))
        for node in manifest["invalid"]
        for e in node["expect"]
    )


def test_pyshacl_finds_exactly_the_injected_defects(broken, broken_outcome):
    manifest = json.loads((broken / "manifest.json").read_text(encoding="utf-8"))
    found = Counter((f.focus, f.path, f.component) for f in broken_outcome.findings)
    expected = _expected(manifest)
    assert found - expected == Counter(), "found but not injected"
    assert expected - found == Counter(), "injected but not found"
    # Every kind of node, and every kind of defect, is exercised at this size.
    assert {n["kind"] for n in manifest["invalid"]} == set(synthetic.DEFECTS)
    assert len({n["defect"] for n in manifest["invalid"]}) >= 20


# ---------------------------------------------------------------------------------------------
# The fast engine gives pySHACL's report
# ---------------------------------------------------------------------------------------------


def _comparable(findings: list[Finding]) -> list[tuple[str | None, ...]]:
    """Findings as tuples; blank nodes of the shapes graph (property shapes, alternative
    paths) are anonymous, so their labels are not compared."""

    def plain(value: str | None) -> str | None:
        return "_:" if value is not None and value.startswith("_:") else value

    return sorted(
        (f.severity, f.focus, plain(f.path), f.value, f.message, plain(f.shape), f.component)
        for f in findings
    )


def test_turbo_gives_the_pyshacl_report_on_the_synthetic_defects(broken, broken_outcome):
    fast = validate(_load(broken), engine="turbo")
    assert _comparable(fast.findings) == _comparable(broken_outcome.findings)
    assert fast.triples == broken_outcome.triples


FIXTURE_FILES = sorted(FIXTURES.rglob("*.ttl"))


@pytest.mark.parametrize(
    "fixture", FIXTURE_FILES, ids=[p.relative_to(FIXTURES).as_posix() for p in FIXTURE_FILES]
)
def test_turbo_gives_the_pyshacl_report_on_every_fixture(fixture):
    kg = load(PROJECT_ROOT, [fixture])
    reference = validate(kg)
    assert _comparable(validate(kg, engine="turbo").findings) == _comparable(reference.findings)


def test_turbo_gives_the_pyshacl_report_on_the_shipped_graph(kg):
    assert validate(kg, engine="turbo").findings == validate(kg).findings == []
