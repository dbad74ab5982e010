"""Helpers shared by the SPARQL endpoint tests: a small store from our own fixtures, HTTP calls.

The store has the layout of a real build (``<dir>/oxigraph`` + ``build.json``), so the real
``kompetensgraf serve`` serves it exactly as it serves ``var/store``. :func:`fixture_app` is the
same app in the test's own process (its query workers and update process included), and
:func:`call` sends a request over a socket to a server or, given Flask's test client, to such an
app: request and answer checks need no server process.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Flask
from flask.testing import FlaskClient

from graph.merge import resync
from service.app import create_app
from service.sparql.state import state

DATA = Path(__file__).parent / "data" / "sparql"
ACTORS = DATA / "actors.trig"
MUNICIPALITIES = DATA / "municipalities.ttl"
EX = "https://example.org/kg-test/"
EXG = EX + "graph/"
USER_GRAPH = "https://w3id.org/kompetensgraf/graph/user/municipalities"
#: a six-way cross join over every triple (33^6 ≈ 1.3 billion rows to count): minutes of work on
#: any machine, far beyond every timeout in these tests
EXPLOSIVE = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?o ?q . "
    "?r ?t ?u }"
)


def make_store(parent: Path) -> Path:
    """A built-store directory holding tests/data/sparql/actors.trig."""
    path = parent / "store"
    (path / "oxigraph").mkdir(parents=True)
    store = ox.Store(str(path / "oxigraph"))
    store.bulk_load(path=str(ACTORS), format=ox.RdfFormat.TRIG)
    store.update(resync())  # the default graph: the merge of the named graphs, as a build has it
    store.flush()
    del store
    info = {"build_id": f"fixture-{uuid.uuid4().hex[:6]}", "quads": 0}
    (path / "build.json").write_text(json.dumps(info), encoding="utf-8")
    return path


def fixture_app(root: Path, **config) -> Iterator[Flask]:
    """The app ``kompetensgraf serve --store`` serves over :func:`make_store` (in ``root``), with
    the settings ``config``, made by the same factory in this process: its query workers (and
    update process, with ``KG_UPDATE_TOKEN``) are real processes it starts itself. Stops them
    and removes its temporary data at the end (a generator for module fixtures)."""
    app = create_app({"KG_STORE": str(make_store(root)), **config})
    try:
        yield app
    finally:
        state(app).close()


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)

    @property
    def type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def call(
    url: str,
    *,
    method: str = "GET",
    params: dict | list | None = None,
    data: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 120,
    client: FlaskClient | None = None,
) -> Reply:
    """One HTTP request; error statuses are returned, not raised. With ``client`` (Flask's test
    client of an app in this process) ``url`` is a path and the request goes to that app, with
    the headers urllib would send."""
    if params:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params, doseq=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if client is not None:
        headers = dict(headers or {})
        if data is not None and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/x-www-form-urlencoded"  # urllib's default
        response = client.open(url, method=method, data=data, headers=headers)
        return Reply(response.status_code, _lower(response.headers), response.get_data())
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, _lower(response.headers), response.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, _lower(exc.headers), exc.read())


def _lower(headers) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def form(fields: dict | list) -> bytes:
    return urllib.parse.urlencode(fields, doseq=True).encode("ascii")


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


#: the three protocol operations that carry a query
HOW = ["get", "post-form", "post-direct"]


def send(
    endpoint: str, how: str, query: str, params: list | None = None, client=None
) -> Reply:
    """Send ``query`` by GET, by POST form or by POST ``application/sparql-query`` (``client``:
    as in :func:`call`)."""
    params = params or []
    if how == "get":
        return call(endpoint, params=[("query", query), *params], client=client)
    if how == "post-form":
        return call(endpoint, method="POST", data=form([("query", query), *params]), headers=FORM,
                    client=client)
    return call(
        endpoint,
        method="POST",
        params=params,
        data=query,
        headers={"Content-Type": "application/sparql-query; charset=utf-8"},
        client=client,
    )


def select_values(reply: Reply, var: str) -> list[str]:
    return [b[var]["value"] for b in reply.json()["results"]["bindings"] if var in b]


def workers_of(pid: int) -> dict[int, str]:
    """The worker processes of the server ``pid`` (children of its fork server), by name:
    ``kg-query`` for query workers, ``kg-update`` for the update process."""
    parents, names = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        child = int(stat.parent.name)
        parents[child] = int(text.rsplit(")", 1)[1].split()[1])
        names[child] = text[text.index("(") + 1 : text.rindex(")")]
    forkservers = {c for c, p in parents.items() if p == pid}
    return {c: names[c] for c, p in parents.items() if p in forkservers}


def gone(pid: int) -> bool:
    """Has process ``pid`` ended (a zombie waiting to be reaped counts as ended)?"""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in "ZX"
    except OSError:
        return True
