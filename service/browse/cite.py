"""Citations of the dataset, of every source document and of every entity ("Cite this").

URLs (one per thing; the suffix picks the format, ``Accept`` works too)::

    /cite                                  the dataset: formatted citation and downloads (HTML)
    /cite.bib  /cite.ris  /cite.csl.json   the dataset in BibTeX, RIS, CSL-JSON
    /cite/source/<slug>[.bib|.ris|.csl.json]   a source document
    /cite/id/<slug>[.bib|.ris|.csl.json]       an entity: the dataset, at the entity's IRI,
                                               followed by the entity's source documents
    … .json                                 the page's data (the house's JSON twin)

Every citation names the persistent IRIs (``KG_BASE_IRI``, https://w3id.org/kompetensgraf/),
never the host that serves the request, and the release: the package version and the build.
The dataset and entities are accessed today (the date of the request); a source document was
read on the date the data records for it. A field the data does not give is left out of the
citation and listed as missing, never invented. The source documents' fields come from
``queries/quality/citation-fields.rq`` through :data:`FIELDS`, the one table of which property
gives which field.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request

from graph import queries
from graph.namespaces import PREFIXES
from service.browse.catalog import Catalog, browse_query, get_catalog
from service.browse.cite_formats import (
    MEDIA,
    Citation,
    ascii_key,
    formatted,
    slug_key,
    to_bibtex,
    to_csl,
    to_ris,
)
from service.browse.i18n import build_of, current_lang, license_info
from service.browse.terms import iri_of, local_path, named, sort_key
from service.errors import HttpError
from service.negotiation import negotiate
from service.state import app_state

bp = Blueprint("cite", __name__)

DCT, FOAF, SCHEMA = PREFIXES["dct"], PREFIXES["foaf"], PREFIXES["schema"]
KF, RDFS, DCAT = PREFIXES["kf"], PREFIXES["rdfs"], PREFIXES["dcat"]

#: Which properties give which citation field of a source document, best first. One table for
#: the citations and the quality page; align it with docs/model.md when the vocabulary moves.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": (DCT + "title", RDFS + "label"),
    "creator": (DCT + "creator", SCHEMA + "author", SCHEMA + "creator"),
    "publisher": (DCT + "publisher", SCHEMA + "publisher", KF + "issuedBy"),
    "issued": (DCT + "issued", SCHEMA + "datePublished", DCT + "created"),
    "undated": (KF + "undated",),  # true: the source gives no date (cited as n.d.)
    "accessed": (KF + "accessed",),  # the day the source was read (never guessed)
    "url": (FOAF + "page", SCHEMA + "url", DCAT + "landingPage", DCAT + "accessURL"),
    "identifier": (DCT + "identifier", KF + "sfsNumber", KF + "esfDiarienummer",
                   PREFIXES["eli"] + "id_local"),
}
#: What a citation needs: each requirement is met by any of its fields (the quality page lists
#: the documents that miss one, by these names).
REQUIRED: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "creator/publisher": ("creator", "publisher"),
    "issued": ("issued", "undated"),
    "accessed": ("accessed",),
    "url/identifier": ("url", "identifier"),
}
PROJECT = {"sv": "Projektet Kompetensgrafen", "en": "Kompetensgrafen project"}
DATASET_TITLE = {
    "sv": "Kompetensgrafen: kunskapsgraf över regional kompetensförsörjning och validering",
    "en": "Kompetensgrafen: knowledge graph of regional competence supply and validation",
}


# --------------------------------------------------------------------------- reading the store


def release() -> dict[str, str]:
    """The release cited: the package version and the build the served data comes from."""
    try:
        pkg = package_version("kompetensgraf")
    except PackageNotFoundError:  # running from a source tree that is not installed
        pkg = "0"
    store = app_state().store
    info = getattr(store, "info", None) or {}
    return {"version": pkg, "build": build_of(current_app),
            "built": str(info.get("built_at") or "")[:10]}


def fields_of(rows: list[dict], cat: Catalog, lang: str) -> dict[str, list[str]]:
    """A document's rows (``property``, ``value``) as citation fields, in :data:`FIELDS` order.
    IRIs of things in the graph are given by their (Swedish, else any) name."""
    by_property: dict[str, list] = {}
    for row in rows:
        by_property.setdefault(row["property"].value, []).append(row["value"])
    out: dict[str, list[str]] = {}
    for name, properties in FIELDS.items():
        for prop in properties:
            values = by_property.get(prop)
            if not values:
                continue
            if name == "title":  # the page's language first, then any
                values = sorted(values, key=lambda v: getattr(v, "language", None) != lang)
            texts = [_text(v, cat, name) for v in values]
            if name == "undated":
                texts = [x for x in texts if x in ("true", "1")]
            if name in ("creator", "publisher"):  # the data gives no order: a stable one
                texts = sorted(texts, key=sort_key)
            out[name] = list(dict.fromkeys(x for x in texts if x))
            break
    return out


def _text(term, cat: Catalog, name: str) -> str:
    if isinstance(term, ox.NamedNode):
        if name in ("url",):
            return term.value
        return cat.label(term.value, "sv") if cat.labels.get(term.value) else term.value
    if isinstance(term, ox.Literal):
        value = term.value.strip()
        return value[:10] if name in ("issued", "accessed") else value
    return ""


def missing_fields(fields: dict[str, list[str]]) -> list[str]:
    return [need for need, names in REQUIRED.items() if not any(fields.get(n) for n in names)]


def all_documents(rows: list[dict], cat: Catalog, lang: str) -> dict[str, dict[str, list[str]]]:
    """Every source document's citation fields, from the rows of ``citation-fields.rq``."""
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row["doc"].value, []).append(row)
    return {doc: fields_of(r, cat, lang) for doc, r in grouped.items()}


def document(store, cat: Catalog, iri: str, lang: str) -> Citation | None:
    """The citation of one source document (``None`` when ``iri`` is not one)."""
    text = queries.text("quality", "citation-fields")
    rows = store.select(text, substitutions={"doc": ox.NamedNode(iri)})
    if not rows:
        return None
    found = fields_of(rows, cat, lang)
    first = {name: (values[0] if values else None) for name, values in found.items()}
    authors = found.get("creator") or found.get("publisher") or []
    title = first.get("title") or cat.label(iri, lang)
    language = next((r["value"].language for r in rows if isinstance(r["value"], ox.Literal)
                     and r["property"].value in FIELDS["title"] and r["value"].value == title
                     and r["value"].language), None)
    return Citation(
        key=slug_key(iri),
        kind="document",
        title=title,
        authors=authors,
        publisher=first.get("publisher"),
        issued=first.get("issued"),
        accessed=first.get("accessed"),
        url=first.get("url"),
        identifier="; ".join(found.get("identifier", [])) or None,
        missing=missing_fields(found),
        language=language,
    )


def dataset(lang: str, iri: str | None = None) -> Citation:
    """The dataset's citation (at ``iri``, an IRI inside it, when given), accessed today."""
    rel = release()
    today = datetime.now(UTC).date().isoformat()
    base = current_app.config["KG_BASE_IRI"]
    return Citation(
        key="kompetensgrafen-" + ascii_key(rel["build"] or rel["version"]),
        kind="dataset",
        title=DATASET_TITLE[lang],
        authors=[PROJECT[lang]],
        publisher=PROJECT[lang],
        issued=rel["built"] or today[:4],
        accessed=today,
        url=iri or base,
        version=f"{rel['version']}+{rel['build']}" if rel["build"] else rel["version"],
        license=license_info(current_app.config["KG_LICENSE"])["name"],
        language=lang,
    )


def entity(store, cat: Catalog, iri: str, lang: str) -> tuple[Citation, list[Citation]]:
    """An entity: the dataset cited at the entity's IRI, naming its source documents; and the
    citations of those documents."""
    text = queries.text("cite", "entity-sources")
    rows = store.select(text, substitutions={"thing": ox.NamedNode(iri)})
    docs = [d for d in (document(store, cat, r["doc"].value, lang) for r in rows) if d]
    base = dataset(lang, iri)
    cited = Citation(
        **{**asdict(base), "key": base.key + "-" + slug_key(iri), "kind": "entity",
           "title": cat.label(iri, lang), "container": base.title,
           "sources": [d.title for d in docs]},
    )
    return cited, docs


# --------------------------------------------------------------------------- the formats


# --------------------------------------------------------------------------- pages


def citations_for(iri: str | None, lang: str) -> list[Citation] | None:
    """What citing ``iri`` downloads (``None``: not a thing to cite): the dataset when ``iri``
    is ``None``; a source document; an entity followed by its source documents."""
    store, cat = app_state().store, get_catalog()
    if iri is None:
        return [dataset(lang)]
    if KF + "SourceDocument" in cat.types.get(iri, []):
        doc = document(store, cat, iri, lang)
        return [doc] if doc else None
    node = named(iri)  # None: no valid IRI (an address with bytes that are not UTF-8, say)
    if node is None or not store.ask(browse_query("exists"), substitutions={"x": node}):
        return None
    cited, docs = entity(store, cat, iri, lang)
    return [cited, *docs]


def block(iri: str | None = None) -> dict:
    """What a page's "Cite this" block shows: the formatted citation and the download links."""
    lang = current_lang()
    items = citations_for(iri, lang) or []
    path = "/cite" if iri is None else "/cite" + (local_path(iri) or "")
    return {
        "text": formatted(items[0], lang) if items else "",
        "missing": items[0].missing if items else [],
        "page": path,
        "downloads": {suffix: f"{path}.{suffix}" for suffix in MEDIA},
    }


def _split(rest: str) -> tuple[str, str | None]:
    for suffix in (*MEDIA, "json"):
        if rest.endswith("." + suffix):
            return rest[: -len(suffix) - 1], suffix
    return rest, None


def _answer(items: list[Citation], suffix: str | None, name: str, path: str) -> Response:
    lang = current_lang()
    if suffix is None:
        offers = ["text/html", *MEDIA.values()]
        chosen = negotiate(request.headers.get("Accept"), offers)
        if chosen is None:
            raise HttpError(406, "Not acceptable; available: " + ", ".join(offers))
        suffix = next((s for s, m in MEDIA.items() if m == chosen), None)
    if suffix in MEDIA:
        if suffix == "bib":
            body = to_bibtex(items, lang)
        elif suffix == "ris":
            body = to_ris(items, lang)
        else:
            body = json.dumps(to_csl(items, lang), ensure_ascii=False, indent=2)
        response = Response(body, content_type=f"{MEDIA[suffix]}; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{suffix}"'
        response.headers["Vary"] = "Accept"
        return response
    data = {
        "page": "cite",
        "lang": lang,
        "citations": [{**asdict(c), "text": formatted(c, lang)} for c in items],
        "downloads": {s: f"{path}.{s}" for s in MEDIA},
        "csl": to_csl(items, lang),
    }
    if suffix == "json":
        return jsonify(data)
    return Response(render_template("cite/cite.html", d=data, json_url=f"{path}.json"))


@bp.get("/cite")
@bp.get("/cite.<path:suffix>")
def cite_dataset(suffix: str | None = None):
    if suffix is not None and suffix not in (*MEDIA, "json"):
        raise HttpError(404, f"no citation format {suffix!r}; use .bib, .ris or .csl.json")
    items = citations_for(None, current_lang()) or []
    return _answer(items, suffix, "kompetensgrafen", "/cite")


@bp.get("/cite/<any(id, source):kind>/<path:rest>")
def cite_thing(kind: str, rest: str):
    slug, suffix = _split(rest)
    iri = iri_of(kind, slug)
    items = citations_for(iri, current_lang()) if slug else None
    if not items:
        raise HttpError(404, f"Nothing in the graph to cite has the IRI {iri}")
    return _answer(items, suffix, ascii_key(slug), f"/cite/{kind}/{slug}")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def _cite_context() -> dict:
        return {"cite_block": block}
