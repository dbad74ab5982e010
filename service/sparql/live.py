"""What the endpoint serves, and how updates reach it.

Three ways to serve an on-disk build (``--store``):

- **read-only, no ``--load``** — the workers open the published build directory read-only. Nothing
  writes anywhere; the build stays pristine.
- **read-only with ``--load FILE``** — at start the build is copied (``Store.backup``: hard links
  where possible) into a temporary directory, the files are bulk-loaded there (:mod:`graph.bulk`),
  each into a named graph of its own and into the merge, and the workers read a snapshot of it.
  The copy is removed when the server stops, or at once if a file cannot be loaded.
- **updates enabled** (``KG_UPDATE_TOKEN`` set) — one update process
  (:class:`~service.sparql.writer.UpdateProcess`) holds the only read-write database,
  ``<KG_DATA_DIR>/<build-id>/db`` (``KG_DATA_DIR`` defaults to ``live/`` beside the store, i.e.
  ``var/live`` for ``var/store``); the serving process never opens it, and every change is parsed
  and applied there, under the query limits. The database is created from the build on first
  start and reused on every restart, so updates are durable. After each update the database is
  flushed and a consistent snapshot is taken into a fresh directory (``…/snapshots/<n>``); the
  query workers and the serving process's own pages (:class:`SnapshotStore`) are switched to it
  before the answer, and old snapshots are removed once nothing reads them. A writer and a reader
  never share a directory. A new ``kompetensgraf build`` has a new build id, so it starts from the
  fresh data again (the old live database stays on disk until removed by hand).

Stores that are not on disk (in-memory, remote) are served as they are, in-process, and their
changes are applied in-process too.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from graph.build import user_graph, user_provenance, user_source
from graph.bulk import BadData, load_file
from graph.embedded import BUILD_INFO, DB_DIR, EmbeddedStore
from graph.merge import unmerge
from graph.namespaces import META_GRAPH, PREFIXES
from graph.store import GraphStore, QueryError, StoreError
from graph.validate import QUAD_SUFFIXES, TRIPLE_SUFFIXES, source_of
from service.sparql.process import QueryTimeout, WorkerFailed
from service.sparql.worker import apply_write, snapshot
from service.sparql.writer import UpdateProcess

log = logging.getLogger("kompetensgraf.sparql")
GENERATED_AT = ox.NamedNode(PREFIXES["prov"] + "generatedAtTime")
ACCESSED = ox.NamedNode(PREFIXES["kf"] + "accessed")
RDF = {*QUAD_SUFFIXES, *TRIPLE_SUFFIXES}


class SnapshotStore(GraphStore):
    """The serving process's read-only view of the newest snapshot of the live database.

    Pages, dumps and the Graph Store's reads go through it; :meth:`switch` moves it to a new
    snapshot. The one before stays open too, for readers still iterating over it.
    """

    kind = "embedded"

    def __init__(self, read_dir: Path):
        self._current = EmbeddedStore(read_dir, read_only=True)
        self._previous: EmbeddedStore | None = None
        self._serial = 0
        self.info = self._current.info

    def switch(self, read_dir: Path, serial: int) -> None:
        fresh = EmbeddedStore(read_dir, read_only=True)
        older, self._previous, self._current = self._previous, self._current, fresh
        self._serial = serial
        if older is not None:
            older.close()

    def held(self) -> set[Path]:
        return {s.path for s in (self._current, self._previous) if s is not None and s.path}

    @property
    def version(self) -> str:
        return f"{self.info.get('build_id', 'live')}:{self._serial}"

    def query(self, sparql, **kwargs):
        return self._current.query(sparql, **kwargs)

    def named_graphs(self) -> list[str]:
        return self._current.named_graphs()

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        return self._current.dump(fmt, graph)

    def _refuse(self, *_args) -> None:
        raise StoreError("the serving process reads a snapshot: changes go to the update process")

    update = load = replace_graph = remove_graph = _refuse

    def close(self) -> None:
        for store in (self._current, self._previous):
            if store is not None:
                store.close()


class Dataset:
    """The served data: the in-process store (for the app), the directory workers read and,
    when this server writes an on-disk store, its update process."""

    def __init__(
        self,
        store: GraphStore,
        read_dir: Path | None,
        *,
        workdir: Path | None = None,
        temporary: bool = False,
        writer: UpdateProcess | None = None,
    ):
        self.store = store
        self.read_dir = read_dir
        self.writer = writer
        self._workdir = workdir  # holds db/ and snapshots/ when this server writes
        self._temporary = temporary
        self._lock = threading.Lock()
        self._unused: set[Path] = set()
        self._serial = 0
        self.on_change: list[Callable[[Path | None], None]] = []

    @property
    def version(self) -> str:
        return f"{self.store.version}:{self._serial}"

    def write(self, name: str, *args, timeout: float) -> None:
        """Apply one atomic change (:data:`~service.sparql.worker.WRITES`), then publish it to
        the readers (snapshot, switch, caches) before returning.

        Raises QueryError (nothing changed), StoreError, QueryTimeout or MemoryLimit (stopped:
        nothing changed) or WorkerFailed (the update process ended; it is restarted).
        """
        with self._lock:
            if self.writer is None:
                apply_write(self.store, name, *args)
                if self._workdir is not None:
                    self.read_dir = self._snapshot()
            else:
                try:
                    self.read_dir = self.writer.apply(name, self._serial + 1, args, timeout)
                except (QueryTimeout, WorkerFailed):
                    self._recover()
                    raise
            self._publish()

    def _publish(self) -> None:
        self._serial += 1
        if isinstance(self.store, SnapshotStore) and self.read_dir is not None:
            self.store.switch(self.read_dir, self._serial)
        for listener in self.on_change:
            listener(self.read_dir)
        self._sweep()

    def _recover(self) -> None:
        """After the update process was killed or ended: serve what its database holds now."""
        assert self.writer is not None
        if self.writer.closed:  # the server is stopping: nothing to serve any more
            return
        try:
            self.read_dir = self.writer.snapshot(self._serial + 1)
        except (StoreError, QueryError, QueryTimeout) as exc:
            log.error("the update process could not be restarted: %s", exc)
            return
        self._publish()

    def _snapshot(self) -> Path:
        assert isinstance(self.store, EmbeddedStore) and self._workdir is not None
        return snapshot(self.store, self._workdir, self._serial)

    def unused(self, folder: Path) -> None:
        """A snapshot no query worker reads any more: removed once nothing else reads it
        (never the build itself)."""
        if self._workdir is not None and folder.parent == self._workdir / "snapshots":
            self._unused.add(folder)
            self._sweep()

    def _sweep(self) -> None:
        held = self.store.held() if isinstance(self.store, SnapshotStore) else set()
        for folder in list(self._unused):
            if folder not in held and folder != self.read_dir:
                shutil.rmtree(folder, ignore_errors=True)
                self._unused.discard(folder)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.store.close()
        if self._temporary and self._workdir is not None:
            self.store.close()
            shutil.rmtree(self._workdir, ignore_errors=True)


def _copy_info(source: Path, target: Path) -> None:
    info = source / BUILD_INFO
    if info.is_file():
        shutil.copyfile(info, target / BUILD_INFO)


def prepare(
    store: GraphStore,
    *,
    writable: bool,
    loads: list[Path],
    data_dir: str,
    isolate: bool = False,
    memory: int = 0,
) -> Dataset:
    """Set up the served data for ``store`` (see the module docstring); ``isolate`` and
    ``memory`` are the update process's (no network; ``KG_QUERY_MEMORY`` in bytes)."""
    if not isinstance(store, EmbeddedStore) or store.path is None:
        if loads:
            load_files(store, loads)
        return Dataset(store, None)
    if not writable and not loads:
        return Dataset(store, store.path)
    build_id = store.info.get("build_id") or "unnamed"
    if writable:
        root = Path(data_dir) if data_dir else store.path.parent / "live"
        workdir, temporary = root / build_id, False
    else:
        base = Path(data_dir) if data_dir else None
        if base is not None:
            base.mkdir(parents=True, exist_ok=True)
        workdir, temporary = Path(tempfile.mkdtemp(prefix="kompetensgraf-serve-", dir=base)), True
    db = workdir / "db"
    if not (db / DB_DIR).is_dir():
        _copy_build(store, db)
    store.close()
    # fails if another server writes it: that's right; a temporary copy of a build holds the merge
    live = EmbeddedStore(db, read_only=False, merged=temporary)
    shutil.rmtree(workdir / "snapshots", ignore_errors=True)
    try:
        load_files(live, loads)
    except BaseException:
        live.close()
        if temporary:  # never served: nothing half-loaded stays behind
            shutil.rmtree(workdir, ignore_errors=True)
        raise
    log.info("serving %s database %s", "a temporary" if temporary else "the live", db)
    if not writable:
        dataset = Dataset(live, None, workdir=workdir, temporary=True)
        dataset.read_dir = dataset._snapshot()
        return dataset
    live.close()  # from here on only the update process opens it
    del live
    writer = UpdateProcess(workdir, isolate=isolate, memory=memory)
    read_dir = writer.snapshot(0)
    return Dataset(SnapshotStore(read_dir), read_dir, workdir=workdir, writer=writer)


def _copy_build(store: EmbeddedStore, db: Path) -> None:
    tmp = db.with_name(f".{db.name}-{uuid.uuid4().hex[:6]}")
    tmp.mkdir(parents=True)
    try:
        store.raw.backup(str(tmp / DB_DIR))
        _copy_info(store.path, tmp)
        tmp.rename(db)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise StoreError(f"could not copy the build into {db}: {exc}") from exc


def load_files(store: GraphStore, paths: list[Path]) -> None:
    """A researcher's own files: triples into a named graph of their own (described in the
    metadata graph, as ``kompetensgraf build --load`` does); quad files keep their graphs."""
    for path in _files(paths):
        src = source_of(path)
        quads = src.syntax in ("trig", "nquads")
        graph = None if quads else user_graph(path)
        try:
            if isinstance(store, EmbeddedStore):
                _bulk(store, path, src.ox_format, graph)
            elif quads:
                store.load(path.read_bytes(), src.ox_format)
            else:
                store.replace_graph(graph, path.read_bytes(), src.ox_format)
            if quads:
                continue
            _forget_load_time(store, graph, user_source(path))
            store.load(
                ox.serialize(user_provenance(path, graph), format=ox.RdfFormat.N_QUADS),
                ox.RdfFormat.N_QUADS,
            )
        except QueryError as exc:
            raise QueryError(f"cannot load {path}: {exc}") from exc


def _bulk(store: EmbeddedStore, path: Path, fmt: ox.RdfFormat, graph: str | None) -> None:
    """Replace ``graph`` by the file, with the bulk loader (the graph and the merge at once); a
    file that fails leaves no part of it in the graph."""
    if graph is not None:
        store.remove_graph(graph)  # loaded at an earlier start of the live database
    try:
        load_file(store.raw, path, fmt, graph)
    except BadData as exc:
        if graph is not None:  # the graph and the merge as they were (the merge re-derived)
            store.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")
        raise QueryError(str(exc).removeprefix(f"{path}: ")) from exc
    except OSError as exc:
        raise StoreError(f"cannot load {path}: {exc}") from exc


def _files(paths: list[Path]) -> list[Path]:
    """The files named, with a folder standing for the RDF files in it (sorted)."""
    out = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RDF)
        else:
            out.append(path)
    return out


def _forget_load_time(store: GraphStore, graph: str, doc: str) -> None:
    """On a restart the file is loaded again: keep one load time (and day read), not one per
    start, in the metadata graph and in the merge (the default graph)."""
    meta = ox.NamedNode(META_GRAPH)
    stated = [f"{ox.NamedNode(graph)} {GENERATED_AT} ?time", f"{ox.NamedNode(doc)} {ACCESSED} ?day"]
    if not isinstance(store, EmbeddedStore):
        store.update(" ;\n".join(f"DELETE WHERE {{ GRAPH {meta} {{ {t} }} }}" for t in stated))
        return
    # Only these triples change: take them out of the merge where no other graph states them,
    # then out of the metadata graph, in one request (the store's own update would re-derive
    # the whole merge, a pass over every loaded triple).
    store.raw.update(" ;\n".join(
        f"{unmerge(t, META_GRAPH)} ;\nDELETE WHERE {{ GRAPH {meta} {{ {t} }} }}" for t in stated
    ))
