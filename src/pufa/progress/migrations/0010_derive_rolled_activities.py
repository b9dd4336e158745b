"""Derive each counted activity's contribution (RolledActivity), and the rollups with it, for a database that
has rollups but no contributions yet (one made before 0004). Rollups are kept by differences since 0004, which
need what every activity added.

Written against the historical models, with the counting rule as it stood at 0004 (what `progress.rollups`
did then): an activity counts when it is submitted or confirmed and not deleted; it adds one activity and its
people and materials to its month, in every city, district and street above a counted participant (organiser
or co-organiser), once per region, in total and by its form, domains and audiences.

Skipped where there is nothing to derive: a new database (no rollups), or one already migrated by the earlier
0004, which did this in the same migration as the table. Reversing leaves the rows; 0004 drops the table.
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import Max

COUNTED = ("submitted", "confirmed")
ROLLUP_LEVELS = ("city", "district", "street")
CHUNK = 20000


def ancestor_paths(path):
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def derive(apps, schema_editor):
    RegionMonthStat = apps.get_model("progress", "RegionMonthStat")
    RolledActivity = apps.get_model("progress", "RolledActivity")
    UnitActivity = apps.get_model("progress", "UnitActivity")
    Region = apps.get_model("org", "Region")
    Activity = apps.get_model("ledger", "Activity")
    ActivityUnit = apps.get_model("ledger", "ActivityUnit")
    if not RegionMonthStat.objects.exists() or RolledActivity.objects.exists():
        return
    domains = Activity._meta.get_field("domains").remote_field.through
    audiences = Activity._meta.get_field("audiences").remote_field.through

    # Historical managers show deleted rows too: regions removed since still take back what they counted.
    region_ids = dict(Region.objects.filter(level__in=ROLLUP_LEVELS).values_list("path", "pk"))
    above = {}
    participations = ActivityUnit.objects.filter(status__in=COUNTED, is_deleted=False)
    cells = defaultdict(lambda: [0, 0, 0, 0])
    counted = Activity.objects.filter(status__in=COUNTED, deleted_at__isnull=True).order_by("id")
    last_id = 0
    while True:
        ids = list(counted.filter(id__gt=last_id).values_list("id", flat=True)[:CHUNK])
        if not ids:
            break
        last_id = ids[-1]
        paths = defaultdict(set)
        for activity_id, region_path in participations.filter(activity_id__in=ids).values_list(
            "activity_id", "region_path"
        ):
            if region_path not in above:
                above[region_path] = [p for p in ancestor_paths(region_path) if p in region_ids]
            paths[activity_id].update(above[region_path])
        ids = [a for a in ids if paths[a]]
        codes = defaultdict(list)
        for a, code in domains.objects.filter(activity_id__in=ids).values_list("activity_id", "domain__code"):
            codes[a].append(f"domain:{code}")
        for a, code in audiences.objects.filter(activity_id__in=ids).values_list("activity_id", "audience__code"):
            codes[a].append(f"audience:{code}")
        rows = []
        for a, date, kind, onsite, online, materials in Activity.objects.filter(pk__in=ids).values_list(
            "id", "date", "kind__code", "people_onsite", "people_online", "materials"
        ):
            month = date.replace(day=1)
            own = ([f"kind:{kind}"] if kind else []) + sorted(codes[a])
            region_paths = sorted(paths[a])
            rows.append(
                RolledActivity(
                    activity_id=a,
                    month=month,
                    region_paths=" ".join(region_paths),
                    codes=" ".join(own),
                    people_onsite=onsite,
                    people_online=online,
                    materials=materials,
                )
            )
            for path in region_paths:
                for code in ("", *own):
                    dim, _, value = code.partition(":")
                    cell = cells[(path, month, dim, value)]
                    cell[0] += 1
                    cell[1] += onsite
                    cell[2] += online
                    cell[3] += materials
        RolledActivity.objects.bulk_create(rows, batch_size=5000)

    RegionMonthStat.objects.all().delete()
    RegionMonthStat.objects.bulk_create(
        (
            RegionMonthStat(
                region_id=region_ids[path],
                region_path=path,
                month=month,
                dim=dim,
                code=code,
                activities=n,
                people_onsite=onsite,
                people_online=online,
                materials=materials,
            )
            for (path, month, dim, code), (n, onsite, online, materials) in cells.items()
        ),
        batch_size=5000,
    )
    UnitActivity.objects.all().delete()
    latest = participations.values("unit_id").annotate(last=Max("date")).values_list("unit_id", "last")
    UnitActivity.objects.bulk_create((UnitActivity(unit_id=u, last_date=d) for u, d in latest), batch_size=5000)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_highlight_index"),
        ("org", "0001_regions_units_users"),
        ("progress", "0009_close_ended_plans"),
    ]

    operations = [migrations.RunPython(derive, migrations.RunPython.noop)]
