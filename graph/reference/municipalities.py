"""Facts about the 290 municipalities: codes, names, counties, Wikidata ids, orgnr."""

from __future__ import annotations

from graph.reference.sources import FactGraph, spec
from graph.reference.terms import I, Lit, county, kommun, sv, wd

SALEM_STATSCRAPER_QID = "Q1255130"  # statscraper-datatypes (2020); the table keeps the 2025 value


def code_list(alt_names: bool = False, qids: bool = False, counties: bool = True):
    """A fill function for a list of municipality codes with the columns a source has."""

    def fill(q, g, t) -> None:
        for m in t["municipalities"]:
            node = kommun(m["kommunkod"])
            q.addmany(
                g,
                node,
                ("rdf:type", I("kf:Municipality")),
                ("kf:kommunkod", Lit(m["kommunkod"])),
                ("kf:inCounty", county(m["lanskod"]) if counties else None),
                ("skos:altLabel", sv(m["name"])),
                ("skos:altLabel", sv(m["alt_name"]) if alt_names and m["alt_name"] else None),
            )
            if qids:
                qid = SALEM_STATSCRAPER_QID if m["kommunkod"] == "0128" else m["wikidata_qid"]
                q.add(g, node, "skos:exactMatch", wd(qid))

    return fill


def wikidata(q, g, t) -> None:
    for m in t["municipalities"]:
        q.named(
            g,
            kommun(m["kommunkod"]),
            "kf:Municipality",
            m["name_full"],
            ("skos:exactMatch", wd(m["wikidata_qid"])),
            ("kf:orgnr", Lit(m["orgnr"])),
        )


def dataportal(q, g, t) -> None:
    for m in t["municipalities"]:
        if "dataportal" in m["orgnr_check"]:
            q.add(g, kommun(m["kommunkod"]), "kf:orgnr", Lit(m["orgnr"]))


CODES = "kommunkod, short name and county of all 290 municipalities"

GRAPHS: list[FactGraph] = [
    (
        spec(
            "ref-scb-kommuner",
            "Kommuner: koder, namn och län (SCB:s indelning, via sjbrg/swedish-geodata)",
            "Municipalities: codes, names and counties (SCB classification, via "
            "sjbrg/swedish-geodata)",
            "data/municipalities.csv, columns municipality_code, municipality_name_short, "
            "county_code (column municipality_name not used)",
            "sjbrg-swedish-geodata-municipalities",
            note_en="The long names of this file have wrong genitive forms in five rows and are "
            "not used; the four code lists agree on " + CODES + ".",
        ),
        code_list(),
    ),
    (
        spec(
            "ref-kommunkoder-simon-johansson",
            "Kommuner: koder, namn och län (simon-johansson/kommunkoder)",
            "Municipalities: codes, names and counties (simon-johansson/kommunkoder)",
            "data.json: code, municipality and county of each of the 290 entries",
            "kommunkoder-simon-johansson",
        ),
        code_list(),
    ),
    (
        spec(
            "ref-hackersofsweden-kommuner",
            "Kommuner: koder, namn, län och egna namnformer (HackersOfSweden)",
            "Municipalities: codes, names, counties and own name forms (HackersOfSweden)",
            "DB/municipalities.json: Kommunkod (kept without leading zero, read as 4 digits), "
            "Kommun namn, KommunSV (own name form), Lanskod",
            "hackersofsweden-municipalities",
            note_en="Source of the name a municipality uses for itself where it differs "
            "(e.g. 'Göteborgs stad').",
        ),
        code_list(alt_names=True),
    ),
    (
        spec(
            "ref-statscraper-kommuner",
            "Kommuner: koder, namn och Wikidata-id (statscraper-datatypes)",
            "Municipalities: codes, names and Wikidata ids (statscraper-datatypes)",
            "values/regions/sweden/municipalities.csv: columns dialect:scb (code), "
            "dialect:short and dialect:wikidata of the current municipalities (historical "
            "rows 'Bara kommun', 'Heby före 2007', 'Uppsala före 2003' left out)",
            "statscraper-datatypes-municipalities",
            note_en="Second source of the municipality QIDs; agrees with the 2025 Wikidata "
            "query on 289 of 290 (not on 0128 Salem). The file has no county column.",
        ),
        code_list(qids=True, counties=False),
    ),
    (
        spec(
            "ref-wikidata-kommuner",
            "Kommuner: Wikidata-id, namn och organisationsnummer (Wikidata-fråga 2025)",
            "Municipalities: Wikidata ids, names and organisation numbers (Wikidata query 2025)",
            "Notebook/wikidata_kommuner.csv, 290 rows (item, label, P6460); joined to "
            "kommunkod on QID",
            "digg-skuggbacklog-wikidata-kommuner",
        ),
        wikidata,
    ),
    (
        spec(
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
