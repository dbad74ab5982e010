"""The embedded backend: pyoxigraph in this process, on disk (a built store) or in memory.

On-disk layout of a built store (written by :mod:`graph.build`)::

    var/store            -> builds/<build-id>     (a symlink, swapped atomically)
    var/builds/<id>/oxigraph/                     (the pyoxigraph database)
    var/builds/<id>/build.json                    (build id, time, counts, sources)

The service opens the database read-only; a writer and a reader never share a directory.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox

from graph.merge import data_sync, default_graph_write, join, resync, unmerge
from graph.store import GraphStore, QueryError, StoreError, Term

DB_DIR = "oxigraph"
BUILD_INFO = "build.json"


def _graph_node(iri: str) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if iri in ("", "default") else ox.NamedNode(iri)


class EmbeddedStore(GraphStore):
    """pyoxigraph in this process: on disk (``path``) or in memory (``path=None``)."""

    kind = "embedded"

    def __init__(
        self, path: str | Path | None = None, *, read_only: bool = False, merged: bool = False
    ):
        """``merged``: the database is known to hold the merge (a fresh copy of a build), so
        opening it for writing need not re-derive it."""
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._lock = threading.Lock()
        self._changes = 0
        self.info: dict = {}
        self._lease: weakref.finalize | None = None
        try:
            if self.path is None:
                self._store = ox.Store()
            else:
                db = database_dir(self.path)
                self.info = read_build_info(self.path)
                fd = lease(self.path)
                if fd is not None:  # released by close(), or when the store is collected
                    self._lease = weakref.finalize(self, os.close, fd)
                self._store = ox.Store.read_only(str(db)) if read_only else ox.Store(str(db))
            if self.path is not None and not read_only and not merged:
                self._store.update(resync())  # a database written before it held the merge
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store itself, for bulk work in :mod:`graph.build`."""
        return self._store

    @property
    def version(self) -> str:
        return f"{self.info.get('build_id', 'memory')}:{self._changes}"

    def query(
        self, sparql, *, substitutions=None, default_graph=None, named_graphs=None, prefixes=None
    ):
        store, kwargs = self._store, {}
        if default_graph is not None:
            graphs = [_graph_node(g) for g in default_graph]
            if named_graphs is None:
                named_graphs = []
            if len(graphs) > 1:  # several graphs: their merge, not pyoxigraph's bag of them
                store, graphs = _merged(self._store, graphs, named_graphs), [ox.DefaultGraph()]
            kwargs["default_graph"] = graphs
        # Otherwise the store's own default graph: the merge of the named graphs (graph.merge).
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        if substitutions:
            kwargs["substitutions"] = {ox.Variable(k): v for k, v in substitutions.items()}
        if prefixes:
            kwargs["prefixes"] = dict(prefixes)
        try:
            return store.query(sparql, **kwargs)
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        except OSError as exc:
            raise StoreError(str(exc)) from exc
        except RuntimeError as exc:
            unbindable = _unbindable(exc, substitutions)
            if unbindable:
                raise QueryError(
                    f"a value was given for ?{unbindable}, but the query has no such variable "
                    "to bind (a SELECT must select it; CONSTRUCT, DESCRIBE and ASK must use it "
                    "in WHERE)"
                ) from exc
            raise

    def _write(self, action) -> None:
        if self.read_only:
            raise StoreError("this store is open read-only")
        with self._lock:
            try:
                action()
                if self.path is not None:
                    self._store.flush()
            except SyntaxError as exc:
                raise QueryError(str(exc)) from exc
            except OSError as exc:
                raise StoreError(str(exc)) from exc
            self._changes += 1

    def _apply(
        self, sparql: str, prefixes: Mapping[str, str] | None = None, sync: str | None = None
    ) -> None:
        """Run an update request with the merge kept in the same transaction: by ``sync``'s
        operations, else by re-deriving it (:func:`graph.merge.resync`)."""
        extra = {"prefixes": dict(prefixes)} if prefixes else {}
        self._write(lambda: self._store.update(join(sparql, sync or resync()), **extra))

    def update(self, sparql: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        refused = default_graph_write(sparql)
        if refused:
            raise QueryError(refused)
        # INSERT DATA / DELETE DATA: the merge kept for their triples only; else re-derived
        self._apply(sparql, prefixes, data_sync(sparql, prefixes))

    def load(self, data: bytes, fmt: ox.RdfFormat, graph: str | None = None) -> None:
        quads = _quads(data, fmt, graph)
        merged = [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
        self._write(lambda: self._store.extend(quads + merged))  # one transaction

    def replace_graph(self, graph: str, data: bytes, fmt: ox.RdfFormat) -> None:
        # Parse first, so that bad data never touches the graph; then drop and insert in one
        # SPARQL Update, which pyoxigraph applies as one transaction: never a half-replaced graph.
        try:
            triples = "\n".join(
                f"{t.subject} {t.predicate} {t.object} ." for t in ox.parse(data, format=fmt)
            )
        except SyntaxError as exc:
            raise QueryError(str(exc)) from exc
        target = ox.NamedNode(graph)
        # the merge kept in step with the graph alone: its old triples out where no other graph
        # states them, the new ones in (in one INSERT DATA, so a blank node is one node in both)
        self._write(lambda: self._store.update(
            f"{unmerge('?s ?p ?o', graph)} ;\nDROP SILENT GRAPH {target} ;\n"
            f"INSERT DATA {{ GRAPH {target} {{\n{triples}\n}}\n{triples}\n}}"
        ))
        if not triples:
            self._store.add_graph(target)  # an empty PUT still leaves the (empty) graph

    def _has(self, graph: str) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(graph))

    def remove_graph(self, graph: str) -> bool:
        if not self._has(graph):
            return False
        self._write(lambda: self._store.update(
            f"{unmerge('?s ?p ?o', graph)} ;\nDROP GRAPH {ox.NamedNode(graph)}"
        ))
        return True

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        try:
            if graph is not None:
                return self._store.dump(format=fmt, from_graph=_graph_node(graph))
            if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
                return ox.serialize(self._named_quads(), format=fmt)  # the sources, not the merge
            # A triple format for the whole dataset: the merge, every triple once.
            return self._store.dump(format=fmt, from_graph=ox.DefaultGraph())
        except OSError as exc:
            raise StoreError(str(exc)) from exc

    def _named_quads(self):
        return (
            q
            for q in self._store.quads_for_pattern(None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)
        )

    def __len__(self) -> int:
        """Quads in the named graphs (a triple stated by two sources counts twice)."""
        return sum(1 for _ in self._named_quads())

    def close(self) -> None:
        self._store = None  # type: ignore[assignment]
        if self._lease is not None:
            self._lease()  # closes the descriptor: releases the lock on the build


def _quads(data: bytes, fmt: ox.RdfFormat, graph: str | None) -> list[ox.Quad]:
    """Parse ``data`` into quads of named graphs (triples into ``graph``), with fresh blank
    nodes, as a load gives them; triples for the default graph (the merge) are refused."""
    target = None if graph in (None, "", "default") else ox.NamedNode(graph)
    fresh: dict[str, ox.BlankNode] = {}

    def term(t):
        return fresh.setdefault(t.value, ox.BlankNode()) if isinstance(t, ox.BlankNode) else t

    out = []
    try:
        for item in ox.parse(data, format=fmt):
            name = getattr(item, "graph_name", ox.DefaultGraph())
            if isinstance(name, ox.DefaultGraph):
                if target is None:
                    raise QueryError(
                        "the default graph is the merge of the named graphs and cannot be "
                        "loaded itself: load the data into a named graph"
                    )
                name = target
            out.append(ox.Quad(term(item.subject), item.predicate, term(item.object), name))
    except SyntaxError as exc:
        raise QueryError(str(exc)) from exc
    return out


def _merged(store: ox.Store, graphs: list, named: Iterable[str]) -> ox.Store:
    """An in-memory dataset whose default graph is the RDF merge of ``graphs`` (each triple once,
    as the protocol's dataset means it) and whose named graphs are ``named``."""
    memory = ox.Store()
    memory.extend(
        ox.Quad(q.subject, q.predicate, q.object)
        for g in graphs
        for q in store.quads_for_pattern(None, None, None, g)
    )
    for name in named:
        memory.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
    return memory


def _unbindable(exc: RuntimeError, substitutions: Mapping[str, Term] | None) -> str | None:
    """The substituted variable pyoxigraph refused because the query does not bind it, if that
    is what ``exc`` says (pyoxigraph reports it as a RuntimeError naming the variable)."""
    message = str(exc)
    if "does not contain" not in message:
        return None
    return next((name for name in substitutions or () if f"?{name} " in message + " "), None)


def database_dir(store_path: Path) -> Path:
    """The pyoxigraph directory inside a built store (follows the ``var/store`` symlink)."""
    resolved = store_path.resolve()
    db = resolved / DB_DIR
    if not db.is_dir():
        raise StoreError(
            f"no built store at {store_path}: run `kompetensgraf build --store {store_path}`"
        )
    return db


def lease(store_path: Path) -> int | None:
    """A shared lock on a built store (its ``build.json``) for as long as the returned file
    descriptor stays open: :func:`graph.build.prune` never removes a build that some process
    still reads. ``None`` for a directory that is not a build. The lock goes with the process,
    however it ends."""
    try:
        fd = os.open(store_path.resolve() / BUILD_INFO, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def read_build_info(store_path: Path) -> dict:
    info = store_path.resolve() / BUILD_INFO
    return json.loads(info.read_text(encoding="utf-8")) if info.is_file() else {}
