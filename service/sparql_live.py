"""What the endpoint serves, and how updates reach it.

Three ways to serve an on-disk build (``--store``):

- **read-only, no ``--load``** — the workers open the published build directory read-only. Nothing
  writes anywhere; the build stays pristine.
- **read-only with ``--load FILE``** — at start the build is copied (``Store.backup``: hard links
  where possible) into a temporary directory, the files are loaded there, each into a named graph of
  its own, and the workers read a snapshot of it. The copy is removed when the server stops.
- **updates enabled** (``KG_UPDATE_TOKEN`` set) — the server process holds the only read-write
  database, ``<KG_DATA_DIR>/<build-id>/db`` (``KG_DATA_DIR`` defaults to ``live/`` beside the
  store, i.e. ``var/live`` for ``var/store``). It is created from the build on first start and
  reused on every restart, so updates are durable. After each update the database is flushed and a
  consistent snapshot is taken into a fresh directory (``…/snapshots/<n>``); the workers are
  switched to it, and old snapshots are removed once no worker reads them. A writer and a reader
  never share a directory. A new ``kompetensgraf build`` has a new build id, so it starts from the
  fresh data again (the old live database stays on disk until removed by hand).

Stores that are not on disk (in-memory, remote) are served as they are, in-process.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from graph.build import user_graph, user_provenance
from graph.namespaces import META_GRAPH, PREFIXES
from graph.store import BUILD_INFO, DB_DIR, EmbeddedStore, GraphStore, QueryError, StoreError
from graph.validate import QUAD_SUFFIXES, TRIPLE_SUFFIXES, source_of

log = logging.getLogger("kompetensgraf.sparql")
T = TypeVar("T")
GENERATED_AT = ox.NamedNode(PREFIXES["prov"] + "generatedAtTime")
RDF = {*QUAD_SUFFIXES, *TRIPLE_SUFFIXES}


class Dataset:
    """The served data: the in-process store (for the app) and the directory workers read."""

    def __init__(
        self,
        store: GraphStore,
        read_dir: Path | None,
        *,
        workdir: Path | None = None,
        temporary: bool = False,
    ):
        self.store = store
        self.read_dir = read_dir
        self._workdir = workdir  # holds db/ and snapshots/ when this server writes
        self._temporary = temporary
        self._lock = threading.Lock()
        self._serial = 0
        self.on_change: list[Callable[[Path | None], None]] = []

    @property
    def version(self) -> str:
        return f"{self.store.version}:{self._serial}"

    def write(self, action: Callable[[GraphStore], T]) -> T:
        """Apply one atomic change, then publish it to the readers (snapshot, switch, caches)."""
        with self._lock:
            try:
                result = action(self.store)
            except RuntimeError as exc:  # pyoxigraph's evaluation errors: the update's fault
                raise QueryError(str(exc)) from exc
            self._serial += 1
            if self._workdir is not None:
                self.read_dir = self._snapshot()
            for listener in self.on_change:
                listener(self.read_dir)
            return result

    def _snapshot(self) -> Path:
        assert isinstance(self.store, EmbeddedStore) and self._workdir is not None
        target = self._workdir / "snapshots" / f"{self._serial:06d}-{uuid.uuid4().hex[:6]}"
        target.mkdir(parents=True)
        try:
            self.store.raw.backup(str(target / DB_DIR))
        except OSError as exc:
            shutil.rmtree(target, ignore_errors=True)
            raise StoreError(f"could not snapshot the store: {exc}") from exc
        _copy_info(self._workdir / "db", target)
        return target

    def unused(self, snapshot: Path) -> None:
        """A snapshot no worker reads any more: remove it (never the build itself)."""
        if self._workdir is not None and snapshot.parent == self._workdir / "snapshots":
            shutil.rmtree(snapshot, ignore_errors=True)

    def close(self) -> None:
        if self._temporary and self._workdir is not None:
            self.store.close()
            shutil.rmtree(self._workdir, ignore_errors=True)


def _copy_info(source: Path, target: Path) -> None:
    info = source / BUILD_INFO
    if info.is_file():
        shutil.copyfile(info, target / BUILD_INFO)


def prepare(store: GraphStore, *, writable: bool, loads: list[Path], data_dir: str) -> Dataset:
    """Set up the served data for ``store`` (see the module docstring)."""
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
    live = EmbeddedStore(db, read_only=False)  # fails if another server writes it: that's right
    shutil.rmtree(workdir / "snapshots", ignore_errors=True)
    if loads:
        load_files(live, loads)
    dataset = Dataset(live, None, workdir=workdir, temporary=temporary)
    dataset.read_dir = dataset._snapshot()
    log.info("serving %s database %s", "a temporary" if temporary else "the live", db)
    return dataset


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
        data = path.read_bytes()
        try:
            if src.syntax in ("trig", "nquads"):
                store.load(data, src.ox_format)
                continue
            graph = user_graph(path)
            store.replace_graph(graph, data, src.ox_format)
            _forget_load_time(store, graph)
            store.load(
                ox.serialize(user_provenance(path, graph), format=ox.RdfFormat.N_QUADS),
                ox.RdfFormat.N_QUADS,
            )
        except QueryError as exc:
            raise QueryError(f"cannot load {path}: {exc}") from exc


def _files(paths: list[Path]) -> list[Path]:
    """The files named, with a folder standing for the RDF files in it (sorted)."""
    out = []
    for path in map(Path, paths):
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RDF)
        else:
            out.append(path)
    return out


def _forget_load_time(store: GraphStore, graph: str) -> None:
    """On a restart the file is loaded again: keep one load time, not one per start (through the
    store's update, so that the default graph, the merge, follows)."""
    meta, subject = ox.NamedNode(META_GRAPH), ox.NamedNode(graph)
    store.update(f"DELETE WHERE {{ GRAPH {meta} {{ {subject} {GENERATED_AT} ?time }} }}")
