"""Importing a ledger .xlsx (the layout of exports.COLUMNS): all or nothing, every row's error in Chinese.

Names are resolved to ids through dictionaries loaded once (units, regions, forms, domains, audiences,
tasks), each row is checked with the same rules as the form (services.activity_errors), and a valid file
is written with bulk inserts inside one transaction and audited as one entry — 10,000 rows in seconds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

from pufa.core import audit, spreadsheets
from pufa.core.actors import person
from pufa.core.bulk import insert_rows
from pufa.core.events import ActivitiesChanged
from pufa.core.models import ActivityKind, Audience, Domain
from pufa.ledger import services
from pufa.ledger.exports import HEADERS, SHEET
from pufa.ledger.models import Activity, ActivityUnit
from pufa.ledger.services import ActivityData, activity_errors, home_area_path, participant_rows
from pufa.org.access import Actor, scope
from pufa.org.models import Region, Unit
from pufa.plans.models import Task

Status = Activity.Status
MAX_ROWS = 20_000
MAX_COLS = 100  # the template has 20; room for an office's own extra columns
REQUIRED = ["活动日期", "活动名称", "活动形式", "组织单位"]
#: Other headers offices use for the same columns.
ALIASES = {
    "活动日期": ["日期", "时间", "活动时间", "开展时间", "开展日期"],
    "活动名称": ["名称", "活动主题", "主题", "活动内容", "活动项目"],
    "活动形式": ["形式", "活动类型", "类型", "活动方式", "方式"],
    "组织单位": ["单位", "主办单位", "牵头单位", "责任单位", "单位名称", "组织单位名称"],
    "协办单位": ["联合单位", "参与单位", "配合单位"],
    "活动地点": ["地点", "开展地点"],
    "所在区划": ["区划", "所在社区", "所在村（社区）", "所在社区（村）"],
    "普法领域": ["领域"],
    "普法对象": ["对象", "受众对象", "宣传对象"],
    "宣传的法律法规": ["法律法规", "宣传法律法规", "宣传内容"],
    "现场受众（人次）": ["现场受众", "受众人数", "参与人数", "人数", "受众人次", "现场人数", "参加人数"],
    "线上受众（人次）": ["线上受众", "线上人数", "网络受众"],
    "发放资料（份）": ["发放资料", "发放资料数", "资料（份）", "发放宣传资料", "发放资料（册）"],
    "计入任务": ["关联任务", "任务"],
    "活动简介": ["简介", "备注", "活动情况", "活动简况"],
    "典型做法": ["是否典型"],
}
YES = {"是", "√", "Y", "y", "yes", "1", "true", "TRUE"}
NO = {"否", "", "N", "n", "no", "0", "false", "FALSE", "×"}
SPLIT = re.compile(r"[、，,；;\n]+")


@dataclass
class ImportResult:
    created: int = 0
    errors: list[str] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _norm_header(value: Any) -> str:
    text = "" if value is None else str(value)
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _date(value: Any, epoch: Any = None) -> dt.date | None:
    """A real date cell (an Excel serial number), or text such as 2025-03-15, 2025/3/15, 2025年3月15日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 20000 < value < 80000:
        return from_excel(value, epoch=epoch or CALENDAR_WINDOWS_1900).date()
    text = _text(value)
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _count(value: Any) -> int | None:
    """A head count or number of copies: blank is 0; "1,200" and 1200.0 are 1200; anything else is None."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = _text(value).replace(",", "").replace("，", "").removesuffix("人").removesuffix("份")
    return int(text) if text.isascii() and text.isdigit() else None  # "²" and "①" are digits to isdigit()


class _Names:
    """A name (or code) → object dictionary that remembers ambiguous names."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[Any]] = defaultdict(list)

    def add(self, key: str, obj: Any) -> None:
        key = (key or "").strip()
        if key and obj not in self.by_key[key]:
            self.by_key[key].append(obj)

    def find(self, key: str) -> list[Any]:
        return self.by_key.get(key.strip(), [])


@dataclass
class _Context:
    """Everything a row is resolved against, loaded once per file."""

    recordable: _Names
    reviewable_ids: set[int]
    all_units: _Names
    regions: _Names
    kinds: _Names
    domains: _Names
    audiences: _Names
    tasks: _Names
    district_of: Callable[[Region], str]


def _load_context(actor: Actor) -> _Context:
    units = list(Unit.objects.select_related("region"))
    recordable_ids = set(
        (scope(Unit.objects.all(), actor, "ledger.record") if actor else Unit.objects.all()).values_list(
            "pk", flat=True
        )
    )
    reviewable_ids = set(
        (scope(Unit.objects.all(), actor, "ledger.review") if actor else Unit.objects.all()).values_list(
            "pk", flat=True
        )
    )
    recordable, all_units = _Names(), _Names()
    for unit in units:
        for names in (all_units, recordable) if unit.pk in recordable_ids else (all_units,):
            names.add(unit.name, unit)
            names.add(unit.code, unit)
    for unit in units:  # aliases only where they name one unit
        for alias in unit.aliases or []:
            if not all_units.find(alias):
                all_units.add(alias, unit)
                if unit.pk in recordable_ids:
                    recordable.add(alias, unit)
    regions_by_pk = {r.pk: r for r in Region.objects.all()}
    regions = _Names()
    for region in regions_by_pk.values():
        regions.add(region.name, region)
    district_cache: dict[int, str] = {}

    def district_of(region: Region) -> str:
        if region.pk not in district_cache:
            parts = [int(p) for p in region.path.split("/") if p]
            found = next(
                (
                    regions_by_pk[p].path
                    for p in parts
                    if p in regions_by_pk and regions_by_pk[p].level == Region.Level.DISTRICT
                ),
                f"/{parts[0]}/" if parts else "/",
            )
            district_cache[region.pk] = found
        return district_cache[region.pk]

    kinds, domains, audiences = _Names(), _Names(), _Names()
    for model, names in ((ActivityKind, kinds), (Domain, domains), (Audience, audiences)):
        for obj in model.objects.all():
            names.add(obj.name, obj)
            names.add(obj.code, obj)
    tasks = _Names()
    visible_tasks = scope(Task.objects.all(), actor, "plans.view") if actor else Task.objects.all()
    for task in visible_tasks.select_related("plan"):
        tasks.add(str(task), task)
        tasks.add(task.title, task)
        tasks.add(f"#{task.pk}", task)
    return _Context(
        recordable, reviewable_ids, all_units, regions, kinds, domains, audiences, tasks, district_of=district_of
    )


def _read(file: IO[bytes], result: ImportResult) -> tuple[dict[str, int], list[tuple[int, list]], Any] | None:
    try:
        sheet = spreadsheets.read_xlsx(file, max_rows=MAX_ROWS, max_cols=MAX_COLS, sheet=SHEET)
    except spreadsheets.SpreadsheetError as exc:
        result.errors.append(str(exc))
        return None
    if not sheet.rows:
        result.errors.append("文件为空：工作表没有内容。")
        return None
    first, rest = sheet.rows[0], sheet.rows[1:]
    wanted = {_norm_header(h): h for h in HEADERS}
    for canonical, aliases in ALIASES.items():
        for alias in aliases:
            wanted.setdefault(_norm_header(alias), canonical)
    index: dict[str, int] = {}
    for i, value in enumerate(first[1]):
        canonical = wanted.get(_norm_header(value))
        if canonical and canonical not in index:
            index[canonical] = i
    missing = [c for c in REQUIRED if c not in index]
    if missing:
        result.errors.append(
            f"第{first[0]}行（表头）缺少列：{'、'.join(missing)}。请使用导入模板，表头为：{'、'.join(HEADERS[1:17])}。"
        )
        return None
    data = [(number, row) for number, row in rest if any(_text(v) for v in row)]
    if not data:
        result.errors.append("文件中没有台账数据（表头以下为空）。")
        return None
    return index, data, sheet.epoch


def _one(names: _Names, raw: str, label: str, problems: list[str], narrow: Callable[[Any], bool] | None = None) -> Any:
    found = names.find(raw)
    if len(found) > 1 and narrow is not None:
        found = [f for f in found if narrow(f)] or found
    if not found:
        problems.append(f"{label}“{raw}”不存在")
        return None
    if len(found) > 1:
        problems.append(f"{label}“{raw}”有重名，请改填单位编码")
        return None
    return found[0]


def _many(
    names: _Names, raw: str, label: str, problems: list[str], narrow: Callable[[Any], bool] | None = None
) -> list:
    items = []
    for part in SPLIT.split(raw):
        if part.strip():
            item = _one(names, part.strip(), label, problems, narrow)
            if item is not None and item not in items:
                items.append(item)
    return items


def activity_import(*, actor: Actor, file: IO[bytes], status: str = Status.SUBMITTED) -> ImportResult:
    """Import a ledger sheet. Nothing is saved unless every row is valid; the error list names every row.

    Rows become `status` (submitted by default; draft; or confirmed when the actor reviews every organiser).
    The organiser must be a unit the actor records for; co-organisers may be any unit, matched by name
    (preferring the organiser's district), code or unambiguous alias. Exact repeats (same unit, date and
    title) — within the file or already in the ledger — are refused, so nothing is counted twice.
    """
    result = ImportResult()
    if status not in (Status.DRAFT, Status.SUBMITTED, Status.CONFIRMED):
        result.errors.append("导入后的状态无效。")
        return result
    read = _read(file, result)
    if read is None:
        return result
    index, rows, epoch = read
    ctx = _load_context(actor)
    today = timezone.localdate()

    def cell(row: list, name: str) -> Any:
        i = index.get(name)
        return row[i] if i is not None and i < len(row) else None

    prepared: list[tuple[int, ActivityData]] = []
    for number, row in rows:  # row: list of cell values
        problems: list[str] = []
        raw_date = cell(row, "活动日期")
        day = _date(raw_date, epoch)
        if _text(raw_date) == "":
            problems.append("“活动日期”不能为空")
        elif day is None:
            problems.append(f"活动日期“{_text(raw_date)}”无法识别，请写成2025-03-15或设为日期格式")
        title = _text(cell(row, "活动名称"))
        if not title:
            problems.append("“活动名称”不能为空")
        kind_name = _text(cell(row, "活动形式"))
        kind = _one(ctx.kinds, kind_name, "活动形式", problems) if kind_name else None
        if not kind_name:
            problems.append("“活动形式”不能为空")
        unit_name = _text(cell(row, "组织单位"))
        unit = None
        if not unit_name:
            problems.append("“组织单位”不能为空")
        elif ctx.recordable.find(unit_name) or not ctx.all_units.find(unit_name):
            unit = _one(ctx.recordable, unit_name, "组织单位", problems)
        else:
            problems.append(f"您无权为“{unit_name}”登记台账")
        here = ctx.district_of(unit.region) if unit is not None else ""

        def in_district(obj: Any, here: str = here) -> bool:
            path = obj.region.path if isinstance(obj, Unit) else obj.path
            return bool(here) and path.startswith(here)

        co = _many(ctx.all_units, _text(cell(row, "协办单位")), "协办单位", problems, in_district)
        region_name = _text(cell(row, "所在区划"))
        place_region = _one(ctx.regions, region_name, "所在区划", problems, in_district) if region_name else None
        counts = {}
        for name in ("现场受众（人次）", "线上受众（人次）", "发放资料（份）"):
            value = _count(cell(row, name))
            if value is None:
                problems.append(f"“{name}”应为整数，不是“{_text(cell(row, name))}”")
            counts[name] = value or 0
        flag = _text(cell(row, "典型做法"))
        if flag not in YES | NO:
            problems.append(f"“典型做法”应填“是”或留空，不是“{flag}”")
        data = ActivityData(
            unit=unit,  # type: ignore[arg-type]
            title=title,
            kind=kind,  # type: ignore[arg-type]
            date=day,  # type: ignore[arg-type]
            co_organisers=co,
            place=_text(cell(row, "活动地点")),
            place_region=place_region,
            domains=_many(ctx.domains, _text(cell(row, "普法领域")), "普法领域", problems),
            audiences=_many(ctx.audiences, _text(cell(row, "普法对象")), "普法对象", problems),
            laws=_text(cell(row, "宣传的法律法规")),
            people_onsite=counts["现场受众（人次）"],
            people_online=counts["线上受众（人次）"],
            materials=counts["发放资料（份）"],
            tasks=_many(ctx.tasks, _text(cell(row, "计入任务")), "计入任务", problems),
            description=_text(cell(row, "活动简介")),
            is_highlight=flag in YES and flag != "",
        )
        if unit is not None and kind is not None and day is not None and title:
            rules = activity_errors(data, district_of=ctx.district_of, today=today)
            problems.extend(m.rstrip("。") for m in rules.values())
            if status != Status.DRAFT and day > today:
                problems.append("活动日期在今天之后，不能作为已开展的活动导入（可选择导入为草稿）")
            if status == Status.CONFIRMED and unit.pk not in ctx.reviewable_ids:
                problems.append(f"您无权确认“{unit.name}”的台账")
        if problems:
            result.errors.append(f"第{number}行：" + "；".join(problems) + "。")
        else:
            prepared.append((number, data))

    _refuse_repeats(prepared, result)
    if result.errors:
        return result
    _write(actor=actor, prepared=[d for _, d in prepared], status=status, result=result)
    return result


def _refuse_repeats(prepared: list[tuple[int, ActivityData]], result: ImportResult) -> None:
    if not prepared:
        return
    seen: dict[tuple[int, dt.date, str], int] = {}
    for number, data in prepared:
        key = (data.unit.pk, data.date, data.title.strip())
        if key in seen:
            result.errors.append(f"第{number}行：与第{seen[key]}行重复（同一单位、同一日期、同一活动名称）。")
        else:
            seen[key] = number
    dates = [d.date for _, d in prepared]
    existing = Activity.objects.filter(
        unit_id__in={d.unit.pk for _, d in prepared}, date__gte=min(dates), date__lte=max(dates)
    ).values_list("unit_id", "date", "title", "pk")
    for unit_id, day, title, pk in existing:
        number = seen.get((unit_id, day, title.strip()))
        if number is not None:
            result.errors.append(f"第{number}行：台账中已有同一单位同日同名的活动（记录编号{pk}），请勿重复登记。")
    result.errors.sort(key=lambda m: int(re.match(r"第(\d+)行", m).group(1)) if re.match(r"第(\d+)行", m) else 0)


@transaction.atomic
def _write(*, actor: Actor, prepared: list[ActivityData], status: str, result: ImportResult) -> None:
    now = timezone.now()
    recorder = person(actor)
    activities = [
        Activity(
            unit=data.unit,
            title=data.title.strip()[:200],
            kind=data.kind,
            date=data.date,
            place=data.place[:200],
            place_region=data.place_region or data.unit.region,
            laws=data.laws[:500],
            people_onsite=data.people_onsite,
            people_online=data.people_online,
            materials=data.materials,
            description=data.description,
            is_highlight=data.is_highlight,
            status=status,
            region_path=data.unit.region.path,
            recorded_by=recorder,
            submitted_at=now if status != Status.DRAFT else None,
            confirmed_at=now if status == Status.CONFIRMED else None,
            confirmed_by=recorder if status == Status.CONFIRMED else None,
        )
        for data in prepared
    ]
    for activity in activities:
        activity.created_at = activity.updated_at = now
    _insert_activities(activities)
    day = connection.ops.adapt_datefield_value
    participants, domains, audiences, tasks = [], [], [], []
    areas: dict[str, str] = {}  # organiser's region path → its street (co-organisers outside it must consent)
    for activity, data in zip(activities, prepared, strict=True):
        area = areas.get(data.unit.region.path) or areas.setdefault(data.unit.region.path, home_area_path(data.unit))
        participants.extend(
            (
                *(r.activity_id, r.unit_id, r.is_organiser, r.unit_path, r.region_path, day(r.date)),
                *(status, data.kind.pk, False, r.consent, r.domain_keys, r.audience_keys, r.is_highlight, r.task_keys),
                r.title,
            )
            for r in participant_rows(
                activity,
                data.unit,
                data.co_organisers,
                area=area,
                domain_ids=[d.pk for d in data.domains],
                audience_ids=[a.pk for a in data.audiences],
                task_ids=[t.pk for t in data.tasks],
            )
        )
        domains.extend((activity.pk, d.pk) for d in data.domains)
        audiences.extend((activity.pk, a.pk) for a in data.audiences)
        tasks.extend((activity.pk, t.pk) for t in data.tasks)
    insert_rows(
        ActivityUnit,
        [
            "activity_id",
            "unit_id",
            "is_organiser",
            "unit_path",
            "region_path",
            "date",
            "status",
            "kind_id",
            "is_deleted",
            "consent",
            "domain_keys",
            "audience_keys",
            "is_highlight",
            "task_keys",
            "title",
        ],
        participants,
    )
    insert_rows(Activity.domains.through, ["activity_id", "domain_id"], domains)
    insert_rows(Activity.audiences.through, ["activity_id", "audience_id"], audiences)
    insert_rows(Activity.tasks.through, ["activity_id", "task_id"], tasks)
    audit.log(
        actor=actor,
        action=audit.Action.IMPORT,
        code="ledger.activity.import",
        message=f"导入工作台账 {len(activities)} 条（{Status(status).label}）",
        scope_path=_common_path([a.region_path for a in activities]),
    )
    # One event for the whole file: listeners work per event in grouped queries, so announcing 10,000 records
    # at once costs them far less than announcing them in parts.
    services.announce(
        ActivitiesChanged.IMPORTED,
        activities=activities,
        actor=actor,
        unit_ids={unit_id for _, unit_id, *_ in participants},
        dates={a.date for a in activities},
    )
    result.created = len(activities)
    result.activities = activities


def _insert_activities(activities: list[Activity]) -> None:
    """Multi-row INSERT … RETURNING id, as bulk_create does, but with the values converted once per column
    type instead of through every field's full save path (that alone took seconds for 10,000 rows)."""
    if not connection.features.can_return_rows_from_bulk_insert:
        Activity.objects.bulk_create(activities, batch_size=500)
        return
    ops = connection.ops
    adapt = {
        "DateTimeField": ops.adapt_datetimefield_value,
        "DateField": ops.adapt_datefield_value,
        "TimeField": ops.adapt_timefield_value,
    }
    fields = [f for f in Activity._meta.concrete_fields if not f.primary_key]
    converters = [adapt.get(f.get_internal_type()) for f in fields]
    quote = ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)
    row_marks = "(" + ", ".join(["%s"] * len(fields)) + ")"
    per_batch = max(1, min(500, (connection.features.max_query_params or 65535) // len(fields)))
    if connection.vendor == "sqlite":
        import sqlite3

        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        per_batch = max(1, min(500, limit // len(fields)))
    table, pk = quote(Activity._meta.db_table), quote(Activity._meta.pk.column)
    with connection.cursor() as cursor:
        for i in range(0, len(activities), per_batch):
            batch = activities[i : i + per_batch]
            params: list[Any] = []
            for activity in batch:
                for f, convert in zip(fields, converters, strict=True):
                    value = getattr(activity, f.attname)
                    params.append(convert(value) if convert is not None and value is not None else value)
            marks = ", ".join([row_marks] * len(batch))
            cursor.execute(f"INSERT INTO {table} ({names}) VALUES {marks} RETURNING {pk}", params)  # noqa: S608
            for activity, (new_id,) in zip(batch, cursor.fetchall(), strict=True):
                activity.pk = new_id
                activity._state.adding = False
                activity._state.db = connection.alias


def _common_path(paths: list[str]) -> str:
    """The deepest region path shared by all rows, so the import entry shows in the right office's trail."""
    if not paths:
        return ""
    parts = [p.strip("/").split("/") for p in paths]
    common: list[str] = []
    for column in zip(*parts, strict=False):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return "/" + "/".join(common) + "/" if common else ""
