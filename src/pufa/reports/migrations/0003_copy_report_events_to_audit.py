"""Copy the report workflow trail (ReportEvent) into the audit trail, before the table is dropped.

Every step since the audit trail existed already wrote its own entry beside its ReportEvent row; a row whose
entry is found (same report, same step, written within a minute) is not copied again. Reversing restores
ReportEvent rows from the entries this migration wrote (recognised by their `migrated_from` key).
"""

from __future__ import annotations

import datetime as dt

from django.db import migrations

STEPS = {
    # ReportEvent.action → (audit code, status label after the step, message prefix)
    "submitted": ("reports.report.submit", "已报送", "报送"),
    "returned": ("reports.report.return", "已退回", "退回修改"),
    "accepted": ("reports.report.accept", "已通过", "审核通过"),
}
NEAR = dt.timedelta(minutes=1)


def copy_events(apps, schema_editor):
    ReportEvent = apps.get_model("reports", "ReportEvent")
    AuditEntry = apps.get_model("core", "AuditEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="reports", model="report")
    new = []
    for event in ReportEvent.objects.select_related("report__region").order_by("at", "id").iterator():
        code, status, prefix = STEPS[event.action]
        logged = AuditEntry.objects.filter(
            content_type=content_type,
            object_id=str(event.report_id),
            code=code,
            at__gte=event.at - NEAR,
            at__lte=event.at + NEAR,
        ).exists()
        if logged:
            continue
        new.append(
            AuditEntry(
                at=event.at,
                actor_id=event.actor_id,
                actor_name=event.actor_name or "系统",
                action="workflow",
                code=code,
                content_type=content_type,
                object_id=str(event.report_id),
                object_repr=event.report.title[:200],
                changes={"status": [None, status], "migrated_from": ["ReportEvent", event.pk]},
                message=(f"{prefix}：{event.comment}" if event.comment else prefix)[:500],
                scope_path=event.report.region.path,
            )
        )
    AuditEntry.objects.bulk_create(new, batch_size=500)


def restore_events(apps, schema_editor):
    ReportEvent = apps.get_model("reports", "ReportEvent")
    AuditEntry = apps.get_model("core", "AuditEntry")
    actions = {code: action for action, (code, _status, _prefix) in STEPS.items()}
    copied = AuditEntry.objects.filter(code__in=list(actions), changes__has_key="migrated_from")
    for entry in copied.iterator():
        prefix = STEPS[actions[entry.code]][2]
        comment = entry.message[len(prefix) + 1 :] if entry.message.startswith(f"{prefix}：") else ""
        event = ReportEvent.objects.create(
            report_id=int(entry.object_id),
            action=actions[entry.code],
            comment=comment,
            actor_id=entry.actor_id,
            actor_name=entry.actor_name,
        )
        ReportEvent.objects.filter(pk=event.pk).update(at=entry.at)
    copied.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_report_and_circular_versions"),
        ("core", "0005_notifications"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(copy_events, restore_events)]
