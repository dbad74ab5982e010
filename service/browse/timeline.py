"""The timeline of a thing: its relations as periods, each with the sources that state it.

``/timeline/<slug>`` (HTML) and ``/timeline/<slug>.json`` (the same facts) list the relations of
``queries/browse/timeline.rq`` — the relation kinds of the network, seen from one thing — with the
start and end the data gives (``timeline-periods.rq``: the literal and its datatype, and the
graph that states each). A relation node's own period comes first; where it states no start or no
end, the period of the agreement, project or instrument it belongs to applies (as in the network's
``asof`` filter), and the answer names whose period that is. Relations for which the data states
no period at all are listed apart, never drawn. ``?asof=YYYY-MM-DD`` marks which relations held on
that day; the page's script draws the bars and moves the as-of line with the date picker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox
from flask import Blueprint, Flask, request

from graph.namespaces import PREFIXES, compact
from service.browse.catalog import Catalog, browse_query, get_catalog
from service.browse.common import as_of, render, split_suffix, store
from service.browse.data import sources
from service.browse.i18n import current_lang
from service.browse.labels import inferred
from service.browse.network import as_date, network_path
from service.browse.search import not_found
from service.browse.terms import href, iri_of, local_path, named, sort_key

bp = Blueprint("timeline", __name__)

OWN_PERIOD = PREFIXES["dct"] + "temporal"


@dataclass(frozen=True)
class Bound:
    """One end of a period as the data gives it, with the graphs that state it."""

    value: str
    datatype: str
    graphs: frozenset[str]
    carrier: str  # the relation node or thing whose period this is


@dataclass(frozen=True)
class Period:
    start: Bound | None
    end: Bound | None


def timeline_path(iri: str) -> str | None:
    """``/timeline/<slug>`` for an actor, agreement or project of ours, else ``None``."""
    path = local_path(iri)
    node = named(iri)
    if not path or not path.startswith("/id/") or node is None:
        return None
    if not store().ask(browse_query("timeline-kind"), substitutions={"focus": node}):
        return None
    return "/timeline/" + path[len("/id/") :]


def _term(iri: str) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(iri[2:]) if iri.startswith("_:") else ox.NamedNode(iri)


def _key(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def periods(carrier: str, cache: dict[str, list[Period]]) -> list[Period]:
    """The periods ``carrier`` states, each stated once however many sources state it."""
    if carrier in cache:
        return cache[carrier]
    found: dict[str, dict] = {}
    rows = store().select(browse_query("timeline-periods"),
                          substitutions={"carrier": _term(carrier)})
    for row in rows:
        entry = found.setdefault(_key(row["period"]), {"start": {}, "end": {}})
        for side, graph in (("start", "startGraph"), ("end", "endGraph")):
            if side in row:
                lit = row[side]
                entry[side].setdefault((lit.value, lit.datatype.value), set()).add(
                    row[graph].value)
    merged: dict[tuple, dict] = {}
    for entry in found.values():
        starts = list(entry["start"].items()) or [None]
        ends = list(entry["end"].items()) or [None]
        for s in starts:
            for e in ends:
                key = (s[0] if s else None, e[0] if e else None)
                graphs = merged.setdefault(key, {"start": set(), "end": set()})
                graphs["start"] |= s[1] if s else set()
                graphs["end"] |= e[1] if e else set()
    cache[carrier] = [
        Period(
            Bound(s[0], s[1], frozenset(g["start"]), carrier) if s else None,
            Bound(e[0], e[1], frozenset(g["end"]), carrier) if e else None,
        )
        for (s, e), g in sorted(merged.items(), key=lambda kv: str(kv[0]))
    ]
    return cache[carrier]


def combined(own: list[Period], fallback: list[Period]) -> list[Period]:
    """Each end from the relation's own period, else from the period of what it belongs to."""
    out: list[Period] = []
    for o in own or [None]:
        for f in fallback or [None]:
            start = (o.start if o else None) or (f.start if f else None)
            end = (o.end if o else None) or (f.end if f else None)
            period = Period(start, end)
            if (start or end) and period not in out:
                out.append(period)
    return out


def relation_rows(focus: str) -> dict[tuple, set[str]]:
    """(relation, other, direction, node, role, thing) → the graphs that state the relation."""
    grouped: dict[tuple, set[str]] = {}
    rows = store().select(browse_query("timeline"), substitutions={"focus": ox.NamedNode(focus)})
    for row in rows:
        key = (
            row["relation"].value,
            row["other"].value,
            row["direction"].value,
            _key(row["node"]) if "node" in row else None,
            row["role"].value if "role" in row else None,
            {"focus": focus, "other": row["other"].value}.get(row["datedBy"].value)
            if "datedBy" in row else None,
        )
        grouped.setdefault(key, set()).add(row["g"].value)
    return grouped


def _thing(iri: str, cat: Catalog, lang: str) -> dict:
    return {
        "iri": iri,
        "curie": compact(iri),
        "label": cat.label(iri, lang),
        "labels": {code: cat.label(iri, code) for code in ("sv", "en")},
        "href": href(iri),
    }


def _bound(bound: Bound | None, cat: Catalog, lang: str, node: str | None) -> dict | None:
    if bound is None:
        return None
    return {
        "value": bound.value,
        "datatype": bound.datatype,
        "datatype_curie": compact(bound.datatype),
        "own": bound.carrier == node,
        "period_of": None if bound.carrier == node else _thing(bound.carrier, cat, lang),
        "sources": sources(sorted(bound.graphs), cat, lang),
    }


def covers(period: Period) -> dict:
    """The days a period covers: a year from 1 January to 31 December, a month likewise."""
    first = as_date(period.start.value) if period.start else None
    last = as_date(period.end.value, end=True) if period.end else None
    return {"from": first.isoformat() if first else None, "to": last.isoformat() if last else None}


def holds_on(span: dict, day: date | None) -> bool | None:
    if day is None:
        return None
    return (span["from"] is None or span["from"] <= day.isoformat()) and (
        span["to"] is None or day.isoformat() <= span["to"]
    )


def _bars(cat: Catalog, focus: str, key: tuple, graphs: set[str], asof: date | None,
          cache: dict[str, list[Period]], lang: str) -> list[dict]:
    """The bars of one relation: one per period it has (none when no period is stated)."""
    relation, other, direction, node, role, thing = key
    spans = combined(periods(node, cache) if node else [], periods(thing, cache) if thing else [])
    if relation == OWN_PERIOD:  # the thing's own period: its sources are the period's
        graphs = {g for p in spans for b in (p.start, p.end) if b for g in b.graphs}
    other_network = network_path(other)
    base = {
        "relation": _thing(relation, cat, lang),
        "role": _thing(role, cat, lang) if role else None,
        "direction": "self" if other == focus else direction,
        "other": {**_thing(other, cat, lang), "timeline": other_network and
                  "/timeline/" + other_network[len("/network/"):]},
        "node": node if node and node != focus and not node.startswith("_:") else None,
        "sources": sources(sorted(graphs), cat, lang),
        "inferred": any(inferred().edge(g, focus, other) or inferred().edge(g, other, focus)
                        for g in graphs),
    }
    if not spans:
        return [base]
    return [
        {
            **base,
            "start": _bound(period.start, cat, lang, node),
            "end": _bound(period.end, cat, lang, node),
            "open_end": period.end is None,
            "covers": covers(period),
            "holds_on_asof": holds_on(covers(period), asof),
        }
        for period in spans
    ]


def timeline_data(cat: Catalog, focus: str, asof: date | None, lang: str) -> dict:
    cache: dict[str, list[Period]] = {}
    keys = list(relation_rows(focus).items())
    if periods(focus, cache):
        keys.insert(0, ((OWN_PERIOD, focus, "self", focus, None, None), set()))
    bars = [bar for key, graphs in keys
            for bar in _bars(cat, focus, key, graphs, asof, cache, lang)]
    dated = sorted((b for b in bars if "covers" in b), key=lambda b: (
        b["direction"] != "self", b["covers"]["from"] or "", b["covers"]["to"] or "9999",
        sort_key(b["other"]["label"])))
    undated = sorted((b for b in bars if "covers" not in b), key=lambda b: (
        sort_key(b["relation"]["label"]), sort_key(b["other"]["label"])))
    return {
        "focus": {**_thing(focus, cat, lang), "network": network_path(focus),
                  "types": [_thing(t, cat, lang) for t in cat.types.get(focus, [])]},
        "asof": asof.isoformat() if asof else None,
        "dated": dated,
        "undated": undated,
    }


@bp.get("/timeline/<path:rest>")
def timeline(rest: str):
    slug, suffix = split_suffix(rest)
    if suffix not in (None, "json", "html"):
        slug, suffix = rest, None
    iri = iri_of("id", slug)
    cat = get_catalog()
    node = named(iri)
    if not slug or node is None or (
        iri not in cat.labels and not store().ask(browse_query("exists"),
                                                  substitutions={"x": node})):
        return not_found(iri)
    payload = timeline_data(cat, iri, as_of(request.args.get("asof")), current_lang())
    query = request.query_string.decode()
    json_url = f"/timeline/{slug}.json" + (f"?{query}" if query else "")
    return render("timeline/timeline.html", payload, "timeline", json_url,
                  "json" if suffix == "json" else None)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["timeline_path"] = timeline_path
