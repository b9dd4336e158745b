"""Default data of the demand app: the civil domains 12348 hears most, added to the shared 普法领域 taxonomy
(婚姻家庭 and 劳动 are already there as 妇女儿童与婚姻家庭 and 劳动就业与社会保障), and the default keyword
rules (editable on the 分类规则 page). Reversible; imports no app code."""

from django.db import migrations

DOMAINS = [
    ("jdht", "借贷合同", 140),
    ("fcwy", "房产物业", 150),
    ("jtsg", "交通事故", 160),
    ("jicheng", "继承", 170),
]
RULES = [
    ("fnet-hyjt", "离婚、抚养费、抚养权、探望权、家暴、家庭暴力、彩礼、赡养、夫妻共同、收养、人身安全保护令"),
    ("ldjy-shbz", "工资、劳动合同、工伤、社保、社会保险、加班、辞退、劳动仲裁、经济补偿、养老保险、失业保险、医保"),
    ("jdht", "借条、欠条、借款、借钱、民间借贷、担保、违约金、定金、欠款"),
    ("fcwy", "物业、业主、开发商、房东、租房、不动产、拆迁、征收、维修资金、漏水"),
    ("jtsg", "交通事故、车祸、撞伤、追尾、交警、交强险、肇事、逃逸"),
    ("jicheng", "继承、遗嘱、遗产、遗赠"),
    ("scjg-sp", "食品、过期、假药、退货、消费者、虚假宣传、三无、预付、售后"),
    ("sthj", "噪音、污染、排放、油烟、污水、废气、粉尘、扰民、偷排、焚烧"),
    ("mz-yl", "低保、养老院、敬老院、高龄、残疾、救助、老年人、殡葬、特困"),
    ("jtaq-za", "诈骗、被骗、赌博、盗窃、被盗、打架、殴打、报警、传销、敲诈"),
]
WEIGHT = 0.5


def forwards(apps, schema_editor):
    Domain = apps.get_model("core", "Domain")
    KeywordRule = apps.get_model("demand", "KeywordRule")
    for code, name, order in DOMAINS:
        Domain.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for code, keywords in RULES:
        domain = Domain.objects.filter(code=code).first()
        if domain is not None:
            KeywordRule.objects.get_or_create(domain=domain, region=None, keywords=keywords, defaults={"weight": WEIGHT})


def backwards(apps, schema_editor):
    KeywordRule = apps.get_model("demand", "KeywordRule")
    KeywordRule.objects.filter(region__isnull=True, keywords__in=[k for _, k in RULES]).delete()
    # The domains stay: records of other apps may already be tagged with them.


class Migration(migrations.Migration):
    dependencies = [("demand", "0001_initial"), ("core", "0004_default_taxonomies")]

    operations = [migrations.RunPython(forwards, backwards)]
