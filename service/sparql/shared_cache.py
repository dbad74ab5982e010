"""The answer cache shared by every serving process: one file per answer, in memory (tmpfs).

With several serving processes (``KG_PROCESSES``) each used to keep its own
:class:`~service.sparql.cache.AnswerCache`, so a query was a hit only in the process that had cached
it. ``serve`` now makes one folder for the server's life (:func:`make_folder`, on ``/dev/shm``
where there is one: files there never touch a disk) and every process keeps its answers there,
through :class:`SharedCache`, which has the interface of :class:`~service.sparql.cache.AnswerCache`.

- **Keys** are the endpoint's own (:func:`service.sparql.answer_key`: store version, query,
  dataset, format, row cap), hashed into a file name; a new store version is a new key, and
  :meth:`SharedCache.clear` (on every update) empties the folder for all processes.
- **Writes are atomic:** an answer is written to a file of its own, then renamed into place, so a
  reader sees a whole answer or none.
- **Bounded:** about ``size`` answers and ``max_bytes`` in all (64 MiB), each at most
  ``max_entry_bytes``: every process looks at the folder after every ``size // 16`` of its
  writes (at most 64) and removes the oldest answers until 7/8 of each bound is left.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from service.sparql.cache import AnswerCache
from service.sparql.results import Answer

#: memory-backed files on Linux; elsewhere the system's temporary folder
SHM = Path("/dev/shm")
SUFFIX = ".answer"


def make_folder() -> Path:
    """A fresh folder for one server's shared answers (removed by the server when it stops)."""
    parent = SHM if SHM.is_dir() and os.access(SHM, os.W_OK) else None
    return Path(tempfile.mkdtemp(prefix="kg-answers-", dir=parent))


def remove_folder(folder: Path | str | None) -> None:
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


def answer_cache(size: int, folder: str | None) -> AnswerCache | SharedCache:
    """The shared cache when the server made a folder for its processes, else this process's."""
    return SharedCache(Path(folder), size) if folder else AnswerCache(size)


class SharedCache:
    def __init__(
        self,
        folder: Path,
        size: int,
        *,
        max_bytes: int = 64 << 20,
        max_entry_bytes: int = 4 << 20,
    ):
        self.folder = folder
        self.size = max(0, size)
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._lock = threading.Lock()
        # this process looks at the folder's size after this many writes (or an eighth of
        # max_bytes): a folder holds at most about size + processes × _every answers
        self._every = max(1, min(64, self.size // 16))
        # this process's writes since it last looked
        self._puts = 0
        self._put_bytes = 0

    def _path(self, key: Hashable) -> Path:
        digest = hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()
        return self.folder / (digest + SUFFIX)

    def get(self, key: Hashable) -> Answer | None:
        if self.size == 0:
            return None
        try:
            with open(self._path(key), "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        head, _, body = data.partition(b"\n")
        media_type, rows, truncated = head.decode().split("\t")
        return Answer(media_type, body, int(rows), truncated == "1")

    def put(self, key: Hashable, value: Answer, nbytes: int) -> None:
        if self.size == 0 or nbytes > self.max_entry_bytes:
            return
        head = f"{value.media_type}\t{value.rows}\t{int(value.truncated)}\n".encode()
        try:
            fd, temp = tempfile.mkstemp(dir=self.folder, suffix=".part")
        except OSError:  # the folder is gone (the server stops): no answer is kept
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(head + value.body)
            os.replace(temp, self._path(key))
        except OSError:  # the folder is full or gone: no answer is kept
            with contextlib.suppress(OSError):
                os.unlink(temp)
            return
        with self._lock:
            self._puts += 1
            self._put_bytes += nbytes
            due = self._puts >= self._every or self._put_bytes >= self.max_bytes // 8
            if due:
                self._puts = self._put_bytes = 0
        if due:
            self._prune()

    def _prune(self) -> None:
        """Remove the oldest answers until the folder is within its bounds (with some room)."""
        entries = []
        with contextlib.suppress(OSError), os.scandir(self.folder) as found:
            for entry in found:
                if entry.name.endswith(SUFFIX):
                    with contextlib.suppress(OSError):
                        stat = entry.stat()
                        entries.append((stat.st_mtime_ns, stat.st_size, entry.path))
        total = sum(size for _, size, _ in entries)
        if len(entries) <= self.size and total <= self.max_bytes:
            return
        entries.sort()
        count, keep_count, keep_bytes = len(entries), self.size * 7 // 8, self.max_bytes * 7 // 8
        for _, size, path in entries:
            if count <= keep_count and total <= keep_bytes:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
            count, total = count - 1, total - size

    def clear(self, *_args: Any) -> None:
        with contextlib.suppress(OSError), os.scandir(self.folder) as found:
            for entry in found:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)

    def __len__(self) -> int:
        with contextlib.suppress(OSError):
            return sum(1 for name in os.listdir(self.folder) if name.endswith(SUFFIX))
        return 0
