"""Shared fixtures: the shipped project, loaded once, and helpers for real processes on loopback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from strategykg.engines import open_engine
from strategykg.load import KnowledgeGraph, load

# The server fixtures (`server`, `http`) live with the helpers that start a real server.
pytest_plugins = ["tests.serving"]
# The web-server stories are imported into one module per server: their asserts explain too.
pytest.register_assert_rewrite("tests.static_site_stories")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The shipped knowledge graph (read-only: build your own to mutate)."""
    return load(PROJECT_ROOT)


@pytest.fixture(scope="session")
def oxigraph_engine(kg):
    return open_engine(kg, "oxigraph")


@pytest.fixture(scope="session")
def rdflib_engine(kg):
    return open_engine(kg, "rdflib")


@pytest.fixture(scope="session")
def source_text(kg) -> str:
    return kg.texts["data/sources/goal-2-security-institutions.txt"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
