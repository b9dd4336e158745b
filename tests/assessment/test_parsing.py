"""Scheme import: five scoring tables of different layouts, written out here as their lines or as .docx."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from pufa.assessment.parsing import SchemeReadError, parse_lines, read_scheme


def _items(result):
    return [(i.section, i.number, i.text, i.points, i.remark) for i in result.items]


def test_layout_1_table_with_merged_section_column():
    """项目 | 内容措施 | 分值 | 备注, the section merged down its rows (the reader repeats it)."""
    lines = [
        "2025年度普法依法治理工作考核评分表",
        "项目\t内容措施\t分值\t备注",
        "组织保障有力（7分）\t1.成立普法依法治理领导小组，主要领导任组长\t2\t见文件",
        "组织保障有力（7分）\t2.年初制定普法工作要点，未制定的扣2分\t3\t见文件",
        "组织保障有力（7分）\t3.落实普法工作经费\t2\t见记录",
        "普法责任制落实（8分）\t1.制定普法责任清单并公开\t5\t见清单",
        "普法责任制落实（8分）\t2.开展以案释法\t3\t",
        "合计\t\t15\t",
    ]
    result = parse_lines(lines)
    assert [(s.name, s.points) for s in result.sections] == [
        ("组织保障有力", Decimal(7)),
        ("普法责任制落实", Decimal(8)),
    ]
    assert _items(result)[1] == ("组织保障有力", "2", "年初制定普法工作要点，未制定的扣2分", Decimal(3), "见文件")
    assert _items(result)[4] == ("普法责任制落实", "2", "开展以案释法", Decimal(3), "")
    assert result.mismatches() == []
    assert result.as_dict()["total"] == 15


def test_layout_2_table_with_section_rows_and_number_column():
    """序号 | 考核内容 | 分值 | 考核方式, each section a row of its own spanning the table."""
    lines = [
        "序号\t考核内容\t分值\t考核方式",
        "一、组织领导（10分）\t一、组织领导（10分）\t一、组织领导（10分）\t一、组织领导（10分）",
        "1\t党委（党组）理论学习中心组学法不少于2次\t4\t查阅会议记录",
        "2\t主要负责人履行推进法治建设第一责任人职责\t4\t见文件",
        "二、普法宣传（20分）\t\t\t",
        "3\t开展宪法宣传周活动\t12\t现场查看",
        "4\t建设法治文化阵地\t8\t",
    ]
    result = parse_lines(lines)
    assert [(s.name, s.points) for s in result.sections] == [("组织领导", Decimal(10)), ("普法宣传", Decimal(20))]
    assert _items(result)[0] == ("组织领导", "1", "党委（党组）理论学习中心组学法不少于2次", Decimal(4), "查阅会议记录")
    assert _items(result)[2][:4] == ("普法宣传", "3", "开展宪法宣传周活动", Decimal(12))
    # 4 + 4 ≠ 10: shown to the office, not silently fixed
    assert result.mismatches() == [{"section": "组织领导", "points": 10, "items_sum": 8}]


def test_layout_3_text_with_points_after_the_text():
    lines = [
        "沱河街道普法工作督导检查标准",
        "一、组织保障有力（7分）",
        "1.成立领导小组，定期研究普法工作（2分）见文件",
        "2.制定年度普法工作计划（3分）（见文件）",
        "3.配备专兼职普法工作人员 2分 见记录",
        "二、宣传活动扎实（10分）",
        "1、围绕“八五”普法重点开展主题宣传活动，",
        "每季度不少于1次（6分）",
        "（2）建立法律明白人队伍并开展培训（4分）",
    ]
    result = parse_lines(lines)
    assert [(s.name, s.points) for s in result.sections] == [
        ("组织保障有力", Decimal(7)),
        ("宣传活动扎实", Decimal(10)),
    ]
    items = _items(result)
    assert items[0] == ("组织保障有力", "1", "成立领导小组，定期研究普法工作", Decimal(2), "见文件")
    assert items[1] == ("组织保障有力", "2", "制定年度普法工作计划", Decimal(3), "见文件")
    assert items[2] == ("组织保障有力", "3", "配备专兼职普法工作人员", Decimal(2), "见记录")
    # the first line of item 1 of section 二 has no points; the wrapped line brings them
    assert items[3][2] == "围绕“八五”普法重点开展主题宣传活动，每季度不少于1次"
    assert items[4][:4] == ("宣传活动扎实", "2", "建立法律明白人队伍并开展培训", Decimal(4))
    assert result.mismatches() == []


def test_layout_4_points_before_the_text():
    lines = [
        "第一部分 基础工作 20分",
        "（5分）1.建立普法责任制工作台账",
        "（15分）2.落实“谁执法谁普法”责任清单，每缺一项扣1分",
        "第二部分 加分项",
        "3分 3.工作经验被市级以上媒体推广",
    ]
    result = parse_lines(lines)
    assert [(s.name, s.points) for s in result.sections] == [("基础工作", Decimal(20)), ("加分项", None)]
    items = _items(result)
    assert items[0] == ("基础工作", "1", "建立普法责任制工作台账", Decimal(5), "")
    assert items[1] == ("基础工作", "2", "落实“谁执法谁普法”责任清单，每缺一项扣1分", Decimal(15), "")
    assert items[2][:4] == ("加分项", "3", "工作经验被市级以上媒体推广", Decimal(3))


def test_layout_5_table_flattened_into_lines_by_spaces():
    """A table copied out of Word: cells become runs of spaces, the section only on its first row."""
    lines = [
        "项目  内容措施  分值  备注",
        "组织保障有力（7分）  1  成立普法领导小组，明确分管领导  2  见文件",
        "2  制定普法规划和年度计划  5  见文件",
        "队伍建设（5分）  3  培育法律明白人，每村（社区）不少于6名  5  见花名册",
    ]
    result = parse_lines(lines)
    assert [(s.name, s.points) for s in result.sections] == [("组织保障有力", Decimal(7)), ("队伍建设", Decimal(5))]
    assert _items(result) == [
        ("组织保障有力", "1", "成立普法领导小组，明确分管领导", Decimal(2), "见文件"),
        ("组织保障有力", "2", "制定普法规划和年度计划", Decimal(5), "见文件"),
        ("队伍建设", "3", "培育法律明白人，每村（社区）不少于6名", Decimal(5), "见花名册"),
    ]
    assert result.mismatches() == []


def test_an_item_without_points_is_a_problem_not_a_guess():
    result = parse_lines(["一、组织领导（5分）", "1.成立领导小组", "2.制定计划（5分）"])
    assert result.items[0].points is None
    assert result.problems == ["组织领导 第1项没有分值：成立领导小组"]


def test_a_file_with_no_items_is_refused():
    with pytest.raises(SchemeReadError):
        parse_lines(["一、组织领导（5分）"])


def _docx(rows: list[list[str]], merge_first: bool = True) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("2026年度法治宣传教育工作考核评分表")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    if merge_first:  # the section cell merged down its items, as offices draw it
        table.cell(1, 0).merge(table.cell(2, 0))
        table.cell(1, 0).text = "组织保障有力（7分）"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_table_with_a_merged_section_cell():
    data = _docx(
        [
            ["项目", "内容措施", "分值", "备注"],
            ["", "1.成立领导小组", "3", "见文件"],
            ["", "2.制定年度计划", "4", "见文件"],
            ["队伍建设（5分）", "3.培育法律明白人", "5", "见记录"],
        ]
    )
    result = read_scheme(data, "评分表.docx")
    assert [(s.name, s.points) for s in result.sections] == [("组织保障有力", Decimal(7)), ("队伍建设", Decimal(5))]
    assert [(i.section, i.number, i.text, i.points, i.remark) for i in result.items] == [
        ("组织保障有力", "1", "成立领导小组", Decimal(3), "见文件"),
        ("组织保障有力", "2", "制定年度计划", Decimal(4), "见文件"),
        ("队伍建设", "3", "培育法律明白人", Decimal(5), "见记录"),
    ]
    assert json.loads(json.dumps(result.as_dict(), ensure_ascii=False))["mismatches"] == []


def test_a_file_that_is_not_a_document_is_refused_with_a_message():
    with pytest.raises(SchemeReadError, match="Word"):
        read_scheme(b"PK\x03\x04not a zip", "x.docx")


def test_the_import_command_prints_json_and_a_summary(tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "评分表.txt"
    path.write_text("一、组织领导（10分）\n1.成立领导小组（4分）见文件\n2.制定计划（4分）\n", encoding="utf-8")
    call_command("assessment_import_scheme", str(path), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["sections"] == [{"name": "组织领导", "points": 10}]
    assert out["items"][0] == {
        "section": "组织领导",
        "number": "1",
        "text": "成立领导小组",
        "points": 4,
        "remark": "见文件",
    }
    assert out["mismatches"] == [{"section": "组织领导", "points": 10, "items_sum": 8}]
    call_command("assessment_import_scheme", str(path))
    text = capsys.readouterr().out
    assert "【组织领导】10分" in text and "小计不符" in text


def test_the_import_command_refuses_a_bad_file(tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "x.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old word")
    with pytest.raises(SystemExit) as exit_:
        call_command("assessment_import_scheme", str(path))
    assert exit_.value.code == 2
    assert "docx" in capsys.readouterr().err
