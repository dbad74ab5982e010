"""Under the site's Content-Security-Policy, in Debian's headless Chromium, with hostile data
loaded (``kompetensgraf serve --load tests/data/hostile/hostile.trig``): YASGUI, the Cytoscape
network, the catalogue page's script, search suggestions and kg.js all work, no violation is
reported, no injected script runs (no dialog opens), and the scripts only navigate to a path of
this site or an http(s) URL."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from web_support import (  # noqa: F401 (browser_tab, chromium_browser: fixtures "tab", "browser")
    HOSTILE_PAGES,
    browser_tab,
    chromium_browser,
    csp_violations,
    serve_hostile,
)

pytestmark = pytest.mark.browser
HOSTILE_ENTITY = "https://w3id.org/kompetensgraf/id/hostile-entity"
SCRIPT_SUBJECT = "javascript:alert('subject')"


@pytest.fixture(scope="module")
def hostile(built_store, tmp_path_factory):
    server = serve_hostile(built_store, tmp_path_factory.mktemp("hostile-browser") / "server.log")
    yield server
    server.stop()


def clean(tab, server) -> None:
    """Nothing ran that should not: no CSP violation, no dialog, no error, no foreign request."""
    assert csp_violations(tab) == []
    assert tab.dialogs == []
    assert tab.errors == []
    hosts = {urlsplit(url).hostname for url in tab.requested if url.startswith("http")}
    assert hosts == {urlsplit(server.url).hostname}, hosts


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_hostile_pages_run_nothing_and_link_only_to_the_web(tab, hostile, path):
    tab.goto(hostile.url + path)
    tab.wait_for_load_state("load")
    protocols = tab.evaluate(
        "Array.from(document.querySelectorAll('a[href], area[href]')).map(a => a.protocol)")
    assert protocols and set(protocols) <= {"http:", "https:", "mailto:"}
    injected = tab.evaluate("document.querySelectorAll("
                            "'main img, main b, main script:not([type=\"application/json\"])')"
                            ".length")
    assert injected == 0
    clean(tab, hostile)



@pytest.mark.parametrize("path, status, heading", [
    ("/inget-h%C3%A4r/%3Cb%3Efet%3C%2Fb%3E", 404, "Sidan finns inte"),
    ("/queries/finns-inte?lang=en", 404, "Page not found"),
])
def test_error_pages_are_pages_of_the_site_under_the_policy(tab, hostile, path, status, heading):
    answer = tab.goto(hostile.url + path)
    assert answer.status == status
    assert tab.locator("main h1").inner_text().startswith(heading)
    assert tab.locator("header nav a").count() > 0  # the site's layout, its menu
    assert tab.evaluate("document.querySelectorAll('main b, main script').length") == 0
    clean(tab, hostile)

def run_in_editor(tab, query: str) -> None:
    tab.evaluate("q => window.kgYasgui.getTab().getYasqe().setValue(q)", query)
    with tab.expect_response(lambda r: r.url.endswith("/sparql")) as answer:
        tab.click(".yasqe_queryButton")
    assert answer.value.status == 200
    tab.wait_for_selector(".yasr table.dataTable")


def test_editor_runs_a_query_and_draws_the_table_under_the_policy(tab, hostile):
    tab.goto(hostile.url + "/editor")
    tab.wait_for_selector(".yasqe .CodeMirror")
    run_in_editor(tab, "SELECT ?f ?name WHERE { VALUES ?f { kfid:fyrbodals-kommunalforbund "
                       "kfid:hostile-entity <javascript:alert('subject')> } ?f rdfs:label ?name }"
                       " ORDER BY ?name")
    table = tab.locator(".yasr").inner_text()
    assert "Fyrbodals kommunalförbund" in table and "javascript-förbund" in table
    assert "<script>alert('label')</script> Fientligt förbund" in table  # shown as text
    # The column resizer inserted its style sheet (allowed by its hash); dragging a column
    # inserts the second one.
    assert tab.evaluate("Array.from(document.querySelectorAll('style'))"
                        ".some(s => s.textContent.includes('.grip-resizable'))")
    grip = tab.locator(".grip-handle").first
    box = grip.bounding_box()
    tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + 5)
    tab.mouse.down()
    tab.mouse.move(box["x"] + 40, box["y"] + 5)
    assert tab.evaluate("Array.from(document.querySelectorAll('style'))"
                        ".some(s => s.textContent.includes('col-resize!important'))")
    tab.mouse.up()
    clean(tab, hostile)


def test_editor_shows_markup_in_results_as_text_and_runs_none_of_it(tab, hostile):
    """YASR passes each cell through DOMPurify, which parses it in an inert document; Chrome
    reports the event-handler attribute found there (``<b onclick=…>`` in a title) as a blocked
    ``script-src-attr``. That report is the policy refusing the data's handler, the only one."""
    tab.goto(hostile.url + "/editor")
    tab.wait_for_selector(".yasqe .CodeMirror")
    run_in_editor(tab, "SELECT ?doc ?title WHERE { ?doc dct:title ?title } ORDER BY ?title")
    assert "<b onclick=alert('title')>Fientlig källa</b>" in tab.locator(".yasr").inner_text()
    assert tab.locator(".yasr b, .yasr img, .yasr script, .yasr [onclick]").count() == 0
    assert tab.dialogs == [] and tab.errors == []
    reported = tab.evaluate("window.kgViolations")
    assert {r.split(" ", 1)[0] for r in reported} <= {"script-src-attr"}


def test_network_draws_and_navigates_only_to_network_pages(tab, hostile):
    tab.goto(hostile.url + "/network/hostile-entity?depth=2")
    tab.wait_for_function("window.kgNetwork && window.kgNetwork.nodes().length > 2")
    assert tab.locator("#cy canvas").count() > 0
    assert tab.evaluate("getComputedStyle(document.getElementById('cy')).position") == "relative"
    ids = tab.evaluate("window.kgNetwork.nodes().map(n => n.id())")
    assert SCRIPT_SUBJECT in ids
    # A node outside the site's namespace goes nowhere when tapped …
    tab.evaluate("id => window.kgNetwork.getElementById(id).emit('tap')", SCRIPT_SUBJECT)
    tab.wait_for_timeout(300)
    assert urlsplit(tab.url).path == "/network/hostile-entity"
    clean(tab, hostile)
    # … one of ours opens its own network page, keeping depth and date.
    # (The tap is emitted after evaluate has returned: a navigation started inside the
    # evaluated script races Playwright's answer to it.)
    with tab.expect_navigation(url="**/network/hostile-member?depth=2"):
        tab.evaluate("id => { setTimeout(() => window.kgNetwork.getElementById(id).emit('tap'),"
                     " 0); }", "https://w3id.org/kompetensgraf/id/hostile-member")
    assert parse_qs(urlsplit(tab.url).query) == {"depth": ["2"]}
    tab.wait_for_function("window.kgNetwork && window.kgNetwork.nodes().length > 1")
    clean(tab, hostile)


def test_catalogue_copy_button_works_from_its_static_script(tab, hostile):
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=hostile.url)
    tab.goto(hostile.url + "/queries/forbund-member-counts")
    assert tab.locator("#results tbody tr").count() >= 6
    tab.click("#copy-snippet")
    assert tab.get_attribute("#copy-snippet", "data-copied") == "true"
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert copied == tab.input_value("#snippet") and "SPARQLWrapper" in copied
    tab.click("#copy-snippet-r")  # the R snippet's button, from the same script
    assert tab.get_attribute("#copy-snippet-r", "data-copied") == "true"
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert copied == tab.input_value("#snippet-r") and "library(httr2)" in copied
    clean(tab, hostile)


def test_search_suggestions_open_safe_links_and_search_for_the_rest(tab, hostile):
    tab.goto(hostile.url + "/")
    tab.fill("#header-q", "fientligt")
    tab.wait_for_selector("#header-q-suggestions li")
    with tab.expect_navigation():
        tab.locator("#header-q-suggestions li").first.dispatch_event("mousedown")
    assert urlsplit(tab.url).path == "/id/hostile-entity"
    # A suggestion whose IRI is no safe link has no href: choosing it searches for its label.
    tab.fill("#header-q", "javascript")
    tab.wait_for_selector("#header-q-suggestions li")
    texts = tab.locator("#header-q-suggestions li").all_inner_texts()
    index = next(i for i, t in enumerate(texts) if "javascript-förbund" in t)
    tab.press("#header-q", "ArrowDown")
    for _ in range(index):
        tab.press("#header-q", "ArrowDown")
    with tab.expect_navigation():
        tab.press("#header-q", "Enter")
    assert urlsplit(tab.url).path == "/search"
    assert parse_qs(urlsplit(tab.url).query)["q"] == ["=1+2 javascript-förbund"]
    clean(tab, hostile)


def test_kg_js_refuses_unsafe_targets_even_from_a_forged_answer(tab, hostile):
    """The second check is the client's own: an autocomplete answer with script hrefs (forged
    here, as a compromised or older server might send it) navigates nowhere unsafe."""
    forged = [{"iri": "x", "label": "Forged " + str(i), "type": None, "href": href}
              for i, href in enumerate(["javascript:alert(1)", " javascript:alert(2)",
                                        "JaVaScRiPt:alert(3)", "java\tscript:alert(4)",
                                        "data:text/html,<script>alert(5)</script>",
                                        "//evil.example/", "/\\evil.example"])]
    tab.route("**/search/autocomplete*", lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps(forged)))
    tab.goto(hostile.url + "/search")
    decisions = tab.evaluate("hrefs => hrefs.map(h => window.kgSafeUrl(h))",
                             [f["href"] for f in forged] + ["/id/x", "https://example.org/"])
    assert decisions[:-2] == [None] * len(forged)
    assert decisions[-2:] == [hostile.url + "/id/x", "https://example.org/"]
    for index in (0, 4, 5):
        tab.goto(hostile.url + "/search")
        tab.fill("#q", "forged")
        tab.wait_for_selector("#q-suggestions li")
        with tab.expect_navigation():
            tab.locator("#q-suggestions li").nth(index).dispatch_event("mousedown")
        assert urlsplit(tab.url).netloc == urlsplit(hostile.url).netloc
        assert parse_qs(urlsplit(tab.url).query)["q"] == [f"Forged {index}"]
    assert tab.dialogs == []
    assert csp_violations(tab) == []


def test_ontology_page_is_styled_from_its_own_stylesheet(tab, hostile):
    tab.goto(hostile.url + "/def")
    background = tab.evaluate("getComputedStyle(document.querySelector('nav.kg-banner'))"
                              ".backgroundColor")
    assert background == "rgb(11, 61, 92)"
    assert tab.evaluate("getComputedStyle(document.getElementById('pylode')).position") == "fixed"
    clean(tab, hostile)
