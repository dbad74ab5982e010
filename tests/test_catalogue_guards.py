"""The endpoint's guards hold for the catalogue pages too: a catalogue query runs on the same
query engine as ``/sparql`` (killable worker processes for the embedded store), under the same
``KG_QUERY_TIMEOUT`` (504) and ``KG_MAX_CONCURRENT`` (503).

The app is the real one (``create_app`` over a built-store directory, so its real
:class:`~service.sparql.engine.ProcessEngine`), served over real HTTP by werkzeug on loopback.
Its catalogue is a fixture folder (``tests/data/catalogue-guards``: an explosive count, a quick
label query and a broken entry), put where the app keeps the catalogue it has read
(``app_state(app).files["catalogue"]``); the shipped catalogue is tested in test_catalogue*.py.
No assertion on timings: that the explosive query kept running while others were answered is
proven by ordering, and that it stopped burning CPU by its worker process being gone.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from sparql_support import EX, call, make_store
from werkzeug.serving import make_server

from graph import queries
from graph.embedded import EmbeddedStore
from graph.store import QueryError
from service.app import create_app
from service.state import app_state

FIXTURES = Path(__file__).parent / "data" / "catalogue-guards"
SIMPLE = f"ASK {{ <{EX}fyrbodal> ?p ?o }}"


@dataclass
class App:
    url: str
    app: object

    def get(self, path: str, **params):
        return call(self.url + path, params=params or None)

    def worker_pids(self) -> set[int]:
        return set(app_state(self.app).sparql.engine.worker_pids())


def serve(store: Path, **config):
    """The real app over ``store`` with the fixture catalogue, on a free loopback port."""
    app = create_app({"KG_STORE": str(store), "TESTING": True, **config})
    fixtures = [queries.load(path) for path in sorted(FIXTURES.glob("*.rq"))]
    app_state(app).files["catalogue"] = {qf.name: qf for qf in fixtures}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield App(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join()
        app_state(app).sparql.close()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    store = make_store(tmp_path_factory.mktemp("catalogue-guards"))
    yield from serve(store, KG_QUERY_TIMEOUT=2, KG_WORKERS=2)


def killed_pids(caplog) -> list[int]:
    return [int(p) for p in re.findall(r"killed worker pid (\d+)", caplog.text)]


def test_a_catalogue_query_past_the_time_limit_is_stopped_with_504(guarded, caplog):
    assert guarded.get("/queries/labels.json").status == 200  # the workers have started
    before = guarded.worker_pids()
    with ThreadPoolExecutor(max_workers=1) as pool:
        explosive = pool.submit(guarded.get, "/queries/explosive.json")
        time.sleep(0.5)  # let it reach a worker (a head start, not a measurement)
        quick = guarded.get("/queries/labels.json")
        assert quick.status == 200
        assert not explosive.done(), "the quick page was answered while the explosive one ran"
        stopped = explosive.result()
    assert stopped.status == 504 and stopped.type == "application/json"
    error = stopped.json()["error"]
    assert error["status"] == 504 and error["title"] == "Gateway Timeout"
    assert "stopped" in error["message"] and "KG_QUERY_TIMEOUT is 2 s" in error["message"]
    assert stopped.headers["x-kg-timeout"] == "2"
    # the worker that ran it was killed: no CPU keeps burning for a page nobody waits for
    killed = killed_pids(caplog)
    assert len(killed) == 1 and killed[0] in before
    assert killed[0] not in guarded.worker_pids()
    assert not Path(f"/proc/{killed[0]}").exists()
    # and the service goes on answering (a replacement worker took its place)
    for _ in range(4):
        assert guarded.get("/queries/labels.json").status == 200
        assert call(guarded.url + "/sparql", params={"query": SIMPLE}).status == 200


@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_the_page_and_its_csv_twin_time_out_alike(guarded, suffix):
    stopped = guarded.get(f"/queries/explosive{suffix}")
    assert stopped.status == 504
    assert stopped.headers["x-kg-timeout"] == "2"
    assert "KG_QUERY_TIMEOUT" in stopped.text
    if suffix:  # the plain-text error shape
        assert stopped.type == "text/plain"
        assert stopped.text.startswith("504 Gateway Timeout: ")
    else:  # the page, with its form and the reason
        assert stopped.type == "text/html"
        assert "Testfixtur: en räkning som aldrig blir klar i tid" in stopped.text
        assert 'name="thing"' in stopped.text


def test_substituted_values_reach_the_worker(guarded):
    data = guarded.get("/queries/labels.json", thing=f"{EX}goteborgsregionen").json()
    assert [row["label"]["value"] for row in data["rows"]] == ["Göteborgsregionens kommunalförbund"]
    assert data["rows"][0]["thing"]["value"] == f"{EX}goteborgsregionen"
    assert data["parameters"][0]["term"] == f"<{EX}goteborgsregionen>"
    rows = guarded.get("/queries/labels.csv", thing=f"{EX}region-vastmanland").text.splitlines()
    # the label in sv and in en; each IRI column with its label beside it
    assert rows[0] == "thing,thingLabel,label,graph,graphLabel" and len(rows) == 3


def test_a_saturated_service_refuses_catalogue_pages_with_503(tmp_path):
    store = make_store(tmp_path)
    server = serve(store, KG_QUERY_TIMEOUT=3, KG_WORKERS=1, KG_MAX_CONCURRENT=1)
    app = next(server)
    try:
        with ThreadPoolExecutor(max_workers=1) as pool:
            busy = pool.submit(app.get, "/queries/explosive.json")
            time.sleep(0.5)  # a head start, so that the explosive page holds the only slot
            refused = app.get("/queries/labels.json")
            endpoint = call(app.url + "/sparql", params={"query": SIMPLE})
            assert not busy.done()
            for reply in (refused, endpoint):  # one limit for the catalogue and the endpoint
                assert reply.status == 503
                assert int(reply.headers["retry-after"]) > 0
                assert "KG_MAX_CONCURRENT" in reply.text
            assert refused.json()["error"]["status"] == 503
            assert busy.result().status == 504
        assert app.get("/queries/labels.json").status == 200
    finally:
        server.close()


def test_a_parameter_the_query_does_not_select_is_a_clear_error(guarded):
    reply = guarded.get("/queries/unselected.json")
    assert reply.status == 400
    message = reply.json()["error"]["message"]
    assert "?thing" in message and "no such variable" in message
    page = guarded.get("/queries/unselected")
    assert page.status == 400 and "no such variable" in page.text


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?label WHERE { ?thing ?p ?label }",
        "SELECT (COUNT(*) AS ?n) WHERE { ?thing ?p ?o }",
        "ASK { ?s ?p ?o }",
    ],
)
def test_the_embedded_store_names_a_substitution_it_cannot_bind(query):
    store = EmbeddedStore()
    store.load(f'<{EX}a> <{EX}p> "x" .'.encode(), ox.RdfFormat.N_TRIPLES, f"{EX}g")
    with pytest.raises(QueryError, match=r"\?thing, but the query has no such variable"):
        store.query(query, substitutions={"thing": ox.NamedNode(f"{EX}a")})
    # the variables it does bind still work
    assert store.ask("ASK { ?s ?p ?o }", substitutions={"s": ox.NamedNode(f"{EX}a")})
