"""The data audit of December 2026 (docs/audit-2026-12.md), checked on the built store.

Each test asks the store what a researcher would ask: can every source be cited, who had signed
the declaration of intent on the signing day, when Valideringslyft ended, what the ESF support
was, which identifiers the 21 regions carry and on whose word.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import queries
from graph.backends import open_store
from graph.namespaces import PREFIXES, compact

ROOT = Path(__file__).resolve().parents[1]
TABLES = ROOT.parent / "shared" / "reference"
HEAD = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
DECLARATION = "kfid:avsiktsforklaring-vgr-kommunalforbunden-2022"
PARTIES = {
    "kfid:region-lan-14",
    "kfid:fyrbodals-kommunalforbund",
    "kfid:goteborgsregionens-kommunalforbund",
    "kfid:borasregionen-sjuharads-kommunalforbund",
    "kfid:skaraborgs-kommunalforbund",
}


@pytest.fixture(scope="module")
def store(built_store):
    s = open_store(built_store)
    yield s
    s.close()


def rows(store, sparql: str, **bound: str) -> list[dict[str, str]]:
    """SELECT rows as {variable: compact IRI or lexical value}; ``bound`` IRIs by substitution."""
    subs = {k: ox.NamedNode(PREFIXES[v.split(":")[0]] + v.split(":", 1)[1])
            for k, v in bound.items()}  # fmt: skip
    result = store.query(HEAD + sparql, substitutions=subs)
    names = [v.value for v in result.variables]
    return [{n: compact(s[n].value) if isinstance(s[n], ox.NamedNode) else s[n].value
             for n in names if s[n] is not None} for s in result]  # fmt: skip


def catalogue(store, folder: str, name: str, **params: str) -> list[dict[str, str]]:
    qf = queries.load(queries.QUERIES / folder / f"{name}.rq")
    result = store.query(qf.text, substitutions=qf.bind(params))
    names = [v.value for v in result.variables]
    return [{n: compact(s[n].value) if isinstance(s[n], ox.NamedNode) else s[n].value
             for n in names if s[n] is not None} for s in result]  # fmt: skip


def span(start: str | None, end: str | None) -> tuple[str, str]:
    """A period as first and last day (a year or a month counts whole)."""
    first = start or "0000"
    last = end or "9999"
    first += {4: "-01-01", 7: "-01"}.get(len(first), "")
    last += {4: "-12-31", 7: "-31"}.get(len(last), "")
    return first, last


def on(day: str, row: dict[str, str]) -> bool:
    first, last = span(row.get("start"), row.get("end"))
    return first <= day <= last


# --------------------------------------------------------------------------- citable sources

CITATION = """
SELECT ?doc ?missing WHERE {
  ?doc a kf:SourceDocument .
  {
    FILTER NOT EXISTS { ?doc dct:title ?t } BIND("title" AS ?missing)
  } UNION {
    FILTER NOT EXISTS { ?doc dct:publisher|dct:creator ?who }
    BIND("publisher or creator" AS ?missing)
  } UNION {
    FILTER NOT EXISTS { ?doc foaf:page|dct:identifier ?where }
    BIND("address or identifier" AS ?missing)
  } UNION {
    FILTER NOT EXISTS { ?doc dct:issued ?d } FILTER NOT EXISTS { ?doc kf:undated true }
    BIND("date, year or kf:undated" AS ?missing)
  } UNION {
    ?doc dct:publisher|dct:creator ?who FILTER NOT EXISTS { ?who rdfs:label|foaf:name ?name }
    BIND("a name for its publisher or creator" AS ?missing)
  }
}
"""


def test_no_source_document_misses_a_citation_field(store):
    docs = rows(store, "SELECT DISTINCT ?doc WHERE { ?doc a kf:SourceDocument }")
    assert len(docs) >= 70
    assert rows(store, CITATION) == []


def test_dates_are_typed_dates_or_years_and_never_both_with_undated(store):
    issued = rows(store, "SELECT ?doc ?d (DATATYPE(?d) AS ?t) WHERE "
                         "{ ?doc a kf:SourceDocument ; dct:issued ?d }")  # fmt: skip
    assert issued and {r["t"] for r in issued} <= {"xsd:date", "xsd:gYear", "xsd:gYearMonth"}
    both = rows(store, "SELECT ?doc WHERE { ?doc dct:issued ?d ; kf:undated true }")
    assert both == []


def test_every_source_was_read_on_the_day_its_first_graph_was_written(store):
    """kf:accessed: the day the project read the source and wrote its facts, one xsd:date per
    source document, equal to the date of the earliest prov:generatedAtTime of its graphs."""
    docs = {r["doc"] for r in rows(store, "SELECT ?doc WHERE { ?doc a kf:SourceDocument }")}
    read: dict[str, list[str]] = {}
    for r in rows(store, "SELECT ?doc ?d (DATATYPE(?d) AS ?t) WHERE { ?doc kf:accessed ?d }"):
        assert r["t"] == "xsd:date", r
        read.setdefault(r["doc"], []).append(r["d"])
    assert set(read) == docs and all(len(days) == 1 for days in read.values())
    first: dict[str, str] = {}
    made = (
        "SELECT ?doc ?at WHERE { GRAPH kfg:meta { ?g prov:wasDerivedFrom ?doc ; "
        "prov:generatedAtTime ?at } }"
    )
    for r in rows(store, made):
        assert r["at"].endswith("Z"), r  # written in UTC: the date part is the day
        first[r["doc"]] = min(first.get(r["doc"], r["at"][:10]), r["at"][:10])
    assert {doc: days[0] for doc, days in read.items()} == first
    assert set(first.values()) == {"2026-11-23", "2026-12-02"}
    check = ROOT / "queries" / "checks" / "source-accessed-violation.rq"
    assert list(store.query(check.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    ("doc", "day"),
    [
        ("kfsrc:hallbar-kompetensforsorjning-genom-regional-samverkan", "2026-11-23"),  # seed
        ("kfsrc:prop-2021-22-159", "2026-12-02"),  # added in the audit
        ("kfsrc:skane-faktura", "2026-12-02"),  # a page regions_ids.csv added (generated layer)
        ("kfsrc:edionet-du-fakturering", "2026-11-23"),  # graphs of both days: the first
        ("kfsrc:sjbrg-swedish-geodata-counties", "2026-11-23"),  # a dated copy, read later
    ],
)
def test_the_day_read_is_the_projects_not_the_sources(store, doc, day):
    got = rows(store, "SELECT ?doc ?d ?issued WHERE { ?doc kf:accessed ?d "
                      "OPTIONAL { ?doc dct:issued ?issued } }", doc=doc)  # fmt: skip
    assert [r["d"] for r in got] == [day]
    if doc == "kfsrc:sjbrg-swedish-geodata-counties":
        assert got[0]["issued"] == "2026-02-11"  # the copy's own date stays where it was


def test_the_sobona_article_is_cited_as_facts_md_gives_it(store):
    doc = "kfsrc:hallbar-kompetensforsorjning-genom-regional-samverkan"
    got = rows(store, "SELECT ?doc ?p ?o WHERE { ?doc ?p ?o }", doc=doc)
    facts = {(r["p"], r["o"]) for r in got}
    assert ("dct:publisher", "kfid:sobona") in facts
    assert ("dct:issued", "2021") in facts
    assert ("foaf:page", "https://sobona.se/vara-fragor/enklare-vag/konferenser/"
            "valideringskonferensen-2021/hallbar-kompetensforsorjning-genom-regional-samverkan"
            ) in facts  # fmt: skip
    assert {o for p, o in facts if p == "dct:contributor"} == {
        "kfid:anna-wahlgren",
        "kfid:charlotta-larspers",
    }


def test_the_declaration_is_cited_by_title_parties_date_and_the_vgr_page(store):
    got = rows(
        store, "SELECT ?doc ?p ?o WHERE { ?doc ?p ?o }", doc=DECLARATION.replace("kfid", "kfsrc")
    )
    facts = {(r["p"], r["o"]) for r in got}
    assert {o for p, o in facts if p == "dct:creator"} == PARTIES
    assert ("dct:issued", "2022-11-10") in facts
    assert any(p == "dct:title" and o.startswith("Avsiktsförklaring mellan") for p, o in facts)
    page = rows(store, "SELECT ?doc ?page ?pub WHERE { ?doc dct:isReferencedBy ?v . "
                       "?v foaf:page ?page ; dct:publisher ?pub }",
                doc=DECLARATION.replace("kfid", "kfsrc"))  # fmt: skip
    assert [(r["page"], r["pub"]) for r in page] == [
        ("https://vgregion.se/regional-utveckling/omraden/kompetens/kompetensrad",
         "kfid:region-lan-14")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("copy", "official"),
    [
        ("kfsrc:sjbrg-swedish-geodata-counties", "kfsrc:scb-lan-och-kommunkoder"),
        ("kfsrc:statscraper-datatypes-municipalities", "kfsrc:scb-lan-och-kommunkoder"),
        ("kfsrc:simpleiso3166-se", "kfsrc:iso-3166-2-se"),
        ("kfsrc:wikipedia-nuts-statistical-regions-of-sweden", "kfsrc:eurostat-nuts"),
    ],
)
def test_copies_of_an_official_classification_say_so(store, copy, official):
    got = rows(store, "SELECT ?copy ?o ?pub WHERE { ?copy dct:source ?o . ?o dct:publisher ?pub ; "
                      "skos:note ?n }", copy=copy)  # fmt: skip
    assert {r["o"] for r in got} == {official}


# --------------------------------------------------------------------------- periods


def network(store) -> list[dict[str, str]]:
    return catalogue(store, "browse", "network-edges")


def test_on_the_signing_day_the_five_parties_have_signed(store):
    signed = [r for r in network(store)
              if r["target"] == DECLARATION and r.get("role") == "kf:signatory"]  # fmt: skip
    assert {r["source"] for r in signed if on("2022-11-10", r)} == PARTIES
    assert {r["source"] for r in signed if on("2024-06-01", r)} == PARTIES
    assert not [r for r in signed if on("2022-11-09", r)]


def test_the_agreement_keeps_its_validity(store):
    got = rows(store, "SELECT DISTINCT ?d ?s ?e WHERE { ?d dct:temporal [ dcat:startDate ?s ; "
                      "dcat:endDate ?e ] }", d=DECLARATION)  # fmt: skip
    assert [(r["s"], r["e"]) for r in got] == [("2023", "2030")]


def test_valideringslyft_and_its_implementation_phase_end_2022_12_31(store):
    for thing in ("kfid:valideringslyft", "kfid:valideringslyft-genomforandefas"):
        ends = rows(
            store, "SELECT DISTINCT ?t ?e WHERE { ?t dct:temporal/dcat:endDate ?e }", t=thing
        )
        assert [r["e"] for r in ends] == ["2022-12-31"], thing
    running = {
        r["thing"] for r in catalogue(store, "catalogue", "valid-on-date", date="2022-06-01")
    }
    assert {"kfid:valideringslyft", "kfid:valideringslyft-genomforandefas"} <= running
    after = {r["thing"] for r in catalogue(store, "catalogue", "valid-on-date", date="2023-01-01")}
    assert not {"kfid:valideringslyft", "kfid:valideringslyft-genomforandefas"} & after


def test_tillvaxtverkets_support_has_no_invented_period(store):
    support = [r for r in network(store) if r["source"] == "kfid:tillvaxtverket"
               and r["target"] == "kfid:region-lan-19"]  # fmt: skip
    assert support and all("start" not in r and "end" not in r for r in support)


def test_region_vastmanland_holds_the_responsibility_since_2017_beside_the_seed_claim(store):
    got = rows(store, """SELECT DISTINCT ?to ?event ?date ?g WHERE { GRAPH ?g { ?event a
        kf:ResponsibilityTransfer ; kf:eventDate ?date ; kf:transferredTo ?to } }""",
               to="kfid:region-lan-19")  # fmt: skip
    assert [(r["event"], r["date"], r["g"]) for r in got] == [
        ("kfid:regionalt-utvecklingsansvar-2017", "2017",
         "kfg:fact-prop-2015-16-176--overtagande-2017")
    ]  # fmt: skip
    seed = rows(store, "SELECT ?e ?date WHERE { GRAPH ?g { ?e kf:eventDate ?date } }",
                e="kfid:ansvarsoverforing-landsting-till-regioner-2019")  # fmt: skip
    assert [r["date"] for r in seed] == ["2019"]
    holders = rows(store, "SELECT DISTINCT ?to WHERE { ?e a kf:ResponsibilityTransfer ; "
                          "kf:transferredResponsibility kf:regionalDevelopment ; "
                          "kf:transferredTo ?to }")  # fmt: skip
    assert len(holders) == 21


# --------------------------------------------------------------------------- budget


def test_budget_and_esf_support_as_the_project_bank_states_them(store):
    budget = rows(
        store,
        """SELECT ?v ?c WHERE { GRAPH kfg:fact-esf-projektbanken-valideringslyft
        { kfid:valideringslyft kf:budget [ schema:value ?v ; schema:currency ?c ] } }""",
    )
    assert [(float(r["v"]), r["c"]) for r in budget] == [(17_909_797, "SEK")]
    grants = rows(
        store,
        """SELECT DISTINCT ?grant ?funder ?v ?rate WHERE {
        ?grant schema:fundedItem kfid:valideringslyft ; schema:funder ?funder ;
               schema:amount/schema:value ?v OPTIONAL { ?grant kf:coFinancingRate ?rate } }""",
    )
    assert [(r["funder"], float(r["v"]), float(r["rate"])) for r in grants] == [
        ("kfid:svenska-esf-radet", 17_909_797, 0.5)
    ]
    definition = rows(store, "SELECT ?d WHERE { kf:coFinancingRate skos:definition ?d "
                             "FILTER(lang(?d) = 'en') }")  # fmt: skip
    assert (
        "EU's share" in definition[0]["d"] and "Not a share paid by another" in definition[0]["d"]
    )


# --------------------------------------------------------------------------- regions


def region_rows() -> list[dict[str, str]]:
    with (TABLES / "regions_ids.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def region_iri(code: str) -> str:
    return "kfid:kommun-0980" if code == "09" else f"kfid:region-lan-{code}"


STATED = """SELECT DISTINCT ?r ?value ?g ?doc WHERE {
  GRAPH ?g { ?r ?p ?value } ?g prov:wasDerivedFrom ?doc . ?doc a kf:SourceDocument }"""


def test_every_region_has_its_orgnr_with_a_source(store):
    for row in region_rows():
        got = rows(store, STATED.replace("?p", "kf:orgnr"), r=region_iri(row["lanskod"]))
        assert {r["value"] for r in got} == {row["orgnr"]}, row["lanskod"]
        # two sources where the table names two (Västmanland's two are one page, info.edionet.net)
        if "(b)" in row["orgnr_source"] and row["lanskod"] != "19":
            assert len({r["doc"] for r in got}) >= 2, row["lanskod"]


def test_eighteen_verified_region_qids_each_with_its_source(store):
    found = 0
    for row in region_rows():
        got = rows(store, STATED.replace("?p", "skos:exactMatch"), r=region_iri(row["lanskod"]))
        qids = {r["value"].removeprefix("wd:") for r in got if r["value"].startswith("wd:")}
        if row["region_qid"]:
            found += 1
            assert qids == {row["region_qid"]}, row["lanskod"]
            assert "kfsrc:okfnlocal-public-se-csv" in {r["doc"] for r in got}
        else:  # UNVERIFIED in the table: left out
            assert qids == set(), row["lanskod"]
    assert found == 18


def test_single_source_orgnr_are_recorded_as_such(store):
    got = rows(
        store,
        """SELECT DISTINCT ?r ?g WHERE { GRAPH ?g { ?r kf:orgnr ?o ; skos:note ?n }
        FILTER(lang(?n) = "en" && CONTAINS(?n, "single source")) }""",
    )
    wikidata_only = {r["r"] for r in got if r["g"] == "kfg:ref-okfnlocal-regions"}
    assert len(wikidata_only) == 9
    assert ("kfid:region-lan-13", "kfg:ref-orgnr-region-halland") in {(r["r"], r["g"]) for r in got}
    assert "kfid:region-lan-14" not in {r["r"] for r in got}


def test_the_2022_change_amends_the_act_itself_decided_2022_06_16(store):
    got = rows(
        store,
        """SELECT DISTINCT ?a ?g ?p ?o WHERE { GRAPH ?g { ?a ?p ?o }
           VALUES ?p { kf:amends dct:dateAccepted } }""",
        a="kfid:andring-sfs-2010-630-2022",
    )
    facts = {(r["g"], r["p"], r["o"]) for r in got}
    assert ("kfg:fact-prop-2021-22-159", "kf:amends", "kfid:sfs-2010-630") in facts
    assert ("kfg:fact-bet-2021-22-ubu25", "dct:dateAccepted", "2022-06-16") in facts
    assert not any(o == "kfid:sfs-2017-583" for _, _, o in facts)
