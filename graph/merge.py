"""The default graph as the RDF merge of the named graphs, kept by every write.

A fact stated by two sources sits in two named graphs. Queried through a *union* of the graphs it
would be counted twice; the default graph is instead the RDF merge: every triple once, however
many graphs state it. It is materialised — in the store's own unnamed graph (embedded store,
Oxigraph server) or in the graph :data:`MERGE_GRAPH` (Virtuoso, whose default graph is always the
union) — and every write keeps it: the SPARQL operations of :func:`resync` run after the write,
in the same update request (one transaction on pyoxigraph and Oxigraph server). They compare the
merge with the named graphs through the indexes, so the merge is right whatever the write did.
Where a write names its triples, the embedded store looks at those only (:func:`data_sync` for
``INSERT DATA``/``DELETE DATA``, :func:`unmerge` for a graph replaced or removed): right whenever
the merge was right before the write, which every write keeps so.

The merge is derived data, so nothing writes it directly: :func:`default_graph_write` finds the
operations of an update that would (``INSERT DATA { … }`` without ``GRAPH``, ``CLEAR DEFAULT``,
``… TO DEFAULT``, a template without ``GRAPH`` or ``WITH`` …) and the store refuses them with a
client error before anything runs. The scan only names the mistake; the invariant itself is the
engine's work (:func:`resync`), so a write the scan missed could never leave the merge wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from graph.sparql_text import TOKEN, tokens

#: Where the merge lives on an engine without an unnamed default graph of its own (Virtuoso).
MERGE_GRAPH = "urn:x-kompetensgraf:merge"

REFUSED = (
    "the default graph is the merge of the named graphs (every triple once) and cannot be "
    "written itself: {what}. Name the graph to change with GRAPH, WITH or INTO "
    "(e.g. INSERT DATA {{ GRAPH <…> {{ … }} }}, or ?graph=<…> in the Graph Store protocol; "
    "DELETE WHERE {{ GRAPH ?g {{ … }} }} removes "
    "from every graph), and the default graph follows"
)


def _operations(tokens: list[str]) -> list[list[str]]:
    """The operations of an update request (split at ``;`` outside braces), prologue removed."""
    ops, current, depth = [], [], 0
    for tok in tokens:
        depth += {"{": 1, "}": -1}.get(tok, 0)
        if tok == ";" and depth == 0:
            ops.append(current)
            current = []
        else:
            current.append(tok)
    ops.append(current)
    out = []
    for op in ops:
        while op and op[0].upper() in ("PREFIX", "BASE"):
            op = op[3:] if op[0].upper() == "PREFIX" else op[2:]
        if op:
            out.append(op)
    return out


def _groups(op: list[str]) -> list[tuple[int, int]]:
    """(open, close) indexes of the ``{…}`` groups at depth 0 of one operation."""
    groups, depth, start = [], 0, 0
    for i, tok in enumerate(op):
        if tok == "{":
            if depth == 0:
                start = i
            depth += 1
        elif tok == "}":
            depth -= 1
            if depth == 0:
                groups.append((start, i))
    return groups


def _bare_triples(block: list[str]) -> bool:
    """Does a quad template (the tokens inside its braces) state triples outside ``GRAPH``?"""
    i = 0
    while i < len(block):
        tok = block[i]
        if tok.upper() == "GRAPH":
            depth, i = 0, i + 2  # the keyword and the graph's name
            while i < len(block):
                depth += {"{": 1, "}": -1}.get(block[i], 0)
                i += 1
                if depth == 0:
                    break
        elif tok == ".":
            i += 1
        else:
            return True
    return False


def _writes_default(op: list[str]) -> str | None:
    words = [t.upper() for t in op]
    head = [w for w in words[:3] if w != "SILENT"]
    kind = head[0]
    if kind == "LOAD":
        return None if "INTO" in words else "LOAD without INTO GRAPH"
    if kind in ("CLEAR", "DROP"):
        return f"{kind} DEFAULT" if head[1:2] == ["DEFAULT"] else None
    if kind in ("ADD", "MOVE", "COPY"):
        if "TO" in words and words[words.index("TO") + 1] == "DEFAULT":
            return f"{kind} … TO DEFAULT"
        return "MOVE DEFAULT" if kind == "MOVE" and head[1:2] == ["DEFAULT"] else None
    if kind not in ("INSERT", "DELETE", "WITH"):
        return None  # CREATE, or not an update at all (the engine reports that)
    groups = _groups(op)
    if words[:2] in (["INSERT", "DATA"], ["DELETE", "DATA"], ["DELETE", "WHERE"]):
        templates = groups[:1]
    elif kind == "WITH":
        templates = []  # bare triples of the templates go to the WITH graph
    else:
        where = next((i for i, w in enumerate(words) if w == "WHERE"), len(op))
        templates = [g for g in groups if g[1] < where]
    for start, end in templates:
        if _bare_triples(op[start + 1 : end]):
            return f"{' '.join(words[:2])} with triples outside GRAPH"
    return None


def default_graph_write(update: str) -> str | None:
    """The client error for an update that writes the default graph, else ``None``."""
    for op in _operations(tokens(update)):
        what = _writes_default(op)
        if what is not None:
            return REFUSED.format(what=what)
    return None


def join(update: str, operations: str) -> str:
    """One update request: ``update``, then ``operations`` (a trailing ``;`` of its own kept)."""
    found = tokens(update)
    if not _operations(found):
        return update + "\n" + operations  # only a prologue
    return update + ("\n" if found[-1] == ";" else "\n;\n") + operations


def graph_filter(merge: str | None, hidden: Iterable[str]) -> str:
    """A FILTER on ``?g`` that keeps the source graphs only."""
    tests = [f"?g != {ox.NamedNode(merge)}"] if merge else []
    tests += [f"!STRSTARTS(STR(?g), {ox.Literal(prefix)})" for prefix in hidden]
    return f" FILTER({' && '.join(tests)})" if tests else ""


def resync(merge: str | None = None, hidden: Iterable[str] = ()) -> str:
    """SPARQL Update operations that make the merge equal the RDF merge of the named graphs:
    remove what no named graph states any more, add what one states and the merge lacks.
    ``merge`` is the graph holding it (``None``: the store's unnamed default graph); graphs whose
    name starts with one of ``hidden`` (an engine's own, staging) are no source."""
    sources = "GRAPH ?g { ?s ?p ?o }" + graph_filter(merge, hidden)
    merged = f"GRAPH {ox.NamedNode(merge)} {{ ?s ?p ?o }}" if merge else "?s ?p ?o"
    return (
        f"DELETE {{ {merged} }} WHERE {{ {merged} FILTER NOT EXISTS {{ {sources} }} }} ;\n"
        f"INSERT {{ {merged} }} WHERE {{ {sources} FILTER NOT EXISTS {{ {merged} }} }}"
    )


def unmerge(triples: str, graph: str) -> str:
    """An update operation that takes ``triples`` (a pattern) as ``graph`` states them out of the
    merge (the store's unnamed default graph) where no other named graph states them; run before
    they leave ``graph``. A targeted re-sync: it reads what ``graph`` holds, not the whole store,
    and is right whenever the merge was right before the write."""
    named = ox.NamedNode(graph)
    return (
        f"DELETE {{ {triples} }} WHERE {{ GRAPH {named} {{ {triples} }} "
        f"FILTER NOT EXISTS {{ GRAPH ?other {{ {triples} }} FILTER(?other != {named}) }} }}"
    )


def data_sync(update: str, prefixes: Mapping[str, str] | None = None) -> str | None:
    """For a request of ``INSERT DATA`` and ``DELETE DATA`` operations only, the operations that
    keep the merge after it, touching only the triples it names: those inserted are added to the
    merge, those deleted are taken out of it unless a named graph still states them. ``None``
    for any other request, or inserted blank nodes (fresh in each operation): re-derive it all.

    The triples are read by the engine's own SPARQL parser (a ``CONSTRUCT`` of the data without
    its ``GRAPH`` blocks), so they are exactly the terms the update wrote."""
    found = [m for m in TOKEN.finditer(update) if m.lastgroup != "comment"]
    prologue, inserted, deleted, depth, start = [], [], [], 0, 0
    for i, match in enumerate(found + [None]):
        if match is not None and match.group() in ("{", "}"):
            depth += 1 if match.group() == "{" else -1
        if match is not None and (match.group() != ";" or depth):
            continue
        words = [m.group() for m in found[start:i]]
        while words[:1] and words[0].upper() in ("PREFIX", "BASE"):
            size = 3 if words[0].upper() == "PREFIX" else 2
            prologue.append(" ".join(words[:size]))
            words, start = words[size:], start + size
        kind = [w.upper() for w in words[:2]]
        if words and kind not in (["INSERT", "DATA"], ["DELETE", "DATA"]):
            return None
        if words:
            block = _without_graphs(update, found[start + 2 : i])
            if kind[0] == "INSERT" and ("_:" in block or "[" in block):
                return None
            (inserted if kind[0] == "INSERT" else deleted).append(block)
        start = i + 1
    try:
        ins, dels = (_triples(" ".join(prologue), blocks, prefixes) for blocks in (inserted,
                                                                                     deleted))
    except (SyntaxError, ValueError):
        return None  # the engine reports the request's own error; or re-derive it all
    ops = [f"INSERT DATA {{ {' '.join(f'{t} .' for t in ins)} }}"] if ins else []
    if dels:
        rows = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in dels)
        ops.append(f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} ?s ?p ?o "
                   "FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }")
    return " ;\n".join(ops) if ops else None


def _without_graphs(text: str, block: list) -> str:
    """The triples of a quad data block (its tokens, outer braces included) as one template:
    the text inside each ``GRAPH name { … }``, each ended by a ``.``."""
    out, depth, begin = [], 0, 0
    for match in block:
        if match.group() == "{":
            depth += 1
            begin = match.end()
        elif match.group() == "}":
            depth -= 1
            inner = text[begin : match.start()].strip() if depth == 1 else ""
            if inner:
                out.append(inner if inner.endswith(".") else inner + " .")
    return "\n".join(out) + "\n"  # a comment in the data ends at its line


def _triples(prologue: str, blocks: list[str], prefixes: Mapping[str, str] | None):
    if not blocks:
        return []
    query = f"{prologue}\nCONSTRUCT {{ {' '.join(blocks)} }} WHERE {{}}"
    extra = {"prefixes": dict(prefixes)} if prefixes else {}
    triples = list(ox.Store().query(query, **extra))
    if any(isinstance(term, ox.Triple) for t in triples for term in (t.subject, t.object)):
        raise ValueError("a triple term")
    return triples
