"""Routes of the browser: home, class lists, and dereferencing of every IRI in our namespace.

``/id/…``, ``/source/…``, ``/graph/…`` and ``/def/…`` answer HTML or RDF by content negotiation
(``Vary: Accept``, ``Link: rel="alternate"``) and by explicit suffix (``.ttl``, ``.jsonld``,
``.rdf``, ``.nt``, ``.trig``, ``.nq``; ``.json`` is the page's data, ``.html`` the page).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request

from graph.formats import DOCUMENT_FORMATS, HTML, media_types
from graph.namespaces import ONTOLOGY_GRAPH, VOCAB_GRAPH
from service.browse import data, network, ontodoc, overview
from service.browse.catalog import browse_query, get_catalog
from service.browse.common import page_int, render, split_suffix, store, twin
from service.browse.i18n import current_lang
from service.browse.rdf import FORMATS, SUFFIXES, description, serialize
from service.browse.search import not_found
from service.browse.terms import iri_of, named
from service.catalogue.views import catalogue
from service.errors import HttpError
from service.negotiation import negotiate

bp = Blueprint("browse", __name__)

OFFERS = [HTML, *media_types(FORMATS)]
ONTOLOGY_GRAPHS = (ONTOLOGY_GRAPH, VOCAB_GRAPH)


@bp.after_request
def open_to_scripts(response: Response) -> Response:
    """Linked data is public: scripts on other sites may fetch it (read-only GETs)."""
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    response.headers.setdefault("Access-Control-Expose-Headers", "Link, Vary, Content-Location")
    return response


@bp.get("/")
@bp.get("/index.json")
@bp.get("/index.html")
def home():
    cat, lang = get_catalog(), current_lang()
    payload = overview.home(store(), cat, lang)
    payload["questions"] = overview.questions(catalogue(), lang)
    payload["question_count"] = len(catalogue())
    fmt = "json" if request.path.endswith(".json") else None
    return render("browse/home.html", payload, "home", "/index.json", fmt)


@bp.get("/class/<curie>")
def class_list(curie: str):
    fmt = None
    if curie.endswith(".json"):
        curie, fmt = curie[:-5], "json"
    iri = overview.expand(curie)
    if iri is None or named(iri) is None:  # an unknown prefix, or no valid IRI
        return not_found(iri or curie)
    payload = overview.class_list(
        store(),
        get_catalog(),
        iri,
        current_lang(),
        sort=request.args.get("sort", "label"),
        order=request.args.get("order", "asc"),
        page=page_int("page"),
    )
    if payload["count"] == 0 and not get_catalog().labels.get(iri):
        return not_found(iri)
    args = request.query_string.decode()
    return render(
        "browse/list.html",
        payload,
        "class",
        f"/class/{curie}.json" + (f"?{args}" if args else ""),
        fmt,
    )


@bp.get("/def")
@bp.get("/def.<suffix>")
def ontology(suffix: str | None = None):
    """The ontology: documentation (pyLODE) for people, the ontology graph for programs."""
    offers = [HTML, *media_types(DOCUMENT_FORMATS)]  # no quads: the ontology is one graph
    if suffix == "css":  # the documentation's stylesheet (no inline styles: see headers.py)
        css = ontodoc.stylesheet(current_app._get_current_object(), get_catalog())
        return Response(css, content_type="text/css; charset=utf-8")
    if suffix is not None and suffix not in SUFFIXES:
        return not_found(iri_of("def", "") + suffix)
    media = SUFFIXES[suffix] if suffix else negotiate(request.headers.get("Accept"), offers)
    if media is None:
        raise HttpError(406, "Not acceptable; available: " + ", ".join(offers))
    cat = get_catalog()
    if media in ("text/html", "application/json"):
        page_html = ontodoc.pylode_page(current_app._get_current_object(), cat)
        listed = ontodoc.terms(store(), cat)
        if media == "application/json":
            response = jsonify(
                twin(
                    {"terms": listed, "generator": "pylode" if page_html else "fallback"},
                    "ontology",
                )
            )
        elif page_html:
            response = Response(page_html, content_type="text/html; charset=utf-8")
        else:
            response = Response(
                render_template("browse/ontology.html", d={"terms": listed}, json_url="/def.json")
            )
    else:
        triples = [
            ox.Quad(r["s"], r["p"], r["o"], r["g"])
            for graph in ONTOLOGY_GRAPHS
            for r in store().select(
                browse_query("graph-content"), substitutions={"g": ox.NamedNode(graph)}
            )
        ]
        response = Response(serialize(triples, media), content_type=f"{media}; charset=utf-8")
    response.headers["Link"] = alternates("/def")
    if not suffix:
        response.headers["Vary"] = "Accept"
    return response


def exists(iri: str) -> bool:
    """Is ``iri`` used in the graph? An address that makes no valid IRI (``/id/a%20b``) is not."""
    node = named(iri)
    return node is not None and store().ask(browse_query("exists"), substitutions={"x": node})


def alternates(path: str) -> str:
    links = [
        f'<{path}.{suffix}>; rel="alternate"; type="{media}"'
        for suffix, media in SUFFIXES.items()
        if suffix != "html"
    ]
    return ", ".join(links)


@bp.get("/<any(id, source, graph, def):kind>/<path:rest>")
def resource(kind: str, rest: str):
    slug, suffix = split_suffix(rest)
    iri = iri_of(kind, slug)
    if kind == "def" and not exists(iri):
        version = current_app.config["KG_BASE_IRI"] + "def/" + rest
        if exists(version):  # an ontology version IRI: the ontology's own page
            return redirect("/def", code=303)
    if not slug or not exists(iri):
        return not_found(iri)
    if suffix:
        media = SUFFIXES[suffix]
    else:
        media = negotiate(request.headers.get("Accept"), OFFERS)
        if media is None:
            raise HttpError(
                406, "Not acceptable; available: " + ", ".join(OFFERS), headers={"Vary": "Accept"}
            )
    path = f"/{kind}/{slug}"
    if media in ("text/html", "application/json"):
        response = page(kind, iri, path, "json" if media == "application/json" else None)
    else:
        response = rdf_response(kind, iri, media)
    response.headers["Link"] = alternates(path)
    if not suffix:
        response.headers["Vary"] = "Accept"
        response.headers["Content-Location"] = f"{path}.{_suffix_of(media)}"
    return response


def _suffix_of(media: str) -> str:
    return next(s for s, m in SUFFIXES.items() if m == media)


def page(kind: str, iri: str, path: str, fmt: str | None) -> Response:
    cat, lang = get_catalog(), current_lang()
    if kind == "graph":
        payload = data.entity(store(), cat, iri, lang)
        payload["content"] = data.describe_graph(store(), cat, iri, lang)
        template = "browse/graph.html"
    elif kind == "source":
        payload = data.describe_source(store(), cat, iri, lang)
        template = "browse/source.html"
    else:
        focus = request.args.get("in")
        focus_iri = overview.expand(focus) if focus and ":" in focus and "/" not in focus else focus
        payload = data.entity(store(), cat, iri, lang, focus_iri, page_int("page"))
        payload["relations"] = relations_of(iri, cat, lang)
        template = "browse/entity.html"
    payload["rdf"] = {s: f"{path}.{s}" for s in SUFFIXES if s not in ("json", "html")}
    return render(template, payload, kind, f"{path}.json", fmt)


def relations_of(iri: str, cat, lang: str) -> list[dict]:
    """The thing's direct relations (memberships, roles, grants, links) as network edges."""
    table = network.edge_table()
    if iri not in table.by_node:
        return []
    edges = network.network_data(cat, table, iri, 1, None, None, lang)["edges"]
    return [e for e in edges if iri in (e["source"], e["target"])][:200]


def rdf_response(kind: str, iri: str, media: str) -> Response:
    cat = get_catalog()
    if kind == "graph":
        quads = [
            ox.Quad(q.subject, q.predicate, q.object, q.graph_name) for q in _graph_quads(iri)
        ] + description(store(), cat, iri)
    else:
        quads = description(store(), cat, iri)
    body = serialize(quads, media)
    return Response(body, content_type=f"{media}; charset=utf-8")


def _graph_quads(iri: str) -> list[ox.Quad]:
    node = ox.NamedNode(iri)
    return [
        ox.Quad(r["s"], r["p"], r["o"], node)
        for r in store().select(browse_query("graph-content"), substitutions={"g": node})
    ]


@bp.app_errorhandler(404)
def no_route(_error) -> Response:
    """An address no route takes (``/id/a%0Ab``: a path segment with a line break, say): in our
    namespace the helpful 404 of :func:`not_found`, elsewhere the house error shape. (An error
    handler's own exception is not handled again: the :class:`HttpError` is answered here.)"""
    kind, _, rest = request.path.lstrip("/").partition("/")
    try:  # not_found raises the 404 for scripts; here it is answered, not raised on
        if kind in ("id", "source", "graph", "def", "network") and rest:
            slug, _suffix = split_suffix(rest)
            return not_found(iri_of("id" if kind == "network" else kind, slug))
        if kind.startswith("class") and rest:
            return not_found(rest)
    except HttpError as exc:
        return exc.response()
    return HttpError(404, f"There is no page at {request.path}; start at /").response()
