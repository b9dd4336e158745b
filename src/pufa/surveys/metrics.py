"""The surveys' metrics for targets and assessment (registered in SurveysConfig.ready into pufa.plans.metrics).

- `surveys.responses` 问卷答卷数: responses submitted in the period to the surveys a unit runs — the effect
  evaluation a unit did (e.g. "每个社区每年开展1次以上普法效果问卷调查、回收30份以上");
- `surveys.literacy` 法治素养指数: the mean 法治素养 score (0–100) of the responses placed in the unit's region
  (the community the resident chose, else the survey's area) in the period; a mean, so never summed.

Both are read from the daily tally (`models.DayTally`, counted on the local day each response was submitted),
the pending responses folded in first (`tally.fold`): a target recomputed inside a response's transaction
(the progress listener of `RecordsChanged`) counts that response. `selectors.place_of` is the placing rule,
as on the index page.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_EVEN, Decimal
from urllib.parse import urlencode

from django.db.models import QuerySet, Sum
from django.urls import reverse

from pufa.org.models import Region, Unit
from pufa.plans import metrics as registry
from pufa.plans.metrics import Metric, MetricQuery
from pufa.surveys import tally
from pufa.surveys.models import DayTally, Tally
from pufa.surveys.services import LITERACY, RESPONSES


def _days(query: MetricQuery) -> QuerySet[DayTally]:
    tally.fold()  # the pending responses first; inside a response's transaction, that one too
    start = query.start or dt.date(2000, 1, 1)
    return DayTally.objects.filter(day__range=(start, query.end), survey__deleted_at__isnull=True)


def responses(query: MetricQuery) -> dict[int, Decimal]:
    rows = (
        _days(query)
        .filter(survey__unit_id__in=query.unit_ids)
        .values("survey__unit_id")
        .annotate(n=Sum("n"))
        .values_list("survey__unit_id", "n")
    )
    return {unit_id: Decimal(n) for unit_id, n in rows if n}


def literacy(query: MetricQuery) -> dict[int, Decimal]:
    """Sums and counts grouped by place (one grouped query of the daily tally), rolled up to each unit's
    region by path."""
    totals: dict[int, list[int]] = {}
    for community, region, total, n in (
        _days(query)
        .filter(scored__gt=0)
        .values("community", "survey__region_id")
        .annotate(t=Sum("total"), n=Sum("scored"))
        .values_list("community", "survey__region_id", "t", "n")
    ):
        row = totals.setdefault(region if community == Tally.NONE else community, [0, 0])
        row[0] += int(total)
        row[1] += int(n)
    paths = dict(Region.all_objects.filter(pk__in=totals).values_list("pk", "path"))
    result: dict[int, Decimal] = {}
    for unit_id, unit_path in Unit.all_objects.filter(pk__in=query.unit_ids).values_list("pk", "region__path"):
        s = sum(t for r, (t, _) in totals.items() if paths.get(r, "").startswith(unit_path))
        n = sum(c for r, (_, c) in totals.items() if paths.get(r, "").startswith(unit_path))
        if n:
            result[unit_id] = (Decimal(s) / 100 / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    return result


def records_url(unit_id: int, query: MetricQuery) -> str:
    return f"{reverse('surveys:survey-list')}?{urlencode([('unit', unit_id)])}"


def register() -> None:
    registry.register(Metric(RESPONSES, "问卷答卷数", "份", responses, records_url=records_url))
    registry.register(Metric(LITERACY, "法治素养指数", "分", literacy, records_url=records_url, additive=False))
