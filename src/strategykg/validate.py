"""Validate a knowledge graph: SHACL shapes with pySHACL, plus every quote checked against its source.

pySHACL is the reference validator and the gate for the shipped data. The data
graph is validated without inference (RDFS inference would hide wrongly typed
nodes); the ontology is part of the data graph so that subclasses are targeted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from strategykg.errors import InputError
from strategykg.load import KnowledgeGraph, read_graph
from strategykg.namespaces import SKG
from strategykg.results import compact

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}

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


def check_quotes(kg: KnowledgeGraph, data: Graph) -> list[Finding]:
    """Every passage's quote must equal its source text at its code-point offsets."""
    texts_by_name = {Path(name).name: text for name, text in kg.texts.items()}
    findings = []
    for row in data.query(_QUOTES):
        file_name = Path(str(row.file)).name if row.file else None
        text = texts_by_name.get(file_name) if file_name else None
        if text is None and len(texts_by_name) == 1:
            text = next(iter(texts_by_name.values()))
        focus = compact(row.passage)
        if text is None:
            message = f"no source text found for {row.document}"
        else:
            start, end = int(row.start), int(row.end)
            if end <= start:
                continue  # PositionSelectorShape reports the inverted range
            found = text[start:end]
            if found == str(row.exact):
                continue
            message = (
                f"quote does not match the source at [{start}, {end}): the text there reads "
                f"{found[:60]!r}"
            )
        findings.append(
            Finding("violation", focus, "oa:exact", str(row.exact)[:60], message, None, None)
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


def validate(kg: KnowledgeGraph, shapes: Path | None = None) -> ValidationOutcome:
    """Validate the ontology, themes and data of kg against the SHACL shapes and the source texts."""
    data = kg.rdflib_graph(parts=("ontology", "themes", "data"))
    shapes_graph = load_shapes(kg, shapes)
    if len(shapes_graph) == 0:
        raise InputError("no SHACL shapes found (expected ontology/shapes.ttl)")
    _conforms, report, _text_report = pyshacl.validate(
        data,
        shacl_graph=shapes_graph,
        inference="none",
        allow_warnings=True,
        meta_shacl=False,
    )
    if not isinstance(report, Graph):  # pySHACL returns a ValidationFailure for broken shapes
        raise InputError(f"the SHACL shapes cannot be used: {str(report.message).splitlines()[0]}")
    findings = _findings_from_report(report)
    quote_findings = check_quotes(kg, data)
    _add_to_report(report, quote_findings)
    return ValidationOutcome(findings=findings + quote_findings, report=report, triples=len(data))
