"""The data of the entity, source and graph pages (data first: HTML and ``.json`` render this).

Every fact shown carries the sources it comes from: the named graph that states it and, from
``kfg:meta``, the source document and the locator (section, paragraphs) of that graph.
"""

from __future__ import annotations

import math
from collections import OrderedDict

import pyoxigraph as ox

from graph.namespaces import PREFIXES, compact
from graph.store import GraphStore
from service.browse.catalog import Catalog, browse_query
from service.browse.labels import inferred
from service.browse.terms import (
    MATCH_PROPERTIES,
    external_name,
    href,
    identifier,
    link,
    sort_key,
    term_dict,
)

RDF_TYPE = PREFIXES["rdf"] + "type"
FIRST = [
    "rdf:type",
    "skos:prefLabel",
    "rdfs:label",
    "skos:altLabel",
    "dct:title",
    "dct:description",
    "skos:definition",
    "rdfs:comment",
]
VALIDITY = {"dct:temporal", "org:memberDuring"}
DESCRIPTIONS = ("dct:description", "skos:definition", "rdfs:comment")
INCOMING_PAGE = 20
GRAPH_CAP = 20000  # the LIMIT in graph-content.rq
INCOMING_CAP = 2000  # the LIMIT in incoming.rq: a hub cannot exhaust the server


def sources(graphs: list[str], cat: Catalog, lang: str) -> list[dict]:
    """Where facts stated in ``graphs`` come from: graph, document and locator."""
    out, inferences = [], inferred().graphs
    for g in sorted(set(graphs)):
        meta = cat.graphs.get(g)
        entry: dict = {"graph": link(g, cat, lang), "document": None, "locator": None,
                       "inferred": g in inferences}  # an inference, not a reading
        if meta:
            entry["document"] = link(meta["doc"], cat, lang)
            loc = meta["locator"]
            entry["locator"] = (
                loc.get(lang) or loc.get("en" if lang == "sv" else "sv") or loc.get("") or None
            )
        out.append(entry)
    return out


def _facts(store: GraphStore, subject, cat: Catalog, lang: str, depth: int) -> list[dict]:
    """The properties of ``subject`` with values, sources and nested blank nodes."""
    grouped: OrderedDict[str, OrderedDict] = OrderedDict()
    terms: dict[tuple, object] = {}
    for row in store.select(browse_query("subject-facts"), substitutions={"s": subject}):
        p, o, g = row["p"].value, row["o"], row["g"].value
        key = (type(o).__name__, str(o))
        terms[key] = o
        grouped.setdefault(p, OrderedDict()).setdefault(key, []).append(g)
    props = []
    for p, values in grouped.items():
        entries = []
        for key, graphs in values.items():
            o = terms[key]
            value = term_dict(o, cat, lang)
            entry = {"value": value, "sources": sources(graphs, cat, lang)}
            if isinstance(o, ox.BlankNode) and depth > 0:
                entry["value"]["properties"] = _facts(store, o, cat, lang, depth - 1)
            entries.append(entry)
        entries.sort(key=lambda e: _value_key(e["value"], lang))
        props.append({"property": link(p, cat, lang), "values": entries})
    props.sort(key=_property_key)
    return props


def _value_key(value: dict, lang: str) -> tuple:
    if value["type"] == "literal":
        return (0, value.get("lang") != lang, value["value"])
    return (1, sort_key(value.get("label", value.get("id", ""))))


def _property_key(prop: dict) -> tuple:
    curie = prop["property"]["curie"]
    first = FIRST.index(curie) if curie in FIRST else len(FIRST)
    return (first, sort_key(prop["property"]["label"]))


def _period(value: dict) -> dict | None:
    props = {p["property"]["curie"]: p["values"] for p in value.get("properties", [])}
    start = props.get("dcat:startDate") or props.get("time:hasBeginning")
    end = props.get("dcat:endDate") or props.get("time:hasEnd")
    if not start and not end:
        return None
    return {
        "start": start[0]["value"].get("value") if start else None,
        "end": end[0]["value"].get("value") if end else None,
    }


def _summaries(props: list[dict], lang: str) -> tuple[list, list, list]:
    identifiers, matches, validity = [], [], []
    for prop in props:
        curie = prop["property"]["curie"]
        for entry in prop["values"]:
            value = entry["value"]
            if value["type"] == "literal":
                ident = identifier(prop["property"]["iri"], value["value"], lang)
                if ident:
                    identifiers.append({**ident, "sources": entry["sources"]})
            elif curie in MATCH_PROPERTIES and value["type"] == "iri":
                matches.append(
                    {
                        "property": curie,
                        "iri": value["iri"],
                        "href": value["href"],
                        "name": external_name(value["iri"]),
                        "sources": entry["sources"],
                    }
                )
            if curie in VALIDITY and value["type"] == "bnode":
                period = _period(value)
                if period:
                    validity.append({**period, "property": curie, "sources": entry["sources"]})
            if curie == "kf:inForceFrom" and value["type"] == "literal":
                validity.append(
                    {
                        "start": value["value"],
                        "end": None,
                        "property": curie,
                        "sources": entry["sources"],
                    }
                )
    return identifiers, matches, validity


def _description(props: list[dict], lang: str) -> str | None:
    """The first description (or definition, or comment) in ``lang``, else in any language."""
    texts = [v["value"] for p in props if p["property"]["curie"] in DESCRIPTIONS
             for v in p["values"] if v["value"]["type"] == "literal"]
    chosen = [t for t in texts if t.get("lang") == lang] or texts
    return chosen[0]["value"] if chosen else None


def incoming(
    store: GraphStore, iri: str, cat: Catalog, lang: str, focus: str | None = None, page: int = 1
) -> list[dict]:
    """Incoming links grouped by property with counts; one page of each (``focus``: paged)."""
    node = ox.NamedNode(iri)
    groups = []
    for row in store.select(browse_query("incoming-counts"), substitutions={"o": node}):
        p, count = row["p"].value, int(row["n"].value)
        this_page = page if focus == p else 1
        by_subject: OrderedDict[str, list[str]] = OrderedDict()
        rows = store.select(browse_query("incoming"), substitutions={"o": node, "p": row["p"]})
        for r in rows:
            if isinstance(r["s"], ox.NamedNode):
                by_subject.setdefault(r["s"].value, []).append(r["g"].value)
        subjects = sorted(by_subject, key=lambda s: sort_key(cat.label(s, lang)))
        pages = max(1, math.ceil(len(subjects) / INCOMING_PAGE))
        this_page = min(max(1, this_page), pages)
        chosen = subjects[(this_page - 1) * INCOMING_PAGE : this_page * INCOMING_PAGE]
        groups.append(
            {
                "property": link(p, cat, lang),
                "count": count,
                "page": this_page,
                "pages": pages,
                "truncated": len(rows) >= INCOMING_CAP,
                "items": [
                    {**link(s, cat, lang), "sources": sources(by_subject[s], cat, lang)}
                    for s in chosen
                ],
            }
        )
    groups.sort(key=lambda g: (-g["count"], sort_key(g["property"]["label"])))
    return groups


def entity(
    store: GraphStore, cat: Catalog, iri: str, lang: str, focus: str | None = None, page: int = 1
) -> dict:
    """Everything the entity page shows about ``iri``."""
    props = _facts(store, ox.NamedNode(iri), cat, lang, depth=2)
    identifiers, matches, validity = _summaries(props, lang)
    graphs = {s["graph"]["iri"] for p in props for v in p["values"] for s in v["sources"]}
    labels = cat.labels.get(iri, {})
    return {
        "iri": iri,
        "curie": compact(iri),
        "href": href(iri),
        "label": cat.label(iri, lang),
        "labels": {k: v for k, v in labels.items() if k},
        "label_fallback": not cat.has_label(iri, lang),
        "alt_labels": cat.alt_labels.get(iri, []),
        "description": _description(props, lang),
        "types": [link(t, cat, lang) for t in cat.types.get(iri, [])],
        "properties": props,
        "identifiers": identifiers,
        "external_links": matches,
        "validity": validity,
        "incoming": incoming(store, iri, cat, lang, focus, page),
        "sources": sources(list(graphs), cat, lang),
    }


def describe_graph(store: GraphStore, cat: Catalog, iri: str, lang: str) -> dict:
    """A named graph: where it comes from and what it states, grouped by subject."""
    subjects: OrderedDict[str, list] = OrderedDict()
    rows = store.select(browse_query("graph-content"), substitutions={"g": ox.NamedNode(iri)})
    for row in rows:
        s = row["s"]
        key = s.value if isinstance(s, ox.NamedNode) else "_:" + s.value
        subjects.setdefault(key, []).append(
            {"property": link(row["p"].value, cat, lang), "value": term_dict(row["o"], cat, lang)}
        )
    meta = cat.graphs.get(iri)
    return {
        "iri": iri,
        "curie": compact(iri),
        "label": cat.label(iri, lang),
        "source": sources([iri], cat, lang)[0],
        "derived": bool(meta),
        "triples": len(rows),
        "truncated": len(rows) >= GRAPH_CAP,
        "subjects": [
            {"subject": link(s, cat, lang) if not s.startswith("_:") else {"id": s}, "facts": facts}
            for s, facts in subjects.items()
        ],
    }


def describe_source(store: GraphStore, cat: Catalog, iri: str, lang: str) -> dict:
    """A source document: its description and, section by section, what it states."""
    page = entity(store, cat, iri, lang)
    derived = [g for g, meta in cat.graphs.items() if meta["doc"] == iri]
    page["graphs"] = [describe_graph(store, cat, g, lang) for g in sorted(derived)]
    return page
