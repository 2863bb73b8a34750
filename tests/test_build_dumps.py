"""A linked-data consumer downloads the dumps: every part, every format, gzipped, checksummed,
and each parses back to exactly what the sources say."""

from __future__ import annotations

import gzip
import hashlib
import json

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from strategykg.load import PARTS
from tests.release_builds import BASE, shipped_release

TRIPLE_FORMATS = {"ttl": "turtle", "nt": "nt", "rdf": "xml"}
DATASET_FORMATS = {"trig": "trig", "nq": "nquads"}
OX_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
}
DUMPS = {"all": "strategykg", **{part: f"strategykg-{part}" for part in PARTS}}


@pytest.fixture(scope="module")
def release():
    return shipped_release()


@pytest.fixture(scope="module")
def dumps(release):
    return release.folder / "site" / "dumps" / release.version


def expected_graph(kg, part: str) -> Graph:
    return kg.rdflib_graph(PARTS if part == "all" else [part])


def canonical(quads, keep_graphs: bool) -> set[str]:
    """The quads with RDFC-1.0 blank node labels, as exact strings (lexical forms included)."""
    dataset = ox.Dataset(
        ox.Quad(q.subject, q.predicate, q.object, q.graph_name if keep_graphs else None)
        for q in quads
    )
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(q) for q in dataset}


def same_graph(left: Graph, right: Graph) -> bool:
    """Isomorphic, decided by RDFC-1.0 canonical forms (fast, and exact about terms)."""
    from strategykg.dumps import from_rdflib

    def quads(graph: Graph):
        return [ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o)) for s, p, o in graph]

    return canonical(quads(left), False) == canonical(quads(right), False)


def source_quads(kg, part: str):
    return list(kg.quads(PARTS if part == "all" else [part]))


@pytest.mark.parametrize("part", sorted(DUMPS))
@pytest.mark.parametrize("extension", sorted(OX_FORMATS))
def test_each_dump_holds_exactly_the_source_terms(kg, dumps, part, extension):
    """Not just equal values: the same IRIs, languages and lexical forms ("50" stays "50")."""
    keep_graphs = extension in DATASET_FORMATS
    parsed = ox.parse(path=dumps / f"{DUMPS[part]}.{extension}", format=OX_FORMATS[extension])
    assert canonical(parsed, keep_graphs) == canonical(source_quads(kg, part), keep_graphs)


def test_every_part_is_dumped_in_every_format_and_gzipped(dumps):
    for stem in DUMPS.values():
        for extension in [*TRIPLE_FORMATS, *DATASET_FORMATS, "jsonld"]:
            plain = dumps / f"{stem}.{extension}"
            packed = dumps / f"{stem}.{extension}.gz"
            assert plain.is_file(), plain
            assert gzip.decompress(packed.read_bytes()) == plain.read_bytes(), packed


def test_the_checksum_file_lists_every_dump_with_its_sha256(dumps):
    listed = dict(
        reversed(line.split("  ", 1))
        for line in (dumps / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    )
    on_disk = sorted(p.name for p in dumps.iterdir() if p.name != "SHA256SUMS")
    assert sorted(listed) == on_disk
    for name, digest in listed.items():
        assert hashlib.sha256((dumps / name).read_bytes()).hexdigest() == digest, name


def test_gzip_files_carry_no_file_name_and_no_time(dumps):
    header = (dumps / "strategykg.ttl.gz").read_bytes()[:10]
    flags, mtime = header[3], int.from_bytes(header[4:8], "little")
    assert flags & 0x08 == 0  # no FNAME field
    assert mtime == 0


@pytest.mark.parametrize("part", sorted(DUMPS))
@pytest.mark.parametrize("extension", sorted(TRIPLE_FORMATS))
def test_each_triple_dump_parses_back_to_the_sources(kg, dumps, part, extension):
    parsed = Graph().parse(dumps / f"{DUMPS[part]}.{extension}", format=TRIPLE_FORMATS[extension])
    assert same_graph(parsed, expected_graph(kg, part))


@pytest.mark.parametrize("part", sorted(DUMPS))
@pytest.mark.parametrize("extension", sorted(DATASET_FORMATS))
def test_each_dataset_dump_keeps_one_named_graph_per_source_file(kg, dumps, part, extension):
    parsed = Dataset()
    parsed.parse(dumps / f"{DUMPS[part]}.{extension}", format=DATASET_FORMATS[extension])
    sources = [s for s in kg.sources if part == "all" or s.part == part]
    names = {str(g.identifier) for g in parsed.graphs() if len(g)}
    assert names == {s.graph for s in sources}
    for source in sources:
        expected = Graph()
        for triple in kg.rdflib_dataset().graph(URIRef(source.graph)):
            expected.add(triple)
        assert same_graph(parsed.graph(URIRef(source.graph)), expected), source.relative


@pytest.mark.parametrize("part", sorted(DUMPS))
def test_the_jsonld_dump_expands_back_with_its_published_context(kg, release, dumps, part):
    document = json.loads((dumps / f"{DUMPS[part]}.jsonld").read_text(encoding="utf-8"))
    context_iri = f"{BASE}context/{release.version}.jsonld"
    assert document["@context"] == context_iri
    published = release.folder / "site" / "context" / f"{release.version}.jsonld"
    document["@context"] = json.loads(published.read_text(encoding="utf-8"))["@context"]
    parsed = Graph().parse(data=json.dumps(document), format="json-ld")
    assert same_graph(parsed, expected_graph(kg, part))


def test_the_jsonld_is_compact_with_language_maps_for_labels(dumps):
    document = json.loads((dumps / "strategykg-data.jsonld").read_text(encoding="utf-8"))
    guatemala = next(n for n in document["@graph"] if n.get("@id") == "place:guatemala")
    assert guatemala["label"]["en"] == "Guatemala"
    assert guatemala["type"] == "skg:Country"
