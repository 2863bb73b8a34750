"""The IRIs strategykg mints and the vocabularies it reuses, in one place."""

from __future__ import annotations

from rdflib import Namespace

DEFAULT_BASE = "https://w3id.org/strategykg/"

SKG = Namespace(DEFAULT_BASE + "ontology#")
ONTOLOGY_IRI = DEFAULT_BASE + "ontology"
ID = Namespace(DEFAULT_BASE + "id/")
THEME = Namespace(DEFAULT_BASE + "id/theme/")
GRAPH = Namespace(DEFAULT_BASE + "graph/")

OA = Namespace("http://www.w3.org/ns/oa#")
ORG = Namespace("http://www.w3.org/ns/org#")
VANN = Namespace("http://purl.org/vocab/vann/")
SDG = Namespace("http://metadata.un.org/sdg/")
WD = Namespace("http://www.wikidata.org/entity/")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
# W3C's names for the formats (https://www.w3.org/ns/formats/), by strategykg's format keys.
W3C_FORMATS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
    "trig": "TriG",
    "nquads": "N-Quads",
}

# Prefixes used when strategykg writes RDF or SPARQL for people to read.
PREFIXES: dict[str, str] = {
    "skg": str(SKG),
    "id": str(ID),
    "theme": str(THEME),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": str(ORG),
    "oa": str(OA),
    "sh": "http://www.w3.org/ns/shacl#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vann": str(VANN),
    "sdg": str(SDG),
    "wd": str(WD),
}


def curie(iri: str, prefixes: list[tuple[str, str]], strict: bool = True) -> str:
    """iri as prefix:local with the first matching namespace (longest first), or iri itself.

    Strict, the local part must be plain (letters, digits, -, _ and .), so the CURIE reads
    back the same in Turtle and SPARQL; loose, any local part will do (tables for people,
    where ``id:result/justice-in-guatemala`` reads better than the whole IRI).
    """
    for prefix, namespace in prefixes:
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and (not strict or all(c.isalnum() or c in "-_." for c in local)):
                return f"{prefix}:{local}"
    return iri


def longest_first(prefixes: dict[str, str]) -> list[tuple[str, str]]:
    """prefixes in the order curie() wants them: the most specific namespace first."""
    return sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
