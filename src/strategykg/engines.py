"""One small interface for every consumer of SPARQL, with interchangeable engines.

pyoxigraph is the embedded store and the default; rdflib is the reference the
others are checked against; a remote SPARQL 1.1 endpoint is reached through
SPARQLWrapper (see :mod:`strategykg.remote`). Every engine answers every query
in queries/ with the same rows.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING
from typing import Literal as TypingLiteral

import pyoxigraph as ox
from rdflib import Dataset
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from strategykg.errors import InputError
from strategykg.load import to_rdflib

if TYPE_CHECKING:
    from strategykg.load import KnowledgeGraph

ResultKind = TypingLiteral["select", "ask", "graph"]


@dataclass
class QueryResult:
    """An engine's answer, in rdflib terms whatever the engine."""

    kind: ResultKind
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)

    def comparable(self) -> list[tuple[object, ...]]:
        """Rows as plain values, sorted: numbers by value, so engines that write 2.5 and 2.50 agree."""
        if self.kind == "ask":
            return [(self.boolean,)]
        source = self.rows if self.kind == "select" else self.triples
        return sorted((tuple(_plain(term) for term in row) for row in source), key=repr)

    def column(self, variable: str) -> list[Node | None]:
        index = self.variables.index(variable)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


def _plain(term: Node | None) -> object:
    if isinstance(term, RdfLiteral):
        value = term.toPython()
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return ("number", Decimal(str(value)).normalize())
        return ("literal", str(term), term.language, str(term.datatype or ""))
    return None if term is None else ("term", str(term))


class Engine(ABC):
    """Answers SPARQL 1.1 queries over a knowledge graph (union of its named graphs by default)."""

    name: str

    @abstractmethod
    def query(self, sparql: str) -> QueryResult:
        """Run a query and return its answer as rdflib terms."""


class OxigraphEngine(Engine):
    """The embedded pyoxigraph store: fast, spec-conformant, the default."""

    name = "oxigraph"

    def __init__(self, store: ox.Store):
        self.store = store

    def execute(self, sparql: str, **options: object) -> object:
        try:
            return self.store.query(sparql, use_default_graph_as_union=True, **options)
        except SyntaxError as error:
            raise InputError(f"SPARQL syntax error: {error.msg or error}") from None

    def query(self, sparql: str) -> QueryResult:
        answer = self.execute(sparql)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(kind="ask", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = [
                tuple(None if s[v] is None else to_rdflib(s[v]) for v in variables) for s in answer
            ]
            return QueryResult(kind="select", variables=variables, rows=rows)
        triples = [
            (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in answer
        ]
        return QueryResult(kind="graph", triples=triples)


class RdflibEngine(Engine):
    """rdflib's own SPARQL engine over the same triples: the reference, slow at scale."""

    name = "rdflib"

    def __init__(self, dataset: Dataset):
        dataset.default_union = True
        self.dataset = dataset

    def query(self, sparql: str) -> QueryResult:
        try:
            answer = self.dataset.query(sparql)
        except Exception as error:  # rdflib raises pyparsing's ParseException and others
            raise InputError(f"SPARQL error: {str(error).splitlines()[0]}") from None
        if answer.type == "ASK":
            return QueryResult(kind="ask", boolean=bool(answer.askAnswer))
        if answer.type == "SELECT":
            variables = [str(v) for v in answer.vars]
            return QueryResult(kind="select", variables=variables, rows=[tuple(r) for r in answer])
        return QueryResult(kind="graph", triples=list(answer.graph))


def open_engine(kg: KnowledgeGraph, name: str = "oxigraph") -> Engine:
    """An engine over a loaded knowledge graph, by name: 'oxigraph' (default) or 'rdflib'."""
    if name == "oxigraph":
        return OxigraphEngine(kg.store)
    if name == "rdflib":
        return RdflibEngine(kg.rdflib_dataset())
    raise InputError(f"unknown engine {name!r}: choose oxigraph or rdflib")
