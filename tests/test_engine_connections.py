"""Idle and slow connections cannot shut new clients out (``serve``: waitress, and granian).

120 connections each hold a half-sent request (a request line and a header, never the blank line
that ends it); while all of them are open, a new client must still be answered. Loopback only,
bounded loops.
"""

from __future__ import annotations

import socket
from contextlib import ExitStack

import pytest
from conftest import start_server
from sparql_support import EX, call, make_store

HELD = 120
SIMPLE = f"ASK {{ <{EX}fyrbodal> ?p ?o }}"


@pytest.fixture(scope="module", params=["waitress", "granian"])
def server(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"engine-connections-{request.param}")
    processes = "1" if request.param == "waitress" else "2"
    srv = start_server(
        make_store(root), root / "server.log", "--processes", processes, "--workers", "1"
    )
    yield srv
    srv.stop()


def half_sent(stack: ExitStack, port: int) -> socket.socket:
    sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=10))
    sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    return sock


def test_a_new_client_is_answered_while_many_requests_hang_half_sent(server):
    port = int(server.url.rsplit(":", 1)[1])
    with ExitStack() as stack:
        held = [half_sent(stack, port) for _ in range(HELD)]
        reply = call(server.url + "/sparql", params={"query": SIMPLE}, timeout=60)
        assert reply.status == 200 and reply.json()["boolean"] is True
        # the held ones were neither answered nor dropped meanwhile: they really were waiting
        for sock in held[:5]:
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
