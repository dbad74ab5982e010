"""A :class:`GraphStore` on any SPARQL 1.1 Query / Update / Graph Store Protocol endpoint.

Queries and updates go through SPARQLWrapper; loads go through the Graph Store Protocol (GSP, one
request per graph) or, without a GSP address, through SPARQL Update. Answers are turned into
pyoxigraph's own types, so callers cannot tell the backends apart:

* SELECT / ASK: the engine's SPARQL JSON results, read by ``pyoxigraph.parse_query_results``
  (a real ``QuerySolutions`` / ``QueryBoolean``);
* CONSTRUCT / DESCRIBE: the engine's N-Triples (or Turtle, RDF/XML …, by its Content-Type), put
  into a small in-memory pyoxigraph store and read back with ``CONSTRUCT`` — a real
  ``QueryTriples`` (iteration and ``serialize(output, format)``), as a set of triples.

Engine differences handled here, with Virtuoso's rewrites in :mod:`graph.remote.virtuoso` (see the
README, "Running on an existing SPARQL engine"):

* the default graph, the merge of the named graphs (:mod:`graph.merge`): Oxigraph server holds
  it in its own default graph (run without ``--union-default-graph``: checked once), Virtuoso,
  whose default graph is always the union, in :data:`MERGE_GRAPH`, which queries get as their
  ``default-graph-uri`` (``GRAPH ?g`` filtered to leave it out); every write re-syncs it;
* Virtuoso's system graphs: listed nowhere (``hidden_graphs``); made private to the query user
  in the engine (README), since Virtuoso answers wrongly under dataset lists or exclusions;
* Virtuoso echoes every dataset parameter as a response header: datasets go as its pragmas;
* DESCRIBE: Virtuoso is asked for the concise bounded description, as Oxigraph gives;
* Virtuoso's "anytime" partial answers and cost-estimate refusals are timeouts (``StoreTimeout``),
  never silently short results; its blank node labels (``nodeID://…``) are made N-Triples-safe.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from contextlib import contextmanager

import pyoxigraph as ox
from SPARQLWrapper import INSERT, JSON, POST, SELECT, TURTLE, SPARQLWrapper

from graph.embedded import EmbeddedStore
from graph.merge import MERGE_GRAPH, default_graph_write, graph_filter, join, resync
from graph.remote import virtuoso
from graph.remote.io import (
    GRAPH_ACCEPT,
    Auth,
    Client,
    DigestAuth,
    QueryTimeout,
    as_solutions,
    as_triples,
    by_graph,
    close_responses,
    engine_message,
    without_variables,
)
from graph.sparql_text import (
    UPDATE_WORDS,
    bind_values,
    first_keyword,
    has_own_dataset,
    query_form,
    with_prefixes,
)
from graph.store import GraphStore, QueryError, QueryResult, StoreError

log = logging.getLogger("kompetensgraf.remote")

#: Where ``build --target`` stages graphs before it publishes them (never shown to users).
STAGING = "urn:x-kompetensgraf:staging:"
#: Stands for "no graph" in a dataset, since an empty parameter list means "the engine's default".
NO_GRAPH = "urn:x-kompetensgraf:no-graph"
#: At most this many statements about blank nodes are copied to answer a blank-node binding.
BLANK_NODE_LIMIT = 200_000



class RemoteStore(GraphStore):
    kind = "remote"

    def __init__(
        self,
        query_url: str,
        *,
        update_url: str | None = None,
        store_url: str | None = None,
        auth: Auth | None = None,
        timeout: float = 30.0,
        dataset: str = "auto",
        hidden_graphs: Iterable[str] = virtuoso.SYSTEM_GRAPH_PREFIXES,
        version_ttl: float = 5.0,
        read_only: bool = False,
    ):
        if dataset not in ("auto", "default", "graph"):
            raise ValueError(f"dataset must be auto, default or graph, not {dataset!r}")
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.store_url = store_url
        self.auth = auth or Auth()
        self.timeout = timeout
        self.dataset = dataset
        self.hidden = tuple(hidden_graphs) + (STAGING, NO_GRAPH, MERGE_GRAPH)
        self.version_ttl = version_ttl
        self.read_only = read_only
        self.info: dict = {}
        self.engine = ""  # the Server header of the engine, once seen
        self._lock = threading.Lock()
        self._changes = 0
        self._mode: str | None = None
        self._blank_nodes: tuple[str, GraphStore] | None = None
        self._local = threading.local()
        self._cache: dict[str, tuple[float, object]] = {}
        handlers = []
        if self.auth.scheme == "digest" and self.auth.user:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {self.query_url, self.update_url, self.store_url} - {None}:
                passwords.add_password(None, url, self.auth.user, self.auth.password)
            handlers.append(DigestAuth(passwords))
        self._opener = urllib.request.build_opener(*handlers)

    # Protocol ----------------------------------------------------------------------------
    def _wrapper(self, url: str, text: str, form: str, accept: str) -> SPARQLWrapper:
        sw = Client(url, updateEndpoint=url)
        sw.setMethod(POST)
        # The form comes from our own scanner (setQuery's guess warns on text it cannot read,
        # and the engine, not the client, should report a malformed query).
        sw.queryString = text
        sw.queryType = form or SELECT
        sw.setOnlyConneg(True)  # Accept only: no format=/output= parameters
        sw.setTimeout(max(1, math.ceil(self._limit())))
        sw.opener = self._opener  # digest auth per store, not in a process-wide opener
        for name, value in self.auth.header().items():
            sw.addCustomHttpHeader(name, value)
        sw.setReturnFormat(TURTLE if form in ("CONSTRUCT", "DESCRIBE") else JSON)
        sw.addCustomHttpHeader("Accept", accept)
        return sw

    def _send(self, sw: SPARQLWrapper) -> tuple[bytes, str]:
        try:
            response = sw.query().response
            try:
                body = response.read()
            finally:
                response.close()
        except OSError as exc:  # HTTPError and URLError are OSErrors too
            error = self._error_for(exc, sw.endpoint)
            close_responses(exc)
            raise error from exc
        headers = response.headers
        self.engine = self.engine or headers.get("Server", "")
        partial = virtuoso.partial_answer(headers)
        if partial is not None:
            raise QueryTimeout(f"the engine stopped at its time limit: {partial}")
        return body, headers.get_content_type()

    def _error_for(self, exc: OSError, endpoint: str) -> StoreError | QueryError:
        """The store's error for ``exc``: QueryError only when the engine blames the query."""
        if isinstance(exc, urllib.error.HTTPError):
            message = engine_message(exc)
            if exc.code == 400:
                return QueryError(message)
            if virtuoso.TIME_LIMIT.search(message):  # cost estimate or run time over its limit
                return QueryTimeout(f"the engine refused or stopped the query: {message}")
            return StoreError(f"the SPARQL engine answered {exc.code}: {message}")
        if isinstance(exc, TimeoutError) or isinstance(getattr(exc, "reason", None), TimeoutError):
            return QueryTimeout(f"no answer from the SPARQL engine within {self._limit():g} s")
        return StoreError(f"cannot reach the SPARQL engine at {endpoint}: {exc}")

    @contextmanager
    def time_limit(self, seconds: float | None):
        """Queries of this thread get ``seconds`` (HTTP timeout and, on Virtuoso, the engine's
        own ``timeout`` parameter) instead of ``timeout``."""
        previous = getattr(self._local, "limit", None)
        self._local.limit = seconds
        try:
            yield
        finally:
            self._local.limit = previous

    def _limit(self) -> float:
        return getattr(self._local, "limit", None) or self.timeout

    @property
    def is_virtuoso(self) -> bool:
        if not self.engine:
            self._select("ASK {}", dataset=False)
        return virtuoso.is_engine(self.engine)

    def _raw_query(
        self, text: str, accept: str, params: Mapping[str, list[str]], form: str = ""
    ) -> tuple[bytes, str]:
        form = form or query_form(text)
        added: set[str] = set()
        on_virtuoso = virtuoso.is_engine(self.engine)
        if on_virtuoso:  # the dataset goes in the query text, as its pragmas
            text, added = virtuoso.rewrite(text, params)
            params = {}
        sw = self._wrapper(self.query_url, text, form, accept)
        for uri in params.get("default-graph-uri", []):
            sw.addDefaultGraph(uri)
        for uri in params.get("named-graph-uri", []):
            sw.addNamedGraph(uri)
        if on_virtuoso:
            sw.addParameter(*virtuoso.time_limit(self._limit()))
        body, ctype = self._send(sw)
        if added and form == "SELECT":  # a SELECT * would show the graph variables we added
            body = without_variables(body, added)
        return body, ctype

    # GraphStore ---------------------------------------------------------------------------
    def query(
        self, sparql, *, substitutions=None, default_graph=None, named_graphs=None, prefixes=None
    ):
        if substitutions and any(isinstance(t, ox.BlankNode) for t in substitutions.values()):
            return self._blank_node_store().query(
                sparql,
                substitutions=substitutions,
                default_graph=default_graph,
                named_graphs=named_graphs,
                prefixes=prefixes,
            )
        if default_graph is not None and len(list(default_graph)) > 1:
            local = self._copy_of(list(default_graph), named_graphs)
            graphs = [self._name(g) for g in default_graph]
            return local.query(
                sparql, substitutions=substitutions, default_graph=graphs,
                named_graphs=named_graphs, prefixes=prefixes,
            )
        text = bind_values(with_prefixes(sparql, prefixes), substitutions or {})
        form = query_form(text)
        on_virtuoso = self.is_virtuoso  # known before the first query: it gets the time limit
        if form == "DESCRIBE" and on_virtuoso:
            text = virtuoso.DESCRIBE_CBD + text
        params = self._dataset(text, default_graph, named_graphs)
        if form in ("CONSTRUCT", "DESCRIBE"):
            body, ctype = self._raw_query(text, GRAPH_ACCEPT, params, form)
            return as_triples(body, ctype)
        body, ctype = self._raw_query(text, "application/sparql-results+json", params)
        return as_solutions(body, ctype)

    def _blank_node_store(self) -> GraphStore:
        """SPARQL cannot name a stored blank node, so a query with one bound is answered from a
        local copy of the statements *about* blank nodes (periods, amounts, …: what the browser
        follows), fetched once per store version. Labels are the engine's own, as in every
        answer, so the node found in one answer is the node bound here."""
        version = self.version
        cached = self._blank_nodes
        if cached is not None and cached[0] == version:
            return cached[1]
        text = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?s)) }"
        quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in self._select(text)]
        if len(quads) > BLANK_NODE_LIMIT:
            raise QueryError(
                f"this engine holds {len(quads)} statements about blank nodes, more than can be "
                f"copied to bind one ({BLANK_NODE_LIMIT}): ask with the node's IRI or a pattern"
            )
        local = EmbeddedStore()
        local.raw.extend(quads)
        local.raw.update(resync())  # its default graph: their merge, as the engine's
        self._blank_nodes = (version, local)
        return local

    def _select(self, text: str, dataset: bool = True, **kwargs) -> QueryResult:
        params = self._dataset(text, None, None) if dataset else {}
        body, ctype = self._raw_query(
            bind_values(text, kwargs), "application/sparql-results+json", params
        )
        return as_solutions(body, ctype)

    def _dataset(self, text, default_graph, named_graphs) -> dict[str, list[str]]:
        """The protocol's dataset parameters (Virtuoso gets them as ``define input:…``)."""
        if default_graph is not None:
            default = [self._name(g) for g in default_graph] or [NO_GRAPH]
            named = list(named_graphs) if named_graphs is not None else []
            return {"default-graph-uri": default, "named-graph-uri": named or [NO_GRAPH]}
        if named_graphs is not None:
            return {**self._merge(), "named-graph-uri": list(named_graphs) or [NO_GRAPH]}
        return {} if has_own_dataset(text) else self._merge()

    def _name(self, graph: str) -> str:
        """A graph of a dataset; ``default`` is the merge."""
        return (self.merge or NO_GRAPH) if graph in ("", "default") else graph

    def _merge(self) -> dict[str, list[str]]:
        """The default graph as the merge of the graphs (and ``GRAPH ?g`` over the sources)."""
        if self.merge is None:
            return {}  # the engine's own default graph holds it
        # GRAPH ?g ranges over the source graphs only: the merge is filtered out (_raw_query).
        return {"default-graph-uri": [MERGE_GRAPH]}

    @property
    def merge(self) -> str | None:
        """Where the engine holds the merge of the named graphs: ``None`` for its own default
        graph (``default``: Oxigraph server without ``--union-default-graph``, and engines like
        it), :data:`MERGE_GRAPH` (``graph``: Virtuoso, whose default graph is always the union)."""
        if self._mode is None:
            mode = self.dataset
            if mode == "auto":
                mode = "graph" if self.is_virtuoso else "default"
            if mode == "default":
                self._check_default_graph()
            self._mode = mode
        return MERGE_GRAPH if self._mode == "graph" else None

    def _check_default_graph(self) -> None:
        """An engine whose default graph is the union of its graphs (``oxigraph serve
        --union-default-graph``) would count every fact once per source, plus once for the merge:
        refuse it rather than answer wrongly. Its default graph then holds more triples than the
        merge of the source graphs (during a build: the staged graphs too)."""
        hidden = graph_filter(None, [h for h in self.hidden if h != MERGE_GRAPH])
        total = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        merged = (
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
            f"WHERE {{ GRAPH ?g {{ ?s ?p ?o }}{hidden} }} }}"
        )
        counts = [int(next(iter(self._select(t, False)))["n"].value) for t in (total, merged)]
        if counts[0] > counts[1]:
            raise StoreError(
                f"the SPARQL engine's default graph is the union of its graphs (it holds "
                f"{counts[0]} triples, their merge {counts[1]}): run it without a union default "
                "graph (Oxigraph server: without --union-default-graph), so that it holds the "
                "merge written by kompetensgraf build --target"
            )

    def _copy_of(self, default_graph: list[str], named_graphs) -> GraphStore:
        """A local copy of the graphs a dataset names, where several default graphs are merged
        (the engines give the bag of them): protocol datasets are small by nature."""
        wanted = [self._name(g) for g in default_graph] + list(named_graphs or [])
        text = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
        params = {"default-graph-uri": [NO_GRAPH], "named-graph-uri": wanted}
        body, ctype = self._raw_query(text, "application/sparql-results+json", params)
        local = EmbeddedStore()
        local.raw.extend(ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in as_solutions(body, ctype))
        return local

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("this store is open read-only")

    def update(self, sparql: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        self._writable()
        sparql = with_prefixes(sparql, prefixes)
        if first_keyword(sparql) not in UPDATE_WORDS:
            raise QueryError("not a SPARQL 1.1 Update request")
        refused = default_graph_write(sparql)
        if refused:
            raise QueryError(refused)
        self._send_update(join(sparql, self._resync()))

    def _resync(self) -> str:
        """The operations that keep the merge (graph.merge), for this engine."""
        return resync(self.merge, [h for h in self.hidden if h != MERGE_GRAPH])

    def _send_update(self, sparql: str) -> None:
        accept = "application/sparql-results+json, */*;q=0.1"
        sw = self._wrapper(self.update_url, sparql, INSERT, accept)
        try:
            self._send(sw)
        finally:
            self._changed()

    def _changed(self) -> None:
        with self._lock:
            self._changes += 1
            self._cache.clear()

    def load(self, data: bytes, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        self._writable()
        parts = by_graph(data, fmt, graph)
        if "default" in parts:
            raise QueryError(
                "the default graph is the merge of the named graphs and cannot be loaded "
                "itself: load the data into a named graph"
            )
        merge = self._resync()  # the engine checked while it still holds a true merge
        for name, triples in parts.items():
            self._gsp("POST", name, triples)
        self._send_update(merge)  # a second request: the engine's own transactions

    def replace_graph(self, graph: str, data: bytes, fmt: ox.RdfFormat) -> None:
        self._writable()
        triples = by_graph(data, fmt, graph).get(graph, b"")
        merge = self._resync()
        self._gsp("PUT", graph, triples)
        self._send_update(merge)

    def remove_graph(self, graph: str) -> bool:
        self._writable()
        if graph not in self._all_graphs():
            return False
        merge = self._resync()
        self._gsp("DELETE", graph)
        self._send_update(merge)
        return True

    def _all_graphs(self) -> list[str]:
        def fetch() -> list[str]:
            # SPARQL's own way, GRAPH ?g {}, also lists empty graphs and uses Oxigraph's graph
            # index; not on Virtuoso.
            text = virtuoso.GRAPH_LIST if self.is_virtuoso else "SELECT ?g WHERE { GRAPH ?g { } }"
            return sorted({row["g"].value for row in self._select(text, False)})

        return self._cached("graphs", fetch)

    def named_graphs(self) -> list[str]:
        return [g for g in self._all_graphs() if not g.startswith(self.hidden)]

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None and graph not in ("", "default"):
            triples = self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=[graph])
            return triples.serialize(format=fmt)
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
            text = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
            memory = ox.Store()
            memory.extend(ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in self._select(text))
            return memory.dump(format=fmt)
        return self.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").serialize(format=fmt)

    @property
    def version(self) -> str:
        """Our own writes, plus a fingerprint of the engine's content (graphs and quad count)
        re-read at most every ``version_ttl`` seconds: writes by others show up after that."""

        def fingerprint() -> str:
            text = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
            count = next(iter(self._select(text)))["n"].value
            digest = hashlib.sha1("\n".join(self.named_graphs()).encode()).hexdigest()[:10]
            return f"{count}-{digest}"

        return f"remote:{self._changes}:{self._cached('fingerprint', fingerprint)}"

    def _cached(self, key: str, compute):
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and now - hit[0] < self.version_ttl:
            return hit[1]
        value = compute()
        with self._lock:
            self._cache[key] = (now, value)
        return value

    # Graph Store Protocol -------------------------------------------------------------------
    def _gsp(self, method: str, graph: str, body: bytes | None = None) -> None:
        if self.store_url is None:
            return self._gsp_by_update(method, graph, body)
        target = (
            "default" if graph in ("", "default") else "graph=" + urllib.parse.quote(graph, safe="")
        )
        url = self.store_url + ("&" if "?" in self.store_url else "?") + target
        request = urllib.request.Request(url, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/n-triples")
        for name, value in self.auth.header().items():
            request.add_header(name, value)
        try:
            with self._opener.open(request, timeout=self.timeout) as r:
                r.read()
        except urllib.error.HTTPError as exc:
            detail = engine_message(exc)
            exc.close()
            if method == "DELETE" and exc.code == 404:
                return None
            kind = QueryError if exc.code in (400, 415) else StoreError
            raise kind(f"Graph Store {method} <{graph}> failed ({exc.code}): {detail}") from exc
        except TimeoutError as exc:
            raise QueryTimeout(
                f"Graph Store {method} <{graph}>: no answer in {self.timeout}s"
            ) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"cannot reach the Graph Store at {self.store_url}: {exc}") from exc
        return None

    def _gsp_by_update(self, method: str, graph: str, body: bytes | None) -> None:
        """The same operations as SPARQL Update, for engines without a Graph Store endpoint."""
        target = "DEFAULT" if graph in ("", "default") else str(ox.NamedNode(graph))
        if method in ("PUT", "DELETE"):
            self._send_update(f"DROP SILENT {'GRAPH ' if target != 'DEFAULT' else ''}{target}")
        if method in ("PUT", "POST") and body:
            # N-Triples lines are valid SPARQL triple patterns, written by pyoxigraph. INSERT …
            # WHERE {} rather than INSERT DATA: Virtuoso refuses blank nodes in INSERT DATA.
            lines = body.decode("utf-8").splitlines()
            open_, close = (f"GRAPH {target} {{\n", "\n}") if target != "DEFAULT" else ("", "")
            for start in range(0, len(lines), 5000):
                chunk = "\n".join(lines[start : start + 5000])
                self._send_update("INSERT {\n" + open_ + chunk + close + "\n} WHERE {}")

    # build --target -------------------------------------------------------------------------
    def publish(self, graphs: Mapping[str, bytes], managed: str, build_id: str, step=print) -> None:
        """Replace the graphs under ``managed`` by ``graphs`` (IRI -> N-Triples).

        Every graph is first uploaded under a staging name; only when all uploads succeeded does
        one SPARQL Update request move them to their names and drop the managed graphs the build
        no longer has. Graphs outside ``managed`` (data of others) are never touched.
        """
        staged = {g: f"{STAGING}{build_id}:{n}" for n, g in enumerate(sorted(graphs))}
        try:
            for graph, tmp in staged.items():
                step(f"Uploading <{graph}>")
                self._gsp("PUT", tmp, graphs[graph])
            merge = self._resync()  # checks the engine's default graph once the data is staged
        except BaseException:
            for tmp in staged.values():
                self._drop_quietly(tmp)
            raise
        old = [g for g in self.named_graphs() if g.startswith(managed) and g not in graphs]
        ops = [
            f"MOVE SILENT GRAPH {ox.NamedNode(t)} TO {ox.NamedNode(g)}" for g, t in staged.items()
        ]
        ops += [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in old]
        step(f"Publishing {len(staged)} graphs and their merge in one update request")
        self._send_update(" ;\n".join([*ops, merge]))

    def _drop_quietly(self, graph: str) -> None:
        try:
            self._gsp("DELETE", graph)
        except StoreError:
            pass
