"""SHACL-SPARQL constraints evaluated once over the whole graph instead of once per focus node.

pySHACL (and pyshacl-turbo) run a SPARQL-based constraint once per focus node, with $this
pre-bound: at a million triples that is tens of thousands of queries per constraint, and it is
where nearly all of the validation time goes. For a node shape, the same answers come from one
query in which $this ranges over the shape's focus nodes: its targets are joined in the same
group as the constraint's own patterns and filters, so every FILTER sees $this bound exactly as
pre-binding would. pyoxigraph answers that query in seconds.

One more step makes it fast: pyoxigraph 0.5 plans a pattern inside FILTER [NOT] EXISTS badly
(20 ms for each focus node of ResultShape at 100 thousand triples, growing with the graph,
where the same pattern alone takes 0.1 ms). An EXISTS block that shares no variable but $this
with the rest of the query is therefore evaluated once, as an OPTIONAL subquery that marks the
focus nodes it matches, and EXISTS becomes BOUND of that mark: the standard decorrelation.

Nothing is weakened: each constraint is still evaluated, on the same focus nodes, and its
results are written as pySHACL writes them (focus node, value, path, message with its
{$var} substituted, source shape and constraint). A constraint is moved out of the engine only
when that equivalence is plain: a node shape with declared targets that no other shape refers
to, a SELECT with no subquery, aggregate, MINUS, SERVICE or $PATH. The rest stay with the
engine. tests/test_synthetic.py checks that both ways give the same report on every fixture
and on synthetic data with injected defects.

The query runs on pyoxigraph, which follows the SPARQL spec where rdflib does not (its
comparisons between mixed types are true, REFERENCE.md Part 3): a constraint that compared
such values would report fewer results here than under pySHACL. None of the shapes does; the
parity tests would show it if one did.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from strategykg.load import to_rdflib

# What a query must not contain for the join to equal pre-binding (checked case-insensitively).
_UNSAFE = re.compile(
    r"\$(PATH|currentShape|shapesGraph)\b|[?$]failure\b|\b(MINUS|SERVICE|GROUP\s+BY|HAVING|"
    r"LIMIT|OFFSET|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\b|\bAS\s+[?$]this\b",
    re.IGNORECASE,
)
# The projection must name $this (as pySHACL reads the focus node from each row).
_PROJECTS_THIS = re.compile(r"\bSELECT\b[^{*]*?[?$]this\b[^{*]*\{", re.IGNORECASE | re.DOTALL)
_CLASS_TYPES = (RDFS.Class, URIRef("http://www.w3.org/2002/07/owl#Class"))


@dataclass(frozen=True)
class SparqlConstraint:
    """One sh:sparql constraint of a node shape, ready to run as a single query."""

    shape: Node
    node: Node  # the constraint node, cited as sh:sourceConstraint
    query: str
    messages: tuple[Literal, ...]
    shape_messages: tuple[Literal, ...]
    severity: URIRef


def _prefixes(shapes: Graph, constraint: Node) -> str:
    """PREFIX lines from the sh:declare of every ontology named by sh:prefixes."""
    lines = []
    for ontology in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(ontology, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _target_pattern(shapes: Graph, shape: Node) -> str | None:
    """The shape's focus nodes as a SPARQL group binding ?this, or None if it has no targets
    (or a SHACL-AF sh:target, which stays with the engine)."""
    if (shape, SH.target, None) in shapes:
        return None
    branches = []
    classes = list(shapes.objects(shape, SH.targetClass))
    if any((shape, RDF.type, kind) in shapes for kind in _CLASS_TYPES):
        classes.append(shape)  # an implicit class target
    for cls in classes:
        branches.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {cls.n3()} .")
    for node in shapes.objects(shape, SH.targetNode):
        branches.append(f"VALUES ?this {{ {node.n3()} }}")
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        branches.append(f"?this {predicate.n3()} ?skg_any .")
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        branches.append(f"?skg_any {predicate.n3()} ?this .")
    if not branches:
        return None
    union = " UNION ".join("{ " + branch + " }" for branch in branches)
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _referenced(shapes: Graph) -> set[Node]:
    """Shapes that other shapes use (sh:node, sh:qualifiedValueShape, sh:and, ...)."""
    used: set[Node] = set()
    for predicate in (SH.node, SH.qualifiedValueShape, SH["not"], SH.property):
        used.update(shapes.objects(None, predicate))
    for predicate in (SH["and"], SH["or"], SH.xone):
        for head in shapes.objects(None, predicate):
            used.update(Collection(shapes, head))
    return used


def _closing(text: str, opening: int) -> int:
    """The index of the brace that closes the one at text[opening] (strings and IRIs skipped)."""
    depth, index = 0, opening
    while index < len(text):
        char = text[index]
        if char in "\"'":
            index = text.index(char, index + 1)  # our shapes escape no quotes inside strings
        elif char == "#":
            index = text.find("\n", index)  # a comment, to the end of its line
            if index < 0:
                break
        elif char == "<" and re.match(r"<[^\s<>]*>", text[index:]):
            index = text.index(">", index)
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    raise ValueError("unbalanced braces")


_EXISTS = re.compile(r"(NOT\s+)?EXISTS\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


def _decorrelate(body: str) -> tuple[str, list[str]]:
    """Turn the EXISTS blocks that only share ?this with the body into marks (see above).

    Returns the new body and the OPTIONAL subqueries that set the marks. A body with other
    nested groups is left as it is, since the scope of its variables is then less plain.
    """
    blocks = []  # (start, end, negated, pattern)
    index = 0
    while (match := _EXISTS.search(body, index)) is not None:
        end = _closing(body, match.end() - 1)
        blocks.append((match.start(), end + 1, bool(match.group(1)), body[match.end() : end]))
        index = end + 1
    outside = "".join(
        body[start:end]
        for start, end in zip(
            [0] + [b[1] for b in blocks], [b[0] for b in blocks] + [len(body)], strict=True
        )
    )
    if not blocks or "{" in outside:
        return body, []
    outer_variables = set(_VARIABLE.findall(outside))
    pieces, marks, last = [], [], 0
    for number, (start, end, negated, pattern) in enumerate(blocks, start=1):
        if set(_VARIABLE.findall(pattern)) & outer_variables - {"this"}:
            continue  # correlated on another variable: left as EXISTS
        mark = f"?skg_exists{number}"
        pieces += [body[last:start], f"({'!' if negated else ''}BOUND({mark}))"]
        marks.append(f"OPTIONAL {{ SELECT DISTINCT ?this (true AS {mark}) WHERE {{{pattern}}} }}")
        last = end
    return "".join(pieces) + body[last:], marks


def _is_true(value: Node | None) -> bool:
    return isinstance(value, Literal) and value.value is True


def _whole_graph_query(select: str, targets: str, prefixes: str) -> str:
    """The constraint's SELECT with the focus nodes joined into its WHERE group."""
    text = select.replace("$this", "?this")
    opening = text.index("{")  # the WHERE group: targets join its patterns and filters
    closing = _closing(text, opening)
    body, marks = _decorrelate(text[opening + 1 : closing])
    return "\n".join([prefixes, text[: opening + 1], targets, *marks, body, text[closing:]])


def split(shapes: Graph) -> tuple[Graph, list[SparqlConstraint]]:
    """The shapes without the constraints that can run once, and those constraints."""
    rest = Graph()
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace)
    for triple in shapes:
        rest.add(triple)
    moved = []
    referenced = _referenced(shapes)
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        select = str(shapes.value(constraint, SH.select) or "")
        targets = _target_pattern(shapes, shape)
        messages = {*shapes.objects(constraint, SH.message), *shapes.objects(shape, SH.message)}
        if (
            targets is None
            or not messages  # pySHACL would write a generic message: leave that to it
            or shape in referenced
            or shapes.value(shape, SH.path) is not None
            or _UNSAFE.search(select)
            or len(re.findall(r"\bSELECT\b", select, re.IGNORECASE)) != 1
            or not _PROJECTS_THIS.search(select)
        ):
            continue  # the engine keeps it
        try:
            query = _whole_graph_query(select, targets, _prefixes(shapes, constraint))
        except ValueError:
            continue  # braces or quotes this reader does not follow: the engine keeps it
        rest.remove((shape, SH.sparql, constraint))
        if _is_true(shapes.value(constraint, SH.deactivated)) or _is_true(
            shapes.value(shape, SH.deactivated)
        ):
            continue
        moved.append(
            SparqlConstraint(
                shape=shape,
                node=constraint,
                query=query,
                messages=tuple(m for m in shapes.objects(constraint, SH.message)),
                shape_messages=tuple(m for m in shapes.objects(shape, SH.message)),
                severity=shapes.value(shape, SH.severity) or SH.Violation,
            )
        )
    return rest, moved


def _format(message: str, bound: dict[str, Node]) -> str:
    """pySHACL's substitution of {$var} and {?var} in a message (str() of each term)."""
    for name, value in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(value), message)
    return message


Query = Callable[[str], ox.QuerySolutions]


def evaluate(
    constraints: Iterable[SparqlConstraint], query: Query, shapes: Graph, report: Graph
) -> int:
    """Run each constraint once and add its results to the report; returns how many."""
    report_node = next(report.subjects(RDF.type, SH.ValidationReport), None)
    added = 0
    for constraint in constraints:
        solutions = query(constraint.query)
        names = [v.value for v in solutions.variables]
        seen: set[tuple[tuple[str, Node], ...]] = set()
        for solution in solutions:
            bound = {n: to_rdflib(solution[n]) for n in names if solution[n] is not None}
            key = tuple(sorted(bound.items()))
            if key in seen:
                continue  # pySHACL keeps one result per distinct row of a focus node
            seen.add(key)
            if "failure" not in bound and not {"this", "path", "value"} & set(bound):
                continue  # pySHACL ignores such a row
            _add_result(report, report_node, constraint, bound, shapes)
            added += 1
    if (
        added
        and report_node is not None
        and any(
            report.value(r, SH.resultSeverity) == SH.Violation
            for r in report.subjects(RDF.type, SH.ValidationResult)
        )
    ):
        report.set((report_node, SH.conforms, Literal(False)))
    return added


def _add_result(
    report: Graph,
    report_node: Node | None,
    constraint: SparqlConstraint,
    bound: dict[str, Node],
    shapes: Graph,
) -> None:
    focus = bound["this"]
    node = BNode()
    report.add((node, RDF.type, SH.ValidationResult))
    report.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    report.add((node, SH.sourceShape, constraint.shape))
    report.add((node, SH.resultSeverity, constraint.severity))
    report.add((node, SH.focusNode, focus))
    report.add((node, SH.value, bound.get("value", focus)))
    if "path" in bound:
        report.add((node, SH.resultPath, bound["path"]))
    report.add((node, SH.sourceConstraint, constraint.node))
    for predicate, obj in shapes.predicate_objects(constraint.node):
        report.add((constraint.node, predicate, obj))
    # As pySHACL: the row's other variables, then this, path and value (value defaults to focus).
    values = {k: v for k, v in bound.items() if k not in ("this", "path", "value")}
    values["this"] = focus
    if "path" in bound:
        values["path"] = bound["path"]
    values["value"] = bound.get("value", focus)
    for message in (*constraint.messages, *constraint.shape_messages):
        report.add((node, SH.resultMessage, Literal(_format(str(message), values))))
    if report_node is not None:
        report.add((report_node, SH.result, node))
