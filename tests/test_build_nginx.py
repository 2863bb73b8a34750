"""An administrator serves the release with nginx from Debian, no Python: the generated
configuration passes `nginx -t`, and one IRI answers in the format and language asked for (the
stories shared with Apache are in tests/static_site_stories.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.release_builds import shipped_release
from tests.static_site_stories import *  # noqa: F403 (the stories, in its __all__)
from tests.static_site_stories import site_served_by


def nginx_binary() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(found).is_file(), "nginx is missing: run `make system-deps`"
    return found


@pytest.fixture(scope="module")
def release():
    return shipped_release()


@pytest.fixture(scope="module")
def nginx_conf(release, tmp_path_factory) -> Path:
    """A whole nginx configuration around the release's include file, on a loopback port."""
    work = tmp_path_factory.mktemp("nginx")
    port = free_port()
    # nginx started as root hands requests to unprivileged workers, which cannot read pytest's
    # private temporary folders: keep them as root then.
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = work / "nginx.conf"
    conf.write_text(
        f"""{user}worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {release.folder / "site"};
        include {release.folder / "server" / "nginx.conf"};
    }}
}}
""",
        encoding="utf-8",
    )
    conf.with_suffix(".port").write_text(str(port))
    return conf


def nginx_command(nginx_conf: Path, *options: str) -> list[str]:
    return [
        nginx_binary(),
        *options,
        "-c",
        str(nginx_conf),
        "-p",
        str(nginx_conf.parent),
        "-e",
        "stderr",
    ]


@pytest.fixture(scope="module")
def server(nginx_conf):
    """nginx in the foreground on 127.0.0.1, stopped when the module's tests are done."""
    port = int(nginx_conf.with_suffix(".port").read_text())
    output = nginx_conf.with_name("nginx.out")
    with site_served_by("nginx", nginx_command(nginx_conf), port, output) as client:
        yield client


def test_the_generated_configuration_passes_nginx_t(nginx_conf):
    done = subprocess.run(
        nginx_command(nginx_conf, "-t"), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr
