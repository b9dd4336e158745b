"""Importing a roster .xlsx (the layout of exports.COLUMNS): all or nothing, every row's error in Chinese.

Each row is checked with the form's rules (`services.person_errors`). A row is recognised as an *update* of a
person already on a roster of the same district when its phone or ID number matches (or, for a phone masked
as exports write it, its name and masked phone match a person of the same unit); otherwise it is a new
person. Two rows of the file with the same phone or ID number, a row matching two different people, or a
row matching a person kept by a unit the importer may not manage are refused. Team kinds listed are joined
from 加入日期 (today when empty) unless the person is already on that team; an import never retires anyone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pufa.core import audit
from pufa.core.chinese import mask_phone
from pufa.ledger.services import district_path
from pufa.org.access import Actor, scope
from pufa.org.models import Region, Unit
from pufa.people import identity
from pufa.people.exports import COLUMNS
from pufa.people.models import Person, TeamKind, TeamMembership
from pufa.people.services import PersonData, _announce, _apply, person_errors
from pufa.people.xlsx import RosterFileError, read_rows, text

REQUIRED = ("姓名", "手机号", "居住社区")
GENDERS = {"男": "m", "女": "f", "": ""}
_SPLIT = re.compile(r"[、,，;；\s]+")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    joined: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    data: PersonData
    kinds: list[TeamKind]
    start: dt.date | None
    masked_phone: bool
    masked_id: bool
    shown_phone: str = ""  # the masked phone as written (138****1234)
    shown_id: str = ""  # the masked ID number as written
    match: Person | None = None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    found = _DATE.match(text(value))
    if not found:
        raise ValueError
    return dt.date(*(int(g) for g in found.groups()))


class _Context:
    """Everything rows are resolved against, loaded once per file."""

    def __init__(self, actor: Any) -> None:
        self.units = list(scope(Unit.objects.select_related("region"), actor, "people.manage"))
        self.units_by_name: dict[str, list[Unit]] = defaultdict(list)
        for unit in self.units:
            self.units_by_name[unit.name].append(unit)
            self.units_by_name[unit.code].append(unit)
        self.kinds = {k.name: k for k in TeamKind.objects.filter(is_active=True)}
        paths = {u.region.path for u in self.units}
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(path__startswith=path) | Q(pk__in=[int(p) for p in path.strip("/").split("/") if p])
        self.communities: dict[str, list[Region]] = defaultdict(list)
        for region in Region.objects.filter(q, level__in=(Region.Level.COMMUNITY, Region.Level.GROUP)):
            self.communities[region.name].append(region)
        self._districts: dict[int, str] = {}

    def district(self, unit: Unit) -> str:
        if unit.pk not in self._districts:
            self._districts[unit.pk] = district_path(unit.region)
        return self._districts[unit.pk]


def _parse(number: int, cell: Any, ctx: _Context, problems: list[str]) -> _Row | None:
    name = text(cell("姓名"))
    unit_name = text(cell("管理单位"))
    units = ctx.units_by_name.get(unit_name, []) if unit_name else ctx.units[:1] if len(ctx.units) == 1 else []
    unit = None
    if len(units) == 1:
        unit = units[0]
    elif len(units) > 1:
        problems.append(f"管理单位“{unit_name}”有重名，请填写单位编码")
    elif unit_name:
        problems.append(f"管理单位“{unit_name}”不存在或您无权管理其名册")
    else:
        problems.append("请填写管理单位")
    region_name = text(cell("居住社区"))
    regions = ctx.communities.get(region_name, [])
    if unit is not None:
        regions = [
            r for r in regions if r.path.startswith(unit.region.path) or unit.region.path.startswith(r.path)
        ] or [r for r in regions if r.path.startswith(ctx.district(unit))]
    region = regions[0] if len(regions) == 1 else None
    if not region_name:
        problems.append("请填写居住社区")
    elif len(regions) > 1:
        problems.append(f"居住社区“{region_name}”有重名，无法确定")
    elif region is None:
        problems.append(f"居住社区“{region_name}”不在管理单位辖区内")
    gender_text = text(cell("性别"))
    if gender_text not in GENDERS:
        problems.append("性别应为“男”或“女”")
    birth_text = text(cell("出生年份"))
    birth_year = None
    if birth_text:
        if birth_text.isascii() and birth_text.isdigit() and len(birth_text) == 4:  # "²" is a digit to isdigit()
            birth_year = int(birth_text)
        else:
            problems.append(f"出生年份应为四位数字，不是“{birth_text}”")
    phone = text(cell("手机号"))
    masked_phone = identity.is_masked_phone(phone)
    id_text = identity.normalise_id(text(cell("身份证号")))
    masked_id = "*" in id_text
    if re.fullmatch(r"\d\.\d+E\+\d+", id_text):
        problems.append("身份证号被 Excel 存成了数字，请将该列设为文本格式后重新填写")
    kinds = []
    for part in _SPLIT.split(text(cell("队伍类别"))):
        if not part:
            continue
        kind = ctx.kinds.get(part)
        if kind is None:
            problems.append(f"队伍类别“{part}”不存在")
        elif kind.shape == TeamKind.Shape.HOUSEHOLD:
            problems.append(f"“{part}”请在系统中登记示范户（需填写家庭成员）")
        else:
            kinds.append(kind)
    start = None
    if text(cell("加入日期")):
        try:
            start = _date(cell("加入日期"))
        except ValueError:
            problems.append(f"加入日期“{text(cell('加入日期'))}”无法识别，请写成2025-03-01")
    if unit is None or region is None:
        return None
    data = PersonData(
        name=name,
        region=region,
        unit=unit,
        gender=GENDERS.get(gender_text, ""),
        birth_year=birth_year,
        phone="" if masked_phone else phone,
        id_number="" if masked_id else id_text,
        occupation=text(cell("职业/身份")),
        notes=text(cell("备注")),
    )
    return _Row(number, data, kinds, start, masked_phone, masked_id, shown_phone=phone, shown_id=id_text)


def _match(rows: list[_Row], ctx: _Context, actor: Any, errors: dict[int, list[str]]) -> None:
    """Recognise updates and refuse duplicates (in the file, and against the rosters of the district)."""
    first_phone: dict[str, int] = {}
    first_id: dict[str, int] = {}
    digests: dict[int, str] = {}
    for row in rows:
        phone = identity.normalise_phone(row.data.phone)
        if phone:
            if phone in first_phone:
                errors[row.number].append(f"手机号与第{first_phone[phone]}行重复")
            first_phone.setdefault(phone, row.number)
        if row.data.id_number and not identity.id_error(row.data.id_number):
            digest = identity.id_digest(row.data.id_number)
            digests[row.number] = digest
            if digest in first_id:
                errors[row.number].append(f"身份证号与第{first_id[digest]}行重复")
            first_id.setdefault(digest, row.number)
    existing = Person.objects.filter(Q(phone__in=list(first_phone)) | Q(id_hash__in=list(first_id))).select_related(
        "unit__region"
    )
    by_phone: dict[str, list[Person]] = defaultdict(list)
    by_id: dict[str, list[Person]] = defaultdict(list)
    for person in existing:
        if person.phone:
            by_phone[person.phone].append(person)
        if person.id_hash:
            by_id[person.id_hash].append(person)
    masked_names = {row.data.name for row in rows if row.masked_phone or row.masked_id}
    by_name: dict[tuple[int, str], list[Person]] = defaultdict(list)
    for person in Person.objects.filter(unit__in=ctx.units, name__in=masked_names):
        by_name[(person.unit_id, person.name)].append(person)
    found: list[tuple[_Row, Person]] = []
    for row in rows:
        district = ctx.district(row.data.unit)
        phone = identity.normalise_phone(row.data.phone)
        candidates = {
            p.pk: p
            for p in by_phone.get(phone, []) + by_id.get(digests.get(row.number, ""), [])
            if p.unit.region.path.startswith(district)
        }
        if not candidates and (row.masked_phone or row.masked_id):
            for p in by_name.get((row.data.unit.pk, row.data.name), []):
                phone_ok = not row.masked_phone or mask_phone(p.phone) == identity.normalise_phone(row.shown_phone)
                id_ok = not row.masked_id or (bool(p.id_last4) and row.shown_id.endswith(p.id_last4))
                if phone_ok and id_ok:
                    candidates[p.pk] = p
        if len(candidates) > 1:
            names = "、".join(f"{p.name}（{p.unit.name}）" for p in candidates.values())
            errors[row.number].append(f"手机号和身份证号对应不同的人员：{names}")
        elif candidates:
            found.append((row, next(iter(candidates.values()))))
        elif row.masked_phone:
            errors[row.number].append("手机号为打码格式，但找不到对应的人员，请填写完整手机号")
        elif row.masked_id:
            errors[row.number].append("身份证号为打码格式，但找不到对应的人员，请填写完整身份证号或留空")
    manageable = set(
        scope(Person.objects.filter(pk__in=[p.pk for _, p in found]), actor, "people.manage").values_list(
            "pk", flat=True
        )
    )
    for row, person in found:
        if person.pk not in manageable:
            errors[row.number].append(f"该人员已登记在“{person.unit.name}”的名册中（{person.name}），不能重复登记")
        else:
            row.match = person


def roster_import(*, actor: Actor, file: IO[bytes]) -> ImportResult:
    """Import a roster sheet. Nothing is saved unless every row is valid; the error list names every row."""
    result = ImportResult()
    try:
        rows = list(read_rows(file))
    except RosterFileError as exc:
        result.errors.append(str(exc))
        return result
    if not rows:
        result.errors.append("名册是空的。")
        return result
    index = {text(v): i for i, v in enumerate(rows[0][1]) if text(v)}
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        result.errors.append(f"缺少列：{'、'.join(missing)}（请使用导出的名册或模板：{'、'.join(COLUMNS)}）。")
        return result
    ctx = _Context(actor)
    if not ctx.units:
        result.errors.append("您没有可管理的名册。")
        return result
    errors: dict[int, list[str]] = defaultdict(list)
    parsed: list[_Row] = []
    for number, raw in rows[1:]:
        if not any(text(v) for v in raw):
            continue

        def cell(name: str, raw: list[Any] = raw) -> Any:
            i = index.get(name)
            return raw[i] if i is not None and i < len(raw) else None

        problems: list[str] = []
        row = _parse(number, cell, ctx, problems)
        if row is not None:
            rules = person_errors(row.data, check_duplicates=False)
            problems.extend(m.rstrip("。") for m in rules.values())
            if not row.masked_phone and not row.data.phone:
                problems.append("请填写手机号")
        errors[number].extend(problems)
        if row is not None and not problems:
            parsed.append(row)
    if not parsed and not errors:
        result.errors.append("名册中没有人员。")
        return result
    _match(parsed, ctx, actor, errors)
    result.errors = [f"第{n}行：" + "；".join(msgs) + "。" for n, msgs in sorted(errors.items()) if msgs]
    if result.errors:
        return result
    _write(actor=actor, rows=parsed, result=result)
    return result


@transaction.atomic
def _write(*, actor: Actor, rows: list[_Row], result: ImportResult) -> None:
    today = timezone.localdate()
    people: list[Person] = []
    units = {r.data.unit.pk for r in rows}
    for row in rows:
        person = row.match or Person()
        if row.match is not None:
            units.add(person.unit_id)  # a person moved to another unit leaves the old unit's figures
            if row.masked_phone:
                row.data.phone = person.phone
        _apply(person, row.data)
        people.append(person)
    new = [p for p in people if p.pk is None]
    changed = [p for p in people if p.pk is not None]
    Person.objects.bulk_create(new, batch_size=1000)
    fields = ["name", "pinyin", "gender", "birth_year", "phone", "id_hash", "id_last4", "region", "unit"]
    fields += ["occupation", "notes", "updated_at"]
    now = timezone.now()
    for person in changed:
        person.updated_at = now
    Person.objects.bulk_update(changed, fields, batch_size=1000)
    open_kinds: dict[int, set[int]] = defaultdict(set)
    changed_ids = [p.pk for p in changed]
    for start in range(0, len(changed_ids), 1000):
        pairs = TeamMembership.objects.filter(person_id__in=changed_ids[start : start + 1000], end__isnull=True)
        for person_id, kind_id in pairs.values_list("person_id", "kind_id"):
            open_kinds[person_id].add(kind_id)
    joins = []
    for row, person in zip(rows, people, strict=True):
        for kind in row.kinds:
            if kind.pk not in open_kinds[person.pk]:
                open_kinds[person.pk].add(kind.pk)
                joins.append(TeamMembership(person=person, kind=kind, start=row.start or today))
    TeamMembership.objects.bulk_create(joins, batch_size=1000)
    result.created, result.updated, result.joined = len(new), len(changed), len(joins)
    unit = rows[0].data.unit
    audit.log(
        actor=actor,
        action=audit.Action.IMPORT,
        code="people.import",
        message=f"导入队伍名册：新增{result.created}人，更新{result.updated}人，加入队伍{result.joined}人次",
        scope_path=unit.region.path,
        object_repr="队伍名册",
    )
    _announce(units, [j.start for j in joins] or [today])
