"""SPARQL 1.1 Protocol: each request and its answer, from the app `kompetensgraf serve` serves.

The app is made in this process (``fixture_app``: the same factory, its real query workers) over
a small fixture store plus a researcher's file given as ``KG_LOAD`` (``serve --load``), and asked
through Flask's test client; one test at the end runs against ``live_server``, the real server
over the real built project graph, once for each backend.
"""

from __future__ import annotations

import io
import json

import pytest
import rdflib
from rdflib.namespace import Namespace
from sparql_support import (
    EX,
    EXG,
    FORM,
    HOW,
    MUNICIPALITIES,
    USER_GRAPH,
    call,
    fixture_app,
    form,
    select_values,
    send,
)

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{EXG}forbund> {{ ?s ?p ?o }} }}"
FORBUND_TRIPLES = 16


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    root = tmp_path_factory.mktemp("sparql-protocol")
    yield from fixture_app(root, KG_LOAD=[str(MUNICIPALITIES)], KG_WORKERS=2)


SPARQL = "/sparql"


def count(reply) -> int:
    return int(select_values(reply, "n")[0])


# --- the three ways to send a query -------------------------------------------------------------
@pytest.mark.parametrize("how", HOW)
def test_query_by_every_protocol_operation(client, how):
    query = (
        "SELECT ?s WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l "
        'FILTER(STR(?l) = "Västerås") }'
    )
    reply = send(SPARQL, how, query, client=client)
    assert reply.status == 200, reply.text
    assert reply.type == "application/sparql-results+json"
    assert select_values(reply, "s") == [EX + "kommun-1980"]


# --- result formats -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("accept", "fmt", "expected"),
    [
        (None, None, "application/sparql-results+json"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        (
            "text/csv;q=0.2, application/sparql-results+xml;q=0.8",
            None,
            "application/sparql-results+xml",
        ),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "csv", "text/csv"),
        (None, "tsv", "text/tab-separated-values"),
        (None, "xml", "application/sparql-results+xml"),
    ],
)
def test_select_formats(client, accept, fmt, expected):
    params = {"query": LABELS}
    if fmt:
        params["format"] = fmt
    headers = {"Accept": accept} if accept else {}
    reply = call(SPARQL, client=client, params=params, headers=headers)
    assert reply.status == 200, reply.text
    assert reply.type == expected
    assert "Accept" in reply.headers["vary"]
    # every format holds the same rows, parsed by rdflib's own result parsers
    parsed = rdflib.query.Result.parse(
        io.BytesIO(reply.body),
        format={
            "application/sparql-results+json": "json",
            "application/sparql-results+xml": "xml",
            "text/csv": "csv",
            "text/tab-separated-values": "tsv",
        }[expected],
    )
    labels = {str(row[1]) for row in parsed}
    assert {"Göteborg", "Fyrbodals kommunalförbund", "Region Skåne"} <= labels


@pytest.mark.parametrize(
    ("accept", "fmt", "expected", "rdflib_format"),
    [
        (None, None, "text/turtle", "turtle"),
        ("text/turtle", None, "text/turtle", "turtle"),
        ("application/n-triples", None, "application/n-triples", "nt"),
        ("application/rdf+xml", None, "application/rdf+xml", "xml"),
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        ("application/trig", None, "application/trig", "trig"),
        ("application/n-quads", None, "application/n-quads", "nquads"),
        (None, "jsonld", "application/ld+json", "json-ld"),
        (None, "nt", "application/n-triples", "nt"),
    ],
)
def test_construct_formats(client, accept, fmt, expected, rdflib_format):
    params = {"query": CONSTRUCT}
    if fmt:
        params["format"] = fmt
    reply = call(SPARQL, client=client, params=params, headers={"Accept": accept} if accept else {})
    assert reply.status == 200, reply.text
    assert reply.type == expected
    graph = rdflib.Dataset() if rdflib_format in ("trig", "nquads") else rdflib.Graph()
    graph.parse(data=reply.body, format=rdflib_format)
    assert len(graph) == FORBUND_TRIPLES
    assert (
        rdflib.URIRef(EX + "skaraborg"),
        rdflib.RDFS.label,
        rdflib.Literal("Skaraborgs kommunalförbund", lang="sv"),
    ) in graph


def test_describe(client):
    reply = call(
        SPARQL,
        client=client,
        params={"query": f"DESCRIBE <{EX}fyrbodal>"},
        headers={"Accept": "application/n-triples"},
    )
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.body, format="nt")
    assert (rdflib.URIRef(EX + "fyrbodal"), None, None) in graph


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        (f"ASK {{ <{EX}fyrbodal> ?p ?o }}", None, True),
        ("ASK { ?s ?p <https://example.org/nothing> }", None, False),
        (f"ASK {{ <{EX}fyrbodal> ?p ?o }}", "application/sparql-results+xml", True),
    ],
)
def test_ask(client, query, accept, expected):
    reply = call(
        SPARQL, client=client, params={"query": query}, headers={"Accept": accept} if accept else {}
    )
    assert reply.status == 200
    result = rdflib.query.Result.parse(io.BytesIO(reply.body), format="xml" if accept else "json")
    assert result.askAnswer is expected


# --- the dataset --------------------------------------------------------------------------------
def test_default_graph_is_the_union_of_named_graphs(client):
    union = count(call(SPARQL, client=client, params={"query": COUNT}))
    per_graph = count(
        call(
            SPARQL,
            client=client,
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
        )
    )
    assert union == per_graph > FORBUND_TRIPLES


@pytest.mark.parametrize("how", HOW)
def test_default_graph_uri(client, how):
    params = [("default-graph-uri", EXG + "forbund"), ("default-graph-uri", EXG + "councils")]
    reply = send(SPARQL, how, COUNT, params, client=client)
    assert reply.status == 200, reply.text
    assert count(reply) == FORBUND_TRIPLES + 7


def test_named_graph_uri_restricts_graph_and_empties_default(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    reply = call(SPARQL, client=client, params={"query": query, "named-graph-uri": EXG + "regions"})
    assert select_values(reply, "g") == [EXG + "regions"]
    reply = call(SPARQL, client=client, params={"query": COUNT, "named-graph-uri": EXG + "regions"})
    assert count(reply) == 0


def test_loaded_file_is_in_a_named_graph_of_its_own(client):
    query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    reply = call(SPARQL, client=client, params={"query": query, "named-graph-uri": USER_GRAPH})
    assert count(reply) == 12


# --- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "params", "data", "headers", "status", "says"),
    [
        ("GET", {"query": "SELEKT * WHERE { ?s ?p ?o }"}, None, {}, 400, "error"),
        (
            "POST",
            None,
            "SELECT * WHERE { ?s ?p ",
            {"Content-Type": "application/sparql-query"},
            400,
            "error",
        ),
        ("GET", [("query", "ASK {}"), ("query", "ASK {}")], None, {}, 400, "more than once"),
        (
            "POST",
            None,
            form([("query", "ASK {}"), ("query", "ASK {}")]),
            FORM,
            400,
            "more than once",
        ),
        (
            "POST",
            {"query": "ASK {}"},
            "ASK {}",
            {"Content-Type": "application/sparql-query"},
            400,
            "more than once",
        ),
        ("POST", None, form({}), FORM, 400, "no `query`"),
        ("POST", None, "ASK {}", {"Content-Type": "text/plain"}, 415, "unsupported content type"),
        ("POST", None, b"query=ASK+%7B%7D", {"Content-Type": ""}, 415, "content type"),
        ("PUT", {"query": "ASK {}"}, "", {}, 405, "PUT"),
        ("DELETE", None, None, {}, 405, "DELETE"),
        ("GET", {"query": "ASK {}"}, None, {"Accept": "image/png"}, 406, "available"),
        ("GET", {"query": LABELS, "format": "bogus"}, None, {}, 406, 'format "bogus"'),
        ("GET", {"query": LABELS, "format": "html"}, None, {}, 406, "accepted values: csv"),
        (
            "GET",
            {"query": CONSTRUCT},
            None,
            {"Accept": "application/sparql-results+json"},
            406,
            "available",
        ),
        (
            "POST",
            None,
            b"\xff\xfe ASK {}",
            {"Content-Type": "application/sparql-query"},
            400,
            "utf-8",
        ),
        (
            "POST",
            None,
            "ASK {}".encode("utf-16"),
            {"Content-Type": "application/sparql-query; charset=UTF-16"},
            400,
            "UTF-8",
        ),
        ("GET", {"update": "CLEAR ALL"}, None, {}, 405, "POST"),
        ("GET", {"query": "CLEAR ALL"}, None, {}, 400, "Update"),
        ("GET", {"query": "ASK {}", "timeout": "soon"}, None, {}, 400, "timeout"),
    ],
)
def test_protocol_errors(client, method, params, data, headers, status, says):
    reply = call(SPARQL, client=client, method=method, params=params, data=data, headers=headers)
    assert reply.status == status, reply.text
    assert says.lower() in reply.text.lower()
    assert reply.type == "text/plain"


def test_parser_message_reaches_the_client(client):
    reply = call(SPARQL, client=client, params={"query": "SELECT * WHERE { ?s ?p ?o "})
    assert reply.status == 400
    # the parser's position and what it expected, in one line (no character classes)
    assert reply.text.startswith("400 Bad Request: syntax error at line 1, column 27: expected ")
    assert '"}"' in reply.text and "[" not in reply.text and reply.text.count("\n") == 1


def test_error_is_json_when_json_is_asked_for(client):
    reply = call(
        SPARQL, client=client, params={"query": "SELEKT"}, headers={"Accept": "application/json"}
    )
    assert reply.status == 400
    assert reply.type == "application/json"
    error = reply.json()["error"]
    assert error["status"] == 400 and error["title"] == "Bad Request" and error["message"]


def test_read_only_endpoint_refuses_updates(client):
    update = f"INSERT DATA {{ GRAPH <{EXG}x> {{ <{EX}a> <{EX}b> <{EX}c> }} }}"
    reply = call(SPARQL, client=client, method="POST", data=form({"update": update}), headers=FORM)
    assert reply.status == 403
    assert "read-only" in reply.text
    reply = call("/store", params={"default": ""}, client=client)
    assert reply.status == 404


# --- HEAD, CORS, service description ------------------------------------------------------------
def test_head(client):
    get = call(SPARQL, client=client, params={"query": LABELS})
    head = call(SPARQL, client=client, method="HEAD", params={"query": LABELS})
    assert head.status == 200 and head.body == b""
    assert head.type == get.type
    assert call(SPARQL, client=client, method="HEAD").status == 200


def test_cors(client):
    assert (
        call(SPARQL, client=client, params={"query": "ASK {}"}).headers[
            "access-control-allow-origin"
        ]
        == "*"
    )
    preflight = call(
        SPARQL,
        client=client,
        method="OPTIONS",
        headers={
            "Origin": "https://yasgui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status in (200, 204)
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [(None, "turtle"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")],
)
def test_service_description(client, accept, fmt):
    reply = call(SPARQL, client=client, headers={"Accept": accept} if accept else {})
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.body, format=fmt)
    service = graph.value(predicate=rdflib.RDF.type, object=SD.Service)
    assert service is not None
    assert str(graph.value(service, SD.endpoint)) == "http://localhost/sparql"
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Update) not in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    formats = {str(o) for o in graph.objects(service, SD.resultFormat)}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    names = {str(n) for n in graph.objects(None, SD.name)}
    assert {EXG + "forbund", EXG + "councils", EXG + "regions", USER_GRAPH} <= names


# --- the real project graph ---------------------------------------------------------------------
def test_live_server_answers_on_the_built_graph(live_server):
    url = live_server.url + "/sparql"
    reply = call(
        url, params={"query": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}
    )
    assert reply.status == 200
    graphs = count(reply)
    description = rdflib.Graph().parse(data=call(url).body, format="turtle")
    assert len(set(description.objects(None, SD.name))) == graphs > 0
    query = (
        "PREFIX kfg: <https://w3id.org/kompetensgraf/graph/> "
        "ASK { GRAPH kfg:ontology { ?s ?p ?o } }"
    )
    assert call(url, params={"query": query}).json()["boolean"] is True
    csv = call(
        url,
        params={
            "query": "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/"
            'rdf-schema#label> ?l FILTER(CONTAINS(?l, "ö")) } LIMIT 5',
            "format": "csv",
        },
    )
    assert csv.status == 200 and "ö" in csv.text
    assert json.loads(call(url, params={"query": "ASK {}"}).body) == {"head": {}, "boolean": True}
