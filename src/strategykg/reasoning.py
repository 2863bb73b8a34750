"""Consistency of the ontology and data together: OWL 2 RL with owlrl, OWL 2 DL with HermiT.

owlrl computes the OWL 2 RL closure in-process; the review then asks it for
individuals in two disjoint classes, for anything inferred to be owl:Nothing,
for the other inconsistencies owlrl records, and whether the SHACL shapes still
pass on the inferred graph.

HermiT is the DL reasoner that owlready2 ships (a Java jar). It runs in its own
JVM, in a subprocess with a time limit, on an N-Triples copy of the graph:
``-k`` checks consistency and ``-U`` lists the unsatisfiable classes. It is
started first so it works while owlrl and the pitfall checks run. A missing
Java or owlready2 is an error finding, never a silent skip.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import owlrl
import pyshacl
from owlrl.Namespaces import ERRNS
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.term import Node

from strategykg.pitfalls import Check, Finding

CHECKS: dict[str, Check] = {
    c.code: c
    for c in (
        Check(
            "rl_disjoint_individual",
            "reasoning",
            "error",
            "Individual in two disjoint classes (OWL 2 RL)",
            "Type the individual with one of the classes, or drop the disjointness if it is wrong.",
        ),
        Check(
            "rl_nothing",
            "reasoning",
            "error",
            "Something inferred to be owl:Nothing (OWL 2 RL)",
            "Find the axiom that makes it empty (a disjointness, a complement) and correct it.",
        ),
        Check(
            "rl_inconsistency",
            "reasoning",
            "error",
            "Other inconsistency found by OWL 2 RL rules",
            "Read owlrl's message and correct the data or the axiom it names.",
        ),
        Check(
            "rl_shacl",
            "reasoning",
            "error",
            "SHACL shapes fail on the inferred graph",
            "Either the inference is unwanted (fix the axiom) or the shape is too strict for it.",
        ),
        Check(
            "dl_unsatisfiable",
            "reasoning",
            "error",
            "Unsatisfiable class (HermiT)",
            "The class can have no instance: look for disjoint superclasses or contradictory restrictions.",
        ),
        Check(
            "dl_inconsistent",
            "reasoning",
            "error",
            "Ontology and data are inconsistent (HermiT)",
            "Find the individual or axiom at fault; the OWL 2 RL findings usually name it.",
        ),
        Check(
            "dl_unavailable",
            "reasoning",
            "error",
            "The DL reasoner could not run",
            "Install Java (scripts/install-system-deps.sh) and owlready2 (pip install owlready2).",
        ),
        Check(
            "dl_error",
            "reasoning",
            "error",
            "HermiT rejected the ontology",
            "Read HermiT's message: the graph is probably outside OWL 2 DL.",
        ),
    )
}


@dataclass
class RLOutcome:
    """What the OWL 2 RL closure showed."""

    asserted: int = 0
    inferred: int = 0
    findings: list[Finding] = field(default_factory=list)
    shacl_checked: bool = False
    shacl_results: int = 0
    set_aside: int = 0  # SHACL results on external entities merged in by owl:sameAs


@dataclass
class DLOutcome:
    """What HermiT said."""

    ran: bool = False
    consistent: bool | None = None
    unsatisfiable: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: str | None = None  # why it did not run, when the user asked it not to


def _finding(code: str, terms: Iterable[Node | str], detail: str, level: str | None = None):
    return Finding(code, level or CHECKS[code].level, tuple(str(t) for t in terms), detail)


# ---------------------------------------------------------------------------------------------
# OWL 2 RL
# ---------------------------------------------------------------------------------------------

_DISJOINT = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT DISTINCT ?x ?a ?b WHERE {
  { ?a owl:disjointWith ?b }
  UNION
  { ?all a owl:AllDisjointClasses ; owl:members ?list .
    ?list rdf:rest*/rdf:first ?a . ?list rdf:rest*/rdf:first ?b . FILTER (?a != ?b) }
  ?x a ?a , ?b .
  FILTER (isIRI(?a) && isIRI(?b))
}
"""


def owl_rl(graph: Graph, shapes: Graph | None, name: Callable[[Node], str] = str) -> RLOutcome:
    """Expand a copy of graph with the OWL 2 RL rules and look for contradictions in it."""
    closure = Graph()
    for triple in graph:
        closure.add(triple)
    outcome = RLOutcome(asserted=len(closure))
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(closure)
    messages = sorted(str(m) for m in closure.objects(None, ERRNS.error))
    for node in list(closure.subjects(RDF.type, ERRNS.ErrorMessage)):
        closure.remove((node, None, None))
    outcome.inferred = len(closure) - outcome.asserted

    nothing = set(closure.subjects(RDF.type, OWL.Nothing))  # in every class: rl_nothing says so
    clashes = {(x, frozenset((a, b))) for x, a, b in closure.query(_DISJOINT) if x not in nothing}
    for x, pair in sorted(clashes, key=lambda c: (str(c[0]), sorted(map(str, c[1])))):
        a, b = sorted(pair, key=str)
        outcome.findings.append(
            _finding(
                "rl_disjoint_individual", (x, a, b), f"{name(x)} is a {name(a)} and a {name(b)}"
            )
        )
    for x in sorted(nothing, key=str):
        outcome.findings.append(_finding("rl_nothing", (x,), f"{name(x)} is inferred owl:Nothing"))
    for c in sorted(set(closure.subjects(RDFS.subClassOf, OWL.Nothing)) - {OWL.Nothing}, key=str):
        outcome.findings.append(_finding("rl_nothing", (c,), f"{name(c)} ⊑ owl:Nothing"))
    # owlrl's own messages, except those the two checks above already report by name.
    for message in messages:
        if "Disjoint classes" in message or "of type 'Nothing'" in message:
            continue
        outcome.findings.append(_finding("rl_inconsistency", (), message))

    if shapes is not None and len(shapes):
        _shacl_on_closure(graph, closure, shapes, outcome, name)
    return outcome


def _shacl_on_closure(
    graph: Graph, closure: Graph, shapes: Graph, outcome: RLOutcome, name: Callable[[Node], str]
) -> None:
    # owlrl adds x owl:sameAs x for every node (rule eq-ref): true, empty, and it would make any
    # shape targeting subjects of owl:sameAs fire on every node of the graph.
    for s, p, o in list(closure.triples((None, OWL.sameAs, None))):
        if s == o:
            closure.remove((s, p, o))
    _conforms, report, _text = pyshacl.validate(
        closure,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        meta_shacl=False,
    )
    if not isinstance(report, Graph):
        outcome.findings.append(_finding("rl_shacl", (), "the SHACL shapes cannot be used"))
        return
    outcome.shacl_checked = True
    # The shapes describe this dataset's resources. An external entity we link to with
    # owl:sameAs (a Wikidata item) inherits all our statements by symmetry; its results
    # repeat ours, except where a shape tests the IRI itself. They are counted, not reported.
    linked = {o for o in graph.objects(None, OWL.sameAs) if isinstance(o, URIRef)}
    linked -= set(graph.subjects())
    levels = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "info"}
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        if focus in linked:
            outcome.set_aside += 1
            continue
        outcome.shacl_results += 1
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        where = name(focus) + (f" {name(path)}" if isinstance(path, URIRef) else "")
        outcome.findings.append(
            _finding(
                "rl_shacl",
                (focus,) if isinstance(focus, URIRef) else (),
                f"{where}: {message or 'constraint not met'}",
                level=levels.get(report.value(result, SH.resultSeverity), "error"),
            )
        )


# ---------------------------------------------------------------------------------------------
# OWL 2 DL: HermiT from owlready2, in a subprocess
# ---------------------------------------------------------------------------------------------

HERMIT_MAIN = "org.semanticweb.HermiT.cli.CommandLine"
NOTHING = "http://www.w3.org/2002/07/owl#Nothing"


def hermit_classpath() -> str | None:
    """The classpath of the HermiT that owlready2 ships, or None if owlready2 is not installed."""
    spec = importlib.util.find_spec("owlready2")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "hermit"
    jar = folder / "HermiT.jar"
    return os.pathsep.join((str(folder), str(jar))) if jar.is_file() else None


class HermitRun:
    """HermiT started on a graph; result() waits for it and reads its answer."""

    def __init__(
        self,
        graph: Graph,
        *,
        java: str | None = None,
        timeout: float = 120.0,
        memory_mb: int = 2000,
        name: Callable[[Node], str] = str,
    ):
        self.name = name
        self.timeout = timeout
        self.outcome = DLOutcome()
        self._process: subprocess.Popen[bytes] | None = None
        self._folder = tempfile.TemporaryDirectory(prefix="strategykg-hermit-")
        java = java if java is not None else shutil.which("java")
        classpath = hermit_classpath()
        if not java or not Path(java).exists():
            self._unavailable(
                "Java is not installed (no `java` on PATH): run scripts/install-system-deps.sh, "
                "which installs default-jre-headless"
            )
            return
        if classpath is None:
            self._unavailable("owlready2 is not installed: pip install owlready2 (it ships HermiT)")
            return
        path = Path(self._folder.name) / "review.nt"
        graph.serialize(path, format="nt", encoding="utf-8")
        self._command = [java, f"-Xmx{memory_mb}M", "-cp", classpath, HERMIT_MAIN, "-N", "-k"]
        self._command += ["-U", path.as_uri()]
        self._process = subprocess.Popen(
            self._command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )

    def stop(self) -> None:
        """End HermiT early (the review failed or was interrupted) and remove its files."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.communicate()
        self._folder.cleanup()

    def _unavailable(self, detail: str) -> None:
        self.outcome.findings.append(_finding("dl_unavailable", (), detail))

    def result(self) -> DLOutcome:
        if self._process is None:
            self._folder.cleanup()
            return self.outcome
        try:
            output, _ = self._process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.communicate()
            self._folder.cleanup()
            self.outcome.findings.append(
                _finding("dl_error", (), f"HermiT did not finish within {self.timeout:g} s")
            )
            return self.outcome
        self._folder.cleanup()
        self._read(output.decode("utf-8", "replace"), self._process.returncode)
        return self.outcome

    def _read(self, text: str, returncode: int) -> None:
        outcome = self.outcome
        if "InconsistentOntologyException" in text or "Inconsistent ontology" in text:
            outcome.ran, outcome.consistent = True, False
            outcome.findings.append(
                _finding("dl_inconsistent", (), "no model satisfies the ontology and the data")
            )
            return
        if returncode != 0 or "pear-shaped" in text or " is satisfiable." not in text:
            first = next((line for line in text.splitlines() if line.strip()), "no output")
            first = re.sub(r'^Exception in thread "\w+" [\w.$]+: ', "", first.strip())
            outcome.findings.append(_finding("dl_error", (), first[:300]))
            return
        outcome.ran, outcome.consistent = True, True
        listing = text.split("owl#Nothing':", 1)[-1] if "owl#Nothing':" in text else ""
        for line in listing.splitlines():
            iri = line.strip()
            if iri and iri != NOTHING and not iri.startswith("http://www.w3.org/2002/07/owl#"):
                outcome.unsatisfiable.append(iri)
                outcome.findings.append(
                    _finding(
                        "dl_unsatisfiable", (iri,), f"{self.name(URIRef(iri))} can have no instance"
                    )
                )


def skipped_dl(reason: str) -> DLOutcome:
    return DLOutcome(skipped=reason)
