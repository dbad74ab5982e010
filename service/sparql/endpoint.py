"""The SPARQL 1.1 endpoint ``/sparql``: query, update, service description — with its guards.

Guards (settings in ``app.config``, overridable by ``KG_…`` environment variables):
``KG_QUERY_TIMEOUT`` (a request may lower it with ``timeout=``), ``KG_QUERY_MEMORY`` (507),
``KG_MAX_ROWS`` (truncation is signalled, never silent), ``KG_MAX_REQUEST_BYTES`` (413),
``KG_WORKERS`` and ``KG_MAX_CONCURRENT`` (503 + Retry-After when saturated),
``KG_SERVICE_ALLOWLIST`` (SERVICE and LOAD are refused unless the endpoint is listed:
:mod:`service.sparql.gate`, which also refuses requests nested too deep), ``KG_CACHE_SIZE``,
``KG_UPDATE_TOKEN`` (updates off when empty) and ``KG_DATA_DIR``. See the README's "Guards
and settings".
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request

from graph.namespaces import PREDECLARED
from graph.sparql_text import scan
from graph.store import QueryError, StoreError
from service.errors import HttpError, ServerFault
from service.sparql import update
from service.sparql.description import service_description
from service.sparql.engine import (
    EngineBusy,
    QueryTimeout,
)
from service.sparql.gate import Refused, check_federation, check_nesting
from service.sparql.protocol import SparqlRequest, parse_request
from service.sparql.results import GRAPH_TYPES, OFFERS, RESULT_TYPES, Answer, Job
from service.sparql.state import (
    Sparql,
    choose,
    guarded,
    limit_error,
    preflight,
    query_timeout,
    start,
    state,
)

EXPOSED = (
    "X-KG-Truncated, X-KG-Row-Limit, X-KG-Rows, X-KG-Cache, X-KG-Timeout, X-KG-Memory-Limit, "
    "Retry-After"
)

bp = Blueprint("sparql", __name__)


def init_app(app: Flask) -> None:
    """The served dataset, the query engine, the cache; the /sparql and /store routes."""
    start(app)
    app.register_blueprint(bp)
    update.init_app(app)


@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return response


ENDPOINT_METHODS = "GET, HEAD, POST, OPTIONS"


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return preflight(ENDPOINT_METHODS)
    if request.method not in ("GET", "HEAD", "POST"):
        raise HttpError(
            405,
            f"{request.method} is not a SPARQL protocol method here",
            headers={"Allow": ENDPOINT_METHODS},
        )
    req = parse_request(request, int(current_app.config["KG_MAX_REQUEST_BYTES"]))
    if req.update is not None:
        return update.run_update(req)
    if req.query is None:
        return service_description(req.format)
    return run_query(req)


def run_query(req: SparqlRequest) -> Response:
    sparql, config = state(), current_app.config
    text = req.query or ""
    try:
        check_nesting(text)  # before any parser sees it
        found = scan(text)
        if found.form == "update":
            raise Refused(
                "this is a SPARQL Update: send it by POST as update= or application/sparql-update"
            )
        calls = check_federation(text, config["KG_SERVICE_ALLOWLIST"], update=False)
    except Refused as exc:
        raise HttpError(400, str(exc)) from None
    job = make_job(req, found.form)
    cacheable = not calls and not found.volatile
    key = answer_key(sparql, job)
    if cacheable:
        answer = sparql.cache.get(key)
        if answer is not None:
            return answer_response(answer, "hit")
    answer = execute(sparql, job, req.timeout)
    if cacheable:
        sparql.cache.put(key, answer, len(answer.body))
    return answer_response(answer, "miss")


def answer_key(sparql: Sparql, job: Job) -> tuple:
    """The answer cache's key: everything that decides an answer (also used by the lean path,
    :mod:`service.sparql.fastpath`)."""
    return (
        sparql.dataset.version,
        job.query,
        _tuple(job.default_graph),
        _tuple(job.named_graphs),
        job.result_type,
        job.graph_type,
        job.max_rows,
    )


def make_job(req: SparqlRequest, form: str | None) -> Job:
    """The job with its negotiated format (only the query's own form is negotiated; raises the
    406 when none fits)."""
    result_type, graph_type = RESULT_TYPES[0], GRAPH_TYPES[0]
    if form in OFFERS:
        chosen = choose(OFFERS[form], req.format, f" for a {form.upper()} query")
        if form in ("select", "ask"):
            result_type = chosen
        else:
            graph_type = chosen
    max_rows = int(current_app.config["KG_MAX_ROWS"])
    return Job(
        req.query or "",
        req.default_graph,
        req.named_graphs,
        result_type,
        graph_type,
        max_rows,
        prefixes=PREDECLARED,
    )


def execute(sparql: Sparql, job: Job, requested: float | None) -> Answer:
    """Run ``job`` within the concurrency limit and the timeout; raises the error answer."""
    timeout = query_timeout(requested)
    try:
        return guarded(sparql, job, timeout)
    except FAILURES as exc:
        raise failure(exc, timeout) from None


#: what running a query may raise (the lean path, :mod:`service.sparql.fastpath`, catches them too)
FAILURES = (QueryError, QueryTimeout, EngineBusy, StoreError)


def failure(exc: Exception, timeout: float) -> HttpError:
    """The error answer to a query that failed while it ran (one of :data:`FAILURES`)."""
    if isinstance(exc, QueryError):
        return HttpError(400, str(exc))
    if isinstance(exc, QueryTimeout | EngineBusy):
        return limit_error(exc, timeout)
    return ServerFault("the store failed while answering the query", exc)


def _tuple(values: list[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def answer_response(answer: Answer, cache: str) -> Response:
    response = Response(answer.body, status=200, content_type=answer.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["X-KG-Rows"] = str(answer.rows)
    response.headers["X-KG-Cache"] = cache
    if answer.truncated:
        response.headers["X-KG-Truncated"] = "true"
        response.headers["X-KG-Row-Limit"] = str(current_app.config["KG_MAX_ROWS"])
    return response
