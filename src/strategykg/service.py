"""The jobs behind the HTTP layer: run a SPARQL request, describe an IRI, render a page.

:class:`StoreService` works on the embedded pyoxigraph store and runs inside the query
workers (:mod:`strategykg.workers`), so everything costly happens there, in parallel and
under the time limit: evaluation, serialisation by pyoxigraph's own writers (never row by
row in Python), HTML rendering and gzip. :class:`EngineService` does the same over any
:class:`~strategykg.engines.Engine` (a remote endpoint, rdflib), in a thread; it is slower,
and it cannot stop a query at its time limit (the remote store's own timeout must), so the
embedded store stays the default.

A job's answer is a plain dictionary (picklable): ``status`` (an HTTP status), and either
``body`` with ``format`` and ``gzip``, or ``message``.
"""

from __future__ import annotations

import gzip
import itertools
from dataclasses import dataclass, field

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from rdflib import BNode, Literal, URIRef, Variable
from rdflib.query import Result

from strategykg.engines import Engine, QueryResult
from strategykg.errors import StrategyKGError
from strategykg.linkeddata import Describer, JsonLdCompactor, Vocabulary
from strategykg.live_docs import DocsWriter, OntologyDocs
from strategykg.live_dumps import DumpWriter, Made
from strategykg.negotiation import BY_NAME, Format
from strategykg.publication import serialize_triples

HTML_ROWS = 1000  # rows an HTML results table shows; the downloads have them all
GZIP_MIN = 1024
# Above this size the fastest gzip level: on a 32 MB SPARQL JSON answer level 1 takes half
# the time of level 5 for a third more bytes, and the client waits for the whole answer.
GZIP_FAST_FROM = 1 << 20

UI = {
    "en": {
        "home": "Home",
        "sparql": "SPARQL",
        "queries": "Questions",
        "dumps": "Downloads",
        "dumps_made": "Each file is made when it is first downloaded, then kept while the server "
        "runs; its size and checksum show here from then on.",
        "file": "File",
        "bytes": "Bytes",
        "not_made": "made on first download",
        "ontology": "Ontology",
        "themes": "Themes",
        "void": "Dataset description",
        "types": "Types",
        "statements": "Statements",
        "incoming": "Referred to by",
        "incoming_more": "Showing {shown} of {total} links.",
        "quote": "Where the source says so",
        "chars": "characters {start}–{end} of",
        "translated": "translated from English",
        "as": "This description as",
        "run": "Run",
        "rows": "{n} rows",
        "rows_capped": "Showing the first {shown} rows.",
        "download": "Download",
        "parameters": "Parameters",
        "query_text": "SPARQL",
        "answer": "Answer",
        "yes": "yes",
        "no": "no",
        "triples": "triples",
        "classes": "What it holds",
        "class": "Class",
        "count": "Count",
        "graphs": "Named graphs",
        "language": "Français",
        "not_found": "Not found",
        "definition": "Definition",
        "format": "Format",
        "predicate": "Property",
        "subject": "Subject",
        "object": "Object",
        "group_Class": "Classes",
        "group_Property": "Properties",
        "group_Individual": "Individuals",
        "group_Shape": "SHACL shapes",
    },
    "fr": {
        "home": "Accueil",
        "sparql": "SPARQL",
        "queries": "Questions",
        "dumps": "Téléchargements",
        "dumps_made": "Chaque fichier est produit à son premier téléchargement, puis conservé "
        "tant que le serveur tourne ; sa taille et sa somme de contrôle s’affichent dès lors.",
        "file": "Fichier",
        "bytes": "Octets",
        "not_made": "produit au premier téléchargement",
        "ontology": "Ontologie",
        "themes": "Thèmes",
        "void": "Description du jeu de données",
        "types": "Types",
        "statements": "Énoncés",
        "incoming": "Cité par",
        "incoming_more": "{shown} liens affichés sur {total}.",
        "quote": "Ce que dit la source",
        "chars": "caractères {start} à {end} de",
        "translated": "traduit de l’anglais",
        "as": "Cette description en",
        "run": "Exécuter",
        "rows": "{n} lignes",
        "rows_capped": "Les {shown} premières lignes sont affichées.",
        "download": "Télécharger",
        "parameters": "Paramètres",
        "query_text": "SPARQL",
        "answer": "Réponse",
        "yes": "oui",
        "no": "non",
        "triples": "triplets",
        "classes": "Ce qu’il contient",
        "class": "Classe",
        "count": "Nombre",
        "graphs": "Graphes nommés",
        "language": "English",
        "not_found": "Introuvable",
        "definition": "Définition",
        "format": "Format",
        "predicate": "Propriété",
        "subject": "Sujet",
        "object": "Objet",
        "group_Class": "Classes",
        "group_Property": "Propriétés",
        "group_Individual": "Individus",
        "group_Shape": "Formes SHACL",
    },
}


class Renderer:
    """Jinja2 templates of the server (autoescaped), with the UI text in English and French."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=PackageLoader("strategykg", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def render(self, template: str, lang: str, **context: object) -> bytes:
        page = self.env.get_template(template).render(ui=UI[lang], lang=lang, **context)
        return page.encode()


def finish(body: bytes, fmt: str, want_gzip: bool, status: int = 200, **extra: object) -> dict:
    """A job's answer, gzipped in the worker when the client accepts it and it is worth it."""
    packed = want_gzip and len(body) >= GZIP_MIN
    if packed:
        level = 1 if len(body) >= GZIP_FAST_FROM else 5
        body = gzip.compress(body, compresslevel=level, mtime=0)
    return {"status": status, "body": body, "format": fmt, "gzip": packed, **extra}


@dataclass
class SparqlJob:
    """One SPARQL request, after negotiation and the guards: what to run and how to answer."""

    query: str
    original: str | None = None  # the text as sent, when the row cap rewrote it
    union: bool = True
    default_graphs: list[str] | None = None
    named_graphs: list[str] | None = None
    results: str | None = "json"  # format for SELECT and ASK, None when the client accepts none
    graph: str | None = "turtle"  # format for CONSTRUCT and DESCRIBE
    gzip: bool = False
    page: dict | None = None  # set for an HTML answer: the template and its context
    extra: dict = field(default_factory=dict)


def _one_line(error: BaseException) -> str:
    text = getattr(error, "msg", None) or str(error) or type(error).__name__
    return " ".join(str(text).split())


_NOTHING = ox.Store()


def syntax_error(query: str) -> str | None:
    """The worker's 400 message for a query that does not parse, found without a worker.

    pyoxigraph parses at once and evaluates lazily (SELECT, CONSTRUCT and DESCRIBE answers
    are iterators, never iterated here), so this costs about 15 µs and runs nothing. ASK is
    evaluated at once, even over an empty store, so it is left to the worker.
    """
    try:
        _NOTHING.query(query)
    except SyntaxError as error:
        return f"SPARQL syntax error: {_one_line(error)}"
    except (ValueError, TypeError, OSError):
        return None  # the worker reports these, with the data at hand
    return None


class Jobs:
    """What both services share: dispatch by name; the dumps and docs of the local graph."""

    dumps: DumpWriter
    docs: DocsWriter
    renderer: Renderer
    prefixes: dict[str, str]
    compactor: JsonLdCompactor | None

    def handle(self, op: str, args: tuple) -> object:
        return getattr(self, "job_" + op)(*args)

    def job_dump(self, format_name: str, folder: str) -> list[Made]:
        return self.dumps.write(format_name, folder)

    def job_docs(self, lang: str) -> OntologyDocs:
        return self.docs.write(lang)

    # -- linked data (the describer differs: the whole store, or one resource's neighbourhood)

    def describer_for(self, iri: str) -> Describer | None:
        raise NotImplementedError

    def job_describe(self, iri: str, fmt: str, context_url: str, want_gzip: bool) -> dict:
        describer = self.describer_for(iri)
        description = describer.describe(iri) if describer else None
        if description is None:
            return {"status": 404, "message": f"no resource {iri} in this dataset"}
        body = serialize_triples(
            description.triples(), BY_NAME[fmt], self.prefixes, self.compactor, context_url
        )
        return finish(body, fmt, want_gzip)

    def job_page(self, iri: str, lang: str, chrome: dict, want_gzip: bool) -> dict:
        describer = self.describer_for(iri)
        page = describer.page(iri, lang) if describer else None
        if page is None:
            return {"status": 404, "message": f"no resource {iri} in this dataset"}
        body = self.renderer.render("serve-resource.html", lang, page=page, **chrome)
        return finish(body, "html", want_gzip)

    def job_render(self, template: str, lang: str, context: dict, want_gzip: bool) -> dict:
        return finish(self.renderer.render(template, lang, **context), "html", want_gzip)


class StoreService(Jobs):
    """The jobs, over the embedded store. Built before the workers fork, so they share it."""

    def __init__(
        self,
        store: ox.Store,
        describer: Describer,
        compactor: JsonLdCompactor,
        prefixes: dict[str, str],
        renderer: Renderer,
        dumps: DumpWriter,
        docs: DocsWriter,
    ):
        self.docs = docs
        self.store = store
        self.describer = describer
        self.vocabulary: Vocabulary = describer.vocabulary
        self.compactor = compactor
        self.prefixes = prefixes
        self.renderer = renderer
        self.dumps = dumps

    def warm(self) -> None:
        """Read every statement and its terms once, in a fresh worker, before any job.

        Measured at a million triples: a forked worker's first big query ran 0.15-0.3 s
        slower than its next ones (reading shares the parent's pages, and the store's first
        reads in a new process pay for them); this 0.2 s pass takes that cost up front.
        """
        for _ in self.store.query(
            "SELECT (SUM(STRLEN(STR(?s)) + STRLEN(STR(?o))) AS ?n) WHERE { ?s ?p ?o }",
            use_default_graph_as_union=True,
        ):
            pass

    # -- SPARQL -------------------------------------------------------------------------------

    def job_sparql(self, job: SparqlJob) -> dict:
        options: dict[str, object] = {}
        if job.default_graphs is not None or job.named_graphs is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs or []]
            options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or []]
        elif job.union:
            options["use_default_graph_as_union"] = True
        try:
            try:
                answer = self.store.query(job.query, **options)
            except SyntaxError:
                if job.original is None:
                    raise
                # Report the error where the client wrote it, not in the LIMIT we appended.
                answer = self.store.query(job.original, **options)
        except SyntaxError as error:
            return {"status": 400, "message": f"SPARQL syntax error: {_one_line(error)}"}
        except (ValueError, TypeError) as error:
            return {"status": 400, "message": f"the query cannot be run: {_one_line(error)}"}
        except OSError as error:
            return {"status": 502, "message": f"the query failed: {_one_line(error)}"}
        kind = (
            "ask"
            if isinstance(answer, ox.QueryBoolean)
            else "select"
            if isinstance(answer, ox.QuerySolutions)
            else "graph"
        )
        try:
            if job.page is not None:
                return self._page_of_results(answer, kind, job)
            name = job.graph if kind == "graph" else job.results
            if name is None:
                return {"status": 406, "kind": kind}
            body = answer.serialize(format=BY_NAME[name].oxigraph)
        except OSError as error:  # a SERVICE call or the evaluation failed midway
            return {"status": 502, "message": f"the query failed: {_one_line(error)}"}
        return finish(body, name, job.gzip, kind=kind)

    def _page_of_results(self, answer: object, kind: str, job: SparqlJob) -> dict:
        page = dict(job.page or {})
        lang = str(page.pop("lang", "en"))
        template = str(page.pop("template"))
        table = results_table(answer, kind, self.vocabulary)
        body = self.renderer.render(template, lang, table=table, **page)
        return finish(body, "html", job.gzip, kind=kind)

    # -- linked data --------------------------------------------------------------------------

    def describer_for(self, iri: str) -> Describer:
        return self.describer

    def job_graph(self, graph: str, fmt: str, want_gzip: bool) -> dict:
        """The triples of one named graph (its IRI dereferenced)."""
        quads = self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        body = serialize_triples(triples, BY_NAME[fmt], self.prefixes)
        return finish(body, fmt, want_gzip)


def results_table(answer: object, kind: str, vocabulary: Vocabulary) -> dict:
    """At most HTML_ROWS rows of an answer as display cells (escaped later by the template)."""
    if kind == "ask":
        return {"kind": kind, "boolean": bool(answer), "variables": [], "rows": [], "more": False}
    if kind == "select":
        assert isinstance(answer, ox.QuerySolutions)
        variables = [v.value for v in answer.variables]
        source = ([solution[v] for v in variables] for solution in answer)
    else:
        variables = ["subject", "predicate", "object"]
        source = ([t.subject, t.predicate, t.object] for t in answer)  # type: ignore[attr-defined]
    rows = [[cell(term, vocabulary) for term in row] for row in itertools.islice(source, HTML_ROWS)]
    more = next(source, None) is not None
    return {"kind": kind, "variables": variables, "rows": rows, "more": more}


def cell(term: object, vocabulary: Vocabulary) -> dict | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {
            "kind": "iri",
            "text": vocabulary.curie(term.value),
            "href": vocabulary.href(term.value),
            "iri": term.value,
        }
    if isinstance(term, ox.BlankNode):
        return {"kind": "bnode", "text": "_:" + term.value}
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype else None
        if term.language or datatype == "http://www.w3.org/2001/XMLSchema#string":
            datatype = None
        return {
            "kind": "literal",
            "text": term.value,
            "lang": term.language,
            "datatype": vocabulary.curie(datatype) if datatype else None,
        }
    return {"kind": "literal", "text": str(term)}


# -- any engine ------------------------------------------------------------------------------


def _to_ox(term: object) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


_NEIGHBOURHOOD = """
CONSTRUCT {{ <{iri}> ?p ?o . ?o ?p2 ?o2 . ?o2 ?p3 ?o3 . ?s ?ip <{iri}> . ?n ?lp ?l .
             ?passage ?pp ?po . ?po ?sp ?so . ?document ?dp ?do . }}
WHERE {{
  {{ <{iri}> ?p ?o
     OPTIONAL {{ ?o ?p2 ?o2 FILTER isBlank(?o) OPTIONAL {{ ?o2 ?p3 ?o3 FILTER isBlank(?o2) }} }} }}
  UNION {{ ?s ?ip <{iri}> }}
  UNION {{ <{iri}> <https://w3id.org/strategykg/ontology#statedIn>? ?passage .
           ?passage <http://www.w3.org/ns/oa#hasSelector> [] ; ?pp ?po .
           OPTIONAL {{ ?po ?sp ?so FILTER isBlank(?po) }} }}
  UNION {{ <{iri}> <https://w3id.org/strategykg/ontology#statedIn>?/<https://w3id.org/strategykg/ontology#inDocument> ?document .
           ?document ?dp ?do }}
  UNION {{ {{ <{iri}> ?x ?n }} UNION {{ ?n ?x <{iri}> }} UNION {{ <{iri}> ?x [ ?y ?n ] }}
           VALUES ?lp {{ <http://www.w3.org/2000/01/rdf-schema#label>
                         <http://www.w3.org/2004/02/skos/core#prefLabel>
                         <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> }}
           ?n ?lp ?l }}
}}
"""


class EngineService(Jobs):
    """The same jobs over any Engine: results through rdflib's writers, pages from a small
    store filled with the resource's neighbourhood (one CONSTRUCT per page)."""

    def __init__(
        self,
        engine: Engine,
        vocabulary: Vocabulary,
        prefixes: dict[str, str],
        renderer: Renderer,
        texts: dict[str, str],
        compactor: JsonLdCompactor | None,
        dumps: DumpWriter,
        docs: DocsWriter,
    ):
        self.docs = docs
        self.engine = engine
        self.vocabulary = vocabulary
        self.prefixes = prefixes
        self.renderer = renderer
        self.texts = texts
        self.compactor = compactor
        self.dumps = dumps  # of the local copy: another store's data has no stable version

    def job_sparql(self, job: SparqlJob) -> dict:
        if job.default_graphs is not None or job.named_graphs is not None:
            return {"status": 400, "message": "this engine takes the dataset from the query (FROM)"}
        try:
            result = self.engine.query(job.query)
        except StrategyKGError as error:
            return {"status": 400, "message": str(error)}
        kind = result.kind
        if job.page is not None:
            page = dict(job.page)
            lang, template = str(page.pop("lang", "en")), str(page.pop("template"))
            body = self.renderer.render(template, lang, table=self._table(result), **page)
            return finish(body, "html", job.gzip, kind=kind)
        name = job.graph if kind == "graph" else job.results
        if name is None:
            return {"status": 406, "kind": kind}
        if kind == "graph":
            triples = [ox.Triple(*(_to_ox(t) for t in triple)) for triple in result.triples]
            body = serialize_triples(triples, BY_NAME[name], self.prefixes)
        else:
            body = _rdflib_results(result, BY_NAME[name])
        return finish(body, name, job.gzip, kind=kind)

    def _table(self, result: QueryResult) -> dict:
        if result.kind == "ask":
            return {
                "kind": "ask",
                "boolean": result.boolean,
                "variables": [],
                "rows": [],
                "more": False,
            }
        if result.kind == "graph":
            variables, source = ["subject", "predicate", "object"], result.triples
        else:
            variables, source = result.variables, result.rows
        rows = [
            [None if t is None else cell(_to_ox(t), self.vocabulary) for t in row]
            for row in source[:HTML_ROWS]
        ]
        return {
            "kind": result.kind,
            "variables": variables,
            "rows": rows,
            "more": len(source) > HTML_ROWS,
        }

    def describer_for(self, iri: str) -> Describer | None:
        try:
            result = self.engine.query(_NEIGHBOURHOOD.format(iri=iri))
        except StrategyKGError:
            return None
        if not result.triples:
            return None
        store = ox.Store()
        graph = ox.NamedNode(self.vocabulary.base + "graph/neighbourhood")
        for s, p, o in result.triples:
            store.add(ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), graph))
        return Describer(store, self.vocabulary, self.texts)


def _rdflib_results(result: QueryResult, fmt: Format) -> bytes:
    """SELECT and ASK answers of a non-oxigraph engine, through rdflib's result writers."""
    out = Result("ASK" if result.kind == "ask" else "SELECT")
    if result.kind == "ask":
        out.askAnswer = bool(result.boolean)
    else:
        out.vars = [Variable(v) for v in result.variables]
        out.bindings = [
            {out.vars[i]: term for i, term in enumerate(row) if term is not None}
            for row in result.rows
        ]
    return out.serialize(format=fmt.name) or b""
