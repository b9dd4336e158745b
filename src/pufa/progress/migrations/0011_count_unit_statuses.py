"""Count the statuses already stored into UnitStatusCount (per unit, plan period, task or target, status), as
the dashboard reads them since 0005, for a database that has statuses but no counts yet.

Skipped where there is nothing to count or the counts exist: a new database, or one already migrated by the
earlier 0005, which counted in the same migration as the table. Reversing leaves the rows; 0005 drops the table.
"""

from django.db import migrations
from django.db.models import Count, Q


def count_existing(apps, schema_editor):
    ProgressStatus = apps.get_model("progress", "ProgressStatus")
    UnitStatusCount = apps.get_model("progress", "UnitStatusCount")
    if UnitStatusCount.objects.exists():
        return
    groups = ("unit_id", "region_path", "plan_start", "plan_end", "is_target", "status")
    rows = (
        ProgressStatus.objects.annotate(is_target=Q(target__isnull=False))
        .values(*groups)
        .annotate(count=Count("id"))
        .values_list(*groups, "count")
    )
    UnitStatusCount.objects.bulk_create(
        (UnitStatusCount(**dict(zip(groups, row[:-1], strict=True)), n=row[-1]) for row in rows), batch_size=5000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0010_derive_rolled_activities"),
    ]

    operations = [migrations.RunPython(count_existing, migrations.RunPython.noop)]
