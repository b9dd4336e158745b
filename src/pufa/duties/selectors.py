"""Every read of responsibility lists a page, export or report needs, scoped by the acting user.

The public portal does not use these: it reads through its own `published_lists()` base, so nothing here can
leak an unpublished list by accident. What is shared is the portal's cache version, which the services reset
whenever the public content changes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from pufa.core import stamps
from pufa.core.models import AuditEntry
from pufa.duties.models import (
    DutyDeadline,
    DutyItem,
    DutyList,
    DutyTemplate,
    DutyTemplateItem,
    Law,
    PlannedActivity,
    default_deadline,
)
from pufa.ledger.models import Activity, ActivityUnit
from pufa.org.access import ancestor_paths, can, scope, visible_or_404
from pufa.org.models import Region, Unit

# ---------------------------------------------------------------- the public cache version

PUBLIC_VERSION_KEY = "duties:public-version"


def public_version() -> str:
    """A token that changes whenever published content changes; the portal puts it in every cache key, so a
    publish or withdrawal makes every cached public page stale at once — in every process, because the token
    is read from the database (`core.stamps`), not from a process's own cache."""
    return stamps.get(PUBLIC_VERSION_KEY)


def reset_public_version() -> None:
    stamps.bump(PUBLIC_VERSION_KEY)


def schedule_public_reset() -> None:
    """Reset the version in the current transaction: a rolled-back publish changes nothing, and the new token
    is seen exactly when the published records are."""
    reset_public_version()


# ---------------------------------------------------------------- laws


def law_list(*, q: str = "", level: str = "", active_only: bool = False) -> QuerySet[Law]:
    """The shared catalogue is public information and not scoped."""
    laws = Law.objects.all()
    if q:
        laws = laws.filter(Q(name__icontains=q) | Q(pinyin__icontains=q.lower()) | Q(issuer__icontains=q))
    if level:
        laws = laws.filter(level=level)
    if active_only:
        laws = laws.filter(is_active=True)
    return laws.order_by("pinyin")


def law_get(*, pk: int) -> Law:
    from django.http import Http404

    try:
        return Law.objects.get(pk=pk)
    except (Law.DoesNotExist, ValueError) as exc:
        raise Http404("未找到该法律法规") from exc


# ---------------------------------------------------------------- lists


def duty_list_list(
    *, actor: Any, year: int | None = None, status: str = "", q: str = "", unit: Unit | None = None
) -> QuerySet[DutyList]:
    lists = scope(DutyList.objects.all(), actor, "duties.view").select_related("unit", "unit__region")
    if year:
        lists = lists.filter(year=year)
    if status:
        lists = lists.filter(status=status)
    if q:
        lists = lists.filter(Q(unit__name__icontains=q) | Q(unit__pinyin__icontains=q.lower()))
    if unit is not None:
        lists = lists.filter(unit=unit)
    return lists.annotate(
        item_count=Count("items", filter=Q(items__deleted_at__isnull=True), distinct=True),
        planned_count=Count("planned_activities", filter=Q(planned_activities__deleted_at__isnull=True), distinct=True),
    ).order_by("-year", "unit__pinyin")


def duty_list_get(*, actor: Any, pk: int) -> DutyList:
    return visible_or_404(
        DutyList.objects.select_related("unit", "unit__region", "submitted_by", "filed_by", "source"),
        actor,
        action="duties.view",
        pk=pk,
    )


def _item_prefetch() -> tuple[str, ...]:
    return ("laws", "audiences", "domains")


def duty_item_list(*, actor: Any, duty_list: DutyList) -> list[DutyItem]:
    items = scope(DutyItem.objects.filter(duty_list=duty_list), actor)
    return list(items.prefetch_related(*_item_prefetch()).order_by("order", "id"))


def duty_item_get(*, actor: Any, pk: int) -> DutyItem:
    return visible_or_404(
        DutyItem.objects.select_related("duty_list", "duty_list__unit__region"), actor, action="duties.view", pk=pk
    )


def planned_activity_list(*, actor: Any, duty_list: DutyList) -> list[PlannedActivity]:
    planned = scope(PlannedActivity.objects.filter(duty_list=duty_list), actor)
    return list(
        planned.select_related("kind", "region", "item", "activity")
        .prefetch_related("audiences", "domains", "laws")
        .order_by("start", "id")
    )


def planned_activity_get(*, actor: Any, pk: int) -> PlannedActivity:
    return visible_or_404(
        PlannedActivity.objects.select_related("duty_list", "duty_list__unit__region", "kind", "activity"),
        actor,
        action="duties.view",
        pk=pk,
    )


def duty_list_full(*, actor: Any, duty_list: DutyList) -> dict[str, Any]:
    """Everything the list page and the exports show, in a fixed handful of queries."""
    return {
        "laws": sorted(duty_list.laws.all(), key=lambda law: (law.level_rank, law.pinyin)),
        "items": duty_item_list(actor=actor, duty_list=duty_list),
        "planned": planned_activity_list(actor=actor, duty_list=duty_list),
    }


def duty_list_history(*, actor: Any, duty_list: DutyList) -> QuerySet[AuditEntry]:
    """The list's own trail (workflow steps and edits of its fields), for those who may read the audit log."""
    from django.contrib.contenttypes.models import ContentType

    if not can(actor, "audit.view"):
        return AuditEntry.objects.none()
    ct = ContentType.objects.get_for_model(DutyList)
    entries = scope(AuditEntry.objects.filter(content_type=ct, object_id=str(duty_list.pk)), actor, "audit.view")
    return entries.order_by("-at", "-id")


def previous_lists(*, actor: Any, unit: Unit, year: int) -> QuerySet[DutyList]:
    return scope(DutyList.objects.filter(unit=unit, year__lt=year), actor).order_by("-year")


def place_regions(*, unit: Unit) -> QuerySet[Region]:
    """Where a unit's activities may take place: its own region and those below, or a region above it (a
    community committee may hold an activity in the street's square). Region names are public information."""
    path = unit.region.path
    return Region.objects.filter(Q(path__in=ancestor_paths(path)) | Q(path__startswith=path)).order_by("path")


def units_for_new_list(*, actor: Any) -> QuerySet[Unit]:
    """Units the actor may start a list for: a liaison's own unit(s) and those below, an office's region."""
    return scope(Unit.objects.all(), actor, "duties.edit").select_related("region").order_by("pinyin")


def link_candidates(*, actor: Any, planned: PlannedActivity, q: str = "", limit: int = 30) -> list[Activity]:
    """Ledger records the actor may see that the list's unit organised or co-organised in the list's year and
    that count (submitted or confirmed), nearest to the announced window first — for linking by hand."""
    year = planned.duty_list.year
    activities = scope(
        Activity.objects.filter(
            pk__in=ActivityUnit.objects.counted(start=dt.date(year - 1, 12, 1), end=dt.date(year + 1, 1, 31))
            .filter(unit_id=planned.duty_list.unit_id)
            .values("activity_id")
        ),
        actor,
    ).select_related("kind", "unit")
    if q:
        activities = activities.filter(Q(title__icontains=q) | Q(place__icontains=q))
    rows = list(activities.distinct()[:500])
    rows.sort(key=lambda a: (0 if planned.covers(a.date) else 1, abs((a.date - planned.start).days), a.pk))
    return rows[:limit]


# ---------------------------------------------------------------- templates


def template_list(*, actor: Any) -> QuerySet[DutyTemplate]:
    return (
        scope(DutyTemplate.objects.all(), actor, "duties.view")
        .select_related("issuing_unit", "issuing_unit__region")
        .annotate(item_count=Count("items"))
        .order_by("-created_at")
    )


def template_get(*, actor: Any, pk: int) -> DutyTemplate:
    return visible_or_404(
        DutyTemplate.objects.select_related("issuing_unit__region"), actor, action="duties.view", pk=pk
    )


def template_items(*, template: DutyTemplate) -> list[DutyTemplateItem]:
    return list(template.items.prefetch_related(*_item_prefetch()).order_by("order", "id"))


def templates_for_unit(*, actor: Any, unit: Unit) -> QuerySet[DutyTemplate]:
    """Issued templates for the unit's kind, from offices of the unit's region or above it."""
    return (
        scope(DutyTemplate.objects.filter(status=DutyTemplate.Status.ISSUED, unit_kind=unit.kind), actor)
        .filter(issuing_unit__region__path__in=ancestor_paths(unit.region.path))
        .select_related("issuing_unit")
        .order_by("-issued_at")
    )


# ---------------------------------------------------------------- deadline and the deadline report


def deadline_for(*, region: Region, year: int) -> dt.date:
    """The region's own deadline, else the nearest one set above it, else 31 March."""
    paths = ancestor_paths(region.path)
    deadlines = {
        d.region.path: d.due
        for d in DutyDeadline.objects.filter(year=year, region__path__in=paths).select_related("region")
    }
    for path in reversed(paths):
        if path in deadlines:
            return deadlines[path]
    return default_deadline(year)


@dataclass
class ReportRow:
    unit: Unit
    duty_list: DutyList | None
    due: dt.date
    today: dt.date

    @property
    def has_submitted(self) -> bool:
        return self.duty_list is not None and self.duty_list.status in DutyList.SUBMITTED_STATUSES

    @property
    def submitted_on(self) -> dt.date | None:
        if not self.has_submitted or self.duty_list is None or self.duty_list.submitted_at is None:
            return None
        return timezone.localdate(self.duty_list.submitted_at)

    @property
    def is_overdue(self) -> bool:
        """Not submitted and the deadline has passed."""
        return not self.has_submitted and self.today > self.due

    @property
    def was_late(self) -> bool:
        on = self.submitted_on
        return on is not None and on > self.due

    @property
    def state(self) -> str:
        if self.duty_list is None:
            return "未建立"
        if not self.has_submitted:
            return f"未报送（{self.duty_list.get_status_display()}）"
        return self.duty_list.get_status_display()


@dataclass
class DeadlineReport:
    region: Region
    year: int
    due: dt.date
    rows: list[ReportRow] = field(default_factory=list)

    @property
    def missing(self) -> list[ReportRow]:
        return [r for r in self.rows if not r.has_submitted]

    @property
    def overdue(self) -> list[ReportRow]:
        return [r for r in self.rows if r.is_overdue]

    @property
    def counts(self) -> dict[str, int]:
        rows = self.rows
        return {
            "units": len(rows),
            "submitted": sum(1 for r in rows if r.has_submitted),
            "missing": sum(1 for r in rows if not r.has_submitted),
            "late": sum(1 for r in rows if r.was_late),
            "filed": sum(1 for r in rows if r.duty_list and r.duty_list.status in {"filed", "published"}),
            "published": sum(1 for r in rows if r.duty_list and r.duty_list.status == "published"),
        }


def deadline_report(*, actor: Any, region: Region, year: int, only_missing: bool = False) -> DeadlineReport:
    """报送情况: every responsible unit of the region with its list's state for the year, the ones that have not
    submitted first. Three queries whatever the number of units. `SYSTEM` (a scheduled reminder pass) sees them all."""
    due = deadline_for(region=region, year=year)
    today = timezone.localdate()
    units_qs = Unit.objects.filter(is_responsible_subject=True, region__path__startswith=region.path)
    units_qs = scope(units_qs, actor, "duties.review")
    units = list(units_qs.select_related("region").order_by("pinyin"))
    lists = {
        dl.unit_id: dl
        for dl in DutyList.objects.filter(unit__in=[u.pk for u in units], year=year).select_related("submitted_by")
    }
    rows = [ReportRow(unit=u, duty_list=lists.get(u.pk), due=due, today=today) for u in units]
    rows.sort(key=lambda r: (r.has_submitted, r.unit.region.path, r.unit.pinyin))
    if only_missing:
        rows = [r for r in rows if not r.has_submitted]
    return DeadlineReport(region=region, year=year, due=due, rows=rows)


def review_regions(*, actor: Any) -> QuerySet[Region]:
    """Regions the actor may review lists in (an office's region and those below), for the overview picker."""
    return scope(Region.objects.all(), actor, "duties.review").order_by("path")


def region_lists_for_export(*, actor: Any, region: Region, year: int) -> list[DutyList]:
    """All lists of a region for a year, with everything the 四清单 export needs, in a fixed number of queries."""
    lists = (
        scope(DutyList.objects.filter(year=year, unit__region__path__startswith=region.path), actor, "duties.review")
        .select_related("unit", "unit__region")
        .prefetch_related(
            "laws",
            Prefetch("items", queryset=DutyItem.objects.prefetch_related(*_item_prefetch()).order_by("order", "id")),
            Prefetch(
                "planned_activities",
                queryset=PlannedActivity.objects.select_related("kind").prefetch_related("audiences").order_by("start"),
            ),
        )
        .order_by("unit__region__path", "unit__pinyin")
    )
    return list(lists)


# ---------------------------------------------------------------- notifications


def notification_list(*, actor: Any, unread_only: bool = False) -> QuerySet[Any]:
    """The actor's own notifications about responsibility lists (the full inbox is core's notification page)."""
    from pufa.core.models import Notification

    if not getattr(actor, "is_authenticated", False):
        return Notification.objects.none()
    notes = Notification.objects.filter(user=actor, key__startswith="duties.")
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    return notes.order_by("-created_at", "-id")


# ---------------------------------------------------------------- 待办 on the home page


def todos(actor: Any) -> list[Any] | None:
    """Responsibility lists in the home inbox: lists to file (offices), returned lists awaiting resubmission
    with the reason, and this year's list still to submit (the units a liaison acts for)."""
    from django.urls import reverse

    from pufa.core.home import Todo, TodoItem
    from pufa.org.access import grants
    from pufa.org.roles import role_allows

    if not (can(actor, "duties.review") or can(actor, "duties.edit")):
        return None
    url = reverse("duties:index")
    lines: list[Any] = []
    if can(actor, "duties.review"):
        count = duty_list_list(actor=actor, status=DutyList.Status.SUBMITTED).count()
        lines.append(Todo("份责任清单待备案", count, f"{url}?status={DutyList.Status.SUBMITTED}", order=20))
    returned = duty_list_list(actor=actor, status=DutyList.Status.RETURNED)
    count = returned.count()
    if count:
        items = tuple(
            TodoItem(d.title, reverse("duties:list-detail", args=[d.pk]), f"退回理由：{d.return_reason}")
            for d in returned[:5]
        )
        lines.append(Todo("份责任清单已退回，待修改后重新报送", count, f"{url}?status=returned", items, order=41))
    own = [g.unit_id for g in grants(actor) if role_allows(g.role, "duties.edit") and not g.region_wide]
    if own:
        year = timezone.localdate().year
        units = list(Unit.objects.filter(pk__in=own, is_responsible_subject=True).select_related("region"))
        lists = {d.unit_id: d for d in DutyList.objects.filter(unit__in=units, year=year)}
        due_items = []
        for unit in units:
            duty_list = lists.get(unit.pk)
            if duty_list is not None and duty_list.status != DutyList.Status.DRAFT:
                continue
            due = deadline_for(region=unit.region, year=year)
            link = reverse("duties:list-detail", args=[duty_list.pk]) if duty_list else reverse("duties:list-create")
            due_items.append(TodoItem(f"{unit.name}{year}年度普法责任清单", link, f"{due.month}月{due.day}日前报送"))
        if due_items:
            # One list: straight to it (or to starting it); several: the year's drafts.
            link = due_items[0].url if len(due_items) == 1 else f"{url}?year={year}&status=draft"
            lines.append(Todo("份本年度责任清单待报送", len(due_items), link, tuple(due_items), order=50))
    return lines
