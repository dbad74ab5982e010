"""Facts about the 21 regional authorities: names, counties, Wikidata ids, organisation numbers."""

from __future__ import annotations

from graph.reference.sources import FactGraph, spec
from graph.reference.terms import county, region, sv, wd


def names(q, g, t) -> None:
    for r in t["regions"]:
        code = r["lanskod"]
        q.named(
            g,
            region(code),
            "kf:Region",
            r["regional_authority_name"],
            ("kf:regionalAuthorityOf", county(code)),
        )


def kalmar_variant(q, g, t) -> None:
    q.add(g, region("08"), "skos:altLabel", sv("Region Kalmar"))


def kalmar(q, g, t) -> None:
    q.named(
        g, region("08"), "kf:Region", "Region Kalmar län", ("kf:regionalAuthorityOf", county("08"))
    )


def vgr_qid(q, g, t) -> None:
    q.typed(
        g,
        region("14"),
        "kf:Region",
        "Västra Götalandsregionen",
        ("skos:exactMatch", wd("Q3233447")),
    )


GRAPHS: list[FactGraph] = [
    (
        spec(
            "ref-region-names",
            "Regioner: namn och län (HackersOfSweden)",
            "Regions: names and counties (HackersOfSweden)",
            "DB/regions.json, one entry per region",
            "hackersofsweden-regions",
            note_en="Gotland's entry carries the suffix '(region)', dropped here. Region "
            "Gotland is the municipality 0980 with regional responsibilities.",
        ),
        names,
    ),
    (
        spec(
            "ref-region-names-supporting-lists",
            "Regioner: namnvariant i stödjande listor",
            "Regions: name variant in supporting lists",
            "One of the two lists names the Kalmar authority 'Region Kalmar'",
            "unidentified-region-lists",
            note_en="Supporting evidence only; the repositories could not be identified.",
        ),
        kalmar_variant,
    ),
    (
        spec(
            "ref-regionkalmar-2019",
            "Region Kalmar län: namnet (pressmeddelande 2019)",
            "Region Kalmar län: the name (press release 2019)",
            "Press release of 2019-01-01",
            "regionkalmar-pressmeddelande-2019-01-01",
        ),
        kalmar,
    ),
    (
        spec(
            "ref-digg-forum-regions",
            "Västra Götalandsregionen: Wikidata-id (DIGG-forum)",
            "Västra Götalandsregionen: Wikidata id (DIGG forum)",
            "Table row 'Västra Götalandsregionen | Region | Q3233447' in the archived post",
            "digg-skuggbacklog-topic-1024",
        ),
        vgr_qid,
    ),
]
