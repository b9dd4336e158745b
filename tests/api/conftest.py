"""Data-interface tests: a fixed 'today', tokens made through the service, a client that sends one."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from pufa.api import services


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counts live in the cache, and locmem caches outlive a test (token ids repeat after rollback)."""
    cache.clear()


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-06-20 10:00 +0800", tick=False):
        yield


def token_for(user: Any, *, read_only: bool = False, days: int = 90) -> str:
    return services.token_create(actor=user, name="测试对接", days=days, read_only=read_only).key


class TokenClient:
    """A test client that presents a personal token (and no session), as another system would."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"} if self.key else {}

    def get(self, url: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(url, params or {}, headers=self._headers())

    def post(self, url: str, data: Any = None) -> Any:
        return self.client.post(url, data or {}, content_type="application/json", headers=self._headers())

    def put(self, url: str, data: Any = None) -> Any:
        return self.client.put(url, data or {}, content_type="application/json", headers=self._headers())


@pytest.fixture
def api_as():
    """`api_as(user)` → a client with a fresh read-write token of `user`; `api_as(None)` → no credentials."""

    def make(user: Any, **kwargs: Any) -> TokenClient:
        return TokenClient(token_for(user, **kwargs) if user is not None else "")

    return make
