"""The gate a SPARQL query or update passes before any parser or engine acts on it.

Two checks; a request that fails one is a ``400`` (:class:`Refused`, one readable line):

**Nesting** (:func:`check_nesting`): one linear pass over the text, before rdflib or pyoxigraph
parse it — both parse recursively, and pyoxigraph overflows its stack (the worker dies) on a few
thousand nested brackets or left-nested operators. Refused are texts with more than
:data:`MAX_DEPTH` brackets ``{ ( [`` open at once (``\\u`` escapes decoded first; brackets in
strings and comments do not count, a closing bracket never goes below zero, and the brackets
inside an IRI count too, as an engine may read its ``<`` as less-than), more than
:data:`MAX_OPERATORS` operators that build left-nested trees (the keywords :data:`OPERATOR_WORDS`,
every ``{``, and ``|| && | / ^ ! + - * = < >`` outside strings, IRIs and comments), or a
parenthesised list (an RDF collection) of more than :data:`MAX_ITEMS` items.

**Federation** (:func:`outbound`, :func:`check_federation`): every ``SERVICE`` endpoint and every
``LOAD`` source, read from rdflib's parse of the request — ``\\u`` escapes decoded and line ends
read as pyoxigraph reads them, prefixes expanded, relative IRIs resolved against ``BASE`` by
pyoxigraph itself, at any depth (subqueries, ``EXISTS``, an update's ``WHERE``). Each must be on
``KG_SERVICE_ALLOWLIST`` exactly; ``SERVICE ?var`` is always refused. A request that mentions
SERVICE or LOAD (in any spelling) but that rdflib cannot parse is refused, so no difference
between two parsers lets one through. The parse runs only when the decoded text contains
``service`` or ``load`` (any case); such a *query* may be at most :data:`MAX_CHECKED_BYTES`.
The messages name the request's own IRIs and the setting, never anything a remote said.
"""

from __future__ import annotations

import re
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox
from rdflib.plugins.sparql import parser as rdf_parser
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable

from service.sparql.process import reaches_out

#: brackets ``{ ( [`` open at once (the catalogue's deepest query: 9)
MAX_DEPTH = 100
#: left-nesting operators in one request (the busiest project query, a browse query: 70)
MAX_OPERATORS = 1000
#: items of one parenthesised list without commas (an RDF collection, a VALUES row)
MAX_ITEMS = 1000
#: the largest query that mentions SERVICE or LOAD (it is parsed in full by rdflib first)
MAX_CHECKED_BYTES = 16 << 10
#: the keywords counted as operators
OPERATOR_WORDS = frozenset(
    {"UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "EXISTS", "SERVICE", "GRAPH", "VALUES"}
)
#: rdflib parses recursively: room for MAX_DEPTH levels (Python 3.11 frames, not C stack)
PARSE_RECURSION = 20_000
SETTING = "KG_SERVICE_ALLOWLIST"
#: one rdflib parse at a time (it holds the GIL anyway; pyparsing keeps some class-level state)
_PARSE_LOCK = threading.Lock()

_LEX = re.compile(
    r"""
      (?P<string>\"\"\"(?:[^\\]|\\.)*?\"\"\"|'''(?:[^\\]|\\.)*?'''
                 |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<comment>\#[^\r\n]*)
    | (?P<escape>\\.)
    | (?P<var>[?$]\w+)
    | (?P<word>[A-Za-z_][\w.-]*:[\w.%:-]*|:[\w.%:-]*|[A-Za-z_]\w*|\d[\w.]*)
    | (?P<open>[{(\[])
    | (?P<close>[})\]])
    | (?P<comma>,)
    | (?P<op>\|\||&&|[-|/^!+*=<>])
    """,
    re.VERBOSE | re.DOTALL,
)
_OPENERS = re.compile(r"[{(\[]")

# rdflib copies each SERVICE clause's text by searching the whole request again, which fails
# (the SERVICE vanishes from the parse) when a '#' stands earlier on its line, as in
# ``PREFIX rdfs: <…#> SELECT … { SERVICE …``, and costs a scan per clause. The gate needs no
# copy: a Comp with an evaluation function skips it (rdflib's own SERVICE evaluation, unused in
# this service, would need it).
rdf_parser.ServiceGraphPattern.setEvalFn(lambda _self, _ctx: None)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


class Refused(ValueError):
    """The request may not run: its message is the 400 answer."""


# --- nesting -------------------------------------------------------------------------------------
def check_nesting(text: str) -> None:
    """Refuse ``text`` nested beyond :data:`MAX_DEPTH`, :data:`MAX_OPERATORS` or
    :data:`MAX_ITEMS` (see the module docstring); linear in the length of ``text``."""
    text = decode_escapes(text)  # ``\\u007B`` is a ``{`` to every SPARQL parser
    if len(_OPENERS.findall(text)) <= MAX_DEPTH and len(text) <= MAX_OPERATORS:
        return  # too short to break a limit
    depth = deepest = operators = longest = 0
    items: list[int] = []  # items of each open parenthesised list
    for match in _LEX.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "iri":  # an engine may read ``<`` as less-than: its brackets count here
            deepest = max(deepest, depth + len(_OPENERS.findall(value)))
        if kind in ("string", "iri", "word", "var", "escape") and items:
            items[-1] += 1
        if kind == "open":
            if value != "{" and items:
                items[-1] += 1
            if value == "(":
                items.append(0)
            depth += 1
            deepest = max(deepest, depth)
            operators += value == "{"
        elif kind == "close":
            depth = max(0, depth - 1)
            if value == ")" and items:
                longest = max(longest, items.pop())
        elif kind == "comma" and items:
            items[-1] = 0
        elif kind == "op" or (kind == "word" and value.upper() in OPERATOR_WORDS):
            operators += 1
    longest = max([longest, *items])
    _limit(deepest, MAX_DEPTH, "brackets { ( [ are nested %d deep; at most %d are allowed")
    _limit(operators, MAX_OPERATORS, "the request has %d operators (UNION, OPTIONAL, MINUS, "
           "FILTER, { … }, || && + - * / …); at most %d are allowed")
    _limit(longest, MAX_ITEMS, "a list in ( … ) has %d items; at most %d are allowed")


def _limit(n: int, limit: int, message: str) -> None:
    if n > limit:
        raise Refused(message % (n, limit) + " (the service's nesting limits)")


# --- federation ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Outbound:
    """What a request would call: SERVICE endpoints (``None`` for a variable), LOAD sources."""

    services: tuple[str | None, ...] = ()
    loads: tuple[str, ...] = ()
    #: why the request could not be read (it mentions SERVICE or LOAD): refused whatever the list
    unreadable: str = ""

    def __bool__(self) -> bool:
        return bool(self.services or self.loads or self.unreadable)


NOTHING = Outbound()


def decode_escapes(text: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` decoded, as SPARQL (and pyoxigraph) do before parsing."""

    def one(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise Refused(f"{match.group()} is not a valid Unicode escape")
        return chr(code)

    return _UNICODE_ESCAPE.sub(one, text)


def outbound(text: str, *, update: bool) -> Outbound:
    """The SERVICE endpoints and LOAD sources of ``text`` (a query, or an update)."""
    if not reaches_out(text, ("service", "load")):
        return NOTHING
    decoded = decode_escapes(text)
    if not update and len(text.encode("utf-8")) > MAX_CHECKED_BYTES:
        raise Refused(
            f"a query that mentions SERVICE or LOAD is checked in full before it runs and may be "
            f"at most {MAX_CHECKED_BYTES >> 10} KiB (this one has {len(text.encode())} bytes)"
        )
    # pyoxigraph ends a comment at \r as at \n; rdflib's comments run to \n only
    decoded = decoded.replace("\r", "\n")
    return _read(decoded, update=True) if update else _read_query(decoded)


@lru_cache(maxsize=256)  # queries repeat (updates, up to KG_MAX_REQUEST_BYTES, are not kept)
def _read_query(decoded: str) -> Outbound:
    return _read(decoded, update=False)


def _read(decoded: str, *, update: bool) -> Outbound:
    if sys.getrecursionlimit() < PARSE_RECURSION:
        sys.setrecursionlimit(PARSE_RECURSION)
    try:
        with _PARSE_LOCK:
            tree = _parse(decoded, update)
        if update:
            steps = list(zip(tree.get("prologue") or [], tree.get("request") or [], strict=False))
        else:
            prologue, body = tree
            steps = [(prologue, body)]
    except Exception as exc:  # noqa: BLE001 - pyparsing's, rdflib's and RecursionError alike
        return Outbound(unreadable=" ".join(str(exc).split())[:200] or type(exc).__name__)
    services: list[str | None] = []
    loads: list[str] = []
    names = _Names()
    for prologue, body in steps:
        names.declare(prologue)
        for node in _nodes(body):
            if node.name == "ServiceGraphPattern":
                services.append(names.iri(node.get("term")))
            elif node.name == "Load":
                loads.append(names.iri(node.get("iri")) or "?")
    return Outbound(tuple(services), tuple(loads))


def _parse(decoded: str, update: bool):
    if update:
        return rdf_parser.UpdateUnit.parse_string(decoded, parse_all=True)[0]
    return rdf_parser.Query.parse_string(decoded, parse_all=True)


class _Names:
    """BASE and PREFIX as the request declares them, resolved as pyoxigraph resolves them."""

    def __init__(self) -> None:
        self.base: str | None = None
        self.prefixes: dict[str, str] = {}

    def declare(self, prologue) -> None:
        for decl in prologue or []:
            if decl.name == "Base":
                self.base = self.resolve(str(decl["iri"]))
            elif decl.name == "PrefixDecl":
                self.prefixes[decl.get("prefix") or ""] = self.resolve(str(decl["iri"]))

    def resolve(self, iri: str) -> str:
        if self.base is None:
            return iri
        triple = f"<{iri}> <urn:x:p> <urn:x:o> .".encode()
        try:
            quad = next(iter(ox.parse(triple, format=ox.RdfFormat.TURTLE, base_iri=self.base)))
        except (SyntaxError, ValueError, StopIteration):
            return iri  # not an IRI pyoxigraph accepts: not on any allow-list either
        return quad.subject.value

    def iri(self, term) -> str | None:
        if isinstance(term, Variable) or term is None:
            return None
        if isinstance(term, CompValue) and term.name == "pname":
            prefix = term.get("prefix") or ""
            local = _LOCAL_ESCAPE.sub(r"\1", term.get("localname") or "")
            if prefix not in self.prefixes:
                return f"{prefix}:{local}"
            return self.prefixes[prefix] + local
        if isinstance(term, URIRef):
            return self.resolve(str(term))
        return str(term)


def _nodes(tree) -> Iterable[CompValue]:
    """Every CompValue in rdflib's parse tree (iteratively: the tree may be deep)."""
    stack, seen = [tree], set()
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, str):
            continue
        seen.add(id(item))
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif hasattr(item, "__iter__"):
            stack.extend(item)
            if hasattr(item, "as_dict"):
                stack.extend(item.as_dict().values())


def check_federation(text: str, allowed: Iterable[str], *, update: bool) -> Outbound:
    """What ``text`` calls, when every SERVICE endpoint and LOAD source is on ``allowed``;
    otherwise :class:`Refused`."""
    found = outbound(text, update=update)
    if not found:
        return found
    allow = {a.strip() for a in allowed if a.strip()}
    off = "" if allow else f" ({SETTING} is empty: SERVICE and LOAD are off)"
    if found.unreadable:
        raise Refused(
            "this request mentions SERVICE or LOAD but could not be read to check what it calls "
            f"against {SETTING}{off}: {found.unreadable}"
        )
    if None in found.services:
        raise Refused(
            "SERVICE with a variable is never allowed: federated queries may only call the "
            f"endpoints listed in the setting {SETTING}{off}"
        )
    refused = [s for s in found.services if s not in allow]
    if refused:
        raise Refused(
            f"SERVICE {', '.join(f'<{s}>' for s in refused)} is not allowed: federated queries "
            f"may only call the endpoints listed in the setting {SETTING}{off}"
        )
    refused = [s for s in found.loads if s not in allow]
    if refused:
        raise Refused(
            f"LOAD {', '.join(f'<{s}>' for s in refused)} is not allowed: an update may only "
            f"load from the sources listed in the setting {SETTING}{off}"
        )
    return found


def check(text: str, allowed: Iterable[str], *, update: bool) -> Outbound:
    """Both checks, nesting first (before any parser sees the text); raises :class:`Refused`."""
    check_nesting(text)
    return check_federation(text, allowed, update=update)


def refusal(text: str, allowed: Iterable[str], *, update: bool) -> str | None:
    """Why ``text`` may not run (the 400 message), or ``None``: :func:`check` for callers that
    answer the refusal themselves."""
    try:
        check(text, allowed, update=update)
    except Refused as exc:
        return str(exc)
    return None
