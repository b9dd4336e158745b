"""Importing venues from an .xlsx (the layout of exports.COLUMNS): all or nothing, every row's error in Chinese.

The sheet is read through the bounded reader (`pufa.core.spreadsheets.read_xlsx`). Each row is resolved
against what the importer may edit (kinds by name, units and regions within `venues.edit`) and checked with
the form's rules (`services.validate`). A row is recognised as an *update* of a venue already recorded —
by its 编号 (as the export writes it), else by the same name in the same region — so importing an exported
file again changes nothing and adds no copies; a row whose values equal the venue's is left untouched. A row
naming a venue the importer may not edit, or two rows naming one venue, are refused. Nothing is saved unless
every row is valid; the writes go through the services (audit entry and event each) plus one import entry.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

from pufa.core import audit, spreadsheets
from pufa.org.access import Actor, scope
from pufa.org.models import Region, Unit
from pufa.venues import selectors, services
from pufa.venues.exports import COLUMNS
from pufa.venues.models import Venue, VenueKind
from pufa.venues.services import VenueData

MAX_ROWS = 5_000
MAX_COLS = 30
REQUIRED = ["阵地名称", "阵地类型", "所在区划", "管理单位"]
LEVELS = {label: value for value, label in Venue.Level.choices} | {v: v for v in Venue.Level.values}
STATUSES = {label: value for value, label in Venue.Status.choices} | {v: v for v in Venue.Status.values}
TEXT_LIMITS = {"阵地名称": 100, "地址": 200, "开放时间": 100, "简介/特色": 2000}
#: (max digits, decimal places) of the model's decimal columns.
DECIMALS = {"面积（平方米）": (10, 2), "经度": (9, 6), "纬度": (8, 6)}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    number: int
    data: VenueData
    pk: int | None
    match: Venue | None = None


def _header(value: Any) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any, epoch: dt.datetime) -> dt.date | None:
    """A date cell, an Excel serial number or text such as 2026-01-10, 2026/1/10, 2026年1月10日."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            converted = from_excel(value, epoch)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ValueError from exc
        return converted.date() if isinstance(converted, dt.datetime) else None
    m = _DATE.match(str(value).strip())
    if m is None:
        raise ValueError
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def _decimal(value: Any, digits: int, places: int) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError
    try:
        number = Decimal(str(value).strip().replace("，", "").replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError from exc
    if not number.is_finite():
        raise ValueError
    number = number.quantize(Decimal(1).scaleb(-places))
    if len(number.as_tuple().digits) > digits:
        raise ValueError
    return number


class _Context:
    """What rows are resolved against, loaded once per file: kinds, and the units and regions the actor edits."""

    def __init__(self, actor: Any) -> None:
        self.kinds: dict[str, VenueKind] = {}
        for kind in VenueKind.objects.filter(is_active=True):
            self.kinds.setdefault(kind.code, kind)
            self.kinds[kind.name] = kind
        self.units: dict[str, list[Unit]] = defaultdict(list)
        for unit in selectors.editable_units(actor=actor):
            self.units[unit.name].append(unit)
        self.regions: dict[str, list[Region]] = defaultdict(list)
        for region in selectors.editable_regions(actor=actor):
            self.regions[region.name].append(region)

    def unit(self, name: str, problems: list[str]) -> Unit | None:
        found = self.units.get(name, [])
        if len(found) == 1:
            return found[0]
        problems.append(
            f"管理单位“{name}”有重名，请改用单位全称" if found else f"管理单位“{name}”不存在或不在您的管理范围内"
        )
        return None

    def region(self, name: str, unit: Unit | None, problems: list[str]) -> Region | None:
        found = self.regions.get(name, [])
        if len(found) > 1 and unit is not None:  # same-named communities of different streets: the unit's one
            found = [r for r in found if r.path.startswith(unit.region.path)]
        if len(found) == 1:
            return found[0]
        problems.append(
            f"所在区划“{name}”有重名，请核对管理单位" if found else f"所在区划“{name}”不存在或不在您的管理范围内"
        )
        return None


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _parse(number: int, cell: Any, ctx: _Context, epoch: dt.datetime, errors: list[str]) -> _Row | None:
    problems: list[str] = []
    values = {name: _text(cell(name)) for name in COLUMNS}
    for name, value in values.items():
        if "\x00" in value:
            problems.append(f"“{name}”含有无效字符")
            values[name] = value.replace("\x00", "")
    problems += [f"“{name}”不能为空" for name in REQUIRED if not values[name]]
    problems += [f"“{name}”不能超过 {limit} 个字" for name, limit in TEXT_LIMITS.items() if len(values[name]) > limit]
    pk = None
    if values["编号"]:
        if values["编号"].isascii() and values["编号"].isdigit() and len(values["编号"]) <= 12:
            pk = int(values["编号"])
        else:
            problems.append(f"编号“{values['编号'][:20]}”应为导出文件中的数字，新增阵地请留空")
    kind = ctx.kinds.get(values["阵地类型"]) if values["阵地类型"] else None
    if values["阵地类型"] and kind is None:
        problems.append(f"阵地类型“{values['阵地类型'][:30]}”不存在或已停用（见“阵地类型”页）")
    level = LEVELS.get(values["级别"] or Venue.Level.COMMUNITY)
    if level is None:
        problems.append(f"级别应为{'、'.join(Venue.Level.labels)}之一，不是“{values['级别'][:20]}”")
    status = STATUSES.get(values["状态"] or Venue.Status.OPEN)
    if status is None:
        problems.append(f"状态应为{'、'.join(Venue.Status.labels)}之一，不是“{values['状态'][:20]}”")
    unit = ctx.unit(values["管理单位"][:100], problems) if values["管理单位"] else None
    region = ctx.region(values["所在区划"][:100], unit, problems) if values["所在区划"] else None
    dates: dict[str, dt.date | None] = {}
    for name in ("开放日期", "停用日期"):
        try:
            dates[name] = _date(cell(name), epoch)
        except (ValueError, OverflowError):
            problems.append(f"“{name}”应为日期（如 2026-01-10），不是“{values[name][:20]}”")
            dates[name] = None
    numbers: dict[str, Decimal | None] = {}
    for name, (digits, places) in DECIMALS.items():
        try:
            numbers[name] = _decimal(cell(name), digits, places)
        except ValueError:
            problems.append(f"“{name}”应为数字，不是“{values[name][:20]}”")
            numbers[name] = None
    lon, lat = numbers["经度"], numbers["纬度"]
    if lon is not None and not -180 <= lon <= 180:
        problems.append("经度应在 -180 到 180 之间")
    if lat is not None and not -90 <= lat <= 90:
        problems.append("纬度应在 -90 到 90 之间")
    if problems or kind is None or unit is None or region is None or level is None or status is None:
        errors.append(f"第{number}行：" + "；".join(problems) + "。")
        return None
    data = VenueData(
        name=values["阵地名称"],
        kind=kind,
        level=level,
        region=region,
        unit=unit,
        status=status,
        address=values["地址"],
        longitude=lon,
        latitude=lat,
        area_m2=numbers["面积（平方米）"],
        opened_on=dates["开放日期"],
        closed_on=dates["停用日期"],
        opening_hours=values["开放时间"],
        description=values["简介/特色"],
    )
    try:
        services.validate(data)
    except ValidationError as exc:
        errors.append(f"第{number}行：" + "；".join(m.rstrip("。") for m in _messages(exc)) + "。")
        return None
    return _Row(number, data, pk)


def _match(rows: list[_Row], actor: Any, errors: list[str]) -> None:
    """Recognise the venue each row updates (by 编号, else by name in its region); refuse two rows for one venue
    and rows naming a venue the actor may not edit."""
    editable = scope(Venue.objects.all(), actor, "venues.edit")
    by_pk = {v.pk: v for v in editable.filter(pk__in=[r.pk for r in rows if r.pk is not None])}
    names = {r.data.name for r in rows if r.pk is None}
    region_ids = {r.data.region.pk for r in rows if r.pk is None}
    by_key: dict[tuple[int, str], list[Venue]] = defaultdict(list)
    for venue in Venue.objects.filter(name__in=names, region_id__in=region_ids).select_related("unit"):
        by_key[(venue.region_id, venue.name)].append(venue)
    named = [v.pk for vs in by_key.values() for v in vs]
    editable_ids = set(editable.filter(pk__in=named).values_list("pk", flat=True))
    first: dict[Any, int] = {}
    for row in rows:
        problem = ""
        if row.pk is not None:
            row.match = by_pk.get(row.pk)
            if row.match is None:
                problem = f"编号 {row.pk} 的阵地不存在或您无权修改，新增阵地请把编号留空"
        else:
            found = by_key.get((row.data.region.pk, row.data.name), [])
            if len(found) > 1:
                problem = f"“{row.data.region.name}”已有 {len(found)} 个名为“{row.data.name}”的阵地，请填写编号"
            elif found and found[0].pk not in editable_ids:
                problem = f"“{row.data.name}”已由“{found[0].unit.name}”登记，您无权修改"
            elif found:
                row.match = found[0]
        key: Any = row.match.pk if row.match is not None else (row.data.region.pk, row.data.name)
        if not problem and key in first:
            problem = f"与第{first[key]}行是同一个阵地"
        first.setdefault(key, row.number)
        if problem:
            errors.append(f"第{row.number}行：{problem}。")


def _same(venue: Venue, data: VenueData) -> bool:
    return all(
        (getattr(venue, f"{name}_id") == getattr(data, name).pk)
        if name in ("kind", "region", "unit")
        else getattr(venue, name) == getattr(data, name)
        for name in services.FIELDS
    )


def venue_import(*, actor: Actor, file: IO[bytes] | bytes) -> ImportResult:
    """Import a venues sheet. Nothing is saved unless every row is valid (see the module's docstring)."""
    result = ImportResult()
    try:
        sheet = spreadsheets.read_xlsx(file, max_rows=MAX_ROWS, max_cols=MAX_COLS)
    except spreadsheets.SpreadsheetError as exc:
        result.errors.append(str(exc))
        return result
    if not sheet.rows:
        result.errors.append("文件为空：第一个工作表没有内容。")
        return result
    (header_number, header_row), body = sheet.rows[0], sheet.rows[1:]
    header = [_header(v) for v in header_row]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.errors.append(
            f"第{header_number}行（表头）缺少列：{'、'.join(missing)}。表头应为：{'、'.join(COLUMNS)}。"
        )
        return result
    index = {name: header.index(name) for name in COLUMNS if name in header}
    body = [(n, row) for n, row in body if any(_text(v) for v in row)]
    if not body:
        result.errors.append("文件中没有阵地数据（表头以下为空）。")
        return result
    epoch = sheet.epoch or CALENDAR_WINDOWS_1900
    ctx = _Context(actor)
    rows: list[_Row] = []
    for number, values in body:

        def cell(name: str, values: list[Any] = values) -> Any:
            i = index.get(name)
            return values[i] if i is not None and i < len(values) else None

        parsed = _parse(number, cell, ctx, epoch, result.errors)
        if parsed is not None:
            rows.append(parsed)
    _match(rows, actor, result.errors)
    if result.errors:
        return result
    unit_ids: set[int] = set()
    dates: set[dt.date | None] = set()
    with transaction.atomic():
        for row in rows:
            if row.match is None:
                services.venue_create(actor=actor, data=row.data, announce_change=False)
                result.created += 1
            elif _same(row.match, row.data):
                result.unchanged += 1
                continue
            else:
                unit_ids.add(row.match.unit_id)
                dates.update((row.match.opened_on, row.match.closed_on))
                services.venue_update(actor=actor, venue=row.match, data=row.data, announce_change=False)
                result.updated += 1
            unit_ids.add(row.data.unit.pk)
            dates.update((row.data.opened_on, row.data.closed_on))
        if unit_ids:  # one announcement for the file: the targets recompute once, not once per row
            services.announce(actor=actor, unit_ids=unit_ids, dates=dates)
        audit.log(
            actor=actor,
            action=audit.Action.IMPORT,
            code="venues.venue.import",
            message=f"导入阵地：新增 {result.created} 个，更新 {result.updated} 个，未变 {result.unchanged} 个",
            scope_path=rows[0].data.region.path,
        )
    return result
