"""Default taxonomies: the nine domains of seed 000 plus the common subjects, the usual audiences, and the
activity forms the seeds name. Reversible; imports no app code."""

from django.db import migrations

DOMAINS = [
    ("xjp-fzsx", "习近平法治思想"),
    ("xianfa", "宪法"),
    ("minfadian", "民法典"),
    ("dnfg", "党内法规"),
    ("jtaq-za", "交通安全与治安"),
    ("xinfang", "信访"),
    ("scjg-sp", "市场监管与食品药品安全"),
    ("sthj", "生态环境"),
    ("fnet-hyjt", "妇女儿童与婚姻家庭"),
    ("ldjy-shbz", "劳动就业与社会保障"),
    ("aqsc-yj", "安全生产与应急"),
    ("mz-yl", "民政与养老"),
    ("wsjk", "卫生健康"),
]
AUDIENCES = [
    ("ldgb", "领导干部"),
    ("gjgzry", "国家工作人员"),
    ("qsn", "青少年"),
    ("sqjm", "社区居民"),
    ("nm", "农村居民"),
    ("qy", "企业经营管理人员和职工"),
    ("wlwg", "外来务工人员"),
    ("lnr", "老年人"),
    ("fnet", "妇女儿童"),
    ("tsqt", "特殊群体"),
    ("fzdtr", "法律明白人和法治带头人"),
]
KINDS = [
    ("jzxc", "集中宣传"),
    ("ztjz", "专题讲座/法治课"),
    ("yasf", "以案释法"),
    ("px", "培训"),
    ("xfks", "学法考试"),
    ("wyyc", "法治文艺演出"),
    ("flzx", "法律咨询"),
    ("xmt", "新媒体推送"),
    ("xcl", "宣传栏更新"),
    ("zxzxf", "中心组学法"),
    ("sspf", "执法中的实时普法"),
    ("whhd", "法治文化活动"),
    ("sfsm", "送法上门"),
    ("qt", "其他"),
]


def forwards(apps, schema_editor):
    for model, rows in (("Domain", DOMAINS), ("Audience", AUDIENCES), ("ActivityKind", KINDS)):
        Model = apps.get_model("core", model)
        for order, (code, name) in enumerate(rows, start=1):
            Model.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order * 10})


def backwards(apps, schema_editor):
    for model, rows in (("Domain", DOMAINS), ("Audience", AUDIENCES), ("ActivityKind", KINDS)):
        apps.get_model("core", model).objects.filter(code__in=[c for c, _ in rows]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_taxonomies")]
    operations = [migrations.RunPython(forwards, backwards)]
