"""What the real-client tests share: the query of each form, its expected answer, and how to read
the answer SPARQLWrapper's ``queryAndConvert()`` gives in each of its return formats."""

from __future__ import annotations

import csv
import io

import rdflib
from sparql_support import EX, EXG
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDF,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

RS = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
FORBUND = (
    "PREFIX org: <http://www.w3.org/ns/org#> "
    f"SELECT ?f WHERE {{ ?f org:memberOf <{EX}vastra-gotalandsregionen> }} ORDER BY ?f"
)
EXPECTED = [EX + n for n in ("fyrbodal", "goteborgsregionen", "sjuharad", "skaraborg")]
QUERIES = {
    "SELECT": FORBUND,
    "ASK": f"ASK {{ <{EX}skaraborg> ?p ?o }}",
    "CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{EXG}councils> {{ ?s ?p ?o }} }}",
    "DESCRIBE": f"DESCRIBE <{EX}fyrbodal>",
}
#: the same without a PREFIX declaration (org: and rdfs: are predeclared), with labels
BARE_FORBUND = (
    f"SELECT ?f ?label WHERE {{ ?f org:memberOf <{EX}vastra-gotalandsregionen> ; "
    "rdfs:label ?label } ORDER BY ?f"
)
UNKNOWN = "SELECT * WHERE { ?s foo:bar ?o }"
UNKNOWN_LINE = 'unknown prefix "foo:" at line 1, column 21 (declare it with PREFIX)'
#: triples of each graph query: the councils graph; Fyrbodal's description (as CONSTRUCT WHERE)
TRIPLES = {"CONSTRUCT": 7, "DESCRIBE": 4}
FORMATS = [JSON, XML, TURTLE, N3, RDF, RDFXML, CSV, TSV, JSONLD]
SRJ, SRX = "application/sparql-results+json", "application/sparql-results+xml"
METHODS = {"GET": (GET, URLENCODED), "POST": (POST, URLENCODED), "POST-query": (POST, POSTDIRECTLY)}



def sparqlwrapper_answer(endpoint: str, fmt: str, form: str, method: str = "GET"):
    """``queryAndConvert()`` of the query of ``form`` in the return format ``fmt``."""
    client = SPARQLWrapper(endpoint)
    client.setQuery(QUERIES[form])
    client.setReturnFormat(fmt)
    client.setMethod(METHODS[method][0])
    client.setRequestMethod(METHODS[method][1])
    return client.queryAndConvert()


def check_answer(result, fmt: str, form: str) -> None:
    """The converted answer is the expected one, whatever its format."""
    if form == "SELECT":
        assert _select_values(result, fmt) == EXPECTED
    elif form == "ASK":
        assert _ask_value(result, fmt) is True
    else:
        triples = _triples(result, fmt)
        assert len(triples) == TRIPLES[form]
        if form == "DESCRIBE":
            assert {s for s, _, _ in triples} == {EX + "fyrbodal"}


def _graph(result) -> rdflib.Graph:
    """The RDF of a converted answer: an rdflib graph already, or Turtle/N-Triples bytes."""
    if isinstance(result, rdflib.Graph):
        return result
    return rdflib.Graph().parse(data=result.decode("utf-8"), format="turtle")


def _table(result: bytes, fmt: str) -> list[list[str]]:
    text = result.decode("utf-8")
    if fmt == CSV:
        return list(csv.reader(io.StringIO(text)))
    return [line.split("\t") for line in text.splitlines()]


def _select_values(result, fmt) -> list[str]:
    """The ?f column of the SELECT answer, in its order, whatever the format."""
    if isinstance(result, dict):
        return [b["f"]["value"] for b in result["results"]["bindings"]]
    if fmt in (CSV, TSV):
        header, *rows = _table(result, fmt)
        assert header == (["f"] if fmt == CSV else ["?f"])
        return [row[0].strip("<>") for row in rows]
    if hasattr(result, "getElementsByTagName"):  # SPARQL XML results, as an xml.dom document
        return [node.firstChild.data for node in result.getElementsByTagName("uri")]
    graph = _graph(result)  # a result set in the result-set vocabulary
    (result_set,) = graph.subjects(rdflib.RDF.type, RS.ResultSet)
    assert set(graph.objects(result_set, RS.resultVariable)) == {rdflib.Literal("f")}
    index = RS["index"]  # not RS.index: a Namespace is a str, and str has an index method
    solutions = sorted(graph.objects(result_set, RS.solution), key=lambda s: graph.value(s, index))
    return [str(graph.value(graph.value(s, RS.binding), RS.value)) for s in solutions]


def _ask_value(result, fmt) -> bool:
    if isinstance(result, dict):
        return result["boolean"]
    if fmt in (CSV, TSV):
        return result.decode("utf-8").strip() == "true"
    if hasattr(result, "getElementsByTagName"):
        return result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    graph = _graph(result)
    (value,) = graph.objects(None, RS.boolean)
    return value.toPython()


def _triples(result, fmt) -> set[tuple[str, str, str]]:
    if fmt in (CSV, TSV):
        header, *rows = _table(result, fmt)
        names = ["subject", "predicate", "object"]
        assert header == (names if fmt == CSV else [f"?{n}" for n in names])
        # CSV writes IRIs bare, TSV in N-Triples syntax; literals here are plain or tagged
        return {tuple(v.strip("<>") for v in row) for row in rows}
    return {tuple(str(t) for t in triple) for triple in _graph(result)}
