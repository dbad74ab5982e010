"""Facts from single web pages that give one region's or municipality's organisation number."""

from __future__ import annotations

from graph.reference.sources import AUDIT, FIRST_SESSION, FactGraph, spec
from graph.reference.tables import Row, Tables
from graph.reference.terms import I, Lit, both, kommun, region

#: (kind, code, graph slug, source, locator[, day written]) of every page giving an organisation
#: number; the day is FIRST_SESSION unless given (AUDIT: the pages regions_ids.csv added).
PAGES = [
    ("region", "01", "stockholm", "slso-om-oss", "Organisation number given on the page"),
    (
        "region",
        "01",
        "stockholm-locum",
        "locum-fakturaadresser",
        "Invoice block for Landstingsfastigheter: org nr",
        AUDIT,
    ),
    (
        "region",
        "04",
        "sormland",
        "regionsormland-fakturering",
        "Peppol participant id 0007:2321000032",
    ),
    (
        "region",
        "04",
        "sormland-edionet",
        "edionet-du-fakturering",
        "Contact block for Region Sörmland: Organisationsnummer",
        AUDIT,
    ),
    (
        "region",
        "05",
        "ostergotland",
        "regionostergotland-ekonomi",
        "Page footer, contact block: Organisationsnummer",
        AUDIT,
    ),
    (
        "region",
        "07",
        "kronoberg",
        "regionkronoberg-fakturering-och-e-handel",
        "Section 'Korta ekonomifakta': Organisationsnummer",
        AUDIT,
    ),
    (
        "region",
        "12",
        "skane",
        "skane-faktura",
        "Section on e-invoice identity: Svefaktura identity SE232100025501 (VAT-number form)",
        AUDIT,
    ),
    (
        "region",
        "13",
        "halland",
        "regionhalland-leverantorsfakturor",
        "Section on e-invoices via Peppol: electronic address 0007:2321000115",
        AUDIT,
    ),
    (
        "region",
        "14",
        "vastra-gotalandsregionen",
        "vgregion-leverantorsfakturor",
        "Sentence giving Västra Götalandsregionen's organisation number",
    ),
    (
        "region",
        "17",
        "varmland",
        "regionvarmland-fakturering",
        "Section for suppliers: Organisationsnummer",
        AUDIT,
    ),
    (
        "region",
        "19",
        "vastmanland",
        "edionet-du-fakturering",
        "Contact block for Region Västmanland: Organisationsnummer, Peppol id 0007:2321000172",
    ),
    ("region", "20", "dalarna", "regiondalarna-fakturering", "Organisation number for invoices"),
    (
        "region",
        "23",
        "jamtland-harjedalen",
        "regionjh-faktureringsuppgifter",
        "Faktureringsuppgifter för leverantörer: Org nummer",
        AUDIT,
    ),
    ("kommun", "0139", "upplands-bro", "upplands-bro-fakturering", "Peppol id 0007:2120000100"),
    (
        "kommun",
        "1439",
        "fargelanda",
        "fargelanda-se",
        "Organisation number given on the municipality's site",
    ),
    ("kommun", "1485", "uddevalla", "uddevalla-fakturering", "Peppol id 0007:2120001397"),
    ("kommun", "1490", "boras", "wikipedia-sv-boras-kommun", "Infobox, organisation number"),
]

SINGLE_SV = "Organisationsnumret vilar på en enda källa: {}."
SINGLE_EN = "The organisation number rests on a single source: {}."


def single_source(row: Row) -> bool:
    """True if regions_ids.csv gives one source only for the region's organisation number."""
    text = row["orgnr_source"]
    return not any(mark in text for mark in ("(b)", "also", "same value"))


def organisations(t: Tables, kind: str) -> dict[str, tuple[I, str, str, str]]:
    """code → (IRI, class, name, orgnr) of every region (kind "region") or municipality."""
    if kind == "region":
        names = {r["lanskod"]: r["regional_authority_name"] for r in t["regions"]}
        return {
            r["lanskod"]: (region(r["lanskod"]), "kf:Region", names[r["lanskod"]], r["orgnr"])
            for r in t["region_ids"]
        }
    return {
        m["kommunkod"]: (kommun(m["kommunkod"]), "kf:Municipality", m["name_full"], m["orgnr"])
        for m in t["municipalities"]
    }


def orgnr_page(
    kind: str,
    code: str,
    name: str,
    slug: str,
    source: str,
    locator: str,
    generated: str = FIRST_SESSION,
):
    """The fact graph of one page that gives an organisation's organisation number."""

    def fill(q, g, t) -> None:
        node, cls, name, orgnr = organisations(t, kind)[code]
        q.typed(g, node, cls, name, ("kf:orgnr", Lit(orgnr)))
        ids = {r["lanskod"]: r for r in t["region_ids"]}
        if kind == "region" and single_source(ids[code]):
            q.addmany(g, node, *both("skos:note", SINGLE_SV.format("denna sida"),
                                     SINGLE_EN.format("this page")))  # fmt: skip

    labels = (f"{name}: organisationsnummer", f"{name}: organisation number")
    return spec(f"ref-orgnr-{kind}-{slug}", *labels, locator, source, generated=generated), fill


def graphs(t: Tables, kind: str) -> list[FactGraph]:
    """The fact graph of every page on a region (kind "region") or a municipality ("kommun")."""
    found = organisations(t, kind)
    return [orgnr_page(kind, code, found[code][2], *page) for k, code, *page in PAGES if k == kind]
