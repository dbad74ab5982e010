"""One answer cache for every serving process (``service/sparql/shared_cache.py``).

A real ``kompetensgraf serve --processes 2``: an answer cached by one process is a hit in the
other. In-process, with updates on: an update empties the cache and the next answer is the new
one. And the folder stays within its bounds.
"""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sparql_support import EX, EXG, call, make_store

from service.app import create_app
from service.sparql.results import Answer
from service.sparql.shared_cache import SharedCache
from service.sparql.state import state

TOKEN = "shared-cache-token"


def test_an_answer_cached_by_one_process_is_a_hit_in_the_other(tmp_path, spawn_server):
    server = spawn_server(make_store(tmp_path), "--processes", "2", "--workers", "1")
    try:
        url = server.url + "/sparql"
        query = {"query": f"ASK {{ <{EX}fyrbodal> ?p ?o }} # {uuid.uuid4()}"}  # new to both
        first = call(url, params=query)
        assert first.status == 200 and first.headers["x-kg-cache"] == "miss"
        seen: dict[str, list[str]] = {}
        with ThreadPoolExecutor(max_workers=8) as pool:
            for _ in range(200):  # until both processes have answered
                for reply in pool.map(lambda _: call(url, params=query), range(8)):
                    if reply.status == 503:  # one process saturated: the documented "retry"
                        continue
                    assert reply.status == 200 and reply.json()["boolean"] is True
                    seen.setdefault(reply.headers["x-kg-process"], []).append(
                        reply.headers["x-kg-cache"]
                    )
                if len(seen) == 2:
                    break
        folder = Path(
            re.search(
                r"answer cache shared by the processes in (\S+)", server.log.read_text()
            ).group(1)
        )
        assert any(folder.iterdir())  # the answer is there, in one file
    finally:
        server.stop()
    assert len(seen) == 2  # both processes answered …
    assert all(cache == "hit" for caches in seen.values() for cache in caches)  # … from the cache
    assert not folder.exists()  # removed when the server stopped


def test_an_update_empties_the_shared_cache_and_the_next_answer_is_new(tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    app = create_app(
        {
            "KG_STORE": str(make_store(tmp_path)),
            "KG_UPDATE_TOKEN": TOKEN,
            "KG_DATA_DIR": str(tmp_path / "live"),
            "KG_CACHE_DIR": str(folder),
        }
    )
    try:
        assert isinstance(state(app).cache, SharedCache)
        client = app.test_client()
        ask = {"query": f'ASK {{ <{EX}fyrbodal> <{EX}note> "ny" }}'}
        before = client.get("/sparql", query_string=ask)
        again = client.get("/sparql", query_string=ask)
        assert (before.headers["X-KG-Cache"], again.headers["X-KG-Cache"]) == ("miss", "hit")
        assert again.get_json()["boolean"] is False and len(list(folder.iterdir())) == 1
        update = f'INSERT DATA {{ GRAPH <{EXG}notes> {{ <{EX}fyrbodal> <{EX}note> "ny" }} }}'
        done = client.post(
            "/sparql", data={"update": update}, headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert done.status_code in (200, 204), done.get_data(as_text=True)
        assert list(folder.iterdir()) == []  # emptied for every process
        after = client.get("/sparql", query_string=ask)
        assert after.headers["X-KG-Cache"] == "miss" and after.get_json()["boolean"] is True
    finally:
        state(app).close()


def test_the_shared_folder_stays_within_its_bounds(tmp_path):
    cache = SharedCache(tmp_path, 8, max_entry_bytes=1000)
    for n in range(40):
        cache.put(("v1", f"query {n}"), Answer("text/csv", b"x\r\n%d\r\n" % n, 1), 6)
        assert len(cache) <= 8
    newest = cache.get(("v1", "query 39"))
    assert newest is not None and newest.body == b"x\r\n39\r\n" and newest.rows == 1
    assert cache.get(("v1", "query 0")) is None  # the oldest went first
    assert cache.get(("v2", "query 39")) is None  # another store version: another key
    cache.put(("v1", "large"), Answer("text/csv", b"x" * 2000), 2000)
    assert cache.get(("v1", "large")) is None  # larger than one entry may be: not kept
