"""Registers the linked-data browser on an app: the interface language (for every blueprint's
templates), the link filters, and every page's blueprint (the browse blueprint, the local asset
route, search, the network and timeline views, the query editor, the citations, the quality page).
"""

from __future__ import annotations

from flask import Flask

from service.browse import (
    assets,
    cite,
    editor,
    i18n,
    network,
    quality,
    search,
    terms,
    timeline,
    views,
)


def init_app(app: Flask) -> None:
    i18n.init_app(app)
    # Links in every template go through terms.safe_url (the macro ``a`` in browse/_macros.html).
    app.jinja_env.filters["safe_url"] = terms.safe_url
    app.jinja_env.globals["href"] = terms.href
    app.register_blueprint(views.bp)
    app.register_blueprint(assets.bp)
    search.init_app(app)
    network.init_app(app)
    timeline.init_app(app)
    editor.init_app(app)
    cite.init_app(app)
    quality.init_app(app)
