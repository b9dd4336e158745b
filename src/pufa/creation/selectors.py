"""Reads of the creation app: schemes, a community's live checklist (figures from the metrics registry),
applications, titles; `public_titles` is the portal's boundary (active titles only, public columns)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from pufa.creation.models import Application, Attestation, Criterion, Scheme, Title
from pufa.org.access import can, scope, visible_or_404
from pufa.org.models import Unit
from pufa.plans import metrics as registry


@dataclass(frozen=True)
class PeriodValue:
    label: str
    start: dt.date | None
    end: dt.date
    value: Decimal
    met: bool
    url: str


@dataclass(frozen=True)
class ChecklistLine:
    criterion: Criterion
    met: bool
    periods: tuple[PeriodValue, ...] = ()
    attestation: Attestation | None = None

    @property
    def summary(self) -> str:
        if self.criterion.kind == Criterion.Kind.ATTESTED:
            return "已说明" if self.attestation else "待说明"
        return "；".join(f"{p.label} {p.value.normalize():f}" for p in self.periods) or "—"


def _periods(criterion: Criterion, year: int, today: dt.date) -> list[tuple[str, dt.date | None, dt.date]]:
    """The periods a computed criterion is judged on, up to `today`: quarters and months that have ended (or
    the first one while none has), the year so far, or the state as of today."""
    year_end = min(dt.date(year, 12, 31), today)
    if criterion.period == Criterion.Period.AS_OF:
        return [(f"截至{year_end:%Y-%m-%d}", dt.date(year, 1, 1), year_end)]
    if criterion.period == Criterion.Period.YEAR:
        return [(f"{year}年", dt.date(year, 1, 1), year_end)]
    spans: list[tuple[str, dt.date | None, dt.date]]
    if criterion.period == Criterion.Period.QUARTER:
        spans = [(f"第{q}季度", dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q)) for q in range(1, 5)]
    else:
        spans = [(f"{m}月", dt.date(year, m, 1), _month_end(year, m)) for m in range(1, 13)]
    ended = [s for s in spans if s[2] < today]
    return ended or [(spans[0][0], spans[0][1], min(spans[0][2], today))]


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def _passes(criterion: Criterion, value: Decimal) -> bool:
    if criterion.compare == Criterion.Compare.AT_MOST:
        return value <= criterion.threshold
    return value >= criterion.threshold


def checklist(*, scheme: Scheme, unit: Unit, today: dt.date | None = None) -> list[ChecklistLine]:
    """The community's checklist, live: each computed criterion asks the metrics registry for this unit."""
    today = today or timezone.localdate()
    attested = {a.criterion_id: a for a in Attestation.objects.filter(criterion__scheme=scheme, unit=unit)}
    lines = []
    for criterion in scheme.criteria.all():
        if criterion.kind == Criterion.Kind.ATTESTED:
            attestation = attested.get(criterion.pk)
            lines.append(ChecklistLine(criterion, attestation is not None, attestation=attestation))
            continue
        metric = registry.get(criterion.metric)
        periods = []
        for label, start, end in _periods(criterion, scheme.year, today):
            start_arg = None if metric.cumulative else start
            value = registry.compute(
                criterion.metric, unit_ids=[unit.pk], start=start_arg, end=end, filters=criterion.filters
            )[unit.pk]
            query = registry.MetricQuery(unit_ids=(unit.pk,), start=start_arg, end=end, filters=criterion.filters)
            url = metric.records_url(unit.pk, query) if metric.records_url else ""
            periods.append(PeriodValue(label, start_arg, end, value, _passes(criterion, value), url))
        lines.append(ChecklistLine(criterion, all(p.met for p in periods), tuple(periods)))
    return lines


def checklist_snapshot(lines: list[ChecklistLine]) -> list[dict[str, Any]]:
    """A checklist as plain data, frozen into an application when it is submitted."""
    return [
        {"criterion": line.criterion.pk, "title": line.criterion.title, "met": line.met, "summary": line.summary}
        for line in lines
    ]


def scheme_list(*, actor: Any) -> QuerySet[Scheme]:
    return scope(Scheme.objects.select_related("region"), actor).order_by("-year", "name")


def scheme_get(*, actor: Any, pk: int, action: str = "creation.view") -> Scheme:
    return visible_or_404(
        Scheme.objects.select_related("region").prefetch_related("criteria"), actor, action=action, pk=pk
    )


def applicant_units(*, actor: Any) -> QuerySet[Unit]:
    """The community committees the actor may apply for."""
    return scope(Unit.objects.filter(kind=Unit.Kind.COMMUNITY_COMMITTEE), actor, "creation.apply").order_by("path")


def application_list(*, actor: Any, status: str = "") -> QuerySet[Application]:
    apps = scope(Application.objects.select_related("scheme", "unit", "unit__region"), actor)
    return apps.filter(status=status) if status else apps


def application_get(*, actor: Any, pk: int, action: str = "creation.view") -> Application:
    return visible_or_404(
        Application.objects.select_related("scheme", "unit", "unit__region"), actor, action=action, pk=pk
    )


#: A title in force is re-reviewed (复核) at least this often (动态调整).
REVIEW_EVERY = dt.timedelta(days=365)


def title_list(*, actor: Any, status: str = "", due: bool = False) -> QuerySet[Title]:
    """Titles the actor sees; `due`: in force and not reviewed for a year (since naming, if never)."""
    titles = scope(Title.objects.select_related("unit", "unit__region"), actor)
    if status:
        titles = titles.filter(status=status)
    if due:
        cutoff = timezone.localdate() - REVIEW_EVERY
        titles = titles.filter(status=Title.Status.ACTIVE).filter(
            Q(last_reviewed_on__lte=cutoff) | Q(last_reviewed_on__isnull=True, awarded_on__lte=cutoff)
        )
    return titles


def title_get(*, actor: Any, pk: int, action: str = "creation.view") -> Title:
    return visible_or_404(
        Title.objects.select_related("unit", "unit__region", "application__scheme"), actor, action=action, pk=pk
    )


def attestation_get(*, actor: Any, pk: int, action: str = "creation.view") -> Attestation:
    """A community's note with its file: seen by the community and those above it (street, inspectors)."""
    return visible_or_404(Attestation.objects.select_related("unit", "criterion"), actor, action=action, pk=pk)


def unit_get(*, actor: Any, pk: int, action: str = "creation.view") -> Unit:
    """The community a checklist, note or application is for."""
    return visible_or_404(Unit.objects.select_related("region"), actor, action=action, pk=pk)


def todos(actor: Any) -> list[Any] | None:
    """Applications waiting for the street (审核), for the inspectors (实地复核), or returned to the community."""
    from pufa.core.home import Todo

    if not can(actor, "creation.view"):
        return None
    url = reverse("creation:application-list")
    lines = []
    if can(actor, "creation.review"):
        n = scope(Application.objects.filter(status=Application.Status.SUBMITTED), actor, "creation.review").count()
        lines.append(Todo("份示范创建申报待审核", n, f"{url}?status=submitted", order=46))
    if can(actor, "creation.inspect"):
        n = scope(Application.objects.filter(status=Application.Status.REVIEWED), actor, "creation.inspect").count()
        lines.append(Todo("份示范创建申报待实地复核", n, f"{url}?status=reviewed", order=47))
    if can(actor, "creation.review"):
        n = scope(title_list(actor=actor, due=True), actor, "creation.review").count()
        lines.append(Todo("个示范称号超过一年未复核", n, f"{reverse('creation:title-list')}?due=1", order=49))
    if can(actor, "creation.apply"):
        n = scope(Application.objects.filter(status=Application.Status.RETURNED), actor, "creation.apply").count()
        lines.append(Todo("份示范创建申报已退回", n, f"{url}?status=returned", order=48))
    return lines


# ---------------------------------------------------------------- the portal's boundary


@dataclass(frozen=True)
class PublicTitle:
    community: str
    region: str
    level: str
    awarded_on: dt.date


def public_titles() -> list[PublicTitle]:
    """Named demonstration communities with a title in force (a revoked title is not shown)."""
    rows = (
        Title.objects.filter(status=Title.Status.ACTIVE, unit__deleted_at__isnull=True)
        .order_by("-awarded_on", "unit__region__path")
        .values_list("unit__name", "unit__region__name", "level", "awarded_on")
    )
    labels = dict(Title._meta.get_field("level").flatchoices)
    return [PublicTitle(name, region, str(labels.get(level, level)), day) for name, region, level, day in rows]


def history(*, obj: Any) -> QuerySet[Any]:
    """The steps of a visible application or title, from the audit trail (the caller loaded `obj` through scope)."""
    from django.contrib.contenttypes.models import ContentType

    from pufa.core.models import AuditEntry

    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("at", "id")
