"""The lean path for the hot request: a SPARQL query on ``/sparql``, answered without Flask.

Most of what the endpoint serves is one kind of request: ``GET /sparql?query=…`` or a ``POST``
of a form (or of ``application/sparql-query``) with one query and perhaps ``format=`` and
``timeout=``. :class:`FastPath` wraps the Flask application's WSGI callable and answers such a
request itself: it reads the parameters, runs the same guards (:func:`check_nesting`,
:func:`scan`, :func:`check_federation`), negotiates with the same routine, looks in the same
answer cache and runs the query through the same :func:`service.sparql.guarded` (concurrency
limit, timeout, memory limit), then writes the answer with exactly the headers Flask would add
(taken once from the application's own ``after_request`` functions: CSP and the other security
headers, CORS, ``X-KG-Process``).

Everything else goes to Flask unchanged, so that every answer but the hot one is Flask's own:
other paths and methods (``HEAD``, ``OPTIONS``, updates), a dataset (``default-graph-uri``…),
a body without ``Content-Length`` or too large (Flask's ``413``), and every request the guards or
the negotiation refuse (``400``, ``406``): Flask reads it again from the kept body and answers
it. A query that fails while it runs (``400`` with the parser's message, ``503``, ``504``,
``507``, ``500``) is not run twice: its error answer is made by the endpoint's own
:func:`service.sparql.failure` inside a Flask request context. ``tests/test_fastpath.py``
compares both paths request by request.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from urllib.parse import parse_qsl

from flask import Flask, Response

from graph.namespaces import PREDECLARED
from graph.sparql_text import scan
from service.negotiation import NotAcceptable
from service.negotiation import choose as choose_type
from service.sparql.endpoint import FAILURES, answer_key, failure
from service.sparql.gate import Refused, check_federation, check_nesting
from service.sparql.protocol import FORM, FORMAT_PARAMS, QUERY_TYPE, ProtocolError, _timeout
from service.sparql.results import OFFERS, Answer, Job
from service.sparql.state import guarded, query_timeout, state

#: the parameters the lean path understands; a request with any other goes to Flask
PARAMS = frozenset(("query", "timeout", *FORMAT_PARAMS))


class Fallback(Exception):
    """Not a request for the lean path: Flask answers it."""


class FastPath:
    """WSGI middleware: the hot ``/sparql`` query here, everything else to ``inner`` (Flask)."""

    def __init__(self, app: Flask, inner: Callable):
        self.app = app
        self.inner = inner
        self._decoration: list[tuple[str, str]] | None = None

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != "/sparql" or environ.get("REQUEST_METHOD") not in (
            "GET",
            "POST",
        ):
            return self.inner(environ, start_response)
        try:
            return self._answer(environ, start_response)
        except Fallback:
            return self.inner(environ, start_response)

    # --- the request --------------------------------------------------------------------------
    def _answer(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        config = self.app.config
        params, body_query = self._params(environ, int(config["KG_MAX_REQUEST_BYTES"]))
        queries = params.get("query", []) + ([body_query] if body_query is not None else [])
        if len(queries) != 1 or len(params.get("timeout", ())) > 1:
            raise Fallback
        text = queries[0]
        try:
            requested = _timeout(params["timeout"][0] if "timeout" in params else None)
            check_nesting(text)
            found = scan(text)
            if found.form not in OFFERS:  # updates, and what the scanner cannot tell
                raise Fallback
            calls = check_federation(text, config["KG_SERVICE_ALLOWLIST"], update=False)
            fmt = tuple(v for name in FORMAT_PARAMS for v in params.get(name, ()))
            chosen = choose_type(fmt, environ.get("HTTP_ACCEPT"), OFFERS[found.form], "")
        except (ProtocolError, Refused, NotAcceptable):
            raise Fallback from None
        sparql = state(self.app)
        job = Job(text, None, None, max_rows=int(config["KG_MAX_ROWS"]), prefixes=PREDECLARED)
        if found.form in ("select", "ask"):
            job.result_type = chosen
        else:
            job.graph_type = chosen
        key = answer_key(sparql, job) if not calls and not found.volatile else None
        if key is not None:
            answer = sparql.cache.get(key)
            if answer is not None:
                return self._respond(answer, "hit", start_response)
        with self.app.app_context():
            timeout = query_timeout(requested)
            try:
                answer = guarded(sparql, job, timeout)
            except FAILURES as exc:  # answered by the endpoint's own mapping, as Flask would
                with self.app.request_context(environ):
                    response = self.app.process_response(failure(exc, timeout).response())
                return response(environ, start_response)
            except Exception as exc:  # noqa: BLE001 - Flask's own 500, as on the Flask path
                with self.app.request_context(environ):
                    response = self.app.handle_exception(exc)
                return response(environ, start_response)
        if key is not None:
            sparql.cache.put(key, answer, len(answer.body))
        return self._respond(answer, "miss", start_response)

    def _params(self, environ: dict, max_bytes: int) -> tuple[dict[str, list[str]], str | None]:
        """The request's parameters and a query sent as the body; the body read is put back, so
        that Flask can read it again after a :class:`Fallback`."""
        raw = environ.get("QUERY_STRING", "")
        if len(raw) > max_bytes:
            raise Fallback  # Flask's 413
        body_query = None
        pairs = _pairs(raw)
        if environ["REQUEST_METHOD"] == "POST":
            mimetype, _, options = environ.get("CONTENT_TYPE", "").partition(";")
            mimetype = mimetype.strip().lower()
            if mimetype not in (FORM, QUERY_TYPE):
                raise Fallback
            if mimetype == QUERY_TYPE and options.strip().lower() not in ("", "charset=utf-8"):
                raise Fallback
            body = _body(environ, max_bytes)
            if mimetype == FORM:
                pairs += _pairs(body.decode("latin1"))
            else:
                try:
                    body_query = body.decode("utf-8")
                except UnicodeDecodeError:
                    raise Fallback from None
        params: dict[str, list[str]] = {}
        for name, value in pairs:
            if name not in PARAMS:
                raise Fallback
            params.setdefault(name, []).append(value)
        return params, body_query

    # --- the answer ---------------------------------------------------------------------------
    def _respond(self, answer: Answer, cache: str, start_response: Callable) -> Iterable[bytes]:
        """The 200 answer with the headers of :func:`service.sparql.answer_response` and those
        the application's ``after_request`` functions add to it."""
        headers = [
            ("Content-Type", answer.content_type),
            ("Content-Length", str(len(answer.body))),
            ("Vary", "Accept"),
            ("X-KG-Rows", str(answer.rows)),
            ("X-KG-Cache", cache),
        ]
        if answer.truncated:
            headers.append(("X-KG-Truncated", "true"))
            headers.append(("X-KG-Row-Limit", str(self.app.config["KG_MAX_ROWS"])))
        start_response("200 OK", headers + self.decoration())
        return [answer.body]

    def decoration(self) -> list[tuple[str, str]]:
        """The headers Flask's ``after_request`` functions add to a ``/sparql`` answer (they do
        not depend on the request), read once from a probe through ``process_response``. Taken
        at the first request, when the server has registered its own (``X-KG-Process``)."""
        if self._decoration is None:
            with self.app.test_request_context("/sparql", method="POST"):
                probe = self.app.process_response(Response(b"", content_type="x/probe"))
            self._decoration = [
                (name, value)
                for name, value in probe.headers.items()
                if name not in ("Content-Type", "Content-Length")
            ]
        return self._decoration


def _pairs(raw: str) -> list[tuple[str, str]]:
    """URL-encoded parameters as werkzeug reads them (``raw`` is WSGI's latin-1 text)."""
    try:
        text = raw.encode("latin1").decode()
        return parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")
    except (UnicodeError, ValueError):
        raise Fallback from None


def _body(environ: dict, max_bytes: int) -> bytes:
    """The whole body (with a ``Content-Length`` of at most ``max_bytes``, else Flask answers);
    the stream is replaced by one that gives the same bytes again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or "")
    except ValueError:
        raise Fallback from None
    if length < 0 or length > max_bytes or environ.get("HTTP_TRANSFER_ENCODING"):
        raise Fallback
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body
