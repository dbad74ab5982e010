"""The default graph is a set: the RDF merge of the named graphs, every triple once.

A fact stated by several sources sits in several named graphs; counted over the default graph it
counts once — over ``/sparql``, the catalogue, the dumps and the CLI, on the embedded store and on
Oxigraph server and Virtuoso — while ``GRAPH ?g`` still names every source and never the merge.
Updates and the Graph Store protocol keep it so; writing the default graph itself is refused.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
import rdflib
from conftest import ROOT, start_server
from sparql_support import call, form, make_store

from graph.backends import open_store
from graph.embedded import EmbeddedStore
from graph.merge import MERGE_GRAPH, data_sync
from graph.remote.virtuoso import graph_var_not
from graph.store import QueryError
from service.sparql.live import load_files

KF = "https://w3id.org/kompetensgraf/def#"
KFID = "https://w3id.org/kompetensgraf/id/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
REGIONS = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?r a <{KF}Region> }}"
VG_MUNICIPALITIES = (
    f"SELECT (COUNT(*) AS ?n) WHERE {{ ?m a <{KF}Municipality> ; <{KF}inCounty> <{KFID}lan-14> }}"
)
LABELS = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{RDFS_LABEL}> ?label }}"
DISTINCT_LABELS = (
    f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?label "
    f"WHERE {{ GRAPH ?g {{ ?s <{RDFS_LABEL}> ?label }} }} }}"
)
REGIONS_PER_SOURCE = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?r a <{KF}Region> }} }}"


def regions_per_source(store) -> int:
    """How many (source graph, region) statements there are, counted from the quads themselves."""
    region = ox.NamedNode(KF + "Region")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return sum(1 for q in store.raw.quads_for_pattern(None, rdf_type, region)
               if q.graph_name != ox.DefaultGraph())
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
EX = "https://example.org/kg-test/defset/"
FACT = f'<{EX}thing> <{EX}says> "Västerås"@sv'
HOLDS = f"SELECT (COUNT(*) AS ?n) WHERE {{ {FACT} }}"


def count(store, text: str, **kwargs) -> int:
    return int(store.select(text, **kwargs)[0]["n"].value)


@pytest.fixture(scope="module")
def reference(built_store):
    store = open_store(built_store)
    yield store
    store.close()


# --- the built store ---------------------------------------------------------------------------
def test_naive_counts_count_each_fact_once(reference):
    assert count(reference, REGIONS) == 21
    # GRAPH ?g still names every source that states a region: more statements than regions
    assert count(reference, REGIONS_PER_SOURCE) == regions_per_source(reference) > 21
    assert count(reference, VG_MUNICIPALITIES) == 49
    assert count(reference, LABELS) == count(reference, DISTINCT_LABELS)


def test_the_merge_is_exactly_the_distinct_triples_of_the_named_graphs(reference):
    raw = reference.raw
    named = {q.triple for q in raw if q.graph_name != ox.DefaultGraph()}
    merged = {q.triple for q in raw.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert merged == named
    assert len(reference) == sum(1 for q in raw if q.graph_name != ox.DefaultGraph())


def test_graph_names_every_source_and_never_the_merge(reference):
    graphs = {row["g"].value for row in reference.select(GRAPHS)}
    assert graphs == set(reference.named_graphs()) and MERGE_GRAPH not in graphs
    assert len(graphs) > 1


def test_a_default_graph_uri_list_is_merged(reference):
    """The protocol's default-graph-uri: several graphs that state a triple give it once."""
    both = reference.select(
        f"SELECT ?a ?b WHERE {{ GRAPH ?a {{ <{KFID}region-lan-14> a <{KF}Region> }} "
        f"GRAPH ?b {{ <{KFID}region-lan-14> a <{KF}Region> }} FILTER(STR(?a) < STR(?b)) }} LIMIT 1"
    )[0]
    graphs = [both["a"].value, both["b"].value]
    one = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{KFID}region-lan-14> a <{KF}Region> }}"
    assert count(reference, one, default_graph=graphs) == 1
    assert count(reference, one, default_graph=graphs[:1]) == 1
    assert count(reference, REGIONS, default_graph=reference.named_graphs()) == 21
    # the named graphs of such a dataset are still the sources, each stating it
    per_source = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{KFID}region-lan-14> a ?c }} }}"
    assert count(reference, per_source, default_graph=graphs, named_graphs=graphs) == 2


def test_dumps_keep_the_sources_and_the_turtle_dump_is_the_merge(reference):
    nquads = reference.dump(ox.RdfFormat.N_QUADS)
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    assert len(quads) == len(reference)
    assert not any(q.graph_name == ox.DefaultGraph() for q in quads)
    turtle = rdflib.Graph().parse(data=reference.dump(ox.RdfFormat.TURTLE), format="turtle")
    regions = set(turtle.subjects(rdflib.RDF.type, rdflib.URIRef(KF + "Region")))
    assert len(regions) == 21
    assert len(turtle) == count(reference, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def test_the_cli_query_counts_each_fact_once(built_store):
    for text, expected in ((REGIONS, "21"), (VG_MUNICIPALITIES, "49")):
        done = subprocess.run(
            [sys.executable, "-m", "graph.cli", "query", text, "--store", str(built_store),
             "--format", "csv"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["n", expected]


# --- writes keep it a set: embedded store and both engines ----------------------------------------
@pytest.fixture(params=["embedded", "oxigraph", "virtuoso"])
def writable(request):
    if request.param == "embedded":
        store = EmbeddedStore()
        store.update(f"INSERT DATA {{ GRAPH <{EX}other> {{ <{EX}x> <{EX}y> 1 }} }}")
        yield store
        return
    engine = request.getfixturevalue(f"{request.param}_engine")
    store = engine.open(read_only=False)
    yield store
    for name in store.named_graphs():
        if name.startswith(EX):
            store.remove_graph(name)
    assert count(store, HOLDS) == 0


def test_a_fact_in_two_graphs_counts_once_and_goes_with_its_last_source(writable):
    one, two = f"<{EX}g1>", f"<{EX}g2>"
    writable.update(f"INSERT DATA {{ GRAPH {one} {{ {FACT} }} }}")
    assert count(writable, HOLDS) == 1
    writable.update(f"INSERT DATA {{ GRAPH {two} {{ {FACT} }} }}")
    assert count(writable, HOLDS) == 1
    assert count(writable, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {FACT} }} }}") == 2
    writable.update(f"DELETE DATA {{ GRAPH {one} {{ {FACT} }} }}")
    assert count(writable, HOLDS) == 1  # the other source still states it
    writable.update(f"DELETE DATA {{ GRAPH {two} {{ {FACT} }} }}")
    assert count(writable, HOLDS) == 0  # removed from the last source: gone


def test_the_graph_store_operations_keep_the_merge(writable):
    data = (FACT + " .").encode()
    writable.replace_graph(f"{EX}put", data, ox.RdfFormat.TURTLE)
    writable.load(data, ox.RdfFormat.TURTLE, f"{EX}post")
    assert count(writable, HOLDS) == 1
    writable.replace_graph(f"{EX}put", b"", ox.RdfFormat.TURTLE)  # PUT of nothing
    assert count(writable, HOLDS) == 1
    assert writable.remove_graph(f"{EX}post")
    assert count(writable, HOLDS) == 0
    assert MERGE_GRAPH not in writable.named_graphs()


def _merge_is_the_set(store: EmbeddedStore) -> None:
    """The merge equals the distinct triples of the named graphs, and a count over the default
    graph equals their distinct count."""
    named = {q.triple for q in store.raw if q.graph_name != ox.DefaultGraph()}
    merged = {q.triple for q in store.raw.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert merged == named
    distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g " \
               "{ ?s ?p ?o } } }"
    assert count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == count(store, distinct)


def test_graph_store_writes_keep_the_merge_without_re_deriving_it():
    """PUT and DELETE of a graph on the embedded store touch the merge only where that graph's
    triples are (graph.merge.unmerge), not by re-deriving it: a fact another graph still states
    stays, one no graph states goes, and a blank node of a PUT is one node in the graph and in
    the merge — checked after each write."""
    store = EmbeddedStore()
    store.update(f"INSERT DATA {{ GRAPH <{EX}other> {{ {FACT} }} }}")
    mine = f'{FACT} .\n<{EX}a> <{EX}p> [ <{EX}q> "ö" ] .\n<{EX}only> <{EX}p> "mine" .'.encode()
    store.replace_graph(f"{EX}put", mine, ox.RdfFormat.TURTLE)
    _merge_is_the_set(store)
    assert count(store, HOLDS) == 1
    blank = (f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}a> <{EX}p> ?b . "
             f"GRAPH <{EX}put> {{ ?b ?q ?o }} }}")
    assert count(store, blank) == 1  # the merge's node is the graph's node
    store.replace_graph(f"{EX}put", f"<{EX}a> <{EX}p> <{EX}b> .".encode(), ox.RdfFormat.TURTLE)
    _merge_is_the_set(store)
    assert count(store, HOLDS) == 1  # the other graph still states it
    assert count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}only> ?p ?o }}") == 0
    assert store.remove_graph(f"{EX}other")
    _merge_is_the_set(store)
    assert count(store, HOLDS) == 0  # its last source gone
    assert store.remove_graph(f"{EX}put")
    _merge_is_the_set(store)
    assert len(list(store.raw)) == 0


def test_data_updates_keep_the_merge_for_their_own_triples():
    """INSERT DATA and DELETE DATA keep the merge by their own triples (graph.merge.data_sync),
    read with the engine's own parser (prefixes, language tags, numbers, comments): what they
    insert is merged, what they delete leaves the merge only when no graph states it any more;
    inserted blank nodes and other updates re-derive it. The merge is the set after each one."""
    store = EmbeddedStore()
    prologue = f"PREFIX ex: <{EX}>\n"
    data = 'ex:a ex:p "Västerås"@sv-SE , 1.5e3 , "x;{y}" ; a ex:C . # a comment.\n'
    steps = [
        f"{prologue}INSERT DATA {{ GRAPH ex:g1 {{ {data} }} GRAPH ex:g2 {{ {FACT} }} }}",
        f"{prologue}INSERT DATA {{ GRAPH ex:g2 {{ ex:a ex:p 1.5e3 }} }} ;\n"
        f"DELETE DATA {{ GRAPH ex:g1 {{ ex:a ex:p 1.5e3 }} }}",
        f"{prologue}DELETE DATA {{ GRAPH ex:g1 {{ ex:a a ex:C ; ex:p \"x;{{y}}\" }} }}",
        f"{prologue}DELETE DATA {{ GRAPH ex:g2 {{ {FACT} . ex:a ex:p 1.5e3 }} }}",
    ]
    for step in steps:
        assert data_sync(step) is not None  # the targeted way, not the whole re-derivation
        store.update(step)
        _merge_is_the_set(store)
    left = {str(q.object) for q in store.raw.quads_for_pattern(None, None, None,
                                                               ox.DefaultGraph())}
    assert left == {'"Västerås"@sv-se'}
    assert data_sync(f"INSERT DATA {{ GRAPH <{EX}g> {{ _:b <{EX}p> 1 }} }}") is None
    assert data_sync(f"DELETE WHERE {{ GRAPH ?g {{ <{EX}a> ?p ?o }} }}") is None
    store.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ _:b <{EX}p> 1 . <{EX}c> <{EX}q> _:b }} }}")
    _merge_is_the_set(store)


@pytest.mark.parametrize(
    "update",
    [
        f"INSERT DATA {{ {FACT} }}",
        f"DELETE DATA {{ {FACT} }}",
        f"DELETE WHERE {{ <{EX}x> ?p ?o }}",
        f"INSERT {{ ?s <{EX}copy> ?o }} WHERE {{ GRAPH ?g {{ ?s <{EX}y> ?o }} }}",
        "CLEAR DEFAULT",
        f"COPY <{EX}other> TO DEFAULT",
        f"MOVE DEFAULT TO <{EX}elsewhere>",
        f"INSERT DATA {{ GRAPH <{EX}ok> {{ {FACT} }} }} ; LOAD <{EX}file.ttl>",
    ],
)
def test_writing_the_default_graph_itself_is_refused_and_changes_nothing(update):
    store = EmbeddedStore()
    store.update(f"INSERT DATA {{ GRAPH <{EX}other> {{ <{EX}x> <{EX}y> 1 }} }}")
    before = sorted(map(str, store.raw))
    with pytest.raises(QueryError, match="merge of the named graphs"):
        store.update(update)
    assert sorted(map(str, store.raw)) == before
    with pytest.raises(QueryError, match="merge of the named graphs"):
        store.load((FACT + " .").encode(), ox.RdfFormat.TURTLE)  # no graph named


@pytest.mark.parametrize(
    "update",
    [
        f"WITH <{EX}w> INSERT {{ {FACT} }} WHERE {{ }}",
        f"PREFIX ex: <{EX}> INSERT DATA {{ GRAPH ex:g {{ {FACT} }} }} ;",
        f"COPY DEFAULT TO <{EX}copy> # a comment at the end",
        f'INSERT {{ GRAPH <{EX}g> {{ ?s <{EX}says> "{{ not a brace }}" }} }} WHERE {{ ?s ?p ?o }}',
    ],
)
def test_updates_that_name_their_graphs_are_applied(update):
    store = EmbeddedStore()
    store.update(f"INSERT DATA {{ GRAPH <{EX}other> {{ <{EX}x> <{EX}y> 1 }} }}")
    store.update(update)
    named = [q for q in store.raw if q.graph_name != ox.DefaultGraph()]
    merged = {q.triple for q in store.raw.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert merged == {q.triple for q in named} and len(named) > 1  # applied, and merged


# --- every path of the service, on every backend ------------------------------------------------
def sparql(server, query: str, **params) -> dict:
    query_string = urllib.parse.urlencode({"query": query, **params}, doseq=True)
    request = urllib.request.Request(
        f"{server.url}/sparql?{query_string}", headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def number(server, query: str, **params) -> int:
    return int(sparql(server, query, **params)["results"]["bindings"][0]["n"]["value"])


def test_the_service_counts_each_fact_once_on_every_backend(backend_server, reference):
    assert number(backend_server, REGIONS) == 21
    assert number(backend_server, VG_MUNICIPALITIES) == 49
    assert number(backend_server, LABELS) == count(reference, DISTINCT_LABELS)
    assert number(backend_server, REGIONS_PER_SOURCE) == regions_per_source(reference)
    rows = sparql(backend_server, GRAPHS)["results"]["bindings"]
    assert {row["g"]["value"] for row in rows} == set(reference.named_graphs())
    # a BIND in a UNION branch inside GRAPH ?g (where Virtuoso loses what keeps the merge out)
    branches = (
        f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {{ ?r a <{KF}Region> }} UNION "
        f'{{ ?r a <{KF}County> BIND("län" AS ?kind) }} }} OPTIONAL {{ ?g ?p ?source }} '
        f"FILTER(!BOUND(?source) || BOUND(?source)) }}"
    )
    plain = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {{ ?r a <{KF}Region> }} UNION " \
        f'{{ ?r a <{KF}County> BIND("län" AS ?kind) }} }} }}'
    assert number(backend_server, plain) == count(reference, plain)
    assert number(backend_server, branches) == count(reference, branches)


def test_the_catalogue_and_the_dump_count_each_fact_once_on_every_backend(backend_server):
    url = f"{backend_server.url}/queries/county-municipalities.json?" + urllib.parse.urlencode(
        {"county": f"{KFID}lan-14"}
    )
    with urllib.request.urlopen(url, timeout=300) as response:
        page = json.loads(response.read())
    municipalities = {row["municipality"]["value"] if isinstance(row["municipality"], dict)
                      else row["municipality"] for row in page["rows"]}
    assert len(municipalities) == len(page["rows"]) == 49
    with urllib.request.urlopen(f"{backend_server.url}/data/kompetensgraf.ttl", timeout=300) as r:
        dump = rdflib.Graph().parse(data=r.read(), format="turtle")
    assert len(set(dump.subjects(rdflib.RDF.type, rdflib.URIRef(KF + "Region")))) == 21


def test_the_protocols_default_graph_list_is_merged_on_every_backend(backend_server, reference):
    graphs = [g for g in reference.named_graphs()
              if reference.ask(f"ASK {{ GRAPH <{g}> {{ ?r a <{KF}Region> }} }}")]
    assert len(graphs) > 1
    assert number(backend_server, REGIONS, **{"default-graph-uri": graphs}) == 21


def test_the_service_description_says_what_the_default_graph_is(backend_server):
    request = urllib.request.Request(
        f"{backend_server.url}/sparql", headers={"Accept": "text/turtle"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        described = rdflib.Graph().parse(data=response.read(), format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.feature, sd.UnionDefaultGraph) in described
    default = next(described.objects(None, sd.defaultGraph))
    texts = {str(t) for t in described.objects(default, rdflib.RDFS.comment)}
    assert any("merge" in t and "once" in t for t in texts)
    assert any("sammanslagning" in t.lower() for t in texts)


def test_files_loaded_again_leave_one_load_time_in_the_merge(tmp_path):
    """``serve --load`` reloads a file on every start: its graph and its description are replaced,
    and the merge follows (no load time of an earlier start left behind in the default graph)."""
    path = tmp_path / "mina-uppgifter.ttl"
    path.write_text(f"{FACT} .\n", encoding="utf-8")
    store = EmbeddedStore()
    for _ in range(2):
        load_files(store, [path])
    named = {q.triple for q in store.raw if q.graph_name != ox.DefaultGraph()}
    merged = {q.triple for q in store.raw.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert merged == named
    times = "SELECT (COUNT(*) AS ?n) WHERE { ?g <http://www.w3.org/ns/prov#generatedAtTime> ?t }"
    assert count(store, times) == 1
    assert count(store, HOLDS) == 1


def test_virtuoso_gets_graph_patterns_that_keep_the_merge_out():
    """What Virtuoso is sent when the merge is its default graph (graph.remote.virtuoso)."""
    text = (
        'PREFIX kfg: <https://w3id.org/kompetensgraf/graph/> SELECT ?graph WHERE { GRAPH ?graph '
        '{ { ?s ?p "{ ?o }" } UNION { ?s ?p ?o BIND("roll" AS ?kind) } } '
        "GRAPH kfg:meta { ?graph ?q ?r } GRAPH <urn:x:g> { ?a ?b ?c } }"
    )
    sent = graph_var_not(text, MERGE_GRAPH)
    branch = f'UNION {{ ?s ?p ?o VALUES ?kind {{ "roll" }} }}  FILTER(?graph != <{MERGE_GRAPH}>) }}'
    assert branch in sent
    assert "GRAPH ?kfgraph1 { ?graph ?q ?r  FILTER(?kfgraph1 = kfg:meta) }" in sent
    assert "GRAPH ?kfgraph2 { ?a ?b ?c  FILTER(?kfgraph2 = <urn:x:g>) }" in sent
    assert '"{ ?o }"' in sent  # strings stay as they were
    ox.Store().query(sent)  # still SPARQL


def test_updates_through_the_service_keep_the_default_graph_a_set(tmp_path):
    """The same cases over HTTP, on the live database of an embedded server with updates on:
    SPARQL Update, the Graph Store protocol, and a write to the default graph refused (400)."""
    token = "test-token-defset"  # a throw-away value for this loopback server, not a secret
    server = start_server(make_store(tmp_path), tmp_path / "server.log",
                          env={"KG_UPDATE_TOKEN": token})
    auth = {"Authorization": f"Bearer {token}"}

    def write(text: str):
        return call(f"{server.url}/sparql", method="POST", data=form({"update": text}),
                    headers={"Content-Type": "application/x-www-form-urlencoded", **auth})

    try:
        both = f"GRAPH <{EX}g1> {{ {FACT} }} GRAPH <{EX}g2> {{ {FACT} }}"
        assert write(f"INSERT DATA {{ {both} }}").status == 200
        assert number(server, HOLDS) == 1
        assert write(f"DELETE DATA {{ GRAPH <{EX}g1> {{ {FACT} }} }}").status == 200
        assert number(server, HOLDS) == 1
        refused = write(f"DELETE DATA {{ {FACT} }}")
        assert refused.status == 400 and "merge of the named graphs" in refused.text
        assert number(server, HOLDS) == 1
        store = f"{server.url}/store?" + urllib.parse.urlencode({"graph": f"{EX}g2"})
        assert call(store, method="DELETE", headers=auth).status == 204
        assert number(server, HOLDS) == 0
    finally:
        server.stop()
