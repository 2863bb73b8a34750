"""Start an HTTP server as a child, time its start and its answers, read its memory, stop it."""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

SPARQL_JSON = "application/sparql-results+json"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A server process (its own process group) and its SPARQL query endpoint."""

    process: subprocess.Popen
    endpoint: str
    start_seconds: float | None  # None: it never answered

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start(command: list[str], endpoint: str, log: Path, timeout: float) -> Server:
    """Run command and wait until `ASK {}` on endpoint answers 200; time that wait."""
    began = time.perf_counter()
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=sink, start_new_session=True)
    server = Server(process, endpoint, None)
    while time.perf_counter() - began < timeout and process.poll() is None:
        try:
            answer = httpx.get(endpoint, params={"query": "ASK {}"}, timeout=2)
            if answer.status_code == 200:
                server.start_seconds = time.perf_counter() - began
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    return server


def ask(endpoint: str, sparql: str, repeat: int, cap: float) -> dict[str, object]:
    """Median seconds of `repeat` GETs of a SELECT query, its row count, or the failure."""
    times, rows = [], 0
    for _ in range(repeat):
        began = time.perf_counter()
        try:
            answer = httpx.get(
                endpoint, params={"query": sparql}, headers={"Accept": SPARQL_JSON}, timeout=cap
            )
        except httpx.TimeoutException:
            return {"seconds": None, "capped": cap}
        times.append(time.perf_counter() - began)
        if answer.status_code == 503:  # the server's own time limit, set to the cap
            return {"seconds": None, "capped": cap, "status": 503}
        if answer.status_code != 200:
            return {"seconds": None, "status": answer.status_code}
        rows = len(answer.json()["results"]["bindings"])
        if times[-1] > 5:
            break
    return {"seconds": statistics.median(times), "runs": len(times), "rows": rows}


def download(url: str, headers: dict[str, str], cap: float) -> dict[str, object]:
    """Seconds until the whole body of a GET has arrived, and its size in bytes."""
    began = time.perf_counter()
    size = 0
    try:
        with httpx.stream("GET", url, headers=headers, timeout=cap) as answer:
            if answer.status_code != 200:
                return {"seconds": None, "status": answer.status_code}
            for chunk in answer.iter_raw():
                size += len(chunk)
    except httpx.TimeoutException:
        return {"seconds": None, "capped": cap}
    return {"seconds": round(time.perf_counter() - began, 3), "bytes": size}


def _tree(pid: int) -> list[int]:
    """pid and its descendants (the server's forked workers)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def memory_mib(pid: int) -> dict[str, float]:
    """Memory of the process tree (the server and its forked workers), summed over it.

    rss and peak (VmRSS, VmHWM) count pages the workers share with their parent once per
    process; pss (proportional set size) shares them out, so it is what the tree really uses.
    """
    totals = {"pss_mib": 0.0, "rss_mib": 0.0, "peak_mib": 0.0}
    fields = {"VmRSS:": "rss_mib", "VmHWM:": "peak_mib", "Pss:": "pss_mib"}
    for member in _tree(pid):
        for name in ("status", "smaps_rollup"):
            try:
                text = Path(f"/proc/{member}/{name}").read_text()
            except OSError:
                continue
            for line in text.splitlines():
                key = line.split(maxsplit=1)[0] if line else ""
                if key in fields:
                    totals[fields[key]] += int(line.split()[1]) / 1024
    return totals
