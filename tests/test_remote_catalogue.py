"""Every catalogue query, with its default parameters as ``substitutions``, gives on Oxigraph server
and on Virtuoso (loaded by ``build --target``) the answers the embedded store gives.

This is the check that the remote backend's ``VALUES``/``FILTER`` binding means what pyoxigraph's
``substitutions`` mean, on the queries the service really runs. Queries that call other endpoints
(``SERVICE``) are not in this comparison: they need the network, which tests never use.

Every other catalogue query is compared on both engines, Virtuoso 7.2 included: where its own
evaluation departs from SPARQL 1.1 (README, "Engine differences"), the queries are written in
the standard form that both evaluate alike, so no query and no cell is excepted here. Besides
the rows, their order is compared: the columns the final ``ORDER BY`` names come in the same
sequence (rows that tie on them may come in any order; a blank node has no order two engines
share, its label being each engine's own, so rows with one in those columns are left out of
the sequence; they are still compared as rows). A query that sorts by keys it computes and does
not project (``BIND(CONCAT(…) AS ?key)``, fast on pyoxigraph) is run for this comparison with the
keys projected too, so that the order is still compared, key by key.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from graph import queries
from graph.backends import open_store
from graph.sparql_text import mask

CATALOGUE = queries.local()  # SERVICE calls need the network

@pytest.fixture(scope="module")
def reference(built_store):
    store = open_store(built_store)
    yield store
    store.close()


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(request):
    store = request.getfixturevalue(f"{request.param}_engine").open(timeout=300)
    store.name = request.param
    return store


def answers(store, query, values):
    result = store.query(query.text, substitutions=values)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        data = result.serialize(format=ox.RdfFormat.N_TRIPLES)
        return rdflib.Graph().parse(data=data, format="nt")
    names = [v.value for v in result.variables]
    return sorted(
        (tuple(_plain(solution[n]) for n in names) for solution in result), key=repr
    )


def _plain(term):
    if term is None or isinstance(term, ox.BlankNode):
        return None if term is None else "_:"
    return str(term)


@pytest.mark.parametrize("query", CATALOGUE, ids=[q.name for q in CATALOGUE])
def test_catalogue_query_answers_as_on_the_embedded_store(remote, reference, query):
    values = {p.name: p.convert(p.default) for p in query.params}
    mine, theirs = answers(remote, query, values), answers(reference, query, values)
    if isinstance(theirs, rdflib.Graph):
        assert isomorphic(mine, theirs)
    else:
        assert mine == theirs
        keys = order_keys(query.text)
        if keys:
            assert in_order(remote, query, values, keys) == in_order(reference, query, values, keys)


def order_keys(text: str) -> list[str]:
    """The variables the outermost ``ORDER BY`` names (an inner one is followed by ``}``)."""
    head, found, tail = mask(text).rpartition("ORDER BY")
    if not found or "}" in tail:
        return []
    tail = re.split(r"\b(?:LIMIT|OFFSET)\b", tail)[0]
    return list(dict.fromkeys(re.findall(r"[?$](\w+)", tail)))


def projecting(text: str, names: list[str]) -> str:
    """The query with ``names`` added to the outermost projection — where it has no GROUP BY,
    so that any variable of its pattern may be projected; else the query unchanged."""
    masked = mask(text)
    if not names or re.search(r"\bGROUP\s+BY\b", masked[masked.rfind("}"):], re.I):
        return text
    select = re.search(r"\bSELECT(\s+(?:DISTINCT|REDUCED)\b)?", masked, re.I)
    at = select.end()
    return text[:at] + "".join(f" ?{n}" for n in names) + text[at:]


def in_order(store, query, values, keys):
    """The sequence of the ``keys`` of the answer, without rows where one is a blank node. Keys
    the query computes and does not project are projected for this; then rows holding a blank
    node anywhere are left out, since a key computed from one is each engine's own (Virtuoso's
    ``STR`` of a blank node is its internal name)."""
    result = store.query(query.text, substitutions=values)
    hidden = [k for k in keys if k not in {v.value for v in result.variables}]
    if hidden:
        result = store.query(projecting(query.text, hidden), substitutions=values)
    names = [v.value for v in result.variables]
    keys = [k for k in keys if k in names]
    sequence = []
    for solution in result:
        row = tuple(solution[k] for k in keys)
        seen = [solution[n] for n in names] if hidden else row
        if not any(isinstance(t, ox.BlankNode) for t in seen):
            sequence.append(tuple(map(_plain, row)))
    return sequence
