"""How an answer is written: SPARQL JSON by pyoxigraph's native writer (the fast path) or row by
row with the cap, and both mean the same. These call :func:`service.sparql_results.evaluate`
directly on a real in-memory store; the endpoint tests check the same over HTTP."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from graph.merge import resync
from graph.store import EmbeddedStore
from service import sparql_results
from service.sparql_results import Job, evaluate

EX = "http://example.org/"
ROWS = 12
QUERIES = [
    "SELECT ?s ?label ?n WHERE { ?s <http://example.org/label> ?label "
    "OPTIONAL { ?s <http://example.org/n> ?n } } ORDER BY ?s",
    "SELECT ?b WHERE { ?b <http://example.org/kind> ?k }",
    "SELECT (COUNT(*) AS ?c) WHERE { ?s ?p ?o }",
]


@pytest.fixture(scope="module")
def store():
    store = EmbeddedStore()
    for i in range(ROWS):
        s = ox.NamedNode(f"{EX}aktör-{i:02}")
        g = ox.NamedNode(f"{EX}graf")
        store.raw.add(
            ox.Quad(s, ox.NamedNode(f"{EX}label"), ox.Literal(f"Västerås {i}", language="sv"), g)
        )
        if i % 2:
            store.raw.add(ox.Quad(s, ox.NamedNode(f"{EX}n"), ox.Literal(i), g))
    store.raw.add(
        ox.Quad(
            ox.BlankNode("b1"),
            ox.NamedNode(f"{EX}kind"),
            ox.Literal("x"),
            ox.NamedNode(f"{EX}graf"),
        )
    )
    store.raw.update(resync())  # the default graph: the merge, as a build has it
    return store


def bindings(body: bytes) -> list[dict]:
    rows = json.loads(body)["results"]["bindings"]
    for row in rows:  # blank node labels are the writer's own
        for term in row.values():
            if term["type"] == "bnode":
                term["value"] = "_"
    return rows


@pytest.mark.parametrize("query", QUERIES)
def test_the_native_json_writer_means_what_the_row_writer_means(store, query):
    fast = sparql_results._native_json(store.query(query), 10_000)
    assert fast is not None  # small enough for the fast path
    assert evaluate(store, Job(query)).body == fast.body  # which evaluate takes
    slow = sparql_results._solutions(store.query(query), sparql_results.JSON, 10_000)
    assert fast.media_type == slow.media_type == "application/sparql-results+json"
    assert fast.rows == slow.rows and not fast.truncated
    assert json.loads(fast.body)["head"] == json.loads(slow.body)["head"]
    assert bindings(fast.body) == bindings(slow.body)
    assert "Västerås".encode() in fast.body or "label" not in query


def test_exactly_the_cap_is_whole_and_one_more_is_truncated(store):
    query = QUERIES[0]
    whole = evaluate(store, Job(query, max_rows=ROWS))
    assert whole.rows == ROWS and not whole.truncated
    assert "truncated" not in json.loads(whole.body)
    cut = evaluate(store, Job(query, max_rows=ROWS - 1))
    assert cut.rows == ROWS - 1 and cut.truncated
    body = json.loads(cut.body)
    assert body["truncated"] is True and body["rowLimit"] == ROWS - 1
    assert len(body["results"]["bindings"]) == ROWS - 1


def test_an_answer_larger_than_the_fast_path_takes_is_still_whole(store, monkeypatch):
    query = QUERIES[0]
    expected = evaluate(store, Job(query))
    monkeypatch.setattr(sparql_results, "NATIVE_BYTES", 64)
    again = evaluate(store, Job(query))
    assert again.rows == expected.rows == ROWS and not again.truncated
    assert bindings(again.body) == bindings(expected.body)
