"""Planned against done: linking an announced activity (普法公告) to the ledger record that carried it out.

`on_activities_changed` hears the ledger's `ActivitiesChanged` (subscribed in `pufa.wiring`) inside its
transaction whenever activities are recorded, changed or deleted; publishing a list calls `match_list`
for the activities the ledger already holds. A recorded activity matches an announced one when

- one of its units (the organiser or a co-organiser) is the unit whose *published* list announced it,
- its date falls within the announced window, and
- it is of the same form (活动方式) or its title is similar to the announced content.

Among several candidates the best score wins (form, similar wording, shared domains, audiences and laws).
Each recorded activity fulfils at most one announced activity per list, and each announced activity is
linked to one record. Links made by hand (`manual`) are kept until the record is deleted; automatic links are
re-checked whenever the record changes. Only activities that count (submitted or confirmed) are linked.

Everything runs in a fixed number of queries per event, however many activities an import brings.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from rapidfuzz import fuzz

from pufa.core import audit
from pufa.core.events import ActivitiesChanged
from pufa.duties import selectors
from pufa.duties.models import DutyList, PlannedActivity
from pufa.ledger.models import Activity, ActivityUnit

#: A title at least this similar (0–1, partial ratio) to the announced content matches without the same form.
SIMILAR = 0.6
_LAW_PREFIX = re.compile(r"^中华人民共和国")
_PUNCT = re.compile(r"[\s《》“”\"'、，,。:：·（）()]+")


def _norm(text: str) -> str:
    return _PUNCT.sub("", text or "")


def _law_short(name: str) -> str:
    return _LAW_PREFIX.sub("", name)


def score(planned: PlannedActivity, activity: Activity) -> float | None:
    """How well `activity` fulfils `planned` (higher is better); None when it does not match at all.

    Expects `planned` with domains, audiences and laws prefetched and `activity` with domains and audiences.
    """
    end = activity.end_date or activity.date
    if activity.date > planned.end or end < planned.start:
        return None
    same_kind = planned.kind_id == activity.kind_id
    similarity = fuzz.partial_ratio(_norm(planned.content), _norm(activity.title)) / 100
    if not same_kind and similarity < SIMILAR:
        return None
    value = (2.0 if same_kind else 0.0) + 2.0 * similarity
    if {d.pk for d in planned.domains.all()} & {d.pk for d in activity.domains.all()}:
        value += 1.0
    if {a.pk for a in planned.audiences.all()} & {a.pk for a in activity.audiences.all()}:
        value += 0.5
    if activity.laws and any(_law_short(law.name) in activity.laws for law in planned.laws.all()):
        value += 1.0
    # A narrower window is a more specific announcement: prefer it on otherwise equal scores.
    value -= min((planned.end - planned.start).days, 366) / 10_000
    return value


def _counts(activity: Activity) -> bool:
    """Does the record count for any unit? Its `participants` are prefetched through the counting rule."""
    return activity.deleted_at is None and bool(activity.participants.all())


def _load_activities(ids: Iterable[int]) -> list[Activity]:
    """Activities with only the participations that count (`ActivityUnit.objects.counted`): a record fulfils
    an announced activity of exactly the units it counts for."""
    return list(
        Activity.all_objects.filter(pk__in=list(ids))
        .prefetch_related(
            "domains",
            "audiences",
            Prefetch("participants", queryset=ActivityUnit.objects.counted()),
        )
        .order_by("date", "id")
    )


def _planned_base() -> Any:
    return PlannedActivity.objects.filter(
        duty_list__status__in=DutyList.PUBLIC_STATUSES, duty_list__deleted_at__isnull=True
    ).prefetch_related("domains", "audiences", "laws")


def set_link(planned: PlannedActivity, activity: Activity | None, method: str, actor: Any = None) -> None:
    """Set or clear the link, audited (actor None = the system's automatic matching)."""
    before = str(planned.activity) if planned.activity_id else None
    planned.activity = activity
    planned.link_method = method if activity is not None else ""
    planned.linked_at = timezone.now() if activity is not None else None
    planned.save(update_fields=["activity", "link_method", "linked_at", "updated_at"])
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=planned,
        code="duties.planned.link" if activity is not None else "duties.planned.unlink",
        changes={"activity": [before, str(activity) if activity is not None else None]},
        message=f"{planned.get_link_method_display() if activity is not None else '取消关联'}",
        scope_path=planned.duty_list.unit.region.path,
    )


def _assign(activities: list[Activity], candidates: list[PlannedActivity]) -> int:
    """Greedy best-first assignment: each activity to at most one planned activity per list."""
    by_unit: dict[int, list[PlannedActivity]] = defaultdict(list)
    for planned in candidates:
        by_unit[planned.duty_list.unit_id].append(planned)
    pairs: list[tuple[float, int, int, PlannedActivity, Activity]] = []
    for activity in activities:
        if not _counts(activity):
            continue
        unit_ids = {p.unit_id for p in activity.participants.all()}
        for unit_id in unit_ids:
            for planned in by_unit.get(unit_id, ()):
                value = score(planned, activity)
                if value is not None:
                    pairs.append((value, planned.pk, activity.pk, planned, activity))
    pairs.sort(key=lambda p: (-p[0], p[3].start, p[1], p[2]))
    taken_planned: set[int] = set()
    taken_pairs: set[tuple[int, int]] = set()  # (activity, list)
    linked = 0
    for _value, planned_id, activity_id, planned, activity in pairs:
        if planned_id in taken_planned or (activity_id, planned.duty_list_id) in taken_pairs:
            continue
        taken_planned.add(planned_id)
        taken_pairs.add((activity_id, planned.duty_list_id))
        set_link(planned, activity, PlannedActivity.LinkMethod.AUTO)
        linked += 1
    return linked


def match_activities(activities: list[Activity]) -> int:
    """Link these (freshly loaded) activities to announced activities they fulfil; returns the links made."""
    counted = [a for a in activities if _counts(a)]
    if not counted:
        return 0
    unit_ids = {p.unit_id for a in counted for p in a.participants.all()}
    first = min(a.date for a in counted)
    last = max(a.end_date or a.date for a in counted)
    candidates = list(
        _planned_base()
        .filter(
            duty_list__unit_id__in=unit_ids,
            activity__isnull=True,
            start__lte=last,
            end__gte=first,
        )
        .select_related("duty_list")
    )
    # An activity already fulfilling an announced activity of a list does not take a second one there.
    already = set(
        PlannedActivity.objects.filter(activity__in=[a.pk for a in counted]).values_list("activity_id", "duty_list_id")
    )
    linked = 0
    for activity in counted:
        lists_taken = {list_id for act_id, list_id in already if act_id == activity.pk}
        usable = [p for p in candidates if p.duty_list_id not in lists_taken and p.activity_id is None]
        linked += _assign([activity], usable)
    return linked


def _recheck(activities: list[Activity], *, deleted: bool) -> int:
    """Drop links that no longer hold: every link of a deleted record, automatic links of changed records."""
    by_id = {a.pk: a for a in activities}
    linked = PlannedActivity.objects.filter(activity__in=list(by_id)).select_related("duty_list__unit__region")
    if not deleted:
        linked = linked.filter(link_method=PlannedActivity.LinkMethod.AUTO)
    dropped = 0
    for planned in linked.prefetch_related("domains", "audiences", "laws"):
        activity = by_id[planned.activity_id]
        keep = not deleted and _counts(activity) and score(planned, activity) is not None
        if not keep:
            set_link(planned, None, "")
            dropped += 1
    return dropped


def on_activities_changed(event: ActivitiesChanged) -> None:
    """The ledger's event: keep planned-vs-done right whenever activities are recorded, changed or deleted."""
    if not event.activities:
        return
    # Only activities already linked, or run by a unit with an open announced activity in their window, can
    # change anything: an import of 10,000 records usually loads a handful (or none) of them.
    ids = [a.pk for a in event.activities]
    linked = set(PlannedActivity.objects.filter(activity__in=ids).values_list("activity_id", flat=True))
    pairs = list(ActivityUnit.objects.filter(activity_id__in=ids).values_list("activity_id", "unit_id"))
    first = min(a.date for a in event.activities)
    last = max(a.end_date or a.date for a in event.activities)
    windows: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for unit_id, start, end in PlannedActivity.objects.filter(
        duty_list__status__in=DutyList.PUBLIC_STATUSES,
        duty_list__deleted_at__isnull=True,
        duty_list__unit_id__in={u for _, u in pairs} | {a.unit_id for a in event.activities},
        activity__isnull=True,
        start__lte=last,
        end__gte=first,
    ).values_list("duty_list__unit_id", "start", "end"):
        windows[unit_id].append((start, end))
    if windows:
        by_id = {a.pk: a for a in event.activities}

        def may_fulfil(activity: Activity, unit_id: int) -> bool:
            end = activity.end_date or activity.date
            return any(start <= end and activity.date <= stop for start, stop in windows.get(unit_id, ()))

        linked |= {a for a, u in pairs if may_fulfil(by_id[a], u)}
        linked |= {a.pk for a in event.activities if may_fulfil(a, a.unit_id)}
    if not linked:
        return
    activities = _load_activities(linked)
    deleted = event.name == ActivitiesChanged.DELETED or all(a.deleted_at is not None for a in activities)
    changed = _recheck(activities, deleted=deleted)
    if not deleted:
        changed += match_activities(activities)
    if changed:
        selectors.schedule_public_reset()


def match_list(duty_list: DutyList) -> int:
    """On publication: link the list's announced activities to what the ledger already holds for the unit."""
    planned = list(_planned_base().filter(duty_list=duty_list, activity__isnull=True).select_related("duty_list"))
    if not planned:
        return 0
    first, last = min(p.start for p in planned), max(p.end for p in planned)
    activity_ids = set(
        # A multi-day activity may start before the window.
        ActivityUnit.objects.counted(start=first - dt.timedelta(days=31), end=last)
        .filter(unit_id=duty_list.unit_id)
        .values_list("activity_id", flat=True)
    )
    already = set(
        PlannedActivity.objects.filter(duty_list=duty_list, activity__isnull=False).values_list(
            "activity_id", flat=True
        )
    )
    activities = _load_activities(activity_ids - already)
    return _assign(activities, planned)
