"""动态调整: which people on the rosters the office should look at again, computed from the records.

Seed 003 asks for 对年龄偏大、学习能力较弱、不能熟练使用智能手机和已离开原居住地的人员进行调整. pufa computes
the flags it can read from the records, with thresholds the office sets per region (`AdjustmentRule`, the
deepest rule above a unit applies, else `DEFAULT_MAX_AGE` / `DEFAULT_MONTHS`):

- 年龄偏大: born before (this year − max_age);
- 长期未参训: on a team for at least N months and no counted training attended in the last N months;
- 已离开原居住地: marked as moved away;
- 电话抽查未通过: the person's latest phone spot check failed (unreachable, wrong number, unaware of the role).

Flags are suggestions: nobody leaves a team automatically. Not using a smartphone is *not* a flag (the 2026
national measures forbid forcing grass-roots people onto apps); it remains a reason a liaison may give. A
liaison keeps (with a reason: quiets the flags for `KEEP_DAYS` unless a later phone check fails), retires or
replaces each flagged person. The page's count and the home 待办 line's are one function over the same queryset
(`people.selectors.flagged_count`, capped at `ADJUST_CAP`), so they cannot disagree; the page walks the
roster's (pinyin, id) index and stops after a page of flagged rows, so an office's page costs a page, not its
region.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from pufa.ledger.models import ActivityUnit
from pufa.org.access import scope
from pufa.people.models import AdjustmentRule, Attendance, KeepDecision, Person, SpotCheckItem, TeamMembership

DEFAULT_MAX_AGE = 65
DEFAULT_MONTHS = 6
KEEP_DAYS = 365
NEVER = dt.date(1900, 1, 1)  # the last training of someone never trained

FLAGS: dict[str, str] = {
    "old": "年龄偏大",
    "untrained": "长期未参训",
    "moved": "已离开原居住地",
    "phone": "电话抽查未通过",
}

#: Reasons offered when retiring a person (a liaison may type another).
REASONS = ("年龄偏大", "学习能力较弱", "不能熟练使用智能手机", "已离开原居住地", "电话抽查未通过", "本人申请退出")


@dataclass(frozen=True)
class Rule:
    path: str  # "" for the default rule
    max_age: int
    months: int

    def cutoff(self, today: dt.date) -> dt.date:
        return months_before(today, self.months)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    return dt.date(year, month, 28)


def rules() -> list[Rule]:
    """The default rule and every office's rule, shallowest first."""
    rows = [Rule(r.region.path, r.max_age, r.months_untrained) for r in AdjustmentRule.objects.select_related("region")]
    return [Rule("", DEFAULT_MAX_AGE, DEFAULT_MONTHS), *sorted(rows, key=lambda r: len(r.path))]


def rule_for(path: str, all_rules: list[Rule]) -> Rule:
    """The deepest rule whose region contains `path`."""
    best = all_rules[0]
    for rule in all_rules:
        if path.startswith(rule.path) and len(rule.path) >= len(best.path):
            best = rule
    return best


def counted_training() -> Exists:
    """An attendance's training counts (the ledger's one rule, by its organiser's row), asked of each attendance
    through the (activity, unit) index. Not `activity_id IN (every counted activity)`: that list is the whole
    city's ledger, which SQLite builds in full for every page (0.6 s for 50 people at a tenth of the city)."""
    return Exists(ActivityUnit.objects.counted().filter(is_organiser=True, activity_id=OuterRef("activity_id")))


def flagged(*, actor: Any, today: dt.date | None = None, unit_id: int | None = None) -> QuerySet[Person]:
    """The people on a team today, in the actor's scope (optionally one keeping unit), with at least one flag
    and no keep in force. Each row carries the aliases `flags_of` reads."""
    today = today or timezone.localdate()
    all_rules = rules()
    people = scope(Person.objects.all(), actor, "people.view").filter(
        Exists(TeamMembership.objects.filter(TeamMembership.active_q(today), person=OuterRef("pk")))
    )
    if unit_id:
        people = people.filter(unit_id=unit_id)
    # The last counted training's day since the earliest cutoff (NEVER if none: before every cutoff alike), one
    # scalar subquery for every rule, read per row through the person's few attendances. (An EXISTS per rule
    # let PostgreSQL hash every attendance of the city since the cutoff before the first row: 0.7 s for a page
    # that needs a hundred people.)
    earliest = min(rule.cutoff(today) for rule in all_rules)
    last = (
        Attendance.objects.filter(person=OuterRef("pk"), activity__date__gte=earliest)
        .filter(counted_training())
        .order_by("-activity__date")
        .values("activity__date")[:1]
    )
    annotations: dict[str, Any] = {"last_trained": Coalesce(Subquery(last), Value(NEVER), output_field=DateField())}
    condition = Q(pk__in=[])
    for i, rule in enumerate(all_rules):
        cutoff = rule.cutoff(today)
        annotations[f"joined_{i}"] = Exists(
            TeamMembership.objects.filter(TeamMembership.active_q(today), person=OuterRef("pk"), start__lte=cutoff)
        )
        where = Q(unit__region__path__startswith=rule.path) if rule.path else Q()
        for deeper in all_rules[i + 1 :]:
            if deeper.path.startswith(rule.path) and deeper.path != rule.path:
                where &= ~Q(unit__region__path__startswith=deeper.path)
        raised = (
            Q(birth_year__lt=today.year - rule.max_age)
            | Q(moved_away=True)
            | (Q(**{f"joined_{i}": True}) & Q(last_trained__lt=cutoff))
        )
        condition |= where & raised
    keep = KeepDecision.objects.filter(person=OuterRef("pk"), decided_on__gt=today - dt.timedelta(days=KEEP_DAYS))
    annotations["kept"] = Exists(keep)
    annotations["kept_on"] = keep.order_by("-decided_on").values("decided_on")[:1]
    latest = SpotCheckItem.objects.filter(person=OuterRef("pk")).exclude(outcome="").order_by("-recorded_at", "-id")
    annotations["check_outcome"] = latest.values("outcome")[:1]
    annotations["check_on"] = latest.values("recorded_at")[:1]
    phone_failed = Q(check_outcome__in=SpotCheckItem.FAILED)
    condition |= phone_failed
    # A keep quiets every flag but a phone check that failed after it. "No keep" is a NOT EXISTS, not "the
    # latest keep IS NULL": PostgreSQL guesses 0.5 % of rows pass an IS NULL on a subquery, then sorts the
    # whole region rather than walk the (pinyin, id) index to the cap.
    in_force = Q(kept=False) | (phone_failed & Q(check_on__date__gt=F("kept_on")))
    return people.alias(**annotations).filter(condition, in_force).select_related("unit__region", "region")


@dataclass
class FlaggedRow:
    person: Person
    flags: list[str]
    last_trained: dt.date | None
    memberships: list[TeamMembership]
    may_manage: bool = False

    @property
    def labelled(self) -> list[tuple[str, str]]:
        return [(f, FLAGS[f]) for f in self.flags]


def rows(*, people: list[Person], today: dt.date | None = None) -> list[FlaggedRow]:
    """The flags of each (already flagged) person, spelled out for the page, in two queries."""
    today = today or timezone.localdate()
    all_rules = rules()
    ids = [p.pk for p in people]
    last: dict[int, dt.date] = {}
    for pid, day in (
        Attendance.objects.filter(person_id__in=ids)
        .filter(counted_training())
        .values_list("person_id", "activity__date")
        .order_by("activity__date")
    ):
        last[pid] = day
    teams: dict[int, list[TeamMembership]] = {}
    for m in TeamMembership.objects.filter(TeamMembership.active_q(today), person_id__in=ids).select_related("kind"):
        teams.setdefault(m.person_id, []).append(m)
    failed = _failed_outcomes(ids)
    result = []
    for person in people:
        rule = rule_for(person.unit.region.path, all_rules)
        cutoff = rule.cutoff(today)
        flags = []
        if person.birth_year is not None and person.birth_year < today.year - rule.max_age:
            flags.append("old")
        joined_long = any(m.start <= cutoff for m in teams.get(person.pk, []))
        if joined_long and (person.pk not in last or last[person.pk] < cutoff):
            flags.append("untrained")
        if person.moved_away:
            flags.append("moved")
        if person.pk in failed:
            flags.append("phone")
        result.append(FlaggedRow(person, flags, last.get(person.pk), teams.get(person.pk, [])))
    return result


def _failed_outcomes(ids: list[int]) -> set[int]:
    latest: dict[int, str] = {}
    for pid, outcome in (
        SpotCheckItem.objects.filter(person_id__in=ids)
        .exclude(outcome="")
        .order_by("recorded_at", "id")
        .values_list("person_id", "outcome")
    ):
        latest[pid] = outcome
    return {pid for pid, outcome in latest.items() if outcome in SpotCheckItem.FAILED}
