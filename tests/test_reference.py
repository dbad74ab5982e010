"""The national reference layer (graph/data/reference/*.trig) and its check queries.

The committed TriG files are loaded into an in-memory pyoxigraph store and queried with the
default graph as the union of all named graphs, as the build does. Identifiers are compared with
the shared reference tables beside the repository (``../shared/reference``).
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph.namespaces import PREFIXES, sparql_prologue
from graph.reference.layer import convert
from graph.reference.tables import luhn_valid

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "graph" / "data" / "reference"
TABLES = ROOT.parent / "shared" / "reference"
CHECKS = sorted((ROOT / "queries" / "checks").glob("reference-*-violation.rq"))
PROLOGUE = sparql_prologue()
KF, KFID, KFG = PREFIXES["kf"], PREFIXES["kfid"], PREFIXES["kfg"]

# Municipalities per county as SOURCES.md states them (section 2), kept apart from the converter.
PER_COUNTY = {
    "01": 26, "03": 8, "04": 9, "05": 13, "06": 13, "07": 8, "08": 12, "09": 1, "10": 5, "12": 33,
    "13": 6, "14": 49, "17": 16, "18": 12, "19": 10, "20": 15, "21": 10, "22": 7, "23": 8, "24": 15,
    "25": 14,
}  # fmt: skip


def load_store() -> ox.Store:
    store = ox.Store()
    for path in sorted(DATA.glob("*.trig")):
        store.load(path=str(path), format=ox.RdfFormat.TRIG)
    return store


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return load_store()


def select(store: ox.Store, query: str, **values) -> list[dict[str, str]]:
    subs = {ox.Variable(k): v for k, v in values.items()}
    results = store.query(PROLOGUE + query, use_default_graph_as_union=True, substitutions=subs)
    names = [v.value for v in results.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in results]


def count(store: ox.Store, query: str, **values) -> int:
    return int(select(store, query, **values)[0]["n"])


def table(name: str) -> list[dict[str, str]]:
    with (TABLES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def iri(term: str) -> ox.NamedNode:
    prefix, _, local = term.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


def values_in(store, graph: str, subject: str, predicate: str) -> set[str]:
    rows = select(
        store,
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }",
        g=iri(graph),
        s=iri(subject),
        p=iri(predicate),
    )
    return {r["o"] for r in rows}


# --------------------------------------------------------------------------- counts


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        ("kf:County", 21),
        ("kf:Region", 21),
        ("kf:Municipality", 290),
        ("kf:CountyAdministrativeBoard", 21),
        ("kf:MunicipalFederation", 4),
    ],
)
def test_reference_layer_has_the_national_counts(store, cls, expected):
    assert (
        count(
            store, "SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c", c=iri(cls)
        )
        == expected
    )


def test_region_gotland_is_the_municipality_and_there_is_no_region_lan_09(store):
    types = {r["t"] for r in select(store, "SELECT ?t WHERE { kfid:kommun-0980 a ?t }")}
    assert {KF + "Region", KF + "Municipality"} <= types
    assert not select(store, "SELECT * WHERE { kfid:region-lan-09 ?p ?o }")
    assert store.query(
        PROLOGUE + "ASK { kfid:kommun-0980 kf:regionalAuthorityOf kfid:lan-09 }",
        use_default_graph_as_union=True,
    )


@pytest.mark.parametrize(("lanskod", "expected"), sorted(PER_COUNTY.items()))
def test_municipalities_per_county_match_sources_md(store, lanskod, expected):
    query = """SELECT ?c ?code (COUNT(DISTINCT ?m) AS ?n) WHERE {
                 ?m a kf:Municipality ; kf:inCounty ?c ; kf:kommunkod ?k .
                 FILTER (STRSTARTS(?k, ?code)) } GROUP BY ?c ?code"""
    assert count(store, query, c=iri(f"kfid:lan-{lanskod}"), code=ox.Literal(lanskod)) == expected


# --------------------------------------------------------------------------- memberships

MEMBERS = """SELECT DISTINCT ?f ?role ?m WHERE {
    ?ms a org:Membership ; org:organization ?f ; org:role ?role ; org:member ?m }"""


def members(store, forbund: str, role: str = "kf:memberRole") -> set[str]:
    rows = select(store, MEMBERS, f=iri(f"kfid:{forbund}"), role=iri(role))
    return {r["m"].rsplit("-", 1)[1] for r in rows}


def test_gr_has_13_members_including_kungsbacka_in_halland(store):
    gr = members(store, "goteborgsregionens-kommunalforbund")
    assert len(gr) == 13 and "1384" in gr
    assert store.query(
        PROLOGUE + "ASK { kfid:kommun-1384 kf:inCounty kfid:lan-13 }",
        use_default_graph_as_union=True,
    )


def test_member_counts_of_the_four_forbund(store):
    assert len(members(store, "fyrbodals-kommunalforbund")) == 14
    assert len(members(store, "borasregionen-sjuharads-kommunalforbund")) == 8
    assert len(members(store, "skaraborgs-kommunalforbund")) == 15


def test_varberg_is_adjunct_of_borasregionen_not_member(store):
    boras = "borasregionen-sjuharads-kommunalforbund"
    assert "1383" not in members(store, boras)
    assert members(store, boras, "kf:adjunctRole") == {"1383"}
    everywhere = select(
        store, "SELECT ?ms WHERE { ?ms org:member kfid:kommun-1383 ; org:role kf:memberRole }"
    )
    assert everywhere == []


def test_fargelanda_membership_is_marked_inferred_in_its_own_graph(store):
    rows = select(
        store,
        """SELECT DISTINCT ?g ?note WHERE { GRAPH ?g {
        ?ms org:member kfid:kommun-1439 ; org:organization kfid:fyrbodals-kommunalforbund ;
            org:role kf:memberRole ; skos:note ?note } FILTER (LANG(?note) = "en") }""",
    )
    assert len(rows) == 1
    assert rows[0]["g"] == KFG + "ref-fyrbodal-fargelanda-inferred"
    assert "Inferred" in rows[0]["note"]
    sources = values_in(
        store, "kfg:meta", "kfg:ref-fyrbodal-fargelanda-inferred", "prov:wasDerivedFrom"
    )
    assert PREFIXES["kfsrc"] + "fyrbodal-om-kommunalforbundet" in sources
    # the thirteen listed members sit in another graph, without Färgelanda
    listed = select(
        store, "SELECT ?m WHERE { GRAPH kfg:ref-fyrbodal-mellerud { ?ms org:member ?m } }"
    )
    assert len(listed) == 13 and KFID + "kommun-1439" not in {r["m"] for r in listed}


def test_skaraborg_orgnr(store):
    assert values_in(
        store, "kfg:ref-skaraborg-om-oss", "kfid:skaraborgs-kommunalforbund", "kf:orgnr"
    ) == {"222000-2188"}


# -------------------- identifiers vs the tables


def test_municipality_identifiers_match_the_table(store):
    rows = select(
        store,
        """SELECT ?m ?k ?c ?org ?label WHERE {
        ?m kf:kommunkod ?k ; kf:inCounty ?c ; kf:orgnr ?org ; rdfs:label ?label .
        FILTER (LANG(?label) = "sv") }""",
    )
    graph = {(r["m"], r["k"], r["c"], r["org"], r["label"]) for r in rows}
    expected = {
        (
            KFID + f"kommun-{m['kommunkod']}",
            m["kommunkod"],
            KFID + f"lan-{m['lanskod']}",
            m["orgnr"],
            m["name_full"],
        )
        for m in table("municipalities.csv")
    }
    assert expected <= graph
    assert len({g[0] for g in graph}) == 290


def test_municipality_qids_come_from_the_wikidata_graph(store):
    rows = select(
        store,
        """SELECT ?m ?q WHERE { GRAPH kfg:ref-wikidata-kommuner { ?m skos:exactMatch ?q } }""",
    )
    got = {(r["m"], r["q"]) for r in rows}
    expected = {
        (KFID + f"kommun-{m['kommunkod']}", "http://www.wikidata.org/entity/" + m["wikidata_qid"])
        for m in table("municipalities.csv")
    }
    assert got == expected


def test_county_and_region_identifiers_match_the_table(store):
    for r in table("regions.csv"):
        lan = f"kfid:lan-{r['lanskod']}"
        assert values_in(store, "kfg:ref-scb-lan", lan, "kf:lanskod") == {r["lanskod"]}
        assert values_in(store, "kfg:ref-iso3166-lan", lan, "kf:iso31662") == {r["iso_3166_2"]}
        assert values_in(store, "kfg:ref-nuts-lan-wikipedia", lan, "kf:nuts3") == {r["nuts3_code"]}
        qid = {"http://www.wikidata.org/entity/" + r["lan_wikidata_qid"]}
        assert values_in(store, "kfg:ref-statscraper-lan", lan, "skos:exactMatch") == qid
        assert values_in(store, "kfg:ref-protomaps-lan", lan, "skos:exactMatch") == qid
        region = "kfid:kommun-0980" if r["lanskod"] == "09" else f"kfid:region-lan-{r['lanskod']}"
        orgnr = {
            o["orgnr"]
            for o in select(store, "SELECT ?r ?orgnr WHERE { ?r kf:orgnr ?orgnr }", r=iri(region))
        }
        ids = {i["lanskod"]: i for i in table("regions_ids.csv")}
        assert orgnr == {ids[r["lanskod"]]["orgnr"]}
        assert values_in(store, "kfg:ref-region-names", region, "kf:regionalAuthorityOf") == {
            KFID + f"lan-{r['lanskod']}"
        }


def test_english_county_label(store):
    assert "Västra Götaland County" in values_in(
        store, "kfg:ref-lan-english-labels", "kfid:lan-14", "rdfs:label"
    )


def test_authority_identifiers_match_the_table(store):
    for a in table("authorities.csv"):
        if a["lanskod"]:
            node = f"kfid:lansstyrelsen-lan-{a['lanskod']}"
            assert values_in(store, "kfg:ref-myndighetsdata-esv", node, "kf:operatesIn") == {
                KFID + f"lan-{a['lanskod']}"
            }
        else:
            node = {
                "Tillväxtverket": "kfid:tillvaxtverket",
                "Arbetsförmedlingen": "kfid:arbetsformedlingen",
                "Myndigheten för yrkeshögskolan": "kfid:myndigheten-for-yrkeshogskolan",
            }.get(a["name_sv"])
            if node is None:
                continue
        assert values_in(store, "kfg:ref-myndighetsdata-wikidata", node, "skos:exactMatch") == {
            "http://www.wikidata.org/entity/" + a["wikidata_qid"]
        }
        assert values_in(store, "kfg:ref-myndighetsdata-esv", node, "kf:orgnr") == {a["orgnr"]}


def test_legislation(store):
    assert values_in(
        store, "kfg:ref-lagboken-sfs-2010-630", "kfid:sfs-2010-630", "kf:sfsNumber"
    ) == {"2010:630"}
    assert values_in(
        store, "kfg:ref-lagboken-sfs-2010-630", "kfid:sfs-2010-630", "eli:date_document"
    ) == {"2010-06-10"}
    assert values_in(
        store, "kfg:ref-lagboken-sfs-2018-1348", "kfid:sfs-2018-1348", "kf:amends"
    ) == {KFID + "sfs-2010-630"}
    kinds = {
        r["t"] for r in select(store, "SELECT ?s ?t WHERE { ?s a ?t }", s=iri("kfid:sfs-2017-583"))
    }
    assert kinds == {KF + "Ordinance"}


# -------------------- conflicts kept side by side


def test_salem_qids_sit_in_the_graph_of_each_source(store):
    wd = "http://www.wikidata.org/entity/"
    assert values_in(store, "kfg:ref-wikidata-kommuner", "kfid:kommun-0128", "skos:exactMatch") == {
        wd + "Q516080"
    }
    assert values_in(
        store, "kfg:ref-statscraper-kommuner", "kfid:kommun-0128", "skos:exactMatch"
    ) == {wd + "Q1255130"}
    notes = values_in(store, "kfg:ref-cross-checks", "kfid:kommun-0128", "skos:note")
    assert any("Q1255130" in n and "Q516080" in n for n in notes)


DATES = """SELECT ?s ?g ?start ?end WHERE { GRAPH ?g { ?s dct:temporal ?t .
           OPTIONAL { ?t dcat:startDate ?start } OPTIONAL { ?t dcat:endDate ?end } } }"""


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (
            "kfid:myndigheten-for-yrkeshogskolan",
            {
                ("ref-myndighetsdata-wikidata", "2009-07-01", None),
                ("ref-myndighetsdata-esv", "2009", None),
                ("ref-myndighetsdata-scb", "2009", None),
                ("ref-myndighetsdata-statskontoret", "2010", None),
            },
        ),
        (
            "kfid:svenska-esf-radet",
            {("ref-esf-om-esf-radet", "2000", None), ("ref-myndighetsdata-esv", "2001", None)},
        ),
        (
            "kfid:valideringsdelegationen-2004-2007",
            {
                ("ref-myndighetsdata-wikidata", "2004-01-01", "2008-01-01"),
                ("ref-myndighetsdata-esv", "2004", "2007"),
                ("ref-valideringsdelegation-se-uppdrag", "2004", "2007"),
            },
        ),
    ],
)
def test_date_conflicts_are_kept_with_their_sources(store, node, expected):
    rows = select(store, DATES, s=iri(node))
    assert {(r["g"].removeprefix(KFG), r.get("start"), r.get("end")) for r in rows} == expected
    assert values_in(store, "kfg:ref-cross-checks", node, "skos:note")


def test_kalmar_name_variant_is_only_a_note_of_the_tables(store):
    """The variant came from lists nobody could identify: no graph cites them, the note stays."""
    assert not select(store, "SELECT ?l WHERE { kfid:region-lan-08 skos:altLabel ?l }")
    notes = values_in(store, "kfg:ref-cross-checks", "kfid:region-lan-08", "skos:note")
    assert any("'Region Kalmar'" in n for n in notes)
    labels = {r["l"] for r in select(store, "SELECT ?l WHERE { kfid:region-lan-08 rdfs:label ?l }")}
    assert labels == {"Region Kalmar län"}


def test_unverified_values_stay_out():
    text = "\n".join(p.read_text(encoding="utf-8") for p in DATA.glob("*.trig"))
    assert "222000-1776" not in text  # Fyrbodal orgnr with an unclear prefix
    assert "svensk-forfattningssamling/sfs-2010-630" not in text  # pattern-derived riksdagen id
    assert "2025/26" not in text  # unconfirmed amendment
    assert "U 2015:" not in text  # committee designation not verified


# --------------------------------------------------------------------------- provenance


def test_every_fact_graph_is_described_in_meta(store):
    graphs = {g.value for g in store.named_graphs()} - {KFG + "meta"}
    assert graphs and all(g.startswith(KFG + "ref-") for g in graphs)
    described = {
        r["g"]
        for r in select(
            store,
            """SELECT ?g ?time WHERE { GRAPH kfg:meta {
        ?g a kf:FactGraph ; prov:wasDerivedFrom ?doc ; kf:locator ?loc ; prov:generatedAtTime ?t ;
           rdfs:label ?sv, ?en . ?doc a kf:SourceDocument ; dct:title ?title .
        FILTER (LANG(?sv) = "sv" && LANG(?en) = "en" && DATATYPE(?t) = xsd:dateTime) } }""",
        )
    }
    assert graphs == described


#: The layer's graphs first written in the audit of 2026-12-02 (from regions_ids.csv); the git
#: history shows their files entering the project that day, all others on 2026-11-23.
AUDIT_GRAPHS = {
    "ref-okfnlocal-regions",
    *(f"ref-orgnr-region-{slug}" for slug in (
        "stockholm-locum", "sormland-edionet", "ostergotland", "kronoberg", "skane", "halland",
        "varmland", "jamtland-harjedalen")),
}  # fmt: skip


def test_each_graph_carries_the_day_it_was_written_and_each_source_its_first(store):
    made = "SELECT ?g ?t WHERE { GRAPH kfg:meta { ?g a kf:FactGraph ; prov:generatedAtTime ?t } }"
    written = {r["g"][len(KFG) :]: r["t"] for r in select(store, made)}
    assert {g for g, t in written.items() if t == "2026-12-02T00:00:00Z"} == AUDIT_GRAPHS
    assert {t for g, t in written.items() if g not in AUDIT_GRAPHS} == {"2026-11-23T00:00:00Z"}
    first: dict[str, str] = {}
    for r in select(store, "SELECT ?g ?doc WHERE { ?g prov:wasDerivedFrom ?doc }"):
        day = written[r["g"][len(KFG) :]][:10]
        first[r["doc"]] = min(first.get(r["doc"], day), day)
    read = select(store, "SELECT ?doc ?d WHERE { ?doc a kf:SourceDocument ; kf:accessed ?d "
                         "FILTER (DATATYPE(?d) = xsd:date) }")  # fmt: skip
    assert {r["doc"]: r["d"] for r in read} == first and len(read) == len(first)
    # Västmanland's page (2026-11-23) before Sörmland's on the same site (2026-12-02)
    assert first[PREFIXES["kfsrc"] + "edionet-du-fakturering"] == "2026-11-23"


def test_github_sources_name_repository_file_and_commit(store):
    ident = values_in(store, "kfg:meta", "kfsrc:sjbrg-swedish-geodata-counties", "dct:identifier")
    assert ident == {"sjbrg/swedish-geodata data/counties.csv at commit 967319129a6a (2026-02-11)"}


def test_files_parse_with_rdflib_and_use_only_defined_terms():
    defined = set()
    for path in (ROOT / "ontology").rglob("*.ttl"):
        defined |= {str(s) for s in rdflib.Graph().parse(path, format="turtle").subjects()}
    for path in sorted(DATA.glob("*.trig")):
        ds = rdflib.Dataset()
        ds.parse(path, format="trig")
        used = {str(p) for _, p, _, _ in ds.quads()} | {
            str(o) for _, p, o, _ in ds.quads() if p == rdflib.RDF.type
        }
        used |= {str(o) for _, p, o, _ in ds.quads() if str(p) == "http://www.w3.org/ns/org#role"}
        unknown = {t for t in used if t.startswith(KF) and t not in defined}
        assert not unknown, f"{path.name} uses undefined terms {sorted(unknown)}"


# --------------------------------------------------------------------------- checks


def test_check_files_have_header_and_declare_their_prefixes():
    assert len(CHECKS) >= 8
    for path in CHECKS:
        text = path.read_text(encoding="utf-8")
        assert text.startswith("#+ summary:"), path.name
        declared = set(re.findall(r"^PREFIX\s+(\w+):", text, re.MULTILINE))
        body = "\n".join(line for line in text.splitlines() if not line.startswith(("#", "PREFIX")))
        body = re.sub(r'"[^"]*"|<[^>]*>', "", body)
        used = set(re.findall(r"\b([a-z][a-z0-9]*):[A-Za-z]", body))
        assert used <= declared, f"{path.name}: undeclared prefixes {used - declared}"
        assert re.search(r"SELECT\s+(DISTINCT\s+)?\?focus\s+\?reason", text), path.name


@pytest.mark.parametrize("check", CHECKS, ids=lambda p: p.stem)
def test_check_returns_no_rows_on_the_data(store, check):
    rows = list(store.query(check.read_text(encoding="utf-8"), use_default_graph_as_union=True))
    assert rows == []


BREAKAGES = {
    "reference-code-format-violation": """INSERT DATA { GRAPH kfg:ref-broken {
        kfid:lan-99 kf:lanskod "9" } }""",
    "reference-code-unique-violation": """INSERT DATA { GRAPH kfg:ref-broken {
        kfid:kommun-1481 kf:kommunkod "1480" } }""",
    "reference-municipality-county-violation": """INSERT DATA { GRAPH kfg:ref-broken {
        kfid:kommun-1480 kf:inCounty kfid:lan-13 } }""",
    "reference-counts-violation": """DELETE WHERE { GRAPH ?g {
        kfid:kommun-2583 a kf:Municipality } }""",
    "reference-region-violation": """INSERT DATA { GRAPH kfg:ref-broken {
        kfid:region-extra a kf:Region ; kf:regionalAuthorityOf kfid:lan-01 } }""",
    "reference-membership-count-violation": """DELETE WHERE { GRAPH ?g {
        kfid:membership-goteborgsregionens-kommunalforbund-kommun-1480 ?p ?o } }""",
    "reference-vg-membership-violation": """INSERT DATA { GRAPH kfg:ref-broken {
        kfid:membership-broken a org:Membership ; org:member kfid:kommun-1439 ;
          org:organization kfid:skaraborgs-kommunalforbund ; org:role kf:memberRole } }""",
    "reference-orgnr-luhn-violation": """DELETE { GRAPH ?g { kfid:kommun-1480 kf:orgnr ?o } }
        INSERT { GRAPH ?g { kfid:kommun-1480 kf:orgnr "212000-1141" } }
        WHERE { GRAPH ?g { kfid:kommun-1480 kf:orgnr ?o } }""",
    "reference-provenance-violation": """INSERT DATA { GRAPH kfg:ref-undescribed {
        kfid:lan-01 rdfs:label "Stockholms län"@sv } }""",
}


def test_every_check_has_a_breakage():
    assert {c.stem for c in CHECKS} == set(BREAKAGES)


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_check_finds_a_deliberately_broken_copy(name):
    broken = load_store()
    broken.update(PROLOGUE + BREAKAGES[name])
    check = ROOT / "queries" / "checks" / f"{name}.rq"
    rows = list(broken.query(check.read_text(encoding="utf-8"), use_default_graph_as_union=True))
    assert rows, f"{name} found nothing in the broken copy"
    assert all(row["focus"] is not None and row["reason"] is not None for row in rows)


# --------------------------------------------------------------------------- converter


@pytest.mark.parametrize(
    ("orgnr", "valid"),
    [
        ("212000-0142", True),
        ("232100-0131", True),
        ("222000-2188", True),
        ("202100-6149", True),
        ("212000-0143", False),
        ("2120000142", False),
        ("21200-00142", False),
    ],
)
def test_luhn(orgnr, valid):
    assert luhn_valid(orgnr) is valid


def test_all_orgnr_in_the_layer_are_luhn_valid(store):
    values = [r["o"] for r in select(store, "SELECT DISTINCT ?o WHERE { ?s kf:orgnr ?o }")]
    assert values and all(luhn_valid(v) for v in values)


def test_converter_reproduces_the_committed_files_byte_for_byte():
    files = convert(TABLES)
    assert set(files) == {p.name for p in DATA.glob("*.trig")}
    for name, text in files.items():
        assert (DATA / name).read_bytes() == text.encode("utf-8"), name


def test_converter_refuses_tables_that_break_the_counts(tmp_path):
    for name in (
        "regions.csv",
        "kommunalforbund_members.csv",
        "authorities.csv",
        "legislation.csv",
        "regions_ids.csv",
    ):
        (tmp_path / name).write_bytes((TABLES / name).read_bytes())
    lines = (TABLES / "municipalities.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / "municipalities.csv").write_text("".join(lines[:-1]), encoding="utf-8")
    with pytest.raises(ValueError, match="290"):
        convert(tmp_path)


def test_table_counts_agree_with_sources_md():
    per_county = Counter(m["lanskod"] for m in table("municipalities.csv"))
    assert dict(per_county) == PER_COUNTY
