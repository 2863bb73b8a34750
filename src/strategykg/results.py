"""Write a QueryResult for people (a table) or for programs (SPARQL 1.1 CSV, TSV and JSON)."""

from __future__ import annotations

import csv
import io
import json

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from strategykg.engines import QueryResult
from strategykg.namespaces import PREFIXES, curie, longest_first

FORMATS = ("table", "csv", "tsv", "json")
_PREFIXES = longest_first(PREFIXES)


def compact(term: Node | None) -> str:
    """A short, readable form of a term: prefixed IRIs, plain literal values."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term), _PREFIXES, strict=False)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": result.boolean})
    variables, rows = _tabular(result)
    bindings = [
        {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
        for row in rows
    ]
    return json.dumps(
        {"head": {"vars": variables}, "results": {"bindings": bindings}},
        ensure_ascii=False,
        indent=1,
    )


def _tabular(result: QueryResult) -> tuple[list[str], list[tuple[Node | None, ...]]]:
    if result.kind == "graph":
        return ["subject", "predicate", "object"], [tuple(t) for t in result.triples]
    if result.kind == "ask":
        return ["boolean"], [(Literal(result.boolean),)]
    return result.variables, result.rows


def to_delimited(result: QueryResult, delimiter: str) -> str:
    """SPARQL 1.1 CSV (plain values) or TSV (terms in Turtle syntax)."""
    variables, rows = _tabular(result)
    buffer = io.StringIO()
    if delimiter == ",":
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([["" if t is None else str(t) for t in row] for row in rows])
        return buffer.getvalue()
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else t.n3() for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def to_table(result: QueryResult, title: str | None = None) -> str:
    """A plain-text table for a terminal, with compact IRIs."""
    from rich.console import Console
    from rich.table import Table

    variables, rows = _tabular(result)
    table = Table(title=title, show_lines=False)
    for variable in variables:
        table.add_column(variable, overflow="fold")
    for row in rows:
        table.add_row(*(compact(t) for t in row))
    console = Console(width=160, record=True, file=io.StringIO(), color_system=None)
    console.print(table)
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")
    return console.export_text()


def render(result: QueryResult, fmt: str, title: str | None = None) -> str:
    """Render a result in one of FORMATS."""
    if fmt == "json":
        return to_json(result) + "\n"
    if fmt == "csv":
        return to_delimited(result, ",")
    if fmt == "tsv":
        return to_delimited(result, "\t")
    return to_table(result, title)
