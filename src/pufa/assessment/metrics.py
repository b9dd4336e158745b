"""The assessment's metric for targets and dashboards (registered in AssessmentConfig.ready).

- `assessment.score` 考核得分: a unit's total in the latest scoring run of the schemes of the year the period
  ends in (per unit only: totals of different schemes mean nothing added up). The scoring run announces
  `RecordsChanged` with this code.
"""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from pufa.plans import metrics as registry
from pufa.plans.metrics import Metric, MetricQuery

SCORE = "assessment.score"


def latest_scores(query: MetricQuery) -> dict[int, Decimal]:
    from pufa.assessment.models import Score

    rows = (
        Score.objects.filter(unit_id__in=query.unit_ids, scheme__year=query.end.year)
        .order_by("unit_id", "scheme__scored_at")
        .values_list("unit_id", "total")
    )
    return {uid: total for uid, total in rows}  # the latest run's total wins


def records_url(unit_id: int, query: MetricQuery) -> str:
    return f"{reverse('assessment:index')}?year={query.end.year}"


def register() -> None:
    registry.register(
        Metric(
            SCORE,
            "考核得分",
            "分",
            latest_scores,
            records_url=records_url,
            cumulative=True,
            additive=False,
            reported=False,  # the work report is the 述职 the assessment reads, not a place for its result
        )
    )
