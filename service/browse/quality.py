"""The quality page, ``/quality`` (HTML) and ``/quality.json``: what to know before trusting
an answer, counted from the live store.

Each section is computed by a query of ``queries/quality/`` (conflicts by the catalogue's own
``disagreements`` query: one definition of a conflict), run as the catalogue runs its queries —
on the SPARQL endpoint's query engine, under ``KG_QUERY_TIMEOUT`` and ``KG_MAX_CONCURRENT`` —
plus the SHACL warnings and notes (``sh:Warning``, ``sh:Info``) of validating the store with the
project's shapes, computed at most once per store version and kept. Every list links to the
things it names (their pages on this site).
"""

from __future__ import annotations

import pyoxigraph as ox
import rdflib
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from graph import queries
from graph.build import USER_GRAPHS
from graph.namespaces import ONTOLOGY_GRAPH, compact
from graph.store import QueryError, StoreError
from graph.validate import shapes_files, user_scope
from service.browse.catalog import Catalog, get_catalog
from service.browse.cite import REQUIRED, all_documents, missing_fields
from service.browse.i18n import current_lang
from service.browse.terms import href
from service.catalogue.data import Answer, job, read
from service.errors import ServerFault
from service.sparql.endpoint import guarded, limit_error, query_timeout, state
from service.sparql.engine import EngineBusy, QueryTimeout
from service.state import app_state

bp = Blueprint("quality", __name__)
FOLDER = "quality"
HTML_ROWS = 200  # rows per list on the HTML page; the JSON twin has them all
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
SEVERITIES = (SH.Warning, SH.Info)


def run(name: str, folder: str = FOLDER) -> Answer:
    """One query of ``queries/<folder>/<name>.rq`` on the endpoint's guarded query engine."""
    qf = queries.load(queries.QUERIES / folder / f"{name}.rq")
    limit = int(current_app.config.get("KG_MAX_ROWS") or 10_000)
    return read(guarded(state(), job(qf, {}, limit), query_timeout()))


def rows_of(answer: Answer) -> list[dict]:
    return [{c: v for c, v in zip(answer.columns, row, strict=True) if v is not None}
            for row in answer.rows]


def thing(term, cat: Catalog, lang: str) -> dict | None:
    """A term as a labelled link (site path for our IRIs), or a literal's text."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"iri": term.value, "label": cat.label(term.value, lang), "href": href(term.value),
                "curie": compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"label": "_:" + term.value}
    return {"label": term.value, "lang": term.language}


def _section(key: str, rows: list[dict], count: int | None = None, **extra) -> dict:
    return {"id": key, "count": len(rows) if count is None else count, "rows": rows, **extra}


def periods(cat: Catalog, lang: str) -> dict:
    rows = rows_of(run("relations-without-period"))
    kinds: dict[str, int] = {}
    out = []
    for r in rows:
        kind = r["kind"].value
        kinds[compact(kind)] = kinds.get(compact(kind), 0) + 1
        out.append({"kind": thing(r["kind"], cat, lang), "node": thing(r.get("node"), cat, lang),
                    "from": thing(r["from"], cat, lang), "to": thing(r["to"], cat, lang),
                    "role": thing(r.get("role"), cat, lang),
                    "graph": thing(r["graph"], cat, lang)})
    return _section("periods", out, by_kind=kinds)


def citations(cat: Catalog, lang: str) -> dict:
    docs = all_documents(rows_of(run("citation-fields")), cat, lang)
    out, per_field = [], dict.fromkeys(REQUIRED, 0)
    for doc, fields in sorted(docs.items()):
        missing = missing_fields(fields)
        for name in missing:
            per_field[name] += 1
        if missing:
            out.append({"document": thing(ox.NamedNode(doc), cat, lang), "missing": missing})
    return _section("citations", out, documents=len(docs), by_field=per_field)


def single_source(cat: Catalog, lang: str) -> dict:
    rows = rows_of(run("single-source"))
    out = [{"thing": thing(r["thing"], cat, lang), "facts": int(r["facts"].value),
            "single": int(r["single"].value), "several": int(r["several"].value)} for r in rows]
    totals = {key: sum(r[key] for r in out) for key in ("facts", "single", "several")}
    return _section("single-source", out, count=totals["single"], totals=totals)


def conflicts(cat: Catalog, lang: str) -> dict:
    rows = rows_of(run("disagreements", folder="catalogue"))
    out = [{"subject": thing(r["subject"], cat, lang), "property": thing(r["property"], cat, lang),
            "value1": thing(r["value1"], cat, lang), "source1": thing(r["source1"], cat, lang),
            "value2": thing(r["value2"], cat, lang), "source2": thing(r["source2"], cat, lang)}
           for r in rows]
    noted: dict[str, dict] = {}
    for r in rows_of(run("recorded-conflicts")):
        note, key = r["note"], r["thing"].value
        entry = noted.setdefault(key, {"thing": thing(r["thing"], cat, lang), "note": None})
        if entry["note"] is None or note.language == lang:
            entry["note"] = note.value
    return _section("conflicts", out, recorded=list(noted.values()))


def inferred(cat: Catalog, lang: str) -> dict:
    out = [{"graph": thing(r["graph"], cat, lang), "subject": thing(r.get("subject"), cat, lang),
            "member": thing(r.get("member"), cat, lang),
            "organization": thing(r.get("organization"), cat, lang),
            "description": r["description"].value if "description" in r else None}
           for r in rows_of(run("inferred"))]
    return _section("inferred", out)


# --------------------------------------------------------------------------- SHACL


def shacl_results(store) -> list[dict]:
    """Warnings and notes of validating the store's data (every graph but the ontology, which
    is given to pyshacl as the ontology; of a researcher's own file only what it says about the
    project's things, as the build judges it) with the project's shapes. Slow: see
    :func:`shacl`."""
    import pyshacl  # slow to import; only this page needs it at run time

    shapes = rdflib.Graph()
    for path in shapes_files():
        shapes.parse(path, format="turtle")
    data, ontology = rdflib.Graph(), rdflib.Graph()
    theirs = {}
    for graph in store.named_graphs():
        if graph.startswith(USER_GRAPHS):  # a researcher's file: what it says about our things
            theirs[graph] = graph
            continue
        target = ontology if graph == ONTOLOGY_GRAPH else data
        target.parse(data=store.dump(ox.RdfFormat.N_TRIPLES, graph), format="nt")
    data += user_scope(store, theirs)
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", advanced=True,
        allow_warnings=True,
    )
    found = []
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        if severity not in SEVERITIES:
            continue
        messages = {m.language or "": str(m) for m in results.objects(result, SH.resultMessage)}
        path = results.value(result, SH.resultPath)
        found.append({
            "severity": "warning" if severity == SH.Warning else "info",
            "focus": str(results.value(result, SH.focusNode)),
            "path": str(path) if isinstance(path, rdflib.URIRef) else None,
            "messages": messages,
        })
    return sorted(found, key=lambda r: (r["severity"], r["focus"], r["path"] or ""))


def shacl(app: Flask) -> list[dict]:
    """The SHACL warnings of the current store version: validated once per version, kept."""
    return app_state(app).derived("shacl", shacl_results)


def warnings(cat: Catalog, lang: str) -> dict:
    out = []
    for r in shacl(current_app._get_current_object()):
        node = ox.NamedNode(r["focus"]) if r["focus"].startswith(("http:", "https:")) else None
        other = "en" if lang == "sv" else "sv"
        message = r["messages"].get(lang) or r["messages"].get(other) or \
            next(iter(r["messages"].values()), "")
        out.append({"severity": r["severity"],
                    "focus": thing(node, cat, lang) if node else {"label": r["focus"]},
                    "path": thing(ox.NamedNode(r["path"]), cat, lang) if r["path"] else None,
                    "message": message})
    return _section("shacl", out)


# --------------------------------------------------------------------------- the page

SECTIONS = (periods, citations, single_source, conflicts, inferred, warnings)


@bp.get("/quality")
@bp.get("/quality.json")
def page():
    lang, cat = current_lang(), get_catalog()
    timeout = query_timeout()
    try:
        sections = [compute(cat, lang) for compute in SECTIONS]
    except (QueryTimeout, EngineBusy) as exc:
        raise limit_error(exc, timeout) from None
    except (QueryError, StoreError) as exc:  # our own queries: the server's fault
        raise ServerFault("the store failed while computing the quality page", exc) from None
    data = {
        "page": "quality",
        "lang": lang,
        "store_version": app_state().store.version,
        "counts": {s["id"]: s["count"] for s in sections},
        "sections": {s["id"]: s for s in sections},
        "queries": sorted(f"queries/{FOLDER}/{p.name}"
                          for p in (queries.QUERIES / FOLDER).glob("*.rq"))
        + ["queries/catalogue/disagreements.rq"],
    }
    if request.path.endswith(".json"):
        return jsonify(data)
    body = render_template("quality/quality.html", d=data, json_url="/quality.json",
                           html_rows=HTML_ROWS)
    return Response(body, content_type="text/html; charset=utf-8")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
