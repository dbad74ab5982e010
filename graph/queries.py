"""SPARQL files of the project (``queries/``) with their headers.

A file starts with header lines such as::

    #+ summary: Who signed the declaration of intent
    #+ summary_sv: Vem undertecknade avsiktsförklaringen
    #+ description: …
    #+ param: actor iri kfid:region-lan-14 class=kf:Region
    #+ tags: agreement, roles
    #+ view: table

Header keys of the research catalogue (``queries/catalogue/``): ``summary``/``summary_sv``,
``description``/``description_sv``, ``param`` (``<name> <type> <default> [class=<curie>]`` with
type ``iri``, ``string``, ``date`` or ``integer``), ``tags`` (comma-separated) and ``view``
(``table``, ``bar`` or ``network``).

Values reach a query only through ``substitutions`` (pyoxigraph) — never by string formatting.
A parameter is a variable of the query body that the substitution binds; :func:`Param.convert`
checks a raw value and turns it into a pyoxigraph term (an invalid value raises
:class:`ParamError`, a client error). :func:`graph.sparql_text.bind_values` writes the same
bindings as a ``VALUES`` block opening the WHERE group — what the copyable snippet shows, never how
the catalogue itself executes.
"""

from __future__ import annotations

import datetime as _dt
import re
import shlex
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from graph import ROOT
from graph.namespaces import PREFIXES
from graph.sparql_text import mask, query_form, undeclared_prefixes

QUERIES = ROOT / "queries"
_HEADER = re.compile(r"^#\+\s*([A-Za-z_]+)\s*:\s*(.*)$")

Term = ox.NamedNode | ox.Literal
PARAM_TYPES = ("iri", "string", "date", "integer")
VIEWS = ("table", "bar", "network")
REQUIRED_KEYS = ("summary", "summary_sv", "description", "description_sv", "tags")
XSD = PREFIXES["xsd"]
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_CURIE = re.compile(r"^([A-Za-z][\w-]*):([\w.\-/]*)$")


class HeaderError(ValueError):
    """A query file's header is malformed (a fault of the catalogue, found by the tests)."""


class ParamError(ValueError):
    """A parameter value does not fit its type (a client error: HTTP 400)."""


def expand_iri(text: str) -> str:
    """A full IRI for ``kfid:lan-14``, ``<https://…>`` or ``https://…``; ParamError otherwise."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    match = _CURIE.match(text)
    if match and match.group(1) in PREFIXES:
        text = PREFIXES[match.group(1)] + match.group(2)
    if not _IRI.match(text):
        raise ParamError(f"{text!r} is not an IRI (write e.g. kfid:lan-14 or https://…)")
    try:
        return ox.NamedNode(text).value
    except ValueError as exc:
        raise ParamError(f"{text!r} is not a valid IRI: {exc}") from exc


@dataclass(frozen=True)
class Param:
    """A typed query parameter: the variable ``?name`` that the substitution binds."""

    name: str
    type: str
    default: str
    cls: str | None = None  # full IRI: the drop-down lists instances of this class

    def convert(self, raw: str) -> Term:
        """The pyoxigraph term for a raw (form or URL) value; :class:`ParamError` if invalid."""
        value = raw.strip()
        label = f"parameter {self.name!r} ({self.type})"
        if self.type == "iri":
            try:
                return ox.NamedNode(expand_iri(value))
            except ParamError as exc:
                raise ParamError(f"{label}: {exc}") from None
        if self.type == "date":
            try:
                if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                    raise ValueError
                _dt.date.fromisoformat(value)
            except ValueError:
                raise ParamError(f"{label}: {value!r} is not a date (YYYY-MM-DD)") from None
            return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
        if self.type == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", value):
                raise ParamError(f"{label}: {value!r} is not an integer")
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
        if len(value) > 500:
            raise ParamError(f"{label}: longer than 500 characters")
        return ox.Literal(value)

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.type, "default": self.default, "class": self.cls}


def parse_param(spec: str) -> Param:
    """``<name> <type> <default> [class=<curie>]`` (the default may be quoted)."""
    try:
        parts = shlex.split(spec)
    except ValueError as exc:
        raise HeaderError(f"param {spec!r}: {exc}") from exc
    if len(parts) not in (3, 4):
        raise HeaderError(f"param {spec!r}: expected '<name> <type> <default> [class=<curie>]'")
    name, kind, default = parts[:3]
    if not _NAME.match(name):
        raise HeaderError(f"param {spec!r}: {name!r} is not a variable name")
    if kind not in PARAM_TYPES:
        raise HeaderError(f"param {spec!r}: type must be one of {', '.join(PARAM_TYPES)}")
    cls = None
    if len(parts) == 4:
        key, _, value = parts[3].partition("=")
        if key != "class" or kind != "iri":
            raise HeaderError(f"param {spec!r}: only an iri parameter takes class=<curie>")
        try:
            cls = expand_iri(value)
        except ParamError as exc:
            raise HeaderError(f"param {spec!r}: {exc}") from exc
    param = Param(name, kind, default, cls)
    try:
        param.convert(default)
    except ParamError as exc:
        raise HeaderError(f"param {spec!r}: invalid default: {exc}") from exc
    return param


@dataclass
class QueryFile:
    name: str
    path: Path
    text: str
    header: dict[str, list[str]] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        values = self.header.get(key)
        return values[0] if values else default

    @property
    def summary(self) -> str:
        return self.get("summary")

    @property
    def summary_sv(self) -> str:
        return self.get("summary_sv")

    @property
    def description(self) -> str:
        return self.get("description")

    @property
    def description_sv(self) -> str:
        return self.get("description_sv")

    @property
    def tags(self) -> list[str]:
        return [t.strip() for t in ",".join(self.header.get("tags", [])).split(",") if t.strip()]

    @property
    def view(self) -> str:
        return self.get("view", "table")

    @property
    def params(self) -> list[Param]:
        return [parse_param(spec) for spec in self.header.get("param", [])]

    @property
    def form(self) -> str:
        """``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``: the query form."""
        return query_form(self.text)

    def bind(
        self, raw: Mapping[str, str] | None = None, *, defaults: bool = True
    ) -> dict[str, Term]:
        """Substitutions for the given raw values; a parameter left out takes its default (with
        ``defaults=False`` it stays unbound: the query answers for every value)."""
        raw = raw or {}
        bindings = {}
        for param in self.params:
            value = raw.get(param.name)
            if value is None or not str(value).strip():
                if not defaults:
                    continue
                value = param.default
            bindings[param.name] = param.convert(str(value))
        return bindings


def parse_header(text: str) -> dict[str, list[str]]:
    header: dict[str, list[str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match:
            header.setdefault(match.group(1).lower(), []).append(match.group(2).strip())
    return header


def load(path: Path) -> QueryFile:
    text = path.read_text(encoding="utf-8")
    return QueryFile(path.stem, path, text, parse_header(text))


def load_dir(folder: str) -> list[QueryFile]:
    return [load(p) for p in sorted((QUERIES / folder).glob("*.rq"))]


@cache
def text(folder: str, name: str) -> str:
    """The text of ``queries/<folder>/<name>.rq``, read once: the queries the code runs itself."""
    return (QUERIES / folder / f"{name}.rq").read_text(encoding="utf-8")


def local(folder: str = "catalogue") -> list[QueryFile]:
    """The queries of a folder that need no network (no ``SERVICE`` call)."""
    return [qf for qf in load_dir(folder) if "SERVICE" not in mask(qf.text).upper()]


def timed(store, qf: QueryFile, values: Mapping[str, Term]) -> tuple[float, int]:
    """Seconds to evaluate a query and read its whole answer, and the answer's size (rows,
    triples, or 1 for ASK): the catalogue times of the tests and ``benchmarks/``."""
    started = time.perf_counter()
    result = store.query(qf.text, substitutions=values)
    size = 1 if isinstance(result, ox.QueryBoolean) else sum(1 for _ in result)
    return time.perf_counter() - started, size


def internal(name: str) -> str:
    """The text of ``queries/internal/<name>.rq``."""
    return text("internal", name)


def header_problems(qf: QueryFile) -> list[str]:
    """What is wrong with a catalogue file's header and prologue (empty list: nothing)."""
    problems = [f"missing '#+ {k}:'" for k in REQUIRED_KEYS if not qf.get(k)]
    try:
        params = qf.params
    except HeaderError as exc:
        return [*problems, str(exc)]
    body = mask(qf.text)
    for param in params:
        if not re.search(rf"[?$]{param.name}\b", body):
            problems.append(f"param {param.name!r} is not a variable of the query")
    if len({p.name for p in params}) != len(params):
        problems.append("a parameter is declared twice")
    if qf.view not in VIEWS:
        problems.append(f"view must be one of {', '.join(VIEWS)}")
    if qf.form not in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
        problems.append("no query form (SELECT/CONSTRUCT/ASK/DESCRIBE) found")
    undeclared = undeclared_prefixes(qf.text)
    if undeclared:
        problems.append(f"undeclared prefixes: {', '.join(sorted(undeclared))}")
    return problems
