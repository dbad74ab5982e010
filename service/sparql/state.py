"""The SPARQL endpoint's state and what every route that runs queries shares.

:func:`start` builds the served dataset, the query engine and the answer cache into
the app state's ``sparql`` (:func:`state`); :func:`guarded` runs a query within the
concurrency limit and the timeout, :func:`limit_error` is the documented answer when a guard
stops one, :func:`choose` negotiates a format, :func:`preflight` answers CORS ``OPTIONS``.
"""

from __future__ import annotations

import atexit
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, current_app, request

from service.errors import HttpError
from service.negotiation import NotAcceptable
from service.negotiation import choose as choose_type
from service.settings import engine_sizes
from service.sparql.cache import AnswerCache
from service.sparql.engine import (
    EngineBusy,
    InlineEngine,
    MemoryLimit,
    ProcessEngine,
    QueryEngine,
    QueryTimeout,
)
from service.sparql.live import Dataset, prepare
from service.sparql.process import parse_size
from service.sparql.results import Answer, Job
from service.sparql.shared_cache import SharedCache, answer_cache
from service.state import app_state

RETRY_AFTER = "2"

@dataclass
class Sparql:
    """The endpoint's state, kept in the app state (``AppState.sparql``; no globals)."""

    dataset: Dataset
    engine: QueryEngine
    cache: AnswerCache | SharedCache
    slots: threading.BoundedSemaphore
    workers: int

    def close(self) -> None:
        self.engine.close()
        self.dataset.close()


def state(app: Flask | None = None) -> Sparql:
    return app_state(app).sparql


def start(app: Flask) -> None:
    """The served dataset, the query engine and the cache, from the settings in ``app.config``."""
    allow = app.config["KG_SERVICE_ALLOWLIST"]
    if isinstance(allow, str):
        app.config["KG_SERVICE_ALLOWLIST"] = allow.replace(",", " ").split()
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's own default is None
        app.config["MAX_CONTENT_LENGTH"] = int(app.config["KG_MAX_REQUEST_BYTES"])
    sizes = engine_sizes(app.config)
    app.config.update(sizes)
    workers, short = sizes["KG_WORKERS"], sizes["KG_SHORT_WORKERS"]
    concurrent = sizes["KG_MAX_CONCURRENT"]

    memory = parse_size(app.config["KG_QUERY_MEMORY"])
    app.config["KG_QUERY_MEMORY"] = memory
    isolate = not app.config["KG_SERVICE_ALLOWLIST"]  # no SERVICE allowed: workers without network

    loads = app.config.get("KG_LOAD") or []
    loads = [loads] if isinstance(loads, str) else loads
    dataset = prepare(
        app_state(app).store,
        writable=bool(app.config["KG_UPDATE_TOKEN"]),
        loads=[Path(p) for p in loads],
        data_dir=app.config["KG_DATA_DIR"],
        isolate=isolate,
        memory=memory,
    )
    app_state(app).replace_store(dataset.store)  # the live snapshot when this server writes
    if dataset.read_dir is not None:
        engine: QueryEngine = ProcessEngine(
            dataset.read_dir,
            workers,
            short=short,
            on_unused=dataset.unused,
            isolate=isolate,
            memory=memory,
        )
    else:
        engine = InlineEngine(lambda: dataset.store)
    # KG_CACHE_DIR: set by ``serve --processes N``, whose processes share one answer cache
    cache = answer_cache(int(app.config["KG_CACHE_SIZE"]), app.config.get("KG_CACHE_DIR"))
    dataset.on_change.append(lambda read_dir: read_dir and engine.switch(read_dir))
    dataset.on_change.append(cache.clear)
    sparql = Sparql(dataset, engine, cache, threading.BoundedSemaphore(concurrent), workers)
    app_state(app).sparql = sparql
    atexit.register(sparql.close)



def preflight(methods: str) -> Response:
    response = Response(status=204)
    response.headers["Allow"] = methods
    response.headers["Access-Control-Allow-Methods"] = methods
    response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type, Authorization"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def choose(offers: list[str], fmt, what: str = "") -> str:
    """The media type negotiated by :func:`service.negotiation.choose` (format values over
    ``Accept``); raises the 406 naming the accepted values."""
    try:
        return choose_type(fmt, request.headers.get("Accept"), offers, what)
    except NotAcceptable as exc:
        raise HttpError(406, str(exc)) from None


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


def limit_error(exc: QueryTimeout | EngineBusy, timeout: float) -> HttpError:
    """The documented answer to a guard, to raise: ``504`` with ``X-KG-Timeout`` for a stopped
    query, ``507`` with ``X-KG-Memory-Limit`` for one stopped at ``KG_QUERY_MEMORY``, ``503``
    with ``Retry-After`` when busy."""
    if isinstance(exc, MemoryLimit):
        return HttpError(507, str(exc), headers={"X-KG-Memory-Limit": str(exc.limit)})
    if isinstance(exc, QueryTimeout):
        limit = float(current_app.config["KG_QUERY_TIMEOUT"])
        message = f"{exc} (KG_QUERY_TIMEOUT is {limit:g} s)"
        return HttpError(504, message, headers={"X-KG-Timeout": f"{timeout:g}"})
    return HttpError(503, f"{exc}; retry shortly", headers={"Retry-After": RETRY_AFTER})
