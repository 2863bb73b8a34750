"""Measure how strategykg's costs grow with size, each step side by side with its peer.

    .venv/bin/python benchmarks/run.py --sizes 10000,100000,1000000

At each size it generates a synthetic graph (scripts/synthetic.py) and measures, every step in
a child process of its own so that its peak memory (ru_maxrss, from wait4) is its own:

- load: rdflib's Turtle parser against strategykg's loader (pyoxigraph);
- validate: pySHACL (the reference and the gate) against its variants and pyshacl-turbo, on
  data with 3 % invalid nodes, each finding count checked against the generator's manifest;
- queries: every competency question on rdflib against the embedded store (pyoxigraph);
- build, push (against `oxigraph serve`, beside a raw Graph Store upload) and serve (start,
  memory and every question over HTTP, beside `oxigraph serve-read-only`), when those
  commands exist.

A step that runs past its cap is killed and reported as "> cap"; a step whose time at the
previous size, scaled linearly, already exceeds the cap is not run again. Results go to
benchmarks/results.json, the tables to the "Scale" section of benchmarks/README.md and the
plot to benchmarks/scale.svg.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
STRATEGYKG = str(Path(PYTHON).with_name("strategykg"))
# The `oxigraph` server from PyPI (the dev extra) sits beside the interpreter.
OXIGRAPH = shutil.which("oxigraph", path=str(Path(PYTHON).parent)) or shutil.which("oxigraph")
sys.path.insert(0, str(HERE))

import report  # noqa: E402
import servers  # noqa: E402

STEPS = ("load", "validate", "queries", "build", "push", "serve")
PREFIXES = {  # step -> the measure names it writes
    "load": "load/",
    "validate": "validate/",
    "queries": "quer",
    "build": "build",
    "push": "push",
    "serve": "serve",
}

# key -> (engine, SPARQL constraints once, inference, label)
VALIDATORS = {
    "pyshacl": ("pyshacl", "0", "none", "pySHACL, SPARQL per focus node: the reference and gate"),
    "pyshacl-rdfs": (
        "pyshacl",
        "0",
        "rdfs",
        "pySHACL with RDFS inference (not used: hides errors)",
    ),
    "pyshacl-once": ("pyshacl", "1", "none", "pySHACL, SPARQL constraints once (pyoxigraph)"),
    "turbo": ("turbo", "0", "none", "pyshacl-turbo, SPARQL per focus node"),
    "turbo-once": (
        "turbo",
        "1",
        "none",
        "pyshacl-turbo, SPARQL once: `validate --validator turbo`",
    ),
}


@dataclass
class Child:
    """What a child process printed, how it ended, and its peak memory."""

    lines: list[dict] = field(default_factory=list)
    returncode: int | None = None
    timed_out: bool = False
    seconds: float = 0.0
    peak_mib: float = 0.0
    stderr: str = ""


def run_child(command: list[str], line_timeout: float, first_timeout: float | None = None) -> Child:
    """Run command; kill it if it prints no line for line_timeout seconds (first line: longer).

    Its peak memory comes from wait4, so it is this child's alone (with what it waited for).
    """
    import selectors

    result = Child()
    began = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=ROOT,
    )
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    buffer = b""
    deadline = time.perf_counter() + (first_timeout or line_timeout)
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            result.timed_out = True
            os.killpg(process.pid, signal.SIGKILL)
            break
        if not selector.select(timeout=min(remaining, 1.0)):
            continue
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            break
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.strip():
                result.lines.append(json.loads(line))
                deadline = time.perf_counter() + line_timeout
    result.stderr = process.stderr.read().decode("utf-8", "replace")[-2000:]
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    result.returncode = process.returncode
    result.seconds = time.perf_counter() - began
    result.peak_mib = usage.ru_maxrss / 1024
    return result


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


class Bench:
    """The measurements of one run, and what earlier sizes say about the next."""

    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.results: dict = {
            "command": _command(),
            "started": time.strftime("%Y-%m-%d %H:%M"),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "versions": _versions(),
            },
            "repeat": args.repeat,
            "caps": {"step": args.cap, "query": args.query_cap},
            "validators": {k: v[3] for k, v in VALIDATORS.items()},
            "sizes": [],
        }
        self.previous: dict[str, tuple[int, dict]] = {}  # measure -> (size, result)
        self.earlier: dict[int, dict] = {}  # with --merge: target size -> its measures
        self.kept: list[dict] = []  # with --merge: the earlier sizes, until measured again
        if args.merge and args.results.exists():
            before = json.loads(args.results.read_text(encoding="utf-8"))
            self.earlier = {size["target"]: size["measures"] for size in before["sizes"]}
            self.kept = before["sizes"]
            self.results["command"] = before["command"]
            self.results["started"] = before["started"]
            self.results["reruns"] = [*before.get("reruns", []), _command()]

    # -- helpers ----------------------------------------------------------------------------

    def skip(self, name: str, size: int, cap: float) -> dict | None:
        """A "> cap" result if the previous size already took too long, scaled linearly."""
        if name not in self.previous:
            return None
        before, result = self.previous[name]
        if result.get("capped"):
            return {"seconds": None, "capped": cap, "note": f"over the cap at {before:,}"}
        if result.get("seconds") and result["seconds"] * size / before > cap:
            estimate = result["seconds"] * size / before
            return {"seconds": None, "capped": cap, "estimate": round(estimate, 1)}
        return None

    def repeated(self, name: str, size: int, command: list[str], cap: float) -> dict:
        """Median of up to --repeat runs of a child that prints {"seconds": ...} once."""
        if (skipped := self.skip(name, size, cap)) is not None:
            return skipped
        runs, peaks, extra = [], [], {}
        for _ in range(self.args.repeat):
            child = run_child(command, line_timeout=cap, first_timeout=cap)
            if child.timed_out:
                return {"seconds": None, "capped": cap, "peak_mib": round(child.peak_mib)}
            done = [line for line in child.lines if "seconds" in line]
            if child.returncode != 0 or not done:
                return {"seconds": None, "error": child.stderr.strip().splitlines()[-1:]}
            runs.append(done[-1]["seconds"])
            peaks.append(child.peak_mib)
            extra = {k: v for k, v in done[-1].items() if k != "seconds"}
            if runs[-1] > 60:  # one run of a slow step says enough on a shared machine
                break
        return {
            "seconds": round(_median(runs), 3),
            "runs": [round(r, 3) for r in runs],
            "peak_mib": round(max(peaks)),
            **extra,
        }

    def record(self, measures: dict, name: str, size: int, result: dict) -> None:
        measures[name] = result
        self.previous[name] = (size, result)
        shown = (
            f"{result['seconds']:.2f} s"
            if result.get("seconds") is not None
            else f"> {result.get('capped')} s"
            if result.get("capped")
            else f"failed {result.get('error') or result.get('status')}"
        )
        peak = f", {result['peak_mib']} MiB" if result.get("peak_mib") else ""
        print(f"  {name:32} {shown}{peak}", file=sys.stderr, flush=True)

    # -- steps ------------------------------------------------------------------------------

    def generate(self, size: int) -> dict:
        folder = self.args.work / f"{size}"
        project = folder / "project"
        if project.exists():
            shutil.rmtree(project)
        for part in ("ontology", "queries"):
            shutil.copytree(ROOT / part, project / part)
        began = time.perf_counter()
        synthetic = [PYTHON, str(ROOT / "scripts" / "synthetic.py"), "--quiet"]
        base = ["--triples", str(size), "--seed", str(self.args.seed)]
        subprocess.run([*synthetic, *base, "--out", str(project / "data")], check=True)
        seconds = time.perf_counter() - began
        invalid = folder / "invalid"
        subprocess.run(
            [*synthetic, *base, "--invalid", "0.03", "--out", str(invalid)],
            check=True,
        )
        manifest = json.loads((project / "data" / "manifest.json").read_text(encoding="utf-8"))
        broken = json.loads((invalid / "manifest.json").read_text(encoding="utf-8"))
        return {
            "target": size,
            "triples": manifest["triples"],
            "generate_seconds": round(seconds, 2),
            "project": project,
            "files": sorted((project / "data").glob("*.ttl")),
            "invalid_files": sorted(invalid.glob("*.ttl")),
            "expected_findings": sum(len(n["expect"]) for n in broken["invalid"]),
        }

    def load(self, data: dict, measures: dict) -> None:
        size, files = data["target"], [str(f) for f in data["files"]]
        child = [PYTHON, str(HERE / "child.py")]
        for name, kind in (("load/rdflib", "parse-rdflib"), ("load/oxigraph", "load")):
            result = self.repeated(name, size, [*child, kind, *files], self.args.cap)
            self.record(measures, name, size, result)

    def validate(self, data: dict, measures: dict) -> None:
        size, files = data["target"], [str(f) for f in data["invalid_files"]]
        for key, (engine, once, inference, _label) in VALIDATORS.items():
            command = [PYTHON, str(HERE / "child.py"), "validate", engine, once, inference, *files]
            result = self.repeated(f"validate/{key}", size, command, self.args.cap)
            if "findings" in result:
                result["expected_findings"] = data["expected_findings"]
            self.record(measures, f"validate/{key}", size, result)

    def queries(self, data: dict, measures: dict) -> None:
        from strategykg.queries import QueryLibrary

        size, files = data["target"], [str(f) for f in data["files"]]
        names = QueryLibrary(ROOT / "queries").names()
        for engine in ("oxigraph", "rdflib"):
            done: dict[str, dict] = {}
            for name in names:
                if (
                    skipped := self.skip(f"query/{engine}/{name}", size, self.args.query_cap)
                ) is not None:
                    done[name] = skipped
            loaded, peak = None, 0.0
            while len(done) < len(names):
                command = [
                    PYTHON,
                    str(HERE / "child.py"),
                    "queries",
                    engine,
                    str(self.args.repeat),
                    ",".join(done),
                    *files,
                ]
                child = run_child(command, self.args.query_cap, first_timeout=self.args.cap)
                peak = max(peak, child.peak_mib)
                for line in child.lines:
                    if "loaded" in line:
                        loaded = line["loaded"] if loaded is None else loaded
                    else:
                        done[line.pop("query")] = {
                            k: round(v, 4) if isinstance(v, float) else v for k, v in line.items()
                        }
                pending = [n for n in names if n not in done]
                if not pending:
                    break
                if child.timed_out and loaded is not None:  # the next question ran past its cap
                    done[pending[0]] = {"seconds": None, "capped": self.args.query_cap}
                elif child.timed_out or child.returncode != 0:
                    for name in pending:
                        done[name] = {
                            "seconds": None,
                            "error": child.stderr.strip().splitlines()[-1:],
                        }
            for name in names:
                self.record(measures, f"query/{engine}/{name}", size, done[name])
            measures[f"queries/{engine}"] = {"load_seconds": loaded, "peak_mib": round(peak)}

    def build(self, data: dict, measures: dict) -> None:
        size = data["target"]
        out = self.args.work / f"{size}" / "dist"
        shutil.rmtree(out, ignore_errors=True)
        command = [STRATEGYKG, "build", "--root", str(data["project"]), "--out", str(out), "-q"]
        result = self.timed_command("build", size, command)
        self.record(measures, "build", size, result)

    def timed_command(self, name: str, size: int, command: list[str]) -> dict:
        """A command that prints nothing useful: wall time and peak memory, once."""
        if (skipped := self.skip(name, size, self.args.cap)) is not None:
            return skipped
        wrapped = [PYTHON, "-c", _TIMER, *command]
        child = run_child(wrapped, line_timeout=self.args.cap, first_timeout=self.args.cap)
        if child.timed_out:
            return {"seconds": None, "capped": self.args.cap, "peak_mib": round(child.peak_mib)}
        if child.returncode != 0 or not child.lines:
            return {"seconds": None, "error": child.stderr.strip().splitlines()[-1:]}
        return {"seconds": round(child.lines[-1]["seconds"], 3), "peak_mib": round(child.peak_mib)}

    def push(self, data: dict, measures: dict) -> None:
        import httpx

        size = data["target"]
        folder = self.args.work / f"{size}"
        for name, target in (("push/strategykg", "strategykg"), ("push/raw-graph-store", "raw")):
            store = folder / f"oxigraph-{target}"
            shutil.rmtree(store, ignore_errors=True)
            port = servers.free_port()
            base = f"http://127.0.0.1:{port}"
            server = servers.start(
                [OXIGRAPH, "serve", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
                f"{base}/query",
                folder / f"oxigraph-{target}.log",
                timeout=60,
            )
            try:
                if target == "strategykg":
                    command = [STRATEGYKG, "push", "--root", str(data["project"])]
                    command += ["--endpoint", f"{base}/query", "--validator", "turbo", "-q"]
                    result = self.timed_command(name, size, command)
                else:  # the floor: each file POSTed as it is to the Graph Store endpoint
                    began = time.perf_counter()
                    for path in data["files"]:
                        with path.open("rb") as body:
                            httpx.post(
                                f"{base}/store",
                                params={"graph": f"urn:bench:{path.stem}"},
                                content=body,
                                headers={"Content-Type": "text/turtle"},
                                timeout=self.args.cap,
                            ).raise_for_status()
                    result = {"seconds": round(time.perf_counter() - began, 3)}
            finally:
                server.stop()
                shutil.rmtree(store, ignore_errors=True)
            self.record(measures, name, size, result)

    def serve(self, data: dict, measures: dict) -> None:
        from strategykg.queries import QueryLibrary

        size = data["target"]
        folder = self.args.work / f"{size}"
        questions = {q.name: q.bind() for q in QueryLibrary(ROOT / "queries")}
        cap = self.args.query_cap
        port = servers.free_port()
        launches = {"strategykg": None, "oxigraph": None}
        command = [STRATEGYKG, "serve", "--root", str(data["project"]), "--port", str(port)]
        launches["strategykg"] = (
            command + ["--timeout", str(cap), "--cache-mb", "0"],  # time queries, not a cache
            f"http://127.0.0.1:{port}/sparql",
        )
        store = folder / "oxigraph-serve"
        shutil.rmtree(store, ignore_errors=True)
        began = time.perf_counter()
        load = [OXIGRAPH, "load", "--location", str(store)]
        sources = [*sorted((ROOT / "ontology").glob("*.ttl")), *data["files"]]
        for path in sources:
            if path.name != "shapes.ttl":
                load += ["--file", str(path)]
        subprocess.run(load, check=True, capture_output=True)
        measures["serve/oxigraph/load"] = {"seconds": round(time.perf_counter() - began, 3)}
        port = servers.free_port()
        launches["oxigraph"] = (
            [
                OXIGRAPH,
                "serve-read-only",
                "--location",
                str(store),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            f"http://127.0.0.1:{port}/query",
        )
        for name, (command, endpoint) in launches.items():
            server = servers.start(command, endpoint, folder / f"serve-{name}.log", self.args.cap)
            try:
                if server.start_seconds is None:
                    self.record(
                        measures,
                        f"serve/{name}/start",
                        size,
                        {"seconds": None, "error": ["did not start"]},
                    )
                    continue
                self.record(
                    measures,
                    f"serve/{name}/start",
                    size,
                    {"seconds": round(server.start_seconds, 3)},
                )
                for question, sparql in questions.items():
                    result = servers.ask(endpoint, sparql, self.args.repeat, cap)
                    self.record(measures, f"serve/{name}/{question}", size, result)
                measures[f"serve/{name}/memory"] = {
                    k: round(v) for k, v in servers.memory_mib(server.process.pid).items()
                }
                self.download(name, endpoint, measures)
            finally:
                server.stop()
        shutil.rmtree(store, ignore_errors=True)

    def download(self, name: str, endpoint: str, measures: dict) -> None:
        """The whole dataset as N-Quads, as a consumer downloads it (no compression).

        strategykg makes a dump on its first request and keeps it on disk, so both requests
        are timed; Oxigraph writes its store out at every GET of the Graph Store endpoint.
        """
        plain = {"Accept-Encoding": "identity"}
        if name == "strategykg":
            url = endpoint.removesuffix("/sparql") + "/dumps/strategykg.nq"
            for run in ("first", "again"):
                measures[f"serve/strategykg/download-{run}"] = servers.download(
                    url, plain, self.args.cap
                )
        else:
            url = endpoint.removesuffix("/query") + "/store"
            measures["serve/oxigraph/download"] = servers.download(
                url, {**plain, "Accept": "application/n-quads"}, self.args.cap
            )

    # -- the run ------------------------------------------------------------------------------

    def run(self) -> None:
        available = _commands()
        for size in self.args.sizes:
            print(f"size {size:,}", file=sys.stderr, flush=True)
            for smaller in sorted(t for t in self.earlier if t < size):  # with --merge
                for key, result in self.earlier[smaller].items():
                    if self.previous.get(key, (0,))[0] < smaller:
                        self.previous[key] = (smaller, result)
            data = self.generate(size)
            measures = {  # with --merge, what this run does not measure again
                key: value
                for key, value in self.earlier.get(size, {}).items()
                if not key.startswith(tuple(PREFIXES[step] for step in self.args.steps))
            }
            entry = {
                k: v for k, v in data.items() if k in ("target", "triples", "generate_seconds")
            }
            entry["expected_findings"] = data["expected_findings"]
            entry["measures"] = measures
            self.results["sizes"].append(entry)
            for step in self.args.steps:
                if step in ("build", "push", "serve") and step not in available:
                    measures[step] = {"seconds": None, "note": f"`strategykg {step}` not available"}
                    print(f"  {step}: not available", file=sys.stderr, flush=True)
                    continue
                if step in ("push", "serve") and not OXIGRAPH:
                    measures[step] = {"seconds": None, "note": "the oxigraph server is missing"}
                    print(f"  {step}: the oxigraph server is missing", file=sys.stderr, flush=True)
                    continue
                getattr(self, step)(data, measures)
                self.save()
        self.save()

    def save(self) -> None:
        run = self.results["sizes"]
        done = {size["target"] for size in run}
        kept = [size for size in self.kept if size["target"] not in done]
        sizes = sorted([*kept, *run], key=lambda size: size["target"])
        results = {**self.results, "sizes": sizes}
        self.args.results.write_text(json.dumps(results, indent=1, default=str) + "\n")
        report.write(results, HERE / "README.md", HERE / "scale.svg")


# Runs a command and prints its wall time as one JSON line (the parent reads memory by wait4).
_TIMER = (
    "import json, subprocess, sys, time; t = time.perf_counter(); "
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode; "
    "print(json.dumps({'seconds': time.perf_counter() - t}), flush=True); sys.exit(rc)"
)


def _command() -> str:
    return "benchmarks/run.py " + " ".join(sys.argv[1:])


def _commands() -> set[str]:
    """The strategykg commands this checkout has (build, push and serve come from other work)."""
    help_text = subprocess.run([STRATEGYKG, "--help"], capture_output=True, text=True).stdout
    return {word for word in STEPS if f"  {word} " in help_text}


def _versions() -> dict[str, str]:
    names = ("rdflib", "pyshacl", "pyshacl-turbo", "pyoxigraph")
    found = {name: version(name) for name in names}
    if OXIGRAPH:
        found["oxigraph server"] = subprocess.run(
            [OXIGRAPH, "--version"], capture_output=True, text=True
        ).stdout.split()[-1]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--steps", default=",".join(STEPS), help="a subset of " + ",".join(STEPS))
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cap", type=float, default=600, help="seconds per step before '> cap'")
    parser.add_argument("--query-cap", type=float, default=60, help="seconds per query")
    parser.add_argument("--work", type=Path, default=Path("/tmp/strategykg-bench"))
    parser.add_argument("--results", type=Path, default=HERE / "results.json")
    parser.add_argument(
        "--merge", action="store_true", help="keep the other steps' figures from --results"
    )
    args = parser.parse_args()
    args.sizes = [int(s) for s in args.sizes.split(",")]
    args.steps = [s for s in args.steps.split(",") if s]
    if unknown := set(args.steps) - set(STEPS):
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    args.work.mkdir(parents=True, exist_ok=True)
    Bench(args).run()


if __name__ == "__main__":
    main()
