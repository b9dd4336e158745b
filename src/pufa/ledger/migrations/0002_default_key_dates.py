"""The national key dates (重要节点) the seeds name, plus the other fixed days offices usually mark.
Reversible; imports no app code."""

from django.db import migrations

# (name, month, day, end_month, end_day, domain codes, description)
KEY_DATES = [
    ("中国人民警察节", 1, 10, None, None, ["jtaq-za"], "“110”宣传日，宣传治安管理和平安建设法律法规"),
    ("国际劳动妇女节", 3, 8, None, None, ["fnet-hyjt"], "宣传妇女权益保障法、反家庭暴力法"),
    ("国际消费者权益日", 3, 15, None, None, ["scjg-sp"], "宣传消费者权益保护法、食品安全法"),
    ("全民国家安全教育日", 4, 15, None, None, [], "宣传国家安全法、反间谍法"),
    ("世界知识产权日", 4, 26, None, None, ["scjg-sp"], "宣传知识产权相关法律法规"),
    ("国际劳动节", 5, 1, None, None, ["ldjy-shbz"], "宣传劳动法、劳动合同法"),
    ("民法典宣传月", 5, 1, 5, 31, ["minfadian"], "“美好生活·民法典相伴”主题宣传"),
    ("全国防灾减灾日", 5, 12, None, None, ["aqsc-yj"], "宣传突发事件应对法、防震减灾法"),
    ("国际儿童节", 6, 1, None, None, ["fnet-hyjt"], "宣传未成年人保护法、预防未成年人犯罪法"),
    ("安全生产月", 6, 1, 6, 30, ["aqsc-yj"], "宣传安全生产法"),
    ("世界环境日", 6, 5, None, None, ["sthj"], "宣传环境保护法"),
    ("国际禁毒日", 6, 26, None, None, ["jtaq-za", "wsjk"], "宣传禁毒法"),
    ("国庆节", 10, 1, None, None, ["xianfa"], "宣传宪法、国旗法、国歌法"),
    ("全国消防日", 11, 9, None, None, ["aqsc-yj"], "宣传消防法"),
    ("宪法宣传周", 12, 1, 12, 7, ["xianfa"], "以宪法为核心的集中宣传"),
    ("全国交通安全日", 12, 2, None, None, ["jtaq-za"], "宣传道路交通安全法"),
    ("国家宪法日", 12, 4, None, None, ["xianfa"], "“12·4”国家宪法日集中宣传"),
]


def forwards(apps, schema_editor):
    KeyDate = apps.get_model("ledger", "KeyDate")
    Domain = apps.get_model("core", "Domain")
    domains = {d.code: d for d in Domain.objects.all()}
    for name, month, day, end_month, end_day, codes, description in KEY_DATES:
        key_date, created = KeyDate.objects.get_or_create(
            name=name,
            region=None,
            defaults={
                "month": month,
                "day": day,
                "end_month": end_month,
                "end_day": end_day,
                "description": description,
            },
        )
        if created:
            key_date.domains.set([domains[c] for c in codes if c in domains])


def backwards(apps, schema_editor):
    KeyDate = apps.get_model("ledger", "KeyDate")
    KeyDate.objects.filter(region=None, name__in=[row[0] for row in KEY_DATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_activities_evidence_key_dates"), ("core", "0004_default_taxonomies")]
    operations = [migrations.RunPython(forwards, backwards)]
