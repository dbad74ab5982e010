"""The quality page: what to know before trusting an answer, counted from the live store.

In-process over the built project graph (its real gaps, conflicts and inference), over a small
graph made here (a SHACL warning that appears after an update: validated once per version), and
once over HTTP against the served project graph.
"""

from __future__ import annotations

import json
import urllib.request
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest

from graph import queries
from graph.backends import open_store
from graph.embedded import EmbeddedStore
from graph.namespaces import PREFIXES
from service.app import create_app
from service.browse.quality import shacl
from service.state import app_state

ID = "https://w3id.org/kompetensgraf/id/"
SRC = "https://w3id.org/kompetensgraf/source/"


@pytest.fixture(scope="module")
def app(built_store):
    app = create_app({"KG_STORE": str(built_store), "TESTING": True})
    yield app
    app_state(app).sparql.close()


@pytest.fixture(scope="module")
def quality(app) -> dict:
    answer = app.test_client().get("/quality.json?lang=en")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    return answer.json


def links(html: str) -> list[str]:
    found = []

    class Links(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                found.append(dict(attrs).get("href") or "")

    Links().feed(html)
    return found


def test_conflicts_stand_side_by_side_with_their_sources(quality):
    rows = quality["sections"]["conflicts"]["rows"]
    pairs = {(r["subject"]["iri"], r["property"]["curie"],
              frozenset((r["value1"]["label"], r["value2"]["label"]))): r for r in rows}
    counts = pairs[(ID + "valideringslyft", "kf:statedParticipantCount", frozenset({"21", "23"}))]
    assert {counts["source1"]["iri"], counts["source2"]["iri"]} >= {
        SRC + "hallbar-kompetensforsorjning-genom-regional-samverkan"}
    salem = [r for r in rows if r["subject"]["iri"] == ID + "kommun-0128"]
    assert salem and all(r["property"]["curie"] == "skos:exactMatch" for r in salem)
    assert {r["value1"]["iri"] for r in salem} | {r["value2"]["iri"] for r in salem} >= {
        "http://www.wikidata.org/entity/Q516080", "http://www.wikidata.org/entity/Q1255130"}
    recorded = {r["thing"]["iri"]: r["note"] for r in quality["sections"]["conflicts"]["recorded"]}
    assert "Q1255130" in recorded[ID + "kommun-0128"]
    assert quality["counts"]["conflicts"] == len(rows)


def test_the_inference_is_listed(quality):
    (row,) = [r for r in quality["sections"]["inferred"]["rows"] if r["member"]]
    assert (row["member"]["iri"], row["organization"]["iri"]) == (
        ID + "kommun-1439", ID + "fyrbodals-kommunalforbund")
    assert row["graph"]["href"] == "/graph/ref-fyrbodal-fargelanda-inferred"


def test_relations_without_a_period(quality, app):
    section = quality["sections"]["periods"]
    assert section["count"] == len(section["rows"]) > 0
    assert sum(section["by_kind"].values()) == section["count"]
    store = app_state(app).store
    named = [r for r in section["rows"] if r["node"] and r["node"].get("iri")]
    assert named
    for row in named:  # really without a period of their own
        assert not store.ask(
            "PREFIX org: <http://www.w3.org/ns/org#> PREFIX dct: <http://purl.org/dc/terms/> "
            "ASK { { ?n org:memberDuring ?p } UNION { ?n dct:temporal ?p } }",
            substitutions={"n": ox.NamedNode(row["node"]["iri"])})
        assert row["from"]["href"].startswith("/") and row["graph"]["href"].startswith("/graph/")


def test_source_documents_missing_a_citation_field(quality, app):
    section = quality["sections"]["citations"]
    assert section["documents"] >= 69
    store = app_state(app).store
    for row in section["rows"]:
        assert row["missing"] and set(row["missing"]) <= set(section["by_field"])
        doc = ox.NamedNode(row["document"]["iri"])
        if "title" not in row["missing"]:
            assert store.ask("ASK { ?d <http://purl.org/dc/terms/title> ?t }",
                             substitutions={"d": doc})
        if "url/identifier" in row["missing"]:
            assert not store.ask(
                "ASK { { ?d <http://xmlns.com/foaf/0.1/page> ?x } UNION "
                "{ ?d <http://purl.org/dc/terms/identifier> ?x } }", substitutions={"d": doc})
    assert sum(section["by_field"].values()) == sum(len(r["missing"]) for r in section["rows"])


def test_facts_on_one_source_or_several(quality):
    section = quality["sections"]["single-source"]
    totals = section["totals"]
    assert totals["facts"] == totals["single"] + totals["several"] and totals["several"] > 0
    rows = {r["thing"]["iri"]: r for r in section["rows"]}
    assert rows[ID + "kommun-1439"]["several"] > 0  # Färgelanda's name: many tables agree


def test_shacl_warnings_link_their_focus(quality):
    rows = quality["sections"]["shacl"]["rows"]
    assert all(r["severity"] in ("warning", "info") and r["message"] for r in rows)
    assert all(r["focus"].get("href", "").startswith("/") for r in rows if "iri" in r["focus"])


def test_every_list_links_to_what_it_names(app):
    page = app.test_client().get("/quality?lang=sv")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Datakvalitet</h1>" in html and "ingen period angiven" in html
    hrefs = links(html)
    for expected in ("/id/valideringslyft", "/id/kommun-0128", "/id/kommun-1439",
                     "/graph/ref-fyrbodal-fargelanda-inferred"):
        assert expected in hrefs
    english = app.test_client().get("/quality?lang=en").get_data(as_text=True)
    assert "<h1>Data quality</h1>" in english and "Conflicting claims" in english
    assert "/quality" in links(app.test_client().get("/").get_data(as_text=True))


def test_the_page_runs_its_queries_under_the_endpoint_guard(app):
    """With every query slot taken, the page answers 503 like the endpoint does."""
    slots = app_state(app).sparql.slots
    taken = 0
    while slots.acquire(blocking=False):
        taken += 1
    try:
        busy = app.test_client().get("/quality.json")
    finally:
        for _ in range(taken):
            slots.release()
    assert taken > 0 and busy.status_code == 503 and busy.headers["Retry-After"]


# --------------------------------------------------------------------------- SHACL per version

def grant_store() -> EmbeddedStore:
    kf, rdf = PREFIXES["kf"], PREFIXES["rdf"]
    g = ox.NamedNode("https://w3id.org/kompetensgraf/graph/quality-fixture")
    grant = ox.NamedNode(ID + "bidrag-utan-mottagare")
    quads = [
        ox.Quad(grant, ox.NamedNode(rdf + "type"), ox.NamedNode(kf + "Grant"), g),
        ox.Quad(grant, ox.NamedNode(PREFIXES["rdfs"] + "label"),
                ox.Literal("Bidrag utan mottagare", language="sv"), g),
        ox.Quad(grant, ox.NamedNode(PREFIXES["schema"] + "funder"), ox.NamedNode(ID + "vgr"), g),
    ]
    store = EmbeddedStore()
    store.load(ox.serialize(quads, format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    return store


def test_shacl_runs_once_per_store_version():
    store = grant_store()
    app = create_app({"KG_STORE": "", "TESTING": True}, store=store)
    client = app.test_client()
    first = client.get("/quality.json?lang=en").json["sections"]["shacl"]["rows"]
    assert [r["focus"]["iri"] for r in first] == [ID + "bidrag-utan-mottagare"]
    assert first[0]["severity"] == "warning" and "recipient" in first[0]["message"]
    cached = shacl(app)
    client.get("/quality.json")
    assert shacl(app) is cached  # same version: not validated again
    store.update(f"INSERT DATA {{ GRAPH <https://w3id.org/kompetensgraf/graph/quality-fixture> "
                 f"{{ <{ID}annat-bidrag> a <{PREFIXES['kf']}Grant> }} }}")
    again = client.get("/quality.json?lang=sv").json["sections"]["shacl"]["rows"]
    assert shacl(app) is not cached
    assert {r["focus"]["iri"] for r in again} >= {ID + "bidrag-utan-mottagare", ID + "annat-bidrag"}
    assert any("mottagare" in r["message"] for r in again)  # the Swedish message


# --------------------------------------------------------------------------- over HTTP

def test_served_quality_page(embedded_server):
    with urllib.request.urlopen(embedded_server.url + "/quality.json") as reply:
        data = json.loads(reply.read().decode("utf-8"))
    assert set(data["counts"]) == {"periods", "citations", "single-source", "conflicts",
                                   "inferred", "shacl"}
    assert data["counts"]["conflicts"] > 0 and data["counts"]["inferred"] >= 1
    with urllib.request.urlopen(embedded_server.url + "/quality?lang=en") as reply:
        html = reply.read().decode("utf-8")
    assert "Relations without a stated period" in html and 'href="/id/' in html


# --------------------------------------------------------------------------- other engines

QUALITY = queries.load_dir("quality")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
@pytest.mark.parametrize("query", QUALITY, ids=[q.name for q in QUALITY])
def test_quality_queries_answer_alike_on_every_engine(request, built_store, engine, query):
    """The page works behind the service on Oxigraph server and Virtuoso: same rows."""
    remote = request.getfixturevalue(f"{engine}_engine").open(timeout=300)
    reference = open_store(built_store)
    try:
        mine, theirs = (sorted(tuple(str(v) for v in row.values()) for row in s.select(query.text))
                        for s in (remote, reference))
    finally:
        reference.close()
    assert mine == theirs and theirs
