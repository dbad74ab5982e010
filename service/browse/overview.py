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
#: What a researcher looks for first, in this order: the actors, the agreements and the projects
#: (each a group of classes; the home page lists every instance of a class up to SHOWN of them).
LEADS = (
    ("actors", ("kf:Region", "kf:MunicipalFederation", "kf:SubregionalCompetenceCouncil",
                "kf:GovernmentAgency", "kf:CountyAdministrativeBoard")),
    ("agreements", ("kf:FundingAgreement", "kf:DeclarationOfIntent")),
    ("projects", ("kf:EsfProject", "kf:Project", "schema:Project")),
)
SHOWN = 8
#: Catalogue questions the home page offers (names in queries/catalogue/).
QUESTIONS = ("responsibility-chain", "forbund-municipalities", "competence-councils",
             "agreement-parties", "projects", "funding", "valid-on-date", "who-states")


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
        "leads": leads(classes, cat, lang),
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


def leads(classes: list[dict], cat: Catalog, lang: str) -> list[dict]:
    """The groups the home page opens with: per class its count, list page and (when there are
    few) its instances, by label."""
    counted = {c["iri"]: c for c in classes}
    members: dict[str, list[str]] = {}
    for subject, types in cat.types.items():
        for t in types:
            members.setdefault(t, []).append(subject)
    groups = []
    for key, curies in LEADS:
        entries = []
        for curie in curies:
            iri = expand(curie)
            if iri not in counted:
                continue  # a class the graph has no instance of
            found = sorted(members.get(iri, []), key=lambda m: sort_key(cat.label(m, lang)))
            shown = found if len(found) <= SHOWN else []
            entries.append({**counted[iri], "items": [link(m, cat, lang) for m in shown]})
        labels = [e["label"].casefold() for e in entries]
        for entry in entries:  # two classes of one name (kf:Project, schema:Project): say which
            entry["ambiguous"] = labels.count(entry["label"].casefold()) > 1
        groups.append({"key": key, "classes": entries})
    return groups


def questions(found: dict[str, queries.QueryFile], lang: str) -> list[dict]:
    """The catalogue questions the home page offers, titled in ``lang``."""
    return [{"name": name, "url": f"/queries/{name}",
             "title": (found[name].get("summary_sv") if lang == "sv" else "")
             or found[name].summary}
            for name in QUESTIONS if name in found]


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
