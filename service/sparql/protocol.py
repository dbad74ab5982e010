"""Read a SPARQL 1.1 Protocol request: which operation, on which dataset, with which options.

Query by ``GET ?query=``, by ``POST`` form (``application/x-www-form-urlencoded``) or by
``POST`` ``application/sparql-query``; update by ``POST`` form (``update=``) or
``application/sparql-update``.
``default-graph-uri`` / ``named-graph-uri`` (repeatable) describe the dataset: without either the
service's dataset is used (its default graph is the merge of all named graphs); with either, the
default graph is the merge of the ``default-graph-uri`` graphs (empty if none) and the named
graphs are exactly the ``named-graph-uri`` graphs.

The answer's format may be named by ``format=``, ``output=`` and ``results=`` (each repeatable,
short names or media types, as SPARQLWrapper sends them all at once); :data:`FORMAT_PARAMS`
gives their order, and the endpoint serves the first value it can for the query form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from flask import Request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from service.errors import HttpError

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
#: Parameters that name the answer's format (Virtuoso's, Joseki's and Rasqal's names), in order.
FORMAT_PARAMS = ("format", "output", "results")


class ProtocolError(HttpError):
    """A request that breaks the SPARQL protocol: answered like any :class:`HttpError`."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(status, message, headers=headers)


@dataclass
class SparqlRequest:
    query: str | None = None
    update: str | None = None
    default_graph: list[str] | None = None
    named_graphs: list[str] | None = None
    using: list[str] = field(default_factory=list)  # using-graph-uri
    using_named: list[str] = field(default_factory=list)  # using-named-graph-uri
    #: the raw values of the format parameters (:data:`FORMAT_PARAMS`), in order
    format: tuple[str, ...] = ()
    timeout: float | None = None


def parse_request(request: Request, max_bytes: int) -> SparqlRequest:
    """The protocol request in ``request``; raises ProtocolError with the HTTP status to answer."""
    if len(request.query_string) > max_bytes:
        raise ProtocolError(
            413, f"the request is larger than {max_bytes} bytes (KG_MAX_REQUEST_BYTES)"
        )
    if request.method in ("GET", "HEAD"):
        params = request.args
        if "update" in params:
            raise ProtocolError(
                405, "SPARQL Update must be sent by POST", {"Allow": "GET, HEAD, POST, OPTIONS"}
            )
        body_query = None
        body_update = None
    else:
        params, body_query, body_update = _post_params(request, max_bytes)

    queries = params.getlist("query") + ([body_query] if body_query is not None else [])
    updates = params.getlist("update") + ([body_update] if body_update is not None else [])
    if len(queries) > 1:
        raise ProtocolError(400, "the query is given more than once: send exactly one `query`")
    if len(updates) > 1:
        raise ProtocolError(400, "the update is given more than once: send exactly one `update`")
    if queries and updates:
        raise ProtocolError(400, "a request holds either a query or an update, not both")
    if request.method == "POST" and not queries and not updates:
        raise ProtocolError(400, "no `query` or `update` in the request")

    out = SparqlRequest(
        query=queries[0] if queries else None,
        update=updates[0] if updates else None,
        format=tuple(v for name in FORMAT_PARAMS for v in params.getlist(name)),
        timeout=_timeout(params.get("timeout")),
    )
    defaults = params.getlist("default-graph-uri")
    named = params.getlist("named-graph-uri")
    if defaults or named:
        out.default_graph = [g.strip() for g in defaults]
        out.named_graphs = [g.strip() for g in named]
    out.using = [g.strip() for g in params.getlist("using-graph-uri")]
    out.using_named = [g.strip() for g in params.getlist("using-named-graph-uri")]
    return out


def _post_params(request: Request, max_bytes: int):
    mimetype = request.mimetype
    try:
        if mimetype == FORM:
            # what werkzeug's form parser does, without its per-request parser set-up
            body = request.get_data(cache=True)
            try:
                pairs = parse_qsl(
                    body.decode(), keep_blank_values=True, errors="werkzeug.url_quote"
                )
            except ValueError:  # as werkzeug: a form that cannot be read is an empty one
                pairs = []
            params = MultiDict(list(request.args.items(multi=True)))
            for key, value in pairs:
                params.add(key, value)
            return params, None, None
        if mimetype in (QUERY_TYPE, UPDATE_TYPE):
            raw = request.get_data(cache=True)
            if len(raw) > max_bytes:
                raise RequestEntityTooLarge()
            charset = request.mimetype_params.get("charset", "utf-8")
            if charset.lower().replace("-", "") != "utf8":
                raise ProtocolError(400, f"the body must be UTF-8, not {charset}")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ProtocolError(400, f"the request body is not valid UTF-8: {exc}") from exc
            if mimetype == QUERY_TYPE:
                return request.args, text, None
            return request.args, None, text
    except RequestEntityTooLarge as exc:
        raise ProtocolError(
            413, f"the request is larger than {max_bytes} bytes (KG_MAX_REQUEST_BYTES)"
        ) from exc
    shown = mimetype or "none"
    raise ProtocolError(
        415,
        f"unsupported content type {shown!r}: send {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}",
    )


def _timeout(raw: str | None) -> float | None:
    if raw is None or raw == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ProtocolError(400, f"timeout must be a number of seconds, not {raw!r}") from None
    if not value > 0:
        raise ProtocolError(400, "timeout must be more than 0 seconds")
    return value
