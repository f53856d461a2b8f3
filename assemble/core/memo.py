"""Results kept for the life of one process, named by everything they depend on.

The disk cache (cache.py) keeps results between runs; a Memo keeps, within one process (a
batch, the test suite, a long `cpom` command), what is asked again and again: compiled clause
templates, parsed clause files. A key names the inputs by their content, never by a file's
modification time (a file edited twice in the same second is still seen), and a kept value is
never mutated by those who receive it (frozen dataclasses, tuples, code objects).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    """A bounded mapping: past `size` entries, the least recently used go."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()  # a helper thread may compose too
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self.hits += 1
            self._entries.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> V:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return value

    def get_or(self, key: K, compute: Callable[[], V]) -> V:
        """The value kept for `key`, or `compute()` kept. A failure is not kept: asked
        again, it is computed again (and located again, at the file of the asker)."""
        value = self.get(key)
        return self.put(key, compute()) if value is None else value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
