"""A release manager rebuilds and gets the same bytes; a failed build leaves nothing half-written;
the release is named after the ontology's version; progress is reported as the build goes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib.namespace import OWL

import strategykg.build
from strategykg.build import build
from strategykg.load import load
from tests.conftest import PROJECT_ROOT
from tests.release_builds import BASE, copy_project, shipped_release

STRATEGYKG = [sys.executable, "-m", "strategykg.cli"]


@pytest.fixture(scope="module")
def release():
    return shipped_release()


def contents(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_two_builds_from_the_same_sources_are_byte_identical(release, tmp_path):
    # The second build runs in another process with another hash seed, so nothing may depend
    # on set or dict order, on memory addresses or on the time of day.
    environment = {**os.environ, "PYTHONHASHSEED": "20261128"}
    done = subprocess.run(
        [*STRATEGYKG, "build", "--root", str(PROJECT_ROOT), "--out", str(tmp_path / "dist"), "-q"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    first, second = contents(release.folder), contents(tmp_path / "dist" / release.version)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []
    assert os.readlink(tmp_path / "dist" / "latest") == release.version


def test_the_release_folder_is_named_after_the_ontology_version(kg, release):
    ontology = kg.rdflib_graph(["ontology"])
    version = str(ontology.value(URIRef(BASE + "ontology"), OWL.versionInfo))
    assert release.folder.name == version
    assert (release.folder.parent / "latest").resolve() == release.folder.resolve()


def failing_site(*args, **kwargs):
    raise OSError("No space left on device")


def test_a_failed_build_leaves_no_half_written_release(kg, tmp_path, monkeypatch):
    monkeypatch.setattr(strategykg.build.SiteWriter, "write", failing_site)
    with pytest.raises(OSError, match="No space left"):
        build(kg, tmp_path / "dist")
    assert list((tmp_path / "dist").iterdir()) == []


def test_a_failed_rebuild_keeps_the_previous_release_untouched(kg, release, tmp_path, monkeypatch):
    dist = tmp_path / "dist"
    shutil.copytree(release.folder, dist / release.version, symlinks=True)
    os.symlink(release.version, dist / "latest")
    before = contents(dist / release.version)
    monkeypatch.setattr(strategykg.build.SiteWriter, "write", failing_site)
    with pytest.raises(OSError):
        build(kg, dist)
    assert sorted(p.name for p in dist.iterdir()) == sorted(["latest", release.version])
    assert contents(dist / release.version) == before


def test_an_ontology_without_a_version_is_refused_in_one_line(tmp_path):
    project = copy_project(tmp_path / "project")
    ontology = project / "ontology" / "strategy.ttl"
    text = ontology.read_text(encoding="utf-8")
    ontology.write_text(text.replace('    owl:versionInfo "0.1.0" ;\n', ""), encoding="utf-8")
    done = subprocess.run(
        [*STRATEGYKG, "build", "--root", str(project), "--out", str(tmp_path / "dist"), "-q"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "owl:versionInfo" in done.stderr
    assert not (tmp_path / "dist").exists() or list((tmp_path / "dist").iterdir()) == []


class Recorder:
    def __init__(self) -> None:
        self.stages: list[list] = []

    def start(self, stage: str, total: int | None = None) -> None:
        self.stages.append([stage, total, 0])

    def advance(self, steps: int = 1) -> None:
        self.stages[-1][2] += steps


def test_progress_is_reported_stage_by_stage(tmp_path):
    recorder = Recorder()
    report = build(load(PROJECT_ROOT), tmp_path / "dist", progress=recorder)
    stages = {name: (total, done) for name, total, done in recorder.stages}
    assert stages["Dumps"] == (30, 30)  # the whole and four parts, in six formats
    assert stages["Site pages"] == (report.resources, report.resources)
    assert list(stages)[-1] == "Publishing"


def test_another_base_moves_every_iri_of_the_release(tmp_path):
    base = "http://data.example.org/kg/"
    report = build(load(PROJECT_ROOT), tmp_path / "dist", base=base)
    dump = report.folder / "site" / "dumps" / report.version / "strategykg.nq"
    terms = [t for q in ox.parse(path=dump, format=ox.RdfFormat.N_QUADS) for t in q]
    iris = [t.value for t in terms if isinstance(t, ox.NamedNode)]
    assert not [iri for iri in iris if iri.startswith(BASE)]
    assert f"{base}id/result/justice-in-guatemala" in iris
    assert (report.folder / "site" / "id" / "result" / "justice-in-guatemala.html").is_file()
    void = (report.folder / "site" / ".well-known" / "void.ttl").read_text(encoding="utf-8")
    assert f'void:uriSpace "{base}"' in void
