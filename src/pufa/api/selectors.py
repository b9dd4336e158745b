"""Reads of the api app: a user's own tokens, and the token a request presents."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from pufa.api import tokens
from pufa.api.models import ApiToken


def token_list(*, actor: Any) -> QuerySet[ApiToken]:
    """The actor's own tokens: nobody sees or revokes another user's tokens, an office included."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=actor).order_by("-created_at", "-id")


def token_get(*, actor: Any, pk: int) -> ApiToken:
    try:
        return token_list(actor=actor).get(pk=pk)
    except ApiToken.DoesNotExist as exc:
        raise Http404("未找到该令牌") from exc


def token_for_key(key: str) -> ApiToken | None:
    """The live token a request presents — not revoked, not expired, its owner active — or None."""
    if not tokens.looks_like_key(key):
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(digest=tokens.digest(key), revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
