"""Cite it: the dataset, a source document and an entity as BibTeX, RIS and CSL-JSON.

The downloads are read back with the parsers reference managers' ecosystems use: bibtexparser
(BibTeX), rispy (RIS), CSL's grammar of item types and variables as citeproc-py ships it, and
citeproc-py, a CSL processor that renders the items with a real style. The fields must be
right: title, authors/publisher, date, URL (the persistent IRI, never the serving host), the
release and the access date — today for the dataset, the recorded read date for a document.
In-process over a small graph made here, and once over HTTP against the served project graph.
"""

from __future__ import annotations

import io
import json
import re
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import bibtexparser
import citeproc
import pyoxigraph as ox
import pytest
import rispy
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON

from graph.embedded import EmbeddedStore
from graph.namespaces import PREFIXES
from service.app import create_app
from service.browse.cite import FIELDS

BASE = "https://w3id.org/kompetensgraf/"
HOST = "citera.example.org:8765"
TODAY = datetime.now(UTC).date().isoformat()
READ = "2026-11-20"


def _q(s, p, o, g):
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(g))


def cite_store() -> EmbeddedStore:
    """A source document with every citation field (each written with the first property of
    its row in FIELDS), one with a title only, and an entity stated by the first."""
    meta, g = BASE + "graph/meta", BASE + "graph/cite-fixture--avsnitt-1"
    full, bare = BASE + "source/kompetensrapport-2022", BASE + "source/bara-titel"
    undated = BASE + "source/odaterad"
    region, thing = BASE + "id/region-fixture", BASE + "id/kompetensradet-fixture"
    rdf, kf, rdfs = PREFIXES["rdf"], PREFIXES["kf"], PREFIXES["rdfs"]
    date = ox.NamedNode(PREFIXES["xsd"] + "date")
    lit = ox.Literal
    quads = [
        _q(full, rdf + "type", ox.NamedNode(kf + "SourceDocument"), meta),
        _q(full, FIELDS["title"][0], lit("Kompetensförsörjning i Västra Götaland", language="sv"),
           meta),
        _q(full, FIELDS["publisher"][0], ox.NamedNode(region), meta),
        _q(full, FIELDS["issued"][0], lit("2022-11-10", datatype=date), meta),
        _q(full, FIELDS["accessed"][0], lit(READ, datatype=date), meta),
        _q(full, FIELDS["url"][0], ox.NamedNode("https://www.vgregion.se/kompetens_rapport"),
           meta),
        _q(full, FIELDS["identifier"][0], lit("RS 2022-01234"), meta),
        _q(bare, rdf + "type", ox.NamedNode(kf + "SourceDocument"), meta),
        _q(bare, FIELDS["title"][0], lit("Ett dokument utan uppgifter", language="sv"), meta),
        _q(undated, rdf + "type", ox.NamedNode(kf + "SourceDocument"), meta),
        _q(undated, FIELDS["title"][0], lit("Om förbundet"), meta),
        _q(undated, FIELDS["creator"][0], ox.NamedNode(region), meta),
        _q(undated, FIELDS["undated"][0], lit("true", datatype=ox.NamedNode(
            PREFIXES["xsd"] + "boolean")), meta),
        _q(undated, FIELDS["url"][0], ox.NamedNode("https://www.vgregion.se/om"), meta),
        _q(region, rdfs + "label", lit("Västra Götalandsregionen", language="sv"), meta),
        _q(g, rdf + "type", ox.NamedNode(kf + "FactGraph"), meta),
        _q(g, PREFIXES["prov"] + "wasDerivedFrom", ox.NamedNode(full), meta),
        _q(g, kf + "locator", lit("Avsnitt 1", language="sv"), meta),
        _q(thing, rdfs + "label", lit("Kompetensrådet i fixturen", language="sv"), g),
        _q(thing, rdfs + "label", lit("The fixture's competence council", language="en"), g),
    ]
    store = EmbeddedStore()
    store.load(ox.serialize(quads, format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)
    return store


@pytest.fixture(scope="module")
def client():
    app = create_app({"KG_STORE": "", "TESTING": True}, store=cite_store())
    return app.test_client()


def get(client, path: str, **kwargs):
    return client.get(path, base_url=f"http://{HOST}", **kwargs)


def bibtex(text: str) -> list[dict]:
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return [{"type": e.entry_type, "key": e.key, **{f.key: f.value for f in e.fields}}
            for e in library.entries]


# CSL's own grammar, as the citeproc-py package ships it (read in place): item types and the
# variables by kind. A CSL-JSON item must use only these, dates as date-parts, names as lists.
_CSL = Path(citeproc.__file__).parent / "data" / "schema" / "schemas" / "styles"


def _rnc_block(name: str, text: str) -> set[str]:
    block = re.search(rf"{re.escape(name)} =(.*?)(?:\n\s*\n|\n\s*##|\}})", text, re.S)
    return set(re.findall(r'"([A-Za-z_-]+)"', block.group(1)))


def csl_checked(items: list[dict]) -> None:
    """Check CSL-JSON items against CSL's grammar of types and variables."""
    types_text = (_CSL / "csl-types.rnc").read_text()
    variables_text = (_CSL / "csl-variables.rnc").read_text()
    types = _rnc_block("item-types", types_text)
    dates = _rnc_block("variables.dates", variables_text)
    names = _rnc_block("variables.names", variables_text)
    standard = set(re.findall(r'"([A-Za-z_-]+)"', variables_text)) - dates - names
    assert {"dataset", "document", "webpage"} <= types and {"issued", "accessed"} <= dates
    assert isinstance(items, list) and items
    for item in items:
        assert isinstance(item["id"], str) and item["id"]
        assert item["type"] in types, item["type"]
        for key, value in item.items():
            if key in ("id", "type"):
                continue
            if key in dates:
                parts = value["date-parts"]
                assert parts and all(isinstance(n, int) for n in parts[0]), (key, value)
            elif key in names:
                assert isinstance(value, list) and all(
                    isinstance(n, dict) and (n.get("literal") or n.get("family")) for n in value)
            else:
                assert key in standard, f"{key} is not a CSL variable"
                assert isinstance(value, (str, int)), (key, value)


def csl_rendered(items: list[dict]) -> list[str]:
    """The CSL-JSON items as a CSL processor renders them (Harvard, plain text)."""
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, CiteProcJSON(items), formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    return [str(entry) for entry in bibliography.bibliography()]


# --------------------------------------------------------------------------- media types

@pytest.mark.parametrize(("suffix", "media"), [
    ("bib", "application/x-bibtex"),
    ("ris", "application/x-research-info-systems"),
    ("csl.json", "application/vnd.citationstyles.csl+json"),
])
@pytest.mark.parametrize("path", ["/cite", "/cite/source/kompetensrapport-2022",
                                  "/cite/id/kompetensradet-fixture"])
def test_downloads_carry_their_media_type(client, path, suffix, media):
    answer = get(client, f"{path}.{suffix}")
    assert answer.status_code == 200
    assert answer.mimetype == media and answer.mimetype_params["charset"] == "utf-8"
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    assert answer.headers["Content-Disposition"].endswith(f'.{suffix}"')
    by_accept = get(client, path, headers={"Accept": media})
    assert by_accept.mimetype == media and by_accept.data == answer.data


def test_unknown_things_formats_and_media_are_client_errors(client):
    assert get(client, "/cite/id/finns-inte.bib").status_code == 404
    assert get(client, "/cite/source/finns-inte").status_code == 404
    assert get(client, "/cite.docx").status_code == 404
    refused = get(client, "/cite", headers={"Accept": "application/pdf"})
    assert refused.status_code == 406 and "application/x-bibtex" in refused.get_data(as_text=True)


# --------------------------------------------------------------------------- the dataset

def test_dataset_bibtex_parses_with_the_right_fields(client):
    (entry,) = bibtex(get(client, "/cite.bib?lang=en").get_data(as_text=True))
    assert entry["title"] == "{Kompetensgrafen: knowledge graph of regional competence supply " \
        "and validation}"
    assert entry["author"] == "{Kompetensgrafen project}"
    assert entry["url"] == BASE
    assert entry["urldate"] == TODAY  # accessed: the day of the request
    assert entry["year"] == TODAY[:4]  # an in-memory store has no build time: this year
    assert entry["version"].startswith("0.") or entry["version"][0].isdigit()
    assert "CC BY 4.0" in entry["note"]


def test_dataset_ris_parses_with_the_right_fields(client):
    (entry,) = rispy.loads(get(client, "/cite.ris?lang=sv").get_data(as_text=True))
    assert entry["type_of_reference"] == "DATA"
    assert entry["title"].startswith("Kompetensgrafen: kunskapsgraf över regional")
    assert entry["authors"] == ["Projektet Kompetensgrafen"]
    assert entry["urls"] == [BASE]
    assert entry["access_date"] == TODAY.replace("-", "/") + "/"
    assert entry["edition"]  # the release


def test_dataset_csl_json_is_valid_and_renders(client):
    items = json.loads(get(client, "/cite.csl.json?lang=en").data)
    csl_checked(items)
    (item,) = items
    assert item["type"] == "dataset" and item["URL"] == BASE
    assert item["accessed"] == {"date-parts": [[int(x) for x in TODAY.split("-")]]}
    (text,) = csl_rendered(items)
    assert "Kompetensgrafen project" in text and BASE in text and TODAY[:4] in text


# --------------------------------------------------------------------------- a source document

def test_source_document_in_all_three_formats(client):
    path = "/cite/source/kompetensrapport-2022"
    (bib,) = bibtex(get(client, path + ".bib").get_data(as_text=True))
    assert bib["title"] == "{Kompetensförsörjning i Västra Götaland}"
    assert bib["author"] == "{Västra Götalandsregionen}"  # the publisher, by its label
    assert bib["publisher"] == "Västra Götalandsregionen"
    assert (bib["year"], bib["date"]) == ("2022", "2022-11-10")
    assert bib["url"] == "https://www.vgregion.se/kompetens_rapport"
    assert bib["urldate"] == READ  # the recorded read date, not today
    assert "RS 2022-01234" in bib["note"]

    (ris,) = rispy.loads(get(client, path + ".ris").get_data(as_text=True))
    assert ris["title"] == "Kompetensförsörjning i Västra Götaland"
    assert ris["publisher"] == "Västra Götalandsregionen"
    assert (ris["year"], ris["date"]) == ("2022", "2022/11/10/")
    assert ris["access_date"] == "2026/11/20/"
    assert ris["urls"] == ["https://www.vgregion.se/kompetens_rapport"]

    items = json.loads(get(client, path + ".csl.json?lang=en").data)
    csl_checked(items)
    (item,) = items
    assert item["issued"] == {"date-parts": [[2022, 11, 10]]}
    assert item["accessed"] == {"date-parts": [[2026, 11, 20]]}
    assert item["author"] == [{"literal": "Västra Götalandsregionen"}]
    assert item["language"] == "sv"  # the title's language, whatever the page's
    (text,) = csl_rendered(items)
    assert "Kompetensförsörjning i Västra Götaland" in text and "2022" in text
    assert "November 20, 2026" in text  # Harvard's "(Accessed: …)"


def test_missing_fields_are_left_out_and_listed(client):
    path = "/cite/source/bara-titel"
    (bib,) = bibtex(get(client, path + ".bib").get_data(as_text=True))
    assert bib["title"] == "{Ett dokument utan uppgifter}"
    assert not {"author", "year", "url", "urldate"} & set(bib)  # nothing invented
    data = get(client, path + ".json").json
    assert data["citations"][0]["missing"] == ["creator/publisher", "issued", "accessed",
                                               "url/identifier"]
    page = get(client, "/source/bara-titel?lang=en").get_data(as_text=True)
    assert "Fields the data lacks: creator/publisher, issued, accessed, url/identifier" in page


def test_an_undated_source_is_cited_as_undated(client):
    data = get(client, "/cite/source/odaterad.json?lang=sv").json["citations"][0]
    assert data["missing"] == ["accessed"]  # kf:undated: no date is not a gap, no read date is
    assert data["text"].startswith("Västra Götalandsregionen (u.å.). Om förbundet.")
    (bib,) = bibtex(get(client, "/cite/source/odaterad.bib").get_data(as_text=True))
    assert bib["author"] == "{Västra Götalandsregionen}"  # the creator
    assert "year" not in bib and "publisher" not in bib


# --------------------------------------------------------------------------- an entity

def test_entity_cites_the_dataset_at_its_iri_and_names_its_sources(client):
    iri = BASE + "id/kompetensradet-fixture"
    entity, source = bibtex(get(client, "/cite/id/kompetensradet-fixture.bib?lang=sv").get_data(
        as_text=True))
    assert entity["title"] == "{Kompetensrådet i fixturen}"
    assert entity["url"] == iri and entity["urldate"] == TODAY
    assert entity["howpublished"].startswith("Kompetensgrafen")
    assert "Kompetensförsörjning i Västra Götaland" in entity["note"]  # its source document
    assert source["key"] == "kompetensrapport-2022" and source["urldate"] == READ
    records = rispy.loads(get(client, "/cite/id/kompetensradet-fixture.ris?lang=en").get_data(
        as_text=True))
    assert [r["title"] for r in records] == ["The fixture's competence council",
                                            "Kompetensförsörjning i Västra Götaland"]
    assert records[0]["urls"] == [iri] and records[0]["secondary_title"].startswith(
        "Kompetensgrafen: knowledge graph")
    items = json.loads(get(client, "/cite/id/kompetensradet-fixture.csl.json").data)
    csl_checked(items)
    assert items[0]["URL"] == iri and items[0]["container-title"].startswith("Kompetensgrafen")


# --------------------------------------------------------------------------- the pages

@pytest.mark.parametrize(("path", "heading", "cite"), [
    ("/?lang=sv", "Citera", "/cite.bib"),
    ("/?lang=en", "Cite this", "/cite.bib"),
    ("/source/kompetensrapport-2022?lang=sv", "Citera", "/cite/source/kompetensrapport-2022.ris"),
    ("/id/kompetensradet-fixture?lang=en", "Cite this", "/cite/id/kompetensradet-fixture.ris"),
])
def test_pages_have_a_cite_block_without_the_serving_host(client, path, heading, cite):
    page = get(client, path).get_data(as_text=True)
    assert f'<h2 id="h-cite-this">{heading}</h2>' in page
    assert f'href="{cite}"' in page
    assert '<blockquote class="citation">' in page
    assert "w3id.org/kompetensgraf/" in page
    assert "citera.example.org" not in page  # the how-to-cite text names the persistent IRI


@pytest.mark.parametrize("path", ["/cite", "/cite.json", "/cite.bib", "/cite.ris",
                                  "/cite.csl.json", "/cite/id/kompetensradet-fixture",
                                  "/cite/source/kompetensrapport-2022.bib"])
def test_citations_never_name_the_serving_host(client, path):
    answer = get(client, path)
    assert answer.status_code == 200
    assert "citera.example.org" not in answer.get_data(as_text=True)


def test_the_visible_citation_is_in_the_page_language(client):
    sv = get(client, "/cite/source/kompetensrapport-2022.json?lang=sv").json["citations"][0]
    en = get(client, "/cite/source/kompetensrapport-2022.json?lang=en").json["citations"][0]
    assert sv["text"] == ("Västra Götalandsregionen (2022). Kompetensförsörjning i Västra "
                          "Götaland. https://www.vgregion.se/kompetens_rapport. RS 2022-01234. "
                          "Läst 2026-11-20.")
    assert en["text"].endswith("Read 2026-11-20.")


# --------------------------------------------------------------------------- over HTTP

def test_served_project_graph_cites_with_the_build(embedded_server):
    with urllib.request.urlopen(embedded_server.url + "/cite.bib") as reply:
        assert reply.headers.get_content_type() == "application/x-bibtex"
        (entry,) = bibtex(reply.read().decode("utf-8"))
    build = json.loads((embedded_server.store / "build.json").read_text())["build_id"]
    assert build in entry["version"] and entry["url"] == BASE and entry["urldate"] == TODAY
    assert "127.0.0.1" not in json.dumps(entry)
    source = "/cite/source/avsiktsforklaring-vgr-kommunalforbunden-2022.ris"
    with urllib.request.urlopen(embedded_server.url + source) as reply:
        (record,) = rispy.load(io.StringIO(reply.read().decode("utf-8")))
    assert record["title"].startswith("Avsiktsförklaring mellan Västra Götalandsregionen")
    assert record["year"] == "2022"
    with urllib.request.urlopen(embedded_server.url + "/") as reply:
        home = reply.read().decode("utf-8")
    assert "127.0.0.1" not in home and "https://w3id.org/kompetensgraf/" in home
