"""Predeclared prefixes, as on Wikidata's endpoint: a query that forgets ``PREFIX org:`` runs.

Here on the embedded store (pyoxigraph's own ``prefixes=``), for queries and updates; a query's
own declarations win; a prefix nobody declares is a 400 in one readable line; the Service
Description and the README list every predeclared prefix. Requests go to the app in this process
(``fixture_app``) through Flask's test client; SPARQLWrapper talks to a real server. The same on
real engines: tests/test_clients_remote.py.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
import rdflib
from clients_support import BARE_FORBUND, EXPECTED, UNKNOWN, UNKNOWN_LINE
from sparql_support import EX, EXG, call, fixture_app, make_store
from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from graph.namespaces import PREDECLARED, PREFIXES

TOKEN = "prefix-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
SH = rdflib.Namespace(PREFIXES["sh"])
README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    yield from fixture_app(tmp_path_factory.mktemp("client-prefixes"), KG_WORKERS=2,
                           KG_UPDATE_TOKEN=TOKEN)


@pytest.fixture(scope="module")
def server(tmp_path_factory, spawn_server):
    """A real server, for SPARQLWrapper."""
    return spawn_server(make_store(tmp_path_factory.mktemp("client-prefixes")), "--workers",
                        "2", env={"KG_UPDATE_TOKEN": TOKEN})


def sparql(server) -> str:
    return server.url + "/sparql"


SPARQL = "/sparql"


def values(reply, name: str) -> list[str]:
    assert reply.status == 200, reply.text
    return [b[name]["value"] for b in reply.json()["results"]["bindings"]]


def test_a_query_without_prefix_declarations_runs(client):
    reply = call(SPARQL, params={"query": BARE_FORBUND}, client=client)
    assert values(reply, "f") == EXPECTED
    assert "Göteborgsregionens kommunalförbund" in values(reply, "label")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f'ASK {{ <{EX}region-skane> skos:notation "12" }}', True),
        (f'ASK {{ <{EX}fyrbodal> <{EX}members> "14"^^xsd:integer }}', True),
        (f"ASK {{ <{EX}fyrbodal> a org:FormalOrganization }}", True),
        # the query's own declaration wins over the predeclared one
        (f"PREFIX org: <{EX}> ASK {{ <{EX}fyrbodal> a org:FormalOrganization }}", False),
        (f"PREFIX org: <{EX}> ASK {{ <{EX}fyrbodal> org:members 14 }}", True),
    ],
)
def test_predeclared_and_own_prefixes(client, query, expected):
    reply = call(SPARQL, params={"query": query}, client=client)
    assert reply.status == 200, reply.text
    assert reply.json()["boolean"] is expected


def test_graph_queries_and_sparqlwrapper(server):
    client = SPARQLWrapper(sparql(server))
    client.setQuery(BARE_FORBUND)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert [r["f"]["value"] for r in rows] == EXPECTED
    query = (
        "CONSTRUCT { ?c org:unitOf ?f } "
        f"WHERE {{ GRAPH <{EXG}councils> {{ ?c org:unitOf ?f }} }}"
    )
    reply = call(sparql(server), params={"query": query, "format": "nt"})
    assert reply.status == 200, reply.text
    assert len(reply.text.splitlines()) == 2


def test_an_unknown_prefix_is_a_400_in_one_line(client):
    reply = call(SPARQL, params={"query": UNKNOWN}, client=client)
    assert reply.status == 400
    assert reply.text == f"400 Bad Request: {UNKNOWN_LINE}\n"
    query = "SELECT ?s WHERE {\n  ?s a org:X ;\n     x:y ?o }"
    reply = call(SPARQL, params={"query": query}, client=client)
    assert reply.text == (
        '400 Bad Request: unknown prefix "x:" at line 3, column 6 (declare it with PREFIX)\n'
    )
    reply = call(SPARQL, params={"query": UNKNOWN}, headers={"Accept": "application/json"},
                 client=client)
    assert reply.json()["error"]["message"] == UNKNOWN_LINE


def test_sparqlwrapper_shows_the_unknown_prefix(server):
    client = SPARQLWrapper(sparql(server))
    client.setQuery(UNKNOWN)
    with pytest.raises(QueryBadFormed, match=re.escape(UNKNOWN_LINE)):
        client.queryAndConvert()


def update(client, text: str):
    body = urllib.parse.urlencode({"update": text})
    return call(SPARQL, method="POST", data=body, headers={**FORM, **AUTH}, client=client)


def test_updates_use_the_predeclared_prefixes(client):
    graph = f"<{EXG}prefix-notes>"
    applied = update(client, f'INSERT DATA {{ GRAPH {graph} {{ <{EX}a> rdfs:label "å"@sv }} }}')
    assert applied.status == 200, applied.text
    query = f"ASK {{ GRAPH {graph} {{ <{EX}a> <{PREFIXES['rdfs']}label> \"å\"@sv }} }}"
    assert call(SPARQL, params={"query": query}, client=client).json()["boolean"] is True
    text = f"INSERT DATA {{ GRAPH {graph} {{ <{EX}a> foo:b 1 }} }}"
    refused = update(client, text)
    assert refused.status == 400
    assert refused.text == (
        '400 Bad Request: nothing was changed: unknown prefix "foo:" at line 1, '
        f"column {text.index('foo:') + 1} (declare it with PREFIX)\n"
    )


def test_service_description_lists_every_predeclared_prefix(client):
    reply = call(SPARQL, headers={"Accept": "text/turtle"}, client=client)
    assert reply.status == 200
    graph = rdflib.Graph().parse(data=reply.text, format="turtle")
    service = rdflib.URIRef("http://localhost/sparql")
    declared = {
        str(graph.value(d, SH.prefix)): str(graph.value(d, SH.namespace))
        for d in graph.objects(service, SH.declare)
    }
    assert declared == PREDECLARED
    assert {"kf", "kfid", "dct", "dcterms", "prov", "org", "skos", "schema"} <= set(declared)


def test_readme_lists_every_predeclared_prefix():
    text = README.read_text(encoding="utf-8")
    section = text.split("## SPARQL endpoint", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([a-z]+):`", section))
    assert listed >= set(PREDECLARED), set(PREDECLARED) - listed
