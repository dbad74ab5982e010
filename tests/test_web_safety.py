"""The service facing hostile data and hostile addresses, over HTTP against a real server
(``kompetensgraf serve --load tests/data/hostile/hostile.trig``):

- only safe links: an IRI becomes a link only as a path of this site or an http(s)/mailto URL, on
  every page and in every JSON twin and autocomplete answer; labels stay text;
- security headers (CSP without inline script, nosniff, framing, referrer) on every response,
  CORS on the endpoint kept;
- an address that is no valid IRI is a 404 in the house shape, never a 500 or a traceback;
- CSV downloads write formula-like cells as text; the SPARQL endpoint's CSV stays faithful.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import http.client
import io
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from csvw import CSVW
from web_support import (
    HOSTILE_PAGES,
    fetch,
    hrefs_in_json,
    is_safe_link,
    json_of,
    scan,
    serve_hostile,
    unsafe_urls,
)

from service.browse.terms import safe_url
from service.headers import CONTENT_SECURITY_POLICY, YASGUI_STYLES
from service.spreadsheet import spreadsheet_cell

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hostile(built_store, tmp_path_factory):
    server = serve_hostile(built_store, tmp_path_factory.mktemp("hostile") / "server.log")
    yield server
    server.stop()


# --------------------------------------------------------------------------- the one decision


@pytest.mark.parametrize("url", [
    "/id/fyrbodals-kommunalforbund", "/search?q=%C3%B6", "/def/Region",
    "https://www.wikidata.org/entity/Q1", "http://data.europa.eu/nuts/code/SE232",
    "HTTPS://example.org/x", "mailto:info@example.org",
])
def test_safe_url_keeps_site_paths_and_web_links(url):
    assert safe_url(url) == url


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
    " javascript:alert(1)", "\x00javascript:alert(1)", "javascript\x01:alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "file:///etc/passwd",
    "urn:isbn:123", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "http:evil.example",
    "https:/evil.example", "http://", "https://[::1", "mailto:", "", None, "x", "#top",
    "https://example.org/a b", "https://example.org/\u2028", "http://example.org\\@evil.example",
])
def test_safe_url_refuses_everything_else(url):
    assert safe_url(url) is None


@pytest.mark.parametrize("cell, written", [
    ("=HYPERLINK(\"http://evil.example\")", "'=HYPERLINK(\"http://evil.example\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("\uff1d1+1", "'\uff1d1+1"),
    ("-12", "-12"), ("+3.5", "+3.5"), ("-1e3", "-1e3"), ("-.5", "-.5"),
    ("42", "42"), ("Västra Götalands län", "Västra Götalands län"), ("", ""),
    ("https://w3id.org/kompetensgraf/id/x", "https://w3id.org/kompetensgraf/id/x"),
    ("a=b", "a=b"), ("-", "'-"), ("2024-06-01", "2024-06-01"),
])
def test_spreadsheet_cells_that_would_run_are_written_as_text(cell, written):
    assert spreadsheet_cell(cell) == written


# --------------------------------------------------------------------------- pages and twins


@pytest.mark.parametrize("path", HOSTILE_PAGES)
def test_pages_with_hostile_data_link_only_safely_and_escape_labels(hostile, path):
    status, _, body = fetch(hostile.url + path)
    assert status == 200, (path, body[:300])
    page = scan(body)
    assert unsafe_urls(page) == []
    assert page.handlers == []  # no on…= or style= attribute: nothing from a label became one
    assert page.inline_scripts == []
    assert all(s.get("src", "").startswith("/") or s.get("type") == "application/json"
               for s in page.scripts), page.scripts
    assert "img" not in page.tags and "b" not in page.tags  # labels' markup stayed text
    for raw in ("<script>alert", "<img src=x", "<b onclick", "\"onmouseover="):
        assert raw not in body


def test_script_iris_are_shown_as_text_not_dropped(hostile):
    _, _, body = fetch(hostile.url + "/id/hostile-entity")
    page = scan(body)
    texts = re.findall(r'<span class="unlinked[^"]*" title="([^"]*)"', body)
    shown = {t.replace("&#39;", "'") for t in texts}
    for iri in ("javascript:alert('match')", "javascript:alert('object')",
                "javascript:alert('type')", "JaVaScRiPt:alert('case')", "vbscript:msgbox(1)",
                "javascript:alert('property')"):
        assert iri in shown, iri
    assert ("a", {"href": "https://example.org/a-safe-link", "title": "https://example.org/a-safe-link"},
            "https://example.org/a-safe-link") in page.urls
    assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt; Fientligt förbund" in body


TWINS = [
    "/id/hostile-entity.json", "/id/fyrbodals-kommunalforbund.json", "/search.json?q=javascript",
    "/search.json?q=fientligt", "/class/kf:MunicipalFederation.json", "/graph/hostile-facts.json",
    "/source/hostile-source.json", "/queries/forbund-member-counts.json",
    "/queries/who-states.json?thing=kfid:hostile-entity", "/network/hostile-entity.json",
    "/timeline/hostile-entity.json", "/network.json", "/index.json",
    "/search/autocomplete?q=javascript",
    "/search/autocomplete?q=fientligt", "/search/autocomplete?q=hostile",
]


@pytest.mark.parametrize("path", TWINS)
def test_json_twins_and_autocomplete_hand_out_only_safe_hrefs(hostile, path):
    hrefs = hrefs_in_json(json_of(hostile.url + path))
    assert hrefs, "the twin should hold links"
    links = [h for h in hrefs if h is not None]
    assert [h for h in links if not is_safe_link(h) or h.startswith(("#", "?"))] == []


def test_autocomplete_gives_no_href_for_script_iris(hostile):
    hits = json_of(hostile.url + "/search/autocomplete?q=javascript")
    by_iri = {h["iri"]: h["href"] for h in hits}
    assert by_iri["javascript:alert('subject')"] is None
    assert by_iri["javascript:alert('doc')"] is None
    entity = json_of(hostile.url + "/id/hostile-entity.json")
    links = {m["iri"]: m["href"] for m in entity["external_links"]}
    assert links["javascript:alert('match')"] is None
    assert links["https://example.org/a-safe-link"] == "https://example.org/a-safe-link"
    cells = [c for row in json_of(hostile.url + "/queries/forbund-member-counts.json")["rows"]
             for c in row.values() if c["type"] == "uri"]
    assert {c["value"]: c["href"] for c in cells}["javascript:alert('subject')"] is None
    assert all(c["href"].startswith("/id/") for c in cells if c["value"].startswith("https://w3id"))


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize("path, accept", [
    ("/", "text/html"), ("/id/hostile-entity", "text/html"), ("/id/hostile-entity.json", "*/*"),
    ("/id/hostile-entity", "text/turtle"), ("/editor", "text/html"), ("/def", "text/html"),
    ("/def.css", "text/css"), ("/static/kg.js", "*/*"), ("/id/finns-inte", "text/html"),
    ("/id/a%20b", "application/json"), ("/queries/forbund-member-counts.csv", "*/*"),
    ("/network/hostile-entity.csv", "*/*"), ("/sparql?query=ASK%7B%7D", "*/*"),
    ("/sparql?query=SELEKT", "*/*"), ("/dataset", "text/html"), ("/nowhere", "text/html"),
])
def test_every_response_carries_the_security_headers(hostile, path, accept):
    _, headers, _ = fetch(hostile.url + path, accept)
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_policy_forbids_inline_script_eval_and_other_origins():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'" and directives["form-action"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert "unsafe" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY
    assert "http" not in CONTENT_SECURITY_POLICY


def test_yasgui_style_hashes_match_the_installed_yasgui():
    """The two style sheets YASR's column resizer inserts are the ones the policy allows."""
    bundle = (ROOT / "node_modules/@zazuko/yasgui/build/yasgui.min.js").read_text()
    base = re.findall(r"createStyle\([a-z],`([^`]*)`", bundle)
    assert len(base) == 1
    drag = "*{cursor:" + re.search(r"dragCursor:`([^`]*)`", bundle).group(1) + "!important}"
    digests = tuple(
        "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
        for text in (base[0], drag)
    )
    assert digests == YASGUI_STYLES


def test_cytoscape_leaves_its_style_to_our_stylesheet():
    bundle = (ROOT / "node_modules/cytoscape/dist/cytoscape.min.js").read_text()
    assert re.search(r'"__________cytoscape_stylesheet".{0,80}"__________cytoscape_container"',
                     bundle)
    assert "getElementById(o)" in bundle  # it looks for the id before it inserts its <style>
    css = (ROOT / "service/static/network.css").read_text()
    assert ".__________cytoscape_container { position: relative; }" in css
    template = (ROOT / "service/templates/network/network.html").read_text()
    assert 'id="__________cytoscape_stylesheet"' in template


def test_no_template_or_page_has_inline_script_or_style(hostile):
    for template in (ROOT / "service/templates").rglob("*.html"):
        page = scan(template.read_text())
        assert page.inline_scripts == [] and page.styles == [], template
        assert [h for h in page.handlers] == [], template
    _, headers, body = fetch(hostile.url + "/def")
    page = scan(body)
    assert page.styles == [] and page.handlers == [] and page.inline_scripts == []
    assert ("link", {"rel": "stylesheet", "href": "/def.css"}, "/def.css") in page.urls
    status, headers, css = fetch(hostile.url + "/def.css", "text/css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    assert "#pylode" in css and "nav.kg-banner" in css


def test_cors_on_the_endpoint_and_linked_data_is_kept(hostile):
    ask = hostile.url + "/sparql?query=ASK%7B%7D"
    _, headers, _ = fetch(ask, "application/sparql-results+json")
    assert headers["Access-Control-Allow-Origin"] == "*"
    connection = http.client.HTTPConnection(urlsplit(hostile.url).netloc, timeout=30)
    connection.request("OPTIONS", "/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    answer = connection.getresponse()
    answer.read()
    connection.close()
    assert answer.status in (200, 204)
    assert answer.getheader("Access-Control-Allow-Origin") == "*"
    assert "POST" in answer.getheader("Access-Control-Allow-Methods")
    _, headers, _ = fetch(hostile.url + "/id/hostile-entity", "text/turtle")
    assert headers["Access-Control-Allow-Origin"] == "*"


# --------------------------------------------------------------------------- invalid addresses

BAD_SLUGS = ["a%20b", "%ff", "a%00b", 'a"b', "a<b", "a>b", "a{b", "a}b", "a`b", "a\\b", "a^b",
             "a|b", "a%22b", "a%3Cb", "a%7Bb", "a%60b", "a%5Cb", "a%5Eb", "a%7Cb", "a%0Ab",
             "a%09b", "%e2%80%ae", "%c3%28"]


def _raw_get(server, path: str, accept: str) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection(urlsplit(server.url).netloc, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        answer = connection.getresponse()
        return answer.status, answer.getheader("Content-Type") or "", answer.read()
    finally:
        connection.close()


@pytest.mark.parametrize("prefix", ["/id/", "/source/", "/graph/", "/def/", "/class/kf:",
                                    "/network/"])
def test_an_address_that_is_no_iri_is_a_404_in_the_house_shape(hostile, prefix):
    for slug in BAD_SLUGS:
        for suffix in ("", ".ttl", ".json", ".nq", ".html"):
            path = prefix + slug + suffix
            status, media, body = _raw_get(hostile, path, "text/html")
            assert status == 404, (path, status, body[:200])
            if suffix == ".json":
                assert media == "application/json", path
                assert b'"status": 404' in body
            else:
                assert media.startswith("text/html"), (path, media)
                assert b"Det finns inget" in body or b"Nothing in the graph" in body, path
                assert unsafe_urls(scan(body.decode("utf-8"))) == []
        status, media, body = _raw_get(hostile, prefix + slug, "application/json")
        assert (status, media) == (404, "application/json"), (prefix + slug, status, media)
        status, media, body = _raw_get(hostile, prefix + slug, "text/turtle")
        assert status == 404 and media.startswith("text/plain"), (prefix + slug, media)
        assert body.startswith(b"404 Not Found:")
    status, _, _ = _raw_get(hostile, "/id/a%20b?in=" + quote("kf:x y") + "&page=x", "text/html")
    assert status == 404
    assert "Traceback" not in hostile.log.read_text(errors="replace")


def test_an_address_no_route_takes_is_a_404_in_the_house_shape(hostile):
    status, media, body = _raw_get(hostile, "/nowhere/a%0Ab", "application/json")
    assert (status, media) == (404, "application/json")
    assert b'"status": 404' in body
    status, media, body = _raw_get(hostile, "/nowhere", "text/plain")
    assert status == 404 and media.startswith("text/plain") and body.startswith(b"404 Not Found:")
    status, media, body = _raw_get(hostile, "/id/a%0Ab.ttl", "text/html")
    assert status == 404 and b"Det finns inget" in body


def test_the_log_holds_no_traceback_after_all_of_it(hostile):
    fetch(hostile.url + "/id/%ff")
    assert "Traceback" not in hostile.log.read_text(errors="replace")


# --------------------------------------------------------------------------- CSV downloads


def _csv(server, path: str) -> list[dict]:
    status, headers, body = fetch(server.url + path, "text/csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv"), (path, status)
    return list(csv.DictReader(io.StringIO(body, newline="")))


def test_catalogue_csv_writes_formulas_as_text_and_numbers_as_numbers(hostile):
    rows = _csv(hostile, "/queries/forbund-member-counts.csv")
    by_iri = {r["forbund"]: r for r in rows}
    hostile_row = by_iri["javascript:alert('subject')"]
    assert hostile_row["forbundLabel"] == "'=1+2 javascript-förbund"
    assert hostile_row["members"] == "1"
    fyrbodal = by_iri["https://w3id.org/kompetensgraf/id/fyrbodals-kommunalforbund"]
    assert fyrbodal["forbundLabel"] == "Fyrbodals kommunalförbund"
    english = {r["forbund"]: r for r in _csv(hostile, "/queries/forbund-member-counts.csv?lang=en")}
    assert english["javascript:alert('subject')"]["forbundLabel"] == "'=1+2 javascript-förbund"


def test_a_csvw_processor_reads_hostile_cells_as_data(hostile):
    """Through the CSV's metadata (the csvw package): a script IRI is still just that IRI, a
    formula-like label text with its apostrophe, a count an integer."""
    table = CSVW(hostile.url + "/queries/forbund-member-counts.csv", validate=True)
    assert table.is_valid, table.warnings
    described = table.tables[0]
    rows = {r["forbund"]: (n, r) for n, r in enumerate(described.iterdicts(), start=1)}
    number, row = rows["javascript:alert('subject')"]
    assert row["forbundLabel"] == "'=1+2 javascript-förbund" and row["members"] == 1
    column = described.tableSchema.columndict["forbund"]
    assert described.expand(column.valueUrl, row, _row=number) == "javascript:alert('subject')"


def test_network_csv_writes_formulas_as_text(hostile):
    rows = _csv(hostile, "/network/hostile-entity.csv?depth=2")
    labels = {r["source_label"] for r in rows} | {r["target_label"] for r in rows}
    assert "'=1+2 javascript-förbund" in labels
    assert "'+cmd|' /C calc'!A0" in labels
    assert not [label for label in labels if label and label[0] in "=+-@\t\r"]
    english = _csv(hostile, "/network/hostile-entity.csv?depth=2&lang=en")
    labels = {r["source_label"] for r in english} | {r["target_label"] for r in english}
    assert "'@SUM(A1) javascript federation" in labels
    assert "'-2+3 tab\tand\rcarriage" in labels


def test_the_sparql_endpoint_csv_stays_faithful_to_the_data(hostile):
    query = ('SELECT ?label WHERE { <javascript:alert(\'subject\')> '
             '<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label')
    status, _, body = fetch(hostile.url + "/sparql?query=" + quote(query), "text/csv")
    assert status == 200
    assert [r["label"] for r in csv.DictReader(io.StringIO(body))] == [
        "=1+2 javascript-förbund", "@SUM(A1) javascript federation"]
