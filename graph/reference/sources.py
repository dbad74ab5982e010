"""The public sources of the reference tables and the description of each fact graph."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    """A source document and its citation fields, as far as the reference folder records them.

    ``publisher`` and ``creator`` are IRIs (prefixed names or ``<…>``); ``issued`` is the date
    (``YYYY-MM-DD``) or year (``YYYY``) of the version read, empty where nothing records one (the
    document is then stated ``kf:undated``); ``copy_of`` names the official classifications
    (keys of ``OFFICIAL``) whose codes the document copies.
    """

    title: str
    identifier: str = ""
    page: str = ""
    note: str = ""
    lang: str | None = None
    publisher: str = ""
    creator: str = ""
    issued: str = ""
    copy_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class Agent:
    """A publisher or creator that no fact graph describes: a site, a GitHub account, a body."""

    label_sv: str
    label_en: str
    page: str = ""


#: The days the project wrote the layer's fact graphs from the tables: the first session, and the
#: audit that added regions_ids.csv (git history: the day each graph's file entered the project).
FIRST_SESSION = "2026-11-23"
AUDIT = "2026-12-02"


@dataclass(frozen=True)
class FactGraphSpec:
    """A fact graph; ``generated`` is the day (``YYYY-MM-DD``) the project wrote it from its
    sources, its ``prov:generatedAtTime``; the first such day is each source's ``kf:accessed``."""

    slug: str
    label_sv: str
    label_en: str
    locator: str
    sources: tuple[str, ...]
    note_en: str = ""
    note_sv: str = ""
    generated: str = FIRST_SESSION


def spec(
    slug: str,
    label_sv: str,
    label_en: str,
    locator: str,
    *sources: str,
    note_en="",
    note_sv="",
    generated=FIRST_SESSION,
) -> FactGraphSpec:
    """Fact graph ``kfg:<slug>``: its labels, where its facts stand in the sources, the sources,
    and the day it was written."""
    return FactGraphSpec(
        slug, label_sv, label_en, locator, tuple(sources), note_en, note_sv, generated
    )


def _gh(
    repo: str, path: str, version: str = "", note: str = "", issued: str = "", copy_of=()
) -> Source:
    """A file in a public GitHub repository; its creator is the repository's owner account."""
    return Source(
        f"{repo}: {path}",
        f"{repo} {path}{' ' + version if version else ''}",
        f"https://github.com/{repo}",
        note,
        creator=github(repo),
        issued=issued,
        copy_of=tuple(copy_of),
    )


def github(repo: str) -> str:
    return f"<https://github.com/{repo.split('/')[0]}>"


def site(domain: str) -> str:
    """The IRI of a web site named only by its domain, as a publisher (``kfid:webbplats-…``)."""
    return "kfid:webbplats-" + re.sub(r"[^a-z0-9]+", "-", domain.lower()).strip("-")


#: The project itself, creator of the compiled reference tables.
PROJECT = "<https://w3id.org/kompetensgraf/dataset#publisher>"

_MD = "civictechsweden/myndighetsdata"
_MD_AT = "at commit 44c4fe8 (2026-01-02; repository HEAD e5b5c07)"
_MD_DATE = "2026-01-02"
_OKFN = "salgo60/okfnLocal"
_OKFN_AT = "at commit e21072b4addc299f8ba9c85fab54ce5ec0677b73"
_SCB = ("scb-lan-och-kommunkoder",)
_ISO = ("iso-3166-2-se",)
_NUTS = ("eurostat-nuts",)
_DATED = (
    "Title and date ({}, the day the government handed the bill to the Riksdag) as the bill's "
    "first page gives them."
)
_ORG_NOTE = "Shows the Peppol participant id {} (scheme 0007 is the Swedish organisationsnummer)."

#: Every public source of the tables, keyed by its ``kfsrc:`` slug (as SOURCES.md names them).
SOURCES: dict[str, Source] = {
    "sjbrg-swedish-geodata-counties": _gh(
        "sjbrg/swedish-geodata",
        "data/counties.csv",
        "at commit 967319129a6a (2026-02-11)",
        note="The repository's README says its files come from SCB's codes.",
        issued="2026-02-11",
        copy_of=_SCB,
    ),
    "sjbrg-swedish-geodata-municipalities": _gh(
        "sjbrg/swedish-geodata",
        "data/municipalities.csv",
        "at commit 967319129a6a (2026-02-11)",
        note="The repository's README says its files come from SCB's codes.",
        issued="2026-02-11",
        copy_of=_SCB,
    ),
    "statscraper-datatypes-counties": _gh(
        "jplusplus/statscraper-datatypes",
        "values/regions/sweden/counties.csv",
        "last changed in commit 792af79 (2018-02-06); repository HEAD 5906d8f (2020-03-02)",
        issued="2018-02-06",
        copy_of=_SCB,
    ),
    "statscraper-datatypes-municipalities": _gh(
        "jplusplus/statscraper-datatypes",
        "values/regions/sweden/municipalities.csv",
        "at repository HEAD 5906d8f (2020-03-02)",
        issued="2020-03-02",
        copy_of=_SCB,
    ),
    "simpleiso3166-se": _gh(
        "stumpylog/simpleiso3166", "src/simpleiso3166/subdivisions/data/SE.py", copy_of=_ISO
    ),
    "protomaps-basemaps-regioninfos": _gh(
        "protomaps/basemaps",
        "tiles/src/main/java/com/protomaps/basemap/feature/RegionInfos.java",
        "at commit 3d734f09dbf9 (2023-08-01)",
        note="Keyed by ISO 3166-2 code; the Wikidata ids are the repository's own data.",
        issued="2023-08-01",
        copy_of=_ISO,
    ),
    "covid19-regional-tracker-sweden-setup": _gh(
        "asjadnaqvi/COVID19-European-Regional-Tracker",
        "02_dofiles/SWEDEN_setup_v2.do",
        "at commit 3962d1aa3fc4",
        copy_of=_NUTS,
    ),
    "wikipedia-nuts-statistical-regions-of-sweden": Source(
        "NUTS statistical regions of Sweden",
        "wikimili.com/en/NUTS_statistical_regions_of_Sweden",
        note="Copy of the English Wikipedia article; a kiwix copy and hawaiilibrary.net "
        '("NUTS of Sweden") carry the same table.',
        lang="en",
        publisher=site("wikimili.com"),
        copy_of=_NUTS,
    ),
    "hackersofsweden-regions": _gh(
        "HackersOfSweden/WelcomeToSweden",
        "DB/regions.json",
        "last changed in commit a01f25a (2022-03-14)",
        issued="2022-03-14",
    ),
    "hackersofsweden-municipalities": _gh(
        "HackersOfSweden/WelcomeToSweden",
        "DB/municipalities.json",
        "(2022-03-14)",
        issued="2022-03-14",
        copy_of=_SCB,
    ),
    "regionkalmar-pressmeddelande-2019-01-01": Source(
        "Region Kalmar län: pressmeddelande 2019-01-01",
        "regionkalmar.se, press release of 2019-01-01",
        lang="sv",
        publisher="kfid:region-lan-08",
        issued="2019-01-01",
    ),
    "slso-om-oss": Source(
        "Stockholms läns sjukvårdsområde: Om oss",
        "slso.regionstockholm.se/om-oss",
        note="Page of Stockholms läns sjukvårdsområde, part of Region Stockholm.",
        lang="sv",
        publisher="kfid:region-lan-01",
    ),
    "locum-fakturaadresser": Source(
        "Locum: fakturaadresser",
        "locum.se, Om oss – Organisation och uppdrag – Fakturaadresser",
        "https://www.locum.se/om-oss/organisation-och-uppdrag/fakturaadresser/",
        note="The invoice block for Landstingsfastigheter, an administration of Region "
        "Stockholm, gives the region's organisation number.",
        lang="sv",
        publisher=site("locum.se"),
    ),
    "regionsormland-fakturering": Source(
        "Region Sörmland: fakturering",
        "samverkan.regionsormland.se, invoicing page",
        note=_ORG_NOTE.format("0007:2321000032"),
        lang="sv",
        publisher="kfid:region-lan-04",
    ),
    "edionet-du-fakturering": Source(
        "Fakturering (info.edionet.net)",
        "info.edionet.net/du/fakturering",
        "http://info.edionet.net/du/fakturering",
        note="Contact blocks for Region Sörmland and Region Västmanland with organisation "
        "numbers and Peppol participant ids (0007:2321000032, 0007:2321000172).",
        lang="sv",
        publisher=site("info.edionet.net"),
    ),
    "regionostergotland-ekonomi": Source(
        "Region Östergötland: Ekonomi",
        "regionostergotland.se/ro/om-region-ostergotland/ekonomi",
        "https://www.regionostergotland.se/ro/om-region-ostergotland/ekonomi",
        note="The page footer's contact block gives the organisation number.",
        lang="sv",
        publisher="kfid:region-lan-05",
    ),
    "regionkronoberg-fakturering-och-e-handel": Source(
        "Region Kronoberg: Fakturering och e-handel",
        "regionkronoberg.se, Att göra affärer med oss – Fakturering och e-handel",
        "http://www.regionkronoberg.se/om-region-kronoberg/att-gora-affarer-med-oss/"
        "fakturering-och-e-handel/",
        note="Section 'Korta ekonomifakta': organisation number, VAT number and Peppol id.",
        lang="sv",
        publisher="kfid:region-lan-07",
    ),
    "skane-faktura": Source(
        "Region Skåne: Faktura",
        "skane.se/organisation-politik/Att-gora-affarer/faktura",
        "https://www.skane.se/organisation-politik/Att-gora-affarer/faktura/",
        note="Section on e-invoice identity: the Svefaktura identity SE232100025501 has the "
        "VAT-number form (SE + organisation number + 01); the organisation number is derived "
        "from it, not printed as such.",
        lang="sv",
        publisher="kfid:region-lan-12",
    ),
    "regionhalland-leverantorsfakturor": Source(
        "Region Halland: Leverantörsfakturor och e-handel",
        "regionhalland.se, Om Region Halland – Inköp och upphandling – Leverantörsfakturor",
        "https://regionhalland.se/om-region-halland/inkop-och-upphandling/"
        "leverantorsfakturor-och-e-handel",
        note=_ORG_NOTE.format("0007:2321000115"),
        lang="sv",
        publisher="kfid:region-lan-13",
    ),
    "regionvarmland-fakturering": Source(
        "Region Värmland: Fakturering",
        "regionvarmland.se/om-regionen/Fakturering",
        "https://www.regionvarmland.se/om-regionen/Fakturering/",
        note="Section for suppliers: organisation number and GLN.",
        lang="sv",
        publisher="kfid:region-lan-17",
    ),
    "regionjh-faktureringsuppgifter": Source(
        "Region Jämtland Härjedalen: Faktureringsuppgifter för leverantörer",
        "medbib.regionjh.se, Faktureringsuppgifter för leverantörer",
        "https://medbib.regionjh.se/forpersonalovrigavardgivarepartners/"
        "forleverantorerochkunder/faktureringsuppgifterforleverantorer."
        "4.76fa7346168772969d13af.html",
        note="Organisation number, Peppol id and VAT number for suppliers.",
        lang="sv",
        publisher="kfid:region-lan-23",
    ),
    "vgregion-leverantorsfakturor": Source(
        "Västra Götalandsregionen: fakturor från leverantörer",
        "vgregion.se, supplier invoice page",
        lang="sv",
        publisher="kfid:region-lan-14",
    ),
    "regiondalarna-fakturering": Source(
        "Region Dalarna: fakturering",
        "regiondalarna.se/plus/leverantorer/fakturering",
        lang="sv",
        publisher="kfid:region-lan-20",
    ),
    "digg-skuggbacklog-topic-1024": _gh(
        "salgo60/DIGG-skuggbacklog",
        "Notebook/hamtat/topic_1024.json",
        "at commit 5cc9f80a9 (2025-12-04)",
        issued="2025-12-04",
    ),
    "okfnlocal-public-se-csv": _gh(
        _OKFN,
        "public-se-csv.csv",
        _OKFN_AT,
        note="A 2021 table of Swedish public bodies matched to Wikidata: columns 'WD Qnumber' "
        "and 'WD organisationsnummer (Sverige)' copy the items and their P6460 values.",
        issued="2021",
    ),
    "kommunkoder-simon-johansson": _gh(
        "simon-johansson/kommunkoder",
        "data.json",
        "at HEAD 61020c8 (2015-07-03)",
        issued="2015-07-03",
        copy_of=_SCB,
    ),
    "digg-skuggbacklog-wikidata-kommuner": _gh(
        "salgo60/DIGG-skuggbacklog",
        "Notebook/wikidata_kommuner.csv",
        "at commit b9218c8 (2025-11-29)",
        note="Result of a Wikidata query for items that are municipalities of Sweden (P31 Q127448) "
        "with an organisation number (P6460); 290 rows, no kommunkod.",
        issued="2025-11-29",
    ),
    "digg-skuggbacklog-dataportal-kommuner": _gh(
        "salgo60/DIGG-skuggbacklog",
        "Notebook/dataportal_kommuner.csv",
        note="dataportal.se organisation URIs of the form SE<orgnr> for 57 municipalities.",
    ),
    "wikipedia-sv-boras-kommun": Source(
        "Borås kommun (svenskspråkiga Wikipedia, faktaruta)",
        "sv.wikipedia.org, article on Borås kommun, infobox",
        lang="sv",
        publisher=site("sv.wikipedia.org"),
    ),
    "fargelanda-se": Source(
        "Färgelanda kommun", "fargelanda.se", lang="sv", publisher="kfid:kommun-1439"
    ),
    "upplands-bro-fakturering": Source(
        "Upplands-Bro kommun: fakturering",
        "Upplands-Bro kommun, invoicing page",
        note=_ORG_NOTE.format("0007:2120000100"),
        lang="sv",
        publisher="kfid:kommun-0139",
    ),
    "uddevalla-fakturering": Source(
        "Uddevalla kommun: fakturering",
        "Uddevalla kommun, invoicing page",
        note=_ORG_NOTE.format("0007:2120001397"),
        lang="sv",
        publisher="kfid:kommun-1485",
    ),
    "goteborgsregionen-forbundsordning": Source(
        "Förbundsordning för Göteborgsregionens kommunalförbund (gäller från 2023-01-01)",
        "goteborgsregionen.se/styrande-dokument/2020-02-12-forbundsordningen",
        lang="sv",
        note="Paragraph 2 names the member municipalities. goteborgsregionen.se/in-english, the "
        "sv.wikipedia article on GR and grkom.se (the older GR site) give the same thirteen.",
        publisher="kfid:goteborgsregionens-kommunalforbund",
    ),
    "fyrbodal-om-kommunalforbundet": Source(
        "Fyrbodals kommunalförbund: Om kommunalförbundet",
        "fyrbodal.se/om-oss/om-kommunalforbundet",
        lang="sv",
        publisher="kfid:fyrbodals-kommunalforbund",
    ),
    "fyrbodal-politik": Source(
        "Fyrbodals kommunalförbund: politik (äldre sida)",
        "fyrbodal.se, older page on the direktion",
        lang="sv",
        publisher="kfid:fyrbodals-kommunalforbund",
    ),
    "mellerud-fyrbodal": Source(
        "Melleruds kommun: sida om Fyrbodals kommunalförbund",
        "mellerud.se, page listing Fyrbodal's member municipalities",
        lang="sv",
        publisher="kfid:kommun-1461",
    ),
    "borasregionen-politik-och-styrning": Source(
        "Boråsregionen Sjuhärads kommunalförbund: Politik och styrning",
        "borasregionen.se, Politik och styrning",
        lang="sv",
        publisher="kfid:borasregionen-sjuharads-kommunalforbund",
    ),
    "skaraborg-om-oss": Source(
        "Skaraborgs kommunalförbund: Om oss",
        "skaraborg.se/Om-oss1",
        lang="sv",
        note="The förbundsstyrelse page of skaraborg.se also speaks of all 15 "
        "member municipalities.",
        publisher="kfid:skaraborgs-kommunalforbund",
    ),
    "myndighetsdata-wikidata": _gh(
        _MD,
        "data/wd.json",
        _MD_AT,
        note="Result of a Wikidata query (the repository's sources/wikidata_query.sparql): QID, "
        "organisation number (P6460), inception (P571), dissolution (P576).",
        issued=_MD_DATE,
    ),
    "myndighetsdata-esv": _gh(
        _MD,
        "data/esv.json",
        _MD_AT,
        note="Copy of Ekonomistyrningsverket's register of government agencies.",
        issued=_MD_DATE,
    ),
    "myndighetsdata-scb": _gh(
        _MD,
        "data/scb.json",
        _MD_AT,
        note="Copy of Statistics Sweden's register of government agencies.",
        issued=_MD_DATE,
    ),
    "myndighetsdata-statskontoret": _gh(
        _MD,
        "data/stkt.json",
        _MD_AT,
        note="Copy of Statskontoret's list of government agencies.",
        issued=_MD_DATE,
    ),
    "wikipedia-sv-tillvaxtverket": Source(
        "Tillväxtverket (svenskspråkiga Wikipedia)",
        "sv.wikipedia.org, article Tillväxtverket, infobox",
        "https://sv.wikipedia.org/wiki/Tillv%C3%A4xtverket",
        lang="sv",
        publisher=site("sv.wikipedia.org"),
    ),
    "esf-om-esf-radet": Source(
        "Svenska ESF-rådet: Om ESF-rådet",
        "esf.se/vilka-esf-ar; esf.se/en/about-the-swedish-esf-council",
        lang="sv",
        publisher="kfid:svenska-esf-radet",
    ),
    "lagen-nu-sou-2019-69": Source(
        "SOU 2019:69 Validering – för kompetensförsörjning och livslångt lärande (lagen.nu)",
        "lagen.nu/sou/2019:69",
        "https://lagen.nu/sou/2019:69",
        note="Copy of the committee's final report, handed over on 2020-01-13.",
        lang="sv",
        publisher=site("lagen.nu"),
        issued="2020-01-13",
    ),
    "riksdagen-h7b369": Source(
        "SOU 2019:69 (Riksdagens öppna data, dok_id H7B369)",
        "data.riksdagen.se/dokument/H7B369",
        note="The committee's final report, handed over on 2020-01-13.",
        lang="sv",
        publisher="kfid:sveriges-riksdag",
        issued="2020-01-13",
    ),
    "valideringsdelegation-se-uppdrag": Source(
        "Valideringsdelegationen: uppdrag",
        "valideringsdelegation.se/om-delegationen/uppdrag",
        "http://www.valideringsdelegation.se/om-delegationen/uppdrag/",
        lang="sv",
        publisher="kfid:valideringsdelegationen-2015-2019",
    ),
    "klevringsjuridik-sfs-2003-1096": Source(
        "Förordning (2003:1096) med instruktion för Valideringsdelegationen (kopia)",
        "klevringsjuridik.se, copy of SFS 2003:1096",
        note="The year is the statute's, from its SFS number.",
        lang="sv",
        publisher=site("klevringsjuridik.se"),
        issued="2003",
    ),
    "lagboken-sfs-2010-630": Source(
        "Lag (2010:630) om regionalt utvecklingsansvar (lagboken.se)",
        "lagboken.se, copy of SFS 2010:630",
        note="The date is the statute's (utfärdad 2010-06-10).",
        lang="sv",
        publisher=site("lagboken.se"),
        issued="2010-06-10",
    ),
    "lagboken-sfs-2018-1348": Source(
        "Lag (2018:1348) om ändring i lagen (2010:630) om regionalt utvecklingsansvar i vissa län "
        "(lagboken.se)",
        "lagboken.se, copy of SFS 2018:1348",
        note="The date is the statute's (utfärdad 2018-06-20).",
        lang="sv",
        publisher=site("lagboken.se"),
        issued="2018-06-20",
    ),
    "rkrattsbaser-prop-2017-18-206": Source(
        "Prop. 2017/18:206 Ett enhetligt regionalt utvecklingsansvar (Regeringskansliets "
        "rättsdatabaser)",
        "rkrattsbaser.gov.se, prop. 2017/18:206",
        note=_DATED.format("2018-03-29"),
        lang="sv",
        publisher="kfid:regeringskansliet",
        issued="2018-03-29",
    ),
    "riksdagen-h303176": Source(
        "Prop. 2015/16:176 Ändrat regionalt utvecklingsansvar i vissa län (Riksdagens öppna data, "
        "dok_id H303176)",
        "data.riksdagen.se/dokument/H303176.html",
        "https://data.riksdagen.se/dokument/H303176.html",
        note=_DATED.format("2016-05-26"),
        lang="sv",
        publisher="kfid:sveriges-riksdag",
        issued="2016-05-26",
    ),
    "skr-lagar-och-forordningar-som-styr-regional-utveckling-2023": Source(
        "Lagar och förordningar som styr regional utveckling",
        "skr.se, Lagar och förordningar som styr regional utveckling",
        lang="sv",
        publisher="kfid:sveriges-kommuner-och-regioner",
        issued="2023",
    ),
    "kompetensgrafen-reference-tables": Source(
        "Kompetensgrafen: reference tables and their source notes",
        "shared/reference: regions.csv, regions_ids.csv, municipalities.csv, "
        "kommunalforbund_members.csv, authorities.csv, legislation.csv, SOURCES.md, FACTS.md",
        note="The project's compiled tables. Their cross-checks (agreement between sources, "
        "inferences, recorded conflicts) are the source of the notes in this graph.",
        lang="en",
        creator=PROJECT,
    ),
}

#: Publishers and creators that no fact graph describes, keyed by IRI.
AGENTS: dict[str, Agent] = {
    site("wikimili.com"): Agent("WikiMili (wikimili.com)", "WikiMili (wikimili.com)"),
    site("sv.wikipedia.org"): Agent(
        "Wikipedia på svenska (sv.wikipedia.org)", "Swedish Wikipedia (sv.wikipedia.org)"
    ),
    site("lagen.nu"): Agent("lagen.nu", "lagen.nu"),
    site("lagboken.se"): Agent("lagboken.se", "lagboken.se"),
    site("klevringsjuridik.se"): Agent("klevringsjuridik.se", "klevringsjuridik.se"),
    site("locum.se"): Agent("Locum (locum.se)", "Locum (locum.se)"),
    site("info.edionet.net"): Agent("info.edionet.net", "info.edionet.net"),
    "kfid:sveriges-riksdag": Agent("Sveriges riksdag", "The Swedish Parliament (Riksdag)"),
    "kfid:regeringskansliet": Agent("Regeringskansliet", "Government Offices of Sweden"),
    "kfid:statistiska-centralbyran": Agent("Statistiska centralbyrån (SCB)", "Statistics Sweden"),
    "kfid:eurostat": Agent("Eurostat", "Eurostat"),
    "kfid:iso": Agent(
        "Internationella standardiseringsorganisationen (ISO)",
        "International Organization for Standardization (ISO)",
    ),
    PROJECT: Agent("Projektet Kompetensgrafen", "Kompetensgrafen project"),
}


@dataclass(frozen=True)
class Official:
    """An official classification whose codes a source document copies."""

    title_sv: str
    title_en: str
    identifier: str
    publisher: str


#: The official classifications that copies among the sources reproduce.
OFFICIAL: dict[str, Official] = {
    "scb-lan-och-kommunkoder": Official(
        "Län- och kommunkoder (SCB:s regionala indelning)",
        "County and municipality codes (Statistics Sweden's regional division)",
        "SCB länskod (2 siffror) och kommunkod (4 siffror)",
        "kfid:statistiska-centralbyran",
    ),
    "eurostat-nuts": Official(
        "NUTS – Nomenklaturen för statistiska territoriella enheter",
        "NUTS – Nomenclature of territorial units for statistics",
        "NUTS (Eurostat)",
        "kfid:eurostat",
    ),
    "iso-3166-2-se": Official(
        "ISO 3166-2:SE – koder för Sveriges län",
        "ISO 3166-2:SE – codes for the subdivisions of Sweden",
        "ISO 3166-2:SE",
        "kfid:iso",
    ),
}


#: A fact graph: its description and ``fill(quads, graph, tables)``, which states its facts.
FactGraph = tuple[FactGraphSpec, Callable[..., None]]
