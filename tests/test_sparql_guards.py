"""The guards that keep one careless query from taking the public endpoint down.

The guards that stop or refuse work in the server process (timeouts killing a worker, the
concurrency limit, a dying worker, the workers' network) are tested on the real server over HTTP;
the row cap, the size limit, the allow-list and the answer cache on the same app in this process
(``fixture_app``), through Flask's test client. No assertion on timings: that a simple query is
served while an explosive one runs is proven by ordering (the explosive one is still unfinished
when the simple answer arrives), and that the explosive one stopped burning CPU by its worker
process being gone.
"""

from __future__ import annotations

import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sparql_support import (
    EX,
    EXPLOSIVE,
    HOW,
    call,
    fixture_app,
    make_store,
    select_values,
    send,
    workers_of,
)

from service.sparql.cache import AnswerCache

SIMPLE = f"ASK {{ <{EX}fyrbodal> ?p ?o }}"
ALL = "SELECT * WHERE { ?s ?p ?o }"
MAX_BYTES = 4096


@pytest.fixture(scope="module")
def remote(tmp_path_factory, spawn_server):
    """A second endpoint for federated queries."""
    root = tmp_path_factory.mktemp("sparql-remote")
    return spawn_server(make_store(root), "--processes", "1", "--workers", "1")


@pytest.fixture(scope="module")
def guarded(tmp_path_factory, spawn_server, remote):
    root = tmp_path_factory.mktemp("sparql-guards")
    env = {"KG_MAX_REQUEST_BYTES": str(MAX_BYTES), "KG_SERVICE_ALLOWLIST": remote.url + "/sparql"}
    return spawn_server(
        make_store(root),
        "--processes",
        "1",
        "--timeout",
        "2",
        "--workers",
        "2",
        "--max-rows",
        "5",
        env=env,
    )


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app with the same guards in this process; its allow-list names an endpoint these
    tests never call."""
    yield from fixture_app(
        tmp_path_factory.mktemp("sparql-guards"),
        KG_QUERY_TIMEOUT=2,
        KG_WORKERS=2,
        KG_MAX_ROWS=5,
        KG_MAX_REQUEST_BYTES=MAX_BYTES,
        KG_SERVICE_ALLOWLIST="http://127.0.0.1:1/sparql",
    )


SPARQL = "/sparql"


def sparql(server) -> str:
    return server.url + "/sparql"


def killed_pids(log: Path) -> list[int]:
    return [int(p) for p in re.findall(r"killed worker pid (\d+)", log.read_text())]


def test_explosive_query_is_stopped_while_simple_queries_answer(guarded):
    before = killed_pids(guarded.log)
    with ThreadPoolExecutor(max_workers=1) as pool:
        explosive = pool.submit(call, sparql(guarded), params={"query": EXPLOSIVE})
        time.sleep(0.5)  # let it reach a worker (a head start, not a measurement)
        simple = call(sparql(guarded), params={"query": SIMPLE})
        assert simple.status == 200 and simple.json()["boolean"] is True
        assert not explosive.done(), "the simple query was answered while the explosive one ran"
        stopped = explosive.result()
    assert stopped.status == 504
    assert "stopped" in stopped.text and "KG_QUERY_TIMEOUT" in stopped.text
    assert stopped.headers["x-kg-timeout"] == "2"
    # the worker that ran it is gone: no CPU keeps burning for a query nobody waits for
    new = [pid for pid in killed_pids(guarded.log) if pid not in before]
    assert len(new) == 1
    assert not Path(f"/proc/{new[0]}").exists()
    # and the endpoint goes on answering (a replacement worker took its place)
    for _ in range(4):
        assert call(sparql(guarded), params={"query": SIMPLE}).status == 200


def test_a_request_may_lower_the_timeout_but_never_raise_it(guarded):
    lowered = call(sparql(guarded), params={"query": EXPLOSIVE, "timeout": "1"})
    assert lowered.status == 504 and lowered.headers["x-kg-timeout"] == "1"
    raised = call(sparql(guarded), params={"query": EXPLOSIVE, "timeout": "600"})
    assert raised.status == 504 and raised.headers["x-kg-timeout"] == "2"
    assert call(sparql(guarded), params={"query": SIMPLE, "timeout": "600"}).status == 200


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_row_cap_is_signalled_not_silent(client, fmt):
    reply = call(SPARQL, params={"query": ALL, "format": fmt}, client=client)
    assert reply.status == 200
    assert reply.headers["x-kg-truncated"] == "true"
    assert reply.headers["x-kg-row-limit"] == "5"
    assert "X-KG-Truncated" in reply.headers["access-control-expose-headers"]
    if fmt == "json":
        body = reply.json()
        assert len(body["results"]["bindings"]) == 5
        assert body["truncated"] is True and body["rowLimit"] == 5
    elif fmt == "xml":
        assert reply.text.count("<result>") == 5
        assert "urn:kompetensgraf:truncated:row-limit:5" in reply.text
    else:
        assert len(reply.text.strip().splitlines()) == 6  # header + 5 rows


def test_row_cap_applies_to_construct_and_small_answers_are_whole(client):
    reply = call(
        SPARQL,
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
        client=client,
    )
    assert reply.headers["x-kg-truncated"] == "true"
    assert len(reply.text.strip().splitlines()) == 5
    small = call(SPARQL, params={"query": ALL + " LIMIT 5"}, client=client)
    assert "x-kg-truncated" not in small.headers
    assert "truncated" not in small.json()


@pytest.mark.parametrize("how", HOW)
def test_request_size_limit(client, how):
    reply = send(SPARQL, how, "ASK {} # " + "x" * MAX_BYTES, client=client)
    assert reply.status == 413
    assert "KG_MAX_REQUEST_BYTES" in reply.text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
        "PREFIX wd: <http://www.wikidata.org/entity/> "
        "SELECT * WHERE { SERVICE SILENT wd:sparql { ?s ?p ?o } }",
        "SELECT * WHERE { VALUES ?e { <http://example.org/sparql> } SERVICE ?e { ?s ?p ?o } }",
    ],
)
def test_service_outside_the_allow_list_is_refused(client, query):
    reply = call(SPARQL, params={"query": query}, client=client)
    assert reply.status == 400
    assert "KG_SERVICE_ALLOWLIST" in reply.text


def test_allow_listed_service_works_end_to_end(guarded, remote):
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?label WHERE { "
        f"SERVICE <{remote.url}/sparql> {{ <{EX}skaraborg> rdfs:label ?label }} }}"
    )
    reply = call(sparql(guarded), params={"query": query})
    assert reply.status == 200, reply.text
    assert select_values(reply, "label") == ["Skaraborgs kommunalförbund"]


def test_with_endpoints_allowed_the_workers_keep_the_network(guarded):
    """Only an empty allow-list takes the network away (test_engine_network.py)."""
    # (a replacement being started may not have its name yet)
    workers = [pid for pid, name in workers_of(guarded.proc.pid).items() if name == "kg-query"]
    assert workers
    mine = os.readlink(f"/proc/{guarded.proc.pid}/ns/net")
    assert all(os.readlink(f"/proc/{pid}/ns/net") == mine for pid in workers)


def test_repeated_queries_come_from_the_cache(client):
    query = f"SELECT ?p WHERE {{ <{EX}sjuharad> ?p ?o }} ORDER BY ?p"
    first = call(SPARQL, params={"query": query}, client=client)
    second = call(SPARQL, params={"query": query}, client=client)
    assert (first.headers["x-kg-cache"], second.headers["x-kg-cache"]) == ("miss", "hit")
    assert first.body == second.body
    other_format = call(SPARQL, params={"query": query, "format": "csv"}, client=client)
    assert other_format.headers["x-kg-cache"] == "miss"
    volatile = "SELECT (NOW() AS ?t) WHERE {}"
    call(SPARQL, params={"query": volatile}, client=client)
    assert call(SPARQL, params={"query": volatile}, client=client).headers["x-kg-cache"] == "miss"


def test_saturated_endpoint_answers_503_with_retry_after(tmp_path, spawn_server):
    server = spawn_server(
        make_store(tmp_path),
        "--processes",
        "1",
        "--workers",
        "1",
        "--max-concurrent",
        "1",
        "--timeout",
        "3",
    )
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            busy = pool.submit(call, sparql(server), params={"query": EXPLOSIVE})
            time.sleep(0.5)  # a head start, so that the explosive query holds the only slot
            refused = call(sparql(server), params={"query": SIMPLE})
            assert not busy.done()
            assert refused.status == 503
            assert int(refused.headers["retry-after"]) > 0
            assert "KG_MAX_CONCURRENT" in refused.text
            assert busy.result().status == 504
        assert call(sparql(server), params={"query": SIMPLE}).status == 200
    finally:
        server.stop()


def test_a_worker_that_dies_is_a_logged_500_and_the_endpoint_recovers(tmp_path, spawn_server):
    server = spawn_server(
        make_store(tmp_path), "--processes", "1", "--workers", "1", "--timeout", "120"
    )
    log = server.log
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            running = pool.submit(call, sparql(server), params={"query": EXPLOSIVE})
            time.sleep(1.0)  # let the only general worker get busy with it
            workers = [p for p, name in workers_of(server.proc.pid).items() if name == "kg-query"]
            assert len(workers) == 1
            os.kill(workers[0], signal.SIGKILL)  # a storage fault, as the server sees it
            reply = running.result()
        assert reply.status == 500
        assert "store failed" in reply.text
        assert "a query worker failed" in log.read_text()  # the cause is logged
        assert "Traceback" not in log.read_text()  # in one line
        assert call(sparql(server), params={"query": SIMPLE}).status == 200
    finally:
        server.stop()


def test_answer_cache_is_bounded():
    cache = AnswerCache(2, max_bytes=100, max_entry_bytes=60)
    cache.put("a", "A", 10)
    cache.put("b", "B", 10)
    cache.get("a")
    cache.put("c", "C", 10)  # evicts b, the least recently used
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == ("A", None, "C")
    cache.put("big", "X", 61)  # larger than one entry may be: not kept
    assert cache.get("big") is None
    cache.put("d", "D", 50)
    cache.put("e", "E", 50)  # the byte budget evicts the rest
    assert len(cache) == 2 and cache.get("e") == "E"
    cache.clear()
    assert len(cache) == 0
