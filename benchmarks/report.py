"""Write benchmark results as Markdown tables (the "Scale" section of the README) and an SVG plot."""

from __future__ import annotations

import copy
import math
from pathlib import Path

BEGIN, END = "<!-- scale:begin (written by benchmarks/run.py) -->", "<!-- scale:end -->"


def _seconds(result: dict | None) -> str:
    if not result:
        return "–"
    if result.get("seconds") is not None:
        value = result["seconds"]
        text = f"{value:.3f}" if value < 1 else f"{value:.2f}" if value < 10 else f"{value:.1f}"
        return text
    if result.get("capped"):
        estimate = f" (≈ {result['estimate']:.0f} s)" if result.get("estimate") else ""
        return f"> {result['capped']:.0f}{estimate}"
    if result.get("note"):
        return result["note"]
    if result.get("status"):
        return f"HTTP {result['status']}"
    return "failed"


def _cell(result: dict | None) -> str:
    text = _seconds(result)
    if result and result.get("peak_mib") and result.get("seconds") is not None:
        text += f" s, {result['peak_mib']:,} MiB"
    elif result and result.get("seconds") is not None:
        text += " s"
    return text


def _sizes(results: dict) -> list[dict]:
    return results["sizes"]


def main_table(results: dict) -> list[str]:
    sizes = _sizes(results)
    head = "| step | " + " | ".join(f"{s['triples']:,} triples" for s in sizes) + " |"
    lines = [head, "|---" * (len(sizes) + 1) + "|"]

    def row(label: str, key: str, extra=None) -> None:
        cells = []
        for size in sizes:
            result = size["measures"].get(key)
            cell = _cell(result)
            if extra and result:
                cell += extra(result)
            cells.append(cell)
        if any(c != "–" for c in cells):
            lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row("generate (scripts/synthetic.py)", "_generate")
    row("load: rdflib's Turtle parser", "load/rdflib")
    row("load: strategykg (pyoxigraph)", "load/oxigraph")

    def findings(result: dict) -> str:
        if "findings" not in result:
            return ""
        mark = "" if result["findings"] == result.get("expected_findings") else " ≠ manifest"
        return f", {result['findings']:,} findings{mark}"

    for key, label in results["validators"].items():
        row(f"validate: {label}", f"validate/{key}", findings)
    for engine, label in (("rdflib", "rdflib"), ("oxigraph", "the embedded store")):
        row(f"all {_count(results)} questions on {label}", f"_total/{engine}")
    row("build", "build")
    row("push to `oxigraph serve` (with turbo validation)", "push/strategykg")
    row("raw Graph Store upload of the same files", "push/raw-graph-store")
    row("server start: `strategykg serve`", "serve/strategykg/start")
    row("server start: `oxigraph load` + `serve-read-only`", "_oxigraph_start")
    row(
        "whole dataset as N-Quads, first request: `strategykg serve` (made then)",
        "serve/strategykg/download-first",
        _megabytes,
    )
    row("… and every later request (from disk)", "serve/strategykg/download-again", _megabytes)
    row(
        "whole dataset as N-Quads: `oxigraph serve` (GET /store)",
        "serve/oxigraph/download",
        _megabytes,
    )
    row("server memory after the questions: strategykg", "_memory/strategykg")
    row("server memory after the questions: oxigraph", "_memory/oxigraph")
    return lines


def _megabytes(result: dict) -> str:
    return f", {result['bytes'] / 1e6:,.0f} MB" if result.get("bytes") else ""


def _count(results: dict) -> int:
    names = {
        k.split("/")[2] for s in _sizes(results) for k in s["measures"] if k.startswith("query/")
    }
    return len(names)


def _derive(results: dict) -> None:
    """Totals and other rows computed from the raw measurements (in place, prefixed by _)."""
    for size in _sizes(results):
        measures = size["measures"]
        measures["_generate"] = {"seconds": size.get("generate_seconds")}
        for engine in ("rdflib", "oxigraph"):
            queries = [v for k, v in measures.items() if k.startswith(f"query/{engine}/")]
            if not queries:
                continue
            capped = [q for q in queries if q.get("seconds") is None]
            total = sum(q["seconds"] for q in queries if q.get("seconds") is not None)
            peak = measures.get(f"queries/{engine}", {}).get("peak_mib")
            if capped:
                measures[f"_total/{engine}"] = {
                    "seconds": None,
                    "note": f"{len(capped)} over {results['caps']['query']:.0f} s; the rest {total:.1f} s",
                }
            else:
                measures[f"_total/{engine}"] = {"seconds": round(total, 3), "peak_mib": peak}
        load = measures.get("serve/oxigraph/load", {}).get("seconds")
        start = measures.get("serve/oxigraph/start", {}).get("seconds")
        if load is not None and start is not None:
            measures["_oxigraph_start"] = {"seconds": round(load + start, 3)}
        for name in ("strategykg", "oxigraph"):
            memory = measures.get(f"serve/{name}/memory")
            if memory and "pss_mib" in memory:
                measures[f"_memory/{name}"] = {
                    "note": f"{memory['pss_mib']:,} MiB PSS ({memory['rss_mib']:,} RSS summed)"
                }
            elif memory:
                measures[f"_memory/{name}"] = {
                    "note": f"{memory['rss_mib']:,} MiB RSS summed (peak {memory['peak_mib']:,})"
                }


def query_tables(results: dict) -> list[str]:
    lines = []
    for size in _sizes(results):
        measures = size["measures"]
        names = sorted({k.split("/")[2] for k in measures if k.startswith("query/")})
        if not names:
            continue
        lines += [
            "",
            f"**Competency questions at {size['triples']:,} triples** (seconds, median; rows)",
            "",
            "| question | rdflib | embedded (pyoxigraph) | `strategykg serve` | `oxigraph serve` | rows |",
            "|---|---|---|---|---|---|",
        ]
        for name in names:
            results_by = [
                measures.get(f"query/rdflib/{name}"),
                measures.get(f"query/oxigraph/{name}"),
                measures.get(f"serve/strategykg/{name}"),
                measures.get(f"serve/oxigraph/{name}"),
            ]
            rows = [r.get("rows") for r in results_by if r and r.get("rows") is not None]
            agree = (
                str(rows[0]) if rows and len(set(rows)) == 1 else " / ".join(map(str, rows)) or "–"
            )
            cells = " | ".join(_seconds(r) for r in results_by)
            lines.append(f"| {name} | {cells} | {agree} |")
    return lines


def write(results: dict, readme: Path, svg: Path) -> None:
    results = copy.deepcopy(results)  # the derived rows are for the report only
    _derive(results)
    machine = results["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in machine["versions"].items())
    body = [
        BEGIN,
        "",
        f"Command: `.venv/bin/python {results['command']}` (started {results['started']})."
        + (
            " Then, in this order, steps re-run with `--merge`, each replacing that step's "
            "figures: "
            + "; ".join(f"`{r.removeprefix('benchmarks/run.py ')}`" for r in results["reruns"])
            + "."
            if results.get("reruns")
            else ""
        ),
        f"Figures are medians of up to {results['repeat']} runs (a slow step runs once; "
        f"results.json lists every run) on {machine['cpus']} shared cores "
        f"({machine['platform']}, Python "
        f"{machine['python']}; {versions}). Peak memory is the child process's ru_maxrss. "
        f"A step over its cap ({results['caps']['step']:.0f} s a step, "
        f'{results["caps"]["query"]:.0f} s a query) is stopped and shown as "> cap"; '
        '"≈" is the previous size\'s time scaled linearly, when that already exceeds the cap '
        "and the step is not run again. Validation runs on the synthetic data with 3 % invalid "
        "nodes; its finding count is checked against the generator's manifest.",
        "",
        *main_table(results),
        *query_tables(results),
        "",
        f"![Time against size]({svg.name})",
        "",
        END,
    ]
    section = "\n".join(body)
    text = (
        readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n\n" + BEGIN + END
    )
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n## Scale\n\n" + section + "\n"
    readme.write_text(text, encoding="utf-8")
    svg.write_text(plot(results), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# The plot: seconds against triples, both on log scales, written by hand (no matplotlib)
# ---------------------------------------------------------------------------------------------

SERIES = [
    ("load: rdflib", "load/rdflib", "#d62728"),
    ("load: strategykg (pyoxigraph)", "load/oxigraph", "#1f77b4"),
    ("validate: pySHACL (gate)", "validate/pyshacl", "#ff7f0e"),
    ("validate: pySHACL, SPARQL once", "validate/pyshacl-once", "#bcbd22"),
    ("validate: pyshacl-turbo", "validate/turbo", "#8c564b"),
    ("validate --validator turbo", "validate/turbo-once", "#2ca02c"),
    ("all questions: rdflib", "_total/rdflib", "#9467bd"),
    ("all questions: embedded", "_total/oxigraph", "#17becf"),
    ("build", "build", "#7f7f7f"),
    ("server start", "serve/strategykg/start", "#e377c2"),
]


def plot(results: dict) -> str:
    width, height, left, right, top, bottom = 860, 480, 70, 260, 20, 50
    points = []
    for label, key, colour in SERIES:
        series = []
        for size in _sizes(results):
            result = size["measures"].get(key) or {}
            if result.get("seconds"):
                series.append((size["triples"], result["seconds"], False))
            elif result.get("capped"):
                series.append((size["triples"], float(result["capped"]), True))
        if series:
            points.append((label, colour, series))
    if not points:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    xs = [x for _l, _c, s in points for x, _y, _k in s]
    ys = [y for _l, _c, s in points for _x, y, _k in s]
    x0, x1 = math.log10(min(xs)) - 0.2, math.log10(max(xs)) + 0.2  # the sizes, a margin each side
    y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)) + 0.01)
    plot_w, plot_h = width - left - right, height - top - bottom

    def px(x: float) -> float:
        return left + (math.log10(x) - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return top + plot_h - (math.log10(y) - y0) / (y1 - y0) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>',
    ]
    for exponent in range(math.ceil(x0), math.floor(x1) + 1):
        x = px(10**exponent)
        out.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="#ddd"/>'
        )
        out.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{10**exponent:,}</text>'
        )
    for exponent in range(y0, y1 + 1):
        y = py(10**exponent)
        label = f"{10.0**exponent:g} s"
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    out.append(
        f'<text x="{left + plot_w / 2}" y="{height - 10}" text-anchor="middle">triples</text>'
    )
    for index, (label, colour, series) in enumerate(points):
        path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y, _k in series)
        out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y, capped in series:
            fill = "white" if capped else colour
            out.append(
                f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="{fill}" stroke="{colour}" '
                'stroke-width="2"/>'
            )
        ly = top + 14 + index * 18
        lx = left + plot_w + 16
        out.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 20}" y2="{ly - 4}" stroke="{colour}" stroke-width="2"/>'
        )
        out.append(f'<text x="{lx + 26}" y="{ly}">{label}</text>')
    note_y = top + 14 + len(points) * 18 + 10
    out.append(
        f'<text x="{left + plot_w + 16}" y="{note_y}" fill="#555">open circle: stopped at the cap</text>'
    )
    out.append("</svg>")
    return "\n".join(out) + "\n"
