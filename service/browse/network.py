"""The ego network of a thing: who is tied to whom, through which relation, when, says who.

Edges come from ``queries/browse/network-edges.rq`` (memberships, participations, posts, grants
and direct links such as ``kf:processLeads`` or ``kf:inCounty``), read once per store version.
``/network/<slug>?depth=1|2&relation=…&asof=YYYY-MM-DD`` filters them: by relation type, and by
date (a relation whose period does not cover the date is hidden; one without a period is kept).
The same network is served as JSON (``.json``), GraphML (``.graphml``), GEXF (``.gexf``) and a
CSV edge list (``.csv``: source,target,relation,start,end,graph,…, with its CSVW metadata at
``.csv-metadata.json``), written with networkx.
The page and the JSON also carry how each node is drawn (``style``, ``styles``: see
``service/network_style.py``).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import networkx as nx
from flask import Blueprint, Flask, Response, request

from graph.namespaces import compact
from service.browse.catalog import Catalog, browse_query, get_catalog
from service.browse.common import as_of, render, split_suffix
from service.browse.data import sources
from service.browse.i18n import current_lang
from service.browse.labels import inferred
from service.browse.network_style import legend, style_of
from service.browse.overview import expand
from service.browse.search import not_found
from service.browse.terms import href, iri_of, local_path, sort_key
from service.dataset import csvw
from service.spreadsheet import csv_text
from service.state import app_state

bp = Blueprint("network", __name__)
MAX_NODES = 400
CSV_FIELDS = [
    "source",
    "target",
    "relation",
    "start",
    "end",
    "graph",
    "role",
    "source_label",
    "target_label",
    "relation_label",
    "inferred",
]


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    relation: str
    role: str | None
    start: str | None
    end: str | None
    graph: str


class EdgeTable:
    """All edges of the graph, indexed by node, for one store version."""

    def __init__(self, store, version: str):
        self.version = version
        edges = set()
        for row in store.select(browse_query("network-edges")):
            edges.add(
                Edge(
                    row["source"].value,
                    row["target"].value,
                    row["relation"].value,
                    row["role"].value if "role" in row else None,
                    row["start"].value if "start" in row else None,
                    row["end"].value if "end" in row else None,
                    row["g"].value,
                )
            )
        self.edges = sorted(edges, key=lambda e: (e.source, e.target, e.relation, e.graph))
        self.by_node: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            self.by_node[edge.source].append(edge)
            self.by_node[edge.target].append(edge)




def edge_table(app: Flask | None = None) -> EdgeTable:
    return app_state(app).derived("edges", lambda store: EdgeTable(store, store.version))


def network_path(iri: str) -> str | None:
    """The network page of a thing of ours (``/network/<slug>``), else ``None``."""
    path = local_path(iri)
    return "/network/" + path[len("/id/") :] if path and path.startswith("/id/") else None


def as_date(value: str | None, end: bool = False) -> date | None:
    """``2023`` / ``2023-05`` / ``2023-05-04`` (/ a dateTime) → a date (period ends: last day)."""
    if not value:
        return None
    parts = value[:10].split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (12 if end else 1)
        day = int(parts[2]) if len(parts) > 2 else (31 if end and month == 12 else 1)
        if end and len(parts) == 2:
            following = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1)
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def valid_on(edge: Edge, day: date) -> bool:
    start, end = as_date(edge.start), as_date(edge.end, end=True)
    return (start is None or start <= day) and (end is None or day <= end)


def ego_network(
    table: EdgeTable, ego: str, depth: int, relations: set[str] | None, asof: date | None
) -> tuple[list[str], list[Edge], dict[str, int], bool]:
    """Nodes within ``depth`` steps of ``ego`` (either direction) and the edges among them."""

    def allowed(edge: Edge) -> bool:
        return (relations is None or edge.relation in relations) and (
            asof is None or valid_on(edge, asof)
        )

    distance = {ego: 0}
    frontier = [ego]
    truncated = False
    for step in range(1, depth + 1):
        following = []
        for node in frontier:
            for edge in table.by_node.get(node, []):
                if not allowed(edge):
                    continue
                other = edge.target if edge.source == node else edge.source
                if other not in distance:
                    if len(distance) >= MAX_NODES:
                        truncated = True
                        continue
                    distance[other] = step
                    following.append(other)
        frontier = following
    edges = [e for e in table.edges if e.source in distance and e.target in distance and allowed(e)]
    return list(distance), edges, distance, truncated


def relation_counts(table: EdgeTable, ego: str, depth: int) -> dict[str, int]:
    """How many edges of each relation the unfiltered network holds (for the checkboxes)."""
    _, edges, _, _ = ego_network(table, ego, depth, None, None)
    counts: dict[str, int] = defaultdict(int)
    for edge in edges:
        counts[edge.relation] += 1
    return counts


def network_data(
    cat: Catalog,
    table: EdgeTable,
    ego: str,
    depth: int,
    relations: set[str] | None,
    asof: date | None,
    lang: str,
) -> dict:
    nodes, edges, distance, truncated = ego_network(table, ego, depth, relations, asof)

    def main_type(iri: str) -> str | None:
        types = cat.types.get(iri, [])
        ours = [t for t in types if "/def#" in t]
        return (ours or types or [None])[0]

    available = relation_counts(table, ego, depth)
    marks = inferred()
    def node(n: str) -> dict:
        kind = main_type(n)
        curie = compact(kind) if kind else None
        return {
            "id": n,
            "label": cat.label(n, lang),
            "href": href(n),
            "network": network_path(n),
            "distance": distance[n],
            "type": curie,
            "type_label": cat.label(kind, lang) if kind else None,
            "style": style_of(curie).key,
        }

    order = sorted(nodes, key=lambda n: (distance[n], sort_key(cat.label(n, lang))))
    drawn = [node(n) for n in order]
    return {
        "ego": {"iri": ego, "label": cat.label(ego, lang), "href": href(ego),
                "network": network_path(ego)},
        "depth": depth,
        "asof": asof.isoformat() if asof else None,
        "relations": [
            {
                "id": compact(r),
                "iri": r,
                "label": cat.label(r, lang),
                "count": n,
                "checked": relations is None or r in relations,
            }
            for r, n in sorted(available.items(), key=lambda kv: sort_key(cat.label(kv[0], lang)))
        ],
        "truncated": truncated,
        "nodes": drawn,
        "styles": legend(drawn),
        "edges": [
            {
                "id": f"e{i}",
                "source": e.source,
                "target": e.target,
                "source_label": cat.label(e.source, lang),
                "target_label": cat.label(e.target, lang),
                "source_href": href(e.source),
                "target_href": href(e.target),
                "source_network": network_path(e.source),
                "target_network": network_path(e.target),
                "relation": compact(e.relation),
                "relation_label": cat.label(e.relation, lang),
                "role": compact(e.role) if e.role else None,
                "role_label": cat.label(e.role, lang) if e.role else None,
                "start": e.start,
                "end": e.end,
                "graph": e.graph,
                "sources": sources([e.graph], cat, lang),
                "inferred": marks.edge(e.graph, e.source, e.target),
            }
            for i, e in enumerate(edges)
        ],
    }


def to_networkx(payload: dict) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(name=f"Ego network of {payload['ego']['label']}")
    for node in payload["nodes"]:
        graph.add_node(
            node["id"], label=node["label"], type=node["type"] or "", distance=node["distance"]
        )
    for edge in payload["edges"]:
        graph.add_edge(
            edge["source"],
            edge["target"],
            key=edge["id"],
            relation=edge["relation"],
            relation_label=edge["relation_label"],
            role=edge["role"] or "",
            start=edge["start"] or "",
            end=edge["end"] or "",
            graph=edge["graph"],
            inferred=bool(edge.get("inferred")),
        )
    return graph


def csv_cell(edge: dict, field: str) -> str:
    """An edge's cell in the CSV edge list: full IRIs (relation and role too), ``true``/``false``
    for ``inferred``, the empty string for a missing value."""
    value = edge.get(field)
    if field == "inferred":
        return "true" if value else "false"
    if field in ("relation", "role") and value:
        return expand(value) or value
    return str(value or "")


def export(payload: dict, fmt: str) -> tuple[bytes, str]:
    if fmt == "csv":
        rows = ([csv_cell(edge, k) for k in CSV_FIELDS] for edge in payload["edges"])
        return csv_text(CSV_FIELDS, rows).encode("utf-8"), "text/csv; charset=utf-8"
    buffer = io.BytesIO()
    graph = to_networkx(payload)
    if fmt == "graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8")
        return buffer.getvalue(), "application/graphml+xml"
    nx.write_gexf(graph, buffer, encoding="utf-8")
    return buffer.getvalue(), "application/gexf+xml"


def _params() -> tuple[int, set[str] | None, date | None]:
    """Depth, the relations to keep, the date. The form sends the relation types it offered
    (``offered``) with the checked ones (``relation``): types it did not offer (new at a greater
    depth) stay in; a link with only ``relation=`` keeps just those."""
    depth = 2 if request.args.get("depth") == "2" else 1
    chosen = {expand(r) or r for r in request.args.getlist("relation") if r}
    offered = {expand(r) or r for r in request.args.getlist("offered") if r}
    relations: set[str] | None = chosen or None
    if offered:
        dropped = offered - chosen
        relations = None if not dropped else \
            {e.relation for e in edge_table().edges} - dropped
    return depth, relations, as_of(request.args.get("asof"))


@bp.get("/network")
@bp.get("/network.json")
def picker():
    cat, table, lang = get_catalog(), edge_table(), current_lang()
    degree = sorted(
        (
            (len({e.source for e in es} | {e.target for e in es}), n)
            for n, es in table.by_node.items()
            if network_path(n)
        ),
        reverse=True,
    )[:30]
    payload = {
        "actors": [
            {
                "iri": n,
                "label": cat.label(n, lang),
                "href": network_path(n),
                "neighbours": d - 1,
            }
            for d, n in degree
        ]
    }
    fmt = "json" if request.path.endswith(".json") else None
    return render("network/picker.html", payload, "network-picker", "/network.json", fmt)


@bp.get("/network/<path:rest>")
def network(rest: str):
    slug, suffix = split_suffix(rest)
    if rest.endswith(".csv" + csvw.METADATA):  # the CSVW metadata of the CSV edge list
        slug, suffix = rest[: -len(".csv" + csvw.METADATA)], "csvm"
    elif suffix is None and "." in rest:
        slug, _, suffix = rest.rpartition(".")
        if suffix not in ("graphml", "gexf", "csv"):
            slug, suffix = rest, None
    iri = iri_of("id", slug)
    cat = get_catalog()
    if iri not in cat.labels and iri not in edge_table().by_node:
        return not_found(iri)
    depth, relations, asof = _params()
    if suffix == "csvm":
        return csvw.network_metadata(CSV_FIELDS, cat.label(iri, "sv"), cat.label(iri, "en"))
    payload = network_data(cat, edge_table(), iri, depth, relations, asof, current_lang())
    query = request.query_string.decode()
    downloads = {
        f: f"/network/{slug}.{f}" + (f"?{query}" if query else "")
        for f in ("json", "graphml", "gexf", "csv")
    }
    payload["downloads"] = downloads
    if suffix in ("graphml", "gexf", "csv"):
        body, mimetype = export(payload, suffix)
        response = Response(body, content_type=mimetype)
        response.headers["Content-Disposition"] = f'attachment; filename="{slug}.{suffix}"'
        return csvw.describedby(response) if suffix == "csv" else response
    fmt = "json" if suffix == "json" else None
    return render("network/network.html", payload, "network", downloads["json"], fmt)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
