"""The dataset description and the downloads: ``/.well-known/void``, ``/dataset``, ``/data/…``.

``/dataset`` and ``/.well-known/void`` answer the same VoID + DCAT description (built by
:func:`graph.void.describe` from the live store) as Turtle, JSON-LD, RDF/XML, N-Triples or an
HTML page. ``/data/`` lists the dumps; ``/data/kompetensgraf.{trig,nq,ttl,jsonld}`` sends them from
the on-disk cache (:class:`graph.dumps.DumpCache`), written again whenever the store version
changes, with ``ETag`` (the store version), ``Last-Modified`` and ``Content-Disposition``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, render_template, request, send_file

from graph.dumps import DUMP_FORMATS, DumpCache, Dumps
from graph.formats import DOCUMENT_FORMATS, HTML, JSON, media_type, media_types
from graph.namespaces import PREFIXES, compact
from graph.store import StoreError
from graph.void import VCARD, counts, describe
from service.browse.i18n import current_lang
from service.dataset.csvw import table_list
from service.errors import HttpError, ServerFault
from service.negotiation import from_format, negotiate
from service.state import app_state

bp = Blueprint("dataset", __name__)

#: RDF serialisations of the description, in the server's order (rdflib knows them by media type)
RDF_OFFERS = media_types(DOCUMENT_FORMATS)
JSON_LD = media_type(ox.RdfFormat.JSON_LD)

STRINGS = {
    "title": {"sv": "Datamängden och nedladdningar", "en": "The dataset and downloads"},
    "intro": {
        "sv": "Beskrivningen nedan räknas fram ur den levande grafen (VoID och DCAT enligt "
        "DCAT-AP-SE). Dumparna skrivs om när grafen ändras.",
        "en": "The description below is counted from the live graph (VoID and DCAT following "
        "DCAT-AP-SE). The dumps are written again whenever the graph changes.",
    },
    "counts": {"sv": "Antal", "en": "Counts"},
    "triples": {"sv": "Tripler (i alla namngivna grafer)", "en": "Triples (in all named graphs)"},
    "entities": {"sv": "Entiteter (subjekt med IRI)", "en": "Entities (subjects with an IRI)"},
    "distinctSubjects": {"sv": "Distinkta subjekt", "en": "Distinct subjects"},
    "distinctObjects": {"sv": "Distinkta objekt", "en": "Distinct objects"},
    "classes": {"sv": "Klasser", "en": "Classes"},
    "properties": {"sv": "Egenskaper", "en": "Properties"},
    "graphs": {"sv": "Namngivna grafer", "en": "Named graphs"},
    "downloads": {"sv": "Nedladdningar", "en": "Downloads"},
    "format": {"sv": "Format", "en": "Format"},
    "size": {"sv": "Storlek (byte)", "en": "Size (bytes)"},
    "content": {"sv": "Innehåll", "en": "Content"},
    "version": {"sv": "Grafens version", "en": "Graph version"},
    "description_as": {"sv": "Beskrivningen som", "en": "The description as"},
    "linksets": {"sv": "Länkar till andra datamängder", "en": "Links to other datasets"},
    "links": {"sv": "länkar", "en": "links"},
    "no_links": {"sv": "inga IRI-länkar", "en": "no IRI links"},
    "class_partitions": {"sv": "Instanser per klass", "en": "Instances per class"},
    "class": {"sv": "Klass", "en": "Class"},
    "subsets": {"sv": "Namngivna grafer och källor", "en": "Named graphs and sources"},
    "graph": {"sv": "Graf", "en": "Graph"},
    "source": {"sv": "Källa", "en": "Source"},
    "endpoint": {"sv": "SPARQL-ändpunkt", "en": "SPARQL endpoint"},
    "federation": {
        "sv": "Federerade frågor mot Wikidata: se frågan federation-wikidata-codes i "
        "frågekatalogen (kräver att ändpunkten tillåter Wikidata i KG_SERVICE_ALLOWLIST).",
        "en": "Federated queries with Wikidata: see the query federation-wikidata-codes in the "
        "catalogue (the endpoint must allow Wikidata in KG_SERVICE_ALLOWLIST).",
    },
    "data_title": {"sv": "Nedladdningar", "en": "Downloads"},
    "tables": {"sv": "Referenstabeller (CSV)", "en": "Reference tables (CSV)"},
    "tables_intro": {
        "sv": "Tabellerna frågas fram ur grafen vid varje nedladdning. Varje CSV-fil har en "
        "beskrivning enligt W3C:s CSV on the Web (kolumner, datatyper, IRI-mallar, licens).",
        "en": "The tables are queried from the graph at every download. Each CSV file has a "
        "description following W3C's CSV on the Web (columns, datatypes, IRI templates, licence).",
    },
    "table": {"sv": "Tabell", "en": "Table"},
    "metadata": {"sv": "Beskrivning (CSVW)", "en": "Description (CSVW)"},
    "allowed": {"sv": "Den här ändpunkten får anropa:", "en": "This endpoint may call:"},
    "service_off": {"sv": "SERVICE är avstängt på den här ändpunkten.",
                    "en": "SERVICE is off on this endpoint."},
}


def init_app(app: Flask) -> None:
    store = app_state(app).store
    folder = app.config.get("KG_DUMP_DIR") or _default_dump_dir(app.config.get("KG_STORE", ""))
    # KG_DUMP_TOKEN: set by ``serve --processes N`` (read-only) so that its processes share dumps
    app_state(app).dumps = DumpCache(store, folder, app.config.get("KG_DUMP_TOKEN"))
    app.register_blueprint(bp)


def _default_dump_dir(store_path: str) -> Path:
    """``dumps/`` beside the store (``var/dumps`` for ``var/store``), else a temporary folder."""
    if store_path:
        return Path(store_path).absolute().parent / "dumps"
    return Path(tempfile.gettempdir()) / "kompetensgraf-dumps"  # created on the first download


def _lang() -> str:

    return current_lang()


def _s(key: str) -> str:
    entry = STRINGS.get(key, {})
    return entry.get(_lang()) or entry.get("sv", key)


def _stats() -> dict:
    """The counts for the current store version (computed once per version)."""
    return app_state().derived("dataset-stats", counts)


def _base_url() -> str:
    return request.host_url.rstrip("/")


def _choose(offers: list[str]) -> str | None:
    fmt = request.args.get("format")
    if fmt:
        chosen = from_format(fmt, offers)
        if chosen is None and fmt.lower() == "json" and JSON in offers:
            return JSON
        return chosen
    return negotiate(request.headers.get("Accept"), offers)


def _not_acceptable(offers: list[str]) -> HttpError:
    return HttpError(406, "none of the offered formats is acceptable: " + ", ".join(offers))


@bp.get("/dataset")
def dataset() -> Response:
    return _description([HTML, *RDF_OFFERS])


@bp.get("/.well-known/void")
def well_known_void() -> Response:
    # A VoID consumer asking with */* gets Turtle; a browser naming text/html gets the page.
    return _description([*RDF_OFFERS, HTML])


def _description(offers: list[str]) -> Response:
    media = _choose(offers)
    if media is None:
        raise _not_acceptable(offers)
    store = app_state().store
    try:
        dumps = app_state().dumps.current()
        stats = _stats()
        if media == HTML:
            return _html_page(stats, dumps)
        graph = describe(store, _base_url(), current_app.config, dumps, stats)
    except StoreError as exc:
        raise ServerFault("the store could not be read", exc) from None
    except OSError as exc:
        raise ServerFault("the dumps could not be written", exc) from None
    context = {**PREFIXES, "vcard": str(VCARD)} if media == JSON_LD else None
    extra = {"context": context, "auto_compact": True} if context else {}
    body = graph.serialize(format=media, encoding="utf-8", **extra)
    response = Response(body, content_type=f"{media}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    response.add_etag()  # from the body: it depends on the host name as well as the version
    return response.make_conditional(request)


def _downloads(dumps: Dumps) -> list[dict]:
    lang = _lang()
    return [
        {
            "format": key,
            "filename": fmt.filename,
            "url": f"{_base_url()}/data/{fmt.filename}",
            "mediaType": fmt.media_type,
            "bytes": dumps.sizes[key],
            "namedGraphs": fmt.quads,
            "label": fmt.label_sv if lang == "sv" else fmt.label_en,
        }
        for key, fmt in DUMP_FORMATS.items()
    ]


def _allowed_services() -> list[str]:
    allowed = current_app.config.get("KG_SERVICE_ALLOWLIST") or []
    return allowed.replace(",", " ").split() if isinstance(allowed, str) else list(allowed)


def _html_page(stats: dict, dumps: Dumps) -> Response:
    page = render_template(
        "dataset/dataset.html",
        s=_s,
        stats=stats,
        downloads=_downloads(dumps),
        tables=table_list(_base_url(), _lang()),
        version=dumps.version,
        compact=compact,
        endpoint=f"{_base_url()}/sparql",
        allowed=_allowed_services(),
        json_url="/dataset?format=jsonld",
        formats=[
            ("Turtle", "ttl"),
            ("JSON-LD", "jsonld"),
            ("RDF/XML", "rdfxml"),
            ("N-Triples", "nt"),
        ],
    )
    response = Response(page, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/data/")
def data_list() -> Response:
    offers = [HTML, JSON]
    media = _choose(offers)
    if media is None:
        raise _not_acceptable(offers)
    try:
        dumps = app_state().dumps.current()
    except (StoreError, OSError) as exc:
        raise ServerFault("the dumps could not be written", exc) from None
    data = {
        "version": dumps.version,
        "generatedAt": dumps.generated_at.isoformat(),
        "license": current_app.config.get("KG_LICENSE"),
        "description": f"{_base_url()}/dataset",
        "dumps": _downloads(dumps),
        "tables": table_list(_base_url(), _lang()),
    }
    if media == JSON:
        response = current_app.json.response(data)
    else:
        page = render_template("dataset/data.html", s=_s, data=data, json_url="/data/?format=json")
        response = Response(page, content_type="text/html; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/data/<name>")
def dump(name: str) -> Response:
    """One dump file; ``ETag`` names the store version, so a changed store means a new ETag."""
    _stem, _, key = name.rpartition(".")
    fmt = DUMP_FORMATS.get(key)
    if fmt is None or fmt.filename != name:
        known = ", ".join(f.filename for f in DUMP_FORMATS.values())
        raise HttpError(404, f"no dump named {name!r}; the dumps are: {known}")
    try:
        dumps = app_state().dumps.current()
    except (StoreError, OSError) as exc:
        raise ServerFault("the dumps could not be written", exc) from None
    response = send_file(
        dumps.path(key),
        mimetype=fmt.media_type,
        as_attachment=True,
        download_name=fmt.filename,
        etag=dumps.etag,
        last_modified=dumps.generated_at,
        conditional=True,
        max_age=0,
    )
    response.cache_control.no_cache = True
    return response
