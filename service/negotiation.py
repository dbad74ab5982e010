"""HTTP content negotiation: the one routine every blueprint uses.

``negotiate(accept, offers)`` parses an ``Accept`` header (q-values, ``type/*`` and ``*/*``
wildcards, parameters) and picks the best of the server's ``offers`` (media types, most preferred
first). The most specific matching range decides an offer's q (RFC 9110 §12.5.1); ties go to the
earlier offer. ``None`` means nothing acceptable: answer 406.

The short names of a ``format=`` parameter (or a file extension), for browsers that cannot set
``Accept``, and the media types clients send for a format besides its own come from
:mod:`graph.formats`, the one mapping of formats. :func:`choose` is the whole rule: explicit format
values (``format=``, and on ``/sparql`` also ``output=`` and ``results=``; short names or media
types, repeated or comma-separated) win over ``Accept``, and of several values the first one that
can be served is taken; an unknown value is :class:`NotAcceptable`, whose message names the
accepted values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from graph.formats import ALIASES, NAMES, candidates


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    params: tuple[tuple[str, str], ...]
    q: float
    order: int

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: -1 no match, 0 ``*/*`` … 3 exact."""
        main, _, rest = media_type.partition("/")
        sub, _, offer_params = rest.partition(";")
        main, sub = main.strip().lower(), sub.strip().lower()
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        if self.subtype != sub:
            return -1
        if not self.params:
            return 2
        offered = dict(_params(offer_params))
        return 3 if all(offered.get(k) == v for k, v in self.params) else -1


def _params(text: str) -> list[tuple[str, str]]:
    out = []
    for part in text.split(";"):
        name, eq, value = part.partition("=")
        if eq:
            out.append((name.strip().lower(), value.strip().strip('"')))
    return out


def parse_accept(accept: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; a missing or empty header means ``*/*``."""
    if accept is None or not accept.strip():
        return [MediaRange("*", "*", (), 1.0, 0)]
    ranges = []
    for order, item in enumerate(accept.split(",")):
        head, _, tail = item.partition(";")
        main, slash, sub = head.strip().lower().partition("/")
        if not slash or not main or not sub:
            if main == "*":  # some clients send a bare "*"
                main, sub = "*", "*"
            else:
                continue
        if main == "*" and sub != "*":
            continue
        q = 1.0
        params = []
        for name, value in _params(tail):
            if name == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 1.0  # lenient: an unreadable weight does not exclude the type
            elif name != "charset":  # we always answer UTF-8; charset never excludes an offer
                params.append((name, value.lower()))
        ranges.append(MediaRange(main, sub, tuple(params), q, order))
    return ranges


def quality(ranges: list[MediaRange], media_type: str) -> float:
    """q of ``media_type`` under ``ranges``: the most specific matching range decides."""
    best_spec, best_q = -1, 0.0
    for media_range in ranges:
        spec = media_range.matches(media_type)
        if spec > best_spec:
            best_spec, best_q = spec, media_range.q
    return best_q if best_spec >= 0 else 0.0


def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The best of ``offers`` for the ``Accept`` header, or ``None`` when none is acceptable.

    Offers are media types in the server's order of preference. Media types the client names
    through a synonym (``application/json`` for SPARQL JSON results…) count for the offer too.
    """
    return _negotiate(accept, tuple(offers))


@lru_cache(maxsize=512)  # clients send few distinct Accept headers: decide each once
def _negotiate(accept: str | None, offers: tuple[str, ...]) -> str | None:
    ranges = parse_accept(accept)
    if not ranges:  # a header with nothing parseable: treat as "anything"
        ranges = parse_accept(None)
    best, best_key = None, (0.0, 0)
    for offer in offers:
        # A synonym counts only where the client names it (text/* is no vote for text/xml).
        synonyms = [s for s, canon in ALIASES.items() if _bare(offer) in canon]
        named = [r.q for r in ranges for s in synonyms if r.matches(s) >= 2]
        q = max([quality(ranges, offer), *named])
        # Prefer the higher q; among equals a type named as such, then one named through a
        # synonym, then a wildcard match.
        named_as = [
            2 if n == offer else 1
            for r in ranges
            for n in [offer, *synonyms]
            if r.matches(n) >= 2 and r.q == q
        ]
        explicit = max(named_as, default=0)
        if q > 0 and (best is None or (q, explicit) > best_key):
            best, best_key = offer, (q, explicit)
    return best


class NotAcceptable(ValueError):
    """Nothing the client asked for can be served (406); the message names what can."""


def format_values(values: Iterable[str | None]) -> list[str]:
    """The format names in raw ``format=`` values, normalised: split at commas (SPARQLWrapper
    sends ``application/ld+json,application/x-json+ld`` as one value), parameters dropped,
    lower-cased, and spaces made ``+`` again (``format=application/sparql-results+json`` typed
    unencoded arrives as ``application/sparql-results json``)."""
    out = []
    for value in values:
        for part in (value or "").split(","):
            name = re.sub(r"\s+", "+", part.partition(";")[0].strip().lower())
            if name:
                out.append(name)
    return out


def from_format(names: str | Sequence[str] | None, offers: list[str]) -> str | None:
    """The first offer named by a ``format=`` value (short name or media type, see
    :func:`format_values`); ``None`` if none of them is offered."""
    values = [names] if isinstance(names, str) else list(names or ())
    for key in format_values(values):
        if "*" in key:  # a media range (*/*, text/*): the first offer it admits
            ranges = parse_accept(key)
            found = next((o for o in offers if ranges and quality(ranges, o) > 0), None)
        else:
            found = _named(key, offers)
        if found is not None:
            return found
    return None


def _named(key: str, offers: list[str]) -> str | None:
    # "xml"/"json" name the results format first, then the RDF format of the same family.
    for media in candidates(key):
        for offer in offers:
            if _bare(offer) == media:
                return offer
    return None


def accepted_names(offers: list[str]) -> list[str]:
    """The short names a ``format=`` value may use for ``offers`` (besides the media types)."""
    return sorted(k for k in NAMES if _named(k, offers))


def _accepted(offers: list[str]) -> str:
    return (
        ", ".join(accepted_names(offers))
        + " or a media type: "
        + ", ".join(dict.fromkeys(_bare(o) for o in offers))
    )


def choose(
    formats: str | Sequence[str] | None, accept: str | None, offers: list[str], what: str = ""
) -> str:
    """The media type to answer in: the first of ``formats`` that is offered, else the best
    offer for ``accept``. Raises :class:`NotAcceptable` with a message that names the accepted
    values; ``what`` says for what, e.g. " for a SELECT query"."""
    values = [formats] if isinstance(formats, str) else list(formats or ())
    if format_values(values):
        chosen = from_format(values, offers)
        if chosen is None:
            given = ", ".join(f'"{v}"' for v in dict.fromkeys(format_values(values)))
            raise NotAcceptable(
                f"format {given} cannot be served{what}; accepted values: {_accepted(offers)}"
            )
        return chosen
    chosen = negotiate(accept, offers)
    if chosen is None:
        raise NotAcceptable(
            f"none of the types in the Accept header can be served{what}; available "
            f"(also as format=…): {_accepted(offers)}"
        )
    return chosen


def _bare(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()
