"""CSV on the Web: a metadata document beside every CSV download, and the reference tables.

Every CSV the site offers — a catalogue answer (``/queries/<name>.csv``), a network's edge list
(``/network/<slug>.csv``) and the reference tables (``/data/<table>.csv``) — has a W3C *Metadata
Vocabulary for Tabular Data* document at the same address with ``-metadata.json`` appended
(``…/<name>.csv-metadata.json``, same query string), and the CSV names it in a ``Link: <…>;
rel="describedby"; type="application/csvm+json"`` header. The document describes each column:
its name (the CSV's header cell), titles in Swedish and English, its datatype (``string``,
``integer``, ``date``, ``gYear``…; a column of dates and years is a ``string`` whose ``format``
says so), for a column of IRIs text of IRI form with a ``valueUrl`` template (``{+county}``: the
cell is the IRI; see :data:`IRI`), and
the table's notes — title and description in both languages, the dataset as ``dc:source``, its
licence, publisher and a note on the spreadsheet safety of :mod:`service.spreadsheet`.

A catalogue answer's datatypes are read from the answer itself (each column's terms); the
reference tables are ``queries/tables/*.rq`` (prefixes declared, headers as in the catalogue)
whose ``#+ about:`` names the column each row is about (``aboutUrl``) and whose ``#+ column:
<name> key=value…`` lines add ``datatype=``, ``separator=``, ``lang=`` or ``property=`` (a
``propertyUrl``; ``datatype=iri`` for a list of IRIs). The CSV itself is always written by
:func:`service.spreadsheet.csv_text`.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request

from graph import queries
from graph.namespaces import PREFIXES
from graph.store import QueryError, StoreError
from graph.void import dataset_iri
from service.catalogue.data import Answer, job, plain, read
from service.dataset.csvw_titles import TITLES
from service.errors import HttpError, ServerFault
from service.sparql.endpoint import guarded, limit_error, query_timeout, state
from service.sparql.engine import EngineBusy, QueryTimeout
from service.spreadsheet import FORMULA_START, csv_text
from service.state import app_state

bp = Blueprint("csvw", __name__)
CSVM = "application/csvm+json"
METADATA = "-metadata.json"  # appended to a CSV's address: its metadata document
TABLES = "tables"  # queries/tables/*.rq
XSD = PREFIXES["xsd"]
#: The XML Schema datatypes CSVW knows by name (its built-in datatypes).
BUILTIN = frozenset(
    "anyURI base64Binary boolean date dateTime dateTimeStamp decimal integer long int short byte "
    "nonNegativeInteger positiveInteger unsignedLong unsignedInt unsignedShort unsignedByte "
    "nonPositiveInteger negativeInteger double float number duration dayTimeDuration "
    "yearMonthDuration gDay gMonth gMonthDay gYear gYearMonth hexBinary QName string "
    "normalizedString token language Name NMTOKEN time".split()
)
NUMBERS = frozenset("decimal integer long int short byte nonNegativeInteger positiveInteger "
                    "unsignedLong unsignedInt unsignedShort unsignedByte nonPositiveInteger "
                    "negativeInteger".split())
#: A column holding xsd:date, xsd:gYearMonth and xsd:gYear values (periods stated to the day,
#: the month or the year) is described as text of this form.
DATE_OR_YEAR = {"base": "string",
                "format": r"^-?\d{4}(-\d{2}(-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$"}
DATES = frozenset({"date", "gYearMonth", "gYear"})
#: A column of IRIs: text of IRI form whose ``valueUrl`` (``{+name}``) makes each cell the IRI.
#: (Not ``anyURI``: the csvw package reads such cells as objects its URI templates cannot expand.)
IRI = {"base": "string", "format": r"^[A-Za-z][A-Za-z0-9+.\-]*:\S+$"}


# --------------------------------------------------------------------------- columns


def titles(name: str) -> dict[str, str]:
    """Swedish and English titles of a column (:mod:`service.dataset.csvw_titles`); ``<x>Label``
    is the name of ``<x>``, ``<x>1`` numbers ``<x>``; an unknown name is its own title."""
    if name in TITLES:
        sv, en = TITLES[name]
        return {"sv": sv, "en": en}
    if name.endswith("Label") and is_titled(name[:-5]):
        found = titles(name[:-5])
        return {"sv": f"{found['sv']} (namn)", "en": f"{found['en']} (name)"}
    if name[-1:].isdigit() and name[:-1] in TITLES:
        found = titles(name[:-1])
        return {lang: f"{text} {name[-1]}" for lang, text in found.items()}
    return {"sv": name, "en": name}


def is_titled(name: str) -> bool:
    """Has the column a title of its own (not just its name)?"""
    return titles(name) != {"sv": name, "en": name}


def _local(datatype: ox.NamedNode | None) -> str:
    iri = datatype.value if datatype is not None else XSD + "string"
    return iri[len(XSD):] if iri.startswith(XSD) else ""


def datatype_of(terms: Iterable) -> dict:
    """The column properties that the terms of one column call for: :data:`IRI` for IRIs, the
    literals' datatype when they share one CSVW knows, ``decimal`` for mixed numbers,
    :data:`DATE_OR_YEAR` for mixed dates, else ``string``."""
    found = [t for t in terms if t is not None]
    if found and all(isinstance(t, ox.NamedNode) for t in found):
        return {"datatype": dict(IRI)}
    if not found or not all(isinstance(t, ox.Literal) for t in found):
        return {"datatype": "string"}  # empty, blank nodes, or IRIs and literals mixed
    kinds = {"string" if t.language else _local(t.datatype) for t in found}
    if len(kinds) == 1 and kinds <= BUILTIN:
        return {"datatype": kinds.pop()}
    if kinds <= NUMBERS:
        return {"datatype": "decimal"}
    if kinds <= DATES:
        return {"datatype": dict(DATE_OR_YEAR)}
    return {"datatype": "string"}


def column(name: str, **properties) -> dict:
    """A CSVW column description: name, bilingual titles, the given properties; a column of
    IRIs gets the template that makes its cell the IRI (``{+name}``)."""
    described = {"name": name, "titles": titles(name), **properties}
    if described.get("datatype") == IRI and "separator" not in described:  # (a list: no template)
        described.setdefault("valueUrl", "{+" + name + "}")
    return described


def answer_columns(answer: Answer, extra: dict[str, dict] | None = None) -> list[dict]:
    """The columns of an answer, each typed by its own terms (``extra`` adds properties)."""
    described = []
    for i, name in enumerate(answer.columns):
        properties = datatype_of(row[i] for row in answer.rows)
        properties.update((extra or {}).get(name, {}))
        described.append(column(name, **properties))
    return described


# --------------------------------------------------------------------------- documents


def _both(values: dict[str, str]) -> list[dict]:
    return [{"@value": text, "@language": lang} for lang, text in values.items() if text]


def notes(title: dict[str, str], description: dict[str, str] | None = None) -> dict:
    """The table's notes (DCMI terms): title, description, the dataset it comes from, licence,
    publisher, and how text cells that a spreadsheet would run are written."""
    config = current_app.config
    found = {"dc:title": _both(title)}
    if description:
        found["dc:description"] = _both(description)
    found.update({
        "dc:source": {"@id": str(dataset_iri(config))},
        "dc:license": {"@id": str(config.get("KG_LICENSE") or "")},
        "dc:publisher": _both({"sv": "Projektet Kompetensgrafen",
                               "en": "Kompetensgrafen project"}),
        "rdfs:comment": _both({
            "sv": "En textcell som börjar med " + " ".join(sorted(FORMULA_START - {"\t", "\r"}))
            + ", tabb eller vagnretur skrivs med en inledande apostrof så att kalkylprogram "
            "visar den som text; tal skrivs som de är.",
            "en": "A text cell starting with " + " ".join(sorted(FORMULA_START - {"\t", "\r"}))
            + ", a tab or a carriage return is written with a leading apostrophe so that "
            "spreadsheets show it as text; numbers are written as they are.",
        }),
    })
    return found


def document(csv_url: str, columns: Sequence[dict], table_notes: dict,
             about: str | None = None) -> dict:
    """The metadata document of the CSV at ``csv_url`` (absolute)."""
    schema: dict = {"columns": list(columns)}
    if about:
        schema["aboutUrl"] = "{+" + about + "}"
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_url,
        **table_notes,
        "dialect": {"header": True, "encoding": "utf-8", "doubleQuote": True},
        "tableSchema": schema,
    }


def here_csv() -> str:
    """The address of the CSV that the metadata document being asked for describes."""
    path = request.path[: -len(METADATA)]
    query = request.query_string.decode("utf-8", "replace")
    return request.host_url.rstrip("/") + path + (f"?{query}" if query else "")


def metadata_response(doc: dict) -> Response:
    response = current_app.json.response(doc)
    response.content_type = f"{CSVM}; charset=utf-8"
    return response


def query_metadata(qf: queries.QueryFile, answer: Answer,
                   extra: dict[str, dict] | None = None) -> Response:
    """The metadata document of a query's CSV answer (a catalogue query or a reference table):
    the query's summaries and descriptions as title and description, its answer's columns."""
    table_notes = notes({"sv": qf.summary_sv, "en": qf.summary},
                        {"sv": qf.description_sv, "en": qf.description})
    columns = answer_columns(answer, extra)
    return metadata_response(document(here_csv(), columns, table_notes, qf.get("about") or None))


def describedby(response: Response) -> Response:
    """Name the metadata document of the CSV being sent (same query string) in a Link header."""
    query = request.query_string.decode("utf-8", "replace")
    target = request.path + METADATA + (f"?{query}" if query else "")
    response.headers.add("Link", f'<{target}>; rel="describedby"; type="{CSVM}"')
    return response


def csv_response(columns: list[str], rows: Iterable[Iterable[str]], filename: str,
                 disposition: str = "inline") -> Response:
    """A CSV download (:func:`service.spreadsheet.csv_text`) that names its metadata."""
    response = Response(csv_text(columns, rows), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return describedby(response)


def answer_csv(answer: Answer, filename: str) -> Response:
    return csv_response(answer.columns, ([plain(v) for v in row] for row in answer.rows),
                        filename)


# --------------------------------------------------------------------------- network edges

#: What the columns of a network's edge list (:data:`service.browse.network.CSV_FIELDS`) hold.
NETWORK_TYPES: dict[str, dict | str] = {
    "source": IRI, "target": IRI, "relation": IRI, "graph": IRI, "role": IRI,
    "start": DATE_OR_YEAR, "end": DATE_OR_YEAR, "inferred": "boolean",
}
NETWORK_TITLES = {"source": {"sv": "Från", "en": "Source node"},
                  "target": {"sv": "Till", "en": "Target node"}}


def network_metadata(fields: Sequence[str], label_sv: str, label_en: str) -> Response:
    """The metadata document of the edge list of the network around a thing."""
    columns = []
    for name in fields:
        kind = NETWORK_TYPES.get(name, "string")
        described = column(name, datatype=dict(kind) if isinstance(kind, dict) else kind)
        if name in NETWORK_TITLES:
            described["titles"] = NETWORK_TITLES[name]
        columns.append(described)
    table_notes = notes(
        {"sv": f"Nätverket kring {label_sv}", "en": f"The network around {label_en}"},
        {"sv": "En rad per kant: relationen, rollen, perioden och den namngivna graf (källan) "
               "som anger den; inferred säger om kanten är en slutsats.",
         "en": "One row per edge: the relation, the role, the period and the named graph (the "
               "source) that states it; inferred says whether the edge is an inference."})
    return metadata_response(document(here_csv(), columns, table_notes))


# --------------------------------------------------------------------------- reference tables


def reference_tables() -> dict[str, queries.QueryFile]:
    """``queries/tables/*.rq`` by name (read once per process)."""
    return app_state().query_files(TABLES)


def column_options(qf: queries.QueryFile) -> dict[str, dict]:
    """The ``#+ column: <name> key=value…`` lines of a table query, as column properties."""
    found: dict[str, dict] = {}
    for spec in qf.header.get("column", []):
        name, *pairs = shlex.split(spec)
        options = found.setdefault(name, {})
        for pair in pairs:
            key, _, value = pair.partition("=")
            if key == "property":
                options["propertyUrl"] = queries.expand_iri(value)
            elif key == "datatype" and value == "iri":
                options["datatype"] = dict(IRI)
            elif key in ("datatype", "separator", "lang"):
                options[key] = value
            else:
                raise queries.HeaderError(f"{qf.name}: unknown column option {key!r}")
    return found


def table_list(base_url: str, lang: str) -> list[dict]:
    """The reference tables for the downloads page and its JSON."""
    return [
        {
            "name": qf.name,
            "filename": f"{qf.name}.csv",
            "url": f"{base_url}/data/{qf.name}.csv",
            "metadata": f"{base_url}/data/{qf.name}.csv{METADATA}",
            "mediaType": "text/csv",
            "label": (qf.summary_sv if lang == "sv" else "") or qf.summary,
            "about": (qf.description_sv if lang == "sv" else "") or qf.description,
        }
        for qf in reference_tables().values()
    ]


def _table_answer(qf: queries.QueryFile) -> Answer:
    timeout = query_timeout()
    max_rows = int(current_app.config.get("KG_MAX_ROWS") or 10_000)
    try:
        return read(guarded(state(), job(qf, {}, max_rows), timeout))
    except (QueryTimeout, EngineBusy) as exc:
        raise limit_error(exc, timeout) from None
    except (QueryError, StoreError) as exc:  # the project's own query: never the client's fault
        raise ServerFault(f"the reference table {qf.name!r} could not be read", exc) from None


@bp.get(f"/data/<name>.csv{METADATA}")
@bp.get("/data/<name>.csv")
def table(name: str) -> Response:
    qf = reference_tables().get(name)
    if qf is None:
        known = ", ".join(f"{n}.csv" for n in reference_tables())
        raise HttpError(404, f"no table named {name!r}; the tables are: {known}")
    answer = _table_answer(qf)
    if not request.path.endswith(METADATA):
        response = answer_csv(answer, f"{name}.csv")
        if answer.truncated:
            response.headers["X-KG-Truncated"] = "true"
        return response
    return query_metadata(qf, answer, column_options(qf))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
