"""A small cache in the memory of one process, for values a hot public page rebuilds identically on every
request (a published questionnaire and its rendered form, the same for every phone that opens the link).

The caller puts what makes the value current in the key (a record's id, revision and `version`, read from the
database on each request), so a write in another process makes the next read miss. `ttl` bounds how long a
value may lag behind what the key cannot see (the names of the communities offered, say). Values are kept as
they are, not copied: store only what no caller changes (tuples, frozen dataclasses, strings).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    """At most `size` values, each kept `ttl` seconds, least recently used dropped first."""

    def __init__(self, *, size: int, ttl: float) -> None:
        self.size = size
        self.ttl = ttl
        self._rows: OrderedDict[Hashable, tuple[float, T]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            row = self._rows.get(key)
            if row is not None and row[0] > now:
                self._rows.move_to_end(key)
                return row[1]
        value = make()  # outside the lock: two threads may both build it; the last one is kept
        with self._lock:
            self._rows[key] = (now + self.ttl, value)
            self._rows.move_to_end(key)
            while len(self._rows) > self.size:
                self._rows.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
