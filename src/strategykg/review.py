"""Ontology review: pitfalls, coverage, consistency and metrics of a model, in one report.

``review(kg)`` is the one entry point, like ``pyshacl.validate``: it takes a
loaded knowledge graph and returns a ``ReviewReport`` that the CLI prints as
text, Markdown, HTML or JSON, and whose ``fails(level)`` decides the exit code.
``load_subject`` builds the knowledge graph to review: the project, the project
with another ontology file in place of its own, or standalone files (a fixture).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from strategykg.coverage import Coverage, coverage
from strategykg.errors import InputError
from strategykg.load import KnowledgeGraph, SourceFile, discover_sources, find_root, parse_file
from strategykg.metrics import Metrics, metrics
from strategykg.pitfalls import CHECKS, LEVELS, NOT_CHECKED, Check, Finding, NotChecked, run_checks
from strategykg.reasoning import CHECKS as REASONING_CHECKS
from strategykg.reasoning import DLOutcome, HermitRun, RLOutcome, owl_rl, skipped_dl
from strategykg.scope import ReviewScope

SCHEMA = "https://w3id.org/strategykg/review/1"


@dataclass
class ReviewReport:
    """Everything a review found; scope is kept to name and link terms when printing."""

    sources: list[str]
    triples: int
    findings: list[Finding]
    not_checked: list[NotChecked]
    coverage: Coverage
    rl: RLOutcome
    dl: DLOutcome
    metrics: Metrics
    seconds: float
    scope: ReviewScope = field(repr=False)

    @property
    def checks(self) -> dict[str, Check]:
        return {**CHECKS, **REASONING_CHECKS}

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(LEVELS, 0)
        for finding in self.findings:
            counts[finding.level] += 1
        return counts

    def fails(self, level: str = "error") -> bool:
        """True if any finding is at level or more severe."""
        worst = LEVELS.index(level)
        return any(LEVELS.index(f.level) <= worst for f in self.findings)

    def grouped(self) -> list[tuple[Check, str, list[Finding]]]:
        """Findings by check and level, most severe first, in catalogue order."""
        order = list(self.checks)
        groups: dict[tuple[str, str], list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault((finding.code, finding.level), []).append(finding)
        keys = sorted(groups, key=lambda k: (LEVELS.index(k[1]), order.index(k[0])))
        return [(self.checks[code], level, groups[(code, level)]) for code, level in keys]

    def to_dict(self, fail_on: str = "error") -> dict:
        scope = self.scope
        return {
            "schema": SCHEMA,
            "sources": self.sources,
            "triples": self.triples,
            "seconds": round(self.seconds, 2),
            "fail_on": fail_on,
            "passed": not self.fails(fail_on),
            "counts": self.counts(),
            "checks": {
                code: {
                    "catalogue": c.catalogue,
                    "level": c.level,
                    "title": c.title,
                    "fix": c.fix,
                    "also": list(c.also),
                    "url": c.url,
                }
                for code, c in self.checks.items()
            },
            "findings": [
                {
                    "code": f.code,
                    "level": f.level,
                    "terms": [
                        {"iri": t, "name": scope.name(t), "link": scope.link(t)} for t in f.terms
                    ],
                    "detail": f.detail,
                }
                for f in self.findings
            ],
            "not_checked": [asdict(n) for n in self.not_checked],
            "coverage": asdict(self.coverage),
            "consistency": {
                "owl2rl": {
                    "asserted": self.rl.asserted,
                    "inferred": self.rl.inferred,
                    "shacl_checked": self.rl.shacl_checked,
                    "shacl_results": self.rl.shacl_results,
                    "shacl_set_aside": self.rl.set_aside,
                },
                "hermit": {
                    "ran": self.dl.ran,
                    "consistent": self.dl.consistent,
                    "unsatisfiable": self.dl.unsatisfiable,
                    "skipped": self.dl.skipped,
                },
            },
            "metrics": asdict(self.metrics),
        }


def _part(path: Path, root: Path | None) -> str:
    """Which part of a project a file plays: shapes and themes by name, data under data/."""
    name = path.name.removesuffix(".ttl")
    if name == "shapes" or name.endswith(".shapes"):
        return "shapes"
    if name == "themes":
        return "themes"
    if root is not None:
        try:
            if path.resolve().relative_to(root).parts[0] == "data":
                return "data"
        except ValueError:
            pass
    return "ontology"


def _relative(path: Path, root: Path | None) -> str:
    """How the report names a file: relative to the project when inside it, else as given."""
    if root is not None:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def load_subject(
    root: Path | str | None = None,
    files: Sequence[Path | str] = (),
    ontology: Sequence[Path | str] = (),
) -> KnowledgeGraph:
    """The knowledge graph to review.

    files: review exactly these Turtle files (a fixture, a proposed model); a file
    named ``shapes.ttl`` or ``*.shapes.ttl`` holds shapes, ``themes.ttl`` a scheme.
    ontology: review the project with these files in place of ontology/strategy.ttl.
    Neither: the project as it is.
    """
    if files and ontology:
        raise InputError("give FILES or --ontology, not both")
    try:
        project = find_root() if root is None else Path(root).resolve()
    except InputError:
        if not files:
            raise
        project = None
    if files:
        sources = [
            SourceFile(
                path=Path(p), relative=_relative(Path(p), project), part=_part(Path(p), project)
            )
            for p in files
        ]
    else:
        assert project is not None
        sources = [s for s in discover_sources(project) if not (ontology and s.part == "ontology")]
        replacements = [
            SourceFile(path=Path(p), relative=_relative(Path(p), project), part="ontology")
            for p in ontology
        ]
        sources = replacements + sources
    store = ox.Store()
    for source in sources:
        parse_file(source, store)
    texts = {}
    if project is not None:  # quote coverage needs the source texts, whatever the files
        for text_file in sorted((project / "data" / "sources").glob("*.txt")):
            try:
                texts[text_file.relative_to(project).as_posix()] = text_file.read_text("utf-8")
            except (OSError, UnicodeError) as error:
                raise InputError(f"unreadable source text ({error})", path=str(text_file)) from None
    return KnowledgeGraph(root=project or Path.cwd(), sources=sources, store=store, texts=texts)


def review(
    kg: KnowledgeGraph,
    *,
    docs_base: str | None = None,
    dl: bool = True,
    dl_timeout: float = 120.0,
    java: str | None = None,
    codes: Sequence[str] | None = None,
) -> ReviewReport:
    """Review the model of kg: pitfalls, coverage, consistency (OWL 2 RL and DL) and metrics.

    dl=False skips HermiT (the report says so); java overrides the `java` found on PATH;
    codes limits the pitfall checks to the named ones.
    """
    started = time.perf_counter()
    scope = ReviewScope(kg, docs_base=docs_base)
    # HermiT runs in its own process while the rest of the review runs here.
    hermit = HermitRun(scope.graph, java=java, timeout=dl_timeout, name=scope.name) if dl else None
    try:
        findings = run_checks(scope, codes)
        rl = owl_rl(scope.graph, scope.shapes if len(scope.shapes) else None, name=scope.name)
        report_coverage = coverage(scope)
        report_metrics = metrics(scope)
    except BaseException:
        if hermit is not None:
            hermit.stop()  # leave no JVM behind on an error or Ctrl-C
        raise
    dl_outcome = hermit.result() if hermit else skipped_dl("skipped on request (--no-dl)")
    findings += rl.findings + dl_outcome.findings
    order = list(CHECKS) + list(REASONING_CHECKS)
    findings.sort(key=lambda f: (LEVELS.index(f.level), order.index(f.code), f.terms))
    not_checked = list(NOT_CHECKED)
    if report_metrics.unchecked_namespaces:
        names = ", ".join(report_metrics.unchecked_namespaces)
        not_checked.insert(
            0,
            NotChecked(
                "P40",
                "OOPS!",
                "Namespace hijacking, for some namespaces",
                f"no offline term list for {names}",
            ),
        )
    return ReviewReport(
        sources=[s.relative for s in kg.sources],
        triples=len(scope.graph),
        findings=findings,
        not_checked=not_checked,
        coverage=report_coverage,
        rl=rl,
        dl=dl_outcome,
        metrics=report_metrics,
        seconds=time.perf_counter() - started,
        scope=scope,
    )
