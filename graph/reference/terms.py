"""Terms of the reference layer: IRIs, literals, inline blank nodes and the nodes the facts name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.namespaces import PREFIXES


class ReferenceError(ValueError):
    """The tables break an expectation the reference layer relies on."""


class I(str):  # noqa: E742 - a short name keeps the fact tables readable
    """An IRI, written as a prefixed name (``kfid:lan-14``) or in full (``<https://…>``)."""


@dataclass(frozen=True)
class Lit:
    value: str
    lang: str | None = None
    datatype: str | None = None  # a prefixed name such as "xsd:date"


B = tuple  # an inline blank node: a tuple of (predicate, object) pairs, written as [ … ]

_LOCAL = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_-])?$")


def sv(text: str) -> Lit:
    return Lit(text, "sv")


def en(text: str) -> Lit:
    return Lit(text, "en")


def both(predicate: str, text_sv: str, text_en: str) -> tuple[tuple[str, Lit], tuple[str, Lit]]:
    """The (predicate, object) pairs of one statement in Swedish and in English."""
    return (predicate, sv(text_sv)), (predicate, en(text_en))


def xsd(value: str, kind: str) -> Lit:
    return Lit(value, None, f"xsd:{kind}")


def date_lit(value: str) -> Lit:
    """``xsd:date`` for YYYY-MM-DD, ``xsd:gYear`` for YYYY."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return xsd(value, "date")
    if re.fullmatch(r"\d{4}", value):
        return xsd(value, "gYear")
    raise ReferenceError(f"not a date or year: {value!r}")


def expand(term: str) -> str:
    if term.startswith("<"):
        return term[1:-1]
    prefix, _, local = term.partition(":")
    if prefix not in PREFIXES or not _LOCAL.match(local):
        raise ReferenceError(f"not a usable prefixed name: {term!r}")
    return PREFIXES[prefix] + local


def county(code: str) -> I:
    return I(f"kfid:lan-{code}")


def kommun(code: str) -> I:
    return I(f"kfid:kommun-{code}")


def region(code: str) -> I:
    """The regional authority of a county; Region Gotland is the municipality 0980."""
    return kommun("0980") if code == "09" else I(f"kfid:region-lan-{code}")


def wd(qid: str) -> I | None:
    return I(f"wd:{qid}") if qid else None


def period(start: str, end: str = "") -> B | None:
    if not start and not end:
        return None
    pairs = [("rdf:type", I("dct:PeriodOfTime"))]
    pairs += [("dcat:startDate", date_lit(start))] if start else []
    pairs += [("dcat:endDate", date_lit(end))] if end else []
    return B((I(p), o) for p, o in pairs)
