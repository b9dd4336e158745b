"""The venue kinds the seeds name (沱河街道“法润社区”方案, 社区法治创建方案, 罗庄区普法计划); offices add their own."""

from django.db import migrations

KINDS = [
    # code, name, is_board, required_per_community
    ("park", "法治文化公园/广场", False, False),
    ("corridor", "法治长廊", False, False),
    ("board", "法治宣传栏/版面", True, False),
    ("lecture", "普法大讲堂", False, True),
    ("school", "市民法制学校", False, False),
    ("library", "法律图书角/专柜", False, False),
    ("shuoshi", "百姓评理说事点", False, False),
    ("lawhome", "法律之家", False, False),
    ("mediation", "人民调解室", False, False),
    ("civility", "新时代文明实践站（所）", False, False),
    ("pocket", "口袋公园", False, False),
    ("position", "法治文化阵地（综合）", False, True),
]


def seed(apps, schema_editor):
    VenueKind = apps.get_model("venues", "VenueKind")
    for order, (code, name, is_board, required) in enumerate(KINDS, start=1):
        VenueKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "is_board": is_board, "required_per_community": required, "sort_order": order * 10},
        )


def unseed(apps, schema_editor):
    VenueKind = apps.get_model("venues", "VenueKind")
    VenueKind.objects.filter(code__in=[k[0] for k in KINDS], venues__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("venues", "0001_venues_and_upkeep")]
    operations = [migrations.RunPython(seed, unseed)]
