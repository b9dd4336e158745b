"""Every write to the rosters (STYLE.md: one service per write, in a transaction, with its audit entry).

Who may do what (org/roles.py):
- "people.manage" on the keeping unit: add and edit people, add them to teams, retire or replace them, record
  households and training attendance;
- "people.reveal" on the keeping unit: see one full phone number — an explicit action, audited every time
  (the unit keeping the roster, an inspector during a phone check).

Nothing is removed: leaving a team sets its end date and reason, so the roster of any earlier day stays
countable. After each write `_announce()` tells the figures above (targets, dashboards) what changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pufa.core import audit, events
from pufa.core.actors import person as person_of
from pufa.core.chinese import mask_phone, pinyin_key
from pufa.ledger.models import Activity
from pufa.ledger.services import district_path
from pufa.org.access import Actor, require
from pufa.org.models import Region, Unit
from pufa.people import identity, metrics
from pufa.people.models import (
    AdjustmentRule,
    Attendance,
    Household,
    KeepDecision,
    Person,
    SpotCheck,
    SpotCheckItem,
    TeamKind,
    TeamMembership,
)

#: The metrics the rosters' tables feed: every roster write announces them (`_announce`).
METRICS = frozenset({metrics.ROSTER, metrics.HOUSEHOLDS, metrics.TRAINED, metrics.TRAINED_SHARE})
EARLIEST = dt.date(1990, 1, 1)
COMMUNITY_LEVELS = (Region.Level.COMMUNITY, Region.Level.GROUP)


@dataclass
class PersonData:
    """What a liaison types (or an import row holds) for one person. `id_number` empty: unchanged/none."""

    name: str
    region: Region
    unit: Unit
    gender: str = ""
    birth_year: int | None = None
    phone: str = ""
    id_number: str = ""
    occupation: str = ""
    notes: str = ""
    moved_away: bool = False
    no_smartphone: bool = False


@dataclass
class JoinData:
    kind: TeamKind
    start: dt.date
    team_name: str = ""
    serves_regions: list[Region] = field(default_factory=list)
    serves_units: list[Unit] = field(default_factory=list)


# ---------------------------------------------------------------- announcing changes


def _announce(unit_ids: Iterable[int], dates: Iterable[dt.date], actor: Any = None) -> None:
    """Tell the figures above that the rosters of these units changed on these dates (on the event bus).

    Roster counts are states (cumulative metrics): progress recomputes every period that ends on or after the
    earliest date announced, so a change reaches the later periods too."""
    units, days = frozenset(unit_ids), frozenset(dates)
    if not units or not days:
        return
    events.publish(events.RecordsChanged(metrics=METRICS, unit_ids=units, dates=days, source="people", actor=actor))


def on_activities_changed(event: events.ActivitiesChanged) -> None:
    """A training's attendance counts only while its activity counts: when the ledger changes activities that
    roster people attended, the 'trained' figures of those people's keeping units change with them."""
    ids = [a.pk for a in event.activities]
    if not ids:
        return
    units = set(Attendance.objects.filter(activity_id__in=ids).values_list("person__unit_id", flat=True))
    if units:
        events.publish(
            events.RecordsChanged(
                metrics=frozenset({metrics.TRAINED, metrics.TRAINED_SHARE}),
                unit_ids=frozenset(units),
                dates=event.dates or frozenset(a.date for a in event.activities),
                source="people",
                actor=event.actor,
            )
        )


# ---------------------------------------------------------------- validation


def _snapshot(person: Person) -> dict[str, Any]:
    """The audited fields of a person, the phone masked: the trail must not become a second copy of the
    personal data it protects (the ID number is never in it, not even as its digest)."""
    data = audit.snapshot(
        person,
        ["name", "gender", "birth_year", "region", "unit", "occupation", "notes", "moved_away", "no_smartphone"],
    )
    data["phone"] = mask_phone(person.phone)
    data["id_last4"] = person.id_last4
    return data


def _clean(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def person_errors(data: PersonData, *, person: Person | None = None, check_duplicates: bool = True) -> dict[str, str]:
    """The rules for one person, shared by the form and the importer (Chinese messages, keyed by field).
    The importer checks duplicates itself, for the whole file at once (`check_duplicates=False`)."""
    errors: dict[str, str] = {}
    if not _clean(data.name, 50):
        errors["name"] = "请填写姓名。"
    if data.gender not in ("", *Person.Gender.values):
        errors["gender"] = "性别应为“男”或“女”。"
    this_year = timezone.localdate().year
    if data.birth_year is not None and not (this_year - 110 <= data.birth_year <= this_year - 14):
        errors["birth_year"] = f"出生年份应在{this_year - 110}至{this_year - 14}年之间。"
    problem = identity.phone_error(data.phone)
    if problem:
        errors["phone"] = problem + "。"
    if data.id_number:
        problem = identity.id_error(data.id_number)
        if problem:
            errors["id_number"] = problem + "。"
        elif data.birth_year is not None and identity.id_birth_year(data.id_number) != data.birth_year:
            errors["birth_year"] = "出生年份与身份证号不一致。"
    if data.region.level not in COMMUNITY_LEVELS:
        errors["region"] = "居住社区应选择社区/村。"
    elif not (data.region.path.startswith(data.unit.region.path) or data.unit.region.path.startswith(data.region.path)):
        errors["region"] = f"居住社区不在“{data.unit.name}”的辖区内。"
    if not errors and check_duplicates:
        errors.update(_duplicate_errors(data, person=person))
    return errors


def duplicates(*, district: str, phones: Iterable[str] = (), digests: Iterable[str] = ()) -> list[Person]:
    """People of a district with one of these phones or ID digests (duplicate detection, unscoped on purpose:
    a person already kept by another unit must not be entered twice — only the name of that unit is shown)."""
    phones, digests = [p for p in phones if p], [d for d in digests if d]
    if not phones and not digests:
        return []
    from django.db.models import Q

    q = Q(phone__in=phones) if phones else Q(pk__in=[])
    if digests:
        q |= Q(id_hash__in=digests)
    return list(Person.objects.filter(q, unit__region__path__startswith=district).select_related("unit"))


def _duplicate_errors(data: PersonData, *, person: Person | None) -> dict[str, str]:
    phone = identity.normalise_phone(data.phone)
    digest = identity.id_digest(data.id_number) if data.id_number else ""
    errors: dict[str, str] = {}
    for other in duplicates(district=district_path(data.unit.region), phones=[phone], digests=[digest]):
        if person is not None and other.pk == person.pk:
            continue
        if phone and other.phone == phone:
            errors["phone"] = f"该手机号已登记在“{other.unit.name}”的名册中（{other.name}）。"
        if digest and other.id_hash == digest:
            errors["id_number"] = f"该身份证号已登记在“{other.unit.name}”的名册中（{other.name}）。"
    return errors


def _apply(person: Person, data: PersonData) -> None:
    person.name = _clean(data.name, 50)
    person.pinyin = pinyin_key(person.name)
    person.gender = data.gender
    person.birth_year = data.birth_year
    person.phone = identity.normalise_phone(data.phone)
    if data.id_number:
        person.id_hash = identity.id_digest(data.id_number)
        person.id_last4 = identity.normalise_id(data.id_number)[-4:]
        person.birth_year = person.birth_year or identity.id_birth_year(data.id_number)
        person.gender = person.gender or identity.id_gender(data.id_number)
    person.region = data.region
    person.unit = data.unit
    person.occupation = _clean(data.occupation, 100)
    person.notes = _clean(data.notes, 500)
    person.moved_away = data.moved_away
    person.no_smartphone = data.no_smartphone


def _join_errors(join: JoinData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not join.kind.is_active:
        errors["kind"] = f"队伍类别“{join.kind.name}”已停用。"
    if join.start < EARLIEST or join.start > timezone.localdate() + dt.timedelta(days=366):
        errors["start"] = "加入日期不在有效范围内。"
    return errors


# ---------------------------------------------------------------- people


@transaction.atomic
def person_create(*, actor: Actor, data: PersonData, teams: Sequence[JoinData] = ()) -> Person:
    """Add a person to the roster of `data.unit`, on the teams given (each from its start date)."""
    require(actor, "people.manage", data.unit)
    errors = person_errors(data)
    for join in teams:
        errors.update(_join_errors(join))
    if errors:
        raise ValidationError(errors)
    person = Person()
    _apply(person, data)
    person.save()
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=person,
        code="people.person",
        changes={k: [None, v] for k, v in _snapshot(person).items() if v not in (None, "", False)},
    )
    for join in teams:
        _join(actor=actor, person=person, join=join)
    _announce([person.unit_id], [j.start for j in teams] or [timezone.localdate()])
    return person


@transaction.atomic
def person_update(*, actor: Actor, person: Person, data: PersonData) -> Person:
    """Change a person's details; moving them to another keeping unit needs "people.manage" on both."""
    require(actor, "people.manage", person)
    require(actor, "people.manage", data.unit)
    errors = person_errors(data, person=person)
    if errors:
        raise ValidationError(errors)
    before, old_unit = _snapshot(person), person.unit_id
    _apply(person, data)
    person.save()
    changes = audit.diff(before, _snapshot(person))
    if data.id_number:
        changes.setdefault("id_last4", [before["id_last4"], person.id_last4])
    if changes:
        audit.log(actor=actor, action=audit.Action.UPDATE, obj=person, code="people.person", changes=changes)
    if old_unit != person.unit_id:
        starts = list(person.memberships.values_list("start", flat=True))
        _announce({old_unit, person.unit_id}, starts or [timezone.localdate()])
    return person


@transaction.atomic
def person_reveal(*, actor: Actor, person: Person, reason: str = "") -> str:
    """Show one person's full phone number to an entitled user, and record that it was shown."""
    require(actor, "people.reveal", person)
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=person,
        code="people.reveal",
        message=f"查看完整手机号{('：' + reason.strip()[:200]) if reason.strip() else ''}",
    )
    return person.phone


# ---------------------------------------------------------------- teams


def _join(*, actor: Actor, person: Person, join: JoinData, household: Household | None = None) -> TeamMembership:
    membership = TeamMembership.objects.create(
        person=person, kind=join.kind, team_name=_clean(join.team_name, 100), start=join.start, household=household
    )
    if join.serves_regions:
        membership.serves_regions.set(join.serves_regions)
    if join.serves_units:
        membership.serves_units.set(join.serves_units)
    audit.log_create(actor=actor, obj=membership, code="people.join")
    return membership


@transaction.atomic
def membership_add(*, actor: Actor, person: Person, join: JoinData) -> TeamMembership:
    """Put a person on a team from `join.start`. A person is on one team of a kind at a time."""
    require(actor, "people.manage", person)
    errors = _join_errors(join)
    if join.kind.shape == TeamKind.Shape.HOUSEHOLD:
        errors["kind"] = "示范户请通过“登记示范户”添加（需填写家庭成员）。"
    open_ = person.memberships.filter(kind=join.kind, end__isnull=True).exists()
    if open_:
        errors["kind"] = f"{person.name}已在“{join.kind.name}”队伍中。"
    if errors:
        raise ValidationError(errors)
    membership = _join(actor=actor, person=person, join=join)
    _announce([person.unit_id], [join.start])
    return membership


@transaction.atomic
def membership_end(
    *,
    actor: Actor,
    membership: TeamMembership,
    end: dt.date,
    reason: str,
    replacement: Person | None = None,
) -> TeamMembership:
    """Retire a person from a team on `end` (they count up to the day before), with the reason; nothing is
    deleted. With a `replacement`, that person joins the same team on the same day (动态调整：替换)."""
    person = membership.person
    require(actor, "people.manage", person)
    errors: dict[str, str] = {}
    if membership.end is not None:
        errors["end"] = "该任职已结束。"
    elif end <= membership.start:
        errors["end"] = "离任日期应晚于加入日期。"
    elif end > timezone.localdate() + dt.timedelta(days=366):
        errors["end"] = "离任日期不在有效范围内。"
    if not (reason or "").strip():
        errors["reason"] = "请填写调整原因。"
    if replacement is not None:
        require(actor, "people.manage", replacement)
        if replacement.pk == person.pk:
            errors["replacement"] = "接替人不能是本人。"
        elif replacement.memberships.filter(kind=membership.kind, end__isnull=True).exists():
            errors["replacement"] = f"{replacement.name}已在“{membership.kind.name}”队伍中。"
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(membership, ["end", "end_reason"])
    membership.end = end
    membership.end_reason = reason.strip()[:300]
    if replacement is not None:
        successor = _join(
            actor=actor,
            person=replacement,
            join=JoinData(
                kind=membership.kind,
                start=end,
                team_name=membership.team_name,
                serves_regions=list(membership.serves_regions.all()),
                serves_units=list(membership.serves_units.all()),
            ),
            household=None,
        )
        membership.replaced_by = successor
    membership.save()
    audit.log_update(
        actor=actor,
        obj=membership,
        before=before,
        code="people.leave",
        message=f"离任：{membership.end_reason}" + (f"；由{replacement.name}接替" if replacement else ""),
    )
    units = {person.unit_id} | ({replacement.unit_id} if replacement is not None else set())
    _announce(units, [end])
    return membership


@transaction.atomic
def household_create(
    *,
    actor: Actor,
    head: Person,
    kind: TeamKind,
    start: dt.date,
    members: Sequence[Person] = (),
    address: str = "",
) -> Household:
    """Recognise a 学法用法示范户: its head joins the household team kind, its members are listed with it."""
    require(actor, "people.manage", head)
    for member in members:
        require(actor, "people.manage", member)
    errors = _join_errors(JoinData(kind=kind, start=start))
    if kind.shape != TeamKind.Shape.HOUSEHOLD:
        errors["kind"] = f"“{kind.name}”不是示范户类别。"
    elif head.memberships.filter(kind=kind, end__isnull=True).exists():
        errors["head"] = f"{head.name}户已是“{kind.name}”。"
    if errors:
        raise ValidationError(errors)
    household = Household.objects.create(head=head, address=_clean(address, 200))
    household.members.set([m for m in members if m.pk != head.pk])
    audit.log_create(actor=actor, obj=household, code="people.household")
    _join(actor=actor, person=head, join=JoinData(kind=kind, start=start), household=household)
    _announce([head.unit_id], [start])
    return household


# ---------------------------------------------------------------- trainings (attendance)


@transaction.atomic
def attendance_set(*, actor: Actor, activity: Activity, people: Iterable[Person]) -> list[Attendance]:
    """Set who of the actor's rosters attended `activity` (a training recorded once in the ledger).

    The actor changes only the attendance of people they manage; others' stay. One row per person and
    activity, so a training co-organised by two units counts once for each person.
    """
    require(actor, "ledger.view")
    from pufa.org.access import scope

    if not scope(Activity.objects.filter(pk=activity.pk), actor).exists():
        raise ValidationError("找不到该活动。")
    chosen = {p.pk: p for p in people}
    for person in chosen.values():
        require(actor, "people.manage", person)
    manageable = scope(Attendance.objects.filter(activity=activity), actor, "people.manage")
    current = {a.person_id: a for a in manageable.select_related("person")}
    removed = [a for pid, a in current.items() if pid not in chosen]
    added = [Attendance(person=p, activity=activity) for pid, p in chosen.items() if pid not in current]
    if removed:
        Attendance.objects.filter(pk__in=[a.pk for a in removed]).delete()
    Attendance.objects.bulk_create(added)
    if added or removed:
        names_added = "、".join(a.person.name for a in added)
        names_removed = "、".join(a.person.name for a in removed)
        audit.log(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=activity,
            code="people.attendance",
            message=(f"登记参加人员：{names_added}" if added else "")
            + ("；" if added and removed else "")
            + (f"移除参加人员：{names_removed}" if removed else ""),
        )
        units = {a.person.unit_id for a in added} | {a.person.unit_id for a in removed}
        _announce(units, [activity.date])
    return list(Attendance.objects.filter(activity=activity, person_id__in=chosen))


# ---------------------------------------------------------------- dynamic adjustment (动态调整)


@transaction.atomic
def person_keep(*, actor: Actor, person: Person, reason: str, flags: Sequence[str] = ()) -> KeepDecision:
    """Keep a flagged person on their teams, with the reason (quiets the flags for a year, see adjustment)."""
    require(actor, "people.manage", person)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写保留理由。"})
    from pufa.people.adjustment import FLAGS

    labels = "、".join(FLAGS[f] for f in flags if f in FLAGS)
    keep = KeepDecision.objects.create(
        person=person,
        decided_on=timezone.localdate(),
        reason=reason[:300],
        flags=labels[:200],
        decided_by=person_of(actor),
    )
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=person,
        code="people.keep",
        message=f"动态调整：保留（{labels or '无提示'}）：{keep.reason}",
    )
    return keep


@transaction.atomic
def person_retire(*, actor: Actor, person: Person, end: dt.date, reason: str) -> list[TeamMembership]:
    """Retire a person from every team they are on (动态调整：退出), with one reason; nothing is deleted."""
    require(actor, "people.manage", person)
    open_ = list(
        TeamMembership.objects.select_for_update().filter(person=person, end__isnull=True).select_related("kind")
    )
    if not open_:
        raise ValidationError({"end": f"{person.name}目前不在任何队伍中。"})
    return [membership_end(actor=actor, membership=m, end=end, reason=reason) for m in open_]


@transaction.atomic
def rule_set(*, actor: Actor, region: Region, max_age: int, months_untrained: int) -> AdjustmentRule:
    """Set the adjustment thresholds of a region (an office's own region or one below it)."""
    require(actor, "people.rules", region)
    errors: dict[str, str] = {}
    if not 40 <= max_age <= 100:
        errors["max_age"] = "年龄上限应在40至100岁之间。"
    if not 1 <= months_untrained <= 36:
        errors["months_untrained"] = "未参训月数应在1至36个月之间。"
    if errors:
        raise ValidationError(errors)
    rule = AdjustmentRule.objects.select_for_update().filter(region=region).first()
    before = audit.snapshot(rule, ["max_age", "months_untrained"]) if rule else None
    if rule is None:
        rule = AdjustmentRule(region=region)
    rule.max_age, rule.months_untrained = max_age, months_untrained
    rule.save()
    if before is None:
        audit.log_create(actor=actor, obj=rule, code="people.rule")
    else:
        audit.log_update(actor=actor, obj=rule, before=before, code="people.rule")
    return rule


# ---------------------------------------------------------------- phone spot checks (电话抽查)

MAX_SAMPLE = 2000


@transaction.atomic
def spot_check_create(
    *,
    actor: Actor,
    region: Region,
    unit: Unit,
    title: str,
    count: int | None = None,
    share: int | None = None,
    per_street: bool = False,
    kinds: Sequence[str] = (),
    seed: int | None = None,
) -> SpotCheck:
    """Draw a sample of the people on the rosters of `region` today (see people.spotchecks), with a recorded
    seed (a fresh random one unless given), so the draw can be reproduced and verified."""
    import secrets

    from pufa.people import spotchecks

    require(actor, "people.spotcheck", region)
    require(actor, "people.spotcheck", unit)
    errors: dict[str, str] = {}
    title = _clean(title, 100)
    if not title:
        errors["title"] = "请填写抽查名称。"
    if (count is None) == (share is None):
        errors["count"] = "请填写抽取人数或抽取比例（二选一）。"
    elif count is not None and not 1 <= count <= MAX_SAMPLE:
        errors["count"] = f"抽取人数应在1至{MAX_SAMPLE}之间。"
    elif share is not None and not 1 <= share <= 100:
        errors["share"] = "抽取比例应在1%至100%之间。"
    if seed is not None and not 0 <= seed < 2**62:
        errors["seed"] = "随机种子应为非负整数。"
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    people = spotchecks.population(region=region, day=today, kinds=kinds)
    seed = secrets.randbelow(2**62) if seed is None else seed
    picked = spotchecks.draw(people, seed=seed, count=count, share=share, per_street=per_street)
    if not picked:
        raise ValidationError({"count": "抽查范围内没有在册人员。"})
    if len(picked) > MAX_SAMPLE:
        raise ValidationError({"share": f"抽取人数超过{MAX_SAMPLE}人，请降低比例或按人数抽取。"})
    check = SpotCheck.objects.create(
        title=title,
        region=region,
        unit=unit,
        drawn_on=today,
        seed=seed,
        count=count,
        share=share,
        per_street=per_street,
        kinds=",".join(kinds)[:300],
        population=len(people),
        population_digest=spotchecks.digest(pk for pk, _ in people),
        created_by=person_of(actor),
    )
    SpotCheckItem.objects.bulk_create(
        SpotCheckItem(spot_check=check, person_id=pk, position=i) for i, pk in enumerate(picked, start=1)
    )
    audit.log(
        actor=actor,
        action=audit.Action.CREATE,
        obj=check,
        code="people.spotcheck",
        message=f"抽取{len(picked)}人（总体{len(people)}人，随机种子{seed}）",
    )
    return check


@transaction.atomic
def spot_item_record(*, actor: Actor, item: SpotCheckItem, outcome: str, note: str = "") -> SpotCheckItem:
    """Record what a call found. A failed call raises the person's 电话抽查未通过 flag (people.adjustment)."""
    item = SpotCheckItem.objects.select_for_update().select_related("spot_check", "person").get(pk=item.pk)
    require(actor, "people.spotcheck", item.spot_check)
    if outcome not in SpotCheckItem.PASSED + SpotCheckItem.FAILED:
        raise ValidationError({"outcome": "请选择抽查结果。"})
    before = audit.snapshot(item, ["outcome", "note"])
    item.outcome = outcome
    item.note = _clean(note, 300)
    item.recorded_at = timezone.now()
    item.recorded_by = person_of(actor)
    item.save()
    audit.log_update(actor=actor, obj=item, before=before, code="people.spotcheck.record")
    events.publish(
        events.RecordsChanged(
            metrics=frozenset({metrics.SPOT_RATE}),
            unit_ids=frozenset({item.person.unit_id}),
            dates=frozenset({timezone.localdate()}),
            source="people",
            actor=actor,
        )
    )
    return item


# ---------------------------------------------------------------- team kinds (the office's taxonomy)


@transaction.atomic
def kind_create(*, actor: Actor, name: str, shape: str = TeamKind.Shape.TEAM, public: bool = True) -> TeamKind:
    """Add a team kind beside the seeds' (法律明白人 …): e.g. 一幢一长普法宣传员."""
    require(actor, "people.kinds")
    name = _clean(name, 50)
    if not name:
        raise ValidationError({"name": "请填写类别名称。"})
    if shape not in TeamKind.Shape.values:
        raise ValidationError({"shape": "请选择形式。"})
    if TeamKind.objects.filter(name=name).exists():
        raise ValidationError({"name": "已有同名的队伍类别。"})
    code = f"t{TeamKind.objects.count() + 1}"
    while TeamKind.objects.filter(code=code).exists():
        code += "x"
    kind = TeamKind.objects.create(name=name, code=code, shape=shape, public=public, sort_order=200)
    audit.log_create(actor=actor, obj=kind, code="people.kind")
    return kind


@transaction.atomic
def kind_update(*, actor: Actor, kind: TeamKind, public: bool, is_active: bool) -> TeamKind:
    """Show a kind on the portal or not; retire it (no new members) — never delete: old rosters keep it."""
    require(actor, "people.kinds")
    kind = TeamKind.objects.select_for_update().get(pk=kind.pk)
    before = audit.snapshot(kind, ["public", "is_active"])
    kind.public, kind.is_active = public, is_active
    kind.save()
    audit.log_update(actor=actor, obj=kind, before=before, code="people.kind")
    return kind


# ---------------------------------------------------------------- a member's own login


@transaction.atomic
def person_login_grant(*, actor: Actor, person: Person, username: str, password: str) -> Any:
    """开通登录账号: an account for a roster person, acting for the unit that keeps the roster in the member role,
    so a 法律明白人 can sign in on a phone and see their teams, trainings and results (the member's page).

    The account is made by `org.services.user_create` (the office's right to manage accounts in that unit, the
    password rules, the audit entry); the person row is locked first, so two parallel clicks cannot make two
    accounts for one person."""
    from pufa.org import services as org_services
    from pufa.org.models import Membership

    require(actor, "people.manage", person)
    person = Person.objects.select_for_update(of=("self",)).get(pk=person.pk)
    if person.user_id:
        raise ValidationError({"username": "此人已开通登录账号。"})
    user = org_services.user_create(
        actor=actor,
        data=org_services.UserData(username=username, full_name=person.name, phone=person.phone),
        password=password,
        unit=person.unit,
        role=Membership.Role.MEMBER,
    )
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=person,
        code="people.login",
        message=f"开通登录账号：{user.username}",
    )
    return user


@transaction.atomic
def person_login_revoke(*, actor: Actor, person: Person) -> None:
    """停用登录账号: the person keeps their roster record; the account's member role in the keeping unit ends and
    the account is unlinked (kept, inactive, so the trail still shows who recorded what)."""
    from pufa.org import services as org_services
    from pufa.org.models import Membership

    require(actor, "people.manage", person)
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    user = person.user
    if user is None:
        return
    for membership in Membership.objects.filter(
        user=user, unit=person.unit, role=Membership.Role.MEMBER, is_active=True
    ):
        org_services.membership_end(actor=actor, membership=membership)
    person.user = None
    person.save(update_fields=["user", "updated_at"])
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=person,
        code="people.login",
        message=f"停用登录账号：{user.username}",
    )
