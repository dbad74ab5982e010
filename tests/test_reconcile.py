"""The reconciliation service (/reconcile, API 0.2) in-process over the real project graph: the
schemas first (the conformance examples pass and fail as they should, so the validator works),
then matching of messy names and codes, certainty, types, property constraints, data extension
with an as-of date, suggest, preview and bad input. Expected things are looked up in the graph
with SPARQL of their own, never taken from the service's answers."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from browse_support import ID, mini_app
from reconcile_support import assert_valid, examples, problems, read

from service.app import create_app
from service.headers import CONTENT_SECURITY_POLICY
from service.state import app_state

KF = "https://w3id.org/kompetensgraf/def#"
SKOS = "http://www.w3.org/2004/02/skos/core#"


# The validator itself ------------------------------------------------------------------------
@pytest.mark.parametrize(("schema", "example"), examples("valid"), ids=lambda v: str(v)[-40:])
def test_valid_conformance_examples_pass(schema, example):
    assert problems(schema, read(example)) == []


@pytest.mark.parametrize(("schema", "example"), examples("invalid"), ids=lambda v: str(v)[-40:])
def test_invalid_conformance_examples_fail(schema, example):
    assert problems(schema, read(example)) != []


def test_every_schema_with_examples_is_exercised():
    assert {s for s, _ in examples("valid")} >= {
        "manifest", "reconciliation-query-batch", "reconciliation-result-batch",
        "data-extension-query", "data-extension-response", "data-extension-property-proposal",
        "suggest-entities-response", "suggest-types-response", "suggest-properties-response"}
    assert len(examples("invalid")) >= 10


# The service over the project graph ----------------------------------------------------------
@pytest.fixture(scope="module")
def app(built_store):
    return create_app({"KG_STORE": str(built_store), "TESTING": True})


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def things(app, prop: str, value: str) -> set[str]:
    """The things of ours whose ``prop`` is the plain or Swedish literal ``value`` (SPARQL)."""
    rows = app_state(app).store.select("SELECT DISTINCT ?s ?p ?v WHERE { ?s ?p ?v }",
                                             substitutions={"p": ox.NamedNode(prop)})
    return {r["s"].value for r in rows if r["v"].value == value and r["s"].value.startswith(ID)}


def the(app, prop: str, value: str) -> str:
    found = things(app, prop, value)
    assert len(found) == 1, f"the graph has {len(found)} things with {prop} {value!r}"
    return found.pop()


def objects(app, subject: str, prop: str) -> list[str]:
    rows = app_state(app).store.select(
        "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }",
        substitutions={"s": ox.NamedNode(subject), "p": ox.NamedNode(prop)})
    return sorted(r["o"].value for r in rows)


def reconcile(client, queries: dict) -> dict:
    response = client.post("/reconcile", data={"queries": json.dumps(queries)})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert_valid("reconciliation-result-batch", body)
    return body


def extend(client, ids: list[str], props: list[dict]) -> dict:
    query = {"ids": ids, "properties": props}
    assert_valid("data-extension-query", query)
    response = client.post("/reconcile", data={"extend": json.dumps(query)})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert_valid("data-extension-response", body)
    return body


def slug(iri: str) -> str:
    return iri[len(ID):]


def test_manifest_is_valid_and_points_at_the_service(client):
    response = client.get("/reconcile")
    manifest = response.get_json()
    assert_valid("manifest", manifest)
    assert manifest["identifierSpace"] == ID
    assert manifest["view"]["url"] == "http://localhost/id/{{id}}"
    assert manifest["preview"]["url"] == "http://localhost/reconcile/preview?id={{id}}"
    assert {"Region", "Municipality", "MunicipalFederation"} <= \
        {t["id"] for t in manifest["defaultTypes"]}
    assert [s["name"] for s in manifest["extend"]["property_settings"]] == ["asof", "limit"]
    assert client.post("/reconcile").get_json() == manifest


#: (query, how the graph names the expected thing: property and value, certain?)
MESSY = [
    ("Västra Götalandsregionen", (SKOS + "altLabel", "VGR"), True),
    ("VGR", (SKOS + "altLabel", "VGR"), True),
    ("vgr", (SKOS + "altLabel", "VGR"), True),
    ("Göteborgs stad", (SKOS + "altLabel", "Göteborgs stad"), True),
    ("GÖTEBORGS STAD", (SKOS + "altLabel", "Göteborgs stad"), True),
    ("Goteborgs stad", (SKOS + "altLabel", "Göteborgs stad"), True),
    ("Göteborgs", (SKOS + "altLabel", "Göteborgs stad"), False),
    ("Borås kommun", (KF + "kommunkod", "1490"), True),
    ("Borås stads", (KF + "kommunkod", "1490"), False),
    ("Sjuhärads kommunalförbund", (SKOS + "prefLabel", "Boråsregionen Sjuhärads kommunalförbund"),
     False),
    ("GR", (SKOS + "altLabel", "GR"), True),
    ("MYh", (SKOS + "altLabel", "MYH"), True),
    ("Region Västra Götaland", (SKOS + "altLabel", "VGR"), False),
    ("232100-0131", (KF + "orgnr", "232100-0131"), True),
    ("2321000131", (KF + "orgnr", "232100-0131"), True),
    ("SE-O", (KF + "iso31662", "SE-O"), True),
    ("se-o", (KF + "iso31662", "SE-O"), True),
    ("SE232", (KF + "nuts3", "SE232"), True),
    ("1490", (KF + "kommunkod", "1490"), True),
    ("2010:630", (KF + "sfsNumber", "2010:630"), True),
    ("SFS 2010:630", (KF + "sfsNumber", "2010:630"), True),
]


def test_messy_names_and_codes_find_the_thing_the_graph_names(app, client):
    batch = {f"q{i}": {"query": q} for i, (q, _, _) in enumerate(MESSY)}
    body = reconcile(client, batch)
    for i, (query, (prop, value), certain) in enumerate(MESSY):
        expected = the(app, prop, value)
        result = body[f"q{i}"]["result"]
        assert result, f"nothing for {query!r}"
        assert result[0]["id"] == slug(expected), (query, result[:2])
        assert result[0]["match"] is certain, (query, result[0])
        assert [r["match"] for r in result[1:]] == [False] * (len(result) - 1)


def test_a_wikidata_item_is_a_certain_match(app, client):
    vgr = the(app, SKOS + "altLabel", "VGR")
    items = [o for o in objects(app, vgr, SKOS + "exactMatch") if "wikidata.org" in o]
    assert len(items) == 1
    qid = items[0].rsplit("/", 1)[-1]
    body = reconcile(client, {"a": {"query": qid}, "b": {"query": items[0]},
                              "c": {"query": f"wd:{qid}"}})
    for key in "abc":
        assert body[key]["result"][0] == {**body[key]["result"][0], "id": slug(vgr), "match": True}


def test_no_name_is_certain_when_two_things_bear_it(app, client):
    """Namesakes in the graph (labels shared by two things of ours) never give match: true."""
    rows = app_state(app).store.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT DISTINCT ?a ?b ?name WHERE { ?a skos:altLabel|skos:prefLabel ?name . "
        "?b skos:altLabel|skos:prefLabel ?name . FILTER(?a != ?b) }")
    names = sorted({r["name"].value for r in rows
                    if r["a"].value.startswith(ID) and r["b"].value.startswith(ID)})
    assert names, "the graph has no namesakes to test with"
    body = reconcile(client, {f"n{i}": {"query": n} for i, n in enumerate(names[:50])})
    for i, name in enumerate(names[:50]):
        assert not any(r["match"] for r in body[f"n{i}"]["result"]), name


def test_landsting_is_no_certain_match(client):
    body = reconcile(client, {"q": {"query": "västra götalands läns landsting"}})
    assert body["q"]["result"]
    assert not any(r["match"] for r in body["q"]["result"])


def test_a_type_keeps_only_things_of_that_type(app, client):
    body = reconcile(client, {
        "kommun": {"query": "Borås", "type": "Municipality"},
        "region": {"query": "Västra Götaland", "type": "kf:Region", "limit": 3},
        "any": {"query": "Västra Götaland", "type": ["Region", "County"]},
        "sub": {"query": "kompetensråd Boråsregionen", "type": "CompetenceCouncil"},
    })
    council = body["sub"]["result"][0]  # a subregional council is a competence council
    assert council["type"] == [{"id": "SubregionalCompetenceCouncil",
                                "name": "delregionalt kompetensråd"}]
    assert council["id"] in {slug(o) for o in objects(
        app, the(app, SKOS + "prefLabel", "Boråsregionen Sjuhärads kommunalförbund"), KF + "runs")}
    kommun = body["kommun"]["result"]
    assert [r["id"] for r in kommun] == [slug(the(app, KF + "kommunkod", "1490"))]
    assert kommun[0]["match"] is True
    assert kommun[0]["type"] == [{"id": "Municipality", "name": "kommun"}]
    region = body["region"]["result"]
    assert region[0]["id"] == slug(the(app, SKOS + "altLabel", "VGR"))
    assert region[0]["match"] is False  # "Västra Götaland" is the county's name, not VGR's
    assert {t["id"] for r in region for t in r["type"]} == {"Region"}
    county = the(app, KF + "iso31662", "SE-O")
    assert body["any"]["result"][0] == {**body["any"]["result"][0], "id": slug(county),
                                        "match": True}


def test_property_constraints_confirm_or_refute(app, client):
    boras = the(app, KF + "kommunkod", "1490")
    county = objects(app, boras, KF + "inCounty")[0]
    other = the(app, KF + "lanskod", "01")
    body = reconcile(client, {
        "ok": {"query": "Borås", "properties": [{"pid": "county", "v": {"id": slug(county)}}]},
        "name": {"query": "Borås", "properties": [{"pid": "county", "v": "Västra Götalands län"}]},
        "wrong": {"query": "Borås", "properties": [{"pid": "county", "v": {"id": slug(other)}}]},
        "code": {"query": "Borås", "properties": [{"pid": "orgnr", "v": "2120001561"}]},
        "only": {"properties": [{"pid": "kommunkod", "v": "1490"}]},
    })
    for key in ("ok", "name", "code", "only"):
        top = body[key]["result"][0]
        assert (top["id"], top["match"]) == (slug(boras), True), key
    assert not any(r["match"] for r in body["wrong"]["result"])


def test_extension_gives_codes_and_relations_from_the_graph(app, client):
    boras = the(app, KF + "kommunkod", "1490")
    vgr = the(app, SKOS + "altLabel", "VGR")
    props = ["orgnr", "kommunkod", "wikidata", "county", "region", "forbund", "forbundRole",
             "councils"]
    body = extend(client, [slug(boras), slug(vgr), "no-such-thing"], [{"id": p} for p in props])
    assert [m["id"] for m in body["meta"]] == props
    row = body["rows"][slug(boras)]
    assert row["orgnr"] == [{"str": v} for v in objects(app, boras, KF + "orgnr")]
    assert row["kommunkod"] == [{"str": "1490"}]
    assert row["wikidata"] == [{"str": o.rsplit("/", 1)[-1]}
                               for o in objects(app, boras, SKOS + "exactMatch")]
    county = objects(app, boras, KF + "inCounty")
    assert [v["id"] for v in row["county"]] == [slug(c) for c in county]
    assert [v["id"] for v in row["region"]] == [slug(vgr)]
    assert objects(app, vgr, KF + "regionalAuthorityOf") == county
    forbund = app_state(app).store.select(
        "PREFIX org: <http://www.w3.org/ns/org#> SELECT ?k ?type ?f ?role WHERE "
        "{ ?m org:member ?k ; org:organization ?f ; org:role ?role . ?f a ?type }",
        substitutions={"k": ox.NamedNode(boras), "type": ox.NamedNode(KF + "MunicipalFederation")})
    assert [v["id"] for v in row["forbund"]] == [slug(r["f"].value) for r in forbund]
    assert len(row["forbundRole"]) == len(row["forbund"]) == 1
    assert row["forbundRole"][0]["str"]
    runs = objects(app, forbund[0]["f"].value, KF + "runs")
    assert {v["id"] for v in row["councils"]} >= {slug(c) for c in runs}
    assert body["rows"]["no-such-thing"] == {p: [] for p in props}
    by_iri = extend(client, [boras], [{"id": "kommunkod"}])["rows"][boras]
    assert by_iri == {"kommunkod": [{"str": "1490"}]}
    assert body["rows"][slug(vgr)]["orgnr"] == [{"str": "232100-0131"}]
    every = body["rows"][slug(vgr)]["councils"]
    for cap, expected in ((1, every[:1]), (0, every), ("", every)):
        capped = extend(client, [slug(vgr)], [{"id": "councils", "settings": {"limit": cap}}])
        assert capped["rows"][slug(vgr)]["councils"] == expected
    assert len(every) > 1


def test_as_of_keeps_only_what_was_valid_then(app, client):
    """The declaration of intent runs from its start date on: not yet in 2015, in 2024."""
    declaration = app_state(app).store.select(
        "PREFIX dct: <http://purl.org/dc/terms/> PREFIX dcat: <http://www.w3.org/ns/dcat#> "
        "SELECT ?type ?d ?start WHERE { ?d a ?type ; dct:temporal/dcat:startDate ?start }",
        substitutions={"type": ox.NamedNode(KF + "DeclarationOfIntent")})
    assert declaration
    agreement, start = declaration[0]["d"].value, declaration[0]["start"].value
    assert "2015" < start[:4] <= "2024"
    party = app_state(app).store.select(
        "PREFIX kf: <https://w3id.org/kompetensgraf/def#> SELECT DISTINCT ?d ?who WHERE "
        "{ ?d kf:participation/kf:participant ?who . ?who a kf:MunicipalFederation }",
        substitutions={"d": ox.NamedNode(agreement)})[0]["who"].value

    def party_to(day: str) -> set[str]:
        props = [{"id": "partyTo", "settings": {"asof": day}}]
        rows = extend(client, [slug(party)], props)["rows"]
        return {v["id"] for v in rows[slug(party)]["partyTo"]}

    assert slug(agreement) not in party_to("2015-06-01")
    assert slug(agreement) in party_to("2024-06-01")
    assert slug(agreement) in party_to("")


def test_as_of_a_membership_on_the_fixture_graph():
    """Munkedal has been in Fyrbodal since 2005 (tests/data/browse/mini.trig)."""
    client = mini_app().test_client()

    def forbund(day: str) -> list:
        props = [{"id": "forbund", "settings": {"asof": day}}]
        return extend(client, ["kommun-1430"], props)["rows"]["kommun-1430"]["forbund"]

    assert forbund("2000-01-01") == []
    assert [v["id"] for v in forbund("2010-01-01")] == ["fyrbodals-kommunalforbund"]


def test_suggest_and_proposals_are_valid(app, client):
    entity = client.get("/reconcile/suggest/entity", query_string={"prefix": "borås"}).get_json()
    assert_valid("suggest-entities-response", entity)
    assert slug(the(app, KF + "kommunkod", "1490")) in [r["id"] for r in entity["result"]]
    typed = client.get("/reconcile/suggest/entity",
                       query_string={"prefix": "gö", "type": "MunicipalFederation"}).get_json()
    assert [r["id"] for r in typed["result"]] == [slug(the(app, SKOS + "altLabel", "GR"))]
    types = client.get("/reconcile/suggest/type", query_string={"prefix": "kommun"}).get_json()
    assert_valid("suggest-types-response", types)
    assert {"Municipality", "MunicipalFederation"} <= {r["id"] for r in types["result"]}
    props = client.get("/reconcile/suggest/property", query_string={"prefix": "län"}).get_json()
    assert_valid("suggest-properties-response", props)
    assert "county" in [r["id"] for r in props["result"]]
    proposal = client.get("/reconcile/propose_properties",
                          query_string={"type": "Municipality"}).get_json()
    assert_valid("data-extension-property-proposal", proposal)
    ids = [p["id"] for p in proposal["properties"]]
    assert {"orgnr", "kommunkod", "county", "region", "forbund", "councils"} <= set(ids)
    assert "nuts" not in ids  # no municipality has a NUTS code in the graph
    county = client.get("/reconcile/propose_properties?type=County&limit=3").get_json()
    assert_valid("data-extension-property-proposal", county)
    assert len(county["properties"]) == 3


def test_preview_may_be_framed_and_nothing_else_is(app, client):
    boras = the(app, KF + "kommunkod", "1490")
    response = client.get("/reconcile/preview", query_string={"id": slug(boras), "lang": "en"})
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy
    assert policy.replace("frame-ancestors *", "frame-ancestors 'none'") == \
        CONTENT_SECURITY_POLICY
    html = response.get_data(as_text=True)
    assert "Borås kommun" in html and "1490" in html and 'href="/id/kommun-1490"' in html
    assert "<script" not in html and "style=" not in html
    for path in ("/reconcile", "/reconcile/suggest/type?prefix=a", "/id/kommun-1490"):
        other = client.get(path)
        assert other.headers["X-Frame-Options"] == "DENY"
        assert other.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert client.get("/reconcile/preview?id=no-such-thing").status_code == 404


BAD = [
    ({"queries": "{not json"}, "queries must be JSON"),
    ({"queries": "[1, 2]"}, "JSON object of named queries"),
    ({"queries": json.dumps({"q": "Borås"})}, "must be an object"),
    ({"queries": json.dumps({"q": {"query": 5}})}, "'query' must be a string"),
    ({"queries": json.dumps({"q": {"query": "x", "type": "Planet"}})}, "unknown type"),
    ({"queries": json.dumps({"q": {"query": "x", "type": 7}})}, "a type is a string"),
    ({"queries": json.dumps({"q": {"query": "x", "limit": "many"}})}, "limit must be"),
    ({"queries": json.dumps({"q": {"query": "x", "limit": 0}})}, "at least 1"),
    ({"queries": json.dumps({"q": {"limit": 1}})}, "neither a 'query' text nor properties"),
    ({"queries": json.dumps({"q": {"query": "x", "props": []}})}, "unknown fields: props"),
    ({"queries": json.dumps({"q": {"query": "x", "properties": [{"pid": "colour", "v": "x"}]}})},
     "unknown property 'colour'"),
    ({"queries": json.dumps({"q": {"query": "x", "properties": [{"pid": "orgnr"}]}})},
     "'pid' and 'v'"),
    ({"queries": json.dumps({"q": {"query": "x" * 1001}})}, "longer than 1000"),
    ({"queries": json.dumps({f"q{i}": {"query": "Borås"} for i in range(201)})},
     "at most 200 queries"),
    ({"queries": json.dumps({"q": {"query": "x", "type_strict": "most"}})}, "type_strict is"),
    ({"extend": "nope"}, "extend must be JSON"),
    ({"extend": json.dumps({"ids": "kommun-1490", "properties": []})}, "lists 'ids'"),
    ({"extend": json.dumps({"ids": [1], "properties": []})}, "each id is a string"),
    ({"extend": json.dumps({"ids": ["a"], "properties": [{"id": "colour"}]})}, "unknown property"),
    ({"extend": json.dumps({"ids": ["a"], "properties": [
        {"id": "county", "settings": {"asof": "2020-13-01"}}]})}, "asof must be a date"),
    ({"extend": json.dumps({"ids": ["a"] * 501, "properties": []})}, "at most 500 ids"),
    ({"extend": json.dumps({"ids": ["a"], "properties": [
        {"id": "county", "settings": {"limit": -2}}]})}, "at least 1"),
]


@pytest.mark.parametrize(("data", "message"), BAD, ids=[m for _, m in BAD])
def test_bad_input_is_a_400_with_a_clear_message(client, data, message):
    for method in (client.post, client.get):
        kwargs = {"data": data} if method is client.post else {"query_string": data}
        response = method("/reconcile", headers={"Accept": "application/json"}, **kwargs)
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert error["status"] == 400 and message in error["message"]
    plain = client.post("/reconcile", data=data)
    assert plain.status_code == 400 and plain.mimetype == "text/plain"


@pytest.mark.parametrize("path", [
    "/reconcile/suggest/entity?prefix=a&cursor=x",
    "/reconcile/suggest/entity?prefix=a&type=Planet",
    "/reconcile/propose_properties?type=Planet",
    "/reconcile/propose_properties?type=Region&limit=-1",
])
def test_bad_parameters_of_the_other_endpoints_are_400s(client, path):
    assert client.get(path).status_code == 400
