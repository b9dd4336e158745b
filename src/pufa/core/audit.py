"""The one entry point for the audit trail (审计日志).

Services call `log()` inside their transaction, so a write and its audit entry land together or not at all.
`snapshot()` and `diff()` give field-level before/after values in a form that survives the record.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from pufa.core.models import AuditEntry

Action = AuditEntry.Action


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "size"):  # a FieldFile
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """Serialisable values of a record's own fields (and many-to-many as sorted labels).

    Foreign keys are stored by their display text, because the trail is read by people and must stay
    readable after the referenced row changes.
    """
    data: dict[str, Any] = {}
    for field in obj._meta.get_fields():
        if fields is not None and field.name not in fields:
            continue
        if field.auto_created or field.name in {"created_at", "updated_at", "password", "last_login"}:
            continue
        if field.many_to_many and not field.auto_created:
            if obj.pk is None:
                continue
            data[field.name] = sorted(str(o) for o in getattr(obj, field.name).all())
        elif field.is_relation and field.many_to_one:
            related = getattr(obj, field.name, None)
            data[field.name] = str(related) if related is not None else None
        elif field.concrete and not field.is_relation:
            data[field.name] = _plain(getattr(obj, field.attname))
    return data


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Only the fields that changed, as {field: [before, after]}."""
    keys = set(before) | set(after)
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def log(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    code: str = "",
    changes: dict[str, list[Any]] | None = None,
    message: str = "",
    scope_path: str | None = None,
    ip_address: str | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """Record one audit entry. `SYSTEM` (the daily pass, commands) is shown as 系统, and so is an entry with no
    actor at all (a failed login by someone not signed in)."""
    if scope_path is None and obj is not None:
        scope_path = getattr(obj, "audit_scope_path", "") or ""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=(actor.get_full_name() or actor.get_username()) if authenticated else "系统",
        action=action,
        code=code,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr if object_repr is not None else str(obj) if obj is not None else "")[:200],
        changes=changes or {},
        message=message[:500],
        scope_path=scope_path or "",
        ip_address=ip_address,
    )


def log_create(*, actor: Any, obj: models.Model, code: str = "", message: str = "") -> AuditEntry:
    after = snapshot(obj)
    return log(
        actor=actor,
        action=Action.CREATE,
        obj=obj,
        code=code,
        message=message,
        changes={k: [None, v] for k, v in after.items() if v not in (None, "", [])},
    )


def log_update(
    *, actor: Any, obj: models.Model, before: dict[str, Any], code: str = "", message: str = ""
) -> AuditEntry | None:
    """Log an update only when something changed; returns None for a save that changed nothing."""
    changes = diff(before, snapshot(obj, list(before)))
    if not changes and not message:
        return None
    return log(actor=actor, action=Action.UPDATE, obj=obj, code=code, changes=changes, message=message)
