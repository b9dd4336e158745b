"""Bulk import of units from an .xlsx sheet: all or nothing, with every row's error in Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pufa.core import audit, spreadsheets
from pufa.org.access import Actor
from pufa.org.models import Region, Unit
from pufa.org.services import UnitData, unit_create

COLUMNS = ["单位名称", "单位类型", "所属区划", "上级单位", "别名", "单位编码", "普法责任主体", "联系电话"]
REQUIRED = ["单位名称", "单位类型", "所属区划"]
MAX_ROWS = 20_000
MAX_COLS = 50
KIND_BY_LABEL = {label: value for value, label in Unit.Kind.choices}
KIND_BY_LABEL.update(
    {
        "法宣办": "office",
        "依法治理办": "office",
        "居委会": "community_committee",
        "村委会": "community_committee",
        "社区": "community_committee",
    }
)
KIND_BY_LABEL.update({value: value for value in Unit.Kind.values})
YES = {"是", "Y", "y", "yes", "1", "true", "TRUE", "√"}
NO = {"否", "N", "n", "no", "0", "false", "FALSE", ""}


@dataclass
class ImportResult:
    created: list[Unit] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def _find_region(name: str, regions: list[Region]) -> Region | list[Region] | None:
    exact = [r for r in regions if r.name == name]
    if len(exact) == 1:
        return exact[0]
    return exact or None


def unit_import(*, actor: Actor, file: IO[bytes], within: Region | None = None) -> ImportResult:
    """Import a units sheet. Nothing is saved unless every row is valid.

    Regions are matched by name within the regions the actor may manage (or `within` for the command line);
    the parent unit may be a unit created earlier in the same sheet.
    """
    from pufa.org.access import scope

    result = ImportResult()
    try:
        sheet = spreadsheets.read_xlsx(file, max_rows=MAX_ROWS, max_cols=MAX_COLS)
    except spreadsheets.SpreadsheetError as exc:
        result.errors.append(str(exc))
        return result
    if not sheet.rows:
        result.errors.append("文件为空：第一个工作表没有内容。")
        return result
    (header_number, header_row), rows = sheet.rows[0], sheet.rows[1:]
    header = [_text(v) for v in header_row]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.errors.append(
            f"第{header_number}行（表头）缺少列：{'、'.join(missing)}。表头应为：{'、'.join(COLUMNS)}。"
        )
        return result
    index = {name: header.index(name) for name in COLUMNS if name in header}
    data_rows = [(n, row) for n, row in rows if any(_text(v) for v in row)]
    if not data_rows:
        result.errors.append("文件中没有单位数据（表头以下为空）。")
        return result

    regions_qs = Region.objects.all() if within is None else Region.objects.filter(path__startswith=within.path)
    regions_qs = scope(regions_qs, actor, "org.manage")
    regions = list(regions_qs)

    def cell(row: list, name: str) -> str:
        i = index.get(name)
        return _text(row[i]) if i is not None and i < len(row) else ""

    with transaction.atomic():
        for number, row in data_rows:
            prefix = f"第{number}行："
            name, kind_label, region_name = (
                cell(row, "单位名称"),
                cell(row, "单位类型"),
                cell(row, "所属区划"),
            )
            problems = [
                f"“{c}”不能为空" for c, v in zip(REQUIRED, (name, kind_label, region_name), strict=True) if not v
            ]
            kind = KIND_BY_LABEL.get(kind_label)
            if kind_label and kind is None:
                problems.append(f"单位类型“{kind_label}”无效，可选：{'、'.join(Unit.Kind.labels)}")
            region = _find_region(region_name, regions) if region_name else None
            if region_name and region is None:
                problems.append(f"所属区划“{region_name}”不存在或不在您的管理范围内")
            elif isinstance(region, list):
                problems.append(f"所属区划“{region_name}”有重名，请改用唯一的名称")
                region = None
            parent = None
            parent_name = cell(row, "上级单位")
            if parent_name:
                candidates = list(Unit.objects.filter(name=parent_name))
                if len(candidates) != 1:
                    problems.append(f"上级单位“{parent_name}”{'不存在' if not candidates else '有重名'}")
                else:
                    parent = candidates[0]
            flag = cell(row, "普法责任主体")
            if flag not in YES | NO:
                problems.append(f"普法责任主体应填“是”或“否”，不是“{flag}”")
            if problems:
                result.errors.append(prefix + "；".join(problems) + "。")
                continue
            assert isinstance(region, Region) and kind is not None
            data = UnitData(
                name=name,
                kind=kind,
                region=region,
                parent=parent,
                code=cell(row, "单位编码"),
                aliases=[a for a in cell(row, "别名").replace("，", "、").replace(",", "、").split("、") if a],
                is_responsible_subject=flag not in NO or flag == "",
                contact_phone=cell(row, "联系电话"),
            )
            try:
                with transaction.atomic():
                    result.created.append(unit_create(actor=actor, data=data))
            except ValidationError as exc:
                result.errors.append(prefix + "；".join(_messages(exc)) + "。")
            except PermissionDenied:
                result.errors.append(prefix + f"您无权在“{region.name}”新建单位。")
        if result.errors:
            result.created = []
            transaction.set_rollback(True)
        else:
            audit.log(
                actor=actor,
                action=audit.Action.IMPORT,
                code="org.unit.import",
                message=f"导入单位 {len(result.created)} 个",
                scope_path=result.created[0].region.path if result.created else "",
            )
    return result
