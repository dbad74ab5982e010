"""The query worker: a process that opens one store directory read-only and answers jobs.

It talks to its parent over one pipe: it says ``("ready", pid)`` once the store is open, then for
each :class:`~service.sparql_results.Job` it receives answers ``("ok", Answer)``,
``("query", message)`` (a client error) or ``("store", message)`` (a server error). Only bytes
and plain data cross the pipe. A worker that runs past the timeout is killed by its parent; one
whose parent goes away sees the pipe close and exits.
"""

from __future__ import annotations

import os
from multiprocessing.connection import Connection

from graph.store import EmbeddedStore, QueryError, StoreError
from service.sparql_results import evaluate


def worker_main(conn: Connection, store_dir: str) -> None:
    try:
        store = EmbeddedStore(store_dir, read_only=True)
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            message = ("ok", evaluate(store, job))
        except QueryError as exc:
            message = ("query", str(exc))
        except StoreError as exc:
            message = ("store", str(exc))
        except Exception as exc:  # noqa: BLE001 - a server error, logged by the parent
            message = ("store", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(message)
        except (BrokenPipeError, OSError):
            return
