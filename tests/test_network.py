"""The ego network: depth, relation filter, as-of date, and exports that networkx reads back."""

from __future__ import annotations

import csv
import io
import urllib.request

import networkx as nx
import pytest
from browse_support import GRAPH, ID

from service.browse.network import as_date
from service.browse.network_style import OTHER, SHAPES, STYLES

FYRBODAL = ID + "fyrbodals-kommunalforbund"


def network(client, slug: str = "fyrbodals-kommunalforbund", **params) -> dict:
    response = client.get(f"/network/{slug}.json", query_string=params)
    assert response.status_code == 200, response.data
    return response.get_json()


def node_ids(data: dict) -> set[str]:
    return {n["id"].removeprefix(ID) for n in data["nodes"]}


def test_depth_one_holds_the_direct_relations(client):
    data = network(client)
    assert node_ids(data) == {"fyrbodals-kommunalforbund", "kompetensrad-fyrbodal", "kommun-1430",
                              "test-avsiktsforklaring", "region-lan-14"}
    relations = {e["relation"] for e in data["edges"]}
    assert relations == {"kf:processLeads", "org:Membership", "kf:participation", "kf:Grant"}
    membership = next(e for e in data["edges"] if e["relation"] == "org:Membership")
    assert (membership["source"], membership["target"]) == (ID + "kommun-1430", FYRBODAL)
    assert membership["start"] == "2005" and membership["graph"] == GRAPH + "test-tabell"
    assert membership["sources"][0]["document"]["label"] == "Testtabellen över kommuner"


def test_depth_two_reaches_neighbours_of_neighbours(client):
    data = network(client, depth=2)
    assert {"lan-14"} <= node_ids(data)  # Munkedal lies in the county
    assert "kommun-1480" not in node_ids(data)  # Göteborg is three steps away
    distances = {n["id"].removeprefix(ID): n["distance"] for n in data["nodes"]}
    assert distances["lan-14"] == 2 and distances["region-lan-14"] == 1


def test_relation_filter(client):
    data = network(client, relation="org:Membership")
    assert node_ids(data) == {"fyrbodals-kommunalforbund", "kommun-1430"}
    both = client.get("/network/fyrbodals-kommunalforbund.json?relation=org:Membership"
                      "&relation=kf:processLeads").get_json()
    assert node_ids(both) == {"fyrbodals-kommunalforbund", "kommun-1430", "kompetensrad-fyrbodal"}
    checked = {r["id"]: r["checked"] for r in both["relations"]}
    assert checked["org:Membership"] and not checked["kf:Grant"]


def test_as_of_date_hides_relations_not_valid_then(client):
    in_2020 = network(client, asof="2020-06-01")
    assert "region-lan-14" in node_ids(in_2020)  # the grant, 2020–2021
    assert "test-avsiktsforklaring" not in node_ids(in_2020)  # the agreement starts 2023
    in_2024 = network(client, asof="2024-06-01")
    assert "test-avsiktsforklaring" in node_ids(in_2024)
    assert "region-lan-14" not in node_ids(in_2024)  # the grant has ended
    deeper = network(client, asof="2024-06-01", depth=2)
    assert "region-lan-14" in node_ids(deeper)  # still reached through the agreement
    assert not any(e["relation"] == "kf:Grant" for e in deeper["edges"])
    in_2000 = network(client, asof="2000-01-01")
    assert "kommun-1430" not in node_ids(in_2000)  # member since 2005
    # the federation dates from 2005, but its own lifetime does not date what it does (issue 12)
    assert "kompetensrad-fyrbodal" in node_ids(in_2000)
    county = network(client, "lan-14", asof="1900-01-01")
    assert "kommun-1430" in node_ids(county)  # no period stated: always shown


def test_bad_date_is_a_clear_400(client):
    response = client.get("/network/fyrbodals-kommunalforbund?asof=2024-13-45")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.get_data(as_text=True)


def test_unknown_actor_is_404(client):
    assert client.get("/network/finns-inte").status_code == 404


def test_period_ends_cover_the_whole_year_or_month():
    assert str(as_date("2030", end=True)) == "2030-12-31"
    assert str(as_date("2024-02", end=True)) == "2024-02-29"
    assert str(as_date("2023")) == "2023-01-01"


def test_page_works_without_javascript(client):
    html = client.get("/network/fyrbodals-kommunalforbund?depth=2").get_data(as_text=True)
    assert '<table id="edges">' in html and "Munkedals kommun" in html
    assert 'name="asof"' in html and 'value="2" checked' in html
    assert "/assets/vendor/cytoscape/cytoscape.min.js" in html


def _download(client, fmt: str, **params) -> bytes:
    response = client.get(f"/network/fyrbodals-kommunalforbund.{fmt}", query_string=params)
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def _check_export(graph: nx.Graph, data: dict) -> None:
    assert set(graph.nodes) == {n["id"] for n in data["nodes"]}
    assert graph.number_of_edges() == len(data["edges"])
    assert graph.nodes[ID + "kommun-1430"]["label"] == "Munkedals kommun"
    relations = {d["relation"] for _u, _v, d in graph.edges(data=True)}
    assert relations == {e["relation"] for e in data["edges"]}


@pytest.mark.parametrize("params", [{}, {"depth": "2"}, {"asof": "2024-06-01"}])
def test_exports_read_back_with_networkx(client, params):
    data = network(client, **params)
    _check_export(nx.read_graphml(io.BytesIO(_download(client, "graphml", **params))), data)
    _check_export(nx.read_gexf(io.BytesIO(_download(client, "gexf", **params))), data)
    rows = list(csv.DictReader(io.StringIO(_download(client, "csv", **params).decode("utf-8"))))
    assert list(rows[0])[:6] == ["source", "target", "relation", "start", "end", "graph"]
    edges = nx.from_edgelist(((r["source"], r["target"], r) for r in rows),
                             create_using=nx.MultiDiGraph)
    assert edges.number_of_edges() == len(data["edges"])
    assert {r["source_label"] for r in rows} >= {"Munkedals kommun"}


def test_project_graph_network_over_http(live_server, tmp_path):
    url = live_server.url + "/network/fyrbodals-kommunalforbund.graphml?depth=2"
    with urllib.request.urlopen(url, timeout=60) as response:
        (tmp_path / "fyrbodal.graphml").write_bytes(response.read())
    graph = nx.read_graphml(tmp_path / "fyrbodal.graphml")
    assert FYRBODAL in graph and graph.number_of_edges() > 10
    assert any(d.get("relation") == "org:Membership" for _u, _v, d in graph.edges(data=True))


def test_form_keeps_relation_types_it_did_not_offer(client):
    offered = "&".join(f"offered={r}" for r in
                       ("kf:processLeads", "org:Membership", "kf:participation", "kf:Grant"))
    all_checked = offered + "&relation=org:Membership&relation=kf:processLeads" \
        "&relation=kf:participation&relation=kf:Grant"
    deeper = client.get(f"/network/fyrbodals-kommunalforbund.json?depth=2&{all_checked}")
    assert "kf:inCounty" in {e["relation"] for e in deeper.get_json()["edges"]}
    without_grant = client.get("/network/fyrbodals-kommunalforbund.json?depth=2&" + offered +
                               "&relation=org:Membership&relation=kf:processLeads"
                               "&relation=kf:participation").get_json()
    relations = {e["relation"] for e in without_grant["edges"]}
    assert "kf:Grant" not in relations and "kf:inCounty" in relations


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i:i + 2], 16)) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_each_style_has_its_own_colour_and_shape_visible_on_the_drawing():
    styles = (*STYLES, OTHER)
    assert len({s.colour for s in styles}) == len(styles)
    assert len({s.shape for s in styles}) == len(styles)
    assert {s.shape for s in styles} <= set(SHAPES)
    types = [t for s in styles for t in s.types]
    assert len(types) == len(set(types))  # a type is drawn one way
    background = _luminance("#fbfcfd")
    for style in styles:  # WCAG 1.4.11: graphical objects at least 3:1
        assert (background + 0.05) / (_luminance(style.colour) + 0.05) >= 3, style


def test_nodes_carry_their_style_and_the_legend_names_their_types(client):
    data = network(client, depth=2)
    keys = [s["key"] for s in data["styles"]]
    assert sorted(keys) == sorted({n["style"] for n in data["nodes"]})
    municipality = next(s for s in data["styles"] if s["key"] == "municipality")
    assert municipality["types"] == ["kommun"] and municipality["points"] is None
    federation = next(n for n in data["nodes"] if n["id"] == FYRBODAL)
    assert federation["style"] == "federation"
    english = network(client, lang="en")
    assert "municipal federation" in {t for s in english["styles"] for t in s["types"]}
