"""Version stamps in the database (`core.Stamp`): the freshness of cached pages and figures across processes.

A cache keyed by `get(key)` is fresh in every process at once: `bump(key)` writes a new token in the writer's
transaction (a rolled-back write changes nothing), and each reader asks the database — one primary-key
lookup — instead of trusting a token in its own memory. Tokens are random, never counted up, so a token of a
rolled-back transaction cannot come back with other records behind it.

Several keys at once (`joined`, `bump_many`): the regions' figures (`org.freshness`), where a page reads the
stamps of its region and of every region above it in one query.

Within one request the same keys are read once (`joined`): the ledger's list, its unit options and its region
options each asked for the office's stamps, three identical queries a page. What a request reads is then as
of its first read — the moment its list was read — and a bump in the request's own process forgets what it
read, so a request that writes and then reads sees its own write. The memo lives from `request_started` to
`request_finished` (connected in `core.apps`); outside a request (task workers, commands) every read asks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from contextvars import ContextVar
from typing import Any

from django.db import IntegrityError, transaction

from pufa.core.models import Stamp

#: The stamps a request has read, by keys; None outside a request.
_READ: ContextVar[dict[tuple[str, ...], str] | None] = ContextVar("pufa_stamps_read", default=None)


def request_started(**kwargs: Any) -> None:
    _READ.set({})


def request_finished(**kwargs: Any) -> None:
    _READ.set(None)


def get(key: str) -> str:
    """The current token of `key` (made on first use)."""
    token = Stamp.objects.filter(key=key).values_list("token", flat=True).first()
    if token is not None:
        return token
    try:
        with transaction.atomic():
            return Stamp.objects.create(key=key, token=uuid.uuid4().hex).token
    except IntegrityError:  # another process made it first: use theirs
        return Stamp.objects.values_list("token", flat=True).get(key=key)


def bump(key: str) -> str:
    """Give `key` a new token (inside the caller's transaction): whatever was cached under the old one is stale."""
    _forget()
    token = uuid.uuid4().hex
    if not Stamp.objects.filter(key=key).update(token=token):
        Stamp.objects.get_or_create(key=key, defaults={"token": token})
    return token


def joined(keys: list[str]) -> str:
    """The tokens of these keys in one query, joined in the order given ("0" for a key never bumped); once a
    request (see the module docstring)."""
    read = _READ.get()
    ident = tuple(keys)
    if read is not None and ident in read:
        return read[ident]
    tokens = dict(Stamp.objects.filter(key__in=keys).values_list("key", "token"))
    value = ".".join(tokens.get(k, "0") for k in keys)
    if read is not None:
        read[ident] = value
    return value


def _forget() -> None:
    read = _READ.get()
    if read:
        read.clear()


def bump_many(keys: Iterable[str]) -> None:
    """Give these keys one new token, in one statement (inside the caller's transaction). On PostgreSQL the
    caller holds `core.locks.hold()` first: two writers upserting overlapping keys would otherwise lock them in
    different orders across their transactions."""
    rows = sorted(set(keys))
    if not rows:
        return
    _forget()
    token = uuid.uuid4().hex
    Stamp.objects.bulk_create(
        [Stamp(key=k, token=token) for k in rows], update_conflicts=True, unique_fields=["key"], update_fields=["token"]
    )
