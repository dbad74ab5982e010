"""Facts about the 21 regional authorities: names, counties, Wikidata ids, organisation numbers."""

from __future__ import annotations

from graph.reference.pages import SINGLE_EN, SINGLE_SV, single_source
from graph.reference.sources import AUDIT, FactGraph, spec
from graph.reference.terms import Lit, both, county, region, wd

#: The source of a region's orgnr or QID in regions_ids.csv when it is the okfnLocal copy.
OKFN = "okfnLocal"


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


def okfnlocal(q, g, t) -> None:
    """Each region's organisation number and Wikidata item as the 2021 okfnLocal table copies them.

    Only values whose source column in regions_ids.csv names this table; the three QIDs marked
    UNVERIFIED there are left out.
    """
    names = {r["lanskod"]: r["regional_authority_name"] for r in t["regions"]}
    for r in t["region_ids"]:
        orgnr = r["orgnr"] if OKFN in r["orgnr_source"] else ""
        qid = r["region_qid"] if OKFN in r["qid_source"] else ""
        if not orgnr and not qid:
            continue
        node = region(r["lanskod"])
        q.typed(
            g,
            node,
            "kf:Region",
            names[r["lanskod"]],
            ("kf:orgnr", Lit(orgnr) if orgnr else None),
            ("skos:exactMatch", wd(qid)),
        )
        if orgnr and single_source(r):
            what = ("denna kopia (2021) av Wikidatas P6460", "this 2021 copy of Wikidata's P6460")
            q.addmany(g, node, *both("skos:note", SINGLE_SV.format(what[0]),
                                     SINGLE_EN.format(what[1])))  # fmt: skip


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
    (
        spec(
            "ref-okfnlocal-regions",
            "Regioner: organisationsnummer och Wikidata-id (okfnLocal, kopia av Wikidata 2021)",
            "Regions: organisation numbers and Wikidata ids (okfnLocal, copy of Wikidata 2021)",
            "public-se-csv.csv, the rows of the regions (e.g. se/region-skane), columns "
            "'WD Qnumber' and 'WD organisationsnummer (Sverige)'",
            "okfnlocal-public-se-csv",
            note_en="The Wikidata items are those of the regions as organisations, not of the "
            "counties. Items for Region Sörmland, Region Halland and Region Västmanland are not "
            "verified and are left out.",
            note_sv="Wikidata-posterna avser regionerna som organisationer, inte länen. Poster "
            "för Region Sörmland, Region Halland och Region Västmanland är inte verifierade och "
            "har utelämnats.",
            generated=AUDIT,
        ),
        okfnlocal,
    ),
]
