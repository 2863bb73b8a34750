"""An administrator serves the release with Apache httpd from Debian (apache2-bin), no Python:
the generated configuration passes `apache2 -t`, and one IRI answers in the format and language
asked for, whether the rules come from server/apache.conf or from site/.htaccess."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from tests.conftest import free_port
from tests.release_builds import BASE, shipped_release

RESULT = "id/result/justice-in-guatemala"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
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
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30  # a readiness wait, not an assertion about speed
        while True:
            try:
                socket.create_connection(("127.0.0.1", apache_conf.port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = apache_conf.conf.with_name("error.log")
                    errors = log.read_text(errors="replace") if log.exists() else ""
                    raise AssertionError(f"httpd did not start: {errors}") from None
                time.sleep(0.1)
        with httpx.Client(
            base_url=f"http://127.0.0.1:{apache_conf.port}/", timeout=30, trust_env=False
        ) as client:
            yield client
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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


def label_of(kg, path: str, lang: str) -> str:
    labels = kg.rdflib_graph().objects(URIRef(BASE + path), RDFS.label)
    return next(str(x) for x in labels if x.language.startswith(lang))


def test_a_crawler_asking_for_turtle_gets_turtle(server, kg):
    response = server.get(RESULT, headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    assert "Accept" in response.headers["vary"]
    graph = Graph().parse(data=response.text, format="turtle", publicID=BASE + RESULT)
    assert (
        URIRef(BASE + RESULT),
        RDFS.label,
        Literal(label_of(kg, RESULT, "en"), lang="en"),
    ) in graph


def test_a_javascript_app_gets_json_ld_it_may_read_across_origins(server, release):
    response = server.get(RESULT, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.headers["access-control-allow-origin"] == "*"
    assert "Accept" in response.headers["vary"]
    document = response.json()
    assert document["@context"] == f"{BASE}context/{release.version}.jsonld"
    context = server.get(f"context/{release.version}.jsonld").json()
    document["@context"] = context["@context"]
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    assert (URIRef(BASE + RESULT), None, None) in graph


def test_a_browser_gets_the_english_page_and_a_french_reader_the_french_one(server, kg):
    english = server.get(RESULT, headers={"Accept": BROWSER})
    assert english.status_code == 200
    assert english.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="en">' in english.text
    assert label_of(kg, RESULT, "en") in english.text
    french = server.get(RESULT, headers={"Accept": BROWSER, "Accept-Language": "fr-CA,fr;q=0.9"})
    assert french.status_code == 200
    assert '<html lang="fr">' in french.text
    assert label_of(kg, RESULT, "fr") in french.text
    assert "Accept-Language" in french.headers["vary"]


def test_a_french_speaking_crawler_asking_for_turtle_still_gets_turtle(server):
    response = server.get(RESULT, headers={"Accept": "text/turtle", "Accept-Language": "fr"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"


@pytest.mark.parametrize(
    ("accept", "media_type", "rdf_format"),
    [
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("text/turtle;q=1.0, text/html;q=0.5", "text/turtle", "turtle"),
        ("*/*", "text/html", None),
        # A type the site does not have: the page for people, as for nginx (no 406).
        ("application/pdf", "text/html", None),
    ],
)
def test_every_format_is_negotiated_with_its_media_type(server, accept, media_type, rdf_format):
    response = server.get(RESULT, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    if rdf_format:
        graph = Graph().parse(data=response.text, format=rdf_format, publicID=BASE + RESULT)
        assert (URIRef(BASE + RESULT), None, None) in graph


def test_the_ontology_iri_gives_owl_to_machines_and_documentation_to_people(server):
    onto = URIRef(BASE + "ontology")
    turtle = server.get("ontology", headers={"Accept": "text/turtle"})
    assert (onto, RDF.type, OWL.Ontology) in Graph().parse(data=turtle.text, format="turtle")
    page = server.get("ontology", headers={"Accept": BROWSER})
    assert "Strategy Knowledge Graph Ontology" in page.text and "ontology.svg" in page.text
    diagram = server.get("ontology.svg")
    assert diagram.headers["content-type"].startswith("image/svg+xml")


def test_a_resource_that_is_also_a_folder_is_served_without_a_redirect(server):
    # id/document/goal-2 is a page and the folder of its passages (id/document/goal-2/chars/…)
    response = server.get("id/document/goal-2", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert "Goal 2: Strengthening Security and Institutions" in response.text


def test_dumps_and_the_well_known_void_are_served(server, release):
    dump = server.get(f"dumps/{release.version}/strategykg.ttl.gz")
    assert dump.status_code == 200
    assert dump.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in dump.headers  # the client gets the .gz file as it is
    void = server.get(".well-known/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200
    assert "void:Dataset" in void.text
    assert server.get("index.html").status_code == 200
    assert server.get("").status_code == 200


def test_an_unknown_iri_is_not_found(server):
    assert (
        server.get("id/result/no-such-result", headers={"Accept": "text/turtle"}).status_code == 404
    )
    assert server.get(".htaccess").status_code in (403, 404)
