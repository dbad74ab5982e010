"""``/def``: the ontology's documentation, generated with pyLODE from ``ontology/`` and cached.

pyLODE renders the OWL file offline; its anchors are made to match the term IRIs (``/def#Region``
for ``kf:Region``) and a section for the SKOS concepts (``kf:validation`` …, which pyLODE leaves
out) is added. Should pyLODE fail, the page is rendered from the ontology graph in the store
instead (same anchors), and the reason is logged.

The page carries no inline style (the Content-Security-Policy allows only the site's own
stylesheets): pyLODE's ``<style>`` blocks and our additions are served as ``/def.css``.
"""

from __future__ import annotations

import gc
import html
import logging
import re
import warnings

from flask import Flask

from graph import ROOT
from graph.namespaces import DEF, compact
from graph.store import GraphStore
from service.browse.catalog import Catalog, browse_query
from service.browse.i18n import license_info
from service.state import app_state

log = logging.getLogger("kompetensgraf.browse")
ONTOLOGY_FILE = ROOT / "ontology" / "kompetensgraf.ttl"
#: Our additions to pyLODE's stylesheet: its grey badge text is below 4.5:1 on white, so it is
#: darkened (WCAG 2.1 AA); the banner and the concepts section.
OWN_STYLE = """
#pylode, #pylode * { color: #595959 !important; }
nav.kg-banner { padding: .5rem 1rem; background: #0b3d5c; color: #fff; }
nav.kg-banner a { color: #fff; }
section.kg-concepts { padding: 1rem 2rem; }
"""
STYLESHEET = '<link rel="stylesheet" href="/def.css">'
_STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.DOTALL | re.IGNORECASE)
_ENTITY = re.compile(
    r'(<div class="[^"]*entity[^"]*" id=")([^"]+)(">(?:(?!<div class=).)*?<code>'
    + re.escape(DEF)
    + r"([\w-]+)</code>)",
    re.DOTALL,
)


def _pylode_html() -> str:
    from pylode import OntPub

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # pyLODE leaves its CSS file open
        page = OntPub(ontology=bilingual_titles(ONTOLOGY_FILE)).make_html()
        gc.collect()  # let the leaked handle go while the warning is still silenced
    return page


def bilingual_titles(path):
    """The ontology with each term's Swedish and English labels joined into one ("län / county"):
    pyLODE would otherwise run them together in headings and the table of contents."""
    import rdflib

    graph = rdflib.Graph().parse(path)
    for prop in (rdflib.RDFS.label, rdflib.DCTERMS.title):
        for subject in set(graph.subjects(prop, None)):
            by_lang = {o.language: str(o) for o in graph.objects(subject, prop)
                       if isinstance(o, rdflib.Literal)}
            if "sv" in by_lang and "en" in by_lang:
                graph.remove((subject, prop, None))
                joined = by_lang["sv"] if by_lang["sv"] == by_lang["en"] else \
                    f"{by_lang['sv']} / {by_lang['en']}"
                graph.add((subject, prop, rdflib.Literal(joined)))
    return graph


def fix_anchors(page: str) -> str:
    """Give every term section the id of its local name, and keep pyLODE's links pointing at it."""
    renamed: dict[str, str] = {}

    def repl(match: re.Match) -> str:
        old, local = match.group(2), match.group(4)
        if old != local:
            renamed[old] = local
        return match.group(1) + local + match.group(3)

    page = _ENTITY.sub(repl, page)
    for old, new in renamed.items():
        page = page.replace(f'href="#{old}"', f'href="#{new}"')
    return page


def concepts_section(terms: list[dict], license_url: str, license_name: str) -> tuple[str, str]:
    items = "".join(
        f'<li id="{html.escape(t["local"])}"><a href="/def/{html.escape(t["local"])}">'
        f"{html.escape(t['label'])}</a> <code>{html.escape(t['curie'])}</code></li>"
        for t in terms
        if t["kind"] in ("skos:Concept", "skos:ConceptScheme")
    )
    banner = (
        '<nav class="kg-banner"><a href="/">'
        'Kompetensgrafen</a> · <a href="/def.ttl">Turtle</a> · '
        f'<a rel="license" href="{html.escape(license_url)}">'
        f"{html.escape(license_name)}</a></nav>"
    )
    section = (
        '<section id="concepts" class="kg-concepts"><h2>Begrepp / Concepts</h2>'
        f"<ul>{items}</ul></section>"
    )
    return banner, section


def terms(store, cat: Catalog) -> list[dict]:
    out = []
    for row in store.select(browse_query("ontology-terms")):
        iri = row["term"].value
        if not iri.startswith(DEF):
            continue
        out.append(
            {
                "iri": iri,
                "local": iri[len(DEF) :],
                "curie": compact(iri),
                "kind": compact(row["kind"].value),
                "label": cat.label(iri, "sv"),
                "label_en": cat.label(iri, "en"),
                "comment": (cat.labels.get(iri) or {}).get("sv", ""),
            }
        )
    return out


def external_styles(page: str) -> tuple[str, str]:
    """The page with its ``<style>`` blocks replaced by a link to ``/def.css``, and that CSS."""
    css = "\n".join(block.strip() for block in _STYLE_BLOCK.findall(page)) + OWN_STYLE
    page = _STYLE_BLOCK.sub("", page)
    return page.replace("</head>", STYLESHEET + "</head>", 1), css


def stylesheet(app: Flask, cat: Catalog) -> str:
    """The CSS of the pyLODE page (``/def.css``)."""
    return _ontodoc(app, cat)[1]


def pylode_page(app: Flask, cat: Catalog) -> str | None:
    """The pyLODE page with our anchors and concepts (cached per store version); ``None`` when
    pyLODE cannot document the ontology (the caller then renders the fallback page)."""
    return _ontodoc(app, cat)[0]


def _ontodoc(app: Flask, cat: Catalog) -> tuple[str | None, str]:
    """The pyLODE page and its CSS, built once per store version."""
    return app_state(app).derived("ontodoc", lambda store: _build_ontodoc(app, store, cat))


def _build_ontodoc(app: Flask, store: GraphStore, cat: Catalog) -> tuple[str | None, str]:
    css = OWN_STYLE
    try:
        page = fix_anchors(_pylode_html())
        lic = license_info(app.config["KG_LICENSE"])
        banner, section = concepts_section(terms(store, cat), lic["url"], lic["name"])
        page = re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, page, count=1)
        page = re.sub(r"<html(?![^>]*\blang=)", '<html lang="en"', page, count=1)
        page = page.replace("</body>", section + "</body>", 1)
        page, css = external_styles(page)
    except Exception as exc:  # pyLODE missing or failing: our own page from the graph
        log.warning("pyLODE could not document the ontology (%s); using the fallback", exc)
        page = None
    return page, css
