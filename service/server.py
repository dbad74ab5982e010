"""Serve the application on waitress, a production WSGI server (never Flask's development server).

``kompetensgraf serve`` calls :func:`serve`: it builds the app with ``create_app``, starts the query
workers before the first request, sizes waitress's threads above the concurrency limit (so that a
saturated endpoint can still answer 503 at once) and stops the workers and removes temporary data
on SIGTERM, SIGINT and normal exit.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Mapping
from typing import Any

from waitress import serve as waitress_serve

from service import create_app

log = logging.getLogger("kompetensgraf.server")


def serve(host: str, port: int, config: Mapping[str, Any]) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
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
        )
    finally:
        sparql.close()
    return 0
