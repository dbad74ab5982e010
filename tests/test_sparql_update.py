"""SPARQL 1.1 Update and the Graph Store HTTP Protocol: behind a token, atomic, durable."""

from __future__ import annotations

import pytest
import rdflib
from conftest import start_server
from sparql_support import EX, EXG, FORM, MUNICIPALITIES, USER_GRAPH, call, form, make_store
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
def writable(tmp_path_factory):
    root = tmp_path_factory.mktemp("sparql-update")
    server = start_server(make_store(root), root / "server.log", env={"KG_UPDATE_TOKEN": TOKEN})
    yield server
    server.stop()


def sparql(server) -> str:
    return server.url + "/sparql"


def update(server, text: str, headers: dict | None = None):
    return call(
        sparql(server),
        method="POST",
        data=form({"update": text}),
        headers={**FORM, **(headers or {})},
    )


def ask(server, pattern: str) -> bool:
    reply = call(sparql(server), params={"query": f"ASK {{ {pattern} }}"})
    assert reply.status == 200, reply.text
    return reply.json()["boolean"]


def test_update_needs_the_token(writable):
    triple = f'<{EX}a1> <{EX}says> "hej då"'
    text = f"INSERT DATA {{ GRAPH <{EXG}notes> {{ {triple} }} }}"
    missing = update(writable, text)
    assert missing.status == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert update(writable, text, {"Authorization": "Bearer wrong"}).status == 403
    assert update(writable, text, {"Authorization": f"Basic {TOKEN}"}).status == 401
    assert not ask(writable, triple)
    applied = update(writable, text, AUTH)
    assert applied.status == 200, applied.text
    assert ask(writable, f"GRAPH <{EXG}notes> {{ {triple} }}")


def test_update_by_direct_post(writable):
    text = f'INSERT DATA {{ GRAPH <{EXG}notes> {{ <{EX}a2> <{EX}says> "å" }} }}'
    reply = call(
        sparql(writable),
        method="POST",
        data=text,
        headers={"Content-Type": "application/sparql-update", **AUTH},
    )
    assert reply.status == 200
    assert ask(writable, f'<{EX}a2> <{EX}says> "å"')


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
def test_a_failed_update_changes_nothing(writable, text, says):
    reply = update(writable, text, AUTH)
    assert reply.status == 400
    assert "nothing was changed" in reply.text and says in reply.text
    assert not ask(writable, f"<{EX}half> ?p ?o")


def test_using_graph_uri_sets_the_update_dataset(writable):
    text = (
        f"INSERT {{ GRAPH <{EXG}copies> {{ ?s <{EX}copied> true }} }} "
        "WHERE { ?s a <http://www.w3.org/ns/org#FormalOrganization> }"
    )
    fields = [("update", text), ("using-graph-uri", EXG + "regions")]
    reply = call(sparql(writable), method="POST", data=form(fields), headers={**FORM, **AUTH})
    assert reply.status == 200, reply.text
    query = f"SELECT ?s WHERE {{ GRAPH <{EXG}copies> {{ ?s ?p ?o }} }} ORDER BY ?s"
    copied = call(sparql(writable), params={"query": query}).json()["results"]["bindings"]
    assert [b["s"]["value"] for b in copied] == [
        EX + "region-skane",
        EX + "region-vastmanland",
        EX + "vastra-gotalandsregionen",
    ]
    conflict = [("update", f"WITH <{EXG}regions> {text}"), ("using-graph-uri", EXG + "regions")]
    reply = call(sparql(writable), method="POST", data=form(conflict), headers={**FORM, **AUTH})
    assert reply.status == 400 and "WITH" in reply.text


def test_an_update_empties_the_cache(writable):
    query = {"query": f"SELECT ?o WHERE {{ <{EX}cached> <{EX}p> ?o }}"}
    call(sparql(writable), params=query)
    assert call(sparql(writable), params=query).headers["x-kg-cache"] == "hit"
    assert (
        update(
            writable, f"INSERT DATA {{ GRAPH <{EXG}notes> {{ <{EX}cached> <{EX}p> 7 }} }}", AUTH
        ).status
        == 200
    )
    after = call(sparql(writable), params=query)
    assert after.headers["x-kg-cache"] == "miss"
    assert [b["o"]["value"] for b in after.json()["results"]["bindings"]] == ["7"]


def test_service_description_announces_update(writable):
    graph = rdflib.Graph().parse(data=call(sparql(writable)).body, format="turtle")
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) in graph


def test_graph_store_protocol(writable):
    store = writable.url + "/store"
    graph = {"graph": EXG + "gsp"}
    turtle = f'<{EX}x> <{EX}name> "Östergötland" .'.encode()
    ttl = {"Content-Type": "text/turtle", **AUTH}
    assert (
        call(
            store, method="PUT", params=graph, data=turtle, headers={"Content-Type": "text/turtle"}
        ).status
        == 401
    )
    assert call(store, method="PUT", params=graph, data=turtle, headers=ttl).status == 201
    got = call(store, params=graph, headers={"Accept": "application/n-triples", **AUTH})
    assert got.status == 200 and "Östergötland" in got.text
    # POST adds, PUT replaces
    more = f'<{EX}y> <{EX}name> "Jämtland" .'.encode()
    assert call(store, method="POST", params=graph, data=more, headers=ttl).status == 204
    assert ask(writable, f"GRAPH <{EXG}gsp> {{ <{EX}x> ?p ?o . <{EX}y> ?q ?r }}")
    assert call(store, method="PUT", params=graph, data=more, headers=ttl).status == 204
    assert not ask(writable, f"GRAPH <{EXG}gsp> {{ <{EX}x> ?p ?o }}")
    # bad data is refused and changes nothing
    bad = call(store, method="PUT", params=graph, data=b"<broken", headers=ttl)
    assert bad.status == 400
    assert ask(writable, f"GRAPH <{EXG}gsp> {{ <{EX}y> ?p ?o }}")
    assert (
        call(
            store,
            method="PUT",
            params=graph,
            data=more,
            headers={"Content-Type": "image/png", **AUTH},
        ).status
        == 415
    )
    assert call(store, headers=AUTH).status == 400  # no target named
    # the default graph is the merge of the named graphs: read, never written itself
    for method in ("PUT", "POST", "DELETE"):
        refused = call(store, method=method, params={"default": ""}, data=turtle, headers=ttl)
        assert refused.status == 400 and "merge of the named graphs" in refused.text
    default = call(store, params={"default": ""}, headers={"Accept": "text/turtle", **AUTH})
    assert "Jämtland" in default.text and "Östergötland" not in default.text
    # DELETE
    assert call(store, method="DELETE", params=graph, headers=AUTH).status == 204
    assert call(store, params=graph, headers=AUTH).status == 404
    assert call(store, method="DELETE", params=graph, headers=AUTH).status == 404


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


def test_updates_survive_a_restart_and_the_build_stays_pristine(tmp_path):
    store = make_store(tmp_path)
    log = tmp_path / "server.log"
    env = {"KG_UPDATE_TOKEN": TOKEN}
    fact = f'<{EX}durable> <{EX}p> "kvar efter omstart"'
    server = start_server(store, log, "--load", str(MUNICIPALITIES), env=env)
    try:
        assert (
            update(server, f"INSERT DATA {{ GRAPH <{EXG}notes> {{ {fact} }} }}", AUTH).status == 200
        )
        assert (
            update(
                server,
                f"DELETE WHERE {{ GRAPH <{EXG}regions> {{ <{EX}region-skane> ?p ?o }} }}",
                AUTH,
            ).status
            == 200
        )
    finally:
        server.stop()
    again = start_server(store, log, "--load", str(MUNICIPALITIES), env=env)
    try:
        assert ask(again, fact)
        assert not ask(again, f"<{EX}region-skane> ?p ?o")
        # the loaded file is loaded again on every start, and described once, not once per start
        loaded = call(sparql(again), params={"query": LOAD_TIMES}).json()["results"]["bindings"]
        assert len(loaded) == 1
        # the day the file was read is the day part of that load time, also stated once
        assert loaded[0]["read"]["value"] == loaded[0]["t"]["value"][:10]
        assert ask(again, f"GRAPH <{USER_GRAPH}> {{ <{EX}kommun-1480> ?p ?o }}")
    finally:
        again.stop()
    # a read-only server of the same build serves the build as it was published
    pristine = start_server(store, log)
    try:
        assert not ask(pristine, fact)
        assert ask(pristine, f"<{EX}region-skane> ?p ?o")
    finally:
        pristine.stop()
    assert (tmp_path / "live").is_dir()  # the live database, beside the store
