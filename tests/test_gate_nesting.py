"""Requests nested beyond the documented limits are refused before any parser sees them.

Against the app in this process (``fixture_app``: its real query workers and update process): just
under each limit the query (or update) is answered, just over it is a 400 naming the limit.
Against a real server: the issue's attacks (5,000 ``{``, 10,000 UNIONs, nested OPTIONAL, CONCAT,
collections, blank nodes) are 400 too, and no worker crashes, the server process lives, nothing
answers 500 and no traceback is logged. Every catalogue query passes with a wide margin.
"""

from __future__ import annotations

import pytest
from conftest import ROOT
from sparql_support import FORM, call, fixture_app, form, make_store

from service.sparql import gate as sparql_gate
from service.sparql.gate import MAX_DEPTH, MAX_ITEMS, MAX_OPERATORS, Refused, check_nesting

TOKEN = "gate-token"
T = "?s ?p ?o"


def braces(n: int) -> str:
    return "SELECT * WHERE " + "{" * n + T + "}" * n


def unions(n: int) -> str:  # about n operators: each branch is a UNION and a { } group
    return "SELECT * WHERE { " + " UNION ".join([f"{{ {T} }}"] * ((n + 1) // 2)) + " }"


def optionals(n: int) -> str:
    return f"SELECT * WHERE {{ {T} " + f"OPTIONAL {{ {T} " * n + "}" * n + " }"


def concat(n: int) -> str:
    return "SELECT * WHERE { BIND(" + "CONCAT(" * n + '"a"' + ")" * n + " AS ?c) }"


# updates write to a named graph: the default graph is the merge of the named ones (writes refused)
def collection(n: int) -> str:
    return "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> (" + " 1" * n + " ) } }"


def bnodes(n: int) -> str:
    return ("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> " + "[ <urn:b> " * n + "1" + " ]" * n
            + " } }")


SETTINGS = {"KG_WORKERS": 1, "KG_QUERY_TIMEOUT": 20, "KG_UPDATE_TOKEN": TOKEN}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    yield from fixture_app(tmp_path_factory.mktemp("gate-nesting"), **SETTINGS)


@pytest.fixture(scope="module")
def server(tmp_path_factory, spawn_server):
    return spawn_server(make_store(tmp_path_factory.mktemp("gate-nesting")), "--processes", "1",
                        "--workers", "1", "--timeout", "20", env={"KG_UPDATE_TOKEN": TOKEN})


def query(endpoint: str, text: str, client=None):
    return call(endpoint, method="POST", data=form({"query": text}), headers=FORM, client=client)


def update(endpoint: str, text: str, client=None):
    return call(endpoint, method="POST", data=form({"update": text}),
                headers={**FORM, "Authorization": f"Bearer {TOKEN}"}, client=client)


def test_every_project_query_passes_with_a_wide_margin(monkeypatch):
    seen = []
    monkeypatch.setattr(sparql_gate, "_limit", lambda n, limit, message: seen.append(n))
    monkeypatch.setattr(sparql_gate, "MAX_DEPTH", 0)  # no shortcut for short texts: measure all
    files = sorted((ROOT / "queries").rglob("*.rq"))
    assert len(files) > 50
    worst = [0, 0, 0]
    for path in files:
        seen.clear()
        check_nesting(path.read_text(encoding="utf-8"))
        worst = [max(a, b) for a, b in zip(worst, seen, strict=True)]
    depth, operators, items = worst
    assert depth * 5 <= MAX_DEPTH and operators * 5 <= MAX_OPERATORS and items * 5 <= MAX_ITEMS


@pytest.mark.parametrize(
    ("build", "limit"),
    [(braces, MAX_DEPTH), (unions, MAX_OPERATORS), (optionals, MAX_DEPTH), (concat, MAX_DEPTH)],
    ids=["braces", "unions", "optional", "concat"],
)
def test_queries_just_under_are_answered_and_just_over_refused(client, build, limit):
    under = query("/sparql", build(limit - 2), client)
    assert under.status == 200, under.text
    over = query("/sparql", build(limit + 1), client)
    assert over.status == 400
    assert f"at most {limit}" in over.text and "nesting limits" in over.text


@pytest.mark.parametrize(("build", "limit"), [(collection, MAX_ITEMS), (bnodes, MAX_DEPTH)],
                         ids=["collection", "blank-nodes"])
def test_updates_just_under_are_applied_and_just_over_refused(client, build, limit):
    assert update("/sparql", build(limit - 2), client).status == 200
    over = update("/sparql", build(limit + 1), client)
    assert over.status == 400 and f"at most {limit}" in over.text


def test_the_issues_attacks_are_400_and_nothing_crashes(server):
    attacks = [
        braces(5000), unions(20_000), optionals(5000), concat(5000),
        "SELECT * WHERE { ?s ?p ?o FILTER(" + " + ".join(["?o"] * 10_000) + ") }",
        "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "?o" + ")" * 5000 + ") }",
        "SELECT * WHERE { ?s ?p (" + " 1" * 20_000 + " ) }",
        "SELECT * WHERE { ?s ?p " + "[ ?p " * 5000 + "1" + " ]" * 5000 + " }",
        "SELECT * WHERE " + "\\u007B" * 5000 + T + "}" * 5000,  # escaped braces are braces
        "SELECT * WHERE { " + "{ } " * 5000 + "}",
        'SELECT * WHERE { ?s ?p ?o FILTER("' + "}" * 5000 + '" = "")' + " {" * 5000,
    ]
    endpoint = server.url + "/sparql"
    for text in attacks:
        reply = query(endpoint, text)
        assert reply.status == 400, (text[:60], reply.status, reply.text[:200])
        assert "nesting limits" in reply.text and len(reply.text.splitlines()) <= 2
    for text in (braces(5000).replace("SELECT * WHERE", "DELETE WHERE"), collection(20_000),
                 bnodes(5000), "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } } ; " * 2000):
        reply = update(endpoint, text)
        assert reply.status == 400, (text[:60], reply.status, reply.text[:200])
    assert query(endpoint, "ASK { ?s ?p ?o }").status == 200
    log = server.log.read_text()
    assert "Traceback" not in log and "a query worker failed" not in log
    assert server.proc.poll() is None


def test_the_check_reads_escapes_strings_and_comments():
    check_nesting('SELECT * { ?s ?p "' + "{" * 500 + '" } # ' + "(" * 500)
    with pytest.raises(Refused):  # closing brackets in a string do not hide real depth
        check_nesting('SELECT * { FILTER("' + ")" * 500 + '") ' + "{" * (MAX_DEPTH + 1))
    with pytest.raises(Refused):  # an engine may read '<' as less-than
        check_nesting("ASK { FILTER(1<" + "(" * (MAX_DEPTH + 1) + "1>0) }")


def test_catalogue_values_never_enter_the_query_text(client, caplog):
    # an IRI may hold brackets: as a substitution they nest nothing, so no limit applies
    actor = "https://example.org/" + "(" * 5000
    reply = call("/queries/actor-network.json", params={"actor": actor}, client=client)
    assert reply.status == 200, reply.text[:300]
    assert reply.json()["rows"] == []
    assert "Traceback" not in caplog.text  # the app's log
