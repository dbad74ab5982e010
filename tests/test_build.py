"""The build pipeline: validated, atomic, and loud about bad data.

Each test works on a copy of the project's own sources in a temporary root, so a broken file can
be added without touching the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph.backends import open_store
from graph.build import build
from graph.namespaces import GRAPH, META_GRAPH, ONTOLOGY_GRAPH, VOCAB_GRAPH
from graph.validate import BuildError, project_sources

ROOT = Path(__file__).resolve().parent.parent
QUIET = {"step": lambda _msg: None}

BAD_ORGNR = """\
@prefix kf: <https://w3id.org/kompetensgraf/def#> .
@prefix kfid: <https://w3id.org/kompetensgraf/id/> .
@prefix kfg: <https://w3id.org/kompetensgraf/graph/> .
@prefix kfsrc: <https://w3id.org/kompetensgraf/source/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

kfg:test-broken {
    kfid:testkommun-med-fel a kf:Municipality ;
        rdfs:label "Testkommun med fel"@sv ;
        kf:orgnr "212000-1350" .
}
kfg:meta {
    kfsrc:test-broken a kf:SourceDocument ; dct:title "Testkälla"@sv .
    kfg:test-broken a kf:FactGraph ;
        rdfs:label "Testgraf"@sv , "Test graph"@en ;
        prov:wasDerivedFrom kfsrc:test-broken ;
        kf:locator "hela dokumentet"@sv , "whole document"@en ;
        prov:generatedAtTime "2026-11-23T00:00:00Z"^^xsd:dateTime .
}
"""


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the sources a build reads: ontology, curated data and check queries."""
    root = tmp_path / "project"
    for part in ("ontology", "graph/data", "queries/checks"):
        if (ROOT / part).exists():
            shutil.copytree(ROOT / part, root / part)
    return root


def quads_of(store_path: Path) -> set:
    store = open_store(store_path)
    return {str(q) for q in store.raw.quads_for_pattern(None, None, None)}  # type: ignore[attr-defined]


def test_build_loads_every_source_file_into_its_graph(built_store):
    store = open_store(built_store)
    graphs = set(store.named_graphs())
    assert {ONTOLOGY_GRAPH, VOCAB_GRAPH, META_GRAPH} <= graphs
    expected = set()
    for src in project_sources():
        if src.graph:
            continue
        ds = rdflib.Dataset()
        ds.parse(src.path, format=src.syntax)
        expected |= {str(c.identifier) for c in ds.graphs() if len(c)}
    assert expected - {"urn:x-rdflib:default"} <= graphs


def test_every_fact_graph_names_its_source_document(built_store):
    store = open_store(built_store)
    undescribed = store.select(
        """
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX kfg: <https://w3id.org/kompetensgraf/graph/>
        SELECT DISTINCT ?g WHERE {
          GRAPH ?g { ?s ?p ?o }
          FILTER (?g NOT IN (kfg:meta, kfg:ontology, kfg:vocab))
          FILTER NOT EXISTS { GRAPH kfg:meta { ?g prov:wasDerivedFrom ?doc } }
        }"""
    )
    assert undescribed == []


def test_refused_build_names_file_subject_and_reason_and_keeps_old_store(project_copy, tmp_path):
    store_path = tmp_path / "var" / "store"
    first = build(store_path, root=project_copy, **QUIET)
    before = quads_of(store_path)
    target_before = os.readlink(store_path)

    broken = project_copy / "graph" / "data" / "zz-broken.trig"
    broken.write_text(BAD_ORGNR, encoding="utf-8")
    with pytest.raises(BuildError) as refused:
        build(store_path, root=project_copy, **QUIET)
    text = str(refused.value)
    assert "zz-broken.trig" in text
    assert "testkommun-med-fel" in text
    assert "orgnr" in text.lower()

    assert os.readlink(store_path) == target_before
    assert quads_of(store_path) == before
    assert first.quads == len(open_store(store_path))  # quads in the named graphs (no merge)
    leftovers = [p for p in (tmp_path / "var" / "builds").iterdir() if p.name.startswith(".tmp")]
    assert leftovers == []


def test_syntax_error_is_refused_with_file_and_line(project_copy, tmp_path):
    broken = project_copy / "graph" / "data" / "zz-syntax.trig"
    broken.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    with pytest.raises(BuildError) as refused:
        build(tmp_path / "store", root=project_copy, **QUIET)
    assert "zz-syntax.trig" in str(refused.value)
    assert not (tmp_path / "store").exists()


def test_failing_check_query_refuses_the_build(project_copy, tmp_path):
    check = project_copy / "queries" / "checks" / "zz-test-violation.rq"
    check.parent.mkdir(parents=True, exist_ok=True)
    check.write_text(
        "#+ summary: every county is a problem (test)\n"
        "PREFIX kf: <https://w3id.org/kompetensgraf/def#>\n"
        'SELECT ?focus ("a test reason" AS ?reason) WHERE { ?focus a kf:County } LIMIT 1\n',
        encoding="utf-8",
    )
    with pytest.raises(BuildError) as refused:
        build(tmp_path / "store", root=project_copy, **QUIET)
    assert "zz-test-violation.rq" in str(refused.value)
    assert "a test reason" in str(refused.value)


def test_rebuild_replaces_the_store_and_prunes_old_builds_nobody_reads(project_copy, tmp_path):
    store_path = tmp_path / "store"
    ids = [build(store_path, root=project_copy, **QUIET).build_id for _ in range(2)]
    reader = open_store(store_path, read_only=True)  # a server still reading the second build
    ids += [build(store_path, root=project_copy, **QUIET).build_id for _ in range(3)]
    assert os.readlink(store_path).endswith(ids[-1])
    kept = sorted(p.name for p in (tmp_path / "builds").iterdir())
    assert ids[0] not in kept  # pruned
    assert ids[1] in kept  # in use: kept, and still readable
    assert reader.ask("ASK { GRAPH ?g { ?s ?p ?o } }")
    assert kept == sorted(ids[1:])  # the current build and two before it, plus the one in use
    reader.close()
    ids.append(build(store_path, root=project_copy, **QUIET).build_id)
    kept = sorted(p.name for p in (tmp_path / "builds").iterdir())
    assert kept == sorted(ids[3:])  # no longer read: pruned with the next build


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args],
        cwd=ROOT,
        capture_output=True,
        timeout=600,
        check=check,
    )


def test_cli_query_formats(built_store):
    select = (
        "PREFIX kf: <https://w3id.org/kompetensgraf/def#> "
        "SELECT DISTINCT ?c WHERE { ?c a kf:County }"
    )
    csv = run_cli("query", select, "--store", str(built_store), "--format", "csv").stdout
    assert csv.decode().splitlines()[0] == "c"
    assert len(csv.decode().splitlines()) == 22  # header + 21 counties
    construct = (
        "PREFIX kf: <https://w3id.org/kompetensgraf/def#> "
        "CONSTRUCT { ?c a kf:County } WHERE { ?c a kf:County }"
    )
    nt = run_cli("query", construct, "--store", str(built_store), "--format", "ntriples").stdout
    assert len(list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))) == 21
    bad = run_cli("query", "SELEKT nothing", "--store", str(built_store), check=False)
    assert bad.returncode == 2
    assert b"Query error" in bad.stderr


def test_cli_export_keeps_every_named_graph(built_store, tmp_path):
    out = tmp_path / "dump.nq"
    run_cli("export", "--store", str(built_store), "--format", "nquads", "-o", str(out))
    graphs = {q.graph_name.value for q in ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS)}
    assert graphs == set(open_store(built_store).named_graphs())


def test_cli_stats_counts_classes_and_graphs(built_store):
    text = run_cli("stats", "--store", str(built_store)).stdout.decode()
    assert "kf:Municipality" in text and "290" in text
    assert "kfg:meta" in text


def test_cli_build_refusal_exits_non_zero(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    result = run_cli(
        "build", "--store", str(tmp_path / "store"), "--load", str(broken), check=False
    )
    assert result.returncode == 1
    assert b"broken.ttl" in result.stderr
    assert not (tmp_path / "store").exists()


def test_user_file_goes_into_a_graph_of_its_own(project_copy, tmp_path):
    mine = tmp_path / "min-statistik.ttl"
    mine.write_text(
        '<http://example.org/x> <http://example.org/värde> "Åtta" .\n', encoding="utf-8"
    )
    store_path = tmp_path / "store"
    build(store_path, root=project_copy, extra=[mine], **QUIET)
    store = open_store(store_path)
    assert f"{GRAPH}user/min-statistik" in store.named_graphs()
    # the build read the file: its day of reading is the day part of the graph's load time
    (row,) = store.select(
        "PREFIX prov: <http://www.w3.org/ns/prov#> "
        "PREFIX kf: <https://w3id.org/kompetensgraf/def#> "
        "SELECT ?g ?t ?read WHERE { ?g prov:generatedAtTime ?t ; prov:wasDerivedFrom ?doc . "
        "?doc kf:accessed ?read }",
        substitutions={"g": ox.NamedNode(f"{GRAPH}user/min-statistik")},
    )
    assert row["read"].value == row["t"].value[:10]
    assert row["read"].datatype == ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
