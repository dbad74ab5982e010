"""Competency questions over the two seed documents and the verified facts, answered exactly.

The store holds the ontology (in ``kfg:ontology``), the SKOS schemes (``kfg:vocab``) and the seed
and fact files (``graph/data/seeds``, ``graph/data/facts``) with their own named graphs; every query
runs with the default graph as the union of all graphs. Each expected answer was read off the
source text (seed 000, seed 004) or the verified facts and written down by hand. The questions are
catalogue queries (``queries/catalogue/``) tagged ``competency question``; the catalogue's own tests
(``test_catalogue*.py``) check them as every other catalogue query.

Besides the answers: every named graph in these files is described in ``kfg:meta``; no
``dct:description`` repeats eight consecutive words of a seed text; every subject carries a Swedish
``rdfs:label``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.queries import header_problems, load

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"
DATA_FILES = sorted((ROOT / "graph" / "data" / "seeds").glob("*.trig")) + sorted(
    (ROOT / "graph" / "data" / "facts").glob("*.trig")
)
QUERY_DIR = ROOT / "queries" / "catalogue"  # the competency questions live in the catalogue
TAG = "competency question"

KF = "https://w3id.org/kompetensgraf/def#"
KFID = "https://w3id.org/kompetensgraf/id/"
KFSRC = "https://w3id.org/kompetensgraf/source/"
KFG = "https://w3id.org/kompetensgraf/graph/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DCT_DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
PROV_GENERATED = ox.NamedNode("http://www.w3.org/ns/prov#generatedAtTime")
META = ox.NamedNode(KFG + "meta")
COPY_RUN = 8
WORD = re.compile(r"[0-9A-Za-zÅÄÖåäöÉéÜü]+")


def kf(name: str) -> ox.NamedNode:
    return ox.NamedNode(KF + name)


def kfid(name: str) -> ox.NamedNode:
    return ox.NamedNode(KFID + name)


def kfsrc(name: str) -> ox.NamedNode:
    return ox.NamedNode(KFSRC + name)


def kfg(name: str) -> ox.NamedNode:
    return ox.NamedNode(KFG + name)


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))


def plain(value: str) -> ox.Literal:
    return ox.Literal(value)


VGR = kfid("region-lan-14")
VASTMANLAND = kfid("region-lan-19")
FORBUND = {
    "fyrbodal": kfid("fyrbodals-kommunalforbund"),
    "gr": kfid("goteborgsregionens-kommunalforbund"),
    "boras": kfid("borasregionen-sjuharads-kommunalforbund"),
    "skaraborg": kfid("skaraborgs-kommunalforbund"),
}
COUNCILS = {
    "fyrbodal": kfid("kompetensradet-fyrbodal"),
    "gr": kfid("kompetensradet-goteborgsregionen"),
    "boras": kfid("kompetensradet-borasregionen"),
    "skaraborg": kfid("kompetensforum-skaraborg"),
}
PARTIES = {VGR, *FORBUND.values()}
AVSIKT_SRC = kfsrc("avsiktsforklaring-vgr-kommunalforbunden-2022")
VASTMANLAND_SRC = kfsrc("hallbar-kompetensforsorjning-genom-regional-samverkan")


# ---------------------------------------------------------------------------
# The store
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        s.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=kfg("ontology"))
    for path in sorted((ROOT / "ontology" / "vocab").glob("*.ttl")):
        s.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=kfg("vocab"))
    for path in DATA_FILES:
        s.load(path=str(path), format=ox.RdfFormat.TRIG)
    return s


@pytest.fixture(scope="module")
def own() -> ox.Store:
    """Only the seed and fact files: what this suite's structural checks are about."""
    s = ox.Store()
    for path in DATA_FILES:
        s.load(path=str(path), format=ox.RdfFormat.TRIG)
    return s


def answer(store: ox.Store, name: str, *columns: str) -> set[tuple]:
    """The rows of a competency query as a set of tuples of the given columns (None: unbound)."""
    text = (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")
    return {
        tuple(sol[c] for c in columns) for sol in store.query(text, use_default_graph_as_union=True)
    }


def column(store: ox.Store, name: str, col: str) -> set:
    return {row[0] for row in answer(store, name, col)}


# ---------------------------------------------------------------------------
# The query files
# ---------------------------------------------------------------------------


def query_files() -> list[Path]:
    """The catalogue's queries tagged as competency questions (the rest need the reference data)."""
    return sorted(p for p in QUERY_DIR.glob("*.rq") if TAG in load(p).tags)


def test_there_are_at_least_thirty_competency_questions():
    assert len(query_files()) >= 30


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_query_header_and_prefixes(path: Path):
    qf = load(path)
    assert qf.get("summary") and qf.get("description")
    assert header_problems(qf) == []


@pytest.mark.parametrize("path", query_files(), ids=lambda p: p.stem)
def test_every_competency_question_has_an_answer(store, path: Path):
    results = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
    assert len(list(results)) > 0


# ---------------------------------------------------------------------------
# Answers (seed 004: the declaration of intent)
# ---------------------------------------------------------------------------


def test_who_signed_the_declaration_of_intent(store):
    rows = answer(store, "avsiktsforklaring-signatories", "signatory", "date")
    assert rows == {(party, typed("2022-11-10", "date")) for party in PARTIES}


def test_validity_period_of_the_declaration(store):
    rows = answer(store, "avsiktsforklaring-validity", "start", "end", "g")
    assert rows == {
        (
            typed("2023", "gYear"),
            typed("2030", "gYear"),
            kfg(
                "avsiktsforklaring-2022--avsiktsforklaring-kring-samverkan-om-regional-kompetensforsorjning"
            ),
        )
    }


def test_which_council_each_forbund_process_leads(store):
    rows = answer(store, "forbund-process-leads-council", "forbund", "council", "runs")
    yes = typed("true", "boolean")
    assert rows == {(FORBUND[k], COUNCILS[k], yes) for k in FORBUND}


def test_skaraborgs_council_is_called_kompetensforum_in_one_section(store):
    rows = answer(store, "kompetensforum-provenance", "g", "doc")
    assert rows == {
        (
            kfg(
                "avsiktsforklaring-2022--viktiga-delar-i-samverkan-for-regional-kompetensforsorjning"
            ),
            AVSIKT_SRC,
        )
    }


def test_who_funds_the_subregional_councils_and_with_what(store):
    rows = answer(store, "council-funding", "council", "funder", "scheme", "agreement")
    drum = {
        (
            COUNCILS[k],
            VGR,
            kfid("drum-medel"),
            kfid(f"overenskommelse-drum-region-lan-14-{FORBUND[k].value.rsplit('/', 1)[1]}"),
        )
        for k in COUNCILS
    }
    other = {(COUNCILS[k], VGR, None, None) for k in COUNCILS}
    assert rows == drum | other


def test_what_the_declaration_complements(store):
    rows = answer(store, "avsiktsforklaring-complements", "agreement", "scheme")
    assert rows == {
        (
            kfid(f"overenskommelse-drum-region-lan-14-{f.value.rsplit('/', 1)[1]}"),
            kfid("drum-medel"),
        )
        for f in FORBUND.values()
    }


def test_partners_named_in_the_declaration(store):
    assert column(store, "avsiktsforklaring-partners", "partner") == {
        kf("labourMarketParties"),
        kf("higherEducationInstitutions"),
        kf("businessAndIndustryRepresentatives"),
        kf("municipalEducationProviders"),
        kf("privateEducationProviders"),
        kf("popularEducation"),
        kf("governmentAgenciesCompetenceSupply"),
    }


def test_follow_up_of_the_declaration(store):
    rows = answer(store, "avsiktsforklaring-follow-up", "actor", "what")
    assert rows == {(p, plain("follow-up responsible")) for p in PARTIES} | {
        (kfid("vastgruppen"), plain("decides follow-up forms"))
    }


def test_what_the_strategic_group_does(store):
    rows = answer(store, "strategic-group-tasks", "relation", "value")
    assert rows == (
        {(plain("role"), kf("meetingPlace")), (plain("role"), kf("coordinator"))}
        | {(plain("coordinates"), kf("competenceSupply"))}
        | {(plain("coordinates"), c) for c in COUNCILS.values()}
        | {
            (
                plain("responsible for"),
                kfid("beredning-och-forankring-strategiska-gruppen-vastra-gotaland"),
            )
        }
        | {(plain("member"), m) for m in PARTIES | set(COUNCILS.values())}
    )


def test_what_the_2022_law_change_requires(store):
    rows = answer(
        store, "law-change-2022", "amendment", "act", "task", "assignee", "inForceFrom", "g"
    )
    amendment, act = kfid("andring-sfs-2010-630-2022"), kfid("sfs-2010-630")
    tasks = {
        kfid("grunduppgift-mal-och-prioriteringar-kompetensforsorjning"),
        kfid("grunduppgift-bedomning-av-kompetensbehov"),
    }
    seed_graph = kfg(
        "avsiktsforklaring-2022--starkta-forutsattningar-att-prioritera-kompetensforsorjningsarbetet"
    )
    skr_graph = kfg("fact-skr-lagar-och-forordningar-regional-utveckling")
    assert rows == {
        (
            amendment,
            act,
            t,
            kf("regionalDevelopmentActors"),
            typed("2022-08", "gYearMonth"),
            seed_graph,
        )
        for t in tasks
    } | {(amendment, act, t, kf("regions"), None, skr_graph) for t in tasks}


def test_the_2010_competence_platform_assignment_per_source(store):
    rows = answer(store, "competence-platform-assignment", "assigner", "assignee", "doc")
    actors = kf("regionalDevelopmentActors")
    assert rows == {
        (kfid("regeringen"), actors, AVSIKT_SRC),
        (kfid("naringsdepartementet"), actors, kfsrc("region-kronoberg-blogg-kompetensplattform")),
        (
            kfid("naringsdepartementet"),
            actors,
            kfsrc("tillvaxtverket-regionala-kompetensplattformar"),
        ),
    }


def test_regional_development_strategies(store):
    rows = answer(
        store,
        "vgr-strategy-priorities",
        "strategy",
        "issuer",
        "start",
        "end",
        "focus",
        "priority",
        "programme",
    )
    assert rows == {
        (
            kfid("regional-utvecklingsstrategi-region-lan-19"),
            VASTMANLAND,
            None,
            None,
            None,
            None,
            None,
        ),
        (
            kfid("regional-utvecklingsstrategi-vastra-gotaland-2021-2030"),
            VGR,
            typed("2021", "gYear"),
            typed("2030", "gYear"),
            kf("competenceSupply"),
            kfid("langsiktig-prioritering-kompetensforsorjning-vastra-gotaland"),
            kfid("programmet-bygga-kompetens"),
        ),
    }


def test_parties_to_the_drum_agreements(store):
    rows = answer(store, "drum-agreement-parties", "agreement", "party", "g")
    sections = {
        kfg(f"avsiktsforklaring-2022--{s}")
        for s in (
            "sammanfattning-och-syfte-med-avsiktsforklaringen",
            "viktiga-delar-i-samverkan-for-regional-kompetensforsorjning",
        )
    }
    assert rows == {
        (kfid(f"overenskommelse-drum-region-lan-14-{f.value.rsplit('/', 1)[1]}"), party, g)
        for f in FORBUND.values()
        for party in (VGR, f)
        for g in sections
    }


def test_who_takes_part_in_the_subregional_councils(store):
    rows = answer(store, "council-participants", "council", "participant", "role", "g")
    section = "avsiktsforklaring-2022--{}".format
    summary = kfg(section("sammanfattning-och-syfte-med-avsiktsforklaringen"))
    actors = kfg(section("manga-strategiska-aktorer-i-regional-kompetensforsorjning"))
    parts = kfg(section("viktiga-delar-i-samverkan-for-regional-kompetensforsorjning"))
    not_parties = {
        kf(c)
        for c in (
            "labourMarketParties",
            "higherEducationInstitutions",
            "businessAndIndustryRepresentatives",
            "municipalEducationProviders",
            "privateEducationProviders",
            "popularEducation",
            "governmentAgenciesCompetenceSupply",
        )
    }
    contributors = {
        VGR,
        kf("municipalities"),
        kf("governmentAgenciesCompetenceSupply"),
        kf("businessAndIndustryRepresentatives"),
    }
    expected = set()
    for council in COUNCILS.values():
        expected |= {
            (council, who, kf("participantRole"), summary)
            for who in (kf("educationProviders"), kf("labourMarketParties"))
        }
        expected |= {(council, who, kf("participantRole"), actors) for who in not_parties}
        expected |= {(council, who, kf("contributor"), parts) for who in contributors}
    assert rows == expected


def test_who_receives_the_assessments_of_competence_needs(store):
    rows = answer(store, "assessment-recipients", "work", "recipient", "g")
    work = kfid("kunskapsunderlag-kompetensbehov-vastra-gotaland")
    parts = kfg(
        "avsiktsforklaring-2022--viktiga-delar-i-samverkan-for-regional-kompetensforsorjning"
    )
    assert rows == {(work, kf("municipalities"), parts), (work, kf("theState"), parts)}


def test_every_stated_count_with_its_property_and_graph(store):
    rows = answer(store, "stated-counts", "thing", "property", "count", "g")
    integer = lambda n: typed(str(n), "integer")  # noqa: E731
    section = "avsiktsforklaring-2022--{}".format
    article = "vastmanland-validering--{}".format
    assert rows == {
        (
            kfid("beredning-och-forankring-strategiska-gruppen-vastra-gotaland"),
            kf("statedCount"),
            integer(49),
            kfg(section("viktiga-delar-i-samverkan-for-regional-kompetensforsorjning")),
        ),
        (
            kfid("regional-utvecklingsstrategi-vastra-gotaland-2021-2030"),
            kf("statedCount"),
            integer(4),
            kfg(section("starkta-forutsattningar-att-prioritera-kompetensforsorjningsarbetet")),
        ),
        (
            kfid("erfarenheter-fran-sju-regioner-validering"),
            kf("statedCount"),
            integer(7),
            kfg(article("bygga-regional-struktur-for-validering")),
        ),
        (
            kfid("kompetensplan-region-lan-19"),
            kf("statedCount"),
            integer(3),
            kfg(article("enskilda-aktorer-kan-inte-gora-det-sjalva")),
        ),
        (
            kfid("utvecklingsprojekt-kompetensplattformar-2013-2017"),
            kf("statedCount"),
            integer(40),
            kfg("fact-regionala-kompetensplattformar"),
        ),
        (
            kfid("valideringslyft"),
            kf("statedParticipantCount"),
            integer(23),
            kfg(article("enskilda-aktorer-kan-inte-gora-det-sjalva")),
        ),
        (
            kfid("valideringslyft"),
            kf("statedParticipantCount"),
            integer(21),
            kfg("fact-myh-valideringslyft-uppstart-genomforandefas-2021"),
        ),
        (
            kfid("uppfoljning-branschvalidering-2018"),
            kf("statedModelCount"),
            integer(21),
            kfg("fact-valideringsdelegation-se-mojligheterna-till-branschvalidering-okar"),
        ),
        (
            kfid("uppfoljning-branschvalidering-2018"),
            kf("statedRoleCount"),
            integer(56),
            kfg("fact-valideringsdelegation-se-mojligheterna-till-branschvalidering-okar"),
        ),
    }


def test_the_approximate_count_says_so(store):
    notes = {
        row[0].value
        for row in answer(store, "stated-counts", "note", "thing")
        if row[1] == kfid("utvecklingsprojekt-kompetensplattformar-2013-2017")
    }
    assert len(notes) == 1 and "approximate" in notes.pop().lower()


def test_background_of_the_declaration(store):
    rows = answer(store, "avsiktsforklaring-background", "basis", "event", "start", "end", "g")
    assert rows == {
        (
            kfid("uppmarksamhet-pa-mismatch-pa-arbetsmarknaden"),
            kfid("finanskrisen-2008-2009"),
            typed("2008", "gYear"),
            typed("2009", "gYear"),
            kfg("avsiktsforklaring-2022--bakgrund"),
        ),
        (
            kfid("andring-sfs-2010-630-2022"),
            None,
            None,
            None,
            kfg(
                "avsiktsforklaring-2022--starkta-forutsattningar-att-prioritera-kompetensforsorjningsarbetet"
            ),
        ),
    }


# ---------------------------------------------------------------------------
# Answers (seed 000: the Västmanland article)
# ---------------------------------------------------------------------------


def test_what_region_vastmanland_does(store):
    rows = answer(store, "region-vastmanland-activities", "relation", "value", "g")
    intro = kfg("vastmanland-validering--inledning")
    arenas = kfid("arenor-och-natverk-for-matchning-region-lan-19")
    themes = ("education", "competenceSupply", "labourMarket", "validation", "matching")
    assert rows == (
        {(plain("coordinates"), kf(t), intro) for t in themes}
        | {(plain("coordinates"), arenas, intro), (plain("creates arena"), arenas, intro)}
        | {(plain("supports"), kf("educationProviders"), intro)}
        | {(plain("supported by"), kfid("tillvaxtverket"), intro)}
    )


def test_what_effective_validation_structures_can_lead_to(store):
    rows = answer(
        store, "national-strategy-validation-outcomes", "strategy", "goal", "outcome", "g"
    )
    assert rows == {
        (
            kfid("nationell-strategi-for-hallbar-regional-utveckling"),
            kfid("effektiva-strukturer-for-validering"),
            kfid(o),
            kfg("vastmanland-validering--bygga-regional-struktur-for-validering"),
        )
        for o in (
            "likvardig-tillgang-till-validering-mellan-kommuner",
            "mer-sammanhallet-system-for-validering",
            "fler-genomforda-valideringar",
        )
    }


def test_where_validation_happens_according_to_the_vastmanland_article(store):
    rows = answer(store, "validation-settings-vastmanland", "setting", "g")
    graph = kfg("vastmanland-validering--bygga-regional-struktur-for-validering")
    assert rows == {(kf("adultEducationSetting"), graph), (kf("industryModelSetting"), graph)}


def test_validation_and_competence_supply_span_ministries_and_agencies(store):
    rows = answer(store, "validation-responsibility-spread", "category", "categoryClass", "g")
    graph = kfg("vastmanland-validering--bygga-regional-struktur-for-validering")
    assert rows == {
        (kf("ministries"), kf("Ministry"), graph),
        (kf("governmentAgenciesCompetenceSupply"), kf("GovernmentAgency"), graph),
    }


def test_roles_region_vastmanland_takes(store):
    rows = answer(store, "region-vastmanland-roles", "role", "context")
    work = kfid("regionalt-kompetensforsorjningsuppdrag-region-lan-19")
    validation = kfid("regionalt-valideringsarbete-region-lan-19")
    assert rows == {
        (kf("coordinator"), work),
        (kf("link"), work),
        (kf("arena"), work),
        (kf("arena"), validation),
        (kf("accelerator"), validation),
        (kf("facilitator"), validation),
        (kf("participantRole"), kfid("valideringslyft")),
    }


def test_persons_and_their_posts(store):
    rows = answer(store, "persons-and-posts", "person", "name", "post", "organisation", "role")
    assert rows == {
        (
            kfid("anna-wahlgren"),
            plain("Anna Wahlgren"),
            kfid("post-projektledare-validering-kompetensforsorjning-region-lan-19"),
            VASTMANLAND,
            kf("projectManager"),
        ),
        (
            kfid("charlotta-larspers"),
            plain("Charlotta Larspers"),
            kfid("post-projektledare-kompetensforsorjning-region-lan-19"),
            VASTMANLAND,
            kf("projectManager"),
        ),
    }


def test_the_2019_transfer_of_responsibility(store):
    rows = answer(
        store,
        "responsibility-transfer-2019",
        "event",
        "date",
        "responsibility",
        "from",
        "to",
        "original",
        "resulting",
    )
    seed_claim = (
        kfid("ansvarsoverforing-landsting-till-regioner-2019"),
        typed("2019", "gYear"),
        kf("competenceSupply"),
        kf("countyAdministrativeBoards"),
        kf("regions"),
        kf("countyCouncils"),
        kf("regions"),
    )
    day = typed("2019-01-01", "date")
    stockholm = (
        kfid("regionalt-utvecklingsansvar-2019-stockholm"),
        day,
        kf("regionalDevelopment"),
        kfid("lansstyrelsen-lan-01"),
        kfid("region-lan-01"),
        None,
        None,
    )
    from_bodies = {
        (
            kfid("regionalt-utvecklingsansvar-2019-samverkansorgan"),
            day,
            kf("regionalDevelopment"),
            None,
            kfid(f"region-lan-{code}"),
            None,
            None,
        )
        for code in ("04", "08", "10", "17", "20", "24")
    }
    # seed 000's own claim and the fuller picture of FACTS.md's sources, side by side
    assert rows == {seed_claim, stockholm} | from_bodies


def test_tillvaxtverket_assignments_and_focus_areas(store):
    rows = answer(store, "tillvaxtverket-assignments", "assignment", "direction", "party", "focus")
    assert rows == {
        (
            kfid("tillvaxtverkets-uppdrag-till-region-lan-19"),
            plain("gives"),
            VASTMANLAND,
            kf("validation"),
        ),
        (
            kfid("regeringsuppdrag-stod-till-regionala-valideringsstrukturer"),
            plain("receives"),
            kfid("regeringen"),
            kf("validation"),
        ),
    }


# ---------------------------------------------------------------------------
# Answers (verified facts)
# ---------------------------------------------------------------------------


def test_owner_and_esf_number_of_valideringslyft(store):
    rows = answer(store, "valideringslyft-owner-esf-number", "owner", "diarienummer", "doc")
    assert rows == {
        (
            kfid("myndigheten-for-yrkeshogskolan"),
            plain("2020/00541"),
            kfsrc("esf-projektbanken-2020-00541"),
        )
    }


def test_sources_disagree_on_the_number_of_regions_in_valideringslyft(store):
    rows = answer(store, "participant-count-disagreement", "project", "count", "g", "doc")
    assert rows == {
        (
            kfid("valideringslyft"),
            typed("23", "integer"),
            kfg("vastmanland-validering--enskilda-aktorer-kan-inte-gora-det-sjalva"),
            VASTMANLAND_SRC,
        ),
        (
            kfid("valideringslyft"),
            typed("21", "integer"),
            kfg("fact-myh-valideringslyft-uppstart-genomforandefas-2021"),
            kfsrc("myh-valideringslyft-uppstart-genomforandefas-2021"),
        ),
    }


def test_valideringslyft_period_budget_and_funding(store):
    rows = answer(
        store, "valideringslyft-funding", "start", "end", "budget", "granted", "rate", "scheme"
    )
    assert rows == {
        (
            typed("2020-12-01", "date"),
            typed("2022-12-31", "date"),
            typed("17909797", "integer"),
            typed("17909797", "integer"),
            typed("0.5", "decimal"),
            kfid("esf-nationellt-programomrade-1-specifikt-mal-1-2"),
        )
    }


def test_industry_validation_models_and_owners(store):
    rows = answer(store, "industry-validation-models", "model", "owner", "ownerKind")
    employers, union, joint = kf("EmployersOrganisation"), kf("TradeUnion"), kf("JointIndustryBody")
    assert rows == {
        (kfid("byggindustrins-valideringsmodell"), kfid("byggbranschens-yrkesnamnd"), joint),
        (kfid("underhall-bas"), kfid("teknikforetagen"), employers),
        (kfid("underhall-bas"), kfid("if-metall"), union),
        (kfid("branschvalidering-processindustri"), kfid("livsmedelsforetagen"), employers),
        (kfid("branschvalidering-processindustri"), kfid("ikem"), employers),
        (kfid("branschvalidering-processindustri"), kfid("livs"), union),
        (kfid("branschvalidering-processindustri"), kfid("if-metall"), union),
        (kfid("kompetensmatris-for-specialsnickare"), kfid("tra-och-mobelforetagen"), employers),
        (kfid("kompetensmatris-for-specialsnickare"), kfid("gs-facket"), union),
        (kfid("srys-branschmodell"), kfid("sry"), kf("LabourMarketOrganisation")),
        (kfid("sobonas-valideringsmodeller"), kfid("sobona"), employers),
        (kfid("svensk-industrivalidering"), kfid("konsortium-svensk-industrivalidering"), None),
    }


def test_what_valideringsdelegationen_produced(store):
    rows = answer(store, "valideringsdelegationen-output", "work", "title", "submitted")
    assert rows == {
        (kfid("sou-2017-18"), None, None),
        (kfid("sou-2018-29"), None, None),
        (
            kfid("sou-2019-69"),
            ox.Literal(
                "Validering – för kompetensförsörjning och livslångt lärande", language="sv"
            ),
            typed("2020-01-13", "date"),
        ),
        (
            kfid("vagledning-regional-samverkan-om-validering"),
            ox.Literal("Regional samverkan om validering – så gör man", language="sv"),
            None,
        ),
        (kfid("uppfoljning-branschvalidering-2018"), None, None),
    }


# ---------------------------------------------------------------------------
# Provenance: every graph of these files is described in kfg:meta
# ---------------------------------------------------------------------------


def fact_graphs(s: ox.Store) -> set[ox.NamedNode]:
    return {g for g in s.named_graphs() if g != META}


def test_the_files_hold_one_graph_per_section_and_source(own):
    graphs = {g.value.removeprefix(KFG) for g in fact_graphs(own)}
    assert {g for g in graphs if g.startswith("vastmanland-validering--")} == {
        "vastmanland-validering--inledning",
        "vastmanland-validering--bygga-regional-struktur-for-validering",
        "vastmanland-validering--enskilda-aktorer-kan-inte-gora-det-sjalva",
    }
    assert len({g for g in graphs if g.startswith("avsiktsforklaring-2022--")}) == 7
    assert all(
        g.startswith(("vastmanland-validering--", "avsiktsforklaring-2022--", "fact-"))
        for g in graphs
    )


@pytest.fixture(scope="module")
def described_sources(own) -> set:
    """Source documents described in kfg:meta by these files or by the reference layer (which
    describes, once, the copies of the statutes and the project's reference tables)."""
    s = ox.Store()
    for path in sorted((ROOT / "graph" / "data" / "reference").glob("*.trig")):
        s.load(path=str(path), format=ox.RdfFormat.TRIG)
    return {
        q.subject
        for st in (own, s)
        for q in st.quads_for_pattern(None, RDF_TYPE, kf("SourceDocument"), META)
    }


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_every_graph_is_described_in_meta(own, described_sources, lang):
    problems = []
    for g in sorted(fact_graphs(own), key=lambda n: n.value):
        if not list(own.quads_for_pattern(g, RDF_TYPE, kf("FactGraph"), META)):
            problems.append(f"{g.value}: not a kf:FactGraph in kfg:meta")
        docs = [q.object for q in own.quads_for_pattern(g, PROV_DERIVED, None, META)]
        if not docs or not all(d in described_sources for d in docs):
            problems.append(f"{g.value}: no source document in kfg:meta")
        locators = [q.object for q in own.quads_for_pattern(g, kf("locator"), None, META)]
        if not any(isinstance(loc, ox.Literal) and loc.language == lang for loc in locators):
            problems.append(f"{g.value}: no @{lang} locator")
        generated = [q.object for q in own.quads_for_pattern(g, PROV_GENERATED, None, META)]
        # made at the first curation or at the audit of December 2026 (docs/audit-2026-12.md)
        made = {typed(f"2026-{day}T00:00:00Z", "dateTime") for day in ("11-23", "12-02")}
        if len(generated) != 1 or generated[0] not in made:
            problems.append(f"{g.value}: prov:generatedAtTime is {generated}")
    assert problems == []


def test_every_source_document_of_a_seed_names_its_seed_file(own):
    for doc, stem in ((VASTMANLAND_SRC, "000_"), (AVSIKT_SRC, "004_")):
        ids = {
            q.object.value
            for q in own.quads_for_pattern(
                doc, ox.NamedNode("http://purl.org/dc/terms/identifier"), None, META
            )
        }
        assert any(i.startswith(stem) and i.endswith(".txt") for i in ids), ids


# ---------------------------------------------------------------------------
# No copied sentences: descriptions are paraphrases
# ---------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(text)]


def runs(tokens: list[str], n: int = COPY_RUN) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


@pytest.fixture(scope="module")
def seed_runs() -> set[tuple[str, ...]]:
    texts = sorted(SEEDS.glob("*.txt"))
    if len(texts) != 2:
        pytest.fail(f"the two seed texts are not at {SEEDS}: the check needs them beside the repo")
    found: set[tuple[str, ...]] = set()
    for path in texts:
        found |= runs(words(path.read_text(encoding="utf-8")))
    return found


def descriptions(s: ox.Store) -> Iterator[tuple[str, str]]:
    for quad in s.quads_for_pattern(None, DCT_DESCRIPTION, None, None):
        if isinstance(quad.object, ox.Literal):
            yield (
                quad.subject.value if isinstance(quad.subject, ox.NamedNode) else str(quad.subject),
                quad.object.value,
            )


def test_the_copy_scan_finds_a_pasted_sentence(seed_runs):
    text = sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")
    sentence = next(line for line in text.splitlines() if len(line.split()) > 15)
    assert runs(words(f"Enligt artikeln: {sentence}")) & seed_runs


def test_no_description_repeats_eight_words_of_a_seed(own, seed_runs):
    copied = {
        subject: " ".join(sorted(runs(words(text)) & seed_runs)[0])
        for subject, text in descriptions(own)
        if runs(words(text)) & seed_runs
    }
    assert copied == {}


# ---------------------------------------------------------------------------
# Labels: every subject has a Swedish rdfs:label
# ---------------------------------------------------------------------------


def test_every_subject_has_a_swedish_label(own, store):
    subjects = {
        q.subject
        for q in own.quads_for_pattern(None, None, None, None)
        if isinstance(q.subject, ox.NamedNode)
    }
    unlabelled = sorted(
        s.value
        for s in subjects
        if not any(
            isinstance(q.object, ox.Literal) and q.object.language == "sv"
            for q in store.quads_for_pattern(s, RDFS_LABEL, None, None)
        )
    )
    assert unlabelled == []
