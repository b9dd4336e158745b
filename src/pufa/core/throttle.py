"""Rate limits kept in the cache: at most `limit` hits per key in a fixed window.

With the default local-memory cache the count is per process; with PUFA_REDIS_URL it is shared by every
process, as a limit must be when several app servers run (docs/deploy.md).
"""

from __future__ import annotations

from django.core.cache import cache


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit for `key`; False when it is past `limit` hits in the `window` seconds since the first."""
    cache_key = f"pufa:throttle:{key}"
    if cache.add(cache_key, 1, timeout=window):
        return True
    try:
        hits = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this hit starts a new window
        cache.add(cache_key, 1, timeout=window)
        return True
    return hits <= limit
