"""Every return format of the real SPARQL clients, against every query form, on a real server.

SPARQLWrapper sends ``format=``, ``output=`` and ``results=`` with short names and media types
(several at once) and an ``Accept`` header; each of its return formats must be served for SELECT,
ASK, CONSTRUCT and DESCRIBE, by GET and by both kinds of POST, and ``queryAndConvert()`` must give
the answer. rdflib's SPARQLStore and raw requests (curl, YASGUI) are here too. The clients talk
to a real server; the raw requests go to the same app in this process (``fixture_app``), through
Flask's test client.
"""

from __future__ import annotations

import urllib.parse

import pytest
import rdflib
from clients_support import (
    EXPECTED,
    FORBUND,
    FORMATS,
    METHODS,
    QUERIES,
    SRJ,
    SRX,
    TRIPLES,
    check_answer,
    sparqlwrapper_answer,
)
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from sparql_support import call, fixture_app, make_store
from SPARQLWrapper.Wrapper import _allowedFormats


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, spawn_server):
    server = spawn_server(make_store(tmp_path_factory.mktemp("client-formats")), "--workers", "2")
    return server.url + "/sparql"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    yield from fixture_app(tmp_path_factory.mktemp("client-formats"), KG_WORKERS=2)


def test_the_matrix_covers_every_format_sparqlwrapper_offers():
    assert set(FORMATS) == set(_allowedFormats)


# SPARQLWrapper warns by itself when a format is unusual for a query form (it then sends
# Accept: */*), and builds its RDF/XML and JSON-LD answers in rdflib's deprecated ConjunctiveGraph
@pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("form", QUERIES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_sparqlwrapper_every_format_every_form(endpoint, fmt, form, method):
    # a warning about the answer's type (a format other than the one asked for) fails the test
    check_answer(sparqlwrapper_answer(endpoint, fmt, form, method), fmt, form)


# --- rdflib's SPARQLStore ---------------------------------------------------------------------
@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("return_format", ["xml", "json", "csv", "tsv"])
def test_rdflib_sparqlstore_select_and_ask(endpoint, return_format, method):
    store = SPARQLStore(endpoint, returnFormat=return_format, method=method)
    graph = rdflib.Graph(store=store)
    assert [str(row.f) for row in graph.query(FORBUND)] == EXPECTED
    if return_format in ("xml", "json"):  # CSV and TSV have no ASK form that rdflib reads
        assert graph.query(QUERIES["ASK"]).askAnswer is True


@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_rdflib_sparqlstore_graph_queries(endpoint, form, method):
    # rdflib's default Accept ("xml") names RDF/XML and SPARQL XML: the graph comes as RDF/XML
    graph = rdflib.Graph(store=SPARQLStore(endpoint, method=method))
    answer = graph.query(QUERIES[form]).graph
    assert len(answer) == TRIPLES[form]



# --- what curl and YASGUI users send ----------------------------------------------------------
def _get(client, query: str, raw: str = "", accept: str | None = None):
    """GET with the format parameters written as a user types them (``raw``, not encoded)."""
    url = f"/sparql?query={urllib.parse.quote(query)}" + (f"&{raw}" if raw else "")
    return call(url, headers={"Accept": accept} if accept else {}, client=client)


@pytest.mark.parametrize(
    ("form", "raw", "accept", "served"),
    [
        # a media type typed unencoded: its "+" arrives as a space
        ("SELECT", "format=application/sparql-results+json", None, SRJ),
        ("SELECT", "format=application/sparql-results+xml", None, SRX),
        ("CONSTRUCT", "format=application/rdf+xml", None, "application/rdf+xml"),
        ("CONSTRUCT", "format=application/ld+json", None, "application/ld+json"),
        # short names, and the other parameter names
        ("SELECT", "format=csv", None, "text/csv"),
        ("SELECT", "output=tsv", None, "text/tab-separated-values"),
        ("SELECT", "results=xml", None, SRX),
        ("ASK", "output=json", None, SRJ),
        ("CONSTRUCT", "format=ttl", None, "text/turtle"),
        ("CONSTRUCT", "format=nt", None, "application/n-triples"),
        ("DESCRIBE", "format=rdf%2Bxml", None, "application/rdf+xml"),
        ("DESCRIBE", "format=rdf+xml", None, "application/rdf+xml"),  # "rdf xml"
        ("DESCRIBE", "format=json", None, "application/ld+json"),  # JSON for a graph: JSON-LD
        ("DESCRIBE", "format=xml", None, "application/rdf+xml"),
        ("CONSTRUCT", "format=trig", None, "application/trig"),
        ("CONSTRUCT", "format=csv", None, "text/csv"),
        # SELECT as RDF: the result-set vocabulary
        ("SELECT", "format=turtle", None, "text/turtle"),
        ("ASK", "format=jsonld", None, "application/ld+json"),
        # several values: the first one that can be served for the query form
        ("SELECT", "format=json&format=csv", None, SRJ),
        ("SELECT", "format=bogus&format=csv", None, "text/csv"),
        ("SELECT", "format=html&output=xml", None, SRX),
        ("CONSTRUCT", "format=srj&format=ttl", None, "text/turtle"),
        ("SELECT", "format=application/x-bogus,text/csv", None, "text/csv"),
        # explicit format values win over Accept
        ("SELECT", "format=csv", "application/sparql-results+json", "text/csv"),
        ("CONSTRUCT", "format=nt", "text/turtle", "application/n-triples"),
        # an empty value (SPARQLWrapper sends one) is no value: Accept decides
        ("SELECT", "format=&output=", "text/csv", "text/csv"),
        # YASGUI (@zazuko/yasgui's defaults): Accept only
        ("SELECT", "", "application/sparql-results+json,*/*;q=0.9", SRJ),
        ("CONSTRUCT", "", "text/turtle,*/*;q=0.9", "text/turtle"),
        ("DESCRIBE", "", "application/n-triples,*/*;q=0.9", "application/n-triples"),
        ("ASK", "", "application/sparql-results+json,*/*;q=0.9", SRJ),
        # no preference at all: SPARQL JSON results, Turtle
        ("SELECT", "", None, SRJ),
        ("DESCRIBE", "", None, "text/turtle"),
        ("SELECT", "format=*/*", None, SRJ),
    ],
)
def test_raw_format_values(client, form, raw, accept, served):
    reply = _get(client, QUERIES[form], raw, accept)
    assert reply.status == 200, reply.text
    assert reply.type == served
    if served == SRJ and form == "SELECT":
        assert [b["f"]["value"] for b in reply.json()["results"]["bindings"]] == EXPECTED


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_format_is_406_naming_the_accepted_values(client, method):
    params = [("query", QUERIES["SELECT"]), ("format", "bogus"), ("output", "fancy")]
    if method == "GET":
        reply = call("/sparql", params=params, client=client)
    else:
        reply = call("/sparql", method="POST", data=urllib.parse.urlencode(params),
                     headers={"Content-Type": "application/x-www-form-urlencoded"}, client=client)
    assert reply.status == 406
    assert reply.type == "text/plain"
    first_line, *rest = reply.text.splitlines()
    assert not rest
    assert first_line.startswith(
        '406 Not Acceptable: format "bogus", "fancy" cannot be served for a SELECT query; '
        "accepted values: csv, json, json-ld, jsonld"
    )
    for value in ("tsv", "turtle", "xml", "application/sparql-results+json", "text/csv"):
        assert value in first_line


def test_graph_query_406_names_graph_formats(client):
    reply = _get(client, QUERIES["CONSTRUCT"], accept="application/sparql-results+json")
    assert reply.status == 406
    assert "for a CONSTRUCT query" in reply.text
    assert "ttl" in reply.text and "text/turtle" in reply.text
    assert "application/sparql-results+json" not in reply.text.split("available")[1]


def test_curl_form_post_with_an_unencoded_media_type(client):
    # curl -d 'format=application/sparql-results+xml' --data-urlencode 'query=…'
    body = f"format=application/sparql-results+xml&query={urllib.parse.quote(FORBUND)}"
    reply = call("/sparql", method="POST", data=body,
                 headers={"Content-Type": "application/x-www-form-urlencoded"}, client=client)
    assert reply.status == 200, reply.text
    assert reply.type == SRX
    assert reply.text.count("<uri>") == len(EXPECTED)
