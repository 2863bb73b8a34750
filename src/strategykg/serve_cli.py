"""Start the server for ``strategykg serve``: load, fork the workers, bind, run uvicorn.

The order matters: the graph is loaded and the query workers are forked before the event
loop exists (see :mod:`strategykg.workers`), and the listening socket is bound after the
fork, so the workers never hold it.
"""

from __future__ import annotations

import errno
import importlib.util
import socket
import sys
from pathlib import Path

import click

from strategykg.errors import InputError


def _check_base(base: str) -> str:
    if not base.startswith(("http://", "https://")) or not base.endswith(("/", "#")):
        raise InputError(f"--base {base!r} must be an http(s) IRI ending in '/' or '#'")
    return base


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = "the port is in use" if error.errno == errno.EADDRINUSE else error.strerror
        raise InputError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def run_server(
    *,
    root: Path | None,
    host: str,
    port: int,
    base: str,
    timeout: float,
    max_rows: int,
    workers: int,
    cache_mb: int,
    allow_service: bool,
    endpoint: str | None,
    access_log: bool,
) -> None:
    import uvicorn

    from strategykg.load import load
    from strategykg.server import ServerConfig, create_app

    config = ServerConfig(
        base=_check_base(base),
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        cache_mb=cache_mb,
        allow_service=allow_service,
    )
    kg = load(root)
    engine = None
    if endpoint:
        from strategykg.remote import RemoteEngine

        engine = RemoteEngine(endpoint)
    app = create_app(kg, config=config, engine=engine)
    server_state = app.state.server
    try:
        sock = _bind(host, port)
    except InputError:
        server_state.close()
        raise
    fast_loop = importlib.util.find_spec("uvloop") is not None
    fast_http = importlib.util.find_spec("httptools") is not None
    settings = uvicorn.Config(
        app,
        loop="uvloop" if fast_loop else "asyncio",
        http="httptools" if fast_http else "h11",
        log_level="warning",
        access_log=access_log,
        server_header=False,
        timeout_graceful_shutdown=3,
    )
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"strategykg: serving {server_state.publication.triples:,} triples at "
        f"http://{shown}:{sock.getsockname()[1]}/ (SPARQL at /sparql; Ctrl-C stops)",
        err=True,
    )
    sys.stderr.flush()
    try:
        uvicorn.Server(settings).run(sockets=[sock])
    finally:
        server_state.close()
        sock.close()
