"""A publisher pushes the validated graph to a real store and replaces it when the data changes.

Each store kind (`oxigraph serve`, Virtuoso Open Source) is started once for the module; each
test starts from an empty store. Virtuoso is written to through its Digest-authenticated
endpoints (/sparql-auth, /sparql-graph-crud-auth) as the dba user.
"""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from strategykg.cli import main
from strategykg.load import KnowledgeGraph, load
from strategykg.namespaces import GRAPH
from strategykg.push import chunked, diff, split_components
from strategykg.remote import Endpoints, RemoteError
from tests.stores import (
    NEW_LABEL,
    STORE_KINDS,
    Store,
    assert_store_holds,
    misquoted,
    publish,
    reworded,
    running_store,
    triples_of,
    write_data,
)

NO_CREDENTIALS = {"STRATEGYKG_USER": None, "STRATEGYKG_PASSWORD": None, "STRATEGYKG_TOKEN": None}
ONE_GRAPH = "https://example.org/strategykg/all"


@pytest.fixture(scope="module", params=STORE_KINDS)
def server(request, tmp_path_factory):
    with running_store(request.param, tmp_path_factory.mktemp(request.param)) as store:
        yield store


@pytest.fixture
def store(server: Store) -> Store:
    server.clear()
    return server


@pytest.fixture(scope="module")
def changed(project_root, tmp_path_factory) -> KnowledgeGraph:
    folder = tmp_path_factory.mktemp("changed")
    return load(project_root, data_files=write_data(project_root, folder, reworded))


def cli(*args: str):
    return CliRunner().invoke(main, list(args), env=NO_CREDENTIALS)


# The publisher's story ----------------------------------------------------------------------


def test_a_push_puts_every_source_graph_on_the_store_as_it_is(store, kg):
    report = publish(store, kg)
    assert report.protocol == "graph-store"
    assert report.triples == len(kg)
    assert [g.previous for g in report.graphs] == [0] * len(kg.sources)
    assert_store_holds(store, kg)


def test_pushing_a_changed_dataset_leaves_none_of_the_old_triples(store, kg, changed):
    publish(store, kg)
    report = publish(store, changed)
    assert_store_holds(store, changed)
    assert [g.graph for g in report.dropped] == [str(GRAPH) + "data/places"]
    ask = 'ASK {{ ?actor <http://www.w3.org/2000/01/rdf-schema#label> "{}"@en }}'
    assert store.engine().query(ask.format(NEW_LABEL)).boolean is True
    assert store.engine().query(ask.format("Government of Canada")).boolean is False


def test_a_dry_run_says_what_would_change_and_changes_nothing(store, kg, changed, project_root):
    publish(store, kg)
    places = len(triples_of(kg, str(GRAPH) + "data/places"))
    files = [str(s.path) for s in changed.sources if s.part == "data"]
    result = cli(
        "push", "--root", str(project_root), *files, "--endpoint", store.query_url,
        *store.push_args, "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"would add {places + 1:,} triples and remove {places + 1:,}" in result.stdout
    assert f"{GRAPH}data/actors  +1 -1" in result.stdout
    assert f"{GRAPH}data/locations  +{places:,} -0  (new graph)" in result.stdout
    assert f"{GRAPH}data/places  -{places:,}  (no longer in the project: dropped)" in result.stdout
    assert_store_holds(store, kg)


def test_data_that_fails_validation_is_not_pushed(store, kg, project_root, tmp_path):
    publish(store, kg)
    files = write_data(project_root, tmp_path, misquoted)
    result = cli(
        "push", "--root", str(project_root), *map(str, files), "--endpoint", store.query_url,
        *store.push_args,
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stdout.startswith("Does not conform")
    assert result.stderr.splitlines()[-1].startswith("strategykg: refusing to push")
    assert_store_holds(store, kg)


def test_the_command_line_shows_progress_on_stderr_and_quiet_silences_it(store, project_root):
    shown = cli(
        "push", "--root", str(project_root), "--endpoint", store.query_url, *store.push_args,
        "--chunk-size", "500",
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "uploading" in shown.stderr
    assert "triples" in shown.stderr
    assert shown.stdout.startswith("Pushed 7 graphs")
    quiet = cli(
        "push", "--root", str(project_root), "--endpoint", store.query_url, *store.push_args,
        "--quiet",
    )  # fmt: skip
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == ""


def test_pushing_the_same_data_twice_is_harmless(store, kg):
    publish(store, kg)
    report = publish(store, kg)
    assert [g.previous for g in report.graphs] == [g.triples for g in report.graphs]
    assert report.dropped == []
    assert_store_holds(store, kg)


def test_blank_nodes_stay_whole_however_small_the_chunks(store, kg):
    """A blank node cut across two requests would become two nodes on the store."""
    publish(store, kg, chunk_size=3)
    assert_store_holds(store, kg)


def assert_uploaded_with_sparql_update(store: Store, kg: KnowledgeGraph, endpoints) -> None:
    """Oxigraph keeps every term sent in SPARQL Update. Virtuoso 7 rewrites integral
    xsd:decimal literals there ("50"^^xsd:decimal becomes "50"^^xsd:integer, which its Graph
    Store keeps right): --verify catches that before anything is swapped in."""
    if store.kind == "virtuoso":
        publish(store, kg)  # something published, which the failed push must not touch
        with pytest.raises(RemoteError) as failure:
            publish(store, kg, endpoints=endpoints, verify=True)
        assert "came back as" in str(failure.value)
        assert "XMLSchema#integer" in str(failure.value)
        assert str(failure.value).endswith("the published graphs are unchanged")
        assert_store_holds(store, kg)
        return
    report = publish(store, kg, endpoints=endpoints, verify=True, chunk_size=400)
    assert report.protocol == "update"
    assert_store_holds(store, kg)


def test_a_store_without_the_graph_store_protocol_is_sent_sparql_update(store, kg):
    assert_uploaded_with_sparql_update(store, kg, replace(store.endpoints, store=None))


def test_a_wrong_graph_store_url_falls_back_to_sparql_update(store, kg):
    base = store.query_url.rsplit("/", 1)[0]
    wrong = replace(store.endpoints, store=base + "/no-graph-store-here")
    assert_uploaded_with_sparql_update(store, kg, wrong)


def test_one_graph_can_hold_the_whole_data_graph(store, kg):
    """--graph IRI: the validated data graph (without the shapes) in one named graph."""
    report = publish(store, kg, graph=ONE_GRAPH)
    data_graph = kg.rdflib_graph()  # ontology, themes and data: what validate checks
    assert report.triples == len(data_graph)
    assert store.graphs(str(GRAPH)) == []
    assert store.engine(graphs=[]).count_triples([ONE_GRAPH]) == {ONE_GRAPH: len(data_graph)}
    publish(store, kg)  # per-file graphs leave it alone
    assert store.engine(graphs=[]).count_triples([ONE_GRAPH]) == {ONE_GRAPH: len(data_graph)}


# The parts that need no store ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "update", "graph_store"),
    [
        ("http://h:7878/query", "http://h:7878/update", "http://h:7878/store"),
        ("http://h:3030/ds/sparql", "http://h:3030/ds/update", "http://h:3030/ds/data"),
        ("http://h:3030/ds/query", "http://h:3030/ds/update", "http://h:3030/ds/data"),
        ("http://h:8890/sparql", "http://h:8890/sparql", "http://h:8890/sparql-graph-crud"),
        (
            "http://h:8890/sparql-auth",
            "http://h:8890/sparql-auth",
            "http://h:8890/sparql-graph-crud-auth",
        ),
        (
            "http://h:7200/repositories/kg",
            "http://h:7200/repositories/kg/statements",
            "http://h:7200/repositories/kg/rdf-graphs/service",
        ),
        ("https://h/", "https://h/", None),
    ],
)
def test_one_url_is_enough_for_the_common_stores(query, update, graph_store):
    assert Endpoints.infer(query) == Endpoints(query, update, graph_store)


def test_a_store_without_graph_store_protocol_can_be_named():
    endpoints = Endpoints.infer("http://h:7878/query", store="none")
    assert endpoints.store is None
    assert endpoints.update == "http://h:7878/update"


def test_chunks_never_split_triples_that_share_a_blank_node(kg):
    shapes = triples_of(kg, str(GRAPH) + "ontology/shapes")
    owner: dict[str, int] = {}
    chunks = list(chunked(shapes, 2))
    for number, chunk in enumerate(chunks):
        for triple in chunk:
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.BlankNode):
                    assert owner.setdefault(term.value, number) == number
    assert sorted(map(str, (t for c in chunks for t in c))) == sorted(map(str, shapes))
    _ground, groups = split_components(shapes)
    assert max(map(len, groups)) > 2  # the test means something: some groups overflow a chunk


def test_a_diff_compares_blank_nodes_by_their_shape():
    def parse(text: str) -> list[ox.Triple]:
        return [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)]

    old = parse(
        '<http://e/a> <http://e/p> _:x .\n_:x <http://e/q> "1" .\n<http://e/a> <http://e/r> "k" .\n'
    )
    relabelled = parse(
        '<http://e/a> <http://e/p> _:y .\n_:y <http://e/q> "1" .\n<http://e/a> <http://e/r> "k" .\n'
    )
    changed = parse(
        '<http://e/a> <http://e/p> _:z .\n_:z <http://e/q> "2" .\n<http://e/a> <http://e/r> "k" .\n'
    )
    assert diff(relabelled, old) == (0, 0)
    assert diff(changed, old) == (2, 2)  # the blank node's group is replaced whole
