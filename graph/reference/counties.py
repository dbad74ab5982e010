"""Facts about the 21 counties (län): codes, names, ISO 3166-2 and NUTS codes, Wikidata ids."""

from __future__ import annotations

from collections.abc import Callable

from graph.reference.sources import FactGraph, spec
from graph.reference.tables import Row
from graph.reference.terms import I, Lit, county, en, sv, wd

#: A statement about a county: its predicate and how its object is read from a regions.csv row.
Fact = tuple[str, Callable[[Row], object]]

TYPE: Fact = ("rdf:type", lambda r: I("kf:County"))
LANSKOD: Fact = ("kf:lanskod", lambda r: Lit(r["lanskod"]))
NAME: Fact = ("rdfs:label", lambda r: sv(r["lan_name"]))
PREF_NAME: Fact = ("skos:prefLabel", lambda r: sv(r["lan_name"]))
SHORT_NAME: Fact = ("skos:altLabel", lambda r: sv(r["lan_short_name"]))
QID: Fact = ("skos:exactMatch", lambda r: wd(r["lan_wikidata_qid"]))
ISO: Fact = ("kf:iso31662", lambda r: Lit(r["iso_3166_2"]))
NUTS: Fact = ("kf:nuts3", lambda r: Lit(r["nuts3_code"]))
#: The same code as a link into Eurostat's NUTS linked data (http://data.europa.eu/nuts/code/…).
NUTS_LINK: Fact = ("skos:exactMatch", lambda r: I(f"<{NUTS_CODE}{r['nuts3_code']}>"))
NUTS_CODE = "http://data.europa.eu/nuts/code/"
EN_NAME: Fact = ("rdfs:label", lambda r: en(f"{r['lan_short_name']} County"))
EN_PREF_NAME: Fact = ("skos:prefLabel", lambda r: en(f"{r['lan_short_name']} County"))


def per_county(*facts: Fact):
    """A fill function stating ``facts`` about each of the 21 counties."""

    def fill(q, g, t) -> None:
        for r in t["regions"]:
            q.addmany(g, county(r["lanskod"]), *((p, value(r)) for p, value in facts))

    return fill


NUTS_NOTE = (
    "NUTS 3 codes valid since 2008; before 31 December 2007 the Swedish codes had "
    "another form (SE010, SE021 …)."
)

GRAPHS: list[FactGraph] = [
    (
        spec(
            "ref-scb-lan",
            "Län: koder och namn (SCB:s indelning, via sjbrg/swedish-geodata)",
            "Counties: codes and names (SCB classification, via sjbrg/swedish-geodata)",
            "data/counties.csv, columns county_code, county_name, county_name_short (21 rows)",
            "sjbrg-swedish-geodata-counties",
            note_en="The repository states that its files come from SCB's codes.",
        ),
        per_county(TYPE, NAME, PREF_NAME, LANSKOD, SHORT_NAME),
    ),
    (
        spec(
            "ref-statscraper-lan",
            "Län: koder, namn och Wikidata-id (statscraper-datatypes)",
            "Counties: codes, names and Wikidata ids (statscraper-datatypes)",
            "values/regions/sweden/counties.csv, code, label and dialect:wikidata columns",
            "statscraper-datatypes-counties",
            note_en="Wikidata source A for the counties; agrees with source B on all 21.",
        ),
        per_county(TYPE, NAME, LANSKOD, QID),
    ),
    (
        spec(
            "ref-iso3166-lan",
            "Län: ISO 3166-2-koder",
            "Counties: ISO 3166-2 codes",
            "SE.py, entries of the form 'SE-AB Stockholms län [SE-01]'",
            "simpleiso3166-se",
            note_en="Maps each ISO 3166-2 code to the länskod; used to key source B.",
        ),
        per_county(TYPE, NAME, ISO),
    ),
    (
        spec(
            "ref-protomaps-lan",
            "Län: Wikidata-id efter ISO 3166-2-kod (protomaps)",
            "Counties: Wikidata ids by ISO 3166-2 code (protomaps)",
            "RegionInfos.java, the data block of Swedish subdivisions",
            "protomaps-basemaps-regioninfos",
            note_en="Wikidata source B for the counties; agrees with source A on all 21.",
        ),
        per_county(ISO, QID),
    ),
    (
        spec(
            "ref-nuts-lan-regional-tracker",
            "Län: NUTS 3-koder (COVID19-European-Regional-Tracker)",
            "Counties: NUTS 3 codes (COVID19-European-Regional-Tracker)",
            "02_dofiles/SWEDEN_setup_v2.do, NUTS codes keyed by region name",
            "covid19-regional-tracker-sweden-setup",
            note_en=NUTS_NOTE,
        ),
        per_county(TYPE, NUTS, NUTS_LINK),
    ),
    (
        spec(
            "ref-nuts-lan-wikipedia",
            "Län: NUTS 3-koder (Wikipedia)",
            "Counties: NUTS 3 codes (Wikipedia)",
            "Table of NUTS 3 regions (level 3 rows for the 21 counties)",
            "wikipedia-nuts-statistical-regions-of-sweden",
            note_en=NUTS_NOTE,
        ),
        per_county(TYPE, NUTS, NUTS_LINK),
    ),
    (
        spec(
            "ref-lan-english-labels",
            "Län: engelska namn (projektets översättning)",
            "Counties: English names (the project's rendering)",
            "regions.csv, column lan_short_name, rendered as '<short name> County'",
            "kompetensgrafen-reference-tables",
            note_en="English labels formed by the project from the short Swedish name; not "
            "taken from a source.",
        ),
        per_county(EN_NAME, EN_PREF_NAME),
    ),
]
