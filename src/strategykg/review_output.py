"""Print a ReviewReport as text (a terminal), Markdown (a pull request), HTML (a browser) or JSON.

Every format is built from the same few summaries below, so they say the same
thing. HTML goes through a Jinja2 template with autoescaping on: labels and
messages come from the files under review and are never trusted as markup.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from strategykg.charts import bar_chart
from strategykg.pitfalls import CATALOGUES, LEVELS
from strategykg.review import ReviewReport

FORMATS = ("text", "markdown", "html", "json")
LEVEL_NAMES = {"error": "ERROR", "warning": "WARNING", "info": "NOTE"}


def percent(part: int, whole: int) -> str:
    return "n/a" if not whole else f"{100 * part / whole:.0f}%"


def verdict(report: ReviewReport, fail_on: str) -> str:
    counts = report.counts()
    state = "FAIL" if report.fails(fail_on) else "PASS"
    return (
        f"{state} at --fail-on {fail_on}: {counts['error']} errors, "
        f"{counts['warning']} warnings, {counts['info']} notes"
    )


def consistency_lines(report: ReviewReport) -> list[str]:
    rl, dl, name = report.rl, report.dl, report.scope.name
    codes = {f.code for f in report.findings}
    rl_problems = [
        c for c in ("rl_disjoint_individual", "rl_nothing", "rl_inconsistency") if c in codes
    ]
    lines = [
        f"OWL 2 RL (owlrl): {rl.asserted} asserted and {rl.inferred} inferred triples; "
        + (
            "no individual in disjoint classes, nothing inferred to be owl:Nothing"
            if not rl_problems
            else "inconsistent (" + ", ".join(rl_problems) + ")"
        )
    ]
    if rl.shacl_checked:
        shacl = (
            "the SHACL shapes pass on the inferred graph"
            if not rl.shacl_results
            else (f"the SHACL shapes report {rl.shacl_results} results on the inferred graph")
        )
        if rl.set_aside:
            shacl += (
                f" ({rl.set_aside} results on linked external entities set aside: they inherit "
                "this dataset's statements through owl:sameAs)"
            )
        lines.append(shacl)
    else:
        lines.append("SHACL on the inferred graph: not run (no shapes in the files reviewed)")
    if dl.skipped:
        lines.append(f"OWL 2 DL (HermiT): {dl.skipped}")
    elif not dl.ran:
        lines.append("OWL 2 DL (HermiT): did not run, see the dl_ findings")
    elif dl.consistent is False:
        lines.append("OWL 2 DL (HermiT): the ontology and data are inconsistent")
    else:
        classes = report.metrics.counts["classes"]
        unsat = ", ".join(name(i) for i in dl.unsatisfiable) or "none"
        lines.append(
            f"OWL 2 DL (HermiT): consistent; unsatisfiable classes among {classes}: {unsat}"
        )
    return lines


def metric_bars(report: ReviewReport) -> list[tuple[str, float]]:
    m = report.metrics
    bars = [(k, float(v)) for k, v in m.counts.items()]
    bars += [
        ("logical axioms", float(m.logical_axioms)),
        ("data individuals", float(m.assertions.get("individuals", 0))),
        ("class hierarchy depth", float(m.class_depth)),
        ("theme hierarchy depth", float(m.concept_depth)),
    ]
    return bars


def coverage_bars(report: ReviewReport) -> list[tuple[str, float]]:
    bars = []
    cov = report.coverage
    for group in cov.terms:
        for lang in cov.languages:
            if group.total and lang:
                bars.append(
                    (
                        f"{group.kind} label @{lang}",
                        round(100 * group.labelled.get(lang, 0) / group.total),
                    )
                )
                bars.append(
                    (
                        f"{group.kind} definition @{lang}",
                        round(100 * group.defined.get(lang, 0) / group.total),
                    )
                )
    if cov.shapes and cov.shapes.share is not None:
        bars.append(("classes targeted by a shape", round(100 * cov.shapes.share)))
    if cov.quotes and cov.quotes.share is not None:
        bars.append(("statements quoted exactly", round(100 * cov.quotes.share)))
    return bars


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------


def as_text(report: ReviewReport, fail_on: str = "error") -> str:
    name = report.scope.name
    out = [
        f"strategykg review: {report.triples} triples from {len(report.sources)} files "
        f"in {report.seconds:.1f} s",
        verdict(report, fail_on),
        "",
        "Pitfalls",
    ]
    if not report.findings:
        out.append("  none")
    for check, level, findings in report.grouped():
        out.append(
            f"  {LEVEL_NAMES[level]} {check.code} [{check.catalogue}] {check.title} ({len(findings)})"
        )
        for finding in findings:
            terms = ", ".join(name(t) for t in finding.terms)
            out.append(f"    {terms + ': ' if terms else ''}{finding.detail}")
        out.append(f"    fix: {check.fix}")
    out += ["", "Coverage"]
    cov = report.coverage
    for group in (g for g in cov.terms if g.total):
        cells = [
            f"label @{lang} {percent(group.labelled.get(lang, 0), group.total)}, "
            f"definition @{lang} {percent(group.defined.get(lang, 0), group.total)}"
            for lang in cov.languages
            if lang
        ]
        out.append(f"  {group.kind} ({group.total}): " + "; ".join(cells))
    if cov.shapes:
        s = cov.shapes
        line = f"  classes targeted by a SHACL shape: {len(s.direct) + len(s.inherited)}/{s.total}"
        line += f" ({percent(len(s.direct) + len(s.inherited), s.total)}, {len(s.inherited)} through a superclass)"
        if s.uncovered:
            line += "; not targeted: " + ", ".join(name(c) for c in s.uncovered)
        out.append(line)
    if cov.quotes:
        parts = [f"{k} {m}/{t}" for k, (t, m) in cov.quotes.counts.items()]
        out.append("  quotes matching the source at their offsets: " + ", ".join(parts))
    if cov.links:
        out.append("  outbound links (resources linked / resources), per type:")
        for row in cov.links:
            if row.linked:
                targets = ", ".join(f"{k} {v}" for k, v in row.linked.items() if k != "any")
                out.append(
                    f"    {name(row.type)}: {row.linked.get('any', 0)}/{row.total} ({targets})"
                )
        unlinked = [f"{name(r.type)} ({r.total})" for r in cov.links if not r.linked]
        if unlinked:
            out.append("    no outbound link: " + ", ".join(unlinked))
    out += ["", "Consistency"] + [f"  {line}" for line in consistency_lines(report)]
    m = report.metrics
    out += ["", "Metrics"]
    out.append("  " + ", ".join(f"{k} {v}" for k, v in m.counts.items()))
    out.append(
        f"  axioms: {m.logical_axioms} logical ("
        + ", ".join(
            f"{k} {v}" for k, v in m.axioms.items() if k not in ("Declaration", "Annotation")
        )
        + f"), {m.axioms.get('Declaration', 0)} declarations, {m.axioms.get('Annotation', 0)} annotations"
    )
    if m.assertions:
        out.append("  data: " + ", ".join(f"{k} {v}" for k, v in m.assertions.items()))
    out.append(
        f"  depth: classes {m.class_depth} levels ({' ⊑ '.join(name(c) for c in m.deepest_class_path)}); "
        f"concepts {m.concept_depth} levels"
    )
    out.append("  reuse:")
    for namespace, terms in m.reuse.items():
        prefix = m.reuse_prefixes.get(namespace) or namespace
        out.append(f"    {prefix} ({len(terms)}): " + ", ".join(terms))
    out += ["", f"Not checked ({len(report.not_checked)}), and why:"]
    by_reason: dict[str, list[str]] = {}
    for item in report.not_checked:
        by_reason.setdefault(item.reason, []).append(f"{item.code} ({item.catalogue})")
    for reason, codes in by_reason.items():
        out.append(f"  {', '.join(codes)}: {reason}")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def as_markdown(report: ReviewReport, fail_on: str = "error") -> str:
    name, link = report.scope.name, report.scope.link

    def term(iri: str) -> str:
        target = link(iri)
        return f"[`{_md(name(iri))}`]({target})" if target else f"`{_md(name(iri))}`"

    counts = report.counts()
    out = [
        "## Ontology review",
        "",
        f"**{verdict(report, fail_on)}** · {report.triples} triples from "
        f"{len(report.sources)} files · {report.seconds:.1f} s",
        "",
        "| errors | warnings | notes |",
        "|---:|---:|---:|",
        f"| {counts['error']} | {counts['warning']} | {counts['info']} |",
        "",
        "### Pitfalls",
        "",
    ]
    if report.findings:
        out += ["| level | code | terms | detail | fix |", "|---|---|---|---|---|"]
        for check, level, findings in report.grouped():
            code = f"[{check.code}]({check.url})" if check.url else check.code
            for finding in findings:
                terms = ", ".join(term(t) for t in finding.terms)
                out.append(
                    f"| {level} | {code} ({check.catalogue}) | {terms} | {_md(finding.detail)} | "
                    f"{_md(check.fix)} |"
                )
    else:
        out.append("No pitfall found.")
    cov = report.coverage
    langs = [lang for lang in cov.languages if lang]
    out += [
        "",
        "### Coverage",
        "",
        "| terms | " + " | ".join(f"label @{x} | definition @{x}" for x in langs) + " |",
    ]
    out.append("|---|" + "---:|---:|" * len(langs))
    for group in cov.terms:
        cells = []
        for lang in langs:
            cells += [
                percent(group.labelled.get(lang, 0), group.total),
                percent(group.defined.get(lang, 0), group.total),
            ]
        out.append(f"| {group.kind} ({group.total}) | " + " | ".join(cells) + " |")
    if cov.shapes:
        covered = len(cov.shapes.direct) + len(cov.shapes.inherited)
        out += ["", f"Classes targeted by a SHACL shape: {covered}/{cov.shapes.total}."]
    if cov.quotes:
        parts = [f"{k} {m}/{t}" for k, (t, m) in cov.quotes.counts.items()]
        out += ["", "Quotes matching the source: " + ", ".join(parts) + "."]
    out += ["", "### Consistency", ""] + [f"- {line}" for line in consistency_lines(report)]
    m = report.metrics
    out += ["", "### Metrics", "", "| metric | value |", "|---|---:|"]
    out += [f"| {k} | {v} |" for k, v in m.counts.items()]
    out += [
        f"| logical axioms | {m.logical_axioms} |",
        f"| class hierarchy depth | {m.class_depth} |",
        f"| concept hierarchy depth | {m.concept_depth} |",
        f"| reused vocabularies | {len(m.reuse)} |",
    ]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# HTML and JSON
# ---------------------------------------------------------------------------------------------

_environment: Environment | None = None


def _templates() -> Environment:
    global _environment
    if _environment is None:
        _environment = Environment(
            loader=PackageLoader("strategykg", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        _environment.filters["percent"] = percent
    return _environment


def as_html(report: ReviewReport, fail_on: str = "error") -> str:
    template = _templates().get_template("review.html")
    # bar_chart escapes every text it writes, so its SVG is safe to mark as markup.
    metric_chart = Markup(
        bar_chart(
            "Ontology metrics",
            "Counts of terms, logical axioms and data individuals, and the depth of the "
            "class and theme hierarchies; the table below gives the same numbers.",
            metric_bars(report),
        )
    )
    coverage_chart = Markup(
        bar_chart(
            "Coverage",
            "Share of terms labelled and defined in each language, of classes targeted by a "
            "SHACL shape and of statements quoted exactly; the tables below give the numbers.",
            coverage_bars(report),
            maximum=100,
            unit="%",
            colour="#2e7d32",
        )
    )
    return template.render(
        report=report,
        fail_on=fail_on,
        verdict=verdict(report, fail_on),
        failed=report.fails(fail_on),
        counts=report.counts(),
        grouped=report.grouped(),
        consistency=consistency_lines(report),
        name=report.scope.name,
        link=report.scope.link,
        catalogues=CATALOGUES,
        levels=LEVELS,
        metric_chart=metric_chart,
        coverage_chart=coverage_chart,
    )


def as_json(report: ReviewReport, fail_on: str = "error") -> str:
    return json.dumps(report.to_dict(fail_on), indent=2, ensure_ascii=False)


RENDERERS: dict[str, Callable[[ReviewReport, str], str]] = {
    "text": as_text,
    "markdown": as_markdown,
    "html": as_html,
    "json": as_json,
}


def render(report: ReviewReport, fmt: str = "text", fail_on: str = "error") -> str:
    return RENDERERS[fmt](report, fail_on)
