"""The data of the home page and of the per-class lists."""

from __future__ import annotations

import math
from urllib.parse import quote

import pyoxigraph as ox

from graph import queries
from graph.namespaces import PREFIXES, STRUCTURAL_GRAPHS, compact
from graph.store import GraphStore
from service.browse.catalog import Catalog, browse_query
from service.browse.terms import link, sort_key

SOURCE_DOCUMENT = PREFIXES["kf"] + "SourceDocument"
LIST_PAGE = 50


def expand(curie: str) -> str | None:
    """``kf:Region`` → the full IRI; ``None`` for an unknown prefix."""
    prefix, sep, local = curie.partition(":")
    if not sep or prefix not in PREFIXES:
        return None
    return PREFIXES[prefix] + local


def home(store: GraphStore, cat: Catalog, lang: str) -> dict:
    classes = []
    for row in store.select(queries.internal("class-counts")):
        iri = row["class"].value
        if iri.startswith(PREFIXES["owl"]) or iri.startswith(PREFIXES["rdfs"]):
            continue  # the ontology's own machinery is documented at /def
        classes.append(
            {
                **link(iri, cat, lang),
                "count": int(row["count"].value),
                "list": "/class/" + quote(compact(iri), safe=":"),
            }
        )
    graphs = store.select(queries.internal("graph-counts"))
    fact_graphs = [g for g in graphs if g["graph"].value not in STRUCTURAL_GRAPHS]
    docs = sorted(
        (s for s, types in cat.types.items() if SOURCE_DOCUMENT in types),
        key=lambda s: sort_key(cat.label(s, lang)),
    )
    per_doc: dict[str, int] = {}
    for meta in cat.graphs.values():
        per_doc[meta["doc"]] = per_doc.get(meta["doc"], 0) + 1
    info = getattr(store, "info", {}) or {}
    return {
        "classes": classes,
        "counts": {
            "triples": sum(int(g["triples"].value) for g in graphs),
            "named_graphs": len(graphs),
            "fact_graphs": len(fact_graphs),
            "sources": len(docs),
            "entities": sum(1 for s in cat.labels if "/id/" in s),
        },
        "sources": [{**link(d, cat, lang), "graphs": per_doc.get(d, 0)} for d in docs],
        "build": info.get("build_id", store.version),
        "built_at": info.get("built_at") or info.get("time"),
        "endpoint": "/sparql",
    }


def class_list(
    store: GraphStore,
    cat: Catalog,
    class_iri: str,
    lang: str,
    *,
    sort: str = "label",
    order: str = "asc",
    page: int = 1,
) -> dict:
    rows = store.select(browse_query("instances"), substitutions={"class": ox.NamedNode(class_iri)})
    items = [link(r["s"].value, cat, lang) for r in rows]
    if sort == "iri":
        items.sort(key=lambda i: i["iri"], reverse=order == "desc")
    else:
        sort = "label"
        items.sort(key=lambda i: sort_key(i["label"]), reverse=order == "desc")
    pages = max(1, math.ceil(len(items) / LIST_PAGE))
    page = min(max(1, page), pages)
    return {
        "class": link(class_iri, cat, lang),
        "count": len(items),
        "sort": sort,
        "order": "desc" if order == "desc" else "asc",
        "page": page,
        "pages": pages,
        "page_size": LIST_PAGE,
        "items": items[(page - 1) * LIST_PAGE : page * LIST_PAGE],
    }
