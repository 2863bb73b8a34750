"""Ontology documentation (pyLODE, one page per official language) and the class diagram (Graphviz).

pyLODE 3.4.1 renders every language of a property as an unlabelled list (French and English
interleaved, in hash order), so each page is rendered from a *language view* of the ontology
that keeps, for every subject and property, the values in that language (falling back to
English, then to untagged text). The page is then completed where pyLODE stops short:

* fragment ids are the terms' local names, so ``…/ontology#Goal`` lands on its section in both
  languages and links from the diagram and the site resolve;
* alignments (``skos:closeMatch`` …, ``owl:inverseOf``, ``owl:disjointWith``, ``rdfs:seeAlso``)
  are shown, as are named individuals and the SHACL shapes, which pyLODE leaves out;
* a diagram of classes, properties and alignments is linked and embedded, with a language
  switch, download links, and links to the site made relative so the page works anywhere;
* the output is byte-stable: pyLODE's union-class rendering iterates a set, so it is sorted.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import types
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version as package_version

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS
from rdflib.term import Node

from strategykg.errors import StrategyKGError
from strategykg.namespaces import curie, longest_first
from strategykg.release import Release, new_graph, pick, primary_language

MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)
EXTRA_CLASS_PROPS = [OWL.disjointWith, *MAPPINGS, RDFS.seeAlso]
EXTRA_PROPERTY_PROPS = [RDF.type, OWL.inverseOf, *MAPPINGS, RDFS.seeAlso]
INDIVIDUAL_PROPS = [
    DCTERMS.title,
    RDFS.isDefinedBy,
    DCTERMS.description,
    RDF.type,
    SKOS.notation,
    SKOS.inScheme,
    SKOS.topConceptOf,
    SKOS.hasTopConcept,
]
# Names for the properties pyLODE does not show itself (its own names for them are "Seealso" …).
EXTRA_TITLES = {
    OWL.disjointWith: "Disjoint With",
    OWL.inverseOf: "Inverse Of",
    RDFS.seeAlso: "See Also",
    RDF.type: "Type",
    SKOS.exactMatch: "Exact Match",
    SKOS.closeMatch: "Close Match",
    SKOS.broadMatch: "Broad Match",
    SKOS.narrowMatch: "Narrow Match",
    SKOS.relatedMatch: "Related Match",
    SKOS.notation: "Notation",
    SKOS.inScheme: "In Scheme",
    SKOS.topConceptOf: "Top Concept Of",
    SKOS.hasTopConcept: "Has Top Concept",
}
# French for pyLODE's property names and headings (pyLODE writes them in English only).
FRENCH = {
    "Title": "Titre",
    "Publisher": "Éditeur",
    "Creator": "Créateur",
    "Contributor": "Contributeur",
    "Date Created": "Date de création",
    "Date Modified": "Date de modification",
    "Date Issued": "Date de publication",
    "License": "Licence",
    "Version Iri": "IRI de version",
    "Version Info": "Version",
    "Preferred Namespace Prefix": "Préfixe d’espace de noms préféré",
    "Preferred Namespace Uri": "Espace de noms préféré",
    "Note": "Note",
    "Description": "Description",
    "Is Defined By": "Défini par",
    "Scope Note": "Note d’application",
    "Sub Class Of": "Sous-classe de",
    "Super Class Of": "Superclasse de",
    "In Domain Of": "Dans le domaine de",
    "In Range Of": "Dans l’image de",
    "Domain": "Domaine",
    "Range": "Image",
    "Sub Property Of": "Sous-propriété de",
    "Super Property Of": "Superpropriété de",
    "Has Instance": "A pour instance",
    "Restriction": "Restriction",
    "Source": "Source",
    "Example": "Exemple",
    "Equivalent Class": "Classe équivalente",
    "Disjoint With": "Disjointe de",
    "Exact Match": "Correspondance exacte",
    "Close Match": "Correspondance proche",
    "Broad Match": "Correspondance plus large",
    "Narrow Match": "Correspondance plus étroite",
    "Related Match": "Correspondance associée",
    "See Also": "Voir aussi",
    "Type": "Type",
    "Inverse Of": "Inverse de",
    "Notation": "Notation",
    "In Scheme": "Dans le schéma",
    "Top Concept Of": "Concept de tête de",
    "Has Top Concept": "A pour concept de tête",
}
HEADINGS = {
    "en": {
        "metadata": "Metadata",
        "classes": "Classes",
        "properties": "Properties",
        "objectproperties": "Object Properties",
        "datatypeproperties": "Datatype Properties",
        "annotationproperties": "Annotation Properties",
        "named_individuals": "Named Individuals",
        "shapes": "Shapes (SHACL)",
        "diagram": "Diagram",
        "downloads": "Downloads",
        "namespaces": "Namespaces",
        "legend": "Legend",
        "toc": "Table of Contents",
        "other": "Français",
        "home": "Dataset home",
        "diagram_alt": "Diagram of the classes of the ontology, their properties and their alignments",
        "diagram_open": "Open the diagram on its own (SVG)",
        "target": "Targets",
        "path": "Path",
        "message": "Message",
        "constraints": "Property constraints",
        "kind": "Kind",
        "severity": "Severity",
        "source": "Source",
        "whole": "The whole dataset",
        "this": "This ontology",
    },
    "fr": {
        "metadata": "Métadonnées",
        "classes": "Classes",
        "properties": "Propriétés",
        "objectproperties": "Propriétés d’objet",
        "datatypeproperties": "Propriétés de données",
        "annotationproperties": "Propriétés d’annotation",
        "named_individuals": "Individus nommés",
        "shapes": "Formes (SHACL)",
        "diagram": "Diagramme",
        "downloads": "Téléchargements",
        "namespaces": "Espaces de noms",
        "legend": "Légende",
        "toc": "Table des matières",
        "other": "English",
        "home": "Accueil du jeu de données",
        "diagram_alt": "Diagramme des classes de l’ontologie, de leurs propriétés et de leurs alignements",
        "diagram_open": "Ouvrir le diagramme seul (SVG)",
        "target": "Cibles",
        "path": "Chemin",
        "message": "Message",
        "constraints": "Contraintes de propriétés",
        "kind": "Sorte",
        "severity": "Gravité",
        "source": "Source",
        "whole": "Le jeu de données complet",
        "this": "Cette ontologie",
    },
}
LEGEND_FR = {
    "Classes": "Classes",
    "Properties": "Propriétés",
    "Object Properties": "Propriétés d’objet",
    "Datatype Properties": "Propriétés de données",
    "Annotation Properties": "Propriétés d’annotation",
    "Functional Properties": "Propriétés fonctionnelles",
    "Named Individuals": "Individus nommés",
}


# ---------------------------------------------------------------------------
# Language views
# ---------------------------------------------------------------------------


def language_view(graph: Graph, lang: str, prefixes: dict[str, str]) -> Graph:
    """A copy of graph with, per subject and property, only the text in lang (or its fallback)."""
    view = new_graph(prefixes)
    texts: dict[tuple[Node, Node], list[Literal]] = defaultdict(list)
    for s, p, o in sorted(graph):
        if isinstance(o, Literal) and o.language:
            texts[(s, p)].append(o)
        else:
            view.add((s, p, o))
    for (s, p), values in sorted(texts.items()):
        chosen = pick(values, lang)
        wanted = primary_language(chosen.language if chosen is not None else None)
        for value in values:
            if primary_language(value.language) == wanted:
                view.add((s, p, value))
    return view


# ---------------------------------------------------------------------------
# pyLODE
# ---------------------------------------------------------------------------


def _pylode() -> types.ModuleType:
    """Import pyLODE, working around its 3.4.1 wheel that reads a pyproject.toml it does not ship.

    RDFLib/pyLODE#260, fixed after 3.4.1: ``pylode.version`` opens site-packages/pyproject.toml.
    A stand-in module carries the installed version instead. pyLODE's union-class renderer
    iterates a set of elements; sorting it makes the output the same on every run.
    """
    if "pylode.version" not in sys.modules:
        stand_in = types.ModuleType("pylode.version")
        stand_in.__version__ = package_version("pylode")  # type: ignore[attr-defined]
        sys.modules["pylode.version"] = stand_in
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    import pylode
    import pylode.utils

    # pyLODE's supermodel loader calls logging.basicConfig(level=DEBUG) on import: undo that.
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)

    import pylode.profiles.ontpub

    # The background vocabularies are unpickled on every page; they never change: load them once.
    if not hasattr(pylode.profiles.ontpub.load_background_onts, "cache_info"):
        from functools import cache

        pylode.profiles.ontpub.load_background_onts = cache(
            pylode.profiles.ontpub.load_background_onts
        )
    if not getattr(pylode.utils.intersperse, "_sorted", False):
        original = pylode.utils.intersperse

        def intersperse(items, separator):
            return original(sorted(items, key=lambda item: item.render()), separator)

        intersperse._sorted = True  # type: ignore[attr-defined]
        pylode.utils.intersperse = intersperse
    return pylode


@dataclass(frozen=True)
class DocLinks:
    """Where the ontology page links to, relative to the page."""

    other_language: str
    home: str
    diagram: str
    downloads: list[tuple[str, str]]  # (label, href)
    alternates: list[tuple[str, str]]  # (media type, href) for <link rel="alternate">
    relative: Callable[[str], str | None]  # site-relative link for an IRI under the base


def ontology_page(release: Release, lang: str, links: DocLinks, shapes: Graph | None = None) -> str:
    """The pyLODE documentation of the release's ontology, in lang ('en' or 'fr')."""
    pylode = _pylode()
    from dominate.tags import (
        a,
        code,
        div,
        h2,
        h3,
        h4,
        li,
        link,
        meta,
        nav,
        p,
        sup,
        table,
        td,
        th,
        tr,
        ul,
    )
    from dominate.tags import object_ as html_object
    from dominate.util import raw, text
    from pylode.profiles.ontpub import CLASS_PROPS, PROP_PROPS
    from pylode.utils import section_html

    words = HEADINGS[lang]
    info = release.info
    namespace = info.ontology_iri + "#"
    view = language_view(release.rdflib_graph(["ontology"]), lang, release.prefixes)
    # pyLODE takes every skos:ConceptScheme for the ontology itself; the comparator scheme is a
    # named individual of the ontology, so the documentation view says so.
    for scheme in list(view.subjects(RDF.type, SKOS.ConceptScheme)):
        view.remove((scheme, RDF.type, SKOS.ConceptScheme))
        view.add((scheme, RDF.type, OWL.NamedIndividual))
    shapes_view = language_view(shapes, lang, release.prefixes) if shapes is not None else None

    class OntologyPage(pylode.OntPub):
        def __init__(self) -> None:
            super().__init__(view)
            for s in sorted(set(view.subjects())):
                if isinstance(s, URIRef) and str(s).startswith(namespace):
                    self.fids[str(s)] = str(s)[len(namespace) :]
            if shapes_view is not None:
                for s in sorted(set(shapes_view.subjects())):
                    if isinstance(s, URIRef) and str(s).startswith(namespace):
                        self.fids[str(s)] = str(s)[len(namespace) :]
            for prop in {*EXTRA_CLASS_PROPS, *EXTRA_PROPERTY_PROPS, *INDIVIDUAL_PROPS}:
                if prop not in self.props_labeled or prop in EXTRA_TITLES:
                    description = self.back_onts.value(prop, DCTERMS.description)
                    name = EXTRA_TITLES.get(prop) or _title_from_iri(prop)
                    self.props_labeled[prop] = {
                        "title": Literal(name),
                        "description": description,
                        "ont_title": None,
                    }

        def _make_head(self, schema_org, include_css=True, destination=None):
            super()._make_head(schema_org, include_css=include_css, destination=destination)
            self.doc["lang"] = lang
            with self.doc.head:
                meta(name="viewport", content="width=device-width, initial-scale=1")
                other = "fr" if lang == "en" else "en"
                link(rel="alternate", hreflang=other, href=links.other_language)
                for media_type, href in links.alternates:
                    link(rel="alternate", type=media_type, href=href)
                from dominate.tags import style

                style(raw(EXTRA_CSS))

        def _make_metadata(self):
            with self.content, nav(id="skg-nav", aria_label="strategykg"):
                a(words["home"], href=links.home)
                text(" · ")
                a(words["diagram"], href="#diagram")
                text(" · ")
                a(words["downloads"], href="#downloads")
                text(" · ")
                a(
                    words["other"],
                    href=links.other_language,
                    hreflang="fr" if lang == "en" else "en",
                    lang="fr" if lang == "en" else "en",
                )
            super()._make_metadata()
            with self.content:
                with div(id="diagram", _class="section"):
                    h2(words["diagram"])
                    html_object(
                        p(a(words["diagram_open"], href=links.diagram)),
                        data=links.diagram,
                        type="image/svg+xml",
                        aria_label=words["diagram_alt"],
                        _class="skg-diagram",
                    )
                    p(a(words["diagram_open"], href=links.diagram))
                with div(id="downloads", _class="section"):
                    h2(words["downloads"])
                    with ul():
                        for label, href in links.downloads:
                            li(a(label, href=href))

        def _make_main_sections(self):
            sections = [
                ("classes", OWL.Class, CLASS_PROPS + EXTRA_CLASS_PROPS),
                ("objectproperties", OWL.ObjectProperty, PROP_PROPS + EXTRA_PROPERTY_PROPS),
                ("datatypeproperties", OWL.DatatypeProperty, PROP_PROPS + EXTRA_PROPERTY_PROPS),
                ("annotationproperties", OWL.AnnotationProperty, PROP_PROPS + EXTRA_PROPERTY_PROPS),
                (
                    "named_individuals",
                    OWL.NamedIndividual,
                    INDIVIDUAL_PROPS + [*MAPPINGS, RDFS.seeAlso],
                ),
            ]
            with self.content:
                for key, kind, props in sections:
                    if (None, RDF.type, kind) in self.ont:
                        section_html(
                            words[key],
                            self.ont,
                            self.back_onts,
                            self.ns,
                            kind,
                            props,
                            self.toc,
                            key,
                            self.fids,
                            self.props_labeled,
                        ).render()
            if shapes_view is not None:
                self.content.appendChild(self._shapes_section())

        def _shapes_section(self):
            section = div(h2(words["shapes"]), id="shapes", _class="section")
            self.toc["shapes"] = []
            shapes_graph = shapes_view
            for shape in sorted(
                {
                    s
                    for kind in (SH.NodeShape, SH.PropertyShape)
                    for s in shapes_graph.subjects(RDF.type, kind)
                }
            ):
                if not (isinstance(shape, URIRef) and str(shape).startswith(namespace)):
                    continue
                local = str(shape)[len(namespace) :]
                self.toc["shapes"].append(("#" + local, local))
                rows = table(tr(th("IRI"), td(code(str(shape)))))
                kind = (
                    "sh:NodeShape"
                    if (shape, RDF.type, SH.NodeShape) in shapes_graph
                    else "sh:PropertyShape"
                )
                rows.appendChild(tr(th(words["kind"]), td(kind)))
                targets = [
                    o
                    for p_ in (
                        SH.targetClass,
                        SH.targetNode,
                        SH.targetSubjectsOf,
                        SH.targetObjectsOf,
                    )
                    for o in sorted(shapes_graph.objects(shape, p_))
                ]
                if targets:
                    rows.appendChild(
                        tr(th(words["target"]), td(*_intersperse([self._term(o) for o in targets])))
                    )
                for path in sorted(shapes_graph.objects(shape, SH.path)):
                    rows.appendChild(tr(th(words["path"]), td(self._term(path))))
                message = pick(shapes_graph.objects(shape, SH.message), lang)
                if message is not None:
                    rows.appendChild(tr(th(words["message"]), td(str(message))))
                constraints = []
                for prop in sorted(
                    shapes_graph.objects(shape, SH.property),
                    key=lambda n: _shape_key(shapes_graph, n),
                ):
                    path = shapes_graph.value(prop, SH.path)
                    note = pick(shapes_graph.objects(prop, SH.message), lang)
                    item = li(self._term(path) if path is not None else "")
                    if isinstance(prop, URIRef):
                        item = li(
                            self._term(prop),
                            " (",
                            self._term(path) if path is not None else "",
                            ")",
                        )
                    if note is not None:
                        item.appendChild(text(": " + str(note)))
                    constraints.append(item)
                for sparql in sorted(
                    shapes_graph.objects(shape, SH.sparql),
                    key=lambda n: _shape_key(shapes_graph, n),
                ):
                    note = pick(shapes_graph.objects(sparql, SH.message), lang)
                    if note is not None:
                        constraints.append(li("SPARQL: " + str(note)))
                if constraints:
                    rows.appendChild(tr(th(words["constraints"]), td(ul(*constraints))))
                section.appendChild(
                    div(
                        h3(local, sup("sh", _class="sup-sh", title="SHACL shape")),
                        rows,
                        id=local,
                        _class="property entity",
                    )
                )
            return section

        def _term(self, node: Node):
            if isinstance(node, URIRef):
                iri = str(node)
                if iri.startswith(namespace):
                    return a(iri[len(namespace) :], href="#" + iri[len(namespace) :])
                return a(_curie(iri, release.prefixes), href=links.relative(iri) or iri)
            if isinstance(node, BNode):
                return code(
                    _curie_path(
                        self.ont if shapes_view is None else shapes_view, node, release.prefixes
                    )
                )
            return code(str(node))

        def _make_toc(self):
            with self.doc, div(id="toc"):
                h3(words["toc"])
                with ul(_class="first"):
                    li(h4(a(words["metadata"], href="#metadata")))
                    li(h4(a(words["diagram"], href="#diagram")))
                    li(h4(a(words["downloads"], href="#downloads")))
                    for key in (
                        "classes",
                        "objectproperties",
                        "datatypeproperties",
                        "annotationproperties",
                        "named_individuals",
                        "shapes",
                    ):
                        entries = self.toc.get(key) or []
                        if entries:
                            with li():
                                h4(a(words[key], href="#" + key))
                                with ul(_class="second"):
                                    for href, title in entries:
                                        li(a(title, href=href))
                    with li():
                        h4(a(words["namespaces"], href="#namespaces"))
                        with ul(_class="second"):
                            for _, prefix in self.toc.get("namespaces", []):
                                li(a(prefix, href="#" + prefix))
                    li(h4(a(words["legend"], href="#legend")))

    page = OntologyPage().make_html()
    page = _relative_links(page, release.base, links.relative)
    if lang == "fr":
        page = _frenchify(page)
    return page


EXTRA_CSS = """
#skg-nav { margin: 0 0 1em 0; font-size: 0.95em; }
#skg-nav a { color: #005A9C; }
.skg-diagram { width: 100%; max-width: 100%; border: 1px solid #ddd; background: white; }
.sup-sh { color: #7a4e00; }
"""


def _shape_key(graph: Graph, node: Node) -> str:
    path = graph.value(node, SH.path)
    return f"{path}|{node if isinstance(node, URIRef) else ''}"


def _intersperse(items: list, separator: str = ", ") -> list:
    out: list = []
    for index, item in enumerate(items):
        if index:
            out.append(separator)
        out.append(item)
    return out


def _title_from_iri(iri: URIRef) -> str:
    local = re.split(r"[#/]", str(iri))[-1]
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local)
    return words[:1].upper() + words[1:]


def _curie(iri: str, prefixes: dict[str, str]) -> str:
    return curie(iri, longest_first(prefixes))


def _curie_path(graph: Graph, node: Node, prefixes: dict[str, str]) -> str:
    """A SHACL path written in SPARQL property path syntax (sequences and inverses)."""
    if isinstance(node, URIRef):
        return _curie(str(node), prefixes)
    inverse = graph.value(node, SH.inversePath)
    if inverse is not None:
        return "^" + _curie_path(graph, inverse, prefixes)
    items = list(graph.items(node))
    if items:
        return "/".join(_curie_path(graph, i, prefixes) for i in items)
    return "[]"


def _relative_links(page: str, base: str, relative: Callable[[str], str | None]) -> str:
    """Links to IRIs under the base become relative links into the site."""

    def replace(match: re.Match[str]) -> str:
        iri = html.unescape(match.group(2))
        target = relative(iri)
        return match.group(0) if target is None else f'{match.group(1)}="{html.escape(target)}"'

    return re.sub(r'(href|data)="(' + re.escape(base) + r'[^"]*)"', replace, page)


def _frenchify(page: str) -> str:
    """French for the words pyLODE writes itself: property names, legend, section headings."""
    for english, french in FRENCH.items():
        page = page.replace(f">{english}</a>", f">{french}</a>")
    for english, french in LEGEND_FR.items():
        page = page.replace(f"<td>{english}</td>", f"<td>{french}</td>")
    page = page.replace("<h2>Namespaces</h2>", "<h2>Espaces de noms</h2>")
    page = page.replace("<h2>Legend</h2>", "<h2>Légende</h2>")
    page = page.replace("<h2>Metadata</h2>", "<h2>Métadonnées</h2>")
    return page


# ---------------------------------------------------------------------------
# Diagram
# ---------------------------------------------------------------------------

DIAGRAM_WORDS = {
    "en": {
        "legend": "Legend",
        "subclass": "subclass of",
        "alignment": "alignment (external)",
        "mapping": "SKOS mapping",
        "property": "object property (domain → range)",
        "any": "any resource",
        "inverse": "inverse",
        "or": "or",
    },
    "fr": {
        "legend": "Légende",
        "subclass": "sous-classe de",
        "alignment": "alignement (externe)",
        "mapping": "correspondance SKOS",
        "property": "propriété d’objet (domaine → image)",
        "any": "toute ressource",
        "inverse": "inverse",
        "or": "ou",
    },
}


def ontology_dot(release: Release, lang: str, doc_href: str) -> str:
    """Graphviz DOT of the ontology's classes, object properties and alignments, labelled in lang.

    Classes of the ontology are boxes listing their datatype properties; classes they are aligned
    to are grey dashed boxes; object properties are edges from domain to range (a property with
    no domain starts at "any resource"), carrying their super-properties; subclass axioms are
    hollow arrows; SKOS mappings are dotted lines. Every node links to its documentation.
    """
    graph = release.rdflib_graph(["ontology"])
    namespace = release.info.ontology_iri + "#"
    words = DIAGRAM_WORDS[lang]

    def ours(node: Node) -> bool:
        return isinstance(node, URIRef) and str(node).startswith(namespace)

    def label(node: Node) -> str:
        text = pick(graph.objects(node, RDFS.label), lang)
        return str(text) if text is not None else _curie(str(node), release.prefixes)

    def members(node: Node) -> list[Node]:
        if isinstance(node, BNode):
            union = graph.value(node, OWL.unionOf)
            return sorted(graph.items(union)) if union is not None else []
        return [node]

    classes = sorted(c for c in graph.subjects(RDF.type, OWL.Class) if ours(c))
    external: set[str] = set()
    lines = [
        "digraph ontology {",
        '  graph [rankdir=LR, fontname="Helvetica", fontsize=10, nodesep=0.35, ranksep=0.55, newrank=true];',
        '  node [shape=plaintext, fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8, color="#444444"];',
    ]

    def node_id(iri: str) -> str:
        return '"' + iri.replace('"', '\\"') + '"'

    datatype_props: dict[str, list[str]] = defaultdict(list)
    for prop in sorted(graph.subjects(RDF.type, OWL.DatatypeProperty)):
        if not ours(prop):
            continue
        rng = graph.value(prop, RDFS.range)
        rng_text = _curie(str(rng), release.prefixes) if rng is not None else ""
        for domain in (
            members(graph.value(prop, RDFS.domain)) if graph.value(prop, RDFS.domain) else []
        ):
            datatype_props[str(domain)].append(f"{label(prop)}: {rng_text}")

    for cls in classes:
        rows = [f'<tr><td bgcolor="#dbe8f5"><b>{_dot_escape(label(cls))}</b></td></tr>']
        attributes = sorted(datatype_props.get(str(cls), []))
        if attributes:
            cells = '<br align="left"/>'.join(_dot_escape(a) for a in attributes)
            rows.append(f'<tr><td align="left" balign="left">{cells}<br align="left"/></td></tr>')
        table = (
            '<table border="1" cellborder="0" cellspacing="0" cellpadding="4" color="#2f5f8a">'
            + "".join(rows)
            + "</table>"
        )
        tooltip = pick(graph.objects(cls, SKOS.definition), lang)
        lines.append(
            f'  {node_id(str(cls))} [label=<{table}>, URL="{doc_href}#{str(cls)[len(namespace) :]}", '
            f'target="_top", tooltip="{_dot_quote(str(tooltip or label(cls)))}"];'
        )

    edges: list[str] = []
    for cls in classes:
        for parent in sorted(graph.objects(cls, RDFS.subClassOf)):
            if isinstance(parent, URIRef):
                if not ours(parent):
                    external.add(str(parent))
                style = "solid" if ours(parent) else "dashed"
                edges.append(
                    f"  {node_id(str(cls))} -> {node_id(str(parent))} [arrowhead=empty, style={style}];"
                )
        for mapping in MAPPINGS:
            for target in sorted(graph.objects(cls, mapping)):
                if isinstance(target, URIRef):
                    external.add(str(target))
                    name = _curie(str(mapping), release.prefixes)
                    edges.append(
                        f"  {node_id(str(cls))} -> {node_id(str(target))} [style=dotted, arrowhead=open, "
                        f'color="#7a4e00", fontcolor="#7a4e00", label="{name}"];'
                    )

    # Object properties: one edge per (domain member, range member); sub-properties without their
    # own domain and range are listed on their parent's edge; inverse pairs are drawn once.
    props = sorted(p for p in graph.subjects(RDF.type, OWL.ObjectProperty) if ours(p))
    inverse_of = {}
    for p in props:
        for q in graph.objects(p, OWL.inverseOf):
            inverse_of[q] = p
    children: dict[Node, list[Node]] = defaultdict(list)
    unions: dict[str, list[Node]] = {}
    drawn_any = False
    for p in props:
        if p in inverse_of:
            continue
        domain, rng = graph.value(p, RDFS.domain), graph.value(p, RDFS.range)
        parents = [q for q in graph.objects(p, RDFS.subPropertyOf) if ours(q)]
        if domain is None and rng is None and parents:
            children[parents[0]].append(p)
    for p in props:
        if p in inverse_of:
            continue
        domain, rng = graph.value(p, RDFS.domain), graph.value(p, RDFS.range)
        parents = [q for q in graph.objects(p, RDFS.subPropertyOf) if ours(q)]
        if domain is None and rng is None and parents:
            continue
        if rng is None:
            continue
        text = label(p)
        inverse = graph.value(p, OWL.inverseOf)
        if inverse is not None:
            text += f" ⇄ {label(inverse)}"
        supers = sorted(
            _curie(str(q), release.prefixes)
            for q in graph.objects(p, RDFS.subPropertyOf)
            if not ours(q)
        )
        sub_labels = sorted(label(c) for c in children.get(p, []))
        parts = [_dot_escape(text)]
        if supers:
            parts.append(f'<font color="#777777">⊑ {_dot_escape(", ".join(supers))}</font>')
        if sub_labels:
            parts.append(f'<font color="#555555">{_dot_escape(", ".join(sub_labels))}</font>')
        edge_label = "<" + "<br/>".join(parts) + ">"
        if domain is None:
            drawn_any = True
            source = "urn:strategykg:any"
        elif isinstance(domain, BNode):
            # A union domain is drawn once, as a small "or" node its member classes feed into.
            source = "urn:strategykg:union:" + "|".join(str(m) for m in members(domain))
            if source not in unions:
                unions[source] = members(domain)
        else:
            source = str(domain)
        for target in members(rng):
            if not ours(target):
                external.add(str(target))
            edges.append(
                f"  {node_id(source)} -> {node_id(str(target))} [label={edge_label}, "
                f'URL="{doc_href}#{str(p)[len(namespace) :]}", target="_top", '
                f'tooltip="{_dot_quote(label(p))}", arrowhead=vee];'
            )

    for iri in sorted(external):
        lines.append(
            f'  {node_id(iri)} [label="{_dot_quote(_curie(iri, release.prefixes))}", shape=box, '
            f'style="dashed,rounded", color="#999999", fontcolor="#555555", URL="{_dot_quote(iri)}", target="_top"];'
        )
    if drawn_any:
        lines.append(
            f'  "urn:strategykg:any" [label="{words["any"]}", shape=ellipse, style=dashed, color="#999999"];'
        )
    for union, parts in sorted(unions.items()):
        lines.append(
            f'  {node_id(union)} [label="{words["or"]}", shape=circle, width=0.3, fixedsize=true, '
            'fontsize=8, color="#444444"];'
        )
        for part in parts:
            edges.append(
                f'  {node_id(str(part))} -> {node_id(union)} [arrowhead=none, color="#999999"];'
            )
    lines.extend(sorted(set(edges)))
    lines.append(
        "  subgraph cluster_legend {\n"
        f'    label="{words["legend"]}"; fontsize=9; color="#cccccc";\n'
        '    node [shape=point, width=0.05, label=""];\n'
        '    l1a -> l1b [arrowhead=empty, label="' + words["subclass"] + '"];\n'
        '    l2a -> l2b [arrowhead=empty, style=dashed, label="' + words["alignment"] + '"];\n'
        '    l3a -> l3b [arrowhead=open, style=dotted, color="#7a4e00", label="'
        + words["mapping"]
        + '"];\n'
        '    l4a -> l4b [arrowhead=vee, label="' + words["property"] + '"];\n'
        "  }"
    )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_escape(text: str) -> str:
    return html.escape(text, quote=True)


def _dot_quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render_svg(dot: str) -> bytes:
    """SVG from DOT with Graphviz's dot, without the comments that name the Graphviz version."""
    executable = shutil.which("dot")
    if executable is None:
        raise StrategyKGError(
            "Graphviz 'dot' is not installed: run `make system-deps` "
            "(scripts/install-system-deps.sh) or install the graphviz package"
        )
    done = subprocess.run(
        [executable, "-Tsvg"],
        input=dot.encode("utf-8"),
        capture_output=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        raise StrategyKGError(
            f"Graphviz could not draw the diagram: {done.stderr.decode().strip()}"
        )
    svg = done.stdout.decode("utf-8")
    svg = re.sub(r"<!-- Generated by graphviz.*?-->\n?", "", svg, flags=re.S)
    return svg.encode("utf-8")
