from django.db import migrations


def count_areas(apps, schema_editor):
    """Roll the stored counts up to every level (the rule of `pufa.demand.counts.areas_of`, written out here so
    the migration imports no app code): each count row adds to its office's all-orders row (area -1) and to
    its place and every region above it."""
    DemandCount = apps.get_model("demand", "DemandCount")
    DemandAreaCount = apps.get_model("demand", "DemandAreaCount")
    Region = apps.get_model("org", "Region")
    if DemandAreaCount.objects.exists():
        return
    paths = dict(Region._base_manager.values_list("pk", "path"))
    totals = {}
    for region_id, place, domain, month, n in DemandCount.objects.filter(n__gt=0).values_list(
        "region_id", "place", "domain", "month", "n"
    ).iterator(chunk_size=5000):
        areas = [-1]
        if place != -1:
            found = [int(p) for p in paths.get(place, "").split("/") if p]
            areas += found or [place]
        for area in areas:
            key = (region_id, area, domain, month)
            totals[key] = totals.get(key, 0) + n
    DemandAreaCount.objects.bulk_create(
        [DemandAreaCount(region_id=r, area=a, domain=d, month=m, n=n) for (r, a, d, m), n in totals.items()],
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [("demand", "0007_area_counts"), ("org", "0001_regions_units_users")]

    operations = [migrations.RunPython(count_areas, migrations.RunPython.noop)]
