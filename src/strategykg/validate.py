"""Validate a knowledge graph: SHACL shapes with pySHACL, plus every quote checked against its source.

pySHACL is the reference validator and the gate for the shipped data. The data
graph is validated without inference (RDFS inference would hide wrongly typed
nodes); the ontology is part of the data graph so that subclasses are targeted.

At scale, engine="turbo" runs the same shapes with pyshacl-turbo, a Rust engine with
pySHACL's API, straight from a pyoxigraph store (no rdflib graph is built). It gives the
same report as pySHACL on every fixture and on the synthetic data (tests/test_synthetic.py
checks it); benchmarks/README.md has the figures.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from strategykg.errors import InputError, StrategyKGError
from strategykg.load import KnowledgeGraph, read_graph, to_rdflib
from strategykg.namespaces import SKG
from strategykg.results import compact
from strategykg.shacl_sparql import Query, evaluate, split

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
ENGINES = ("pyshacl", "turbo")
VALIDATED_PARTS = ("ontology", "themes", "data")

_QUOTES = """
PREFIX skg: <https://w3id.org/strategykg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?passage ?exact ?start ?end ?document ?file WHERE {
  ?passage skg:inDocument ?document ;
           oa:hasSelector ?quote , ?position .
  ?quote a oa:TextQuoteSelector ; oa:exact ?exact .
  ?position a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?document <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?file }
}
"""


@dataclass(frozen=True)
class Finding:
    """One problem found in the data, in plain words."""

    severity: str
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str | None
    component: str | None


@dataclass
class ValidationOutcome:
    """What validation found; conforms is False if any finding is a violation."""

    findings: list[Finding]
    report: Graph = field(repr=False)
    triples: int = 0

    @property
    def conforms(self) -> bool:
        return not any(f.severity == "violation" for f in self.findings)

    def counts(self) -> dict[str, int]:
        counts = {"violation": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def as_text(self) -> str:
        counts = self.counts()
        lines = [
            f"{'Conforms' if self.conforms else 'Does not conform'}: {self.triples} triples, "
            f"{counts['violation']} violations, {counts['warning']} warnings, {counts['info']} notes"
        ]
        for f in sorted(self.findings, key=lambda f: (f.severity, f.focus, f.path or "")):
            where = f.focus + (f" {f.path}" if f.path else "")
            lines.append(f"{f.severity.upper()}: {where}: {f.message}")
        return "\n".join(lines)

    def as_json(self) -> str:
        return json.dumps(
            {
                "conforms": self.conforms,
                "triples": self.triples,
                "counts": self.counts(),
                "findings": [asdict(f) for f in self.findings],
            },
            indent=2,
            ensure_ascii=False,
        )

    def as_turtle(self) -> str:
        return self.report.serialize(format="turtle")


def _text(node: Node | None) -> str | None:
    return None if node is None else compact(node)


def _findings_from_report(report: Graph) -> list[Finding]:
    findings = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity)
        messages = [str(m) for m in report.objects(result, SH.resultMessage)]
        findings.append(
            Finding(
                severity=SEVERITY_NAMES.get(severity, "violation"),
                focus=_text(report.value(result, SH.focusNode)) or "",
                path=_text(report.value(result, SH.resultPath)),
                value=_text(report.value(result, SH.value)),
                message=" / ".join(sorted(messages)) or "constraint not met",
                shape=_text(report.value(result, SH.sourceShape)),
                component=_text(report.value(result, SH.sourceConstraintComponent)),
            )
        )
    return findings


def _store_query(kg: KnowledgeGraph) -> Query:
    """SPARQL over the validated parts of kg's own store (not its shapes)."""
    graphs = [ox.NamedNode(g) for g in kg.graphs(VALIDATED_PARTS)]
    return lambda sparql: kg.store.query(sparql, default_graph=graphs)


def _quote_rows(data: Graph | None, query: Query) -> list[dict[str, Node]]:
    """The passages with their quotes and offsets, from data if it is given, else by query."""
    if data is not None:
        return [row.asdict() for row in data.query(_QUOTES)]
    # pyoxigraph answers this join in a second where rdflib takes minutes at 1M triples.
    solutions = query(_QUOTES)
    names = [v.value for v in solutions.variables]
    return [{name: to_rdflib(s[name]) for name in names if s[name] is not None} for s in solutions]


def check_quotes(
    kg: KnowledgeGraph, data: Graph | None = None, *, query: Query | None = None
) -> list[Finding]:
    """Every passage's quote must equal its source text at its code-point offsets.

    The passages are read from data if it is given, else with query (default: kg's store).
    """
    texts_by_name = {Path(name).name: text for name, text in kg.texts.items()}
    findings = []
    for row in _quote_rows(data, query or _store_query(kg)):
        file_name = Path(str(row["file"])).name if row.get("file") else None
        text = texts_by_name.get(file_name) if file_name else None
        if text is None and len(texts_by_name) == 1:
            text = next(iter(texts_by_name.values()))
        focus = compact(row["passage"])
        if text is None:
            message = f"no source text found for {row['document']}"
        else:
            try:
                start, end = int(row["start"]), int(row["end"])
            except ValueError:
                continue  # offsets that are not integers: the shapes report their datatype
            if end <= start:
                continue  # PositionSelectorShape reports the inverted range
            found = text[start:end]
            if found == str(row["exact"]):
                continue
            message = (
                f"quote does not match the source at [{start}, {end}): the text there reads "
                f"{found[:60]!r}"
            )
        findings.append(
            Finding("violation", focus, "oa:exact", str(row["exact"])[:60], message, None, None)
        )
    return findings


def _add_to_report(report: Graph, findings: list[Finding]) -> None:
    report_node = next(report.subjects(RDF.type, SH.ValidationReport), None)
    for finding in findings:
        node = BNode()
        report.add((node, RDF.type, SH.ValidationResult))
        report.add((node, SH.resultSeverity, SH.Violation))
        report.add((node, SH.resultMessage, Literal(finding.message)))
        report.add((node, SH.focusNode, Literal(finding.focus)))
        report.add((node, SH.sourceConstraintComponent, SKG.QuoteMatchesSource))
        if report_node is not None:
            report.add((report_node, SH.result, node))
            report.set((report_node, SH.conforms, Literal(False)))


def load_shapes(kg: KnowledgeGraph, shapes: Path | None = None) -> Graph:
    """The project's shapes, or another shapes file."""
    return kg.rdflib_graph(parts=("shapes",)) if shapes is None else read_graph(shapes)


def _run_pyshacl(kg: KnowledgeGraph, shapes: Graph) -> tuple[object, int, Query]:
    data = kg.rdflib_graph(parts=VALIDATED_PARTS)
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, meta_shacl=False
    )
    return report, len(data), _store_query(kg)


def _run_turbo(kg: KnowledgeGraph, shapes: Graph) -> tuple[object, int, Query]:
    try:
        import pyshacl_turbo
    except ImportError:
        raise InputError(
            "the turbo engine needs pyshacl-turbo: pip install 'strategykg[turbo]'"
        ) from None
    # One default graph of the validated parts: kg's store also holds the shapes, which must
    # not be validated as data. The copy keeps blank-node labels, so findings name the same
    # nodes as pySHACL's; it takes 5 s at a million triples, and queries on one default graph
    # run several times faster than on the union of the named graphs.
    data = ox.Store()
    data.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in kg.quads(VALIDATED_PARTS))
    try:
        _conforms, report, _text = pyshacl_turbo.validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True
        )
    except pyshacl_turbo.ReportableRuntimeError as error:
        raise StrategyKGError(f"pyshacl-turbo failed: {str(error).splitlines()[0]}") from None
    return report, len(data), data.query


def validate(
    kg: KnowledgeGraph,
    shapes: Path | None = None,
    engine: str = "pyshacl",
    sparql_once: bool | None = None,
) -> ValidationOutcome:
    """Validate the ontology, themes and data of kg against the SHACL shapes and the source texts.

    engine is "pyshacl" (the reference and the gate) or "turbo" (pyshacl-turbo, for scale).
    sparql_once runs the SPARQL-based constraints once over the whole graph with pyoxigraph
    instead of once per focus node (see strategykg.shacl_sparql); it defaults to on for turbo
    and off for pySHACL, so the gate stays pySHACL exactly as it is.
    """
    runners = {"pyshacl": _run_pyshacl, "turbo": _run_turbo}
    if engine not in runners:
        raise InputError(f"unknown validation engine {engine!r}: choose {' or '.join(ENGINES)}")
    shapes_graph = load_shapes(kg, shapes)
    if len(shapes_graph) == 0:
        raise InputError("no SHACL shapes found (expected ontology/shapes.ttl)")
    once = engine == "turbo" if sparql_once is None else sparql_once
    engine_shapes, moved = split(shapes_graph) if once else (shapes_graph, [])
    report, triples, query = runners[engine](kg, engine_shapes)
    if not isinstance(report, Graph):  # both return a ValidationFailure for broken shapes
        message = str(getattr(report, "message", report)).splitlines()[0]
        raise InputError(f"the SHACL shapes cannot be used: {message}")
    evaluate(moved, query, shapes_graph, report)
    findings = _findings_from_report(report)
    quote_findings = check_quotes(kg, query=query)
    _add_to_report(report, quote_findings)
    return ValidationOutcome(findings=findings + quote_findings, report=report, triples=triples)
