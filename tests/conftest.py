"""Shared fixtures: the real project graph built once per session, and live servers on loopback.

Nothing here mocks the thing under test: ``built_store`` runs the real build, ``live_server``
starts the real ``kompetensgraf serve`` (waitress) in a subprocess and talks HTTP to it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen | None = None, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()
                return
        except urllib.error.HTTPError:
            return  # it answered: an HTTP error status is still an answer
        except (OSError, urllib.error.URLError) as exc:
            last = exc
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout}s: {last}")


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    store: Path
    log: Path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_server(store: Path, log: Path, *args: str, env: dict | None = None) -> Server:
    """Start ``kompetensgraf serve`` on a free loopback port and wait until it answers."""
    port = free_port()
    cmd = [sys.executable, "-m", "graph.cli", "serve", "--store", str(store),
           "--host", "127.0.0.1", "--port", str(port), *args]
    with log.open("ab") as handle:  # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT,
                                env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(url + "/sparql", proc)
    except Exception as exc:
        proc.kill()
        proc.wait()
        tail = log.read_text(errors="replace")[-4000:]
        raise RuntimeError(f"server did not start; log:\n{tail}") from exc
    return Server(url, proc, store, log)


@pytest.fixture(scope="session")
def built_store(tmp_path_factory) -> Path:
    """The real project graph, built once per session with the real pipeline."""
    from graph.build import build

    store = tmp_path_factory.mktemp("kg") / "store"
    build(store, step=lambda _msg: None)
    return store


@pytest.fixture(scope="session", params=["embedded", "oxigraph", "virtuoso"])
def live_server(request, built_store, tmp_path_factory) -> Iterator[Server]:
    """The real service on loopback, read-only, over the built project graph — once for each
    backend: the embedded store, and Oxigraph server and Virtuoso loaded by `build --target`."""
    yield from _serve(request.param, request, built_store, tmp_path_factory)


@pytest.fixture(scope="session")
def embedded_server(built_store, tmp_path_factory) -> Iterator[Server]:
    """The service over the embedded store only: for what only the embedded store has (its
    worker processes, its live database)."""
    yield from _serve("embedded", None, built_store, tmp_path_factory)


# The same service in front of real SPARQL engines (graph/remote/, tests/engines.py) ---------
BACKENDS = ["embedded", "oxigraph", "virtuoso"]


def _engine_with_graph(name: str, tmp_path_factory):
    """Start an engine on loopback; load the project graph with `kompetensgraf build --target`."""
    from engines import start_oxigraph, start_virtuoso

    workdir = tmp_path_factory.mktemp(f"engine-{name}")
    if name == "oxigraph":
        engine = start_oxigraph(workdir, free_port())
    else:
        engine = start_virtuoso(workdir, free_port(), free_port())
    build = subprocess.run(
        [sys.executable, "-m", "graph.cli", "build", *engine.target_options()],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **engine.env}, timeout=600,
    )
    if build.returncode != 0:
        engine.stop()
        raise RuntimeError(f"build --target {engine.query_url} failed:\n{build.stderr[-4000:]}")
    return engine


@pytest.fixture(scope="session")
def oxigraph_engine(built_store, tmp_path_factory):
    """Oxigraph server (PyPI oxigraph) holding the project graph, loaded by build --target."""
    engine = _engine_with_graph("oxigraph", tmp_path_factory)
    yield engine
    engine.stop()


@pytest.fixture(scope="session")
def virtuoso_engine(built_store, tmp_path_factory):
    """OpenLink Virtuoso (Debian) holding the project graph, loaded by build --target."""
    engine = _engine_with_graph("virtuoso", tmp_path_factory)
    yield engine
    engine.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def backend_server(backend, request, built_store, tmp_path_factory) -> Iterator[Server]:
    """`kompetensgraf serve` over the embedded store or in front of one of the engines."""
    yield from _serve(backend, request, built_store, tmp_path_factory)


def _serve(backend: str, request, built_store: Path, tmp_path_factory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("log") / f"server-{backend}.log"
    if backend == "embedded":
        server = start_server(built_store, log)
    else:
        engine = request.getfixturevalue(f"{backend}_engine")
        # The engines evaluate some catalogue queries several times slower than pyoxigraph on
        # this shared machine; correctness is tested here, speed by benchmarks/load_remote.py.
        # Dumps beside the built store are the embedded server's: one folder per server, or
        # their caches prune each other's files.
        dumps = tmp_path_factory.mktemp(f"dumps-{backend}")
        server = start_server(built_store, log, *engine.cli_options(), "--timeout", "120",
                              env={**engine.env, "KG_DUMP_DIR": str(dumps)})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def spawn_server(tmp_path_factory):
    """``start_server`` for modules that mix in-process tests with tests whose promise is about
    the server process (killed workers, its memory, its log): ``spawn_server(store, *args,
    env=...)`` starts one, stopped at the end of the module; the tests using it are marked
    ``server`` (the module's other tests stay in the fast layer)."""
    started: list[Server] = []

    def spawn(store: Path, *args: str, env: dict | None = None) -> Server:
        log = tmp_path_factory.mktemp("log") / "server.log"
        started.append(start_server(store, log, *args, env=env))
        return started[-1]

    yield spawn
    for server in started:
        server.stop()


# --- the fast, in-process layer ------------------------------------------------------------------
@pytest.fixture(scope="module")
def app():
    """The real app (``create_app``) over the small browse fixture graph, in this process."""
    from browse_support import mini_app

    return mini_app()


@pytest.fixture(scope="module")
def client(app):
    """Flask's test client for ``app``: plain request/response checks without a server process."""
    return app.test_client()


# Tests that need the built project graph, a server subprocess or an external engine are marked
# ``server``; ``make test-fast`` (-m "not server and not browser and not slow") runs the rest.
#: names whose presence in a test module means its tests start processes of their own
PROCESS_STARTERS = ("start_server", "subprocess", "start_oxigraph", "start_virtuoso")
PROCESS_FIXTURES = {"built_store", "live_server", "embedded_server", "backend_server",
                    "oxigraph_engine", "virtuoso_engine", "spawn_server"}


def pytest_collection_modifyitems(items):
    for item in items:
        module = getattr(item, "module", None)
        starts = module is not None and any(
            name in vars(module) for name in PROCESS_STARTERS
        )
        if starts or PROCESS_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.server)
