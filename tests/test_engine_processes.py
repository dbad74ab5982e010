"""Worker processes that clean up, and updates that cannot take the server down.

Every test drives a real ``kompetensgraf serve`` over HTTP with updates on (so that it has an
update process as well as query workers). No assertion on timings: a process "gone" is polled
for in a bounded loop, and the order of events is what is asserted.
"""

from __future__ import annotations

import os
import re
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import start_server
from sparql_support import EX, EXG, EXPLOSIVE, FORM, call, form, gone, make_store, workers_of

TOKEN = "processes-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: an update whose WHERE runs for minutes (a count over a six-way cross join of every named
#: graph: in an update the default graph is the store's own, empty one) in little memory
SLOW_UPDATE = (
    f"INSERT {{ GRAPH <{EXG}slow> {{ <{EX}count> <{EX}is> ?n }} }} WHERE {{ "
    "SELECT (COUNT(*) AS ?n) WHERE { "
    + " ".join(f"GRAPH ?g{i} {{ ?s{i} ?p{i} ?o{i} }}" for i in range(6))
    + " } }"
)
SIMPLE = f"ASK {{ <{EX}fyrbodal> ?p ?o }}"


def update(server, text: str):
    return call(
        server.url + "/sparql", method="POST", data=form({"update": text}),
        headers={**FORM, **AUTH},
    )


def ask(server, pattern: str) -> bool:
    reply = call(server.url + "/sparql", params={"query": f"ASK {{ {pattern} }}"})
    assert reply.status == 200, reply.text
    return reply.json()["boolean"]


def pids(server, name: str) -> list[int]:
    return [pid for pid, found in workers_of(server.proc.pid).items() if found == name]


def wait_until(condition, attempts: int = 100) -> bool:
    """Poll ``condition`` (10 times a second, a bounded number of times)."""
    for _ in range(attempts):
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("engine-processes")
    srv = start_server(
        make_store(root), root / "server.log", "--workers", "1", "--timeout", "3",
        env={"KG_UPDATE_TOKEN": TOKEN},
    )
    yield srv
    srv.stop()


def test_an_update_past_the_timeout_is_stopped_and_not_applied(server):
    before = pids(server, "kg-update")
    assert len(before) == 1
    reply = update(server, SLOW_UPDATE)
    assert reply.status == 504, reply.text
    assert "KG_QUERY_TIMEOUT" in reply.text and "nothing was changed" in reply.text
    assert reply.headers["x-kg-timeout"] == "3"
    assert wait_until(lambda: gone(before[0]))  # killed: no CPU keeps burning
    assert not ask(server, f"GRAPH <{EXG}slow> {{ ?s ?p ?o }}")
    # a new update process took its place, and the next change is applied
    fact = f'<{EX}after-timeout> <{EX}p> "ja"'
    assert update(server, f"INSERT DATA {{ GRAPH <{EXG}notes> {{ {fact} }} }}").status == 200
    assert ask(server, fact)
    after = pids(server, "kg-update")
    assert len(after) == 1 and after != before


def test_a_crash_of_the_update_process_is_an_error_not_a_dead_server(server):
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(update, server, SLOW_UPDATE)
        assert wait_until(lambda: len(pids(server, "kg-update")) == 1)
        time.sleep(0.5)  # a head start: let it begin the update (not a measurement)
        (writer,) = pids(server, "kg-update")
        os.kill(writer, signal.SIGSEGV)  # what a native crash on hostile input looks like
        reply = running.result()
    assert reply.status == 500
    assert "store failed" in reply.text and "Traceback" not in reply.text
    assert server.proc.poll() is None  # the server lives on
    fact = f'<{EX}after-crash> <{EX}p> "ja"'
    assert update(server, f"INSERT DATA {{ GRAPH <{EXG}notes> {{ {fact} }} }}").status == 200
    assert ask(server, fact)
    assert re.search(r"the update process failed: it ended while it worked \(killed by SIGSEGV",
                     server.log.read_text())


def test_queries_and_updates_leave_no_traceback_in_the_log(server):
    for query in (EXPLOSIVE, "SELECT * WHERE { ?s ?p }", "ASK { <bad iri> ?p ?o }"):
        assert call(server.url + "/sparql", params={"query": query}).status in (400, 504)
    assert update(server, "INSERT DATA { GRAPH <x:g> { ?bad ?p ?o } }").status == 400
    assert "Traceback" not in server.log.read_text()


def test_workers_die_with_their_server_even_after_kill_9(tmp_path):
    srv = start_server(
        make_store(tmp_path), tmp_path / "server.log", "--workers", "2", "--timeout", "120",
        env={"KG_UPDATE_TOKEN": TOKEN},
    )
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            busy = pool.submit(call, srv.url + "/sparql", params={"query": EXPLOSIVE})
            writing = pool.submit(update, srv, SLOW_UPDATE)
            time.sleep(1.0)  # a head start, so that a query worker and the writer are busy
            workers = workers_of(srv.proc.pid)
            assert sorted(workers.values()) == [
                "kg-query", "kg-query", "kg-query-short", "kg-update"
            ]
            assert not busy.done() and not writing.done()
            os.kill(srv.proc.pid, signal.SIGKILL)
            srv.proc.wait()
            assert wait_until(lambda: all(gone(pid) for pid in workers))
    finally:
        srv.stop()


def laughs(levels: int) -> bytes:
    """RDF/XML whose nested entities expand tenfold per level (534 bytes became 3 MB once)."""
    entities = ['<!ENTITY l0 "ha">'] + [
        f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns:ex="{EX}"><rdf:Description rdf:about="{EX}laugh">'
        f"<ex:says>&l{levels};</ex:says></rdf:Description></rdf:RDF>"
    ).encode()


@pytest.mark.parametrize("levels", [3, 9])
def test_rdf_xml_with_entity_declarations_is_refused(server, levels):
    store = server.url + "/store"
    for method in ("PUT", "POST"):
        reply = call(store, method=method, params={"graph": EXG + "laughs"}, data=laughs(levels),
                     headers={"Content-Type": "application/rdf+xml", **AUTH})
        assert reply.status == 400, reply.text
        assert "nothing was changed" in reply.text and "ENTITY" in reply.text
    assert not ask(server, f"<{EX}laugh> ?p ?o")
    assert server.proc.poll() is None
