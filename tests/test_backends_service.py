"""The service over every backend: the embedded store, Oxigraph server, Virtuoso.

Each engine is fresh, loaded with ``kompetensgraf build --target`` from the project's sources and
then served by ``kompetensgraf serve --endpoint …``; the answers must be those of the embedded
store built from the same sources (``built_store``), asked directly.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
import rdflib
from conftest import start_server
from rdflib.compare import isomorphic
from SPARQLWrapper import JSON, SPARQLWrapper

from graph.backends import open_store

PER_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
LABELS_WITH_O = (
    "SELECT DISTINCT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
    "FILTER(CONTAINS(STR(?label), 'ö')) }"
)
REGION = (
    "SELECT ?s WHERE { ?s a <https://w3id.org/kompetensgraf/def#Region> } ORDER BY ?s LIMIT 1"
)


@pytest.fixture(scope="module")
def reference(built_store):
    store = open_store(built_store)
    yield store
    store.close()


def get(server, query: str, accept: str = "application/sparql-results+json") -> bytes:
    url = server.url + "/sparql?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.read()


def solutions(server, query: str) -> set[tuple]:
    data = json.loads(get(server, query))
    names = data["head"]["vars"]
    bindings = data["results"]["bindings"]
    return {tuple(row.get(n, {}).get("value") for n in names) for row in bindings}


def expected(store, query: str) -> set[tuple]:
    result = store.query(query)
    names = [v.value for v in result.variables]
    return {tuple(None if s[n] is None else s[n].value for n in names) for s in result}


def test_every_named_graph_arrives_with_all_its_triples(backend_server, reference):
    assert solutions(backend_server, PER_GRAPH) == expected(reference, PER_GRAPH)


def test_swedish_characters_survive_every_backend(backend_server, reference):
    found = solutions(backend_server, LABELS_WITH_O)
    assert found and found == expected(reference, LABELS_WITH_O)


def test_describe_gives_the_same_description(backend_server, reference):
    iri = next(iter(reference.query(REGION)))["s"].value
    body = get(backend_server, f"DESCRIBE <{iri}>", "text/turtle")
    mine = rdflib.Graph().parse(data=body, format="turtle")
    theirs = reference.query(f"DESCRIBE <{iri}>").serialize(format=ox.RdfFormat.N_TRIPLES)
    assert len(mine) > 0 and isomorphic(mine, rdflib.Graph().parse(data=theirs, format="nt"))


def test_a_malformed_query_is_a_400_with_the_parsers_message(backend_server):
    with pytest.raises(urllib.error.HTTPError) as caught:
        get(backend_server, "SELECT ?x WHERE { ?x ?p }")
    assert caught.value.code == 400
    assert caught.value.read().strip()
    caught.value.close()


def test_sparqlwrapper_reads_the_service_on_every_backend(backend_server, reference):
    client = SPARQLWrapper(backend_server.url + "/sparql")
    client.setQuery(PER_GRAPH)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert {(r["g"]["value"], r["n"]["value"]) for r in rows} == expected(reference, PER_GRAPH)


def test_a_query_past_the_time_limit_is_a_504_on_every_backend(backend_server):
    """The embedded store kills its worker; an engine stops at its own limit or ours."""
    heavy = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"
    )
    url = backend_server.url + "/sparql?" + urllib.parse.urlencode({"query": heavy, "timeout": 2})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=120)
    assert caught.value.code == 504
    caught.value.close()


@pytest.mark.parametrize("name", ["oxigraph", "virtuoso"])
def test_updates_through_the_service_reach_the_engine(name, request, built_store, tmp_path):
    engine = request.getfixturevalue(f"{name}_engine")
    token = f"test-token-{name}"  # a throw-away value for this loopback server, not a secret
    server = start_server(built_store, tmp_path / "server.log", *engine.cli_options(),
                          env={**engine.env, "KG_UPDATE_TOKEN": token})
    graph = "https://w3id.org/kompetensgraf/graph/test-uppdatering-via-tjansten"
    update = f'INSERT DATA {{ GRAPH <{graph}> {{ <urn:x:a> <urn:x:b> "ändrad"@sv }} }}'

    def post(headers):
        body = urllib.parse.urlencode({"update": update}).encode()
        req = urllib.request.Request(server.url + "/sparql", data=body, headers=headers)
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status

    try:
        with pytest.raises(urllib.error.HTTPError) as caught:
            post({})
        assert caught.value.code == 401
        caught.value.close()
        assert post({"Authorization": f"Bearer {token}"}) in (200, 204)
        assert json.loads(get(server, 'ASK { ?s <urn:x:b> "ändrad"@sv }'))["boolean"] is True
        assert graph in engine.open().named_graphs()
    finally:
        engine.open(read_only=False).remove_graph(graph)
        server.stop()
