"""Interface language (sv default, en) and the UI strings of the shared layout and the browser.

The language comes from ``?lang=sv|en`` (remembered in a cookie), then the cookie, then ``sv``.
Templates get ``lang``, ``other_lang``, ``t(key)``, ``lang_url(code)`` and ``kg_license`` from the
context processor that :func:`init_app` registers for the whole app (every blueprint's templates
extend ``base.html``).
"""

from __future__ import annotations

from flask import Flask, Response, g, request, url_for

from service.state import app_state

LANGS = ("sv", "en")
COOKIE = "kg_lang"

STRINGS: dict[str, dict[str, str]] = {
    "site": {"sv": "Kompetensgrafen", "en": "Kompetensgrafen"},
    "tagline": {
        "sv": "Kunskapsgraf om regional kompetensförsörjning och validering",
        "en": "Knowledge graph of regional competence supply and validation",
    },
    "skip": {"sv": "Hoppa till innehållet", "en": "Skip to content"},
    "nav": {"sv": "Huvudmeny", "en": "Main menu"},
    "home": {"sv": "Start", "en": "Home"},
    "search": {"sv": "Sök", "en": "Search"},
    "search_label": {"sv": "Sök i grafen", "en": "Search the graph"},
    "network": {"sv": "Nätverk", "en": "Network"},
    "timeline": {"sv": "Tidslinje", "en": "Timeline"},
    "editor": {"sv": "SPARQL-editor", "en": "SPARQL editor"},
    "queries": {"sv": "Frågekatalog", "en": "Query catalogue"},
    "dataset": {"sv": "Datamängd", "en": "Dataset"},
    "ontology": {"sv": "Ontologi", "en": "Ontology"},
    "endpoint": {"sv": "SPARQL-ändpunkt", "en": "SPARQL endpoint"},
    "language": {"sv": "Språk", "en": "Language"},
    "in_other": {"sv": "In English", "en": "På svenska"},
    "license": {"sv": "Licens", "en": "Licence"},
    "license_text": {
        "sv": "Data i Kompetensgrafen får användas enligt",
        "en": "Kompetensgrafen's data may be used under",
    },
    "cite": {"sv": "Så citerar du", "en": "How to cite"},
    "cite_this": {"sv": "Citera", "en": "Cite this"},
    "cite_about": {
        "sv": "Källhänvisning med den beständiga adressen, versionen och dagens datum; "
        "hämta den till Zotero eller en annan referenshanterare:",
        "en": "A citation with the persistent address, the release and today's date; "
        "take it into Zotero or another reference manager:",
    },
    "cite_about_source": {
        "sv": "Källhänvisning till dokumentet, med dagen då det lästes; hämta den till "
        "Zotero eller en annan referenshanterare:",
        "en": "A citation of the document, with the day it was read; take it into Zotero or "
        "another reference manager:",
    },
    "cite_missing": {"sv": "Uppgifter som saknas i datan", "en": "Fields the data lacks"},
    "cite_formats": {"sv": "Ladda ned", "en": "Download"},
    "cite_identifier": {"sv": "Identifierare", "en": "Identifier"},
    "cite_sources": {"sv": "Källor", "en": "Sources"},
    "cite_no_date": {"sv": "u.å.", "en": "n.d."},
    "cite_no_author": {"sv": "Okänd upphovsman", "en": "Unknown author"},
    "cite_in": {"sv": "I:", "en": "In:"},
    "cite_dataset": {"sv": "datamängd", "en": "data set"},
    "cite_version": {"sv": "Version", "en": "Version"},
    "cite_read": {"sv": "Läst", "en": "Read"},
    "cite_accessed": {"sv": "Hämtad", "en": "Accessed"},
    "cite_page": {"sv": "Källhänvisning", "en": "Citation"},
    "no_period": {"sv": "ingen period angiven", "en": "no period stated"},
    "inferred": {"sv": "slutsats", "en": "inference"},
    "inferred_title": {
        "sv": "Härlett, inte läst i en källa: se kvalitetssidan",
        "en": "Inferred, not read in a source: see the quality page",
    },
    "quality": {"sv": "Datakvalitet", "en": "Data quality"},
    "build": {"sv": "Datat kommer från bygget", "en": "Data from build"},
    "as_json": {"sv": "Sidans data som JSON", "en": "This page's data as JSON"},
    "sources_note": {
        "sv": "Varje uppgift har en källa: dokument och avsnitt.",
        "en": "Every fact has a source: document and section.",
    },
}


def current_lang() -> str:
    return getattr(g, "kg_lang", None) or "sv"


def t(key: str, **values: object) -> str:
    """The UI string ``key`` in the current language (the key itself if unknown)."""
    entry = STRINGS.get(key)
    text = entry.get(current_lang()) or entry.get("sv", key) if entry else key
    return text.format(**values) if values else text


def lang_url(code: str) -> str:
    """The current page with ``lang=code`` (other query arguments kept)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    endpoint = request.endpoint or "browse.home"
    try:
        return url_for(endpoint, **(request.view_args or {}), **args)
    except Exception:  # an endpoint that cannot be rebuilt: fall back to the path
        return f"{request.path}?lang={code}"


def _choose_language() -> None:
    if request.blueprint in ("sparql", "sparql_store"):  # machine endpoints: no UI text
        return
    wanted = request.args.get("lang", "").lower()
    if wanted in LANGS:
        g.kg_lang = wanted
        g.kg_lang_set = True
        return
    cookie = request.cookies.get(COOKIE, "")
    g.kg_lang = cookie if cookie in LANGS else "sv"


def _remember_language(response: Response) -> Response:
    if getattr(g, "kg_lang_set", False):
        response.set_cookie(COOKIE, g.kg_lang, max_age=365 * 24 * 3600, samesite="Lax")
    return response


KNOWN_LICENSES = {
    "https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
    "https://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0",
}


def license_info(url: str) -> dict[str, str]:
    """``{"url": …, "name": …}`` for the configured ``KG_LICENSE`` (a licence URL)."""
    return {"url": url, "name": KNOWN_LICENSES.get(url, url)}


def build_of(app: Flask) -> str:
    """The build the served data comes from (shown in footers and JSON twins)."""
    store = app_state(app).store
    info = getattr(store, "info", None) or {}
    return str(info.get("build_id") or getattr(store, "version", ""))


def init_app(app: Flask) -> None:
    app.before_request(_choose_language)
    app.after_request(_remember_language)

    @app.context_processor
    def _layout_context() -> dict:
        lang = current_lang()
        return {
            "lang": lang,
            "other_lang": "en" if lang == "sv" else "sv",
            "t": t,
            "lang_url": lang_url,
            "kg_license": license_info(app.config.get("KG_LICENSE", "")),
            "kg_build": build_of(app),
        }
