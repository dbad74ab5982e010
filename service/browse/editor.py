"""The query editor: YASGUI (``@zazuko/yasgui`` from npm, served locally) wired to ``/sparql``.

The project's prefixes (``graph.namespaces.PREFIXES``) are built in; the autocompleters that would
ask third parties (prefix.cc, Linked Open Vocabularies) are switched off, so no request leaves this
service. The research query catalogue's queries (``queries/catalogue/*.rq``, the competency
questions among them) can be picked from a list. ``/editor.json`` is the page's data.
"""

from __future__ import annotations

from flask import Blueprint, Flask, request

from graph.namespaces import PREFIXES
from service.browse.common import render
from service.browse.i18n import current_lang
from service.catalogue.views import FOLDER, catalogue

bp = Blueprint("editor", __name__)
DEFAULT_QUERY = """PREFIX kf: <https://w3id.org/kompetensgraf/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?federation ?name WHERE {
  ?federation a kf:MunicipalFederation ; rdfs:label ?name .
  FILTER(LANG(?name) = "sv")
}
ORDER BY ?name
"""


def examples(lang: str) -> list[dict]:
    """The catalogue's queries, each with its page (the one home of every example)."""
    out = []
    for query in catalogue().values():
        summary = (query.get("summary_sv") if lang == "sv" else "") or query.summary
        out.append(
            {
                "id": f"{FOLDER}/{query.name}",
                "folder": FOLDER,
                "name": query.name,
                "summary": summary or query.name,
                "query": query.text,
                "page": f"/queries/{query.name}",
            }
        )
    return out


@bp.get("/editor")
@bp.get("/editor.json")
def editor():
    lang = current_lang()
    payload = {
        "endpoint": "/sparql",
        "prefixes": PREFIXES,
        "default_query": DEFAULT_QUERY,
        "examples": examples(lang),
    }
    fmt = "json" if request.path.endswith(".json") else None
    return render("editor/editor.html", payload, "editor", "/editor.json", fmt)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
