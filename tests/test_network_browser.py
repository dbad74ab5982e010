"""The network drawing in Debian's headless Chromium over the served project graph: labels that
do not overlap and are readable at the first zoom (Västra Götalandsregionen and Göteborgsregionen,
depth 1 and 2), one line per pair of nodes with its count and a panel listing its relations, a
legend whose colours and shapes are each their own and match the drawing, relation boxes that
filter the drawing and the table without a reload exactly as the server filters, a click on a
node that opens its network — under the site's CSP, with axe finding nothing serious."""

from __future__ import annotations

import json
import re
import urllib.request
from collections import Counter
from urllib.parse import urlencode, urlsplit

import pytest
from test_browser import axe_violations, only_local, shot
from web_support import browser_tab, chromium_browser  # noqa: F401 (fixtures "tab", "browser")

pytestmark = pytest.mark.browser

VGR, GR = "Västra Götalandsregionen", "Göteborgsregionens kommunalförbund"
#: the least label size, in screen pixels, at the first zoom
READABLE = 10.5

LABEL_BOXES = """() => {
  const cy = window.kgNetwork, frame = document.getElementById('cy').getBoundingClientRect();
  return {frame: {w: frame.width, h: frame.height}, zoom: cy.zoom(),
    labels: cy.nodes(':visible').map(n => ({id: n.id(), text: n.data('label'),
      px: n.numericStyle('font-size') * cy.zoom(),
      box: n.renderedBoundingBox({includeNodes: false, includeEdges: false, includeLabels: true,
                                  includeOverlays: false})}))};
}"""


@pytest.fixture(scope="module")
def server(embedded_server):
    return embedded_server


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=120) as response:
        return json.loads(response.read().decode("utf-8"))


def slug_of(server, label: str) -> str:
    """The network page of an actor, found by its label among the most connected."""
    actors = get_json(server.url + "/network.json")["actors"]
    return next(a["href"] for a in actors if a["label"] == label).removeprefix("/network/")


def open_network(tab, server, slug: str, **params) -> dict:
    """Open the page, wait for the drawing; the server's JSON of the same network."""
    query = urlencode(params)
    tab.goto(f"{server.url}/network/{slug}" + (f"?{query}" if query else ""))
    tab.wait_for_function("window.kgNetwork && window.kgNetwork.nodes(':visible').length > 1",
                          timeout=120_000)
    return get_json(f"{server.url}/network/{slug}.json" + (f"?{query}" if query else ""))


def click_in_drawing(tab, point: dict) -> None:
    """A real mouse click at a point of the drawing (Cytoscape's rendered coordinates), scrolled
    into the middle of the window first (and two frames later, once Cytoscape has heard of the
    scroll: it keeps the drawing's place on the page until a scroll event says otherwise)."""
    at = tab.evaluate(
        "p => new Promise(done => { const r = document.getElementById('cy')"
        ".getBoundingClientRect(); window.scrollBy(0, r.top + p.y - window.innerHeight / 2);"
        " requestAnimationFrame(() => requestAnimationFrame(() => { const s = document"
        ".getElementById('cy').getBoundingClientRect(); done({x: s.left + p.x, y: s.top + p.y});"
        " })); })", point)
    tab.mouse.click(at["x"], at["y"])


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            x = min(a["box"]["x2"], b["box"]["x2"]) - max(a["box"]["x1"], b["box"]["x1"])
            y = min(a["box"]["y2"], b["box"]["y2"]) - max(a["box"]["y1"], b["box"]["y1"])
            if x > 0 and y > 0:
                found.append((a["text"], b["text"]))
    return found


@pytest.mark.parametrize("actor", [VGR, GR])
@pytest.mark.parametrize("depth", [1, 2])
def test_labels_are_apart_readable_and_in_view(tab, server, tmp_path, actor, depth):
    data = open_network(tab, server, slug_of(server, actor), depth=depth)
    drawn = tab.evaluate(LABEL_BOXES)
    labels = drawn["labels"]
    assert len(labels) == len(data["nodes"])
    assert all(label["text"] for label in labels)
    assert overlapping(labels) == []
    assert min(label["px"] for label in labels) >= READABLE
    frame = drawn["frame"]
    for label in labels:  # the whole label is in the first view
        box = label["box"]
        assert box["x1"] >= 0 and box["y1"] >= 0, label
        assert box["x2"] <= frame["w"] and box["y2"] <= frame["h"], label
    # labels that would read alike are told apart (the region's four funding agreements)
    assert max(Counter(label["text"] for label in labels).values()) == 1
    shot(tab, tmp_path, f"network-{depth}")
    assert tab.errors == []


def test_parallel_relations_are_one_line_listed_on_click(tab, server):
    data = open_network(tab, server, slug_of(server, VGR))
    pairs = Counter(frozenset((e["source"], e["target"])) for e in data["edges"])
    lines = tab.evaluate("window.kgNetwork.edges().map(e => ({id: e.id(), count: e.data('count'),"
                         " label: e.data('label'), ends: [e.source().id(), e.target().id()]}))")
    assert len(lines) == len(pairs)
    assert {frozenset(line["ends"]): line["count"] for line in lines} == dict(pairs)
    busiest = max(lines, key=lambda line: line["count"])
    assert busiest["count"] > 1 and busiest["label"] == str(busiest["count"])

    assert tab.locator("#net-relations").is_hidden()
    click_in_drawing(tab, tab.evaluate(
        "id => window.kgNetwork.getElementById(id).renderedMidpoint()", busiest["id"]))
    panel = tab.locator("#net-relations")
    panel.wait_for(state="visible")
    items = panel.locator("li")
    assert items.count() == busiest["count"]
    members = [e for e in data["edges"] if {e["source"], e["target"]} == set(busiest["ends"])]
    texts = [items.nth(i).inner_text() for i in range(items.count())]
    for edge, text in zip(members, texts, strict=True):
        assert edge["relation_label"] in text
        period = f"{edge['start'] or '…'}–{edge['end'] or '…'}" \
            if edge["start"] or edge["end"] else "ingen period angiven"
        assert period in text
        assert edge["sources"] and edge["sources"][0]["document"]["label"] in text
    assert panel.locator("a[href^='/source/']").count() >= busiest["count"]
    assert axe_violations(tab) == []
    panel.locator("button").click()
    assert panel.is_hidden()


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r},{g},{b})"


@pytest.mark.parametrize("lang, municipality", [("sv", "kommun"), ("en", "municipality")])
def test_legend_colours_and_shapes_are_each_their_own_and_match_the_drawing(
        tab, server, lang, municipality):
    data = open_network(tab, server, slug_of(server, VGR), depth=2, lang=lang)
    styles = data["styles"]
    assert len({s["colour"] for s in styles}) == len(styles)
    assert len({s["shape"] for s in styles}) == len(styles)
    entries = tab.locator(".network-legend li")
    assert entries.count() == len(styles)
    texts = [entries.nth(i).inner_text().strip() for i in range(entries.count())]
    assert municipality in [t for text in texts for t in text.split(", ")]
    fills = tab.evaluate("Array.from(document.querySelectorAll('.network-legend li'))"
                         ".map(li => li.querySelector('polygon, circle').getAttribute('fill'))")
    assert fills == [s["colour"] for s in styles]
    drawn = tab.evaluate("window.kgNetwork.nodes().map(n => ({id: n.id(),"
                         " colour: n.style('background-color'), shape: n.style('shape'),"
                         " points: n.style('shape-polygon-points')}))")
    by_key = {s["key"]: s for s in styles}
    style_of = {n["id"]: by_key[n["style"]] for n in data["nodes"]}
    for node in drawn:
        style = style_of[node["id"]]
        assert node["colour"].replace(" ", "") == rgb(style["colour"])
        if style["points"] is None:
            assert node["shape"] == "ellipse"
        else:
            assert node["shape"] == "polygon"
            assert [float(p) for p in node["points"].split()] == style["points"]
    # every legend entry names the types its nodes have, in the page's language
    for style, text in zip(styles, texts, strict=True):
        named = {n["type_label"] or n["type"] or "–" for n in data["nodes"]
                 if n["style"] == style["key"]}
        assert set(text.split(", ")) == named


def test_relation_boxes_filter_without_reload_as_the_server_does(tab, server, tmp_path):
    slug = slug_of(server, VGR)
    data = open_network(tab, server, slug, depth=2)
    tab.evaluate("window.kgSamePage = true")

    def agrees_with_server(dropped: set[str]) -> None:
        """The drawing and the table show what the server's filter of the same boxes gives."""
        assert tab.evaluate("window.kgSamePage") is True  # no reload
        params = [("depth", "2")] + [("offered", r["id"]) for r in data["relations"]] + \
            [("relation", r["id"]) for r in data["relations"] if r["id"] not in dropped]
        expected = get_json(f"{server.url}/network/{slug}.json?{urlencode(params)}")
        shown = tab.evaluate(
            "({nodes: window.kgNetwork.nodes(':visible').map(n => n.id()),"
            " relations: window.kgNetwork.edges(':visible').map(e => e.data('count'))"
            ".reduce((a, b) => a + b, 0)})")
        assert set(shown["nodes"]) == {n["id"] for n in expected["nodes"]}
        assert shown["relations"] == len(expected["edges"]) < len(data["edges"])
        assert tab.locator("#edges tbody tr:visible").count() == len(expected["edges"])
        assert tab.locator("#net-edge-count").inner_text() == str(len(expected["edges"]))
        assert tab.locator("#net-node-count").inner_text() == str(len(expected["nodes"]))
        assert overlapping(tab.evaluate(LABEL_BOXES)["labels"]) == []

    for relation in ("kf:inCounty", "kf:participation"):
        tab.uncheck(f"#network-form input[name=relation][value='{relation}']")
    agrees_with_server({"kf:inCounty", "kf:participation"})
    query = urlsplit(tab.url).query
    assert "relation=kf%3AinCounty" not in query and "relation=org%3AMembership" in query
    shot(tab, tmp_path, "network-filtered")
    # checking a box again brings its relations back, still on the same page
    tab.check("#network-form input[name=relation][value='kf:inCounty']")
    agrees_with_server({"kf:participation"})
    only_local(tab, server)


def test_clicking_a_node_opens_its_network(tab, server):
    open_network(tab, server, slug_of(server, GR), depth=2)
    target = tab.evaluate(
        "() => { const n = window.kgNetwork.nodes(':visible').filter(n => n.data('distance') === 1"
        " && n.data('network'))[0]; const p = n.renderedPosition();"
        " return {x: p.x, y: p.y, network: n.data('network')}; }")
    click_in_drawing(tab, target)
    tab.wait_for_url(re.compile(re.escape(target["network"]) + r"\?depth=2$"), timeout=120_000)
    tab.wait_for_function("window.kgNetwork && window.kgNetwork.nodes().length > 1",
                          timeout=120_000)
    assert axe_violations(tab) == []
    only_local(tab, server)
