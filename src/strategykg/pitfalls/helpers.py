"""Vocabulary and graph helpers that several checks share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from rdflib import Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from strategykg.namespaces import DEFAULT_BASE
from strategykg.scope import LABELS, ReviewScope
from strategykg.vocabularies import vocabulary_of

DC = "http://purl.org/dc/elements/1.1/"
SCHEMA = "https://schema.org/"
IAO_DEFINITION = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
SKOS_LABELS = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
SKOS_MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)
SKOS_MAPPINGS += (SKOS.relatedMatch,)
REQUIRED_LANGUAGES = ("en", "fr")
# Literal-valued annotations whose whitespace matters (oa:exact is a quote, not an annotation).
TEXT_ANNOTATIONS = (
    RDFS.comment,
    SKOS.definition,
    SKOS.scopeNote,
    SKOS.note,
    SKOS.editorialNote,
    SKOS.historyNote,
    SKOS.changeNote,
    SKOS.example,
    DCTERMS.title,
    DCTERMS.description,
    IAO_DEFINITION,
)
# Predicates that tie a term into the model's logic (as opposed to annotating it).
STRUCTURAL = frozenset(
    {
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.disjointWith,
        OWL.inverseOf,
        OWL.propertyDisjointWith,
        OWL.onProperty,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
        OWL.onClass,
        OWL.complementOf,
        OWL.disjointUnionOf,
        OWL.propertyChainAxiom,
        OWL.hasKey,
        RDF.first,
    }
)
CLASS_EXPRESSION_LINKS = (
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.onClass,
    OWL.complementOf,
    OWL.unionOf,
    OWL.intersectionOf,
    OWL.equivalentClass,
    RDF.first,
    RDF.rest,
)


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def texts(scope: ReviewScope, term: Node, predicates: Iterable[URIRef]) -> list[Literal]:
    return [v for _p, v in scope.literals(term, predicates, scope.model)]


def labelled_subjects(scope: ReviewScope) -> Iterator[URIRef]:
    seen = set()
    for predicate in LABELS:
        for subject in scope.graph.subjects(predicate, None):
            if isinstance(subject, URIRef) and subject not in seen:
                seen.add(subject)
                yield subject


def list_items(scope: ReviewScope, node: Node) -> list[Node]:
    try:
        return list(Collection(scope.graph, node))
    except Exception:  # a malformed RDF list: treat as empty, P33/P34 will not chase it
        return []


def cycles(edges: dict[Node, set[Node]]) -> list[list[Node]]:
    """Strongly connected components with a cycle (Tarjan), each sorted: one per cycle."""
    index: dict[Node, int] = {}
    low: dict[Node, int] = {}
    stack: list[Node] = []
    on_stack: set[Node] = set()
    found: list[list[Node]] = []
    counter = [0]

    def visit(node: Node) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges.get(node, ()):
                found.append(sorted(component, key=str))

    for node in sorted(edges, key=str):
        if node not in index:
            visit(node)
    return found


def broader_edges(scope: ReviewScope) -> dict[Node, set[Node]]:
    """Concept -> broader concepts, from skos:broader and the inverse of skos:narrower."""
    edges: dict[Node, set[Node]] = defaultdict(set)
    for narrow, broad in scope.graph.subject_objects(SKOS.broader):
        edges[narrow].add(broad)
    for broad, narrow in scope.graph.subject_objects(SKOS.narrower):
        edges[narrow].add(broad)
    return edges


def declared_as(scope: ReviewScope, iri: Node, kinds: Iterable[URIRef]) -> bool:
    return any((iri, RDF.type, kind) in scope.graph for kind in kinds)


CLASS_DECLARATIONS = (OWL.Class, RDFS.Class, RDFS.Datatype)
PROPERTY_DECLARATIONS = (
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty,
    OWL.OntologyProperty,
)


def used_as_class(scope: ReviewScope) -> dict[URIRef, str]:
    """IRIs used where a class is expected, with one example of the use."""
    uses: dict[URIRef, str] = {}

    def note(node: Node, how: str, about: Node | None = None) -> None:
        if isinstance(node, URIRef) and node not in uses:  # name only the first use: it is slow
            uses[node] = how.format(scope.name(about)) if about is not None else how

    graph = scope.graph
    for subject, kind in graph.subject_objects(RDF.type):
        note(kind, "as the type of {}", subject)
    for predicate in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
        for subject, obj in graph.subject_objects(predicate):
            note(subject, "with {}", predicate)
            note(obj, "with {}", predicate)
    for subject, obj in graph.subject_objects(RDFS.domain):
        note(obj, "as the domain of {}", subject)
    for subject, obj in graph.subject_objects(RDFS.range):
        if not declared_as(scope, subject, (OWL.DatatypeProperty,)):
            note(obj, "as the range of {}", subject)
    for predicate in (OWL.someValuesFrom, OWL.allValuesFrom, OWL.onClass, OWL.complementOf):
        for obj in graph.objects(None, predicate):
            note(obj, "in a class expression ({})", predicate)
    for predicate in (OWL.unionOf, OWL.intersectionOf, OWL.members, OWL.disjointUnionOf):
        for head in graph.objects(None, predicate):
            for item in list_items(scope, head):
                note(item, "in an {} list", predicate)
    # Datatypes stand where classes stand in data ranges; they are not classes to declare.
    return {iri: how for iri, how in uses.items() if not _is_datatype(iri)}


def _is_datatype(iri: URIRef) -> bool:
    vocabulary = vocabulary_of(str(iri))
    return vocabulary is not None and vocabulary.prefix in ("xsd", "rdf")


def used_as_property(scope: ReviewScope) -> dict[URIRef, str]:
    """IRIs used where a property is expected, with one example of the use."""
    uses: dict[URIRef, str] = {}

    def note(node: Node, how: str, about: Node | None = None) -> None:
        if isinstance(node, URIRef) and node not in uses:  # name only the first use: it is slow
            uses[node] = how.format(scope.name(about)) if about is not None else how

    graph = scope.graph
    for subject, predicate in graph.subject_predicates(None):
        note(predicate, "as the predicate of a statement about {}", subject)
    for predicate in (
        RDFS.subPropertyOf,
        OWL.inverseOf,
        OWL.equivalentProperty,
        OWL.propertyDisjointWith,
    ):
        for subject, obj in graph.subject_objects(predicate):
            note(subject, "with {}", predicate)
            note(obj, "with {}", predicate)
    for predicate in (RDFS.domain, RDFS.range):
        for subject in graph.subjects(predicate, None):
            note(subject, "with {}", predicate)
    for obj in graph.objects(None, OWL.onProperty):
        note(obj, "in a restriction (owl:onProperty)")
    for head in graph.objects(None, OWL.propertyChainAxiom):
        for item in list_items(scope, head):
            note(item, "in an owl:propertyChainAxiom")
    return uses


def is_local(scope: ReviewScope, iri: Node) -> bool:
    """A resource this dataset describes: the subject of something other than an owl:sameAs link."""
    if not isinstance(iri, URIRef):
        return False
    if str(iri).startswith(DEFAULT_BASE) or scope.in_own_namespace(str(iri)):
        return True
    return any(p != OWL.sameAs for p in scope.graph.predicates(iri, None))


def first_value(scope: ReviewScope, node: Node, iris: Iterable[str]) -> Node | None:
    for iri in iris:
        value = scope.model.value(node, URIRef(iri))
        if value is not None:
            return value
    return None


def deprecated_terms(scope: ReviewScope) -> set[Node]:
    return {
        s
        for s, value in scope.graph.subject_objects(OWL.deprecated)
        if isinstance(value, Literal) and str(value).strip().lower() in ("true", "1")
    }
