"""Serve the application: waitress in one process, or granian with forked processes.

``kompetensgraf serve`` calls :func:`serve`. With one process (``KG_PROCESSES=1``, and always when
``KG_UPDATE_TOKEN`` is set on the embedded store: its live database has a single writer) it
builds the app with ``create_app``, starts the query workers before the first request, sizes
waitress's threads above the concurrency limit (so that a saturated endpoint can still answer 503
at once) and stops the workers and removes temporary data on SIGTERM, SIGINT and normal exit.

With more processes (read-only, or an external engine) granian's master forks N worker
processes (:mod:`service.serve_granian`); each creates its own app *after* the fork, so each has
its own store handle and query-worker pool, while the answer cache is one folder for all
(:mod:`service.sparql.shared_cache`).
``--load`` files are loaded once, in the master, into a derived
store that every worker then opens read-only.
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

from waitress import serve as waitress_serve

from graph.backends import open_store
from service import serve_granian
from service.app import create_app
from service.dataset.views import _default_dump_dir
from service.settings import engine_sizes, resolve
from service.sparql.live import prepare
from service.sparql.shared_cache import make_folder, remove_folder
from service.sparql.state import state

log = logging.getLogger("kompetensgraf.server")

#: open connections the single serving process keeps (waitress's connection_limit); past it
#: new connections wait in the listen backlog
CONNECTION_LIMIT = 1000
#: seconds a connection may stay silent (an idle keep-alive, or a half-sent request) before it
#: is closed; a request being answered is never cut by it
CHANNEL_TIMEOUT = 30


def serve(host: str, port: int, config: Mapping[str, Any]) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    processes = _processes(config)
    if processes > 1:
        return serve_processes(host, port, config, processes)
    app = create_app(config)
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


def _processes(config: Mapping[str, Any]) -> int:
    """KG_PROCESSES (default 1; 0: one per CPU core); 1 with updates on in the embedded store (its
    live database has one writer; an external engine takes writes from every process)."""
    settings = resolve(config)
    wanted = int(settings["KG_PROCESSES"]) or (os.cpu_count() or 1)
    writer = settings["KG_UPDATE_TOKEN"] and not settings["KG_ENDPOINT"]
    if writer and wanted > 1:
        log.info("KG_UPDATE_TOKEN is set: serving with 1 process (the live store has one writer)")
        return 1
    return max(1, wanted)


def serve_processes(host: str, port: int, config: Mapping[str, Any], processes: int) -> int:
    """granian with ``processes`` forked worker processes, each with its own app."""
    config = dict(config)
    settings = resolve(config)
    sizes = engine_sizes(settings, processes)
    config.update(sizes)
    master, workdir = os.getpid(), _derive(config)
    if not settings["KG_UPDATE_TOKEN"]:
        # one read-only store: the processes share one dump folder per version, hence the same
        # ETags, Last-Modified and dct:modified whichever process answers
        config["KG_DUMP_TOKEN"] = uuid.uuid4().hex[:8]
    # one answer cache for all the processes (service/sparql/shared_cache.py), removed at the end
    config["KG_CACHE_DIR"] = str(make_folder())
    log.info("answer cache shared by the processes in %s", config["KG_CACHE_DIR"])
    timeout = float(settings["KG_QUERY_TIMEOUT"])
    log.info(
        "Kompetensgrafen on http://%s:%s/ — SPARQL at /sparql (granian: %s processes × %s "
        "workers + %s for short queries, at most %s queries each, timeout %ss, read-only)",
        host,
        port,
        processes,
        sizes["KG_WORKERS"],
        sizes["KG_SHORT_WORKERS"],
        sizes["KG_MAX_CONCURRENT"],
        timeout,
    )
    try:
        serve_granian.run(host, port, config, processes)
    finally:
        if workdir is not None and os.getpid() == master:  # workers unwind through here too
            shutil.rmtree(workdir, ignore_errors=True)
        if os.getpid() == master:
            remove_folder(config["KG_CACHE_DIR"])
    return 0


def _derive(config: dict[str, Any]) -> Path | None:
    """``--load`` on an on-disk store: load the files ONCE, here in the master, into a derived
    store; the workers open it read-only. Returns the directory to remove at the end."""
    settings = resolve(config)
    loads = config.get("KG_LOAD") or []
    loads = [loads] if isinstance(loads, str) else list(loads)
    path = str(settings["KG_STORE"])
    if not loads or not path or settings["KG_ENDPOINT"]:
        return None  # nothing to derive (in-memory and remote stores load in each process)
    dataset = prepare(
        open_store(Path(path), read_only=True),
        writable=False,
        loads=[Path(p) for p in loads],
        data_dir=str(settings["KG_DATA_DIR"]),
    )
    read_dir, workdir = dataset.read_dir, dataset._workdir
    dataset.store.close()  # no store may stay open across the fork
    del dataset
    gc.collect()
    config["KG_DUMP_DIR"] = str(
        settings["KG_DUMP_DIR"] or _default_dump_dir(path)
    )
    config["KG_STORE"], config["KG_LOAD"] = str(read_dir), []
    log.info("loaded %s into %s, served read-only by every process", loads, read_dir)
    return workdir
