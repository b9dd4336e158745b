"""The demo assessment: the district's scoring table (written in the words of seeds 003 and 004), two items
scored from the records, a published spot-check draw with a finding, a scoring run and one appeal."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pufa.assessment import parsing, services
from pufa.assessment.models import Item, Scheme
from pufa.org.access import SYSTEM
from pufa.org.models import Unit, User

NAME = "普法依法治理工作考核"
TABLE = [
    "项目\t内容措施\t分值\t备注",
    "组织保障有力（10分）\t1.成立普法依法治理领导小组，年内专题研究普法工作\t4\t见文件",
    "组织保障有力（10分）\t2.制定普法责任清单并按时公开\t6\t见清单",
    "普法宣传扎实（20分）\t3.围绕重要节点开展主题宣传活动不少于4场\t10\t见记录",
    "普法宣传扎实（20分）\t4.每个村（社区）法律明白人不少于6名\t10\t见花名册",
    "工作信息报送（10分）\t5.按时报送工作信息、半年和年度总结\t10\t见记录",
]


def demo_scheme(*, actor: Any, region: Any, year: int) -> Scheme:
    existing = Scheme.objects.filter(name=NAME, year=year, region=region).first()
    if existing is not None:
        return existing
    parsed = parsing.parse_lines(TABLE).as_dict()
    scheme = services.scheme_import(
        actor=actor, region=region, name=NAME, year=year, parsed=parsed, source="考核评分表（演示）"
    )
    services.item_configure(
        actor=actor,
        item=scheme.items.get(number="3"),
        kind=Item.Kind.AUTOMATIC,
        metric="ledger.activity_count",
        rule="linear",
        params={"low": 0, "high": 4},
    )
    services.item_configure(
        actor=actor,
        item=scheme.items.get(number="4"),
        kind=Item.Kind.AUTOMATIC,
        metric="people.roster_count",
        filters={"kind": "flmbr"},
        rule="steps",
        params={"steps": [[3, "0.5"], [6, 1]]},
    )
    return scheme


def seed_assessment() -> None:
    """沱河街道 assesses its units: published, 沱河社区 notes, a draw from a published seed, a finding, scores,
    an appeal. Idempotent: a scheme that exists is left as it is."""
    unit = Unit.objects.filter(code="tuohe-tuohe").select_related("region__parent").first()
    if unit is None or unit.region.parent is None:
        return
    year = timezone.localdate().year
    street = unit.region.parent
    if Scheme.objects.filter(name=NAME, year=year, region=street).exists():
        return
    scheme = demo_scheme(actor=SYSTEM, region=street, year=year)
    services.scheme_publish(actor=SYSTEM, scheme=scheme)
    record = services.self_assessment_for(actor=SYSTEM, scheme=scheme, unit=unit)
    for number, note, points in (
        ("1", "街道党工委会议纪要已上传。", "4"),
        ("2", "清单已于3月公开。", "6"),
        ("5", "按时报送。", "8"),
    ):
        services.note_save(
            actor=SYSTEM, assessment=record, item=scheme.items.get(number=number), note=note, points=points
        )
    draw = services.draw_create(actor=SYSTEM, scheme=scheme, seed=f"{year}年考核抽查公开种子 20261201", share="0.5")
    assigned = draw.result["assignments"].get(unit.code, [])
    inspector = User.objects.filter(username__in=assigned).first()
    if inspector is not None:
        with contextlib.suppress(ValidationError, PermissionDenied):
            services.finding_record(
                actor=inspector,
                draw=draw,
                unit=unit,
                item=scheme.items.get(number="5"),
                points="6",
                note="年度总结晚报一周。",
            )
    services.scoring_run(actor=SYSTEM, scheme=scheme)
    scheme.refresh_from_db()
    with contextlib.suppress(ValidationError):
        services.appeal_file(
            actor=SYSTEM,
            scheme=scheme,
            unit=unit,
            item=scheme.items.get(number="5"),
            reason="年度总结因系统维护顺延报送，有街道通知为证。",
        )
