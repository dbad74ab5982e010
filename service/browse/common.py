"""What the browser's pages share: the store, the page number, the ``asof`` date, the page and its
JSON twin, the address suffix (``.ttl``, ``.json``…)."""

from __future__ import annotations

from datetime import date

from flask import Response, current_app, jsonify, render_template, request

from graph.store import GraphStore
from service.browse.i18n import build_of, current_lang, license_info
from service.browse.rdf import SUFFIXES
from service.errors import HttpError
from service.state import app_state


def store() -> GraphStore:
    return app_state().store


def page_int(name: str, default: int = 1) -> int:
    try:
        return max(1, int(request.args.get(name, default)))
    except ValueError:
        return default


def as_of(value: object, name: str = "asof") -> date | None:
    """A date parameter (``asof=YYYY-MM-DD``; empty means any date). Anything else is the
    client's mistake: a 400 naming the parameter and the value."""
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise HttpError(400, f"{name} must be a date YYYY-MM-DD, not {text!r}") from None


def twin(payload: dict, kind: str) -> dict:
    """The JSON twin of a page: its data, plus licence and where the data comes from."""
    lic = license_info(current_app.config["KG_LICENSE"])
    return {
        "page": kind,
        "lang": current_lang(),
        **payload,
        "license": lic["url"],
        "license_name": lic["name"],
        "provenance": "Every fact names its named graph, source document and locator.",
        "source": {"dataset": current_app.config["KG_BASE_IRI"], "build": build_of(current_app)},
    }


def render(template: str, payload: dict, kind: str, json_url: str, fmt: str | None) -> Response:
    body = twin(payload, kind)
    if fmt == "json":
        return jsonify(body)
    return Response(render_template(template, d=body, json_url=json_url))


def split_suffix(rest: str) -> tuple[str, str | None]:
    stem, dot, suffix = rest.rpartition(".")
    if dot and suffix in SUFFIXES:
        return stem, suffix
    return rest, None
