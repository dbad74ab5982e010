"""Labels where people read: catalogue CSV and JSON carry labels beside IRIs in the page's
language; who-states and source-statements are labelled in SPARQL too, locators included; an
inferred membership (Färgelanda in Fyrbodal) says so wherever it is shown; relations without a
period say so. In-process over the built project graph."""

from __future__ import annotations

import csv
import io

import pytest

from graph import queries
from service.app import create_app
from service.state import app_state

ID = "https://w3id.org/kompetensgraf/id/"
FYRBODAL = ID + "fyrbodals-kommunalforbund"
FARGELANDA = ID + "kommun-1439"


@pytest.fixture(scope="module")
def client(built_store):
    app = create_app({"KG_STORE": str(built_store), "TESTING": True})
    yield app.test_client()
    app_state(app).sparql.close()


def table(answer) -> list[dict]:
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))


def test_every_iri_column_has_a_label_column_in_the_page_language(client):
    sv = table(client.get("/queries/disagreements.csv?lang=sv"))
    en = table(client.get("/queries/disagreements.csv?lang=en"))
    iri_columns = [c for c in sv[0] if any(r[c].startswith("https://") for r in sv)]
    assert {"subject", "property", "source1", "source2"} <= set(iri_columns)
    for column in iri_columns:
        assert f"{column}Label" in sv[0]
    count = "https://w3id.org/kompetensgraf/def#statedParticipantCount"
    sv_label = {r["propertyLabel"] for r in sv if r["property"] == count}
    en_label = {r["propertyLabel"] for r in en if r["property"] == count}
    assert sv_label and en_label and sv_label != en_label  # the page's language
    assert all(r["source1Label"] and r["source2Label"] for r in sv)  # documents by title
    data = client.get("/queries/disagreements.json?lang=en").json
    assert all(f"{c}Label" in data["columns"] for c in iri_columns)
    assert data["rows"][0]["propertyLabel"]["xml:lang"] in ("en", "sv")


def test_who_states_carries_labels_and_locators_in_both_languages(client):
    sv = table(client.get("/queries/who-states.csv?thing=kfid:valideringslyft&lang=sv"))
    en = table(client.get("/queries/who-states.csv?thing=kfid:valideringslyft&lang=en"))
    for rows in (sv, en):
        assert rows and all(r["sourceLabel"] and r["graphLabel"] and r["thingLabel"]
                            for r in rows)
    sv_loc = {r["graph"]: r["locator"] for r in sv}
    en_loc = {r["graph"]: r["locator"] for r in en}
    seed = [g for g in sv_loc if "vastmanland-validering--" in g]
    assert seed and all(sv_loc[g].startswith("Avsnitt") for g in seed)  # Swedish locators
    assert all(en_loc[g].startswith("Section") for g in seed)
    # without the parameter the catalogue page binds the page's language
    cookie = table(client.get("/queries/who-states.csv?thing=kfid:valideringslyft&lang=en"))
    assert {r["lang"] for r in cookie} == {"en"}


def test_who_states_runs_with_its_labels_outside_the_service(built_store):
    """The labels are in the query itself: a researcher's own engine gets them too."""
    from graph.backends import open_store

    store = open_store(built_store, read_only=True)
    try:
        qf = queries.load(queries.QUERIES / "catalogue" / "source-statements.rq")
        rows = store.select(qf.text, substitutions=qf.bind({"lang": "en"}))
    finally:
        store.close()
    assert rows and all("sourceLabel" in r and "graphLabel" in r for r in rows)
    predicates = {r["predicate"].value: r.get("predicateLabel") for r in rows}
    assert predicates["https://w3id.org/kompetensgraf/def#participant"].value == "participant"


def test_the_inferred_membership_is_marked_in_catalogue_csv_and_json(client):
    rows = table(client.get("/queries/forbund-municipalities.csv?forbund=kfid:fyrbodals-"
                            "kommunalforbund&lang=sv"))
    marked = {r["municipality"]: r["inferred"] for r in rows}
    assert marked[FARGELANDA] == "true"
    assert {v for k, v in marked.items() if k != FARGELANDA} == {"false"}
    data = client.get("/queries/municipality-profile.json?municipality=kfid:kommun-1439").json
    assert "inferred" in data["columns"]
    assert any(r["inferred"]["value"] == "true" for r in data["rows"])
    gr = table(client.get("/queries/forbund-municipalities.csv?forbund=kfid:goteborgsregionens-"
                          "kommunalforbund"))
    assert "inferred" not in gr[0]  # nothing inferred there: no column


def test_the_inferred_membership_is_marked_on_pages_and_network_downloads(client):
    page = client.get("/id/kommun-1439?lang=sv").get_data(as_text=True)
    assert 'class="badge inferred"' in page and ">slutsats</a>" in page
    english = client.get("/network/kommun-1439?lang=en").get_data(as_text=True)
    assert ">inference</a>" in english
    edges = table(client.get("/network/kommun-1439.csv"))
    (membership,) = [e for e in edges if e["target"] == FYRBODAL
                     and e["relation"] == "http://www.w3.org/ns/org#Membership"]
    assert membership["inferred"] == "true"
    assert {e["inferred"] for e in edges if e is not membership} <= {"false"}
    data = client.get("/network/fyrbodals-kommunalforbund.json").json
    inferred = [e for e in data["edges"] if e["inferred"]]
    assert [(e["source"], e["target"]) for e in inferred] == [(FARGELANDA, FYRBODAL)]


def test_relations_without_a_period_say_so(client):
    sv = client.get("/id/kommun-1439?lang=sv").get_data(as_text=True)
    en = client.get("/network/kommun-1439?lang=en").get_data(as_text=True)
    assert "ingen period angiven" in sv
    assert "no period stated" in en


def test_a_relation_page_says_when_no_period_is_stated(client):
    page = client.get("/id/membership-fyrbodals-kommunalforbund-kommun-1439?lang=sv")
    html = page.get_data(as_text=True)
    assert 'id="h-valid"' in html and "ingen period angiven" in html and ">slutsats</a>" in html
    edges = client.get("/network/valideringslyft.json").json["edges"]
    dated = [e for e in edges if e["start"] and "valideringslyft" in (e["source"] + e["target"])]
    assert dated  # a relation with its period shows the period
    page = client.get("/id/valideringslyft?lang=sv").get_data(as_text=True)
    assert f"{dated[0]['start']}–" in page
