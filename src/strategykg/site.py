"""The static linked-data site: a page and one file per serialisation for every IRI under the base.

The site's folder stands for the base IRI, so ``{base}id/result/x`` is described by
``id/result/x.html`` (English), ``id/result/x.fr.html`` (French) and ``id/result/x.ttl``,
``.jsonld``, ``.nt``, ``.rdf``. Hash IRIs share their document's files (``{base}ontology#Goal``
is a section of ``ontology.html``). IRIs that name files (``{base}sources/….txt``,
``{base}dumps/…``) are those files. What an IRI's files hold is its concise bounded description
(its statements, with blank nodes followed), over the data and the dataset description; the
HTML page also shows who refers to it and the passage of the source text it is stated in.

Special pages: the ontology's IRI gets the pyLODE documentation (:mod:`strategykg.docs`), the
theme scheme's IRI a documentation of the scheme, the ontology's version IRI a page that points
to it, and the base itself an index of the release.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.term import Node

from strategykg.describe import dataset_iri, release_iri, sparql_endpoint_iri
from strategykg.docs import DocLinks, ontology_dot, ontology_page, render_svg
from strategykg.dumps import (
    PARTS_TITLES,
    RESOURCE_FORMATS,
    DumpFile,
    json_bytes,
    jsonld_context,
    serialize_graph,
)
from strategykg.pages import (
    SERVICE_PROPERTIES,
    UI,
    PageMaker,
    embedded_jsonld,
    environment,
    page_file,
    size_text,
)
from strategykg.release import (
    LANGUAGES,
    Release,
    by_language,
    is_file_iri,
    new_graph,
    pick,
    relative_link,
    site_path,
)

OTHER = {"en": "fr", "fr": "en"}
WELL_KNOWN_VOID = ".well-known/void"


@dataclass
class SiteReport:
    """What the site holds: its pages by IRI document, and IRIs it could not give a file."""

    documents: dict[str, list[str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)


class SiteWriter:
    """Writes the site of one release into a folder."""

    def __init__(
        self,
        release: Release,
        description: Graph,
        dumps: list[DumpFile],
        folder: Path,
        changes: list[tuple[str, str]] | None = None,
    ):
        self.release = release
        self.base = release.base
        self.info = release.info
        self.folder = folder
        self.dumps = dumps
        self.changes = changes or []
        self.description = description
        self.prefixes = dict(release.prefixes)
        for prefix, namespace in sorted(description.namespaces()):
            if prefix and str(namespace) not in self.prefixes.values():
                self.prefixes.setdefault(prefix, str(namespace))
        graph = new_graph(self.prefixes)
        for triple in sorted(set(release.rdflib_graph()) | set(description)):
            graph.add(triple)
        self.graph = graph
        self.services = {str(o) for p in SERVICE_PROPERTIES for o in graph.objects(None, p)}
        self.maker = PageMaker(release, graph, self.services, self.prefixes)
        self.context = jsonld_context(release)
        self.env = environment()
        self.written: list[str] = []
        self.ontology_path = site_path(self.info.ontology_iri, self.base)
        self.version_path = site_path(self.info.version_iri, self.base)
        themes = release.rdflib_graph(["themes"])
        self.scheme_paths = {
            path: scheme
            for scheme in sorted(themes.subjects(RDF.type, SKOS.ConceptScheme))
            if (path := site_path(str(scheme), self.base)) is not None
        }

    # -- planning ---------------------------------------------------------------------------

    def documents(self) -> tuple[dict[str, list[URIRef]], set[str]]:
        """Site paths and the IRIs each describes, and the IRIs that name files."""
        groups: dict[str, set[URIRef]] = defaultdict(set)
        file_iris: set[str] = set()
        terms: set[Node] = set()
        for s, p, o in self.graph:
            terms.update((s, p, o))
        for term in terms:
            if not isinstance(term, URIRef) or str(term) in self.services:
                continue
            path = site_path(str(term), self.base)
            if path is None or path == "index":
                continue
            if is_file_iri(path):
                file_iris.add(str(term))
            else:
                groups[path].add(term)
        if self.version_path and self.ontology_path:
            groups.setdefault(self.version_path, {URIRef(self.info.version_iri)})
        ordered = {
            path: sorted(iris, key=lambda i: ("#" in str(i), str(i)))
            for path, iris in sorted(groups.items())
        }
        return ordered, file_iris

    # -- writing ----------------------------------------------------------------------------

    def write(self, progress: Callable[[int], None] | None = None) -> SiteReport:
        documents, file_iris = self.documents()
        report = SiteReport(documents={p: [str(i) for i in iris] for p, iris in documents.items()})
        self._write_bytes(
            "assets/release.css", (files("strategykg") / "static/release.css").read_bytes()
        )
        self._write_bytes(f"context/{self.info.version}.jsonld", json_bytes(self.context))
        for name, text in self.release.texts.items():
            self._write_bytes(f"sources/{name}", text.encode("utf-8"))
        rdf_files: dict[str, dict[str, bytes]] = {}
        for path, iris in documents.items():
            source = self.ontology_path if path == self.version_path else path
            if source not in rdf_files:
                rdf_files[source] = self._rdf_files(documents.get(source, iris))
            for extension, data in rdf_files[source].items():
                self._write_bytes(f"{path}.{extension}", data)
            for lang in LANGUAGES:
                self._write_page(path, iris, lang, rdf_files[source].get("jsonld"))
            if progress:
                progress(1)
        self._write_well_known()
        for lang in LANGUAGES:
            self._write_index(documents, lang)
            svg_name = self._diagram_file(lang)
            target = page_file(self.ontology_path or "ontology", lang)
            self._write_bytes(
                svg_name, render_svg(ontology_dot(self.release, lang, target.rsplit("/", 1)[-1]))
            )
        report.unresolved = sorted(
            iri
            for iri in file_iris
            if not (self.folder / (site_path(iri, self.base) or "")).is_file()
        )
        report.files = sorted(self.written)
        return report

    def _write_bytes(self, path: str, data: bytes) -> None:
        target = self.folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written.append(path)

    def _diagram_file(self, lang: str) -> str:
        stem = self.ontology_path or "ontology"
        return f"{stem}.svg" if lang == "en" else f"{stem}.{lang}.svg"

    def cbd(self, node: Node, into: set) -> None:
        """The concise bounded description of node: its statements, following blank nodes."""
        for triple in self.graph.triples((node, None, None)):
            if triple not in into:
                into.add(triple)
                if isinstance(triple[2], BNode):
                    self.cbd(triple[2], into)

    def _rdf_files(self, iris: list[URIRef]) -> dict[str, bytes]:
        triples: set = set()
        for iri in iris:
            self.cbd(iri, triples)
        graph = new_graph(self._used_prefixes(triples))
        for triple in sorted(triples):
            graph.add(triple)
        return {
            fmt.extension: serialize_graph(graph, fmt, self.release, self.context)
            for fmt in RESOURCE_FORMATS
        }

    def _used_prefixes(self, triples: set) -> dict[str, str]:
        """Only the prefixes a small description uses, so its Turtle starts with what it needs."""
        used: dict[str, str] = {}
        namespaces = sorted(self.prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        for triple in triples:
            for term in triple:
                if isinstance(term, URIRef) or getattr(term, "datatype", None):
                    iri = str(term if isinstance(term, URIRef) else term.datatype)
                    for prefix, ns in namespaces:
                        if iri.startswith(ns):
                            used[prefix] = ns
                            break
        return dict(sorted(used.items()))

    # -- pages ------------------------------------------------------------------------------

    def _common(self, path: str, lang: str, title: str) -> dict:
        """What every page needs: languages, links home, the release's identity."""
        this_file = page_file(path, lang)
        other = OTHER[lang]
        depth = path.count("/")
        titles = self._dataset_titles()
        return {
            "lang": lang,
            "other_lang": other,
            "other_href": relative_link(this_file, page_file(path, other)),
            "root": "../" * depth,
            "home": relative_link(this_file, page_file("index", lang)),
            "site_title": titles.get(lang) or titles.get("en", ""),
            "version": self.info.version,
            "modified": self.info.modified,
            "issued": self.info.issued,
            "license": self.info.license,
            "ui": UI[lang],
            "title": title,
            "alternates": [],
            "jsonld": None,
        }

    def _dataset_titles(self) -> dict[str, str]:
        return by_language(self.description.objects(URIRef(dataset_iri(self.base)), DCTERMS.title))

    def _alternates(self, path: str) -> list[dict]:
        name = path.rsplit("/", 1)[-1]
        return [
            {"name": fmt.name, "media_type": fmt.media_type, "href": f"{name}.{fmt.extension}"}
            for fmt in RESOURCE_FORMATS
        ]

    def _write_page(self, path: str, iris: list[URIRef], lang: str, jsonld: bytes | None) -> None:
        if path == self.ontology_path:
            self._write_ontology_page(path, lang)
            return
        if path in self.scheme_paths:
            self._write_themes_page(path, self.scheme_paths[path], lang)
            return
        this_file = page_file(path, lang)
        banner = None
        subjects = iris
        if path == self.version_path:
            subjects = [URIRef(self.info.ontology_iri)]
            title = self.info.titles.get(lang) or self.info.titles.get("en", "")
            banner = {
                "text": UI[lang]["version_of"].format(version=self.info.version, title=title),
                "href": relative_link(this_file, page_file(self.ontology_path or "ontology", lang)),
                "link": UI[lang]["full_docs"],
            }
        sections = [self._section(iri, lang, this_file) for iri in subjects]
        page = self._common(path, lang, sections[0]["title"] if sections else path)
        page.update(
            sections=sections,
            incoming=self.maker.incoming(iris, lang, this_file),
            alternates=self._alternates(path),
            jsonld=embedded_jsonld(jsonld) if jsonld else None,
            banner=banner,
        )
        html = self.env.get_template("release-resource.html").render(page)
        self._write_bytes(this_file, html.encode("utf-8"))

    def _section(self, iri: URIRef, lang: str, this_file: str) -> dict:
        maker = self.maker
        rows = [r for r in maker.rows(iri, lang, this_file) if r.curie != "rdf:type"]
        fragment = str(iri).split("#", 1)[1] if "#" in str(iri) else None
        return {
            "anchor": fragment,
            "iri": str(iri),
            "title": maker.name(iri, lang),
            "types": [
                maker.link(t, lang, this_file) for t in sorted(self.graph.objects(iri, RDF.type))
            ],
            "definition": maker.definition(iri, lang),
            "rows": rows,
            "provenance": maker.provenance([iri], lang, this_file),
        }

    def _write_ontology_page(self, path: str, lang: str) -> None:
        this_file = page_file(path, lang)
        name = path.rsplit("/", 1)[-1]
        dump_folder = f"dumps/{self.info.version}/"
        downloads = [(fmt.name, f"{name}.{fmt.extension}") for fmt in RESOURCE_FORMATS]
        for fmt_name, extension in (("Turtle", "ttl"), ("RDF/XML", "rdf"), ("JSON-LD", "jsonld")):
            label = f"{PARTS_TITLES['ontology'][0 if lang == 'en' else 1]} ({fmt_name}, dump)"
            downloads.append(
                (label, relative_link(this_file, f"{dump_folder}strategykg-ontology.{extension}"))
            )
        links = DocLinks(
            other_language=relative_link(this_file, page_file(path, OTHER[lang])),
            home=relative_link(this_file, page_file("index", lang)),
            diagram=relative_link(this_file, self._diagram_file(lang)),
            downloads=downloads,
            alternates=[(a["media_type"], a["href"]) for a in self._alternates(path)],
            relative=lambda iri: self.maker.href(iri, lang, this_file),
        )
        html = ontology_page(
            self.release, lang, links, shapes=self.release.rdflib_graph(["shapes"])
        )
        self._write_bytes(this_file, html.encode("utf-8"))

    def _write_themes_page(self, path: str, scheme: Node, lang: str) -> None:
        this_file = page_file(path, lang)
        graph, maker = self.graph, self.maker
        concepts = sorted(
            set(graph.subjects(SKOS.inScheme, scheme))
            | set(graph.subjects(SKOS.topConceptOf, scheme)),
            key=lambda c: maker.name(c, lang).lower(),
        )

        def anchor(concept: Node) -> str:
            return str(concept).rstrip("/").rsplit("/", 1)[-1].replace("#", "-")

        def narrower(concept: Node) -> list[Node]:
            found = set(graph.objects(concept, SKOS.narrower)) | set(
                graph.subjects(SKOS.broader, concept)
            )
            return sorted(
                (c for c in found if c in concepts), key=lambda c: maker.name(c, lang).lower()
            )

        def tree(nodes: list[Node], seen: frozenset) -> list[dict]:
            return [
                {
                    "anchor": anchor(n),
                    "text": maker.name(n, lang),
                    "children": tree(narrower(n), seen | {n}),
                }
                for n in nodes
                if n not in seen
            ]

        tops = [
            c
            for c in concepts
            if (scheme, SKOS.hasTopConcept, c) in graph or (c, SKOS.topConceptOf, scheme) in graph
        ]
        has_theme = URIRef(self.release.vocabulary + "hasTheme")
        items = []
        for concept in concepts:
            labels = list(graph.objects(concept, SKOS.prefLabel))
            en = pick(labels, "en")
            fr = pick(labels, "fr")
            broader = set(graph.objects(concept, SKOS.broader)) | set(
                graph.subjects(SKOS.narrower, concept)
            )
            mappings = [
                {
                    "property": maker.curie(str(prop)),
                    "href": str(target),
                    "text": maker.curie(str(target)),
                }
                for prop in (
                    SKOS.exactMatch,
                    SKOS.closeMatch,
                    SKOS.broadMatch,
                    SKOS.narrowMatch,
                    SKOS.relatedMatch,
                )
                for target in sorted(graph.objects(concept, prop))
            ]
            items.append(
                {
                    "anchor": anchor(concept),
                    "iri": str(concept),
                    "title": maker.name(concept, lang),
                    "href": maker.href(str(concept), lang, this_file) or str(concept),
                    "en": str(en)
                    if en is not None and (en.language or "").startswith("en")
                    else None,
                    "fr": str(fr)
                    if fr is not None and (fr.language or "").startswith("fr")
                    else None,
                    "definition": maker.definition(concept, lang),
                    "broader": [
                        {"anchor": anchor(b), "text": maker.name(b, lang)}
                        for b in sorted(broader)
                        if b in concepts
                    ],
                    "narrower": [
                        {"anchor": anchor(n), "text": maker.name(n, lang)}
                        for n in narrower(concept)
                    ],
                    "mappings": mappings,
                    "used": len(set(graph.subjects(has_theme, concept))),
                }
            )
        page = self._common(path, lang, maker.name(scheme, lang))
        page.update(
            iri=str(scheme),
            definition=maker.definition(scheme, lang),
            roots=tree(tops, frozenset()),
            concepts=items,
            alternates=self._alternates(path),
        )
        html = self.env.get_template("release-themes.html").render(page)
        self._write_bytes(this_file, html.encode("utf-8"))

    def _write_well_known(self) -> None:
        """/.well-known/void (VoID §7): the dataset description in every format."""
        graph = new_graph(self.release.prefixes)
        for prefix, ns in self.description.namespaces():
            graph.bind(prefix, ns, override=True, replace=True)
        for triple in sorted(self.description):
            graph.add(triple)
        jsonld = None
        for fmt in RESOURCE_FORMATS:
            data = serialize_graph(graph, fmt, self.release, self.context)
            self._write_bytes(f"{WELL_KNOWN_VOID}.{fmt.extension}", data)
            jsonld = data if fmt.key == "jsonld" else jsonld
        this = URIRef(release_iri(self.base, self.info.version))
        for lang in LANGUAGES:
            this_file = page_file(WELL_KNOWN_VOID, lang)
            sections = [self._section(this, lang, this_file)]
            page = self._common(WELL_KNOWN_VOID, lang, sections[0]["title"])
            page.update(
                sections=sections,
                incoming=[],
                alternates=self._alternates(WELL_KNOWN_VOID),
                jsonld=None,
                banner=None,
            )
            html = self.env.get_template("release-resource.html").render(page)
            self._write_bytes(this_file, html.encode("utf-8"))

    def _write_index(self, documents: dict[str, list[URIRef]], lang: str) -> None:
        this_file = page_file("index", lang)
        ui = UI[lang]
        maker = self.maker
        description = pick(
            self.description.objects(
                URIRef(release_iri(self.base, self.info.version)),
                URIRef("http://purl.org/dc/terms/description"),
            ),
            lang,
        )

        def href(path: str) -> str:
            return relative_link(this_file, path)

        docs = []
        if self.ontology_path:
            docs.append(
                {"href": href(page_file(self.ontology_path, lang)), "text": ui["ontology_doc"]}
            )
            docs.append({"href": href(self._diagram_file(lang)), "text": ui["diagram"]})
        for path, scheme in self.scheme_paths.items():
            docs.append(
                {
                    "href": href(page_file(path, lang)),
                    "text": f"{ui['themes_doc']}: {maker.name(scheme, lang)}",
                }
            )
        folder = f"dumps/{self.info.version}/"
        downloads = []
        plain = [f for f in self.dumps if not f.compressed]
        compressed = {f.name: f for f in self.dumps if f.compressed}
        for f in plain:
            gz = compressed.get(f.name + ".gz")
            downloads.append(
                {
                    "part": PARTS_TITLES[f.part][0 if lang == "en" else 1],
                    "format": f.format.name,
                    "media_type": f.format.media_type,
                    "href": href(folder + f.name),
                    "size": size_text(f.size),
                    "gz_href": href(folder + f.name + ".gz") if gz else "",
                    "gz_size": size_text(gz.size) if gz else "",
                    "sha256": f.sha256,
                }
            )
        extra = [
            {
                "href": href(
                    page_file(
                        site_path(release_iri(self.base, self.info.version), self.base) or "", lang
                    )
                ),
                "text": ui["description"],
            },
            {"href": href(f"{WELL_KNOWN_VOID}.ttl"), "text": "/.well-known/void (Turtle)"},
            {"href": href(folder + "SHA256SUMS"), "text": ui["all_checksums"]},
            {"href": href(f"context/{self.info.version}.jsonld"), "text": "JSON-LD @context"},
        ]
        for text, path in self.changes:
            extra.append({"href": href(path), "text": f"{ui['changes']} ({text})"})
        groups: dict[str, list[dict]] = defaultdict(list)
        for path, iris in documents.items():
            main = iris[0]
            types = sorted(
                self.graph.objects(main, RDF.type), key=lambda t: maker.name(t, lang).lower()
            )
            group = maker.name(types[0], lang) if types else ("Other" if lang == "en" else "Autres")
            link = maker.link(main, lang, this_file)
            groups[group].append(
                {"href": href(page_file(path, lang)), "text": link.text, "lang": link.lang}
            )
        page = self._common("index", lang, self._dataset_titles().get(lang, ""))
        page.update(
            description=str(description) if description is not None else "",
            publisher=self.info.publisher,
            docs=docs,
            downloads=downloads,
            extra_links=extra,
            sparql=sparql_endpoint_iri(self.base),
            groups=[
                {"title": title, "members": sorted(items, key=lambda i: i["text"].lower())}
                for title, items in sorted(groups.items(), key=lambda kv: kv[0].lower())
            ],
        )
        html = self.env.get_template("release-index.html").render(page)
        self._write_bytes(this_file, html.encode("utf-8"))
