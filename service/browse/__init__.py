"""The linked-data browser: home, class lists, entity/source/graph pages, dereferencing, ontology.

``init_app(app)`` registers the interface language (for every blueprint's templates), the browse
blueprint, the local asset route, search, the network view and the query editor.
"""

from __future__ import annotations

from flask import Flask

from service.browse import i18n


def init_app(app: Flask) -> None:
    app.config.setdefault("KG_LICENSE", "https://creativecommons.org/licenses/by/4.0/")
    i18n.init_app(app)
