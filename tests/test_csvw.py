"""Described CSV downloads, read by a real CSV on the Web processor (the PyPI ``csvw`` package)
over real HTTP: every CSV names its metadata in a ``Link`` header, the processor finds it, every
column is described (titles in Swedish and English), the datatypes parse, IRI columns expand to
the graph's IRIs; the reference tables under ``/data/`` match their queries asked at ``/sparql``,
and each cell with a ``propertyUrl`` is a statement of the graph. Also: the R snippet of every
catalogue query, its string literal decoded as R would and its query run against the endpoint."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter

import pytest
import requests
from csvw import CSVW

from graph import queries
from service.catalogue.data import r_raw_string
from service.dataset.csvw import IRI, is_titled

CATALOGUE = queries.load_dir("catalogue")
LOCAL = [q for q in CATALOGUE if "SERVICE" not in queries.mask(q.text).upper()]
TABLES = queries.load_dir("tables")
CSVM = "application/csvm+json"
FYRBODAL = "https://w3id.org/kompetensgraf/id/fyrbodals-kommunalforbund"


def get(server, path: str, **params) -> requests.Response:
    return requests.get(server.url + path, params=params, timeout=120)


def sparql_rows(server, query: str) -> tuple[list[str], list[dict]]:
    answer = requests.post(server.url + "/sparql", data={"query": query}, timeout=120,
                           headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text[:500]
    data = answer.json()
    return data["head"]["vars"], data["results"]["bindings"]


def processed(url: str) -> CSVW:
    """The CSV at ``url`` read by the csvw package, its metadata found through the Link header,
    validated (a warning — a datatype that does not parse, a column not described — fails)."""
    table = CSVW(url, validate=True)
    assert table.is_valid, table.warnings
    assert not table.no_metadata, f"{url}: no metadata found"
    return table


def check_described(table: CSVW, header: list[str]) -> dict:
    """Every column of the CSV is described with a name and titles in both languages."""
    (described,) = table.tables
    columns = {c.name: c for c in described.tableSchema.columns}
    assert list(columns) == header
    for column in columns.values():
        assert set(column.titles) >= {"sv", "en"}, column.name
        assert all(column.titles[lang] for lang in ("sv", "en"))
    untitled = [name for name in columns if not is_titled(name)]
    assert not untitled, f"add titles for {untitled} to service/dataset/csvw_titles.py"
    return columns


def csv_header(response: requests.Response) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def expanded_rows(table: CSVW) -> list[dict]:
    """The rows as the processor converts them (csv2json): an IRI column's value is its IRI."""
    return [row["describes"][0] for row in table.to_json()["tables"][0]["row"]]


def described_by(response: requests.Response) -> str:
    links = requests.utils.parse_header_links(response.headers["Link"])
    (link,) = [x for x in links if x.get("rel") == "describedby"]
    assert link["type"] == CSVM
    return link["url"]


# --------------------------------------------------------------------------- reference tables


def test_the_downloads_page_lists_the_reference_tables(embedded_server):
    listing = get(embedded_server, "/data/", format="json").json()
    assert {t["name"] for t in listing["tables"]} == {q.name for q in TABLES} >= {
        "regions", "counties", "municipalities", "forbund-members"}
    page = get(embedded_server, "/data/").text
    dataset = get(embedded_server, "/dataset", lang="en").text
    for table in listing["tables"]:
        assert f'href="{table["url"]}"' in page and f'href="{table["metadata"]}"' in page
        assert f'href="{table["url"]}"' in dataset
    missing = get(embedded_server, "/data/nothing.csv")
    assert missing.status_code == 404 and "municipalities.csv" in missing.text
    assert get(embedded_server, "/data/nothing.csv-metadata.json").status_code == 404


@pytest.mark.parametrize("qf", TABLES, ids=lambda q: q.name)
def test_a_reference_table_query_has_its_headers_and_prefixes(qf):
    assert queries.header_problems(qf) == []
    assert qf.form == "SELECT" and not qf.params


@pytest.mark.parametrize("qf", TABLES, ids=lambda q: q.name)
def test_a_reference_table_matches_its_query_and_the_graph(live_server, qf):
    """On every backend (the embedded store, Oxigraph server, Virtuoso)."""
    url = f"{live_server.url}/data/{qf.name}.csv"
    response = requests.get(url, timeout=120)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert described_by(response) == f"/data/{qf.name}.csv-metadata.json"
    metadata = requests.get(url + "-metadata.json", timeout=120)
    assert metadata.headers["Content-Type"].startswith(CSVM)
    assert metadata.json()["url"] == url
    assert {n["@language"] for n in metadata.json()["dc:title"]} == {"sv", "en"}
    assert metadata.json()["dc:license"]["@id"].startswith("https://creativecommons.org/")

    table = processed(url)
    columns = check_described(table, csv_header(response))
    names, solutions = sparql_rows(live_server, qf.text)
    assert list(columns) == names
    read = list(table.tables[0].iterdicts())
    assert len(read) == len(solutions) > 0

    def as_text(value) -> object:
        if isinstance(value, list):  # a list column: an empty cell is an empty list
            return frozenset(value) or None
        return value

    def expected(name: str, solution: dict) -> object:
        cell = solution.get(name)
        if cell is None:
            return None
        if columns[name].separator:
            return frozenset(cell["value"].split(columns[name].separator))
        return cell["value"]

    assert Counter(tuple(as_text(row[n]) for n in names) for row in read) == Counter(
        tuple(expected(n, s) for n in names) for s in solutions)
    check_iri_columns(table, columns, [{n: s[n]["value"] for n in s} for s in solutions])
    check_statements(live_server, table, columns)


def check_iri_columns(table: CSVW, columns: dict, solutions: list[dict]) -> None:
    """Each IRI column carries a ``{+name}`` template, and the processor's expansion of it in
    every row is the IRI the graph answered (a list column's items are IRIs themselves)."""
    described = table.tables[0]
    iri_columns = [c for c in columns.values() if c.datatype and c.datatype.asdict() == IRI]
    assert iri_columns
    rows = list(described.iterdicts())
    for column in iri_columns:
        if column.separator:
            assert all(re.match(r"https?://", item) for row in rows
                       for item in row[column.name] or [])
            continue
        assert str(column.valueUrl) == "{+" + column.name + "}"
        found = Counter(
            described.expand(column.valueUrl, row, _row=number, _name=column.name)
            if row[column.name] is not None else None
            for number, row in enumerate(rows, start=1))
        assert found == Counter(s.get(column.name) for s in solutions), column.name


def check_statements(server, table: CSVW, columns: dict) -> None:
    """With ``aboutUrl`` and ``propertyUrl``, a row says ``<row IRI> <property> <cell>``: each
    such statement is in the graph (asked at /sparql, all rows at once)."""
    schema = table.tables[0].tableSchema
    if not schema.aboutUrl:
        return
    stated = [c for c in columns.values() if c.propertyUrl]
    assert stated
    about = schema.aboutUrl.uri[2:-1]  # "{+county}" -> county
    values = []
    for row in table.tables[0].iterdicts():
        for column in stated:
            cells = row[column.name] if isinstance(row[column.name], list) else [row[column.name]]
            for cell in cells:
                if cell is not None:
                    values.append((row[about], str(column.propertyUrl), cell, column))
    properties = " ".join(f"<{p}>" for p in {str(c.propertyUrl) for c in stated})
    query = "SELECT ?s ?p ?o WHERE { VALUES ?p { " + properties + " } ?s ?p ?o }"
    _, solutions = sparql_rows(server, query)
    graph = {(s["s"]["value"], s["p"]["value"], s["o"]["value"]) for s in solutions}
    missing = [(s, p, o) for s, p, o, _c in values if (s, p, o) not in graph]
    assert not missing, missing[:5]


# --------------------------------------------------------------------------- catalogue answers


@pytest.mark.parametrize("qf", LOCAL, ids=lambda q: q.name)
def test_a_catalogue_csv_is_described_for_a_csvw_processor(embedded_server, qf):
    params = {p.name: p.default for p in qf.params}
    data = get(embedded_server, f"/queries/{qf.name}.json", **params).json()
    response = get(embedded_server, f"/queries/{qf.name}.csv", **params)
    assert described_by(response).startswith(f"/queries/{qf.name}.csv-metadata.json")
    table = processed(response.url)
    columns = check_described(table, csv_header(response))
    assert list(columns) == data["columns"]
    notes = requests.get(embedded_server.url + described_by(response), timeout=120).json()
    assert {n["@value"] for n in notes["dc:title"]} == {qf.summary, qf.summary_sv}
    solutions = [{k: c["value"] for k, c in row.items() if c.get("type") == "uri"}
                 for row in data["rows"]]
    if any(solutions):
        check_iri_columns(table, columns, solutions)
    for column in columns.values():  # a column typed from its cells: each cell is of that type
        kinds = {(row.get(column.name) or {}).get("type") for row in data["rows"]} - {None}
        if column.datatype and column.datatype.asdict() == IRI:
            assert kinds == {"uri"}, column.name


def test_a_catalogue_metadata_request_with_a_bad_value_is_a_client_error(embedded_server):
    answer = get(embedded_server, "/queries/forbund-municipalities.csv-metadata.json",
                 forbund="Borås")
    assert answer.status_code == 400 and "forbund" in answer.json()["error"]["message"]
    assert get(embedded_server, "/queries/nothing.csv-metadata.json").status_code == 404


# --------------------------------------------------------------------------- network edges


def test_the_network_edge_list_is_described_and_expands_to_the_graphs_iris(embedded_server):
    path = "/network/fyrbodals-kommunalforbund.csv"
    response = get(embedded_server, path, depth="2")
    assert described_by(response) == path + "-metadata.json?depth=2"
    table = processed(response.url)
    columns = check_described(table, csv_header(response))
    assert columns["source"].titles["en"] == ["Source node"]
    data = get(embedded_server, "/network/fyrbodals-kommunalforbund.json", depth="2").json()
    expanded = expanded_rows(table)
    assert len(expanded) == len(data["edges"]) > 10
    read = list(table.tables[0].iterdicts())
    assert {type(row["inferred"]) for row in read} == {bool}
    assert Counter(row["inferred"] for row in read) == Counter(
        bool(e["inferred"]) for e in data["edges"])
    full = {e["relation"]: r["relation"] for e, r in zip(data["edges"], expanded, strict=True)}
    assert full["org:Membership"] == "http://www.w3.org/ns/org#Membership"
    assert Counter((r["source"], r["target"], r["graph"]) for r in expanded) == Counter(
        (e["source"], e["target"], e["graph"]) for e in data["edges"])
    periods = [row["start"] for row in read if row["start"]]
    assert periods and all(re.fullmatch(r"\d{4}(-\d{2}){0,2}", p) for p in periods)


# --------------------------------------------------------------------------- the R snippet


R_OPEN = {"(": ")", "[": "]", "{": "}"}
_R_RAW = re.compile(r'[rR](["\'])(-*)([(\[{])')


def r_tokens(program: str) -> tuple[list[str], list[str]]:
    """The string literals of an R program, decoded as R decodes them, and the brackets outside
    strings and comments; an unterminated string or a stray bracket fails."""
    strings, stack, i = [], [], 0
    while i < len(program):
        ch = program[i]
        raw = _R_RAW.match(program, i)
        if raw and (i == 0 or not (program[i - 1].isalnum() or program[i - 1] in "._")):
            quote, dashes, bracket = raw.groups()
            close = R_OPEN[bracket] + dashes + quote
            end = program.find(close, raw.end())
            assert end >= 0, f"unterminated raw string at {i}"
            strings.append(program[raw.end():end])
            i = end + len(close)
        elif ch in "\"'":
            text, i = _r_quoted(program, i)
            strings.append(text)
        elif ch == "#":
            i = program.find("\n", i) if "\n" in program[i:] else len(program)
        elif ch in R_OPEN:
            stack.append(R_OPEN[ch])
            i += 1
        elif ch in R_OPEN.values():
            assert stack and stack.pop() == ch, f"unbalanced {ch!r} at {i}"
            i += 1
        else:
            i += 1
    assert not stack, f"unclosed brackets: {stack}"
    return strings, stack


_R_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


def _r_quoted(program: str, start: int) -> tuple[str, int]:
    quote, out, i = program[start], [], start + 1
    while i < len(program):
        ch = program[i]
        if ch == "\\":
            assert program[i + 1] in _R_ESCAPES, f"unknown R escape at {i}"
            out.append(_R_ESCAPES[program[i + 1]])
            i += 2
        elif ch == quote:
            return "".join(out), i + 1
        else:
            out.append(ch)
            i += 1
    raise AssertionError(f"unterminated string at {start}")


@pytest.mark.parametrize("text", ['SELECT * { ?s ?p "a)\\"b" }', 'x )" y )-" z', "plain",
                                  "å \\d \\\\ ' \"\"\" )--\""])
def test_an_r_raw_string_decodes_to_the_text(text):
    strings, _ = r_tokens(f"query <- {r_raw_string(text)}\n")
    assert strings == [text]


@pytest.mark.parametrize("qf", LOCAL, ids=lambda q: q.name)
def test_the_r_snippet_is_well_formed_and_its_query_answers_like_the_page(embedded_server, qf):
    params = {p.name: p.default for p in qf.params}
    data = get(embedded_server, f"/queries/{qf.name}.json", **params).json()
    program = data["snippet_r"]
    assert program.startswith("library(httr2)\n")
    strings, _ = r_tokens(program)
    assert re.search(r"^query <- r\"-*\(", program, re.MULTILINE)
    query = next(s for s in strings if s.lstrip().startswith(("#", "PREFIX", "SELECT")))
    assert query == data["sparql"]
    assert embedded_server.url + "/sparql" in strings
    assert "req_body_form(query = query)" in program and 'Accept = "text/csv"' in program
    # what httr2 sends: the query as a form field, asking for CSV; read with every column as text
    answer = requests.post(embedded_server.url + "/sparql", data={"query": query},
                           headers={"Accept": "text/csv"}, timeout=120)
    assert answer.status_code == 200, answer.text[:500]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"), newline="")))
    if qf.form == "CONSTRUCT":
        assert {(r["subject"], r["predicate"]) for r in rows} == {
            (r["subject"]["value"], r["predicate"]["value"]) for r in data["rows"]}
        return
    own = [c for c in rows[0]] if rows else []
    assert set(own) <= set(data["columns"])

    def page_cell(cell: dict | None) -> str:  # blank nodes are named afresh in every answer
        return "_:" if cell and cell["type"] == "bnode" else (cell or {}).get("value", "")

    assert Counter(tuple("_:" if r[c].startswith("_:") else r[c] for c in own)
                   for r in rows) == Counter(tuple(page_cell(row.get(c)) for c in own)
                                             for row in data["rows"])
