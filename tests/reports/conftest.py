"""Reports tests run on a fixed 'today' (mid-July 2026: the half-year is over, the year is running), with a
street plan whose tasks and targets reach the test communities, and a handful of recorded activities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine

from pufa.plans.models import Target, Task
from pufa.progress import services as progress_services
from tests.factories import make_activity, make_plan, make_task

TODAY = dt.date(2026, 7, 10)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class Ledger:
    """What the tests count against: tasks with targets and the activities recorded for them."""

    lectures: Task
    lecture_target: Target
    culture: Task
    activities: list


@pytest.fixture
def ledger(world) -> Ledger:
    plan = make_plan(world.office_unit, title="沱河街道2026年普法工作要点")
    lectures = make_task(
        plan,
        title="每季度开展一堂法治课",
        section="二、（一）1",
        units={"responsible": [world.committee_a, world.committee_b]},
    )
    lecture_target = Target.objects.create(
        task=lectures,
        metric="ledger.activity_count",
        filters={"kind": ["ztjz"]},
        period=Target.Period.QUARTER,
        threshold=1,
        measure="堂",
        text="每季度法治课不少于1堂",
    )
    culture = make_task(
        plan,
        title="组织开展法治文化活动",
        section="二、（二）",
        units={"responsible": [world.committee_a, world.committee_b]},
    )
    Target.objects.create(
        task=culture,
        metric="ledger.activity_count",
        filters={"kind": ["whhd"]},
        period=Target.Period.YEAR,
        threshold=2,
        measure="场",
        text="全年法治文化活动不少于2场",
    )
    a, b = world.committee_a, world.committee_b
    activities = [
        make_activity(
            a,
            title="民法典进社区宣讲",
            kind="ztjz",
            date=dt.date(2026, 2, 10),
            people_onsite=80,
            people_online=20,
            materials=150,
            tasks=[lectures],
            is_highlight=True,
            description="邀请律师讲解民法典婚姻家庭编，现场解答居民咨询。",
        ),
        make_activity(
            a,
            title="宪法宣传周集中宣传",
            kind="jzxc",
            date=dt.date(2026, 4, 2),
            people_onsite=200,
            materials=500,
            domains=["xianfa"],
            audiences=["sqjm", "qsn"],
        ),
        make_activity(
            a,
            title="安全生产法培训班",
            kind="px",
            date=dt.date(2026, 5, 12),
            people_onsite=45,
            domains=["aqsc-yj"],
            audiences=["qy"],
        ),
        make_activity(
            b,
            title="联合以案释法",
            kind="yasf",
            date=dt.date(2026, 6, 5),
            people_onsite=30,
            people_online=120,
            materials=40,
            co_organisers=[a],
            is_highlight=True,
        ),
        make_activity(
            a, title="法治文艺演出", kind="whhd", date=dt.date(2026, 8, 1), people_onsite=300, status="draft"
        ),
        make_activity(
            a, title="学法考试", kind="xfks", date=dt.date(2026, 6, 28), people_online=60, status="confirmed"
        ),
        make_activity(
            a, title="被退回的记录", kind="jzxc", date=dt.date(2026, 3, 1), people_onsite=999, status="returned"
        ),
        make_activity(
            a, title="下半年的宣讲", kind="ztjz", date=dt.date(2026, 7, 3), people_onsite=50, tasks=[lectures]
        ),
    ]
    progress_services.refresh(today=TODAY)
    return Ledger(lectures, lecture_target, culture, activities)
