"""Metrics of the model: how many terms and axioms, how deep the hierarchies, what it reuses.

Axioms are counted the way Protégé's metrics count them: each RDF statement that
maps to one OWL 2 axiom (a subclass, a domain, a disjointness, an assertion) is
one axiom. Reuse lists, per external namespace, the terms the model refers to.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from strategykg.namespaces import DEFAULT_BASE
from strategykg.pitfalls import CLASS_DECLARATIONS, PROPERTY_DECLARATIONS, SKOS_MAPPINGS, STRUCTURAL
from strategykg.scope import (
    ANNOTATION_PROPERTY,
    CLASS,
    CONCEPT,
    DATATYPE_PROPERTY,
    INDIVIDUAL,
    OBJECT_PROPERTY,
    PROPERTY,
    SCHEME,
    ReviewScope,
)
from strategykg.vocabularies import is_builtin, namespace_of, prefix_for, vocabulary_of

# OWL 2 axiom types and the predicates (or rdf:type objects) that express them in RDF.
LOGICAL_AXIOMS = {
    "SubClassOf": RDFS.subClassOf,
    "EquivalentClasses": OWL.equivalentClass,
    "DisjointClasses": OWL.disjointWith,
    "SubPropertyOf": RDFS.subPropertyOf,
    "InverseProperties": OWL.inverseOf,
    "EquivalentProperties": OWL.equivalentProperty,
    "PropertyDomain": RDFS.domain,
    "PropertyRange": RDFS.range,
    "PropertyChain": OWL.propertyChainAxiom,
}
CHARACTERISTICS = (
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.TransitiveProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.ReflexiveProperty,
    OWL.IrreflexiveProperty,
)
DECLARATION_TYPES = set(CLASS_DECLARATIONS) | set(PROPERTY_DECLARATIONS) | {OWL.NamedIndividual}


@dataclass
class Metrics:
    counts: dict[str, int]  # kinds of term -> how many
    axioms: dict[str, int]  # axiom type -> how many (model)
    assertions: dict[str, int]  # kinds of ABox statement -> how many (data)
    triples: dict[str, int]  # part -> triples
    class_depth: int
    concept_depth: int
    deepest_class_path: list[str]
    deepest_concept_path: list[str]
    reuse: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # ns -> term -> roles
    reuse_prefixes: dict[str, str | None] = field(default_factory=dict)
    unchecked_namespaces: list[str] = field(default_factory=list)

    @property
    def logical_axioms(self) -> int:
        return sum(v for k, v in self.axioms.items() if k not in ("Declaration", "Annotation"))


def _longest_path(edges: dict[Node, set[Node]], starts) -> list[Node]:
    """The longest upward path from any start, following edges; cycles are cut (P06 reports them)."""
    memo: dict[Node, list[Node]] = {}

    def walk(node: Node, visiting: frozenset[Node]) -> list[Node]:
        if node in memo:
            return memo[node]
        best: list[Node] = []
        for parent in sorted(edges.get(node, ()), key=str):  # ties break the same way each run
            if parent not in visiting:
                path = walk(parent, visiting | {node})
                if len(path) > len(best):
                    best = path
        memo[node] = [node, *best]
        return memo[node]

    return max((walk(s, frozenset()) for s in starts), key=len, default=[])


def _axioms(scope: ReviewScope) -> dict[str, int]:
    model = scope.model
    counts: Counter[str] = Counter()
    for name, predicate in LOGICAL_AXIOMS.items():
        counts[name] = sum(1 for s in model.subjects(predicate, None) if isinstance(s, URIRef))
    counts["DisjointClasses"] += sum(1 for _ in model.subjects(RDF.type, OWL.AllDisjointClasses))
    counts["PropertyCharacteristic"] = sum(
        1 for c in CHARACTERISTICS for _ in model.subjects(RDF.type, c)
    )
    counts["ClassAssertion"] = sum(
        1
        for s, o in model.subject_objects(RDF.type)
        if isinstance(s, URIRef) and scope.kind(o) == CLASS
    )
    counts["Declaration"] = sum(
        1 for s, o in model.subject_objects(RDF.type) if s in scope.terms and o in DECLARATION_TYPES
    )
    counts["Annotation"] = sum(
        1 for s, _p, o in model if s in scope.terms and isinstance(o, Literal)
    )
    return {k: v for k, v in counts.items() if v}


def _assertions(scope: ReviewScope) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for _subject, predicate, obj in scope.data:
        if predicate == RDF.type:
            counts["class assertions"] += 1
        elif isinstance(obj, Literal):
            counts["data property assertions"] += 1
        else:
            counts["object property assertions"] += 1
    counts["individuals"] = len({s for s in scope.data.subjects(RDF.type) if isinstance(s, URIRef)})
    return {k: v for k, v in counts.items() if v}


def _role(predicate: Node, position: str) -> str | None:
    """How the model uses an external term: in an axiom, as a mapping target, or as a property."""
    if position == "predicate":
        return "property"
    if predicate in STRUCTURAL or predicate == RDF.type:
        return "axiom"
    if predicate in SKOS_MAPPINGS:
        return "mapping"
    return None  # a cited page, a license, a version IRI: not vocabulary reuse


def _reuse(scope: ReviewScope) -> dict[str, dict[str, list[str]]]:
    """External terms the model refers to, by namespace, with how it uses them.

    The built-in rdf/rdfs/owl/xsd terms are left out: every ontology uses them."""
    roles: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    headers = {h.node for h in scope.ontologies}
    for subject, predicate, obj in scope.model:
        nodes = [(subject, "subject"), (predicate, "predicate"), (obj, "object")]
        if subject in headers:
            nodes = nodes[1:2]  # the header reuses metadata properties; its objects are pages
        for node, position in nodes:
            if not isinstance(node, URIRef) or node in scope.terms or is_builtin(str(node)):
                continue
            iri = str(node)
            namespace = namespace_of(iri)
            if scope.in_own_namespace(iri) or iri.startswith(DEFAULT_BASE) or namespace == iri:
                continue
            role = "axiom" if position == "subject" else _role(predicate, position)
            if role:
                roles[namespace][iri[len(namespace) :]].add(role)
    return {
        ns: {term: sorted(r) for term, r in sorted(terms.items())}
        for ns, terms in sorted(roles.items())
    }


def metrics(scope: ReviewScope) -> Metrics:
    counts = {
        "classes": len(scope.of_kind(CLASS)),
        "object properties": len(scope.of_kind(OBJECT_PROPERTY)),
        "datatype properties": len(scope.of_kind(DATATYPE_PROPERTY)),
        "annotation properties": len(scope.of_kind(ANNOTATION_PROPERTY, PROPERTY)),
        "named individuals": len(scope.of_kind(INDIVIDUAL)),
        "concepts": len(scope.of_kind(CONCEPT)),
        "concept schemes": len(scope.of_kind(SCHEME)),
    }
    class_edges: dict[Node, set[Node]] = defaultdict(set)
    for child, parent in scope.model.subject_objects(RDFS.subClassOf):
        if isinstance(child, URIRef) and isinstance(parent, URIRef) and parent != OWL.Thing:
            class_edges[child].add(parent)
    class_path = _longest_path(class_edges, scope.of_kind(CLASS))
    concept_edges: dict[Node, set[Node]] = defaultdict(set)
    for narrow, broad in scope.graph.subject_objects(SKOS.broader):
        concept_edges[narrow].add(broad)
    for broad, narrow in scope.graph.subject_objects(SKOS.narrower):
        concept_edges[narrow].add(broad)
    concept_path = _longest_path(concept_edges, scope.of_kind(CONCEPT))
    reuse = _reuse(scope)
    store = scope.kg.store
    triples = {
        s.relative: sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(s.graph)))
        for s in scope.kg.sources
    }
    return Metrics(
        counts=counts,
        axioms=_axioms(scope),
        assertions=_assertions(scope),
        triples=triples,
        class_depth=len(class_path),
        concept_depth=len(concept_path),
        deepest_class_path=[str(c) for c in class_path],
        deepest_concept_path=[str(c) for c in concept_path],
        reuse=reuse,
        reuse_prefixes={ns: prefix_for(ns, scope.prefixes) for ns in reuse},
        unchecked_namespaces=[ns for ns in reuse if vocabulary_of(ns + "x") is None],
    )
