"""The external vocabularies the review knows term by term, so it can check their use offline.

OOPS! P40 (namespace hijacking) asks whether a term used from another namespace is
really defined there. Without the Web that can only be answered for vocabularies
whose term lists we hold: rdflib ships them, generated from each vocabulary's own
RDF, and the Web Annotation list below is copied from the W3C's ``oa.ttl``
(w3c/web-annotation, ``admin/ns/oa.ttl``, both published revisions merged). For
any other namespace (FIBO, CIDS, Wikidata, the UN SDG KOS) the review says it
could not check, rather than guess.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rdflib.namespace import (
    CSVW,
    DC,
    DCMITYPE,
    DCTERMS,
    DOAP,
    FOAF,
    ODRL2,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SDO,
    SH,
    SKOS,
    TIME,
    VANN,
    VOID,
    XSD,
    DefinedNamespace,
)

from strategykg.namespaces import PREFIXES

_OA_CLASSES = """Annotation Choice Composite CssSelector CssStyle DataPositionSelector Direction
    FragmentSelector HttpRequestState Independents List Motivation RangeSelector ResourceSelection
    Selector SpecificResource State Style SvgSelector TextPositionSelector TextQuoteSelector
    TextualBody TimeState XPathSelector"""
_OA_INDIVIDUALS = """PreferContainedDescriptions PreferContainedIRIs assessing bookmarking
    classifying commenting describing editing highlighting identifying linking moderating
    questioning replying tagging ltrDirection rtlDirection"""
_OA_PROPERTIES = """annotationService bodyValue cachedSource canonical end exact hasBody
    hasEndSelector hasPurpose hasScope hasSelector hasSource hasStartSelector hasState hasTarget
    motivatedBy prefix processingLanguage refinedBy renderedVia sourceDate sourceDateEnd
    sourceDateStart start styleClass styledBy suffix textDirection via"""
_OA_TERMS = frozenset(" ".join((_OA_CLASSES, _OA_INDIVIDUALS, _OA_PROPERTIES)).split())


@dataclass(frozen=True)
class Vocabulary:
    """A namespace and, when known, the complete list of its terms' local names."""

    prefix: str
    namespace: str
    terms: frozenset[str]
    builtin: bool = False  # RDF, RDFS, OWL, XSD: the reserved vocabulary of OWL 2

    def defines(self, iri: str) -> bool:
        local = iri[len(self.namespace) :]
        return local == "" or local in self.terms


def _from_rdflib(prefix: str, namespace: type[DefinedNamespace], builtin: bool = False):
    names = set(namespace.__annotations__) | set(getattr(namespace, "_extras", ()))
    return Vocabulary(prefix, str(namespace), frozenset(names), builtin)


VOCABULARIES: tuple[Vocabulary, ...] = (
    _from_rdflib("rdf", RDF, builtin=True),
    _from_rdflib("rdfs", RDFS, builtin=True),
    _from_rdflib("owl", OWL, builtin=True),
    _from_rdflib("xsd", XSD, builtin=True),
    _from_rdflib("skos", SKOS),
    _from_rdflib("dcterms", DCTERMS),
    _from_rdflib("dc", DC),
    _from_rdflib("dcmitype", DCMITYPE),
    _from_rdflib("foaf", FOAF),
    _from_rdflib("prov", PROV),
    _from_rdflib("org", ORG),
    _from_rdflib("vann", VANN),
    _from_rdflib("schema", SDO),
    Vocabulary("schema", "http://schema.org/", _from_rdflib("schema", SDO).terms),
    _from_rdflib("time", TIME),
    _from_rdflib("sh", SH),
    _from_rdflib("void", VOID),
    _from_rdflib("qb", QB),
    _from_rdflib("doap", DOAP),
    _from_rdflib("csvw", CSVW),
    _from_rdflib("odrl", ODRL2),
    Vocabulary("oa", "http://www.w3.org/ns/oa#", _OA_TERMS),
)

# Longest namespace first, so that a namespace nested in another is matched first.
_BY_LENGTH = sorted(VOCABULARIES, key=lambda v: -len(v.namespace))


def vocabulary_of(iri: str) -> Vocabulary | None:
    """The known vocabulary whose namespace holds iri, if any."""
    for vocabulary in _BY_LENGTH:
        if iri.startswith(vocabulary.namespace):
            local = iri[len(vocabulary.namespace) :]
            if "/" not in local and "#" not in local:
                return vocabulary
    return None


def is_builtin(iri: str) -> bool:
    """True for the reserved vocabulary of OWL 2 (rdf:, rdfs:, owl:, xsd:)."""
    vocabulary = vocabulary_of(iri)
    return vocabulary is not None and vocabulary.builtin


def namespace_of(iri: str) -> str:
    """The namespace part of an IRI: up to and including its last '#' or '/'."""
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1] if cut >= 0 else iri


def local_name(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[cut + 1 :]


def prefix_for(namespace: str, extra: dict[str, str] | None = None) -> str | None:
    """A readable prefix for a namespace: the project's own first, then the known vocabularies."""
    for prefix, known in [*(extra or {}).items(), *PREFIXES.items()]:
        if known == namespace:
            return prefix
    for vocabulary in VOCABULARIES:
        if vocabulary.namespace == namespace:
            return vocabulary.prefix
    return None


def known_namespaces() -> Iterable[str]:
    return (v.namespace for v in VOCABULARIES)
