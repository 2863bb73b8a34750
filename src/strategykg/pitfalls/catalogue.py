"""The table every check registers in: codes, catalogues, levels, fixes, and the runner."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib.term import Node

from strategykg.scope import ReviewScope

LEVELS = ("error", "warning", "info")

CATALOGUES: dict[str, tuple[str, str | None]] = {
    "OOPS!": ("OOPS! pitfall catalogue", "https://oops.linkeddata.es/catalogue.jsp"),
    "ROBOT": ("ROBOT report", "http://robot.obolibrary.org/report_queries/"),
    "FOOPS!": ("FOOPS! FAIR checks", "https://github.com/oeg-upm/fair_ontologies"),
    "SKOS": ("SKOS Reference integrity conditions", "https://www.w3.org/TR/skos-reference/"),
    "qSKOS": ("qSKOS quality issues", "https://github.com/cmader/qSKOS"),
    "strategykg": ("strategykg conventions", None),
    "reasoning": ("Consistency under reasoning", None),
}


@dataclass(frozen=True)
class Check:
    """One entry of the catalogue."""

    code: str
    catalogue: str
    level: str
    title: str
    fix: str
    also: tuple[str, ...] = ()
    run: Callable[[ReviewScope], Iterable[Hit]] | None = field(default=None, compare=False)

    @property
    def url(self) -> str | None:
        base = CATALOGUES[self.catalogue][1]
        if self.catalogue == "ROBOT" and base:
            return base + self.code
        return base


@dataclass(frozen=True)
class Hit:
    """What a check found: the offending terms, one line of detail, and a level if it differs."""

    terms: tuple[Node, ...]
    detail: str
    level: str | None = None


@dataclass(frozen=True)
class Finding:
    """One finding of the review, ready to print: IRIs as strings."""

    code: str
    level: str
    terms: tuple[str, ...]
    detail: str


@dataclass(frozen=True)
class NotChecked:
    code: str
    catalogue: str
    title: str
    reason: str


CHECKS: dict[str, Check] = {}


def check(
    code: str, catalogue: str, level: str, title: str, fix: str, also: tuple[str, ...] = ()
) -> Callable[[Callable[[ReviewScope], Iterable[Hit]]], Callable[[ReviewScope], Iterable[Hit]]]:
    """Register a check function in the catalogue."""

    def register(function: Callable[[ReviewScope], Iterable[Hit]]):
        CHECKS[code] = Check(code, catalogue, level, title, fix, also, function)
        return function

    return register


def run_checks(scope: ReviewScope, codes: Iterable[str] | None = None) -> list[Finding]:
    """Run every check (or the named ones) and return their findings, in catalogue order."""
    findings = []
    for code in codes or CHECKS:
        entry = CHECKS[code]
        assert entry.run is not None
        hits = sorted(entry.run(scope), key=lambda h: ([str(t) for t in h.terms], h.detail))
        for hit in hits:
            findings.append(
                Finding(
                    code=code,
                    level=hit.level or entry.level,
                    terms=tuple(str(t) for t in hit.terms),
                    detail=hit.detail,
                )
            )
    return findings
