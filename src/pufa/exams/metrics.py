"""The exams' metrics for targets (registered in ExamsConfig.ready into pufa.plans.metrics).

- `exams.participation` 学法考试参考率 (%): of the people required to sit the exams ending in the period, the
  share who handed in a paper — per unit they sit for;
- `exams.pass_rate` 学法考试通过率 (%): the share of them who passed ("全员通过" is 100).

Both are read from the same required list and attempts as the 应考尽考 page (`selectors.exam_standing`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from pufa.exams.models import Attempt, Exam
from pufa.exams.selectors import required_examinees
from pufa.exams.services import PARTICIPATION, PASS_RATE
from pufa.plans import metrics as registry
from pufa.plans.metrics import Metric, MetricQuery


def _window(query: MetricQuery) -> tuple[dt.datetime, dt.datetime]:
    start = query.start or dt.date(2000, 1, 1)
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(query.end, dt.time.max, tzinfo=tz),
    )


def _counts(query: MetricQuery) -> dict[int, tuple[int, int, int]]:
    """unit id → (required, sat, passed), summed over the exams whose window ends in the period."""
    wanted = set(query.unit_ids)
    first, last = _window(query)
    exams = Exam.objects.filter(status__in=[Exam.Status.PUBLISHED, Exam.Status.CLOSED], ends_at__range=(first, last))
    totals: dict[int, list[int]] = {}
    for exam in exams:
        sat: set[int] = set()
        passed: set[int] = set()
        for user_id, ok in Attempt.objects.filter(exam=exam, status=Attempt.Status.SUBMITTED).values_list(
            "user_id", "passed"
        ):
            sat.add(user_id)
            if ok:
                passed.add(user_id)
        for examinee in required_examinees(exam):
            if examinee.unit_id not in wanted:
                continue
            row = totals.setdefault(examinee.unit_id, [0, 0, 0])
            row[0] += 1
            uid = examinee.user.pk if examinee.user is not None else None  # no account: required, not sat
            row[1] += uid in sat
            row[2] += uid in passed
    return {unit_id: (r[0], r[1], r[2]) for unit_id, r in totals.items()}


def _rate(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1")) if whole else Decimal(0)


def participation(query: MetricQuery) -> dict[int, Decimal]:
    return {u: _rate(sat, req) for u, (req, sat, _) in _counts(query).items()}


def pass_rate(query: MetricQuery) -> dict[int, Decimal]:
    return {u: _rate(ok, req) for u, (req, _, ok) in _counts(query).items()}


def records_url(unit_id: int, query: MetricQuery) -> str:
    params = [("unit", unit_id), ("end", query.end.isoformat())]
    if query.start is not None:
        params.append(("start", query.start.isoformat()))
    return f"{reverse('exams:index')}?{urlencode(params)}"


def register() -> None:
    registry.register(Metric(PARTICIPATION, "学法考试参考率", "%", participation, records_url=records_url))
    registry.register(Metric(PASS_RATE, "学法考试通过率", "%", pass_rate, records_url=records_url))
