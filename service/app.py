"""The application factory: ``create_app(config)``.

Configuration enters through ``app.config`` at factory time: keys start with ``KG_``; environment
variables ``KG_…`` override the defaults; the ``config`` mapping overrides both. Each subsystem
has one ``init_app(app)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from graph.store import GraphStore
from service import errors, headers, state
from service.browse import site as browse
from service.catalogue import views as catalogue
from service.dataset import csvw
from service.dataset import views as dataset
from service.reconcile import views as reconcile
from service.settings import resolve
from service.sparql import endpoint
from service.sparql.fastpath import FastPath
from service.store import open_app_store


def create_app(
    config: Mapping[str, Any] | None = None, *, store: GraphStore | None = None
) -> Flask:
    """Build the Flask application. ``store`` lets tests inject an in-memory store."""
    app = Flask(__name__)
    app.config.update(resolve(config))  # service/settings.py: config, else KG_… environment
    app.json.ensure_ascii = False  # Swedish characters stay readable in JSON
    headers.init_app(app)  # CSP, nosniff, framing and referrer policy on every response
    errors.init_app(app)  # store faults no route answered: one logged 500
    # service/state.py: one object for settings, store and derived caches
    state.init_app(app, store if store is not None else open_app_store(app.config))

    endpoint.init_app(app)  # first: it may replace the store with the live (updatable) one
    browse.init_app(app)
    dataset.init_app(app)
    csvw.init_app(app)  # the reference tables under /data/ and their CSVW metadata
    catalogue.init_app(app)
    reconcile.init_app(app)  # /reconcile: the OpenRefine reconciliation service

    app.wsgi_app = FastPath(app, app.wsgi_app)  # the hot /sparql query without Flask's routing
    return app
