"""The user stories of the release's static site (`strategykg build` output), whatever web server
serves it: one IRI answers in the format and language asked for, the ontology, dumps and VoID are
there, and what is not there is a 404.

Each server's test module starts its server, provides it as the `server` fixture (an httpx.Client
whose base_url is the site's root) next to `kg` and `release`, and imports the stories listed in
`__all__` so that pytest collects them there, once per server. The module is not collected on its
own (its name does not start with test_).
"""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from tests.release_builds import BASE

# What `from tests.static_site_stories import *` brings into a server's test module: the stories.
__all__ = [
    "test_a_crawler_asking_for_turtle_gets_turtle",
    "test_a_javascript_app_gets_json_ld_it_may_read_across_origins",
    "test_a_browser_gets_the_english_page_and_a_french_reader_the_french_one",
    "test_a_french_speaking_crawler_asking_for_turtle_still_gets_turtle",
    "test_every_format_is_negotiated_with_its_media_type",
    "test_the_ontology_iri_gives_owl_to_machines_and_documentation_to_people",
    "test_a_resource_that_is_also_a_folder_is_served_without_a_redirect",
    "test_dumps_and_the_well_known_void_are_served",
    "test_an_unknown_iri_is_not_found",
]

RESULT = "id/result/justice-in-guatemala"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@contextlib.contextmanager
def site_served_by(
    name: str, command: Sequence[str], port: int, output: Path, logs: Sequence[Path] = ()
) -> Iterator[httpx.Client]:
    """A client for the site that `command` serves in the foreground on 127.0.0.1:`port`.

    The process writes its stdout and stderr to `output`; if it does not come up, the failure
    shows that file and the `logs` it keeps. It is stopped on exit, killed if it will not stop."""
    with output.open("wb") as sink:
        process = subprocess.Popen(list(command), stdout=sink, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30  # a readiness wait, not an assertion about speed
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    said = "".join(
                        log.read_text(errors="replace") for log in (output, *logs) if log.exists()
                    )
                    raise AssertionError(f"{name} did not start: {said}") from None
                time.sleep(0.1)
        with httpx.Client(
            base_url=f"http://127.0.0.1:{port}/", timeout=30, trust_env=False
        ) as client:
            yield client
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
        process.kill()  # does nothing to a process that has stopped and been reaped
        process.wait()


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
        # A type the site does not have: the page for people (no 406).
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
