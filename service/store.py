"""The application's graph store: opened from the settings (a built store, or a SPARQL engine);
:class:`service.state.AppState` owns it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graph.backends import open_store
from graph.remote.io import auth_from
from graph.store import GraphStore


def open_app_store(config: Mapping[str, Any]) -> GraphStore:
    """The store the settings name: ``KG_ENDPOINT``'s engine, else the store at ``KG_STORE``
    (read-only), else an empty one in memory."""
    if config["KG_ENDPOINT"]:
        return _remote_store(config)
    path = config["KG_STORE"]
    return open_store(Path(path) if path else None, read_only=bool(path))


def _remote_store(config: Mapping[str, Any]) -> GraphStore:
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
