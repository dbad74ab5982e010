"""Media types, file extensions and ``format=`` names, mapped to pyoxigraph's formats.

pyoxigraph knows each format's media type, extension and W3C name (``RdfFormat.TURTLE.media_type``,
``.file_extension``, ``RdfFormat.from_media_type``); this module says which of its formats the
project serves, in which order of preference, and adds only what pyoxigraph does not know or reads
otherwise than we do: the short names of a ``format=`` parameter, and the media types clients send
for a format besides its own. Every part that serves, reads or names a format uses it: content
negotiation (:mod:`service.negotiation`), the SPARQL endpoint, the Graph Store Protocol, the
linked-data pages, the dataset description and the ``kompetensgraf`` command.
"""

from __future__ import annotations

import pyoxigraph as ox

Format = ox.RdfFormat | ox.QueryResultsFormat

#: RDF formats of one graph, in the SPARQL endpoint's order of preference (the first: the default)
TRIPLE_FORMATS = (
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.N_TRIPLES,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.JSON_LD,
)
#: RDF formats that name the graph of each statement (JSON-LD can too, but we write it as triples)
QUAD_FORMATS = (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
RDF_FORMATS = TRIPLE_FORMATS + QUAD_FORMATS
#: the one-graph formats in the order the linked-data pages and the dataset description offer
#: them (after the HTML page)
DOCUMENT_FORMATS = (
    ox.RdfFormat.TURTLE,
    ox.RdfFormat.JSON_LD,
    ox.RdfFormat.RDF_XML,
    ox.RdfFormat.N_TRIPLES,
)
#: formats of SELECT and ASK answers, in our order of preference (the first: the default)
RESULTS_FORMATS = (
    ox.QueryResultsFormat.JSON,
    ox.QueryResultsFormat.XML,
    ox.QueryResultsFormat.CSV,
    ox.QueryResultsFormat.TSV,
)
HTML = "text/html"
JSON = "application/json"


def media_type(fmt: Format) -> str:
    """The media type of ``fmt`` without parameters (pyoxigraph adds a charset to CSV and TSV)."""
    return fmt.media_type.partition(";")[0]


def media_types(formats: tuple[Format, ...]) -> list[str]:
    """The media types of ``formats``, in their order: an offer list for negotiation."""
    return [media_type(f) for f in formats]


#: media types whose syntax declares no encoding of its own: answered with ``charset=utf-8``
#: (JSON is UTF-8 by definition, XML declares its encoding)
CHARSET_TYPES = frozenset(
    media_type(f)
    for f in RDF_FORMATS + RESULTS_FORMATS
    if "json" not in f.media_type and "xml" not in f.media_type
)


def content_type(media: str) -> str:
    """The ``Content-Type`` of an answer in ``media``: with ``charset=utf-8`` where it counts."""
    return f"{media}; charset=utf-8" if media in CHARSET_TYPES else media


def rdf_format(media: str, formats: tuple[ox.RdfFormat, ...] = RDF_FORMATS) -> ox.RdfFormat | None:
    """The one of ``formats`` whose media type is ``media`` exactly, or ``None``."""
    return next((f for f in formats if media_type(f) == media), None)


def results_format(media: str) -> ox.QueryResultsFormat | None:
    """The served results format whose media type is ``media`` exactly, or ``None``."""
    return next((f for f in RESULTS_FORMATS if media_type(f) == media), None)


#: Media types clients send for a served format that pyoxigraph reads as that format
#: (``application/json``: SPARQL JSON results, or JSON-LD)
_READ_BY_PYOXIGRAPH = (
    "application/json",
    "application/xml",
    "text/xml",
    "application/x-turtle",
    "application/turtle",
    "text/x-nquads",
    "application/x-trig",
    "text/tsv",
)
#: … and those pyoxigraph does not know, or reads otherwise (it reads ``text/plain`` as CSV results
#: too, and ``text/n3`` as N3, which we do not write)
_OUR_ALIASES: dict[str, tuple[Format, ...]] = {
    "text/javascript": (ox.QueryResultsFormat.JSON,),  # SPARQLWrapper's JSON Accept
    "application/javascript": (ox.QueryResultsFormat.JSON,),
    "text/n3": (ox.RdfFormat.TURTLE,),  # Turtle is the part of N3 that is RDF
    "text/rdf+n3": (ox.RdfFormat.TURTLE,),
    "application/n3": (ox.RdfFormat.TURTLE,),
    "application/x-json+ld": (ox.RdfFormat.JSON_LD,),
    "application/json-ld": (ox.RdfFormat.JSON_LD,),
    "text/plain": (ox.RdfFormat.N_TRIPLES,),  # N-Triples' media type before RDF 1.1
}


def _read(media: str) -> tuple[str, ...]:
    """What pyoxigraph reads ``media`` as, among the served formats: results first."""
    found = (ox.QueryResultsFormat.from_media_type(media), ox.RdfFormat.from_media_type(media))
    return tuple(media_type(f) for f in found if f in RESULTS_FORMATS + RDF_FORMATS)


#: media types clients send → the served media types they may stand for (results first)
ALIASES: dict[str, tuple[str, ...]] = {
    **{alias: _read(alias) for alias in _READ_BY_PYOXIGRAPH},
    **{alias: tuple(media_type(f) for f in fs) for alias, fs in _OUR_ALIASES.items()},
}

#: Short names of a ``format=`` value (and address suffixes) → media type: each served format's
#: file extension (pyoxigraph's), and the names clients use besides. ``json`` and ``xml`` name the
#: results format; where only RDF is offered they stand for JSON-LD and RDF/XML (see
#: :func:`candidates`).
NAMES: dict[str, str] = {
    **{f.file_extension: media_type(f) for f in RESULTS_FORMATS + RDF_FORMATS},
    "json": media_type(ox.QueryResultsFormat.JSON),
    "xml": media_type(ox.QueryResultsFormat.XML),
    "turtle": media_type(ox.RdfFormat.TURTLE),
    "n3": media_type(ox.RdfFormat.TURTLE),  # SPARQLWrapper's N3
    "ntriples": media_type(ox.RdfFormat.N_TRIPLES),
    "n-triples": media_type(ox.RdfFormat.N_TRIPLES),
    "rdfxml": media_type(ox.RdfFormat.RDF_XML),
    "rdf+xml": media_type(ox.RdfFormat.RDF_XML),
    "owl": media_type(ox.RdfFormat.RDF_XML),
    "json-ld": media_type(ox.RdfFormat.JSON_LD),
    "nquads": media_type(ox.RdfFormat.N_QUADS),
    "n-quads": media_type(ox.RdfFormat.N_QUADS),
    "html": HTML,
}


def candidates(name: str) -> tuple[str, ...]:
    """The media types a short name or media type may stand for, the likeliest first
    (``xml``: SPARQL XML results, then RDF/XML)."""
    return (
        NAMES.get(name, name),
        *ALIASES.get(name, ()),
        *ALIASES.get(f"application/{name}", ()),
    )


def named_rdf(name: str, formats: tuple[ox.RdfFormat, ...] = RDF_FORMATS) -> ox.RdfFormat | None:
    """The first of ``formats`` that the short name or media type ``name`` may stand for."""
    return next((f for m in candidates(name) for f in formats if media_type(f) == m), None)


def named_results(name: str) -> ox.QueryResultsFormat | None:
    """The results format that the short name or media type ``name`` may stand for."""
    return next((f for m in candidates(name) if (f := results_format(m)) is not None), None)
