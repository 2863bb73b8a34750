"""Declared terms and namespaces: OOPS! P34, P35 and P40 (namespace hijacking, checked offline)."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import URIRef
from rdflib.term import Node

from strategykg.namespaces import DEFAULT_BASE
from strategykg.pitfalls.catalogue import Hit, check
from strategykg.pitfalls.helpers import (
    CLASS_DECLARATIONS,
    PROPERTY_DECLARATIONS,
    declared_as,
    used_as_class,
    used_as_property,
)
from strategykg.scope import ReviewScope
from strategykg.vocabularies import vocabulary_of


def _foreign(scope: ReviewScope, iri: Node) -> str | None:
    """Warning, not error, for a term of another vocabulary that we hold no term list for:
    it may well exist there; it is only undeclared here. A term of our own is a typo."""
    own = scope.in_own_namespace(str(iri)) or str(iri).startswith(DEFAULT_BASE)
    return None if own else "warning"


@check(
    "P34",
    "OOPS!",
    "error",
    "Untyped class",
    "Declare it (a owl:Class) in the ontology, fix the misspelt IRI, or import its vocabulary.",
)
def untyped_class(scope: ReviewScope) -> Iterator[Hit]:
    for iri, how in sorted(used_as_class(scope).items()):
        if vocabulary_of(str(iri)) is not None:
            continue  # P40 checks terms of known vocabularies
        if not declared_as(scope, iri, CLASS_DECLARATIONS):
            yield Hit((iri,), f"used as a class ({how}) but never declared", _foreign(scope, iri))


@check(
    "P35",
    "OOPS!",
    "error",
    "Untyped property",
    "Declare it (owl:ObjectProperty, owl:DatatypeProperty or owl:AnnotationProperty) or fix the IRI.",
)
def untyped_property(scope: ReviewScope) -> Iterator[Hit]:
    for iri, how in sorted(used_as_property(scope).items()):
        if vocabulary_of(str(iri)) is not None:
            continue
        if not declared_as(scope, iri, PROPERTY_DECLARATIONS):
            yield Hit(
                (iri,), f"used as a property ({how}) but never declared", _foreign(scope, iri)
            )


@check(
    "P40",
    "OOPS!",
    "error",
    "Namespace hijacking",
    "Use a term that the vocabulary defines (check the spelling), or mint the term in your namespace.",
)
def namespace_hijacking(scope: ReviewScope) -> Iterator[Hit]:
    seen: set[Node] = set()
    for triple in scope.graph:
        for node in triple:
            if isinstance(node, URIRef) and node not in seen:
                seen.add(node)
                vocabulary = vocabulary_of(str(node))
                if vocabulary is not None and not vocabulary.defines(str(node)):
                    yield Hit((node,), f"{vocabulary.namespace} defines no term of this name")
