"""Version stamps in the database (`core.Stamp`): the freshness of cached public pages across processes.

A cache keyed by `get(key)` is fresh in every process at once: `bump(key)` writes a new token in the writer's
transaction (a rolled-back write changes nothing), and each reader asks the database — one primary-key
lookup — instead of trusting a token in its own memory.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from pufa.core.models import Stamp


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
    token = uuid.uuid4().hex
    if not Stamp.objects.filter(key=key).update(token=token):
        Stamp.objects.get_or_create(key=key, defaults={"token": token})
    return token
