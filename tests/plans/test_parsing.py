"""The plan-document parser against hand-annotated plans, .docx files built here, and small genre cases.

No database: the parser is pure Python, so these tests run in milliseconds.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from pufa.plans.parsing import (
    ParsedPlan,
    PlanReadError,
    UnitCandidate,
    parse_plan,
    read_document,
    resolve_units,
)
from pufa.plans.parsing.deadlines import deadline_in_text, parse_deadline
from pufa.plans.parsing.evaluate import evaluate, format_report
from pufa.plans.parsing.targets import find_targets

DATA = Path(__file__).resolve().parent.parent / "data" / "plans"
TODAY = date(2024, 5, 1)
CJK = re.compile(r"[\u4e00-\u9fff]")
ANNOTATED = sorted(p.name[: -len(".expected.json")] for p in DATA.glob("*.expected.json"))


def _expected(name: str) -> dict:
    return json.loads((DATA / f"{name}.expected.json").read_text(encoding="utf-8"))


def _parse(name: str) -> ParsedPlan:
    return parse_plan(read_document(DATA / f"{name}.txt"), today=TODAY)


def _key(task: dict) -> tuple[str, tuple[str, ...]]:
    return task["number"], tuple(task["path"])


def _targets(task: dict) -> list[tuple]:
    return [(float(t["threshold"]), t["unit"], t["period"], t["due"]) for t in task["targets"]]


# --- hand-annotated documents ----------------------------------------------------------------------------


def test_every_seed_document_is_annotated():
    for seed in (
        "000_tuohe_action_plan",
        "001_community_creation_scheme",
        "003_luozhuang_annual_plan",
        "004_shapotou_opinion",
    ):
        assert seed in ANNOTATED


@pytest.mark.parametrize("name", ANNOTATED)
def test_parse_matches_hand_annotation(name):
    expected = _expected(name)
    found = _parse(name).to_json()
    assert found["title"] == expected["title"]
    by_key = {_key(task): task for task in found["tasks"]}
    assert len(by_key) == len(found["tasks"]), "two tasks share a number and path"
    missing = [_key(task) for task in expected["tasks"] if _key(task) not in by_key]
    assert not missing, f"tasks not found: {missing}"
    assert len(found["tasks"]) == len(expected["tasks"]), "tasks found that were not expected"
    for want in expected["tasks"]:
        got = by_key[_key(want)]
        for role in ("lead_units", "participating_units", "responsible_units"):
            assert got[role] == want[role], (want["number"], want["title"], role)
        assert got["deadline"] == want["deadline"], (want["number"], want["title"])
        assert sorted(_targets(got)) == sorted(_targets(want)), (want["number"], want["title"])
        assert got["title"] == want["title"] or want["title"] in got["title"]


def test_seed_000_finds_the_work_measures_only():
    plan = _parse("000_tuohe_action_plan")
    assert plan.title == "沱河街道“法润社区”行动实施方案"
    # The document has fourteen numbered measures (（一）1–3, （二）1–3, （三）1–5, （四）1–3); 一、目标任务 and the
    # three 保障措施 paragraphs carry no units and are not tasks.
    assert len(plan.tasks) == 14
    assert {task.path[0] for task in plan.tasks} == {"二、工作措施"}
    first = plan.tasks[0]
    assert first.number == "1"
    assert first.path == ["二、工作措施", "（一）明确社区普法重点内容"]
    assert first.title == "把学习宣传习近平法治思想作为基层普法工作首要任务"
    assert first.text.startswith("把学习宣传习近平法治思想作为基层普法工作首要任务。通过多种形式")
    assert "牵头部门" not in first.text
    assert first.lead_units == ["法治办", "宣传办", "司法所"]
    assert first.participating_units == ["各社区", "街道各部门"]


def test_seed_003_brackets_deadlines_and_recurrences():
    plan = _parse("003_luozhuang_annual_plan")
    tasks = {task.number: task for task in plan.tasks}
    assert tasks["1"].recurrence == "all_year" and tasks["1"].deadline is None
    assert tasks["3"].deadline == date(2023, 3, 31) and tasks["3"].recurrence == "yearly"
    assert tasks["3"].deadline_text == "3月底前各相关部门单位完成普法计划、清单制定,典型案例每个街镇司法所年内各完成1篇"
    assert tasks["6"].recurrence == "quarterly"
    assert "(责任科室" not in tasks["6"].text
    assert any("具体时间以市局检查通知为准" in warning for warning in plan.warnings)


def test_seed_004_opinion_yearly_duties():
    plan = _parse("004_shapotou_opinion")
    tasks = {task.number: task for task in plan.tasks}
    assert plan.year == 2017  # from the cited document number 宁党办〔2017〕60号
    assert tasks["十五"].recurrence == "yearly" and tasks["十五"].deadline == date(2017, 3, 31)
    assert tasks["十四"].deadline_text == "每年6月底前报告半年普法工作情况，每年12月底前报告本年度普法工作情况"
    assert "十八" not in tasks  # 保障措施
    assert "三" not in tasks  # 责任主体


def test_seed_001_recurring_duties():
    plan = _parse("001_community_creation_scheme")
    venue = next(task for task in plan.tasks if task.title == "完善社区法制宣传教育阵地建设")
    assert venue.recurrence == "quarterly"
    assert [(t.threshold, t.unit, t.period) for t in venue.targets] == [(1, "堂", "quarter"), (1, "期", "month")]


def test_evaluate_reports_full_precision_and_recall_on_annotated_plans():
    report = evaluate(DATA, today=TODAY)
    assert {doc.name for doc in report.documents} == set(ANNOTATED)
    total = report.total
    assert total.tasks.precision == total.tasks.recall == 1.0
    assert total.pairs.precision == total.pairs.recall == 1.0
    assert total.triples.precision == total.triples.recall == 1.0
    assert total.deadlines.recall == 1.0
    text = format_report(report)
    assert "合计" in text and "任务P" in text


def test_evaluate_counts_misses_and_extras(tmp_path):
    (tmp_path / "a.txt").write_text(
        "一、工作任务\n1.甲任务。（牵头单位：区司法局）\n2.乙任务。（牵头单位：区教育局）\n", encoding="utf-8"
    )
    expected = {
        "title": "x",
        "tasks": [
            {
                "number": "1",
                "path": ["一、工作任务"],
                "title": "甲任务",
                "text": "甲任务。",
                "lead_units": ["区司法局"],
                "participating_units": [],
                "responsible_units": [],
                "deadline_text": None,
                "deadline": None,
                "targets": [],
            },
            {
                "number": "3",
                "path": ["一、工作任务"],
                "title": "丙任务",
                "text": "丙任务完全不同的内容。",
                "lead_units": ["区民政局"],
                "participating_units": [],
                "responsible_units": [],
                "deadline_text": None,
                "deadline": None,
                "targets": [],
            },
        ],
    }
    (tmp_path / "a.expected.json").write_text(json.dumps(expected, ensure_ascii=False), encoding="utf-8")
    report = evaluate(tmp_path)
    doc = report.documents[0]
    assert (doc.tasks.expected, doc.tasks.found, doc.tasks.right) == (2, 2, 1)
    assert doc.pairs.precision == 0.5 and doc.pairs.recall == 0.5
    assert "漏识别 3 丙任务" in format_report(report)


# --- JSON shape ----------------------------------------------------------------------------------------------


def test_to_json_has_exactly_the_import_shape():
    data = _parse("003_luozhuang_annual_plan").to_json()
    assert set(data) == {"title", "tasks"}
    task = data["tasks"][2]
    assert set(task) == {
        "number",
        "path",
        "title",
        "text",
        "lead_units",
        "participating_units",
        "responsible_units",
        "deadline_text",
        "deadline",
        "targets",
    }
    assert task["deadline"] == "2023-03-31"
    assert task["targets"] == [
        {"text": "典型案例每个街镇司法所年内各完成1篇", "threshold": 1, "unit": "篇", "period": "year", "due": None}
    ]
    json.dumps(data, ensure_ascii=False)


# --- reading files -------------------------------------------------------------------------------------------


def _numbering(document) -> str:
    """Add a two-level Word list: level 0 "（一）" (chineseCounting), level 1 "1." (decimal)."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%1）"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return "90"


def _auto(document, text: str, num_id: str, level: int) -> None:
    paragraph = document.add_paragraph(text)
    paragraph._p.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{num_id}"/></w:numPr>')
    )


def _docx_plan() -> bytes:
    document = Document()
    document.add_paragraph("河西区2024年普法工作要点")
    document.add_paragraph("为落实“八五”普法规划，制定本要点。")
    document.add_paragraph("一、重点任务")
    num = _numbering(document)
    _auto(document, "加强宪法宣传", num, 0)
    _auto(document, "组织宪法宣传周活动。开展宪法进社区活动不少于10场次。", num, 1)
    document.add_paragraph("牵头单位：区司法局")
    document.add_paragraph("配合单位：区教育局、各街道")
    _auto(document, "开展民法典宣传月活动。", num, 1)
    document.add_paragraph("牵头单位：区司法局；配合单位：区妇联；完成时限：5月31日前")
    _auto(document, "加强青少年法治教育", num, 0)
    _auto(document, "落实法治副校长制度。（牵头单位：区教育局；完成时限：贯穿全年）", num, 1)
    document.add_paragraph("二、任务分工表")
    table = document.add_table(rows=5, cols=5)
    rows = [
        ["序号", "工作任务", "牵头单位", "配合单位", "完成时限"],
        ["（一）领导干部学法", "", "", "", ""],
        ["1", "落实中心组学法制度，每年专题学法不少于2次。", "区委组织部", "区司法局", "12月底前"],
        ["2", "组织领导干部年度学法考试。", "", "区人社局", "11月30日前"],
        ["3", "开展“法律明白人”培训。", "区司法局", "各街道、区农业农村局", "每季度"],
    ]
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 0).merge(table.cell(1, 4))  # a section row spanning the table
    table.cell(2, 2).merge(table.cell(3, 2))  # 区委组织部 leads rows 1 and 2 (vertical merge)
    document.add_paragraph("三、保障措施")
    document.add_paragraph("各单位要高度重视，确保任务落实。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_auto_numbered_paragraphs_and_task_table():
    lines = read_document(_docx_plan(), "要点.docx")
    assert "（一）加强宪法宣传" in lines
    assert "1.组织宪法宣传周活动。开展宪法进社区活动不少于10场次。" in lines
    assert "（二）加强青少年法治教育" in lines
    assert any(line.startswith("1.落实法治副校长制度") for line in lines)  # level 1 restarts under （二）
    plan = parse_plan(lines, today=TODAY)
    assert plan.title == "河西区2024年普法工作要点"
    got = {(t.path[-1], t.number): t for t in plan.tasks}
    assert len(plan.tasks) == 6
    propaganda = got[("（一）加强宪法宣传", "1")]
    assert propaganda.path == ["一、重点任务", "（一）加强宪法宣传"]
    assert propaganda.lead_units == ["区司法局"]
    assert propaganda.participating_units == ["区教育局", "各街道"]
    assert [(t.threshold, t.unit) for t in propaganda.targets] == [(10, "场次")]
    civil = got[("（一）加强宪法宣传", "2")]
    assert civil.participating_units == ["区妇联"] and civil.deadline == date(2024, 5, 31)
    youth = got[("（二）加强青少年法治教育", "1")]
    assert youth.lead_units == ["区教育局"] and youth.recurrence == "all_year"
    assert "牵头单位" not in youth.text
    table_tasks = [t for t in plan.tasks if t.path[:1] == ["二、任务分工表"]]
    assert [t.number for t in table_tasks] == ["1", "2", "3"]
    first, second, third = table_tasks
    assert first.path == ["二、任务分工表", "（一）领导干部学法"]
    assert first.title == "落实中心组学法制度，每年专题学法不少于2次"
    assert first.lead_units == ["区委组织部"] and first.participating_units == ["区司法局"]
    assert first.deadline == date(2024, 12, 31)
    assert [(t.threshold, t.unit, t.period) for t in first.targets] == [(2, "次", "year")]
    assert second.lead_units == ["区委组织部"]  # vertically merged cell
    assert second.deadline == date(2024, 11, 30)
    assert third.participating_units == ["各街道", "区农业农村局"] and third.recurrence == "quarterly"


def test_docx_list_number_style_is_numbered():
    document = Document()
    document.add_paragraph("某镇普法工作计划")
    document.add_paragraph("一、工作任务")
    document.add_paragraph("开展普法宣传。（责任单位：镇司法所）", style="List Number")
    document.add_paragraph("开展法治培训。（责任单位：镇党政办）", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    plan = parse_plan(read_document(buffer.getvalue(), "plan.docx"), today=TODAY)
    assert [(t.number, t.title, t.responsible_units) for t in plan.tasks] == [
        ("1", "开展普法宣传", ["镇司法所"]),
        ("2", "开展法治培训", ["镇党政办"]),
    ]


def test_read_document_accepts_paths_and_file_objects(tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(_docx_plan())
    assert read_document(path)[0] == "河西区2024年普法工作要点"
    with path.open("rb") as handle:
        assert read_document(handle, "上传.docx") == read_document(path)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "plan.txt", "文件为空，没有可导入的内容"),
        (b"  \r\n\r\n ", "plan.txt", "文件为空，没有可导入的内容"),
        (b"PK\x03\x04 not really a zip", "plan.docx", "无法读取文件：不是有效的 Word 文档"),
        (b"hello", "plan.docx", "无法读取文件：不是有效的 Word 文档"),
        (b"%PDF-1.7 ...", "plan.pdf", "不支持的文件类型：仅支持 .docx、.txt"),
        (b"a,b", "plan.xlsx", "不支持的文件类型：仅支持 .docx、.txt"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "plan.doc", "不支持的文件类型"),
        (b"abc\x00\x01\x02def", "plan.txt", "无法读取文件：不是有效的文本文件"),
    ],
)
def test_unreadable_input_raises_plan_read_error_in_chinese(data, filename, message):
    with pytest.raises(PlanReadError) as caught:
        read_document(data, filename)
    assert str(caught.value).startswith(message)
    assert CJK.search(str(caught.value))
    assert isinstance(caught.value, ValueError)


def test_empty_docx_is_empty():
    buffer = io.BytesIO()
    Document().save(buffer)
    with pytest.raises(PlanReadError, match="文件为空"):
        read_document(buffer.getvalue(), "空.docx")


def test_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(PlanReadError, match="无法读取文件"):
        read_document(tmp_path / "nope.txt")


SMALL_PLAN = "某街道2024年普法计划\n一、工作任务\n1、开展宪法宣传。（牵头单位：街道司法所；完成时限：6月底前）\n"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig", "utf-16"])
def test_txt_encodings(encoding):
    lines = read_document(SMALL_PLAN.encode(encoding), "计划.txt")
    assert lines[0] == "某街道2024年普法计划"
    plan = parse_plan(lines)
    assert plan.tasks[0].lead_units == ["街道司法所"]
    assert plan.tasks[0].deadline == date(2024, 6, 30)


def test_gb18030_file_on_disk(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes((SMALL_PLAN + "2、编印宣传资料。（牵头单位：街道宣传办）\n").encode("gb18030"))
    plan = parse_plan(read_document(path))
    assert [t.lead_units for t in plan.tasks] == [["街道司法所"], ["街道宣传办"]]


# --- genre cases ---------------------------------------------------------------------------------------------


def test_half_width_numbering_and_brackets():
    text = (
        "某区2024年普法要点\r\n"
        "一.重点任务\r\n"
        "(一)宪法宣传\r\n"
        "1.开展宪法宣传周活动。(牵头单位:区司法局;配合单位:区教育局,团区委;完成时限:12月10日前)\r\n"
        "2．开展宪法进校园活动。【牵头单位：区教育局】\r\n"
        "（二）民法典宣传\r\n"
        "1)组织民法典宣讲。(区司法局牵头，区直各单位配合)\r\n"
        "2)开展民法典知识竞赛。(由区妇联负责)\r\n"
    )
    plan = parse_plan(text, today=TODAY)
    got = [(t.path[-1], t.number, t.lead_units, t.participating_units, t.responsible_units) for t in plan.tasks]
    assert got == [
        ("(一)宪法宣传", "1", ["区司法局"], ["区教育局", "团区委"], []),
        ("(一)宪法宣传", "2", ["区教育局"], [], []),
        ("（二）民法典宣传", "1", ["区司法局"], ["区直各单位"], []),
        ("（二）民法典宣传", "2", [], [], ["区妇联"]),
    ]
    assert plan.tasks[0].deadline == date(2024, 12, 10)
    assert plan.tasks[0].text == "开展宪法宣传周活动。"


def test_units_on_a_section_pass_down_and_sub_points_fold_in():
    text = (
        "某县2024年法治宣传教育工作计划\n"
        "一、主要任务\n"
        "（一）加强领导干部学法（牵头单位：县委组织部）\n"
        "1.落实中心组学法制度。\n"
        "（1）每季度学法一次；\n"
        "（2）年终开展述法。\n"
        "配合单位：县司法局\n"
        "完成时限：12月底前\n"
        "2.组织学法考试。（配合单位：县人社局）\n"
        "二、保障措施\n"
        "（一）加强组织领导。各单位要高度重视。\n"
    )
    plan = parse_plan(text, today=TODAY)
    assert [(t.number, t.lead_units, t.participating_units) for t in plan.tasks] == [
        ("1", ["县委组织部"], ["县司法局"]),
        ("2", ["县委组织部"], ["县人社局"]),
    ]
    first = plan.tasks[0]
    assert first.text == "落实中心组学法制度。\n（1）每季度学法一次；\n（2）年终开展述法。"
    assert first.deadline == date(2024, 12, 31)
    assert [(t.threshold, t.unit, t.period) for t in first.targets] == [(1, "次", "quarter")]


def test_unannotated_document_skips_framework_sections():
    text = (
        "关于加强新时代法治宣传教育的意见\n"
        "一、总体要求\n（一）指导思想。坚持以习近平法治思想为指导。\n（二）基本原则。坚持服务大局。\n"
        "二、重点任务\n（三）深入宣传宪法。每年开展宪法宣传周活动。\n（四）推进普法责任制。各部门每年3月底前公布普法责任清单。\n"
        "三、组织保障\n（五）加强组织领导。各级党委要重视。\n"
    )
    plan = parse_plan(text, today=TODAY)
    assert [(t.number, t.title) for t in plan.tasks] == [("三", "深入宣传宪法"), ("四", "推进普法责任制")]
    assert plan.tasks[1].deadline == date(2024, 3, 31) and plan.tasks[1].recurrence == "yearly"


def test_no_tasks_gives_a_warning():
    plan = parse_plan("关于召开会议的通知\n请各单位准时参加。", today=TODAY)
    assert plan.tasks == []
    assert any("未识别到任务" in warning for warning in plan.warnings)


def test_year_comes_from_argument_title_text_then_today():
    text = "普法工作计划\n一、任务\n1.开展宣传。（完成时限：3月底前）\n"
    assert parse_plan(text, year=2030).tasks[0].deadline == date(2030, 3, 31)
    assert parse_plan("2021年" + text).tasks[0].deadline == date(2021, 3, 31)
    plan = parse_plan(text, today=date(2026, 7, 1))
    assert plan.tasks[0].deadline == date(2026, 3, 31)
    assert any("未写明年份" in warning for warning in plan.warnings)


def test_title_skips_covering_notice_and_web_furniture():
    text = (
        "您现在的位置: 首页 > 通知公告\n关于印发《某区普法依法治理工作要点》的通知\n"
        "各单位：\n现印发给你们，请认真贯彻落实。\n"
        "某区普法依法治理工作要点\n一、任务\n1.开展宣传。（牵头单位：区司法局）\n关闭窗口\n"
    )
    plan = parse_plan(text, today=TODAY)
    assert plan.title == "某区普法依法治理工作要点"
    assert plan.tasks[0].text == "开展宣传。"
    assert (
        parse_plan("关于印发《甲乡普法方案》的通知\n一、任务\n1.做事。（牵头单位：乡司法所）").title == "甲乡普法方案"
    )


@pytest.mark.parametrize(
    ("text", "expected_date", "recurrence"),
    [
        ("贯穿全年", None, "all_year"),
        ("全年", None, "all_year"),
        ("每季度", None, "quarterly"),
        ("每月", None, "monthly"),
        ("每年", None, "yearly"),
        ("年内完成", None, "yearly"),
        ("3月底前", date(2023, 3, 31), None),
        ("2月底前", date(2023, 2, 28), None),
        ("6月30日前", date(2023, 6, 30), None),
        ("2024年12月底", date(2024, 12, 31), None),
        ("2025年底前", date(2025, 12, 31), None),
        ("年底前", date(2023, 12, 31), None),
        ("十一月底前", date(2023, 11, 30), None),
        ("上半年", date(2023, 6, 30), None),
        ("第三季度", date(2023, 9, 30), None),
        ("12月上旬", date(2023, 12, 10), None),
        ("2023-08-15", date(2023, 8, 15), None),
        ("每年6月底前", date(2023, 6, 30), "yearly"),
        ("人员调整4月底前完成，电话抽查5月底前完成", date(2023, 5, 31), None),
        ("具体时间以通知为准", None, None),
    ],
)
def test_parse_deadline(text, expected_date, recurrence):
    assert parse_deadline(text, 2023) == (expected_date, recurrence)


def test_deadline_in_running_text_needs_a_by_phrase():
    assert deadline_in_text("用好3月15日“国际消费者权益日”等节点。", 2023) is None
    assert deadline_in_text("2025年底前建立一支志愿者队伍。", 2023) == (
        "2025年底前建立一支志愿者队伍",
        date(2025, 12, 31),
        None,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2022 年底各社区“法律明白人”不少于4个、2025年底不少于6个；2025年底每个社区至少有一户“学法用法示范户”。",
            [
                (4, "个", None, date(2022, 12, 31)),
                (6, "个", None, date(2025, 12, 31)),
                (1, "户", None, date(2025, 12, 31)),
            ],
        ),
        ("每个社区每年组织开展1次以上基层法治文化活动。", [(1, "次", "year", None)]),
        ("要坚持每季度一堂法制课", [(1, "堂", "quarter", None)]),
        ("指定专人负责，做到每月一期。", [(1, "期", "month", None)]),
        ("典型案例每个街镇司法所年内各完成1篇", [(1, "篇", "year", None)]),
        ("今年计划开展普法演出5场次。", [(5, "场次", None, None)]),
        ("力争每个行政村法治宣传版面不少于2平方米", [(2, "平方米", None, None)]),
        ("区委中心组学法不少于两次，常务会议学法不少于十二次。", [(2, "次", None, None), (12, "次", None, None)]),
        ("编印宣传资料1万份", [(10000, "份", None, None)]),
        ("群众知晓率达到90%以上", [(90, "%", None, None)]),
        # descriptions, not targets
        ("深入开展与群众生活密切相关的9个领域法律普及工作。", []),
        ("对2处普法阵地进行内容更新。", []),
        ("面向中小学生开展5分钟的法治宣讲", []),
        ("已实现每个社区有一个法治文化阵地。", []),
        ("建立一支社会化普法志愿者队伍", []),
        ("用好3月8日“国际劳动妇女节”", []),
        ("开展一次性集中宣传", []),
    ],
)
def test_find_targets(text, expected):
    got = [(t.threshold, t.unit, t.period, t.due) for t in find_targets(text, 2023)]
    assert got == expected


# --- unit resolution -----------------------------------------------------------------------------------------

CANDIDATES = [
    UnitCandidate(1, "沱河街道依法治理办公室", ["法治办", "依法治理办"], "office", "沱河街道"),
    UnitCandidate(2, "沱河街道司法所", [], "judicial_office", "沱河街道"),
    UnitCandidate(3, "沱河街道宣传办", [], "department", "沱河街道"),
    UnitCandidate(4, "沱河派出所", [], "police_station", "沱河街道"),
    UnitCandidate(5, "桥华社区居委会", [], "community_committee", "桥华社区"),
    UnitCandidate(6, "瑞光社区居委会", [], "community_committee", "瑞光社区"),
    UnitCandidate(7, "沱河街道市场监督管理所", ["市监所"], "department", "沱河街道"),
    UnitCandidate(8, "沱河中心小学", [], "school", "沱河街道"),
]


def test_resolve_units_statuses():
    names = [
        "沱河街道宣传办",
        "法治办",
        "司法所",
        "宣传办",
        "沱河派岀所",
        "各社区",
        "街道各部门",
        "各街镇司法所",
        "卫计办",
        "各学校",
        "区委党校",
    ]
    got = {r.written: r for r in resolve_units(names, CANDIDATES)}
    assert [r.written for r in resolve_units(names, CANDIDATES)] == names  # one per name, in order
    assert (got["沱河街道宣传办"].status, got["沱河街道宣传办"].matched_keys) == ("exact", [3])
    assert (got["法治办"].status, got["法治办"].matched_keys) == ("alias", [1])
    assert (got["司法所"].status, got["司法所"].matched_keys) == ("fuzzy", [2])
    assert (got["宣传办"].status, got["宣传办"].matched_keys) == ("fuzzy", [3])
    assert (got["沱河派岀所"].status, got["沱河派岀所"].matched_keys) == ("fuzzy", [4])  # 岀 typed for 出
    assert (got["各社区"].status, got["各社区"].matched_keys) == ("collective", [5, 6])
    assert (got["街道各部门"].status, sorted(got["街道各部门"].matched_keys)) == ("collective", [2, 3, 4, 7])
    assert (got["各街镇司法所"].status, got["各街镇司法所"].matched_keys) == ("collective", [2])
    assert (got["各学校"].status, got["各学校"].matched_keys) == ("collective", [8])
    assert got["卫计办"].status == "unresolved" and got["卫计办"].matched_keys == []
    assert got["区委党校"].status == "unresolved" and CJK.search(got["区委党校"].note)


def test_resolve_units_ambiguous_short_name_is_not_guessed():
    candidates = [*CANDIDATES, UnitCandidate(9, "三八街道司法所", [], "judicial_office", "三八街道")]
    (resolution,) = resolve_units(["司法所"], candidates)
    assert resolution.status == "unresolved"
    assert sorted(resolution.suggested_keys) == [2, 9]
    assert "三八街道司法所" in resolution.note


def test_resolve_units_collective_without_such_units_is_unresolved():
    (resolution,) = resolve_units(["各企业"], CANDIDATES)
    assert resolution.status == "unresolved" and resolution.matched_keys == []


def test_label_alone_on_its_line_takes_the_next_line_as_value():
    text = (
        "某镇2024年普法计划\n一、任务\n1.开展普法。\n牵头单位：\n镇司法所\n配合单位：\n镇妇联、团委\n完成时限：\n6月底前\n"
        "2.宣传知晓率达到９０％以上。\n【牵头单位】镇宣传办\n"
    )
    first, second = parse_plan(text).tasks
    assert (first.text, first.lead_units, first.participating_units) == ("开展普法。", ["镇司法所"], ["镇妇联", "团委"])
    assert first.deadline == date(2024, 6, 30)
    assert second.lead_units == ["镇宣传办"]
    assert [(t.threshold, t.unit) for t in second.targets] == [(90, "%")]


def test_work_summary_is_flagged():
    plan = _parse("001_community_creation_scheme")
    assert not any("工作总结" in warning for warning in plan.warnings)
    summary = parse_plan("社区普法教育工作总结\n一、主要做法\n（一）加强统筹。全年开展活动。\n")
    assert any("工作总结" in warning for warning in summary.warnings)


def test_covering_notice_then_attached_plan():
    text = (
        "关于印发《西岭乡2024年普法工作计划》的通知\n各村（社区）、乡直各单位：\n现将计划印发给你们，请认真落实。\n"
        "特此通知。\n西岭乡人民政府\n2024年2月1日\n附件\n西岭乡2024年普法工作计划\n一、重点工作\n"
        "1.开展宪法宣传。（牵头单位：乡司法所）\n2.开展民法典宣传。（牵头单位：乡妇联）\n"
    )
    plan = parse_plan(text)
    assert plan.title == "西岭乡2024年普法工作计划"
    assert [(t.path, t.number, t.text) for t in plan.tasks] == [
        (["一、重点工作"], "1", "开展宪法宣传。"),
        (["一、重点工作"], "2", "开展民法典宣传。"),
    ]
