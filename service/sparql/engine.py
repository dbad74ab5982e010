"""Query engines: where the endpoint's queries run, and how they are stopped.

:class:`QueryEngine` is the interface the endpoint uses. Two engines:

- :class:`ProcessEngine` — the embedded on-disk store: a pool of worker processes
  (:mod:`service.sparql.process`), each with the store directory open read-only. A query that
  outlives its timeout, or whose worker's memory passes ``KG_QUERY_MEMORY``, is stopped for real:
  the parent kills its worker (SIGKILL) and starts a replacement, so no CPU or memory stays taken.
  Besides its ``KG_WORKERS`` workers the pool keeps ``KG_SHORT_WORKERS`` for **short queries**
  only: a query whose shape (:attr:`~graph.sparql_text.Scan.shape`: the text with its terms
  left out) ran in little CPU the last times (:class:`Costs`) may take any free worker, a
  general one first; any other query only the ``KG_WORKERS``. So a single-entity lookup never
  waits behind long queries that hold every other worker, as it would in one queue.
  With an empty ``KG_SERVICE_ALLOWLIST`` the workers have no network at all; should a worker fail
  to leave the network, every query that mentions SERVICE is refused instead (:func:`reaches_out`).
- :class:`InlineEngine` — any other :class:`~graph.store.GraphStore` (in-memory, or a remote
  SPARQL endpoint): the query runs in the request thread through the store's own ``query``;
  for a remote store the work runs in the remote engine and the timeout is its HTTP timeout.
  A new backend in :mod:`graph.backends` needs nothing here.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from graph.sparql_text import scan
from graph.store import GraphStore, QueryError, StoreError, StoreTimeout
from service.sparql.process import (
    Child,
    MemoryLimit,
    QueryTimeout,
    WorkerFailed,
    await_answer,
    context,
    failed,
    options,
    reaches_out,
    spawn,
    stopped,
)
from service.sparql.results import Answer, Job, evaluate
from service.sparql.worker import NO_NETWORK, answer_of, error_of, job_message, worker_main

log = logging.getLogger("kompetensgraf.sparql")

__all__ = ["EngineBusy", "MemoryLimit", "QueryTimeout", "WorkerFailed", "reaches_out"]

#: CPU seconds under which a query counts as short (a single-entity lookup on a million quads
#: takes a few milliseconds; a scan of a class or of every label hundreds)
SHORT_CPU = 0.02
#: query shapes whose cost is remembered (per serving process; the oldest are forgotten first)
SHAPES = 4096


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
        except (QueryError, StoreError) as exc:
            # pyoxigraph's own SERVICE calls: never pass on another endpoint's answer or status
            # (a remote backend's errors are about the backend itself: they stay as they are)
            if store.kind == "embedded" and error_of(exc)[0] == "network":
                raise QueryError(NO_NETWORK) from None
            raise


class Costs:
    """What queries of each shape cost: a decaying maximum of their CPU seconds.

    A shape is *short* once it has run, and while its estimate stays under :data:`SHORT_CPU`.
    One long run (or a query stopped at a limit) makes the estimate that long; each later run
    halves it at most, so a shape whose runs are sometimes long stays out of the short lane
    until several runs in a row were short.
    """

    def __init__(self, limit: int = SHAPES):
        self._cost: dict[int, float] = {}
        self._limit = limit

    @staticmethod
    def key(job: Job) -> int:
        """The job's shape and dataset, as a hash (a few bytes each to remember)."""
        graphs = [None if g is None else tuple(g) for g in (job.default_graph, job.named_graphs)]
        return hash((scan(job.query).shape, *graphs))

    def short(self, key: int) -> bool:
        return self._cost.get(key, SHORT_CPU) < SHORT_CPU

    def record(self, key: int, seconds: float) -> None:
        """Learn a run's CPU seconds; past ``limit`` shapes, the one run longest ago is
        forgotten (a shape moves to the end of the table at each run)."""
        cost = self._cost
        cost[key] = max(seconds, cost.pop(key, 0.0) / 2)
        if len(cost) > self._limit:
            try:
                del cost[next(iter(cost))]
            except (KeyError, RuntimeError, StopIteration):  # another thread got there first
                pass


class Idle:
    """The idle workers, the general ones and those kept for short queries (FIFO each).

    Waiters are woken a few at a time, never all: a short worker that comes back wakes one
    waiting short query; a general one wakes one waiting query of each kind (whichever gets the
    lock first takes it, the other waits on).
    """

    def __init__(self):
        lock = threading.Lock()
        self._for_any = threading.Condition(lock)  # short queries wait here: any worker will do
        self._for_general = threading.Condition(lock)  # other queries: a general worker only
        self._general: deque[Child] = deque()
        self._short: deque[Child] = deque()

    def put(self, worker: Child) -> None:
        with self._for_any:
            if worker.short:
                self._short.append(worker)
                self._for_any.notify()
            else:
                self._general.append(worker)
                self._for_general.notify()
                self._for_any.notify()

    def get(self, wait: float, short: bool) -> Child | None:
        """A free worker within ``wait`` seconds (``None``): for a short query any, a general
        one first (so that with no long queries about the short workers stay idle, and the
        queries keep the general workers' caches warm); for another query a general one."""
        deadline = time.monotonic() + wait
        ready = self._for_any if short else self._for_general
        with ready:
            while True:
                if self._general:
                    return self._general.popleft()
                if short and self._short:
                    return self._short.popleft()
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                ready.wait(remaining)

    def drain(self) -> list[Child]:
        with self._for_any:
            workers = [*self._general, *self._short]
            self._general.clear()
            self._short.clear()
            return workers


class ProcessEngine(QueryEngine):
    """A pool of ``size`` worker processes reading ``store_dir``, and ``short`` more kept for
    short queries; see the module docstring.

    ``isolate``: the workers enter an empty network namespace (``KG_SERVICE_ALLOWLIST`` is
    empty); ``memory``: ``KG_QUERY_MEMORY`` in bytes (0: no limit).
    """

    def __init__(
        self,
        store_dir: Path,
        size: int,
        *,
        short: int = 0,
        on_unused: Callable[[Path], None] | None = None,
        isolate: bool = False,
        memory: int = 0,
    ):
        self.size = max(1, size)
        self.short = max(0, short)
        self._dir = Path(store_dir)
        self._on_unused = on_unused
        self._ctx = context()
        self._isolate = isolate
        self._memory = memory
        self._idle = Idle()
        self.costs = Costs()
        self._workers: set[Child] = set()
        self._lock = threading.Lock()
        self._switch_lock = threading.Lock()
        self._started = False
        self._closed = False
        self._warned = False

    # --- life cycle ----------------------------------------------------------------------------
    def start(self) -> None:
        with self._switch_lock:
            if self._started:
                return
            workers = self._spawn_all(self._dir)
            for worker in workers:
                self._idle.put(worker)
            self._started = True
        if self._isolate and all(w.isolated for w in workers):
            log.info("query workers run without network (KG_SERVICE_ALLOWLIST is empty)")

    def _spawn_all(self, store_dir: Path) -> list[Child]:
        """The whole pool on ``store_dir``: ``size`` general workers and ``short`` short ones."""
        kinds = [False] * self.size + [True] * self.short
        with ThreadPoolExecutor(max_workers=len(kinds)) as pool:
            return list(pool.map(lambda short: self._spawn(store_dir, short), kinds))

    def _spawn(self, store_dir: Path, short: bool) -> Child:
        name = "kg-query-short" if short else "kg-query"
        worker = spawn(
            self._ctx,
            worker_main,
            (str(store_dir), options(self._isolate, self._memory, name)),
            store_dir,
            "query worker",
        )
        worker.short = short
        if self._isolate and not worker.isolated and not self._warned:
            self._warned = True
            log.error(
                "a query worker could not leave the network (unshare failed): every query that "
                "mentions SERVICE is refused (KG_SERVICE_ALLOWLIST is empty)"
            )
        with self._lock:
            self._workers.add(worker)
        return worker

    def _replace_later(self, short: bool) -> None:
        """Start a worker of the kind ``short`` on the current directory in the background, if
        the pool lacks one."""

        def replace():
            try:
                worker = self._spawn(self._dir, short)
            except StoreError as exc:
                log.error("could not replace a query worker: %s", exc)
                return
            self._idle.put(worker)

        with self._lock:
            current = sum(1 for w in self._workers if w.store_dir == self._dir and w.short == short)
        if current < (self.short if short else self.size) and not self._closed:
            threading.Thread(target=replace, daemon=True, name="kg-worker-start").start()

    def _retire(self, worker: Child) -> None:
        worker.kill()
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
            fresh = self._spawn_all(Path(store_dir))
            with self._lock:
                self._dir = Path(store_dir)
            stale = self._idle.drain()
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

    def reading(self) -> set[Path]:
        """The directories some worker reads."""
        with self._lock:
            return {w.store_dir for w in self._workers}

    # --- queries -------------------------------------------------------------------------------
    def _acquire(self, wait: float, short: bool) -> Child:
        deadline = time.monotonic() + wait
        while True:
            worker = self._idle.get(max(0.0, deadline - time.monotonic()), short)
            if worker is None:
                raise EngineBusy("no query worker became free in time")
            if worker.store_dir == self._dir and not worker.dead_or_confused():
                return worker
            self._retire(worker)
            self._replace_later(worker.short)

    def run(self, job: Job, timeout: float) -> Answer:
        if not self._started:
            self.start()
        key = self.costs.key(job)
        worker = self._acquire(timeout, self.costs.short(key))
        if self._isolate and not worker.isolated and reaches_out(job.query):
            self._idle.put(worker)
            raise QueryError(NO_NETWORK)
        try:
            worker.conn.send(job_message(job))
            # ready when the answer arrives or the worker ends (then recv raises EOFError)
            outcome = await_answer(worker, timeout, self._memory)
            if outcome == "ready":
                message = worker.conn.recv()
                kind, value = message[0], answer_of(worker.conn, message)
        except (EOFError, OSError):
            exc = failed(worker, "a query worker")
            self.costs.record(key, timeout)
            self._forget(worker)
            raise exc from None
        if outcome != "ready":
            exc = stopped(worker, outcome, timeout, self._memory, "query")
            self.costs.record(key, timeout)
            self._forget(worker)
            raise exc
        if kind == "ok":
            self.costs.record(key, message[5])
        if worker.store_dir == self._dir:
            self._idle.put(worker)
        else:
            self._retire(worker)
        if kind == "ok":
            return value
        if kind in ("query", "network"):
            raise QueryError(value)
        raise StoreError(value)

    def _forget(self, worker: Child) -> None:
        """``worker`` is dead (or killed): retire it and start its replacement."""
        self._retire(worker)
        self._replace_later(worker.short)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return sorted(w.pid for w in self._workers if w.pid)
