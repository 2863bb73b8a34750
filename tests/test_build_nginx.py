"""An administrator serves the release with nginx from Debian, no Python: the generated
configuration passes `nginx -t`, and one IRI answers in the format and language asked for."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from tests.conftest import free_port
from tests.release_builds import BASE, shipped_release

RESULT = "id/result/justice-in-guatemala"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


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


@pytest.fixture(scope="module")
def server(nginx_conf):
    """nginx in the foreground on 127.0.0.1, stopped when the module's tests are done."""
    port = int(nginx_conf.with_suffix(".port").read_text())
    command = [nginx_binary(), "-c", str(nginx_conf), "-p", str(nginx_conf.parent), "-e", "stderr"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise AssertionError(
                    f"nginx did not start: {process.stderr.read().decode()}"
                ) from None
            time.sleep(0.1)
    with httpx.Client(base_url=f"http://127.0.0.1:{port}/", timeout=30) as client:
        yield client
    process.terminate()
    process.wait(timeout=30)


def test_the_generated_configuration_passes_nginx_t(nginx_conf):
    done = subprocess.run(
        [nginx_binary(), "-t", "-c", str(nginx_conf), "-p", str(nginx_conf.parent), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def label_of(kg, path: str, lang: str) -> str:
    labels = kg.rdflib_graph().objects(URIRef(BASE + path), RDFS.label)
    return next(str(x) for x in labels if x.language.startswith(lang))


def test_turtle_is_served_to_who_asks_for_turtle(server, kg):
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


def test_json_ld_is_served_to_javascript(server, release):
    response = server.get(RESULT, headers={"Accept": "application/ld+json"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/ld+json")
    assert response.headers["access-control-allow-origin"] == "*"
    document = response.json()
    assert document["@context"] == f"{BASE}context/{release.version}.jsonld"
    context = server.get(f"context/{release.version}.jsonld").json()
    document["@context"] = context["@context"]
    graph = Graph().parse(data=json.dumps(document), format="json-ld")
    assert (URIRef(BASE + RESULT), None, None) in graph


def test_a_browser_gets_the_english_page_and_a_french_reader_the_french_one(server, kg):
    english = server.get(RESULT, headers={"Accept": BROWSER})
    assert english.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="en">' in english.text
    assert label_of(kg, RESULT, "en") in english.text
    french = server.get(RESULT, headers={"Accept": BROWSER, "Accept-Language": "fr-CA,fr;q=0.9"})
    assert '<html lang="fr">' in french.text
    assert label_of(kg, RESULT, "fr") in french.text
    assert "Accept-Language" in french.headers["vary"]


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("text/turtle;q=1.0, text/html;q=0.5", "text/turtle"),
        ("*/*", "text/html"),
    ],
)
def test_every_format_is_negotiated_with_its_media_type(server, accept, media_type):
    response = server.get(RESULT, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


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
    assert dump.headers["content-type"] == "application/gzip"
    void = server.get(".well-known/void", headers={"Accept": "text/turtle"})
    assert "void:Dataset" in void.text
    assert server.get("index.html").status_code == 200
    assert server.get("").status_code == 200


def test_an_unknown_iri_is_not_found(server):
    assert (
        server.get("id/result/no-such-result", headers={"Accept": "text/turtle"}).status_code == 404
    )
    assert server.get(".htaccess").status_code in (403, 404)
