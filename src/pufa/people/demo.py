"""The demo rosters: 法律明白人 in 沱河街道's communities (some below six, so the seed-000 targets show lagging),
a retirement with its reason, a 学法用法示范户, a volunteer and a legal adviser; and the seed-000 plan's roster
targets pointed at the rosters' metrics (an imported target counts activities until an office corrects it)."""

from __future__ import annotations

import datetime as dt

from pufa.org.access import SYSTEM
from pufa.org.models import Region, Unit
from pufa.people import metrics, services
from pufa.people.models import Person, TeamKind
from pufa.plans import services as plan_services
from pufa.plans.models import Target

# community code → (法律明白人 since 2022, since 2024): 沱河 and 银河 reach six, the others lag.
ROSTERS = {"tuohe": (5, 2), "taoyuan": (4, 1), "yinhe": (4, 2), "bianhe": (3, 1), "huaihe": (4, 0), "longhe": (2, 1)}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["秀英", "建国", "桂兰", "志强", "玉梅", "海涛", "红霞", "德明", "丽娟", "国庆", "淑珍", "永刚"]


def _name(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i * 7) % len(GIVEN)]


def _kind(code: str) -> TeamKind:
    return TeamKind.objects.get(code=code)


def seed_people() -> None:
    _point_seed_targets()
    if not Person.objects.exists():
        _seed_rosters()
    _seed_spot_check()


def _seed_rosters() -> None:
    n = 0
    first_of: dict[str, Person] = {}
    for code, (early, late) in ROSTERS.items():
        unit = Unit.objects.select_related("region").get(code=f"tuohe-{code}")
        for i in range(early + late):
            n += 1
            start = dt.date(2022, 3, 1) if i < early else dt.date(2024, 4, 1)
            person = services.person_create(
                actor=SYSTEM,
                data=services.PersonData(
                    name=_name(n),
                    region=unit.region,
                    unit=unit,
                    gender="f" if n % 2 else "m",
                    birth_year=1955 + (n * 3) % 40,
                    phone=f"139055{n:05d}",
                    occupation=["社区网格员", "退休教师", "个体经营户", "村民小组长"][n % 4],
                ),
                teams=[services.JoinData(kind=_kind("flmbr"), start=start)],
            )
            first_of.setdefault(code, person)
    # 动态调整: one 法律明白人 of 淮河社区 moved away and was retired with the reason kept.
    leaver = first_of["huaihe"]
    services.membership_end(
        actor=SYSTEM, membership=leaver.memberships.get(), end=dt.date(2025, 4, 30), reason="已离开原居住地"
    )
    leaver.moved_away = True
    leaver.save(update_fields=["moved_away"])
    tuohe = Unit.objects.select_related("region").get(code="tuohe-tuohe")
    services.household_create(
        actor=SYSTEM, head=first_of["tuohe"], kind=_kind("xfyfsfh"), start=dt.date(2024, 6, 1), address="沱河社区3栋"
    )
    services.membership_add(
        actor=SYSTEM,
        person=first_of["yinhe"],
        join=services.JoinData(kind=_kind("pfzyz"), start=dt.date(2024, 3, 5), team_name="阳光法援普法志愿服务队"),
    )
    lawyer = services.person_create(
        actor=SYSTEM,
        data=services.PersonData(
            name="韩律师", region=tuohe.region, unit=tuohe, phone="13905570999", occupation="律师事务所律师"
        ),
    )
    street = Region.objects.filter(level=Region.Level.COMMUNITY, parent__name="沱河街道")
    services.membership_add(
        actor=SYSTEM,
        person=lawyer,
        join=services.JoinData(
            kind=_kind("sqflgw"), start=dt.date(2023, 1, 1), serves_regions=list(street.filter(name__in=["沱河社区"]))
        ),
    )


def _seed_spot_check() -> None:
    """One 电话抽查 done (seed 003): six of 沱河街道's people drawn with a fixed seed, four called — one unreachable,
    so that person shows on the adjustment page."""
    from pufa.people.models import SpotCheck

    if SpotCheck.objects.exists():
        return
    street = Region.objects.filter(level=Region.Level.STREET, name="沱河街道").first()
    office = Unit.objects.filter(code="tuohe-fzb").first()
    if street is None or office is None or not Person.objects.exists():
        return
    check = services.spot_check_create(
        actor=SYSTEM, region=street, unit=office, title="法律明白人电话抽查", count=6, seed=20260415
    )
    outcomes = ["ok", "trained", "unreachable", "ok"]
    for item, outcome in zip(check.items.order_by("position"), outcomes, strict=False):
        services.spot_item_record(actor=SYSTEM, item=item, outcome=outcome)


def _point_seed_targets() -> None:
    """Seed 000's "2022年底各社区…不少于4个、2025年底不少于6个" and "至少有一户" count the rosters of each community
    committee, not activities (the importer reads "各社区" only in the clause it stands in)."""
    targets = Target.objects.filter(
        task__plan__issuing_unit__code="tuohe-fzb", task__text__contains="法律明白人"
    ).select_related("task", "scope_unit")
    for target in targets:
        if target.metric.startswith("people."):
            continue
        households = "户" in (target.measure or target.text)
        plan_services.target_update(
            actor=SYSTEM,
            target=target,
            data=plan_services.TargetData(
                metric=metrics.HOUSEHOLDS if households else metrics.ROSTER,
                threshold=target.threshold,
                period=target.period,
                filters={} if households else {"kind": ["flmbr"]},
                scope=Target.Scope.EACH_OF_KIND,
                scope_kind=Unit.Kind.COMMUNITY_COMMITTEE,
                measure="户" if households else "人",
                due=target.due,
                text=target.text,
            ),
        )
