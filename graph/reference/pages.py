"""Facts from single web pages that give one region's or municipality's organisation number."""

from __future__ import annotations

from graph.reference.sources import FactGraph, spec
from graph.reference.tables import Tables
from graph.reference.terms import I, Lit, kommun, region

#: kind → code → (IRI slug, source, locator) of a page giving the organisation number.
PAGES = {
    "region": {
        "01": ("stockholm", "slso-om-oss", "Organisation number given on the page"),
        "04": ("sormland", "regionsormland-fakturering", "Peppol participant id 0007:2321000032"),
        "14": (
            "vastra-gotalandsregionen",
            "vgregion-leverantorsfakturor",
            "Sentence giving Västra Götalandsregionen's organisation number",
        ),
        "19": (
            "vastmanland",
            "regionvastmanland-fakturering",
            "Peppol participant id 0007:2321000172",
        ),
        "20": ("dalarna", "regiondalarna-fakturering", "Organisation number given for invoices"),
    },
    "kommun": {
        "0139": (
            "upplands-bro",
            "upplands-bro-fakturering",
            "Peppol participant id 0007:2120000100",
        ),
        "1439": (
            "fargelanda",
            "fargelanda-se",
            "Organisation number given on the municipality's site",
        ),
        "1485": ("uddevalla", "uddevalla-fakturering", "Peppol participant id 0007:2120001397"),
        "1490": ("boras", "wikipedia-sv-boras-kommun", "Infobox, organisation number"),
    },
}


def organisations(t: Tables, kind: str) -> dict[str, tuple[I, str, str, str]]:
    """code → (IRI, class, name, orgnr) of every region (kind "region") or municipality."""
    if kind == "region":
        return {
            r["lanskod"]: (
                region(r["lanskod"]),
                "kf:Region",
                r["regional_authority_name"],
                r["regional_authority_orgnr"],
            )
            for r in t["regions"]
        }
    return {
        m["kommunkod"]: (kommun(m["kommunkod"]), "kf:Municipality", m["name_full"], m["orgnr"])
        for m in t["municipalities"]
    }


def orgnr_page(slug: str, node: I, cls: str, name: str, orgnr: str, source: str, locator: str):
    """The fact graph of one page that gives an organisation's organisation number."""

    def fill(q, g, t) -> None:
        q.typed(g, node, cls, name, ("kf:orgnr", Lit(orgnr)))

    labels = (f"{name}: organisationsnummer", f"{name}: organisation number")
    return spec(f"ref-orgnr-{slug}", *labels, locator, source), fill


def graphs(t: Tables, kind: str) -> list[FactGraph]:
    """The fact graph of every page on a region (kind "region") or a municipality ("kommun")."""
    found = organisations(t, kind)
    return [
        orgnr_page(f"{kind}-{slug}", *found[code], source, locator)
        for code, (slug, source, locator) in PAGES[kind].items()
    ]
