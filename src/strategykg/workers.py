"""Run queries in worker processes, so that a query past its time limit can really be stopped.

pyoxigraph cannot cancel a running query, and a Python thread cannot be killed, so the only
way to stop a runaway query (a cartesian product, a property path over everything) is to
stop the process evaluating it. The design:

* After the knowledge graph is loaded, and before the event loop or any thread starts, the
  server forks a *zygote*: a single-threaded process that holds the loaded store and does
  nothing but fork workers on request. A fork of it shares the store copy-on-write and is
  ready in milliseconds, so a killed worker is replaced at once, without reloading anything.
  (Forking the server itself later would be unsafe: it has threads and an event loop by then.)
* The zygote hands each new worker's end of a socket pair, and a pidfd naming the worker,
  to the server over a Unix socket (SCM_RIGHTS). The server keeps a small pool of idle
  workers; a request takes one, sends it a job and awaits the answer without blocking the
  event loop, so other requests keep being served.
* When a job outlives its time limit the server kills that worker (through its pidfd, so a
  recycled pid is never hit), asks the zygote for a fresh one and answers 503.
* Workers run each job on a thread with a 512 MiB stack (virtual memory, touched only when
  used): the Rust SPARQL parser and optimiser recurse, and with the default 8 MiB a query
  of 10,000 ``||`` or UNIONs segfaults. If a worker dies anyway, only that worker dies.
* Workers and zygote die with their parent (PR_SET_PDEATHSIG), and ignore SIGINT, so a
  Ctrl-C on ``make serve`` stops the server cleanly and leaves no orphan.

The price is one socket round trip and a pickle per job; the benchmark in benchmarks/
measures it against Oxigraph's own server.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import pickle
import signal
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass

_HEADER = struct.Struct("!Q")
STACK_SIZE = 512 * 1024 * 1024
QUEUE_FACTOR = 3  # a job may wait for a free worker three times its time limit
Handler = Callable[[str, tuple], object]


class JobTimeout(Exception):
    """A job ran past its time limit; its worker was killed."""


class PoolBusy(Exception):
    """No worker became free within the time limit."""


class WorkerDied(Exception):
    """The worker stopped while running a job (a crash in the engine)."""


class JobFailed(Exception):
    """The job raised an exception in the worker; the message is its one-line summary."""


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent exits (no-op elsewhere)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _serve_jobs(sock: socket.socket, handler: Handler) -> None:
    """A worker's loop: read a job, run it, write the answer; stop when the server hangs up."""
    while True:
        header = _recv_exact(sock, _HEADER.size)
        if header is None:
            return
        payload = _recv_exact(sock, _HEADER.unpack(header)[0])
        if payload is None:
            return
        op, args = pickle.loads(payload)
        try:
            answer = ("ok", handler(op, args))
        except Exception as error:  # reported to the server, which answers with a clear line
            answer = ("error", f"{type(error).__name__}: {error}")
        data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        sock.sendall(_HEADER.pack(len(data)) + data)


def _worker_main(
    sock: socket.socket, handler: Handler, parent: int, warm: Callable[[], object] | None
) -> None:
    _die_with_parent()
    if os.getppid() != parent:
        os._exit(0)
    if warm is not None:
        # A fresh fork's first big query ran 0.15-0.3 s slower at a million triples than its
        # next ones (warming the zygote did not carry over the fork): each worker warms itself.
        with contextlib.suppress(Exception):
            warm()
    threading.stack_size(STACK_SIZE)
    thread = threading.Thread(target=_serve_jobs, args=(sock, handler), name="strategykg-job")
    thread.start()
    thread.join()
    os._exit(0)


def _zygote_main(
    control: socket.socket, handler: Handler, parent: int, warm: Callable[[], object] | None
) -> None:
    _die_with_parent()
    if os.getppid() != parent:
        os._exit(0)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # workers are reaped by the kernel
    me = os.getpid()
    while True:
        try:
            request = control.recv(1)
        except OSError:
            request = b""
        if not request:
            os._exit(0)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                ours.close()
                _worker_main(theirs, handler, me, warm)
            finally:
                os._exit(0)
        theirs.close()
        fds = [ours.fileno()]
        pidfd = None
        with contextlib.suppress(OSError, AttributeError):
            pidfd = os.pidfd_open(pid)
            fds.append(pidfd)
        socket.send_fds(control, [struct.pack("!i", pid)], fds)
        ours.close()
        if pidfd is not None:
            os.close(pidfd)


def _result(status: str, value: object) -> object:
    if status == "error":
        raise JobFailed(str(value))
    return value


@dataclass(eq=False)  # a worker is itself, whatever its fields: kept in sets
class Worker:
    """The server's handle on one worker process."""

    pid: int
    pidfd: int | None
    sock: socket.socket
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None

    async def call(self, message: bytes) -> object:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_unix_connection(sock=self.sock)
        assert self.reader is not None
        self.writer.write(message)
        await self.writer.drain()
        size = _HEADER.unpack(await self.reader.readexactly(_HEADER.size))[0]
        return pickle.loads(await self.reader.readexactly(size))

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            if self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            else:
                os.kill(self.pid, signal.SIGKILL)
        self.close()

    def close(self) -> None:
        if self.writer is not None:
            with contextlib.suppress(Exception):
                self.writer.close()
        with contextlib.suppress(OSError):
            self.sock.close()
        if self.pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self.pidfd)
            self.pidfd = None


class WorkerPool:
    """A fixed number of forked workers that run handler(op, args) jobs with a time limit.

    Create it before the event loop starts (it forks at once); call :meth:`run` from async
    code; :meth:`close` when done.
    """

    def __init__(self, handler: Handler, size: int = 2, warm: Callable[[], object] | None = None):
        if size < 1:
            raise ValueError("a worker pool needs at least one worker")
        self.size = size
        self._control, zygote_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            try:
                self._control.close()
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                _zygote_main(zygote_end, handler, parent, warm)
            finally:
                os._exit(0)
        zygote_end.close()
        self._zygote = pid
        self._spawn_lock = threading.Lock()
        self._workers = [self._spawn() for _ in range(size)]
        self._idle: asyncio.Queue[Worker] | None = None
        self._apart: set[Worker] = set()
        self.restarts = 0

    def _spawn(self) -> Worker:
        with self._spawn_lock:
            self._control.sendall(b"w")
            data, fds, _flags, _addr = socket.recv_fds(self._control, 16, 2)
        if len(data) < 4 or not fds:
            raise RuntimeError("the query worker factory stopped")
        pid = struct.unpack("!i", data[:4])[0]
        sock = socket.socket(fileno=fds[0])
        return Worker(pid=pid, pidfd=fds[1] if len(fds) > 1 else None, sock=sock)

    def _queue(self) -> asyncio.Queue[Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for worker in self._workers:
                self._idle.put_nowait(worker)
        return self._idle

    def idle(self) -> int:
        """How many workers are free to take a job now."""
        return self._queue().qsize()

    async def run(self, op: str, args: tuple, timeout: float) -> object:
        """Run one job on a free worker; raise JobTimeout, PoolBusy, WorkerDied or JobFailed."""
        idle = self._queue()
        if idle.empty():
            try:
                # Waiting for a free worker is not running: it has its own, longer limit.
                async with asyncio.timeout(timeout * QUEUE_FACTOR):
                    worker = await idle.get()
            except TimeoutError:
                raise PoolBusy() from None
        else:
            worker = idle.get_nowait()
        try:
            status, value = await self._call(worker, op, args, timeout)
        except BaseException:  # timed out, died, or cancelled mid-job: the worker is done for
            self._replace(worker)
            raise
        idle.put_nowait(worker)
        return _result(status, value)

    async def run_apart(self, op: str, args: tuple, timeout: float) -> object:
        """Run one big job (a dump) on a worker of its own, outside the pool, stopped after.

        The queries keep every worker of the pool meanwhile, and the heap the job grew goes
        with its worker. The caller bounds how many such jobs run at once.
        """
        worker = self._spawn()
        self._apart.add(worker)
        try:
            status, value = await self._call(worker, op, args, timeout)
        finally:
            self._apart.discard(worker)
            worker.kill()
        return _result(status, value)

    @staticmethod
    async def _call(worker: Worker, op: str, args: tuple, timeout: float) -> tuple[str, object]:
        message = pickle.dumps((op, args), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            async with asyncio.timeout(timeout):  # no extra task per job, unlike wait_for
                return await worker.call(_HEADER.pack(len(message)) + message)  # type: ignore[return-value]
        except TimeoutError:
            raise JobTimeout() from None
        except (asyncio.IncompleteReadError, ConnectionError, OSError, EOFError):
            raise WorkerDied() from None

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        self.restarts += 1
        fresh = self._spawn()
        self._workers = [w for w in self._workers if w is not worker] + [fresh]
        self._queue().put_nowait(fresh)

    def close(self) -> None:
        for worker in [*self._workers, *self._apart]:
            worker.kill()
        self._workers = []
        self._apart.clear()
        with contextlib.suppress(OSError):
            self._control.close()
        with contextlib.suppress(OSError, ChildProcessError):
            os.kill(self._zygote, signal.SIGTERM)
            os.waitpid(self._zygote, 0)
