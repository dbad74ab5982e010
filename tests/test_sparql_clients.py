"""Real SPARQL clients against the real server: SPARQLWrapper and rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
import rdflib
from conftest import start_server
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from sparql_support import DATA, EX, EXG, make_store
from SPARQLWrapper import CSV, JSON, POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

FORBUND = (
    "PREFIX org: <http://www.w3.org/ns/org#> "
    "SELECT ?f WHERE { ?f org:memberOf <https://example.org/kg-test/vastra-gotalandsregionen> } "
    "ORDER BY ?f"
)
EXPECTED = [EX + n for n in ("fyrbodal", "goteborgsregionen", "sjuharad", "skaraborg")]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    root = tmp_path_factory.mktemp("sparql-clients")
    # a folder given to --load stands for the RDF files in it (here: municipalities.ttl, and
    # actors.trig again, whose graphs are already there)
    server = start_server(
        make_store(root), root / "server.log", "--load", str(DATA), "--workers", "2"
    )
    yield server.url + "/sparql"
    server.stop()


def wrapper(endpoint: str, query: str, fmt, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json(endpoint, method):
    result = wrapper(endpoint, FORBUND, JSON, method).queryAndConvert()
    assert [b["f"]["value"] for b in result["results"]["bindings"]] == EXPECTED


def test_sparqlwrapper_select_xml(endpoint):
    document = wrapper(endpoint, FORBUND, XML).queryAndConvert()  # an xml.dom document
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == EXPECTED


def test_sparqlwrapper_select_csv(endpoint):
    text = wrapper(endpoint, FORBUND, CSV).queryAndConvert().decode("utf-8")
    assert text.splitlines() == ["f", *EXPECTED]


def test_sparqlwrapper_ask(endpoint):
    query = f"ASK {{ <{EX}skaraborg> ?p ?o }}"
    assert wrapper(endpoint, query, JSON).queryAndConvert()["boolean"] is True
    document = wrapper(endpoint, query, XML).queryAndConvert()
    assert document.getElementsByTagName("boolean")[0].firstChild.data == "true"


# SPARQLWrapper itself builds its RDF/XML answer in rdflib's deprecated ConjunctiveGraph
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("fmt", [TURTLE, XML])
def test_sparqlwrapper_construct(endpoint, fmt):
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{EXG}councils> {{ ?s ?p ?o }} }}"
    result = wrapper(endpoint, query, fmt).queryAndConvert()
    graph = (
        result
        if isinstance(result, rdflib.Graph)
        else rdflib.Graph().parse(data=result, format="turtle")
    )
    assert len(graph) == 7
    assert (
        rdflib.URIRef(EX + "kompetensforum-skaraborg"),
        rdflib.RDFS.label,
        rdflib.Literal("Kompetensforum Skaraborg", lang="sv"),
    ) in graph


def test_sparqlwrapper_sees_a_bad_query_as_bad(endpoint):
    with pytest.raises(QueryBadFormed):
        wrapper(endpoint, "SELECT * WHERE { ?s ?p", JSON).queryAndConvert()


@pytest.mark.parametrize("return_format", ["json", "xml"])
def test_rdflib_sparqlstore(endpoint, return_format):
    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat=return_format))
    rows = list(graph.query(FORBUND))
    assert [str(row.f) for row in rows] == EXPECTED
    labels = set(graph.objects(rdflib.URIRef(EX + "kommun-1480"), rdflib.RDFS.label))
    assert labels == {rdflib.Literal("Göteborg", lang="sv")}
    assert graph.query(f"ASK {{ <{EX}fyrbodal> ?p ?o }}").askAnswer is True


def test_rdflib_sparqlstore_construct(endpoint):
    # rdflib's default Accept for a store ("xml") names RDF/XML too, so CONSTRUCT can be served
    graph = rdflib.Graph(store=SPARQLStore(endpoint))
    constructed = graph.query(f"CONSTRUCT WHERE {{ <{EX}fyrbodal> ?p ?o }}").graph
    assert len(constructed) == 4
