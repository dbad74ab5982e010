"""The query catalogue's data layer: a catalogue query's job and answer, the extras.

Everything a catalogue page shows is built here as plain data (the page's JSON twin): the answer
as columns and rows of W3C SPARQL-JSON-style cells, the drop-down options of class-typed
parameters, the bar chart and network drawings (server-side SVG geometry, no JavaScript needed),
and the copyable snippets (Python with SPARQLWrapper, R with httr2). Values reach the query only
through ``substitutions``.
A catalogue query runs on the SPARQL endpoint's query engine (:func:`job` → :func:`read`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph import queries
from graph.formats import media_type
from graph.namespaces import PREFIXES, compact
from graph.store import GraphStore, QueryError
from service.browse.terms import href, sort_key
from service.sparql.results import Answer as EngineAnswer
from service.sparql.results import Job, term_texts

RDFS_LABEL = PREFIXES["rdfs"] + "label"
NUMERIC = {PREFIXES["xsd"] + t for t in ("integer", "decimal", "double", "float", "int", "long")}


@dataclass
class Answer:
    form: str  # SELECT, CONSTRUCT, ASK, DESCRIBE
    columns: list[str]
    rows: list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]]
    truncated: bool = False
    triples: list[ox.Triple] = field(default_factory=list)


class Refused(QueryError):
    """The query may not run here (e.g. SERVICE to an endpoint that is not allowed)."""


#: how a catalogue answer travels from the query engine: solutions and booleans as SPARQL TSV
#: (every term written in full, read back by pyoxigraph), triples as N-Triples
RESULT_FORMAT = ox.QueryResultsFormat.TSV
GRAPH_FORMAT = ox.RdfFormat.N_TRIPLES


def job(qf: queries.QueryFile, bindings: dict, max_rows: int) -> Job:
    """The engine's job for ``qf`` with ``bindings`` as substitutions; at most ``max_rows`` rows
    or triples."""
    return Job(
        qf.text,
        result_type=media_type(RESULT_FORMAT),
        graph_type=media_type(GRAPH_FORMAT),
        max_rows=max_rows,
        substitutions=term_texts(bindings),
    )


def read(answer: EngineAnswer) -> Answer:
    """The catalogue's :class:`Answer` (pyoxigraph terms) of the engine's serialised answer."""
    if answer.media_type == media_type(GRAPH_FORMAT):
        triples = [q.triple for q in ox.parse(answer.body, format=GRAPH_FORMAT)]
        rows = [[t.subject, t.predicate, t.object] for t in triples]
        columns = ["subject", "predicate", "object"]
        return Answer("CONSTRUCT", columns, rows, answer.truncated, triples)
    result = ox.parse_query_results(answer.body, format=RESULT_FORMAT)
    if isinstance(result, ox.QueryBoolean):
        boolean = ox.NamedNode(PREFIXES["xsd"] + "boolean")
        value = ox.Literal("true" if bool(result) else "false", datatype=boolean)
        return Answer("ASK", ["boolean"], [[value]])
    columns = [v.value for v in result.variables]
    rows = [[solution[name] for name in columns] for solution in result]
    return Answer("SELECT", columns, rows, answer.truncated)


def cell(term) -> dict | None:
    """A term as a SPARQL 1.1 JSON results cell (plus ``compact`` and ``href`` for IRIs: the
    page on this site, the IRI when it is a safe link, else ``None``)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value, "compact": compact(term.value),
                "href": href(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype and term.datatype.value != PREFIXES["xsd"] + "string":
        out["datatype"] = term.datatype.value
    return out


def plain(term) -> str:
    """The CSV form of a term: the IRI, the literal's lexical form, ``_:id`` for a blank node."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def is_number(c: dict | None) -> bool:
    return bool(c) and c.get("datatype") in NUMERIC


# --------------------------------------------------------------------------- parameter options


def options(store: GraphStore, class_iri: str, lang: str) -> list[dict]:
    """Instances of ``class_iri`` and its subclasses, labelled in ``lang`` (else sv, else IRI)."""
    rows = store.select(queries.internal("catalogue-instances"),
                        substitutions={"class": ox.NamedNode(class_iri)})
    labels: dict[str, dict[str, str]] = {}
    for row in rows:
        item = row["item"].value
        found = labels.setdefault(item, {})
        label = row.get("label")
        if label is not None:
            found.setdefault(label.language or "", label.value)
    out = []
    for item, found in labels.items():
        text = found.get(lang) or found.get("sv") or found.get("") or compact(item)
        out.append({"value": compact(item), "iri": item, "label": text})
    return sorted(out, key=lambda o: sort_key(o["label"]))


# --------------------------------------------------------------------------- charts


def bar_chart(columns: list[str], rows: list[dict], spec: str = "") -> dict | None:
    """A horizontal bar chart: label column, numeric value column, and per bar its ``share`` of
    the largest value in percent (the page draws each bar as wide as its share; labels are page
    text beside the bars, so they wrap instead of being cut).

    ``spec`` is the header's ``#+ chart: <label-column> <value-column>``; without it the first
    column of text literals and the first numeric column are used.
    """
    if not rows:
        return None
    wanted = spec.split()
    label_col = wanted[0] if len(wanted) == 2 else None
    value_col = wanted[1] if len(wanted) == 2 else None
    if value_col is None:
        value_col = next((c for c in columns if any(is_number(r.get(c)) for r in rows)), None)
    if label_col is None:
        label_col = next((c for c in columns if any(
            (r.get(c) or {}).get("type") == "literal" and not is_number(r.get(c)) for r in rows)),
            columns[0])
    if value_col is None:
        return None
    bars = []
    for r in rows:
        try:
            value = float((r.get(value_col) or {}).get("value", "nan"))
        except ValueError:
            continue
        if math.isnan(value):
            continue
        lab = r.get(label_col) or {}
        bars.append({"label": lab.get("compact") or lab.get("value", ""), "value": value})
    if not bars:
        return None
    top = max(b["value"] for b in bars) or 1.0
    for b in bars:
        b["share"] = round(max(0.5, 100 * b["value"] / top), 2) if b["value"] > 0 else 0
        b["text"] = f"{b['value']:g}"
    return {"label_column": label_col, "value_column": value_col, "bars": bars}


def network(triples: list[ox.Triple], lang: str, focus: str | None = None, limit: int = 80) -> dict:
    """Nodes and edges of a CONSTRUCT answer, laid out on a circle around ``focus``."""
    labels: dict[str, dict[str, str]] = {}
    edges = []
    for t in triples:
        s = t.subject.value
        if t.predicate.value == RDFS_LABEL and isinstance(t.object, ox.Literal):
            labels.setdefault(s, {}).setdefault(t.object.language or "", t.object.value)
        elif isinstance(t.object, ox.NamedNode | ox.BlankNode):
            edges.append((s, compact(t.predicate.value), t.object.value))
    edges = collapse(edges)
    names = []
    for s, _, o in edges:
        for n in (s, o):
            if n not in names:
                names.append(n)
    if focus in names:
        names.remove(focus)
    names = names[: limit - 1]
    size, radius = 720, 300
    nodes = {}
    if focus:
        nodes[focus] = {"x": size / 2, "y": size / 2}
    for i, n in enumerate(names):
        angle = 2 * math.pi * i / max(1, len(names))
        nodes[n] = {"x": size / 2 + radius * math.cos(angle),
                    "y": size / 2 + radius * math.sin(angle)}

    def label_of(n: str) -> str:
        found = labels.get(n, {})
        return found.get(lang) or found.get("sv") or found.get("") or compact(n)

    out_nodes = [{"id": n, "label": label_of(n), "focus": n == focus, **xy}
                 for n, xy in nodes.items()]
    out_edges = [{"source": s, "predicate": p, "target": o, "source_label": label_of(s),
                  "target_label": label_of(o)} for s, p, o in edges]
    drawn = [dict(e, x1=nodes[e["source"]]["x"], y1=nodes[e["source"]]["y"],
                  x2=nodes[e["target"]]["x"], y2=nodes[e["target"]]["y"])
             for e in out_edges if e["source"] in nodes and e["target"] in nodes]
    return {"nodes": out_nodes, "edges": out_edges, "drawn": drawn, "size": size}


def collapse(edges: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Participations and memberships drawn as one labelled edge each, not as nodes.

    ``X kf:participation P . P kf:participant A ; kf:role R`` becomes ``X —R→ A``;
    ``M org:member A ; org:organization O ; org:role R`` becomes ``A —R→ O``.
    """
    out_of: dict[str, dict[str, str]] = {}
    for s, p, o in edges:
        out_of.setdefault(s, {})[p] = o
    parts = {n: v for n, v in out_of.items() if "kf:participant" in v and "kf:role" in v}
    members = {n: v for n, v in out_of.items() if "org:member" in v and "org:organization" in v}
    result = []
    for s, p, o in edges:
        if s in parts or s in members:
            continue
        if p == "kf:participation" and o in parts:
            result.append((s, compact(parts[o]["kf:role"]), parts[o]["kf:participant"]))
        else:
            result.append((s, p, o))
    for m in members.values():
        role = compact(m.get("org:role", "org:member"))
        result.append((m["org:member"], role, m["org:organization"]))
    return result


# --------------------------------------------------------------------------- snippet


def snippet(query_text: str, endpoint: str, form: str) -> str:
    """A Python program (SPARQLWrapper) that asks ``endpoint`` the same question."""
    body = query_text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    lines = [
        "from SPARQLWrapper import SPARQLWrapper, JSON" if form != "CONSTRUCT"
        else "from SPARQLWrapper import SPARQLWrapper, TURTLE",
        "",
        f'endpoint = SPARQLWrapper("{endpoint}")',
        f'endpoint.setQuery("""{body}""")',
    ]
    if form == "CONSTRUCT" or form == "DESCRIBE":
        lines += [
            "endpoint.setReturnFormat(TURTLE)",
            "graph = endpoint.queryAndConvert()  # bytes of Turtle",
            "",
            "import rdflib",
            "",
            'for s, p, o in rdflib.Graph().parse(data=graph, format="turtle"):',
            "    print(s, p, o)",
        ]
    elif form == "ASK":
        lines += ["endpoint.setReturnFormat(JSON)", 'print(endpoint.queryAndConvert()["boolean"])']
    else:
        lines += [
            "endpoint.setReturnFormat(JSON)",
            "results = endpoint.queryAndConvert()",
            "",
            'for row in results["results"]["bindings"]:',
            '    print({name: cell["value"] for name, cell in row.items()})',
        ]
    return "\n".join(lines) + "\n"


def r_raw_string(text: str) -> str:
    """``text`` as an R raw string literal (R 4.0+: ``r"(…)"``), with as many dashes in its
    delimiters as it takes for the closing one not to occur in ``text``."""
    dashes = 0
    while f"){'-' * dashes}\"" in text:
        dashes += 1
    return f'r"{"-" * dashes}({text}){"-" * dashes}"'


def r_snippet(query_text: str, endpoint: str, form: str) -> str:
    """An R program (httr2) that asks ``endpoint`` the same question and reads the answer into a
    data frame: SELECT and CONSTRUCT answers as CSV (a CONSTRUCT as subject, predicate, object),
    every column as text so that codes such as 0114 keep their leading zero."""
    lines = [
        "library(httr2)",
        "",
        f"query <- {r_raw_string(query_text)}",
        "",
        f'response <- request("{endpoint}") |>',
        "  req_body_form(query = query) |>",
        '  req_headers(Accept = "text/csv") |>',
        "  req_perform()",
        "",
    ]
    if form == "ASK":
        lines.append('answer <- trimws(resp_body_string(response, encoding = "UTF-8")) == "true"')
        lines.append("print(answer)")
    else:
        lines += [
            'table <- read.csv(text = resp_body_string(response, encoding = "UTF-8"),',
            '                  colClasses = "character", check.names = FALSE,',
            '                  na.strings = character(0), encoding = "UTF-8")',
            "print(table)",
        ]
    return "\n".join(lines) + "\n"
