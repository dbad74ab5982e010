"""The one SPARQL lexer of the project, and all it reads from or writes into SPARQL text.

One tokenizer (:data:`TOKEN`: comments, strings, IRIs, variables, words, single characters) serves
every reader, :mod:`graph.merge` included; the engine's parser stays the judge of syntax, and
nothing here decides what a request may do (:mod:`service.sparql.gate` checks SERVICE and LOAD on
the parsed request).

* :func:`scan`: what the endpoint must know before the engine runs a request: the query form (to
  negotiate the answer's format and answer 406 before any work), and calls whose answer changes
  from one run to the next (never cached); :func:`with_using` adds the protocol's USING clauses;
* :func:`mask`: a copy with strings, IRIs and comments blanked (same length), so that braces,
  parentheses and keywords found in it are real syntax; :func:`first_keyword`,
  :func:`query_form` and :func:`has_own_dataset` read it;
* prefixes: :func:`with_prefixes` declares predeclared ones for an engine that has none,
  :func:`unknown_prefix` and :func:`undeclared_prefixes` find those nobody declares;
* value binding, since SPARQL 1.1 has no parameters: pyoxigraph binds ``substitutions`` before
  evaluation (a substituted variable must be in the projection). Over HTTP the same effect comes
  from an inline ``VALUES`` block placed first in the outermost ``WHERE`` group
  (:func:`bind_values`): it binds the variables for every pattern, filter and optional of that
  group, and, unlike a trailing ``VALUES`` (joined *after* grouping), it also holds for
  aggregates. Terms are written in N-Triples syntax by pyoxigraph itself, never by formatting
  request values;
* :func:`explain`: one readable line for the engine's complaint about a query.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from graph.store import QueryError

TOKEN = re.compile(
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
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
VOLATILE = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE"})
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FORM = re.compile(rf"\b({'|'.join(QUERY_FORMS)})\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:PREFIX\s+[^\s:]*:\s*|BASE\s+)", re.IGNORECASE)
_WORD = re.compile(r"\s*([A-Za-z]+)")
_FROM = re.compile(r"(?<![?$\w])FROM\b", re.IGNORECASE)  # not the variable ?from


def tokens(text: str) -> list[str]:
    """The tokens of ``text``, comments left out."""
    return [m.group() for m in TOKEN.finditer(text) if m.lastgroup != "comment"]


def _code(text: str):
    """The tokens of ``text`` that are code (comments and strings left out), as matches."""
    return (m for m in TOKEN.finditer(text) if m.lastgroup not in ("comment", "string"))


def mask(text: str) -> str:
    """``text`` with string literals, IRIs and comments replaced by spaces."""
    out = list(text)
    for match in TOKEN.finditer(text):
        start, end = match.span()
        unterminated = match.lastgroup == "other" and match.group() in "'\""
        if unterminated:
            end = len(text)  # a string without its end: the engine will report it
        elif match.lastgroup == "comment":
            end = text.find("\n", start) % (len(text) + 1)  # to the line's end, a \r included
        elif match.lastgroup not in ("string", "iri"):
            continue
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "
        if unterminated:
            break
    return "".join(out)


# --- What the endpoint needs before the engine runs a request ------------------------------------
@dataclass
class Scan:
    #: ``select``, ``ask``, ``construct``, ``describe``, ``update`` or ``None`` (unreadable)
    form: str | None = None
    #: uses NOW(), RAND(), UUID(), STRUUID() or BNODE(): a new answer on every run
    volatile: bool = False
    #: the query with its terms left out, as a hash: its tokens, with every IRI, prefixed name,
    #: string and number as ``_`` (comments dropped), so that the same query with other values
    #: bound has the same shape (the query engine learns from a shape's past runs what it costs;
    #: a hash, so that remembering many shapes of long queries takes little memory)
    shape: int = 0


#: what continues a number among the ``other`` tokens (digits, a decimal point, an exponent)
_NUMBER_CHAR = frozenset("0123456789.eE+-")


@lru_cache(maxsize=1024)  # repeated queries are common (and cached answers want a fast path)
def scan(text: str) -> Scan:
    code, shape, number = [], [], False
    for m in TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind == "comment":
            continue
        if kind != "string":
            code.append((kind, value))
        if kind == "other" and (value.isdigit() or (number and value in _NUMBER_CHAR)):
            if not number:
                shape.append("_")
            number = True
            continue
        number = False
        term = kind in ("string", "iri") or (kind == "word" and ":" in value)
        shape.append("_" if term else value)
    result = Scan(shape=hash(" ".join(shape)))
    for i, (kind, value) in enumerate(code):
        if kind != "word":
            continue
        upper = value.upper()
        if result.form is None and upper in QUERY_FORMS:
            result.form = upper.lower()
        elif result.form is None and upper in UPDATE_WORDS:
            result.form = "update"
        elif upper in VOLATILE and i + 1 < len(code) and code[i + 1][1] == "(":
            result.volatile = True
    return result


def with_using(update: str, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` as
    ``USING`` / ``USING NAMED`` clauses before the ``WHERE`` of every DELETE/INSERT operation.

    The IRIs are written by pyoxigraph (``NamedNode``), which refuses anything that is not an IRI.
    Raises ValueError when the protocol says 400: the update has its own USING or WITH, or uses
    the ``DELETE WHERE`` short form, which takes no USING.
    """
    clauses = " ".join(
        [f"USING {ox.NamedNode(g)}" for g in using]
        + [f"USING NAMED {ox.NamedNode(g)}" for g in using_named]
    )
    out, depth, last, previous = [], 0, 0, ""
    for match in _code(update):
        kind, value = match.lastgroup, match.group()
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


# --- The masked text -----------------------------------------------------------------------------
def _groups_at_top(masked: str, start: int) -> list[tuple[int, int]]:
    """(open, close) offsets of the ``{…}`` groups at brace and parenthesis depth 0."""
    groups, depth, parens, opened = [], 0, 0, -1
    for k in range(start, len(masked)):
        c = masked[k]
        if c == "(" and depth == 0:
            parens += 1
        elif c == ")" and depth == 0:
            parens -= 1
        elif c == "{":
            if depth == 0 and parens == 0:
                opened = k
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0 and opened >= 0:
                groups.append((opened, k))
                opened = -1
    return groups


def first_keyword(text: str) -> str:
    """The first keyword after the prologue, upper-cased: the query form or the update verb."""
    masked, pos = mask(text), 0
    while match := _PROLOGUE.match(masked, pos):  # IRIs are masked, so only names remain
        pos = match.end()
    match = _WORD.match(masked, pos)
    return match.group(1).upper() if match else ""


def query_form(text: str) -> str:
    """``SELECT``, ``CONSTRUCT``, ``DESCRIBE`` or ``ASK`` ("" when it is none of them)."""
    word = first_keyword(text)
    return word if word in QUERY_FORMS else ""


def has_own_dataset(text: str) -> bool:
    """Whether the query names its dataset itself (``FROM`` / ``FROM NAMED`` at the top)."""
    return bool(_FROM.search(mask(text)))  # FROM is no keyword anywhere else in a query


def values_block(substitutions: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    names, terms = [], []
    for name, term in substitutions.items():
        if not _VARNAME.match(name):
            raise QueryError(f"not a SPARQL variable name: {name!r}")
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise QueryError(f"?{name}: only IRIs and literals can be bound on a remote store")
        names.append(f"?{name}")
        terms.append(str(term))  # N-Triples syntax, escaped by pyoxigraph
    return f" VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }} "


def bind_values(text: str, substitutions: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with ``substitutions`` bound by a ``VALUES`` block in its ``WHERE`` group.

    A variable the query assigns itself cannot be bound before the assignment; pyoxigraph then
    keeps the solutions whose value is the given term. The same here: ``BIND(… AS ?v)`` in the
    pattern gets ``FILTER(?v = term)`` in the outer group (filters see the whole group),
    ``(… AS ?v)`` in the projection a trailing ``VALUES`` clause.
    """
    if not substitutions:
        return text
    masked = mask(text)
    form = _FORM.search(masked)
    if form is None:
        raise QueryError("substitutions need a SELECT, CONSTRUCT, DESCRIBE or ASK query")
    groups = _groups_at_top(masked, form.end())
    if form.group(1).upper() == "CONSTRUCT":
        if masked[form.end() :].lstrip().upper().startswith("WHERE"):
            raise QueryError(
                "substitutions are not supported with the CONSTRUCT WHERE short form on a "
                "remote store: write the template out (CONSTRUCT { … } WHERE { … })"
            )
        groups = groups[1:]  # the first group is the template
    where = groups[0] if groups else None
    bound, filtered, trailing = {}, [], {}
    for name, term in substitutions.items():
        values_block({name: term})  # checks the name and the term
        assigned = [m.start() for m in re.finditer(rf"\bAS\s+[?$]{name}\b", masked, re.I)]
        if not assigned:
            bound[name] = term
        elif where and all(where[0] < pos < where[1] for pos in assigned):
            filtered.append(f" FILTER(?{name} = {term}) ")  # Virtuoso: no sameTerm here
        else:
            trailing[name] = term
    block = (values_block(bound) if bound else "") + "".join(filtered)
    if where is None:  # DESCRIBE ?x / DESCRIBE <iri> without a WHERE clause
        text = f"{text.rstrip()}\nWHERE {{{block}}}\n"
    else:
        text = text[: where[0] + 1] + block + text[where[0] + 1 :]
    if trailing:
        text = text.rstrip() + "\n" + values_block(trailing).strip() + "\n"
    return text


# --- Predeclared prefixes ----------------------------------------------------------------------
_DECLARED = re.compile(r"\bPREFIX\s+([^\s:]*):", re.IGNORECASE)
#: a prefixed name's prefix and colon (``kf:``, ``:``), not inside a longer name or a variable
_PREFIXED = re.compile(r"(?<![\w.\-:?$])((?:[^\W\d_][\w.\-]*)?):")


def _prefixes_used(masked: str) -> list[tuple[str, int]]:
    """(prefix, offset) of every prefixed name in a masked query, blank node labels excluded."""
    return [(m.group(1), m.start()) for m in _PREFIXED.finditer(masked)]


def with_prefixes(text: str, prefixes: Mapping[str, str] | None) -> str:
    """``text`` with a ``PREFIX`` declaration for each of ``prefixes`` it uses but does not
    declare itself (its own declarations win), for an engine that predeclares none of them.

    The declarations go before the query on its first line, so that the engine's line numbers in
    error messages stay the query's own.
    """
    if not prefixes:
        return text
    masked = mask(text)
    declared = set(_DECLARED.findall(masked))
    missing = dict.fromkeys(
        name for name, _ in _prefixes_used(masked) if name in prefixes and name not in declared
    )
    if not missing:
        return text
    return "".join(f"PREFIX {n}: {ox.NamedNode(prefixes[n])} " for n in missing) + text


def _undeclared(text: str, prefixes: Mapping[str, str] | None) -> list[tuple[str, int]]:
    """(prefix, offset) of every prefixed name whose prefix neither the query nor ``prefixes``
    declares."""
    masked = mask(text)
    declared = set(_DECLARED.findall(masked)) | set(prefixes or ())
    return [(name, offset) for name, offset in _prefixes_used(masked) if name not in declared]


def undeclared_prefixes(text: str, prefixes: Mapping[str, str] | None = None) -> set[str]:
    """The prefixes ``text`` uses that neither it nor ``prefixes`` declares."""
    return {name for name, _ in _undeclared(text, prefixes)}


def unknown_prefix(text: str, prefixes: Mapping[str, str] | None = None) -> str | None:
    """The readable message for the first prefix ``text`` uses that neither the query nor
    ``prefixes`` declares, e.g. ``unknown prefix "foo:" at line 1, column 20 (declare it with
    PREFIX)``; ``None`` when every prefix is known."""
    found = _undeclared(text, prefixes)
    if not found:
        return None
    name, offset = found[0]
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f'unknown prefix "{name}:" at line {line}, column {column} (declare it with PREFIX)'


_PARSER_ERROR = re.compile(r"^error at (\d+):(\d+): expected (?:one of )?(.*)$", re.DOTALL)
#: the character classes in pyoxigraph's list of expected tokens (``['0' ..= '9' | '_']``)
_CHAR_CLASS = re.compile(r"\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\]")


def explain(text: str, message: str, prefixes: Mapping[str, str] | None = None) -> str:
    """One readable line for the engine's complaint about ``text``: an unknown prefix named as
    such; pyoxigraph's ``error at L:C: expected one of …`` without its character classes."""
    unknown = unknown_prefix(text, prefixes)
    if unknown:
        return unknown
    match = _PARSER_ERROR.match(message.strip())
    if match is None:
        return message
    line, column, rest = match.groups()
    tokens = [t.strip() for t in _CHAR_CLASS.sub("", rest).split(", ")]
    expected = [t for t in tokens if t and t != "Prefix not found"]
    where = f"syntax error at line {line}, column {column}"
    return f"{where}: expected {', '.join(expected)}" if expected else where
