"""The one content-negotiation routine and the one error shape."""

from __future__ import annotations

import pytest
from flask import Flask

from graph.formats import NAMES
from service.errors import error_response
from service.negotiation import (
    NotAcceptable,
    accepted_names,
    choose,
    format_values,
    from_format,
    negotiate,
    parse_accept,
)

RESULTS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
GRAPHS = [
    "text/turtle",
    "application/n-triples",
    "application/rdf+xml",
    "application/ld+json",
    "application/trig",
    "application/n-quads",
]


@pytest.mark.parametrize(
    ("accept", "offers", "expected"),
    [
        (None, RESULTS, "application/sparql-results+json"),
        ("", GRAPHS, "text/turtle"),
        ("*/*", GRAPHS, "text/turtle"),
        ("text/csv", RESULTS, "text/csv"),
        ("text/csv;q=0.5, text/tab-separated-values", RESULTS, "text/tab-separated-values"),
        (
            "application/sparql-results+xml;q=0.9, */*;q=0.1",
            RESULTS,
            "application/sparql-results+xml",
        ),
        # the most specific range decides: */* at 1 but text/csv excluded explicitly
        ("text/csv;q=0, */*", RESULTS, "application/sparql-results+json"),
        ("text/*", RESULTS, "text/csv"),
        ("text/*;q=0.5, text/tab-separated-values", RESULTS, "text/tab-separated-values"),
        ("image/png", RESULTS, None),
        ("text/turtle;q=0", GRAPHS[:1], None),
        # an explicitly named type beats a wildcard at equal q
        ("*/*, application/n-quads", GRAPHS, "application/n-quads"),
        # synonyms that real clients send
        ("application/json", RESULTS, "application/sparql-results+json"),
        ("application/xml", RESULTS, "application/sparql-results+xml"),
        ("application/xml", GRAPHS, "application/rdf+xml"),
        ("application/x-turtle", GRAPHS, "text/turtle"),
        ("text/plain", GRAPHS, "application/n-triples"),
        # SPARQLWrapper's and rdflib's headers
        (
            "application/sparql-results+json,application/json,text/javascript,application/javascript",
            RESULTS,
            "application/sparql-results+json",
        ),
        ("application/rdf+xml, text/rdf+n3, application/xml", GRAPHS, "application/rdf+xml"),
        ("TEXT/Turtle; charset=utf-8", GRAPHS, "text/turtle"),
        ("garbage, ;;, text/turtle;q=abc", GRAPHS, "text/turtle"),
    ],
)
def test_negotiate(accept, offers, expected):
    assert negotiate(accept, offers) == expected


def test_parse_accept_reads_q_values_and_parameters():
    ranges = parse_accept("text/html;level=1;q=0.7, */*;q=0.1")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [("text", "html", 0.7), ("*", "*", 0.1)]
    assert ranges[0].params == (("level", "1"),)


@pytest.mark.parametrize(
    ("name", "offers", "expected"),
    [
        ("json", RESULTS, "application/sparql-results+json"),
        ("csv", RESULTS, "text/csv"),
        ("TSV", RESULTS, "text/tab-separated-values"),
        ("xml", RESULTS, "application/sparql-results+xml"),
        ("xml", GRAPHS, "application/rdf+xml"),
        ("json", GRAPHS, "application/ld+json"),
        ("ttl", GRAPHS, "text/turtle"),
        ("nt", GRAPHS, "application/n-triples"),
        ("nquads", GRAPHS, "application/n-quads"),
        ("text/turtle", GRAPHS, "text/turtle"),
        ("turtle", RESULTS, None),
        ("bogus", GRAPHS, None),
        (None, GRAPHS, None),
    ],
)
def test_format_override(name, offers, expected):
    assert from_format(name, offers) == expected


def test_every_alias_is_a_media_type():
    assert all("/" in media for media in NAMES.values())
    for short in (
        "json",
        "xml",
        "csv",
        "tsv",
        "turtle",
        "ttl",
        "nt",
        "ntriples",
        "rdfxml",
        "jsonld",
        "trig",
        "nquads",
    ):
        assert short in NAMES


@pytest.fixture
def app():
    return Flask(__name__)


@pytest.mark.parametrize(
    ("path", "accept", "json_expected"),
    [
        ("/sparql", None, False),
        ("/sparql", "application/sparql-results+json", False),
        ("/sparql", "application/json", True),
        ("/sparql", "text/plain, application/json;q=0.5", False),
        ("/id/x.json", None, True),
        ("/sparql?format=json", None, True),
    ],
)
def test_error_shape(app, path, accept, json_expected):
    headers = {"Accept": accept} if accept else {}
    with app.test_request_context(path, headers=headers):
        response = error_response(400, "Ogiltig fråga: å ä ö", detail="line 1")
    assert response.status_code == 400
    if json_expected:
        assert response.mimetype == "application/json"
        body = response.get_json()
        assert body == {
            "error": {
                "status": 400,
                "title": "Bad Request",
                "message": "Ogiltig fråga: å ä ö",
                "detail": "line 1",
            }
        }
    else:
        assert response.mimetype == "text/plain"
        assert "Ogiltig fråga: å ä ö" in response.get_data(as_text=True)


# --- format values (format=, output=, results=) and their precedence ---------------------------
SELECT = RESULTS + GRAPHS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (["json"], ["json"]),
        (["application/sparql-results json"], ["application/sparql-results+json"]),
        (["rdf xml", "application/rdf+xml"], ["rdf+xml", "application/rdf+xml"]),
        (["application/ld+json,application/x-json+ld"], ["application/ld+json",
                                                         "application/x-json+ld"]),
        (["", None, " TSV ", "text/csv; charset=utf-8"], ["tsv", "text/csv"]),
    ],
)
def test_format_values_are_normalised(raw, expected):
    assert format_values(raw) == expected


@pytest.mark.parametrize(
    ("names", "offers", "expected"),
    [
        # SPARQLWrapper's values, several at once
        (["rdf+xml", "application/rdf+xml"], GRAPHS, "application/rdf+xml"),
        (["json-ld", "application/ld+json,application/x-json+ld"], GRAPHS, "application/ld+json"),
        (["tsv", "text/tab-separated-values"], RESULTS, "text/tab-separated-values"),
        (["n3"], GRAPHS, "text/turtle"),
        (["rdf"], GRAPHS, "application/rdf+xml"),
        # the first value that can be served
        (["bogus", "csv"], RESULTS, "text/csv"),
        (["turtle", "json"], RESULTS, "application/sparql-results+json"),
        (["turtle", "json"], SELECT, "text/turtle"),
        (["application/sparql-results+json", "ttl"], GRAPHS, "text/turtle"),
        (["*/*"], GRAPHS, "text/turtle"),
        (["text/*"], RESULTS, "text/csv"),
        (["bogus", "html"], SELECT, None),
    ],
)
def test_several_format_values(names, offers, expected):
    assert from_format(names, offers) == expected


def test_format_values_win_over_accept_and_unknown_ones_are_406():
    accept = "application/sparql-results+json"
    assert choose(["csv"], accept, RESULTS) == "text/csv"
    assert choose([], accept, RESULTS) == "application/sparql-results+json"
    assert choose(["", ""], "text/csv", RESULTS) == "text/csv"  # empty values are no values
    with pytest.raises(NotAcceptable) as raised:
        choose(["bogus", "rdf xml"], accept, RESULTS, " for a SELECT query")
    message = str(raised.value)
    assert message.startswith(
        'format "bogus", "rdf+xml" cannot be served for a SELECT query; accepted values: csv, '
    )
    for name in ("json", "srj", "srx", "tsv", "xml", "text/csv", "text/tab-separated-values"):
        assert name in message
    assert "turtle" not in message
    with pytest.raises(NotAcceptable, match="available .*: .*ttl.* or a media type: text/turtle"):
        choose(None, "application/sparql-results+json", GRAPHS)


def test_accepted_names_are_the_short_names_of_the_offers():
    assert accepted_names(RESULTS) == ["csv", "json", "srj", "srx", "tsv", "xml"]
    assert {"ttl", "turtle", "n3", "nt", "rdf", "rdf+xml", "json", "jsonld", "xml"} <= set(
        accepted_names(GRAPHS)
    )


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        # a type named as such beats one named through a synonym at equal q
        ("application/rdf+xml, text/rdf+n3", "application/rdf+xml"),
        ("text/rdf+n3", "text/turtle"),
        ("application/x-json+ld", "application/ld+json"),
        ("application/turtle", "text/turtle"),
    ],
)
def test_synonyms_in_accept(accept, expected):
    assert negotiate(accept, GRAPHS) == expected
