"""One build of the shipped project, shared by the release tests of a test run (it takes seconds)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import cache
from pathlib import Path

from strategykg.build import BuildReport, build
from strategykg.load import load
from tests.conftest import PROJECT_ROOT

BASE = "https://w3id.org/strategykg/"


@cache
def shipped_release() -> BuildReport:
    """The release of the shipped sources, built once into a temporary dist/ folder."""
    out = Path(tempfile.mkdtemp(prefix="strategykg-dist-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)
    return build(load(PROJECT_ROOT), out / "dist")


def copy_project(target: Path) -> Path:
    """A copy of the project's sources that a test may change."""
    for folder in ("ontology", "data", "queries"):
        shutil.copytree(PROJECT_ROOT / folder, target / folder)
    return target
