"""The one entry point for the audit trail (审计日志).

Services call `log()` inside their transaction, so a write and its audit entry land together or not at all.
`snapshot()` and `diff()` give field-level before/after values in a form that survives the record.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
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
        elif isinstance(field, models.Field) and field.concrete and not field.is_relation:
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
    actor at all (a failed login by someone not signed in); another actor without an account names itself by
    its `audit_name` (the resident who placed a 点单 through its private link)."""
    if scope_path is None and obj is not None:
        scope_path = getattr(obj, "audit_scope_path", "") or ""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=(actor.get_full_name() or actor.get_username())
        if authenticated
        else getattr(actor, "audit_name", None) or "系统",
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


# ---------------------------------------------------------------- reading the trail

#: What each audit code means, in the words the trail shows (操作记录, 审计日志). One table for every app;
#: an app added later registers its own codes with `register_codes()`.
CODE_LABELS: dict[str, str] = {
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.logout": "退出登录",
    "password_too_simple": "密码过于简单",
    "org.region.create": "新建区划",
    "org.region.update": "修改区划",
    "org.unit.create": "新建单位",
    "org.unit.update": "修改单位",
    "org.unit.delete": "删除单位",
    "org.unit.restore": "恢复单位",
    "org.unit.import": "导入单位",
    "org.user.create": "新建用户",
    "org.user.update": "修改用户",
    "org.user.password": "重置密码",
    "org.membership.add": "授予角色",
    "org.membership.end": "撤销角色",
    "org.feedback.submit": "提交意见建议",
    "org.feedback.reply": "答复意见建议",
    "plans.plan.create": "新建普法计划",
    "plans.plan.update": "修改普法计划",
    "plans.plan.delete": "删除普法计划",
    "plans.plan.import": "导入普法计划",
    "plans.task.create": "新建任务",
    "plans.task.update": "修改任务",
    "plans.task.delete": "删除任务",
    "plans.task.units": "调整任务承担单位",
    "plans.target.create": "新建量化指标",
    "plans.target.update": "修改量化指标",
    "plans.target.delete": "删除量化指标",
    "ledger.activity.create": "登记活动",
    "ledger.activity.update": "修改活动",
    "ledger.activity.delete": "删除活动",
    "ledger.activity.restore": "恢复已删除的活动",
    "ledger.co_organiser.accept": "答复协办请求",
    "ledger.evidence.purge": "清除超过保留期限的佐证文件",
    "ledger.evidence.restore": "恢复已删除的佐证材料",
    "progress.inspection.note": "记录督查情况",
    "progress.remind": "催办",
    "progress.supervision.notice": "发送督办通知",
    "reports.remind": "催报",
    "ledger.activity.submit": "提交活动",
    "ledger.activity.withdraw": "撤回活动",
    "ledger.activity.confirm": "确认活动",
    "ledger.activity.return": "退回活动",
    "ledger.activity.reopen": "重新打开活动",
    "ledger.activity.highlight": "标记典型做法",
    "ledger.activity.import": "导入活动",
    "ledger.evidence.add": "上传佐证材料",
    "ledger.evidence.delete": "删除佐证材料",
    "ledger.keydate.create": "新建重要节点",
    "ledger.keydate.update": "修改重要节点",
    "duties.law.create": "新建法律法规",
    "duties.law.update": "修改法律法规",
    "duties.list.create": "起草普法责任清单",
    "duties.list.update": "修改普法责任清单",
    "duties.list.submit": "报送普法责任清单",
    "duties.list.file": "备案普法责任清单",
    "duties.list.return": "退回普法责任清单",
    "duties.list.publish": "公告普法责任清单",
    "duties.list.withdraw": "撤回普法责任清单",
    "duties.item.create": "新增清单事项",
    "duties.item.update": "修改清单事项",
    "duties.item.delete": "删除清单事项",
    "duties.planned.create": "新增计划活动",
    "duties.planned.update": "修改计划活动",
    "duties.planned.delete": "删除计划活动",
    "duties.planned.link": "关联台账活动",
    "duties.deadline.set": "设置清单报送期限",
    "duties.remind": "催报普法责任清单",
    "duties.template.create": "新建清单模板",
    "duties.template.update": "修改清单模板",
    "duties.template.item": "新增模板事项",
    "duties.template.item.remove": "删除模板事项",
    "duties.template.issue": "下发清单模板",
    "reports.report.create": "起草工作报告",
    "reports.report.update": "修改工作报告",
    "reports.report.submit": "报送工作报告",
    "reports.report.return": "退回工作报告",
    "reports.report.accept": "审核通过工作报告",
    "reports.summary.create": "生成汇总报告",
    "reports.summary.remerge": "重新汇总报告",
    "reports.deadline.set": "设置报告报送期限",
    "reports.circular.create": "起草通报",
    "reports.circular.update": "修改通报",
    "reports.circular.publish": "印发通报",
}


def register_codes(labels: dict[str, str]) -> None:
    """Add an app's audit codes and their Chinese phrases to the table (call from AppConfig.ready)."""
    CODE_LABELS.update(labels)


def code_label(code: str, action: str = "") -> str:
    """The Chinese phrase of an audit code; an unknown code falls back to its action (修改, 流程 …), never
    shows itself."""
    if code in CODE_LABELS:
        return CODE_LABELS[code]
    try:
        return str(Action(action).label) if action else "操作"
    except ValueError:
        return "操作"


#: Fields people do not read in a trail: derived or technical values (tree paths, sort keys, frozen data).
HIDDEN_FIELDS = {"path", "depth", "pinyin", "search_text", "figures", "document", "data", "password", "token"}
LONG_TEXT = 60  # characters of a text value shown before it is cut short
LIST_ITEMS = 5  # items of a list value shown before "等N项"


def _model_field(model: type[models.Model] | None, name: str) -> Any:
    """The field `name` of the entry's model; else the first model field of that name anywhere (a service
    may log a related record's field on its own entry), so it still reads by its Chinese name."""
    if model is not None:
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:  # a name logged for another model
            return _fields_by_name().get(name)
    return _fields_by_name().get(name)


@lru_cache(maxsize=1)
def _fields_by_name() -> dict[str, Any]:
    from django.apps import apps

    found: dict[str, Any] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and field.name not in found:
                found[field.name] = field
    return found


def _choice_label(field: Any, value: Any) -> str | None:
    choices = getattr(field, "flatchoices", None) or []
    for key, label in choices:
        if key == value:
            return str(label)
    return None


_DATETIME_TAIL = 16  # "2026-05-20T10:00:00+08:00" → "2026-05-20 10:00"


def display_value(value: Any, field: Any = None) -> tuple[str, bool]:
    """A logged value as a person reads it, and whether it was cut short (then the record itself shows it):
    choices by their label, True/False as 是/否, lists joined with 、, no Python dict or list notation."""
    if value is None or value == "" or value == [] or value == {}:
        return "空", False
    if isinstance(value, bool):
        return ("是" if value else "否"), False
    label = _choice_label(field, value) if field is not None else None
    if label is not None:
        return label, False
    if isinstance(value, dict):
        return f"（{len(value)}项数据）", True
    if isinstance(value, list | tuple):
        items = [display_value(v, field)[0] for v in value]
        shown = "、".join(items[:LIST_ITEMS])
        return (shown + (f"等{len(items)}项" if len(items) > LIST_ITEMS else "")), len(items) > LIST_ITEMS
    text = str(value)
    if len(text) >= 19 and text[4] == "-" and text[10] == "T":  # an ISO datetime
        return text[:_DATETIME_TAIL].replace("T", " "), False
    if len(text) > LONG_TEXT:
        return text[:LONG_TEXT] + "…", True
    return text, False


#: How the values of a field that holds a code of another registry read (a target's metric: "活动场次", not
#: "ledger.activity_count"), by "app_label.model.field"; the app that owns the registry adds them.
VALUE_LABELS: dict[str, Callable[[Any], str]] = {}


def register_value_label(model_label: str, field: str, label: Callable[[Any], str]) -> None:
    VALUE_LABELS[f"{model_label}.{field}"] = label


def change_rows(entry: AuditEntry) -> list[dict[str, Any]]:
    """An entry's field-level changes for people: the field's Chinese name, readable before/after values,
    technical fields left out, and `cut` when a value is summarised (the record shows it whole)."""
    ct = entry.content_type if getattr(entry, "content_type_id", None) else None
    model = ct.model_class() if ct is not None else None
    rows = []
    for name, pair in sorted((entry.changes or {}).items()):
        if name in HIDDEN_FIELDS or not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        field = _model_field(model, name)
        label = str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else None
        if label is None or label == name.replace("_", " "):
            continue  # a field the model does not name: internal
        named = VALUE_LABELS.get(f"{model._meta.label_lower}.{name}") if model is not None else None
        if named is not None:
            pair = [named(v) if v not in (None, "") else v for v in pair]
        before, cut_before = display_value(pair[0], field)
        after, cut_after = display_value(pair[1], field)
        rows.append({"field": label, "before": before, "after": after, "cut": cut_before or cut_after})
    return rows


#: The page of a record, by "app_label.model": where the trail links a summarised value to. Apps add theirs
#: with `register_record_url()`.
RECORD_URLS: dict[str, str] = {
    "reports.report": "reports:report-detail",
    "reports.circular": "reports:circular-detail",
    "ledger.activity": "ledger:activity-detail",
    "duties.dutylist": "duties:list-detail",
    "duties.dutytemplate": "duties:template-detail",
    "plans.plan": "plans:plan-detail",
    "plans.task": "plans:task-detail",
    "org.unit": "org:unit-detail",
    "org.user": "org:user-detail",
    "org.feedback": "org:feedback-detail",
}


def register_record_url(model_label: str, url_name: str) -> None:
    RECORD_URLS[model_label] = url_name


def record_url(entry: AuditEntry) -> str:
    """The page of the entry's record, or "" (no page, or the record's id does not fit its URL)."""
    if not getattr(entry, "content_type_id", None) or not entry.object_id:
        return ""
    ct = entry.content_type
    assert ct is not None  # content_type_id is set
    name = RECORD_URLS.get(f"{ct.app_label}.{ct.model}")
    if name is None:
        return ""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=[int(entry.object_id)])
    except (NoReverseMatch, ValueError):
        return ""
