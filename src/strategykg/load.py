"""Load a project's Turtle sources into one KnowledgeGraph, one named graph per file.

Every command starts here, so a file is parsed one way only: by pyoxigraph, which
is an order of magnitude faster than rdflib. rdflib graphs are derived on demand
for the libraries that need them (pySHACL, owlrl, pyLODE).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from strategykg.errors import InputError
from strategykg.namespaces import GRAPH, PREFIXES

PARTS = ("ontology", "themes", "shapes", "data")


@dataclass(frozen=True)
class SourceFile:
    """One Turtle file of the project and the named graph it is loaded into."""

    path: Path
    relative: str
    part: str

    @property
    def graph(self) -> str:
        return str(GRAPH) + self.relative.removesuffix(".ttl")


def find_root(start: Path | None = None) -> Path:
    """The project folder: $STRATEGYKG_ROOT, else the nearest parent holding ontology/ and data/."""
    if env := os.environ.get("STRATEGYKG_ROOT"):
        return Path(env).resolve()
    candidates = [Path(start or Path.cwd()).resolve()]
    candidates += list(candidates[0].parents)
    candidates.append(Path(__file__).resolve().parents[2])  # the source checkout
    for folder in candidates:
        if (folder / "ontology").is_dir() and (folder / "data").is_dir():
            return folder
    raise InputError("no strategykg project found: expected ontology/ and data/ folders")


def _part_of(relative: str) -> str:
    if relative.startswith("ontology/"):
        name = Path(relative).stem
        return name if name in ("themes", "shapes") else "ontology"
    return "data"


def discover_sources(root: Path, data_files: Sequence[Path] | None = None) -> list[SourceFile]:
    """The project's Turtle files in a stable order; data_files, if given, stand in for data/."""
    ontology = sorted((root / "ontology").glob("*.ttl"))
    data = sorted((root / "data").rglob("*.ttl")) if data_files is None else list(data_files)
    sources = []
    for path in [*ontology, *data]:
        path = Path(path)
        try:
            relative = path.resolve().relative_to(root).as_posix()
        except ValueError:
            relative = "data/" + path.name  # an outside file (a fixture) stands in for data
        part = _part_of(relative) if path in ontology else "data"
        sources.append(SourceFile(path=path, relative=relative, part=part))
    if not any(s.part == "data" for s in sources):
        raise InputError(f"no data files found under {root / 'data'}")
    return sources


def parse_file(source: SourceFile, store: ox.Store) -> None:
    """Parse one Turtle file into its named graph, turning parser errors into file:line errors."""
    if not source.path.is_file():
        problem = "a folder, not a Turtle file" if source.path.is_dir() else "no such file"
        raise InputError(problem, path=str(source.path))
    try:
        store.bulk_load(
            path=str(source.path),
            format=ox.RdfFormat.TURTLE,
            base_iri=source.path.resolve().as_uri(),
            to_graph=ox.NamedNode(source.graph),
        )
    except SyntaxError as error:
        message = error.msg.split(": ", 1)[-1] if error.msg else "not valid Turtle"
        raise InputError(printable(message), path=str(source.path), line=error.lineno) from None
    except (OSError, ValueError) as error:
        raise InputError(str(error), path=str(source.path)) from None


def printable(message: str) -> str:
    """A message on one line: the parser quotes the bytes it choked on, which may be controls."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """One pyoxigraph term as rdflib's, keeping a literal's lexical form exactly (no normalising)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype), normalize=False)


def read_graph(path: Path) -> Graph:
    """One Turtle file as an rdflib Graph, parsed by pyoxigraph (errors carry file:line)."""
    store = ox.Store()
    parse_file(SourceFile(path=Path(path), relative=Path(path).name, part="data"), store)
    return _triples_to_rdflib(store.quads_for_pattern(None, None, None))


def _triples_to_rdflib(quads: Iterable[ox.Quad], graph: Graph | None = None) -> Graph:
    graph = Graph() if graph is None else graph
    add = graph.add
    for quad in quads:
        add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


@dataclass
class KnowledgeGraph:
    """All sources of a project in one pyoxigraph store, one named graph per file."""

    root: Path
    sources: list[SourceFile]
    store: ox.Store
    texts: dict[str, str] = field(default_factory=dict)

    def graphs(self, parts: Iterable[str] = PARTS) -> list[str]:
        wanted = set(parts)
        return [s.graph for s in self.sources if s.part in wanted]

    def quads(self, parts: Iterable[str] = PARTS) -> Iterable[ox.Quad]:
        for graph in self.graphs(parts):
            yield from self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))

    def __len__(self) -> int:
        return len(self.store)

    def rdflib_graph(self, parts: Iterable[str] = ("ontology", "themes", "data")) -> Graph:
        """The union of the given parts as one rdflib Graph (built fresh; callers may mutate it)."""
        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        return _triples_to_rdflib(self.quads(parts), graph)

    def rdflib_dataset(self) -> Dataset:
        """Every part as an rdflib Dataset with one named graph per source file."""
        dataset = Dataset()
        for prefix, namespace in PREFIXES.items():
            dataset.bind(prefix, namespace)
        for source in self.sources:
            quads = self.store.quads_for_pattern(None, None, None, ox.NamedNode(source.graph))
            _triples_to_rdflib(quads, dataset.graph(URIRef(source.graph)))
        return dataset


def load(
    root: Path | str | None = None,
    data_files: Sequence[Path | str] | None = None,
) -> KnowledgeGraph:
    """Load a project (its ontology/, data/ and source texts) into a KnowledgeGraph.

    data_files, when given, replace the files under data/: that is how a single
    fixture or a synthetic graph is validated against the project's ontology.
    """
    root_path = find_root() if root is None else Path(root).resolve()
    if not root_path.is_dir():
        raise InputError("no such project folder", path=str(root_path))
    files = None if data_files is None else [Path(p) for p in data_files]
    sources = discover_sources(root_path, files)
    store = ox.Store()
    for source in sources:
        parse_file(source, store)
    texts = {}
    for text_file in _text_files(root_path, files):
        try:
            name = text_file.resolve().relative_to(root_path).as_posix()
        except ValueError:
            name = text_file.resolve().as_posix()  # next to an outside data file
        try:
            # Decoded from bytes, not read as text: newline translation would turn \r\n into \n
            # and shift every offset after it.
            texts[name] = text_file.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(f"not UTF-8 text ({error.reason})", path=str(text_file)) from None
        except OSError as error:
            raise InputError(error.strerror or str(error), path=str(text_file)) from None
    return KnowledgeGraph(root=root_path, sources=sources, store=store, texts=texts)


def _text_files(root: Path, data_files: Sequence[Path] | None) -> list[Path]:
    """The project's data/sources/*.txt, then sources/*.txt beside each given data file.

    Data files given in place of data/ (a synthetic graph) bring their own texts in a
    sources/ folder next to them; those come last, so their names win over the project's.
    """
    folders = [root / "data" / "sources"]
    for path in data_files or ():
        folder = path.resolve().parent / "sources"
        if folder not in folders:
            folders.append(folder)
    return [path for folder in folders for path in sorted(folder.glob("*.txt"))]
