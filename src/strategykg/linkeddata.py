"""What the server says about one IRI: its description as RDF and as a page for people.

A resource's description is its Concise Bounded Description (every triple about it, following
blank nodes) plus the triples that point at it, read from the store's union of named graphs.
A hash namespace (``…/ontology`` for ``…/ontology#Result``) is described as every resource in
it. For the page, the description becomes plain dictionaries (labels in the reader's language,
links mapped from the data's base to this server, the quoted passage in its source text), so
the Jinja2 templates only lay out, with autoescaping on.

JSON-LD is written by pyoxigraph (expanded form) and then compacted against the published
context (:func:`jsonld_context`): properties and classes by name, IRIs of object properties as
strings, text properties as language maps. The rules are few enough to apply exactly; tests
parse the result back and compare it with the Turtle.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from strategykg.namespaces import PREFIXES, curie, longest_first

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
OA = "http://www.w3.org/ns/oa#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LABELS = tuple(
    ox.NamedNode(iri)
    for iri in (
        SKOS + "prefLabel",
        RDFS + "label",
        DCTERMS + "title",
        "https://schema.org/name",
        "http://xmlns.com/foaf/0.1/name",
    )
)
DEFINITIONS = tuple(
    ox.NamedNode(iri) for iri in (SKOS + "definition", DCTERMS + "description", RDFS + "comment")
)
# Text properties written as JSON-LD language maps (the same names the static site uses).
LANGUAGE_MAPS = {
    "label": RDFS + "label",
    "comment": RDFS + "comment",
    "prefLabel": SKOS + "prefLabel",
    "altLabel": SKOS + "altLabel",
    "definition": SKOS + "definition",
    "scopeNote": SKOS + "scopeNote",
    "editorialNote": SKOS + "editorialNote",
    "note": SKOS + "note",
    "title": DCTERMS + "title",
    "description": DCTERMS + "description",
}
STATED_IN = ox.NamedNode("https://w3id.org/strategykg/ontology#statedIn")
IN_DOCUMENT = ox.NamedNode("https://w3id.org/strategykg/ontology#inDocument")
HAS_SELECTOR = ox.NamedNode(OA + "hasSelector")
SEE_ALSO = ox.NamedNode(RDFS + "seeAlso")
LANGUAGE = ox.NamedNode(DCTERMS + "language")
CONTEXT_CHARS = 200
INCOMING_SHOWN = 200
Term = ox.NamedNode | ox.BlankNode | ox.Literal


def primary(tag: str | None) -> str:
    return (tag or "").split("-")[0].lower()


def pick(literals: Iterable[ox.Literal], lang: str) -> ox.Literal | None:
    """The literal to show a reader of lang: exact tag, then a variant (fr-t-en), then English."""
    values = list(literals)
    if not values:
        return None

    def rank(literal: ox.Literal) -> tuple[int, str]:
        tag = (literal.language or "").lower()
        if tag == lang:
            return (0, literal.value)
        if primary(tag) == lang:
            return (1, literal.value)
        if not tag:
            return (2, literal.value)
        if primary(tag) == "en":
            return (3, literal.value)
        return (4, literal.value)

    return min(values, key=rank)


class Vocabulary:
    """Prefixes for compact names, and the data base mapped to this server's paths."""

    def __init__(self, base: str, prefixes: dict[str, str] | None = None):
        self.base = base
        prefixes = dict(prefixes or PREFIXES)
        self.prefixes = prefixes
        self._by_length = longest_first(prefixes)

    def curie(self, iri: str) -> str:
        return curie(iri, self._by_length)

    def href(self, iri: str) -> str:
        """The link to follow for iri: a path on this server for the dataset's IRIs."""
        if iri.startswith(self.base):
            return "/" + iri[len(self.base) :]
        return iri

    def local(self, iri: str) -> bool:
        return iri.startswith(self.base)


@dataclass
class Description:
    """The triples that describe one IRI (or one hash namespace)."""

    subjects: list[ox.NamedNode]
    outgoing: list[ox.Triple]
    incoming: list[ox.Triple]

    def triples(self) -> list[ox.Triple]:
        return list(dict.fromkeys([*self.outgoing, *self.incoming]))


class Describer:
    """Reads descriptions out of a pyoxigraph store (the union of its named graphs)."""

    def __init__(self, store: ox.Store, vocabulary: Vocabulary, texts: dict[str, str]):
        self.store = store
        self.vocabulary = vocabulary
        self.texts = texts  # source file name -> text
        self.graphs = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
        # Hash IRIs grouped by their document, so that the document dereferences to them all.
        # The store's indexes answer every other lookup; a scan in Python here took seconds
        # of the server's start at a million triples.
        self.namespaces: dict[str, list[str]] = defaultdict(list)
        base = json.dumps(vocabulary.base)
        hashed = store.query(
            "SELECT DISTINCT ?s WHERE { ?s ?p ?o "
            f'FILTER (isIRI(?s) && STRSTARTS(STR(?s), {base}) && CONTAINS(STR(?s), "#")) }}',
            use_default_graph_as_union=True,
        )
        for iri in sorted(row["s"].value for row in hashed):  # type: ignore[index, union-attr]
            self.namespaces[iri.split("#", 1)[0]].append(iri)

    # -- lookups ------------------------------------------------------------------------------

    def used(self, iri: str) -> bool:
        """Whether iri, under the base, is a subject, predicate or object of some statement."""
        if not iri.startswith(self.vocabulary.base):
            return False
        try:
            node = ox.NamedNode(iri)
        except ValueError:  # not an IRI at all (a path with a space, say)
            return False
        return any(
            next(iter(self.store.quads_for_pattern(*pattern)), None) is not None
            for pattern in ((node, None, None), (None, None, node), (None, node, None))
        )

    def known(self, iri: str) -> bool:
        return iri in self.namespaces or self.used(iri)

    def triples(self, s=None, p=None, o=None) -> Iterator[ox.Triple]:
        seen = set()
        for quad in self.store.quads_for_pattern(s, p, o):
            triple = ox.Triple(quad.subject, quad.predicate, quad.object)
            if triple not in seen:
                seen.add(triple)
                yield triple

    def values(self, subject: Term, predicate: ox.NamedNode) -> list[Term]:
        return list(
            dict.fromkeys(q.object for q in self.store.quads_for_pattern(subject, predicate, None))
        )

    def describe(self, iri: str) -> Description | None:
        """The CBD of iri (or of every resource of the hash namespace iri) and its incoming links."""
        if not self.known(iri):
            return None
        members = [iri] if self.used(iri) else []
        members += [m for m in self.namespaces.get(iri, []) if m != iri]
        nodes = [ox.NamedNode(m) for m in members]
        outgoing: list[ox.Triple] = []
        seen_blank: set[ox.BlankNode] = set()
        queue: list[Term] = list(nodes)
        while queue:
            node = queue.pop(0)
            for triple in self.triples(node):
                outgoing.append(triple)
                obj = triple.object
                if isinstance(obj, ox.BlankNode) and obj not in seen_blank:
                    seen_blank.add(obj)
                    queue.append(obj)
        incoming: list[ox.Triple] = []
        inside = set(members)
        for node in nodes:
            for triple in self.triples(None, None, node):
                if not (
                    isinstance(triple.subject, ox.NamedNode) and triple.subject.value in inside
                ):
                    incoming.append(triple)
        return Description(subjects=nodes, outgoing=outgoing, incoming=incoming)

    # -- labels -------------------------------------------------------------------------------

    def label(self, node: Term, lang: str) -> ox.Literal | None:
        for prop in LABELS:
            chosen = pick((v for v in self.values(node, prop) if isinstance(v, ox.Literal)), lang)
            if chosen is not None:
                return chosen
        return None

    def link(self, node: Term, lang: str) -> dict[str, object]:
        """A term as a link: its label in lang (or compact name) and where it leads."""
        if isinstance(node, ox.BlankNode):
            return {"text": "_:" + node.value, "href": None, "iri": None, "lang": None}
        label = self.label(node, lang)
        curie = self.vocabulary.curie(node.value)
        return {
            "text": label.value if label is not None else curie,
            "lang": label.language if label is not None else None,
            "href": self.vocabulary.href(node.value),
            "iri": node.value,
            "curie": curie,
        }

    def value(self, term: Term, lang: str, depth: int = 0) -> dict[str, object]:
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value if term.datatype else XSD_STRING
            shown = None
            if not term.language and datatype not in (XSD_STRING,):
                shown = self.vocabulary.curie(datatype)
            return {
                "kind": "literal",
                "text": term.value,
                "lang": term.language,
                "translated": bool(term.language and "-t-" in term.language.lower()),
                "datatype": shown,
            }
        if isinstance(term, ox.BlankNode) and depth < 4:
            return {"kind": "bnode", "rows": self.rows(term, lang, depth + 1)}
        return {"kind": "iri", **self.link(term, lang)}

    def rows(self, node: Term, lang: str, depth: int = 0) -> list[dict[str, object]]:
        grouped: dict[ox.NamedNode, list[Term]] = defaultdict(list)
        for triple in self.triples(node):
            grouped[triple.predicate].append(triple.object)
        rows = []
        for predicate, objects in grouped.items():
            values = [self.value(o, lang, depth) for o in objects]
            values.sort(
                key=lambda v: (
                    v["kind"] != "literal",
                    str(v.get("lang") or ""),
                    str(v.get("text", "")),
                )
            )
            rows.append({"predicate": self.link(predicate, lang), "objects": values})
        rows.sort(
            key=lambda r: (
                r["predicate"]["iri"] != RDF_TYPE.value,
                str(r["predicate"]["text"]).lower(),
            )
        )
        return rows

    # -- pages --------------------------------------------------------------------------------

    def quotes(self, node: ox.NamedNode, lang: str = "en") -> list[dict[str, object]]:
        """The passages node is stated in (or node itself, if it is a passage), in context."""
        passages = self.values(node, STATED_IN)
        if self.values(node, HAS_SELECTOR):
            passages = [node, *passages]
        found = []
        for passage in passages:
            exact = start = end = None
            for selector in self.values(passage, HAS_SELECTOR):
                for triple in self.triples(selector):
                    name = triple.predicate.value
                    if name == OA + "exact":
                        exact = triple.object.value
                    elif name == OA + "start":
                        start = int(triple.object.value)
                    elif name == OA + "end":
                        end = int(triple.object.value)
            documents = self.values(passage, IN_DOCUMENT)
            document = documents[0] if documents else None
            text = self._text_of(document) if document is not None else None
            languages = self.values(document, LANGUAGE) if document is not None else []
            quote: dict[str, object] = {
                "passage": self.link(passage, lang),
                "document": self.link(document, lang) if document is not None else None,
                "lang": languages[0].value if languages else None,
                "exact": exact,
                "start": start,
                "end": end,
                "before": "",
                "after": "",
                "in_context": False,
            }
            if text is not None and start is not None and end is not None and end <= len(text):
                quote.update(
                    before=("…" if start > CONTEXT_CHARS else "")
                    + text[max(0, start - CONTEXT_CHARS) : start],
                    exact=text[start:end],
                    after=text[end : end + CONTEXT_CHARS]
                    + ("…" if end + CONTEXT_CHARS < len(text) else ""),
                    in_context=True,
                    matches=exact is None or text[start:end] == exact,
                )
            found.append(quote)
        return found

    def _text_of(self, document: Term) -> str | None:
        for see_also in self.values(document, SEE_ALSO):
            if isinstance(see_also, ox.NamedNode):
                name = see_also.value.rsplit("/", 1)[-1]
                if name in self.texts:
                    return self.texts[name]
        return next(iter(self.texts.values())) if len(self.texts) == 1 else None

    def page(self, iri: str, lang: str) -> dict[str, object] | None:
        """Everything the resource page of iri shows, as plain data."""
        description = self.describe(iri)
        if description is None:
            return None
        sections = []
        for node in description.subjects:
            label = self.label(node, lang)
            definition = None
            for prop in DEFINITIONS:
                chosen = pick(
                    (v for v in self.values(node, prop) if isinstance(v, ox.Literal)), lang
                )
                if chosen is not None:
                    definition = self.value(chosen, lang)
                    break
            types = [self.link(t, lang) for t in self.values(node, RDF_TYPE)]
            rows = [r for r in self.rows(node, lang) if r["predicate"]["iri"] != RDF_TYPE.value]
            sections.append(
                {
                    "iri": node.value,
                    "anchor": node.value.split("#", 1)[1] if "#" in node.value else None,
                    "curie": self.vocabulary.curie(node.value),
                    "label": label.value
                    if label is not None
                    else self.vocabulary.curie(node.value),
                    "label_lang": label.language if label is not None else None,
                    "types": types,
                    "definition": definition,
                    "rows": rows,
                    "quotes": self.quotes(node, lang),
                    "group": _group(types),
                }
            )
        if len(sections) > 1:
            order = {"Ontology": 0, "Class": 1, "Property": 2, "Shape": 3, "Individual": 4}
            head = [s for s in sections if s["iri"] == iri]
            rest = sorted(
                (s for s in sections if s["iri"] != iri),
                key=lambda s: (order.get(str(s["group"]), 5), str(s["label"]).lower()),
            )
            sections = head + rest
        incoming = []
        for triple in description.incoming[:INCOMING_SHOWN]:
            incoming.append(
                {
                    "subject": self.link(triple.subject, lang),
                    "predicate": self.link(triple.predicate, lang),
                    "object": triple.object.value,
                }
            )
        incoming.sort(
            key=lambda r: (str(r["predicate"]["text"]).lower(), str(r["subject"]["text"]).lower())
        )
        return {
            "iri": iri,
            "sections": sections,
            "incoming": incoming,
            "incoming_total": len(description.incoming),
        }


def _group(types: list[dict[str, object]]) -> str:
    names = {str(t.get("iri")) for t in types}
    if OWL + "Ontology" in names:
        return "Ontology"
    if OWL + "Class" in names or RDFS + "Class" in names:
        return "Class"
    if any(n.endswith(("Property",)) and n.startswith((OWL, RDFS[:-1])) for n in names):
        return "Property"
    if "http://www.w3.org/ns/shacl#NodeShape" in names:
        return "Shape"
    return "Individual"


# -- JSON-LD ---------------------------------------------------------------------------------


def jsonld_context(store: ox.Store, ontology_namespace: str, prefixes: dict[str, str]) -> dict:
    """The published @context: prefixes, the ontology's classes and properties, language maps."""
    context: dict[str, object] = dict(sorted(prefixes.items()))
    kinds = {
        OWL + "ObjectProperty": "@id",
        OWL + "DatatypeProperty": None,
        OWL + "AnnotationProperty": None,
        OWL + "Class": "class",
    }
    terms: dict[str, object] = {}
    for kind, coerce in kinds.items():
        for quad in store.quads_for_pattern(None, RDF_TYPE, ox.NamedNode(kind)):
            iri = quad.subject
            if not isinstance(iri, ox.NamedNode) or not iri.value.startswith(ontology_namespace):
                continue
            name = iri.value[len(ontology_namespace) :]
            if not name or name in terms or name in prefixes or name in LANGUAGE_MAPS:
                continue
            if coerce == "@id":
                terms[name] = {"@id": iri.value, "@type": "@id"}
            else:
                terms[name] = iri.value
    for name, iri in LANGUAGE_MAPS.items():
        terms[name] = {"@id": iri, "@container": "@language"}
    context.update(sorted(terms.items()))
    return {"@context": context}


class JsonLdCompactor:
    """Compacts pyoxigraph's expanded JSON-LD against the published context, exactly."""

    def __init__(self, context: dict, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        self.terms: dict[str, tuple[str, str | None]] = {}  # IRI -> (term, "@id"|"@language"|None)
        for name, definition in context["@context"].items():
            if isinstance(definition, str):
                if name in vocabulary.prefixes:
                    continue
                self.terms.setdefault(definition, (name, None))
            else:
                mode = "@id" if definition.get("@type") == "@id" else definition.get("@container")
                self.terms.setdefault(definition["@id"], (name, mode))

    def name(self, iri: str) -> str:
        found = self.terms.get(iri)
        if found and found[1] is None:
            return found[0]
        return self.vocabulary.curie(iri)

    def node(self, node: dict) -> dict:
        out: dict[str, object] = {"@id": node["@id"]}
        type_iris = list(node.get("@type", []))
        rdf_types = node.get(RDF_TYPE.value, [])
        type_iris += [v["@id"] for v in rdf_types if "@id" in v and not v["@id"].startswith("_:")]
        rest = [v for v in rdf_types if "@id" not in v or v["@id"].startswith("_:")]
        if type_iris:
            types = [self.name(t) for t in dict.fromkeys(type_iris)]
            out["@type"] = types[0] if len(types) == 1 else types
        for key, values in node.items():
            if key.startswith("@"):
                continue
            if key == RDF_TYPE.value:
                if not rest:
                    continue
                values = rest
            term, mode = self.terms.get(key, (None, None))
            plain: list[object] = []
            for value in values:
                if mode == "@id" and "@id" in value:
                    out.setdefault(term, []).append(value["@id"])  # type: ignore[union-attr]
                elif mode == "@language" and "@language" in value:
                    by_lang = out.setdefault(term, {})
                    by_lang.setdefault(value["@language"], []).append(value["@value"])  # type: ignore[union-attr]
                elif term is not None and mode is None and _plain_string(value):
                    out.setdefault(term, []).append(value["@value"])  # type: ignore[union-attr]
                elif term is not None and mode is None:
                    out.setdefault(term, []).append(value)  # type: ignore[union-attr]
                else:
                    plain.append(value["@value"] if _plain_string(value) else value)
            if plain:
                out[self.vocabulary.curie(key)] = plain
        for key, value in list(out.items()):
            if isinstance(value, list) and len(value) == 1:
                out[key] = value[0]
            elif isinstance(value, dict) and not key.startswith("@"):
                out[key] = {k: v[0] if len(v) == 1 else v for k, v in value.items()}
        return out

    def compact(self, expanded: bytes, context_url: str) -> bytes:
        nodes = [self.node(n) for n in json.loads(expanded)]
        document: dict[str, object] = {"@context": context_url}
        if len(nodes) == 1:
            document.update(nodes[0])
        else:
            document["@graph"] = nodes
        return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _plain_string(value: dict) -> bool:
    return (
        "@value" in value and "@language" not in value and value.get("@type") in (None, XSD_STRING)
    )
