"""Importing exports: column mapping, bounds, all-or-nothing row errors, re-import, personal data not kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.timezone import localtime

from pufa.core.models import AuditEntry
from pufa.core.spreadsheets import SpreadsheetError
from pufa.demand import importers, services
from pufa.demand.models import GazetteerEntry, WorkOrder
from tests.demand.conftest import HEADER, csv_bytes, xlsx


def test_usual_columns_are_mapped_and_personal_ones_never():
    mapping = importers.guess_mapping(HEADER)
    assert mapping == {
        "number": 0,
        "received_at": 3,
        "text": 4,
        "address": 5,
        "category": 6,
        "handler": 7,
        "status": 8,
    }
    other = importers.guess_mapping(["来电时间", "工单号", "来电内容", "所属区域", "联系人电话"])
    assert (other["number"], other["received_at"], other["text"], other["address"]) == (1, 0, 2, 3)
    assert 4 not in other.values()


def test_phone_and_id_numbers_in_text_are_masked():
    text = importers.mask_personal("电话13912345678，座机0557-3021234，身份证340102199001011234")
    assert "13912345678" not in text and "3021234" not in text and "199001011234" not in text
    assert "139****5678" in text


@pytest.mark.parametrize("kind", ["xlsx", "csv", "gbk"])
def test_import_creates_orders_classified_and_without_personal_data(world, office_user, rows, kind):
    GazetteerEntry.objects.create(name="锦绣花园", kind="estate", region=world.community_b)
    data = xlsx(rows) if kind == "xlsx" else csv_bytes(rows, encoding="gb18030" if kind == "gbk" else "utf-8-sig")
    table = importers.read_table(data, f"export.{'xlsx' if kind == 'xlsx' else 'csv'}")
    result = services.import_orders(
        actor=office_user, region=world.street_a, table=table, mapping=importers.guess_mapping(table.header)
    )
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    same = services.import_orders(
        actor=office_user, region=world.street_a, table=table, mapping=importers.guess_mapping(table.header)
    )
    assert (same.created, same.updated, same.unchanged) == (0, 0, 3)
    first, second, third = WorkOrder.objects.order_by("number")
    assert first.domain.code == "ldjy-shbz" and first.place == world.community_a
    assert second.domain.code == "fnet-hyjt" and second.place == world.community_b
    assert third.place == world.community_b and third.domain.code == "fcwy"
    assert localtime(first.received_at).date() == dt.date(2026, 3, 5)
    assert localtime(third.received_at).date() == dt.date(2026, 3, 7)
    stored = " ".join(str(v) for o in WorkOrder.objects.values() for v in o.values())
    assert "王小明" not in stored and "13912345678" not in stored and "13800001111" not in stored
    entry = AuditEntry.objects.filter(code="demand.order.import").order_by("id").first()
    assert entry is not None
    assert entry.scope_path == world.street_a.path and "新增 3 条" in entry.message


def test_reimport_updates_instead_of_doubling_and_keeps_corrections(world, office_user, rows):
    table = importers.read_table(xlsx(rows), "a.xlsx")
    mapping = importers.guess_mapping(table.header)
    services.import_orders(actor=office_user, region=world.street_a, table=table, mapping=mapping)
    order = WorkOrder.objects.get(number="12345-0001")
    services.order_correct(actor=office_user, order=order, domain=None, place=world.community_b)
    rows[0][6] = "劳动保障"
    again = importers.read_table(xlsx(rows), "a.xlsx")
    result = services.import_orders(actor=office_user, region=world.street_a, table=again, mapping=mapping)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    order.refresh_from_db()
    assert WorkOrder.objects.count() == 3
    assert order.category == "劳动保障" and order.place == world.community_b and order.place_manual


def test_one_bad_row_imports_nothing_and_names_every_bad_row(world, office_user, rows):
    rows[1][3] = "昨天下午"
    rows[2][4] = ""
    rows.append(list(rows[0]))
    table = importers.read_table(xlsx(rows), "a.xlsx")
    with pytest.raises(ValidationError) as caught:
        services.import_orders(
            actor=office_user, region=world.street_a, table=table, mapping=importers.guess_mapping(table.header)
        )
    messages = caught.value.messages
    assert any(m.startswith("第3行") and "受理时间“昨天下午”无法识别" in m for m in messages)
    assert any(m.startswith("第4行") and "诉求内容为空" in m for m in messages)
    assert any(m.startswith("第5行") and "与第2行重复" in m for m in messages)
    assert not WorkOrder.objects.exists()


def test_a_required_column_left_unmapped_is_named(world, office_user, rows):
    table = importers.read_table(xlsx(rows), "a.xlsx")
    mapping = importers.guess_mapping(table.header) | {"text": None}
    with pytest.raises(ValidationError, match="诉求内容"):
        services.import_orders(actor=office_user, region=world.street_a, table=table, mapping=mapping)


def test_csv_bounds(monkeypatch):
    monkeypatch.setattr(importers, "MAX_ROWS", 2)
    with pytest.raises(SpreadsheetError, match="超过 2 行"):
        importers.read_table(csv_bytes([["1", "", "", "2026-01-01", "x"]] * 3), "a.csv")
    with pytest.raises(SpreadsheetError, match="列"):
        importers.read_table(("a," * 50 + "\n").encode(), "a.csv")
    with pytest.raises(SpreadsheetError, match="空字符"):
        importers.read_table(b"a,b\x00\n", "a.csv")
    with pytest.raises(SpreadsheetError, match="单元格"):
        importers.read_table(("a\n" + "长" * 6000 + "\n").encode(), "a.csv")
    monkeypatch.setattr(importers, "MAX_BYTES", 10)
    with pytest.raises(SpreadsheetError, match="MB"):
        importers.read_table(b"x" * 11, "a.csv")


def test_other_files_and_empty_files_are_refused():
    with pytest.raises(SpreadsheetError, match=r"\.xlsx 或 \.csv"):
        importers.read_table(b"x", "a.txt")
    with pytest.raises(SpreadsheetError, match="不是有效"):
        importers.read_table(b"not a zip", "a.xlsx")
    with pytest.raises(SpreadsheetError, match="没有数据"):
        importers.read_table(b"\n\n", "a.csv")


def test_dates_in_the_forms_exports_use():
    epoch = dt.datetime(1899, 12, 30)
    assert importers._when("2026-03-05 10:30:15", None).hour == 10
    assert importers._when("2026年3月5日 9时5分", None).minute == 5
    assert importers._when(46086.5, epoch).date() == dt.date(2026, 3, 5)
    assert importers._when("2026-02-30", None) is None
    assert importers._when("1899-01-01", None) is None


def test_only_an_office_of_the_region_imports(world, liaison, other_office, rows):
    table = importers.read_table(xlsx(rows), "a.xlsx")
    mapping = importers.guess_mapping(table.header)
    for actor in (liaison, other_office):
        with pytest.raises(PermissionDenied):
            services.import_orders(actor=actor, region=world.street_a, table=table, mapping=mapping)
