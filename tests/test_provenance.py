"""A reader checking a claim: every quote is the exact text of the source at its code-point offsets."""

from __future__ import annotations

import hashlib
import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from strategykg.namespaces import OA, SKG
from tests.conftest import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "data" / "sources" / "goal-2-security-institutions.txt"


def passages(graph):
    for passage in graph.subjects(RDF.type, SKG.Passage):
        selectors = list(graph.objects(passage, OA.hasSelector))
        exact = next(graph.objects(s, OA.exact) for s in selectors if (s, OA.exact, None) in graph)
        position = next(s for s in selectors if (s, OA.start, None) in graph)
        yield (
            passage,
            str(next(exact)),
            int(graph.value(position, OA.start)),
            int(graph.value(position, OA.end)),
        )


def test_the_source_text_is_the_seed_verbatim():
    text = SOURCE.read_text(encoding="utf-8")
    assert len(text) == 2975  # code points
    assert len(text.encode("utf-8")) == 3003  # bytes: offsets are not byte offsets
    assert text.count("\u00a0") == 6 and text.count("\u2022") == 10 and text.count("\u2019") == 1


def test_the_document_records_the_length_and_checksum_of_its_text(kg, source_text):
    graph = kg.rdflib_graph()
    document = URIRef("https://w3id.org/strategykg/id/document/goal-2")
    assert int(graph.value(document, SKG.characterCount)) == len(source_text)
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    assert str(graph.value(document, SKG.sha256)) == digest


def test_every_quote_is_the_source_at_its_offsets(kg, source_text):
    found = list(passages(kg.rdflib_graph()))
    assert len(found) > 20
    for passage, exact, start, end in found:
        assert source_text[start:end] == exact, passage
        assert str(passage).endswith(f"/{start}-{end}")


def test_the_50_missions_quote_keeps_its_no_break_space(kg, source_text):
    graph = kg.rdflib_graph()
    quotes = {exact for _, exact, _, _ in passages(graph)}
    assert "more than\u00a050 electoral observation missions" in quotes
    assert "more than 50 electoral observation missions" not in quotes
    assert source_text.index("more than 4,000 candidates") == 2000  # code points, not bytes


def test_the_passages_cover_the_whole_text(kg, source_text):
    covered = [False] * len(source_text)
    for _, _, start, end in passages(kg.rdflib_graph()):
        covered[start:end] = [True] * (end - start)
    left_out = "".join(c for c, seen in zip(source_text, covered, strict=True) if not seen)
    # Only layout is left: white space and the bullets of the two lists.
    assert re.fullmatch(r"[\s\u2022]*", left_out), repr(left_out)


def test_every_objective_engagement_and_result_cites_its_document_and_passage(kg):
    graph = kg.rdflib_graph()
    document = URIRef("https://w3id.org/strategykg/id/document/goal-2")
    for kind in (SKG.Objective, SKG.Engagement, SKG.Result, SKG.Rationale):
        statements = list(graph.subjects(RDF.type, kind))
        assert statements, kind
        for statement in statements:
            passage = graph.value(statement, SKG.statedIn)
            assert graph.value(passage, SKG.inDocument) == document
            assert (statement, URIRef("http://purl.org/dc/terms/source"), document) in graph


def test_the_quantities_are_lower_bounds_not_exact_counts(kg):
    graph = kg.rdflib_graph()
    quantities = {
        int(graph.value(q, SKG.value)): graph.value(q, SKG.hasComparator)
        for q in graph.subjects(RDF.type, SKG.Quantity)
    }
    assert quantities == {4000: SKG.moreThan, 50: SKG.moreThan}


def test_french_written_by_the_project_is_tagged_as_a_translation(kg):
    data = kg.rdflib_graph(parts=("data",))
    french = {o.language for o in data.objects() if isinstance(o, Literal) and o.language}
    assert french <= {"en", "fr-t-en"}


def test_offsets_count_every_character_of_a_source_with_windows_line_endings(tmp_path):
    # A source saved with \r\n keeps both characters: the offsets of a quote after a line break
    # must still point at the quote, as they do in the published text file.
    from strategykg.load import load

    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "crlf.txt").write_bytes(b"Line one\r\nLine two\r\n")
    data = tmp_path / "crlf.ttl"
    data.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n", encoding="utf-8")
    texts = load(PROJECT_ROOT, [data]).texts
    (text,) = [t for name, t in texts.items() if name.endswith("crlf.txt")]
    assert text == "Line one\r\nLine two\r\n"
    assert text[10:18] == "Line two"
