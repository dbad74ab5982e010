"""Helpers shared by the browser's tests: an app over our own small fixture graph.

``tests/data/browse/mini.trig`` holds a few actors of Västra Götaland with memberships, an
agreement, a grant, abbreviations (VGR, GR, MYH, ESF) and a county with 25 municipalities, in
three fact graphs described in ``kfg:meta``. The app is the real one (``create_app``) with the
fixture loaded into an in-memory store.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.embedded import EmbeddedStore
from service.app import create_app

MINI = Path(__file__).parent / "data" / "browse" / "mini.trig"
ID = "https://w3id.org/kompetensgraf/id/"
GRAPH = "https://w3id.org/kompetensgraf/graph/"


def mini_store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.load(MINI.read_bytes(), ox.RdfFormat.TRIG)
    return store


def mini_app():
    app = create_app({"KG_STORE": "", "TESTING": True}, store=mini_store())
    return app
