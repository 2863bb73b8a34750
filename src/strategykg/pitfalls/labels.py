"""Labels and definitions (ROBOT, OOPS! P08), in English and French; deprecation and built-ins."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from strategykg.pitfalls.catalogue import Hit, check
from strategykg.pitfalls.helpers import (
    CLASS_DECLARATIONS,
    DC,
    IAO_DEFINITION,
    PROPERTY_DECLARATIONS,
    REQUIRED_LANGUAGES,
    SKOS_LABELS,
    TEXT_ANNOTATIONS,
    declared_as,
    deprecated_terms,
    labelled_subjects,
    normalise,
    texts,
)
from strategykg.scope import (
    DEFINITIONS,
    LABELS,
    ReviewScope,
    language,
)
from strategykg.vocabularies import is_builtin, local_name


@check(
    "missing_label",
    "ROBOT",
    "error",
    "Missing label",
    "Add an rdfs:label (skos:prefLabel for a concept) in English and in French.",
    also=("OOPS! P08", "FOOPS! VOC3"),
)
def missing_label(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.terms:
        if not texts(scope, term, LABELS):
            yield Hit((term,), f"{scope.kind(term)} with no rdfs:label or skos:prefLabel")


@check(
    "missing_definition",
    "ROBOT",
    "error",
    "Missing definition",
    "Add a skos:definition in English and in French.",
    also=("OOPS! P08", "FOOPS! VOC4"),
)
def missing_definition(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.terms:
        if not texts(scope, term, DEFINITIONS):
            yield Hit((term,), f"{scope.kind(term)} with no skos:definition or rdfs:comment")


@check(
    "missing_language",
    "strategykg",
    "error",
    "Label or definition missing in an official language",
    "Add the missing @en or @fr value (a translation may be tagged fr-t-en or en-t-fr).",
    also=("Official Languages Act", "SHACL skg:BilingualLabel"),
)
def missing_language(scope: ReviewScope) -> Iterator[Hit]:
    what = {"label": LABELS, "definition": (SKOS.definition, IAO_DEFINITION, RDFS.comment)}
    subjects: list[tuple[Node, dict[str, tuple[URIRef, ...]]]] = [(t, what) for t in scope.terms]
    header_fields = {
        "title": (DCTERMS.title, URIRef(DC + "title")),
        "description": (DCTERMS.description, URIRef(DC + "description")),
    }
    subjects += [(h.node, header_fields) for h in scope.ontologies]
    for term, fields in subjects:
        for name, predicates in fields.items():
            values = texts(scope, term, predicates)
            if not values:
                continue  # missing_label, missing_definition or the header checks say so
            present = {language(v) for v in values}
            missing = [lang for lang in REQUIRED_LANGUAGES if lang not in present]
            if missing:
                tags = " or ".join(f"@{lang}" for lang in missing)
                untagged = " (an untagged value counts for no language)" if "" in present else ""
                yield Hit((term,), f"no {name} tagged {tags}{untagged}")


def _multiple(scope: ReviewScope, subjects: Iterable[Node], predicates: Iterable[URIRef]):
    for subject in subjects:
        for predicate in predicates:
            by_language: dict[str, list[Literal]] = defaultdict(list)
            for value in scope.graph.objects(subject, predicate):
                if isinstance(value, Literal):
                    by_language[language(value)].append(value)
            for lang, values in sorted(by_language.items()):
                if len(values) > 1:
                    shown = ", ".join(repr(str(v)) for v in sorted(values))
                    where = f"@{lang}" if lang else "without a language tag"
                    yield Hit((subject,), f"{len(values)} {scope.name(predicate)} {where}: {shown}")


@check(
    "multiple_labels",
    "ROBOT",
    "error",
    "More than one label in a language",
    "Keep one rdfs:label (or skos:prefLabel) per language; move the others to skos:altLabel.",
    also=("SKOS S14", "OBO FP-012 (per language)"),
)
def multiple_labels(scope: ReviewScope) -> Iterator[Hit]:
    yield from _multiple(scope, labelled_subjects(scope), LABELS)


@check(
    "multiple_definitions",
    "ROBOT",
    "error",
    "More than one definition in a language",
    "Keep one skos:definition per language; move the rest to skos:scopeNote.",
)
def multiple_definitions(scope: ReviewScope) -> Iterator[Hit]:
    yield from _multiple(scope, scope.terms, (SKOS.definition, IAO_DEFINITION))


@check(
    "duplicate_label",
    "ROBOT",
    "error",
    "Two resources share a label",
    "Give each resource a label of its own in each language, or merge the duplicates.",
    also=("OOPS! P32",),
)
def duplicate_label(scope: ReviewScope) -> Iterator[Hit]:
    owners: dict[tuple[str, str], set[URIRef]] = defaultdict(set)
    shown: dict[tuple[str, str], str] = {}
    for subject in labelled_subjects(scope):
        for _p, value in scope.literals(subject, LABELS):
            key = (language(value), normalise(str(value)))
            owners[key].add(subject)
            shown[key] = str(value)
    for key, subjects in sorted(owners.items()):
        if len(subjects) > 1:
            lang = f"@{key[0]}" if key[0] else ""
            yield Hit(tuple(sorted(subjects, key=str)), f"share the label {shown[key]!r}{lang}")


@check(
    "duplicate_definition",
    "ROBOT",
    "error",
    "Two terms share a definition",
    "Write a definition that tells each term apart from the other.",
)
def duplicate_definition(scope: ReviewScope) -> Iterator[Hit]:
    owners: dict[tuple[str, str], set[URIRef]] = defaultdict(set)
    for term in scope.terms:
        for value in texts(scope, term, (SKOS.definition, IAO_DEFINITION)):
            owners[(language(value), normalise(str(value)))].add(term)
    for (lang, text), terms in sorted(owners.items()):
        if len(terms) > 1:
            yield Hit(tuple(sorted(terms, key=str)), f"share the @{lang} definition {text!r}")


@check(
    "label_whitespace",
    "ROBOT",
    "error",
    "Label with leading or trailing whitespace",
    "Remove the whitespace at the start or end of the label.",
)
def label_whitespace(scope: ReviewScope) -> Iterator[Hit]:
    for subject, predicate, value in scope.graph:
        if (
            predicate in (RDFS.label, *SKOS_LABELS)
            and isinstance(value, Literal)
            and str(value) != str(value).strip()
        ):
            yield Hit((subject,), f"{scope.name(predicate)} {str(value)!r}")


@check(
    "label_formatting",
    "ROBOT",
    "error",
    "Label with a line break or tab",
    "Write the label on one line, without tabs.",
)
def label_formatting(scope: ReviewScope) -> Iterator[Hit]:
    for subject, predicate, value in scope.graph:
        if (
            predicate in (RDFS.label, *SKOS_LABELS)
            and isinstance(value, Literal)
            and any(c in str(value) for c in "\n\r\t")
        ):
            yield Hit((subject,), f"{scope.name(predicate)} {str(value)!r}")


@check(
    "annotation_whitespace",
    "ROBOT",
    "warning",
    "Annotation with leading or trailing whitespace",
    "Remove the whitespace at the start or end of the annotation.",
)
def annotation_whitespace(scope: ReviewScope) -> Iterator[Hit]:
    declared = set(scope.graph.subjects(RDF.type, OWL.AnnotationProperty))
    predicates = (set(TEXT_ANNOTATIONS) | declared) - {RDFS.label, *SKOS_LABELS}
    for subject, predicate, value in scope.graph:
        text = str(value)
        if predicate in predicates and isinstance(value, Literal) and text != text.strip():
            yield Hit((subject,), f"{scope.name(predicate)} {text[:40]!r}…")


@check(
    "lowercase_definition",
    "ROBOT",
    "info",
    "Definition starts with a lowercase letter",
    "Start the definition with a capital letter.",
)
def lowercase_definition(scope: ReviewScope) -> Iterator[Hit]:
    for term in scope.terms:
        for value in texts(scope, term, (SKOS.definition, IAO_DEFINITION)):
            text = str(value).lstrip()
            if text and text[0].islower():  # Unicode-aware, unlike ROBOT's ^[A-Z0-9]
                yield Hit((term,), f"@{language(value)} definition starts {text[:30]!r}")


@check(
    "deprecated_boolean_datatype",
    "ROBOT",
    "error",
    "owl:deprecated value is not an xsd:boolean",
    'Write owl:deprecated true (an xsd:boolean), not a string such as "true".',
)
def deprecated_boolean_datatype(scope: ReviewScope) -> Iterator[Hit]:
    for subject, value in scope.graph.subject_objects(OWL.deprecated):
        if not (isinstance(value, Literal) and value.datatype == XSD.boolean):
            yield Hit((subject,), f"owl:deprecated {value.n3()}")


@check(
    "deprecated_class_reference",
    "ROBOT",
    "error",
    "Deprecated class in use",
    "Point the axiom or the instance at the class that replaces it (see dcterms:isReplacedBy).",
)
def deprecated_class_reference(scope: ReviewScope) -> Iterator[Hit]:
    classes = [d for d in deprecated_terms(scope) if declared_as(scope, d, CLASS_DECLARATIONS)]
    for cls in sorted(classes, key=str):
        for user in scope.graph.subjects(RDFS.subClassOf, cls):
            yield Hit((cls, user), f"{scope.name(user)} is a subclass of it")
        for user in scope.graph.subjects(OWL.equivalentClass, cls):
            yield Hit((cls, user), f"{scope.name(user)} is equivalent to it")
        for predicate in (RDFS.domain, RDFS.range):
            for user in scope.graph.subjects(predicate, cls):
                yield Hit((cls, user), f"it is the {local_name(predicate)} of {scope.name(user)}")
        for predicate in (OWL.someValuesFrom, OWL.allValuesFrom, OWL.onClass, RDF.first):
            if any(scope.graph.subjects(predicate, cls)):
                yield Hit((cls,), f"it is used in a class expression ({scope.name(predicate)})")
        instances = sorted(scope.graph.subjects(RDF.type, cls), key=str)
        if instances:
            yield Hit((cls,), f"{len(instances)} instance(s), e.g. {scope.name(instances[0])}")


@check(
    "deprecated_property_reference",
    "ROBOT",
    "error",
    "Deprecated property in use",
    "Use the property that replaces it (see dcterms:isReplacedBy) in axioms and data.",
)
def deprecated_property_reference(scope: ReviewScope) -> Iterator[Hit]:
    properties = [
        d for d in deprecated_terms(scope) if declared_as(scope, d, PROPERTY_DECLARATIONS)
    ]
    for prop in sorted(properties, key=str):
        for predicate in (RDFS.subPropertyOf, OWL.equivalentProperty, OWL.inverseOf):
            for user in scope.graph.subjects(predicate, prop):
                yield Hit((prop, user), f"{scope.name(user)} {scope.name(predicate)} it")
        if any(scope.graph.subjects(OWL.onProperty, prop)):
            yield Hit((prop,), "it is used in a restriction (owl:onProperty)")
        uses = sorted(scope.graph.subjects(prop, None), key=str)
        if uses:
            yield Hit((prop,), f"used in {len(uses)} statement(s), e.g. on {scope.name(uses[0])}")


# rdf:type triples on built-ins that are harmless re-declarations of what they already are.
_BUILTIN_ANNOTATIONS = {
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
    OWL.deprecated,
    OWL.versionInfo,
    OWL.priorVersion,
    OWL.backwardCompatibleWith,
    OWL.incompatibleWith,
}


@check(
    "illegal_use_of_built_in_vocabulary",
    "ROBOT",
    "error",
    "Statement about the built-in vocabulary",
    "Remove statements whose subject is an rdf:, rdfs:, owl: or xsd: term; define your own term.",
)
def illegal_use_of_built_in_vocabulary(scope: ReviewScope) -> Iterator[Hit]:
    for subject, predicate, obj in scope.model:
        if not isinstance(subject, URIRef) or not is_builtin(str(subject)):
            continue
        if predicate == RDF.type and (
            (obj == OWL.AnnotationProperty and subject in _BUILTIN_ANNOTATIONS)
            or obj == RDFS.Datatype
        ):
            continue
        yield Hit((subject,), f"{scope.name(subject)} {scope.name(predicate)} {scope.name(obj)}")
