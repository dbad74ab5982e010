"""HTTP and answer handling for :mod:`graph.remote.store`: credentials, the SPARQLWrapper client
with the store's own opener, the engine's error messages, and SPARQL JSON / RDF answers turned into
pyoxigraph's own types (with Virtuoso's blank node labels, booleans and system graph names
made plain by :mod:`graph.remote.virtuoso`).
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox
from SPARQLWrapper import SPARQLWrapper

from graph.remote import virtuoso
from graph.store import QueryError, QueryResult, StoreError, StoreTimeout

GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"

class QueryTimeout(StoreTimeout):
    """The engine or the HTTP connection gave up before the answer was complete."""


@dataclass
class Auth:
    """HTTP credentials: ``scheme`` is ``basic``, ``digest`` (Virtuoso's ``-auth`` endpoints) or
    ``bearer`` (``password`` holds the token)."""

    user: str = ""
    password: str = ""
    scheme: str = "basic"

    def header(self) -> dict[str, str]:
        if self.scheme == "bearer":
            return {"Authorization": f"Bearer {self.password}"}
        if self.scheme == "basic" and self.user:
            raw = f"{self.user}:{self.password}".encode()
            return {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}
        return {}


class Client(SPARQLWrapper):
    """SPARQLWrapper builds the protocol request; the store's own opener sends it (digest auth
    without SPARQLWrapper's process-wide ``install_opener``, and HTTP errors as they are)."""

    opener: urllib.request.OpenerDirector

    def _query(self):
        return self.opener.open(self._createRequest(), timeout=self.timeout), self.returnFormat


class DigestAuth(urllib.request.HTTPDigestAuthHandler):
    """Closes the 401 answer it retries after (urllib leaves its socket open)."""

    def http_error_401(self, req, fp, code, msg, headers):
        try:
            return super().http_error_401(req, fp, code, msg, headers)
        finally:
            fp.close()


def auth_from(settings: Mapping[str, object]) -> Auth | None:
    """Credentials from ``KG_ENDPOINT_USER`` / ``KG_ENDPOINT_PASSWORD`` / ``KG_ENDPOINT_AUTH``
    (basic or digest) or ``KG_ENDPOINT_TOKEN`` (bearer), in the environment or ``app.config``:
    never in the repository."""
    token = str(settings.get("KG_ENDPOINT_TOKEN") or "")
    if token:
        return Auth(password=token, scheme="bearer")
    user = str(settings.get("KG_ENDPOINT_USER") or "")
    if not user:
        return None
    scheme = str(settings.get("KG_ENDPOINT_AUTH") or "basic").lower()
    if scheme not in ("basic", "digest"):
        raise ValueError(f"KG_ENDPOINT_AUTH must be basic or digest, not {scheme!r}")
    return Auth(user, str(settings.get("KG_ENDPOINT_PASSWORD") or ""), scheme)


def close_responses(exc: BaseException | None) -> None:
    """Close the HTTP error responses SPARQLWrapper leaves open in the exception chain."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, urllib.error.HTTPError):
            exc.close()
        exc, seen = exc.__context__, seen + 1


def engine_message(exc: urllib.error.HTTPError) -> str:
    """The engine's own message, without the query text Virtuoso echoes (with our ``define``
    lines for the dataset)."""
    body = exc.read().decode("utf-8", "replace")
    return body.split("\n\nSPARQL query:", 1)[0].strip()[:2000] or f"HTTP {exc.code} {exc.reason}"


def as_solutions(body: bytes, ctype: str) -> QueryResult:
    tail = body.rstrip()[-300:]
    if ctype.endswith("json") and not tail.endswith(b"}"):
        # Oxigraph server streams its answer and, when it stops (its --timeout-s) or fails half
        # way, ends the stream with the error text: never a short answer.
        message = tail.decode("utf-8", "replace").rsplit("}", 1)[-1].strip()
        kind = QueryTimeout if "timeout" in message.lower() else StoreError
        raise kind(f"the SPARQL engine broke off its answer: {message}")
    try:
        fmt = ox.QueryResultsFormat.from_media_type(ctype) or ox.QueryResultsFormat.JSON
        if fmt == ox.QueryResultsFormat.JSON:
            body = virtuoso.plain_results(body)
        return ox.parse_query_results(body, format=fmt)
    except (SyntaxError, ValueError) as exc:
        raise StoreError(f"unreadable results from the SPARQL engine ({ctype}): {exc}") from exc


def without_variables(body: bytes, names: set[str]) -> bytes:
    """SPARQL JSON results without the variables ``names`` (added by a rewrite of the query)."""
    try:
        data = json.loads(body)
    except ValueError:
        return body  # not JSON: as_solutions reports it
    head = data.get("head", {})
    head["vars"] = [v for v in head.get("vars", []) if v not in names]
    for row in data.get("results", {}).get("bindings", []):
        for name in names:
            row.pop(name, None)
    return json.dumps(data).encode()


def as_triples(body: bytes, ctype: str) -> ox.QueryTriples:
    fmt = ox.RdfFormat.from_media_type(ctype)
    if fmt is None:
        raise StoreError(f"the SPARQL engine answered a graph query with {ctype}")
    memory = ox.Store()
    try:
        memory.extend(
            ox.Quad(t.subject, t.predicate, virtuoso.canonical_term(t.object), ox.DefaultGraph())
            for t in ox.parse(body, format=fmt)
        )
    except (SyntaxError, ValueError) as exc:
        broke_off = "timeout" in body[-300:].decode("utf-8", "replace").lower()
        kind = QueryTimeout if broke_off else StoreError
        raise kind(f"unreadable RDF from the SPARQL engine ({ctype}): {exc}") from exc
    return memory.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def by_graph(data: bytes, fmt: ox.RdfFormat, graph: str | None) -> dict[str, bytes]:
    """Parse locally (bad data never reaches the engine) and split into N-Triples per graph."""
    parts: dict[str, list[ox.Triple]] = {}
    try:
        for item in ox.parse(data, format=fmt):
            if isinstance(item, ox.Quad) and not isinstance(item.graph_name, ox.DefaultGraph):
                name = item.graph_name.value
            else:
                name = graph or "default"
            parts.setdefault(name, []).append(ox.Triple(item.subject, item.predicate, item.object))
    except SyntaxError as exc:
        raise QueryError(str(exc)) from exc
    if graph and not parts:
        parts[graph] = []
    return {
        name: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        for name, triples in parts.items()
    }
