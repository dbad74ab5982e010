"""The update process, seen from the server: where every change to the live database runs.

SPARQL Update and the Graph Store Protocol's writes are parsed and applied in one separate process
(:func:`service.sparql.worker.writer_main`) that holds the read-write database; the serving process
never opens it. A change runs under the same limits as a query — ``KG_QUERY_TIMEOUT`` and
``KG_QUERY_MEMORY`` — and past either the process is killed (RocksDB recovers at the next open;
a change that was not acknowledged is not applied) and started again. A crash of it (a native
abort on hostile input) costs that one request, never the server. After every change, and after
every restart, the process takes a consistent snapshot and says where it is.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from graph.store import QueryError, StoreError
from service.sparql.process import (
    Child,
    await_answer,
    context,
    failed,
    options,
    reaches_out,
    spawn,
    stopped,
)
from service.sparql.worker import NO_NETWORK, writer_main

log = logging.getLogger("kompetensgraf.sparql")
#: how long a restart may take before the next change is refused (recovery of the database)
RESTART_TIMEOUT = 120.0


class UpdateProcess:
    """The one process that writes ``<workdir>/db``; :meth:`apply` is called under one lock."""

    def __init__(self, workdir: Path, *, isolate: bool, memory: int):
        self.workdir = Path(workdir)
        self._ctx = context()
        self._isolate = isolate
        self._memory = memory
        self._child: Child | None = None
        self._lock = threading.Lock()
        self.closed = False

    @property
    def pid(self) -> int:
        return self._child.pid if self._child is not None else 0

    @property
    def isolated(self) -> bool:
        return self._child is not None and self._child.isolated

    def _running(self) -> Child:
        if self.closed:
            raise StoreError("the server is stopping: no more changes")
        if self._child is None or self._child.dead_or_confused():
            if self._child is not None:
                self._child.kill()
            self._child = spawn(
                self._ctx,
                writer_main,
                (str(self.workdir), options(self._isolate, self._memory, "kg-update")),
                self.workdir / "db",
                "update process",
            )
            if self._isolate and not self._child.isolated:
                log.error(
                    "the update process could not leave the network (unshare failed): every update "
                    "that mentions SERVICE or LOAD is refused (KG_SERVICE_ALLOWLIST is empty)"
                )
        return self._child

    def apply(self, name: str, serial: int, args: tuple, timeout: float) -> Path:
        """Apply one change of :data:`~service.sparql.worker.WRITES` (``"snapshot"``: none) and
        return the snapshot taken after it.

        Raises QueryError (the change's fault: nothing changed), StoreError, QueryTimeout or
        MemoryLimit (stopped: nothing changed), WorkerFailed (the process ended).
        """
        with self._lock:
            child = self._running()
            if self._isolate and not child.isolated and name == "update":
                if reaches_out(args[0], ("service", "load")):  # it could not leave the network
                    raise QueryError(NO_NETWORK)
            try:
                child.conn.send((name, serial, *args))
                outcome = await_answer(child, timeout, self._memory)
                if outcome == "ready":
                    kind, value = child.conn.recv()
            except (EOFError, OSError):
                self._child = None
                raise failed(child, "the update process") from None
            if outcome != "ready":
                self._child = None
                raise stopped(child, outcome, timeout, self._memory, "update")
        if kind == "ok":
            return Path(value)
        if kind in ("query", "network"):
            raise QueryError(value)
        raise StoreError(value)

    def snapshot(self, serial: int) -> Path:
        """A snapshot of the database as it is (after a restart: what recovery kept)."""
        return self.apply("snapshot", serial, (), RESTART_TIMEOUT)

    def close(self) -> None:
        """Close the database cleanly; a process busy with a change is killed (the change was
        not acknowledged: it is not applied)."""
        self.closed = True
        idle = self._lock.acquire(blocking=False)
        try:
            child, self._child = self._child, None
            if child is None:
                return
            if idle:
                try:
                    child.conn.send(None)  # a clean close of the database
                    child.process.join(timeout=10)
                except (OSError, ValueError):
                    pass
            child.kill()
        finally:
            if idle:
                self._lock.release()
