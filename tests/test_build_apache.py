"""An administrator serves the release with Apache httpd from Debian (apache2-bin), no Python:
the generated configuration passes `apache2 -t`, and one IRI answers in the format and language
asked for, whether the rules come from server/apache.conf or from site/.htaccess (every story shared
with nginx, in tests/static_site_stories.py, runs once for each)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import free_port
from tests.release_builds import shipped_release
from tests.static_site_stories import *  # noqa: F403 (the stories, in its __all__)
from tests.static_site_stories import site_served_by

MODULES = Path("/usr/lib/apache2/modules")
# Only the modules the generated rules need, so a missing one shows up as a failure here.
NEEDED_MODULES = ("authz_core", "dir", "mime", "setenvif", "rewrite", "headers")
# The two ways the release offers to install its rules.
WAYS = ("server/apache.conf", "site/.htaccess")


def apache_binary() -> str:
    found = shutil.which("apache2") or "/usr/sbin/apache2"
    assert Path(found).is_file(), "Apache httpd is missing: run `make system-deps` (apache2-bin)"
    return found


@dataclass
class ApacheSetup:
    conf: Path
    port: int


@pytest.fixture(scope="module")
def release():
    return shipped_release()


@pytest.fixture(scope="module")
def site(release):
    """A world-readable copy of the release's site/ folder.

    httpd started as root serves from unprivileged children, which cannot read the private
    temporary folders the release is built in (httpd refuses to serve as root)."""
    folder = Path(tempfile.mkdtemp(prefix="strategykg-apache-"))
    try:
        folder.chmod(0o755)
        shutil.copytree(release.folder / "site", folder / "site")
        yield folder / "site"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module", params=WAYS)
def apache_conf(request, release, site, tmp_path_factory) -> ApacheSetup:
    """A whole httpd configuration around the release's rules, on a loopback port."""
    work = tmp_path_factory.mktemp("apache")
    port = free_port()
    (work / "mime.types").write_text("", encoding="utf-8")  # every type comes from the rules
    loads = "\n".join(
        f"LoadModule {name}_module {MODULES / f'mod_{name}.so'}"
        for name in ("mpm_event", *NEEDED_MODULES)
    )
    user = "User #65534\nGroup #65534\n" if os.geteuid() == 0 else ""
    if request.param == "server/apache.conf":
        # What the include file asks the administrator to do: set the folder, then Include it.
        rules = (release.folder / "server" / "apache.conf").read_text(encoding="utf-8")
        assert '<Directory "/srv/strategykg/site">' in rules
        included = work / "strategykg.conf"
        included.write_text(
            rules.replace('<Directory "/srv/strategykg/site">', f'<Directory "{site}">'),
            encoding="utf-8",
        )
        serving = f'Include "{included}"'
    else:
        # What .htaccess asks for in its header.
        overrides = "AllowOverride FileInfo Indexes Options=Indexes,MultiViews"
        assert overrides in (site / ".htaccess").read_text(encoding="utf-8")
        serving = f"""<Directory "{site}">
    Require all granted
    {overrides}
</Directory>"""
    conf = work / "httpd.conf"
    conf.write_text(
        f"""ServerRoot "{work}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile "{work}/httpd.pid"
DefaultRuntimeDir "{work}"
ErrorLog "{work}/error.log"
LogLevel warn
{loads}
{user}TypesConfig "{work}/mime.types"
DocumentRoot "{site}"
<Directory />
    Require all denied
    AllowOverride None
</Directory>
{serving}
""",
        encoding="utf-8",
    )
    return ApacheSetup(conf, port)


@pytest.fixture(scope="module")
def server(apache_conf):
    """httpd in the foreground on 127.0.0.1, stopped when the module's tests are done."""
    command = [apache_binary(), "-f", str(apache_conf.conf), "-DFOREGROUND"]
    output = apache_conf.conf.with_name("httpd.out")
    errors = apache_conf.conf.with_name("error.log")
    with site_served_by("httpd", command, apache_conf.port, output, [errors]) as client:
        yield client


def test_the_generated_configuration_passes_apache2_t(apache_conf):
    done = subprocess.run(
        [apache_binary(), "-t", "-f", str(apache_conf.conf)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Syntax OK" in done.stderr
