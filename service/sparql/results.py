"""Evaluate one SPARQL query and serialise its answer to bytes, with the row cap applied.

This module uses pyoxigraph only (no Flask): it runs inside the query worker processes
(:mod:`service.sparql.worker`) and, for stores that cannot run there (in-memory or remote),
in the request thread. No pyoxigraph iterator leaves :func:`evaluate`; only bytes do.

The row cap: at most ``max_rows`` solutions (SELECT) or triples (CONSTRUCT/DESCRIBE) are written;
when there were more, the answer says so (``Answer.truncated``) and the SPARQL JSON results carry
two extra top-level keys, ``"truncated": true`` and ``"rowLimit": N``, which SPARQL clients ignore.

Every query form can be answered in every format a SPARQL client asks for (:data:`OFFERS`): a
SELECT or ASK answer asked for as RDF (Turtle, RDF/XML, JSON-LD…; SPARQLWrapper's ``TURTLE`` or
``RDF`` on a SELECT) is the result set written in the W3C result-set vocabulary (``rs:``, as Jena
writes it); a CONSTRUCT or DESCRIBE answer asked for as CSV or TSV is a table of its triples
(``subject``, ``predicate``, ``object``, as Virtuoso writes it).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from graph.formats import RDF_FORMATS, RESULTS_FORMATS, content_type, media_types, rdf_format
from graph.namespaces import PREDECLARED, PREFIXES
from graph.sparql_text import explain
from graph.store import GraphStore, QueryError, StoreError, Term

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

#: Media types offered for SELECT and ASK answers, and for CONSTRUCT and DESCRIBE answers, in our
#: order of preference (the first: the default)
RESULT_TYPES = media_types(RESULTS_FORMATS)
GRAPH_TYPES = media_types(RDF_FORMATS)
#: What each query form can be answered in, in our order of preference (the first: the default).
SELECT_OFFERS = RESULT_TYPES + GRAPH_TYPES
GRAPH_OFFERS = GRAPH_TYPES + media_types(RESULTS_FORMATS[2:])  # CSV, TSV: a table of triples
OFFERS = {
    "select": SELECT_OFFERS,
    "ask": SELECT_OFFERS,
    "construct": GRAPH_OFFERS,
    "describe": GRAPH_OFFERS,
}
#: the W3C result-set vocabulary (a SELECT or ASK answer as RDF)
RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
#: the columns of a CONSTRUCT or DESCRIBE answer as a table
TRIPLE_COLUMNS = ("subject", "predicate", "object")
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
XSD_BOOLEAN = ox.NamedNode(XSD + "boolean")
XSD_INTEGER = ox.NamedNode(XSD + "integer")


@dataclass
class Job:
    """One query to evaluate: everything a worker process needs, and nothing that cannot pickle."""

    query: str
    default_graph: list[str] | None = None
    named_graphs: list[str] | None = None
    #: the media type chosen for each query form (negotiated by the endpoint)
    result_type: str = RESULT_TYPES[0]
    graph_type: str = GRAPH_TYPES[0]
    max_rows: int = 10_000
    #: values for variables of the query (pyoxigraph ``substitutions``), each term written in
    #: N-Triples syntax (:func:`term_texts`), so that a job stays plain strings
    substitutions: dict[str, str] | None = None
    #: prefixes the query may use without declaring them (``PREDECLARED`` on the endpoint)
    prefixes: dict[str, str] | None = None


@dataclass
class Answer:
    media_type: str
    body: bytes
    rows: int = 0
    truncated: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return content_type(self.media_type)


def term_texts(terms: Mapping[str, Term]) -> dict[str, str]:
    """Substitutions for a :class:`Job`: each term in N-Triples syntax, as pyoxigraph writes it."""
    return {name: str(term) for name, term in terms.items()}


def _term(name: str, text: str) -> Term:
    """The term of one N-Triples term text (the object of a one-statement document)."""
    try:
        parsed = list(ox.parse(f"<urn:x:s> <urn:x:p> {text} .", format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise QueryError(f"the value for ?{name} is not an RDF term: {text}") from exc
    if len(parsed) != 1:
        raise QueryError(f"the value for ?{name} is not one RDF term: {text}")
    return parsed[0].object


def evaluate(store: GraphStore, job: Job) -> Answer:
    """Run ``job`` on ``store``; raises QueryError (client) or StoreError (server)."""
    substitutions = {k: _term(k, v) for k, v in (job.substitutions or {}).items()}

    def run():
        return store.query(
            job.query,
            substitutions=substitutions or None,
            default_graph=job.default_graph,
            named_graphs=job.named_graphs,
            prefixes=job.prefixes,
        )

    try:
        result = run()
        if isinstance(result, ox.QueryBoolean):
            return _boolean(bool(result), job.result_type)
        if isinstance(result, ox.QueryTriples):
            return _triples(result, job.graph_type, job.max_rows)
        if job.result_type == JSON:
            answer = _native_json(result, job.max_rows)
            if answer is not None:
                return answer
            result = run()  # larger than the fast path takes: again, row by row, capped
        return _solutions(result, job.result_type, job.max_rows)
    except QueryError as exc:
        raise QueryError(explain(job.query, str(exc), job.prefixes)) from exc
    except StoreError:
        raise
    except SyntaxError as exc:
        raise QueryError(explain(job.query, str(exc), job.prefixes)) from exc
    except (RuntimeError, ValueError, TypeError) as exc:
        # pyoxigraph reports evaluation errors (a SERVICE that failed…) as RuntimeError
        raise QueryError(str(exc)) from exc
    except OSError as exc:
        raise StoreError(str(exc)) from exc


# --- SELECT ------------------------------------------------------------------------------------
JSON = RESULT_TYPES[0]
#: answers up to this size are written by pyoxigraph itself (SPARQL JSON), then counted
NATIVE_BYTES = 4 << 20


class _Full(Exception):
    """The answer outgrew :data:`NATIVE_BYTES`."""


class _Capped(io.RawIOBase):
    """Collects what pyoxigraph writes, up to :data:`NATIVE_BYTES` (then raises ``_Full``)."""

    def __init__(self):
        super().__init__()
        self.parts: list[bytes] = []
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.size += len(data)
        if self.size > NATIVE_BYTES:
            raise _Full
        self.parts.append(bytes(data))
        return len(data)


def _native_json(solutions: ox.QuerySolutions, max_rows: int) -> Answer | None:
    """The fast path: pyoxigraph serialises SPARQL JSON in native code, and the rows are counted
    afterwards. ``None`` when the answer is over the row cap or :data:`NATIVE_BYTES`: the
    caller then evaluates again through :func:`_solutions`, which stops at the cap and says so.
    """
    out = _Capped()
    try:
        solutions.serialize(out, format=ox.QueryResultsFormat.JSON)
    except _Full:
        return None
    body = b"".join(out.parts)
    rows = len(json.loads(body)["results"]["bindings"])
    if rows > max_rows:
        return None
    return Answer(JSON, body, rows, False)


def _solutions(solutions: ox.QuerySolutions, media_type: str, max_rows: int) -> Answer:
    names = [v.value for v in solutions.variables]
    rows: list[list] = []
    truncated = False
    for solution in solutions:
        if len(rows) == max_rows:
            truncated = True
            break
        rows.append(list(solution))
    if media_type in GRAPH_TYPES:
        body = _rdf(_result_set(names, rows), media_type)
    else:
        body = _WRITERS.get(media_type, _json_rows)(names, rows, truncated, max_rows)
    return Answer(media_type, body, len(rows), truncated)


def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


_dumps = json.dumps
# What json.dumps(str) writes, without its per-call encoder set-up (the C functions it calls)
_str = json.encoder.encode_basestring  # ensure_ascii=False
_ascii = json.encoder.encode_basestring_ascii  # ensure_ascii=True
XSD_STRING = ox.NamedNode(XSD + "string")


def _json_fragment(term) -> str:
    """One term as SPARQL JSON, written directly (the hot path of most answers)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return '{"type":"uri","value":' + _str(term.value) + "}"
    if kind is ox.Literal:
        value = _str(term.value)
        if term.language:
            return (
                '{"type":"literal","value":' + value + ',"xml:lang":' + _ascii(term.language) + "}"
            )
        if term.datatype == XSD_STRING:
            return '{"type":"literal","value":' + value + "}"
        return (
            '{"type":"literal","value":'
            + value
            + ',"datatype":'
            + _ascii(term.datatype.value)
            + "}"
        )
    return _dumps(_json_term(term), ensure_ascii=False)


def _json_rows(names, rows, truncated, max_rows) -> bytes:
    keys = [_str(n) + ":" for n in names]
    seen: dict = {}  # the same term (a predicate, a graph) recurs: write it once
    out = []
    for row in rows:
        parts = []
        for key, term in zip(keys, row, strict=True):
            if term is None:
                continue
            fragment = seen.get(term)
            if fragment is None:
                fragment = seen[term] = _json_fragment(term)
            parts.append(key + fragment)
        out.append("{" + ",".join(parts) + "}")
    tail = f',"truncated":true,"rowLimit":{max_rows}' if truncated else ""
    head = '{"head":{"vars":' + _dumps(names, ensure_ascii=False) + '},"results":{"bindings":['
    return (head + ",".join(out) + "]}" + tail + "}").encode()


def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = zip(
            ("subject", "predicate", "object"),
            (term.subject, term.predicate, term.object),
            strict=True,
        )
        return "<triple>" + "".join(f"<{k}>{_xml_term(v)}</{k}>" for k, v in parts) + "</triple>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD + "string":
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'


def _xml_rows(names, rows, truncated, max_rows) -> bytes:
    out = [_XML_HEAD, "<head>"]
    out += [f"<variable name={quoteattr(n)}/>" for n in names]
    if truncated:
        out.append(f'<link href="urn:kompetensgraf:truncated:row-limit:{max_rows}"/>')
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out += [
            f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
            for n, t in zip(names, row, strict=True)
            if t is not None
        ]
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out).encode()


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _csv_rows(names, rows, truncated, max_rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue().encode()


def _tsv_rows(names, rows, truncated, max_rows) -> bytes:
    lines = ["\t".join(f"?{n}" for n in names)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


_WRITERS = {
    "application/sparql-results+json": _json_rows,
    "application/sparql-results+xml": _xml_rows,
    "text/csv": _csv_rows,
    "text/tab-separated-values": _tsv_rows,
}


# --- ASK ---------------------------------------------------------------------------------------
def _boolean(value: bool, media_type: str) -> Answer:
    text = "true" if value else "false"
    if media_type in GRAPH_TYPES:
        result_set = ox.BlankNode()
        triples = [
            ox.Triple(result_set, RDF_TYPE, _rs("ResultSet")),
            ox.Triple(result_set, _rs("boolean"), ox.Literal(text, datatype=XSD_BOOLEAN)),
        ]
        return Answer(media_type, _rdf(triples, media_type), 1)
    if media_type == "application/sparql-results+xml":
        body = f"{_XML_HEAD}<head/><boolean>{text}</boolean></sparql>\n"
    elif media_type in ("text/csv", "text/tab-separated-values"):
        body = text + "\n"
    else:
        media_type = "application/sparql-results+json"
        body = json.dumps({"head": {}, "boolean": value})
    return Answer(media_type, body.encode(), 1)


# --- CONSTRUCT / DESCRIBE ----------------------------------------------------------------------
def _triples(triples: ox.QueryTriples, media_type: str, max_rows: int) -> Answer:
    out: list = []
    truncated = False
    for triple in triples:
        if len(out) == max_rows:
            truncated = True
            break
        out.append(triple)
    if media_type in _WRITERS:  # a table of the triples (CSV, TSV)
        rows = [[t.subject, t.predicate, t.object] for t in out]
        body = _WRITERS[media_type](list(TRIPLE_COLUMNS), rows, truncated, max_rows)
    else:
        body = _rdf(out, media_type)
    return Answer(media_type, body, len(out), truncated)


def _rdf(triples: list, media_type: str) -> bytes:
    """``triples`` in the RDF format ``media_type`` (a dataset format: in the default graph)."""
    fmt = rdf_format(media_type) or ox.RdfFormat.TURTLE
    if fmt.supports_datasets:
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    prefixes = used_prefixes(triples) if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes)


def _rs(name: str) -> ox.NamedNode:
    return ox.NamedNode(RS + name)


def _result_set(names: list[str], rows: list[list]) -> list[ox.Triple]:
    """A SELECT answer in the result-set vocabulary: ``rs:solution``s with their ``rs:index``
    (the order of the answer) and one ``rs:binding`` (``rs:variable``, ``rs:value``) per bound
    variable."""
    result_set = ox.BlankNode()
    triples = [ox.Triple(result_set, RDF_TYPE, _rs("ResultSet"))]
    triples += [ox.Triple(result_set, _rs("resultVariable"), ox.Literal(n)) for n in names]
    for index, row in enumerate(rows, 1):
        solution = ox.BlankNode()
        triples += [
            ox.Triple(result_set, _rs("solution"), solution),
            ox.Triple(solution, _rs("index"), ox.Literal(str(index), datatype=XSD_INTEGER)),
        ]
        for name, term in zip(names, row, strict=True):
            if term is None:
                continue
            binding = ox.BlankNode()
            triples += [
                ox.Triple(solution, _rs("binding"), binding),
                ox.Triple(binding, _rs("variable"), ox.Literal(name)),
                ox.Triple(binding, _rs("value"), term),
            ]
    return triples


def apply_update(store: GraphStore, text: str) -> None:
    """Apply a SPARQL Update with the predeclared prefixes (:data:`PREDECLARED`); an error is
    one readable line (an unknown prefix is named as such)."""
    try:
        store.update(text, prefixes=PREDECLARED)
    except QueryError as exc:
        raise QueryError(explain(text, str(exc), PREDECLARED)) from exc


def used_prefixes(statements: list) -> dict[str, str]:
    """Our prefixes (:data:`PREFIXES`, and ``rs:`` for a result set) that some IRI of
    ``statements`` starts with."""
    iris = {
        term.value
        for statement in statements
        for term in (statement.subject, statement.predicate, statement.object)
        if isinstance(term, ox.NamedNode)
    }
    namespaces = {iri[: max(iri.rfind("/"), iri.rfind("#")) + 1] for iri in iris}
    known = {**PREFIXES, "rs": RS}
    return {p: ns for p, ns in known.items() if any(n.startswith(ns) for n in namespaces)}
