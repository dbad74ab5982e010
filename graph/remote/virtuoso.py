"""Virtuoso's dialect: what it does unlike the SPARQL 1.1 standard, and how the remote store
makes it answer like the others (:mod:`graph.remote.store` decides when; see the README, "Running
on an existing SPARQL engine").

* its system graphs: listed nowhere, and dropped from answers that name them;
* its default graph is always the union of the graphs: the merge goes in a graph of its own, and
  ``GRAPH`` patterns leave that graph out (:func:`graph_var_not`);
* its ``isIRI()`` is true of blank nodes in expressions (:func:`strict_is_iri`);
* its time-limit refusals (:data:`TIME_LIMIT`), blank node labels (``nodeID://…``) and numeric
  booleans in SPARQL JSON results.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import pyoxigraph as ox

from graph.merge import MERGE_GRAPH
from graph.sparql_text import mask

#: Graphs an engine keeps for itself (Virtuoso's schemas, LDP, service description, DAV): the
#: prefixes of their names, hidden from every graph list by default.
SYSTEM_GRAPH_PREFIXES = (
    "http://www.openlinksw.com/",
    "http://www.w3.org/ns/ldp#",
    "http://localhost:8890/sparql",
    "http://localhost:8890/DAV",
    "urn:activitystreams-owl:map",
    "urn:core:services:sparql",
)
#: The exact names of Virtuoso's own graphs in a fresh database (see without_system_graphs).
SYSTEM_GRAPHS = frozenset(
    {
        "http://www.openlinksw.com/schemas/virtrdf#",
        "http://www.w3.org/ns/ldp#",
        "http://localhost:8890/sparql",
        "http://localhost:8890/DAV/",
    }
)

#: DESCRIBE as the concise bounded description, as Oxigraph gives it.
DESCRIBE_CBD = 'define sql:describe-mode "CBD"\n'
#: The graph list: ``GRAPH ?g {}`` gets one row from Virtuoso, and ``DISTINCT ?g`` over all quads
#: takes it seconds, while ``GROUP BY ?g`` is instant.
GRAPH_LIST = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


def is_engine(server: str) -> bool:
    """Whether an engine's ``Server`` header names Virtuoso."""
    return server.lower().startswith("virtuoso")


def rewrite(text: str, params: Mapping[str, list[str]]) -> tuple[str, set[str]]:
    """The query as Virtuoso is sent it, with the dataset ``params`` (the protocol's
    ``default-graph-uri`` / ``named-graph-uri``) as its own pragmas, and the variables the rewrite
    added (to take out of a ``SELECT *`` answer)."""
    added: set[str] = set()
    text = strict_is_iri(text)
    if params.get("default-graph-uri") == [MERGE_GRAPH]:
        rewritten = graph_var_not(text, MERGE_GRAPH)
        added = set(GRAPH_VARS.findall(rewritten)) - set(GRAPH_VARS.findall(text))
        text = rewritten
    # Virtuoso echoes each dataset parameter as a response header, and over 100 headers break
    # HTTP clients: the same dataset as Virtuoso's own pragmas.
    pragmas = [
        f"define input:{key} {ox.NamedNode(iri)}\n" for key, iris in params.items() for iri in iris
    ]
    return "".join(pragmas) + text, added


def time_limit(seconds: float) -> tuple[str, str]:
    """The request parameter that gives the engine itself the time limit (in milliseconds)."""
    return "timeout", str(int(seconds * 1000))


def partial_answer(headers: Mapping[str, str]) -> str | None:
    """Why the answer is partial, when Virtuoso's "anytime" answer was cut at its time limit."""
    state = headers.get("X-SQL-State", "")
    return headers.get("X-SQL-Message", state) if state.startswith("S1T") else None


#: The variables graph_var_not gives constant GRAPH patterns on Virtuoso.
GRAPH_VARS = re.compile(r"[?$](kfgraph\d+)\b")

_IS_IRI = re.compile(r"\b(isIRI|isURI)\s*\(\s*([?$][A-Za-z_][A-Za-z0-9_]*)\s*\)", re.IGNORECASE)


def strict_is_iri(text: str) -> str:
    """``isIRI(?v)`` → ``(isIRI(?v) && !isBlank(?v))``: Virtuoso's blank nodes are IRIs inside,
    and its isIRI() says true for them in expressions (not in FILTER)."""
    masked = mask(text)
    for match in reversed(list(_IS_IRI.finditer(masked))):
        call, var = text[match.start() : match.end()], match.group(2)
        text = text[: match.start()] + f"({call} && !isBlank({var}))" + text[match.end() :]
    return text


_GRAPH = re.compile(r"(?<![?$\w:])GRAPH\b([^{}]+)\{", re.IGNORECASE)  # masked text: IRIs blank


_CONSTANT_BIND = re.compile(r"\bBIND\s*\(([^()]*?)\bAS\s+([?$][A-Za-z_][A-Za-z0-9_]*)\s*\)", re.I)


def graph_var_not(text: str, graph: str) -> str:
    """Keep ``graph`` (the merge) out of ``GRAPH`` patterns on Virtuoso when it is the default
    graph: its ``GRAPH ?g`` then ranges over every graph, and ``GRAPH <iri>`` finds nothing.
    ``GRAPH ?g { … }`` gets ``FILTER(?g != <graph>)`` *inside* the group (Virtuoso binds ``?g``
    there; a filter or ``VALUES`` beside it is lost in ``UNION`` branches), with
    ``BIND(constant AS ?v)`` inside it as ``VALUES ?v { constant }`` (a branch with such a BIND
    loses the filter too); ``GRAPH <iri> { … }`` becomes ``GRAPH ?kfgraphN { … FILTER(?kfgraphN =
    <iri>) }``. Virtuoso only: in SPARQL, ``?g`` is unbound inside the group."""
    masked = mask(text)
    edits: list[tuple[int, int, str]] = []
    for n, match in enumerate(_GRAPH.finditer(masked)):
        term = text[match.start(1) : match.end(1)].strip()
        if term.startswith(("?", "$")):
            test = f"{term} != {ox.NamedNode(graph)}"
        else:
            var = f"?kfgraph{n}"
            edits.append((match.start(1), match.end(1), f" {var} "))
            test = f"{var} = {term}"
        depth = 0
        for k in range(match.end() - 1, len(masked)):
            depth += {"{": 1, "}": -1}.get(masked[k], 0)
            if depth == 0:
                edits.append((k, k, f" FILTER({test}) "))
                edits += _constant_binds(text, masked, match.end(), k)
                break
    for start, end, new in sorted(set(edits), key=lambda e: e[0], reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _constant_binds(text: str, masked: str, start: int, end: int) -> list[tuple[int, int, str]]:
    edits = []
    for bind in _CONSTANT_BIND.finditer(masked, start, end):
        shape = masked[bind.start(1) : bind.end(1)].strip()
        term = text[bind.start(1) : bind.end(1)].strip()
        if term and not any(c.isspace() or c in "?$" for c in shape):
            edits.append((bind.start(), bind.end(), f"VALUES {bind.group(2)} {{ {term} }}"))
    return edits


def plain_results(body: bytes) -> bytes:
    """SPARQL JSON results as the other engines give them: plain blank node labels, no rows
    naming a system graph, canonical booleans (each only where the body holds such a thing)."""
    if b'"bnode"' in body:
        body = plain_bnodes(body)
    if any(g.encode() in body for g in SYSTEM_GRAPHS):
        body = without_system_graphs(body)
    if XSD_BOOLEAN.encode() in body:
        body = canonical_booleans(body)
    return body


def without_system_graphs(body: bytes) -> bytes:
    """Rows that name one of Virtuoso's private system graphs: its graph-list shortcut
    (``SELECT DISTINCT ?g { GRAPH ?g { … } }``) names them although their content is hidden."""
    data = json.loads(body)
    rows = data.get("results", {}).get("bindings", [])
    data["results"]["bindings"] = [
        row
        for row in rows
        if not any(v.get("type") == "uri" and v["value"] in SYSTEM_GRAPHS for v in row.values())
    ]
    return json.dumps(data).encode()


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
#: xsd:boolean's other lexical forms and their canonical ones (Virtuoso answers ``"1"``)
_BOOLEAN = {"1": "true", "0": "false"}


def canonical_booleans(body: bytes) -> bytes:
    """``"1"^^xsd:boolean`` as ``"true"`` (and ``"0"`` as ``"false"``), the canonical form the
    embedded store and Oxigraph server give: Virtuoso stores booleans as numbers."""
    data = json.loads(body)
    for row in data.get("results", {}).get("bindings", []):
        for value in row.values():
            if value.get("datatype") == XSD_BOOLEAN and value.get("value") in _BOOLEAN:
                value["value"] = _BOOLEAN[value["value"]]
    return json.dumps(data).encode()


def canonical_term(term):
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN \
            and term.value in _BOOLEAN:
        return ox.Literal(_BOOLEAN[term.value], datatype=term.datatype)
    return term


def plain_bnodes(body: bytes) -> bytes:
    """Blank node labels as N-Triples allows them (Virtuoso sends ``nodeID://b10006`` in JSON,
    ``_:b10006`` in N-Triples: both become ``b10006``)."""
    data = json.loads(body)
    for row in data.get("results", {}).get("bindings", []):
        for value in row.values():
            if value.get("type") == "bnode":
                label = value["value"].removeprefix("nodeID://")  # as in its N-Triples
                value["value"] = _BNODE_UNSAFE.sub("_", label)
    return json.dumps(data).encode()


_BNODE_UNSAFE = re.compile(r"[^A-Za-z0-9_]")
#: Virtuoso's refusal on its cost estimate, or its stop at the run time limit.
TIME_LIMIT = re.compile(r"\bS1T00\b|estimated execution time .* exceeds the limit", re.I)
