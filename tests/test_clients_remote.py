"""Real clients and predeclared prefixes on real engines: Oxigraph server and Virtuoso.

The remote backend (graph/remote/) writes the PREFIX lines an engine does not know for it, and
the service writes every format from the engine's answers as it does from the embedded store's:
SPARQLWrapper's return formats against every query form, through ``kompetensgraf serve
--endpoint`` in front of each engine, and the prefixes through the store and the endpoint code.
"""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from clients_support import (
    BARE_FORBUND,
    EXPECTED,
    FORMATS,
    QUERIES,
    UNKNOWN,
    UNKNOWN_LINE,
    check_answer,
    sparqlwrapper_answer,
)
from conftest import free_port, start_server
from engines import start_oxigraph, start_virtuoso
from sparql_support import ACTORS, EX, EXG, call, make_store

from graph.namespaces import PREDECLARED
from graph.store import QueryError
from service.sparql.results import Job, apply_update, evaluate


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def engine(request, tmp_path_factory):
    workdir = tmp_path_factory.mktemp(f"clients-{request.param}")
    if request.param == "oxigraph":
        running = start_oxigraph(workdir, free_port())
    else:
        running = start_virtuoso(workdir, free_port(), free_port())
    running.open(read_only=False).load(ACTORS.read_bytes(), ox.RdfFormat.TRIG)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def remote(engine):
    return engine.open(read_only=False)


@pytest.fixture(scope="module")
def served(engine, tmp_path_factory):
    """``kompetensgraf serve`` in front of the engine."""
    root = tmp_path_factory.mktemp("served")
    server = start_server(make_store(root), root / "server.log", *engine.cli_options(),
                          env=engine.env)
    yield server.url + "/sparql"
    server.stop()


# SPARQLWrapper's own warnings, as in tests/test_clients_formats.py
@pytest.mark.filterwarnings("ignore:Sending Accept header:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize("form", QUERIES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_sparqlwrapper_every_format_every_form(served, fmt, form):
    check_answer(sparqlwrapper_answer(served, fmt, form), fmt, form)


def test_endpoint_predeclared_prefixes_and_unknown_prefix(served):
    reply = call(served, params={"query": BARE_FORBUND})
    assert reply.status == 200, reply.text
    assert [b["f"]["value"] for b in reply.json()["results"]["bindings"]] == EXPECTED
    reply = call(served, params={"query": UNKNOWN})
    assert reply.status == 400
    assert reply.text == f"400 Bad Request: {UNKNOWN_LINE}\n"


def test_remote_engine_queries_with_predeclared_prefixes(remote):
    rows = remote.select(BARE_FORBUND, prefixes=PREDECLARED)
    assert [r["f"].value for r in rows] == EXPECTED
    own = f"PREFIX org: <{EX}> ASK {{ <{EX}fyrbodal> org:members 14 }}"
    assert remote.ask(own, prefixes=PREDECLARED) is True
    with pytest.raises(QueryError):
        remote.select(BARE_FORBUND)  # without them the engine does not know org:


def test_remote_engine_answers_through_the_endpoint_code(remote):
    job = Job(BARE_FORBUND, result_type="text/csv", prefixes=PREDECLARED)
    answer = evaluate(remote, job)
    assert answer.body.decode("utf-8").splitlines()[1].startswith(EX + "fyrbodal,")
    with pytest.raises(QueryError, match=f"^{re.escape(UNKNOWN_LINE)}$"):
        evaluate(remote, Job(UNKNOWN, prefixes=PREDECLARED))


def test_remote_engine_updates_with_predeclared_prefixes(remote):
    graph = f"<{EXG}remote-prefix-notes>"
    apply_update(remote, f'INSERT DATA {{ GRAPH {graph} {{ <{EX}b> rdfs:label "ö"@sv }} }}')
    assert remote.ask(f'ASK {{ GRAPH {graph} {{ <{EX}b> rdfs:label "ö"@sv }} }}',
                      prefixes=PREDECLARED)
    with pytest.raises(QueryError, match="unknown prefix \"foo:\""):
        apply_update(remote, f"INSERT DATA {{ GRAPH {graph} {{ <{EX}b> foo:c 1 }} }}")
