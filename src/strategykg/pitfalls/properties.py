"""Properties: OOPS! P03, P11, P13, P19, P25, P26 and P33."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from strategykg.pitfalls.catalogue import Hit, check
from strategykg.pitfalls.helpers import (
    list_items,
)
from strategykg.scope import (
    DATATYPE_PROPERTY,
    OBJECT_PROPERTY,
    PROPERTY_KINDS,
    ReviewScope,
)
from strategykg.vocabularies import local_name


def _inherited(scope: ReviewScope, prop: Node, predicate: URIRef) -> list[Node]:
    for ancestor in [prop, *scope.model.transitive_objects(prop, RDFS.subPropertyOf)]:
        values = list(scope.model.objects(ancestor, predicate))
        if values:
            return values
    return []


@check(
    "P11",
    "OOPS!",
    "warning",
    "Missing domain or range",
    "Add rdfs:domain and rdfs:range (an owl:unionOf when several classes are meant).",
)
def missing_domain_range(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(OBJECT_PROPERTY, DATATYPE_PROPERTY):
        missing = [
            name
            for name, predicate in (("rdfs:domain", RDFS.domain), ("rdfs:range", RDFS.range))
            if not _inherited(scope, term, predicate)
        ]
        if missing:
            yield Hit((term,), "no " + " and no ".join(missing) + " (own or inherited)")


@check(
    "P19",
    "OOPS!",
    "error",
    "Multiple domains or ranges",
    "Keep one rdfs:domain and one rdfs:range; several are read as their intersection.",
)
def multiple_domain_range(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(*PROPERTY_KINDS):
        for predicate in (RDFS.domain, RDFS.range):
            values = sorted(scope.model.objects(term, predicate), key=str)
            if len(values) > 1:
                shown = ", ".join(scope.name(v) for v in values)
                yield Hit((term,), f"{len(values)} {scope.name(predicate)}: {shown}")


def _has_inverse(scope: ReviewScope, prop: Node) -> bool:
    return any(scope.model.objects(prop, OWL.inverseOf)) or any(
        scope.model.subjects(OWL.inverseOf, prop)
    )


@check(
    "P13",
    "OOPS!",
    "info",
    "Inverse relationship not declared",
    "Declare owl:inverseOf between the two properties (warning), or add an inverse if readers need one.",
)
def inverse_not_declared(scope: ReviewScope) -> Iterator[Hit]:
    properties = [
        p
        for p in scope.of_kind(OBJECT_PROPERTY)
        if (p, RDF.type, OWL.SymmetricProperty) not in scope.model and not _has_inverse(scope, p)
    ]
    signature = {
        p: (
            frozenset(scope.model.objects(p, RDFS.domain)),
            frozenset(scope.model.objects(p, RDFS.range)),
        )
        for p in properties
    }
    paired: set[Node] = set()
    for p in properties:
        domain, range_ = signature[p]
        if not domain or not range_ or domain == range_:
            continue  # no candidate can be told apart from a merely similar property
        for q in properties:
            if q != p and q not in paired and signature[q] == (range_, domain):
                paired.update((p, q))
                yield Hit(
                    (p, q),
                    "domain and range are swapped: they look like inverses",
                    level="warning",
                )
    for p in properties:
        if p not in paired:
            yield Hit((p,), "object property with no owl:inverseOf")


@check(
    "P25",
    "OOPS!",
    "warning",
    "Relationship inverse to itself",
    "Declare the property owl:SymmetricProperty instead of its own inverse.",
)
def self_inverse(scope: ReviewScope) -> Iterator[Hit]:
    for prop, other in scope.model.subject_objects(OWL.inverseOf):
        if prop == other:
            yield Hit((prop,), "owl:inverseOf itself")


@check(
    "P26",
    "OOPS!",
    "warning",
    "Inverse declared for a symmetric property",
    "Drop the owl:inverseOf: a symmetric property is its own inverse.",
)
def symmetric_with_inverse(scope: ReviewScope) -> Iterator[Hit]:
    for prop in scope.model.subjects(RDF.type, OWL.SymmetricProperty):
        others = {o for o in scope.model.objects(prop, OWL.inverseOf) if o != prop}
        others |= {s for s in scope.model.subjects(OWL.inverseOf, prop) if s != prop}
        for other in sorted(others, key=str):
            yield Hit((prop, other), "symmetric, yet declared the inverse of another property")


@check(
    "P33",
    "OOPS!",
    "error",
    "Property chain with one property",
    "A chain needs at least two properties; use rdfs:subPropertyOf for one.",
)
def short_chain(scope: ReviewScope) -> Iterator[Hit]:
    for prop, head in scope.model.subject_objects(OWL.propertyChainAxiom):
        items = list_items(scope, head)
        if len(items) < 2:
            yield Hit((prop,), f"owl:propertyChainAxiom of {len(items)} property")


_IS_NAMES = {"is", "isa", "is_a", "is-a", "iskindof", "istypeof"}


@check(
    "P03",
    "OOPS!",
    "warning",
    "Relationship called 'is'",
    "Use rdfs:subClassOf, rdf:type or owl:sameAs for what an 'is' property tries to say.",
)
def is_relationship(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.of_kind(*PROPERTY_KINDS):
        names = {local_name(str(term)).lower(), (scope.label(term, "en") or "").lower().strip()}
        if names & (_IS_NAMES | {"is a", "is kind of", "is type of"}):
            yield Hit((term,), "a property named 'is'")
