"""Several serving processes with granian (a Rust HTTP server for Python's WSGI).

``serve --processes N`` (N > 1) runs granian's master with N worker processes, forked from it;
each creates its own app with ``create_app`` (its own store handle, query workers and
concurrency limit; the answer cache is one for all,
:mod:`service.sparql.shared_cache`) and serves it on
``KG_MAX_CONCURRENT`` + 4 threads, so that a saturated process still answers 503 at once.

HTTP is read and written in native code: a request reaches a Python thread only once its head
(and body) has arrived, so half-sent or idle connections hold no thread; a head that is not
complete within :data:`HEAD_TIMEOUT` seconds is dropped. It replaced gunicorn (gthread), whose
HTTP parsing in Python cost about as much CPU per request as the answer itself (README,
"Performance").
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from functools import partial
from typing import Any

from flask import Flask
from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings

from service.app import create_app
from service.sparql.state import state

log = logging.getLogger("kompetensgraf.server")

#: seconds a connection may take to send a request's head
HEAD_TIMEOUT = 5
#: seconds a worker process gets to finish its requests when the server stops
GRACEFUL = 8


def run(host: str, port: int, config: Mapping[str, Any], processes: int) -> None:
    """Serve until SIGTERM or SIGINT; returns when every worker process has stopped."""
    max_bytes = int(config.get("KG_MAX_REQUEST_BYTES") or 1 << 20)
    server = Granian(
        "kompetensgraf",  # named for the log; the app comes from load_app below
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=processes,
        blocking_threads=int(config["KG_MAX_CONCURRENT"]) + 4,
        # a GET query up to KG_MAX_REQUEST_BYTES fits in the head: the app answers 413 above it
        http1_settings=HTTP1Settings(
            header_read_timeout=HEAD_TIMEOUT * 1000, max_buffer_size=4 * max_bytes + 65536
        ),
        websockets=False,
        log_access=False,
        workers_kill_timeout=GRACEFUL,
        respawn_failed_workers=True,
    )
    # the workers are forked from this process: the loader and its config need no pickling
    server.serve(target_loader=partial(load_app, dict(config)), wrap_loader=False)


def load_app(config: Mapping[str, Any]) -> Flask:
    """One worker process's app: its query workers started, ``X-KG-Process`` on every answer."""
    app = create_app(config)
    state(app).engine.start()
    pid = str(os.getpid())

    @app.after_request
    def process_header(response):
        response.headers["X-KG-Process"] = pid  # which process answered
        return response

    return app
