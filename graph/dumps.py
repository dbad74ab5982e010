"""The dataset's dump files: one per format (TriG, N-Quads, Turtle, JSON-LD), per store version.

:class:`DumpCache` writes the dumps into a folder per store version, each file atomically
(temporary file + ``os.replace``), and writes them again when the store version changes (an update
through the endpoint). :mod:`graph.void` describes them as DCAT distributions. This module never
imports Flask.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from graph.formats import media_type
from graph.namespaces import PREFIXES
from graph.store import GraphStore

DUMP_STEM = "kompetensgraf"


@dataclass(frozen=True)
class DumpFormat:
    rdf_format: ox.RdfFormat
    eu_file_type: str  # code in the EU file-type authority list
    quads: bool  # named graphs kept (TriG, N-Quads, JSON-LD) or the merge of all graphs (Turtle)
    label_sv: str
    label_en: str

    @property
    def key(self) -> str:
        """The file extension (pyoxigraph's): ``/data/kompetensgraf.<key>``."""
        return self.rdf_format.file_extension

    @property
    def media_type(self) -> str:
        return media_type(self.rdf_format)

    @property
    def filename(self) -> str:
        return f"{DUMP_STEM}.{self.key}"


DUMP_FORMATS: dict[str, DumpFormat] = {
    f.key: f
    for f in (
        DumpFormat(ox.RdfFormat.TRIG, "RDF_TRIG", True,
                   "Hela grafen i TriG, med namngivna grafer",
                   "The whole graph in TriG, with named graphs"),
        DumpFormat(ox.RdfFormat.N_QUADS, "RDF_N_QUADS", True,
                   "Hela grafen i N-Quads, med namngivna grafer",
                   "The whole graph in N-Quads, with named graphs"),
        DumpFormat(ox.RdfFormat.TURTLE, "RDF_TURTLE", False,
                   "Alla tripler i Turtle, som en sammanslagen graf: varje trippel en gång "
                   "(utan källgrafer)",
                   "All triples in Turtle, as one merged graph: every triple once "
                   "(without source graphs)"),
        DumpFormat(ox.RdfFormat.JSON_LD, "JSON_LD", True,
                   "Hela grafen i JSON-LD, med namngivna grafer",
                   "The whole graph in JSON-LD, with named graphs"),
    )
}  # fmt: skip



@dataclass
class Dumps:
    """The dump files of one store version."""

    version: str
    folder: Path
    generated_at: datetime
    sizes: dict[str, int] = field(default_factory=dict)
    #: When the store last changed while this process served it (``None``: as built).
    changed_at: datetime | None = None

    def path(self, key: str) -> Path:
        return self.folder / DUMP_FORMATS[key].filename

    @property
    def etag(self) -> str:
        """The store version as this cache knows it (the folder name: version + cache token)."""
        return self.folder.name


def write_dump(fmt: DumpFormat, target: Path, nquads: bytes) -> int:
    """Serialise the dataset (given as N-Quads) into ``target`` atomically; returns the size."""
    quads = ox.parse(nquads, format=ox.RdfFormat.N_QUADS)
    if fmt.quads:
        items = quads
    else:  # the merge of all graphs: each distinct triple once
        items = iter(dict.fromkeys(q.triple for q in quads))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            ox.serialize(items, out, fmt.rdf_format, prefixes=PREFIXES)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target.stat().st_size


class DumpCache:
    """Dumps on disk, one folder per store version, regenerated when the version changes.

    Safe for the threads of one server (a lock) and for several servers sharing the folder: every
    file, and last the ``manifest.json`` that marks a folder complete, is written atomically; each
    cache writes folders of its own (a version string names the content only within one process)
    and writes them again if another server pruned them.

    The processes of one multi-process server (``serve --processes N``, read-only) pass the same
    ``token``: they then share one folder per version, written once under a file lock and read
    back from its manifest by the others, so every process gives the same ETags, sizes and times.
    """

    MANIFEST = "manifest.json"
    KEEP = 3  # finished version folders kept (a download in flight may still read an older one)

    def __init__(self, store: GraphStore, root: str | Path, token: str | None = None):
        self.store = store
        self.root = Path(root)
        self._lock = threading.Lock()
        # A version names the content only within one process (a live database is reopened at
        # ``build:0`` after a restart; in-memory stores have no build id): key folders per cache,
        # or per server when its processes serve one read-only store (``token``).
        self._token = re.sub(r"[^A-Za-z0-9]", "", token or "") or uuid.uuid4().hex[:8]
        self._current: Dumps | None = None
        self._initial_version = store.version

    def folder_for(self, version: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", version)
        return self.root / f"{safe}-{self._token}"

    def current(self) -> Dumps:
        """The dumps of the store's current version, written first if they are missing."""
        version = self.store.version
        cached = self._current
        if cached is not None and cached.version == version and self._complete(cached):
            return cached
        with self._lock:
            version = self.store.version
            current = self._current
            if current is None or current.version != version or not self._complete(current):
                dumps = self._generate(version)
                if version != self._initial_version:
                    dumps.changed_at = dumps.generated_at
                self._current = dumps
            return self._current

    def _complete(self, dumps: Dumps) -> bool:
        """Still on disk (another server sharing the folder may have pruned it)?"""
        return all(dumps.path(k).is_file() for k in DUMP_FORMATS)

    def _generate(self, version: str) -> Dumps:
        folder = self.folder_for(version)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".lock", "a+b") as lock:  # one writer among processes sharing a token
            fcntl.flock(lock, fcntl.LOCK_EX)
            return self._written(folder, version) or self._write(folder, version)

    def _written(self, folder: Path, version: str) -> Dumps | None:
        """The dumps another process of this server already wrote into ``folder``, if complete."""
        try:
            manifest = json.loads((folder / self.MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if manifest.get("version") != version:
            return None
        dumps = Dumps(version, folder, datetime.fromisoformat(manifest["generated_at"]),
                      {k: int(v) for k, v in manifest["sizes"].items()})
        return dumps if self._complete(dumps) and set(dumps.sizes) == set(DUMP_FORMATS) else None

    def _write(self, folder: Path, version: str) -> Dumps:
        nquads = self.store.dump(ox.RdfFormat.N_QUADS)
        dumps = Dumps(version, folder, datetime.now(UTC).replace(microsecond=0))
        for key, fmt in DUMP_FORMATS.items():
            dumps.sizes[key] = write_dump(fmt, dumps.path(key), nquads)
        manifest = {"version": version, "generated_at": dumps.generated_at.isoformat(),
                    "sizes": dumps.sizes}
        tmp = folder / f".{self.MANIFEST}.{uuid.uuid4().hex[:6]}"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, folder / self.MANIFEST)
        self._prune(keep=folder)
        return dumps

    def _prune(self, keep: Path) -> None:
        finished = sorted(
            (p for p in self.root.iterdir() if p.is_dir() and (p / self.MANIFEST).is_file()),
            key=lambda p: (p / self.MANIFEST).stat().st_mtime,
        )
        old = [p for p in finished if p != keep][: max(0, len(finished) - self.KEEP)]
        for path in old:
            shutil.rmtree(path, ignore_errors=True)
