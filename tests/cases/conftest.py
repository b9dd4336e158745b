from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pufa.cases import services
from pufa.cases.models import Case
from pufa.org.access import SYSTEM
from pufa.org.models import Unit


def make_case(unit: Unit, *, actor: Any = SYSTEM, status: str = "draft", **kwargs: Any) -> Case:
    """A case written through the services, then moved to `status` (draft, submitted, reviewed, published)."""
    data = services.CaseData(
        unit=unit,
        title=kwargs.pop("title", "冒充客服退款的电信网络诈骗案"),
        case_type=kwargs.pop("case_type", Case.Type.CRIMINAL),
        facts=kwargs.pop(
            "facts",
            "2025年3月，被害人李秀英接到自称电商客服的电话，对方称其购买的商品有质量问题可以退款，"
            "诱导李秀英下载屏幕共享软件，骗走存款四万余元。被告人张伟负责提供银行卡。",
        ),
        outcome=kwargs.pop("outcome", "被告人张伟犯帮助信息网络犯罪活动罪，判处有期徒刑一年。"),
        reasoning=kwargs.pop("reasoning", "凡是要求共享屏幕、提供验证码的“客服”都是诈骗。"),
        decided_on=kwargs.pop("decided_on", dt.date(2025, 9, 1)),
        tags=kwargs.pop("tags", "电信诈骗"),
        parties=kwargs.pop("parties", [("张伟", "被告人"), ("李秀英", "被害人")]),
        **kwargs,
    )
    case = services.case_create(actor=actor, data=data)
    if status in ("submitted", "reviewed", "published"):
        services.case_submit(actor=actor, case=case)
    if status in ("reviewed", "published"):
        services.case_review(actor=SYSTEM, case=case)
    if status == "published":
        from pufa.cases.models import Finding

        for finding in Finding.objects.filter(case=case, status=Finding.Status.OPEN):
            services.finding_decide(actor=SYSTEM, finding=finding, accept=True)
        case.refresh_from_db()
        services.case_publish(actor=SYSTEM, case=case)
    case.refresh_from_db()
    return case


@pytest.fixture
def case_factory():
    return make_case
