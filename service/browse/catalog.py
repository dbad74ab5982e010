"""What every page needs about every resource, read once per store version and kept in memory.

The catalogue holds labels (per language), alternative labels, notations, types and the
provenance of each named graph (source document and locator from ``kfg:meta``). It is rebuilt
when the store's version changes. The search index is built from the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Flask

from graph import queries
from graph.namespaces import PREFIXES, compact
from graph.store import GraphStore
from service.state import app_state

RDFS, SKOS, DCT, FOAF = PREFIXES["rdfs"], PREFIXES["skos"], PREFIXES["dct"], PREFIXES["foaf"]
#: Which label-like property wins for the display name (lower is better).
LABEL_RANK = {SKOS + "prefLabel": 0, RDFS + "label": 1, DCT + "title": 2, FOAF + "name": 3}

#: Identifier properties (sub-properties of skos:notation): codes, searchable like notations.
CODE_PROPERTIES = {PREFIXES["kf"] + n for n in ("lanskod", "kommunkod", "orgnr", "nuts3",
                                                 "iso31662", "esfDiarienummer", "sfsNumber")} | {
    PREFIXES["eli"] + "id_local"}
#: Labels for the terms of reused vocabularies that the store does not label itself.
BUILTIN_LABELS: dict[str, tuple[str, str]] = {
    "rdf:type": ("typ", "type"),
    "rdfs:label": ("etikett", "label"),
    "rdfs:comment": ("kommentar", "comment"),
    "rdfs:seeAlso": ("se även", "see also"),
    "rdfs:subClassOf": ("underklass till", "subclass of"),
    "rdfs:subPropertyOf": ("underegenskap till", "subproperty of"),
    "rdfs:domain": ("domän", "domain"),
    "rdfs:range": ("värdemängd", "range"),
    "skos:prefLabel": ("föredragen etikett", "preferred label"),
    "skos:altLabel": ("alternativt namn", "alternative label"),
    "skos:notation": ("kod", "notation"),
    "skos:definition": ("definition", "definition"),
    "skos:exactMatch": ("samma som", "exact match"),
    "skos:closeMatch": ("nära motsvarighet", "close match"),
    "skos:inScheme": ("i begreppsschema", "in scheme"),
    "skos:broader": ("överordnat begrepp", "broader"),
    "skos:Concept": ("begrepp", "concept"),
    "skos:ConceptScheme": ("begreppsschema", "concept scheme"),
    "dct:title": ("titel", "title"),
    "dct:description": ("beskrivning", "description"),
    "dct:temporal": ("giltighetstid", "validity period"),
    "dct:identifier": ("identifierare", "identifier"),
    "dct:issued": ("utgiven", "issued"),
    "dct:date": ("datum", "date"),
    "dct:publisher": ("utgivare", "publisher"),
    "dct:hasPart": ("har del", "has part"),
    "dct:isPartOf": ("är del av", "is part of"),
    "dct:PeriodOfTime": ("tidsperiod", "period of time"),
    "dcat:startDate": ("från", "start date"),
    "dcat:endDate": ("till", "end date"),
    "prov:wasDerivedFrom": ("härledd från", "derived from"),
    "prov:generatedAtTime": ("skapad", "generated at"),
    "foaf:name": ("namn", "name"),
    "foaf:page": ("webbsida", "web page"),
    "foaf:Person": ("person", "person"),
    "foaf:Document": ("dokument", "document"),
    "org:member": ("medlem", "member"),
    "org:organization": ("organisation", "organisation"),
    "org:role": ("roll", "role"),
    "org:memberDuring": ("medlem under", "member during"),
    "org:heldBy": ("innehas av", "held by"),
    "org:postIn": ("befattning i", "post in"),
    "org:unitOf": ("enhet i", "unit of"),
    "org:originalOrganization": ("ursprunglig organisation", "original organisation"),
    "org:resultingOrganization": ("resulterande organisation", "resulting organisation"),
    "org:Membership": ("medlemskap", "membership"),
    "org:Post": ("befattning", "post"),
    "org:Organization": ("organisation", "organisation"),
    "org:Role": ("roll", "role"),
    "cv:Participation": ("deltagande", "participation"),
    "schema:funder": ("finansiär", "funder"),
    "schema:fundedItem": ("finansierar", "funded item"),
    "schema:amount": ("belopp", "amount"),
    "schema:value": ("värde", "value"),
    "schema:currency": ("valuta", "currency"),
    "schema:MonetaryAmount": ("penningbelopp", "monetary amount"),
    "eli:id_local": ("lokal identifierare", "local identifier"),
    "eli:changes": ("ändrar", "changes"),
    "owl:Class": ("klass", "class"),
    "owl:ObjectProperty": ("objektegenskap", "object property"),
    "owl:DatatypeProperty": ("dataegenskap", "datatype property"),
    "owl:Ontology": ("ontologi", "ontology"),
}


@dataclass
class Catalog:
    version: str
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # iri -> lang -> label
    alt_labels: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    notations: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    types: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    graphs: dict[str, dict] = field(default_factory=dict)  # graph -> {doc, locator{}, label{}}

    def label(self, iri: str, lang: str = "sv") -> str:
        """The label in ``lang``, else in the other language, else untagged, else compact IRI."""
        found = self.labels.get(iri)
        if found:
            other = "en" if lang == "sv" else "sv"
            for key in (lang, other, ""):
                if found.get(key):
                    return found[key]
            return next(iter(found.values()))
        builtin = BUILTIN_LABELS.get(compact(iri))
        if builtin:
            return builtin[0] if lang == "sv" else builtin[1]
        return compact(iri)

    def has_label(self, iri: str, lang: str) -> bool:
        return bool(self.labels.get(iri, {}).get(lang))




def browse_query(name: str) -> str:
    """The text of ``queries/browse/<name>.rq``."""
    return queries.text("browse", name)


def build_catalog(store: GraphStore) -> Catalog:
    cat = Catalog(store.version)
    ranks: dict[tuple[str, str], int] = {}
    for row in store.select(browse_query("labels")):
        s, p, lit = row["s"].value, row["p"].value, row["label"]
        if p == SKOS + "altLabel":
            if lit.value not in cat.alt_labels[s]:
                cat.alt_labels[s].append(lit.value)
            continue
        if p == SKOS + "notation" or p in CODE_PROPERTIES:
            cat.notations[s].append(lit.value)
            continue
        lang = (lit.language or "").split("-")[0]
        rank = LABEL_RANK.get(p, 9)
        if rank < ranks.get((s, lang), 99):
            ranks[(s, lang)] = rank
            cat.labels.setdefault(s, {})[lang] = lit.value
    for row in store.select(browse_query("types")):
        cat.types[row["s"].value].append(row["type"].value)
    for row in store.select(browse_query("graph-meta")):
        entry = cat.graphs.setdefault(
            row["graph"].value, {"doc": row["doc"].value, "locator": {}, "label": {}}
        )
        for key in ("locator", "label"):
            lit = row.get(key)
            if isinstance(lit, ox.Literal):
                entry[key][(lit.language or "").split("-")[0]] = lit.value
    return cat


def get_catalog(app: Flask | None = None) -> Catalog:
    """The catalogue of the current store version (built on first use, then cached)."""
    return app_state(app).derived("catalog", build_catalog)
