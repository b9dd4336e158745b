"""Roster import (all or nothing, row errors, duplicates, updates) and export (masked, formula-safe)."""

from __future__ import annotations

import io
import time

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from pufa.core.models import AuditEntry
from pufa.people import exports, importers, selectors
from pufa.people.models import Person, TeamMembership
from tests import hostile
from tests.people.conftest import D, add_person, valid_id

HEADER = exports.COLUMNS


def workbook(*rows: list[object]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def row(name, phone, *, id_number="", community="沱河社区", unit="", kinds="法律明白人", start="2024-03-01", **kw):
    return [name, kw.get("gender", ""), kw.get("birth_year", ""), phone, id_number, community, unit, kinds, start,
            kw.get("occupation", ""), kw.get("notes", "")]  # fmt: skip


def test_import_creates_people_on_teams(world, liaison):
    result = importers.roster_import(
        actor=liaison,
        file=workbook(
            row("王秀英", "13812341234", id_number=valid_id(), gender="女"),
            row("李强", 13900001111, kinds="法律明白人、普法志愿者", start=D(2023, 5, 1)),
        ),
    )
    assert result.errors == []
    assert (result.created, result.updated, result.joined) == (2, 0, 3)
    li = Person.objects.get(name="李强")
    assert li.phone == "13900001111" and li.unit == world.committee_a
    assert set(li.memberships.values_list("kind__code", "start")) == {
        ("flmbr", D(2023, 5, 1)),
        ("pfzyz", D(2023, 5, 1)),
    }
    assert Person.objects.get(name="王秀英").id_last4 == valid_id()[-4:]
    assert AuditEntry.objects.filter(code="people.import").count() == 1


def test_import_is_all_or_nothing_with_row_errors(world, liaison):
    bad_id = valid_id()[:17] + ("0" if valid_id()[-1] != "0" else "1")
    result = importers.roster_import(
        actor=liaison,
        file=workbook(
            row("王秀英", "13812341234"),
            row("李强", "1390000"),
            row("张伟", "13700001111", id_number=bad_id),
            row("", "13600001111", community="不存在社区", kinds="法律糊涂人"),
        ),
    )
    assert result.errors[0].startswith("第3行：") and "手机号" in result.errors[0]
    assert result.errors[1].startswith("第4行：") and "校验位" in result.errors[1]
    assert result.errors[2].startswith("第5行：")
    assert "居住社区“不存在社区”" in result.errors[2] and "队伍类别“法律糊涂人”不存在" in result.errors[2]
    assert not Person.objects.exists() and not TeamMembership.objects.exists()


def test_duplicates_in_the_file_and_in_other_rosters(world, liaison, person_b):
    result = importers.roster_import(
        actor=liaison,
        file=workbook(
            row("王秀英", "13812341234", id_number=valid_id()),
            row("王秀英", "13812341234"),
            row("赵六", "13700002222", id_number=valid_id()),
            row("刘建国", person_b.phone),
        ),
    )
    assert result.errors == [
        "第3行：手机号与第2行重复。",
        "第4行：身份证号与第2行重复。",
        "第5行：该人员已登记在“桃园社区居委会”的名册中（刘建国），不能重复登记。",
    ]
    assert Person.objects.count() == 1  # only person_b


def test_export_then_import_is_recognised_as_an_update(world, liaison, person_a):
    people = selectors.person_list(actor=liaison)
    exported = load_workbook(exports.export_workbook(people=people)).active
    rows = [list(r) for r in exported.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    assert rows[1][3] == "138****1234" and rows[1][4] == "*" * 14 + valid_id()[-4:]
    rows[1][9] = "退休教师"
    rows[1][7] = "法律明白人、法治带头人"
    book = Workbook()
    for r in rows:
        book.active.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = importers.roster_import(actor=liaison, file=buffer)
    assert result.errors == []
    assert (result.created, result.updated, result.joined) == (0, 1, 1)
    person_a.refresh_from_db()
    assert person_a.occupation == "退休教师" and person_a.phone == "13812341234"  # the masked phone kept it
    assert person_a.memberships.count() == 2  # 法律明白人 kept, 法治带头人 joined


def test_a_full_phone_matches_and_updates(world, liaison, person_a):
    result = importers.roster_import(actor=liaison, file=workbook(row("王秀英", "13812341234", notes="已核实")))
    assert (result.created, result.updated, result.joined) == (0, 1, 0)
    person_a.refresh_from_db()
    assert person_a.notes == "已核实"


def test_missing_columns_and_unreadable_files(world, liaison):
    book = Workbook()
    book.active.append(["姓名", "电话"])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    assert "缺少列" in importers.roster_import(actor=liaison, file=buffer).errors[0]
    garbage = importers.roster_import(actor=liaison, file=io.BytesIO(b"not a workbook"))
    assert "无法读取" in garbage.errors[0]


def test_export_masks_and_neutralises_formulas(world, liaison):
    add_person(
        world.committee_a, world.community_a, name='=HYPERLINK("http://x")', phone="13811112222", notes="@SUM(A1)"
    )
    sheet = load_workbook(exports.export_workbook(people=selectors.person_list(actor=liaison))).active
    values = next(list(r) for r in sheet.iter_rows(min_row=2, values_only=True))
    assert values[0] == '\'=HYPERLINK("http://x")' and values[10] == "'@SUM(A1)"
    assert values[3] == "138****2222"
    assert "13811112222" not in str(values)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (hostile.column_bomb("ZZZZZ"), "超过 30 列"),
        (hostile.shared_strings_bomb(count=3, size=40_000), "32,767"),
        (hostile.xlsx('<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'), "XML 格式错误"),
    ],
)
def test_hostile_rosters_are_refused_before_reading(world, liaison, data, message):
    """The roster import goes through the bounded reader: the probe's 2 KB column bomb took 23 s (issue 13)."""
    started = time.monotonic()
    result = importers.roster_import(actor=liaison, file=io.BytesIO(data))
    assert time.monotonic() - started < 2
    assert not result.ok and message in result.errors[0], result.errors
    assert not Person.objects.exists()


def test_a_unicode_digit_birth_year_is_a_row_error_not_a_crash(world, liaison):
    """ "²" is a digit to str.isdigit() but not to int(): the row gets a Chinese error, the import changes nothing."""
    result = importers.roster_import(actor=liaison, file=workbook(row("王秀英", "13812341234", birth_year="19²6")))
    assert len(result.errors) == 1 and "出生年份" in result.errors[0]
    assert not Person.objects.exists()
