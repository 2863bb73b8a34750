"""A reviewer opens the HTML report in a real browser and sees the charts drawn, offline."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from strategykg.review import load_subject, review
from strategykg.review_output import render

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "review"


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's, from scripts/install-system-deps.sh), no network needed."""
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1300,1000"):
        options.add_argument(argument)
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    yield driver
    driver.quit()


def test_the_html_report_opens_in_a_browser_with_its_charts(browser, tmp_path) -> None:
    report = review(load_subject(files=[FIXTURES / "p13-inverse-not-declared.ttl"]), dl=False)
    page = tmp_path / "review.html"
    page.write_text(render(report, "html"), encoding="utf-8")
    browser.get(page.as_uri())

    assert browser.title.startswith("Ontology review: PASS")
    charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
    assert len(charts) == 2
    for chart in charts:
        assert chart.is_displayed() and chart.size["width"] > 300 and chart.size["height"] > 50
        bars = chart.find_elements(By.TAG_NAME, "rect")
        assert bars and max(bar.size["width"] for bar in bars) > 50
    finding = browser.find_element(By.ID, "P13-warning")
    links = [a.get_attribute("href") for a in finding.find_elements(By.CSS_SELECTOR, "li a")]
    assert "https://w3id.org/review-fixture#basedIn" in links
    assert "https://w3id.org/review-fixture#hosts" in links
