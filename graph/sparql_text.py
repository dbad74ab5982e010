"""The little SPARQL text handling a remote backend needs, since SPARQL 1.1 has no parameters.

pyoxigraph binds ``substitutions`` before evaluation (a substituted variable must be in the
projection). Over HTTP the same effect comes from an inline ``VALUES`` block placed first in the
outermost ``WHERE`` group: it binds the variables for every pattern, filter and optional of that
group, and, unlike a trailing ``VALUES`` (joined *after* grouping), it also holds for aggregates.
Terms are written in N-Triples syntax by pyoxigraph itself, never by formatting request values.

The scanner works on a *masked* copy of the query: strings, IRIs and comments are blanked (same
length), so braces, parentheses and keywords found in it are real syntax.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from graph.store import QueryError

_IRI = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FORM = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK)\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:PREFIX\s+[^\s:]*:\s*|BASE\s+)", re.IGNORECASE)
_WORD = re.compile(r"\s*([A-Za-z]+)")
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)
_FROM = re.compile(r"(?<![?$\w])FROM\b", re.IGNORECASE)  # not the variable ?from


def mask(text: str) -> str:
    """``text`` with string literals, IRIs and comments replaced by spaces."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
        elif c == "<" and (m := _IRI.match(text, i)):
            end = m.end()
        elif c in "'\"":
            end = _string_end(text, i)
        else:
            i += 1
            continue
        for k in range(i, end):
            if out[k] != "\n":
                out[k] = " "
        i = end
    return "".join(out)


def _string_end(text: str, i: int) -> int:
    quote = text[i] * 3 if text.startswith(text[i] * 3, i) else text[i]
    k = i + len(quote)
    while k < len(text):
        if text[k] == "\\":
            k += 2
            continue
        if text.startswith(quote, k):
            return k + len(quote)
        if len(quote) == 1 and text[k] == "\n":
            break
        k += 1
    return len(text)  # unterminated: the engine will report it


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
    return word if word in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK") else ""


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


def unknown_prefix(text: str, prefixes: Mapping[str, str] | None = None) -> str | None:
    """The readable message for the first prefix ``text`` uses that neither the query nor
    ``prefixes`` declares, e.g. ``unknown prefix "foo:" at line 1, column 20 (declare it with
    PREFIX)``; ``None`` when every prefix is known."""
    masked = mask(text)
    declared = set(_DECLARED.findall(masked)) | set(prefixes or ())
    for name, offset in _prefixes_used(masked):
        if name not in declared:
            line = masked.count("\n", 0, offset) + 1
            column = offset - masked.rfind("\n", 0, offset)
            return (
                f'unknown prefix "{name}:" at line {line}, column {column} '
                "(declare it with PREFIX)"
            )
    return None


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
