"""Importing a refreshed SCB code list (graph/scb.py) on small fixtures in tests/data/scb/."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS, URIRef
from rdflib.namespace import PROV, SKOS

from graph.namespaces import DEF, GRAPH, ID, META_GRAPH, SOURCE
from graph.scb import (
    ScbFormatError,
    codes_in,
    compare_codes,
    import_scb,
    import_scb_to_trig,
    main,
    read_code_list,
)
from graph.terms import KF

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "data" / "scb"
CHECKS = ROOT / "queries" / "checks"
WHEN = datetime(2026, 11, 23, tzinfo=UTC)


def quads(ds: rdflib.Dataset, graph: str, s=None, p=None, o=None) -> set:
    return {(q[0], q[1], q[2]) for q in ds.quads((s, p, o, URIRef(graph)))}


def test_reads_the_utf8_semicolon_layout_with_title_lines():
    codes = read_code_list(FIXTURES / "kommunlankod-2025.csv")
    assert codes.encoding == "utf-8" and codes.separator == ";"
    assert codes.header[:2] == ("Code", "Name")
    assert codes.title.startswith("Län och kommuner")
    assert len(codes.counties) == 4 and len(codes.municipalities) == 10
    assert codes.municipalities["1480"] == "Göteborg"


def test_cp1252_comma_layout_gives_the_same_codes():
    utf8 = read_code_list(FIXTURES / "kommunlankod-2025.csv")
    cp1252 = read_code_list(FIXTURES / "kommunlankod-cp1252.csv")
    assert cp1252.encoding == "cp1252" and cp1252.separator == ","
    assert cp1252.counties == utf8.counties
    assert cp1252.municipalities == utf8.municipalities


def test_import_builds_counties_and_municipalities_with_codes_and_county():
    ds = import_scb(FIXTURES / "kommunlankod-2025.csv", generated_at=WHEN)
    graph = GRAPH + "ref-scb-import-kommunlankod-2025"
    kommun = URIRef(ID + "kommun-1384")
    facts = quads(ds, graph, kommun)
    assert (kommun, RDF.type, KF.Municipality) in facts
    assert (kommun, KF.kommunkod, rdflib.Literal("1384")) in facts
    assert (kommun, KF.inCounty, URIRef(ID + "lan-13")) in facts
    assert (kommun, SKOS.altLabel, rdflib.Literal("Kungsbacka", lang="sv")) in facts
    lan = URIRef(ID + "lan-14")
    assert (lan, RDFS.label, rdflib.Literal("Västra Götalands län", lang="sv")) in quads(
        ds, graph, lan
    )
    assert len({s for s, _, _ in quads(ds, graph, None, RDF.type, KF.Municipality)}) == 10


def test_import_has_its_own_source_document_and_fact_graph_description():
    ds = import_scb(FIXTURES / "kommunlankod-2025.csv", generated_at=WHEN)
    graph = URIRef(GRAPH + "ref-scb-import-kommunlankod-2025")
    source = URIRef(SOURCE + "scb-import-kommunlankod-2025")
    meta = quads(ds, META_GRAPH)
    assert (graph, RDF.type, KF.FactGraph) in meta
    assert (graph, PROV.wasDerivedFrom, source) in meta
    assert (source, RDF.type, KF.SourceDocument) in meta
    stamp = rdflib.Literal("2026-11-23T00:00:00Z", datatype=rdflib.XSD.dateTime)
    assert (graph, PROV.generatedAtTime, stamp) in meta
    labels = {o.language for s, p, o in meta if s == graph and p == RDFS.label}
    assert labels == {"sv", "en"}
    assert any(s == graph and p == KF.locator for s, p, _ in meta)


def test_trig_output_loads_and_passes_the_reference_format_and_county_checks(tmp_path):
    out = tmp_path / "scb.trig"
    import_scb_to_trig(FIXTURES / "kommunlankod-2025.csv", out, generated_at=WHEN)
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TRIG)
    for name in (
        "reference-code-format-violation",
        "reference-code-unique-violation",
        "reference-municipality-county-violation",
        "reference-provenance-violation",
    ):
        query = (CHECKS / f"{name}.rq").read_text(encoding="utf-8")
        assert list(store.query(query, use_default_graph_as_union=True)) == [], name


def test_merger_two_municipalities_replaced_by_one_new_code():
    before = import_scb(FIXTURES / "kommuner-fore-sammanslagning.csv", generated_at=WHEN)
    after = import_scb(FIXTURES / "kommuner-efter-sammanslagning.csv", generated_at=WHEN)
    changes = compare_codes(codes_in(before), codes_in(after))
    assert changes.removed == {"1382": "Falkenberg", "1383": "Varberg"}
    assert changes.added == {"1385": "Falkenberg-Varberg"}
    assert changes.renamed == {}
    graph = GRAPH + "ref-scb-import-kommuner-efter-sammanslagning"
    merged = URIRef(ID + "kommun-1385")
    assert (merged, KF.inCounty, URIRef(ID + "lan-13")) in quads(after, graph, merged)
    assert not quads(after, graph, URIRef(ID + "kommun-1383"))
    # each file is its own source: the two imports sit in two graphs side by side
    graphs = {str(g.identifier) for g in before.graphs()} | {
        str(g.identifier) for g in after.graphs()
    }
    assert {GRAPH + "ref-scb-import-kommuner-fore-sammanslagning", graph} <= graphs


def test_malformed_fixture_is_refused_naming_line_and_reason():
    with pytest.raises(ScbFormatError) as info:
        import_scb(FIXTURES / "kommunlankod-trasig.csv")
    assert info.value.line == 4
    assert "line 4" in str(info.value) and "'114'" in str(info.value)
    assert "leading zero" in str(info.value)


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("01;Stockholms län\n0114;Upplands Väsby\n", None, "no header row"),
        ("Code;Name\n01;Stockholms län\n0114\n", 3, "expected a code and a name"),
        ("Code;Name\n01;Stockholms län\n0114;\n", 3, "expected a code and a name"),
        ("Code;Name\n01;Stockholms län\nABCD;Nowhere\n", 3, "neither a 2-digit"),
        ("Code;Name\n01;Stockholms län\n01234;Upplands Väsby\n", 3, "neither a 2-digit"),
        ("Code;Name\n01;Stockholms län\n0114;A\n0114;B\n", 4, "already given on line 3"),
        ("Code;Name\n01;Stockholms län\n1480;Göteborg\n", 3, "does not list"),
        ("Code;Name\n", None, "no codes"),
        ("\n\n", None, "empty"),
    ],
)
def test_malformed_variants_are_refused(tmp_path, content, line, reason):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ScbFormatError) as info:
        import_scb(path)
    assert info.value.line == line
    assert reason in str(info.value)
    if line:
        assert f"line {line}" in str(info.value)


def test_tab_separated_latin1_file(tmp_path):
    path = tmp_path / "Kommuner och län.txt"
    path.write_bytes("Kod\tBenämning\n14\tVästra Götalands län\n1480\tGöteborg\n".encode("latin-1"))
    ds = import_scb(path, generated_at=WHEN)
    assert codes_in(ds) == {"1480": "Göteborg"}
    assert URIRef(GRAPH + "ref-scb-import-kommuner-och-lan") in {g.identifier for g in ds.graphs()}


def test_command_line_writes_trig_and_reports_errors(tmp_path, capsys):
    out = tmp_path / "out.trig"
    assert main([str(FIXTURES / "kommunlankod-2025.csv"), "-o", str(out)]) == 0
    store = ox.Store()
    store.load(path=str(out), format=ox.RdfFormat.TRIG)
    assert len(store) > 40
    assert not list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    assert main([str(FIXTURES / "kommunlankod-trasig.csv")]) == 2
    assert "line 4" in capsys.readouterr().err


def test_kompetensgraf_import_scb_subcommand(tmp_path):
    from graph.cli import main as cli_main

    out = tmp_path / "scb.trig"
    assert cli_main(["import-scb", str(FIXTURES / "kommunlankod-cp1252.csv"), "-o", str(out)]) == 0
    assert "kfid:kommun-1439" in out.read_text(encoding="utf-8")
    assert cli_main(["import-scb", str(FIXTURES / "kommunlankod-trasig.csv")]) == 1


def _layer_with(extra: Path) -> ox.Store:
    store = ox.Store()
    for path in sorted((ROOT / "graph" / "data" / "reference").glob("*.trig")):
        store.load(path=str(path), format=ox.RdfFormat.TRIG)
    store.load(path=str(extra), format=ox.RdfFormat.TRIG)
    return store


def _rows(store: ox.Store, check: str) -> list:
    query = (CHECKS / f"{check}.rq").read_text(encoding="utf-8")
    return list(store.query(query, use_default_graph_as_union=True))


def test_an_import_that_agrees_with_the_layer_passes_every_reference_check(tmp_path):
    out = tmp_path / "scb.trig"
    import_scb_to_trig(FIXTURES / "kommunlankod-2025.csv", out, generated_at=WHEN)
    store = _layer_with(out)
    for check in sorted(CHECKS.glob("reference-*-violation.rq")):
        assert _rows(store, check.stem) == [], check.stem


def test_a_merger_import_beside_the_layer_is_caught_by_the_count_check(tmp_path):
    out = tmp_path / "merger.trig"
    import_scb_to_trig(FIXTURES / "kommuner-efter-sammanslagning.csv", out, generated_at=WHEN)
    rows = _rows(_layer_with(out), "reference-counts-violation")
    focus = {row["focus"].value for row in rows}
    assert {DEF + "Municipality", ID + "lan-13"} <= focus
