"""Serve the application: waitress in one process, or gunicorn with pre-forked processes.

``kompetensgraf serve`` calls :func:`serve`. With one process (``KG_PROCESSES=1``, and always when
``KG_UPDATE_TOKEN`` is set on the embedded store: its live database has a single writer) it
builds the app with ``create_app``, starts the query workers before the first request, sizes
waitress's threads above the concurrency limit (so that a saturated endpoint can still answer 503
at once) and stops the workers and removes temporary data on SIGTERM, SIGINT and normal exit.

With more processes (read-only, or an external engine) gunicorn's master pre-forks N gthread
workers; each creates its own app *after* the fork, so each has its own store handle,
query-worker pool and answer cache. ``--load`` files are loaded once, in the master, into a
derived store that every worker then opens read-only.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.workers import gthread
from waitress import serve as waitress_serve

from service import DEFAULTS, _from_environment, create_app
from service.shared_cache import make_folder, remove_folder

log = logging.getLogger("kompetensgraf.server")

#: open connections one serving process keeps (waitress's connection_limit, gunicorn's
#: worker_connections); past it new connections wait in the listen backlog
CONNECTION_LIMIT = 1000
#: seconds a connection may stay silent (an idle keep-alive, or a half-sent request) before it
#: is closed; a request being answered is never cut by it
CHANNEL_TIMEOUT = 30
#: seconds gunicorn keeps an idle keep-alive connection open
KEEPALIVE = 5


def serve(host: str, port: int, config: Mapping[str, Any]) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    processes = _processes(config)
    if processes > 1:
        return serve_processes(host, port, config, processes)
    app = create_app(config)
    from service.sparql import state

    sparql = state(app)
    sparql.engine.start()

    def stop(signum, _frame):
        log.info("signal %s: stopping", signum)
        sparql.close()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    max_bytes = int(app.config["KG_MAX_REQUEST_BYTES"])
    log.info(
        "Kompetensgrafen on http://%s:%s/ — SPARQL at /sparql (%s workers, timeout %ss%s)",
        host,
        port,
        sparql.workers,
        app.config["KG_QUERY_TIMEOUT"],
        ", updates on" if app.config["KG_UPDATE_TOKEN"] else ", read-only",
    )
    try:
        waitress_serve(
            app,
            host=host,
            port=port,
            threads=int(app.config["KG_MAX_CONCURRENT"]) + 4,
            # Flask answers 413 in our error shape up to this; waitress cuts gross abuse itself
            max_request_body_size=max_bytes * 4,
            ident="kompetensgraf",
            clear_untrusted_proxy_headers=True,
            # idle and slow clients: a request is read by the event loop, not by a thread, so
            # half-sent requests take no thread; they are bounded in number and closed after
            # CHANNEL_TIMEOUT seconds without a byte (README: "Idle and slow connections")
            connection_limit=CONNECTION_LIMIT,
            channel_timeout=CHANNEL_TIMEOUT,
            cleanup_interval=CHANNEL_TIMEOUT // 3,
        )
    finally:
        sparql.close()
    return 0


def _setting(config: Mapping[str, Any], key: str, defaults: Mapping[str, Any]) -> Any:
    """A setting as create_app sees it: the config mapping, else KG_… environment, else default."""
    if key in config:
        return config[key]
    return _from_environment({key: defaults[key]}).get(key, defaults[key])


def _processes(config: Mapping[str, Any]) -> int:
    """KG_PROCESSES (default 1; 0: one per CPU core); 1 with updates on in the embedded store (its
    live database has one writer; an external engine takes writes from every process)."""
    from service.sparql import SETTINGS

    wanted = int(_setting(config, "KG_PROCESSES", DEFAULTS)) or (os.cpu_count() or 1)
    writer = _setting(config, "KG_UPDATE_TOKEN", SETTINGS) and not _setting(
        config, "KG_ENDPOINT", DEFAULTS
    )
    if writer and wanted > 1:
        log.info("KG_UPDATE_TOKEN is set: serving with 1 process (the live store has one writer)")
        return 1
    return max(1, wanted)


def serve_processes(host: str, port: int, config: Mapping[str, Any], processes: int) -> int:
    """gunicorn with ``processes`` pre-forked gthread workers, each with its own app."""
    from service.sparql import SETTINGS

    config = dict(config)
    cores = os.cpu_count() or 1
    workers = int(_setting(config, "KG_WORKERS", SETTINGS)) or max(1, 2 * cores // processes)
    config["KG_WORKERS"] = workers
    concurrent = int(_setting(config, "KG_MAX_CONCURRENT", SETTINGS)) or 4 * workers
    config["KG_MAX_CONCURRENT"] = concurrent
    master, workdir = os.getpid(), _derive(config)
    if not _setting(config, "KG_UPDATE_TOKEN", SETTINGS):
        # one read-only store: the processes share one dump folder per version, hence the same
        # ETags, Last-Modified and dct:modified whichever process answers
        config["KG_DUMP_TOKEN"] = uuid.uuid4().hex[:8]
    # one answer cache for all the processes (service/shared_cache.py), removed at the end
    config["KG_CACHE_DIR"] = str(make_folder())
    timeout = float(_setting(config, "KG_QUERY_TIMEOUT", SETTINGS))
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": processes,
        "worker_class": "service.server.HeadFirstWorker",
        "threads": concurrent + 4,  # above the limit, so a saturated process answers 503 at once
        "timeout": int(timeout) + 30,  # heartbeat only: the query timeout is ours
        # gthread waits for a request's bytes in its poller, not in a thread: slow clients take
        # no thread; at most CONNECTION_LIMIT connections each (README: "Idle and slow …")
        "worker_connections": CONNECTION_LIMIT,
        "keepalive": KEEPALIVE,
        "graceful_timeout": 8,
        "limit_request_line": 0,  # long GET queries: Flask answers 413 over KG_MAX_REQUEST_BYTES
        "errorlog": "-",
        "proc_name": "kompetensgraf",
        "control_socket_disable": True,  # no shared ~/.gunicorn socket between servers
        "worker_exit": _worker_exit,
    }
    log.info(
        "Kompetensgrafen on http://%s:%s/ — SPARQL at /sparql (gunicorn: %s processes × %s "
        "workers, at most %s queries each, timeout %ss, read-only)",
        host,
        port,
        processes,
        workers,
        concurrent,
        timeout,
    )
    try:
        _Gunicorn(options, config).run()
    finally:
        if workdir is not None and os.getpid() == master:  # workers unwind through here too
            shutil.rmtree(workdir, ignore_errors=True)
        if os.getpid() == master:
            remove_folder(config["KG_CACHE_DIR"])
    return 0


def _derive(config: dict[str, Any]) -> Path | None:
    """``--load`` on an on-disk store: load the files ONCE, here in the master, into a derived
    store; the workers open it read-only. Returns the directory to remove at the end."""
    from graph.backends import open_store
    from service.dataset import _default_dump_dir
    from service.sparql import SETTINGS
    from service.sparql_live import prepare

    loads = config.get("KG_LOAD") or []
    loads = [loads] if isinstance(loads, str) else list(loads)
    path = str(_setting(config, "KG_STORE", DEFAULTS))
    if not loads or not path or _setting(config, "KG_ENDPOINT", DEFAULTS):
        return None  # nothing to derive (in-memory and remote stores load in each process)
    dataset = prepare(
        open_store(Path(path), read_only=True),
        writable=False,
        loads=[Path(p) for p in loads],
        data_dir=str(_setting(config, "KG_DATA_DIR", SETTINGS)),
    )
    read_dir, workdir = dataset.read_dir, dataset._workdir
    dataset.store.close()  # no store may stay open across the fork
    del dataset
    gc.collect()
    config["KG_DUMP_DIR"] = str(
        _setting(config, "KG_DUMP_DIR", DEFAULTS) or _default_dump_dir(path)
    )
    config["KG_STORE"], config["KG_LOAD"] = str(read_dir), []
    log.info("loaded %s into %s, served read-only by every process", loads, read_dir)
    return workdir


def _worker_exit(_arbiter, worker) -> None:
    from service.sparql import state

    app = getattr(worker, "wsgi", None)
    if app is None:
        return  # it never booted: gunicorn reports that (and the master stops)
    state(app).close()  # stops this process's query workers
    logging.shutdown()
    # the store's native code does not survive interpreter teardown in a worker: skip it
    os._exit(0)


#: the end of a request's head, and the most of a head read before the parser sees it
HEAD_END, MAX_HEAD = b"\r\n\r\n", 64 << 10


class HeadFirstWorker(gthread.ThreadWorker):
    """gthread, but a thread takes a request only once its whole head has arrived.

    gthread's parser reads a request in a pool thread, blocking until the head is complete: a
    few hundred half-sent requests would hold every thread. Here the bytes that have arrived are
    read without waiting and kept in the parser's buffer; until the head is whole the connection
    goes back to the poller (gthread's "deferred" connections), which closes it after
    ``keepalive`` seconds without a byte.
    """

    def handle(self, conn):
        if not self.cfg.is_ssl and not _whole_head(conn):
            conn.data_ready = False
            return gthread._DEFER
        return super().handle(conn)


def _whole_head(conn) -> bool:
    """Read what has arrived into ``conn``'s parser buffer: has the request's head arrived (or
    the connection ended, which the parser then reports)?"""
    conn.init()
    if conn.is_http2:
        return True
    buffer = conn.parser.unreader.buf
    held = buffer.getvalue()
    conn.sock.setblocking(False)
    try:
        while HEAD_END not in held and len(held) < MAX_HEAD:
            try:
                chunk = conn.sock.recv(MAX_HEAD)
            except BlockingIOError:
                return False
            except OSError:
                return True  # the parser meets the same error and closes the connection
            if not chunk:
                return True
            buffer.seek(0, os.SEEK_END)
            buffer.write(chunk)
            held += chunk
        return True
    finally:
        conn.sock.setblocking(True)


class _Gunicorn(BaseApplication):
    """gunicorn run from Python; ``load`` runs in each worker after the fork."""

    def __init__(self, options: Mapping[str, Any], config: Mapping[str, Any]):
        self.options, self.kg_config = dict(options), dict(config)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from service.sparql import state

        app = create_app(self.kg_config)
        state(app).engine.start()
        pid = str(os.getpid())

        @app.after_request
        def process_header(response):
            response.headers["X-KG-Process"] = pid  # which process answered
            return response

        return app
