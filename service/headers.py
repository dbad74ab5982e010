"""Security headers on every response of the service (README, "Browsing": *Security headers*).

Pages hold text from the data (labels, IRIs, locators), so a page must not be able to run
anything but the site's own files, even if some markup slipped through escaping:

- ``Content-Security-Policy``: scripts, styles, fonts and connections from this origin only (no
  inline script, no ``eval``, no third-party origin); images also as ``data:`` (the favicon,
  pyLODE's icons); no plugins, no ``<base>``, no framing, forms post only here. YASGUI,
  Cytoscape.js and the site's scripts work under it (``tests/test_web_browser.py`` listens for
  violations): they mostly set styles through the CSSOM, which ``style-src`` does not govern.
  What they insert as ``<style>`` elements: YASR's result table (its column resizer) inserts two
  fixed style sheets, allowed by their exact SHA-256 (:data:`YASGUI_STYLES`; a test recomputes
  them from the installed YASGUI, so an upgrade that changes them fails loudly); Cytoscape.js's
  one rule is in ``static/network.css`` instead (see there). No ``'unsafe-inline'`` at all.
- ``X-Content-Type-Options: nosniff``: a JSON twin or a Turtle file is never run as a script or
  shown as HTML.
- ``X-Frame-Options: DENY`` (with ``frame-ancestors 'none'``): no clickjacking.
- ``Referrer-Policy: strict-origin-when-cross-origin``: outbound links (Wikidata, NUTS …) learn
  the site, not the page.

One response may relax the framing rule and nothing else: :func:`allow_framing` (the
reconciliation preview, which OpenRefine shows in a frame of its own page) sends
``frame-ancestors *`` and no ``X-Frame-Options``; the rest of its policy is the strict one.

The same headers go on every response (HTML, JSON, RDF, CSV, errors, static files): they cost
nothing where they do not apply and protect a response a browser renders after all. CORS
(``Access-Control-*`` on ``/sparql`` and the linked data) is set elsewhere and left alone.
"""

from __future__ import annotations

from flask import Flask, Response

#: The ``<style>`` texts YASR's table inserts (column-resizer): its base rules when a result
#: table is drawn, and ``*{cursor:col-resize!important}`` while a column is dragged.
YASGUI_STYLES = (
    "sha256-zCK2EVMoPc04mRF/g5CotUvxbJPWS+8V0b+s9ptqQIk=",
    "sha256-c0O6TmFAkgpNbHxKAa1BrveWHHopjEtC47i0PzMudxg=",
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' " + " ".join(f"'{digest}'" for digest in YASGUI_STYLES),
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


#: The policy of a response that other sites may frame: only ``frame-ancestors`` differs.
FRAMEABLE_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")


def allow_framing(response: Response) -> Response:
    """Let any site show this one response in a frame (see the module's description)."""
    response.kg_frameable = True  # type: ignore[attr-defined]
    return response


def security_headers(response: Response) -> Response:
    frameable = getattr(response, "kg_frameable", False)
    for name, value in HEADERS.items():
        if frameable and name == "X-Frame-Options":
            continue
        response.headers[name] = value
    if frameable:
        response.headers["Content-Security-Policy"] = FRAMEABLE_POLICY
    return response


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
