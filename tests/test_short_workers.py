"""Query workers kept for short queries (``KG_SHORT_WORKERS``, ``service/sparql/engine.py``).

A query whose shape ran short before is answered while long queries hold every general worker;
a query of another shape is not let into the short lane; a runaway that lands in the short lane
is stopped at its timeout like any other (its worker killed and replaced) while other clients are
answered. A real ``kompetensgraf serve`` over HTTP; no assertion on timings: what is asserted is
the order of events (a short answer while a long query is still running) and the processes.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import start_server
from sparql_support import EX, EXPLOSIVE, call, gone, make_store, workers_of

from graph.sparql_text import scan
from service.sparql.engine import SHORT_CPU, Costs
from service.sparql.results import Job

#: the same six-way cross join as EXPLOSIVE, counted up to a LIMIT: ``1`` is answered at once,
#: ``9000000000`` runs for minutes; the two have the same shape (numbers are left out of it)
CROSS = (
    "SELECT (COUNT(*) AS ?n) WHERE { { SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?o ?q . ?r ?t ?u } LIMIT %s } }"
)


def lookup(name: str) -> str:
    return f"SELECT ?p ?o WHERE {{ VALUES ?e {{ <{EX}{name}> }} ?e ?p ?o }}"


def pids(server, name: str) -> list[int]:
    return [pid for pid, found in workers_of(server.proc.pid).items() if found == name]


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_until(condition, attempts: int = 200) -> bool:
    """Poll ``condition`` (10 times a second, a bounded number of times)."""
    for _ in range(attempts):
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def sparql(server, query: str, **params):
    return call(server.url + "/sparql", params={"query": query, **params})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("short-workers")
    srv = start_server(
        make_store(root), root / "server.log", "--processes", "1", "--workers", "1",
        "--timeout", "60", env={"KG_SHORT_WORKERS": "1", "KG_CACHE_SIZE": "0"},
    )
    yield srv
    srv.stop()


def test_the_pool_has_its_short_worker(server):
    assert len(pids(server, "kg-query")) == 1
    assert len(pids(server, "kg-query-short")) == 1


def test_a_short_query_is_answered_while_a_long_one_holds_the_general_worker(server):
    assert sparql(server, lookup("fyrbodal")).status == 200  # its shape has run: short
    [general] = pids(server, "kg-query")
    before = cpu_ticks(general)
    with ThreadPoolExecutor(max_workers=1) as pool:
        long = pool.submit(sparql, server, EXPLOSIVE, timeout="20")
        # the general worker is evaluating the long query once it burns CPU
        assert wait_until(lambda: cpu_ticks(general) > before + 20)
        answers = [sparql(server, lookup(name)) for name in ("skaraborg", "sjuharad", "x")]
        assert [a.status for a in answers] == [200, 200, 200]
        assert answers[0].json()["results"]["bindings"]
        assert not long.done()  # answered while the long query still runs
        # a query of a shape not known to be short waits for a general worker: not in time
        other = sparql(server, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", timeout="1")
        assert other.status == 503, other.text
        assert not long.done()
        assert long.result().status == 504


def test_a_runaway_in_the_short_lane_is_stopped_and_its_worker_replaced(server):
    assert sparql(server, CROSS % 1).status == 200  # the shape ran short
    [general] = pids(server, "kg-query")
    [short] = pids(server, "kg-query-short")
    before = cpu_ticks(general)
    with ThreadPoolExecutor(max_workers=2) as pool:
        long = pool.submit(sparql, server, EXPLOSIVE, timeout="30")
        assert wait_until(lambda: cpu_ticks(general) > before + 20)  # the general one is busy
        runaway = pool.submit(sparql, server, CROSS % 9_000_000_000, timeout="4")
        assert wait_until(lambda: cpu_ticks(short) > 20)  # the runaway is in the short lane
        reply = runaway.result()
        assert reply.status == 504, reply.text
        assert reply.headers["x-kg-timeout"] == "4"
        assert wait_until(lambda: gone(short))  # killed: no CPU keeps burning
        assert wait_until(lambda: [p for p in pids(server, "kg-query-short") if p != short])
        # the replacement answers a short query while the long one still holds the general worker
        assert sparql(server, lookup("fyrbodal")).status == 200
        assert not long.done()
        assert long.result().status == 504


def test_a_shape_leaves_out_the_terms_and_keeps_the_structure():
    one = scan(f"SELECT ?p WHERE {{ VALUES ?e {{ <{EX}a> }} ?e ?p 'x' }} LIMIT 10").shape
    assert one == scan('SELECT ?p WHERE { VALUES ?e { ex:b } ?e ?p "y" } # note\nLIMIT 5').shape
    assert one != scan(f"SELECT ?p WHERE {{ VALUES ?e {{ <{EX}a> <{EX}b> }} ?e ?p 'x' }}").shape
    assert scan(CROSS % 1).shape == scan(CROSS % 9_000_000_000).shape != scan(EXPLOSIVE).shape


def test_a_shape_is_short_only_after_short_runs():
    costs = Costs()
    key = costs.key(Job(lookup("fyrbodal")))
    assert not costs.short(key)  # never run: not known to be short
    costs.record(key, SHORT_CPU / 10)
    assert costs.short(key)
    costs.record(key, 50 * SHORT_CPU)  # one long run: out of the short lane
    assert not costs.short(key)
    runs = 0
    while not costs.short(key):  # short runs bring it back, halving the estimate each time
        costs.record(key, SHORT_CPU / 10)
        runs += 1
    assert runs == 6
    # the dataset is part of the key: the same text on other graphs is learned apart
    other = costs.key(Job(lookup("fyrbodal"), default_graph=[f"{EX}graph/a"], named_graphs=[]))
    assert other != key and not costs.short(other)


def test_the_shape_run_longest_ago_is_forgotten_first():
    costs = Costs(limit=2)
    first, second, third = (costs.key(Job(f"SELECT ?s WHERE {{ ?s ?p ?o }} {tail}"))
                            for tail in ("", "LIMIT 1", "ORDER BY ?s"))
    costs.record(first, SHORT_CPU / 10)
    costs.record(second, SHORT_CPU / 10)
    costs.record(first, SHORT_CPU / 10)  # run again: now the most recent
    costs.record(third, SHORT_CPU / 10)  # one too many: the second, run longest ago, goes
    assert costs.short(first) and costs.short(third) and not costs.short(second)
