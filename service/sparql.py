"""The SPARQL 1.1 endpoint ``/sparql``: query, update, service description — with its guards.

Guards (settings in ``app.config``, overridable by ``KG_…`` environment variables):
``KG_QUERY_TIMEOUT`` (a request may lower it with ``timeout=``), ``KG_QUERY_MEMORY`` (507),
``KG_MAX_ROWS`` (truncation is signalled, never silent), ``KG_MAX_REQUEST_BYTES`` (413),
``KG_WORKERS`` and ``KG_MAX_CONCURRENT`` (503 + Retry-After when saturated),
``KG_SERVICE_ALLOWLIST`` (SERVICE and LOAD are refused unless the endpoint is listed:
:mod:`service.sparql_gate`, which also refuses requests nested too deep), ``KG_CACHE_SIZE``,
``KG_UPDATE_TOKEN`` (updates off when empty) and ``KG_DATA_DIR``. See the README's "Guards
and settings".
"""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from graph.namespaces import PREDECLARED
from graph.sparql_text import scan
from graph.store import QueryError, StoreError
from service import _from_environment, get_store
from service.cache import AnswerCache
from service.errors import error_response, server_error
from service.negotiation import NotAcceptable
from service.negotiation import choose as choose_type
from service.shared_cache import SharedCache, answer_cache
from service.sparql_engine import (
    EngineBusy,
    InlineEngine,
    MemoryLimit,
    ProcessEngine,
    QueryEngine,
    QueryTimeout,
)
from service.sparql_gate import Refused, check_federation, check_nesting
from service.sparql_live import Dataset, prepare
from service.sparql_process import parse_size
from service.sparql_protocol import ProtocolError, SparqlRequest, parse_request
from service.sparql_results import GRAPH_TYPES, OFFERS, RESULT_TYPES, Answer, Job

SETTINGS: dict[str, Any] = {
    "KG_QUERY_TIMEOUT": 30.0,  # seconds; a request may lower it (timeout=), never raise it
    "KG_QUERY_MEMORY": "1G",  # per query worker and update process (512M, 2G…); 0: no limit
    "KG_MAX_ROWS": 10_000,  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per answer
    "KG_MAX_REQUEST_BYTES": 1 << 20,  # query string or body; larger is 413
    "KG_WORKERS": 0,  # query worker processes; 0: two per CPU core, at least 2
    "KG_MAX_CONCURRENT": 0,  # queries running or waiting; 0: 4 × KG_WORKERS; more is 503
    "KG_UPDATE_TOKEN": "",  # bearer token for Update and /store; empty: read-only endpoint
    "KG_DATA_DIR": "",  # where the live (updatable) database lives; empty: live/ beside the store
    # SERVICE endpoints and LOAD sources allowed (space- or comma-separated, or a list); empty: none
    "KG_SERVICE_ALLOWLIST": "",
    "KG_CACHE_SIZE": 256,  # answers kept for repeated read queries; 0: no cache
}
RETRY_AFTER = "2"
EXPOSED = (
    "X-KG-Truncated, X-KG-Row-Limit, X-KG-Rows, X-KG-Cache, X-KG-Timeout, X-KG-Memory-Limit, "
    "Retry-After"
)

bp = Blueprint("sparql", __name__)


@dataclass
class Sparql:
    """The endpoint's state, kept in ``app.extensions["kg_sparql"]`` (no globals)."""

    dataset: Dataset
    engine: QueryEngine
    cache: AnswerCache | SharedCache
    slots: threading.BoundedSemaphore
    workers: int

    def close(self) -> None:
        self.engine.close()
        self.dataset.close()


def state(app: Flask | None = None) -> Sparql:
    return (app or current_app).extensions["kg_sparql"]


def init_app(app: Flask) -> None:
    """Settings, the served dataset, the query engine, the cache; the /sparql and /store routes."""
    for key, value in {**SETTINGS, **_from_environment(SETTINGS)}.items():
        app.config.setdefault(key, value)
    allow = app.config["KG_SERVICE_ALLOWLIST"]
    if isinstance(allow, str):
        app.config["KG_SERVICE_ALLOWLIST"] = allow.replace(",", " ").split()
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's own default is None
        app.config["MAX_CONTENT_LENGTH"] = int(app.config["KG_MAX_REQUEST_BYTES"])
    workers = int(app.config["KG_WORKERS"]) or _default_workers()
    app.config["KG_WORKERS"] = workers
    concurrent = int(app.config["KG_MAX_CONCURRENT"]) or 4 * workers
    app.config["KG_MAX_CONCURRENT"] = concurrent

    memory = parse_size(app.config["KG_QUERY_MEMORY"])
    app.config["KG_QUERY_MEMORY"] = memory
    isolate = not app.config["KG_SERVICE_ALLOWLIST"]  # no SERVICE allowed: workers without network

    loads = app.config.get("KG_LOAD") or []
    loads = [loads] if isinstance(loads, str) else loads
    dataset = prepare(
        get_store(app),
        writable=bool(app.config["KG_UPDATE_TOKEN"]),
        loads=[Path(p) for p in loads],
        data_dir=app.config["KG_DATA_DIR"],
        isolate=isolate,
        memory=memory,
    )
    app.extensions["kg_store"] = dataset.store  # the live snapshot when this server writes
    if dataset.read_dir is not None:
        engine: QueryEngine = ProcessEngine(
            dataset.read_dir, workers, on_unused=dataset.unused, isolate=isolate, memory=memory
        )
    else:
        engine = InlineEngine(lambda: dataset.store)
    # KG_CACHE_DIR: set by ``serve --processes N``, whose processes share one answer cache
    cache = answer_cache(int(app.config["KG_CACHE_SIZE"]), app.config.get("KG_CACHE_DIR"))
    dataset.on_change.append(lambda read_dir: read_dir and engine.switch(read_dir))
    dataset.on_change.append(cache.clear)
    sparql = Sparql(dataset, engine, cache, threading.BoundedSemaphore(concurrent), workers)
    app.extensions["kg_sparql"] = sparql
    atexit.register(sparql.close)

    from service import sparql_update

    app.register_blueprint(bp)
    sparql_update.init_app(app)


def _default_workers() -> int:
    import os

    return max(2, 2 * (os.cpu_count() or 1))  # a worker waits on IPC too: overlap it


@bp.after_request
def cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return response


def preflight(methods: str) -> Response:
    response = Response(status=204)
    response.headers["Allow"] = methods
    response.headers["Access-Control-Allow-Methods"] = methods
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, Authorization"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


ENDPOINT_METHODS = "GET, HEAD, POST, OPTIONS"


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS", "PUT", "DELETE", "PATCH"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return preflight(ENDPOINT_METHODS)
    if request.method not in ("GET", "HEAD", "POST"):
        return error_response(
            405,
            f"{request.method} is not a SPARQL protocol method here",
            headers={"Allow": ENDPOINT_METHODS},
        )
    try:
        req = parse_request(request, int(current_app.config["KG_MAX_REQUEST_BYTES"]))
    except ProtocolError as exc:
        return error_response(exc.status, exc.message, headers=exc.headers)
    if req.update is not None:
        from service.sparql_update import run_update

        return run_update(req)
    if req.query is None:
        from service.sparql_sd import service_description

        return service_description(req.format)
    return run_query(req)


def choose(offers: list[str], fmt, what: str = "") -> str | Response:
    """The media type negotiated by :func:`service.negotiation.choose` (format values over
    ``Accept``), or the 406 answer naming the accepted values."""
    try:
        return choose_type(fmt, request.headers.get("Accept"), offers, what)
    except NotAcceptable as exc:
        return error_response(406, str(exc))


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
        return error_response(400, str(exc))
    job = make_job(req, found.form)
    if isinstance(job, Response):
        return job
    cacheable = not calls and not found.volatile
    key = answer_key(sparql, job)
    if cacheable:
        answer = sparql.cache.get(key)
        if answer is not None:
            return answer_response(answer, "hit")
    answer = execute(sparql, job, req.timeout)
    if isinstance(answer, Response):
        return answer
    if cacheable:
        sparql.cache.put(key, answer, len(answer.body))
    return answer_response(answer, "miss")


def answer_key(sparql: Sparql, job: Job) -> tuple:
    """The answer cache's key: everything that decides an answer (also used by the lean path,
    :mod:`service.fastpath`)."""
    return (
        sparql.dataset.version,
        job.query,
        _tuple(job.default_graph),
        _tuple(job.named_graphs),
        job.result_type,
        job.graph_type,
        job.max_rows,
    )


def make_job(req: SparqlRequest, form: str | None) -> Job | Response:
    """The job with its negotiated format (only the query's own form is negotiated), or 406."""
    result_type, graph_type = RESULT_TYPES[0], next(iter(GRAPH_TYPES))
    if form in OFFERS:
        chosen = choose(OFFERS[form], req.format, f" for a {form.upper()} query")
        if isinstance(chosen, Response):
            return chosen
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


def execute(sparql: Sparql, job: Job, requested: float | None) -> Answer | Response:
    """Run ``job`` within the concurrency limit and the timeout; errors become responses."""
    timeout = query_timeout(requested)
    try:
        return guarded(sparql, job, timeout)
    except FAILURES as exc:
        return failure(exc, timeout)


#: what running a query may raise (the lean path, :mod:`service.fastpath`, catches them too)
FAILURES = (QueryError, QueryTimeout, EngineBusy, StoreError)


def failure(exc: Exception, timeout: float) -> Response:
    """The error answer to a query that failed while it ran (one of :data:`FAILURES`)."""
    if isinstance(exc, QueryError):
        return error_response(400, str(exc))
    if isinstance(exc, QueryTimeout | EngineBusy):
        status, message, headers = limit_error(exc, timeout)
        return error_response(status, message, headers=headers)
    return server_error("the store failed while answering the query", exc)


def query_timeout(requested: float | None = None) -> float:
    """This request's time limit: ``KG_QUERY_TIMEOUT``, lowered (never raised) by ``requested``."""
    limit = float(current_app.config["KG_QUERY_TIMEOUT"])
    return min(limit, requested) if requested else limit


def guarded(sparql: Sparql, job: Job, timeout: float) -> Answer:
    """Run ``job`` on the query engine within the concurrency limit and ``timeout``: what every
    query of the service (the endpoint's and the catalogue's) goes through.

    Raises QueryError (client), StoreError (server), QueryTimeout, or EngineBusy (also when
    ``KG_MAX_CONCURRENT`` queries are already running or waiting).
    """
    if not sparql.slots.acquire(blocking=False):
        raise EngineBusy(
            f"the endpoint is busy ({current_app.config['KG_MAX_CONCURRENT']} queries running "
            "or waiting, KG_MAX_CONCURRENT)"
        )
    try:
        return sparql.engine.run(job, timeout)
    finally:
        sparql.slots.release()


def limit_error(exc: QueryTimeout | EngineBusy, timeout: float) -> tuple[int, str, dict]:
    """Status, message and headers of the documented answer to a guard: ``504`` with
    ``X-KG-Timeout`` for a stopped query, ``507`` with ``X-KG-Memory-Limit`` for one stopped at
    ``KG_QUERY_MEMORY``, ``503`` with ``Retry-After`` when busy."""
    if isinstance(exc, MemoryLimit):
        return 507, str(exc), {"X-KG-Memory-Limit": str(exc.limit)}
    if isinstance(exc, QueryTimeout):
        limit = float(current_app.config["KG_QUERY_TIMEOUT"])
        message = f"{exc} (KG_QUERY_TIMEOUT is {limit:g} s)"
        return 504, message, {"X-KG-Timeout": f"{timeout:g}"}
    return 503, f"{exc}; retry shortly", {"Retry-After": RETRY_AFTER}


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
