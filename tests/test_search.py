"""Search in Swedish: case and å/ä/ö folding, prefixes, abbreviations, ranking, type facets and
the autocomplete endpoint — over the fixture graph, and over real HTTP on the project graph."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from browse_support import ID

from service.browse.search import core_name, fold, fts_query


def search(client, q: str, **params) -> dict:
    response = client.get("/search.json", query_string={"q": q, **params})
    assert response.status_code == 200
    return response.get_json()


def first(client, q: str) -> str:
    results = search(client, q)["results"]
    assert results, f"nothing found for {q!r}"
    return results[0]["iri"]


@pytest.mark.parametrize(("query", "expected"), [
    ("overgang", "overgang-utvecklingsansvar-2019"),       # ö, å folded in the query
    ("ÖVERGÅNG", "overgang-utvecklingsansvar-2019"),       # and upper case
    ("FÄRGELANDA", "kommun-1439"),
    ("fargelanda", "kommun-1439"),
    ("göteborgs kommun", "kommun-1480"),
    ("vastra gotalandsregionen", "region-lan-14"),
    ("Västra Götaland County", "lan-14"),                  # English labels are indexed too
])
def test_case_and_diacritics_do_not_matter(client, query, expected):
    assert first(client, query) == ID + expected


@pytest.mark.parametrize(("query", "expected"), [
    ("MYh", "myndigheten-for-yrkeshogskolan"),
    ("myh", "myndigheten-for-yrkeshogskolan"),
    ("GR", "goteborgsregionens-kommunalforbund"),
    ("VGR", "region-lan-14"),
    ("ESF", "europeiska-socialfonden"),
])
def test_abbreviations_rank_their_owner_first(client, query, expected):
    assert first(client, query) == ID + expected


def test_prefix_matches_with_and_without_star(client):
    for query in ("kompetens*", "kompetens", "KOMPETENS"):
        found = {r["iri"] for r in search(client, query)["results"]}
        assert ID + "kompetensforsorjning-test" in found
        assert ID + "kompetensrad-fyrbodal" in found  # kompetensråd
    narrower = {r["iri"] for r in search(client, "kompetensförs")["results"]}
    assert ID + "kompetensforsorjning-test" in narrower
    assert ID + "kompetensrad-fyrbodal" not in narrower


def test_ranking_puts_the_name_before_mentions(client):
    results = [r["iri"] for r in search(client, "fyrbodal")["results"]]
    assert results[0] == ID + "fyrbodals-kommunalforbund"
    assert results.index(ID + "kompetensrad-fyrbodal") > 0
    kommun = [r["iri"] for r in search(client, "Munkedals kommun")["results"]]
    assert kommun[0] == ID + "kommun-1430"


def test_descriptions_and_codes_are_searchable(client):
    assert ID + "europeiska-socialfonden" in {
        r["iri"] for r in search(client, "sysselsättning")["results"]}
    assert first(client, "1480") == ID + "kommun-1480"


def test_type_facets_count_and_filter(client):
    everything = search(client, "kommun")
    facets = {f["type"]: f["count"] for f in everything["facets"]}
    assert facets["kf:Municipality"] == 25
    assert facets["kf:MunicipalFederation"] == 2
    only = search(client, "kommun", type="kf:MunicipalFederation")
    assert only["total"] == 2
    assert {r["type"] for r in only["results"]} == {"kf:MunicipalFederation"}


def test_search_page_renders_results_and_facets(client):
    html = client.get("/search?q=G%C3%B6teborg").get_data(as_text=True)
    assert 'href="/id/kommun-1480"' in html and "Göteborgs kommun" in html
    assert "type=kf%3AMunicipality" in html


def test_empty_and_odd_queries_are_harmless(client):
    assert search(client, "")["results"] == []
    assert search(client, '"*) OR NEAR(')["total"] >= 0
    assert fts_query('a"b') == '("a" OR "a"*) AND ("b" OR "b"*)'  # words only, quoted
    assert fts_query("NEAR(x) OR y") == '("NEAR" OR "NEAR"*) AND ("OR" OR "OR"*)'



def test_autocomplete_is_a_json_list(client):
    response = client.get("/search/autocomplete?q=fyrb")
    assert response.mimetype == "application/json"
    items = response.get_json()
    assert isinstance(items, list) and items
    assert {"iri", "label", "type", "href"} <= set(items[0])
    assert items[0]["label"] == "Fyrbodals kommunalförbund"
    raw = client.get("/search/autocomplete?q=f%C3%A4rg").get_data(as_text=True)
    assert "Färgelanda kommun" in raw


@pytest.mark.parametrize(("query", "expected"), [
    ("Fyrbodals", "fyrbodals-kommunalforbund"),                      # genitive
    ("kompetensrådet", "kompetensrad-fyrbodal"),                     # definite form
    ("testavsiktsförklaringen", "test-avsiktsforklaring"),
    ("GR:s", "goteborgsregionens-kommunalforbund"),                  # abbreviation in genitive
])
def test_swedish_inflections_find_the_base_form(client, query, expected):
    assert first(client, query) == ID + expected


def test_codes_are_searchable_and_no_hit_relaxes_to_any_word(client):
    assert first(client, "222000-1040") == ID + "fyrbodals-kommunalforbund"  # organisationsnummer
    assert first(client, "1439") == ID + "kommun-1439"  # kommunkod
    relaxed = search(client, "orgnr 222000-1040")
    assert relaxed["relaxed"] is True
    assert relaxed["results"][0]["iri"] == ID + "fyrbodals-kommunalforbund"
    assert search(client, "fyrbodal")["relaxed"] is False


def test_fold():
    assert fold("  Övergång  ÅÄÖ ") == "overgang aao"


def _json(url: str):
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


@pytest.mark.parametrize(("query", "expected"), [
    ("Fyrbodal", "fyrbodals-kommunalforbund"),
    ("MYh", "myndigheten-for-yrkeshogskolan"),
    ("VGR", "region-lan-14"),
    ("valideringslyft", "valideringslyft"),
])
def test_project_graph_search_over_http(live_server, query, expected):
    url = f"{live_server.url}/search.json?q={urllib.parse.quote(query)}"
    assert _json(url)["results"][0]["iri"] == ID + expected


@pytest.mark.parametrize(("name", "core"), [
    ("Borås stads", "bora"),
    ("Borås kommun", "bora"),
    ("Borås", "bora"),
    ("Region Västra Götaland", "vastra gotaland"),
    ("Västra Götalandsregionen", "vastra gotaland"),
    ("Göteborgsregionen", "goteborgsregionen"),  # one word: a name of its own, kept
    ("Göteborgsregionens kommunalförbund", "goteborgsregionens kommunalforbund"),
])
def test_core_name_drops_generic_words_and_a_genitive(name, core):
    assert core_name(name) == core


@pytest.mark.parametrize(("query", "expected"), [
    ("Göteborgs stad", "kommun-1480"),
    ("Region Västra Götaland", "region-lan-14"),
])
def test_a_name_but_for_kommun_stad_or_region_ranks_first(client, query, expected):
    assert first(client, query) == ID + expected
