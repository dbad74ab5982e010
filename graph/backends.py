"""The only place that chooses and constructs a store (:class:`graph.store.GraphStore`)."""

from __future__ import annotations

from pathlib import Path

from graph.embedded import EmbeddedStore
from graph.remote.store import RemoteStore
from graph.store import GraphStore


def open_store(
    path: str | Path | None = None,
    *,
    read_only: bool = True,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    store_endpoint: str | None = None,
    auth=None,
    **remote_options,
) -> GraphStore:
    """Open the configured store: a built directory, an empty in-memory one, or — with
    ``endpoint`` — a SPARQL 1.1 engine (:class:`graph.remote.store.RemoteStore`)."""
    if endpoint:
        return RemoteStore(
            endpoint,
            update_url=update_endpoint,
            store_url=store_endpoint,
            auth=auth,
            read_only=read_only,
            **remote_options,
        )
    return EmbeddedStore(path, read_only=read_only)
