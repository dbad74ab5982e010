"""Front-end packages from npm (``node_modules``, installed by ``npm ci``), served by our own route.

Only the files listed here are served, at ``/assets/vendor/<name>``: no CDN, nothing else from
``node_modules`` is reachable, and the service works with outbound network blocked.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file

from graph import ROOT

bp = Blueprint("assets", __name__)

VENDOR: dict[str, str] = {
    "cytoscape/cytoscape.min.js": "cytoscape/dist/cytoscape.min.js",
    # the force-directed layout of the network view, and the two libraries it is built on
    "cytoscape-fcose/layout-base.js": "layout-base/layout-base.js",
    "cytoscape-fcose/cose-base.js": "cose-base/cose-base.js",
    "cytoscape-fcose/cytoscape-fcose.js": "cytoscape-fcose/cytoscape-fcose.js",
    "yasgui/yasgui.min.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui/yasgui.min.css": "@zazuko/yasgui/build/yasgui.min.css",
}


def node_modules() -> Path:
    return Path(current_app.config.get("KG_NODE_MODULES") or ROOT / "node_modules")


@bp.get("/assets/vendor/<path:name>")
def vendor(name: str):
    relative = VENDOR.get(name)
    if relative is None:
        abort(404)
    path = node_modules() / relative
    if not path.is_file():
        current_app.logger.error("front-end asset %s is missing: run `npm ci`", path)
        abort(404)
    return send_file(path, max_age=3600)
