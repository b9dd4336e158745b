"""沱河街道's hotline demand for the demo: orders written for the demo (no real caller), spread over the last
six months and the six communities, imported through the importer and the service — so they are classified
by the real classifier and place matcher — with a small gazetteer of the street's estates and roads.
Idempotent: a second run finds the orders and changes nothing (were some missing, the re-import would
recognise the others by their 工单编号).

The demand is uneven on purpose: 沱河社区 and 桃园社区 call often about wages and 物业, so the dashboard
recommends those topics where no activity of that domain was held recently.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pufa.demand import importers, services
from pufa.demand.models import GazetteerEntry, WorkOrder
from pufa.org.access import SYSTEM
from pufa.org.models import Region

STREET = "沱河街道"
GAZETTEER = [
    ("锦绣花园", "estate", "沱河社区"),
    ("沱河苑", "estate", "沱河社区"),
    ("桃园新村", "estate", "桃园社区"),
    ("银河一路", "road", "银河社区"),
    ("汴河商贸城", "landmark", "汴河社区"),
    ("淮河小区", "estate", "淮河社区"),
    ("龙河菜市场", "landmark", "龙河社区"),
]
#: (days ago, text, address): texts written for the demo.
ORDERS = [
    (3, "在工地干了四个月，包工头拖欠工资一直不给", "锦绣花园旁工地"),
    (9, "超市收银员，被要求每天加班两小时不给加班费", "沱河苑门口超市"),
    (15, "公司没有签劳动合同，现在辞退我不给补偿", "沱河社区"),
    (22, "工厂拖欠三个月工资，老板说没钱", "沱河社区工业园"),
    (35, "快递站扣押金不退，离职半个月了", "锦绣花园"),
    (41, "上班路上摔伤，单位不给报工伤", "沱河苑"),
    (5, "物业费涨了但是小区垃圾没人清理", "桃园新村"),
    (12, "楼上漏水物业推诿不管", "桃园新村3栋"),
    (19, "小区电梯坏了一个月没人修", "桃园社区"),
    (28, "物业乱收停车费，业主不同意", "桃园新村"),
    (46, "开发商承诺的绿地变成了停车场", "桃园社区"),
    (8, "借给朋友五万元，对方不还也不接电话", "银河一路"),
    (30, "装修公司收了预付款后跑路", "银河社区"),
    (52, "给亲戚担保借款，现在银行找我还钱", "银河一路12号"),
    (11, "父亲去世没有遗嘱，兄妹为房子起纠纷", "汴河社区"),
    (60, "母亲留的自书遗嘱，哥哥说无效", "汴河商贸城"),
    (14, "电动车被汽车撞了，对方不赔", "淮河小区路口"),
    (37, "被追尾后保险公司理赔太少", "淮河社区"),
    (6, "丈夫喝酒后打人，想离婚", "龙河社区"),
    (25, "离婚后前夫不给孩子抚养费", "龙河菜市场附近"),
    (70, "菜市场有商贩缺斤少两", "龙河菜市场"),
    (80, "饭店油烟直排到居民楼", "汴河商贸城"),
    (95, "接到冒充客服的电话被骗走一万元", "银河社区"),
    (110, "高龄老人补贴怎么申请", "淮河社区"),
    (130, "网上认识的人介绍投资，钱取不出来了", ""),
]


def seed_demand() -> None:
    street = Region.objects.filter(name=STREET, level=Region.Level.STREET).first()
    if street is None:
        return
    communities = {r.name: r for r in Region.objects.filter(path__startswith=street.path, level="community")}
    for name, kind, community in GAZETTEER:
        region = communities.get(community)
        if region is not None and not GazetteerEntry.objects.filter(region=region, name=name).exists():
            services.gazetteer_add(actor=SYSTEM, name=name, kind=kind, region=region)
    seed_menu()
    if WorkOrder.objects.filter(region=street, number__startswith="DEMO-").count() >= len(ORDERS):
        return  # already there (a re-import would change nothing but add an audit entry)
    now = timezone.localtime()
    rows = [
        [f"DEMO-12345-{i:04d}", (now - dt.timedelta(days=days)).strftime("%Y-%m-%d %H:%M"), text, address]
        for i, (days, text, address) in enumerate(ORDERS, start=1)
    ]
    table = importers.Table(["工单编号", "受理时间", "诉求内容", "诉求地址"], [(i + 2, r) for i, r in enumerate(rows)])
    services.import_orders(actor=SYSTEM, region=street, table=table, mapping=importers.guess_mapping(table.header))


#: 点单 of the demo (written for the demo): (days ago, orderer kind, who, community, note, state it ends in,
#: rating). The topics are the first ones the street's published lists offer; the last order asks for a topic
#: no list covers, so the office takes it.
MENU_ORDERS = [
    (0, "resident", "", "沱河社区", "想了解一下相关法律知识，最好是晚上", "routed", None),
    (6, "community", "桃园社区居委会", "桃园社区", "社区居民议事会前希望讲一讲", "routed", None),
    (10, "school", "沱河街道中心小学", "银河社区", "给五、六年级学生上一堂法治课", "accepted", None),
    (12, "resident", "王女士", "汴河社区", "小区里老人多，希望上门讲", "declined", None),
    (20, "community", "淮河社区居委会", "淮河社区", "结合社区开放日开展", "delivered", None),
    (40, "school", "沱河中学", "沱河社区", "开学第一课", "rated", 5),
    (30, "other", "汴河商贸城管理处", "汴河社区", "商户多，希望现场咨询", "rated", 4),
]


def seed_menu() -> None:
    """Orders of the demo street in every state of the loop, placed and moved through the real services."""
    from pufa.core.models import ActivityKind, Domain
    from pufa.demand import menu, selectors
    from pufa.demand.models import MenuOrder
    from pufa.ledger.services import ActivityData

    street = Region.objects.filter(name=STREET, level=Region.Level.STREET).first()
    if street is None or MenuOrder.objects.filter(place__path__startswith=street.path).exists():
        return
    today = timezone.localdate()
    topics = list(selectors.public_menu(region_id=street.pk, year=today.year))
    if not topics:
        return
    communities = {r.name: r for r in Region.objects.filter(path__startswith=street.path, level="community")}
    covered = {t.domain_id for t in topics}
    uncovered = Domain.objects.filter(is_active=True).exclude(pk__in=covered).order_by("sort_order").first()
    for n, (days, orderer, name, community, note, state, rating) in enumerate(MENU_ORDERS):
        where = communities.get(community)
        if where is None:
            continue
        last = n == len(MENU_ORDERS) - 1 and uncovered is not None
        topic = topics[n % len(topics)]
        domain = uncovered if last else Domain.objects.get(pk=topic.domain_id)
        kind = ActivityKind.objects.get(pk=topic.forms[0][0]) if topic.forms else ActivityKind.objects.get(code="ztjz")
        assert domain is not None
        day = today - dt.timedelta(days=days)
        order, token = menu.order_place(
            data=menu.OrderData(domain=domain, kind=kind, place=where, orderer=orderer, orderer_name=name, note=note),
            today=day,
        )
        if state == "routed":
            continue
        if state == "declined":
            menu.order_decline(actor=SYSTEM, order=order, reason="本月普法骨干均已排满，已请街道法治办改派。")
            continue
        menu.order_accept(actor=SYSTEM, order=order)
        if state == "accepted":
            continue
        held = day + dt.timedelta(days=min(days, 7))
        data = ActivityData(
            unit=order.unit,
            title=f"{domain.name}{kind.name}（应{name or where.name}点单）"[:200],
            kind=kind,
            date=min(held, today),
            place=f"{where.name}党群服务中心",
            place_region=where,
            domains=[domain],
            people_onsite=40,
            description=f"应{where.name}{order.get_orderer_display()}点单开展：{note}",
        )
        menu.order_deliver(actor=SYSTEM, order=order, data=data)
        if state == "rated" and rating:
            menu.order_rate(token=token, rating=rating, comment="讲得清楚，贴近实际。")
