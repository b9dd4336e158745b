"""Venue .xlsx import and export: the export is formula-safe and scoped, the import all-or-nothing with each
row's error in Chinese, an exported file imported again recognised (no copies), and both on the role table."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pufa.core.models import AuditEntry
from pufa.core.spreadsheets import safe_row
from pufa.venues import exports, importers
from pufa.venues.models import Venue
from tests.venues.conftest import make_venue

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(header or exports.COLUMNS)
    for row in rows:
        sheet.append(safe_row(sheet, row))  # text as typed, as Excel keeps a quote-prefixed cell
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row(**values: object) -> list[object]:
    base: dict[str, object] = {
        "阵地名称": "沱河社区法治长廊",
        "阵地类型": "法治长廊",
        "级别": "社区级",
        "所在区划": "沱河社区",
        "管理单位": "沱河社区居委会",
        "状态": "开放",
        "开放日期": "2026-03-01",
    }
    base.update(values)
    return [base.get(c, "") for c in exports.COLUMNS]


def sheet_of(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet)
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_import_creates_venues_and_audits(world, liaison):
    board = {"阵地名称": "沱河社区宣传栏", "阵地类型": "法治宣传栏/版面", "面积（平方米）": 2.5}
    data = workbook([row(), row(**board)])
    result = importers.venue_import(actor=liaison, file=data)
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    board = Venue.objects.get(name="沱河社区宣传栏")
    assert board.area_m2 == Decimal("2.50") and board.unit == world.committee_a
    assert AuditEntry.objects.filter(code="venues.venue.import").count() == 1
    assert AuditEntry.objects.filter(code="venues.venue.create").count() == 2


def test_import_is_all_or_nothing_with_chinese_row_errors(world, liaison):
    data = workbook(
        [
            row(),
            row(**{"阵地名称": "", "阵地类型": "游乐场"}),
            row(**{"阵地名称": "B", "所在区划": "桃园社区"}),  # community B is not the liaison's
            row(**{"阵地名称": "C", "开放日期": "明天", "经度": "abc"}),
            row(**{"阵地名称": "D", "级别": "乡级", "状态": "开放", "开放日期": ""}),
        ]
    )
    result = importers.venue_import(actor=liaison, file=data)
    assert not result.ok
    text = "\n".join(result.errors)
    assert "第3行" in text and "“阵地名称”不能为空" in text and "阵地类型“游乐场”不存在" in text
    assert "第4行" in text and "所在区划“桃园社区”不存在或不在您的管理范围内" in text
    assert "第5行" in text and "“开放日期”应为日期" in text and "“经度”应为数字" in text
    assert "第6行" in text and "级别应为" in text
    assert "第2行" not in text
    assert not Venue.objects.exists()  # the valid first row is not saved either
    assert not AuditEntry.objects.filter(code="venues.venue.import").exists()


def test_service_rules_apply_to_imported_rows(world, liaison):
    result = importers.venue_import(actor=liaison, file=workbook([row(**{"状态": "开放", "开放日期": ""})]))
    assert result.errors == ["第2行：开放或停用的阵地须填写开放日期。"]


def test_bad_files_get_a_chinese_message(world, liaison):
    assert "不是有效的 Excel" in importers.venue_import(actor=liaison, file=b"not a zip").errors[0]
    missing = importers.venue_import(actor=liaison, file=workbook([["x"]], header=["名称"]))
    assert "缺少列" in missing.errors[0]
    empty = importers.venue_import(actor=liaison, file=workbook([]))
    assert "没有阵地数据" in empty.errors[0]
    too_wide = importers.venue_import(actor=liaison, file=workbook([["x"] * 40]))
    assert "列" in too_wide.errors[0]


def test_export_then_reimport_is_recognised(world, liaison):
    make_venue(world.committee_a, name="=HYPERLINK(1)", address="-2")  # formula-like text survives the round trip
    first = importers.venue_import(actor=liaison, file=workbook([row()]))
    assert first.ok, first.errors
    exported = exports.export_workbook(
        venues=Venue.objects.select_related("kind", "region", "unit").order_by("pk")
    ).getvalue()
    again = importers.venue_import(actor=liaison, file=exported)
    assert again.ok, again.errors
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    # edited in Excel: the row keeps its 编号 and updates the venue
    rows = sheet_of(exported)
    assert rows[1][1] == "=HYPERLINK(1)"
    rows[2][exports.COLUMNS.index("地址")] = "沱河路1号"
    edited = importers.venue_import(actor=liaison, file=workbook([r[: len(exports.COLUMNS)] for r in rows[1:]]))
    assert (edited.created, edited.updated, edited.unchanged) == (0, 1, 1)
    assert Venue.objects.count() == 2
    assert Venue.objects.filter(address="沱河路1号").count() == 1


def test_same_name_in_same_region_is_an_update_and_duplicates_refused(world, liaison):
    make_venue(world.committee_a, name="沱河社区法治长廊", kind="corridor")
    result = importers.venue_import(actor=liaison, file=workbook([row(**{"地址": "新地址"})]))
    assert (result.created, result.updated) == (0, 1)
    twice = importers.venue_import(actor=liaison, file=workbook([row(), row()]))
    assert twice.errors == ["第3行：与第2行是同一个阵地。"]


def test_a_venue_outside_ones_scope_cannot_be_updated(world, liaison):
    other = make_venue(world.committee_b, name="桃园社区大讲堂")
    result = importers.venue_import(actor=liaison, file=workbook([row(**{"编号": other.pk})]))
    assert f"编号 {other.pk} 的阵地不存在或您无权修改" in result.errors[0]


def test_export_is_scoped_and_formula_safe(client_for, world, liaison, office_user):
    make_venue(world.committee_a, name="=1+1", address="@SUM(A1)")
    make_venue(world.committee_b, name="桃园社区大讲堂")
    response = client_for(liaison).get(reverse("venues:venue-export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    rows = sheet_of(content)
    assert rows[0][: len(exports.COLUMNS)] == exports.COLUMNS
    names = [r[1] for r in rows[1:]]
    assert names == ["=1+1"]  # text, not a formula; community B's venue is not in the liaison's file
    sheet = load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet) and sheet.cell(row=2, column=2).data_type == "s"
    office = sheet_of(b"".join(client_for(office_user).get(reverse("venues:venue-export")).streaming_content))
    assert sorted(r[1] for r in office[1:]) == ["=1+1", "桃园社区大讲堂"]


def test_import_page_shows_errors_and_saves_on_success(client_for, world, liaison):
    c = client_for(liaison)
    assert c.get(reverse("venues:venue-import")).status_code == 200
    bad = SimpleUploadedFile("v.xlsx", workbook([row(**{"阵地类型": "游乐场"})]), content_type=XLSX)
    page = c.post(reverse("venues:venue-import"), {"file": bad})
    assert page.status_code == 200 and "游乐场" in page.content.decode()
    good = SimpleUploadedFile("v.xlsx", workbook([row()]), content_type=XLSX)
    done = c.post(reverse("venues:venue-import"), {"file": good})
    assert done.status_code == 302 and Venue.objects.count() == 1
    template = c.get(reverse("venues:import-template"))
    assert sheet_of(b"".join(template.streaming_content))[0] == exports.COLUMNS


@pytest.mark.parametrize("name", ["v.xls", "v.csv"])
def test_import_page_refuses_other_files(client_for, world, liaison, name):
    page = client_for(liaison).post(reverse("venues:venue-import"), {"file": SimpleUploadedFile(name, b"x")})
    assert page.status_code == 200 and ".xlsx" in page.content.decode()


def test_member_cannot_import(client_for, world):
    from pufa.org.models import Membership
    from tests.factories import member_of

    member = member_of(world.committee_a, Membership.Role.MEMBER, username="m1")
    assert client_for(member).get(reverse("venues:venue-import")).status_code == 403


def test_list_filters_do_not_name_regions_or_units_outside_scope(client_for, world, liaison):
    make_venue(world.committee_b, name="桃园社区大讲堂")
    c = client_for(liaison)
    other_street = c.get(reverse("venues:venue-list"), {"region": world.street_b.pk}).content.decode()
    assert "三八街道" not in other_street and 'data-testid="unknown-filter"' in other_street
    other_unit = c.get(reverse("venues:venue-list"), {"unit": world.other_office_unit.pk}).content.decode()
    assert "三八街道法治办" not in other_unit and 'data-testid="venue-row"' not in other_unit
    own = c.get(reverse("venues:venue-list"), {"region": world.community_a.pk}).content.decode()
    assert 'data-testid="region-filter"' in own and "沱河社区" in own


def test_rollup_equals_the_street_tables(client_for, world, office_user):
    from pufa.venues import selectors

    make_venue(world.committee_a, name="沱河社区普法大讲堂", kind="lecture")
    make_venue(world.committee_a, name="沱河社区阵地", kind="position")
    make_venue(world.committee_b, name="桃园社区宣传栏", kind="board", area_m2=Decimal("3"))
    rollup = {r.street.pk: r for r in selectors.coverage_rollup(actor=office_user)}
    street = rollup[world.street_a.pk]
    table = selectors.coverage(actor=office_user, street=world.street_a)
    assert street.communities == len(table) == 2
    assert street.with_gaps == sum(1 for r in table if r.missing) == 1
    assert street.missing == {"普法大讲堂": 1, "法治文化阵地（综合）": 1}
    assert street.venues == 3 and street.board_area == Decimal("3")
    page = client_for(office_user).get(reverse("venues:coverage-rollup")).content.decode()
    assert 'data-street="沱河街道"' in page and "三八街道" not in page  # the street office sees its own street


def test_map_data_rows_are_compact_and_scoped(client_for, world, liaison):
    mine = make_venue(
        world.committee_a, name="沱河广场", kind="park", longitude=Decimal("117.05"), latitude=Decimal("33.65")
    )
    make_venue(world.committee_b, name="桃园广场", kind="park", longitude=Decimal("117.06"), latitude=Decimal("33.66"))
    data = client_for(liaison).get(reverse("venues:map-data")).json()
    assert len(data["rows"]) == 1
    lon, lat, kind, name, pk = data["rows"][0]
    assert (lon, lat, data["kinds"][kind], name, pk) == (117.05, 33.65, "法治文化公园/广场", "沱河广场", mine.pk)
    assert data["base"] + f"{pk}/" == reverse("venues:venue-detail", args=[pk])


def test_an_import_announces_its_rows_once(world, liaison):
    from pufa.core import events
    from pufa.venues.metrics import COUNT

    seen: list[events.RecordsChanged] = []
    data = workbook([row(), row(**{"阵地名称": "B", "开放日期": "2026-05-02"})])
    with events.listening(events.RecordsChanged, seen.append):
        result = importers.venue_import(actor=liaison, file=data)
    assert result.created == 2
    assert len(seen) == 1 and COUNT in seen[0].metrics
    assert seen[0].unit_ids == {world.committee_a.pk}
    assert {dt.date(2026, 3, 1), dt.date(2026, 5, 2)} <= seen[0].dates
    with events.listening(events.RecordsChanged, seen.append):
        importers.venue_import(actor=liaison, file=data)
    assert len(seen) == 1  # nothing changed: nothing announced


def test_export_shows_a_boards_last_update(client_for, world, liaison):
    from pufa.venues import services
    from pufa.venues.models import Upkeep

    board = make_venue(world.committee_a, name="沱河社区宣传栏", kind="board", area_m2=Decimal("2"))
    services.upkeep_record(actor=liaison, venue=board, kind=Upkeep.Kind.CONTENT, date=dt.date(2026, 2, 1))
    services.upkeep_record(actor=liaison, venue=board, kind=Upkeep.Kind.REPAIR, date=dt.date(2026, 3, 1))
    make_venue(world.committee_a, name="沱河社区大讲堂")
    rows = sheet_of(b"".join(client_for(liaison).get(reverse("venues:venue-export")).streaming_content))
    last = {r[1]: r[-1] for r in rows[1:]}
    assert last == {"沱河社区宣传栏": "2026-02-01", "沱河社区大讲堂": None}  # a repair is not a content update
