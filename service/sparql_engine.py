"""Query engines: where the endpoint's queries run, and how they are stopped.

:class:`QueryEngine` is the interface the endpoint uses. Two engines:

- :class:`ProcessEngine` — the embedded on-disk store: a pool of worker processes, each with the
  store directory open read-only. A query that outlives its timeout is stopped for real: the
  parent kills its worker (SIGKILL) and starts a replacement, so no CPU keeps burning.
- :class:`InlineEngine` — any other :class:`~graph.store.GraphStore` (in-memory, or a remote
  SPARQL endpoint): the query runs in the request thread through the store's own ``query``;
  for a remote store the work runs in the remote engine and the timeout is its HTTP timeout.
  A new backend in :mod:`graph.store` needs nothing here.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import queue
import select
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from graph.store import GraphStore, QueryError, StoreError, StoreTimeout
from service.sparql_results import Answer, Job, evaluate
from service.sparql_worker import answer_of, job_message, worker_main

log = logging.getLogger("kompetensgraf.sparql")

#: how long a new worker may take to open its store
START_TIMEOUT = 120.0


class QueryTimeout(Exception):
    """The query ran past its time limit and was stopped."""


class EngineBusy(Exception):
    """No worker became free in time: the client should retry later."""


class QueryEngine(ABC):
    @abstractmethod
    def run(self, job: Job, timeout: float) -> Answer:
        """Evaluate ``job`` within ``timeout`` seconds.

        Raises QueryError (client), StoreError (server), QueryTimeout or EngineBusy.
        """

    def start(self) -> None:  # noqa: B027 - optional
        """Get ready to answer (engines may also start lazily)."""

    def switch(self, store_dir: Path) -> None:  # noqa: B027 - optional
        """Read from ``store_dir`` from now on (a new snapshot after an update)."""

    def close(self) -> None:  # noqa: B027 - optional
        """Stop everything this engine started."""


class InlineEngine(QueryEngine):
    """Evaluate in the request thread through the store's own ``query``."""

    def __init__(self, store_of: Callable[[], GraphStore]):
        self._store_of = store_of

    def run(self, job: Job, timeout: float) -> Answer:
        store = self._store_of()
        try:
            with store.time_limit(timeout):
                return evaluate(store, job)
        except StoreTimeout as exc:  # a remote engine's limit or the HTTP timeout
            raise QueryTimeout(str(exc)) from exc


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: object
    store_dir: Path
    pid: int = 0
    #: the answer pipe and the process sentinel (readable when it ends), in one ``poll``
    poller: select.poll | None = None

    def dead_or_confused(self) -> bool:
        """An idle worker has nothing to say: anything readable means it ended (or misbehaves).
        One ``poll(0)`` system call, cheaper than ``Process.is_alive``."""
        return bool(self.poller.poll(0)) if self.poller is not None else True


class ProcessEngine(QueryEngine):
    """A pool of ``size`` worker processes reading ``store_dir``; see the module docstring."""

    def __init__(
        self,
        store_dir: Path,
        size: int,
        *,
        on_unused: Callable[[Path], None] | None = None,
    ):
        self.size = max(1, size)
        self._dir = Path(store_dir)
        self._on_unused = on_unused
        self._ctx = _context()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._workers: set[_Worker] = set()
        self._lock = threading.Lock()
        self._switch_lock = threading.Lock()
        self._started = False
        self._closed = False

    # --- life cycle ----------------------------------------------------------------------------
    def start(self) -> None:
        with self._switch_lock:
            if self._started:
                return
            for worker in self._spawn_many(self._dir, self.size):
                self._idle.put(worker)
            self._started = True

    def _spawn_many(self, store_dir: Path, count: int) -> list[_Worker]:
        with ThreadPoolExecutor(max_workers=count) as pool:
            return list(pool.map(lambda _: self._spawn(store_dir), range(count)))

    def _spawn(self, store_dir: Path) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=worker_main, args=(child, str(store_dir)), daemon=True, name="kg-query-worker"
        )
        process.start()
        child.close()
        poller = select.poll()
        poller.register(parent.fileno(), select.POLLIN)
        poller.register(process.sentinel, select.POLLIN)
        worker = _Worker(process, parent, store_dir, poller=poller)
        with self._lock:
            self._workers.add(worker)
        if not parent.poll(START_TIMEOUT):
            self._retire(worker)
            raise StoreError(f"a query worker did not open {store_dir} in time")
        try:
            kind, value = parent.recv()
        except (EOFError, OSError) as exc:
            self._retire(worker)
            raise StoreError(f"a query worker died while opening {store_dir}") from exc
        if kind != "ready":
            self._retire(worker)
            raise StoreError(f"a query worker could not open {store_dir}: {value}")
        worker.pid = value
        return worker

    def _replace_later(self) -> None:
        """Start a worker on the current directory in the background, if the pool is short."""

        def replace():
            try:
                worker = self._spawn(self._dir)
            except StoreError as exc:
                log.error("could not replace a query worker: %s", exc)
                return
            self._idle.put(worker)

        with self._lock:
            current = sum(1 for w in self._workers if w.store_dir == self._dir)
        if current < self.size and not self._closed:
            threading.Thread(target=replace, daemon=True, name="kg-worker-start").start()

    def _retire(self, worker: _Worker) -> None:
        try:
            worker.process.kill()
            worker.process.join(timeout=10)
            worker.conn.close()
        except (OSError, ValueError):
            pass
        with self._lock:
            self._workers.discard(worker)
            unused = worker.store_dir != self._dir and not any(
                w.store_dir == worker.store_dir for w in self._workers
            )
        if unused and self._on_unused is not None:
            self._on_unused(worker.store_dir)

    def switch(self, store_dir: Path) -> None:
        """Start fresh workers on ``store_dir``, then retire the idle old ones.

        When this returns, every query that starts reads ``store_dir``; queries already running
        finish on the old snapshot, whose workers are retired as they come back.
        """
        with self._switch_lock:
            if not self._started:
                self._dir = Path(store_dir)
                return
            fresh = self._spawn_many(Path(store_dir), self.size)
            with self._lock:
                self._dir = Path(store_dir)
            stale = []
            while True:
                try:
                    stale.append(self._idle.get_nowait())
                except queue.Empty:
                    break
            for worker in fresh:
                self._idle.put(worker)
            for worker in stale:
                if worker.store_dir == self._dir:
                    self._idle.put(worker)
                else:
                    self._retire(worker)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            self._retire(worker)

    # --- queries -------------------------------------------------------------------------------
    def _acquire(self, wait: float) -> _Worker:
        deadline = time.monotonic() + wait
        while True:
            remaining = deadline - time.monotonic()
            try:
                worker = self._idle.get(timeout=max(0.0, remaining))
            except queue.Empty:
                raise EngineBusy("no query worker became free in time") from None
            if worker.store_dir == self._dir and not worker.dead_or_confused():
                return worker
            self._retire(worker)
            self._replace_later()

    def run(self, job: Job, timeout: float) -> Answer:
        if not self._started:
            self.start()
        worker = self._acquire(timeout)
        try:
            worker.conn.send(job_message(job))
            # ready when the answer arrives or the worker ends (then recv raises EOFError)
            ready = worker.poller.poll(min(math.ceil(timeout * 1000), 2**31 - 1))
            if ready:
                message = worker.conn.recv()
                kind, value = message[0], answer_of(worker.conn, message)
        except (EOFError, OSError) as exc:
            self._retire(worker)
            self._replace_later()
            raise StoreError(f"a query worker failed: {exc}") from exc
        if not ready:
            log.warning("query timed out after %.1fs: killed worker pid %s", timeout, worker.pid)
            self._retire(worker)
            self._replace_later()
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        if worker.store_dir == self._dir:
            self._idle.put(worker)
        else:
            self._retire(worker)
        if kind == "ok":
            return value
        if kind == "query":
            raise QueryError(value)
        raise StoreError(value)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._workers if w.pid)


def _context():
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["service.sparql_worker"])
        return ctx
    return multiprocessing.get_context("spawn")
