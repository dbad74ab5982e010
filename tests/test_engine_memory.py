"""``KG_QUERY_MEMORY``: a query or update past it is stopped like a timeout, with its own answer.

A real ``kompetensgraf serve`` with a small limit; a query that sorts a six-way cross join grows
its worker by hundreds of MiB a second. It must be answered ``507`` with a message naming the
setting and ``X-KG-Memory-Limit``, its worker killed and replaced, and other clients served.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import start_server
from sparql_support import EX, EXG, FORM, call, form, gone, make_store
from werkzeug.serving import make_server

from graph import queries
from service.app import create_app
from service.sparql.process import parse_size
from service.state import app_state

LIMIT = 256 << 20
TOKEN = "memory-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PATTERN = " ".join(f"GRAPH ?g{i} {{ ?s{i} ?p{i} ?o{i} }}" for i in range(6))
#: every row of a six-way cross join, sorted: all of it must be held in memory at once
HOG = f"SELECT * WHERE {{ {PATTERN} }} ORDER BY ?s0 ?o5"
HOG_UPDATE = (
    f"INSERT {{ GRAPH <{EXG}hog> {{ ?s0 <{EX}p> ?o5 }} }} WHERE {{ SELECT ?s0 ?o5 WHERE "
    f"{{ {PATTERN} }} ORDER BY ?s0 ?o5 }}"
)
SIMPLE = f"ASK {{ <{EX}fyrbodal> ?p ?o }}"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("engine-memory")
    srv = start_server(
        make_store(root), root / "server.log", "--workers", "2", "--timeout", "120",
        env={"KG_QUERY_MEMORY": "256M", "KG_UPDATE_TOKEN": TOKEN},
    )
    yield srv
    srv.stop()


def killed(log) -> set[int]:
    return {int(p) for p in re.findall(r"KG_QUERY_MEMORY .*killed worker pid (\d+)", log)}


def test_a_query_past_the_memory_limit_is_stopped_and_others_are_served(server):
    before = killed(server.log.read_text())
    with ThreadPoolExecutor(max_workers=4) as pool:
        hog = pool.submit(call, server.url + "/sparql", params={"query": HOG})
        simple = [pool.submit(call, server.url + "/sparql", params={"query": SIMPLE})
                  for _ in range(6)]
        stopped = hog.result()
        assert all(reply.result().status == 200 for reply in simple)
    assert stopped.status == 507, stopped.text
    assert "KG_QUERY_MEMORY" in stopped.text
    assert stopped.headers["x-kg-memory-limit"] == str(LIMIT)
    assert "X-KG-Memory-Limit" in stopped.headers["access-control-expose-headers"]
    new = killed(server.log.read_text()) - before
    assert len(new) == 1 and gone(new.pop())
    assert "Traceback" not in server.log.read_text()
    reply = call(server.url + "/sparql", params={"query": SIMPLE}, headers={"Accept": "*/*"})
    assert reply.status == 200 and reply.json()["boolean"] is True


def test_the_json_error_names_the_setting(server):
    reply = call(server.url + "/sparql", params={"query": HOG, "format": "json"})
    assert reply.status == 507
    assert reply.json()["error"]["status"] == 507
    assert "KG_QUERY_MEMORY" in reply.json()["error"]["message"]


def test_an_update_past_the_memory_limit_changes_nothing(server):
    reply = call(
        server.url + "/sparql", method="POST", data=form({"update": HOG_UPDATE}),
        headers={**FORM, **AUTH},
    )
    assert reply.status == 507, reply.text
    assert "nothing was changed" in reply.text and "KG_QUERY_MEMORY" in reply.text
    assert reply.headers["x-kg-memory-limit"] == str(LIMIT)
    ask = f"ASK {{ GRAPH <{EXG}hog> {{ ?s ?p ?o }} }}"
    assert call(server.url + "/sparql", params={"query": ask}).json()["boolean"] is False
    fact = f'<{EX}after-hog> <{EX}p> "ja"'
    applied = call(
        server.url + "/sparql", method="POST",
        data=form({"update": f"INSERT DATA {{ GRAPH <{EXG}notes> {{ {fact} }} }}"}),
        headers={**FORM, **AUTH},
    )
    assert applied.status == 200, applied.text
    assert call(server.url + "/sparql", params={"query": f"ASK {{ {fact} }}"}).json()["boolean"]


def test_a_catalogue_page_past_the_memory_limit_is_a_507(tmp_path):
    """The catalogue runs on the same engine: the real app, its catalogue a fixture query."""
    app = create_app({"KG_STORE": str(make_store(tmp_path)), "KG_QUERY_MEMORY": "256M",
                      "KG_WORKERS": 1, "TESTING": True})
    hog = queries.load(Path(__file__).parent / "data" / "engine-memory" / "hog.rq")
    app_state(app).files["catalogue"] = {hog.name: hog}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}/queries/hog"
        page = call(base + ".json")
        assert page.status == 507
        assert page.headers["x-kg-memory-limit"] == str(LIMIT)
        assert "KG_QUERY_MEMORY" in page.json()["error"]["message"]
        html = call(base)
        assert html.status == 507 and "Testfixtur: en sortering" in html.text
    finally:
        server.shutdown()
        thread.join()
        app_state(app).sparql.close()


@pytest.mark.parametrize(
    ("text", "size"),
    [("512M", 512 << 20), ("2G", 2 << 30), ("1.5GiB", 3 << 29), ("1073741824", 1 << 30),
     ("64k", 64 << 10), ("0", 0), (2048, 2048)],
)
def test_sizes_are_read_as_written(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "lots", "2X", "-1G"])
def test_a_size_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)
