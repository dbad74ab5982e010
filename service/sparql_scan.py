"""A lexical scan of a SPARQL request for what the endpoint must know before the engine runs it.

The query form (to negotiate the answer's format and answer 406 before any work), and calls whose
answer changes from one run to the next (never cached); :func:`with_using` adds the protocol's
USING clauses to an update. Comments, strings and IRIs are skipped as tokens. Nothing here
decides what a request may do: :mod:`service.sparql_gate` checks SERVICE and LOAD on the parsed
request. The engine's parser stays the judge of syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\r\n]*)
    | (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w]+)
    | (?P<escape>\\.)
    | (?P<word>[A-Za-z_][\w.-]*(?::[\w.%:-]*)?|:[\w.%:-]*)
    | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)

FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}
UPDATE_WORDS = {
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "CREATE",
    "DROP",
    "COPY",
    "MOVE",
    "ADD",
    "WITH",
}
VOLATILE = {"NOW", "RAND", "UUID", "STRUUID", "BNODE"}


@dataclass
class Scan:
    #: ``select``, ``ask``, ``construct``, ``describe``, ``update`` or ``None`` (unreadable)
    form: str | None = None
    #: uses NOW(), RAND(), UUID(), STRUUID() or BNODE(): a new answer on every run
    volatile: bool = False


@lru_cache(maxsize=1024)  # repeated queries are common (and cached answers want a fast path)
def scan(text: str) -> Scan:
    tokens = [
        (m.lastgroup, m.group())
        for m in _TOKEN.finditer(text)
        if m.lastgroup not in ("comment", "string")
    ]
    result = Scan()
    for i, (kind, value) in enumerate(tokens):
        if kind != "word":
            continue
        upper = value.upper()
        if result.form is None and upper in FORMS:
            result.form = FORMS[upper]
        elif result.form is None and upper in UPDATE_WORDS:
            result.form = "update"
        elif upper in VOLATILE and i + 1 < len(tokens) and tokens[i + 1][1] == "(":
            result.volatile = True
    return result


def with_using(update: str, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` as
    ``USING`` / ``USING NAMED`` clauses before the ``WHERE`` of every DELETE/INSERT operation.

    The IRIs are written by pyoxigraph (``NamedNode``), which refuses anything that is not an IRI.
    Raises ValueError when the protocol says 400: the update has its own USING or WITH, or uses
    the ``DELETE WHERE`` short form, which takes no USING.
    """
    import pyoxigraph as ox

    clauses = " ".join(
        [f"USING {ox.NamedNode(g)}" for g in using]
        + [f"USING NAMED {ox.NamedNode(g)}" for g in using_named]
    )
    out, depth, last, previous = [], 0, 0, ""
    for match in _TOKEN.finditer(update):
        kind, value = match.lastgroup, match.group()
        if kind in ("comment", "string"):
            continue
        upper = value.upper() if kind == "word" else value
        if depth == 0 and upper in ("USING", "WITH"):
            raise ValueError(f"the update has its own {upper}: it conflicts with using-graph-uri")
        if depth == 0 and upper == "WHERE":
            if previous == "DELETE":
                raise ValueError("using-graph-uri cannot apply to the DELETE WHERE short form")
            out += [update[last : match.start()], clauses, " "]
            last = match.start()
        depth += {"{": 1, "}": -1}.get(value, 0) if kind == "other" else 0
        previous = upper
    out.append(update[last:])
    return "".join(out)
