"""Every read of the rosters a page, export or metric needs, starting from `org.access.scope`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from pufa.ledger.models import Activity, ActivityUnit
from pufa.org.access import can, scope, visible_or_404
from pufa.org.models import Region, Unit
from pufa.people.models import Attendance, Household, Person, TeamKind, TeamMembership


@dataclass
class RosterFilters:
    q: str = ""
    kinds: list[str] = field(default_factory=list)
    shape: str = ""
    region: int | None = None
    unit: int | None = None
    on: dt.date | None = None  # the roster as of this day (default: today when a team filter is set)
    trained_start: dt.date | None = None
    trained_end: dt.date | None = None
    activity_kinds: list[str] = field(default_factory=list)
    moved: bool = False  # moved away but still on a team: a person the adjustment should look at

    @property
    def any_team(self) -> bool:
        return bool(self.kinds or self.shape or self.on or self.moved)


def parse_filters(params: QueryDict) -> RosterFilters:
    """The roster list's query string, parsed by `RosterQuery` (pufa.core.filters): an odd value is an ignored
    filter, never an error."""
    from pufa.people.forms import RosterQuery

    p = RosterQuery.read(params)
    return RosterFilters(
        q=p["q"].strip(),
        kinds=p["kind"][:20],
        shape=p["shape"] or "",
        region=p["region"],
        unit=p["unit"],
        on=p["on"],
        trained_start=p["trained_start"],
        trained_end=p["trained_end"],
        activity_kinds=p["activity_kind"][:20],
        moved=p["moved"] == "1",
    )


def current_memberships(day: dt.date | None = None) -> Prefetch:
    """Prefetch each person's teams on `day` (today) with their kinds, so a list renders without queries."""
    day = day or timezone.localdate()
    rows = (
        TeamMembership.objects.filter(TeamMembership.active_q(day)).select_related("kind").order_by("kind__sort_order")
    )
    return Prefetch("memberships", queryset=rows, to_attr="teams")


def by_keeping_units(people: QuerySet[Person], *, actor: Any) -> QuerySet[Person]:
    """A narrow scope (a community's, a street's units: up to MAX_OPTIONS) names its keeping units, so the
    database reads their rosters through (unit, pinyin) and sorts a few hundred rows; else SQLite walks the
    city's (pinyin, id) index for a liaison's ten people (a count that never reaches its cap reads it all).
    Unit and Person are scoped by the same paths, so this narrows nothing the scope let through."""
    units = list(scope(Unit.objects.all(), actor, "people.view").values_list("pk", flat=True)[: MAX_OPTIONS + 1])
    return people.filter(unit_id__in=units) if len(units) <= MAX_OPTIONS else people


def person_list(*, actor: Any, filters: RosterFilters | None = None) -> QuerySet[Person]:
    """The people the actor may see, filtered; each carries `.teams` (its teams on the filter's day)."""
    f = filters or RosterFilters()
    people = scope(Person.objects.all(), actor).select_related("unit", "region")
    if f.q:
        people = people.filter(name__contains=f.q)
    if f.region:
        region = Region.objects.filter(pk=f.region).first()
        people = people.filter(region__path__startswith=region.path) if region else people.none()
    people = people.filter(unit_id=f.unit) if f.unit else by_keeping_units(people, actor=actor)
    if f.moved:
        people = people.filter(moved_away=True)
    day = f.on or timezone.localdate()
    if f.any_team:
        on_team = TeamMembership.objects.filter(TeamMembership.active_q(day))
        if f.kinds:
            on_team = on_team.filter(kind__code__in=f.kinds)
        if f.shape:
            on_team = on_team.filter(kind__shape=f.shape)
        people = people.filter(pk__in=on_team.values("person_id"))
    if f.trained_end:
        # A training counts while its activity counts (the ledger's one rule), once: by its organiser's row.
        counted = ActivityUnit.objects.counted(start=f.trained_start, end=f.trained_end).filter(is_organiser=True)
        if f.activity_kinds:
            counted = counted.filter(kind__code__in=f.activity_kinds)
        attended = Attendance.objects.filter(activity_id__in=counted.values("activity_id"))
        people = people.filter(pk__in=attended.values("person_id"))
    return people.prefetch_related(current_memberships(day)).order_by("pinyin", "id")


def person_get(*, actor: Any, pk: int) -> Person:
    """One person the actor may see (404 otherwise)."""
    return visible_or_404(
        Person.objects.select_related("unit__region", "region", "user"), actor, action="people.view", pk=pk
    )


def person_history(*, person: Person) -> list[TeamMembership]:
    """Every team the person was ever on, newest first, with what a page shows of each."""
    return list(
        person.memberships.select_related("kind", "household", "replaced_by__person")
        .prefetch_related("serves_regions", "serves_units")
        .order_by("-start", "-id")
    )


def person_trainings(*, person: Person) -> list[Activity]:
    """The counted ledger activities the person attended, newest first."""
    ids = Attendance.objects.filter(person=person).values("activity_id")
    counted = ActivityUnit.objects.counted().filter(is_organiser=True, activity_id__in=ids).values("activity_id")
    return list(Activity.objects.filter(pk__in=counted).select_related("unit", "kind").order_by("-date", "-id"))


def person_households(*, person: Person) -> list[Household]:
    """The 示范户 the person heads or belongs to."""
    return list(
        Household.objects.filter(pk__in=_household_ids(person)).select_related("head").prefetch_related("members")
    )


def _household_ids(person: Person) -> list[int]:
    heads = set(Household.objects.filter(head=person).values_list("pk", flat=True))
    return sorted(
        heads | set(Household.members.through.objects.filter(person=person).values_list("household_id", flat=True))
    )


def membership_get(*, actor: Any, pk: int) -> TeamMembership:
    return visible_or_404(
        TeamMembership.objects.select_related("person__unit__region", "kind"), actor, action="people.view", pk=pk
    )


def team_kinds(*, active_only: bool = True) -> QuerySet[TeamKind]:
    kinds = TeamKind.objects.all()
    return kinds.filter(is_active=True) if active_only else kinds


def managed_units(*, actor: Any) -> QuerySet[Unit]:
    """Units whose rosters the actor may change (for the form's choice of keeping unit)."""
    return scope(Unit.objects.select_related("region"), actor, "people.manage").order_by("pinyin")


def community_choices(*, units: QuerySet[Unit] | list[Unit]) -> QuerySet[Region]:
    """Communities inside (or containing) the regions of these units: where their people may live."""
    from django.db.models import Q

    # The smallest set of paths covering the units (a path under another adds nothing), so an office whose
    # own unit covers its region asks one prefix, not one per unit (SQLite refuses a tree of 1,000 ORs).
    cover: list[str] = []
    for path in sorted({u.region.path for u in units}):
        if not any(path.startswith(c) for c in cover):
            cover.append(path)
    ancestors = {int(p) for path in cover for p in path.strip("/").split("/") if p}
    q = Q(pk__in=sorted(ancestors))
    for path in cover:
        q |= Q(path__startswith=path)
    return Region.objects.filter(q, level__in=(Region.Level.COMMUNITY, Region.Level.GROUP)).order_by("path")


#: The roster list counts no further than this (a capped count, like the ledger's): below it exact — every
#: community's and street's drill-down — above it "超过 … 人" and pages up to the cap.
COUNT_CAP = 10_000
#: A select with more options than this is no use on a phone, and costs a city office most of its page.
MAX_OPTIONS = 300


def filter_choices(
    *, actor: Any, unit: int | None = None, region: int | None = None, residence: bool = True
) -> tuple[list[Unit], list[Region]]:
    """The choices of the roster filters (keeping unit, residence): the units keeping the rosters the actor
    sees and the communities where those people live — or, for an office whose region holds more than
    MAX_OPTIONS units, no unit select and its districts and streets for the residence (the filter takes
    everyone living under the chosen region). A unit or community a link names stays among the choices."""
    units = scope(Unit.objects.all(), actor, "people.view")
    if units.order_by()[: MAX_OPTIONS + 1].count() <= MAX_OPTIONS:
        keeping = scope(Person.objects.all(), actor).values("unit_id")
        return (
            list(Unit.objects.filter(pk__in=keeping).only("id", "name").order_by("pinyin")),
            list(resident_communities(actor=actor).only("id", "name")) if residence else [],
        )
    if not residence:
        return list(Unit.objects.filter(pk=unit).only("id", "name")) if unit else [], []
    upper = scope(Region.objects.filter(level__in=(Region.Level.DISTRICT, Region.Level.STREET)), actor, "people.view")
    regions = list(upper.only("id", "name").order_by("path")[:MAX_OPTIONS])
    if region and all(r.pk != region for r in regions):
        regions += list(Region.objects.filter(pk=region).only("id", "name"))
    return list(Unit.objects.filter(pk=unit).only("id", "name")) if unit else [], regions


def resident_communities(*, actor: Any) -> QuerySet[Region]:
    """The communities where the people the actor sees live (the roster list's filter choices)."""
    ids = scope(Person.objects.all(), actor).values("region_id")
    return Region.objects.filter(pk__in=ids).order_by("path")


def manageable_people_ids(*, actor: Any, ids: list[int]) -> list[int]:
    """Which of these people the actor may change (one query for a page of rows)."""
    return list(scope(Person.objects.filter(pk__in=ids), actor, "people.manage").values_list("pk", flat=True))


def manageable_people(*, actor: Any, ids: list[int]) -> list[Person]:
    return list(scope(Person.objects.filter(pk__in=ids), actor, "people.manage"))


def activity_attendees(*, actor: Any, activity: Activity) -> list[Attendance]:
    """Who attended an activity, among the people the actor may see."""
    return list(
        scope(Attendance.objects.filter(activity=activity), actor)
        .select_related("person__unit")
        .order_by("person__pinyin")
    )


def attendee_choices(*, actor: Any) -> QuerySet[Person]:
    """People the actor may record attendance for: on one of their rosters today."""
    on_team = TeamMembership.objects.filter(TeamMembership.active_q(timezone.localdate()))
    return (
        scope(Person.objects.filter(pk__in=on_team.values("person_id")), actor, "people.manage")
        .select_related("unit")
        .order_by("pinyin", "id")
    )


def todos(actor: Any) -> list[Any] | None:
    """The rosters' line of the home inbox: flagged people on a team, no keep in force (动态调整). Its number is
    `flagged_count`, the adjustment page's own count, so the two cannot disagree (capped alike)."""
    from django.urls import reverse

    from pufa.core.home import Todo

    if not can(actor, "people.manage"):
        return None
    count, capped = flagged_count(actor=actor)
    label = "名队伍成员有动态调整提示，待保留、退出或替换"
    return [Todo(label, count, reverse("people:adjust"), order=60, capped=capped)]


# ---------------------------------------------------------------- dynamic adjustment

#: The adjustment page and its 待办 line count no further than this: below it exact (a community's, a street's
#: flagged people), above it "超过 … 人" — an office's count costs the cap, not its region's roster.
ADJUST_CAP = 200


def flagged_people(*, actor: Any, unit_id: int | None = None) -> QuerySet[Person]:
    """The people the adjustment page lists (see people.adjustment for the rules), in roster order: the
    (pinyin, id) order of the roster list, which an office's page walks through `people_person_pinyin_id`
    and stops after a page of flagged rows (a keeping unit's through `people_person_unit_name`), instead of
    flagging and sorting its whole region."""
    from pufa.people import adjustment

    people = adjustment.flagged(actor=actor, unit_id=unit_id)
    return (people if unit_id else by_keeping_units(people, actor=actor)).order_by("pinyin", "id")


def flagged_count(*, actor: Any, unit_id: int | None = None) -> tuple[int, bool]:
    """(how many people the adjustment page lists, whether more than ADJUST_CAP): the one count of the page and
    of the home 待办 line that links to it, the page's ordered walk stopped after the cap."""
    from pufa.core.forms import capped_count

    return capped_count(flagged_people(actor=actor, unit_id=unit_id), ADJUST_CAP)


def rule_regions(*, actor: Any) -> QuerySet[Region]:
    """Regions whose adjustment rule the actor may set: their own region and the streets below it."""
    return scope(Region.objects.filter(level__in=("city", "district", "street")), actor, "people.rules").order_by(
        "path"
    )


def rule_list(*, actor: Any) -> list[Any]:
    from pufa.people.models import AdjustmentRule

    return list(scope(AdjustmentRule.objects.select_related("region"), actor).order_by("region__path"))


# ---------------------------------------------------------------- phone spot checks


def spotcheck_regions(*, actor: Any) -> QuerySet[Region]:
    """Regions the actor may draw a sample from: their region and the streets below it."""
    return scope(Region.objects.filter(level__in=("city", "district", "street")), actor, "people.spotcheck").order_by(
        "path"
    )


def spotcheck_units(*, actor: Any) -> QuerySet[Unit]:
    """The units a spot check may be made in the name of: the actor's own units with the grant."""
    from pufa.org.models import Membership

    own = Membership.objects.filter(user=actor).values("unit_id") if getattr(actor, "pk", None) else []
    return scope(Unit.objects.filter(pk__in=own), actor, "people.spotcheck").order_by("pinyin")


def spotcheck_list(*, actor: Any, unit_id: int | None = None) -> QuerySet[Any]:
    """The spot checks the actor may see, with their progress (drawn, called, passed); with `unit_id` only
    those that drew someone of that keeping unit."""
    from django.db.models import Count, Q

    from pufa.people.models import SpotCheck, SpotCheckItem

    checks = scope(SpotCheck.objects.select_related("region", "unit"), actor, "people.spotcheck")
    if unit_id:
        checks = checks.filter(items__person__unit_id=unit_id).distinct()
    return checks.annotate(
        drawn=Count("items", distinct=True),
        called=Count("items", filter=~Q(items__outcome=""), distinct=True),
        passed=Count("items", filter=Q(items__outcome__in=SpotCheckItem.PASSED), distinct=True),
    ).order_by("-drawn_on", "-id")


def spotcheck_get(*, actor: Any, pk: int) -> Any:
    from pufa.people.models import SpotCheck

    return visible_or_404(SpotCheck.objects.select_related("region", "unit"), actor, action="people.spotcheck", pk=pk)


def spot_item_get(*, actor: Any, pk: int) -> Any:
    from pufa.people.models import SpotCheckItem

    return visible_or_404(
        SpotCheckItem.objects.select_related("spot_check", "person"), actor, action="people.spotcheck", pk=pk
    )


@dataclass
class StreetRollup:
    name: str
    drawn: int = 0
    called: int = 0
    passed: int = 0
    #: the failed calls by outcome (unaware / wrong / unreachable), so the 通报 can say what went wrong
    failed: dict[str, int] = field(default_factory=dict)

    @property
    def unaware(self) -> int:
        return self.failed.get("unaware", 0)

    @property
    def wrong(self) -> int:
        return self.failed.get("wrong", 0)

    @property
    def unreachable(self) -> int:
        return self.failed.get("unreachable", 0)

    @property
    def rate(self) -> str:
        return f"{100 * self.passed / self.called:.1f}%" if self.called else "—"


def spotcheck_items(*, check: Any) -> tuple[list[Any], list[StreetRollup]]:
    """The drawn people in call order, and the results rolled up per street (for the 通报)."""
    from pufa.people import spotchecks

    items = list(check.items.select_related("person__unit__region", "person__region").order_by("position"))
    streets = {
        r.path: r.name
        for r in Region.objects.filter(path__startswith=check.region.path, level=Region.Level.STREET)
        | Region.objects.filter(pk=check.region.pk, level=Region.Level.STREET)
    }
    rollup: dict[str, StreetRollup] = {}
    for item in items:
        path = spotchecks._street_of(item.person.unit.region.path, set(streets))
        row = rollup.setdefault(path, StreetRollup(streets.get(path, check.region.name)))
        row.drawn += 1
        row.called += bool(item.outcome)
        row.passed += item.passed
        if item.outcome and not item.passed:
            row.failed[item.outcome] = row.failed.get(item.outcome, 0) + 1
    return items, [rollup[k] for k in sorted(rollup)]


# ---------------------------------------------------------------- the member's own page and the portal's 公示


def my_person(*, user: Any) -> Person | None:
    """The roster person linked to a login (a 法律明白人 who signs in on a phone), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.select_related("unit", "region").filter(user=user).first()


@dataclass(frozen=True)
class PublicMember:
    """One line of a community's 公示: public columns only (the phone masked, never an ID number)."""

    community: str
    name: str
    masked_phone: str
    team: str
    helps_with: str  # the team's name (阳光法援志愿服务队), if any
    occupation: str


PUBLIC_COLUMNS = (
    "person__region__name",
    "person__name",
    "person__phone",
    "kind__name",
    "team_name",
    "person__occupation",
)


class PublicRoster:
    """The people of public team kinds on the rosters today, a page at a time (a Paginator slices it), for the
    portal's 公示 — what residents see on the community notice board. Moved-away people are left out."""

    def __init__(self, region_path: str = "") -> None:
        from pufa.core.chinese import mask_phone

        self.mask = mask_phone
        self.rows = TeamMembership.objects.filter(
            TeamMembership.active_q(timezone.localdate()),
            kind__public=True,
            kind__is_active=True,
            person__deleted_at__isnull=True,
            person__moved_away=False,
            person__region__path__startswith=region_path,
        ).order_by("person__region__path", "kind__sort_order", "person__pinyin", "pk")

    def count(self) -> int:
        return self.rows.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[PublicMember]:
        return [
            PublicMember(community, name, self.mask(phone), kind, team_name, occupation)
            for community, name, phone, kind, team_name, occupation in self.rows.values_list(*PUBLIC_COLUMNS)[index]
        ]


def team_members_on(*, day: dt.date, kinds: list[int], unit_paths: list[str]) -> QuerySet[Person]:
    """The people on a team of these kinds on `day` (the roster's one rule, `TeamMembership.active_q`), kept by
    a live unit under one of `unit_paths` — e.g. all 法律明白人 of a street on the day an exam opens. Unscoped:
    the caller (an exam's required list) decides who may see the result."""
    if not kinds or not unit_paths:
        return Person.objects.none()
    under = Q()
    for path in unit_paths:
        under |= Q(unit__path__startswith=path)
    on_team = TeamMembership.objects.filter(TeamMembership.active_q(day), kind_id__in=kinds)
    return Person.objects.filter(under, pk__in=on_team.values("person_id"), unit__deleted_at__isnull=True)
