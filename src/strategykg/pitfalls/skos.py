"""Identity and SKOS: owl:sameAs misuse, SKOS integrity conditions and qSKOS issues."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS
from rdflib.term import Node

from strategykg.pitfalls.catalogue import Hit, check
from strategykg.pitfalls.helpers import (
    CLASS_DECLARATIONS,
    PROPERTY_DECLARATIONS,
    SKOS_LABELS,
    SKOS_MAPPINGS,
    broader_edges,
    cycles,
    declared_as,
    is_local,
)
from strategykg.scope import ReviewScope, language


@check(
    "sameas_misuse",
    "strategykg",
    "error",
    "owl:sameAs between classes, properties or literals",
    "Use owl:equivalentClass or owl:equivalentProperty for terms; owl:sameAs links individuals only.",
)
def sameas_misuse(scope: ReviewScope) -> Iterator[Hit]:
    for subject, obj in scope.graph.subject_objects(OWL.sameAs):
        if isinstance(obj, Literal):
            yield Hit((subject,), f"owl:sameAs a literal {obj.n3()}")
            continue
        for node in (subject, obj):
            if declared_as(scope, node, CLASS_DECLARATIONS + PROPERTY_DECLARATIONS):
                yield Hit((subject, obj), f"{scope.name(node)} is a class or property")
                break


@check(
    "sameas_within_dataset",
    "strategykg",
    "warning",
    "owl:sameAs merges two resources of this dataset",
    "Merge the two resources into one IRI, or link them with a weaker property (skos:closeMatch).",
)
def sameas_within_dataset(scope: ReviewScope) -> Iterator[Hit]:
    targets: dict[Node, set[Node]] = defaultdict(set)
    for subject, obj in scope.graph.subject_objects(OWL.sameAs):
        if subject == obj or not isinstance(obj, URIRef):
            continue
        if is_local(scope, subject) and is_local(scope, obj):
            yield Hit((subject, obj), "both are described here: owl:sameAs merges them")
        elif is_local(scope, subject):
            targets[obj].add(subject)
    for target, subjects in sorted(targets.items()):
        if len(subjects) > 1:
            yield Hit(
                tuple(sorted(subjects, key=str)),
                f"all owl:sameAs {scope.name(target)}, so they are entailed to be one resource",
            )


def _concepts(scope: ReviewScope) -> set[Node]:
    return {
        s
        for cls in scope.concept_classes
        for s in scope.graph.subjects(RDF.type, cls)
        if isinstance(s, URIRef)
    }


@check(
    "skos_hierarchy_cycle",
    "qSKOS",
    "error",
    "Cyclic hierarchical relations",
    "Break the cycle: one of the skos:broader (or skos:narrower) links points the wrong way.",
)
def skos_cycles(scope: ReviewScope) -> Iterator[Hit]:
    for cycle in cycles(broader_edges(scope)):
        path = " → ".join(scope.name(c) for c in [*cycle, cycle[0]])
        yield Hit(tuple(cycle), f"skos:broader cycle: {path}")


@check(
    "S9",
    "SKOS",
    "error",
    "Concept that is also a concept scheme",
    "Make it either a skos:Concept or a skos:ConceptScheme (they are disjoint).",
)
def concept_and_scheme(scope: ReviewScope) -> Iterator[Hit]:
    for node in _concepts(scope):
        if (node, RDF.type, SKOS.ConceptScheme) in scope.graph:
            yield Hit((node,), "typed both skos:Concept and skos:ConceptScheme")


@check(
    "S13",
    "SKOS",
    "error",
    "Same text as preferred and alternative (or hidden) label",
    "Remove the skos:altLabel or skos:hiddenLabel that repeats the skos:prefLabel.",
)
def label_clash(scope: ReviewScope) -> Iterator[Hit]:
    for subject in {s for p in SKOS_LABELS for s in scope.graph.subjects(p, None)}:
        seen: dict[tuple[str, str], URIRef] = {}
        for predicate in SKOS_LABELS:
            for value in scope.graph.objects(subject, predicate):
                if not isinstance(value, Literal):
                    continue
                key = (language(value), str(value))
                if key in seen and seen[key] != predicate:
                    yield Hit(
                        (subject,),
                        f"{str(value)!r} is both {scope.name(seen[key])} and {scope.name(predicate)}",
                    )
                seen.setdefault(key, predicate)


@check(
    "S27",
    "SKOS",
    "error",
    "Related concepts that are also hierarchically related",
    "Remove the skos:related link: the concepts are already linked through skos:broader.",
)
def related_clash(scope: ReviewScope) -> Iterator[Hit]:
    edges = broader_edges(scope)

    def above(node: Node) -> set[Node]:
        found: set[Node] = set()
        stack = [node]
        while stack:
            for parent in edges.get(stack.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    stack.append(parent)
        return found

    for a, b in scope.graph.subject_objects(SKOS.related):
        if b in above(a) or a in above(b):
            yield Hit((a, b), "skos:related, yet one is broader than the other")


@check(
    "S46",
    "SKOS",
    "error",
    "Exact match clashes with a broad or related match",
    "Keep one mapping: an exact match cannot also be broader, narrower or merely related.",
)
def mapping_clash(scope: ReviewScope) -> Iterator[Hit]:
    links: dict[frozenset[Node], set[URIRef]] = defaultdict(set)
    for predicate in (SKOS.exactMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch):
        for a, b in scope.graph.subject_objects(predicate):
            links[frozenset((a, b))].add(predicate)
    for pair, predicates in links.items():
        if SKOS.exactMatch in predicates and len(predicates) > 1:
            others = ", ".join(sorted(scope.name(p) for p in predicates - {SKOS.exactMatch}))
            yield Hit(tuple(sorted(pair, key=str)), f"skos:exactMatch and {others}")


@check(
    "mapping_within_scheme",
    "qSKOS",
    "warning",
    "Mapping relations misuse",
    "Use skos:broader, skos:narrower or skos:related inside one scheme; mappings link schemes.",
)
def mapping_within_scheme(scope: ReviewScope) -> Iterator[Hit]:
    for predicate in SKOS_MAPPINGS:
        for a, b in scope.graph.subject_objects(predicate):
            shared = set(scope.graph.objects(a, SKOS.inScheme)) & set(
                scope.graph.objects(b, SKOS.inScheme)
            )
            if shared:
                scheme = scope.name(sorted(shared, key=str)[0])
                yield Hit((a, b), f"{scope.name(predicate)} inside one scheme ({scheme})")


@check(
    "top_concept_has_broader",
    "qSKOS",
    "warning",
    "Top concept having a broader concept",
    "Either drop skos:topConceptOf or drop the skos:broader link.",
)
def top_concept_has_broader(scope: ReviewScope) -> Iterator[Hit]:
    edges = broader_edges(scope)
    tops = set(scope.graph.subjects(SKOS.topConceptOf, None)) | set(
        scope.graph.objects(None, SKOS.hasTopConcept)
    )
    for top in tops:
        for parent in sorted(edges.get(top, ()), key=str):
            yield Hit((top, parent), f"a top concept with broader {scope.name(parent)}")
