"""The demo assessment: the district's scoring table (written in the words of seeds 003 and 004), two items
scored from the records. This year's scheme is under way (a published spot-check draw with a finding, a
scoring run and one appeal awaiting the office); last year's is finished (self-assessments, a decided appeal,
final scores, published), so the ranking with its grade bands and the results circular can be seen."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pufa.assessment import parsing, selectors, services
from pufa.assessment.models import Appeal, Item, Scheme, Score
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
    """沱河街道 assesses its units: last year's scheme published with its results, this year's under way.
    Idempotent: a scheme that exists is left as it is."""
    unit = Unit.objects.filter(code="tuohe-tuohe").select_related("region__parent").first()
    if unit is None or unit.region.parent is None:
        return
    year = timezone.localdate().year
    street = unit.region.parent
    if not Scheme.objects.filter(name=NAME, year=year - 1, region=street).exists():
        _seed_released(street, unit, year - 1)
    if not Scheme.objects.filter(name=NAME, year=year, region=street).exists():
        _seed_current(street, unit, year)


def _seed_current(street: Any, unit: Unit, year: int) -> None:
    """This year's scheme: published, 沱河社区 notes, a draw from a published seed, a finding, a preliminary
    scoring run, and 沱河社区's appeal waiting for the office."""
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


#: Last year's self-scores of the manual items, as shares of their points, taken in turn by the assessed
#: units (in the order of the unit tree), so the ranking spreads over the grade bands.
SHARES = ("1", "0.95", "0.9", "0.85", "0.75", "0.6", "0.8", "0.5")
NOTES = {"1": "领导小组会议纪要已归档。", "2": "责任清单已公开。", "5": "工作信息、半年和年度总结已报送。"}


def _seed_released(street: Any, unit: Unit, year: int) -> None:
    """Last year's scheme, finished: every assessed unit's self-assessment submitted, a preliminary scoring
    run, 沱河社区's appeal upheld, the final scoring and the publication (公布).

    Every step goes through the services (their checks, audit entries and events); only the dates of the
    scoring run are moved back to last December, as it happened then: publication is refused until the
    appeal window has closed, and a scheme scored today would keep it open for `appeal_days` more."""
    scheme = demo_scheme(actor=SYSTEM, region=street, year=year)
    services.scheme_bands_set(
        actor=SYSTEM,
        scheme=scheme,
        bands=[
            {"name": "优秀", "quota": 20, "min": 85},
            {"name": "良好", "quota": None, "min": 70},
            {"name": "合格", "quota": None, "min": 50},
            {"name": "不合格", "quota": None, "min": None},
        ],
    )
    services.scheme_publish(actor=SYSTEM, scheme=scheme)
    manual = [i for i in scheme.items.order_by("order", "id") if i.kind == Item.Kind.MANUAL]
    for n, assessed in enumerate(selectors.assessed_units(scheme)):
        share = Decimal(SHARES[n % len(SHARES)])
        record = services.self_assessment_for(actor=SYSTEM, scheme=scheme, unit=assessed)
        for item in manual:
            points = (item.points * share).quantize(Decimal("0.5"))
            services.note_save(
                actor=SYSTEM, assessment=record, item=item, note=NOTES.get(item.number, ""), points=points
            )
        services.self_transition(actor=SYSTEM, assessment=record, name="submit")
    services.scoring_run(actor=SYSTEM, scheme=scheme)
    scheme.refresh_from_db()
    item = scheme.items.get(number="5")
    appeal = services.appeal_file(
        actor=SYSTEM, scheme=scheme, unit=unit, item=item, reason="12月工作信息已按时报送，有街道收文登记为证。"
    )
    services.appeal_decide(
        actor=SYSTEM, appeal=appeal, upheld=True, decision="经核对收文登记，报送及时，按满分核定。", points=item.points
    )
    services.scoring_run(actor=SYSTEM, scheme=Scheme.objects.get(pk=scheme.pk), final=True)

    # as it happened: scored on 10 December (appeals until the 17th, this one decided on the 15th), scored
    # finally on the 20th, published on the 28th
    def day(d: int) -> dt.datetime:
        return timezone.make_aware(dt.datetime(year, 12, d, 10))

    Scheme.objects.filter(pk=scheme.pk).update(scored_at=day(20), appeal_until=dt.date(year, 12, 17))
    Appeal.objects.filter(pk=appeal.pk).update(created_at=day(12), decided_at=day(15))
    Score.objects.filter(scheme=scheme).update(computed_at=day(20))
    services.scheme_release(actor=SYSTEM, scheme=Scheme.objects.get(pk=scheme.pk))
    Scheme.objects.filter(pk=scheme.pk).update(released_at=day(28))
