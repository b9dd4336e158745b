"""Random small districts for the consistency harness: joint activities, ended plans, deleted and returned
records — everything that made the same figure differ between screens.

Everything is written through the services (the events keep progress and the rollups in step, as in use),
and `progress.services.refresh()` is called once at the end, explicitly, as the daily pass would.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from pufa.core.models import ActivityKind, Domain
from pufa.ledger import services as ledger
from pufa.ledger.models import Activity
from pufa.org.access import SYSTEM
from pufa.org.models import Membership, Region, Unit, User
from pufa.plans.models import Target, Task
from pufa.progress import services as progress
from tests.factories import RegionFactory, UnitFactory, make_plan, make_task, member_of

TODAY = dt.date(2026, 9, 15)
KINDS = ("jzxc", "ztjz", "yasf", "px")


@dataclass
class District:
    street: Region
    office: Unit
    units: list[Unit]  # the street's units, office included
    outsider: Unit  # a unit of another street (joint activities across the boundary)
    office_user: User
    liaisons: dict[int, User] = field(default_factory=dict)  # unit id → liaison


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def make_district(seed: int) -> District:
    rng = random.Random(seed)
    tag = f"s{seed}"
    district = RegionFactory.create(name=f"随机{seed}区", level=Region.Level.DISTRICT)
    street = RegionFactory.create(name=f"随机{seed}街道", level=Region.Level.STREET, parent=district)
    other_street = RegionFactory.create(name=f"随机{seed}另一街道", level=Region.Level.STREET, parent=district)
    office = UnitFactory.create(name=f"{street.name}法治办", kind=Unit.Kind.OFFICE, region=street, code=f"{tag}-fzb")
    units = [office]
    for i in range(rng.randint(1, 2)):
        units.append(UnitFactory.create(name=f"{street.name}部门{i}", kind=Unit.Kind.DEPARTMENT, region=street))
    for i in range(rng.randint(2, 3)):
        community = RegionFactory.create(name=f"随机{seed}社区{i}", level=Region.Level.COMMUNITY, parent=street)
        units.append(
            UnitFactory.create(name=f"{community.name}居委会", kind=Unit.Kind.COMMUNITY_COMMITTEE, region=community)
        )
    outsider = UnitFactory.create(
        name=f"{other_street.name}司法所", kind=Unit.Kind.JUDICIAL_OFFICE, region=other_street
    )
    office_user = member_of(office, Membership.Role.OFFICE, username=f"{tag}_office")
    liaisons = {u.pk: member_of(u, Membership.Role.LIAISON, username=f"{tag}_l{u.pk}") for u in units[1:]}
    workers = units[1:]

    # Plans: one that ended (its tasks are history), one of this year, one running across years.
    periods = [
        (dt.date(2024, 1, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        (dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
    ]
    tasks: list[Task] = []
    for n, (start, end) in enumerate(periods):
        plan = make_plan(office, title=f"{street.name}规划{n}", period_start=start, period_end=end)
        for t in range(rng.randint(2, 3)):
            kind = rng.choice(["all_year", "recurring", "date"])
            extra: dict[str, object] = {"deadline_kind": kind}
            if kind == "recurring":
                extra["recurrence"] = rng.choice(["quarterly", "half_yearly"])
            if kind == "date":
                extra["deadline"] = _date(rng, start, end)
            chosen = rng.sample(workers, rng.randint(1, min(3, len(workers))))
            if rng.random() < 0.3:
                chosen.append(office)  # the office's own task
            task = make_task(plan, title=f"规划{n}任务{t}", units={"responsible": chosen}, **extra)
            if rng.random() < 0.5:
                Target.objects.create(
                    task=task,
                    metric="ledger.activity_count",
                    period=rng.choice(["quarter", "year"]),
                    threshold=rng.randint(1, 3),
                    filters={"kind": [rng.choice(KINDS)]} if rng.random() < 0.4 else {},
                )
            tasks.append(task)

    kinds = {k.code: k for k in ActivityKind.objects.filter(code__in=KINDS)}
    domain = Domain.objects.order_by("pk").first()
    for i in range(rng.randint(25, 35)):
        organiser = rng.choice([*units, outsider] if rng.random() < 0.15 else units)
        others = [u for u in [*units, outsider] if u != organiser]
        co = rng.sample(others, rng.choice([0, 0, 1, 2]))
        linked = [t for t in tasks if rng.random() < 0.12]
        data = ledger.ActivityData(
            unit=organiser,
            title=f"随机活动{i}",
            kind=kinds[rng.choice(KINDS)],
            date=_date(rng, dt.date(2025, 6, 1), TODAY),
            co_organisers=co,
            domains=[domain] if domain else [],
            people_onsite=rng.randint(0, 200),
            people_online=rng.randint(0, 50),
            materials=rng.randint(0, 100),
            tasks=linked,
            place="社区活动室",
        )
        roll = rng.random()
        activity = ledger.activity_create(actor=SYSTEM, data=data, submit=roll > 0.15)
        if activity.status == Activity.Status.SUBMITTED:
            fate = rng.random()
            if fate < 0.15:
                ledger.activity_return(actor=SYSTEM, activity=activity, reason="人数与签到表不符")
            elif fate < 0.25:
                ledger.activity_delete(actor=SYSTEM, activity=activity, reason="重复登记")
            elif fate < 0.55:
                ledger.activity_confirm(actor=SYSTEM, activity=activity)
    progress.refresh(today=TODAY)
    return District(street, office, units, outsider, office_user, liaisons)
