"""Worker processes seen from the server: started, watched within time and memory, killed.

Query workers (:mod:`service.sparql.engine`) and the update process (:mod:`service.sparql.writer`)
are both a :class:`Child`: a process started by the fork server (a clean process, not a fork of the
serving one: it holds no sockets or locks of the server), with one pipe to the server. Waiting
for its answer, the server also watches its memory (:func:`await_answer`): a child whose resident
memory (not counting the store's file pages) passes ``KG_QUERY_MEMORY`` is killed, as one past
``KG_QUERY_TIMEOUT`` is, and replaced. Each kill is one line in the log, never a traceback.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from graph.store import StoreError
from service.sparql.worker import Options

log = logging.getLogger("kompetensgraf.sparql")

#: how long a new worker may take to open its store
START_TIMEOUT = 120.0
#: how often a waiting request looks at its worker's memory (seconds)
WATCH_EVERY = 0.05
PAGE = os.sysconf("SC_PAGE_SIZE")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*", re.IGNORECASE)


class QueryTimeout(Exception):
    """The query (or update) ran past its time limit and was stopped."""


class MemoryLimit(QueryTimeout):
    """The query (or update) needed more memory than ``KG_QUERY_MEMORY`` and was stopped."""

    def __init__(self, message: str, limit: int):
        super().__init__(message)
        self.limit = limit


class WorkerFailed(StoreError):
    """A worker process ended while it worked (a crash): replaced, and logged in one line."""

    quiet = True  # the engine logged it already; no traceback of ours would add anything


def parse_size(value: str | int | float) -> int:
    """Bytes of a size such as ``1073741824``, ``512M``, ``2G``, ``1.5GiB`` (``0``: no limit)."""
    if isinstance(value, int | float):
        return int(value)
    match = _SIZE.fullmatch(str(value))
    if match is None:
        raise ValueError(f"not a size: {value!r} (write e.g. 512M or 2G)")
    number, unit = match.groups()
    return int(float(number) * 1024 ** " kmgt".index(unit.lower() or " "))


def reaches_out(text: str, words: tuple[str, ...] = ("service",)) -> bool:
    """Could ``text`` reach the network? Conservative, for workers that could not leave it: any
    of ``words`` anywhere (comments and strings included; ``\\u`` escapes decoded, any case)."""
    plain = text
    for _ in range(4):  # an escape may spell another escape: decode until nothing changes
        try:
            decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), plain)
        except (ValueError, OverflowError):
            return True
        if decoded == plain:
            break
        plain = decoded
    plain = plain.lower()
    return any(word in plain for word in words)


def context():
    """The fork server (each child a fork of a small clean process), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["service.sparql.worker"])
        return ctx
    return multiprocessing.get_context("spawn")


@dataclass(eq=False)
class Child:
    process: multiprocessing.process.BaseProcess
    conn: object
    store_dir: Path
    pid: int = 0
    #: it runs in an empty network namespace of its own
    isolated: bool = False
    #: the answer pipe and the process sentinel (readable when it ends), in one ``poll``
    poller: select.poll | None = None
    #: a query worker kept for short queries (KG_SHORT_WORKERS)
    short: bool = False

    def dead_or_confused(self) -> bool:
        """An idle worker has nothing to say: anything readable means it ended (or misbehaves).
        One ``poll(0)`` system call, cheaper than ``Process.is_alive``."""
        return bool(self.poller.poll(0)) if self.poller is not None else True

    def memory(self) -> int:
        """Resident memory in bytes, without file-backed pages (the store's files)."""
        try:
            with open(f"/proc/{self.pid}/statm", "rb") as statm:
                fields = statm.read().split()
        except OSError:
            return 0
        return (int(fields[1]) - int(fields[2])) * PAGE

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(timeout=10)
            self.conn.close()
        except (OSError, ValueError):
            pass

    def ended(self) -> str:
        """How the process ended, in words for the log."""
        self.process.join(timeout=5)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit code {code}"


def spawn(ctx, target: Callable, args: tuple, store_dir: Path, what: str) -> Child:
    """Start a child running ``target(conn, *args)`` and wait until it is ready."""
    parent, child = ctx.Pipe()
    process = ctx.Process(target=target, args=(child, *args), daemon=True, name=what)
    process.start()
    child.close()
    poller = select.poll()
    poller.register(parent.fileno(), select.POLLIN)
    poller.register(process.sentinel, select.POLLIN)
    worker = Child(process, parent, Path(store_dir), poller=poller)
    if not parent.poll(START_TIMEOUT):
        worker.kill()
        raise StoreError(f"a {what} did not open {store_dir} in time")
    try:
        message = parent.recv()
    except (EOFError, OSError) as exc:
        worker.kill()
        raise StoreError(f"a {what} ended while opening {store_dir}") from exc
    if message[0] != "ready":
        worker.kill()
        raise StoreError(f"a {what} could not open {store_dir}: {message[1]}")
    worker.pid, worker.isolated = message[1], message[2]
    return worker


def options(isolate: bool, memory: int, name: str) -> Options:
    return Options(os.getpid(), isolate, memory, name)


def await_answer(worker: Child, timeout: float, memory: int) -> str:
    """``ready`` when the child answered (or ended: then ``recv`` raises EOFError), ``timeout``
    past ``timeout`` seconds, ``memory`` when its memory passed ``memory`` bytes (0: no limit)."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        step = min(remaining, WATCH_EVERY) if memory else remaining
        if worker.poller.poll(min(int(step * 1000) + 1, 2**31 - 1)):
            return "ready"
        if memory and worker.memory() > memory:
            return "memory"


def stopped(worker: Child, outcome: str, timeout: float, memory: int, what: str) -> QueryTimeout:
    """Kill ``worker`` for ``outcome`` (``timeout`` or ``memory``): one line in the log, and the
    exception to raise."""
    used = worker.memory()
    worker.kill()
    if outcome == "memory":
        log.warning(
            "%s past KG_QUERY_MEMORY (%s MiB resident): killed worker pid %s",
            what, used >> 20, worker.pid,
        )
        return MemoryLimit(
            f"the {what} needed more memory than this server allows each one "
            f"(KG_QUERY_MEMORY is {memory >> 20} MiB) and was stopped",
            memory,
        )
    log.warning("%s timed out after %.1fs: killed worker pid %s", what, timeout, worker.pid)
    return QueryTimeout(f"the {what} ran longer than {timeout:g} s and was stopped")


def failed(worker: Child, who: str) -> WorkerFailed:
    """``worker`` (``who``: "a query worker", "the update process") ended while it worked: one
    line in the log, and the exception to raise."""
    how = worker.ended()
    worker.kill()
    log.error("%s failed: it ended while it worked (%s), pid %s; replaced", who, how, worker.pid)
    return WorkerFailed(f"{who} ended while it worked ({how}); it was replaced")
