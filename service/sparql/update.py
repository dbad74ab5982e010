"""SPARQL 1.1 Update on ``/sparql`` and the Graph Store HTTP Protocol on ``/store``.

Both exist only when ``KG_UPDATE_TOKEN`` is set, and only for requests that carry it as
``Authorization: Bearer <token>``: 401 without it, 403 with a wrong one. With no token configured
the endpoint is read-only: an update is refused with 403 and ``/store`` answers 404.

Every change goes through :meth:`Dataset.write`: it is atomic (all of it or, on any error,
nothing), flushed to disk, and published to the query workers and the cache before the answer.
On the on-disk store it is parsed and applied in the update process
(:mod:`service.sparql.writer`), under ``KG_QUERY_TIMEOUT`` and ``KG_QUERY_MEMORY``: ``504`` or
``507`` (nothing changed) past them, a ``500`` if that process ends, never a dead server.
"""

from __future__ import annotations

import hmac

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request

from graph.formats import TRIPLE_FORMATS, media_types, rdf_format
from graph.sparql_text import with_using
from graph.store import QueryError, StoreError
from graph.validate import dtd_refusal
from service.errors import HttpError, ServerFault
from service.sparql.gate import refusal
from service.sparql.process import QueryTimeout
from service.sparql.protocol import SparqlRequest
from service.sparql.state import choose, limit_error, preflight, query_timeout, state

bp = Blueprint("sparql_store", __name__)

#: what a graph is read and written in: the one-graph formats, and N-Triples as ``text/plain``
TRIPLE_TYPES = media_types(TRIPLE_FORMATS)
STORE_METHODS = "GET, HEAD, PUT, POST, DELETE, OPTIONS"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def authorize() -> None:
    """Raises the 401/403 unless the request may write."""
    token = current_app.config["KG_UPDATE_TOKEN"]
    if not token:
        raise HttpError(
            403, "this endpoint is read-only: updates are off (no KG_UPDATE_TOKEN is configured)"
        )
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise HttpError(
            401,
            "updates need `Authorization: Bearer <token>`",
            headers={"WWW-Authenticate": 'Bearer realm="kompetensgraf"'},
        )
    if not hmac.compare_digest(given.strip().encode(), str(token).encode()):
        raise HttpError(403, "the bearer token is not valid for updates")


def _write(name: str, *args) -> None:
    """Apply the change ``name`` of :data:`~service.sparql.worker.WRITES`; raises the error
    answer when it was not applied."""
    timeout = query_timeout()
    try:
        state().dataset.write(name, *args, timeout=timeout)
    except QueryError as exc:
        raise HttpError(400, f"nothing was changed: {exc}") from None
    except QueryTimeout as exc:  # MemoryLimit included: stopped, nothing changed
        limit = limit_error(exc, timeout)
        raise HttpError(limit.status, f"nothing was changed: {limit.message}",
                        headers=limit.headers) from None
    except StoreError as exc:
        raise ServerFault("the store failed while applying the change", exc) from None


def run_update(req: SparqlRequest) -> Response:
    authorize()
    text = req.update or ""
    refused = refusal(text, current_app.config["KG_SERVICE_ALLOWLIST"], update=True)
    if refused:  # nested too deep, or SERVICE/LOAD not allowed (service.sparql.gate)
        raise HttpError(400, f"nothing was changed: {refused}")
    if req.using or req.using_named:
        try:
            text = with_using(text, req.using, req.using_named)
        except ValueError as exc:
            raise HttpError(400, str(exc)) from None
    _write("update", text)
    return Response("Update applied.\n", status=200, content_type="text/plain; charset=utf-8")


# --- Graph Store HTTP Protocol --------------------------------------------------------------------
@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/store", methods=["GET", "PUT", "POST", "DELETE", "OPTIONS"])
def graph_store() -> Response:
    if request.method == "OPTIONS":
        return preflight(STORE_METHODS)
    if not current_app.config["KG_UPDATE_TOKEN"]:
        raise HttpError(
            404, "the Graph Store protocol is off (no KG_UPDATE_TOKEN configured)"
        )
    authorize()
    graph = request.args.get("graph")
    default = "default" in request.args
    if bool(graph) == default:
        raise HttpError(400, "name exactly one target: ?graph=<IRI> or ?default")
    store = state().dataset.store
    exists = default or graph in store.named_graphs()
    if request.method in ("GET", "HEAD"):
        if not exists:
            raise HttpError(404, f"no graph {graph}")
        chosen = choose(TRIPLE_TYPES, request.args.get("format"))
        try:
            body = store.dump(rdf_format(chosen, TRIPLE_FORMATS), graph or "default")
        except StoreError as exc:
            raise ServerFault("the store failed while reading the graph", exc) from None
        return Response(body, content_type=chosen)
    if request.method == "DELETE":
        if not exists:
            raise HttpError(404, f"no graph {graph}")
        _write("clear", graph)
        return Response(status=204)
    fmt = rdf_format(request.mimetype, TRIPLE_FORMATS) or (
        ox.RdfFormat.N_TRIPLES if request.mimetype == "text/plain" else None
    )
    if fmt is None:
        raise HttpError(
            415, f"unsupported content type {request.mimetype!r}: send {', '.join(TRIPLE_TYPES)}"
        )
    # parsed (refused if it does not parse) where the change runs: in the update process, under
    # its memory and time limits, never here; RDF/XML with a DTD is refused before any parser
    data, media = request.get_data(), fmt.media_type
    if fmt == ox.RdfFormat.RDF_XML and (why := dtd_refusal(data)):
        raise HttpError(400, f"nothing was changed: {why}")
    status = 204 if exists else 201
    if request.method == "PUT":
        _write("replace", graph, data, media)
    else:
        _write("load", data, media, graph)
    return Response(status=status)
