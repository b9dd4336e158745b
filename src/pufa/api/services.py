"""Writes of the api app: making, revoking and recording the use of personal API tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pufa.api import tokens
from pufa.api.models import ApiToken
from pufa.core import audit
from pufa.org.access import Actor
from pufa.org.models import User

#: The lifetimes a user may choose, in days; no token lives longer than a year.
LIFETIMES = (30, 90, 180, 365)
#: Live tokens one user may hold at once.
MAX_ACTIVE = 10


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    key: str  # the plain token: shown to its owner once, never stored


def _person(actor: Actor) -> User:
    """Tokens belong to people: the system and anonymous visitors have none."""
    if not isinstance(actor, User) or not actor.is_active:
        raise PermissionDenied("请先登录。")
    return actor


@transaction.atomic
def token_create(*, actor: Actor, name: str, days: int, read_only: bool = False) -> NewToken:
    """Make a token for the actor themself. The plain key is returned once; only its digest is kept."""
    user = _person(actor)
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "请填写令牌用途。"
    elif len(name) > 60:
        errors["name"] = "名称不能超过60字。"
    if days not in LIFETIMES:
        errors["days"] = "有效期须为30、90、180或365天。"
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()).count()
    if live >= MAX_ACTIVE:
        errors["name"] = f"有效令牌最多{MAX_ACTIVE}个，请先吊销不用的令牌。"
    if errors:
        raise ValidationError(errors)
    key = tokens.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[: tokens.VISIBLE],
        digest=tokens.digest(key),
        read_only=read_only,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=token,
        code="api.token.create",
        changes={
            "name": [None, name],
            "read_only": [None, read_only],
            "expires_at": [None, token.expires_at.isoformat()],
        },
        message=f"创建接口令牌（{'只读' if read_only else '可读写'}，{days}天）",
    )
    return NewToken(token, key)


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke one of the actor's own tokens; it stops working at once."""
    user = _person(actor)
    if token.user_id != user.pk:
        raise PermissionDenied("只能吊销自己的令牌。")
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.log(actor=actor, action=audit.Action.DELETE, obj=token, code="api.token.revoke", message="吊销接口令牌")
    return token


def token_record_use(*, token: ApiToken, ip_address: str | None = None) -> bool:
    """Record that a token was used — in the audit trail once per token and day (the first call of the day).

    The day is claimed with one conditional UPDATE, so of many parallel first calls exactly one writes the
    entry, in any number of processes; later calls that day see the date on the row they loaded and write
    nothing (no write lock per request on SQLite)."""
    today = timezone.localdate()
    if token.last_used_on == today:
        return False
    with transaction.atomic():
        claimed = ApiToken.objects.filter(pk=token.pk).exclude(last_used_on=today).update(last_used_on=today)
        if claimed:
            token.last_used_on = today
            audit.log(
                actor=token.user,
                action=audit.Action.LOGIN,
                obj=token,
                code="api.token.use",
                message=f"使用接口令牌“{token.name}”访问数据接口{'（只读）' if token.read_only else ''}",
                ip_address=ip_address,
            )
    return bool(claimed)
