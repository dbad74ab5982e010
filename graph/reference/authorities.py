"""Facts about the national authorities and committees, as each register or page states them."""

from __future__ import annotations

from collections.abc import Callable

from graph.reference.sources import FactGraph, spec
from graph.reference.tables import Row
from graph.reference.terms import B, I, Lit, both, county, period, sv, wd

MYH = "Myndigheten för yrkeshögskolan"
VD_OLD = "Valideringsdelegationen (2004–2007)"
VD_NEW = "Valideringsdelegationen 2015–2019"
ESF = "Rådet för Europeiska socialfonden i Sverige (Svenska ESF-rådet)"

AUTHORITIES = {  # name_sv in the table -> (IRI slug, used name, registered name where it differs)
    "Tillväxtverket": ("tillvaxtverket", "Tillväxtverket", ""),
    MYH: ("myndigheten-for-yrkeshogskolan", MYH, ""),
    VD_OLD: ("valideringsdelegationen-2004-2007", VD_OLD, ""),
    VD_NEW: ("valideringsdelegationen-2015-2019", VD_NEW, ""),
    "Arbetsförmedlingen": ("arbetsformedlingen", "Arbetsförmedlingen", ""),
    "Statens skolverk (Skolverket)": ("skolverket", "Skolverket", "Statens skolverk"),
    ESF: ("svenska-esf-radet", "Svenska ESF-rådet", "Rådet för Europeiska socialfonden i Sverige"),
}


def node(name_sv: str) -> I:
    """The IRI of a national authority, by its name in the table."""
    return I(f"kfid:{AUTHORITIES[name_sv][0]}")


def authority_node(row: Row) -> tuple[I, str, str, str]:
    """(IRI, class, used name, registered name) of an authorities.csv row."""
    if row["lanskod"]:
        return (
            I(f"kfid:lansstyrelsen-lan-{row['lanskod']}"),
            "kf:CountyAdministrativeBoard",
            row["name_sv"],
            "",
        )
    _, used, registered = AUTHORITIES[row["name_sv"]]
    cls = "kf:GovernmentCommittee" if row["kind"].startswith("kommitté") else "kf:GovernmentAgency"
    return node(row["name_sv"]), cls, used, registered


def authority(q, g, row: Row, register: str, when: B | None = None) -> None:
    """One row as one register states it: type, name, orgnr (if this register has it), period."""
    iri, cls, used, registered = authority_node(row)
    has_orgnr = register in row["orgnr_agreeing_sources"].split(", ")
    q.addmany(
        g,
        iri,
        ("rdf:type", I(cls)),
        ("kf:orgnr", Lit(row["orgnr"]) if has_orgnr else None),
        ("kf:operatesIn", county(row["lanskod"]) if row["lanskod"] else None),
        ("dct:temporal", when),
    )
    if register == "Wikidata":
        q.add(g, iri, "skos:exactMatch", wd(row["wikidata_qid"]))
        if not registered or used == "Skolverket":  # Wikidata's label is the used name
            q.addmany(g, iri, ("rdfs:label", sv(used)), ("skos:prefLabel", sv(used)))
    elif registered:
        q.add(g, iri, "skos:altLabel", sv(registered))
    else:
        q.addmany(g, iri, ("rdfs:label", sv(used)), ("skos:prefLabel", sv(used)))


def in_register(rows: list[Row], register: str) -> list[Row]:
    if register == "Wikidata":
        return [r for r in rows if r["wikidata_qid"]]
    return [r for r in rows if register in r["orgnr_agreeing_sources"].split(", ")]


def register(name: str, when: Callable[[Row], B | None]):
    """A fill function for the rows one register has, each with the period it states."""

    def fill(q, g, t) -> None:
        for r in in_register(t["authorities"], name):
            authority(q, g, r, name, when(r))

    return fill


def myh_since(year: str) -> Callable[[Row], B | None]:
    return lambda r: period(year) if r["name_sv"] == MYH else None


wikidata = register("Wikidata", lambda r: period(r["start_wikidata"], r["end_wikidata"]))
esv = register("ESV", lambda r: period(r["start_esv"], r["end_esv"]))
scb = register("SCB", myh_since("2009"))
_statskontoret = register("Statskontoret", myh_since("2010"))


def statskontoret(q, g, t) -> None:
    _statskontoret(q, g, t)
    q.add(g, node(MYH), "skos:altLabel", sv("MYH"))


def tillvaxtverket(q, g, t) -> None:
    r = next(r for r in t["authorities"] if r["name_sv"] == "Tillväxtverket")
    authority(q, g, r, "Wikipedia", period("2009-04-01"))
    q.addmany(
        g,
        node("Tillväxtverket"),
        ("kf:orgnr", Lit(r["orgnr"])),
        *both(
            "dct:description",
            "Myndighetens instruktion är förordning (2009:145).",
            "The agency's instruction is ordinance SFS 2009:145.",
        ),
    )


def esf(q, g, t) -> None:
    q.named(
        g,
        node(ESF),
        "kf:GovernmentAgency",
        "Svenska ESF-rådet",
        ("skos:altLabel", sv("Rådet för Europeiska socialfonden i Sverige")),
        ("dct:temporal", period("2000")),
        *both(
            "dct:description",
            "Myndigheten har funnits sedan 2000 och har sitt huvudkontor i Gävle.",
            "The agency has existed since 2000; its head office is in Gävle.",
        ),
    )


VD_NEW_SV = (
    "Statlig kommitté som regeringen beslutade att tillsätta 2015-11-19 (dir. 2015:120, "
    "tilläggsdirektiv dir. 2018:101). Delbetänkanden SOU 2017:18 och SOU 2018:29; "
    "slutbetänkandet SOU 2019:69 lämnades 2020-01-13. Startdatumet är dagen för "
    "regeringens beslut; slutdatumet är dagen då slutbetänkandet lämnades och uppdraget "
    "därmed var slutfört."
)
VD_NEW_EN = (
    "Government committee appointed by a government decision of 2015-11-19 (terms of "
    "reference 2015:120, supplementary 2018:101); interim reports SOU 2017:18 and "
    "SOU 2018:29; final report SOU 2019:69 handed over on 2020-01-13. The start date "
    "is the date of the government decision; the end date is the day the final report was "
    "handed over, which completed the assignment."
)


def vd_new(q, g, t) -> None:
    q.named(
        g,
        node(VD_NEW),
        "kf:GovernmentCommittee",
        VD_NEW,
        ("dct:temporal", period("2015-11-19", "2020-01-13")),
        *both("dct:description", VD_NEW_SV, VD_NEW_EN),
    )


def vd_site(q, g, t) -> None:
    q.named(
        g,
        node(VD_NEW),
        "kf:GovernmentCommittee",
        VD_NEW,
        *both(
            "dct:description",
            "Slutbetänkandet lämnades över 2020-01-13.",
            "The final report was handed over on 2020-01-13.",
        ),
    )
    q.named(
        g, node(VD_OLD), "kf:GovernmentAgency", VD_OLD, ("dct:temporal", period("2004", "2007"))
    )


REGISTERED = "Registered names appear as skos:altLabel where they differ from the name in use."

GRAPHS: list[FactGraph] = [
    (
        spec(
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
        spec(
            "ref-myndighetsdata-esv",
            "Myndigheter: organisationsnummer och år (ESV:s myndighetsregister)",
            "Authorities: organisation numbers and years (ESV register)",
            "data/esv.json: organisation number, start and end year",
            "myndighetsdata-esv",
            note_en=REGISTERED,
        ),
        esv,
    ),
    (
        spec(
            "ref-myndighetsdata-scb",
            "Myndigheter: organisationsnummer (SCB:s myndighetsregister)",
            "Authorities: organisation numbers (SCB register)",
            "data/scb.json: organisation number (and start year of MYH)",
            "myndighetsdata-scb",
            note_en=REGISTERED,
        ),
        scb,
    ),
    (
        spec(
            "ref-myndighetsdata-statskontoret",
            "Myndigheter: organisationsnummer (Statskontoret)",
            "Authorities: organisation numbers (Statskontoret)",
            "data/stkt.json: organisation number, short name and start year of MYH",
            "myndighetsdata-statskontoret",
            note_en=REGISTERED,
        ),
        statskontoret,
    ),
    (
        spec(
            "ref-wikipedia-tillvaxtverket",
            "Tillväxtverket: faktaruta (Wikipedia)",
            "Tillväxtverket: infobox (Wikipedia)",
            "Infobox: organisation number, start date, instruction",
            "wikipedia-sv-tillvaxtverket",
        ),
        tillvaxtverket,
    ),
    (
        spec(
            "ref-esf-om-esf-radet",
            "Svenska ESF-rådet: namn och start (esf.se)",
            "Swedish ESF Council: names and start (esf.se)",
            "Pages 'Vilka är ESF-rådet' and 'About the Swedish ESF Council'",
            "esf-om-esf-radet",
        ),
        esf,
    ),
    (
        spec(
            "ref-valideringsdelegationen-2015-2019",
            "Valideringsdelegationen 2015–2019: uppdrag och betänkanden",
            "Valideringsdelegationen 2015–2019: mandate and reports",
            "SOU 2019:69, introduction on the committee's mandate (directives, reports, chairs)",
            "lagen-nu-sou-2019-69",
            "riksdagen-h7b369",
        ),
        vd_new,
    ),
    (
        spec(
            "ref-valideringsdelegation-se-uppdrag",
            "Valideringsdelegationen: uppdrag (valideringsdelegation.se)",
            "Valideringsdelegationen: mandate (valideringsdelegation.se)",
            "Page 'Uppdrag': hand-over of the final report; the earlier delegation 2004–2007",
            "valideringsdelegation-se-uppdrag",
        ),
        vd_site,
    ),
]
