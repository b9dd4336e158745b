"""The case library's metric for targets (registered in CasesConfig.ready into pufa.plans.metrics).

- `cases.published` 发布典型案例: cases of a unit published in the period (by the date of publication) and
  still published (a withdrawn case no longer counts). Seed 003: 「典型案例每个街镇司法所年内各完成1篇」 is
  this metric per year ≥ 1. Filters: `case_type` (民事 …) and `domain` (Domain codes).

Publishing and withdrawing announce `RecordsChanged` with this code (see `services._announce`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse

from pufa.core.models import Domain
from pufa.plans import metrics as registry
from pufa.plans.metrics import Metric, MetricFilter, MetricQuery

PUBLISHED = "cases.published"
CHUNK = 2000


def _as_list(value: Any) -> list[Any]:
    if value in (None, "", []):
        return []
    return list(value) if isinstance(value, list | tuple | set) else [value]


def _type_choices() -> list[tuple[str, str]]:
    from pufa.cases.models import Case

    return list(Case.Type.choices)


def _domain_choices() -> list[tuple[str, str]]:
    return list(Domain.objects.filter(is_active=True).values_list("code", "name"))


FILTERS = (
    MetricFilter("case_type", "案件类型", _type_choices),
    MetricFilter("domain", "普法领域", _domain_choices),
)


def published_cases(query: MetricQuery, unit_ids: list[int] | tuple[int, ...]) -> Any:
    """THE rule of what counts: published, not deleted, published within the period, of these units."""
    from pufa.cases.models import Case

    rows = Case.objects.filter(status=Case.Status.PUBLISHED, unit_id__in=unit_ids, published_at__isnull=False)
    if query.start is not None:
        rows = rows.filter(published_at__date__gte=query.start)
    rows = rows.filter(published_at__date__lte=query.end)
    types = _as_list(query.filters.get("case_type"))
    if types:
        rows = rows.filter(case_type__in=types)
    domains = _as_list(query.filters.get("domain"))
    if domains:
        rows = rows.filter(domains__code__in=domains).distinct()
    return rows


def published_count(query: MetricQuery) -> dict[int, Decimal]:
    result: dict[int, Decimal] = {}
    ids = list(query.unit_ids)
    for i in range(0, len(ids), CHUNK):
        rows = published_cases(query, ids[i : i + CHUNK]).values("unit_id").annotate(n=Count("id", distinct=True))
        result.update({row["unit_id"]: Decimal(row["n"]) for row in rows})
    return result


def records_url(unit_id: int, query: MetricQuery) -> str:
    """The case list filtered to exactly the cases behind a figure."""
    params: list[tuple[str, Any]] = [
        ("unit", unit_id),
        ("status", "published"),
        ("published_to", query.end.isoformat()),
    ]
    if query.start is not None:
        params.append(("published_from", query.start.isoformat()))
    params.extend(("case_type", code) for code in _as_list(query.filters.get("case_type")))
    params.extend(("domain", code) for code in _as_list(query.filters.get("domain")))
    return f"{reverse('cases:case-list')}?{urlencode(params)}"


def register() -> None:
    registry.register(
        Metric(PUBLISHED, "发布典型案例", "篇", published_count, filters=FILTERS, records_url=records_url)
    )
