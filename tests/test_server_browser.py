"""What a person sees: the landing page, a resource page and a query page in headless Chromium."""

from __future__ import annotations

import shutil
import tempfile

import httpx
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1600",
)


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="strategykg-chromium-")
    options = webdriver.ChromeOptions()
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument("--lang=en-GB")
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def settle(browser, condition) -> None:
    """Wait for the page a click led to (a readiness wait, not a judgement of speed)."""
    WebDriverWait(browser, 60).until(condition)


def test_a_visitor_lands_on_a_page_that_says_what_the_dataset_is(browser, server):
    browser.get(server.url + "/")
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert "Canada" in heading and "Americas" in heading
    count = browser.find_element(By.ID, "triple-count").text
    assert int(count.replace(",", "")) > 1000
    rows = browser.find_elements(By.CSS_SELECTOR, "table.classes tbody tr")
    shown = {r.find_element(By.TAG_NAME, "a").text: r for r in rows}
    assert "Result" in shown and shown["Result"].find_elements(By.TAG_NAME, "a")[-1].text == "5"
    nav = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "header nav a")}
    assert {"SPARQL", "Questions", "Ontology", "Downloads"} <= nav


def test_a_reader_follows_a_result_and_sees_its_quote_highlighted_in_the_source(
    browser, server, source_text
):
    browser.get(server.url + "/id/result/justice-in-guatemala")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Helped reinforce justice in Guatemala"
    marked = browser.find_element(By.CSS_SELECTOR, "blockquote mark").text
    sentence_start = source_text.index("Helped reinforce justice in Guatemala")
    sentence = source_text[sentence_start : source_text.index("\n", sentence_start)]
    assert marked == sentence  # exactly the words of the source, highlighted
    context = browser.find_element(By.CSS_SELECTOR, "blockquote").text
    assert "Military Training Cooperation Programme" in context  # the sentence before it
    types = browser.find_element(By.CSS_SELECTOR, ".types").text
    assert "Result" in types
    # Properties are links; following one leads to that resource's page.
    browser.find_element(By.LINK_TEXT, "Guatemala").click()
    settle(browser, lambda b: b.current_url.endswith("/id/place/guatemala"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Guatemala"
    assert browser.current_url.endswith("/id/place/guatemala")


def test_a_french_reader_switches_language(browser, server):
    browser.get(server.url + "/id/result/justice-in-guatemala")
    browser.find_element(By.CSS_SELECTOR, "nav a.lang").click()
    settle(browser, lambda b: "lang=fr" in b.current_url)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    heading = browser.find_element(By.TAG_NAME, "h1").text
    assert heading == "Aide au renforcement de la justice au Guatemala"
    assert browser.find_element(By.CSS_SELECTOR, "blockquote").get_attribute("lang") == "en"


def test_an_analyst_runs_a_question_with_a_parameter_and_downloads_the_answer(browser, server):
    browser.get(server.url + "/queries")
    browser.find_element(By.PARTIAL_LINK_TEXT, "Results in a place").click()
    settle(browser, lambda b: "/queries/results-by-place" in b.current_url)
    field = browser.find_element(By.ID, "param-place")
    field.clear()
    field.send_keys("mexico")
    field.submit()
    settle(browser, lambda b: "place=mexico" in b.current_url)
    cells = [td.text for td in browser.find_elements(By.CSS_SELECTOR, "table.results tbody td")]
    assert "Mexico" in cells or any("mexico" in c for c in cells)
    assert any("justice" in c.lower() for c in cells)
    downloads = {
        a.text: a.get_attribute("href")
        for a in browser.find_elements(By.CSS_SELECTOR, "a.download")
    }
    assert set(downloads) == {"CSV", "SPARQL JSON"}
    csv_text = httpx.get(downloads["CSV"]).text
    assert csv_text.splitlines()[0].startswith("result,")
    assert "mexico" in csv_text


def test_an_analyst_types_a_query_into_the_sparql_form(browser, server):
    browser.get(server.url + "/sparql")
    box = browser.find_element(By.ID, "query")
    box.clear()
    box.send_keys(
        "PREFIX skg: <https://w3id.org/strategykg/ontology#>\n"
        "SELECT ?objective WHERE { ?objective a skg:Objective } ORDER BY ?objective"
    )
    browser.find_element(By.CSS_SELECTOR, "form.sparql button").click()
    settle(browser, lambda b: "query=" in b.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    assert len(rows) == 5  # "Our objectives": five bullets in the source
    assert browser.find_element(By.CSS_SELECTOR, "p.count").text.startswith("5 rows")
