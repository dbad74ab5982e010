"""Several serving processes (``serve --processes N``: granian), for real, over HTTP.

Each process has its own app and query workers; ``--load`` files are loaded once, in the master,
and every process serves them; the guards hold in each process; with updates on, one process.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import start_server
from sparql_support import EX, EXPLOSIVE, MUNICIPALITIES, call, make_store

from graph.dumps import DUMP_FORMATS

LOADED = f'ASK {{ <{EX}kommun-1480> ?p "Göteborg"@sv }}'
TOKEN = "processes-test-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("sparql-processes")
    srv = start_server(
        make_store(root),
        root / "server.log",
        "--processes",
        "2",
        "--workers",
        "1",
        "--timeout",
        "2",
        "--load",
        str(MUNICIPALITIES),
    )
    yield srv
    srv.stop()


def sparql(server) -> str:
    return server.url + "/sparql"


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def replies_by_process(url: str, params: dict | None = None, wanted: int = 2, limit: int = 400):
    """GET ``url`` from 8 clients at once until ``wanted`` processes have answered: their replies.

    Eight clients can fill one process's concurrency limit; its 503 with ``Retry-After`` is the
    documented answer to that, so such replies are skipped, and every other one must be a 200.
    """
    seen: dict[int, list] = {}
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(limit // 8):
            for reply in pool.map(lambda _: call(url, params=params), range(8)):
                if reply.status == 503 and "retry-after" in reply.headers:
                    continue  # saturated (KG_MAX_CONCURRENT per process): the documented "retry"
                assert reply.status == 200, reply.text
                seen.setdefault(int(reply.headers["x-kg-process"]), []).append(reply)
            if len(seen) >= wanted:
                break
    return seen


def answers_by_process(server, query: str) -> dict[int, list]:
    """The JSON answers to ``query``, by the process that gave them."""
    seen = replies_by_process(sparql(server), {"query": query})
    return {pid: [reply.json() for reply in replies] for pid, replies in seen.items()}


def test_concurrent_queries_are_answered_by_two_processes_that_all_see_loaded_files(server):
    seen = answers_by_process(server, LOADED)
    assert len(seen) == 2
    for pid, answers in seen.items():
        assert parent_of(pid) == server.proc.pid  # pre-forked by the one server
        assert all(answer["boolean"] is True for answer in answers)  # --load is everywhere
    # the files were loaded once, by the master, not once per process
    assert server.log.read_text().count("loaded [") == 1


@pytest.mark.parametrize(
    "path",
    [
        "/dataset?format=ttl",
        "/.well-known/void",
        "/data/",
        *(f"/data/{fmt.filename}" for fmt in DUMP_FORMATS.values()),
    ],
)
def test_every_process_describes_and_serves_the_dataset_alike(server, path):
    """One store, one description: the same ETag, Last-Modified and body from every process
    (the dumps are written once, not once per process)."""
    seen = replies_by_process(server.url + path)
    assert len(seen) == 2
    replies = [reply for answers in seen.values() for reply in answers]
    assert len({reply.body for reply in replies}) == 1
    assert len({reply.headers.get("etag") for reply in replies}) == 1
    assert len({reply.headers.get("last-modified") for reply in replies}) == 1
    if path.startswith("/data/") and path != "/data/":
        assert replies[0].headers["etag"] and replies[0].headers["last-modified"]


def test_a_timeout_still_kills_the_query_worker_with_several_processes(server):
    before = set(re.findall(r"killed worker pid (\d+)", server.log.read_text()))
    stopped = call(sparql(server), params={"query": EXPLOSIVE})
    assert stopped.status == 504 and "KG_QUERY_TIMEOUT" in stopped.text
    assert stopped.headers["x-kg-timeout"] == "2"
    for _ in range(50):  # the log line is written as the answer goes out
        new = set(re.findall(r"killed worker pid (\d+)", server.log.read_text())) - before
        if new:
            break
        time.sleep(0.1)
    assert len(new) == 1
    assert not Path(f"/proc/{new.pop()}").exists()
    assert call(sparql(server), params={"query": LOADED}).json()["boolean"] is True


def two_processes(folder: Path, *args: str, env: dict | None = None):
    return start_server(
        make_store(folder),
        folder / "server.log",
        "--processes",
        "2",
        "--workers",
        "1",
        *args,
        env=env,
    )


def test_the_derived_store_is_removed_when_the_server_stops(tmp_path):
    log = tmp_path / "server.log"
    srv = two_processes(tmp_path, "--load", str(MUNICIPALITIES))
    try:
        assert call(sparql(srv), params={"query": LOADED}).json()["boolean"] is True
    finally:
        srv.stop()
    assert srv.proc.returncode == 0
    folder = re.search(r"loaded \[.*\] into (\S+)/snapshots/", log.read_text()).group(1)
    assert not Path(folder).exists()


def test_with_updates_on_one_process_serves(tmp_path):
    log = tmp_path / "server.log"
    srv = two_processes(tmp_path, env={"KG_UPDATE_TOKEN": TOKEN})
    try:
        reply = call(sparql(srv), params={"query": f"ASK {{ <{EX}fyrbodal> ?p ?o }}"})
        assert reply.status == 200 and "x-kg-process" not in reply.headers  # waitress
    finally:
        srv.stop()
    assert "serving with 1 process" in log.read_text()
