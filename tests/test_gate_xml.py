"""RDF/XML with a DTD is refused before parsing: entities cannot expand in uploads or builds.

A "billion laughs" body of under 600 bytes (nine levels of entities, ten references each; the
issue's had 534) sent to
``/store`` is a 400, the server stays up and its memory stays small; a UTF-16 copy cannot hide
the DTD; the same body as a file for ``build --load`` and ``serve --load`` stops with the file
and the reason. Plain RDF/XML still loads.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from sparql_support import call, make_store

from graph.build import build
from graph.embedded import EmbeddedStore
from graph.validate import BuildError
from service.sparql.live import load_files

TOKEN = "gate-token"
RDF = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="urn:e:">'


def laughs() -> bytes:
    levels = ['<!ENTITY a "lol">'] + [
        f'<!ENTITY {chr(98 + i)} "{f"&{chr(97 + i)};" * 10}">' for i in range(8)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE r [' + "".join(levels) + "]>\n" + RDF
        + '<rdf:Description rdf:about="urn:e:x"><e:p>&i;</e:p></rdf:Description></rdf:RDF>'
    ).encode()


PLAIN = (RDF + '<rdf:Description rdf:about="urn:e:x"><e:p>ok</e:p></rdf:Description>'
         "</rdf:RDF>").encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory, spawn_server):
    """A real server: the test reads its process's memory."""
    return spawn_server(make_store(tmp_path_factory.mktemp("gate-xml")), "--processes", "1",
                        "--workers", "1", env={"KG_UPDATE_TOKEN": TOKEN})


def put(server, body: bytes, method: str = "PUT"):
    return call(server.url + "/store?graph=urn:e:g", method=method, data=body,
                headers={"Content-Type": "application/rdf+xml",
                         "Authorization": f"Bearer {TOKEN}"})


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_billion_laughs_upload_is_refused_and_the_server_lives(server):
    body = laughs()
    assert len(body) <= 600
    for method in ("PUT", "POST"):
        reply = put(server, body, method)
        assert reply.status == 400, reply.text
        assert "DTD" in reply.text and "nothing was changed" in reply.text
    utf16 = put(server, body.decode().replace('"1.0"?>', '"1.0" encoding="UTF-16"?>')
                .encode("utf-16"))
    assert utf16.status == 400 and "DTD" in utf16.text
    assert rss_kib(server.proc.pid) < 1 << 20  # under 1 GiB: nothing expanded
    assert put(server, PLAIN).status == 201
    assert call(server.url + "/sparql", params={"query": "ASK { ?s ?p 'ok' }"}).json()["boolean"]
    assert "Traceback" not in server.log.read_text()


def test_build_and_serve_load_refuse_a_dtd_with_file_and_reason(tmp_path):
    path = tmp_path / "laughs.rdf"
    path.write_bytes(laughs())
    with pytest.raises(BuildError) as refused:
        build(tmp_path / "store", extra=[path], step=lambda _msg: None)
    assert "laughs.rdf" in str(refused.value) and "DTD" in str(refused.value)
    assert not (tmp_path / "store").exists()
    store = EmbeddedStore(None)
    with pytest.raises(BuildError) as refused:
        load_files(store, [path])
    assert "laughs.rdf" in str(refused.value) and "DTD" in str(refused.value)
    path.write_bytes(PLAIN)
    load_files(store, [path])
    assert ox.Literal("ok") in {q.object for q in store.raw}
