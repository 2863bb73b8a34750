"""One measurement, run in a child process of benchmarks/run.py so its peak memory is its own.

Each kind prints JSON lines on stdout: {"loaded": seconds} once the data is in, then one line
per result. The parent times out and kills a child that takes too long (rdflib at a million
triples), so a slow step costs its cap and nothing more.

    python benchmarks/child.py parse-rdflib FILE...
    python benchmarks/child.py load FILE...
    python benchmarks/child.py validate ENGINE ONCE INFERENCE FILE...
    python benchmarks/child.py queries ENGINE REPEAT SKIP FILE...
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def emit(**values: object) -> None:
    print(json.dumps(values), flush=True)


def parse_rdflib(files: list[Path]) -> None:
    """rdflib's own Turtle parser, the way a plain rdflib application reads the files."""
    from rdflib import Graph

    start = time.perf_counter()
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    emit(seconds=time.perf_counter() - start, triples=len(graph))


def load_project(files: list[Path]):
    from strategykg.load import load

    start = time.perf_counter()
    kg = load(ROOT, files)
    return kg, time.perf_counter() - start


def load_oxigraph(files: list[Path]) -> None:
    """strategykg's loader: pyoxigraph, one named graph per file, with the ontology and themes."""
    kg, seconds = load_project(files)
    emit(seconds=seconds, triples=len(kg))


def validate(engine: str, once: str, inference: str, files: list[Path]) -> None:
    from strategykg.validate import validate as run

    kg, seconds = load_project(files)
    emit(loaded=seconds)
    start = time.perf_counter()
    if inference != "none":  # pySHACL as a plain user calls it, with RDFS inference
        import pyshacl
        from rdflib.namespace import RDF, SH

        from strategykg.validate import VALIDATED_PARTS, load_shapes

        data = kg.rdflib_graph(parts=VALIDATED_PARTS)
        _ok, report, _text = pyshacl.validate(
            data, shacl_graph=load_shapes(kg), inference=inference, allow_warnings=True
        )
        findings = len(set(report.subjects(RDF.type, SH.ValidationResult)))
    else:
        findings = len(run(kg, engine=engine, sparql_once=once == "1").findings)
    emit(seconds=time.perf_counter() - start, findings=findings, triples=len(kg))


def queries(engine: str, repeat: int, skip: set[str], files: list[Path]) -> None:
    """Each competency question, `repeat` times on one engine; one line per question."""
    from strategykg.engines import open_engine
    from strategykg.queries import QueryLibrary

    kg, seconds = load_project(files)
    start = time.perf_counter()
    runner = open_engine(kg, engine)  # rdflib: the triples handed over from pyoxigraph
    emit(loaded=seconds + time.perf_counter() - start)
    for question in QueryLibrary(ROOT / "queries"):
        if question.name in skip:
            continue
        sparql = question.bind()
        times, rows = [], 0
        for _ in range(repeat):
            begin = time.perf_counter()
            answer = runner.query(sparql)
            times.append(time.perf_counter() - begin)
            rows = len(answer.rows) + len(answer.triples)
            if times[-1] > 5:  # one run of a slow query says enough
                break
        emit(query=question.name, seconds=statistics.median(times), runs=len(times), rows=rows)


def main(argv: list[str]) -> None:
    kind, args = argv[0], argv[1:]
    if kind == "parse-rdflib":
        parse_rdflib([Path(a) for a in args])
    elif kind == "load":
        load_oxigraph([Path(a) for a in args])
    elif kind == "validate":
        validate(args[0], args[1], args[2], [Path(a) for a in args[3:]])
    elif kind == "queries":
        skip = set(filter(None, args[2].split(",")))
        queries(args[0], int(args[1]), skip, [Path(a) for a in args[3:]])
    else:
        raise SystemExit(f"unknown measurement {kind!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
