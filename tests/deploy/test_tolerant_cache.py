"""A Redis that is away is a cache miss, not a 500 (issue 23: 30 of 204 requests failed while Redis restarted)."""

from __future__ import annotations

import socket

import pytest

from pufa.core.cache import TolerantRedisCache
from tests.factories import UserFactory


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends: nothing listens there


def away() -> TolerantRedisCache:
    return TolerantRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {"OPTIONS": {"socket_connect_timeout": 1}})


def test_every_operation_degrades_when_redis_is_away() -> None:
    cache = away()
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.has_key("k") is False
    cache.set("k", 1, timeout=60)
    assert cache.add("mark", 1, timeout=60) is True  # go ahead, as with an empty cache
    assert cache.incr("count") == 1  # a rate limit counts the first hit and lets it through
    assert cache.set_many({"a": 1}) == ["a"]
    assert cache.delete("k") is False
    cache.delete_many(["a"])
    assert cache.touch("k") is False


@pytest.mark.django_db
def test_pages_and_sessions_are_served_while_redis_is_away(client, settings) -> None:
    port = closed_port()
    settings.CACHES = {
        "default": {
            "BACKEND": "pufa.core.cache.TolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    client.force_login(UserFactory())
    assert client.get("/notifications/").status_code == 200
    assert client.get("/notifications/").status_code == 200  # the session read back from the database
