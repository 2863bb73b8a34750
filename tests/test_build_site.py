"""Someone browses the static site from a folder or a plain web server: every IRI has a page and
its files, every link lands somewhere, and the documentation reads in English and in French."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from tests.release_builds import BASE, shipped_release

OA = Namespace("http://www.w3.org/ns/oa#")
SERIALISATIONS = ("ttl", "jsonld", "nt", "rdf")
FILE_IRI_SUFFIXES = (".txt", ".ttl", ".nt", ".nq", ".jsonld", ".rdf", ".trig", ".gz")


@pytest.fixture(scope="module")
def release():
    return shipped_release()


@pytest.fixture(scope="module")
def site(release) -> Path:
    return release.folder / "site"


class Page(HTMLParser):
    """The links and element ids of one HTML (or SVG) file."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang")
        if "id" in values:
            self.ids.add(values["id"])
        for name in ("href", "src", "data", "xlink:href"):
            if values.get(name):
                self.links.append(values[name])


@cache
def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def iris_under_base(graph_terms) -> set[str]:
    return {
        t.value for t in graph_terms if isinstance(t, ox.NamedNode) and t.value.startswith(BASE)
    }


def site_file(iri: str) -> str:
    """Where the site keeps an IRI's files: the IRI's path under the base, without fragment."""
    return unquote(iri[len(BASE) :].split("#", 1)[0])


def expected_iris(kg, site: Path) -> set[str]:
    """Every IRI under the base in the sources and in the published dataset description."""
    terms = []
    for quad in kg.store.quads_for_pattern(None, None, None):
        terms += [quad.subject, quad.predicate, quad.object]
    for triple in ox.parse(path=site / ".well-known" / "void.nt", format=ox.RdfFormat.N_TRIPLES):
        terms += [triple.subject, triple.predicate, triple.object]
    endpoint = BASE + "sparql"  # a service, not a document: the static site has no page for it
    return iris_under_base(terms) - {endpoint, BASE}


def test_every_iri_under_the_base_has_a_page_in_both_languages_and_every_format(kg, site):
    iris = expected_iris(kg, site)
    assert BASE + "id/result/justice-in-guatemala" in iris
    for iri in sorted(iris):
        path = site_file(iri)
        if path.endswith(FILE_IRI_SUFFIXES):
            assert (site / path).is_file(), iri
            continue
        for page in (f"{path}.html", f"{path}.fr.html"):
            assert (site / page).is_file(), f"{iri}: no {page}"
            fragment = iri.split("#", 1)[1] if "#" in iri else ""
            if fragment:  # a hash IRI lands on its own section of its document's page
                assert fragment in read_page(site / page).ids, f"{iri}: no anchor in {page}"
        for extension in SERIALISATIONS:
            assert (site / f"{path}.{extension}").is_file(), f"{iri}: no {path}.{extension}"


def test_every_link_on_every_page_resolves_within_the_site(site):
    pages = sorted(site.rglob("*.html")) + sorted(site.rglob("*.svg"))
    assert len(pages) > 200
    broken = []
    for page_path in pages:
        page = read_page(page_path)
        for link in page.links:
            if link.startswith(BASE):
                broken.append(f"{page_path.relative_to(site)}: absolute link to {link}")
                continue
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue  # outside the site
            target, fragment = urldefrag(link)
            target_path = (page_path.parent / unquote(target)).resolve() if target else page_path
            if not target_path.is_file():
                broken.append(f"{page_path.relative_to(site)}: {link}")
            elif (
                fragment
                and target_path.suffix == ".html"
                and fragment not in read_page(target_path).ids
            ):
                broken.append(f"{page_path.relative_to(site)}: no #{fragment} in {target}")
    assert not broken, "\n".join(broken[:20])


def test_a_resource_file_holds_its_statements_and_its_blank_nodes(kg, site):
    sources = kg.rdflib_graph()
    result = URIRef(BASE + "id/result/justice-in-guatemala")
    parsed = Graph().parse(site / "id/result/justice-in-guatemala.ttl", format="turtle")
    assert set(parsed.predicate_objects(result)) == set(sources.predicate_objects(result))
    passage = URIRef(BASE + "id/document/goal-2/chars/2234-2468")
    described = Graph().parse(site / "id/document/goal-2/chars/2234-2468.nt", format="nt")
    selectors = list(described.objects(passage, OA.hasSelector))
    assert len(selectors) == len(list(sources.objects(passage, OA.hasSelector))) == 2
    quotes = {str(described.value(s, OA.exact)) for s in selectors} - {"None"}
    expected = {str(sources.value(s, OA.exact)) for s in sources.objects(passage, OA.hasSelector)}
    assert quotes == expected - {"None"}


def test_a_result_page_quotes_its_passage_in_the_source_text(source_text, site):
    page = (site / "id/result/justice-in-guatemala.html").read_text(encoding="utf-8")
    quote = source_text[2234:2468]  # the passage id/document/goal-2/chars/2234-2468
    assert f"<mark>{quote.replace('’', '’')}</mark>" in page.replace("&#39;", "'")
    assert 'href="../../sources/goal-2-security-institutions.txt"' in page


def test_pages_are_in_english_and_french_with_labels_in_each(kg, site):
    english = read_page(site / "id/result/justice-in-guatemala.html")
    french = read_page(site / "id/result/justice-in-guatemala.fr.html")
    assert (english.lang, french.lang) == ("en", "fr")
    labels = {
        label.language: str(label)
        for label in kg.rdflib_graph().objects(
            URIRef(BASE + "id/result/justice-in-guatemala"), RDFS.label
        )
    }
    french_text = (site / "id/result/justice-in-guatemala.fr.html").read_text(encoding="utf-8")
    assert f"<h1>{labels['en']}</h1>" in (site / "id/result/justice-in-guatemala.html").read_text(
        encoding="utf-8"
    )
    assert f"<h1>{labels['fr-t-en']}</h1>" in french_text
    assert (
        "justice-in-guatemala.html" in french.links
        and "justice-in-guatemala.fr.html" in english.links
    )


def test_the_ontology_documentation_reads_in_english_and_in_french_with_its_diagram(kg, site):
    ontology = kg.rdflib_graph(["ontology"])
    onto = URIRef(BASE + "ontology")
    for lang, page_name, diagram in (
        ("en", "ontology.html", "ontology.svg"),
        ("fr", "ontology.fr.html", "ontology.fr.svg"),
    ):
        text = (site / page_name).read_text(encoding="utf-8")
        page = read_page(site / page_name)
        assert page.lang == lang
        title = next(str(t) for t in ontology.objects(onto, DCTERMS.title) if t.language == lang)
        assert title in text
        assert diagram in page.links
        svg = ET.parse(site / diagram).getroot()
        drawn = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
        for cls in ontology.subjects(RDF.type, OWL.Class):
            if isinstance(cls, URIRef):
                label = next(
                    str(x) for x in ontology.objects(cls, RDFS.label) if x.language == lang
                )
                assert label in text, (lang, label)
                assert label in drawn, (lang, label)
                assert cls.split("#", 1)[1] in page.ids


def test_the_documentation_shows_alignments_shapes_and_named_individuals(site):
    page = read_page(site / "ontology.html")
    text = (site / "ontology.html").read_text(encoding="utf-8")
    assert {
        "classes",
        "objectproperties",
        "datatypeproperties",
        "named_individuals",
        "shapes",
        "diagram",
    } <= page.ids
    assert (
        "https://spec.edmcouncil.org/fibo/ontology/FND/GoalsAndObjectives/Objectives/Goal"
        in page.links
    )
    assert {"GoalShape", "atLeast", "Comparators"} <= page.ids
    assert "Close Match" in text and "Inverse Of" in text


def test_the_theme_scheme_page_lists_every_theme_in_both_languages(kg, site):
    themes = kg.rdflib_graph(["themes"])
    english = (site / "id/themes.html").read_text(encoding="utf-8")
    french = (site / "id/themes.fr.html").read_text(encoding="utf-8")
    concepts = set(themes.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 20
    for concept in concepts:
        labels = {label.language: str(label) for label in themes.objects(concept, SKOS.prefLabel)}
        for text in (english, french):
            assert labels["en"].replace("’", "’") in text.replace("&#39;", "'")
            assert labels["fr"] in text.replace("&#39;", "'")
    assert "sdg:16.4" in english


def test_the_index_links_to_the_documentation_the_downloads_and_every_resource(release, site):
    index = read_page(site / "index.html")
    assert "ontology.html" in index.links
    assert f"dumps/{release.version}/strategykg.ttl" in index.links
    pages = {
        str(p.relative_to(site)) for p in site.rglob("*.html") if not p.name.endswith(".fr.html")
    }
    listed = set(index.links)
    resources = {p for p in pages if p.startswith(("id/", "graph/"))}
    assert resources - listed == set()


def test_the_source_text_is_published_where_its_iri_says(kg, site, source_text):
    assert (site / "sources" / "goal-2-security-institutions.txt").read_text(
        encoding="utf-8"
    ) == source_text
