"""Coverage: how much of the model is labelled, defined, shaped, quoted and linked.

Four shares a reviewer reads before accepting a change: labels and definitions
per language (English and French are required), the classes a SHACL shape
targets, the statements whose quote matches the source text at its offsets,
and the outbound links (Wikidata, the UN SDG KOS, GeoNames) per resource type.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from strategykg.namespaces import DEFAULT_BASE, SKG
from strategykg.pitfalls import REQUIRED_LANGUAGES, SKOS_MAPPINGS
from strategykg.results import compact
from strategykg.scope import (
    CLASS,
    CONCEPT,
    DEFINITIONS,
    LABELS,
    PROPERTY_KINDS,
    SCHEME,
    ReviewScope,
    language,
)
from strategykg.validate import check_quotes


@dataclass
class TermCoverage:
    """Labels and definitions of one kind of term, per language."""

    kind: str
    total: int
    labelled: dict[str, int]
    defined: dict[str, int]
    missing: dict[str, list[str]] = field(default_factory=dict)  # "label@fr" -> terms

    def share(self, counts: dict[str, int], lang: str) -> float | None:
        return counts.get(lang, 0) / self.total if self.total else None


@dataclass
class ShapeCoverage:
    total: int
    direct: list[str]
    inherited: dict[str, str]  # class -> the targeted superclass that covers it
    uncovered: list[str]

    @property
    def share(self) -> float | None:
        return (len(self.direct) + len(self.inherited)) / self.total if self.total else None


@dataclass
class QuoteCoverage:
    counts: dict[str, tuple[int, int]]  # kind -> (statements, quotes matching the source)
    mismatched: list[str]

    @property
    def share(self) -> float | None:
        total = sum(t for t, _m in self.counts.values())
        return sum(m for _t, m in self.counts.values()) / total if total else None


TARGETS = {"Wikidata": "http://www.wikidata.org/entity/", "UN SDG": "http://metadata.un.org/sdg/"}
TARGETS["GeoNames"] = "http://sws.geonames.org/"


@dataclass
class LinkRow:
    type: str
    total: int
    linked: dict[str, int]  # target name (and "any") -> resources with such a link


@dataclass
class Coverage:
    languages: tuple[str, ...]
    terms: list[TermCoverage]
    shapes: ShapeCoverage | None
    quotes: QuoteCoverage | None
    links: list[LinkRow]


def _term_coverage(scope: ReviewScope, kind: str, terms: list[URIRef], langs) -> TermCoverage:
    labelled: Counter[str] = Counter()
    defined: Counter[str] = Counter()
    missing: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        label_langs = {language(v) for _p, v in scope.literals(term, LABELS, scope.model)}
        definition_langs = {language(v) for _p, v in scope.literals(term, DEFINITIONS, scope.model)}
        labelled.update(label_langs)
        defined.update(definition_langs)
        for lang in langs:
            if lang not in label_langs:
                missing[f"label@{lang}"].append(str(term))
            if lang not in definition_langs:
                missing[f"definition@{lang}"].append(str(term))
    return TermCoverage(kind, len(terms), dict(labelled), dict(defined), dict(missing))


def term_coverage(scope: ReviewScope) -> tuple[tuple[str, ...], list[TermCoverage]]:
    groups = {
        "classes": scope.of_kind(CLASS),
        "properties": scope.of_kind(*PROPERTY_KINDS),
        "concepts": scope.of_kind(CONCEPT, SCHEME),
    }
    found = {
        language(v)
        for terms in groups.values()
        for term in terms
        for _p, v in scope.literals(term, (*LABELS, *DEFINITIONS), scope.model)
    }
    langs = (*REQUIRED_LANGUAGES, *sorted(found - set(REQUIRED_LANGUAGES) - {""}))
    if "" in found:
        langs = (*langs, "")  # untagged text: shown so that it is not mistaken for English
    return langs, [_term_coverage(scope, kind, terms, langs) for kind, terms in groups.items()]


def shape_coverage(scope: ReviewScope) -> ShapeCoverage | None:
    """Own classes whose instances some SHACL shape targets, directly or through a superclass."""
    if not len(scope.shapes):
        return None
    targeted = set(scope.shapes.objects(None, SH.targetClass))
    # A shape that is also a class targets its own instances (SHACL implicit class target).
    targeted |= {
        s
        for s in scope.shapes.subjects(RDF.type, SH.NodeShape)
        if (s, RDF.type, RDFS.Class) in scope.shapes or (s, RDF.type, OWL.Class) in scope.shapes
    }
    direct, inherited, uncovered = [], {}, []
    for cls in scope.of_kind(CLASS):
        if cls in targeted:
            direct.append(str(cls))
            continue
        cover = next((p for p in scope.superclasses(cls) if p in targeted), None)
        if cover is not None:
            inherited[str(cls)] = str(cover)
        else:
            uncovered.append(str(cls))
    return ShapeCoverage(
        len(direct) + len(inherited) + len(uncovered), direct, inherited, uncovered
    )


STATEMENT_KINDS = {"objectives": SKG.Objective, "engagements": SKG.Engagement}
STATEMENT_KINDS["results"] = SKG.Result


def quote_coverage(scope: ReviewScope) -> QuoteCoverage | None:
    """Objectives, engagements and results whose passage quotes the source exactly at its offsets."""
    if not scope.kg.texts or not any(scope.graph.subjects(RDF.type, SKG.Passage)):
        return None
    failing = {f.focus for f in check_quotes(scope.kg, scope.graph)}
    oa_exact = URIRef("http://www.w3.org/ns/oa#exact")
    selector = URIRef("http://www.w3.org/ns/oa#hasSelector")
    counts: dict[str, tuple[int, int]] = {}
    mismatched: list[str] = []
    for name, cls in STATEMENT_KINDS.items():
        statements = {s for c in scope.subclasses(cls) for s in scope.graph.subjects(RDF.type, c)}
        matched = 0
        for statement in sorted(statements, key=str):
            passages = list(scope.graph.objects(statement, SKG.statedIn))
            quoted = passages and all(
                any(scope.graph.objects(sel, oa_exact) for sel in scope.graph.objects(p, selector))
                and compact(p) not in failing
                for p in passages
            )
            if quoted:
                matched += 1
            else:
                mismatched.append(str(statement))
        counts[name] = (len(statements), matched)
    return QuoteCoverage(counts, mismatched)


def link_coverage(scope: ReviewScope) -> list[LinkRow]:
    """Per resource type of the data and the themes: how many resources link out, and where to."""
    link_predicates = (OWL.sameAs, *SKOS_MAPPINGS)
    by_type: dict[str, set[URIRef]] = defaultdict(set)
    for subject, kind in scope.graph.subject_objects(RDF.type):
        # Data individuals and themes are counted; the model's own terms are not resources.
        own_class = isinstance(subject, URIRef) and scope.kind(kind) == CLASS
        if own_class and scope.kind(subject) in (None, CONCEPT):
            by_type[str(kind)].add(subject)
    rows = []
    for kind, resources in sorted(by_type.items()):
        linked: Counter[str] = Counter()
        for resource in resources:
            targets = {
                str(o)
                for p in link_predicates
                for o in scope.graph.objects(resource, p)
                if isinstance(o, URIRef) and not str(o).startswith(DEFAULT_BASE)
            }
            for name, prefix in TARGETS.items():
                if any(t.startswith(prefix) for t in targets):
                    linked[name] += 1
            if targets:
                linked["any"] += 1
        rows.append(LinkRow(kind, len(resources), dict(linked)))
    return rows


def coverage(scope: ReviewScope) -> Coverage:
    langs, terms = term_coverage(scope)
    return Coverage(
        languages=langs,
        terms=terms,
        shapes=shape_coverage(scope),
        quotes=quote_coverage(scope),
        links=link_coverage(scope),
    )
