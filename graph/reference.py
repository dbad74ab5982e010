"""The national reference layer: convert the shared reference tables into the project's TriG files.

Run ``python -m graph.reference ../shared/reference`` from the repository root. The tables (CSV,
described in their ``SOURCES.md``) stay outside the repository; the generated files
``graph/data/reference/<graph>.trig`` are committed. Each file holds one fact graph ``kfg:ref-…``
with the facts taken from one public source, and its description in ``kfg:meta``.

The output is deterministic: the same tables give the same bytes (sorted subjects, predicates and
objects; no blank-node labels; one fixed ``prov:generatedAtTime``).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from graph import ROOT
from graph.namespaces import PREFIXES

OUT_DIR = ROOT / "graph" / "data" / "reference"
DEFAULT_TABLES = ROOT.parent / "shared" / "reference"
GENERATED_AT = "2026-11-23T00:00:00Z"
EXPECTED_PER_COUNTY = {
    "01": 26, "03": 8, "04": 9, "05": 13, "06": 13, "07": 8, "08": 12, "09": 1, "10": 5, "12": 33,
    "13": 6, "14": 49, "17": 16, "18": 12, "19": 10, "20": 15, "21": 10, "22": 7, "23": 8, "24": 15,
    "25": 14,
}  # fmt: skip


class ReferenceError(ValueError):
    """The tables break an expectation the reference layer relies on."""


# --------------------------------------------------------------------------- terms and writer


class I(str):  # noqa: E742 - a short name keeps the fact tables readable
    """An IRI, written as a prefixed name (``kfid:lan-14``) or in full (``<https://…>``)."""


@dataclass(frozen=True)
class Lit:
    value: str
    lang: str | None = None
    datatype: str | None = None  # a prefixed name such as "xsd:date"


B = tuple  # an inline blank node: a tuple of (predicate, object) pairs, written as [ … ]

_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def sv(text: str) -> Lit:
    return Lit(text, "sv")


def en(text: str) -> Lit:
    return Lit(text, "en")


def xsd(value: str, kind: str) -> Lit:
    return Lit(value, None, f"xsd:{kind}")


def date_lit(value: str) -> Lit:
    """``xsd:date`` for YYYY-MM-DD, ``xsd:gYear`` for YYYY."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return xsd(value, "date")
    if re.fullmatch(r"\d{4}", value):
        return xsd(value, "gYear")
    raise ReferenceError(f"not a date or year: {value!r}")


def expand(term: str) -> str:
    if term.startswith("<"):
        return term[1:-1]
    prefix, _, local = term.partition(":")
    if prefix not in PREFIXES or not _LOCAL.match(local):
        raise ReferenceError(f"not a usable prefixed name: {term!r}")
    return PREFIXES[prefix] + local


def _string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def render(obj, indent: str = "        ") -> str:
    if isinstance(obj, I):
        expand(obj)
        return str(obj)
    if isinstance(obj, Lit):
        if obj.lang:
            return _string(obj.value) + "@" + obj.lang
        if obj.datatype:
            expand(obj.datatype)
            return _string(obj.value) + "^^" + obj.datatype
        return _string(obj.value)
    if isinstance(obj, tuple):
        inner = indent + "    "
        return "[\n" + inner + predicate_list(obj, inner) + "\n" + indent + "]"
    raise TypeError(f"cannot write {obj!r}")


def render_predicate(p: I) -> str:
    return "a" if p == "rdf:type" else render(p)


def _pred_key(p: I) -> tuple[int, str]:
    return (0, "") if p == "rdf:type" else (1, expand(p))


def sorted_pairs(pairs) -> list[tuple[I, object]]:
    return sorted(set(pairs), key=lambda po: (_pred_key(po[0]), render(po[1])))


def predicate_list(pairs, indent: str) -> str:
    """``p o1 , o2 ;`` lines, predicates and objects sorted (``a`` first)."""
    grouped: dict[I, list[str]] = {}
    for p, o in sorted_pairs(pairs):
        grouped.setdefault(p, []).append(render(o, indent + "    "))
    return (" ;\n" + indent).join(
        f"{render_predicate(p)} {' , '.join(objs)}" for p, objs in grouped.items()
    )


class Quads:
    """Statements grouped by named graph and subject; written as sorted TriG."""

    def __init__(self) -> None:
        self.graphs: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))

    def add(self, graph: str, subject: str, predicate: str, obj) -> None:
        self.graphs[graph][I(subject)].add((I(predicate), obj))

    def addmany(self, graph: str, subject: str, *pairs) -> None:
        for p, o in pairs:
            if o is None or o == "":
                continue
            self.add(graph, subject, p, o)

    def trig(self, order: list[str]) -> str:
        used = {"rdf", "xsd"}
        body = []
        for g in order:
            lines = [f"{g} {{"]
            for s in sorted(self.graphs[g], key=expand):
                text = predicate_list(self.graphs[g][s], "        ")
                lines.append(f"    {render(s)}\n        {text} .\n")
            lines[-1] = lines[-1].rstrip("\n")
            lines.append("}\n")
            body.append("\n".join(lines))
        text = "\n".join(body)
        used |= set(re.findall(r"(?<![\w<\"/#:.-])([a-z][a-z0-9]*):[A-Za-z0-9_]", text))
        head = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in sorted(used) if p in PREFIXES)
        return head + "\n" + text


# --------------------------------------------------------------------------- tables


def read_table(folder: Path, name: str) -> list[dict[str, str]]:
    path = folder / name
    if not path.is_file():
        raise ReferenceError(f"{path}: reference table not found")
    with path.open(encoding="utf-8", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def luhn_valid(orgnr: str) -> bool:
    """True if ``orgnr`` is ``NNNNNN-NNNN`` and its last digit is the Luhn check digit."""
    if not re.fullmatch(r"\d{6}-\d{4}", orgnr):
        return False
    digits = [int(c) for c in orgnr.replace("-", "")]
    total = 0
    for i, d in enumerate(digits[:9]):
        p = d * 2 if i % 2 == 0 else d
        total += p - 9 if p > 9 else p
    return (10 - total % 10) % 10 == digits[9]


def check_tables(tables: dict[str, list[dict[str, str]]]) -> None:
    """Refuse tables that break the counts, formats and cross-checks the layer relies on."""
    regions, munis = tables["regions"], tables["municipalities"]
    problems = []
    if len(regions) != 21 or len({r["lanskod"] for r in regions}) != 21:
        problems.append("regions.csv: expected 21 distinct länskoder")
    if len(munis) != 290 or len({m["kommunkod"] for m in munis}) != 290:
        problems.append("municipalities.csv: expected 290 distinct kommunkoder")
    per_county = Counter(m["lanskod"] for m in munis)
    if dict(per_county) != EXPECTED_PER_COUNTY:
        problems.append(f"municipalities.csv: municipalities per county differ: {dict(per_county)}")
    for m in munis:
        if not re.fullmatch(r"\d{4}", m["kommunkod"]) or m["kommunkod"][:2] != m["lanskod"]:
            problems.append(f"municipalities.csv: bad kommunkod/lanskod {m['kommunkod']}")
    orgnrs = [r["regional_authority_orgnr"] for r in regions] + [m["orgnr"] for m in munis]
    orgnrs += [a["orgnr"] for a in tables["authorities"]]
    orgnrs += [f["forbund_orgnr"] for f in tables["forbund"]]
    for value in filter(None, orgnrs):
        if not luhn_valid(value):
            problems.append(f"orgnr {value} fails the Luhn check")
    if problems:
        raise ReferenceError("; ".join(problems))


def load_tables(folder: Path) -> dict[str, list[dict[str, str]]]:
    tables = {
        "regions": read_table(folder, "regions.csv"),
        "municipalities": read_table(folder, "municipalities.csv"),
        "forbund": read_table(folder, "kommunalforbund_members.csv"),
        "authorities": read_table(folder, "authorities.csv"),
        "legislation": read_table(folder, "legislation.csv"),
    }
    check_tables(tables)
    return tables


# --------------------------------------------------------------------------- sources


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


def _gh(repo: str, path: str, version: str = "") -> Source:
    return Source(
        f"{repo}: {path}",
        f"{repo} {path}{' ' + version if version else ''}",
        f"https://github.com/{repo}",
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
    "digg-skuggbacklog-wikidata-kommuner": Source(
        "salgo60/DIGG-skuggbacklog: Notebook/wikidata_kommuner.csv",
        "salgo60/DIGG-skuggbacklog Notebook/wikidata_kommuner.csv at commit b9218c8 (2025-11-29)",
        "https://github.com/salgo60/DIGG-skuggbacklog",
        note="Result of a Wikidata query for items that are municipalities of Sweden (P31 Q127448) "
        "with an organisation number (P6460); 290 rows, no kommunkod.",
    ),
    "digg-skuggbacklog-dataportal-kommuner": Source(
        "salgo60/DIGG-skuggbacklog: Notebook/dataportal_kommuner.csv",
        "salgo60/DIGG-skuggbacklog Notebook/dataportal_kommuner.csv",
        "https://github.com/salgo60/DIGG-skuggbacklog",
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
    "myndighetsdata-wikidata": Source(
        f"{_MD}: data/wd.json",
        f"{_MD} data/wd.json {_MD_AT}",
        f"https://github.com/{_MD}",
        note="Result of a Wikidata query (the repository's sources/wikidata_query.sparql): QID, "
        "organisation number (P6460), inception (P571), dissolution (P576).",
    ),
    "myndighetsdata-esv": Source(
        f"{_MD}: data/esv.json",
        f"{_MD} data/esv.json {_MD_AT}",
        f"https://github.com/{_MD}",
        note="Copy of Ekonomistyrningsverket's register of government agencies.",
    ),
    "myndighetsdata-scb": Source(
        f"{_MD}: data/scb.json",
        f"{_MD} data/scb.json {_MD_AT}",
        f"https://github.com/{_MD}",
        note="Copy of Statistics Sweden's register of government agencies.",
    ),
    "myndighetsdata-statskontoret": Source(
        f"{_MD}: data/stkt.json",
        f"{_MD} data/stkt.json {_MD_AT}",
        f"https://github.com/{_MD}",
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


# --------------------------------------------------------------------------- facts


def county(code: str) -> I:
    return I(f"kfid:lan-{code}")


def kommun(code: str) -> I:
    return I(f"kfid:kommun-{code}")


def region(code: str) -> I:
    """The regional authority of a county; Region Gotland is the municipality 0980."""
    return kommun("0980") if code == "09" else I(f"kfid:region-lan-{code}")


def wd(qid: str) -> I | None:
    return I(f"wd:{qid}") if qid else None


def named(q: Quads, g: str, node: I, cls: str, label: str, *more) -> None:
    q.addmany(
        g,
        node,
        ("rdf:type", I(cls)),
        ("rdfs:label", sv(label)),
        ("skos:prefLabel", sv(label)),
        *more,
    )


FORBUND = {  # key in the table -> (IRI slug, name, abbreviation)
    "GR": ("goteborgsregionens-kommunalforbund", "Göteborgsregionens kommunalförbund", "GR"),
    "FYRBODAL": ("fyrbodals-kommunalforbund", "Fyrbodals kommunalförbund", ""),
    "BORAS": (
        "borasregionen-sjuharads-kommunalforbund",
        "Boråsregionen Sjuhärads kommunalförbund",
        "",
    ),
    "SKARABORG": ("skaraborgs-kommunalforbund", "Skaraborgs kommunalförbund", ""),
}


def federation(q: Quads, g: str, key: str, *more) -> I:
    slug, name, abbr = FORBUND[key]
    node = I(f"kfid:{slug}")
    named(
        q,
        g,
        node,
        "kf:MunicipalFederation",
        name,
        ("skos:altLabel", sv(abbr) if abbr else None),
        *more,
    )
    return node


def membership(q: Quads, g: str, row: dict[str, str], adjunct: bool = False) -> I:
    slug, name, _ = FORBUND[row["forbund_key"]]
    node = I(f"kfid:membership-{slug}-kommun-{row['kommunkod']}")
    who = row["kommun_name"]
    if adjunct:
        labels = (sv(f"Adjungering: {who} i {name}"), en(f"Adjunct (non-member): {who} in {name}"))
    else:
        labels = (sv(f"Medlemskap: {who} i {name}"), en(f"Membership: {who} in {name}"))
    q.addmany(
        g,
        node,
        ("rdf:type", I("org:Membership")),
        ("org:member", kommun(row["kommunkod"])),
        ("org:organization", I(f"kfid:{slug}")),
        ("org:role", I("kf:adjunctRole" if adjunct else "kf:memberRole")),
        ("rdfs:label", labels[0]),
        ("rdfs:label", labels[1]),
    )
    return node


AUTHORITIES = {  # name_sv in the table -> (IRI, used name, registered name where it differs)
    "Tillväxtverket": ("tillvaxtverket", "Tillväxtverket", ""),
    "Myndigheten för yrkeshögskolan": (
        "myndigheten-for-yrkeshogskolan",
        "Myndigheten för yrkeshögskolan",
        "",
    ),
    "Valideringsdelegationen (2004–2007)": (
        "valideringsdelegationen-2004-2007",
        "Valideringsdelegationen (2004–2007)",
        "",
    ),
    "Valideringsdelegationen 2015–2019": (
        "valideringsdelegationen-2015-2019",
        "Valideringsdelegationen 2015–2019",
        "",
    ),
    "Arbetsförmedlingen": ("arbetsformedlingen", "Arbetsförmedlingen", ""),
    "Statens skolverk (Skolverket)": ("skolverket", "Skolverket", "Statens skolverk"),
    "Rådet för Europeiska socialfonden i Sverige (Svenska ESF-rådet)": (
        "svenska-esf-radet",
        "Svenska ESF-rådet",
        "Rådet för Europeiska socialfonden i Sverige",
    ),
}


def authority_node(row: dict[str, str]) -> tuple[I, str, str, str]:
    """(IRI, class, used name, registered name) of an authorities.csv row."""
    if row["lanskod"]:
        return (
            I(f"kfid:lansstyrelsen-lan-{row['lanskod']}"),
            "kf:CountyAdministrativeBoard",
            row["name_sv"],
            "",
        )
    slug, used, registered = AUTHORITIES[row["name_sv"]]
    cls = "kf:GovernmentCommittee" if row["kind"].startswith("kommitté") else "kf:GovernmentAgency"
    return I(f"kfid:{slug}"), cls, used, registered


def period(start: str, end: str = "") -> B | None:
    if not start and not end:
        return None
    pairs = [("rdf:type", I("dct:PeriodOfTime"))]
    pairs += [("dcat:startDate", date_lit(start))] if start else []
    pairs += [("dcat:endDate", date_lit(end))] if end else []
    return B((I(p), o) for p, o in pairs)


def authority(q: Quads, g: str, row: dict[str, str], register: str, when: B | None = None) -> None:
    """One row as one register states it: type, name, orgnr (if this register has it), period."""
    node, cls, used, registered = authority_node(row)
    has_orgnr = register in row["orgnr_agreeing_sources"].split(", ")
    q.addmany(
        g,
        node,
        ("rdf:type", I(cls)),
        ("kf:orgnr", Lit(row["orgnr"]) if has_orgnr else None),
        ("kf:operatesIn", county(row["lanskod"]) if row["lanskod"] else None),
        ("dct:temporal", when),
    )
    if register == "Wikidata":
        q.add(g, node, "skos:exactMatch", wd(row["wikidata_qid"]))
        if not registered or used == "Skolverket":  # Wikidata's label is the used name
            q.addmany(g, node, ("rdfs:label", sv(used)), ("skos:prefLabel", sv(used)))
    elif registered:
        q.add(g, node, "skos:altLabel", sv(registered))
    else:
        q.addmany(g, node, ("rdfs:label", sv(used)), ("skos:prefLabel", sv(used)))


def in_register(rows, register: str):
    if register == "Wikidata":
        return [r for r in rows if r["wikidata_qid"]]
    return [r for r in rows if register in r["orgnr_agreeing_sources"].split(", ")]


def _spec(slug, label_sv, label_en, locator, *sources, note_en="", note_sv=""):
    return FactGraphSpec(slug, label_sv, label_en, locator, tuple(sources), note_en, note_sv)


def county_graphs(t):
    regions = t["regions"]

    def scb_lan(q, g):
        for r in regions:
            named(
                q,
                g,
                county(r["lanskod"]),
                "kf:County",
                r["lan_name"],
                ("kf:lanskod", Lit(r["lanskod"])),
                ("skos:altLabel", sv(r["lan_short_name"])),
            )

    def statscraper_lan(q, g):
        for r in regions:
            q.addmany(
                g,
                county(r["lanskod"]),
                ("rdf:type", I("kf:County")),
                ("kf:lanskod", Lit(r["lanskod"])),
                ("rdfs:label", sv(r["lan_name"])),
                ("skos:exactMatch", wd(r["lan_wikidata_qid"])),
            )

    def iso(q, g):
        for r in regions:
            q.addmany(
                g,
                county(r["lanskod"]),
                ("rdf:type", I("kf:County")),
                ("kf:iso31662", Lit(r["iso_3166_2"])),
                ("rdfs:label", sv(r["lan_name"])),
            )

    def protomaps(q, g):
        for r in regions:
            q.addmany(
                g,
                county(r["lanskod"]),
                ("kf:iso31662", Lit(r["iso_3166_2"])),
                ("skos:exactMatch", wd(r["lan_wikidata_qid"])),
            )

    def nuts(q, g):
        for r in regions:
            q.addmany(
                g,
                county(r["lanskod"]),
                ("rdf:type", I("kf:County")),
                ("kf:nuts3", Lit(r["nuts3_code"])),
            )

    def english(q, g):
        for r in regions:
            label = en(f"{r['lan_short_name']} County")
            q.addmany(g, county(r["lanskod"]), ("rdfs:label", label), ("skos:prefLabel", label))

    nuts_note = (
        "NUTS 3 codes valid since 2008; before 31 December 2007 the Swedish codes had "
        "another form (SE010, SE021 …)."
    )
    return [
        (
            _spec(
                "ref-scb-lan",
                "Län: koder och namn (SCB:s indelning, via sjbrg/swedish-geodata)",
                "Counties: codes and names (SCB classification, via sjbrg/swedish-geodata)",
                "data/counties.csv, columns county_code, county_name, county_name_short (21 rows)",
                "sjbrg-swedish-geodata-counties",
                note_en="The repository states that its files come from SCB's codes.",
            ),
            scb_lan,
        ),
        (
            _spec(
                "ref-statscraper-lan",
                "Län: koder, namn och Wikidata-id (statscraper-datatypes)",
                "Counties: codes, names and Wikidata ids (statscraper-datatypes)",
                "values/regions/sweden/counties.csv, code, label and dialect:wikidata columns",
                "statscraper-datatypes-counties",
                note_en="Wikidata source A for the counties; agrees with source B on all 21.",
            ),
            statscraper_lan,
        ),
        (
            _spec(
                "ref-iso3166-lan",
                "Län: ISO 3166-2-koder",
                "Counties: ISO 3166-2 codes",
                "SE.py, entries of the form 'SE-AB Stockholms län [SE-01]'",
                "simpleiso3166-se",
                note_en="Maps each ISO 3166-2 code to the länskod; used to key source B.",
            ),
            iso,
        ),
        (
            _spec(
                "ref-protomaps-lan",
                "Län: Wikidata-id efter ISO 3166-2-kod (protomaps)",
                "Counties: Wikidata ids by ISO 3166-2 code (protomaps)",
                "RegionInfos.java, the data block of Swedish subdivisions",
                "protomaps-basemaps-regioninfos",
                note_en="Wikidata source B for the counties; agrees with source A on all 21.",
            ),
            protomaps,
        ),
        (
            _spec(
                "ref-nuts-lan-regional-tracker",
                "Län: NUTS 3-koder (COVID19-European-Regional-Tracker)",
                "Counties: NUTS 3 codes (COVID19-European-Regional-Tracker)",
                "02_dofiles/SWEDEN_setup_v2.do, NUTS codes keyed by region name",
                "covid19-regional-tracker-sweden-setup",
                note_en=nuts_note,
            ),
            nuts,
        ),
        (
            _spec(
                "ref-nuts-lan-wikipedia",
                "Län: NUTS 3-koder (Wikipedia)",
                "Counties: NUTS 3 codes (Wikipedia)",
                "Table of NUTS 3 regions (level 3 rows for the 21 counties)",
                "wikipedia-nuts-statistical-regions-of-sweden",
                note_en=nuts_note,
            ),
            nuts,
        ),
        (
            _spec(
                "ref-lan-english-labels",
                "Län: engelska namn (projektets översättning)",
                "Counties: English names (the project's rendering)",
                "regions.csv, column lan_short_name, rendered as '<short name> County'",
                "kompetensgrafen-reference-tables",
                note_en="English labels formed by the project from the short Swedish name; not "
                "taken from a source.",
            ),
            english,
        ),
    ]


REGION_ORGNR_SOURCES = {
    "01": ("stockholm", "slso-om-oss", "Organisation number given on the page"),
    "04": ("sormland", "regionsormland-fakturering", "Peppol participant id 0007:2321000032"),
    "14": (
        "vastra-gotalandsregionen",
        "vgregion-leverantorsfakturor",
        "Sentence giving Västra Götalandsregionen's organisation number",
    ),
    "19": ("vastmanland", "regionvastmanland-fakturering", "Peppol participant id 0007:2321000172"),
    "20": ("dalarna", "regiondalarna-fakturering", "Organisation number given for invoices"),
}


def region_graphs(t):
    regions = {r["lanskod"]: r for r in t["regions"]}
    out = []

    def names(q, g):
        for code, r in regions.items():
            named(
                q,
                g,
                region(code),
                "kf:Region",
                r["regional_authority_name"],
                ("kf:regionalAuthorityOf", county(code)),
            )

    def kalmar_variant(q, g):
        q.add(g, region("08"), "skos:altLabel", sv("Region Kalmar"))

    def kalmar(q, g):
        named(
            q,
            g,
            region("08"),
            "kf:Region",
            "Region Kalmar län",
            ("kf:regionalAuthorityOf", county("08")),
        )

    def vgr_qid(q, g):
        q.addmany(
            g,
            region("14"),
            ("rdf:type", I("kf:Region")),
            ("rdfs:label", sv("Västra Götalandsregionen")),
            ("skos:exactMatch", wd("Q3233447")),
        )

    out.append(
        (
            _spec(
                "ref-region-names",
                "Regioner: namn och län (HackersOfSweden)",
                "Regions: names and counties (HackersOfSweden)",
                "DB/regions.json, one entry per region",
                "hackersofsweden-regions",
                note_en="Gotland's entry carries the suffix '(region)', dropped here. Region "
                "Gotland is the municipality 0980 with regional responsibilities.",
            ),
            names,
        )
    )
    out.append(
        (
            _spec(
                "ref-region-names-supporting-lists",
                "Regioner: namnvariant i stödjande listor",
                "Regions: name variant in supporting lists",
                "One of the two lists names the Kalmar authority 'Region Kalmar'",
                "unidentified-region-lists",
                note_en="Supporting evidence only; the repositories could not be identified.",
            ),
            kalmar_variant,
        )
    )
    out.append(
        (
            _spec(
                "ref-regionkalmar-2019",
                "Region Kalmar län: namnet (pressmeddelande 2019)",
                "Region Kalmar län: the name (press release 2019)",
                "Press release of 2019-01-01",
                "regionkalmar-pressmeddelande-2019-01-01",
            ),
            kalmar,
        )
    )
    out.append(
        (
            _spec(
                "ref-digg-forum-regions",
                "Västra Götalandsregionen: Wikidata-id (DIGG-forum)",
                "Västra Götalandsregionen: Wikidata id (DIGG forum)",
                "Table row 'Västra Götalandsregionen | Region | Q3233447' in the archived post",
                "digg-skuggbacklog-topic-1024",
            ),
            vgr_qid,
        )
    )
    for code, (slug, source, locator) in REGION_ORGNR_SOURCES.items():
        r = regions[code]

        def fill(q, g, r=r, code=code):
            q.addmany(
                g,
                region(code),
                ("rdf:type", I("kf:Region")),
                ("rdfs:label", sv(r["regional_authority_name"])),
                ("kf:orgnr", Lit(r["regional_authority_orgnr"])),
            )

        name = r["regional_authority_name"]
        out.append(
            (
                _spec(
                    f"ref-orgnr-region-{slug}",
                    f"{name}: organisationsnummer",
                    f"{name}: organisation number",
                    locator,
                    source,
                ),
                fill,
            )
        )
    return out


SALEM_STATSCRAPER_QID = "Q1255130"  # statscraper-datatypes (2020); the table keeps the 2025 value
MUNICIPALITY_PAGES = {
    "0139": ("upplands-bro", "upplands-bro-fakturering", "Peppol participant id 0007:2120000100"),
    "1439": ("fargelanda", "fargelanda-se", "Organisation number given on the municipality's site"),
    "1485": ("uddevalla", "uddevalla-fakturering", "Peppol participant id 0007:2120001397"),
    "1490": ("boras", "wikipedia-sv-boras-kommun", "Infobox, organisation number"),
}


def municipality_graphs(t):
    munis = t["municipalities"]

    def code_list(alt_names=False, qids=False):
        def fill(q, g):
            for m in munis:
                node = kommun(m["kommunkod"])
                q.addmany(
                    g,
                    node,
                    ("rdf:type", I("kf:Municipality")),
                    ("kf:kommunkod", Lit(m["kommunkod"])),
                    ("kf:inCounty", county(m["lanskod"])),
                    ("skos:altLabel", sv(m["name"])),
                    ("skos:altLabel", sv(m["alt_name"]) if alt_names and m["alt_name"] else None),
                )
                if qids:
                    qid = SALEM_STATSCRAPER_QID if m["kommunkod"] == "0128" else m["wikidata_qid"]
                    q.add(g, node, "skos:exactMatch", wd(qid))

        return fill

    def wikidata(q, g):
        for m in munis:
            named(
                q,
                g,
                kommun(m["kommunkod"]),
                "kf:Municipality",
                m["name_full"],
                ("skos:exactMatch", wd(m["wikidata_qid"])),
                ("kf:orgnr", Lit(m["orgnr"])),
            )

    def dataportal(q, g):
        for m in munis:
            if "dataportal" in m["orgnr_check"]:
                q.add(g, kommun(m["kommunkod"]), "kf:orgnr", Lit(m["orgnr"]))

    codes = "kommunkod, short name and county of all 290 municipalities"
    out = [
        (
            _spec(
                "ref-scb-kommuner",
                "Kommuner: koder, namn och län (SCB:s indelning, via sjbrg/swedish-geodata)",
                "Municipalities: codes, names and counties (SCB classification, via "
                "sjbrg/swedish-geodata)",
                "data/municipalities.csv, columns municipality_code, municipality_name_short, "
                "county_code (column municipality_name not used)",
                "sjbrg-swedish-geodata-municipalities",
                note_en="The long names of this file have wrong genitive forms in five rows and "
                "are "
                "not used; the four code lists agree on " + codes + ".",
            ),
            code_list(),
        ),
        (
            _spec(
                "ref-kommunkoder-simon-johansson",
                "Kommuner: koder, namn och län (simon-johansson/kommunkoder)",
                "Municipalities: codes, names and counties (simon-johansson/kommunkoder)",
                "data.json, all entries",
                "kommunkoder-simon-johansson",
            ),
            code_list(),
        ),
        (
            _spec(
                "ref-hackersofsweden-kommuner",
                "Kommuner: koder, namn, län och egna namnformer (HackersOfSweden)",
                "Municipalities: codes, names, counties and own name forms (HackersOfSweden)",
                "DB/municipalities.json, all entries",
                "hackersofsweden-municipalities",
                note_en="Source of the name a municipality uses for itself where it differs "
                "(e.g. 'Göteborgs stad').",
            ),
            code_list(alt_names=True),
        ),
        (
            _spec(
                "ref-statscraper-kommuner",
                "Kommuner: koder, namn, län och Wikidata-id (statscraper-datatypes)",
                "Municipalities: codes, names, counties and Wikidata ids (statscraper-datatypes)",
                "values/regions/sweden/municipalities.csv, current municipalities (historical rows "
                "'Bara kommun', 'Heby före 2007', 'Uppsala före 2003' left out), dialect:wikidata "
                "column",
                "statscraper-datatypes-municipalities",
                note_en="Second source of the municipality QIDs; agrees with the 2025 Wikidata "
                "query "
                "on 289 of 290 (not on 0128 Salem).",
            ),
            code_list(qids=True),
        ),
        (
            _spec(
                "ref-wikidata-kommuner",
                "Kommuner: Wikidata-id, namn och organisationsnummer (Wikidata-fråga 2025)",
                "Municipalities: Wikidata ids, names and organisation numbers (Wikidata query "
                "2025)",
                "Notebook/wikidata_kommuner.csv, 290 rows (item, label, P6460); joined to "
                "kommunkod on QID",
                "digg-skuggbacklog-wikidata-kommuner",
            ),
            wikidata,
        ),
        (
            _spec(
                "ref-dataportal-kommuner",
                "Kommuner: organisationsnummer (dataportal.se)",
                "Municipalities: organisation numbers (dataportal.se)",
                "Notebook/dataportal_kommuner.csv, organisation URIs SE<orgnr> (57 municipalities)",
                "digg-skuggbacklog-dataportal-kommuner",
                note_en="All 57 agree with Wikidata P6460.",
            ),
            dataportal,
        ),
    ]
    rows = {m["kommunkod"]: m for m in munis}
    for code, (slug, source, locator) in MUNICIPALITY_PAGES.items():
        m = rows[code]

        def fill(q, g, m=m):
            q.addmany(
                g,
                kommun(m["kommunkod"]),
                ("rdf:type", I("kf:Municipality")),
                ("rdfs:label", sv(m["name_full"])),
                ("kf:orgnr", Lit(m["orgnr"])),
            )

        out.append(
            (
                _spec(
                    f"ref-orgnr-kommun-{slug}",
                    f"{m['name_full']}: organisationsnummer",
                    f"{m['name_full']}: organisation number",
                    locator,
                    source,
                ),
                fill,
            )
        )
    return out


def forbund_graphs(t):
    rows = t["forbund"]

    def members(key, verified=None):
        chosen = [r for r in rows if r["forbund_key"] == key and r["membership_type"] == "member"]
        if verified is not None:
            chosen = [r for r in chosen if r["verification"].startswith("explicit") == verified]
        return chosen

    def gr(q, g):
        federation(q, g, "GR")
        for r in members("GR"):
            membership(q, g, r)

    def fyrbodal_self(q, g):
        federation(
            q,
            g,
            "FYRBODAL",
            ("dct:temporal", period("2005")),
            (
                "dct:description",
                sv(
                    "Förbundet beskriver sig som en sammanslutning av fjorton kommuner, bildad "
                    "2005."
                ),
            ),
            (
                "dct:description",
                en(
                    "The federation describes itself as an association of fourteen "
                    "municipalities, founded in 2005."
                ),
            ),
        )

    def fyrbodal_listed(q, g):
        federation(q, g, "FYRBODAL")
        for r in members("FYRBODAL", verified=True):
            membership(q, g, r)

    def fyrbodal_inferred(q, g):
        (r,) = members("FYRBODAL", verified=False)
        node = membership(q, g, r)
        for p in ("skos:note", "dct:description"):
            q.add(
                g,
                node,
                p,
                sv(
                    "Härlett medlemskap: Färgelanda står inte i den enda uttryckliga medlemslista "
                    "som "
                    "hittats, men förbundet uppger fjorton medlemmar och Färgelanda är den enda "
                    "kommunen "
                    "i Västra Götaland som inte tillhör något av de tre andra förbunden."
                ),
            )
            q.add(
                g,
                node,
                p,
                en(
                    "Inferred membership: Färgelanda is missing from the one explicit member list "
                    "found, but the federation states fourteen members and Färgelanda is the only "
                    "Västra Götaland municipality outside the other three federations."
                ),
            )

    def boras(q, g):
        federation(q, g, "BORAS")
        for r in members("BORAS"):
            membership(q, g, r)
        (r,) = [
            r
            for r in rows
            if r["forbund_key"] == "BORAS" and r["membership_type"].startswith("adjunct")
        ]
        node = membership(q, g, r, adjunct=True)
        q.add(
            g,
            node,
            "dct:description",
            sv(
                "Varbergs kommun är adjungerad genom en särskild överenskommelse och är inte "
                "medlem."
            ),
        )
        q.add(
            g,
            node,
            "dct:description",
            en("Varberg takes part as an adjunct by special agreement; it is not a member."),
        )

    def skaraborg(q, g):
        federation(q, g, "SKARABORG", ("kf:orgnr", Lit(members("SKARABORG")[0]["forbund_orgnr"])))
        for r in members("SKARABORG"):
            membership(q, g, r)

    return [
        (
            _spec(
                "ref-gr-forbundsordning",
                "Göteborgsregionens kommunalförbund: medlemmar (förbundsordningen §2)",
                "Göteborgsregionens kommunalförbund: members (articles of association §2)",
                "Förbundsordning §2 (valid from 2023-01-01): the thirteen member municipalities",
                "goteborgsregionen-forbundsordning",
                note_en="Kungsbacka (1384), a member, lies in Hallands län.",
            ),
            gr,
        ),
        (
            _spec(
                "ref-fyrbodal-om-kommunalforbundet",
                "Fyrbodals kommunalförbund: om förbundet",
                "Fyrbodals kommunalförbund: about the federation",
                "Page 'Om kommunalförbundet': number of member municipalities, founding year",
                "fyrbodal-om-kommunalforbundet",
            ),
            fyrbodal_self,
        ),
        (
            _spec(
                "ref-fyrbodal-mellerud",
                "Fyrbodals kommunalförbund: medlemmar enligt Melleruds kommun",
                "Fyrbodals kommunalförbund: members as listed by Mellerud municipality",
                "Page listing thirteen member municipalities (Färgelanda not among them)",
                "mellerud-fyrbodal",
            ),
            fyrbodal_listed,
        ),
        (
            _spec(
                "ref-fyrbodal-fargelanda-inferred",
                "Fyrbodals kommunalförbund: Färgelandas härledda medlemskap",
                "Fyrbodals kommunalförbund: Färgelanda's inferred membership",
                "Inference from: member count 14 (fyrbodal.se), 13 listed names (mellerud.se), a "
                "direktion of 17 seats with 2 each for Trollhättan, Uddevalla and Vänersborg "
                "(older fyrbodal.se page), and the cross-check of all 49 Västra Götaland "
                "municipalities",
                "fyrbodal-om-kommunalforbundet",
                "mellerud-fyrbodal",
                "fyrbodal-politik",
                "kompetensgrafen-reference-tables",
                note_en="Not read in an explicit member list: an inference, kept in its own graph.",
                note_sv="Inte läst i en uttrycklig medlemslista: en slutsats, i en egen graf.",
            ),
            fyrbodal_inferred,
        ),
        (
            _spec(
                "ref-borasregionen-politik-och-styrning",
                "Boråsregionen Sjuhärads kommunalförbund: medlemmar och adjungerad kommun",
                "Boråsregionen Sjuhärads kommunalförbund: members and adjunct municipality",
                "Page 'Politik och styrning': the eight municipalities and Varberg as adjunct",
                "borasregionen-politik-och-styrning",
                note_en="In 2012 ibabboras.se named Varberg and Falkenberg as adjuncts; the "
                "current "
                "page names Varberg only.",
            ),
            boras,
        ),
        (
            _spec(
                "ref-skaraborg-om-oss",
                "Skaraborgs kommunalförbund: medlemmar och organisationsnummer",
                "Skaraborgs kommunalförbund: members and organisation number",
                "Page 'Om oss': list of the fifteen member municipalities, organisation number",
                "skaraborg-om-oss",
            ),
            skaraborg,
        ),
    ]


def _row(rows, name):
    return next(r for r in rows if r["name_sv"] == name)


MYH = "Myndigheten för yrkeshögskolan"
VD_OLD = "Valideringsdelegationen (2004–2007)"
VD_NEW = "Valideringsdelegationen 2015–2019"
ESF = "Rådet för Europeiska socialfonden i Sverige (Svenska ESF-rådet)"


def authority_graphs(t):
    rows = t["authorities"]

    def wikidata(q, g):
        for r in in_register(rows, "Wikidata"):
            authority(q, g, r, "Wikidata", period(r["start_wikidata"], r["end_wikidata"]))

    def esv(q, g):
        for r in in_register(rows, "ESV"):
            authority(q, g, r, "ESV", period(r["start_esv"], r["end_esv"]))

    def scb(q, g):
        for r in in_register(rows, "SCB"):
            authority(q, g, r, "SCB", period("2009") if r["name_sv"] == MYH else None)

    def statskontoret(q, g):
        for r in in_register(rows, "Statskontoret"):
            authority(q, g, r, "Statskontoret", period("2010") if r["name_sv"] == MYH else None)
        q.add(g, I("kfid:myndigheten-for-yrkeshogskolan"), "skos:altLabel", sv("MYH"))

    def tillvaxtverket(q, g):
        r = _row(rows, "Tillväxtverket")
        authority(q, g, r, "Wikipedia", period("2009-04-01"))
        q.addmany(
            g,
            I("kfid:tillvaxtverket"),
            ("kf:orgnr", Lit(r["orgnr"])),
            ("dct:description", sv("Myndighetens instruktion är förordning (2009:145).")),
            ("dct:description", en("The agency's instruction is ordinance SFS 2009:145.")),
        )

    def esf(q, g):
        node = I("kfid:svenska-esf-radet")
        named(
            q,
            g,
            node,
            "kf:GovernmentAgency",
            "Svenska ESF-rådet",
            ("skos:altLabel", sv("Rådet för Europeiska socialfonden i Sverige")),
            ("dct:temporal", period("2000")),
            (
                "dct:description",
                sv("Myndigheten har funnits sedan 2000 och har sitt huvudkontor i Gävle."),
            ),
            (
                "dct:description",
                en("The agency has existed since 2000; its head office is in Gävle."),
            ),
        )

    def vd_new(q, g):
        named(
            q,
            g,
            I("kfid:valideringsdelegationen-2015-2019"),
            "kf:GovernmentCommittee",
            VD_NEW,
            ("dct:temporal", period("2015-11-19")),
            (
                "dct:description",
                sv(
                    "Statlig kommitté som regeringen beslutade att tillsätta 2015-11-19 (dir. "
                    "2015:120, "
                    "tilläggsdirektiv dir. 2018:101). Delbetänkanden SOU 2017:18 och SOU 2018:29; "
                    "slutbetänkandet SOU 2019:69 lämnades 2020-01-13. Startdatumet är dagen för "
                    "regeringens beslut."
                ),
            ),
            (
                "dct:description",
                en(
                    "Government committee appointed by a government decision of 2015-11-19 (terms "
                    "of "
                    "reference 2015:120, supplementary 2018:101); interim reports SOU 2017:18 and "
                    "SOU 2018:29; final report SOU 2019:69 handed over on 2020-01-13. The start "
                    "date "
                    "is the date of the government decision."
                ),
            ),
        )

    def vd_site(q, g):
        named(
            q,
            g,
            I("kfid:valideringsdelegationen-2015-2019"),
            "kf:GovernmentCommittee",
            VD_NEW,
            ("dct:description", sv("Slutbetänkandet lämnades över 2020-01-13.")),
            ("dct:description", en("The final report was handed over on 2020-01-13.")),
        )
        named(
            q,
            g,
            I("kfid:valideringsdelegationen-2004-2007"),
            "kf:GovernmentAgency",
            VD_OLD,
            ("dct:temporal", period("2004", "2007")),
        )

    register = "Registered names appear as skos:altLabel where they differ from the name in use."
    return [
        (
            _spec(
                "ref-myndighetsdata-wikidata",
                "Myndigheter: Wikidata-id, organisationsnummer och datum (Wikidata)",
                "Authorities: Wikidata ids, organisation numbers and dates (Wikidata)",
                "data/wd.json: item, P6460, P571, P576 for each authority",
                "myndighetsdata-wikidata",
                note_en="Dates as Wikidata states them (inception and dissolution).",
            ),
            wikidata,
        ),
        (
            _spec(
                "ref-myndighetsdata-esv",
                "Myndigheter: organisationsnummer och år (ESV:s myndighetsregister)",
                "Authorities: organisation numbers and years (ESV register)",
                "data/esv.json: organisation number, start and end year",
                "myndighetsdata-esv",
                note_en=register,
            ),
            esv,
        ),
        (
            _spec(
                "ref-myndighetsdata-scb",
                "Myndigheter: organisationsnummer (SCB:s myndighetsregister)",
                "Authorities: organisation numbers (SCB register)",
                "data/scb.json: organisation number (and start year of MYH)",
                "myndighetsdata-scb",
                note_en=register,
            ),
            scb,
        ),
        (
            _spec(
                "ref-myndighetsdata-statskontoret",
                "Myndigheter: organisationsnummer (Statskontoret)",
                "Authorities: organisation numbers (Statskontoret)",
                "data/stkt.json: organisation number, short name and start year of MYH",
                "myndighetsdata-statskontoret",
                note_en=register,
            ),
            statskontoret,
        ),
        (
            _spec(
                "ref-wikipedia-tillvaxtverket",
                "Tillväxtverket: faktaruta (Wikipedia)",
                "Tillväxtverket: infobox (Wikipedia)",
                "Infobox: organisation number, start date, instruction",
                "wikipedia-sv-tillvaxtverket",
            ),
            tillvaxtverket,
        ),
        (
            _spec(
                "ref-esf-om-esf-radet",
                "Svenska ESF-rådet: namn och start (esf.se)",
                "Swedish ESF Council: names and start (esf.se)",
                "Pages 'Vilka är ESF-rådet' and 'About the Swedish ESF Council'",
                "esf-om-esf-radet",
            ),
            esf,
        ),
        (
            _spec(
                "ref-valideringsdelegationen-2015-2019",
                "Valideringsdelegationen 2015–2019: uppdrag och betänkanden",
                "Valideringsdelegationen 2015–2019: mandate and reports",
                "SOU 2019:69, introduction on the committee's mandate (directives, reports, "
                "chairs)",
                "lagen-nu-sou-2019-69",
                "riksdagen-h7b369",
            ),
            vd_new,
        ),
        (
            _spec(
                "ref-valideringsdelegation-se-uppdrag",
                "Valideringsdelegationen: uppdrag (valideringsdelegation.se)",
                "Valideringsdelegationen: mandate (valideringsdelegation.se)",
                "Page 'Uppdrag': hand-over of the final report; the earlier delegation 2004–2007",
                "valideringsdelegation-se-uppdrag",
            ),
            vd_site,
        ),
    ]


def legislation_graphs(t):
    laws = {r["sfs_number"]: r for r in t["legislation"]}

    def act(q, g, number, cls, label, title, *more):
        node = I(f"kfid:sfs-{number.replace(':', '-')}")
        named(
            q,
            g,
            node,
            cls,
            label,
            ("kf:sfsNumber", Lit(number)),
            ("eli:id_local", Lit(number)),
            ("eli:title", sv(title)),
            *more,
        )
        return node

    def prep(works):
        sv_text = "Förarbeten: " + works.replace("Prop.", "prop.") + "."
        en_text = (
            "Preparatory works: "
            + works.replace("Prop.", "Government bill")
            .replace("bet.", "committee report")
            .replace("rskr.", "Riksdag communication")
            + "."
        )
        return ("dct:description", sv(sv_text)), ("dct:description", en(en_text))

    current = "Lag (2010:630) om regionalt utvecklingsansvar"

    def sfs_2010_630(q, g):
        r = laws["2010:630"]
        act(
            q,
            g,
            "2010:630",
            "kf:Act",
            current,
            "Lag om regionalt utvecklingsansvar",
            ("eli:title_alternative", sv(r["title_original"])),
            ("eli:date_document", date_lit(r["issued"])),
            ("eli:date_publication", date_lit(r["published"])),
            *prep(r["preparatory_works"]),
            (
                "skos:note",
                sv(
                    "Ursprungligen gällde lagen landstingen i Skåne, Halland och Västra Götaland "
                    "samt Gotlands kommun."
                ),
            ),
            (
                "skos:note",
                en(
                    "Originally the act covered the county councils of Skåne, Halland and Västra "
                    "Götaland and the municipality of Gotland."
                ),
            ),
        )

    def sfs_2018_1348(q, g):
        r = laws["2018:1348"]
        node = act(
            q,
            g,
            "2018:1348",
            "kf:Amendment",
            "Lag (2018:1348) om ändring i lagen (2010:630) om regionalt utvecklingsansvar i vissa "
            "län",
            "Lag om ändring i lagen (2010:630) om regionalt utvecklingsansvar i vissa län",
            ("eli:date_document", date_lit(r["issued"])),
            *prep(r["preparatory_works"]),
            ("kf:amends", I("kfid:sfs-2010-630")),
            ("eli:changes", I("kfid:sfs-2010-630")),
            (
                "skos:note",
                sv("Gav lagen (2010:630) dess nuvarande rubrik och lät den omfatta alla län."),
            ),
            (
                "skos:note",
                en("Gave act 2010:630 its current title and extended it to all counties."),
            ),
        )
        q.addmany(
            g,
            I("kfid:sfs-2010-630"),
            ("eli:title", sv("Lag om regionalt utvecklingsansvar")),
            ("rdfs:label", sv(current)),
        )
        return node

    def prop_2015_16_176(q, g):
        q.addmany(
            g,
            I("kfid:sfs-2010-630"),
            ("rdf:type", I("kf:Act")),
            ("kf:sfsNumber", Lit("2010:630")),
            (
                "skos:note",
                sv(
                    "Prop. 2015/16:176 föreslog att lagen från 2017-01-01 också skulle gälla "
                    "Uppsala, Västmanlands, Västernorrlands och Norrbottens län."
                ),
            ),
            (
                "skos:note",
                en(
                    "Government bill 2015/16:176 proposed extending the act to the counties of "
                    "Uppsala, Västmanland, Västernorrland and Norrbotten from 2017-01-01."
                ),
            ),
        )

    def sfs_2017_583(q, g):
        act(
            q,
            g,
            "2017:583",
            "kf:Ordinance",
            laws["2017:583"]["title_current"],
            "Förordning om regionalt tillväxtarbete",
        )

    def sfs_2003_1096(q, g):
        r = laws["2003:1096"]
        node = act(
            q,
            g,
            "2003:1096",
            "kf:Ordinance",
            r["title_current"],
            "Förordning med instruktion för Valideringsdelegationen",
            ("eli:date_document", date_lit(r["issued"])),
            ("skos:note", sv("Ändrad senast genom SFS 2006:1365 i den lästa kopian.")),
            ("skos:note", en("Amended up to SFS 2006:1365 in the copy read.")),
        )
        q.addmany(
            g,
            I("kfid:valideringsdelegationen-2004-2007"),
            ("rdf:type", I("kf:GovernmentAgency")),
            ("rdfs:label", sv(VD_OLD)),
            ("kf:legalBasis", node),
        )

    return [
        (
            _spec(
                "ref-lagboken-sfs-2010-630",
                "Lag (2010:630): nummer, rubriker, datum och förarbeten",
                "Act 2010:630: number, titles, dates and preparatory works",
                "Head of the act: SFS number, title, utfärdad and utkom från trycket dates, "
                "footnotes",
                "lagboken-sfs-2010-630",
            ),
            sfs_2010_630,
        ),
        (
            _spec(
                "ref-lagboken-sfs-2018-1348",
                "Lag (2018:1348): ändring av lag (2010:630)",
                "Act 2018:1348: amendment of act 2010:630",
                "Head and footnotes of SFS 2018:1348; the bill's proposal on the new title",
                "lagboken-sfs-2018-1348",
                "rkrattsbaser-prop-2017-18-206",
            ),
            sfs_2018_1348,
        ),
        (
            _spec(
                "ref-riksdagen-prop-2015-16-176",
                "Prop. 2015/16:176: utvidgning av lag (2010:630)",
                "Government bill 2015/16:176: extension of act 2010:630",
                "dok_id H303176, the proposal on which counties the act covers",
                "riksdagen-h303176",
            ),
            prop_2015_16_176,
        ),
        (
            _spec(
                "ref-skr-sfs-2017-583",
                "Förordning (2017:583): nummer och rubrik (SKR)",
                "Ordinance 2017:583: number and title (SKR)",
                "List of national acts that govern regional development",
                "skr-lagar-och-forordningar",
            ),
            sfs_2017_583,
        ),
        (
            _spec(
                "ref-klevringsjuridik-sfs-2003-1096",
                "Förordning (2003:1096): instruktion för Valideringsdelegationen",
                "Ordinance 2003:1096: instruction for Valideringsdelegationen",
                "Head of the ordinance: number, title, date; §1 on the delegation's tasks "
                "2004–2007",
                "klevringsjuridik-sfs-2003-1096",
            ),
            sfs_2003_1096,
        ),
    ]


def cross_check_graph(t):
    def fill(q, g):
        note = lambda node, s, e: q.addmany(g, I(node), ("skos:note", sv(s)), ("skos:note", en(e)))  # noqa: E731
        salem = next(m for m in t["municipalities"] if m["kommunkod"] == "0128")
        q.add(g, kommun("0128"), "skos:exactMatch", wd(salem["wikidata_qid"]))
        note(
            "kfid:kommun-0128",
            "Källorna är oeniga om Wikidata-id: Wikidata-frågan 2025 ger Q516080 (med "
            "organisationsnumret), statscraper-datatypes (2020) ger Q1255130. Tabellen använder "
            "Q516080; kontrollera före användning.",
            "The sources disagree on the Wikidata id: the 2025 Wikidata query gives Q516080 (with "
            "the organisation number), statscraper-datatypes (2020) gives Q1255130. The table "
            "uses Q516080; check before relying on it.",
        )
        note(
            "kfid:myndigheten-for-yrkeshogskolan",
            "Startdatum skiljer sig: 2009-07-01 i Wikidata, 2009 hos ESV och SCB, 2010 hos "
            "Statskontoret.",
            "Start dates differ: 2009-07-01 in Wikidata, 2009 in the ESV and SCB registers, 2010 "
            "at Statskontoret.",
        )
        note(
            "kfid:svenska-esf-radet",
            "Startår skiljer sig: esf.se anger 2000, ESV:s register 2001.",
            "Start years differ: esf.se says 2000, the ESV register 2001.",
        )
        note(
            "kfid:valideringsdelegationen-2004-2007",
            "Slut skiljer sig: Wikidata anger 2008-01-01, ESV:s register slutåret 2007.",
            "End differs: Wikidata gives 2008-01-01, the ESV register the end year 2007.",
        )
        note(
            "kfid:region-lan-08",
            "Namnet är 'Region Kalmar län' enligt HackersOfSweden och regionens pressmeddelande "
            "2019; en stödjande lista skriver 'Region Kalmar'.",
            "The name is 'Region Kalmar län' per HackersOfSweden and the region's 2019 press "
            "release; one supporting list has 'Region Kalmar'.",
        )

    return [
        (
            _spec(
                "ref-cross-checks",
                "Referenstabellerna: korskontroller och kända konflikter",
                "Reference tables: cross-checks and known conflicts",
                "SOURCES.md, sections 'Cross-check results' of regions.csv, municipalities.csv "
                "and authorities.csv",
                "kompetensgrafen-reference-tables",
                note_en="The compiler's notes on disagreements between sources; each disputed "
                "value stays in the graph of the source that states it.",
            ),
            fill,
        )
    ]


def build_facts(t) -> list:
    """(fact graph spec, function that fills the graph) for every fact graph of the layer."""
    return (
        county_graphs(t)
        + region_graphs(t)
        + municipality_graphs(t)
        + forbund_graphs(t)
        + authority_graphs(t)
        + legislation_graphs(t)
        + cross_check_graph(t)
    )


# --------------------------------------------------------------------------- output


def describe(q: Quads, spec: FactGraphSpec) -> None:
    """The fact graph and its source documents, in ``kfg:meta``."""
    g = I(f"kfg:{spec.slug}")
    q.addmany(
        "kfg:meta", g,
        ("rdf:type", I("kf:FactGraph")),
        ("rdfs:label", sv(spec.label_sv)), ("rdfs:label", en(spec.label_en)),
        ("kf:locator", Lit(spec.locator)),
        ("prov:generatedAtTime", xsd(GENERATED_AT, "dateTime")),
        ("dct:description", en(spec.note_en) if spec.note_en else None),
        ("dct:description", sv(spec.note_sv) if spec.note_sv else None),
    )  # fmt: skip
    for key in spec.sources:
        source: Source = SOURCES[key]
        q.add("kfg:meta", g, "prov:wasDerivedFrom", I(f"kfsrc:{key}"))
        s = I(f"kfsrc:{key}")
        q.addmany(
            "kfg:meta", s,
            ("rdf:type", I("kf:SourceDocument")),
            ("dct:title", Lit(source.title, source.lang)),
            ("dct:identifier", Lit(source.identifier) if source.identifier else None),
            ("foaf:page", I(f"<{source.page}>") if source.page else None),
            ("dct:description", en(source.note) if source.note else None),
        )  # fmt: skip


def convert(tables_dir: Path) -> dict[str, str]:
    """File name → TriG text for every fact graph built from the tables in ``tables_dir``."""
    tables = load_tables(Path(tables_dir))
    files = {}
    for spec, fill in build_facts(tables):
        q = Quads()
        describe(q, spec)
        fill(q, f"kfg:{spec.slug}")
        if not q.graphs[f"kfg:{spec.slug}"]:
            raise ReferenceError(f"fact graph {spec.slug} came out empty")
        files[f"{spec.slug}.trig"] = q.trig(["kfg:meta", f"kfg:{spec.slug}"])
    return files


def write(files: dict[str, str], out_dir: Path = OUT_DIR) -> list[Path]:
    """Write the files, removing generated ``*.trig`` files that are no longer produced."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("*.trig"):
        if stale.name not in files:
            stale.unlink()
    written = []
    for name in sorted(files):
        path = out_dir / name
        path.write_text(files[name], encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graph.reference", description=__doc__)
    parser.add_argument(
        "tables",
        nargs="?",
        type=Path,
        default=DEFAULT_TABLES,
        help="folder with the reference CSV tables (default: ../shared/reference)",
    )
    parser.add_argument("-o", "--out", type=Path, default=OUT_DIR, help="output folder")
    args = parser.parse_args(argv)
    try:
        written = write(convert(args.tables), args.out)
    except ReferenceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} TriG files to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
