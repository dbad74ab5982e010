"""Facts about the acts and ordinances on regional development and validation (SFS)."""

from __future__ import annotations

from graph.reference.authorities import VD_OLD
from graph.reference.authorities import node as authority
from graph.reference.sources import FactGraph, spec
from graph.reference.terms import I, Lit, both, date_lit, sv

CURRENT = "Lag (2010:630) om regionalt utvecklingsansvar"
SFS_2010_630 = I("kfid:sfs-2010-630")


def law(t, number: str) -> dict[str, str]:
    """The legislation.csv row of SFS ``number``."""
    return {r["sfs_number"]: r for r in t["legislation"]}[number]


def act(q, g, number: str, cls: str, label: str, title: str, *more) -> I:
    """An act or ordinance with its SFS number (also its ELI local id) and its title."""
    node = I(f"kfid:sfs-{number.replace(':', '-')}")
    q.named(
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


def preparatory_works(works: str) -> tuple:
    """The table's list of preparatory works as a description in Swedish and English."""
    text_en = (
        works.replace("Prop.", "Government bill")
        .replace("bet.", "committee report")
        .replace("rskr.", "Riksdag communication")
    )
    return both(
        "dct:description",
        "Förarbeten: " + works.replace("Prop.", "prop.") + ".",
        "Preparatory works: " + text_en + ".",
    )


def sfs_2010_630(q, g, t) -> None:
    r = law(t, "2010:630")
    act(
        q,
        g,
        "2010:630",
        "kf:Act",
        CURRENT,
        "Lag om regionalt utvecklingsansvar",
        ("eli:title_alternative", sv(r["title_original"])),
        ("eli:date_document", date_lit(r["issued"])),
        ("eli:date_publication", date_lit(r["published"])),
        *preparatory_works(r["preparatory_works"]),
        *both(
            "skos:note",
            "Ursprungligen gällde lagen landstingen i Skåne, Halland och Västra Götaland "
            "samt Gotlands kommun.",
            "Originally the act covered the county councils of Skåne, Halland and Västra "
            "Götaland and the municipality of Gotland.",
        ),
    )


def sfs_2018_1348(q, g, t) -> None:
    r = law(t, "2018:1348")
    act(
        q,
        g,
        "2018:1348",
        "kf:Amendment",
        "Lag (2018:1348) om ändring i lagen (2010:630) om regionalt utvecklingsansvar i vissa län",
        "Lag om ändring i lagen (2010:630) om regionalt utvecklingsansvar i vissa län",
        ("eli:date_document", date_lit(r["issued"])),
        *preparatory_works(r["preparatory_works"]),
        ("kf:amends", SFS_2010_630),
        ("eli:changes", SFS_2010_630),
        *both(
            "skos:note",
            "Gav lagen (2010:630) dess nuvarande rubrik och lät den omfatta alla län.",
            "Gave act 2010:630 its current title and extended it to all counties.",
        ),
    )
    q.addmany(
        g,
        SFS_2010_630,
        ("eli:title", sv("Lag om regionalt utvecklingsansvar")),
        ("rdfs:label", sv(CURRENT)),
    )


def prop_2015_16_176(q, g, t) -> None:
    q.addmany(
        g,
        SFS_2010_630,
        ("rdf:type", I("kf:Act")),
        ("kf:sfsNumber", Lit("2010:630")),
        *both(
            "skos:note",
            "Prop. 2015/16:176 föreslog att lagen från 2017-01-01 också skulle gälla "
            "Uppsala, Västmanlands, Västernorrlands och Norrbottens län.",
            "Government bill 2015/16:176 proposed extending the act to the counties of "
            "Uppsala, Västmanland, Västernorrland and Norrbotten from 2017-01-01.",
        ),
    )


def sfs_2017_583(q, g, t) -> None:
    r = law(t, "2017:583")
    act(
        q,
        g,
        "2017:583",
        "kf:Ordinance",
        r["title_current"],
        "Förordning om regionalt tillväxtarbete",
    )


def sfs_2003_1096(q, g, t) -> None:
    r = law(t, "2003:1096")
    basis = act(
        q,
        g,
        "2003:1096",
        "kf:Ordinance",
        r["title_current"],
        "Förordning med instruktion för Valideringsdelegationen",
        ("eli:date_document", date_lit(r["issued"])),
        *both(
            "skos:note",
            "Ändrad senast genom SFS 2006:1365 i den lästa kopian.",
            "Amended up to SFS 2006:1365 in the copy read.",
        ),
    )
    q.typed(g, authority(VD_OLD), "kf:GovernmentAgency", VD_OLD, ("kf:legalBasis", basis))


GRAPHS: list[FactGraph] = [
    (
        spec(
            "ref-lagboken-sfs-2010-630",
            "Lag (2010:630): nummer, rubriker, datum och förarbeten",
            "Act 2010:630: number, titles, dates and preparatory works",
            "Head of the act: SFS number, title, utfärdad and utkom från trycket dates, footnotes",
            "lagboken-sfs-2010-630",
        ),
        sfs_2010_630,
    ),
    (
        spec(
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
        spec(
            "ref-riksdagen-prop-2015-16-176",
            "Prop. 2015/16:176: utvidgning av lag (2010:630)",
            "Government bill 2015/16:176: extension of act 2010:630",
            "dok_id H303176, the proposal on which counties the act covers",
            "riksdagen-h303176",
        ),
        prop_2015_16_176,
    ),
    (
        spec(
            "ref-skr-sfs-2017-583",
            "Förordning (2017:583): nummer och rubrik (SKR)",
            "Ordinance 2017:583: number and title (SKR)",
            "List of national acts that govern regional development",
            "skr-lagar-och-forordningar-som-styr-regional-utveckling-2023",
        ),
        sfs_2017_583,
    ),
    (
        spec(
            "ref-klevringsjuridik-sfs-2003-1096",
            "Förordning (2003:1096): instruktion för Valideringsdelegationen",
            "Ordinance 2003:1096: instruction for Valideringsdelegationen",
            "Head of the ordinance: number, title, date; §1 on the delegation's tasks 2004–2007",
            "klevringsjuridik-sfs-2003-1096",
        ),
        sfs_2003_1096,
    ),
]
