"""Helpers of the web safety tests: the real service with hostile data loaded, and checks of what
a page may link to and load.

``tests/data/hostile/hostile.trig`` puts ``javascript:``, ``data:`` and ``vbscript:`` IRIs (in odd
cases too) in every position — subject, object, type, property, named graph, source document —
and labels written to break out of HTML (``<script>``, ``"onmouseover=``) and to run in a
spreadsheet (``=HYPERLINK(…)``, ``+cmd|…``, ``@SUM``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import Server, start_server

HOSTILE = Path(__file__).parent / "data" / "hostile" / "hostile.trig"

#: Pages that show the hostile data: entity, search, class, graph, source, catalogue, network,
#: timeline, dataset, home.
HOSTILE_PAGES = [
    "/id/hostile-entity",
    "/id/fyrbodals-kommunalforbund",
    "/id/hostile-member",
    "/search?q=javascript",
    "/search?q=fientligt",
    "/class/kf:MunicipalFederation",
    "/graph/hostile-facts",
    "/source/hostile-source",
    "/queries/forbund-member-counts",
    "/queries/who-states?thing=kfid:hostile-entity",
    "/network/hostile-entity",
    "/timeline/hostile-entity",
    "/network",
    "/dataset",
    "/",
]

#: Attributes that make the browser load or go somewhere.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"}


def serve_hostile(built_store: Path, log: Path) -> Server:
    """``kompetensgraf serve --load hostile.trig`` over the built project graph."""
    return start_server(built_store, log, "--load", str(HOSTILE))


def fetch(url: str, accept: str = "text/html") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8", "replace")


class PageScan(HTMLParser):
    """Every URL-bearing attribute, event-handler attribute, script and element of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, dict, str]] = []
        self.handlers: list[tuple[str, str]] = []
        self.scripts: list[dict] = []
        self.inline_scripts: list[str] = []
        self.styles: list[str] = []
        self.tags: list[str] = []
        self._in_script: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        self.tags.append(tag)
        for name, value in attrs:
            if name in URL_ATTRIBUTES:
                self.urls.append((tag, attributes, value or ""))
            if name.startswith("on") or name == "style":
                self.handlers.append((tag, name))
        if tag == "script":
            self.scripts.append(attributes)
            self._in_script = attributes
        if tag == "style":
            self.styles.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None

    def handle_data(self, data: str) -> None:
        if self._in_script is not None and "src" not in self._in_script and data.strip():
            if self._in_script.get("type") not in ("application/json", "application/ld+json"):
                self.inline_scripts.append(data)


def scan(html: str) -> PageScan:
    parser = PageScan()
    parser.feed(html)
    parser.close()
    return parser


def is_site_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def is_safe_link(url: str) -> bool:
    """What a link of a page may be: a site path, an in-page anchor or query, http(s) or mailto."""
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url) or "\\" in url:
        return False
    lowered = url.lower()
    return (
        is_site_path(url)
        or url.startswith(("#", "?"))
        or lowered.startswith(("http://", "https://"))
        or (lowered.startswith("mailto:") and len(url) > 7)
    )


def unsafe_urls(page: PageScan) -> list[tuple[str, str]]:
    """URLs of a page that are no safe links (a ``data:`` image as the favicon is allowed)."""
    bad = []
    for tag, attributes, url in page.urls:
        icon = tag == "link" and "icon" in (attributes.get("rel") or "")
        if icon and url.startswith(("data:,", "data:image/png;base64,")):
            continue
        if not is_safe_link(url):
            bad.append((tag, url))
    return bad


def hrefs_in_json(value) -> list[str | None]:
    """Every ``href``-like value (keys ending in ``href``, ``network``, ``url``) of a JSON twin:
    a string, or ``None`` where there is no link."""
    found: list[str | None] = []
    if isinstance(value, dict):
        for key, item in value.items():
            linkish = key.endswith(("href", "network")) or key == "url"
            if linkish and (item is None or isinstance(item, str)):
                found.append(item)
            else:
                found.extend(hrefs_in_json(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(hrefs_in_json(item))
    return found


def json_of(url: str) -> object:
    status, _, body = fetch(url, "application/json")
    assert status == 200, (url, status, body[:300])
    return json.loads(body)


# --------------------------------------------------------------------------- in Chromium

CHROMIUM = "/usr/bin/chromium"  # Debian's chromium (make setup installs it)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

#: Runs in every page before its own scripts (Playwright init script, not subject to the CSP):
#: records each Content-Security-Policy violation the page reports.
CSP_LISTENER = """
window.kgViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.kgViolations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile + ":"
                           + e.lineNumber);
});
"""


@pytest.fixture(scope="module", name="browser")
def chromium_browser():
    """Debian's headless Chromium, driven by Playwright (import this fixture into a module)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(name="tab")
def browser_tab(browser):
    """A fresh tab (1280×900, Swedish locale) that records CSP violations (``CSP_LISTENER``),
    page errors, dialogs and requests (:func:`watch`); import it into a module with ``browser``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    watch(page)
    yield page
    context.close()


def watch(tab) -> None:
    """Record what a tab reports: page errors, CSP messages on the console, dialogs (an
    ``alert`` from injected script would open one), and every request."""
    tab.errors, tab.csp_messages, tab.dialogs, tab.requested = [], [], [], []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.on("console", lambda message: tab.csp_messages.append(message.text)
           if "Content Security Policy" in message.text else None)
    tab.on("dialog", lambda dialog: (tab.dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("request", lambda request: tab.requested.append(request.url))


def csp_violations(tab) -> list[str]:
    """The violations the current page reported, and the CSP messages of the tab so far."""
    reported = tab.evaluate("window.kgViolations || []")
    return reported + tab.csp_messages
