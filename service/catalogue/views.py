"""The research query catalogue: ``queries/catalogue/*.rq`` as pages, JSON, CSV and snippets.

URL scheme (one stable URL per query; parameters are URL arguments named after the query's
``#+ param:`` lines, left out = the default)::

    /queries                 the list (tags, Swedish and English summaries); /queries.json
    /queries/<name>          form, results table, chart/network, editor link, Python and R snippets
    /queries/<name>.json     the same page as data: query, parameters, columns, rows, truncated
    /queries/<name>.csv      the rows as CSV (header ``X-KG-Truncated: true`` when cut)
    /queries/<name>.csv-metadata.json   its CSV on the Web metadata (:mod:`service.dataset.csvw`)

A parameter value that does not fit its type is a 400 with the reason. Answers are capped at
``KG_MAX_ROWS`` rows (or triples) with an explicit ``truncated`` flag. Queries run as the
``/sparql`` endpoint's do: on its query engine (killable worker processes for the embedded store),
under ``KG_QUERY_TIMEOUT`` (504) and ``KG_MAX_CONCURRENT`` (503), with the values as
``substitutions`` — they never enter the query text.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from graph import queries
from graph.sparql_text import bind_values
from graph.store import QueryError, StoreError
from service.browse.catalog import get_catalog
from service.browse.i18n import current_lang
from service.browse.labels import inferred, readable
from service.catalogue.data import (
    Answer,
    Refused,
    bar_chart,
    cell,
    job,
    network,
    options,
    r_snippet,
    read,
)
from service.catalogue.data import snippet as python_snippet
from service.dataset import csvw
from service.errors import HttpError, ServerFault
from service.sparql.endpoint import guarded, limit_error, query_timeout, state
from service.sparql.engine import EngineBusy, QueryTimeout
from service.sparql.gate import Refused as GateRefused
from service.sparql.gate import check_federation
from service.state import app_state

bp = Blueprint("catalogue", __name__)
FOLDER = "catalogue"
FORMATS = ("json", "csv")


def catalogue() -> dict[str, queries.QueryFile]:
    """The catalogue's queries by name (read once per process, in file-name order)."""
    return app_state().query_files(FOLDER)


def describe(qf: queries.QueryFile) -> dict:
    """What the list and every page say about a query (no answer)."""
    return {
        "name": qf.name,
        "url": f"/queries/{qf.name}",
        "summary": qf.summary,
        "summary_sv": qf.summary_sv,
        "description": qf.description,
        "description_sv": qf.description_sv,
        "tags": qf.tags,
        "view": qf.view,
        "form": qf.form,
        "params": [p.as_dict() for p in qf.params],
    }


def _pick(qf: queries.QueryFile, key: str, lang: str) -> str:
    return (qf.get(f"{key}_sv") if lang == "sv" else "") or qf.get(key)


@bp.get("/queries")
@bp.get("/queries.json")
def index():
    lang = current_lang()
    items = []
    for qf in catalogue().values():
        item = describe(qf)
        item["title"] = _pick(qf, "summary", lang)
        items.append(item)
    tags = sorted({tag for item in items for tag in item["tags"]}, key=str.casefold)
    payload = {"queries": items, "tags": tags, "count": len(items),
               "url_scheme": "/queries/<name>[.json|.csv]?<param>=<value>…"}
    if request.path.endswith(".json"):
        return jsonify(payload)
    tag = request.args.get("tag", "")
    shown = [i for i in items if not tag or tag in i["tags"]]
    return render_template("catalogue/index.html", d=payload, shown=shown, tag=tag,
                           json_url="/queries.json")


@bp.get("/queries/<name>")
def page(name: str):
    fmt = None
    stem, dot, ext = name.rpartition(".")
    if name.endswith(".csv" + csvw.METADATA):  # the CSV's CSVW metadata
        name, fmt = name[: -len(".csv" + csvw.METADATA)], "csvm"
    elif dot and ext in FORMATS:
        name, fmt = stem, ext
    qf = catalogue().get(name)
    if qf is None:
        raise HttpError(404, f"no catalogue query named {name!r}; see /queries")
    lang = current_lang()
    raw = {p.name: request.args.get(p.name, "") or (lang if p.name == "lang" else "")
           for p in qf.params}  # a query's `lang` parameter follows the page's language
    try:
        bindings = qf.bind(raw)
    except queries.ParamError as exc:
        return _failed(qf, fmt, raw, {}, 400, str(exc))
    timeout = query_timeout()
    try:
        answer = _answer(qf, bindings, timeout)
    except QueryError as exc:  # Refused included: a SERVICE this endpoint does not allow
        message = str(exc) if isinstance(exc, Refused) else f"the query could not run: {exc}"
        return _failed(qf, fmt, raw, bindings, 400, message)
    except (QueryTimeout, EngineBusy) as exc:  # the endpoint's guards: 504 and 503
        limit = limit_error(exc, timeout)
        return _failed(qf, fmt, raw, bindings, limit.status, limit.message, limit.headers)
    except StoreError as exc:
        raise ServerFault("the store failed while answering the catalogue query", exc) from None
    answer = readable(answer, get_catalog(), lang, inferred())  # label columns, inferences
    data = _page_data(qf, raw, bindings, answer, lang)
    if fmt == "json":
        response = jsonify(data)
    elif fmt == "csv":
        response = csvw.answer_csv(answer, f"{qf.name}.csv")
    elif fmt == "csvm":
        response = csvw.query_metadata(qf, answer)
    else:
        return _html(qf, data)
    if answer.truncated:
        response.headers["X-KG-Truncated"] = "true"
        response.headers["X-KG-Row-Limit"] = str(_max_rows())
    return response


def _failed(
    qf: queries.QueryFile,
    fmt: str | None,
    raw: dict,
    bindings: dict,
    status: int,
    message: str,
    headers: dict | None = None,
) -> Response:
    """The error answer: the service's error shape for the JSON and CSV twins, the page with its
    form and the message otherwise."""
    if fmt:
        raise HttpError(status, message, headers=headers)
    data = _page_data(qf, raw, bindings, None, current_lang())
    data["error"] = message
    response = _html(qf, data, status=status)
    response.headers.extend(headers or {})
    return response


def _max_rows() -> int:
    return int(current_app.config.get("KG_MAX_ROWS") or 10_000)


def _answer(qf: queries.QueryFile, bindings: dict, timeout: float) -> Answer:
    """Run ``qf`` as the endpoint runs a query: on its query engine, within its time limit and
    concurrency limit (raises QueryError, StoreError, QueryTimeout or EngineBusy)."""
    try:  # the text is the catalogue's own; values arrive as substitutions, never in the text
        check_federation(qf.text, current_app.config.get("KG_SERVICE_ALLOWLIST") or [],
                         update=False)
    except GateRefused as exc:
        raise Refused(f"this query may not run here: {exc}") from exc
    return read(guarded(state(), job(qf, bindings, _max_rows()), timeout))


def _page_data(qf, raw: dict, bindings: dict, answer: Answer | None, lang: str) -> dict:
    params = []
    for p in qf.params:
        entry = p.as_dict()
        entry["value"] = raw.get(p.name) or p.default
        entry["term"] = str(bindings[p.name]) if p.name in bindings else None
        if p.cls:
            entry["options"] = options(app_state().store, p.cls, lang)
        params.append(entry)
    given = {k: v for k, v in raw.items() if v}
    suffix = ("?" + urlencode(given)) if given else ""
    sparql = bind_values(qf.text, bindings)
    endpoint = request.url_root.rstrip("/") + "/sparql"
    data = {
        "query": {**describe(qf), "text": qf.text, "title": _pick(qf, "summary", lang),
                  "about": _pick(qf, "description", lang)},
        "parameters": params,
        "sparql": sparql,
        "endpoint": endpoint,
        "links": {
            "html": f"/queries/{qf.name}{suffix}",
            "json": f"/queries/{qf.name}.json{suffix}",
            "csv": f"/queries/{qf.name}.csv{suffix}",
            "csv_metadata": f"/queries/{qf.name}.csv{csvw.METADATA}{suffix}",
            "editor": "/editor?" + urlencode({"query": sparql, "tabTitle": qf.name}),
        },
        "snippet": python_snippet(sparql, endpoint, qf.form),
        "snippet_r": r_snippet(sparql, endpoint, qf.form),
    }
    if answer is not None:
        rows = [{c: cell(v) for c, v in zip(answer.columns, row, strict=True) if v is not None}
                for row in answer.rows]
        data.update(columns=answer.columns, rows=rows, row_count=len(rows),
                    truncated=answer.truncated, max_rows=_max_rows())
        if qf.view == "bar":
            data["chart"] = bar_chart(answer.columns, rows, qf.get("chart"))
        if qf.view == "network" and answer.form == "CONSTRUCT":
            focus = next((v.value for v in bindings.values() if isinstance(v, ox.NamedNode)), None)
            data["network"] = network(answer.triples, lang, focus)
    return data


def _html(qf, data: dict, status: int = 200) -> Response:
    json_url = data["links"]["json"]
    body = render_template("catalogue/query.html", d=data, json_url=json_url)
    return Response(body, status=status, content_type="text/html; charset=utf-8")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
