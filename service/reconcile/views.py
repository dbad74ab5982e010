"""A reconciliation service for OpenRefine (Reconciliation Service API 0.2) at ``/reconcile``.

- ``GET /reconcile``: the manifest; with ``queries=`` (GET or form-encoded POST, as OpenRefine
  sends it) a batch of reconciliation queries; with ``extend=`` a data extension.
- ``/reconcile/suggest/entity|type|property?prefix=…``: auto-completion.
- ``/reconcile/preview?id=…``: a small HTML card of a thing, which OpenRefine shows in a frame.
- ``/reconcile/propose_properties?type=…``: the properties a column of that type can be
  extended with.

Entity ids are the slugs of our things (``region-lan-14`` for ``…/id/region-lan-14``), type ids
the local names of the ontology's classes (``Region``), property ids those of
:data:`service.reconcile.extend.PROPERTIES`. README: "Reconciliation (OpenRefine)".
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from service import headers
from service.browse.catalog import get_catalog
from service.browse.common import as_of
from service.browse.i18n import current_lang
from service.browse.network import edge_table
from service.browse.search import get_index as search_index
from service.browse.terms import href, iri_of
from service.errors import HttpError
from service.reconcile.extend import (
    BY_ID,
    PROPERTIES,
    Extender,
    meta,
    proposed,
    slug_of,
)
from service.reconcile.index import KF, get_index
from service.reconcile.matching import Matcher, Query

bp = Blueprint("reconcile", __name__, url_prefix="/reconcile")

MAX_BATCH = 200  # queries in one batch request
MAX_IDS = 500  # things in one data extension request
MAX_LIMIT = 100  # candidates per query
MAX_TEXT = 1000  # characters of a query
DEFAULT_LIMIT = 10
#: The types OpenRefine offers first.
DEFAULT_TYPES = ("Region", "Municipality", "MunicipalFederation", "County", "GovernmentAgency",
                 "CompetenceCouncil", "Agreement", "Project", "LegalAct")


@bp.after_request
def open_to_scripts(response: Response) -> Response:
    """Reconciliation is public and read-only: web clients on other sites may call it."""
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


def _matcher() -> Matcher:
    return Matcher(search_index(), _extender())


def _extender() -> Extender:
    return Extender(get_index(), edge_table(), get_catalog(), current_lang())


def _json_param(name: str) -> Any:
    raw = request.values.get(name, "")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise HttpError(400, f"{name} must be JSON: {exc}") from None


def _type_iri(given: object) -> str:
    if not isinstance(given, str):
        raise HttpError(400, f"a type is a string, not {json.dumps(given, ensure_ascii=False)}")
    found = get_index().type_iri(given)
    if found is None:
        raise HttpError(400, f"unknown type {given!r}; /reconcile/suggest/type lists the types")
    return found


def _limit(raw: object, default: int = DEFAULT_LIMIT) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise HttpError(400, f"limit must be a whole number, not {raw!r}") from None
    if isinstance(raw, bool) or value < 1:
        raise HttpError(400, "limit must be at least 1")
    return min(value, MAX_LIMIT)


def parse_query(key: str, spec: object) -> Query:
    """One query of a batch, checked (what the 0.2 schema of a query allows)."""
    if not isinstance(spec, dict):
        raise HttpError(400, f"query {key!r} must be an object")
    unknown = set(spec) - {"query", "type", "limit", "properties", "type_strict"}
    if unknown:
        raise HttpError(400, f"query {key!r} has unknown fields: {', '.join(sorted(unknown))}")
    text = spec.get("query", "")
    if not isinstance(text, str):
        raise HttpError(400, f"query {key!r}: 'query' must be a string")
    if len(text) > MAX_TEXT:
        raise HttpError(400, f"query {key!r} is longer than {MAX_TEXT} characters")
    if spec.get("type_strict", "any") not in ("any", "should", "all"):
        raise HttpError(400, f"query {key!r}: type_strict is any, should or all")
    given = spec.get("type") or []
    types = [_type_iri(t) for t in (given if isinstance(given, list) else [given])]
    props = spec.get("properties") or []
    if not isinstance(props, list):
        raise HttpError(400, f"query {key!r}: 'properties' must be a list")
    constraints = []
    for prop in props:
        if not isinstance(prop, dict) or "pid" not in prop or "v" not in prop:
            raise HttpError(400, f"query {key!r}: each property is an object with 'pid' and 'v'")
        if prop["pid"] not in BY_ID:
            raise HttpError(400, f"query {key!r}: unknown property {prop['pid']!r}; "
                             "/reconcile/suggest/property lists the properties")
        values = prop["v"] if isinstance(prop["v"], list) else [prop["v"]]
        if not all(isinstance(v, str | int | float | dict) for v in values):
            raise HttpError(400, f"query {key!r}: a property value is a string, number or object")
        constraints.append((prop["pid"], values))
    if not text.strip() and not constraints:
        raise HttpError(400, f"query {key!r} has neither a 'query' text nor properties")
    return Query(" ".join(text.split()), types, _limit(spec.get("limit")), constraints)


def reconcile_batch(batch: object) -> dict:
    if not isinstance(batch, dict):
        raise HttpError(400, "queries must be a JSON object of named queries")
    if len(batch) > MAX_BATCH:
        raise HttpError(400, f"at most {MAX_BATCH} queries in one batch, not {len(batch)}")
    queries = {key: parse_query(key, spec) for key, spec in batch.items()}
    matcher, lang = _matcher(), current_lang()
    return {key: {"result": matcher.reconcile(q, lang)} for key, q in queries.items()}


def extend(spec: object) -> dict:
    if not isinstance(spec, dict) or not isinstance(spec.get("ids"), list) or \
            not isinstance(spec.get("properties"), list):
        raise HttpError(400, "extend must be a JSON object with the lists 'ids' and 'properties'")
    ids, props = spec["ids"], spec["properties"]
    if len(ids) > MAX_IDS:
        raise HttpError(400, f"at most {MAX_IDS} ids in one extension, not {len(ids)}")
    if not all(isinstance(i, str) for i in ids):
        raise HttpError(400, "each id is a string")
    wanted = []
    for prop in props:
        if not isinstance(prop, dict) or prop.get("id") not in BY_ID:
            raise HttpError(400, f"unknown property {json.dumps(prop, ensure_ascii=False)}; "
                             "/reconcile/propose_properties lists the properties")
        settings = prop.get("settings") or {}
        if not isinstance(settings, dict):
            raise HttpError(400, "a property's settings are an object")
        day = as_of(settings.get("asof"))
        cap = settings.get("limit")
        wanted.append((BY_ID[prop["id"]], day, None if cap in (None, "", 0, "0") else _limit(cap)))
    extender, cat = _extender(), get_catalog()
    rows: dict[str, dict] = {}
    for thing in ids:
        iri = thing if thing.startswith(iri_of("id", "")) else iri_of("id", thing)
        known = iri in cat.labels
        rows[thing] = {
            p.id: (extender.values(iri, p.id, day)[:limit] if known else [])
            for p, day, limit in wanted
        }
    index, lang = get_index(), current_lang()
    return {"meta": [meta(p, index, cat, lang) for p, _, _ in wanted], "rows": rows}


def manifest() -> dict:
    root = request.url_root.rstrip("/")
    cat, index, lang = get_catalog(), get_index(), current_lang()
    service = f"{root}/reconcile"
    return {
        "versions": ["0.2"],
        "name": "Kompetensgrafen",
        "identifierSpace": iri_of("id", ""),
        "schemaSpace": current_app.config["KG_BASE_IRI"] + "def#",
        "documentation": f"{root}/dataset",
        "view": {"url": f"{root}/id/{{{{id}}}}"},
        "defaultTypes": [{"id": t, "name": cat.label(index.classes[t], lang)}
                         for t in DEFAULT_TYPES if t in index.classes],
        "preview": {"url": f"{service}/preview?id={{{{id}}}}", "width": 420, "height": 220},
        "suggest": {
            kind: {"service_url": service, "service_path": f"/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {"service_url": service, "service_path": "/propose_properties"},
            "property_settings": [
                {"name": "asof", "label": "As of date (YYYY-MM-DD) / Per datum", "type": "text",
                 "default": "",
                 "help_text": "Only relations valid on this date; empty: all. "
                              "Bara relationer som gällde detta datum; tomt: alla."},
                {"name": "limit", "label": "Limit / Högst", "type": "number", "default": 0,
                 "help_text": "The most values per cell; 0: all. Högst så många värden; 0: alla."},
            ],
        },
    }


@bp.route("", methods=["GET", "POST"], strict_slashes=False)
def service_root():
    if "queries" in request.values:
        return jsonify(reconcile_batch(_json_param("queries")))
    if "extend" in request.values:
        return jsonify(extend(_json_param("extend")))
    return jsonify(manifest())


def _prefix() -> str:
    prefix = " ".join(request.args.get("prefix", "").split())
    if len(prefix) > MAX_TEXT:
        raise HttpError(400, f"prefix is longer than {MAX_TEXT} characters")
    return prefix


def _cursor() -> int:
    raw = request.args.get("cursor", "0")
    if not raw.isdigit():
        raise HttpError(400, f"cursor must be a whole number, not {raw!r}")
    return int(raw)


@bp.get("/suggest/entity")
def suggest_entity():
    prefix, cursor, lang = _prefix(), _cursor(), current_lang()
    types = [_type_iri(t) for t in request.args.getlist("type") if t]
    matcher = _matcher()
    found = [iri for iri, _ in matcher.search.ranked(prefix) if matcher.wanted(iri, types)] \
        if prefix else []
    result = []
    for iri in found[cursor: cursor + DEFAULT_LIMIT]:
        hit = matcher.search.hit(iri, lang)
        entry = {"id": slug_of(iri), "name": hit["label"],
                 "notable": [{"id": t[len(KF):], "name": get_catalog().label(t, lang)}
                             for t in get_index().own_types(iri)]}
        if hit["description"]:
            entry["description"] = hit["description"]
        result.append(entry)
    return jsonify({"result": result})


@bp.get("/suggest/type")
def suggest_type():
    prefix, cursor, lang = _prefix().casefold(), _cursor(), current_lang()
    cat, index = get_catalog(), get_index()
    found = sorted(
        (cat.label(iri, lang), local)
        for local, iri in index.classes.items()
        if any(prefix in text.casefold() for text in (local, *cat.labels.get(iri, {}).values()))
    )
    return jsonify({"result": [{"id": local, "name": name}
                               for name, local in found[cursor: cursor + DEFAULT_LIMIT]]})


@bp.get("/suggest/property")
def suggest_property():
    prefix, cursor, lang = _prefix().casefold(), _cursor(), current_lang()
    found = [p for p in PROPERTIES
             if any(prefix in text.casefold() for text in (p.id, p.sv, p.en))]
    return jsonify({"result": [{"id": p.id, "name": p.name(lang)}
                               for p in found[cursor: cursor + DEFAULT_LIMIT]]})


@bp.get("/propose_properties")
def propose_properties():
    given = request.args.get("type", "")
    type_iri = _type_iri(given) if given else None
    limit = _limit(request.args.get("limit"), len(PROPERTIES))
    lang = current_lang()
    body: dict = {"properties": [{"id": p.id, "name": p.name(lang)}
                                 for p in proposed(_extender(), type_iri, limit)],
                  "limit": limit}
    if given:
        body["type"] = given
    return jsonify(body)


@bp.get("/preview")
def preview():
    thing = request.args.get("id", "")
    iri = iri_of("id", thing)
    cat = get_catalog()
    if not thing or iri not in cat.labels:
        raise HttpError(404, f"Nothing in the graph has the id {thing!r}")
    lang, index = current_lang(), get_index()
    hit = search_index().hit(iri, lang)
    card = {
        "label": hit["label"],
        "href": href(iri),
        "types": [cat.label(t, lang) for t in index.own_types(iri)],
        "alt_labels": hit["alt_labels"],
        "also_called": "Även kallad" if lang == "sv" else "Also called",
        "codes": [(BY_ID[pid].name(lang), ", ".join(codes))
                  for pid, codes in index.codes.get(iri, {}).items()],
        "description": hit["description"],
    }
    response = Response(render_template("reconcile/preview.html", d=card))
    headers.allow_framing(response)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
