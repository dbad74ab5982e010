"""The browser in a real headless Chromium (Debian's, driven by Playwright) over the served graph:
search, entity page, source citation, network view (depth, date, export), the query editor —
with axe-core accessibility checks (WCAG 2.1 A/AA), no request leaving 127.0.0.1 and no
Content-Security-Policy violation (the pages' own policy stays on: axe is run by Playwright's
evaluate, which the policy does not govern, not as an inline script tag)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import networkx as nx
import pytest
from web_support import CSP_LISTENER, chromium_browser, csp_violations, watch  # noqa: F401

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                  locale="sv-SE")
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    watch(tab)
    yield tab
    context.close()


def axe_violations(tab) -> list[str]:
    """Serious and critical WCAG 2.1 A/AA violations that axe-core finds on the current page."""
    tab.evaluate(AXE.read_text())
    result = tab.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def shot(tab, tmp_path: Path, name: str) -> None:
    tab.screenshot(path=str(tmp_path / f"{name}.png"), full_page=False)


def only_local(tab, live_server) -> None:
    hosts = {urlsplit(url).hostname for url in tab.requested if url.startswith("http")}
    assert hosts == {urlsplit(live_server.url).hostname}, hosts
    assert not tab.errors, tab.errors
    assert csp_violations(tab) == []


def test_search_entity_source_network_export(page, live_server, tmp_path):
    page.goto(live_server.url + "/")
    assert axe_violations(page) == []
    shot(page, tmp_path, "home")

    page.fill("#header-q", "Fyrbodal")
    page.press("#header-q", "Enter")
    page.wait_for_url("**/search?q=Fyrbodal*")
    first = page.locator("a.result-link").first
    assert first.inner_text() == "Fyrbodals kommunalförbund"
    assert axe_violations(page) == []
    shot(page, tmp_path, "search")

    first.click()
    page.wait_for_url("**/id/fyrbodals-kommunalforbund")
    assert page.locator("h1").inner_text() == "Fyrbodals kommunalförbund"
    assert page.locator("p.source, details.source").count() > 0
    assert axe_violations(page) == []
    shot(page, tmp_path, "entity")

    citation = page.locator("main a.doc-link").first
    document = citation.inner_text()
    citation.click()
    page.wait_for_url("**/source/**")
    assert page.locator("h1").inner_text() == document
    shot(page, tmp_path, "source")
    page.go_back()

    page.locator("main a[href='/network/fyrbodals-kommunalforbund']").click()
    page.wait_for_url("**/network/fyrbodals-kommunalforbund")
    page.wait_for_function("window.kgNetwork && window.kgNetwork.nodes().length > 1")
    shallow = page.evaluate("window.kgNetwork.nodes().length")
    assert page.locator("#cy canvas").count() > 0
    assert axe_violations(page) == []
    shot(page, tmp_path, "network")

    page.check("input[name=depth][value='2']")
    page.fill("#asof", "2024-06-01")
    page.click("#network-form button[type=submit]")
    page.wait_for_url("**depth=2**asof=2024-06-01**")
    page.wait_for_function("window.kgNetwork && window.kgNetwork.nodes().length > 1")
    deep = page.evaluate("window.kgNetwork.nodes().length")
    assert deep > shallow
    rows = page.locator("#edges tbody tr").count()
    # one line per pair of nodes, counting the relations (the table's rows) it stands for
    assert rows == page.evaluate("window.kgNetwork.edges(':visible').map(e => e.data('count'))"
                                 ".reduce((a, b) => a + b, 0)")
    shot(page, tmp_path, "network-depth2")

    with page.expect_download() as download:
        page.click("a[href*='.graphml']")
    saved = tmp_path / "network.graphml"
    download.value.save_as(saved)
    graph = nx.read_graphml(saved)
    assert graph.number_of_nodes() == deep
    only_local(page, live_server)


def test_query_editor_runs_a_query_locally(page, live_server, tmp_path):
    page.goto(live_server.url + "/editor")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert axe_violations(page) == []
    options = page.locator("#example option")
    assert options.count() > 1  # the catalogue's examples
    examples = page.evaluate("JSON.parse(document.getElementById('editor-data').textContent)")
    assert any(e["folder"] == "catalogue" for e in examples["examples"])
    page.select_option("#example", index=1)
    chosen = page.evaluate("window.kgYasgui.getTab().getYasqe().getValue()")
    assert chosen == examples["examples"][0]["query"]

    page.evaluate("window.kgYasgui.getTab().getYasqe().setValue("
                  "'SELECT ?name WHERE { ?f a kf:MunicipalFederation ; rdfs:label ?name }')")
    with page.expect_response(lambda r: r.url.endswith("/sparql")) as answer:
        page.click(".yasqe_queryButton")
    assert answer.value.status == 200
    page.wait_for_selector(".yasr table, .yasr .dataTable")
    assert "Fyrbodals kommunalförbund" in page.locator(".yasr").inner_text()
    shot(page, tmp_path, "editor")
    only_local(page, live_server)


def test_keyboard_reaches_search_through_the_skip_link(page, live_server):
    page.goto(live_server.url + "/id/region-lan-14")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    page.goto(live_server.url + "/id/region-lan-14?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"


@pytest.mark.parametrize("path", [
    "/?lang=en", "/def", "/class/kf:Municipality?page=2", "/network",
    "/source/hallbar-kompetensforsorjning-genom-regional-samverkan",
    "/graph/vastmanland-validering--inledning", "/search?q=validering&type=kf:GovernmentAgency",
    "/id/finns-inte-i-grafen", "/data/?lang=en", "/dataset", "/queries/forbund-municipalities",
])
def test_more_pages_pass_axe(page, live_server, path):
    page.goto(live_server.url + path)
    assert axe_violations(page) == []
    only_local(page, live_server)
