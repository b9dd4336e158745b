"""The team kinds the seeds name (seed 000, 001, 002, 003); offices may add more. Reversible; imports no app code."""

from django.db import migrations

# (code, name, shape, public, sort order)
KINDS = [
    ("flmbr", "法律明白人", "team", True, 10),
    ("fzdtr", "法治带头人", "team", True, 20),
    ("xfyfsfh", "学法用法示范户", "household", False, 30),
    ("pfzyz", "普法志愿者", "team", True, 40),
    ("pfjst", "普法讲师团", "team", False, 50),
    ("sqflgw", "社区法律顾问", "pairing", True, 60),
    ("ggls", "挂钩律师", "pairing", True, 70),
    ("fzfxz", "法治副校长", "pairing", False, 80),
]


def forwards(apps, schema_editor):
    TeamKind = apps.get_model("people", "TeamKind")
    for code, name, shape, public, order in KINDS:
        TeamKind.objects.get_or_create(
            code=code, defaults={"name": name, "shape": shape, "public": public, "sort_order": order}
        )


def backwards(apps, schema_editor):
    TeamKind = apps.get_model("people", "TeamKind")
    TeamKind.objects.filter(code__in=[row[0] for row in KINDS], memberships__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("people", "0001_rosters")]
    operations = [migrations.RunPython(forwards, backwards)]
