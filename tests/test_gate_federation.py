"""SERVICE and LOAD reach only allow-listed endpoints, whatever the request's spelling.

A real TCP listener on 127.0.0.1 stands for a host the service must not be turned against; one of
its paths is on ``KG_SERVICE_ALLOWLIST``. Queries and updates aim at its other paths and at a
second listener with comment, escape, case, whitespace, nesting, subquery, BASE and LOAD tricks:
each is answered 400 naming the setting, and neither listener sees a connection. The allowed path
is reached (the control that the listener would see one). The app runs in this process
(``fixture_app``) with its real query workers, which make the engine's SERVICE calls.
"""

from __future__ import annotations

import socket
import threading

import pytest
from sparql_support import FORM, call, fixture_app, form

from service.sparql import gate as sparql_gate

TOKEN = "gate-token"


class Listener:
    """A TCP listener that counts connections and closes each at once."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture(scope="module")
def listeners():
    pair = Listener(), Listener()
    yield pair
    for listener in pair:
        listener.sock.close()


@pytest.fixture(scope="module")
def app(tmp_path_factory, listeners):
    yield from fixture_app(tmp_path_factory.mktemp("gate-federation"), KG_WORKERS=1,
                           KG_QUERY_TIMEOUT=10, KG_UPDATE_TOKEN=TOKEN,
                           KG_SERVICE_ALLOWLIST=listeners[0].url("/allowed"))


def attacks(one: Listener, two: Listener) -> list[str]:
    bad, other = one.url("/other"), two.url("/allowed")
    host = f"http://127.0.0.1:{one.port}/"
    return [
        f"SELECT * WHERE {{ SERVICE <{bad}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{other}> {{ ?s ?p ?o }} }}",
        # a comment ended by a carriage return: the engine reads SERVICE on the next line
        f"SELECT * WHERE {{ # note\rSERVICE <{bad}> {{ ?s ?p ?o }} }}",
        # an escaped '#' in a prefixed name is no comment
        f"PREFIX h: <{host}> SELECT * WHERE {{ ?s ?p h:a\\#b . SERVICE h:other {{ ?s ?p ?o }} }}",
        f"PREFIX h: <{host}> SELECT * WHERE {{ SERVICE h:oth\\-er {{ ?s ?p ?o }} }}",
        # \u escapes in the keyword and in the IRI
        f"SELECT * WHERE {{ \\u0053ERVICE <{bad}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{host}\\u006Fther> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{host}\\U0000006Fther> {{ ?s ?p ?o }} }}",
        # case and whitespace
        f"select * where {{ sErViCe\n\n\t <{bad}>\r\n{{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT\n<{bad}> {{ ?s ?p ?o }} }}",
        # nesting, subqueries, EXISTS
        f"SELECT * WHERE {{ {{ {{ OPTIONAL {{ SERVICE <{bad}> {{ ?s ?p ?o }} }} }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{bad}> {{ ?s ?p ?o }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{bad}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ SERVICE <{one.url('/allowed')}> {{ SERVICE <{bad}> {{ }} }} }}",
        # relative IRIs resolved against BASE, and prefixes
        f"BASE <{host}allowed/> SELECT * WHERE {{ SERVICE <../other> {{ ?s ?p ?o }} }}",
        f"BASE <{host}> PREFIX h: <x/> SELECT * WHERE {{ SERVICE h:y {{ ?s ?p ?o }} }}",
        # a variable endpoint, whatever VALUES it takes
        f"SELECT * WHERE {{ VALUES ?e {{ <{one.url('/allowed')}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        # text rdflib cannot parse that mentions SERVICE
        f"SELECT * WHERE {{ SERVICE <{bad}> {{ ?s ?p ?o }} }} }} SERVICE",
    ]


def update_attacks(one: Listener, two: Listener) -> list[str]:
    bad, host = one.url("/other"), f"http://127.0.0.1:{one.port}/"
    return [
        f"LOAD <{bad}>",
        f"LOAD SILENT <{bad}>",
        f"load silent <{two.url('/allowed')}> INTO GRAPH <urn:g>",
        f"PREFIX h: <{host}> LOAD h:other",
        f"BASE <{host}allowed/> LOAD <../other>",
        f"INSERT DATA {{ <urn:a> <urn:b> 1 }} ; \\u004C\\u004FAD <{bad}>",
        f"# c\rLOAD <{bad}>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{bad}> {{ ?s ?p ?o }} }}",
        f"DELETE {{ ?s ?p ?o }} WHERE {{ {{ SELECT * {{ SERVICE SILENT <{bad}> {{ }} }} }} }}",
    ]


def update(client, text: str):
    return call("/sparql", method="POST", data=form({"update": text}),
                headers={**FORM, "Authorization": f"Bearer {TOKEN}"}, client=client)


def test_refused_queries_make_no_connection(client, listeners):
    for query in attacks(*listeners):
        for reply in (
            call("/sparql", params={"query": query}, client=client),
            call("/sparql", method="POST", data=form({"query": query}), headers=FORM,
                 client=client),
        ):
            assert reply.status == 400, (query, reply.text)
            assert "KG_SERVICE_ALLOWLIST" in reply.text, query
    assert [listener.connections for listener in listeners] == [0, 0]


def test_refused_updates_make_no_connection(client, listeners):
    for text in update_attacks(*listeners):
        reply = update(client, text)
        assert reply.status == 400, (text, reply.text)
        assert "KG_SERVICE_ALLOWLIST" in reply.text, text
    assert [listener.connections for listener in listeners] == [0, 0]


def test_the_allowed_endpoint_is_reached_and_nothing_is_logged(client, listeners, caplog):
    allowed = listeners[0].url("/allowed")
    text = (f"PREFIX r: <{allowed}#> SELECT * WHERE {{ ?s ?p r:x "  # a '#' before it on its line
            f"OPTIONAL {{ SERVICE SILENT <{allowed}> {{ ?s ?p ?o }} }} }}")
    reply = call("/sparql", params={"query": text}, client=client)
    assert reply.status == 200, reply.text
    assert listeners[0].connections >= 1 and listeners[1].connections == 0
    log = caplog.text  # the app's log
    assert "Traceback" not in log


def test_service_in_a_string_or_a_name_is_no_service(client):
    query = ('PREFIX service: <https://example.org/service/> SELECT * WHERE { '
             '?s ?p "SERVICE <http://127.0.0.1:1/>" . ?s service:load ?o }')
    assert call("/sparql", params={"query": query}, client=client).status == 200


@pytest.fixture
def unlisted(tmp_path):
    """The app with an empty allow-list."""
    yield from fixture_app(tmp_path, KG_WORKERS=1, KG_UPDATE_TOKEN=TOKEN)


def test_an_empty_allow_list_refuses_service_and_load(unlisted):
    client = unlisted.test_client()
    reply = call("/sparql", client=client,
                 params={"query": "SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"})
    assert reply.status == 400 and "KG_SERVICE_ALLOWLIST is empty" in reply.text
    reply = update(client, "LOAD <http://127.0.0.1:1/x>")
    assert reply.status == 400 and "KG_SERVICE_ALLOWLIST is empty" in reply.text


H = "http://127.0.0.1:9/"


@pytest.mark.parametrize(
    ("text", "update", "services", "loads"),
    [
        (f"BASE <{H}a/b/> SELECT * {{ SERVICE <../c> {{ }} }}", False, (H + "a/c",), ()),
        (f"BASE <{H}a/> PREFIX p: <q/> SELECT * {{ SERVICE p:r\\#s {{ }} }}", False,
         (H + "a/q/r#s",), ()),
        ("SELECT * { { SELECT * { SERVICE ?e { } } } }", False, (None,), ()),
        (f"PREFIX p: <{H}> LOAD p:x ; BASE <{H}d/> LOAD SILENT <y> INTO GRAPH <urn:g>", True,
         (), (H + "x", H + "d/y")),
        (f"INSERT {{ ?s ?p ?o }} WHERE {{ FILTER NOT EXISTS {{ SERVICE <{H}> {{ }} }} }}", True,
         (H,), ()),
        ('SELECT * { ?s ?p "SERVICE <http://x/> { }" } # LOAD <http://y/>', False, (), ()),
    ],
)
def test_outbound_reads_what_the_engine_would_call(text, update, services, loads):
    found = sparql_gate.outbound(text, update=update)
    assert (found.services, found.loads, found.unreadable) == (services, loads, "")


def test_only_requests_that_mention_service_or_load_are_parsed():
    assert sparql_gate.outbound("SELECT * WHERE { broken", update=False) == sparql_gate.NOTHING
    assert sparql_gate.outbound("SELECT * WHERE { SERVICE broken", update=False).unreadable
    big = "SELECT * WHERE { ?s ?p 'service' } #" + "x" * sparql_gate.MAX_CHECKED_BYTES
    with pytest.raises(sparql_gate.Refused, match="KiB"):
        sparql_gate.outbound(big, update=False)
