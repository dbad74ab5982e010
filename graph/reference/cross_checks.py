"""The compiler's notes on where the sources disagree, kept in a fact graph of their own."""

from __future__ import annotations

from graph.reference.authorities import ESF, MYH, VD_OLD
from graph.reference.authorities import node as authority
from graph.reference.sources import FactGraph, spec
from graph.reference.terms import both, kommun, region, wd

#: (node, note in Swedish, note in English) for every recorded conflict between sources.
NOTES = [
    (
        kommun("0128"),
        "Källorna är oeniga om Wikidata-id: Wikidata-frågan 2025 ger Q516080 (med "
        "organisationsnumret), statscraper-datatypes (2020) ger Q1255130. Tabellen använder "
        "Q516080; kontrollera före användning.",
        "The sources disagree on the Wikidata id: the 2025 Wikidata query gives Q516080 (with "
        "the organisation number), statscraper-datatypes (2020) gives Q1255130. The table "
        "uses Q516080; check before relying on it.",
    ),
    (
        authority(MYH),
        "Startdatum skiljer sig: 2009-07-01 i Wikidata, 2009 hos ESV och SCB, 2010 hos "
        "Statskontoret.",
        "Start dates differ: 2009-07-01 in Wikidata, 2009 in the ESV and SCB registers, 2010 "
        "at Statskontoret.",
    ),
    (
        authority(ESF),
        "Startår skiljer sig: esf.se anger 2000, ESV:s register 2001.",
        "Start years differ: esf.se says 2000, the ESV register 2001.",
    ),
    (
        authority(VD_OLD),
        "Slut skiljer sig: Wikidata anger 2008-01-01, ESV:s register slutåret 2007.",
        "End differs: Wikidata gives 2008-01-01, the ESV register the end year 2007.",
    ),
    (
        region("08"),
        "Namnet är 'Region Kalmar län' enligt HackersOfSweden och regionens pressmeddelande "
        "2019; en stödjande lista skriver 'Region Kalmar'.",
        "The name is 'Region Kalmar län' per HackersOfSweden and the region's 2019 press "
        "release; one supporting list has 'Region Kalmar'.",
    ),
]


def conflicts(q, g, t) -> None:
    salem = next(m for m in t["municipalities"] if m["kommunkod"] == "0128")
    q.add(g, kommun("0128"), "skos:exactMatch", wd(salem["wikidata_qid"]))
    for node, text_sv, text_en in NOTES:
        q.addmany(g, node, *both("skos:note", text_sv, text_en))


GRAPHS: list[FactGraph] = [
    (
        spec(
            "ref-cross-checks",
            "Referenstabellerna: korskontroller och kända konflikter",
            "Reference tables: cross-checks and known conflicts",
            "SOURCES.md, sections 'Cross-check results' of regions.csv, municipalities.csv "
            "and authorities.csv",
            "kompetensgrafen-reference-tables",
            note_en="The compiler's notes on disagreements between sources; each disputed "
            "value stays in the graph of the source that states it.",
        ),
        conflicts,
    )
]
