"""The worker processes' side: query workers and the update process.

A **query worker** opens one store directory read-only and answers jobs; the **update process**
holds the live read-write database and applies changes. Each talks to its parent over one duplex
pipe, kept for its life, with plain tuples (no class to look up, no Manager, no Queue thread).

Both first prepare themselves (:func:`prepare_process`): they die with their server
(``PR_SET_PDEATHSIG``: their parent is the fork server, which ends when the server ends, even by
``kill -9``, once no worker holds its "alive" pipe), ignore the terminal's Ctrl-C (the server
stops them), and, when the server may call no other endpoint (an empty
``KG_SERVICE_ALLOWLIST``), enter an empty network namespace of their own before they read
anything: whatever a query or update says, no connection can leave them. A data-segment limit
(``RLIMIT_DATA``, twice ``KG_QUERY_MEMORY``) backs up the parent's watch of their memory. Then
they say ``("ready", pid, isolated)``.

A query worker answers each job (:func:`job_message`) with ``("ok", media_type, body, rows,
truncated, cpu)`` (``cpu``: the seconds of CPU the evaluation took, from which the engine
learns which queries are short), ``("query", message)`` (a client error), ``("network",
message)`` (it tried to reach another endpoint) or ``("store", message)`` (a server error). A
body larger than :data:`INLINE_BYTES` follows as raw bytes (``send_bytes``), neither pickled nor
copied once more.
The update process answers ``(name, *args)`` of :data:`WRITES` with ``("ok", snapshot_dir)``
after the change is flushed and a consistent snapshot is taken, or with the same error kinds.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import resource
import shutil
import signal
import time
import uuid
from collections.abc import Callable
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from graph.embedded import BUILD_INFO, DB_DIR, EmbeddedStore
from graph.store import GraphStore, QueryError, StoreError
from service.sparql.results import Answer, Job, apply_update, evaluate

#: bodies up to this size travel inside the answer tuple; larger ones as raw bytes after it
INLINE_BYTES = 64 << 10
CLONE_NEWNET = 0x40000000
CLONE_NEWUSER = 0x10000000
PR_SET_NAME = 15
PR_SET_PDEATHSIG = 1
#: what pyoxigraph says when a SERVICE or LOAD could not connect (or was refused a port)
_NETWORK = re.compile(
    r"os error (101|111|113|110|104|99|97)\b|lookup address|name resolution|HTTP|TLS|certificate"
    r"|error sending request",
)
#: pyoxigraph's words for an answer it got from another endpoint and could not use
_REMOTE = re.compile(r"returned by|media type|Content-Type")
NO_NETWORK = (
    "a SERVICE or LOAD in the request could not be completed: this server calls no endpoint "
    "outside the setting KG_SERVICE_ALLOWLIST, and never passes on another endpoint's answer"
)


class Options(NamedTuple):
    """What a worker process needs to know about its server (plain values: they pickle)."""

    server_pid: int
    #: enter an empty network namespace (the allow-list is empty)
    isolate: bool
    #: KG_QUERY_MEMORY in bytes (0: none); the data-segment backstop is twice this
    memory: int
    name: str = "kg-query"


def prepare_process(options: Options) -> bool:
    """Everything a worker does before it reads anything; ``True`` when it has no network."""
    libc = ctypes.CDLL(None, use_errno=True)
    _let_the_fork_server_go()
    if hasattr(libc, "prctl"):  # Linux
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        libc.prctl(PR_SET_NAME, options.name.encode()[:15], 0, 0, 0)  # shown by ps and /proc
    if not _alive(options.server_pid):  # the server went before the death signal was armed
        os._exit(0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["RUST_BACKTRACE"] = "0"  # a native abort is one line in the log, not a trace
    if options.memory:
        with contextlib.suppress(ValueError, OSError):
            limit = 2 * options.memory
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    return options.isolate and _no_network(libc)


def _let_the_fork_server_go() -> None:
    """The fork server lives while any process holds its "alive" pipe, and it hands that pipe to
    every child: a busy worker would keep it (hence itself) alive after the server died. Close
    it here, so that the fork server ends with the server and its death signal reaches us."""
    server = forkserver._forkserver
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is not None:
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return os.getppid() != 1


def _no_network(libc) -> bool:
    """Enter an empty network namespace (as root; else in a user namespace of one's own)."""
    if not hasattr(libc, "unshare"):  # not Linux: the engine refuses instead (README)
        return False
    for flags in (CLONE_NEWNET, CLONE_NEWUSER | CLONE_NEWNET):
        if libc.unshare(flags) == 0:
            return True
    return False


def network_failure(message: str) -> bool:
    """Does this error say that a connection to another endpoint failed?"""
    return bool(_NETWORK.search(message))


def error_of(exc: Exception) -> tuple[str, str]:
    """The error message to send for ``exc``; never the remote's answer or status."""
    message = str(exc)
    parse_error = isinstance(exc, SyntaxError) or isinstance(exc.__cause__, SyntaxError)
    if not parse_error and (network_failure(message) or _REMOTE.search(message)):
        return ("network", NO_NETWORK)
    if isinstance(exc, StoreError):
        return ("store", message)
    if isinstance(exc, QueryError | SyntaxError | RuntimeError | ValueError):
        return ("query", message)
    return ("store", f"{type(exc).__name__}: {message}")


# --- query workers --------------------------------------------------------------------------------
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
    _, media_type, body, rows, truncated = message[:5]
    if body is None:
        body = conn.recv_bytes()
    return Answer(media_type, body, rows, truncated)


def _open(conn: Connection, options: Options, opener: Callable[[], GraphStore]):
    isolated = prepare_process(options)
    try:
        store = opener()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return None
    conn.send(("ready", os.getpid(), isolated))
    return store


def worker_main(conn: Connection, store_dir: str, options: Options) -> None:
    store = _open(conn, options, lambda: EmbeddedStore(store_dir, read_only=True))
    while store is not None:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        body = None
        try:
            began = time.process_time()
            answer = evaluate(store, Job(*job))
            body = answer.body
            inline = len(body) <= INLINE_BYTES
            message: tuple = (
                "ok",
                answer.media_type,
                body if inline else None,
                answer.rows,
                answer.truncated,
                time.process_time() - began,
            )
            if inline:
                body = None
        except Exception as exc:  # noqa: BLE001 - sorted into client and server errors
            message = error_of(exc)
        try:
            conn.send(message)
            if body is not None:
                conn.send_bytes(body)
        except (BrokenPipeError, OSError):
            return


# --- the update process ---------------------------------------------------------------------------
#: an XML entity declaration, in the encodings an XML parser may read
ENTITY = tuple("<!ENTITY".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))


def _parsed(data: bytes, fmt: ox.RdfFormat) -> None:
    """Refuse data that does not parse before anything changes (here, in the bounded process).
    RDF/XML that declares entities is refused outright: a few hundred bytes of nested entities
    expand to gigabytes."""
    if fmt == ox.RdfFormat.RDF_XML and any(marker in data for marker in ENTITY):
        raise QueryError(
            "the data declares XML entities (<!ENTITY …>), which this server does not accept: "
            "write the values out"
        )
    try:
        for _ in ox.parse(data, format=fmt):
            pass
    except SyntaxError as exc:
        raise QueryError(f"the data does not parse: {exc}") from exc


def _load(store: GraphStore, data: bytes, fmt: str, graph: str | None) -> None:
    _parsed(data, ox.RdfFormat.from_media_type(fmt))
    store.load(data, ox.RdfFormat.from_media_type(fmt), graph)


def _replace(store: GraphStore, graph: str | None, data: bytes, fmt: str) -> None:
    rdf = ox.RdfFormat.from_media_type(fmt)
    _parsed(data, rdf)
    if graph is None:
        store.update("CLEAR DEFAULT")
        store.load(data, rdf)
    else:
        store.replace_graph(graph, data, rdf)


def _clear(store: GraphStore, graph: str | None) -> None:
    if graph is None:
        store.update("CLEAR DEFAULT")
    else:
        store.remove_graph(graph)


#: the changes the update process makes, each through the store's own GraphStore methods
#: (formats travel as media types: plain strings)
WRITES: dict[str, Callable[..., object]] = {
    "update": apply_update,  # with the predeclared prefixes
    "load": _load,
    "replace": _replace,
    "clear": _clear,
}


def apply_write(store: GraphStore, name: str, *args) -> None:
    """One change of :data:`WRITES`; raises QueryError (client) or StoreError (server)."""
    try:
        WRITES[name](store, *args)
    except (QueryError, StoreError):
        raise
    except (RuntimeError, SyntaxError, ValueError) as exc:  # pyoxigraph's evaluation errors
        raise QueryError(str(exc)) from exc


def snapshot(store: EmbeddedStore, workdir: Path, serial: int) -> Path:
    """A consistent copy of the live database in a fresh ``snapshots/`` directory."""
    target = workdir / "snapshots" / f"{serial:06d}-{uuid.uuid4().hex[:6]}"
    target.mkdir(parents=True)
    try:
        store.raw.backup(str(target / DB_DIR))
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise StoreError(f"could not snapshot the store: {exc}") from exc
    info = workdir / "db" / BUILD_INFO
    if info.is_file():
        (target / BUILD_INFO).write_bytes(info.read_bytes())
    return target


def writer_main(conn: Connection, workdir: str, options: Options) -> None:
    """The update process: ``("snapshot", serial)`` or ``(name, serial, *args)`` of WRITES."""
    folder = Path(workdir)
    store = _open(conn, options, lambda: EmbeddedStore(folder / "db", read_only=False))
    while store is not None:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            store.close()  # a clean close of the database
            return
        name, serial, *args = message
        try:
            if name != "snapshot":
                apply_write(store, name, *args)
            answer: tuple = ("ok", str(snapshot(store, folder, serial)))
        except Exception as exc:  # noqa: BLE001 - sorted into client and server errors
            answer = error_of(exc)
        try:
            conn.send(answer)
        except (BrokenPipeError, OSError):
            return
