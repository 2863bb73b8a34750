"""The ontology's documentation on the live server: a release's pyLODE pages, made on demand.

A browser at /ontology gets the documentation a release publishes (pyLODE, one page per
language, with alignments, named individuals and the SHACL shapes, see :mod:`strategykg.docs`)
and the class diagram at /ontology.svg (/ontology.fr.svg in French). They are made the first
time they are asked for, by a worker of its own (rdflib and pyLODE take seconds and a heap the
server should not keep), and kept in memory: a few hundred kilobytes, and the ontology cannot
change while the server runs. Where they cannot be made (Graphviz missing, pyLODE failing),
the server says why for the diagram and serves its own page of the ontology instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from strategykg.errors import StrategyKGError
from strategykg.load import KnowledgeGraph
from strategykg.negotiation import GRAPHS, Format

DOCUMENTED_PARTS = ("ontology", "shapes")
DOCS_TIME_LIMIT = 300.0  # pyLODE takes a few seconds; a stuck Graphviz must not hold forever
SVG = Format("svg", "SVG", ("image/svg+xml",), "svg", "image")


@dataclass(frozen=True)
class OntologyDocs:
    """One language's documentation page, its diagram, or why there is no diagram."""

    page: bytes
    diagram: bytes | None
    no_diagram: str | None


def diagram_path(lang: str) -> str:
    """Where the diagram is, as on a release's site: /ontology.svg, /ontology.fr.svg."""
    return "/ontology.svg" if lang == "en" else f"/ontology.{lang}.svg"


class DocsWriter:
    """Makes the documentation of kg's ontology as published under base. Runs in a worker."""

    def __init__(self, kg: KnowledgeGraph, base: str):
        self.kg = kg
        self.base = base

    def _release(self):
        from strategykg.release import prepare

        # Only the documented parts: preparing a release of the whole graph would canonicalise
        # every blank node of the data, minutes at a million triples, for nothing shown here.
        sources = [s for s in self.kg.sources if s.part in DOCUMENTED_PARTS]
        store = ox.Store()
        for source in sources:
            graph = ox.NamedNode(source.graph)
            store.extend(self.kg.store.quads_for_pattern(None, None, None, graph))
        return prepare(KnowledgeGraph(self.kg.root, sources, store), self.base)

    def write(self, lang: str) -> OntologyDocs:
        from strategykg.docs import DocLinks, ontology_dot, ontology_page, render_svg

        release = self._release()
        other = "fr" if lang == "en" else "en"
        formats = list(GRAPHS)
        links = DocLinks(
            other_language=f"/ontology?lang={other}",
            home="/",
            diagram=diagram_path(lang),
            downloads=[(f.label, f"/ontology.{f.suffix}") for f in formats],
            alternates=[(f.media_type, f"/ontology.{f.suffix}") for f in formats],
            relative=lambda iri: "/" + iri[len(self.base) :] if iri.startswith(self.base) else None,
        )
        page = ontology_page(release, lang, links, shapes=release.rdflib_graph(["shapes"]))
        try:
            diagram, why = render_svg(ontology_dot(release, lang, f"/ontology?lang={lang}")), None
        except StrategyKGError as missing:
            diagram, why = None, str(missing)
        return OntologyDocs(page.encode("utf-8"), diagram, why)
