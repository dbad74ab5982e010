"""The public sources of the reference tables and the description of each fact graph."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    title: str
    identifier: str = ""
    page: str = ""
    note: str = ""
    lang: str | None = None


@dataclass(frozen=True)
class FactGraphSpec:
    slug: str
    label_sv: str
    label_en: str
    locator: str
    sources: tuple[str, ...]
    note_en: str = ""
    note_sv: str = ""


def spec(
    slug: str, label_sv: str, label_en: str, locator: str, *sources: str, note_en="", note_sv=""
) -> FactGraphSpec:
    """Fact graph ``kfg:<slug>``: its labels, where its facts stand in the sources, the sources."""
    return FactGraphSpec(slug, label_sv, label_en, locator, tuple(sources), note_en, note_sv)


def _gh(repo: str, path: str, version: str = "", note: str = "") -> Source:
    return Source(
        f"{repo}: {path}",
        f"{repo} {path}{' ' + version if version else ''}",
        f"https://github.com/{repo}",
        note,
    )


_MD = "civictechsweden/myndighetsdata"
_MD_AT = "at commit 44c4fe8 (2026-01-02; repository HEAD e5b5c07)"

#: Every public source of the tables, keyed by its ``kfsrc:`` slug (as SOURCES.md names them).
SOURCES: dict[str, Source] = {
    "sjbrg-swedish-geodata-counties": _gh(
        "sjbrg/swedish-geodata", "data/counties.csv", "at commit 967319129a6a (2026-02-11)"
    ),
    "sjbrg-swedish-geodata-municipalities": _gh(
        "sjbrg/swedish-geodata", "data/municipalities.csv", "at commit 967319129a6a (2026-02-11)"
    ),
    "statscraper-datatypes-counties": _gh(
        "jplusplus/statscraper-datatypes",
        "values/regions/sweden/counties.csv",
        "last changed in commit 792af79 (2018-02-06); repository HEAD 5906d8f (2020-03-02)",
    ),
    "statscraper-datatypes-municipalities": _gh(
        "jplusplus/statscraper-datatypes",
        "values/regions/sweden/municipalities.csv",
        "at repository HEAD 5906d8f (2020-03-02)",
    ),
    "simpleiso3166-se": _gh("stumpylog/simpleiso3166", "src/simpleiso3166/subdivisions/data/SE.py"),
    "protomaps-basemaps-regioninfos": _gh(
        "protomaps/basemaps",
        "tiles/src/main/java/com/protomaps/basemap/feature/RegionInfos.java",
        "at commit 3d734f09dbf9",
    ),
    "covid19-regional-tracker-sweden-setup": _gh(
        "asjadnaqvi/COVID19-European-Regional-Tracker",
        "02_dofiles/SWEDEN_setup_v2.do",
        "at commit 3962d1aa3fc4",
    ),
    "wikipedia-nuts-statistical-regions-of-sweden": Source(
        "NUTS statistical regions of Sweden",
        "wikimili.com/en/NUTS_statistical_regions_of_Sweden",
        note="Copy of the English Wikipedia article; a kiwix copy and hawaiilibrary.net "
        '("NUTS of Sweden") carry the same table.',
        lang="en",
    ),
    "hackersofsweden-regions": _gh(
        "HackersOfSweden/WelcomeToSweden",
        "DB/regions.json",
        "last changed in commit a01f25a (2022-03-14)",
    ),
    "hackersofsweden-municipalities": _gh(
        "HackersOfSweden/WelcomeToSweden", "DB/municipalities.json", "(2022-03-14)"
    ),
    "unidentified-region-lists": Source(
        "Two region lists in GitHub files whose repositories could not be identified",
        note="A COUNTY_TO_REGION dictionary in Python analysis scripts and a Kolada-based REGIONS "
        "catalogue in a TypeScript file, found by full-text search; supporting evidence only.",
        lang="en",
    ),
    "regionkalmar-pressmeddelande-2019-01-01": Source(
        "Region Kalmar län: pressmeddelande 2019-01-01",
        "regionkalmar.se, press release of 2019-01-01",
        lang="sv",
    ),
    "slso-om-oss": Source(
        "Stockholms läns sjukvårdsområde: Om oss",
        "slso.regionstockholm.se/om-oss",
        note="Page of Stockholms läns sjukvårdsområde, part of Region Stockholm.",
        lang="sv",
    ),
    "regionsormland-fakturering": Source(
        "Region Sörmland: fakturering",
        "samverkan.regionsormland.se, invoicing page",
        note="Shows the Peppol participant id 0007:2321000032 (scheme 0007 is the Swedish "
        "organisationsnummer).",
        lang="sv",
    ),
    "vgregion-leverantorsfakturor": Source(
        "Västra Götalandsregionen: fakturor från leverantörer",
        "vgregion.se, supplier invoice page",
        lang="sv",
    ),
    "regionvastmanland-fakturering": Source(
        "Region Västmanland: fakturering",
        "Region Västmanland invoicing page, copy at info.edionet.net",
        note="Shows the Peppol participant id 0007:2321000172.",
        lang="sv",
    ),
    "regiondalarna-fakturering": Source(
        "Region Dalarna: fakturering", "regiondalarna.se/plus/leverantorer/fakturering", lang="sv"
    ),
    "digg-skuggbacklog-topic-1024": _gh(
        "salgo60/DIGG-skuggbacklog",
        "Notebook/hamtat/topic_1024.json",
        "at commit 5cc9f80a9 (2025-12-04)",
    ),
    "kommunkoder-simon-johansson": _gh(
        "simon-johansson/kommunkoder", "data.json", "at HEAD 61020c8 (2015-07-03)"
    ),
    "digg-skuggbacklog-wikidata-kommuner": _gh(
        "salgo60/DIGG-skuggbacklog",
        "Notebook/wikidata_kommuner.csv",
        "at commit b9218c8 (2025-11-29)",
        note="Result of a Wikidata query for items that are municipalities of Sweden (P31 Q127448) "
        "with an organisation number (P6460); 290 rows, no kommunkod.",
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
    ),
    "fargelanda-se": Source("Färgelanda kommun", "fargelanda.se", lang="sv"),
    "upplands-bro-fakturering": Source(
        "Upplands-Bro kommun: fakturering",
        "Upplands-Bro kommun, invoicing page",
        note="Shows the Peppol participant id 0007:2120000100.",
        lang="sv",
    ),
    "uddevalla-fakturering": Source(
        "Uddevalla kommun: fakturering",
        "Uddevalla kommun, invoicing page",
        note="Shows the Peppol participant id 0007:2120001397.",
        lang="sv",
    ),
    "goteborgsregionen-forbundsordning": Source(
        "Förbundsordning för Göteborgsregionens kommunalförbund (gäller från 2023-01-01)",
        "goteborgsregionen.se/styrande-dokument/2020-02-12-forbundsordningen",
        lang="sv",
        note="Paragraph 2 names the member municipalities. goteborgsregionen.se/in-english, the "
        "sv.wikipedia article on GR and grkom.se (the older GR site) give the same thirteen.",
    ),
    "fyrbodal-om-kommunalforbundet": Source(
        "Fyrbodals kommunalförbund: Om kommunalförbundet",
        "fyrbodal.se/om-oss/om-kommunalforbundet",
        lang="sv",
    ),
    "fyrbodal-politik": Source(
        "Fyrbodals kommunalförbund: politik (äldre sida)",
        "fyrbodal.se, older page on the direktion",
        lang="sv",
    ),
    "mellerud-fyrbodal": Source(
        "Melleruds kommun: sida om Fyrbodals kommunalförbund",
        "mellerud.se, page listing Fyrbodal's member municipalities",
        lang="sv",
    ),
    "borasregionen-politik-och-styrning": Source(
        "Boråsregionen Sjuhärads kommunalförbund: Politik och styrning",
        "borasregionen.se, Politik och styrning",
        lang="sv",
    ),
    "skaraborg-om-oss": Source(
        "Skaraborgs kommunalförbund: Om oss",
        "skaraborg.se/Om-oss1",
        lang="sv",
        note="The förbundsstyrelse page of skaraborg.se also speaks of all 15 "
        "member municipalities.",
    ),
    "myndighetsdata-wikidata": _gh(
        _MD,
        "data/wd.json",
        _MD_AT,
        note="Result of a Wikidata query (the repository's sources/wikidata_query.sparql): QID, "
        "organisation number (P6460), inception (P571), dissolution (P576).",
    ),
    "myndighetsdata-esv": _gh(
        _MD,
        "data/esv.json",
        _MD_AT,
        note="Copy of Ekonomistyrningsverket's register of government agencies.",
    ),
    "myndighetsdata-scb": _gh(
        _MD,
        "data/scb.json",
        _MD_AT,
        note="Copy of Statistics Sweden's register of government agencies.",
    ),
    "myndighetsdata-statskontoret": _gh(
        _MD,
        "data/stkt.json",
        _MD_AT,
        note="Copy of Statskontoret's list of government agencies.",
    ),
    "wikipedia-sv-tillvaxtverket": Source(
        "Tillväxtverket (svenskspråkiga Wikipedia)",
        "sv.wikipedia.org, article Tillväxtverket, infobox",
        "https://sv.wikipedia.org/wiki/Tillv%C3%A4xtverket",
        lang="sv",
    ),
    "esf-om-esf-radet": Source(
        "Svenska ESF-rådet: Om ESF-rådet",
        "esf.se/vilka-esf-ar; esf.se/en/about-the-swedish-esf-council",
        lang="sv",
    ),
    "lagen-nu-sou-2019-69": Source(
        "SOU 2019:69 Validering – för kompetensförsörjning och livslångt lärande (lagen.nu)",
        "lagen.nu/sou/2019:69",
        lang="sv",
    ),
    "riksdagen-h7b369": Source(
        "SOU 2019:69 (Riksdagens öppna data, dok_id H7B369)",
        "data.riksdagen.se/dokument/H7B369",
        lang="sv",
    ),
    "valideringsdelegation-se-uppdrag": Source(
        "Valideringsdelegationen: uppdrag",
        "valideringsdelegation.se/om-delegationen/uppdrag",
        lang="sv",
    ),
    "klevringsjuridik-sfs-2003-1096": Source(
        "Förordning (2003:1096) med instruktion för Valideringsdelegationen (kopia)",
        "klevringsjuridik.se, copy of SFS 2003:1096",
        lang="sv",
    ),
    "lagboken-sfs-2010-630": Source(
        "Lag (2010:630) om regionalt utvecklingsansvar (lagboken.se)",
        "lagboken.se, copy of SFS 2010:630",
        lang="sv",
    ),
    "lagboken-sfs-2018-1348": Source(
        "Lag (2018:1348) om ändring i lagen (2010:630) om regionalt utvecklingsansvar i vissa län "
        "(lagboken.se)",
        "lagboken.se, copy of SFS 2018:1348",
        lang="sv",
    ),
    "rkrattsbaser-prop-2017-18-206": Source(
        "Prop. 2017/18:206 (Regeringskansliets rättsdatabaser)",
        "rkrattsbaser.gov.se, prop. 2017/18:206",
        lang="sv",
    ),
    "riksdagen-h303176": Source(
        "Prop. 2015/16:176 (Riksdagens öppna data, dok_id H303176)",
        "data.riksdagen.se/dokument/H303176.html",
        lang="sv",
    ),
    "skr-lagar-och-forordningar": Source(
        "SKR: Lagar och förordningar som styr regional utveckling",
        "skr.se, Lagar och förordningar som styr regional utveckling",
        lang="sv",
    ),
    "kompetensgrafen-reference-tables": Source(
        "Kompetensgrafen: reference tables and their source notes",
        "shared/reference: regions.csv, municipalities.csv, kommunalforbund_members.csv, "
        "authorities.csv, legislation.csv, SOURCES.md",
        note="The project's compiled tables. Their cross-checks (agreement between sources, "
        "inferences, recorded conflicts) are the source of the notes in this graph.",
        lang="en",
    ),
}


#: A fact graph: its description and ``fill(quads, graph, tables)``, which states its facts.
FactGraph = tuple[FactGraphSpec, Callable[..., None]]
