"""What a review looks at: the model, the data, the ontology headers and the terms the model declares.

The *model* is the ontology and the themes (the TBox and the SKOS scheme); the
*data* is everything under data/. A term is *own* when the model declares it (as
a class, a property, a named individual, a concept or a concept scheme) and it
does not belong to a known external vocabulary. Pitfall checks, coverage and
metrics all ask this one object, so they agree on what a term is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, VANN
from rdflib.term import Node

from strategykg.load import KnowledgeGraph, to_rdflib
from strategykg.namespaces import DEFAULT_BASE, PREFIXES
from strategykg.vocabularies import local_name, namespace_of, vocabulary_of

MODEL_PARTS = ("ontology", "themes")
ALL_PARTS = ("ontology", "themes", "data")

# The kinds of term a model declares, in the order that decides a term declared twice.
CLASS = "class"
OBJECT_PROPERTY = "object property"
DATATYPE_PROPERTY = "datatype property"
ANNOTATION_PROPERTY = "annotation property"
PROPERTY = "property"
DATATYPE = "datatype"
SCHEME = "concept scheme"
CONCEPT = "concept"
INDIVIDUAL = "individual"
KINDS = (
    CLASS,
    OBJECT_PROPERTY,
    DATATYPE_PROPERTY,
    ANNOTATION_PROPERTY,
    PROPERTY,
    DATATYPE,
    SCHEME,
    CONCEPT,
    INDIVIDUAL,
)
PROPERTY_KINDS = (OBJECT_PROPERTY, DATATYPE_PROPERTY, ANNOTATION_PROPERTY, PROPERTY)

_DECLARATIONS: dict[URIRef, str] = {
    OWL.Class: CLASS,
    RDFS.Class: CLASS,
    OWL.ObjectProperty: OBJECT_PROPERTY,
    OWL.TransitiveProperty: OBJECT_PROPERTY,
    OWL.SymmetricProperty: OBJECT_PROPERTY,
    OWL.AsymmetricProperty: OBJECT_PROPERTY,
    OWL.ReflexiveProperty: OBJECT_PROPERTY,
    OWL.IrreflexiveProperty: OBJECT_PROPERTY,
    OWL.InverseFunctionalProperty: OBJECT_PROPERTY,
    OWL.DatatypeProperty: DATATYPE_PROPERTY,
    OWL.AnnotationProperty: ANNOTATION_PROPERTY,
    RDF.Property: PROPERTY,
    OWL.FunctionalProperty: PROPERTY,
    RDFS.Datatype: DATATYPE,
    SKOS.ConceptScheme: SCHEME,
    SKOS.Concept: CONCEPT,
    OWL.NamedIndividual: INDIVIDUAL,
}

LABELS = (RDFS.label, SKOS.prefLabel)
DEFINITIONS = (
    SKOS.definition,
    RDFS.comment,
    URIRef("http://purl.obolibrary.org/obo/IAO_0000115"),
    URIRef("http://purl.org/dc/terms/description"),
)


def language(literal: Literal) -> str:
    """The primary language subtag of a literal ('fr' for fr, fr-CA and fr-t-en), '' if untagged."""
    return (literal.language or "").split("-")[0].lower()


@dataclass(frozen=True)
class OntologyHeader:
    """One owl:Ontology node of the model and the namespace it declares for its terms."""

    node: URIRef | BNode
    namespace: str | None
    prefix: str | None


class ReviewScope:
    """The graphs of one review and the questions every check asks of them."""

    def __init__(self, kg: KnowledgeGraph, docs_base: str | None = None):
        self.kg = kg
        self.docs_base = docs_base.rstrip("#") if docs_base else None
        self.model: Graph = kg.rdflib_graph(MODEL_PARTS)
        self.data: Graph = kg.rdflib_graph(("data",))
        self.graph: Graph = kg.rdflib_graph(ALL_PARTS)
        self.shapes: Graph = kg.rdflib_graph(("shapes",))

    # -- SPARQL, through the embedded store ---------------------------------------------------

    def query(self, sparql: str, parts: Iterable[str] = ALL_PARTS) -> list[tuple[Node | None, ...]]:
        """Rows of a SELECT over the union of the given parts, as rdflib terms."""
        graphs = [ox.NamedNode(g) for g in self.kg.graphs(parts)]
        if not graphs:
            return []
        solutions = self.kg.store.query(sparql, default_graph=graphs)
        names = [v.value for v in solutions.variables]
        return [tuple(None if s[n] is None else to_rdflib(s[n]) for n in names) for s in solutions]

    # -- ontology headers and namespaces ------------------------------------------------------

    @cached_property
    def ontologies(self) -> list[OntologyHeader]:
        headers = []
        for node in sorted(set(self.model.subjects(RDF.type, OWL.Ontology)), key=str):
            namespace = self.model.value(node, VANN.preferredNamespaceUri)
            prefix = self.model.value(node, VANN.preferredNamespacePrefix)
            headers.append(
                OntologyHeader(
                    node=node,
                    namespace=str(namespace) if namespace is not None else None,
                    prefix=str(prefix) if prefix is not None else None,
                )
            )
        return headers

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """Prefix -> namespace for display: the ontologies' preferred prefixes, the prefixes the
        model's Turtle files declare, then the project's."""
        found = {h.prefix: h.namespace for h in self.ontologies if h.prefix and h.namespace}
        for source in self.kg.sources:
            if source.part in MODEL_PARTS:
                parser = ox.parse(path=str(source.path), format=ox.RdfFormat.TURTLE)
                for _quad in parser:
                    pass  # the prefixes are known once the file is read
                for prefix, namespace in parser.prefixes.items():
                    if prefix and namespace not in found.values():
                        found.setdefault(prefix, namespace)
        return {**found, **{p: n for p, n in PREFIXES.items() if p not in found}}

    @cached_property
    def declared_namespaces(self) -> set[str]:
        """The namespaces the ontology headers declare: vann:preferredNamespaceUri, IRI#, IRI/."""
        found = set()
        for header in self.ontologies:
            if header.namespace:
                found.add(header.namespace)
            if isinstance(header.node, URIRef):
                found.update((str(header.node) + "#", str(header.node) + "/"))
        return found

    @cached_property
    def namespaces(self) -> set[str]:
        """The namespaces the model mints its own terms in."""
        return self.declared_namespaces | {namespace_of(str(term)) for term in self.terms}

    def in_own_namespace(self, iri: str) -> bool:
        return namespace_of(iri) in self.namespaces and vocabulary_of(iri) is None

    # -- declared terms -----------------------------------------------------------------------

    @cached_property
    def concept_classes(self) -> set[Node]:
        """skos:Concept and every class of the model below it (skg:Theme, skg:Comparator)."""
        found: set[Node] = {SKOS.Concept}
        found.update(self.model.transitive_subjects(RDFS.subClassOf, SKOS.Concept))
        return found

    @cached_property
    def terms(self) -> dict[URIRef, str]:
        """Every own term of the model and its kind.

        Declaring another vocabulary's term (bibo:status a owl:AnnotationProperty, as OWL 2 DL
        asks) does not make it ours: a term is own when it is in a namespace an ontology header
        declares, under the project base, or rdfs:isDefinedBy an ontology reviewed here. With no
        header namespace to go by (no owl:Ontology), every declared term counts as own."""
        kinds: dict[URIRef, set[str]] = defaultdict(set)
        for subject, kind_class in self.model.subject_objects(RDF.type):
            if not isinstance(subject, URIRef) or vocabulary_of(str(subject)) is not None:
                continue
            kind = _DECLARATIONS.get(kind_class)
            if kind is None and kind_class in self.concept_classes:
                kind = CONCEPT
            if kind is not None:
                kinds[subject].add(kind)
        return {
            term: min(found, key=KINDS.index) for term, found in kinds.items() if self._own(term)
        }

    def _own(self, term: URIRef) -> bool:
        namespaces = self.declared_namespaces
        if not namespaces or str(term).startswith((DEFAULT_BASE, *namespaces)):
            return True
        headers = {h.node for h in self.ontologies}
        return any(o in headers for o in self.model.objects(term, RDFS.isDefinedBy))

    def of_kind(self, *kinds: str) -> list[URIRef]:
        return sorted((t for t, k in self.terms.items() if k in kinds), key=str)

    def kind(self, term: Node) -> str | None:
        return self.terms.get(term)  # type: ignore[arg-type]

    # -- reading and naming terms -------------------------------------------------------------

    def literals(self, term: Node, predicates: Iterable[URIRef], graph: Graph | None = None):
        """(predicate, literal) pairs of a term for the given predicates."""
        source = self.graph if graph is None else graph
        for predicate in predicates:
            for value in source.objects(term, predicate):
                if isinstance(value, Literal):
                    yield predicate, value

    def label(self, term: Node, lang: str = "en") -> str | None:
        values = [v for _p, v in self.literals(term, LABELS)]
        for value in values:
            if language(value) == lang:
                return str(value)
        return str(values[0]) if values else None

    def name(self, term: Node | str) -> str:
        """A short readable name: prefix:local when a prefix is known, else <iri>."""
        if isinstance(term, BNode):
            return "[]"
        if isinstance(term, Literal):
            return repr(str(term))
        iri = str(term)
        best = ""
        best_prefix = ""
        for prefix, namespace in self.prefixes.items():
            if iri.startswith(namespace) and len(namespace) > len(best):
                local = iri[len(namespace) :]
                if "/" not in local and "#" not in local:
                    best, best_prefix = namespace, prefix
        if not best:
            vocabulary = vocabulary_of(iri)
            if vocabulary is not None:
                return f"{vocabulary.prefix}:{iri[len(vocabulary.namespace) :]}"
            return f"<{iri}>"
        return f"{best_prefix}:{iri[len(best) :]}"

    def link(self, term: Node | str) -> str | None:
        """Where a reader learns about a term: its documentation anchor for own ontology terms
        when a documentation base is set, else its IRI (which dereferences to the docs)."""
        if isinstance(term, BNode | Literal):
            return None
        iri = str(term)
        if self.docs_base and any(
            h.namespace and iri.startswith(h.namespace) for h in self.ontologies
        ):
            return f"{self.docs_base}#{local_name(iri)}"
        return iri

    # -- structure ----------------------------------------------------------------------------

    def superclasses(self, term: Node) -> Iterator[Node]:
        """Named classes above term through rdfs:subClassOf (asserted, transitively)."""
        seen: set[Node] = set()
        stack = [term]
        while stack:
            for parent in self.model.objects(stack.pop(), RDFS.subClassOf):
                if isinstance(parent, URIRef) and parent not in seen:
                    seen.add(parent)
                    stack.append(parent)
                    yield parent

    def subclasses(self, term: Node) -> set[Node]:
        """term and every named class below it in the model."""
        found: set[Node] = {term}
        stack = [term]
        while stack:
            for child in self.model.subjects(RDFS.subClassOf, stack.pop()):
                if isinstance(child, URIRef) and child not in found:
                    found.add(child)
                    stack.append(child)
        return found
