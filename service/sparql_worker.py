"""The query worker: a process that opens one store directory read-only and answers jobs.

It talks to its parent over one duplex pipe, kept for the worker's life, with plain tuples (no
class to look up, no Manager, no Queue thread): it says ``("ready", pid)`` once the store is
open, then for each job (:func:`job_message`) it answers ``("ok", media_type, body, rows,
truncated)``, ``("query", message)`` (a client error) or ``("store", message)`` (a server error).
A body larger than :data:`INLINE_BYTES` follows as raw bytes (``send_bytes``), so it is neither
pickled nor copied once more on the way. A worker that runs past the timeout is killed by its
parent; one whose parent goes away sees the pipe close and exits.
"""

from __future__ import annotations

import os
from multiprocessing.connection import Connection

from graph.store import EmbeddedStore, QueryError, StoreError
from service.sparql_results import Answer, Job, evaluate

#: bodies up to this size travel inside the answer tuple; larger ones as raw bytes after it
INLINE_BYTES = 64 << 10


def job_message(job: Job) -> tuple:
    return (
        job.query,
        job.default_graph,
        job.named_graphs,
        job.result_type,
        job.graph_type,
        job.max_rows,
        job.substitutions,
        job.prefixes,
    )


def answer_of(conn: Connection, message: tuple) -> Answer | str:
    """The parent's side: the Answer of an ``ok`` message (reading a body that follows), else
    the error message."""
    if message[0] != "ok":
        return message[1]
    _, media_type, body, rows, truncated = message
    if body is None:
        body = conn.recv_bytes()
    return Answer(media_type, body, rows, truncated)


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
        body = None
        try:
            answer = evaluate(store, Job(*job))
            body = answer.body
            inline = len(body) <= INLINE_BYTES
            message: tuple = (
                "ok",
                answer.media_type,
                body if inline else None,
                answer.rows,
                answer.truncated,
            )
            if inline:
                body = None
        except QueryError as exc:
            message = ("query", str(exc))
        except StoreError as exc:
            message = ("store", str(exc))
        except Exception as exc:  # noqa: BLE001 - a server error, logged by the parent
            message = ("store", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(message)
            if body is not None:
                conn.send_bytes(body)
        except (BrokenPipeError, OSError):
            return
