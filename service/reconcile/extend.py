"""Data extension: the properties a reconciled column can be extended with, and their values.

Codes come from the reconciliation index; county, region, kommunalförbund (with the member's
role), members, councils and what a thing is a party to from the network's edge table
(``queries/browse/network-edges.rq``), so a relation is valid on a date exactly when the network
view keeps it for that ``asof``: its own period, else the period of what is taken part in, covers
the date; a relation without a period is kept. Codes have no period and are always given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graph.namespaces import PREFIXES
from service.browse.catalog import Catalog
from service.browse.network import EdgeTable, valid_on
from service.browse.terms import IDENTIFIERS, iri_of, sort_key
from service.reconcile.index import KF, ReconcileIndex

ORG = PREFIXES["org"]
COUNTY = KF + "County"
REGION = KF + "Region"
FORBUND = KF + "MunicipalFederation"
COUNCIL = KF + "CollaborationBody"
#: What a thing can be a party to: agreements, projects, strategies, plans, assignments.
INSTRUMENTS = {KF + "Agreement", KF + "Project", KF + "Strategy", KF + "Plan", KF + "Assignment",
               KF + "Programme"}
#: Links from a thing to the county it belongs to, governs or works in.
COUNTY_LINKS = {KF + "inCounty", KF + "regionalAuthorityOf", KF + "operatesIn"}
#: Links from a kommunalförbund to the councils it runs.
RUNS = {KF + "runs", KF + "processLeads", KF + "responsibleFor"}


@dataclass(frozen=True)
class Property:
    id: str
    sv: str
    en: str
    kind: str = "code"  # code | entity | text
    target: str | None = None  # the class of the things it links to

    def name(self, lang: str) -> str:
        return self.sv if lang == "sv" else self.en


def _code(pid: str, curie: str) -> Property:
    sv, en, _ = IDENTIFIERS[curie]
    return Property(pid, sv, en)


PROPERTIES = [
    _code("orgnr", "kf:orgnr"),
    _code("kommunkod", "kf:kommunkod"),
    _code("lanskod", "kf:lanskod"),
    _code("nuts", "kf:nuts3"),
    _code("iso31662", "kf:iso31662"),
    _code("esfDiarienummer", "kf:esfDiarienummer"),
    _code("sfs", "kf:sfsNumber"),
    Property("wikidata", "Wikidata-objekt", "Wikidata item"),
    Property("county", "Län", "County", "entity", COUNTY),
    Property("region", "Region", "Region", "entity", REGION),
    Property("forbund", "Kommunalförbund", "Municipal federation", "entity", FORBUND),
    Property("forbundRole", "Roll i kommunalförbundet", "Role in the municipal federation",
             "text"),
    Property("members", "Medlemmar", "Members", "entity"),
    Property("councils", "Råd och samverkansorgan", "Councils and collaboration bodies", "entity",
             COUNCIL),
    Property("partyTo", "Part i överenskommelser och projekt", "Party to agreements and projects",
             "entity"),
]
BY_ID = {p.id: p for p in PROPERTIES}


class Extender:
    """The values of the properties for one thing on one date (``None``: any date)."""

    def __init__(self, index: ReconcileIndex, table: EdgeTable, cat: Catalog, lang: str):
        self.index, self.table, self.cat, self.lang = index, table, cat, lang

    def is_a(self, iri: str, cls: str) -> bool:
        return cls in self.index.types_of(iri)

    def edges(self, iri: str, day: date | None):
        return [e for e in self.table.by_node.get(iri, []) if day is None or valid_on(e, day)]

    def counties(self, iri: str, day: date | None) -> list[str]:
        return [e.target for e in self.edges(iri, day)
                if e.source == iri and e.relation in COUNTY_LINKS and self.is_a(e.target, COUNTY)]

    def regions(self, iri: str, day: date | None) -> list[str]:
        counties = [iri] if self.is_a(iri, COUNTY) else self.counties(iri, day)
        return [e.source for c in counties for e in self.edges(c, day)
                if e.target == c and e.relation == KF + "regionalAuthorityOf"
                and e.source != iri and self.is_a(e.source, REGION)]

    def memberships(self, iri: str, day: date | None) -> dict[str, list[str]]:
        """The kommunalförbund ``iri`` is a member of, each with the roles it holds there."""
        found: dict[str, list[str]] = {}
        for e in self.edges(iri, day):
            if e.source == iri and e.relation == ORG + "Membership" and \
                    self.is_a(e.target, FORBUND):
                roles = found.setdefault(e.target, [])
                if e.role and e.role not in roles:
                    roles.append(e.role)
        return found

    def members(self, iri: str, day: date | None) -> list[str]:
        return [e.source for e in self.edges(iri, day)
                if e.target == iri and e.relation == ORG + "Membership"]

    def councils(self, iri: str, day: date | None) -> list[str]:
        """Councils tied to ``iri`` by a relation, and those its kommunalförbund run."""
        found = [e.target if e.source == iri else e.source for e in self.edges(iri, day)]
        for forbund in self.memberships(iri, day):
            found += [e.target for e in self.edges(forbund, day)
                      if e.source == forbund and e.relation in RUNS]
        return [c for c in found if c != iri and self.is_a(c, COUNCIL)]

    def party_to(self, iri: str, day: date | None) -> list[str]:
        """Agreements, projects, plans … ``iri`` takes part in (their period dates the part)."""
        return [e.target for e in self.edges(iri, day)
                if e.source == iri and e.relation == KF + "participation"
                and self.index.types_of(e.target) & INSTRUMENTS]

    def values(self, iri: str, pid: str, day: date | None) -> list[dict]:
        prop = BY_ID[pid]
        if prop.kind == "code":
            return [{"str": code} for code in self.index.codes.get(iri, {}).get(pid, [])]
        if pid == "forbundRole":
            roles = self.memberships(iri, day).values()
            return [{"str": "; ".join(self.cat.label(r, self.lang) for r in rs)} if rs else {}
                    for rs in roles]
        things = {
            "county": self.counties,
            "region": self.regions,
            "forbund": lambda i, d: list(self.memberships(i, d)),
            "members": self.members,
            "councils": self.councils,
            "partyTo": self.party_to,
        }[pid](iri, day)
        if pid != "forbund":  # forbund keeps the order forbundRole follows
            things = sorted(things, key=lambda t: sort_key(self.cat.label(t, self.lang)))
        return [self.entity(t) for t in dict.fromkeys(things)]

    def entity(self, iri: str) -> dict:
        return {"id": slug_of(iri), "name": self.cat.label(iri, self.lang)}


def slug_of(iri: str) -> str:
    """The reconciliation id of a thing: its IRI less the service's ``…/id/`` namespace."""
    return iri[len(iri_of("id", "")):]


def meta(prop: Property, index: ReconcileIndex, cat: Catalog, lang: str) -> dict:
    entry: dict = {"id": prop.id, "name": prop.name(lang)}
    if prop.target:
        local = prop.target[len(KF):]
        entry["type"] = {"id": local, "name": cat.label(prop.target, lang)}
    return entry


def proposed(extender: Extender, type_iri: str | None, limit: int) -> list[Property]:
    """The properties with at least one value for some thing of ``type_iri`` (any thing)."""
    ours = iri_of("id", "")
    things = [i for i in extender.cat.labels if i.startswith(ours)
              and (type_iri is None or type_iri in extender.index.types_of(i))]
    found = []
    for prop in PROPERTIES:
        if any(extender.values(i, prop.id, None) for i in things):
            found.append(prop)
        if len(found) >= limit:
            break
    return found
