"""Close the tasks of plans that have ended: their statuses become final (已完成 / 未完成), not 逾期 for ever.

A status computed after its plan's last day (plan_end < computed_on) that is not done becomes "unfinished";
the per-unit status counts are then recounted from the statuses, as `progress.services.recount` does. Reversing
turns "unfinished" back into "overdue" (what those rows said before: every period of an ended plan has ended).
Historical models only.
"""

from django.db import migrations
from django.db.models import Count, F, Q


def _recount(apps):
    ProgressStatus = apps.get_model("progress", "ProgressStatus")
    UnitStatusCount = apps.get_model("progress", "UnitStatusCount")
    groups = ("unit_id", "region_path", "plan_start", "plan_end", "is_target", "status")
    rows = (
        ProgressStatus.objects.annotate(is_target=Q(target__isnull=False))
        .values(*groups)
        .annotate(count=Count("id"))
        .values_list(*groups, "count")
    )
    UnitStatusCount.objects.all().delete()
    UnitStatusCount.objects.bulk_create(
        (UnitStatusCount(**dict(zip(groups, row[:-1], strict=True)), n=row[-1]) for row in rows), batch_size=2000
    )


def close(apps, schema_editor):
    ProgressStatus = apps.get_model("progress", "ProgressStatus")
    changed = (
        ProgressStatus.objects.filter(plan_end__lt=F("computed_on")).exclude(status="done").update(status="unfinished")
    )
    if changed:
        _recount(apps)


def reopen(apps, schema_editor):
    ProgressStatus = apps.get_model("progress", "ProgressStatus")
    if ProgressStatus.objects.filter(status="unfinished").update(status="overdue"):
        _recount(apps)


class Migration(migrations.Migration):
    dependencies = [("progress", "0008_status_unfinished")]

    operations = [migrations.RunPython(close, reopen)]
