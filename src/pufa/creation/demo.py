"""The seed-001 scheme (社区2023年法治社区创建工作方案): 法制教育“六个一”, 每季度一堂法制课, 每月一期宣传栏.

Computed where pufa holds the records — the school, column and law counter are venues (`venues.count`), the
quarterly class is a ledger activity of kind 专题讲座/法治课 (`ledger.activity_count`), the monthly column is a
board updated within a month (`venues.board_stale_months` ≤ 1); the rest the community attests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from pufa.creation import services
from pufa.creation.models import Application, Criterion, Level, Scheme
from pufa.org.access import SYSTEM
from pufa.org.models import Region, Unit

NAME = "民主法治示范社区创建标准（法制教育“六个一”）"
C, A = Criterion.Kind.COMPUTED, Criterion.Kind.ATTESTED
P = Criterion.Period
CRITERIA: list[dict[str, Any]] = [
    {"title": "有一支法律服务志愿者队伍", "kind": A},
    {"title": "有一所法制学校（市民法制学校）", "kind": C, "metric": "venues.count", "filters": {"kind": "school"}},
    {"title": "有一份法制专刊", "kind": A},
    {"title": "有一支法制宣传队", "kind": A},
    {"title": "有一个法制专栏（宣传栏）", "kind": C, "metric": "venues.count", "filters": {"kind": "board"}},
    {"title": "有一个法律专柜（图书角）", "kind": C, "metric": "venues.count", "filters": {"kind": "library"}},
    {
        "title": "每季度一堂法制课",
        "kind": C,
        "metric": "ledger.activity_count",
        "filters": {"kind": "ztjz"},
        "period": P.QUARTER,
    },
    {
        "title": "宣传栏每月一期（最长未更新不超过1个月）",
        "kind": C,
        "metric": "venues.board_stale_months",
        "compare": Criterion.Compare.AT_MOST,
        "threshold": Decimal(1),
    },
]


def seed001_scheme(*, actor: Any, region: Region, year: int) -> Scheme:
    """The scheme for `region` and `year`, created once (idempotent)."""
    existing = Scheme.objects.filter(name=NAME, year=year, region=region).first()
    if existing is not None:
        return existing
    scheme = services.scheme_create(actor=actor, name=NAME, level=Level.DISTRICT, year=year, region=region)
    for spec in CRITERIA:
        services.criterion_add(actor=actor, scheme=scheme, **spec)
    return scheme


NOTES = {
    "有一支法律服务志愿者队伍": "由退休法官、律师等12人组成，预约服务。",
    "有一份法制专刊": "征订《法治日报》《人民调解》，放在法律图书角。",
    "有一支法制宣传队": "社区法制宣传队8人，自编节目每季度演出。",
}


def seed_creation() -> None:
    """The demo: 沱河街道 issues the seed-001 scheme for this year; 沱河社区 attests and applies (it stays a draft
    if a computed criterion is not met yet on the day the demo is built, e.g. no class this quarter)."""
    today: dt.date = timezone.localdate()
    unit = Unit.objects.filter(code="tuohe-tuohe").select_related("region__parent").first()
    if unit is None or unit.region.parent is None:
        return
    scheme = seed001_scheme(actor=SYSTEM, region=unit.region.parent, year=today.year)
    if Application.objects.filter(scheme=scheme, unit=unit).exists():
        return
    for criterion in scheme.criteria.filter(kind=Criterion.Kind.ATTESTED):
        services.attest(actor=SYSTEM, criterion=criterion, unit=unit, note=NOTES.get(criterion.title, "已具备。"))
    application = services.application_create(actor=SYSTEM, scheme=scheme, unit=unit)
    with contextlib.suppress(ValidationError):
        services.application_transition(actor=SYSTEM, application=application, name="submit")
