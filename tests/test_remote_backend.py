"""The remote backend against real engines: Oxigraph server and OpenLink Virtuoso on loopback.

Each engine is started fresh for this module, loaded with ``build_remote`` from a small fixture
project (tests/data/remote/project), and compared with the embedded store built from the same
files: same named graphs, same answers, same meaning of ``substitutions``, same error classes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import free_port
from engines import start_oxigraph, start_virtuoso
from rdflib.compare import isomorphic

from graph.build import build_remote, load_into, sources_with
from graph.embedded import EmbeddedStore
from graph.merge import MERGE_GRAPH
from graph.namespaces import GRAPH
from graph.remote.io import Auth, QueryTimeout
from graph.remote.store import STAGING, RemoteStore
from graph.store import QueryError, StoreError
from graph.validate import BuildError

HERE = Path(__file__).parent / "data" / "remote"
PROJECT = HERE / "project"
KF, KFID = "https://w3id.org/kompetensgraf/def#", "https://w3id.org/kompetensgraf/id/"
PREFIXES = f"""PREFIX kf: <{KF}>
PREFIX kfid: <{KFID}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dct: <http://purl.org/dc/terms/>
"""
quiet = lambda _msg: None  # noqa: E731


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def engine(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(request.param)
    if request.param == "oxigraph":
        running = start_oxigraph(workdir, free_port())
    else:
        running = start_virtuoso(workdir, free_port(), free_port())
    yield running
    running.stop()


@pytest.fixture(scope="module")
def remote(engine) -> RemoteStore:
    store = engine.open(read_only=False)
    build_remote(store, root=PROJECT, step=quiet)
    return store


@pytest.fixture(scope="module")
def embedded() -> EmbeddedStore:
    store = EmbeddedStore()
    load_into(store.raw, sources_with((), PROJECT), quiet)
    return store


def rows(result) -> list[tuple]:
    """Solutions as comparable tuples; blank nodes only as "a blank node"."""
    names = [v.value for v in result.variables]
    return [tuple(_plain(solution[n]) for n in names) for solution in result]


def _plain(term):
    return "_:" if isinstance(term, ox.BlankNode) else (None if term is None else str(term))


def graph_of(triples) -> rdflib.Graph:
    return rdflib.Graph().parse(
        data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt"
    )


def test_build_target_loads_every_named_graph_intact(remote, embedded):
    assert remote.named_graphs() == embedded.named_graphs()
    for graph in embedded.named_graphs():
        mine = rdflib.Graph().parse(data=remote.dump(ox.RdfFormat.N_TRIPLES, graph), format="nt")
        theirs = rdflib.Graph().parse(
            data=embedded.dump(ox.RdfFormat.N_TRIPLES, graph), format="nt"
        )
        assert isomorphic(mine, theirs), graph
    assert not any(g.startswith(STAGING) for g in remote._all_graphs())


SELECTS = [
    "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY STR(?label) LANG(?label)",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?label WHERE { ?s a kf:Region ; rdfs:label ?label FILTER(lang(?label) = 'sv') }",
    "SELECT ?o WHERE { kfid:skaraborgs-kommunalforbund ?p ?o FILTER(isLiteral(?o)) }",
    "SELECT ?s WHERE { ?s rdfs:comment ?c FILTER(CONTAINS(?c, 'överleva')) }",
    "SELECT ?start WHERE { ?org dct:temporal ?t . ?t ?p ?start FILTER(isLiteral(?start)) }",
    "SELECT ?s ?g WHERE { GRAPH ?g { ?s a org:Organization } }",
]


@pytest.mark.parametrize("text", SELECTS)
def test_select_answers_as_the_embedded_store(remote, embedded, text):
    query = PREFIXES + text
    mine, theirs = rows(remote.query(query)), rows(embedded.query(query))
    assert (
        mine == theirs if "ORDER BY" in text else sorted(mine, key=str) == sorted(theirs, key=str)
    )


@pytest.mark.parametrize("text", ["ASK { ?s a kf:Region }", "ASK { ?s a kf:Kommun }"])
def test_ask_answers_as_the_embedded_store(remote, embedded, text):
    assert bool(remote.query(PREFIXES + text)) == bool(embedded.query(PREFIXES + text))


@pytest.mark.parametrize(
    "text",
    [
        "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }",
        "CONSTRUCT WHERE { ?s ?p ?o }",
        "DESCRIBE kfid:kompetensforum-skaraborg",  # with its blank node period (CBD)
        "DESCRIBE ?s WHERE { ?s a kf:Region }",
    ],
)
def test_graph_results_are_pyoxigraph_triples_like_the_embedded_store(remote, embedded, text):
    mine = remote.query(PREFIXES + text)
    assert isinstance(mine, ox.QueryTriples)
    assert isomorphic(graph_of(mine), graph_of(embedded.query(PREFIXES + text)))
    turtle = remote.query(PREFIXES + text).serialize(format=ox.RdfFormat.TURTLE)
    assert isomorphic(
        rdflib.Graph().parse(data=turtle, format="turtle"),
        graph_of(embedded.query(PREFIXES + text)),
    )


SUBSTITUTED = [
    (
        "SELECT ?s ?label WHERE { ?s rdfs:label ?label }",
        {"s": ox.NamedNode(KFID + "region-orebro-lan")},
    ),
    (
        "SELECT ?lang (COUNT(*) AS ?n) WHERE { ?s rdfs:label ?l BIND(lang(?l) AS ?lang) } "
        "GROUP BY ?lang",
        {"lang": ox.Literal("sv")},
    ),
    (
        "SELECT ?s ?o WHERE { ?s ?p ?o OPTIONAL { ?o rdfs:label ?ol } FILTER(?p = org:unitOf) }",
        {"s": ox.NamedNode(KFID + "kompetensforum-skaraborg")},
    ),
    (
        "SELECT * WHERE { ?s rdfs:label ?label }",
        {"label": ox.Literal("Kompetensforum Skaraborg", language="sv")},
    ),
    (
        "SELECT ?g ?s ?type WHERE { GRAPH ?g { ?s a ?type } }",
        {"type": ox.NamedNode(KF + "Kommunalforbund")},
    ),
]


@pytest.mark.parametrize(("text", "values"), SUBSTITUTED)
def test_substitutions_mean_what_they_mean_in_pyoxigraph(remote, embedded, text, values):
    query = PREFIXES + text
    mine = rows(remote.query(query, substitutions=values))
    theirs = rows(embedded.query(query, substitutions=values))
    assert mine and sorted(mine, key=str) == sorted(theirs, key=str)


def test_substitutions_bind_construct_describe_and_ask(remote, embedded):
    node = {"s": ox.NamedNode(KFID + "kompetensforum-skaraborg")}
    for text in ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "DESCRIBE ?s"):
        mine = graph_of(remote.query(PREFIXES + text, substitutions=node))
        assert len(mine) > 0
        assert isomorphic(mine, graph_of(embedded.query(PREFIXES + text, substitutions=node)))
    assert remote.query("ASK { ?s ?p ?o }", substitutions=node)
    missing = {"s": ox.NamedNode(KFID + "finns-inte")}
    assert not remote.query("ASK { ?s ?p ?o }", substitutions=missing)


def test_substituted_values_cannot_change_the_query(remote):
    hostile = ox.Literal('x" } } ; DROP ALL ; SELECT * { "')
    assert (
        rows(
            remote.query(
                "SELECT ?l WHERE { ?s rdfs:label ?l }".replace(
                    "rdfs:label", "<http://www.w3.org/2000/01/rdf-schema#label>"
                ),
                substitutions={"l": hostile},
            )
        )
        == []
    )
    assert len(remote.named_graphs()) == 3


def test_malformed_query_is_a_client_error_with_the_engines_message(remote):
    with pytest.raises(QueryError) as caught:
        remote.query("SELECT ?x WHERE { ?x ?p }")
    assert str(caught.value).strip()
    assert "SPARQL query:" not in str(caught.value)  # Virtuoso's echo of the query is cut


def test_unreachable_engine_is_a_server_error():
    store = RemoteStore(f"http://127.0.0.1:{free_port()}/sparql", timeout=5)
    with pytest.raises(StoreError) as caught:
        store.query("ASK {}")
    assert not isinstance(caught.value, QueryError)


def test_refused_access_is_a_server_error(engine):
    """Virtuoso: wrong digest credentials (401). Oxigraph has no authentication: a wrong path."""
    if engine.env:
        store = RemoteStore(
            engine.query_url,
            update_url=engine.update_url,
            auth=Auth("dba", "not-the-password", "digest"),
            timeout=10,
        )
    else:
        store = RemoteStore(engine.query_url, update_url=engine.update_url + "-missing", timeout=10)
    with pytest.raises(StoreError) as caught:
        store.update("INSERT DATA { GRAPH <urn:x-test:g> { <urn:a> <urn:b> <urn:c> } }")
    assert not isinstance(caught.value, QueryError)


def test_a_query_past_the_timeout_is_stopped_as_a_timeout(engine, remote):
    store = engine.open(timeout=1.0)
    heavy = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
        "?m ?n1 ?o . ?p ?q ?r . ?t ?u ?v }"
    )
    with pytest.raises(QueryTimeout):
        store.query(heavy)


def test_updates_change_the_version_and_the_graph_list(engine, remote):
    before = remote.version
    graph = GRAPH + "test-uppdatering"
    remote.update(f'INSERT DATA {{ GRAPH <{graph}> {{ <{KFID}a> <{KF}note> "ändrad"@sv }} }}')
    assert remote.version != before
    assert graph in remote.named_graphs()
    assert remote.ask(f'ASK {{ ?s <{KF}note> "ändrad"@sv }}')
    assert remote.remove_graph(graph) is True
    assert remote.remove_graph(graph) is False
    assert graph not in remote.named_graphs()


def test_an_update_that_is_a_query_is_refused(remote):
    with pytest.raises(QueryError):
        remote.update("SELECT * WHERE { ?s ?p ?o }")


def test_a_read_only_store_refuses_writes(engine):
    store = engine.open(read_only=True)
    with pytest.raises(StoreError):
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(StoreError):
        store.replace_graph(GRAPH + "x", b"<urn:a> <urn:b> <urn:c> .\n", ox.RdfFormat.N_TRIPLES)


@pytest.mark.parametrize("gsp", [True, False], ids=["graph-store-protocol", "sparql-update"])
def test_loading_and_replacing_graphs_with_and_without_a_graph_store(engine, remote, gsp):
    store = engine.open(read_only=False)
    if not gsp:
        store.store_url = None
    graph = GRAPH + "test-laddning"
    data = '<urn:x:a> <urn:x:p> "första"@sv .\n<urn:x:a> <urn:x:q> _:b .\n_:b <urn:x:p> "2" .\n'
    store.replace_graph(graph, data.encode(), ox.RdfFormat.N_TRIPLES)
    store.load(b'<urn:x:a> <urn:x:p> "andra"@sv .\n', ox.RdfFormat.N_TRIPLES, graph)
    labels = {
        r["o"].value
        for r in store.select(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ ?s <urn:x:p> ?o }} }}")
    }
    assert labels == {"första", "andra", "2"}
    store.replace_graph(graph, b'<urn:x:a> <urn:x:p> "tredje"@sv .\n', ox.RdfFormat.N_TRIPLES)
    assert (
        len(rdflib.Graph().parse(data=store.dump(ox.RdfFormat.N_TRIPLES, graph), format="nt")) == 1
    )
    with pytest.raises(QueryError):
        store.replace_graph(graph, b"<urn:x:a> <urn:x:p> .\n", ox.RdfFormat.N_TRIPLES)
    assert (
        len(rdflib.Graph().parse(data=store.dump(ox.RdfFormat.N_TRIPLES, graph), format="nt")) == 1
    )
    assert store.remove_graph(graph)


def test_dump_gives_every_named_graph(remote, embedded):
    mine, theirs = rdflib.Dataset(), rdflib.Dataset()
    mine.parse(data=remote.dump(ox.RdfFormat.N_QUADS), format="nquads")
    theirs.parse(data=embedded.dump(ox.RdfFormat.N_QUADS), format="nquads")
    assert {str(g.identifier) for g in mine.graphs() if len(g)} == set(embedded.named_graphs())
    for graph in embedded.named_graphs():
        assert isomorphic(mine.graph(rdflib.URIRef(graph)), theirs.graph(rdflib.URIRef(graph)))


def test_the_default_graph_is_the_merge_the_build_wrote(engine, remote, embedded):
    # Oxigraph server holds the merge in its own default graph; Virtuoso, whose default graph is
    # the union of what the query user may read, in a graph of its own, queried as the default
    # graph with the sources as named graphs (never listed by the service).
    assert remote.merge == (MERGE_GRAPH if engine.name == "virtuoso" else None)
    assert remote.named_graphs() == embedded.named_graphs()
    assert set(remote._all_graphs()) - set(remote.named_graphs()) <= {MERGE_GRAPH}
    total = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert rows(remote.query(total)) == rows(embedded.query(total))
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    assert sorted(rows(remote.query(per_graph)), key=str) == sorted(
        rows(embedded.query(per_graph)), key=str
    )


def test_an_engine_whose_default_graph_is_the_union_is_refused(tmp_path):
    """With --union-default-graph, Oxigraph server would count each fact once per source and
    once more for the merge: the store says so instead of answering wrongly."""
    union = start_oxigraph(tmp_path, free_port(), "--union-default-graph")
    try:
        store = union.open(read_only=False)
        with pytest.raises(StoreError, match="union-default-graph"):
            build_remote(store, root=PROJECT, step=quiet)
    finally:
        union.stop()


def test_rebuild_keeps_other_data_and_drops_stale_project_graphs(engine, remote, embedded):
    statistics, stale = "http://example.org/statistik/befolkning", GRAPH + "gammal-sektion"
    remote.update(
        f"INSERT DATA {{ GRAPH <{statistics}> {{ <urn:x:kommun> <urn:x:inv> 1 }} "
        f"GRAPH <{stale}> {{ <urn:x:a> <urn:x:b> 2 }} }}"
    )
    build_remote(remote, root=PROJECT, step=quiet)
    graphs = remote.named_graphs()
    assert statistics in graphs and stale not in graphs
    assert [g for g in graphs if g.startswith(GRAPH)] == embedded.named_graphs()
    assert remote.remove_graph(statistics)


def test_refused_or_failed_builds_leave_the_engine_as_it_was(engine, remote):
    before = (remote.named_graphs(), remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    bad = HERE / "unlabelled-region.ttl"
    with pytest.raises(BuildError):
        build_remote(remote, root=PROJECT, extra=[bad], step=quiet)
    broken = engine.open(read_only=False)
    broken.store_url = broken.store_url.rsplit("/", 1)[0] + "/no-such-store"  # uploads fail
    with pytest.raises(StoreError):
        build_remote(broken, root=PROJECT, step=quiet)
    remote._changed()
    after = (remote.named_graphs(), remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert after == before
    assert not any(g.startswith(STAGING) for g in remote._all_graphs())


def test_a_blank_node_from_one_answer_can_be_bound_in_the_next(remote, embedded):
    """How the browser follows periods and amounts: bind the blank node it was given."""
    facts = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    subject = {"s": ox.NamedNode(KFID + "kompetensforum-skaraborg")}
    found = []
    for store in (remote, embedded):
        period = next(r["o"] for r in store.select(facts, substitutions=subject)
                      if isinstance(r["o"], ox.BlankNode))
        found.append(sorted((r["p"].value, str(r["o"])) for r in
                            store.select(facts, substitutions={"s": period})))
    assert found[0] and found[0] == found[1]
