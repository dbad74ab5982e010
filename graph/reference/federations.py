"""Facts about the four kommunalförbund of Västra Götaland and their member municipalities."""

from __future__ import annotations

from graph.reference.sources import FactGraph, spec
from graph.reference.tables import Row
from graph.reference.terms import I, Lit, both, en, kommun, period, sv

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


def federation(q, g, key: str, *more) -> I:
    slug, name, abbr = FORBUND[key]
    node = I(f"kfid:{slug}")
    q.named(
        g,
        node,
        "kf:MunicipalFederation",
        name,
        ("skos:altLabel", sv(abbr) if abbr else None),
        *more,
    )
    return node


def membership(q, g, row: Row, adjunct: bool = False) -> I:
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


def rows_of(t, key: str, adjunct: bool = False, verified: bool | None = None) -> list[Row]:
    """The table rows of the members (or adjuncts) of federation ``key``; with ``verified``, only
    those read (True) or not read (False) in an explicit member list."""
    chosen = [
        r
        for r in t["forbund"]
        if r["forbund_key"] == key
        and (
            r["membership_type"].startswith("adjunct")
            if adjunct
            else r["membership_type"] == "member"
        )
    ]
    if verified is not None:
        chosen = [r for r in chosen if r["verification"].startswith("explicit") == verified]
    return chosen


def members(q, g, t, key: str, *more, verified: bool | None = None) -> None:
    """The federation and the memberships of its member municipalities."""
    federation(q, g, key, *more)
    for r in rows_of(t, key, verified=verified):
        membership(q, g, r)


def gr(q, g, t) -> None:
    members(q, g, t, "GR")


def fyrbodal_self(q, g, t) -> None:
    federation(
        q,
        g,
        "FYRBODAL",
        ("dct:temporal", period("2005")),
        *both(
            "dct:description",
            "Förbundet beskriver sig som en sammanslutning av fjorton kommuner, bildad 2005.",
            "The federation describes itself as an association of fourteen municipalities, "
            "founded in 2005.",
        ),
    )


def fyrbodal_listed(q, g, t) -> None:
    members(q, g, t, "FYRBODAL", verified=True)


INFERRED_SV = (
    "Härlett medlemskap: Färgelanda står inte i den enda uttryckliga medlemslista som hittats, "
    "men förbundet uppger fjorton medlemmar och Färgelanda är den enda kommunen i Västra Götaland "
    "som inte tillhör något av de tre andra förbunden."
)
INFERRED_EN = (
    "Inferred membership: Färgelanda is missing from the one explicit member list found, but the "
    "federation states fourteen members and Färgelanda is the only Västra Götaland municipality "
    "outside the other three federations."
)


def fyrbodal_inferred(q, g, t) -> None:
    (r,) = rows_of(t, "FYRBODAL", verified=False)
    node = membership(q, g, r)
    for p in ("skos:note", "dct:description"):
        q.addmany(g, node, *both(p, INFERRED_SV, INFERRED_EN))


def boras(q, g, t) -> None:
    members(q, g, t, "BORAS")
    (r,) = rows_of(t, "BORAS", adjunct=True)
    node = membership(q, g, r, adjunct=True)
    q.addmany(
        g,
        node,
        *both(
            "dct:description",
            "Varbergs kommun är adjungerad genom en särskild överenskommelse och är inte medlem.",
            "Varberg takes part as an adjunct by special agreement; it is not a member.",
        ),
    )


def skaraborg(q, g, t) -> None:
    orgnr = rows_of(t, "SKARABORG")[0]["forbund_orgnr"]
    members(q, g, t, "SKARABORG", ("kf:orgnr", Lit(orgnr)))


GRAPHS: list[FactGraph] = [
    (
        spec(
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
        spec(
            "ref-fyrbodal-om-kommunalforbundet",
            "Fyrbodals kommunalförbund: om förbundet",
            "Fyrbodals kommunalförbund: about the federation",
            "Page 'Om kommunalförbundet': number of member municipalities, founding year",
            "fyrbodal-om-kommunalforbundet",
        ),
        fyrbodal_self,
    ),
    (
        spec(
            "ref-fyrbodal-mellerud",
            "Fyrbodals kommunalförbund: medlemmar enligt Melleruds kommun",
            "Fyrbodals kommunalförbund: members as listed by Mellerud municipality",
            "Page listing thirteen member municipalities (Färgelanda not among them)",
            "mellerud-fyrbodal",
        ),
        fyrbodal_listed,
    ),
    (
        spec(
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
        spec(
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
        spec(
            "ref-skaraborg-om-oss",
            "Skaraborgs kommunalförbund: medlemmar och organisationsnummer",
            "Skaraborgs kommunalförbund: members and organisation number",
            "Page 'Om oss': list of the fifteen member municipalities, organisation number",
            "skaraborg-om-oss",
        ),
        skaraborg,
    ),
]
