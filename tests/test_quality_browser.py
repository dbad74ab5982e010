"""The quality page, the citation pages and the marks on pages (inference, no period) in a real
headless Chromium over the served project graph: axe-core (WCAG 2.1 A/AA) finds no serious
violation, no request leaves the server, no Content-Security-Policy violation, and the "Cite
this" downloads arrive as files."""

from __future__ import annotations

import pytest
import rispy
from test_browser import axe_violations, only_local
from web_support import CSP_LISTENER, chromium_browser, watch  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def tab(browser):
    context = browser.new_context(accept_downloads=True, locale="sv-SE")
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watch(page)
    yield page
    context.close()


@pytest.mark.parametrize("path", ["/quality", "/quality?lang=en", "/cite",
                                  "/cite/id/valideringslyft?lang=en", "/id/kommun-1439",
                                  "/network/kommun-1439?lang=en"])
def test_pages_pass_axe(tab, embedded_server, path):
    tab.goto(embedded_server.url + path)
    assert axe_violations(tab) == []
    only_local(tab, embedded_server)


def test_cite_this_downloads_a_ris_file(tab, embedded_server, tmp_path):
    tab.goto(embedded_server.url + "/source/avsiktsforklaring-vgr-kommunalforbunden-2022?lang=sv")
    assert tab.locator("#h-cite-this").inner_text() == "Citera"
    with tab.expect_download() as caught:
        tab.locator(".cite-block").get_by_role("link", name="RIS", exact=True).click()
    target = tmp_path / caught.value.suggested_filename
    caught.value.save_as(target)
    assert target.suffix == ".ris"
    (record,) = rispy.loads(target.read_text(encoding="utf-8"))
    assert record["title"].startswith("Avsiktsförklaring mellan Västra Götalandsregionen")
