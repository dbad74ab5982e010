"""The catalogue pages over real HTTP (the served project graph): list, form, table, JSON, CSV,
errors, row cap, charts, the editor link, the SPARQLWrapper snippet run as a program against
``/sparql``, and one form filled in a real headless Chromium."""

from __future__ import annotations

import ast
import csv
import io
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from graph import queries
from tests.conftest import start_server

CATALOGUE = queries.load_dir("catalogue")
LOCAL = queries.local()
BORAS = "kfid:borasregionen-sjuharads-kommunalforbund"
FORBUND = {"kfid:goteborgsregionens-kommunalforbund", "kfid:fyrbodals-kommunalforbund", BORAS,
           "kfid:skaraborgs-kommunalforbund"}


def get(server, path: str, **params) -> requests.Response:
    return requests.get(server.url + path, params=params, timeout=120)


def test_the_list_names_every_query_with_both_summaries(live_server):
    page = get(live_server, "/queries")
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    data = get(live_server, "/queries.json").json()
    assert data["count"] == len(CATALOGUE) >= 25
    for item in data["queries"]:
        assert f'href="/queries/{item["name"]}"' in page.text
        assert item["summary"] and item["summary_sv"] and item["tags"]
    assert "kommunalförbund" in data["tags"]
    tagged = get(live_server, "/queries", tag="kommunalförbund")
    assert "forbund-municipalities" in tagged.text and "valid-on-date" not in tagged.text


def test_the_form_offers_the_federations_from_the_graph_and_shows_the_table(live_server):
    page = get(live_server, "/queries/forbund-municipalities")
    assert page.status_code == 200
    assert '<select id="param-forbund" name="forbund">' in page.text
    for forbund in FORBUND:
        assert f'value="{forbund}"' in page.text
    assert "Kungsbacka kommun" in page.text and "Hallands län" in page.text
    assert 'href="/editor?' in page.text and "SPARQLWrapper" in page.text


def test_json_twin_with_parameters_and_swedish_characters(live_server):
    answer = get(live_server, "/queries/forbund-municipalities.json", forbund=BORAS)
    assert answer.status_code == 200
    assert "Borås kommun" in answer.text  # not \u-escaped
    data = answer.json()
    assert data["truncated"] is False and data["row_count"] == 9 == len(data["rows"])
    roles = Counter(r["role"]["compact"] for r in data["rows"])
    assert roles == {"kf:memberRole": 8, "kf:adjunctRole": 1}
    assert data["parameters"][0]["value"] == BORAS
    assert data["query"]["params"][0]["class"].endswith("#MunicipalFederation")


def test_csv_with_a_header_row(live_server):
    answer = get(live_server, "/queries/county-municipalities.csv", county="kfid:lan-14")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"))))
    assert len(rows) == 49
    codes = {r["kommunkod"] for r in rows if r["municipalityLabel"] == "Göteborgs kommun"}
    assert codes == {"1480"}


@pytest.mark.parametrize("path, params, reason", [
    ("/queries/valid-on-date.json", {"date": "2024-02-30"}, "not a date"),
    ("/queries/valid-on-date.csv", {"date": "igår"}, "not a date"),
    ("/queries/forbund-municipalities.json", {"forbund": "Borås region"}, "not an IRI"),
    ("/queries/county-municipalities", {"county": "lan 14"}, "not an IRI"),
])
def test_a_bad_parameter_is_a_400_with_the_reason(live_server, path, params, reason):
    answer = get(live_server, path, **params)
    assert answer.status_code == 400
    assert reason in answer.text
    if path.endswith(".json"):
        assert answer.json()["error"]["status"] == 400


def test_a_federated_query_is_refused_unless_its_service_is_allowed(live_server):
    for qf in (q for q in CATALOGUE if q not in LOCAL):  # SERVICE: KG_SERVICE_ALLOWLIST is empty
        answer = get(live_server, f"/queries/{qf.name}.json")
        assert answer.status_code == 400 and "KG_SERVICE_ALLOWLIST" in answer.text
        page = get(live_server, f"/queries/{qf.name}")
        assert page.status_code == 400 and qf.summary_sv in page.text


def test_an_unknown_query_is_a_404(live_server):
    assert get(live_server, "/queries/no-such-query").status_code == 404
    assert get(live_server, "/queries/no-such-query.json").status_code == 404


def test_bar_chart_and_network_view(live_server):
    bar = get(live_server, "/queries/municipalities-per-county")
    assert bar.text.count("<rect ") == 21
    data = get(live_server, "/queries/municipalities-per-county.json").json()
    assert {b["label"]: b["value"] for b in data["chart"]["bars"]}["Västra Götalands län"] == 49
    shares = {b["label"]: b["share"] for b in data["chart"]["bars"]}
    assert shares["Västra Götalands län"] == 100 and shares["Gotlands län"] == round(100 / 49, 2)
    net = get(live_server, "/queries/actor-network", actor="kfid:region-lan-14")
    assert net.status_code == 200 and "<circle " in net.text and 'id="edges"' in net.text
    graph = get(live_server, "/queries/actor-network.json").json()["network"]
    assert any(n["focus"] and n["label"] == "Västra Götalandsregionen" for n in graph["nodes"])


def test_the_editor_link_carries_the_bound_query(live_server):
    data = get(live_server, "/queries/valid-on-date.json", date="2021-06-01").json()
    link = urlsplit(data["links"]["editor"])
    assert link.path == "/editor"
    text = parse_qs(link.query)["query"][0]
    assert '"2021-06-01"^^<http://www.w3.org/2001/XMLSchema#date>' in text
    assert get(live_server, data["links"]["editor"]).status_code == 200


@pytest.fixture(scope="module")
def capped_server(built_store, tmp_path_factory):
    server = start_server(built_store, tmp_path_factory.mktemp("cap") / "server.log",
                          "--max-rows", "10")
    yield server
    server.stop()


def test_the_row_cap_is_reported(capped_server):
    answer = get(capped_server, "/queries/county-municipalities.json")
    data = answer.json()
    assert data["truncated"] is True and data["row_count"] == 10 and data["max_rows"] == 10
    assert answer.headers["X-KG-Truncated"] == "true"
    csv_answer = get(capped_server, "/queries/county-municipalities.csv")
    assert csv_answer.headers["X-KG-Truncated"] == "true"
    assert len(csv_answer.text.strip().splitlines()) == 11
    assert "avkortat vid" in get(capped_server, "/queries/county-municipalities").text


def _cells(row: dict) -> tuple:
    return tuple(sorted((k, v["value"]) for k, v in row.items()))


@pytest.mark.parametrize("qf", LOCAL, ids=[q.name for q in LOCAL])
def test_the_python_snippet_reproduces_the_answer_through_the_endpoint(live_server, qf, tmp_path):
    params = {p.name: p.default for p in qf.params}
    data = get(live_server, f"/queries/{qf.name}.json", **params).json()
    assert data["endpoint"] == live_server.url + "/sparql"
    program = tmp_path / "snippet.py"
    program.write_text(data["snippet"], encoding="utf-8")
    done = subprocess.run([sys.executable, str(program)], capture_output=True, text=True,
                          timeout=240, check=True, encoding="utf-8")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    if qf.form == "CONSTRUCT":
        assert len(lines) == len(data["rows"]) > 0
        iris = {(r["subject"]["value"], r["predicate"]["value"]) for r in data["rows"]}
        printed = {tuple(line.split(" ", 2)[:2]) for line in lines}
        assert printed == iris
    else:
        printed_rows = [ast.literal_eval(line) for line in lines]
        printed = Counter(tuple(sorted(row.items())) for row in printed_rows)
        own = {k for row in printed_rows for k in row}  # not the label/inferred columns added
        assert printed == Counter(_cells({k: v for k, v in r.items() if k in own})
                                  for r in data["rows"])


@pytest.mark.browser
def test_a_researcher_chooses_a_federation_in_the_form(live_server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            tab = chromium.new_page(locale="sv-SE")
            tab.goto(live_server.url + "/queries/forbund-municipalities")
            tab.select_option("#param-forbund", label="Boråsregionen Sjuhärads kommunalförbund")
            with tab.expect_navigation():
                tab.click("#run")
            assert "forbund=kfid%3Aborasregionen-sjuharads-kommunalforbund" in tab.url
            table = tab.locator("#results tbody tr")
            assert table.count() == 9
            text = tab.inner_text("#results")
            for name in ("Borås kommun", "Ulricehamns kommun", "Vårgårda kommun",
                         "Varbergs kommun"):
                assert name in text
            assert "Kungsbacka kommun" not in text
            assert tab.input_value("#param-forbund") == BORAS
            tab.screenshot(path=str(Path(tmp_path) / "catalogue-form.png"))
            with tab.expect_navigation():
                tab.click("#open-editor")
            tab.wait_for_function("window.kgYasgui && window.kgYasgui.getTab()")
            text = tab.evaluate("window.kgYasgui.getTab().getYasqe().getValue()")
            assert "VALUES (?forbund)" in text and "borasregionen-sjuharads" in text
        finally:
            chromium.close()
