"""The timeline of a thing: its relations as periods with the dates the data gives and their
sources — a table that works without JavaScript and a ``.json`` twin — checked against SPARQL over
the same store: in-process over the small fixture graph, and over HTTP on the real project graph."""

from __future__ import annotations

import json
import urllib.parse

import pytest
from browse_support import GRAPH, ID
from web_support import fetch, json_of, scan

from service.state import app_state

XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = """
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX schema: <https://schema.org/>
PREFIX kf: <https://w3id.org/kompetensgraf/def#>
PREFIX kfid: <https://w3id.org/kompetensgraf/id/>
PREFIX kfg: <https://w3id.org/kompetensgraf/graph/>
"""


def timeline(client, slug: str, **params) -> dict:
    response = client.get(f"/timeline/{slug}.json", query_string=params)
    assert response.status_code == 200, response.data
    return response.get_json()


def select(store, query: str) -> list[dict]:
    return [{k: row[k] for k in row.keys() if k in row}
            for row in store.select(PREFIXES + query)]


def bars_with(data: dict, other: str, key: str = "dated") -> list[dict]:
    return [b for b in data[key] if b["other"]["iri"] == other]


# --------------------------------------------------------------------------- the fixture graph


def test_memberships_and_grants_carry_their_own_dates(app, client):
    data = timeline(client, "fyrbodals-kommunalforbund")
    rows = select(app_state(app).store, """
        SELECT ?other ?start ?end WHERE {
          { ?n org:organization kfid:fyrbodals-kommunalforbund ; org:member ?other ;
               org:memberDuring ?p }
          UNION { ?n kf:recipient kfid:fyrbodals-kommunalforbund ; schema:funder ?other ;
                     dct:temporal ?p }
          OPTIONAL { ?p dcat:startDate ?start } OPTIONAL { ?p dcat:endDate ?end } }""")
    assert len(rows) == 2  # Munkedal's membership (open end) and the grant from VGR
    for row in rows:
        (bar,) = bars_with(data, row["other"].value)
        assert (bar["start"]["value"], bar["start"]["datatype"]) == (
            row["start"].value, row["start"].datatype.value)
        assert bar["start"]["own"] and bar["start"]["period_of"] is None
        if "end" in row:
            assert (bar["end"]["value"], bar["end"]["datatype"]) == (
                row["end"].value, row["end"].datatype.value)
            assert not bar["open_end"]
        else:
            assert bar["end"] is None and bar["open_end"] and bar["covers"]["to"] is None
    member = bars_with(data, ID + "kommun-1430")[0]
    assert member["start"]["value"] == "2005" and member["covers"]["from"] == "2005-01-01"
    assert member["sources"][0]["graph"]["iri"] == GRAPH + "test-tabell"
    assert member["sources"][0]["document"]["label"] == "Testtabellen över kommuner"


def test_participations_take_the_agreements_period_and_name_it(app, client):
    data = timeline(client, "test-avsiktsforklaring")
    period = select(app_state(app).store, """
        SELECT ?start ?end WHERE { kfid:test-avsiktsforklaring dct:temporal ?p .
                                   ?p dcat:startDate ?start ; dcat:endDate ?end }""")[0]
    parties = select(app_state(app).store, """
        SELECT ?party WHERE {
          kfid:test-avsiktsforklaring kf:participation/kf:participant ?party }""")
    assert len(parties) == 2
    own = data["dated"][0]
    assert own["direction"] == "self" and own["start"]["own"]
    assert (own["start"]["value"], own["end"]["value"]) == (period["start"].value,
                                                           period["end"].value)
    for row in parties:
        (bar,) = bars_with(data, row["party"].value)
        assert bar["role"]["curie"] == "kf:signatory"
        for side in ("start", "end"):
            assert bar[side]["value"] == period[side].value
            assert bar[side]["datatype"] == XSD + "gYear"
            assert not bar[side]["own"]
            assert bar[side]["period_of"]["iri"] == ID + "test-avsiktsforklaring"
        assert bar["covers"] == {"from": "2023-01-01", "to": "2030-12-31"}


def test_relations_without_a_period_are_listed_apart(client):
    data = timeline(client, "fyrbodals-kommunalforbund")
    council = ID + "kompetensrad-fyrbodal"
    assert bars_with(data, council) == []
    (undated,) = bars_with(data, council, "undated")
    assert undated["relation"]["curie"] == "kf:processLeads"
    assert "start" not in undated and "covers" not in undated
    html = client.get("/timeline/fyrbodals-kommunalforbund").get_data(as_text=True)
    table, rest = html.split('<table id="timeline-table">')[1].split("</table>", 1)
    assert "Delregionalt kompetensråd i Fyrbodal" not in table
    assert "Delregionalt kompetensråd i Fyrbodal" in rest.split('id="timeline-undated"')[1]
    assert "ingen period angiven" in html.lower()


def test_a_things_own_period_comes_first_and_does_not_date_its_relations(client):
    data = timeline(client, "fyrbodals-kommunalforbund")
    own = data["dated"][0]
    assert own["direction"] == "self" and own["relation"]["curie"] == "dct:temporal"
    assert own["start"]["value"] == "2005" and own["open_end"]
    # the federation's own lifetime (2005–) gives its process leadership no period
    assert data["undated"]


def test_as_of_marks_which_relations_held(client):
    in_2021 = timeline(client, "fyrbodals-kommunalforbund", asof="2021-06-01")
    assert in_2021["asof"] == "2021-06-01"
    held = {b["other"]["iri"]: b["holds_on_asof"] for b in in_2021["dated"]}
    assert held[ID + "region-lan-14"] is True  # the grant 2020–2021
    assert held[ID + "test-avsiktsforklaring"] is False  # the agreement starts 2023
    assert all(b["holds_on_asof"] is None for b in timeline(client, "fyrbodals-kommunalforbund")
               ["dated"])
    html = client.get("/timeline/fyrbodals-kommunalforbund?asof=2021-06-01").get_data(
        as_text=True)
    assert 'value="2021-06-01"' in html
    assert 'class="holds"' in html and 'class="not-holds"' in html


def test_page_is_a_table_without_javascript(client):
    html = client.get("/timeline/test-avsiktsforklaring").get_data(as_text=True)
    page = scan(html)
    assert page.inline_scripts == [] and page.handlers == [] and page.styles == []
    assert {"src": "/static/timeline.js", "defer": None} in page.scripts
    table = html.split('<table id="timeline-table">')[1].split("</table>")[0]
    for header in ("Relation", "Motpart", "Start", "Slut", "Källa"):
        assert f">{header}" in table
    assert "Västra Götalandsregionen" in table and "Fyrbodals kommunalförbund" in table
    # a gYear is shown as the year the data gives, never as a day
    assert ">2023</span>" in table and ">2030</span>" in table and ">2030-12-31<" not in table
    assert 'href="/source/test-avtal"' in table and "Avsnitt ”Parter”, stycke 1" in table
    assert 'name="asof"' in html and 'type="date"' in html


def test_english_page(client):
    html = client.get("/timeline/test-avsiktsforklaring?lang=en").get_data(as_text=True)
    assert "<title>Timeline: Test declaration of intent" in html
    assert ">Other party<" in html and "as own period above" in html


@pytest.mark.parametrize("path", ["/timeline/finns-inte", "/timeline/finns-inte.json",
                                  "/timeline/", "/timeline/fyrbodals-kommunalforbund.ttl",
                                  "/timeline/a%20b"])
def test_unknown_things_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("value", ["2024-13-45", "igår", "2024-02-30"])
def test_bad_date_is_a_clear_400(client, value):
    for suffix in ("", ".json"):
        response = client.get(f"/timeline/fyrbodals-kommunalforbund{suffix}",
                              query_string={"asof": value})
        assert response.status_code == 400
        assert "YYYY-MM-DD" in response.get_data(as_text=True)


# --------------------------------------------------------------------------- the project graph


def sparql(server, query: str) -> list[dict]:
    body = urllib.parse.urlencode({"query": PREFIXES + query}).encode()
    status, _, text = fetch(f"{server.url}/sparql?{body.decode()}",
                            "application/sparql-results+json")
    assert status == 200, text
    return [{k: v["value"] for k, v in row.items()}
            for row in json.loads(text)["results"]["bindings"]]


def documents(server) -> dict[str, str]:
    """Each fact graph's source document, from kfg:meta."""
    rows = sparql(server, "SELECT ?g ?doc WHERE { GRAPH kfg:meta { ?g prov:wasDerivedFrom ?doc } }")
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row["g"], set()).add(row["doc"])
    return found


def check_sources(bar: dict, docs: dict[str, set[str]]) -> None:
    """Every source a bar names is a graph with its document, as kfg:meta records it."""
    assert bar["sources"]
    for source in bar["sources"]:
        if source["document"]:
            assert source["document"]["iri"] in docs[source["graph"]["iri"]]
            assert source["document"]["href"].startswith("/source/")


def test_valideringslyft_timeline_matches_the_graph(live_server):
    data = json_of(live_server.url + "/timeline/valideringslyft.json")
    docs = documents(live_server)
    periods = {(r["s"], r["e"]) for r in sparql(live_server, """
        SELECT ?s ?e WHERE { kfid:valideringslyft dct:temporal ?p .
                             ?p dcat:startDate ?s ; dcat:endDate ?e }""")}
    own = [b for b in data["dated"] if b["direction"] == "self"]
    assert {(b["start"]["value"], b["end"]["value"]) for b in own} == periods
    assert own[0]["start"]["datatype"] == XSD + "date"
    participations = sparql(live_server, """
        SELECT ?n ?x ?role ?g WHERE { kfid:valideringslyft kf:participation ?n .
          GRAPH ?g { ?n kf:participant ?x } ?n kf:role ?role }""")
    assert participations
    for row in participations:
        (bar,) = [b for b in data["dated"] if b["node"] == row["n"]]
        assert (bar["other"]["iri"], bar["role"]["iri"]) == (row["x"], row["role"])
        assert row["g"] in {s["graph"]["iri"] for s in bar["sources"]}
        assert bar["start"]["period_of"]["iri"] == ID + "valideringslyft"
        assert (bar["start"]["value"], bar["end"]["value"]) in periods
    phase = sparql(live_server, """
        SELECT ?part ?s ?e WHERE { ?part dct:isPartOf kfid:valideringslyft ; dct:temporal ?p .
                                   ?p dcat:startDate ?s ; dcat:endDate ?e }""")
    for row in phase:
        (bar,) = bars_with(data, row["part"])
        assert (bar["start"]["value"], bar["end"]["value"]) == (row["s"], row["e"])
    # the grant states no period of its own: listed apart, not given the project's
    grants = sparql(live_server, """
        SELECT ?funder WHERE { ?grant schema:fundedItem kfid:valideringslyft ;
          schema:funder ?funder FILTER NOT EXISTS { ?grant dct:temporal ?p } }""")
    for row in grants:
        assert bars_with(data, row["funder"], "undated")
        assert not [b for b in bars_with(data, row["funder"])
                    if b["relation"]["curie"] == "kf:Grant"]
    for bar in data["dated"] + data["undated"]:
        check_sources(bar, docs)


def test_declaration_of_intent_signatories_signed_on_their_day(live_server):
    slug = "avsiktsforklaring-vgr-kommunalforbunden-2022"
    data = json_of(f"{live_server.url}/timeline/{slug}.json")
    end = sparql(live_server, f"""
        SELECT ?e WHERE {{ kfid:{slug} dct:temporal/dcat:endDate ?e }}""")[0]["e"]
    signatories = sparql(live_server, f"""
        SELECT ?n ?x ?s WHERE {{ kfid:{slug} kf:participation ?n .
          ?n kf:role kf:signatory ; kf:participant ?x ; dct:temporal/dcat:startDate ?s }}""")
    assert {r["x"].removeprefix(ID) for r in signatories} == {
        "region-lan-14", "fyrbodals-kommunalforbund", "goteborgsregionens-kommunalforbund",
        "borasregionen-sjuharads-kommunalforbund", "skaraborgs-kommunalforbund"}
    for row in signatories:
        (bar,) = [b for b in data["dated"] if b["node"] == row["n"]]
        assert bar["other"]["iri"] == row["x"]
        assert bar["start"] == {**bar["start"], "value": row["s"], "datatype": XSD + "date",
                                "own": True, "period_of": None}
        assert bar["end"]["value"] == end and bar["end"]["datatype"] == XSD + "gYear"
        assert bar["end"]["period_of"]["iri"] == ID + slug
    status, _, html = fetch(f"{live_server.url}/timeline/{slug}?asof=2022-12-01")
    assert status == 200
    table = html.split('<table id="timeline-table">')[1].split("</table>")[0]
    assert ">2022-11-10</span>" in table and f">{end}</span>" in table


@pytest.mark.parametrize("slug", ["region-lan-14", "avsiktsforklaring-vgr-kommunalforbunden-2022",
                                  "valideringslyft"])
def test_timeline_relations_are_the_networks(live_server, slug):
    """The timeline reads the relation kinds of the network (one definition kept in step): the
    same relations, plus a thing's own period, its parts and the grants to it."""
    iri = ID + slug
    data = json_of(f"{live_server.url}/timeline/{slug}.json")
    extra = {"dct:temporal", "dct:hasPart", "dct:isPartOf"}
    ours = {(b["relation"]["curie"], b["other"]["iri"])
            for b in data["dated"] + data["undated"] if b["relation"]["curie"] not in extra}
    network = json_of(f"{live_server.url}/network/{slug}.json")
    theirs = {(e["relation"], e["target"] if e["source"] == iri else e["source"])
              for e in network["edges"] if iri in (e["source"], e["target"])}
    funders = {("kf:Grant", r["f"]) for r in sparql(live_server, f"""
        SELECT ?f WHERE {{ ?grant schema:fundedItem <{iri}> ; schema:funder ?f }}""")}
    assert ours - funders == theirs


def test_entity_pages_link_their_timeline(live_server):
    for slug in ("region-lan-14", "valideringslyft",
                 "avsiktsforklaring-vgr-kommunalforbunden-2022"):
        status, _, html = fetch(f"{live_server.url}/id/{slug}")
        assert status == 200 and f'href="/timeline/{slug}"' in html
    status, _, html = fetch(f"{live_server.url}/id/lan-14")  # a county is no actor
    assert status == 200 and "/timeline/" not in html


def test_memberships_are_dated_only_by_their_own_period(live_server):
    """A municipality's membership of a federation has the period the data gives it, or none:
    the federation's own lifetime never dates it."""
    data = json_of(live_server.url + "/timeline/fyrbodals-kommunalforbund.json")
    rows = sparql(live_server, """
        SELECT ?member (COUNT(?p) AS ?periods) WHERE {
          ?m org:organization kfid:fyrbodals-kommunalforbund ; org:member ?member .
          OPTIONAL { ?m org:memberDuring ?p } } GROUP BY ?member""")
    assert len(rows) >= 14  # Fyrbodal's municipalities
    for row in rows:
        dated = [b for b in bars_with(data, row["member"])
                 if b["relation"]["curie"] == "org:Membership"]
        undated = [b for b in bars_with(data, row["member"], "undated")
                   if b["relation"]["curie"] == "org:Membership"]
        if int(row["periods"]):
            assert dated and all(b["start"] is None or b["start"]["own"] for b in dated)
        else:
            assert undated and not dated
