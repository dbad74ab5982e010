"""A careful lexical scan of a SPARQL request, before it goes to the engine.

It finds what the endpoint must know without a full parse: the query form (to negotiate the
answer's format and answer 406 before any work), the endpoints named by ``SERVICE`` (checked
against the allow-list) and calls whose answer changes from one run to the next (never cached).
Comments, strings and IRIs are skipped as tokens, so a ``SERVICE`` inside a string is no SERVICE.
The engine's parser stays the judge of syntax: a query the scan cannot read goes to it as it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''
                 |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w]+)
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
    #: endpoint IRIs of every SERVICE clause; ``None`` for a SERVICE with a variable
    services: list[str | None] = field(default_factory=list)
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
    prefixes: dict[str, str] = {}
    base = ""
    for i, (kind, value) in enumerate(tokens):
        if kind != "word":
            continue
        upper = value.upper()
        following = tokens[i + 1 : i + 4]
        if upper == "PREFIX" and len(following) >= 2 and following[1][0] == "iri":
            prefixes[following[0][1].rstrip(":")] = urljoin(base, following[1][1][1:-1])
        elif upper == "BASE" and following and following[0][0] == "iri":
            base = urljoin(base, following[0][1][1:-1])
        elif result.form is None and upper in FORMS:
            result.form = FORMS[upper]
        elif result.form is None and upper in UPDATE_WORDS:
            result.form = "update"
        elif upper == "SERVICE":
            result.services.append(_endpoint(following, prefixes, base))
        elif upper in VOLATILE and following and following[0][1] == "(":
            result.volatile = True
    return result


def _endpoint(following, prefixes: dict[str, str], base: str) -> str | None:
    if following and following[0][0] == "word" and following[0][1].upper() == "SILENT":
        following = following[1:]
    if not following:
        return None
    kind, value = following[0]
    if kind == "iri":
        return urljoin(base, value[1:-1])
    if kind == "word" and ":" in value:
        prefix, _, local = value.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def refused_services(found: Scan, allowed: list[str]) -> list[str]:
    """The SERVICE endpoints of ``found`` that the allow-list does not name (``?var`` for vars)."""
    allowed_set = {a.strip() for a in allowed if a.strip()}
    return [s or "?variable" for s in found.services if s is None or s not in allowed_set]


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
