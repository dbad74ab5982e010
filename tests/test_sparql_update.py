"""SPARQL 1.1 Update and the Graph Store HTTP Protocol: behind a token, atomic, durable.

Requests and answers against the app in this process (``fixture_app``: its real update process
and query workers), through Flask's test client; SPARQLWrapper and the restarts against real
servers.
"""

from __future__ import annotations

from functools import partial

import pytest
import rdflib
from sparql_support import (
    EX,
    EXG,
    FORM,
    MUNICIPALITIES,
    USER_GRAPH,
    call,
    fixture_app,
    form,
    make_store,
)
from SPARQLWrapper import JSON, POST, SPARQLWrapper

TOKEN = "test-token-not-a-secret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
LOAD_TIMES = (
    "SELECT ?t ?read WHERE { GRAPH ?meta { "
    f"<{USER_GRAPH}> <http://www.w3.org/ns/prov#generatedAtTime> ?t ; "
    "<http://www.w3.org/ns/prov#wasDerivedFrom> ?doc . "
    "?doc <https://w3id.org/kompetensgraf/def#accessed> ?read } }"
)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    yield from fixture_app(tmp_path_factory.mktemp("sparql-update"), KG_UPDATE_TOKEN=TOKEN)


@pytest.fixture(scope="module")
def writable(tmp_path_factory, spawn_server):
    """A real server with updates on, for SPARQLWrapper."""
    root = tmp_path_factory.mktemp("sparql-update-server")
    return spawn_server(make_store(root), env={"KG_UPDATE_TOKEN": TOKEN})


def sparql(server) -> str:
    return server.url + "/sparql"


SPARQL = "/sparql"


def update(text: str, headers: dict | None = None, *, client=None, endpoint=SPARQL):
    """An update to the app (``client``: its test client), or to a server's ``endpoint``."""
    return call(
        endpoint,
        method="POST",
        data=form({"update": text}),
        headers={**FORM, **(headers or {})},
        client=client,
    )


def ask(pattern: str, *, client=None, endpoint=SPARQL) -> bool:
    reply = call(endpoint, params={"query": f"ASK {{ {pattern} }}"}, client=client)
    assert reply.status == 200, reply.text
    return reply.json()["boolean"]


def test_update_needs_the_token(client):
    triple = f'<{EX}a1> <{EX}says> "hej då"'
    text = f"INSERT DATA {{ GRAPH <{EXG}notes> {{ {triple} }} }}"
    missing = update(text, client=client)
    assert missing.status == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert update(text, {"Authorization": "Bearer wrong"}, client=client).status == 403
    assert update(text, {"Authorization": f"Basic {TOKEN}"}, client=client).status == 401
    assert not ask(triple, client=client)
    applied = update(text, AUTH, client=client)
    assert applied.status == 200, applied.text
    assert ask(f"GRAPH <{EXG}notes> {{ {triple} }}", client=client)


def test_update_by_direct_post(client):
    text = f'INSERT DATA {{ GRAPH <{EXG}notes> {{ <{EX}a2> <{EX}says> "å" }} }}'
    reply = call(
        SPARQL,
        method="POST",
        data=text,
        headers={"Content-Type": "application/sparql-update", **AUTH},
        client=client,
    )
    assert reply.status == 200
    assert ask(f'<{EX}a2> <{EX}says> "å"', client=client)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        # the first operation would succeed; the second fails: nothing of it may stay
        (
            f"INSERT DATA {{ GRAPH <{EXG}notes> {{ <{EX}half> <{EX}p> 1 }} }} ; "
            f"CREATE GRAPH <{EXG}regions>",
            "already exists",
        ),
        (
            f"INSERT DATA {{ GRAPH <{EXG}notes> {{ <{EX}half> <{EX}p> 1 }} }} ; INSERT DATA {{ ?x",
            "error",
        ),
    ],
)
def test_a_failed_update_changes_nothing(client, text, says):
    reply = update(text, AUTH, client=client)
    assert reply.status == 400
    assert "nothing was changed" in reply.text and says in reply.text
    assert not ask(f"<{EX}half> ?p ?o", client=client)


def test_using_graph_uri_sets_the_update_dataset(client):
    text = (
        f"INSERT {{ GRAPH <{EXG}copies> {{ ?s <{EX}copied> true }} }} "
        "WHERE { ?s a <http://www.w3.org/ns/org#FormalOrganization> }"
    )
    fields = [("update", text), ("using-graph-uri", EXG + "regions")]
    reply = call(SPARQL, method="POST", data=form(fields), headers={**FORM, **AUTH}, client=client)
    assert reply.status == 200, reply.text
    query = f"SELECT ?s WHERE {{ GRAPH <{EXG}copies> {{ ?s ?p ?o }} }} ORDER BY ?s"
    copied = call(SPARQL, params={"query": query}, client=client).json()["results"]["bindings"]
    assert [b["s"]["value"] for b in copied] == [
        EX + "region-skane",
        EX + "region-vastmanland",
        EX + "vastra-gotalandsregionen",
    ]
    conflict = [("update", f"WITH <{EXG}regions> {text}"), ("using-graph-uri", EXG + "regions")]
    reply = call(
        SPARQL, method="POST", data=form(conflict), headers={**FORM, **AUTH}, client=client
    )
    assert reply.status == 400 and "WITH" in reply.text


def test_an_update_empties_the_cache(client):
    query = {"query": f"SELECT ?o WHERE {{ <{EX}cached> <{EX}p> ?o }}"}
    call(SPARQL, params=query, client=client)
    assert call(SPARQL, params=query, client=client).headers["x-kg-cache"] == "hit"
    assert (
        update(
            f"INSERT DATA {{ GRAPH <{EXG}notes> {{ <{EX}cached> <{EX}p> 7 }} }}",
            AUTH,
            client=client,
        ).status
        == 200
    )
    after = call(SPARQL, params=query, client=client)
    assert after.headers["x-kg-cache"] == "miss"
    assert [b["o"]["value"] for b in after.json()["results"]["bindings"]] == ["7"]


def test_service_description_announces_update(client):
    graph = rdflib.Graph().parse(data=call(SPARQL, client=client).body, format="turtle")
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) in graph


def test_graph_store_protocol(client):
    store = partial(call, "/store", client=client)  # the Graph Store endpoint
    graph = {"graph": EXG + "gsp"}
    turtle = f'<{EX}x> <{EX}name> "Östergötland" .'.encode()
    ttl = {"Content-Type": "text/turtle", **AUTH}
    assert (
        store(
            method="PUT", params=graph, data=turtle, headers={"Content-Type": "text/turtle"}
        ).status
        == 401
    )
    assert store(method="PUT", params=graph, data=turtle, headers=ttl).status == 201
    got = store(params=graph, headers={"Accept": "application/n-triples", **AUTH})
    assert got.status == 200 and "Östergötland" in got.text
    # POST adds, PUT replaces
    more = f'<{EX}y> <{EX}name> "Jämtland" .'.encode()
    assert store(method="POST", params=graph, data=more, headers=ttl).status == 204
    assert ask(f"GRAPH <{EXG}gsp> {{ <{EX}x> ?p ?o . <{EX}y> ?q ?r }}", client=client)
    assert store(method="PUT", params=graph, data=more, headers=ttl).status == 204
    assert not ask(f"GRAPH <{EXG}gsp> {{ <{EX}x> ?p ?o }}", client=client)
    # bad data is refused and changes nothing
    bad = store(method="PUT", params=graph, data=b"<broken", headers=ttl)
    assert bad.status == 400
    assert ask(f"GRAPH <{EXG}gsp> {{ <{EX}y> ?p ?o }}", client=client)
    assert (
        store(
            method="PUT",
            params=graph,
            data=more,
            headers={"Content-Type": "image/png", **AUTH},
        ).status
        == 415
    )
    assert store(headers=AUTH).status == 400  # no target named
    # the default graph is the merge of the named graphs: read, never written itself
    for method in ("PUT", "POST", "DELETE"):
        refused = store(method=method, params={"default": ""}, data=turtle, headers=ttl)
        assert refused.status == 400 and "merge of the named graphs" in refused.text
    default = store(params={"default": ""}, headers={"Accept": "text/turtle", **AUTH})
    assert "Jämtland" in default.text and "Östergötland" not in default.text
    # DELETE
    assert store(method="DELETE", params=graph, headers=AUTH).status == 204
    assert store(params=graph, headers=AUTH).status == 404
    assert store(method="DELETE", params=graph, headers=AUTH).status == 404


def test_sparqlwrapper_update_with_a_token(writable):
    client = SPARQLWrapper(sparql(writable), updateEndpoint=sparql(writable))
    client.addCustomHttpHeader("Authorization", f"Bearer {TOKEN}")
    client.setMethod(POST)
    client.setQuery(f'INSERT DATA {{ GRAPH <{EXG}notes> {{ <{EX}w> <{EX}via> "SPARQLWrapper" }} }}')
    client.query()
    reader = SPARQLWrapper(sparql(writable))
    reader.setQuery(f"SELECT ?v WHERE {{ <{EX}w> <{EX}via> ?v }}")
    reader.setReturnFormat(JSON)
    rows = reader.queryAndConvert()["results"]["bindings"]
    assert [r["v"]["value"] for r in rows] == ["SPARQLWrapper"]


def test_updates_survive_a_restart_and_the_build_stays_pristine(tmp_path, spawn_server):
    store = make_store(tmp_path)
    env = {"KG_UPDATE_TOKEN": TOKEN}
    fact = f'<{EX}durable> <{EX}p> "kvar efter omstart"'
    server = spawn_server(store, "--load", str(MUNICIPALITIES), env=env)
    try:
        assert (
            update(
                f"INSERT DATA {{ GRAPH <{EXG}notes> {{ {fact} }} }}", AUTH, endpoint=sparql(server)
            ).status
            == 200
        )
        assert (
            update(
                f"DELETE WHERE {{ GRAPH <{EXG}regions> {{ <{EX}region-skane> ?p ?o }} }}",
                AUTH,
                endpoint=sparql(server),
            ).status
            == 200
        )
    finally:
        server.stop()
    again = spawn_server(store, "--load", str(MUNICIPALITIES), env=env)
    try:
        assert ask(fact, endpoint=sparql(again))
        assert not ask(f"<{EX}region-skane> ?p ?o", endpoint=sparql(again))
        # the loaded file is loaded again on every start, and described once, not once per start
        loaded = call(sparql(again), params={"query": LOAD_TIMES}).json()["results"]["bindings"]
        assert len(loaded) == 1
        # the day the file was read is the day part of that load time, also stated once
        assert loaded[0]["read"]["value"] == loaded[0]["t"]["value"][:10]
        assert ask(f"GRAPH <{USER_GRAPH}> {{ <{EX}kommun-1480> ?p ?o }}", endpoint=sparql(again))
    finally:
        again.stop()
    # a read-only server of the same build serves the build as it was published
    pristine = spawn_server(store)
    try:
        assert not ask(fact, endpoint=sparql(pristine))
        assert ask(f"<{EX}region-skane> ?p ?o", endpoint=sparql(pristine))
    finally:
        pristine.stop()
    assert (tmp_path / "live").is_dir()  # the live database, beside the store
