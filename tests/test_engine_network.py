"""With an empty ``KG_SERVICE_ALLOWLIST`` the engine connects nowhere, whatever a request says.

A real TCP listener on 127.0.0.1 plays the address an attacker wants the server to reach; it
answers anyone who connects with a status and a body that must never come back to the client.
Queries and updates (``SERVICE``, ``LOAD``, ``LOAD SILENT``) with comment, escape, case,
whitespace and nesting tricks go to a real ``kompetensgraf serve``; whatever the answer, the
listener sees no connection: the query workers and the update process live in empty network
namespaces of their own.
"""

from __future__ import annotations

import os
import socket
import threading

import pytest
from sparql_support import EX, EXG, FORM, call, form, make_store, send, workers_of

from service.sparql.process import reaches_out
from service.sparql.worker import NO_NETWORK, error_of

TOKEN = "network-test-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
SECRET = b"HTTP/1.1 418 KG-SECRET-TEAPOT\r\nContent-Length: 13\r\n\r\nKG-SECRET-BODY"


class Listener:
    """A TCP listener on loopback that counts every connection it is offered."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            with conn:
                conn.settimeout(1)
                try:
                    conn.recv(65536)
                    conn.sendall(SECRET)
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    found = Listener()
    yield found
    found.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, spawn_server):
    return spawn_server(
        make_store(tmp_path_factory.mktemp("engine-network")), "--workers", "1", "--timeout", "20",
        env={"KG_UPDATE_TOKEN": TOKEN, "KG_SERVICE_ALLOWLIST": ""},
    )


def queries(url: str, port: int) -> list[str]:
    """SERVICE calls to ``url``, dressed up to slip past anything that reads the text."""
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ # a note\rSERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{url}#> SELECT * WHERE {{ BIND(e:a\\#b AS ?x) SERVICE <{url}> "
        "{ ?s ?p ?o }\n}",
        f"PREFIX e: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICE e:sparql\\#x "
        "{ ?s ?p ?o } }",
        f"SELECT * WHERE {{ sErViCe <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE\t\n SILENT\r\n<{url}>{{?s ?p ?o}} }}",
        f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:\\u003{str(port)[0]}{str(port)[1:]}/x> "
        "{ ?s ?p ?o } }",
        f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ OPTIONAL {{ {{ {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}",
        f"ASK {{ FILTER EXISTS {{ SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f'SELECT * WHERE {{ ?s ?p "x" # "\rSERVICE <{url}> {{ ?s ?p ?o }} }}',
    ]


def updates(url: str) -> list[str]:
    return [
        f"LOAD <{url}>",
        f"LOAD SILENT <{url}>",
        f"load <{url}> INTO GRAPH <{EXG}loaded>",
        f"# note\rLOAD <{url}>",
        f"INSERT {{ GRAPH <{EXG}x> {{ ?s ?p ?o }} }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"INSERT {{ GRAPH <{EXG}x> {{ ?s ?p ?o }} }} WHERE {{ # n\rSERVICE SILENT <{url}> "
        "{ ?s ?p ?o } }",
        f"DELETE {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    ]


def assert_unreached(reply, listener: Listener) -> None:
    assert reply.status < 500, reply.text
    assert b"KG-SECRET" not in reply.body and b"418" not in reply.body
    assert listener.connections == 0


@pytest.mark.parametrize("how", ["get", "post-direct"])
def test_no_query_reaches_the_listener(server, listener, how):
    url = f"http://127.0.0.1:{listener.port}/sparql"
    for query in queries(url, listener.port):
        reply = send(server.url + "/sparql", how, query)
        assert_unreached(reply, listener)


def test_no_update_reaches_the_listener(server, listener):
    url = f"http://127.0.0.1:{listener.port}/data.ttl"
    for text in updates(url):
        reply = call(
            server.url + "/sparql", method="POST", data=form({"update": text}),
            headers={**FORM, **AUTH},
        )
        assert_unreached(reply, listener)
        assert reply.status in (200, 400), reply.text
        if reply.status == 400:
            assert "nothing was changed" in reply.text
    # nothing of it arrived in the store
    ask = call(server.url + "/sparql", params={"query": f"ASK {{ GRAPH <{EXG}x> {{ ?s ?p ?o }} }}"})
    assert ask.json()["boolean"] is False


def test_a_load_that_reaches_the_engine_fails_without_telling_the_remote_status(server, listener):
    reply = call(
        server.url + "/sparql", method="POST",
        data=form({"update": f"LOAD <http://127.0.0.1:{listener.port}/x.ttl>"}),
        headers={**FORM, **AUTH},
    )
    assert reply.status == 400
    assert "KG_SERVICE_ALLOWLIST" in reply.text
    assert listener.connections == 0


def namespace(pid: int) -> str:
    return os.readlink(f"/proc/{pid}/ns/net")


def test_every_worker_lives_in_a_network_namespace_of_its_own(server):
    # (a replacement being started may not have its name yet)
    workers = {p: n for p, n in workers_of(server.proc.pid).items() if n.startswith("kg-")}
    assert sorted(set(workers.values())) == ["kg-query", "kg-query-short", "kg-update"]
    for pid in workers:
        assert namespace(pid) != namespace(server.proc.pid)


def test_a_worker_that_keeps_the_network_refuses_anything_mentioning_service():
    """The fallback when a worker cannot leave the network: conservative, any spelling."""
    assert reaches_out("SELECT * WHERE { SERVICE <x:y> {} }")
    assert reaches_out("select * where { # \rsErViCe <x:y> {} }")
    assert reaches_out("SELECT * WHERE { \\u0053ERVICE <x:y> {} }")
    assert reaches_out("SELECT * WHERE { \\U00000073ervice <x:y> {} }")
    assert reaches_out('SELECT ("service" AS ?x) {}')  # even in a string: conservative
    assert reaches_out("LOAD <x:y>", ("service", "load"))
    assert not reaches_out(f"SELECT * WHERE {{ <{EX}a> ?p ?o }}")


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (OSError("Network is unreachable (os error 101)"), "network"),
        (OSError("Error 500 Internal Server Error returned by http://h/ with payload: x"),
         "network"),
        (RuntimeError("Unsupported Content-Type returned by service <http://h/>: text/html"),
         "network"),
        (SyntaxError("error at 1:9: expected <http://example.org/x>"), "query"),
        (RuntimeError("a value was given for ?x"), "query"),
    ],
)
def test_errors_from_another_endpoint_never_reach_the_client(exc, kind):
    found, message = error_of(exc)
    assert found == kind
    if kind == "network":
        assert message == NO_NETWORK and "returned by" not in message
