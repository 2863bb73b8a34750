"""The pitfalls of the catalogues that no offline rule can decide, and why."""

from __future__ import annotations

from strategykg.pitfalls.catalogue import NotChecked

_JUDGEMENT = "needs human judgement of the meaning"
_WEB = "needs HTTP access to the published ontology; none is reachable here, so it is not faked"
_OBO = "OBO convention (oboInOwl synonyms, subsets, xrefs, 'obsolete' labels); this ontology uses SKOS and owl:deprecated"

NOT_CHECKED: tuple[NotChecked, ...] = (
    NotChecked("P01", "OOPS!", "Polysemous elements", _JUDGEMENT),
    NotChecked("P05", "OOPS!", "Wrong inverse relationships", _JUDGEMENT),
    NotChecked(
        "P09",
        "OOPS!",
        "Missing domain information",
        "compared with the requirements: the competency questions in queries/ are tested instead",
    ),
    NotChecked("P12", "OOPS!", "Equivalent properties not declared", _JUDGEMENT),
    NotChecked("P14", "OOPS!", "Misusing owl:allValuesFrom", _JUDGEMENT),
    NotChecked("P15", "OOPS!", "'some not' in place of 'not some'", _JUDGEMENT),
    NotChecked("P16", "OOPS!", "Primitive class in place of a defined one", _JUDGEMENT),
    NotChecked("P17", "OOPS!", "Over-specialised hierarchy", _JUDGEMENT),
    NotChecked("P18", "OOPS!", "Over-specialised domain or range", _JUDGEMENT),
    NotChecked("P20", "OOPS!", "Misusing ontology annotations", _JUDGEMENT),
    NotChecked("P27", "OOPS!", "Wrong equivalent properties", _JUDGEMENT),
    NotChecked("P28", "OOPS!", "Wrong symmetric relationships", _JUDGEMENT),
    NotChecked("P29", "OOPS!", "Wrong transitive relationships", _JUDGEMENT),
    NotChecked("P30", "OOPS!", "Equivalent classes not declared", _JUDGEMENT),
    NotChecked("P31", "OOPS!", "Wrong equivalent classes", _JUDGEMENT),
    NotChecked("P37", "OOPS!", "Ontology not available on the Web", _WEB),
    NotChecked("URI1", "FOOPS!", "Ontology URI is resolvable", _WEB),
    NotChecked("URI2", "FOOPS!", "Consistent ontology IDs", _WEB),
    NotChecked("VER2", "FOOPS!", "Version IRI resolves", _WEB),
    NotChecked("CN1", "FOOPS!", "Content negotiation for RDF", _WEB),
    NotChecked("DOC1", "FOOPS!", "HTML documentation", _WEB),
    NotChecked("OM4.2", "FOOPS!", "License resolvable", _WEB),
    NotChecked("FIND2", "FOOPS!", "Prefix in a community registry", _WEB),
    NotChecked("FIND3", "FOOPS!", "Ontology in a metadata registry", _WEB),
    NotChecked(
        "multiple_equivalent_classes",
        "ROBOT",
        "Class equivalent to several named classes",
        "covered by P02, which reports every pair of equivalent named classes",
    ),
    NotChecked(
        "equivalent_class_axiom_no_genus",
        "ROBOT",
        "Logical definition without a genus",
        "OBO design pattern for defined classes; this ontology defines none",
    ),
    NotChecked("duplicate_exact_synonym", "ROBOT", "Duplicate exact synonym", _OBO),
    NotChecked("invalid_xref", "ROBOT", "Invalid cross-reference", _OBO),
    NotChecked("missing_obsolete_label", "ROBOT", "Deprecated term without 'obsolete'", _OBO),
    NotChecked("misused_obsolete_label", "ROBOT", "'obsolete' label on a live term", _OBO),
    NotChecked("misused_replaced_by", "ROBOT", "IAO 'term replaced by' misuse", _OBO),
    NotChecked("missing_subset_declaration", "ROBOT", "Undeclared subset", _OBO),
    NotChecked("invalid_entity_uri", "ROBOT", "OBO PURL pattern", _OBO),
)
