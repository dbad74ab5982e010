"""One error shape for the whole service.

``error_response(status, message)`` answers ``text/plain`` (what SPARQL clients such as
SPARQLWrapper and rdflib show to their users), or JSON when the client asked for JSON — an
``Accept`` naming ``application/json`` (at least as high as ``text/plain``), a ``.json`` path or
``format=json``::

    {"error": {"status": 400, "title": "Bad Request", "message": "…", "detail": …}}

Storage faults are 500s: log them with :func:`server_error` and never blame the client.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, has_request_context, json, request

from graph.store import QueryError, StoreError
from service.negotiation import parse_accept, quality

log = logging.getLogger("kompetensgraf.service")


def wants_json() -> bool:
    """Did the current request ask for JSON (Accept, ``.json`` path or ``format=json``)?"""
    if not has_request_context():
        return False
    if request.path.endswith(".json"):
        return True
    fmt = (request.args.get("format") or "").lower()
    if fmt:
        return fmt in ("json", "jsonld", "json-ld", "srj") or "json" in fmt
    # Only a client that names application/json gets JSON; one asking for SPARQL results
    # (application/sparql-results+json alone) is a SPARQL client and gets plain text.
    ranges = parse_accept(request.headers.get("Accept"))
    named = any(r.matches("application/json") >= 2 and r.q > 0 for r in ranges)
    return named and quality(ranges, "application/json") >= quality(ranges, "text/plain")


def storage_fault(exc: Exception) -> Response:
    """A store failure (or a broken internal query) that no route answered itself is the
    server's fault: a logged 500."""
    return server_error("The graph store failed while building this page", exc)


def init_app(app: Flask) -> None:
    """The one handler of store faults, for every route."""
    for fault in (StoreError, QueryError):
        app.register_error_handler(fault, storage_fault)


def title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def error_response(
    status: int,
    message: str,
    *,
    detail: Any = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error answer: plain text, or ``{"error": {…}}`` when the client asked for JSON."""
    if wants_json():
        body: dict[str, Any] = {"status": status, "title": title(status), "message": message}
        if detail is not None:
            body["detail"] = detail
        response = Response(
            json.dumps({"error": body}, ensure_ascii=False) + "\n",
            status=status,
            mimetype="application/json",
        )
    else:
        text = f"{status} {title(status)}: {message}\n"
        if detail is not None:
            text += f"{detail}\n"
        response = Response(text, status=status, content_type="text/plain; charset=utf-8")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def server_error(message: str, exc: BaseException | None = None) -> Response:
    """A logged 500: the log gets the cause, the client a short message without internals.
    An exception marked ``quiet`` (a worker process that ended: logged where it was seen) is one
    line, without a traceback."""
    log.error("%s: %s", message, exc, exc_info=None if getattr(exc, "quiet", False) else exc)
    return error_response(500, message)
