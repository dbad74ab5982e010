"""The one mapping of media types, short names and extensions to pyoxigraph's formats."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph import formats
from service.sparql.results import OFFERS

SERVED = formats.RDF_FORMATS + formats.RESULTS_FORMATS
OFFERED = sorted({media for offers in OFFERS.values() for media in offers})


def served(media: str):
    """The served format (RDF or results) whose media type is ``media`` exactly, or ``None``."""
    return formats.rdf_format(media) or formats.results_format(media)


@pytest.mark.parametrize("media", OFFERED)
def test_every_offered_media_type_round_trips_to_its_format(media):
    fmt = served(media)
    assert fmt is not None and formats.media_type(fmt) == media
    # pyoxigraph reads the media type as the same format
    assert fmt in (
        ox.RdfFormat.from_media_type(media),
        ox.QueryResultsFormat.from_media_type(media),
    )


@pytest.mark.parametrize("fmt", SERVED, ids=str)
def test_every_served_format_is_named_by_its_extension(fmt):
    assert formats.NAMES[fmt.file_extension] == formats.media_type(fmt)
    assert served(formats.NAMES[fmt.file_extension]) == fmt


@pytest.mark.parametrize(
    "media", ["application/x-unknown", "text/n3", "text/plain", "application/json", "", "*/*"]
)
def test_a_media_type_that_is_not_served_as_such_has_no_format(media):
    assert served(media) is None


@pytest.mark.parametrize(
    ("name", "rdf", "results"),
    [
        ("json", ox.RdfFormat.JSON_LD, ox.QueryResultsFormat.JSON),
        ("xml", ox.RdfFormat.RDF_XML, ox.QueryResultsFormat.XML),
        ("text/plain", ox.RdfFormat.N_TRIPLES, None),  # not CSV, as pyoxigraph would read it
        ("text/n3", ox.RdfFormat.TURTLE, None),  # not N3, which we do not write
        ("application/x-turtle", ox.RdfFormat.TURTLE, None),
        ("tsv", None, ox.QueryResultsFormat.TSV),
        ("owl", ox.RdfFormat.RDF_XML, None),
        ("no-such-format", None, None),
    ],
)
def test_names_and_aliases_resolve_to_formats(name, rdf, results):
    assert formats.named_rdf(name) == rdf
    assert formats.named_results(name) == results


def test_every_alias_stands_for_served_media_types_only():
    served = set(formats.media_types(SERVED))
    assert all(targets and set(targets) <= served for targets in formats.ALIASES.values())


def test_charset_only_where_the_syntax_declares_no_encoding():
    assert formats.content_type("text/turtle") == "text/turtle; charset=utf-8"
    assert formats.content_type("text/csv") == "text/csv; charset=utf-8"
    assert formats.content_type("application/ld+json") == "application/ld+json"
    assert formats.content_type("application/sparql-results+xml") == (
        "application/sparql-results+xml"
    )
