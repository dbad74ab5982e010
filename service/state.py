"""The application's state in one ``app.extensions["kg_state"]`` object (:func:`app_state`).

It holds the settings and owns the store every part reads (:attr:`AppState.store`): the one the
factory opened, until the SPARQL endpoint replaces it with the live (updatable) store
(:meth:`AppState.replace_store`). It keeps the caches derived from the store:
:meth:`AppState.derived` builds a value once per store version, under a per-name lock. And it
holds what the parts set up once per process: the SPARQL endpoint's state (:attr:`AppState.sparql`),
the dump files (:attr:`AppState.dumps`), and the query files of a folder of ``queries/``
(:meth:`AppState.query_files`: the catalogue, the reference tables)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from graph import queries
from graph.store import GraphStore


class AppState:
    """Settings, the store, and the values derived from the store (one per name)."""

    def __init__(self, app: Flask, store: GraphStore) -> None:
        self.settings = app.config
        self._store = store
        self._built: dict[str, tuple[Any, Any]] = {}  # name -> (store version, value)
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        #: the SPARQL endpoint's state (``service.sparql.state.Sparql``), set when it starts
        self.sparql: Any = None
        #: the dump files, one folder per store version (``service.dataset.views.DumpCache``)
        self.dumps: Any = None
        #: ``queries/<folder>/*.rq`` by folder, then by name: read once per process (a test may
        #: put its own here)
        self.files: dict[str, dict[str, queries.QueryFile]] = {}

    @property
    def store(self) -> GraphStore:
        """The store the app serves."""
        return self._store

    def replace_store(self, store: GraphStore) -> None:
        """Serve ``store`` from now on (the SPARQL endpoint's live store); every derived value
        is built again, from it."""
        with self._guard:
            self._store = store
            self._built.clear()

    def derived(self, name: str, build: Callable[[Any], Any]) -> Any:
        """The value ``build(store)`` for the store's current version, rebuilt when it changes."""
        store = self.store
        found = self._built.get(name)
        if found is not None and found[0] == store.version:
            return found[1]
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        with lock:
            found = self._built.get(name)
            version = store.version
            if found is None or found[0] != version:
                found = (version, build(store))
                self._built[name] = found
        return found[1]

    def query_files(self, folder: str) -> dict[str, queries.QueryFile]:
        """The query files of ``queries/<folder>/`` by name, in file-name order."""
        found = self.files.get(folder)
        if found is None:
            found = self.files[folder] = {q.name: q for q in queries.load_dir(folder)}
        return found


def init_app(app: Flask, store: GraphStore) -> None:
    app.extensions["kg_state"] = AppState(app, store)


def app_state(app: Flask | None = None) -> AppState:
    return (app or current_app).extensions["kg_state"]
