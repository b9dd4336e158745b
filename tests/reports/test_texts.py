"""The text of generated reports and circulars, read back from the .docx as a secretary would read it
(issue 12 §4): no 「（无）」, no machine notation such as "4/1场" or "1/6期达标" in the prose, no plan numbering
on task names, no internal notes, no enumeration running past 十, dated as the period says."""

from __future__ import annotations

import datetime as dt
import io
import re

import docx
import pytest

from pufa.reports import selectors, services
from pufa.reports.documents import render_docx
from tests.factories import make_activity

FRACTION = re.compile(r"\d+\s*/\s*\d+")  # 4/1场, 1/6期达标, 1/2个单位
PLAN_NUMBERING = re.compile(r"[一二三四五六七八九十]+、（[一二三四五六七八九十]+）\d*")
INTERNAL = ("一次登记", "同样计入", "（无）", "每期至少开展1次关联活动", "ledger.", "reports.", "None")


def docx_text(document) -> tuple[list[str], list[list[str]]]:
    """Paragraphs and table rows of a rendered document, as python-docx reads them."""
    d = docx.Document(io.BytesIO(render_docx(document)))
    rows = [[c.text for c in row.cells] for table in d.tables for row in table.rows]
    return [p.text for p in d.paragraphs], rows


def check_prose(paragraphs: list[str], rows: list[list[str]]) -> None:
    text = "\n".join(paragraphs + ["\t".join(r) for r in rows])
    for note in INTERNAL:
        assert note not in text, note
    assert not FRACTION.search(text), FRACTION.search(text)
    assert not PLAN_NUMBERING.search("\n".join("\t".join(r) for r in rows)), "plan numbering in a task name"
    assert "十一是" not in text and "十二是" not in text
    assert not re.search(r"[^\d]0(场次|项|人次|份|期)", "\n".join(paragraphs)), "a zero count spelled out"
    one_is = [p for p in paragraphs if "一是" in p]
    assert all("二是" in p for p in one_is), "一是 without 二是"
    assert not any(r and r[0] == "培训" for r in rows), "a row labelled just 培训"


def test_unit_report_draft_reads_as_a_person_wrote_it(world, ledger, liaison):
    report = services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    paragraphs, rows = docx_text(selectors.report_document(report=report))
    check_prose(paragraphs, rows)
    headings = [p for p in paragraphs if re.match(r"^[一二三四五六]、", p)]
    # 下一步打算 is empty in a fresh draft: left out, not printed as 「（无）」
    assert headings == ["一、基本情况", "二、任务完成情况", "三、主要做法和成效", "四、存在问题"]
    # The half-year is over on 10 July: the draft is dated the period's last day, not the day it is opened.
    assert paragraphs[-1] == "2026年6月30日"
    assert any("2个季度中1个季度达标" in "".join(r) for r in rows)


def test_report_counted_while_the_period_runs_says_so(world, ledger, liaison):
    report = services.report_start(actor=liaison, unit=world.committee_a, period="year", year=2026)
    paragraphs, rows = docx_text(selectors.report_document(report=report))
    check_prose(paragraphs, rows)
    assert any(p.startswith("2026年截至7月10日，共开展普法活动") for p in paragraphs)
    assert paragraphs[-1] == "2026年7月10日"


def test_a_period_without_activities_is_not_called_solid_work(world, ledger, liaison, office_user):
    document = selectors.generated_document(unit=world.judicial_office, period="h1", year=2026)
    paragraphs, rows = docx_text(document)
    check_prose(paragraphs, rows)
    text = "\n".join(paragraphs)
    assert "扎实开展" not in text and "没有登记普法活动" in text and "0场次" not in text


def test_submitted_report_keeps_the_liaisons_text_and_is_dated_when_submitted(world, ledger, liaison):
    report = services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    services.report_update(
        actor=liaison,
        report=report,
        title=report.title,
        intro=report.intro,
        practices="（一）开展民法典宣传。联合司法所进小区宣讲。",
        problems="一是活动形式单一；二是覆盖面不广。",
        plans="下半年继续开展法治课。",
    )
    services.report_submit(actor=liaison, report=report)
    paragraphs, rows = docx_text(selectors.report_document(report=report))
    check_prose(paragraphs, rows)
    assert "（一）开展民法典宣传。联合司法所进小区宣讲。" in paragraphs and "下半年继续开展法治课。" in paragraphs
    assert paragraphs[-1] == "2026年7月10日"


def test_district_summary_says_who_reported_and_groups_units_by_street(world, ledger, office_user):
    from tests.reports.test_services import _district_office

    office = _district_office(world)
    document = selectors.generated_document(unit=office, period="h1", year=2026, summary=True)
    paragraphs, rows = docx_text(document)
    check_prose(paragraphs, rows)
    text = "\n".join(paragraphs)
    assert "现将各单位报送的工作情况汇总报告如下" not in text  # nobody has reported
    assert "均尚未报送" in text and "取自各单位审核通过的报告" in text
    table = next(t for t in document.blocks if t.type == "table" and "各单位报送情况" in t.caption)
    assert table.columns[0] == "街道（乡镇）" and table.merge == [0]
    streets = [r[0] for r in table.rows]
    assert streets == sorted(streets, key=streets.index)  # each street's units together
    assert {"沱河街道", "三八街道"} <= set(streets)


def test_circular_reads_as_a_person_wrote_it_and_its_columns_add_up(world, ledger, office_user):
    for i in range(3):
        make_activity(world.committee_b, title=f"宣讲{i}", kind="ztjz", date=dt.date(2026, 5, 1 + i))
    circular = services.circular_draft(actor=office_user, issuing_unit=world.office_unit)
    paragraphs, rows = docx_text(selectors.circular_doc(circular=circular))
    check_prose(paragraphs, rows)
    assert paragraphs[0] == "沱河街道法治办文件"
    header = rows[0]
    assert header == ["单位", "任务数", "已完成", "按期推进", "未开始", "滞后", "逾期", "活动场次"]
    for row in rows[1:]:
        assert int(row[1]) == sum(int(v) for v in row[2:7]), row
    assert paragraphs[-1] == "2026年7月10日"


@pytest.mark.parametrize("count", [1, 7, 14])
def test_problems_never_run_past_a_short_list(count):
    from pufa.reports.content import seed_problems
    from pufa.reports.figures import Issue, ReportData

    data = ReportData(
        subject="甲",
        scope="unit",
        unit_id=1,
        region_id=None,
        period="h1",
        year=2026,
        start="2026-01-01",
        end="2026-06-30",
        computed_at="2026-07-10T10:00:00+08:00",
        issues=[Issue(f"“任务{i}”滞后", url=f"/t/{i}") for i in range(count)],
    )
    text = seed_problems(data)
    if count == 1:
        assert text == "“任务0”滞后。"
    else:
        assert "二是" in text and "六是" not in text
    if count > 5:
        assert f"另有{count - 4}项任务进度滞后或逾期" in text
