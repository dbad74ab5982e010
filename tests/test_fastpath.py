"""The lean ``/sparql`` path (``service/sparql/fastpath.py``) answers exactly as the Flask path
does.

One application over a real on-disk store with its real query worker processes; each request is
sent twice, through the application as served (the lean path in front of Flask) and straight to
Flask's own WSGI callable behind it, and the two answers must be the same: status, every header
(CSP, CORS, X-KG-…) and body. A spy behind the lean path counts what it hands on to Flask, so the
tests also show which requests the lean path answered itself.
"""

from __future__ import annotations

import threading
import time
import urllib.parse

import pytest
from sparql_support import EX, EXPLOSIVE, make_store
from werkzeug.test import Client

from service.app import create_app
from service.sparql.fastpath import FastPath
from service.sparql.state import state

PATTERN = " ".join(f"GRAPH ?g{i} {{ ?s{i} ?p{i} ?o{i} }}" for i in range(6))
#: every row of a six-way cross join, sorted: it must all be held in memory (test_engine_memory)
HOG = f"SELECT * WHERE {{ {PATTERN} }} ORDER BY ?s0 ?o5"
SELECT = f"SELECT ?label WHERE {{ <{EX}fyrbodal> rdfs:label ?label }}"
SIMPLE = f"ASK {{ <{EX}fyrbodal> ?p ?o }}"
FORM = "application/x-www-form-urlencoded"


class Spy:
    """Flask's WSGI callable, counting the requests the lean path hands on to it."""

    def __init__(self, inner):
        self.inner, self.calls = inner, 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.inner(environ, start_response)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    store = make_store(tmp_path_factory.mktemp("fastpath"))
    app = create_app(
        {
            "KG_STORE": str(store),
            "KG_QUERY_TIMEOUT": 3,
            "KG_QUERY_MEMORY": "256M",
            "KG_WORKERS": 1,
            "KG_MAX_CONCURRENT": 1,
            "KG_MAX_ROWS": 3,
            "KG_MAX_REQUEST_BYTES": 4096,
            "KG_CACHE_SIZE": 0,  # every request evaluated on both paths
        }
    )
    flask = app.wsgi_app.inner
    app.wsgi_app = FastPath(app, Spy(flask))
    yield app
    state(app).close()


def both(app, method: str, params: dict | list | None = None, **kwargs):
    """The same request through the lean path and through Flask alone: the two responses and
    whether the lean path answered it itself."""
    query = urllib.parse.urlencode(params or {}, doseq=True)
    spy = app.wsgi_app.inner
    before = spy.calls
    fast = Client(app).open("/sparql", method=method, query_string=query, **kwargs)
    answered = spy.calls == before
    slow = Client(spy.inner).open("/sparql", method=method, query_string=query, **kwargs)
    return fast, slow, answered


def same(fast, slow) -> None:
    assert fast.status == slow.status, (fast.get_data(as_text=True), slow.get_data(as_text=True))
    assert sorted(fast.headers.items()) == sorted(slow.headers.items())
    assert fast.get_data() == slow.get_data()


def post_form(fields: dict) -> dict:
    return {"data": urllib.parse.urlencode(fields), "content_type": FORM}


# (what, method, query-string params, request options, answered by the lean path itself)
CASES = [
    ("select by GET", "GET", {"query": SELECT}, {}, True),
    ("select as CSV", "GET", {"query": SELECT, "format": "csv"}, {}, True),
    ("by Accept: XML", "GET", {"query": SELECT}, {"headers": {"Accept": "application/xml"}}, True),
    ("by POST form", "POST", None, post_form({"query": SELECT, "output": "tsv"}), True),
    (
        "by POST sparql-query",
        "POST",
        {"format": "json"},
        {"data": SELECT.encode(), "content_type": "application/sparql-query; charset=utf-8"},
        True,
    ),
    ("ask", "GET", {"query": SIMPLE}, {}, True),
    ("construct, truncated", "GET", {"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, {}, True),
    ("Swedish letters", "GET", {"query": 'ASK { ?s ?p "Region Skåne"@sv }'}, {}, True),
    ("malformed: 400 with the parser's message", "GET", {"query": "SELECT ?x WHERE {"}, {}, True),
    ("unknown prefix", "GET", {"query": "SELECT * WHERE { ?s foo:bar ?o }"}, {}, True),
    (
        "an error as JSON",
        "GET",
        {"query": "SELECT ?x WHERE {"},
        {"headers": {"Accept": "application/json"}},
        True,
    ),
    ("406", "GET", {"query": SELECT}, {"headers": {"Accept": "image/png"}}, False),
    ("406 by format", "GET", {"query": SELECT, "format": "bogus"}, {}, False),
    ("413", "GET", {"query": SELECT + " " * 5000}, {}, False),
    ("413 by POST", "POST", None, post_form({"query": SELECT + " " * 5000}), False),
    ("415", "POST", None, {"data": "query=ASK{}", "content_type": "text/plain"}, False),
    ("query twice", "GET", [("query", SIMPLE), ("query", SIMPLE)], {}, False),
    ("an update by GET: 405", "GET", {"update": "CLEAR ALL"}, {}, False),
    ("a bad timeout", "GET", {"query": SIMPLE, "timeout": "soon"}, {}, False),
    (
        "SERVICE refused",
        "GET",
        {"query": "SELECT * { SERVICE <http://x.org/> { ?s ?p ?o } }"},
        {},
        False,
    ),
    ("a dataset", "GET", {"query": SELECT, "default-graph-uri": EX + "graph/forbund"}, {}, False),
    ("service description", "GET", None, {}, False),
    ("HEAD", "HEAD", {"query": SELECT}, {}, False),
    ("OPTIONS", "OPTIONS", None, {}, False),
    ("504", "GET", {"query": EXPLOSIVE}, {}, True),
    ("504 with timeout=", "GET", {"query": EXPLOSIVE, "timeout": "0.5"}, {}, True),
    ("507", "GET", {"query": HOG}, {}, True),
]


@pytest.mark.parametrize(
    ("method", "params", "options", "lean"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_lean_path_answers_as_flask(app, method, params, options, lean):
    fast, slow, answered = both(app, method, params, **options)
    same(fast, slow)
    assert answered == lean


def test_a_busy_endpoint_answers_503_on_both_paths(app):
    """KG_MAX_CONCURRENT is 1: while a runaway query holds the slot, both paths answer 503."""
    runaway = threading.Thread(
        target=lambda: Client(app).get("/sparql", query_string={"query": EXPLOSIVE})
    )
    runaway.start()
    try:
        deadline = time.monotonic() + 10
        while state(app).slots._value and time.monotonic() < deadline:  # noqa: SLF001
            time.sleep(0.01)
        fast, slow, answered = both(app, "GET", {"query": SIMPLE})
    finally:
        runaway.join()
    assert fast.status_code == 503 and answered
    same(fast, slow)


def test_the_answer_carries_the_security_and_cors_headers(app):
    fast, _slow, answered = both(app, "GET", {"query": SELECT})
    assert answered and fast.status_code == 200
    assert "script-src 'self'" in fast.headers["Content-Security-Policy"]
    assert fast.headers["Access-Control-Allow-Origin"] == "*"
    assert fast.headers["X-Content-Type-Options"] == "nosniff"
    assert fast.headers["X-KG-Cache"] == "miss"
