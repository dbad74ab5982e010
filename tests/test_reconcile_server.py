"""The reconciliation service over real HTTP (``kompetensgraf serve`` on the built project graph):
the requests OpenRefine sends, in its order — manifest, a batch of messy names posted
form-encoded, type/property/entity suggestions, a preview, property proposals, a data extension —
each answer checked against the API 0.2 schema; expected things are asked of the server's own
SPARQL endpoint. Then, in Debian's headless Chromium, a page of another origin (as OpenRefine's
is) frames the preview, and cannot frame any other page."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from reconcile_support import assert_valid
from web_support import (
    chromium_browser,  # noqa: F401 (the fixture "browser")
    fetch,
    scan,
    serve_hostile,
    unsafe_urls,
)

ID = "https://w3id.org/kompetensgraf/id/"


def sparql_one(server, query: str) -> str:
    """The single value the server's SPARQL endpoint answers ``query`` with."""
    response = requests.get(server.url + "/sparql", params={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=60)
    response.raise_for_status()
    rows = response.json()["results"]["bindings"]
    values = {row["x"]["value"] for row in rows}
    assert len(values) == 1, (query, values)
    return values.pop()


def owner(server, prop: str, value: str) -> str:
    """The slug of the one thing whose ``prop`` is the string ``value``."""
    iri = sparql_one(server, "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                             "PREFIX kf: <https://w3id.org/kompetensgraf/def#> "
                             f"SELECT DISTINCT ?x WHERE {{ ?x {prop} ?v FILTER(STR(?v) = "
                             f"{json.dumps(value, ensure_ascii=False)}) }}")
    assert iri.startswith(ID)
    return iri[len(ID):]


def test_the_openrefine_sequence(embedded_server):
    base = embedded_server.url + "/reconcile"
    session = requests.Session()

    manifest = session.get(base, timeout=60).json()
    assert_valid("manifest", manifest)
    assert manifest["view"]["url"] == embedded_server.url + "/id/{{id}}"

    messy = {
        "q0": ("Västra Götalandsregionen", "skos:altLabel", "VGR", True),
        "q1": ("VGR", "skos:altLabel", "VGR", True),
        "q2": ("Göteborgs stad", "skos:altLabel", "Göteborgs stad", True),
        "q3": ("Borås kommun", "kf:kommunkod", "1490", True),
        "q4": ("Sjuhärads kommunalförbund", "skos:prefLabel",
               "Boråsregionen Sjuhärads kommunalförbund", False),
        "q5": ("2321000131", "kf:orgnr", "232100-0131", True),
        "q6": ("SE-O", "kf:iso31662", "SE-O", True),
        "q7": ("SE232", "kf:nuts3", "SE232", True),
    }
    batch = {key: {"query": text, "limit": 5} for key, (text, *_rest) in messy.items()}
    batch["q8"] = {"query": "Borås", "type": "Municipality", "type_strict": "should",
                   "properties": [{"pid": "county", "v": "Västra Götalands län"}]}
    assert_valid("reconciliation-query-batch", batch)
    response = session.post(base, data={"queries": json.dumps(batch)}, timeout=60)
    assert response.status_code == 200
    results = response.json()
    assert_valid("reconciliation-result-batch", results)
    for key, (text, prop, value, certain) in messy.items():
        top = results[key]["result"][0]
        assert (top["id"], top["match"]) == (owner(embedded_server, prop, value), certain), text
    boras = owner(embedded_server, "kf:kommunkod", "1490")
    assert results["q8"]["result"][0]["id"] == boras and results["q8"]["result"][0]["match"]

    # the same batch as a GET, as older clients send it
    again = session.get(base, params={"queries": json.dumps(batch)}, timeout=60).json()
    assert again == results

    types = session.get(base + "/suggest/type", params={"prefix": "kommun"}, timeout=60).json()
    assert_valid("suggest-types-response", types)
    assert "Municipality" in [t["id"] for t in types["result"]]
    props = session.get(base + "/suggest/property", params={"prefix": "org"}, timeout=60).json()
    assert_valid("suggest-properties-response", props)
    assert "orgnr" in [p["id"] for p in props["result"]]
    entities = session.get(base + "/suggest/entity", params={"prefix": "borås k"},
                           timeout=60).json()
    assert_valid("suggest-entities-response", entities)
    assert entities["result"][0]["id"] == boras

    preview = session.get(manifest["preview"]["url"].replace("{{id}}", boras), timeout=60)
    assert preview.status_code == 200 and "Borås kommun" in preview.text
    assert "X-Frame-Options" not in preview.headers

    proposal = session.get(base + "/propose_properties", params={"type": "Municipality"},
                           timeout=60).json()
    assert_valid("data-extension-property-proposal", proposal)
    wanted = [{"id": p["id"], "settings": {"asof": "2024-01-01"}}
              for p in proposal["properties"]]
    query = {"ids": [boras, results["q1"]["result"][0]["id"]], "properties": wanted}
    assert_valid("data-extension-query", query)
    extended = session.post(base, data={"extend": json.dumps(query)}, timeout=60).json()
    assert_valid("data-extension-response", extended)
    row = extended["rows"][boras]
    assert row["kommunkod"] == [{"str": "1490"}]
    county = owner(embedded_server, "kf:lanskod", "14")
    assert [v["id"] for v in row["county"]] == [county]
    assert [v["id"] for v in row["region"]] == [owner(embedded_server, "skos:altLabel", "VGR")]


def test_bad_input_over_http_is_a_400_in_the_house_shape(embedded_server):
    base = embedded_server.url + "/reconcile"
    for data in ({"queries": "{"}, {"queries": json.dumps({"q": {"query": ["x"]}})},
                 {"queries": json.dumps({f"q{i}": {"query": "x"} for i in range(500)})},
                 {"extend": json.dumps({"ids": [], "properties": [{"id": "nope"}]})}):
        response = requests.post(base, data=data, headers={"Accept": "application/json"},
                                 timeout=60)
        assert response.status_code == 400
        assert response.json()["error"]["status"] == 400


FRAMING_PAGE = """<!doctype html><title>OpenRefine</title>
<iframe id="preview" src="{preview}"></iframe><iframe id="page" src="{page}"></iframe>"""


@pytest.fixture()
def openrefine_page(embedded_server):
    """A page of another origin on this machine (``localhost``, another port), as OpenRefine's
    is, that frames the preview of Borås and Borås's own page."""
    boras = "kommun-1490"
    html = FRAMING_PAGE.format(preview=f"{embedded_server.url}/reconcile/preview?id={boras}",
                               page=f"{embedded_server.url}/id/{boras}").encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.browser
def test_another_origin_may_frame_the_preview_only(browser, openrefine_page):
    context = browser.new_context()
    tab = context.new_page()
    refused = []
    tab.on("console", lambda m: refused.append(m.text) if "frame-ancestors" in m.text else None)
    tab.goto(openrefine_page)
    tab.wait_for_load_state("load")
    preview = tab.frame_locator("#preview")
    assert preview.locator("h1").inner_text(timeout=30000) == "Borås kommun"
    page = tab.frame_locator("#page")
    # the browser shows its own error page in the frame instead
    assert "Borås kommun" not in page.locator("body").inner_text(timeout=30000)
    assert any("frame-ancestors 'none'" in message for message in refused), refused
    context.close()


def test_hostile_labels_stay_data_in_the_preview_and_the_answers(built_store, tmp_path):
    """With ``tests/data/hostile/hostile.trig`` loaded: the preview escapes labels and links only
    safely; reconciliation and extension hand the labels back as JSON strings, valid as ever."""
    server = serve_hostile(built_store, tmp_path / "server.log")
    try:
        for thing in ("hostile-entity", "hostile-member"):
            status, headers, body = fetch(f"{server.url}/reconcile/preview?id={thing}")
            assert status == 200
            page = scan(body)
            assert unsafe_urls(page) == [] and page.handlers == [] and page.inline_scripts == []
            assert "img" not in page.tags and "<script>alert" not in body
            assert "frame-ancestors *" in headers["Content-Security-Policy"]
        base = server.url + "/reconcile"
        batch = {"q": {"query": "Fientligt förbund", "type": "MunicipalFederation"}}
        results = requests.post(base, data={"queries": json.dumps(batch)}, timeout=60).json()
        assert_valid("reconciliation-result-batch", results)
        top = results["q"]["result"][0]
        assert top["id"] == "hostile-entity" and top["name"].startswith("<script>")
        query = {"ids": ["hostile-member", "fyrbodals-kommunalforbund"],
                 "properties": [{"id": "forbund"}, {"id": "wikidata"}, {"id": "county"}]}
        extended = requests.post(base, data={"extend": json.dumps(query)}, timeout=60).json()
        assert_valid("data-extension-response", extended)
        assert [v["id"] for v in extended["rows"]["hostile-member"]["forbund"]] == \
            ["hostile-entity"]
        wikidata = extended["rows"]["fyrbodals-kommunalforbund"]["wikidata"]
        assert all(v["str"].startswith("Q") for v in wikidata)  # its javascript: match is no item
    finally:
        server.stop()
