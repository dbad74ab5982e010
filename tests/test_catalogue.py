"""The research query catalogue (``queries/catalogue/``) against the real built project graph.

Every file has a valid header and declares its prefixes; every query (except federated ones, which
need a remote SERVICE and are tested by the federation tests) has one test ``test_q_<name>`` that
runs it with ``substitutions`` and asserts the research answer the sources give (the competency
questions, tagged ``competency question``, have theirs in ``test_competency.py``, over the seeds and
facts alone) — the numbers
below come from the sources (seeds, ``shared/reference/FACTS.md`` and ``SOURCES.md``), not from
the queries' output.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import queries
from graph.backends import open_store
from graph.namespaces import compact
from graph.sparql_text import bind_values, undeclared_prefixes

TESTS = Path(__file__).resolve().parent
README = TESTS.parent / "README.md"
CATALOGUE = queries.load_dir("catalogue")
LOCAL = queries.local()

GR = "kfid:goteborgsregionens-kommunalforbund"
FYRBODAL = "kfid:fyrbodals-kommunalforbund"
BORAS = "kfid:borasregionen-sjuharads-kommunalforbund"
SKARABORG = "kfid:skaraborgs-kommunalforbund"
FORBUND = {GR, FYRBODAL, BORAS, SKARABORG}
VGR = "kfid:region-lan-14"
DECLARATION = "kfid:avsiktsforklaring-vgr-kommunalforbunden-2022"
# SOURCES.md, municipalities.csv cross-check: municipalities per county (290 in all).
PER_COUNTY = {
    "01": 26, "03": 8, "04": 9, "05": 13, "06": 13, "07": 8, "08": 12, "09": 1, "10": 5, "12": 33,
    "13": 6, "14": 49, "17": 16, "18": 12, "19": 10, "20": 15, "21": 10, "22": 7, "23": 8, "24": 15,
    "25": 14,
}  # fmt: skip


@pytest.fixture(scope="module")
def store(built_store):
    s = open_store(built_store)
    yield s
    s.close()


def run(store, name: str, **params: str) -> list[dict[str, str]]:
    """Rows of a catalogue query as {variable: compact IRI or literal value}."""
    qf = queries.load(queries.QUERIES / "catalogue" / f"{name}.rq")
    result = store.query(qf.text, substitutions=qf.bind(params))
    if isinstance(result, ox.QueryTriples):
        return [{"s": compact(t.subject.value), "p": compact(t.predicate.value),
                 "o": compact(t.object.value) if isinstance(t.object, ox.NamedNode)
                 else t.object.value} for t in result]
    names = [v.value for v in result.variables]
    return [{n: compact(s[n].value) if isinstance(s[n], ox.NamedNode) else s[n].value
             for n in names if s[n] is not None} for s in result]


def col(rows, name: str) -> set[str]:
    return {r[name] for r in rows if name in r}


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize("qf", CATALOGUE, ids=[q.name for q in CATALOGUE])
def test_every_file_has_a_valid_header_and_declares_its_prefixes(qf):
    assert queries.header_problems(qf) == []
    assert undeclared_prefixes(qf.text) == set()
    assert qf.summary and qf.summary_sv and qf.description and qf.description_sv and qf.tags
    for param in qf.params:  # the default converts, and the query projects the parameter
        assert param.type in queries.PARAM_TYPES
        param.convert(param.default)


def competency_answers() -> set[str]:
    """The queries whose answers ``test_competency.py`` asserts (``answer``/``column`` calls)."""
    tree = ast.parse((TESTS / "test_competency.py").read_text(encoding="utf-8"))
    return {node.args[1].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("answer", "column")
            and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)}


def test_there_are_at_least_25_queries_and_each_local_one_has_its_test():
    assert len(CATALOGUE) >= 25
    answered = competency_answers()
    missing = [q.name for q in LOCAL
               if not hasattr(sys.modules[__name__], "test_q_" + q.name.replace("-", "_"))
               and not ("competency question" in q.tags and q.name in answered)]
    assert missing == []


def test_the_readme_lists_every_query_with_its_parameters_and_summary():
    rows = {}
    row = re.compile(r"\| \[`([\w-]+)`\]\(queries/catalogue/([\w-]+)\.rq\) \| (.*?) \| (.*) \|$")
    for line in README.read_text(encoding="utf-8").splitlines():
        match = row.match(line)
        if match:
            assert match[1] == match[2]
            rows[match[1]] = (match[3], match[4])
    assert list(rows) == [q.name for q in CATALOGUE]  # all, in file order
    for qf in CATALOGUE:
        params = ", ".join(f"`{p.name}` ({p.type})" for p in qf.params) or "–"
        assert rows[qf.name] == (params, qf.summary)


def test_bad_parameter_values_are_refused_with_the_reason():
    qf = queries.load(queries.QUERIES / "catalogue" / "valid-on-date.rq")
    with pytest.raises(queries.ParamError, match="not a date"):
        qf.bind({"date": "2024-02-30"})
    qf = queries.load(queries.QUERIES / "catalogue" / "forbund-municipalities.rq")
    with pytest.raises(queries.ParamError, match="not an IRI"):
        qf.bind({"forbund": "Göteborg region"})
    with pytest.raises(queries.HeaderError):
        queries.parse_param("x number 3")


def test_snippet_text_binds_the_same_values_as_the_substitutions(store):
    qf = queries.load(queries.QUERIES / "catalogue" / "valid-on-date.rq")
    bindings = qf.bind({"date": "2021-06-01"})
    direct = store.select(qf.text, substitutions=bindings)
    inline = store.select(bind_values(qf.text, bindings))
    assert sorted(map(sorted_items, direct)) == sorted(map(sorted_items, inline))


def sorted_items(row):
    return sorted((k, str(v)) for k, v in row.items())


# --------------------------------------------------------------------------- agreements


def test_q_agreement_parties(store):
    rows = [r for r in run(store, "agreement-parties") if r["agreement"] == DECLARATION]
    by_role = {}
    for r in rows:
        by_role.setdefault(r["role"], set()).add(r["participant"])
    assert by_role["kf:signatory"] == FORBUND | {VGR}
    assert by_role["kf:processLeader"] == FORBUND
    assert VGR in by_role["kf:funder"]
    assert "kf:labourMarketParties" in by_role["kf:partner"]
    assert col(rows, "date") == {"2022-11-10"}


def test_q_agreement_signatories(store):
    rows = run(store, "agreement-signatories")
    assert len(rows) == 5
    assert col(rows, "signatory") == FORBUND | {VGR}
    assert col(rows, "date") == {"2022-11-10"}


def test_q_competence_councils(store):
    rows = run(store, "competence-councils")
    leads = {r["council"]: r["processLeader"] for r in rows if "processLeader" in r}
    assert leads == {
        "kfid:kompetensradet-fyrbodal": FYRBODAL,
        "kfid:kompetensradet-goteborgsregionen": GR,
        "kfid:kompetensradet-borasregionen": BORAS,
        "kfid:kompetensforum-skaraborg": SKARABORG,
    }
    assert VGR in col(rows, "funder")
    assert "kf:SectorCouncil" in col(rows, "kind")


# --------------------------------------------------------------------------- förbund and counties


def test_q_forbund_municipalities(store):
    rows = run(store, "forbund-municipalities")  # default: GR
    members = {r["municipality"]: r["county"] for r in rows if r["role"] == "kf:memberRole"}
    assert len(members) == 13
    assert members["kfid:kommun-1384"] == "kfid:lan-13"  # Kungsbacka lies in Hallands län
    assert {c for m, c in members.items() if m != "kfid:kommun-1384"} == {"kfid:lan-14"}
    rows = run(store, "forbund-municipalities", forbund=BORAS)
    assert len({r["municipality"] for r in rows if r["role"] == "kf:memberRole"}) == 8
    adjuncts = {r["municipality"] for r in rows if r["role"] == "kf:adjunctRole"}
    assert adjuncts == {"kfid:kommun-1383"}  # Varberg takes part without being a member


def test_q_forbund_member_counts(store):
    rows = {r["forbund"]: r for r in run(store, "forbund-member-counts")}
    assert {f: int(r["members"]) for f, r in rows.items()} == {
        GR: 13, FYRBODAL: 14, BORAS: 8, SKARABORG: 15}
    assert int(rows[BORAS]["adjuncts"]) == 1
    assert "Hallands län" in rows[GR]["counties"]


def test_q_county_municipalities(store):
    rows = run(store, "county-municipalities")  # default: Västra Götalands län
    assert len(rows) == 49
    assert all(r["kommunkod"].startswith("14") for r in rows)
    goteborg = next(r for r in rows if r["kommunkod"] == "1480")
    assert "Göteborgsregionens kommunalförbund" in goteborg["forbund"]
    assert len(run(store, "county-municipalities", county="kfid:lan-13")) == 6


def test_q_municipalities_per_county(store):
    rows = run(store, "municipalities-per-county")
    assert {r["lanskod"]: int(r["municipalities"]) for r in rows} == PER_COUNTY
    assert sum(PER_COUNTY.values()) == 290


def test_q_counties(store):
    rows = {r["lanskod"]: r for r in run(store, "counties")}
    assert len(rows) == 21
    assert rows["14"]["region"] == VGR
    assert (rows["14"]["nuts3"], rows["14"]["iso31662"]) == ("SE232", "SE-O")
    assert rows["09"]["region"] == "kfid:kommun-0980"  # Region Gotland is the municipality
    assert rows["19"]["region"] == "kfid:region-lan-19"


def test_q_municipality_profile(store):
    rows = run(store, "municipality-profile")  # default: Kungsbacka
    assert {(r["county"], r["region"], r["forbund"], r["council"]) for r in rows} == {
        ("kfid:lan-13", "kfid:region-lan-13", GR, "kfid:kompetensradet-goteborgsregionen")}
    varberg = run(store, "municipality-profile", municipality="kfid:kommun-1383")
    assert {(r["forbund"], r["linkLabel"]) for r in varberg} == {(BORAS, "adjungerad")}


def test_q_responsibility_chain(store):
    rows = run(store, "responsibility-chain")  # Västra Götalands län, lag (2010:630)
    assert col(rows, "region") == {VGR}
    assert col(rows, "forbund") == FORBUND
    assert len(col(rows, "council")) == 4
    municipalities = col(rows, "municipality")
    assert len(municipalities) == 50  # the 49 of the county, and Kungsbacka through GR
    assert {r["municipalityCounty"] for r in rows if r["municipality"] == "kfid:kommun-1384"} == {
        "kfid:lan-13"}
    assert all("kompetensbehov" in r["tasks"] for r in rows)
    west = run(store, "responsibility-chain", county="kfid:lan-19")
    assert col(west, "region") == {"kfid:region-lan-19"} and col(west, "forbund") == set()


def test_q_actors_per_county(store):
    rows = {r["county"]: r for r in run(store, "actors-per-county")}
    assert len(rows) == 21
    vg = rows["kfid:lan-14"]
    assert int(vg["municipalities"]) == 49
    assert int(vg["actors"]) >= 6  # VGR, the Länsstyrelse and the four förbund at least
    assert float(vg["actorsPerMunicipality"]) == pytest.approx(int(vg["actors"]) / 49, abs=1e-3)


# --------------------------------------------------------------------------- authorities, law


def test_q_authority_roles(store):
    rows = run(store, "authority-roles")
    facts = {(r["actor"], r["relation"], r["object"]) for r in rows}
    assignment = "kfid:tillvaxtverkets-uppdrag-till-region-lan-19"
    assert ("kfid:tillvaxtverket", "assigns", assignment) in facts
    assert ("kfid:myndigheten-for-yrkeshogskolan", "owns project", "kfid:valideringslyft") in facts
    assert (VGR, "funds", "kfid:kompetensradet-fyrbodal") in facts
    assert (VGR, "role: funder", DECLARATION) in facts
    assert ("kfid:regeringen", "assigns",
            "kfid:regeringsuppdrag-regionala-kompetensplattformar-2010") in facts
    # each funded council with its own recipient only: the förbund (DRUM) or the council itself
    councils = {
        "kfid:kompetensradet-fyrbodal": FYRBODAL,
        "kfid:kompetensradet-goteborgsregionen": GR,
        "kfid:kompetensradet-borasregionen": BORAS,
        "kfid:kompetensforum-skaraborg": SKARABORG,
    }
    vgr_funds = {(r["object"], r.get("recipient")) for r in rows
                 if r["actor"] == VGR and r["relation"] == "funds"}
    assert vgr_funds == {(c, f) for c, f in councils.items()} | {(c, c) for c in councils}


def test_q_authorities(store):
    rows = run(store, "authorities")
    boards = [r for r in rows if r["kind"] == "kf:CountyAdministrativeBoard"]
    assert len(boards) == 21 and all("county" in r for r in boards)
    orgnr = {r["authority"]: r.get("orgnr") for r in rows}
    assert orgnr["kfid:tillvaxtverket"] == "202100-6149"
    assert orgnr["kfid:valideringsdelegationen-2004-2007"] == "202100-5471"
    assert "kfid:valideringsdelegationen-2015-2019" in orgnr


def test_q_statutes(store):
    rows = {r["statute"]: r for r in run(store, "statutes")}
    assert rows["kfid:sfs-2010-630"]["sfsNumber"] == "2010:630"
    assert rows["kfid:sfs-2010-630"]["kind"] == "kf:Act"
    assert "2010:630" in rows["kfid:sfs-2018-1348"]["amends"]
    assert rows["kfid:sfs-2017-583"]["kind"] == "kf:Ordinance"
    amendment = rows["kfid:andring-sfs-2010-630-2022"]
    assert amendment["inForceFrom"] == "2022-08" and "kompetensbehov" in amendment["mandates"]


def test_q_assignments(store):
    rows = {r["assignment"]: r for r in run(store, "assignments")}
    platforms = rows["kfid:regeringsuppdrag-regionala-kompetensplattformar-2010"]
    assert {"Regeringen", "Näringsdepartementet"} <= set(platforms["assigners"].split(", "))
    assert platforms["start"] == "2010"
    tillvaxt = rows["kfid:tillvaxtverkets-uppdrag-till-region-lan-19"]
    assert (tillvaxt["assigners"], tillvaxt["assignees"], tillvaxt["focusAreas"]) == (
        "Tillväxtverket", "Region Västmanland", "validering")


def test_q_responsibility_transfers(store):
    rows = run(store, "responsibility-transfers")
    transfer = "kfid:ansvarsoverforing-landsting-till-regioner-2019"
    event = next(r for r in rows if r["event"] == transfer)
    assert event["date"] == "2019"
    assert event["transferredFrom"] == "länsstyrelserna" and event["transferredTo"] == "regionerna"
    assert "kompetensförsörjning" in event["responsibility"]


# --------------------------------------------------------------------------- validation


def test_q_validation_models(store):
    rows = {r["model"]: r for r in run(store, "validation-models")}
    assert "Byggbranschens yrkesnämnd" in rows["kfid:byggindustrins-valideringsmodell"]["owners"]
    assert {"Teknikföretagen", "IF Metall"} <= set(rows["kfid:underhall-bas"]["owners"].split(", "))
    assert rows["kfid:underhall-bas"]["partOf"] == "Svensk industrivalidering"
    assert {"kfid:srys-branschmodell", "kfid:sobonas-valideringsmodeller",
            "kfid:kompetensmatris-for-specialsnickare",
            "kfid:branschvalidering-processindustri"} <= set(rows)


def test_q_validation_settings(store):
    rows = run(store, "validation-settings")
    assert col(rows, "setting") == {"kf:adultEducationSetting", "kf:industryModelSetting"}
    industry = {r["thing"] for r in rows if r["setting"] == "kf:industryModelSetting"}
    assert "kfid:byggindustrins-valideringsmodell" in industry
    followup = [r for r in rows if "statedModels" in r]  # Valideringsdelegationen, early 2018
    stated = {(r["statedModels"], r["statedRoles"], r["from"]) for r in followup}
    assert stated == {("21", "56", "2018")}


# --------------------------------------------------------------------------- projects, funding


def test_q_projects(store):
    rows = {r["project"]: r for r in run(store, "projects")}
    lyft = rows["kfid:valideringslyft"]
    assert lyft["owners"] == "Myndigheten för yrkeshögskolan"
    assert (lyft["start"], lyft["end"]) == ("2020-12-01", "2022-12-31")
    assert lyft["esfDiarienummer"] == "2020/00541"
    assert float(lyft["budgetSEK"]) == 17_909_797
    assert (rows["kfid:ruva"]["start"], rows["kfid:ruva"]["end"]) == ("2023-02-01", "2024-12-31")
    assert rows["kfid:boss"]["owners"] == "Myndigheten för yrkeshögskolan"


def test_q_project_participants(store):
    rows = run(store, "project-participants")  # default: Valideringslyft
    counts = {r["statedCount"]: r["source"] for r in rows if "statedCount" in r}
    assert set(counts) == {"21", "23"} and counts["21"] != counts["23"]
    owners = {r["actor"] for r in rows if r.get("role") == "kf:owner"}
    assert owners == {"kfid:myndigheten-for-yrkeshogskolan"}
    assert "kfid:region-lan-19" in col(rows, "actor")


def test_q_funding(store):
    rows = {r["grant"]: r for r in run(store, "funding")}
    esf = rows["kfid:valideringslyft-esf-stod"]
    assert (float(esf["amount"]), esf["currency"], float(esf["coFinancingRate"])) == (
        17_909_797, "SEK", 0.5)
    drum = [r for r in rows.values() if "DRUM" in r.get("scheme", "")]
    assert len(drum) == 4 and {r["funders"] for r in drum} == {"Västra Götalandsregionen"}
    assert float(rows["kfid:ruva-finansiering-tillvaxtverket"]["amount"]) == 4_996_753


# --------------------------------------------------------------------------- sources


def test_q_source_statements(store):
    rows = run(store, "source-statements")  # default: the declaration of intent
    assert len(col(rows, "graph")) == 7
    assert all(g.startswith("kfg:avsiktsforklaring-2022--") for g in col(rows, "graph"))
    assert any(r["predicate"] == "kf:role" and r["object"] == "kf:signatory" for r in rows)


def test_q_sources(store):
    rows = {r["source"]: r for r in run(store, "sources")}
    declaration = rows["kfsrc:avsiktsforklaring-vgr-kommunalforbunden-2022"]
    assert int(declaration["sections"]) == 7 and declaration["issued"] == "2022-11-10"
    assert all(int(r["sections"]) >= 1 for r in rows.values())


def test_q_disagreements(store):
    rows = run(store, "disagreements")
    pairs = {(r["subject"], r["property"], frozenset((r["value1"], r["value2"]))) for r in rows}
    assert ("kfid:valideringslyft", "kf:statedParticipantCount", frozenset({"21", "23"})) in pairs
    # SOURCES.md: the Salem QID conflict and the registers' disagreeing dates
    salem = frozenset({"wd:Q516080", "wd:Q1255130"})
    assert ("kfid:kommun-0128", "skos:exactMatch", salem) in pairs
    assert ("kfid:myndigheten-for-yrkeshogskolan", "dcat:startDate",
            frozenset({"2009", "2010"})) in pairs
    assert ("kfid:svenska-esf-radet", "dcat:startDate", frozenset({"2000", "2001"})) in pairs
    assert ("kfid:valideringsdelegationen-2004-2007", "dcat:endDate",
            frozenset({"2007", "2008-01-01"})) in pairs
    assert "kfid:tillvaxtverket" not in col(rows, "subject")  # 2009 and 2009-04-01 agree


def test_q_who_states(store):
    rows = run(store, "who-states")  # default: Valideringslyft
    sources = col(rows, "source")
    assert "kfsrc:hallbar-kompetensforsorjning-genom-regional-samverkan" in sources
    assert "kfsrc:esf-projektbanken-2020-00541" in sources
    assert all(int(r["statements"]) >= 1 for r in rows)


# --------------------------------------------------------------------------- actors, time


def test_q_actor_network(store):
    triples = run(store, "actor-network")  # default: Västra Götalandsregionen
    edges = {(t["s"], t["p"], t["o"]) for t in triples}
    assert (VGR, "kf:regionalAuthorityOf", "kfid:lan-14") in edges
    participations = {t["s"] for t in triples if t["p"] == "kf:participant" and t["o"] == VGR}
    things = {t["s"] for t in triples if t["p"] == "kf:participation" and t["o"] in participations}
    assert DECLARATION in things
    assert any(t["p"] == "rdfs:label" and t["s"] == VGR for t in triples)


def test_q_actor_roles(store):
    rows = run(store, "actor-roles")  # default: Region Västmanland
    roles = col(rows, "role")
    assert {"kf:coordinator", "kf:link", "kf:arena", "kf:accelerator", "kf:facilitator",
            "kf:participantRole", "kf:projectManager"} <= roles
    assert {"kfid:anna-wahlgren", "kfid:charlotta-larspers", "kfid:valideringslyft"} <= col(
        rows, "context")


def test_q_people_posts(store):
    rows = run(store, "people-posts")
    people = {r["name"]: (r["organisation"], r["role"]) for r in rows}
    assert people["Anna Wahlgren"] == ("kfid:region-lan-19", "kf:projectManager")
    assert people["Charlotta Larspers"] == ("kfid:region-lan-19", "kf:projectManager")


def test_q_actor_categories(store):
    rows = run(store, "actor-categories")
    seen = {(r["category"], r.get("context"), r.get("roleLabel")) for r in rows}
    assert ("kf:labourMarketParties", DECLARATION, "samarbetspart") in seen
    assert ("kf:regions", "kfid:valideringslyft", "deltagare") in seen


def test_q_plans_and_strategies(store):
    rows = {r["doc"]: r for r in run(store, "plans-and-strategies")}
    rus = rows["kfid:regional-utvecklingsstrategi-vastra-gotaland-2021-2030"]
    assert (rus["start"], rus["end"]) == ("2021", "2030")
    assert rows["kfid:programmet-bygga-kompetens"]["partOf"] == rus["docLabel"]
    plan = rows["kfid:kompetensplan-region-lan-19"]
    assert plan["issuedBy"] == "Region Västmanland" and "validering" in plan["goals"].lower()


def test_q_collaboration_bodies(store):
    rows = {r["body"]: r for r in run(store, "collaboration-bodies")}
    group = rows["kfid:strategiska-gruppen-regional-kompetensforsorjning-vastra-gotaland"]
    assert group["kind"] == "kf:StrategicGroup"
    assert "Västra Götalandsregionen" in group["members"]
    assert {"kfid:kompetensradet-fyrbodal", "kfid:kompetensforum-skaraborg"} <= set(rows)


def test_q_valid_on_date(store):
    valid = col(run(store, "valid-on-date", date="2024-01-01"), "thing")
    assert {DECLARATION, "kfid:ruva"} <= valid and "kfid:valideringslyft" not in valid
    earlier = col(run(store, "valid-on-date", date="2021-06-01"), "thing")
    assert "kfid:valideringslyft" in earlier and DECLARATION not in earlier
    committee = "kfid:valideringsdelegationen-2015-2019"
    assert committee not in valid  # its final report was handed over on 2020-01-13
    assert committee in col(run(store, "valid-on-date", date="2017-03-01"), "thing")
    # the signatures date from the signing day, before the declaration's own validity
    signing_day = col(run(store, "valid-on-date", date="2022-11-10"), "thing")
    signatures = {t for t in signing_day if "avsiktsforklaring-2022-undertecknare-" in t}
    assert len(signatures) == 5 and DECLARATION not in signing_day


# --------------------------------------------------------------------------- command line


def test_the_command_line_runs_a_catalogue_query_by_name_with_parameters(built_store):
    import subprocess

    base = [sys.executable, "-m", "graph.cli", "query", "forbund-municipalities",
            "--store", str(built_store)]
    done = subprocess.run([*base, "--param", "forbund=kfid:borasregionen-sjuharads-kommunalforbund",
                           "--format", "csv"], capture_output=True, text=True, timeout=240,
                          cwd=queries.ROOT, check=True, encoding="utf-8")
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 10 and "Varbergs kommun" in done.stdout  # header, 8 members, 1 adjunct
    bad = subprocess.run([*base, "--param", "forbund=not an iri"], capture_output=True, text=True,
                         timeout=240, cwd=queries.ROOT, encoding="utf-8")
    assert bad.returncode == 2 and "not an IRI" in bad.stderr


def test_the_command_line_binds_a_files_defaults_unless_told_unbound(built_store):
    """A .rq file, named by its path too, runs with its header's defaults; ``--unbound`` leaves
    them out, so the query answers for every value (here: all 290 municipalities)."""
    import subprocess

    def csv(*extra):
        done = subprocess.run(
            [sys.executable, "-m", "graph.cli", "query",
             "queries/catalogue/municipality-profile.rq", "--store", str(built_store),
             "--format", "csv", *extra],
            capture_output=True, text=True, timeout=240, cwd=queries.ROOT, check=True,
            encoding="utf-8")
        return {line.split(",")[0] for line in done.stdout.strip().splitlines()[1:]}

    assert csv() == {queries.expand_iri("kfid:kommun-1384")}  # the #+ param: default, Kungsbacka
    assert len(csv("--unbound")) == sum(PER_COUNTY.values())
    assert csv("--unbound", "--param", "municipality=kfid:kommun-1480") == {
        queries.expand_iri("kfid:kommun-1480")}  # Göteborg: what is given is still bound
