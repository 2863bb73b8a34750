"""The ontology header: ROBOT's metadata checks, OOPS! P36, P38, P39, P41 and FOOPS! OM1-OM3, PURL1."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib import BNode, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, SKOS, VANN
from rdflib.term import Node

from strategykg.pitfalls.catalogue import Hit, check
from strategykg.pitfalls.helpers import (
    DC,
    SCHEMA,
    first_value,
)
from strategykg.scope import ReviewScope

TITLE = (str(DCTERMS.title), DC + "title", SCHEMA + "name")
DESCRIPTION = (
    str(DCTERMS.description),
    DC + "description",
    str(DCTERMS.abstract),
    str(RDFS.comment),
    str(SKOS.note),
    SCHEMA + "description",
)
LICENSE = (
    str(DCTERMS.license),
    SCHEMA + "license",
    "http://creativecommons.org/ns#license",
    "http://usefulinc.com/ns/doap#license",
)
CREATOR = (
    str(DCTERMS.creator),
    DC + "creator",
    SCHEMA + "creator",
    "http://purl.org/pav/createdBy",
    "http://purl.org/pav/authoredBy",
    "http://www.w3.org/ns/prov#wasAttributedTo",
    "http://xmlns.com/foaf/0.1/maker",
)
MINIMUM = {  # FOOPS! OM1 beyond title, description and license, which have their own codes
    "creator": CREATOR,
    "version IRI (owl:versionIRI)": (str(OWL.versionIRI),),
    "namespace URI (vann:preferredNamespaceUri)": (str(VANN.preferredNamespaceUri),),
}
RECOMMENDED = {  # FOOPS! OM2
    "namespace prefix (vann:preferredNamespacePrefix)": (str(VANN.preferredNamespacePrefix),),
    "version info (owl:versionInfo)": (str(OWL.versionInfo), SCHEMA + "schemaVersion"),
    "creation date (dcterms:created)": (
        str(DCTERMS.created),
        "http://www.w3.org/ns/prov#generatedAtTime",
        "http://purl.org/pav/createdOn",
    ),
    "citation (dcterms:bibliographicCitation)": (str(DCTERMS.bibliographicCitation),),
}
DETAILED = {  # FOOPS! OM3 (required part)
    "DOI or identifier (dcterms:identifier)": (
        "http://purl.org/ontology/bibo/doi",
        str(DCTERMS.identifier),
    ),
    "publisher (dcterms:publisher)": (str(DCTERMS.publisher), SCHEMA + "publisher"),
    "logo (foaf:logo)": ("http://xmlns.com/foaf/0.1/logo", SCHEMA + "logo"),
    "status (bibo:status)": (
        "http://purl.org/ontology/bibo/status",
        "http://www.isibang.ac.in/ns/mod#status",
    ),
    "source (dcterms:source)": (
        str(DCTERMS.source),
        "http://www.w3.org/ns/prov#hadOriginalSource",
    ),
    "issued date (dcterms:issued)": (str(DCTERMS.issued), SCHEMA + "datePublished"),
}
PERSISTENT_HOSTS = ("w3id.org", "purl.org", "purl.obolibrary.org", "doi.org", "purl.archive.org")
FILE_EXTENSIONS = (".owl", ".rdf", ".ttl", ".n3", ".rdfxml", ".nt", ".jsonld", ".owx", ".ofn")


def _missing(scope: ReviewScope, node: Node, fields: dict[str, tuple[str, ...]]) -> list[str]:
    return [name for name, iris in fields.items() if first_value(scope, node, iris) is None]


@check(
    "P38",
    "OOPS!",
    "error",
    "No ontology declaration",
    "Declare the ontology: <https://…/ontology> a owl:Ontology, with its title and license.",
)
def no_ontology_declaration(scope: ReviewScope) -> Iterator[Hit]:
    if scope.terms and not scope.ontologies:
        yield Hit((), "the model declares terms but no owl:Ontology")


@check(
    "P39",
    "OOPS!",
    "error",
    "Ambiguous namespace",
    "Give the owl:Ontology an absolute http(s) IRI, not a blank node or the file's own address.",
    also=("FOOPS! URI1",),
)
def ambiguous_namespace(scope: ReviewScope) -> Iterator[Hit]:
    for header in scope.ontologies:
        if isinstance(header.node, BNode):
            yield Hit((), "the owl:Ontology is a blank node, so its terms have no namespace")
        elif not str(header.node).startswith(("http://", "https://")):
            yield Hit((header.node,), "the ontology IRI is not an http(s) IRI (a relative <>?)")


@check(
    "P36",
    "OOPS!",
    "warning",
    "Ontology IRI contains a file extension",
    "Drop the extension: the ontology IRI names the ontology, not one serialisation of it.",
)
def file_extension(scope: ReviewScope) -> Iterator[Hit]:
    for header in scope.ontologies:
        iri = str(header.node).rstrip("#/")
        if isinstance(header.node, URIRef) and iri.lower().endswith(FILE_EXTENSIONS):
            yield Hit((header.node,), f"ends with {iri[iri.rfind('.') :]}")


@check(
    "missing_ontology_title",
    "ROBOT",
    "error",
    "Ontology has no title",
    "Add dcterms:title in English and in French to the owl:Ontology.",
    also=("FOOPS! OM1",),
)
def missing_ontology_title(scope: ReviewScope) -> Iterator[Hit]:
    for header in scope.ontologies:
        if first_value(scope, header.node, TITLE) is None:
            yield Hit((header.node,), "no dcterms:title")


@check(
    "missing_ontology_description",
    "ROBOT",
    "error",
    "Ontology has no description",
    "Add dcterms:description in English and in French to the owl:Ontology.",
    also=("FOOPS! OM1",),
)
def missing_ontology_description(scope: ReviewScope) -> Iterator[Hit]:
    for header in scope.ontologies:
        if first_value(scope, header.node, DESCRIPTION) is None:
            yield Hit((header.node,), "no dcterms:description")


@check(
    "P41",
    "OOPS!",
    "error",
    "No license declared",
    "Add dcterms:license with the IRI of the license to the owl:Ontology.",
    also=("ROBOT missing_ontology_license", "FOOPS! OM4.1"),
)
def no_license(scope: ReviewScope) -> Iterator[Hit]:
    for header in scope.ontologies:
        if first_value(scope, header.node, LICENSE) is None:
            yield Hit((header.node,), "no dcterms:license")


@check(
    "OM1",
    "FOOPS!",
    "error",
    "Minimum metadata missing",
    "Add the missing fields to the owl:Ontology header.",
    also=("FOOPS! VER1",),
)
def minimum_metadata(scope: ReviewScope) -> Iterator[Hit]:
    for header in scope.ontologies:
        missing = _missing(scope, header.node, MINIMUM)
        if missing:
            yield Hit((header.node,), "missing " + ", ".join(missing))


@check(
    "OM2",
    "FOOPS!",
    "warning",
    "Recommended metadata missing",
    "Add the missing fields to the owl:Ontology header.",
    also=("FOOPS! FIND1", "FOOPS! OM5.1"),
)
def recommended_metadata(scope: ReviewScope) -> Iterator[Hit]:
    for header in scope.ontologies:
        missing = _missing(scope, header.node, RECOMMENDED)
        if missing:
            yield Hit((header.node,), "missing " + ", ".join(missing))


@check(
    "OM3",
    "FOOPS!",
    "info",
    "Detailed metadata missing",
    "Consider adding the missing fields when they exist (a DOI, a status, a logo…).",
    also=("FOOPS! OM5.2",),
)
def detailed_metadata(scope: ReviewScope) -> Iterator[Hit]:
    for header in scope.ontologies:
        missing = _missing(scope, header.node, DETAILED)
        if missing:
            yield Hit((header.node,), "missing " + ", ".join(missing))


@check(
    "PURL1",
    "FOOPS!",
    "warning",
    "Ontology IRI is not a persistent URL",
    "Mint the ontology IRI on a persistent-URL service such as w3id.org or purl.org.",
)
def persistent_url(scope: ReviewScope) -> Iterator[Hit]:
    for header in scope.ontologies:
        iri = str(header.node)
        host = re.sub(r"^https?://", "", iri).split("/")[0].lower()
        if (
            isinstance(header.node, URIRef)
            and iri.startswith("http")
            and (host not in PERSISTENT_HOSTS)
        ):
            yield Hit((header.node,), f"host {host} is not a persistent-URL service")
