"""An ontology reviewer opens the ontology on the running server and reads its documentation:
the same pyLODE pages and class diagram a release publishes, in English and in French."""

from __future__ import annotations

import re


def test_a_browser_at_the_ontology_gets_its_pylode_documentation(http):
    page = http.get("/ontology", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "pyLODE" in page.text
    # Each term has its section, so /ontology#Objective lands on it.
    assert 'id="Objective"' in page.text and 'id="statedIn"' in page.text
    assert "Shapes (SHACL)" in page.text  # the shapes, which pyLODE alone leaves out


def test_a_french_reader_gets_the_french_page(http):
    page = http.get("/ontology", headers={"Accept": "text/html", "Accept-Language": "fr"})
    assert "Formes (SHACL)" in page.text
    assert ">Objectif<" in page.text
    assert "Accept-Language" in page.headers["vary"]


def test_the_documentation_links_stay_on_this_server(http):
    page = http.get("/ontology", headers={"Accept": "text/html"}).text
    assert 'href="/ontology?lang=fr"' in page
    assert 'data="/ontology.svg"' in page  # the embedded diagram
    assert 'href="/ontology.ttl"' in page
    # Links to the dataset's own IRIs are paths here, not the published w3id.org addresses.
    assert not re.search(r'href="https://w3id\.org/strategykg/', page)


def test_the_class_diagram_is_served_in_both_languages(http):
    english = http.get("/ontology.svg")
    french = http.get("/ontology.fr.svg")
    for diagram in (english, french):
        assert diagram.status_code == 200
        assert diagram.headers["content-type"].startswith("image/svg+xml")
        assert "<svg" in diagram.text
    assert ">Objective<" in english.text and ">Objectif<" in french.text
    assert 'href="/ontology?lang=fr#Objective"' in french.text.replace("xlink:", "")


def test_machines_at_the_ontology_still_get_rdf(http):
    turtle = http.get("/ontology", headers={"Accept": "text/turtle"})
    assert turtle.headers["content-type"].startswith("text/turtle")
    assert "owl:Ontology" in turtle.text
