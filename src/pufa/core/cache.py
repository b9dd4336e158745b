"""The shared Redis cache of a cluster, made to degrade rather than fail when Redis is away (issue 23).

Nothing pufa keeps in the cache is the only copy: figures are recomputed under their database stamps,
sessions are written through to the database (cached_db), the marks that deduplicate background refreshes
only save work. So while Redis restarts, a cache read is a miss and a write is dropped, and the page is served
from the database — where Django's own Redis backend would answer every request with a 500 (30 of 204
requests during one restart under load, bench/cluster_bench.py). The API's per-minute rate limit counts
nothing meanwhile: it lets requests through rather than refuse everyone.

Each failure is logged (a warning), and connecting gives up after a second, so a Redis that hangs holds a
request up by at most about a second per cache call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)
T = TypeVar("T")
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


def _tolerant(operation: str, call: Callable[[], T], fallback: T) -> T:
    try:
        return call()
    except UNAVAILABLE as exc:
        log.warning("Redis cache unavailable during %s: %s", operation, exc)
        return fallback


class TolerantRedisCache(RedisCache):
    """Django's RedisCache, with a refused or timed-out connection read as a miss (reads) or a no-op (writes)."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return _tolerant("get", lambda: super(TolerantRedisCache, self).get(key, default, version), default)

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return _tolerant("get_many", lambda: super(TolerantRedisCache, self).get_many(keys, version), {})

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return _tolerant("has_key", lambda: super(TolerantRedisCache, self).has_key(key, version), False)

    def set(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        _tolerant("set", lambda: super(TolerantRedisCache, self).set(key, value, timeout, version), None)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        # False ("someone holds it already") would make callers skip work that nobody is doing; True lets
        # them go ahead, as they would with an empty cache.
        return _tolerant("add", lambda: super(TolerantRedisCache, self).add(key, value, timeout, version), True)

    def set_many(self, data: dict[Any, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> list[Any]:
        return _tolerant(
            "set_many", lambda: super(TolerantRedisCache, self).set_many(data, timeout, version), list(data)
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return _tolerant("delete", lambda: super(TolerantRedisCache, self).delete(key, version), False)

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        _tolerant("delete_many", lambda: super(TolerantRedisCache, self).delete_many(keys, version), None)

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return _tolerant("touch", lambda: super(TolerantRedisCache, self).touch(key, timeout, version), False)

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        # The count is unknown: report the first hit, so a rate limit lets the request through.
        return _tolerant("incr", lambda: super(TolerantRedisCache, self).incr(key, delta, version), delta)
