"""Turning RDF terms into what a page shows: labelled links, literals, local addresses.

IRIs in the project's namespace (``KG_BASE_IRI``) are answered by this service: ``…/id/x`` at
``/id/x``, ``…/source/x`` at ``/source/x``, ``…/graph/x`` at ``/graph/x`` and ontology terms
``…/def#T`` at ``/def/T`` (the term's own page; ``/def#T`` is its anchor in the documentation).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pyoxigraph as ox
from flask import current_app

from graph.namespaces import PREFIXES, compact
from service.browse.catalog import Catalog

XSD = PREFIXES["xsd"]
KF = "def#"

#: Identifier properties and where a researcher can look the code up (``{}`` = the code).
IDENTIFIERS: dict[str, tuple[str, str, str | None]] = {
    # compact property: (sv name, en name, lookup URL pattern)
    "kf:lanskod": (
        "SCB länskod",
        "SCB county code",
        "https://www.wikidata.org/w/index.php?search=haswbstatement%3AP507%3D{}",
    ),
    "kf:kommunkod": (
        "SCB kommunkod",
        "SCB municipality code",
        "https://www.wikidata.org/w/index.php?search=haswbstatement%3AP525%3D{}",
    ),
    "kf:orgnr": (
        "Organisationsnummer",
        "Organisation number",
        "https://www.wikidata.org/w/index.php?search=haswbstatement%3AP6460%3D{}",
    ),
    "kf:nuts3": ("NUTS 3-kod", "NUTS 3 code", "http://data.europa.eu/nuts/code/{}"),
    "kf:iso31662": ("ISO 3166-2", "ISO 3166-2", "https://www.iso.org/obp/ui/#iso:code:3166:{}"),
    "kf:esfDiarienummer": ("ESF-diarienummer", "ESF registration number", None),
    "kf:sfsNumber": ("SFS-nummer", "SFS number", "https://rkrattsbaser.gov.se/sfst?bet={}"),
    "eli:id_local": ("SFS-nummer", "SFS number", "https://rkrattsbaser.gov.se/sfst?bet={}"),
}
#: Outbound links to other datasets.
MATCH_PROPERTIES = ("skos:exactMatch", "skos:closeMatch", "owl:sameAs", "rdfs:seeAlso")


def base_iri() -> str:
    return current_app.config["KG_BASE_IRI"]


def local_path(iri: str, base: str | None = None) -> str | None:
    """The address of ``iri`` on this service, or ``None`` for IRIs outside our namespace."""
    base = base or base_iri()
    if not iri.startswith(base):
        return None
    rest = iri[len(base) :]
    if rest.startswith(KF):
        return "/def/" + quote(rest[len(KF) :]) if len(rest) > len(KF) else "/def"
    if rest == "def":
        return "/def"
    for kind in ("id/", "source/", "graph/"):
        if rest.startswith(kind) and len(rest) > len(kind):
            return "/" + kind + quote(rest[len(kind) :], safe="-._~")
    return None


def iri_of(kind: str, slug: str) -> str:
    """The IRI answered at ``/<kind>/<slug>``."""
    if kind == "def":
        return base_iri() + KF + slug
    return f"{base_iri()}{kind}/{slug}"


#: The only schemes a link may have; any other IRI (``javascript:``, ``data:``, ``vbscript:``,
#: ``file:``, ``urn:`` …) is shown as text. Schemes compare without case (``JaVaScRiPt:`` is
#: ``javascript:``); a URL holding whitespace, a control character or a backslash anywhere is
#: refused whole, never cleaned up into something a browser would follow.
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
#: Whitespace, control characters and backslashes: browsers drop or reinterpret them in URLs
#: (``java\tscript:``, `` javascript:``, ``/\\evil.example``), so a link never holds one.
_UNSAFE_CHAR = re.compile(r"[\x00-\x20\x7f-\x9f\\\u2028\u2029]")


def safe_url(url: str | None) -> str | None:
    """``url`` if it may be an ``href``: a path on this site (``/x``, not ``//x``) or an absolute
    ``http``/``https`` URL with a host, or a ``mailto:`` address; ``None`` for anything else.

    The one place that decides whether text from the data becomes a link: every template link
    and every ``href`` in the JSON twins goes through it (via :func:`href`).
    """
    if not url or _UNSAFE_CHAR.search(url):
        return None
    if url.startswith("/"):
        return None if url.startswith("//") else url
    scheme = _SCHEME.match(url)
    if scheme is None or scheme.group(1).lower() not in SAFE_SCHEMES:
        return None
    if scheme.group(1).lower() == "mailto":
        return url if len(url) > len("mailto:") else None
    try:
        parts = urlsplit(url)
    except ValueError:  # a malformed authority, e.g. an unclosed IPv6 bracket
        return None
    return url if url[scheme.end() :].startswith("//") and parts.hostname else None


def href(iri: str) -> str | None:
    """Where a link to ``iri`` goes: our own page, the IRI itself when it is a safe link
    (:func:`safe_url`), else ``None`` (the IRI is shown as text)."""
    return local_path(iri) or safe_url(iri)


def named(iri: str) -> ox.NamedNode | None:
    """``iri`` as a term, or ``None`` when it is no valid IRI (a client's mistyped address)."""
    try:
        return ox.NamedNode(iri)
    except ValueError:
        return None


def link(iri: str, cat: Catalog, lang: str) -> dict:
    return {"iri": iri, "curie": compact(iri), "label": cat.label(iri, lang), "href": href(iri)}


def literal_dict(lit: ox.Literal) -> dict:
    out: dict = {"type": "literal", "value": lit.value}
    if lit.language:
        out["lang"] = lit.language
    elif lit.datatype.value != XSD + "string":
        out["datatype"] = compact(lit.datatype.value)
    return out


def term_dict(term, cat: Catalog, lang: str) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "iri", **link(term.value, cat, lang)}
    if isinstance(term, ox.Literal):
        return literal_dict(term)
    return {"type": "bnode", "id": term.value}


def identifier(prop: str, value: str, lang: str) -> dict | None:
    """An external identifier shown as an outbound link (None if ``prop`` is no identifier)."""
    known = IDENTIFIERS.get(compact(prop))
    if not known:
        return None
    sv, en, pattern = known
    return {
        "scheme": sv if lang == "sv" else en,
        "property": compact(prop),
        "value": value,
        "href": pattern.format(quote(value, safe="")) if pattern else None,
    }


def external_name(iri: str) -> str:
    """A short name for an outbound link: which dataset the IRI belongs to."""
    if iri.startswith("http://www.wikidata.org/entity/"):
        return "Wikidata " + iri.rsplit("/", 1)[-1]
    if "data.europa.eu/nuts" in iri:
        return "NUTS " + iri.rsplit("/", 1)[-1]
    if "data.europa.eu/esco" in iri:
        return "ESCO"
    return iri


_SV_ORDER = str.maketrans(
    {"å": "{", "ä": "|", "ö": "}", "Å": "{", "Ä": "|", "Ö": "}", "é": "e", "É": "e", "ü": "y"}
)


def sort_key(text: str) -> str:
    """Swedish alphabetical order: … x y z å ä ö (case-insensitive)."""
    return text.lower().translate(_SV_ORDER)
