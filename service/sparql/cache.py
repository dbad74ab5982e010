"""A small LRU cache for answers to repeated read queries.

Keys are built by the caller from everything that decides an answer — the query text, the
dataset (default and named graphs), the negotiated format, the row cap and the store version —
so a stale entry can never be hit; :meth:`AnswerCache.clear` also empties it on every update.
Entries larger than ``max_entry_bytes`` are not kept, and the whole cache stays within
``max_bytes``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class AnswerCache:
    def __init__(self, size: int, *, max_bytes: int = 64 << 20, max_entry_bytes: int = 4 << 20):
        self.size = max(0, size)
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self._entries: OrderedDict[Hashable, tuple[int, Any]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]

    def put(self, key: Hashable, value: Any, nbytes: int) -> None:
        if self.size == 0 or nbytes > self.max_entry_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old[0]
            self._entries[key] = (nbytes, value)
            self._bytes += nbytes
            while self._entries and (
                len(self._entries) > self.size or self._bytes > self.max_bytes
            ):
                _, (size, _) = self._entries.popitem(last=False)
                self._bytes -= size

    def clear(self, *_args: Any) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)
