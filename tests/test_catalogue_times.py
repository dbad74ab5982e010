"""How long each catalogue query takes on the built project graph, with its default parameters and
with no parameter bound — reported, not asserted (tests assert no speed; the figures and their
command are in the README's *Performance*, measured by ``benchmarks/bench_catalogue.py``).

What is asserted: every query answers in both forms, and the unbound form (every value of the
parameters at once) is no smaller than the bound one when the parameters only select — except
where a parameter is an input the query computes with (a date, a language), which unbound has
no value for. Each test records its times (``record_property``: ``--junitxml``) and prints them.
"""

from __future__ import annotations

import pytest

from graph import queries
from graph.backends import open_store

CATALOGUE = queries.local()  # SERVICE calls need the network


@pytest.fixture(scope="module")
def store(built_store):
    store = open_store(built_store)
    yield store
    store.close()


@pytest.mark.parametrize("query", CATALOGUE, ids=[q.name for q in CATALOGUE])
def test_catalogue_query_time_bound_and_unbound(store, query, record_property, capsys):
    bound_s, bound_n = queries.timed(store, query, query.bind())
    unbound_s, unbound_n = queries.timed(store, query, query.bind(defaults=False))
    record_property("seconds_default_parameters", round(bound_s, 4))
    record_property("seconds_unbound", round(unbound_s, 4))
    with capsys.disabled():
        print(f"\n  {query.name}: {bound_s:.3f} s ({bound_n} rows) with its defaults, "
              f"{unbound_s:.3f} s ({unbound_n} rows) unbound", end="")
    if all(p.type == "iri" for p in query.params):
        assert unbound_n >= bound_n
