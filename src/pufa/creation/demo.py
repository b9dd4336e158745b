"""The seed-001 scheme (社区2023年法治社区创建工作方案): 法制教育“六个一”, 每季度一堂法制课, 每月一期宣传栏.

Computed where pufa holds the records — the school, column and law counter are venues (`venues.count`), the
quarterly class is a ledger activity of kind 专题讲座/法治课 (`ledger.activity_count`), the monthly column is a
board updated within a month (`venues.board_stale_months` ≤ 1); the rest the community attests.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pufa.creation import services
from pufa.creation.models import Criterion, Level, Scheme
from pufa.org.models import Region

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
