"""A researcher's own files (``--load``): bulk-loaded at engine speed, judged only about our things.

A file in standard vocabularies (org:, skos:, schema:, foaf:) in the researcher's namespace is
accepted by ``kompetensgraf build --load`` and served by ``kompetensgraf serve --load`` (a real
server answering real SPARQL); a file that breaks the shapes about the project's things is
refused with file, subject and reason, each kind of problem once with a count; a syntax error is
refused with file and line; a refused file leaves no store and no half-loaded copy behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from conftest import ROOT, start_server
from test_build import project_copy  # noqa: F401 - the fixture

from graph.build import build
from graph.bulk import BadData, load_file
from graph.embedded import EmbeddedStore
from graph.namespaces import GRAPH
from graph.validate import BuildError
from service.browse.quality import shacl_results

QUIET = {"step": lambda _msg: None}
PREFIXES = """\
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix kf: <https://w3id.org/kompetensgraf/def#> .
@prefix kfid: <https://w3id.org/kompetensgraf/id/> .
@prefix ex: <https://forskning.example.org/> .
"""
#: A researcher's own data: their roles and concepts (not in our schemes, English labels only),
#: memberships as blank nodes, people, and a link to one of our organisations.
THEIRS = PREFIXES + """
ex:schema a skos:ConceptScheme ; skos:prefLabel "Research topics"@en .
ex:amne-1 a skos:Concept ; skos:inScheme ex:schema ; skos:prefLabel "Adult learning"@en .
ex:forskare a org:Role ; rdfs:label "Researcher"@en .
ex:asa a foaf:Person , schema:Person ; foaf:name "Åsa Öberg" ; schema:knowsAbout ex:amne-1 .
ex:labbet a org:Organization ; rdfs:label "The lab" ; org:subOrganizationOf ex:uni .
[] a org:Membership ; org:member ex:asa ; org:organization ex:labbet ; org:role ex:forskare .
ex:asa schema:affiliation kfid:tillvaxtverket .
"""
#: The members in the role: a membership (a blank node) in a file's graph and the same node in
#: the merge.
MEMBERS = (
    "PREFIX org: <http://www.w3.org/ns/org#> SELECT DISTINCT ?who WHERE { GRAPH ?g { ?m org:role "
    "<https://forskning.example.org/forskare> ; org:member ?who } ?m org:member ?who }"
)


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=900)


def sparql(url: str, query: str) -> dict:
    body = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(
        url + "/sparql", data=body, headers={"Accept": "application/sparql-results+json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def test_researchers_file_is_built_and_served_in_its_own_vocabulary(tmp_path):
    theirs = tmp_path / "min-forskning.ttl"
    theirs.write_text(THEIRS, encoding="utf-8")
    store = tmp_path / "var" / "store"
    built = cli("build", "--store", str(store), "--load", str(theirs))
    assert built.returncode == 0, built.stderr
    # served, with a second file (N-Triples) loaded at start: both answer, graph and merge
    more = tmp_path / "fler-personer.nt"
    more.write_text(
        "<https://forskning.example.org/bo> <http://xmlns.com/foaf/0.1/name> \"Bo Ek\" .\n"
        "_:m <http://www.w3.org/ns/org#member> <https://forskning.example.org/bo> .\n"
        "_:m <http://www.w3.org/ns/org#role> <https://forskning.example.org/forskare> .\n",
        encoding="utf-8",
    )
    server = start_server(store, tmp_path / "serve.log", "--load", str(more),
                          env={"KG_DATA_DIR": str(tmp_path / "serving")})
    try:
        graphs = sparql(server.url, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        names = {b["g"]["value"] for b in graphs["results"]["bindings"]}
        assert {f"{GRAPH}user/min-forskning", f"{GRAPH}user/fler-personer"} <= names
        # the memberships (blank nodes) are the same nodes in their graphs and in the merge
        people = sparql(server.url, MEMBERS)
        found = {b["who"]["value"] for b in people["results"]["bindings"]}
        assert found == {"https://forskning.example.org/asa", "https://forskning.example.org/bo"}
        name = sparql(server.url, 'SELECT ?n WHERE { ?who <http://xmlns.com/foaf/0.1/name> ?n '
                                  'FILTER(STRSTARTS(?n, "Åsa")) }')
        assert [b["n"]["value"] for b in name["results"]["bindings"]] == ["Åsa Öberg"]
    finally:
        server.stop()


BREAKS_OURS = PREFIXES + "".join(
    f'kfid:testkommun-{n} a kf:Municipality ; rdfs:label "Testkommun {n}"@sv ; '
    f'kf:kommunkod "{n:03d}" .\n'
    for n in range(1, 31)
) + """
kfid:tillvaxtverket org:hasSite ex:labbet .
ex:labbet a org:Organization .
ex:egen-roll a org:Role ; rdfs:label "Not in any scheme of theirs either"@en .
"""


def test_file_breaking_our_shapes_is_refused_grouped_with_file_subject_and_reason(
    project_copy, tmp_path  # noqa: F811 - the fixture
):
    bad = tmp_path / "felaktiga-koder.ttl"
    bad.write_text(BREAKS_OURS, encoding="utf-8")
    store = tmp_path / "var" / "store"
    with pytest.raises(BuildError) as refused:
        build(store, root=project_copy, extra=[bad], **QUIET)
    text = str(refused.value)
    lines = text.splitlines()
    codes = [line for line in lines if "kommunkod" in line]
    assert len(codes) == 1, text  # thirty subjects, one kind of problem: one line
    assert "30×" in codes[0] and "felaktiga-koder.ttl" in codes[0]
    assert "kfid:testkommun-" in codes[0]
    site = [line for line in lines if "hasSite" in line]
    assert site and "kfid:tillvaxtverket" in site[0]  # what it says about our organisation
    assert "egen-roll" not in text and "ex:labbet:" not in text  # their own things
    assert len(lines) < 10
    assert not store.exists()
    assert [p.name for p in (tmp_path / "var" / "builds").iterdir()] == []


#: What a file says about our organisation with its IRI spelt by escapes only: the text
#: "kompetensgraf" is nowhere in the file, the IRI is still ours.
ESCAPED_OURS = (
    "<https://w3id.org/\\u006Bompetensgraf/id/tillvaxtverket> "
    "<http://www.w3.org/ns/org#hasSite> <https://forskning.example.org/labbet> .\n"
)


@pytest.mark.parametrize("name, text", [
    ("escaped.nt", ESCAPED_OURS),
    ("escaped.ttl", "@prefix k: <https://w3id.org/kompetens> .\n"
                    "k:graf\\/id\\/tillvaxtverket <http://www.w3.org/ns/org#hasSite> "
                    "<https://forskning.example.org/labbet> .\n"),
    ("escaped.jsonld", '{"@context": {"@vocab": "https://w3id.org/kompetens"}, '
                      '"@id": "https://w3id.org/kompet\\u0065nsgraf/id/tillvaxtverket", '
                      '"http://www.w3.org/ns/org#hasSite": '
                      '{"@id": "https://forskning.example.org/labbet"}}'),
])
def test_our_iri_spelt_without_our_name_is_still_judged(project_copy, tmp_path, name, text):  # noqa: F811
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    assert b"kompetensgraf" not in bad.read_bytes()
    store = tmp_path / "var" / "store"
    with pytest.raises(BuildError) as refused:
        build(store, root=project_copy, extra=[bad], **QUIET)
    site = [line for line in str(refused.value).splitlines() if "hasSite" in line]
    assert site and "kfid:tillvaxtverket" in site[0] and name in site[0], str(refused.value)
    assert not store.exists()


def test_syntax_error_in_a_loaded_file_is_refused_with_file_and_line(project_copy, tmp_path):  # noqa: F811
    bad = tmp_path / "trasig.nt"
    bad.write_text(
        "<https://forskning.example.org/a> <http://xmlns.com/foaf/0.1/name> \"A\" .\n"
        "<https://forskning.example.org/a> <http://xmlns.com/foaf/0.1/name> .\n",
        encoding="utf-8",
    )
    store = tmp_path / "var" / "store"
    with pytest.raises(BuildError) as refused:
        build(store, root=project_copy, extra=[bad], **QUIET)
    assert "trasig.nt" in str(refused.value) and "line 2" in str(refused.value)
    assert not store.exists()
    assert [p.name for p in (tmp_path / "var" / "builds").iterdir()] == []


def test_serve_refuses_a_broken_file_and_leaves_no_copy(built_store, tmp_path):
    bad = tmp_path / "trasig.ttl"
    bad.write_text(PREFIXES + "ex:a foaf:name \"A\" .\nex:b foaf:name .\n", encoding="utf-8")
    serving = tmp_path / "serving"
    result = subprocess.run(
        [sys.executable, "-m", "graph.cli", "serve", "--store", str(built_store),
         "--port", "0", "--load", str(bad)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "KG_DATA_DIR": str(serving)},
    )
    assert result.returncode != 0
    assert "trasig.ttl" in result.stderr and "line 10" in result.stderr
    assert list(serving.iterdir()) == []


@pytest.mark.parametrize("name, text", [
    ("plain.nt", '<http://e/a> <http://e/p> "1" .\n<http://e/a> <http://e/q> <http://e/b> .\n'),
    ("blank.ttl", '@prefix e: <http://e/> .\ne:a e:p [ e:q "x .\\n y" ] ; e:r ( 1 2 ) .\n'),
    ("blank.nt", '_:x <http://e/p> "1" .\n<http://e/a> <http://e/q> _:x .\n'),
    ("graphs.trig", '@prefix e: <http://e/> .\ne:g1 { e:a e:p _:x . _:x e:q "1" }\n'),
    ("thing.jsonld", '{"@id": "http://e/j", "http://e/p": [{"@value": "v"}, {"@id": "_:b"}]}'),
])
def test_bulk_load_fills_the_graph_and_the_merge_with_the_same_nodes(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    fmt = ox.RdfFormat.from_extension(path.suffix[1:])
    store = ox.Store()
    load_file(store, path, fmt, None if name.endswith(".trig") else "http://e/g")
    named = {q.triple for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    merge = set(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert named and named == {q.triple for q in merge}


def test_bulk_load_refuses_triples_outside_a_graph_in_a_quad_file(tmp_path):
    path = tmp_path / "bare.trig"
    path.write_text('<http://e/a> <http://e/p> "1" .\n', encoding="utf-8")
    with pytest.raises(BadData, match="outside a named graph"):
        load_file(ox.Store(), path, ox.RdfFormat.TRIG, None)


def test_quality_page_warns_about_our_things_not_a_researchers_own():
    store = EmbeddedStore()
    two_names = 'a org:Organization ; rdfs:label "Labbet"@sv , "Laboratoriet"@sv .\n'
    theirs = THEIRS + "ex:annat-labb " + two_names
    store.load(theirs.encode(), ox.RdfFormat.TURTLE, f"{GRAPH}user/min-forskning")
    ours = PREFIXES + "kfid:labb " + two_names
    store.load(ours.encode(), ox.RdfFormat.TURTLE, f"{GRAPH}user/om-vart")
    focus = {result["focus"] for result in shacl_results(store)}
    assert "https://w3id.org/kompetensgraf/id/labb" in focus  # two Swedish labels: a warning
    assert not any(f.startswith("https://forskning.example.org/") for f in focus)


def _researchers_lines(people: int, *, blank: bool) -> list[str]:
    """A researcher's N-Triples: people, memberships (blank nodes or IRIs), a fact the project
    states too (the merge holds it once)."""
    lines = ["# min forskning, Åsa Öberg"]
    for i in range(people):
        person, member = f"<https://forskning.example.org/p{i}>", (
            f"_:m{i}" if blank else f"<https://forskning.example.org/m{i}>")
        lines += [f'{person} <http://xmlns.com/foaf/0.1/name> "Forskare {i}, Örjan"@sv .',
                  f"{member} <http://www.w3.org/ns/org#member> {person} .",
                  f"{member} <http://www.w3.org/ns/org#role> <https://forskning.example.org/r> ."]
    lines.append("<https://forskning.example.org/r> <http://www.w3.org/1999/02/22-rdf-syntax-ns#"
                 "type> <http://www.w3.org/ns/org#Role> .")
    return lines


def _named_and_merged(store: ox.Store) -> tuple[set, set]:
    named = {q.triple for q in store if not isinstance(q.graph_name, ox.DefaultGraph)}
    merged = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    return named, merged


@pytest.mark.parametrize("blank", [False, True])
def test_served_copy_with_a_loaded_file_has_the_exact_merge(built_store, tmp_path, monkeypatch,
                                                           blank):
    """``serve --load`` of an N-Triples file — cut in halves beside the merge's load (no blank
    nodes; the cut forced on a small file), or one TriG load (blank nodes) — on a copy of the real
    build: the default graph is the set of the named graphs' triples (each once), a count over it
    equals the distinct triples of the named graphs, a blank node is one node in its graph and in
    the merge, and the file's graph is described in the metadata graph."""
    from graph import bulk
    from graph.backends import open_store
    from service.sparql.live import prepare

    monkeypatch.setattr(bulk, "SPLIT_BYTES", 0)
    path = tmp_path / "min-forskning.nt"
    path.write_text("\n".join(_researchers_lines(200, blank=blank)), encoding="utf-8")  # no \n
    dataset = prepare(open_store(built_store, read_only=True), writable=False, loads=[path],
                      data_dir=str(tmp_path / "serving"))
    try:
        store = dataset.store
        named, merged = _named_and_merged(store.raw)
        assert merged == named
        distinct = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g " \
                   "{ ?s ?p ?o } } }"
        total = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        assert [int(r["n"].value) for r in store.select(total)] == \
               [int(r["n"].value) for r in store.select(distinct)]
        graph = f"{GRAPH}user/min-forskning"
        mine = {q.triple for q in store.raw.quads_for_pattern(None, None, None,
                                                               ox.NamedNode(graph))}
        assert len(mine) == 200 * 3 + 1  # every line, the last one without its newline too
        members = [t for t in mine if t.predicate.value.endswith("#member")]
        assert all(t in merged for t in members)
        assert all(isinstance(t.subject, ox.BlankNode) == blank for t in members)
        described = f"ASK {{ GRAPH <{GRAPH}meta> {{ <{graph}> ?p ?o }} }}"
        assert store.query(described)
    finally:
        dataset.close()


@pytest.mark.parametrize("blank", [False, True])
def test_syntax_error_is_told_with_the_files_own_line(tmp_path, monkeypatch, blank):
    """An error in the second half of a cut file, or in the TriG document made of a file with
    blank nodes, names the line of the file itself (not of the half or the document)."""
    from graph import bulk

    monkeypatch.setattr(bulk, "SPLIT_BYTES", 0)
    lines = _researchers_lines(100, blank=blank)
    lines[250] = "<https://forskning.example.org/trasig> <http://xmlns.com/foaf/0.1/name> ."
    path = tmp_path / "trasig.nt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(BadData, match="line 251 "):
        load_file(ox.Store(), path, ox.RdfFormat.N_TRIPLES, "http://e/g")
