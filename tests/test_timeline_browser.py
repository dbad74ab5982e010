"""The timeline in Debian's headless Chromium, under the site's Content-Security-Policy: the bars
are drawn from the page's data, each names its source document and links to its page, an open end
runs on to the right edge, and the as-of line (and the table's column) follows the date picker;
no serious WCAG 2.1 A/AA violation (axe-core)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from test_browser import axe_violations
from web_support import (  # noqa: F401 (chromium_browser: the fixture "browser")
    CSP_LISTENER,
    chromium_browser,
    csp_violations,
    json_of,
    watch,
)

pytestmark = pytest.mark.browser
AGREEMENT = "avsiktsforklaring-vgr-kommunalforbunden-2022"


@pytest.fixture()
def tab(browser, embedded_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watch(page)
    yield page
    assert csp_violations(page) == []
    assert page.errors == []
    context.close()


def line_x(tab) -> float:
    return float(tab.get_attribute("#tl-asof-line", "x1"))


def test_bars_name_their_sources_and_the_line_follows_the_picker(tab, embedded_server):
    data = json_of(f"{embedded_server.url}/timeline/{AGREEMENT}.json")
    tab.goto(f"{embedded_server.url}/timeline/{AGREEMENT}?asof=2024-01-01")
    tab.wait_for_selector("#timeline-chart svg rect.tl-bar")
    rows = tab.locator("#timeline-chart g.tl-row")
    assert rows.count() == len(data["dated"]) > 5
    for i, bar in enumerate(data["dated"]):
        row = rows.nth(i)
        document = bar["sources"][0]["document"]
        link = row.locator("a.tl-source-link")
        assert link.get_attribute("href") == embedded_server.url + document["href"]
        assert link.text_content().startswith(f"Källa: {document['label']}"[:60])
        inherited = "tl-inherited" in row.locator("rect.tl-bar").get_attribute("class")
        assert inherited == all(b is None or b["period_of"] for b in (bar["start"], bar["end"]))
    # the signatories signed on 10 November 2022, before the agreement's own period starts
    signed = [i for i, b in enumerate(data["dated"]) if b["start"]["value"] == "2022-11-10"]
    own = [i for i, b in enumerate(data["dated"]) if b["direction"] == "self"]
    assert signed and own
    x_signed = float(rows.nth(signed[0]).locator("rect.tl-bar").get_attribute("x"))
    x_own = float(rows.nth(own[0]).locator("rect.tl-bar").get_attribute("x"))
    assert x_signed < x_own
    assert tab.get_attribute("#tl-asof-line", "data-date") == "2024-01-01"
    assert axe_violations(tab) == []

    before = line_x(tab)
    tab.fill("#asof", "2028-06-01")
    assert tab.get_attribute("#tl-asof-line", "data-date") == "2028-06-01"
    assert line_x(tab) > before
    assert parse_qs(urlsplit(tab.url).query)["asof"] == ["2028-06-01"]
    assert tab.locator("#timeline-table .asof-value").inner_text() == "2028-06-01"
    assert tab.locator("#timeline-table tr.holds").count() == len(data["dated"])

    tab.fill("#asof", "2021-06-01")  # before the agreement: the axis widens, nothing held
    assert line_x(tab) < x_signed
    assert tab.locator("#timeline-table tr.not-holds").count() == len(data["dated"])
    assert set(tab.locator("#timeline-table td.holds-cell").all_inner_texts()) == {"nej"}

    first = rows.nth(0).locator("a.tl-source-link")
    label = data["dated"][0]["sources"][0]["document"]["label"]
    first.click()
    tab.wait_for_url("**/source/**")
    assert tab.locator("h1").inner_text() == label


def test_open_end_runs_to_the_right_edge(tab, embedded_server):
    data = json_of(f"{embedded_server.url}/timeline/regeringen.json")
    open_ended = [i for i, b in enumerate(data["dated"]) if b["open_end"]]
    assert open_ended
    tab.goto(f"{embedded_server.url}/timeline/regeringen?lang=en")
    tab.wait_for_selector("#timeline-chart svg rect.tl-bar")
    width = float(tab.get_attribute("#timeline-chart svg", "width"))
    rows = tab.locator("#timeline-chart g.tl-row")
    for i in open_ended:
        rect = rows.nth(i).locator("rect.tl-bar")
        assert "tl-open" in rect.get_attribute("class")
        right = float(rect.get_attribute("x")) + float(rect.get_attribute("width"))
        assert right == pytest.approx(width - 8)
        assert rows.nth(i).locator("polygon.tl-arrow").count() == 1
        assert rows.nth(i).locator("a.tl-source-link").text_content().startswith("Source: ")
    assert tab.locator("#tl-asof-line").count() == 0  # no date chosen: no line
    tab.fill("#asof", "2015-03-01")
    assert tab.get_attribute("#tl-asof-line", "data-date") == "2015-03-01"
    # the relations the data gives no period are not drawn
    assert rows.count() == len(data["dated"]) and data["undated"]
