"""factory_boy factories with realistic Chinese data. They create through the services, so paths, pinyin
keys and audit entries are what the application itself would write."""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from pufa.org import services
from pufa.org.access import SYSTEM
from pufa.org.models import Membership, Region, Unit, User

TEST_PASSWORD = "Test-pass-2026!"


class RegionFactory(DjangoModelFactory[Region]):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试街道{n}")
    level = Region.Level.STREET
    parent = None

    @classmethod
    def _create(cls, model_class: type[Region], *args: object, **kwargs: object) -> Region:
        return services.region_create(
            actor=SYSTEM, name=kwargs["name"], level=kwargs["level"], parent=kwargs.get("parent")
        )


class UnitFactory(DjangoModelFactory[Unit]):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Unit.Kind.DEPARTMENT
    region = factory.SubFactory(RegionFactory)
    parent = None
    aliases: list[str] = []
    code = factory.Sequence(lambda n: f"unit-{n}")

    @classmethod
    def _create(cls, model_class: type[Unit], *args: object, **kwargs: object) -> Unit:
        return services.unit_create(
            actor=SYSTEM,
            data=services.UnitData(
                name=kwargs["name"],
                kind=kwargs["kind"],
                region=kwargs["region"],
                parent=kwargs.get("parent"),
                aliases=list(kwargs.get("aliases") or []),
                code=kwargs["code"],
            ),
        )


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Iterator(["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"])
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj: User, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            obj.save()


def member_of(unit: Unit, role: str, **user_kwargs: object) -> User:
    """A user acting for `unit` in `role` — the usual way tests get an actor."""
    user = UserFactory(**user_kwargs)
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


# ---------------------------------------------------------------- plans


def make_plan(issuing_unit: Unit, **kwargs: object):
    """A plan created through the service (audit entry included), 2026 by default."""
    import datetime as dt

    from pufa.plans import services as plan_services

    data = plan_services.PlanData(
        title=str(kwargs.pop("title", f"{issuing_unit.name}普法工作要点")),
        kind=str(kwargs.pop("kind", "annual_points")),
        issuing_unit=issuing_unit,
        period_start=kwargs.pop("period_start", dt.date(2026, 1, 1)),  # type: ignore[arg-type]
        period_end=kwargs.pop("period_end", dt.date(2026, 12, 31)),  # type: ignore[arg-type]
        parent=kwargs.pop("parent", None),  # type: ignore[arg-type]
    )
    assert not kwargs, f"unknown arguments: {kwargs}"
    return plan_services.plan_create(actor=SYSTEM, data=data)


def make_task(plan, *, units: dict[str, list[Unit]] | None = None, **kwargs: object):
    """A task created through the services, with its units by role (`{"lead": [unit], ...}`)."""
    from pufa.plans import services as plan_services

    kwargs.setdefault("title", "开展民法典宣传月活动")
    task = plan_services.task_create(actor=SYSTEM, plan=plan, data=plan_services.TaskData(**kwargs))  # type: ignore[arg-type]
    if units:
        plan_services.task_units_set(actor=SYSTEM, task=task, units=units)
    return task


# ---------------------------------------------------------------- duties (普法责任清单)


def law(name: str = "中华人民共和国民法典", **kwargs: object):
    """A catalogue law, created through the service (or found, since names are unique)."""
    from pufa.duties import services as duty_services
    from pufa.duties.models import Law

    existing = Law.objects.filter(name=name).first()
    if existing is not None:
        return existing
    return duty_services.law_create(actor=SYSTEM, data=duty_services.LawData(name=name, **kwargs))  # type: ignore[arg-type]


def duty_list(
    unit: Unit,
    *,
    year: int = 2026,
    status: str = "draft",
    content: str = "宣传《民法典》婚姻家庭编和继承编",
    activity: str = "“美好生活·民法典相伴”主题宣讲",
    kind: str = "ztjz",
    start: object = None,
    end: object = None,
    leader: str = "王副所长",
    person: str = "张明",
    phone: str = "13805571003",
    note: str = "内部：联系社区书记协调场地",
):
    """A responsibility list with one item and one announced activity, taken through the workflow to `status`
    (draft, submitted, returned, filed or published) by the trusted command line."""
    import datetime as dt

    from pufa.core.models import ActivityKind, Audience, Domain
    from pufa.duties import services as duty_services

    civil_code = law("中华人民共和国民法典", effective_on=dt.date(2021, 1, 1))
    dl = duty_services.duty_list_start(actor=SYSTEM, unit=unit, year=year)
    duty_services.duty_list_update(
        actor=SYSTEM, duty_list=dl, summary="本单位普法工作的总体安排。", laws=[civil_code], internal_note=note
    )
    residents = Audience.objects.get(code="sqjm")
    item = duty_services.duty_item_create(
        actor=SYSTEM,
        duty_list=dl,
        data=duty_services.ItemData(
            content=content,
            measures="进社区开展专题讲座，发放宣传资料",
            standards="全年不少于2次",
            time_nodes="5月民法典宣传月",
            responsible_section="综合办公室",
            responsible_leader=leader,
            responsible_person=person,
            responsible_phone=phone,
            internal_note=note,
            laws=[civil_code],
            audiences=[residents],
            domains=[Domain.objects.get(code="minfadian")],
        ),
    )
    duty_services.planned_activity_create(
        actor=SYSTEM,
        duty_list=dl,
        data=duty_services.PlannedData(
            content=activity,
            kind=ActivityKind.objects.get(code=kind),
            start=start or dt.date(year, 5, 1),
            end=end or dt.date(year, 5, 31),
            place=f"{unit.region.name}党群服务中心",
            item=item,
            internal_note=note,
            audiences=[residents],
            domains=[Domain.objects.get(code="minfadian")],
            laws=[civil_code],
        ),
    )
    if status == "draft":
        return dl
    duty_services.duty_list_submit(actor=SYSTEM, duty_list=dl)
    if status == "returned":
        return duty_services.duty_list_return(actor=SYSTEM, duty_list=dl, reason="请补充时间节点")
    if status == "submitted":
        return dl
    duty_services.duty_list_file(actor=SYSTEM, duty_list=dl)
    if status == "filed":
        return dl
    return duty_services.duty_list_publish(actor=SYSTEM, duty_list=dl)


# ---------------------------------------------------------------- ledger (工作台账)


def make_activity(unit: Unit, **kwargs: object):
    """An activity recorded through the ledger services (audit entries and participant rows included), then
    moved to `status` ("draft", "submitted" — the default —, "confirmed" or "returned")."""
    import datetime as dt

    from pufa.core.models import ActivityKind, Audience, Domain
    from pufa.ledger import services as ledger_services

    status = str(kwargs.pop("status", "submitted"))
    kind = kwargs.pop("kind", "ztjz")
    data = ledger_services.ActivityData(
        unit=unit,
        title=str(kwargs.pop("title", f"{unit.name}民法典进社区宣讲")),
        kind=ActivityKind.objects.get(code=kind) if isinstance(kind, str) else kind,  # type: ignore[arg-type]
        date=kwargs.pop("date", dt.date(2026, 3, 15)),  # type: ignore[arg-type]
        co_organisers=list(kwargs.pop("co_organisers", [])),  # type: ignore[call-overload]
        domains=[Domain.objects.get(code=c) for c in kwargs.pop("domains", ["minfadian"])],  # type: ignore[attr-defined]
        audiences=[Audience.objects.get(code=c) for c in kwargs.pop("audiences", ["sqjm"])],  # type: ignore[attr-defined]
        people_onsite=int(kwargs.pop("people_onsite", 60)),  # type: ignore[call-overload]
        people_online=int(kwargs.pop("people_online", 0)),  # type: ignore[call-overload]
        materials=int(kwargs.pop("materials", 100)),  # type: ignore[call-overload]
        tasks=list(kwargs.pop("tasks", [])),  # type: ignore[call-overload]
        place=str(kwargs.pop("place", "社区党群服务中心")),
        **kwargs,  # type: ignore[arg-type]
    )
    activity = ledger_services.activity_create(actor=SYSTEM, data=data, submit=status != "draft")
    if status == "confirmed":
        ledger_services.activity_confirm(actor=SYSTEM, activity=activity)
    elif status == "returned":
        ledger_services.activity_return(actor=SYSTEM, activity=activity, reason="请补充受众人数")
    return activity
