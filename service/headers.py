"""Security headers on every response of the service (README, "Browsing": *Security headers*).

Pages hold text from the data (labels, IRIs, locators), so a page must not be able to run
anything but the site's own files, even if some markup slipped through escaping:

- ``Content-Security-Policy``: scripts, styles, fonts and connections from this origin only (no
  inline script, no ``eval``, no third-party origin); images also as ``data:`` (the favicon,
  pyLODE's icons); no plugins, no ``<base>``, no framing, forms post only here. YASGUI,
  Cytoscape.js and the site's scripts work under it as they are (``tests/test_web_browser.py``
  listens for violations): they set styles through the CSSOM, which ``style-src`` does not
  govern, so no ``'unsafe-inline'`` is needed.
- ``X-Content-Type-Options: nosniff``: a JSON twin or a Turtle file is never run as a script or
  shown as HTML.
- ``X-Frame-Options: DENY`` (with ``frame-ancestors 'none'``): no clickjacking.
- ``Referrer-Policy: strict-origin-when-cross-origin``: outbound links (Wikidata, NUTS …) learn
  the site, not the page.

The same headers go on every response (HTML, JSON, RDF, CSV, errors, static files): they cost
nothing where they do not apply and protect a response a browser renders after all. CORS
(``Access-Control-*`` on ``/sparql`` and the linked data) is set elsewhere and left alone.
"""

from __future__ import annotations

from flask import Flask, Response

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
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


def security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    app.after_request(security_headers)
