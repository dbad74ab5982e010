"""Layout in a real headless Chromium over the served project graph: the catalogue's bar-chart
labels are shown whole, no page is wider than a 390 px phone screen (wide tables scroll inside
their box), and the home page opens with what a researcher looks for — actors, agreements,
projects and catalogue questions — before the graph's internals."""

from __future__ import annotations

import pytest
import requests
from test_browser import axe_violations, only_local
from web_support import CSP_LISTENER, chromium_browser, watch  # noqa: F401

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
WIDE_RESULT = "/queries/responsibility-chain"  # 13 columns and their labels


def open_tab(browser, viewport: dict, locale: str = "sv-SE"):
    context = browser.new_context(viewport=viewport, locale=locale)
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    watch(tab)
    return context, tab


@pytest.fixture(scope="module")
def phone(browser):
    context, tab = open_tab(browser, PHONE)
    yield tab
    context.close()


@pytest.fixture(scope="module")
def desktop(browser):
    context, tab = open_tab(browser, {"width": 1280, "height": 900})
    yield tab
    context.close()


def page_width(tab) -> int:
    return tab.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


# --------------------------------------------------------------------------- bar chart


@pytest.mark.parametrize("name", ["forbund-member-counts", "municipalities-per-county", "sources"])
@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_bar_label_is_shown_whole(request, embedded_server, name, size):
    tab = request.getfixturevalue(size)
    chart = requests.get(f"{embedded_server.url}/queries/{name}.json", timeout=120).json()["chart"]
    tab.goto(f"{embedded_server.url}/queries/{name}")
    labels = tab.locator("figure.chart .bar-label")
    assert labels.all_inner_texts() == [b["label"] for b in chart["bars"]]  # the full text
    boxes = labels.evaluate_all("""els => els.map(e => {
        const r = e.getBoundingClientRect();
        return {left: r.left, right: r.right, clipped: e.scrollWidth > e.clientWidth + 1}; })""")
    width = tab.viewport_size["width"]
    assert all(b["left"] >= 0 and b["right"] <= width and not b["clipped"] for b in boxes), boxes
    assert tab.locator("figure.chart rect").count() == len(chart["bars"])
    assert page_width(tab) <= width
    only_local(tab, embedded_server)


def test_the_long_forbund_name_is_readable_from_its_first_letter(phone, embedded_server):
    phone.goto(embedded_server.url + "/queries/forbund-member-counts")
    label = phone.locator(".bar-label", has_text="Sjuhärads")
    assert label.inner_text() == "Boråsregionen Sjuhärads kommunalförbund"
    box, bar = label.bounding_box(), phone.locator("figure.chart").bounding_box()
    assert box["x"] >= bar["x"]  # begins inside the chart, not cut off at its start
    assert axe_violations(phone) == []


# --------------------------------------------------------------------------- narrow screens


@pytest.mark.parametrize("path", [WIDE_RESULT, "/id/valideringslyft", "/quality", "/",
                                  "/?lang=en", "/class/kf:Municipality", "/dataset"])
def test_no_page_is_wider_than_a_phone(phone, embedded_server, path):
    phone.goto(embedded_server.url + path)
    assert page_width(phone) <= PHONE["width"]
    only_local(phone, embedded_server)


def test_a_wide_result_scrolls_inside_its_box(phone, embedded_server):
    phone.goto(embedded_server.url + WIDE_RESULT)
    box = phone.locator("#results").locator("xpath=..")
    assert box.get_attribute("class") == "table-scroll"
    inner, outer = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert inner > outer  # the table is wider than the screen: the box scrolls, not the page
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    assert box.evaluate("e => e.scrollLeft") > 0
    assert page_width(phone) <= PHONE["width"]
    assert phone.evaluate("window.scrollX") == 0


# --------------------------------------------------------------------------- home page


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_home_page_leads_with_actors_agreements_projects_and_questions(
        desktop, embedded_server, lang):
    desktop.goto(f"{embedded_server.url}/?lang={lang}")
    headings = desktop.locator("main h2").all_inner_texts()
    sv = lang == "sv"
    wanted = (["Aktörer", "Överenskommelser", "Projekt", "Frågor som katalogen besvarar"] if sv
              else ["Actors", "Agreements", "Projects", "Questions the catalogue answers"])
    technical = "För den tekniskt nyfikne" if sv else "For the technically curious"
    assert headings[:4] == wanted
    assert headings.index(technical) > 3
    # the internal classes are under the technical heading, after everything a researcher reads
    assert desktop.locator("section[aria-labelledby=h-technical] #h-classes").count() == 1
    actors = desktop.locator("section[aria-labelledby=h-actors]").inner_text()
    for name in ("Fyrbodals kommunalförbund", "Skaraborgs kommunalförbund",
                 "Valideringsdelegationen"):
        assert name in actors
    assert "Valideringslyft" in desktop.locator("section[aria-labelledby=h-projects]").inner_text()
    agreements = desktop.locator("section[aria-labelledby=h-agreements]").inner_text()
    assert ("Avsiktsförklaring" if sv else "Declaration of intent") in agreements
    questions = desktop.locator("section[aria-labelledby=h-questions] ul a")
    assert questions.count() >= 6
    for href in questions.evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert href.startswith("/queries/")
        assert requests.get(embedded_server.url + href, timeout=120).status_code == 200
    assert axe_violations(desktop) == []
    only_local(desktop, embedded_server)


def test_the_home_pages_data_names_the_groups_and_questions(embedded_server):
    data = requests.get(embedded_server.url + "/index.json?lang=en", timeout=120).json()
    groups = {g["key"]: g for g in data["leads"]}
    assert list(groups) == ["actors", "agreements", "projects"]
    classes = {c["curie"]: c for c in groups["actors"]["classes"]}
    assert classes["kf:Region"]["count"] == 21  # the 21 regions, one per county
    assert {i["label"] for i in classes["kf:MunicipalFederation"]["items"]} >= {
        "Fyrbodals kommunalförbund", "Göteborgsregionens kommunalförbund"}
    projects = {c["curie"]: c for c in groups["projects"]["classes"]}
    assert projects["kf:Project"]["ambiguous"] and projects["schema:Project"]["ambiguous"]
    assert not projects["kf:EsfProject"]["ambiguous"]
    catalogue = requests.get(embedded_server.url + "/queries.json", timeout=120).json()
    assert data["question_count"] == catalogue["count"]
    assert {q["name"] for q in data["questions"]} <= {q["name"] for q in catalogue["queries"]}
