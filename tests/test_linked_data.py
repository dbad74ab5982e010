"""Dereferencing: every IRI answers HTML or RDF by content negotiation, suffix variants, 404s,
JSON twins, sources on every fact, Swedish text — in-process over the fixture graph, and over
real HTTP against the served project graph."""

from __future__ import annotations

import json
import urllib.request

import pytest
import rdflib
from browse_support import GRAPH, ID
from rdflib.compare import to_isomorphic

from service.state import app_state

FYRBODAL = "/id/fyrbodals-kommunalforbund"


@pytest.mark.parametrize(
    ("accept", "media", "rdf_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/trig", "application/trig", "trig"),
        ("application/n-quads", "application/n-quads", "nquads"),
        ("text/turtle;q=0.9, application/rdf+xml;q=0.5", "text/turtle", "turtle"),
        ("application/json", "application/ld+json", "json-ld"),
    ],
)
def test_rdf_by_content_negotiation(client, accept, media, rdf_format):
    response = client.get(FYRBODAL, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media
    assert "Accept" in response.headers["Vary"]
    graph = rdflib.Dataset() if rdf_format in ("trig", "nquads") else rdflib.Graph()
    graph.parse(data=response.data, format=rdf_format)
    subject = rdflib.URIRef(ID + "fyrbodals-kommunalforbund")
    triples = graph.triples((subject, None, None)) if rdf_format not in ("trig", "nquads") \
        else graph.quads((subject, None, None, None))
    assert len(list(triples)) >= 6


@pytest.mark.parametrize("accept", ["text/html", "text/html,application/xhtml+xml,*/*;q=0.8",
                                    "*/*", None])
def test_browsers_and_unspecific_clients_get_html(client, accept):
    headers = {"Accept": accept} if accept else {}
    response = client.get(FYRBODAL, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Vary"] == "Accept"
    assert "Fyrbodals kommunalförbund" in response.get_data(as_text=True)


def test_unacceptable_media_type_is_406(client):
    response = client.get(FYRBODAL, headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_link_header_names_every_alternate(client):
    link = client.get(FYRBODAL).headers["Link"]
    for suffix, media in [("ttl", "text/turtle"), ("jsonld", "application/ld+json"),
                          ("rdf", "application/rdf+xml"), ("nt", "application/n-triples"),
                          ("json", "application/json")]:
        assert f'<{FYRBODAL}.{suffix}>; rel="alternate"; type="{media}"' in link


@pytest.mark.parametrize(("suffix", "media"), [
    ("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("rdf", "application/rdf+xml"),
    ("nt", "application/n-triples"), ("trig", "application/trig"), ("json", "application/json"),
    ("html", "text/html"),
])
def test_suffix_variants_ignore_accept(client, suffix, media):
    response = client.get(f"{FYRBODAL}.{suffix}", headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response.mimetype == media
    assert "Link" in response.headers


def test_turtle_and_jsonld_describe_the_same_graph(client):
    turtle = rdflib.Graph().parse(data=client.get(FYRBODAL + ".ttl").data, format="turtle")
    jsonld = rdflib.Graph().parse(data=client.get(FYRBODAL + ".jsonld").data, format="json-ld")
    assert to_isomorphic(turtle) == to_isomorphic(jsonld)


def test_description_includes_periods_memberships_and_incoming_links(client):
    graph = rdflib.Graph().parse(data=client.get(FYRBODAL + ".ttl").data, format="turtle")
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    membership = rdflib.URIRef(ID + "membership-munkedal-fyrbodal")
    assert (membership, org.member, rdflib.URIRef(ID + "kommun-1430")) in graph
    assert list(graph.objects(None, dcat.startDate))  # the blank-node period came along
    participation = rdflib.URIRef(ID + "test-avsiktsforklaring-fyrbodal")
    assert (participation, None, rdflib.URIRef(ID + "fyrbodals-kommunalforbund")) in graph


def test_trig_keeps_the_source_graph_of_each_statement(client):
    dataset = rdflib.Dataset().parse(data=client.get(FYRBODAL + ".trig").data, format="trig")
    graphs = {str(g) for _s, _p, _o, g in dataset.quads((None, None, None, None))}
    assert {GRAPH + "test-avtal--parter", GRAPH + "test-tabell"} <= graphs


def test_every_fact_shows_its_sources(client):
    page = client.get(FYRBODAL + ".json").get_json()
    assert page["properties"]
    for prop in page["properties"]:
        for value in prop["values"]:
            assert value["sources"], prop["property"]["curie"]
    types = next(p for p in page["properties"] if p["property"]["curie"] == "rdf:type")
    documents = {s["document"]["label"] for s in types["values"][0]["sources"]}
    assert documents == {"Testavtalet", "Testtabellen över kommuner"}
    locators = {s["locator"] for s in types["values"][0]["sources"]}
    assert "Avsnitt ”Parter”, stycke 1" in locators


def test_entity_page_links_labels_sources_identifiers_and_validity(client):
    html = client.get(FYRBODAL).get_data(as_text=True)
    assert 'href="/source/test-avtal"' in html and 'href="/graph/test-avtal--parter"' in html
    assert ">processleder</a>" in html  # property labelled, not a raw IRI
    assert ">Delregionalt kompetensråd i Fyrbodal</a>" in html
    assert "haswbstatement%3AP6460%3D222000-1040" in html  # organisationsnummer, outbound
    assert 'href="http://www.wikidata.org/entity/Q10497434"' in html
    page = client.get(FYRBODAL + ".json").get_json()
    assert {"start": "2005", "end": None} == {k: page["validity"][0][k] for k in ("start", "end")}


def test_entity_page_lists_relations_with_links_and_sources(client):
    page = client.get(FYRBODAL + ".json").get_json()
    membership = next(r for r in page["relations"] if r["relation"] == "org:Membership")
    assert membership["source_href"] == "/id/kommun-1430"
    assert membership["sources"][0]["locator"] == "Hela tabellen"
    html = client.get(FYRBODAL).get_data(as_text=True)
    assert '<a href="/id/kommun-1430"' in html


def test_incoming_links_are_grouped_counted_and_paged(client):
    first = client.get("/id/lan-14.json").get_json()["incoming"]
    group = next(g for g in first if g["property"]["curie"] == "kf:inCounty")
    assert (group["count"], group["pages"], len(group["items"])) == (25, 2, 20)
    second = client.get("/id/lan-14.json?in=kf:inCounty&page=2").get_json()["incoming"]
    rest = next(g for g in second if g["property"]["curie"] == "kf:inCounty")
    assert len(rest["items"]) == 5
    assert not {i["iri"] for i in rest["items"]} & {i["iri"] for i in group["items"]}


def test_language_switch_with_fallback_and_cookie(client):
    english = client.get("/id/region-lan-14?lang=en").get_data(as_text=True)
    assert "<h1>Region Västra Götaland</h1>" in english
    assert "kg_lang=en" in client.get("/?lang=en").headers.get("Set-Cookie", "")
    remembered = client.get(FYRBODAL + ".json").get_json()  # cookie now says en
    assert remembered["lang"] == "en"
    assert remembered["label"] == "Fyrbodals kommunalförbund"  # no English label: Swedish one
    assert remembered["label_fallback"] is True
    client.get("/?lang=sv")


def test_swedish_characters_stay_readable_in_json_and_html(client):
    raw = client.get("/class/kf:Municipality.json").get_data(as_text=True)
    assert "Färgelanda kommun" in raw and "\\u00e4" not in raw
    assert "Göteborgs kommun" in client.get("/id/kommun-1480").get_data(as_text=True)


def test_unknown_iri_gets_a_helpful_404(client):
    response = client.get("/id/fyrbodals-forbundet", headers={"Accept": "text/html"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "https://w3id.org/kompetensgraf/id/fyrbodals-forbundet" in html
    assert 'href="/id/fyrbodals-kommunalforbund"' in html  # a suggestion from the search
    as_json = client.get("/id/fyrbodals-forbundet.json")
    assert as_json.status_code == 404 and as_json.get_json()["error"]["status"] == 404
    as_turtle = client.get("/id/fyrbodals-forbundet", headers={"Accept": "text/turtle"})
    assert as_turtle.status_code == 404 and as_turtle.mimetype == "text/plain"


@pytest.mark.parametrize("path", [
    "/index.json", "/class/kf:Municipality.json", FYRBODAL + ".json", "/source/test-avtal.json",
    "/graph/test-tabell.json", "/search.json?q=fyrbodal", "/network/fyrbodals-kommunalforbund.json",
    "/editor.json", "/def.json",
])
def test_every_page_has_a_json_twin_with_licence(client, path):
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert body["source"]["dataset"] == "https://w3id.org/kompetensgraf/"
    html_path = path.replace(".json", "").replace("/index", "/") or "/"
    html = client.get(html_path).get_data(as_text=True)
    assert 'rel="license"' in html and "CC BY 4.0" in html


def test_source_page_states_what_each_section_says(client):
    page = client.get("/source/test-avtal.json").get_json()
    sections = {g["iri"]: g for g in page["graphs"]}
    assert set(sections) == {GRAPH + "test-avtal--finansiering", GRAPH + "test-avtal--parter"}
    parter = sections[GRAPH + "test-avtal--parter"]
    assert parter["source"]["locator"] == "Avsnitt ”Parter”, stycke 1"
    subjects = {s["subject"].get("iri") for s in parter["subjects"]}
    assert ID + "fyrbodals-kommunalforbund" in subjects


def test_graph_page_and_graph_rdf(client):
    page = client.get("/graph/test-tabell.json").get_json()
    assert page["content"]["source"]["document"]["iri"].endswith("/source/test-tabell")
    assert page["content"]["triples"] > 100
    graph = rdflib.Graph().parse(data=client.get("/graph/test-tabell.ttl").data, format="turtle")
    assert (rdflib.URIRef(ID + "kommun-1430"), None, None) in graph


def test_class_lists_page_and_sort(client):
    first = client.get("/class/kf:Municipality.json").get_json()
    assert first["count"] == 25 and first["items"][0]["label"] == "Ale kommun"
    desc = client.get("/class/kf:Municipality.json?order=desc").get_json()
    assert desc["items"][0]["label"] == "Vårgårda kommun"
    home = client.get("/index.json").get_json()
    municipalities = next(c for c in home["classes"] if c["curie"] == "kf:Municipality")
    assert municipalities["count"] == 25 and municipalities["list"] == "/class/kf:Municipality"


def test_ontology_documentation_and_terms(client):
    html = client.get("/def", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="Region"' in html and 'id="MunicipalFederation"' in html
    turtle = client.get("/def", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle" and turtle.headers["Vary"] == "Accept"
    term = client.get("/def/Region.json").get_json()
    assert term["iri"] == "https://w3id.org/kompetensgraf/def#Region"


@pytest.mark.parametrize(("path", "status"), [
    ("/assets/vendor/cytoscape/cytoscape.min.js", 200),
    ("/assets/vendor/yasgui/yasgui.min.js", 200),
    ("/assets/vendor/yasgui/yasgui.min.css", 200),
    ("/assets/vendor/cytoscape-fcose/layout-base.js", 200),
    ("/assets/vendor/cytoscape-fcose/cose-base.js", 200),
    ("/assets/vendor/cytoscape-fcose/cytoscape-fcose.js", 200),
    ("/assets/vendor/cytoscape/package.json", 404),
    ("/assets/vendor/cytoscape-fcose/package.json", 404),
    ("/assets/vendor/../package.json", 404),
])
def test_only_listed_vendor_files_are_served(client, path, status):
    response = client.get(path)
    response.close()  # a file response keeps its file open until closed
    assert response.status_code == status


def _get(url: str, accept: str) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers.get_content_type(), response.read()


def test_served_graph_dereferences_over_http(live_server):
    status, media, body = _get(live_server.url + FYRBODAL, "text/turtle")
    assert (status, media) == (200, "text/turtle")
    assert len(rdflib.Graph().parse(data=body, format="turtle")) > 5
    status, media, body = _get(live_server.url + FYRBODAL, "text/html")
    assert (status, media) == (200, "text/html") and "Fyrbodals kommunalförbund" in body.decode()
    home = json.loads(_get(live_server.url + "/index.json", "application/json")[2])
    assert home["counts"]["sources"] > 0


def test_every_iri_of_the_project_graph_dereferences_with_sources(built_store):
    """Each IRI of our namespace in the built graph answers HTML and Turtle (200), and every
    fact on its page names at least one source."""
    import pyoxigraph as ox

    from service.app import create_app
    from service.browse.catalog import browse_query
    from service.browse.terms import local_path

    app = create_app({"KG_STORE": str(built_store), "TESTING": True})
    base = app.config["KG_BASE_IRI"]
    rows = app_state(app).store.select(browse_query("local-iris"),
                                             substitutions={"base": ox.Literal(base)})
    paths = sorted({local_path(r["iri"].value, base) for r in rows} - {None})
    assert len(paths) > 300
    client = app.test_client()
    failures = []
    for path in paths:
        for accept in ("text/html", "text/turtle"):
            response = client.get(path, headers={"Accept": accept})
            if response.status_code != 200 or response.mimetype != accept:
                failures.append((path, accept, response.status_code))
        if path == "/def":
            continue
        page = client.get(path + ".json").get_json()
        failures += [(path, p["property"]["curie"], "no source") for p in page["properties"]
                     for v in p["values"] if not v["sources"]]
    assert failures == []


def test_a_failing_store_is_a_logged_500_not_a_client_error(caplog):
    import pyoxigraph as ox
    from browse_support import mini_store

    from graph.store import StoreError
    from service.app import create_app

    class FailingStore(type(mini_store())):
        broken = False

        def query(self, sparql, **kwargs):
            if self.broken:
                raise StoreError("disk gone")
            return super().query(sparql, **kwargs)

    store = FailingStore()
    store.load(mini_store().dump(ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    client = create_app({"KG_STORE": "", "TESTING": True}, store=store).test_client()
    store.broken = True
    for path in (FYRBODAL, "/search?q=fyrbodal", "/network/fyrbodals-kommunalforbund", "/"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 500, path
        assert "disk gone" not in response.get_data(as_text=True)
    assert "disk gone" in caplog.text
