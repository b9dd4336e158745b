"""Version stamps in the database (`core.Stamp`): the freshness of cached pages and figures across processes.

A cache keyed by `get(key)` is fresh in every process at once: `bump(key)` writes a new token in the writer's
transaction (a rolled-back write changes nothing), and each reader asks the database — one primary-key
lookup — instead of trusting a token in its own memory. Tokens are random, never counted up, so a token of a
rolled-back transaction cannot come back with other records behind it.

Several keys at once (`joined`, `bump_many`): the regions' figures (`org.freshness`), where a page reads the
stamps of its region and of every region above it in one query.

Within one request the same keys are read once (`joined`, kept by `core.per_request`): the ledger's list, its
unit options and its region options each asked for the office's stamps, three identical queries a page. What
a request reads is then as of its first read — the moment its list was read — and a bump in the request's own
process forgets what it read, so a request that writes and then reads sees its own write. Outside a request
(task workers, commands) every read asks.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from pufa.core import per_request
from pufa.core.models import Stamp

#: The space of `core.per_request` the stamps a request has read are kept in.
_SPACE = "stamps"


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

    def read() -> str:
        tokens = dict(Stamp.objects.filter(key__in=keys).values_list("key", "token"))
        return ".".join(tokens.get(k, "0") for k in keys)

    return per_request.get(_SPACE, tuple(keys), read)


def _forget() -> None:
    per_request.forget(_SPACE)


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
