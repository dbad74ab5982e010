"""Kompetensgrafen's web layer: the SPARQL endpoint, the linked-data browser, the catalogue.

``create_app(config)`` is the application factory. Configuration enters through ``app.config``
at factory time: keys start with ``KG_``; environment variables ``KG_…`` override the defaults;
the ``config`` mapping overrides both. Each subsystem has one ``init_app(app)``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from graph.backends import open_store
from graph.namespaces import BASE
from graph.store import GraphStore

DEFAULTS: dict[str, Any] = {
    "KG_STORE": "var/store",  # a built store directory; "" for an empty in-memory store
    "KG_BASE_IRI": BASE,  # the IRI base this deployment answers for
    "KG_LOAD": [],  # extra RDF files served next to the graph, one named graph each
    "KG_LICENSE": "https://creativecommons.org/licenses/by/4.0/",  # the data's licence (CC BY 4.0)
    "KG_DUMP_DIR": "",  # dump cache (/data/…); "" = dumps/ beside the store (var/dumps)
    "KG_CONTACT_EMAIL": "",  # contact address in the DCAT description (optional)
    "KG_PROCESSES": 1,  # serving processes (>1: granian; 0: one per CPU core); 1 with updates
    # A SPARQL 1.1 engine instead of KG_STORE (README: "Running on an existing SPARQL engine").
    "KG_ENDPOINT": "",  # its query endpoint; "" = the embedded store
    "KG_UPDATE_ENDPOINT": "",  # its update endpoint; "" = KG_ENDPOINT
    "KG_STORE_ENDPOINT": "",  # its Graph Store Protocol endpoint; "" = loads by SPARQL Update
    "KG_ENDPOINT_TIMEOUT": 0.0,  # seconds per request; 0 = KG_QUERY_TIMEOUT (else 30)
    "KG_ENDPOINT_DATASET": "auto",  # auto | default | graph: where the engine holds the merge
    # Credentials come from the environment only: never write them into the repository.
    "KG_ENDPOINT_USER": "",
    "KG_ENDPOINT_PASSWORD": "",
    "KG_ENDPOINT_AUTH": "basic",  # basic | digest (Virtuoso's -auth endpoints)
    "KG_ENDPOINT_TOKEN": "",  # bearer token instead of user and password
}


def _from_environment(defaults: Mapping[str, Any]) -> dict[str, Any]:
    values = {}
    for key, default in defaults.items():
        raw = os.environ.get(key)
        if raw is None:
            continue
        if isinstance(default, bool):
            values[key] = raw.lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int | float):
            values[key] = type(default)(raw)
        elif isinstance(default, list):
            values[key] = json.loads(raw) if raw.startswith("[") else raw.split(os.pathsep)
        else:
            values[key] = raw
    return values


def create_app(
    config: Mapping[str, Any] | None = None, *, store: GraphStore | None = None
) -> Flask:
    """Build the Flask application. ``store`` lets tests inject an in-memory store."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(_from_environment(DEFAULTS))
    if config:
        app.config.update(config)
    app.json.ensure_ascii = False  # Swedish characters stay readable in JSON
    from service import headers

    headers.init_app(app)  # CSP, nosniff, framing and referrer policy on every response
    if store is None and app.config["KG_ENDPOINT"]:
        store = _remote_store(app.config)
    if store is None:
        path = app.config["KG_STORE"]
        store = open_store(Path(path) if path else None, read_only=bool(path))
    app.extensions["kg_store"] = store

    from service import browse, sparql

    sparql.init_app(app)  # first: it may swap kg_store for the live (updatable) store

    browse.init_app(app)

    from service import dataset

    dataset.init_app(app)

    from service import csvw

    csvw.init_app(app)  # the reference tables under /data/ and their CSVW metadata

    from service import catalogue

    catalogue.init_app(app)

    from service import reconcile

    reconcile.init_app(app)  # /reconcile: the OpenRefine reconciliation service

    from service.fastpath import FastPath

    app.wsgi_app = FastPath(app, app.wsgi_app)  # the hot /sparql query without Flask's routing
    return app


def _remote_store(config: Mapping[str, Any]) -> GraphStore:
    from graph.remote.io import auth_from

    timeout = float(config["KG_ENDPOINT_TIMEOUT"] or config.get("KG_QUERY_TIMEOUT") or 30)
    return open_store(
        endpoint=config["KG_ENDPOINT"],
        update_endpoint=config["KG_UPDATE_ENDPOINT"] or None,
        store_endpoint=config["KG_STORE_ENDPOINT"] or None,
        auth=auth_from(config),
        read_only=False,  # the service's own update switch (KG_UPDATE_TOKEN) guards writes
        timeout=timeout,
        dataset=config["KG_ENDPOINT_DATASET"],
    )


def get_store(app: Flask) -> GraphStore:
    return app.extensions["kg_store"]
