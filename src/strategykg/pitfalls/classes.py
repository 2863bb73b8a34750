"""Classes and their hierarchy: OOPS! P02, P04, P06, P07, P10, P21-P24 and ROBOT's class checks."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from rdflib import BNode, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from strategykg.pitfalls.catalogue import Hit, check
from strategykg.pitfalls.helpers import (
    CLASS_EXPRESSION_LINKS,
    STRUCTURAL,
    cycles,
    deprecated_terms,
)
from strategykg.scope import (
    ANNOTATION_PROPERTY,
    CLASS,
    DATATYPE_PROPERTY,
    OBJECT_PROPERTY,
    PROPERTY_KINDS,
    ReviewScope,
)
from strategykg.vocabularies import local_name


@check(
    "P06",
    "OOPS!",
    "error",
    "Cycle in the class hierarchy",
    "Break the cycle: remove the rdfs:subClassOf that leads back (use owl:equivalentClass if meant).",
)
def class_cycles(scope: ReviewScope) -> Iterator[Hit]:
    edges: dict[Node, set[Node]] = defaultdict(set)
    for child, parent in scope.model.subject_objects(RDFS.subClassOf):
        if isinstance(child, URIRef) and isinstance(parent, URIRef):
            edges[child].add(parent)
    for cycle in cycles(edges):
        path = " ⊑ ".join(scope.name(c) for c in [*cycle, cycle[0]])
        yield Hit(tuple(cycle), f"rdfs:subClassOf cycle: {path}")


@check(
    "P02",
    "OOPS!",
    "warning",
    "Synonyms as equivalent classes",
    "Keep one class and record the other name as a skos:altLabel.",
    also=("ROBOT equivalent_pair",),
)
def synonym_classes(scope: ReviewScope) -> Iterator[Hit]:
    seen: set[frozenset[Node]] = set()
    for a, b in scope.model.subject_objects(OWL.equivalentClass):
        if scope.kind(a) == CLASS and scope.kind(b) == CLASS and a != b:
            pair = frozenset((a, b))
            if pair not in seen:
                seen.add(pair)
                yield Hit(tuple(sorted(pair, key=str)), "two named classes declared equivalent")


@check(
    "multiple_equivalent_class_definitions",
    "ROBOT",
    "error",
    "Class with several logical definitions",
    "Merge the owl:equivalentClass expressions into one owl:intersectionOf.",
)
def multiple_equivalent_definitions(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(CLASS):
        anonymous = [
            e for e in scope.model.objects(term, OWL.equivalentClass) if isinstance(e, BNode)
        ]
        if len(anonymous) > 1:
            yield Hit((term,), f"{len(anonymous)} anonymous owl:equivalentClass expressions")


def _mentions(scope: ReviewScope, expression: Node, target: Node, seen: set[Node]) -> bool:
    if expression == target:
        return True
    if not isinstance(expression, BNode) or expression in seen:
        return False
    seen.add(expression)
    for predicate in CLASS_EXPRESSION_LINKS:
        for value in scope.model.objects(expression, predicate):
            if _mentions(scope, value, target, seen):
                return True
    return False


@check(
    "P24",
    "OOPS!",
    "error",
    "Recursive definition",
    "Define the class through other classes; a class cannot be part of its own definition.",
)
def recursive_definition(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(CLASS):
        for expression in scope.model.objects(term, OWL.equivalentClass):
            if isinstance(expression, BNode) and _mentions(scope, expression, term, set()):
                yield Hit((term,), "its owl:equivalentClass expression refers to itself")


@check(
    "missing_superclass",
    "ROBOT",
    "info",
    "Class without a superclass",
    "Place the class under a superclass (its own, or one from a reused vocabulary).",
)
def missing_superclass(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(CLASS):
        parents = [
            p
            for p in scope.model.objects(term, RDFS.subClassOf)
            if isinstance(p, URIRef) and p != OWL.Thing
        ]
        if not parents and not any(scope.model.objects(term, OWL.equivalentClass)):
            yield Hit((term,), "no named superclass")


@check(
    "P10",
    "OOPS!",
    "info",
    "Missing disjointness",
    "Declare owl:disjointWith between sibling classes that share no instances.",
)
def missing_disjointness(scope: ReviewScope) -> Iterator[Hit]:
    classes = scope.of_kind(CLASS)
    disjointness = (OWL.disjointWith, OWL.disjointUnionOf)
    declared = any(any(scope.model.subject_objects(p)) for p in disjointness) or any(
        scope.model.subjects(RDF.type, OWL.AllDisjointClasses)
    )
    if len(classes) > 1 and not declared:
        yield Hit((), f"{len(classes)} classes and no disjointness axiom")


_CONJUNCTION = re.compile(r"\b(and|or|et|ou)\b", re.IGNORECASE)
_CAMEL_CONJUNCTION = re.compile(r"[a-z](And|Or)[A-Z]")


@check(
    "P07",
    "OOPS!",
    "info",
    "Merging different concepts in the same class",
    "If the class joins two notions ('A and B'), make two classes, perhaps under a common one.",
)
def merged_concepts(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(CLASS):
        label = scope.label(term, "en") or ""
        if _CONJUNCTION.search(label) or _CAMEL_CONJUNCTION.search(local_name(str(term))):
            yield Hit((term,), f"its name joins two notions ({label or local_name(str(term))!r})")


_MISCELLANEOUS = re.compile(r"^(other|misc|miscellaneous|various|autres?|divers)\b", re.IGNORECASE)


@check(
    "P21",
    "OOPS!",
    "info",
    "Miscellaneous class",
    "Replace the catch-all class by the specific classes it stands for.",
)
def miscellaneous_class(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(CLASS):
        names = [local_name(str(term)), scope.label(term, "en") or ""]
        if any(_MISCELLANEOUS.search(n) for n in names):
            yield Hit((term,), "a catch-all class ('Other…', 'Misc…')")


_DATATYPE_NAMES = {
    n.lower()
    for n in [
        "string",
        "normalizedString",
        "integer",
        "int",
        "long",
        "short",
        "decimal",
        "float",
        "double",
        "boolean",
        "date",
        "dateTime",
        "time",
        "duration",
        "anyURI",
        "gYear",
        "gYearMonth",
        "hexBinary",
        "base64Binary",
    ]
}


@check(
    "P23",
    "OOPS!",
    "warning",
    "Class duplicating a datatype",
    "Use the XSD datatype as the range of a datatype property instead of a class.",
)
def datatype_as_class(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(CLASS):
        if local_name(str(term)).lower() in _DATATYPE_NAMES:
            yield Hit((term,), f"named like the datatype xsd:{local_name(str(term))}")


_UPPER_CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_LOWER_CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")


@check(
    "P22",
    "OOPS!",
    "info",
    "Inconsistent naming conventions",
    "Name classes in UpperCamelCase and properties in lowerCamelCase.",
)
def naming_conventions(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(CLASS):
        if not _UPPER_CAMEL.match(local_name(str(term))):
            yield Hit((term,), "class name is not UpperCamelCase")
    for term in scope.of_kind(*PROPERTY_KINDS):
        if not _LOWER_CAMEL.match(local_name(str(term))):
            yield Hit((term,), "property name is not lowerCamelCase")


def _connected(scope: ReviewScope, term: Node) -> bool:
    if any(p in STRUCTURAL for p in scope.model.predicates(term, None)):
        return True
    return any(p in STRUCTURAL for _s, p in scope.model.subject_predicates(term))


@check(
    "P04",
    "OOPS!",
    "warning",
    "Unconnected ontology element",
    "Relate it to the rest of the model (superclass, domain, range, super-property) or remove it.",
)
def unconnected(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(CLASS, OBJECT_PROPERTY, DATATYPE_PROPERTY):
        if not _connected(scope, term):
            yield Hit((term,), f"{scope.kind(term)} with no axiom linking it to other terms")


@check(
    "unused_term",
    "strategykg",
    "info",
    "Term defined but never used",
    "Use it in the data, or remove it if no statement needs it.",
)
def unused_term(scope: ReviewScope) -> Iterator[Hit]:
    typed = set(scope.graph.objects(None, RDF.type))
    retired = deprecated_terms(scope)  # a deprecated term is meant to fall out of use
    for term in scope.of_kind(CLASS):
        if term in retired:
            continue
        if not (scope.subclasses(term) & typed):
            yield Hit((term,), "class with no instances")
    predicates = set(scope.graph.predicates())
    for term in scope.of_kind(OBJECT_PROPERTY, DATATYPE_PROPERTY, ANNOTATION_PROPERTY):
        if term in retired:
            continue
        subs = {term, *scope.model.transitive_subjects(RDFS.subPropertyOf, term)}
        if not (subs & predicates):
            yield Hit((term,), "property never used in a statement")
