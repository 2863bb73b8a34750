"""Generate realistic synthetic strategy graphs of any size, optionally with known defects.

The generator follows the shipped model exactly: it reads the actor classes, role properties
and comparators from ontology/strategy.ttl, the themes from ontology/themes.ttl, and the
real actors and places from data/ (so the competency questions' default parameters, such as
MINUSTAH or the Caribbean, find rows). It writes data/-style Turtle files, one source text per
strategy under sources/, whose passages are quoted at their exact code-point offsets, and a
manifest.json that lists every node made invalid on purpose and the findings the validator
must report for it (focus node, path, constraint component).

    .venv/bin/python scripts/synthetic.py --triples 100000 --seed 7 --out /tmp/syn
    .venv/bin/python scripts/synthetic.py --triples 10000 --invalid 0.03 --out /tmp/bad
    .venv/bin/strategykg validate /tmp/syn/*.ttl

The same seed gives the same bytes. The triple count is of the files written (the ontology and
themes are loaded from the project at validation time); it lands within about 2 % of --triples
from 10 thousand triples up.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

BASE = "https://w3id.org/strategykg/"
SKG = BASE + "ontology#"
SH = "http://www.w3.org/ns/shacl#"
PREFIXES = {
    "skg": SKG,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "org": "http://www.w3.org/ns/org#",
    "strategy": BASE + "id/strategy/",
    "goal": BASE + "id/goal/",
    "objective": BASE + "id/objective/",
    "engagement": BASE + "id/engagement/",
    "result": BASE + "id/result/",
    "rationale": BASE + "id/rationale/",
    "assessment": BASE + "id/assessment/",
    "quantity": BASE + "id/quantity/",
    "actor": BASE + "id/actor/",
    "place": BASE + "id/place/",
    "theme": BASE + "id/theme/",
    "document": BASE + "id/document/",
}
# Only these properties of the shipped actors and places are reused: the rest (passages,
# dcterms:source, notes) belongs to the shipped source text, not to a synthetic one.
REUSED = {
    PREFIXES["rdf"] + "type",
    PREFIXES["rdfs"] + "label",
    PREFIXES["skos"] + "altLabel",
    PREFIXES["skos"] + "exactMatch",
    PREFIXES["owl"] + "sameAs",
    PREFIXES["org"] + "subOrganizationOf",
    PREFIXES["org"] + "unitOf",
    PREFIXES["org"] + "hasUnit",
    SKG + "basedIn",
    SKG + "administeredBy",
    SKG + "withinPlace",
    SKG + "m49Code",
    SKG + "isoAlpha2",
    SKG + "isoAlpha3",
}
NBSP = "\u00a0"
FILE_TRIPLES = 50_000  # statements are split into files of about this many triples
GOAL_TRIPLES = 350  # about what one goal with its statements and passages adds

# ---------------------------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------------------------

_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}


def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A Turtle literal; non-ASCII characters are written as they are (UTF-8)."""
    body = '"' + text.translate(_ESCAPES) + '"'
    if lang:
        return f"{body}@{lang}"
    return f"{body}^^{datatype}" if datatype else body


def en(text: str) -> str:
    return lit(text, "en")


def fr(text: str) -> str:
    """French labels are the project's translations, tagged as such (fr-t-en)."""
    return lit(text, "fr-t-en")


def expand(term: str) -> str:
    """The full IRI of a prefixed name or <IRI> (for the manifest)."""
    if term.startswith("<"):
        return term[1:-1]
    prefix, _, local = term.partition(":")
    return PREFIXES[prefix] + local


_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def ox_term(term: ox.NamedNode | ox.Literal | ox.BlankNode, predicate: bool = False) -> str:
    """A pyoxigraph term in Turtle: a prefixed name where one fits, so defects can find it."""
    if isinstance(term, ox.NamedNode):
        if predicate and term.value == PREFIXES["rdf"] + "type":
            return "a"
        for prefix, namespace in PREFIXES.items():
            local = term.value.removeprefix(namespace)
            if local != term.value and _LOCAL.fullmatch(local):
                return f"{prefix}:{local}"
    return str(term)  # its N-Triples form is valid Turtle


# ---------------------------------------------------------------------------------------------
# What the generator takes from the project
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Labelled:
    iri: str
    en: str
    fr: str


@dataclass
class Vocabulary:
    """The model the synthetic data must follow, read from the shipped files."""

    themes: list[Labelled]
    actor_classes: list[Labelled]
    comparators: list[tuple[Labelled, str]]  # (comparator, notation)
    roles: dict[str, str]  # local name -> prefixed role property
    reused: dict[str, list[tuple[str, str]]]  # reused actor or place -> properties
    reused_kinds: dict[str, str]  # reused node -> its class IRI
    reused_labels: dict[str, dict[str, str]]  # reused node -> language -> label


def _store(*paths: Path) -> ox.Store:
    store = ox.Store()
    for path in paths:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
    return store


def _labelled(store: ox.Store, sparql: str) -> list[Labelled]:
    """One Labelled per IRI (the first English and French labels, in a stable order)."""
    found: dict[str, Labelled] = {}
    rows = sorted((r["x"].value, r["en"].value, r["fr"].value) for r in store.query(sparql))
    for iri, label_en, label_fr in rows:
        found.setdefault(iri, Labelled(iri, label_en, label_fr))
    return list(found.values())


def read_vocabulary(root: Path) -> Vocabulary:
    """Read classes, roles, comparators and themes from ontology/ and actors and places from data/."""
    ontology = _store(root / "ontology" / "strategy.ttl", root / "ontology" / "themes.ttl")
    head = (
        f"PREFIX skg: <{SKG}> PREFIX skos: <{PREFIXES['skos']}> PREFIX rdfs: <{PREFIXES['rdfs']}> "
    )
    themes = _labelled(
        ontology,
        head + "SELECT ?x ?en ?fr WHERE { ?x a skg:Theme ; skos:prefLabel ?en , ?fr . "
        'FILTER (lang(?en) = "en" && langMatches(lang(?fr), "fr")) }',
    )
    actor_classes = _labelled(
        ontology,
        head + "SELECT ?x ?en ?fr WHERE { ?x rdfs:subClassOf* skg:Actor ; rdfs:label ?en , ?fr . "
        'FILTER (lang(?en) = "en" && langMatches(lang(?fr), "fr")) }',
    )
    comparators = [
        (Labelled(r["x"].value, r["en"].value, r["fr"].value), r["n"].value)
        for r in ontology.query(
            head + "SELECT ?x ?n ?en ?fr WHERE { skg:Comparators skos:hasTopConcept ?x . "
            "?x skos:notation ?n ; rdfs:label ?en , ?fr . "
            'FILTER (lang(?en) = "en" && langMatches(lang(?fr), "fr")) } ORDER BY ?n'
        )
    ]
    roles = {
        r["p"].value.removeprefix(SKG): "skg:" + r["p"].value.removeprefix(SKG)
        for r in ontology.query(head + "SELECT ?p WHERE { ?p rdfs:subPropertyOf skg:involves }")
    }
    # The classes and roles the generator writes by name must still be in the ontology.
    needed = {"Government", "GovernmentDepartment", "PopulationGroup", "Programme"}
    needed |= {"SecurityForce", "InternationalOrganization", "PeacekeepingMission"}
    missing = needed - {c.iri.removeprefix(SKG) for c in actor_classes}
    missing |= {"supportedBy", "deliveredBy", "deliveredThrough", "beneficiary", "affects"} - set(
        roles
    )
    if missing or len(themes) < 5 or len(comparators) < 2:
        raise SystemExit(f"synthetic: the ontology lacks what the generator needs: {missing}")
    data = _store(root / "data" / "places.ttl", root / "data" / "actors.ttl")
    reused: dict[str, list[tuple[str, str]]] = {}
    kinds: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = {}
    for quad in sorted(data, key=lambda q: (q.subject.value, q.predicate.value, str(q.object))):
        if quad.predicate.value not in REUSED or not isinstance(quad.subject, ox.NamedNode):
            continue
        subject = ox_term(quad.subject)
        reused.setdefault(subject, []).append(
            (ox_term(quad.predicate, predicate=True), ox_term(quad.object))
        )
        if quad.predicate.value == PREFIXES["rdf"] + "type":
            kinds[subject] = quad.object.value
        if quad.predicate.value == PREFIXES["rdfs"] + "label":
            labels.setdefault(subject, {})[quad.object.language[:2]] = quad.object.value
    return Vocabulary(themes, actor_classes, comparators, roles, reused, kinds, labels)


# ---------------------------------------------------------------------------------------------
# The graph being generated
# ---------------------------------------------------------------------------------------------


@dataclass
class Node:
    """A subject and its properties, written as one Turtle block."""

    term: str
    kind: str
    props: list[tuple[str, str]]

    def add(self, predicate: str, obj: str) -> None:
        self.props.append((predicate, obj))

    def values(self, predicate: str) -> list[str]:
        return [o for p, o in self.props if p == predicate]

    def drop(self, predicate: str, keep: Callable[[str], bool] = lambda _o: False) -> None:
        self.props = [(p, o) for p, o in self.props if p != predicate or keep(o)]


@dataclass
class Place:
    term: str
    en: str
    fr: str
    country: bool


@dataclass
class Actor:
    term: str
    kind: str  # local name of its class
    en: str


@dataclass
class Document:
    """One strategy's source text, built up piece by piece with code-point offsets."""

    slug: str
    term: str
    pieces: list[str] = field(default_factory=list)
    length: int = 0

    def write(self, text: str) -> tuple[int, int]:
        start = self.length
        self.pieces.append(text)
        self.length += len(text)
        return start, self.length

    @property
    def text(self) -> str:
        return "".join(self.pieces)


@dataclass
class Graph:
    """Everything generated: files of nodes, source texts, and the passages' quotes."""

    files: dict[str, list[Node]] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    quotes: dict[str, tuple[Document, int, int]] = field(default_factory=dict)
    blank: int = 0
    created: list[Node] = field(default_factory=list)  # every node, in order of creation

    def node(self, file: str, term: str, kind: str, *props: tuple[str, str]) -> Node:
        node = Node(term, kind, list(props))
        self.files.setdefault(file, []).append(node)
        self.created.append(node)
        return node

    def triples(self) -> int:
        return sum(len(n.props) for nodes in self.files.values() for n in nodes)


def _slug(index: int) -> str:
    return f"s{index:05d}"


# Word lists for names and sentences: English and French side by side, with accents,
# typographic apostrophes and no-break spaces on purpose.
SYLLABLES = ["Val", "dor", "Es", "tré", "Mar", "sol", "Ter", "no", "Cal", "ri", "Lu", "ma", "Béa"]
SYLLABLES += ["Mon", "qui", "Ara", "zu", "Ol", "ve", "Sa", "lin", "Ca", "na"]
ENDINGS = [("ia", "ie"), ("ica", "ique"), ("ana", "ane"), ("ador", "ador"), ("ão", "ão")]
ENDINGS += [("ora", "ore"), ("ina", "ine")]
REGION_FORMS = [("{} Isthmus", "Isthme de {}"), ("{} Islands", "Îles {}")]
REGION_FORMS += [("{} Highlands", "Hauts plateaux de {}"), ("{} Basin", "Bassin de {}")]
DOMAINS = [("Justice", "de la Justice"), ("Public Security", "de la Sécurité publique")]
DOMAINS += [("Foreign Affairs", "des Affaires étrangères"), ("the Interior", "de l’Intérieur")]
DOMAINS += [("Women’s Affairs", "de la Condition féminine"), ("Defence", "de la Défense")]
GROUPS = [("Women and girls in {}", "Femmes et filles de {}"), ("Youth in {}", "Jeunes de {}")]
GROUPS += [("Rural communities of {}", "Communautés rurales de {}")]
GROUPS += [("Victims of violence in {}", "Victimes de violence de {}")]
FORCES = [("National Police of {}", "Police nationale de {}")]
FORCES += [
    ("Armed Forces of {}", "Forces armées de {}"),
    ("Coast Guard of {}", "Garde côtière de {}"),
]
VERBS = [("Supporting", "Supported", "Appuyer"), ("Strengthening", "Strengthened", "Renforcer")]
VERBS += [("Promoting", "Promoted", "Promouvoir"), ("Improving", "Improved", "Améliorer")]
VERBS += [("Advancing", "Advanced", "Faire progresser"), ("Protecting", "Protected", "Protéger")]
UNITS = [("candidates", "candidats"), ("police officers", "policiers"), ("judges", "juges")]
UNITS += [("communities", "communautés"), ("electoral observers", "observateurs électoraux")]
UNITS += [("women and girls", "femmes et filles"), ("prosecutors", "procureurs")]
COMPARATOR_EN = {
    "=": "",
    ">": "more than ",
    ">=": "at least ",
    "<": "fewer than ",
    "<=": "at most ",
}
COMPARATOR_FR = {"=": "", ">": "plus de ", ">=": "au moins ", "<": "moins de ", "<=": "au plus "}


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


def _thousands(value: int, sep: str) -> str:
    return f"{value:,}".replace(",", sep)


class Generator:
    """Builds a graph of strategies until it holds about the requested number of triples."""

    def __init__(self, vocabulary: Vocabulary, seed: int, triples: int):
        self.v = vocabulary
        self.rng = random.Random(seed)
        self.target = triples
        self.graph = Graph()
        self.places: list[Place] = []
        self.actors: list[Actor] = []
        self.names: set[str] = set()

    # -- shared pools ---------------------------------------------------------------------

    def name(self) -> tuple[str, str]:
        """A fictional place name in English and French (Valdoria, Valdorie)."""
        while True:
            stem = "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(1, 2)))
            stem = stem[:1].upper() + stem[1:].lower()
            end_en, end_fr = self.rng.choice(ENDINGS)
            if stem + end_en not in self.names:
                self.names.add(stem + end_en)
                return stem + end_en, stem + end_fr

    def reuse_shipped(self) -> None:
        for term, props in self.v.reused.items():
            kind = self.v.reused_kinds.get(term, "")
            labels = self.v.reused_labels.get(term, {})
            if kind in (SKG + "Country", SKG + "Region"):
                self.graph.node("places.ttl", term, "place", *props)
                self.places.append(
                    Place(
                        term, labels.get("en", ""), labels.get("fr", ""), kind.endswith("Country")
                    )
                )
            else:
                self.graph.node("actors.ttl", term, "actor", *props)
                self.actors.append(Actor(term, kind.removeprefix(SKG), labels.get("en", "")))

    def make_places(self, count: int) -> None:
        regions = [p for p in self.places if not p.country]
        for index in range(count):
            name_en, name_fr = self.name()
            term = f"place:syn-{index:04d}"
            if index % 5 == 0 or not regions:
                form_en, form_fr = self.rng.choice(REGION_FORMS)
                place = Place(term, form_en.format(name_en), form_fr.format(name_fr), False)
                within = self.rng.choice(regions) if regions else None
                node = self.graph.node("places.ttl", term, "place", ("a", "skg:Region"))
                regions.append(place)
            else:
                place = Place(term, name_en, name_fr, True)
                within = self.rng.choice(regions)
                node = self.graph.node("places.ttl", term, "place", ("a", "skg:Country"))
                code = "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(3))
                node.add("skg:isoAlpha2", lit(code[:2]))
                node.add("skg:isoAlpha3", lit(code))
            node.add("rdfs:label", en(place.en))
            node.add("rdfs:label", fr(place.fr))
            node.add("skg:m49Code", lit(f"{self.rng.randint(600, 999):03d}"))
            if within is not None:
                node.add("skg:withinPlace", within.term)
            self.places.append(place)

    def make_actors(self, count: int) -> None:
        kinds = [c.iri.removeprefix(SKG) for c in self.v.actor_classes]
        class_labels = {c.iri.removeprefix(SKG): c for c in self.v.actor_classes}
        countries = [p for p in self.places if p.country]
        for index in range(count):
            # Governments and departments first, so units and programmes have a parent.
            kind = kinds[index] if index < len(kinds) else self.rng.choice(kinds)
            place = self.rng.choice(countries)
            term = f"actor:syn-{index:05d}"
            node = self.graph.node("actors.ttl", term, "actor", ("a", f"skg:{kind}"))
            name_en, name_fr = self.actor_name(kind, place, class_labels[kind])
            node.add("rdfs:label", en(name_en))
            node.add("rdfs:label", fr(name_fr))
            node.add("skg:basedIn", place.term)
            parents = {
                "DepartmentalUnit": ("org:unitOf", "GovernmentDepartment"),
                "GovernmentDepartment": ("org:subOrganizationOf", "Government"),
                "PeacekeepingMission": ("org:subOrganizationOf", "InternationalOrganization"),
                "Programme": ("skg:administeredBy", "GovernmentDepartment"),
            }
            if kind in parents:
                predicate, parent_kind = parents[kind]
                candidates = [a for a in self.actors if a.kind == parent_kind]
                if candidates:
                    node.add(predicate, self.rng.choice(candidates).term)
            if kind in ("GovernmentDepartment", "InternationalOrganization"):
                acronym = "".join(w[0] for w in name_en.split() if w[0].isupper())
                node.add("skos:altLabel", en(acronym))
            self.actors.append(Actor(term, kind, name_en))

    def actor_name(self, kind: str, place: Place, labels: Labelled) -> tuple[str, str]:
        pick = self.rng.choice
        if kind == "Government":
            return f"Government of {place.en}", f"Gouvernement de {place.fr}"
        if kind == "GovernmentDepartment":
            domain_en, domain_fr = pick(DOMAINS)
            return f"Ministry of {domain_en} of {place.en}", f"Ministère {domain_fr} de {place.fr}"
        if kind == "DepartmentalUnit":
            domain_en, domain_fr = pick(DOMAINS)
            return f"{domain_en} Task Force", f"Groupe de travail {domain_fr}"
        if kind == "Programme":
            theme = pick(self.v.themes)
            return (
                f"{theme.en} Programme in {place.en}",
                f"Programme «{NBSP}{_lower(theme.fr)}{NBSP}» — {place.fr}",
            )
        if kind == "SecurityForce":
            form_en, form_fr = pick(FORCES)
            return form_en.format(place.en), form_fr.format(place.fr)
        if kind == "PopulationGroup":
            form_en, form_fr = pick(GROUPS)
            return form_en.format(place.en), form_fr.format(place.fr)
        if kind == "PeacekeepingMission":
            return f"Stabilization Mission in {place.en}", f"Mission de stabilisation — {place.fr}"
        if kind == "InternationalOrganization":
            name_en, name_fr = self.name()
            return f"{name_en} Regional Organization", f"Organisation régionale {name_fr}"
        if kind == "NonGovernmentalOrganization":
            name_en, name_fr = self.name()
            return f"{name_en} Legal Aid Network", f"Réseau d’aide juridique {name_fr}"
        if kind == "Actor":
            return f"Partners in {place.en}", f"Partenaires de {place.fr}"
        return f"{labels.en} of {place.en}", f"{labels.fr} — {place.fr}"

    def actors_of(self, *kinds: str) -> list[Actor]:
        return [a for a in self.actors if a.kind in kinds] or self.actors

    # -- statements -----------------------------------------------------------------------

    def passage(self, file: str, doc: Document, quote: str, lead: str = "") -> str:
        """Write lead + quote into the document and describe the quote's span as a passage."""
        doc.write(lead)
        start, _end = doc.write(quote)
        return self.sub_passage(file, doc, start, quote)

    def sub_passage(self, file: str, doc: Document, start: int, quote: str) -> str:
        """A passage for a span of text already written, with its quote and position selectors."""
        end = start + len(quote)
        term = f"<{BASE}id/document/{doc.slug}/chars/{start}-{end}>"
        self.graph.quotes[term] = (doc, start, end)
        q, p = self._blank(), self._blank()
        self.graph.node(
            file,
            term,
            "passage",
            ("a", "skg:Passage"),
            ("skg:inDocument", doc.term),
            ("oa:hasSelector", q),
            ("oa:hasSelector", p),
        )
        self.graph.node(
            file, q, "selector", ("a", "oa:TextQuoteSelector"), ("oa:exact", lit(quote))
        )
        self.graph.node(
            file,
            p,
            "selector",
            ("a", "oa:TextPositionSelector"),
            ("oa:start", lit(str(start), datatype="xsd:integer")),
            ("oa:end", lit(str(end), datatype="xsd:integer")),
        )
        return term

    def _blank(self) -> str:
        self.graph.blank += 1
        return f"_:b{self.graph.blank}"

    def themes(self, low: int, high: int) -> list[Labelled]:
        return self.rng.sample(self.v.themes, self.rng.randint(low, high))

    def statement(
        self, file: str, kind: str, term: str, label: tuple[str, str], passage: str, doc: Document
    ) -> Node:
        node = self.graph.node(file, term, kind.lower(), ("a", f"skg:{kind}"))
        node.add("rdfs:label", en(label[0]))
        node.add("rdfs:label", fr(label[1]))
        node.add("skg:statedIn", passage)
        node.add("dcterms:source", doc.term)
        return node

    def strategy(self, index: int, file: str, enough: Callable[[], bool]) -> None:
        """Generate one strategy goal by goal, stopping early once there is enough."""
        rng, slug = self.rng, _slug(index)
        region = self.rng.choice([p for p in self.places if not p.country])
        owner = rng.choice(self.actors_of("Government"))
        title_en = f"Engagement in the {region.en}, {2000 + rng.randint(5, 30)}"
        title_fr = f"Engagement — {region.fr}"
        doc = Document(slug, f"document:{slug}")
        doc.write(title_en + "\n")
        self.graph.documents.append(doc)
        strategy = self.graph.node(file, f"strategy:{slug}", "strategy", ("a", "skg:Strategy"))
        strategy.add("rdfs:label", en(title_en))
        strategy.add("rdfs:label", fr(title_fr))
        strategy.add("skg:pursuedBy", owner.term)
        strategy.add("skg:concernsPlace", region.term)
        strategy.add("dcterms:source", doc.term)
        document = self.graph.node(file, doc.term, "document", ("a", "skg:SourceDocument"))
        document.add("rdfs:label", en(title_en))
        document.add("rdfs:label", fr(title_fr))
        document.add("dcterms:title", en(title_en))
        document.add("dcterms:language", lit("en"))
        document.add("dcterms:format", lit("text/plain; charset=utf-8"))
        document.add("dcterms:isPartOf", strategy.term)
        document.add("rdfs:seeAlso", f"<{BASE}sources/{slug}.txt>")
        for number in range(1, rng.randint(2, 6) + 1):
            strategy.add("skg:hasGoal", f"goal:{slug}-g{number}")
            self.goal(file, doc, f"{slug}-g{number}", number, strategy.term, owner)
            if enough():
                break
        # The length and checksum are known only once the whole text is written.
        text = doc.text
        document.add("skg:characterCount", lit(str(len(text)), datatype="xsd:integer"))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        document.add("skg:sha256", lit(digest, datatype="xsd:hexBinary"))

    def goal(
        self, file: str, doc: Document, slug: str, number: int, strategy: str, owner: Actor
    ) -> None:
        rng = self.rng
        focus = self.themes(1, 2)
        place = rng.choice(self.places)
        verb = rng.choice(VERBS)
        title_en = f"{verb[0]} {' and '.join(_lower(t.en) for t in focus)} in {place.en}"
        title_fr = f"{verb[2]} {' et '.join(_lower(t.fr) for t in focus)} — {place.fr}"
        heading = self.passage(file, doc, f"Goal{NBSP}{number}: {title_en}", "\n")
        goal = self.statement(file, "Goal", f"goal:{slug}", (title_en, title_fr), heading, doc)
        goal.add("skos:notation", lit(str(number)))
        goal.add("skg:goalOf", strategy)
        goal.add("skg:pursuedBy", owner.term)
        for theme in focus:
            goal.add("skg:hasTheme", f"<{theme.iri}>")
        goal.add("skg:concernsPlace", place.term)
        doc.write("\n\n")
        for n in range(1, rng.randint(1, 2) + 1):
            goal.add("skg:hasRationale", self.rationale(file, doc, f"{slug}-{n}", place))
        doc.write("\n\nOur objectives:\n\n")
        doc.write(f"To build on momentum towards our goal, {owner.en} is:\n")
        for n in range(1, rng.randint(2, 6) + 1):
            goal.add("skg:hasObjective", self.objective(file, doc, f"{slug}-o{n}", n, goal, owner))
        doc.write("\n\nOur engagement:\n")
        for n in range(1, rng.randint(1, 3) + 1):
            goal.add("skg:hasEngagement", self.engagement(file, doc, f"{slug}-e{n}", goal, owner))
        doc.write("\n\nAchieving results:\n\n")
        if rng.random() < 0.7:
            goal.add("skg:hasAssessment", self.assessment(file, doc, slug, focus[0]))
        doc.write(f"{NBSP} We have:\n")
        for n in range(1, rng.randint(2, 8) + 1):
            goal.add("skg:hasResult", self.result(file, doc, f"{slug}-r{n}", n, goal))
        doc.write("\n")

    def rationale(self, file: str, doc: Document, slug: str, place: Place) -> str:
        theme = self.rng.choice(self.v.themes)
        group = self.rng.choice(self.actors_of("PopulationGroup"))
        quote = f"Insecurity in {place.en} threatens {_lower(theme.en)} and affects {group.en}."
        passage = self.passage(file, doc, quote, " ")
        label = (
            f"Threats to {_lower(theme.en)} in {place.en}",
            f"Menaces{NBSP}: {_lower(theme.fr)} — {place.fr}",
        )
        node = self.statement(file, "Rationale", f"rationale:{slug}", label, passage, doc)
        node.add("skg:hasTheme", f"<{theme.iri}>")
        node.add("skg:concernsPlace", place.term)
        node.add("skg:affects", group.term)
        return node.term

    def objective(
        self, file: str, doc: Document, slug: str, number: int, goal: Node, owner: Actor
    ) -> str:
        themes = self.themes(1, 3)
        places = self.rng.sample(self.places, self.rng.randint(0, 2))
        verb = self.rng.choice(VERBS)
        what_en = " and ".join(_lower(t.en) for t in themes)
        where_en = f" in {' and '.join(p.en for p in places)}" if places else ""
        quote = f"{verb[0]} {what_en}{where_en};"
        passage = self.passage(file, doc, quote, "\n  • ")
        where_fr = f" ({', '.join(p.fr for p in places)})" if places else ""
        label = (
            f"{verb[0]} {what_en}{where_en}",
            f"{verb[2]} {' et '.join(_lower(t.fr) for t in themes)}{where_fr}",
        )
        node = self.statement(file, "Objective", f"objective:{slug}", label, passage, doc)
        node.add("skos:notation", lit(str(number)))
        node.add("skg:objectiveOf", goal.term)
        node.add("skg:pursuedBy", owner.term)
        for theme in themes:
            node.add("skg:hasTheme", f"<{theme.iri}>")
        for place in places:
            node.add("skg:concernsPlace", place.term)
        return node.term

    def engagement(self, file: str, doc: Document, slug: str, goal: Node, owner: Actor) -> str:
        theme = self.rng.choice(self.v.themes)
        partner = self.rng.choice(self.actors)
        quote = (
            f"{owner.en} is committed to assisting {partner.en} on {_lower(theme.en)}, "
            "in line with the region’s own priorities."
        )
        passage = self.passage(file, doc, quote, "\n")
        label = (
            f"Assisting {partner.en} on {_lower(theme.en)}",
            f"Aider «{NBSP}{partner.en}{NBSP}»{NBSP}: {_lower(theme.fr)}",
        )
        node = self.statement(file, "Engagement", f"engagement:{slug}", label, passage, doc)
        node.add("skg:engagementFor", goal.term)
        node.add("skg:supportedBy", owner.term)
        node.add("skg:beneficiary", partner.term)
        node.add("skg:hasTheme", f"<{theme.iri}>")
        return node.term

    def assessment(self, file: str, doc: Document, slug: str, theme: Labelled) -> str:
        quote = f"Our increased focus on {_lower(theme.en)} has yielded strong results."
        passage = self.passage(file, doc, quote)
        label = (
            f"Increased focus on {_lower(theme.en)} has yielded strong results",
            f"L’attention accrue portée à {_lower(theme.fr)} a donné de solides résultats",
        )
        node = self.statement(file, "Assessment", f"assessment:{slug}", label, passage, doc)
        return node.term

    def result(self, file: str, doc: Document, slug: str, number: int, goal: Node) -> str:
        rng = self.rng
        themes = self.themes(1, 3)
        place = rng.choice(self.places)
        verb = rng.choice(VERBS)
        deliverer = rng.choice(
            self.actors_of("Programme", "InternationalOrganization", "PeacekeepingMission")
        )
        beneficiary = rng.choice(self.actors_of("PopulationGroup", "SecurityForce"))
        supporter = rng.choice(self.actors_of("Government", "GovernmentDepartment"))
        what_en = " and ".join(_lower(t.en) for t in themes)
        body = f"{verb[1]} {what_en} in {place.en} through {deliverer.en}"
        quantity = None
        if rng.random() < 0.4:
            comparator, notation = rng.choice(self.v.comparators)
            unit = rng.choice(UNITS)
            value = rng.choice([12, 50, 120, 300, 1500, 4000, 25000])
            number_en = f"{COMPARATOR_EN[notation]}{_thousands(value, ',')} {unit[0]}"
            number_fr = f"{COMPARATOR_FR[notation]}{_thousands(value, NBSP)} {unit[1]}"
            quantity = (comparator, value, unit, number_en, number_fr)
            quote = f"{body}, reaching {number_en}."
        else:
            quote = f"{body}."
        passage = self.passage(file, doc, quote, "\n  • ")
        label = (
            f"{verb[1]} {what_en} in {place.en}",
            f"{verb[2]} {' et '.join(_lower(t.fr) for t in themes)} — {place.fr}",
        )
        node = self.statement(file, "Result", f"result:{slug}", label, passage, doc)
        node.add("skos:notation", lit(str(number)))
        node.add("skg:resultFor", goal.term)
        node.add("skg:supportedBy", supporter.term)
        # A programme is what support went through; an organisation or mission delivered it.
        role = "skg:deliveredThrough" if deliverer.kind == "Programme" else "skg:deliveredBy"
        node.add(role, deliverer.term)
        node.add("skg:beneficiary", beneficiary.term)
        for theme in themes:
            node.add("skg:hasTheme", f"<{theme.iri}>")
        node.add("skg:concernsPlace", place.term)
        if quantity is not None:
            comparator, value, unit, number_en, number_fr = quantity
            start = doc.length - 1 - len(number_en)  # the number ends just before the full stop
            sub = self.sub_passage(file, doc, start, number_en)
            q = self.graph.node(file, f"quantity:{slug}", "quantity", ("a", "skg:Quantity"))
            q.add("rdfs:label", en(number_en))
            q.add("rdfs:label", fr(number_fr))
            q.add("skg:value", lit(str(value), datatype="xsd:decimal"))
            q.add("skg:hasComparator", f"<{comparator.iri}>")
            q.add("skg:unitText", en(unit[0]))
            q.add("skg:unitText", fr(unit[1]))
            q.add("skg:statedIn", sub)
            q.add("dcterms:source", doc.term)
            node.add("skg:hasQuantity", q.term)
        return node.term

    # -- the whole graph ------------------------------------------------------------------

    def run(self) -> Graph:
        self.reuse_shipped()
        self.make_places(max(10, self.target // 5000))
        self.make_actors(max(30, self.target // 1000))
        # Stop when one more goal (about GOAL_TRIPLES) would overshoot more than it undershoots.
        # Nodes are counted once, when the goal after them is done: close enough, and linear.
        seen = [0, 0]  # nodes counted, triples in them

        def enough() -> bool:
            fresh = self.graph.created[seen[0] :]
            seen[0] += len(fresh)
            seen[1] += sum(len(n.props) for n in fresh)
            return seen[1] + GOAL_TRIPLES // 2 >= self.target

        index = 0
        while not enough():
            index += 1
            file = f"strategies-{1 + seen[1] // FILE_TRIPLES:03d}.ttl"
            self.strategy(index, file, enough)
        return self.graph


# ---------------------------------------------------------------------------------------------
# Defects: each breaks exactly one node and predicts exactly what the validator reports
# ---------------------------------------------------------------------------------------------

Expect = list[dict[str, str | None]]


def finding(focus: str, path: str | None, component: str | None) -> dict[str, str | None]:
    """One expected finding, in full IRIs (component None: the quote check)."""
    return {
        "focus": expand(focus),
        "path": expand(path) if path else None,
        "component": SH + component + "ConstraintComponent" if component else None,
    }


@dataclass
class Context:
    """What defects look up: nodes by term and by kind, passages by document."""

    graph: Graph
    rng: random.Random
    nodes: dict[str, Node] = field(default_factory=dict)
    kinds: dict[str, list[Node]] = field(default_factory=dict)
    passages: dict[str, list[str]] = field(default_factory=dict)
    counter: int = 0
    # Passages whose inDocument another defect relies on (cites_other_document).
    needs_document: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        for node in self.graph.created:
            self.nodes[node.term] = node
            self.kinds.setdefault(node.kind, []).append(node)
        for term, (doc, _start, _end) in self.graph.quotes.items():
            self.passages.setdefault(doc.term, []).append(term)


Defect = Callable[[Node, Context], tuple[str, Expect] | None]


def missing_french_label(node: Node, _ctx: Context) -> tuple[str, Expect]:
    node.drop("rdfs:label", keep=lambda o: o.endswith("@en"))
    return "only an English rdfs:label", [finding(node.term, "rdfs:label", "MinCount")]


def spanish_label(node: Node, _ctx: Context) -> tuple[str, Expect]:
    node.drop("rdfs:label", keep=lambda o: o.endswith("@en"))
    node.add("rdfs:label", lit("Etiqueta en español", "es"))
    return "a Spanish label instead of French", [finding(node.term, "rdfs:label", "LanguageIn")]


def two_english_labels(node: Node, _ctx: Context) -> tuple[str, Expect]:
    node.drop("rdfs:label", keep=lambda o: o.endswith("@en"))
    node.add("rdfs:label", en("A second English label"))
    return "two English labels, no French", [finding(node.term, "rdfs:label", "UniqueLang")]


def drop(predicate: str, component: str, why: str) -> Defect:
    def defect(node: Node, _ctx: Context) -> tuple[str, Expect] | None:
        if not node.values(predicate):
            return None
        node.drop(predicate)
        return why, [finding(node.term, predicate, component)]

    defect.__name__ = "missing_" + predicate.split(":")[1]
    return defect


def wrong_class(predicate: str, kind: str, why: str) -> Defect:
    """Point predicate at an existing node of the wrong class (kept alongside good values)."""

    def defect(node: Node, ctx: Context) -> tuple[str, Expect] | None:
        if not node.values(predicate):
            return None
        wrong = ctx.rng.choice(ctx.kinds[kind]).term
        node.add(predicate, wrong)
        return why, [finding(node.term, predicate, "Class")]

    defect.__name__ = "wrong_class_" + predicate.split(":")[1]
    return defect


def dangling_place(node: Node, ctx: Context) -> tuple[str, Expect]:
    ctx.counter += 1
    missing = f"place:undefined-{ctx.counter:05d}"
    node.add("skg:concernsPlace", missing)
    return "refers to a place that is never described", [
        finding(node.term, "skg:concernsPlace", "Class"),
        finding(missing, "rdf:type", "MinCount"),
    ]


def no_actor(node: Node, _ctx: Context) -> tuple[str, Expect]:
    for role in ("skg:supportedBy", "skg:deliveredBy", "skg:deliveredThrough", "skg:beneficiary"):
        node.drop(role)
    return "names no actor in any role", [finding(node.term, None, "SPARQL")]


def cites_other_document(node: Node, ctx: Context) -> tuple[str, Expect] | None:
    own = node.values("dcterms:source")
    passages = node.values("skg:statedIn")
    if not own or len(ctx.graph.documents) < 2:
        return None
    # StatementSourceAgrees compares with the passage's document: the passage must keep it.
    if not all(ctx.nodes[p].values("skg:inDocument") for p in passages):
        return None
    ctx.needs_document.update(passages)
    other = ctx.rng.choice([d for d in ctx.graph.documents if d.term != own[0]])
    node.drop("dcterms:source")
    node.add("dcterms:source", other.term)
    return "cites another document than its passage lies in", [finding(node.term, None, "SPARQL")]


def two_passages(node: Node, ctx: Context) -> tuple[str, Expect] | None:
    own = node.values("skg:statedIn")
    doc = node.values("dcterms:source")
    same = [t for t in ctx.passages.get(doc[0], []) if t not in own] if doc else []
    if not same:
        return None
    node.add("skg:statedIn", same[0])
    return "stated in two passages", [finding(node.term, "skg:statedIn", "MaxCount")]


def shifted_quote(node: Node, ctx: Context) -> tuple[str, Expect] | None:
    doc, start, end = ctx.graph.quotes[node.term]
    text = doc.text
    if text[start + 1 : end + 1] == text[start:end] or end + 1 > len(text):
        return None
    position = ctx.nodes[node.values("oa:hasSelector")[1]]
    position.props = [
        ("a", "oa:TextPositionSelector"),
        ("oa:start", lit(str(start + 1), datatype="xsd:integer")),
        ("oa:end", lit(str(end + 1), datatype="xsd:integer")),
    ]
    return "offsets shifted by one character", [finding(node.term, "oa:exact", None)]


def no_document(node: Node, ctx: Context) -> tuple[str, Expect] | None:
    if node.term in ctx.needs_document:
        return None  # a statement's broken citation is only seen through this passage
    node.drop("skg:inDocument")
    return "lies in no document", [finding(node.term, "skg:inDocument", "MinCount")]


def string_value(node: Node, _ctx: Context) -> tuple[str, Expect]:
    value = node.values("skg:value")[0].split('"')[1]
    node.drop("skg:value")
    node.add("skg:value", lit(value))
    return "the number is a plain string", [finding(node.term, "skg:value", "Datatype")]


def unknown_comparator(node: Node, _ctx: Context) -> tuple[str, Expect]:
    node.drop("skg:hasComparator")
    node.add("skg:hasComparator", "skg:approximately")
    return "a comparator outside the scheme", [finding(node.term, "skg:hasComparator", "In")]


def short_checksum(node: Node, _ctx: Context) -> tuple[str, Expect]:
    digest = node.values("skg:sha256")[0].split('"')[1]
    node.drop("skg:sha256")
    node.add("skg:sha256", lit(digest[:62], datatype="xsd:hexBinary"))
    return "a SHA-256 of 62 hex digits", [finding(node.term, "skg:sha256", "Pattern")]


def negative_length(node: Node, _ctx: Context) -> tuple[str, Expect]:
    node.drop("skg:characterCount")
    node.add("skg:characterCount", lit("-1", datatype="xsd:integer"))
    return "a negative character count", [finding(node.term, "skg:characterCount", "MinInclusive")]


def bad_m49(node: Node, _ctx: Context) -> tuple[str, Expect] | None:
    if not node.values("skg:m49Code"):
        return None
    node.drop("skg:m49Code")
    node.add("skg:m49Code", lit("19"))
    return "an M49 code of two digits", [finding(node.term, "skg:m49Code", "Pattern")]


def lower_case_iso(node: Node, _ctx: Context) -> tuple[str, Expect] | None:
    codes = node.values("skg:isoAlpha2")
    if not codes:
        return None
    node.drop("skg:isoAlpha2")
    node.add("skg:isoAlpha2", codes[0].lower())
    return "an ISO code in lower case", [finding(node.term, "skg:isoAlpha2", "Pattern")]


def within_itself(node: Node, _ctx: Context) -> tuple[str, Expect]:
    node.add("skg:withinPlace", node.term)
    return "lies within itself", [finding(node.term, None, "SPARQL")]


DEFECTS: dict[str, list[Defect]] = {
    "strategy": [drop("dcterms:source", "MinCount", "cites no source document")],
    "goal": [
        drop("skg:statedIn", "MinCount", "stated in no passage"),
        wrong_class("skg:hasObjective", "engagement", "has an engagement as an objective"),
        spanish_label,
    ],
    "objective": [missing_french_label, spanish_label, dangling_place, cites_other_document],
    "engagement": [
        drop("skg:engagementFor", "MinCount", "reported under no goal"),
        drop("skg:hasTheme", "MinCount", "addresses no theme"),
        cites_other_document,
    ],
    "result": [
        no_actor,
        wrong_class("skg:hasTheme", "place", "has a place as a theme"),
        missing_french_label,
    ],
    # Defects on actor roles are left out: their path is an alternative path, a blank node
    # whose label no manifest can predict.
    "rationale": [two_passages, drop("skg:statedIn", "MinCount", "stated in no passage")],
    "assessment": [two_english_labels, cites_other_document],
    "quantity": [
        string_value,
        unknown_comparator,
        drop("skg:unitText", "MinCount", "says not what it counts"),
    ],
    "passage": [shifted_quote, no_document],
    "document": [short_checksum, negative_length],
    "actor": [missing_french_label, wrong_class("skg:basedIn", "actor", "based in an actor")],
    "place": [bad_m49, lower_case_iso, within_itself, missing_french_label],
}


def inject(graph: Graph, share: float, rng: random.Random) -> list[dict[str, object]]:
    """Break a share of the nodes of each kind (at least one of each), one defect per node."""
    ctx = Context(graph, rng)
    broken = []
    for kind, defects in DEFECTS.items():
        nodes = ctx.kinds.get(kind, [])
        if not nodes:
            continue
        count = max(1, round(share * len(nodes)))
        for offset, node in enumerate(rng.sample(nodes, min(count, len(nodes)))):
            for attempt in range(len(defects)):
                defect = defects[(offset + attempt) % len(defects)]
                outcome = defect(node, ctx)
                if outcome is not None:
                    why, expect = outcome
                    broken.append(
                        {
                            "node": expand(node.term),
                            "kind": kind,
                            "defect": defect.__name__,
                            "why": why,
                            "expect": expect,
                        }
                    )
                    break
    return broken


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def turtle(nodes: list[Node]) -> str:
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    blocks = []
    for node in nodes:
        lines: list[str] = []
        last = None
        for predicate, obj in node.props:  # a repeated predicate is written once: "p o1 , o2"
            if predicate == last:
                lines[-1] += f" ,\n        {obj}"
            else:
                lines.append(f"{predicate} {obj}")
            last = predicate
        body = " ;\n    ".join(lines)
        blocks.append(f"{node.term} {body} .\n")
    return head + "\n" + "".join(blocks)


def write(graph: Graph, out: Path, manifest: dict[str, object], ntriples: bool) -> None:
    """Write the Turtle files, the source texts and the manifest (replacing an earlier run)."""
    if out.exists() and any(out.iterdir()) and not (out / "manifest.json").is_file():
        raise SystemExit(f"synthetic: {out} is not empty and holds no earlier synthetic output")
    for stale in [*out.glob("*.ttl"), *out.glob("*.nt"), *out.glob("sources/*.txt")]:
        stale.unlink()
    (out / "sources").mkdir(parents=True, exist_ok=True)
    for name, nodes in graph.files.items():
        text = turtle(nodes)
        (out / name).write_text(text, encoding="utf-8")
        if ntriples:
            quads = ox.parse(text, format=ox.RdfFormat.TURTLE)
            nt = ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES)
            (out / name).with_suffix(".nt").write_bytes(nt)
    for doc in graph.documents:
        (out / "sources" / f"{doc.slug}.txt").write_text(doc.text, encoding="utf-8", newline="")
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


def generate(
    root: Path, out: Path, triples: int, seed: int = 1, invalid: float = 0.0, ntriples: bool = False
) -> dict[str, object]:
    """Generate a graph of about `triples` triples into `out`; returns the manifest."""
    if triples < 1000:
        raise SystemExit("synthetic: --triples must be at least 1000")
    if not 0.0 <= invalid < 1.0:
        raise SystemExit("synthetic: --invalid is a share between 0 and 1, such as 0.03")
    vocabulary = read_vocabulary(root)
    graph = Generator(vocabulary, seed, triples).run()
    broken = inject(graph, invalid, random.Random(seed + 1)) if invalid else []
    counts: dict[str, int] = {}
    for nodes in graph.files.values():
        for node in nodes:
            counts[node.kind] = counts.get(node.kind, 0) + 1
    manifest = {
        "generator": "scripts/synthetic.py",
        "seed": seed,
        "requested_triples": triples,
        "triples": graph.triples(),
        "invalid_share": invalid,
        "files": sorted(graph.files),
        "sources": [f"sources/{d.slug}.txt" for d in graph.documents],
        "nodes": dict(sorted(counts.items())),
        "invalid": broken,
    }
    write(graph, out, manifest, ntriples)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=10_000, help="about this many triples")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same bytes")
    parser.add_argument(
        "--invalid", type=float, default=0.0, help="share of nodes of each kind to break (0.03)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder to write into")
    parser.add_argument("--ntriples", action="store_true", help="also write .nt next to each .ttl")
    parser.add_argument("--root", type=Path, default=None, help="the project (default: this one)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    root = args.root or Path(__file__).resolve().parents[1]
    manifest = generate(root, args.out, args.triples, args.seed, args.invalid, args.ntriples)
    if not args.quiet:
        print(
            f"synthetic: {manifest['triples']} triples in {len(manifest['files'])} files, "
            f"{len(manifest['sources'])} source texts, {len(manifest['invalid'])} invalid nodes "
            f"-> {args.out}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
