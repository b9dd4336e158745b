"""The surveys' metrics for targets and assessment (registered in SurveysConfig.ready into pufa.plans.metrics).

- `surveys.responses` 问卷答卷数: responses submitted in the period to the surveys a unit runs — the effect
  evaluation a unit did (e.g. "每个社区每年开展1次以上普法效果问卷调查、回收30份以上");
- `surveys.literacy` 法治素养指数: the mean 法治素养 score (0–100) of the responses placed in the unit's region
  (the community the resident chose, else the survey's area) in the period; a mean, so never summed.

Both are read from the same rows as the results pages (`selectors.place_of` is the placing rule).
"""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.db.models import Count, QuerySet, Sum
from django.urls import reverse

from pufa.org.models import Region, Unit
from pufa.plans import metrics as registry
from pufa.plans.metrics import Metric, MetricQuery
from pufa.surveys.models import Response
from pufa.surveys.selectors import window
from pufa.surveys.services import LITERACY, RESPONSES


def _responses(query: MetricQuery) -> QuerySet[Response]:
    first, last = window(query.start, query.end)
    return Response.objects.filter(submitted_at__range=(first, last), survey__deleted_at__isnull=True)


def responses(query: MetricQuery) -> dict[int, Decimal]:
    rows = (
        _responses(query)
        .filter(survey__unit_id__in=query.unit_ids)
        .values("survey__unit_id")
        .annotate(n=Count("id"))
        .values_list("survey__unit_id", "n")
    )
    return {unit_id: Decimal(n) for unit_id, n in rows}


def literacy(query: MetricQuery) -> dict[int, Decimal]:
    """Sums and counts grouped by place (two grouped queries), rolled up to each unit's region by path."""
    scored = _responses(query).filter(score__isnull=False)
    totals: dict[int, list[Decimal]] = {}
    for place, total, n in (
        scored.filter(community__isnull=False).values("community_id").annotate(t=Sum("score"), n=Count("id"))
    ).values_list("community_id", "t", "n"):
        row = totals.setdefault(place, [Decimal(0), Decimal(0)])
        row[0] += total
        row[1] += n
    for place, total, n in (
        scored.filter(community__isnull=True).values("survey__region_id").annotate(t=Sum("score"), n=Count("id"))
    ).values_list("survey__region_id", "t", "n"):
        row = totals.setdefault(place, [Decimal(0), Decimal(0)])
        row[0] += total
        row[1] += n
    paths = dict(Region.all_objects.filter(pk__in=totals).values_list("pk", "path"))
    result: dict[int, Decimal] = {}
    for unit_id, unit_path in Unit.all_objects.filter(pk__in=query.unit_ids).values_list("pk", "region__path"):
        s = sum((t for r, (t, _) in totals.items() if paths.get(r, "").startswith(unit_path)), Decimal(0))
        n = sum((c for r, (_, c) in totals.items() if paths.get(r, "").startswith(unit_path)), Decimal(0))
        if n:
            result[unit_id] = (s / n).quantize(Decimal("0.1"))
    return result


def records_url(unit_id: int, query: MetricQuery) -> str:
    return f"{reverse('surveys:survey-list')}?{urlencode([('unit', unit_id)])}"


def register() -> None:
    registry.register(Metric(RESPONSES, "问卷答卷数", "份", responses, records_url=records_url))
    registry.register(Metric(LITERACY, "法治素养指数", "分", literacy, records_url=records_url, additive=False))
