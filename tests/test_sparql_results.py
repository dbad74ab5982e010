"""How an answer is written: SPARQL JSON by pyoxigraph's native writer (the fast path) or row by
row with the cap, and both mean the same. These call :func:`service.sparql.results.evaluate`
directly on a real in-memory store; the endpoint tests check the same over HTTP."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
import rdflib

from graph.embedded import EmbeddedStore
from graph.merge import resync
from graph.store import QueryError
from service.sparql import results as sparql_results
from service.sparql.results import Job, evaluate

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


# --- every form in every format ----------------------------------------------------------------
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}


def _rdflib_term(term) -> dict:
    """An rdflib term in the shape of SPARQL JSON (as :func:`bindings` leaves it)."""
    if isinstance(term, rdflib.BNode):
        return {"type": "bnode", "value": "_"}
    if isinstance(term, rdflib.URIRef):
        return {"type": "uri", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and str(term.datatype) != XSD_STRING:
        out["datatype"] = str(term.datatype)
    return out


def result_set_rows(body: bytes, media_type: str) -> tuple[list[str], list[dict]]:
    """The variables and the rows (in ``rs:index`` order) of a result set written as RDF."""
    data = rdflib.Dataset()
    data.parse(data=body.decode("utf-8"), format=RDFLIB_FORMATS[media_type])
    graph = rdflib.Graph()
    for triple in data.triples((None, None, None)):
        graph.add(triple)
    ns = rdflib.Namespace(RS)
    (result_set,) = graph.subjects(rdflib.RDF.type, ns.ResultSet)
    names = sorted(str(v) for v in graph.objects(result_set, ns.resultVariable))
    solutions = sorted(
        graph.objects(result_set, ns.solution), key=lambda s: graph.value(s, ns["index"])
    )
    rows = []
    for solution in solutions:
        row = {}
        for binding in graph.objects(solution, ns.binding):
            name = str(graph.value(binding, ns.variable))
            row[name] = _rdflib_term(graph.value(binding, ns.value))
        rows.append(row)
    return names, rows


XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@pytest.mark.parametrize("media_type", list(sparql_results.GRAPH_TYPES))
@pytest.mark.parametrize("query", QUERIES)
def test_a_select_answer_as_rdf_means_what_the_json_answer_means(store, query, media_type):
    expected = json.loads(evaluate(store, Job(query)).body)
    answer = evaluate(store, Job(query, result_type=media_type))
    assert answer.media_type == media_type and answer.rows == len(expected["results"]["bindings"])
    names, rows = result_set_rows(answer.body, media_type)
    assert names == sorted(expected["head"]["vars"])
    assert rows == bindings(json.dumps(expected).encode())


def test_a_select_answer_as_rdf_is_capped(store):
    answer = evaluate(store, Job(QUERIES[0], result_type="text/turtle", max_rows=5))
    assert answer.truncated and answer.rows == 5
    assert len(result_set_rows(answer.body, "text/turtle")[1]) == 5


@pytest.mark.parametrize("media_type", list(sparql_results.GRAPH_TYPES))
@pytest.mark.parametrize("value", [True, False])
def test_an_ask_answer_as_rdf(store, media_type, value):
    query = "ASK { ?s ?p ?o }" if value else "ASK { ?s <http://example.org/none> ?o }"
    answer = evaluate(store, Job(query, result_type=media_type))
    data = rdflib.Dataset()
    data.parse(data=answer.body.decode("utf-8"), format=RDFLIB_FORMATS[media_type])
    (found,) = [o for _, _, o, _ in data.quads((None, rdflib.URIRef(RS + "boolean"), None))]
    assert found.toPython() is value


CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } ORDER BY ?s ?p"


@pytest.mark.parametrize("media_type", ["text/csv", "text/tab-separated-values"])
def test_a_graph_answer_as_a_table(store, media_type):
    expected = {tuple(t) for t in store.query(CONSTRUCT)}
    answer = evaluate(store, Job(CONSTRUCT, graph_type=media_type))
    assert answer.media_type == media_type and answer.rows == len(expected)
    text = answer.body.decode("utf-8")
    if media_type == "text/csv":
        header, *rows = list(csv.reader(io.StringIO(text)))
        assert header == ["subject", "predicate", "object"]
        assert {r[0] for r in rows} == {str(t[0].value) if isinstance(t[0], ox.NamedNode)
                                        else f"_:{t[0].value}" for t in expected}
        assert ["http://example.org/aktör-01", "http://example.org/label", "Västerås 1"] in rows
    else:
        header, *lines = text.splitlines()
        assert header == "?subject\t?predicate\t?object"
        assert set(lines) == {"\t".join(str(term) for term in t) for t in expected}
    capped = evaluate(store, Job(CONSTRUCT, graph_type=media_type, max_rows=3))
    assert capped.truncated and capped.rows == 3
    assert len(capped.body.decode("utf-8").splitlines()) == 4


# --- predeclared prefixes ------------------------------------------------------------------------
def test_predeclared_prefixes_and_the_querys_own(store):
    prefixes = {"ex": EX, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ex:label ?l }"
    answer = json.loads(evaluate(store, Job(query, prefixes=prefixes)).body)
    assert answer["results"]["bindings"][0]["n"]["value"] == str(ROWS)
    own = "PREFIX ex: <http://example.org/other/> " + query
    answer = json.loads(evaluate(store, Job(own, prefixes=prefixes)).body)
    assert answer["results"]["bindings"][0]["n"]["value"] == "0"
    with pytest.raises(QueryError) as raised:
        evaluate(store, Job(query))  # no prefixes given: ex: is unknown
    assert str(raised.value) == (
        'unknown prefix "ex:" at line 1, column 36 (declare it with PREFIX)'
    )
