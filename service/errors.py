"""One error shape for the whole service.

``error_response(status, message)`` answers ``text/plain`` (what SPARQL clients such as
SPARQLWrapper and rdflib show to their users), or JSON when the client asked for JSON — an
``Accept`` naming ``application/json`` (at least as high as ``text/plain``), a ``.json`` path or
``format=json``::

    {"error": {"status": 400, "title": "Bad Request", "message": "…", "detail": …}}

A browser (an ``Accept`` that names ``text/html`` above plain text, on an address without a
data suffix) gets a page in the site's layout instead, in its language, with where to go next.
:func:`init_app` maps what no route answers itself to the same shape, once for the whole app:
:class:`HttpError` (raised by any route that cannot serve a request), werkzeug's own HTTP
errors (``405``, ``400``…; a ``404`` goes through the browser's handler, which looks for the IRI
first), store faults and any other exception (``500``).

Storage faults are 500s: raise :class:`ServerFault` (logged by :func:`server_error`) and never
blame the client.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, has_request_context, json, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from graph.formats import RDF_FORMATS
from graph.store import QueryError, StoreError
from service.negotiation import parse_accept, quality

log = logging.getLogger("kompetensgraf.service")


class HttpError(Exception):
    """A request that cannot be served, raised wherever that is found out; :func:`init_app`
    answers it in the house shape (:func:`error_response`) with its status, message, optional
    detail and headers."""

    def __init__(self, status: int, message: str, *, detail: Any = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.detail = detail
        self.headers = headers or {}

    def response(self) -> Response:
        return error_response(self.status, self.message, detail=self.detail, headers=self.headers)


class ServerFault(HttpError):
    """The server's own failure while serving a request (a store fault, say): a ``500`` with
    ``message`` for the client, and the ``cause`` in the log (:func:`server_error`)."""

    def __init__(self, message: str, cause: BaseException | None = None):
        super().__init__(500, message)
        self.cause = cause

    def response(self) -> Response:
        return server_error(self.message, self.cause)


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


#: the page's heading and what to do, in Swedish and English, by status (else the status phrase)
PAGES: dict[int, dict[str, tuple[str, str]]] = {
    400: {"sv": ("Felaktig begäran", "Begäran gick inte att förstå; se meddelandet nedan."),
          "en": ("Bad request", "The request could not be understood; see the message below.")},
    404: {"sv": ("Sidan finns inte", "Adressen kan vara felstavad. Sök efter det du letade efter."),
          "en": ("Page not found", "The address may be misspelt. Search for what you looked for.")},
    405: {"sv": ("Metoden stöds inte", "Den här adressen tar inte emot den sortens begäran."),
          "en": ("Method not allowed", "This address does not take that kind of request.")},
    406: {"sv": ("Formatet finns inte", "Det efterfrågade formatet kan inte levereras här."),
          "en": ("Not acceptable", "The format asked for cannot be given here.")},
    413: {"sv": ("För stor begäran", "Begäran är större än tjänsten tar emot."),
          "en": ("Request too large", "The request is larger than the service takes.")},
    500: {"sv": ("Något gick fel hos oss", "Felet är loggat. Försök igen om en stund."),
          "en": ("Something went wrong on our side", "The fault is logged. Try again shortly.")},
    503: {"sv": ("Tjänsten är upptagen", "Försök igen om en stund."),
          "en": ("The service is busy", "Try again shortly.")},
    504: {"sv": ("Tidsgränsen nåddes", "Frågan tog för lång tid och stoppades."),
          "en": ("Time limit reached", "The query took too long and was stopped.")},
    507: {"sv": ("Minnesgränsen nåddes", "Frågan behövde för mycket minne och stoppades."),
          "en": ("Memory limit reached", "The query needed too much memory and was stopped.")},
}
#: address suffixes of data, whose errors stay in the data's (plain or JSON) shape
DATA_SUFFIXES = tuple(
    f".{suffix}" for suffix in ("csv", "json", "xml", *(f.file_extension for f in RDF_FORMATS))
)


def wants_html() -> bool:
    """Is the current request a browser's, for a page (``text/html`` named, at least as high as
    plain text and JSON, on an address that names no data format)?"""
    if not has_request_context() or wants_json():
        return False
    if request.path.lower().endswith(DATA_SUFFIXES) or request.args.get("format"):
        return False
    ranges = parse_accept(request.headers.get("Accept"))
    named = any(r.matches("text/html") >= 2 and r.q > 0 for r in ranges)
    return named and quality(ranges, "text/html") >= quality(ranges, "text/plain")


def error_page(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """The error as a page in the site's layout (``errors/error.html``), in both languages."""
    fallback = (title(status), "")
    page = {
        "status": status,
        "message": message,
        "heading": {lang: PAGES.get(status, {}).get(lang, fallback) for lang in ("sv", "en")},
        "allow": (headers or {}).get("Allow", ""),
        "method": request.method,
        "query": request.path.strip("/").rsplit("/", 1)[-1].replace("-", " ")[:100],
    }
    html = render_template("errors/error.html", d=page, json_url=None)
    return Response(html, status=status, content_type="text/html; charset=utf-8")


def http_error(exc: HTTPException) -> Response:
    """werkzeug's own errors (no route for the method, a form it could not parse…) in the
    house shape; the ``Allow`` of a ``405`` is kept."""
    headers = {name: value for name, value in exc.get_headers() if name == "Allow"}
    status = exc.code or 500
    if status == 405:
        message = f"{request.method} is not allowed at {request.path}"
    else:
        message = exc.description or title(status)
    return error_response(status, message, headers=headers)


def unexpected(exc: InternalServerError) -> Response:
    """An exception no route expected: logged, and a 500 in the house shape."""
    return server_error("The server failed while answering", exc.original_exception or exc)


def storage_fault(exc: Exception) -> Response:
    """A store failure (or a broken internal query) that no route answered itself is the
    server's fault: a logged 500."""
    return server_error("The graph store failed while building this page", exc)


def init_app(app: Flask) -> None:
    """The one mapping of what no route answered to the house shape, for every route."""
    app.register_error_handler(HttpError, HttpError.response)
    for fault in (StoreError, QueryError):
        app.register_error_handler(fault, storage_fault)
    app.register_error_handler(InternalServerError, unexpected)
    app.register_error_handler(HTTPException, http_error)


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
    """The error answer: plain text, ``{"error": {…}}`` when the client asked for JSON, a page
    when a browser asked for one."""
    if wants_html():
        response = error_page(status, message, headers)
    elif wants_json():
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
