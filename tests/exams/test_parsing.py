"""The bank parser on Word files in the layouts real banks use (built here with python-docx), on text and on
a spreadsheet: what it reads, every question it cannot read (with its number and text), and duplicates."""

from __future__ import annotations

import io
from typing import Any

import pytest
from docx import Document
from openpyxl import Workbook

from pufa.exams.parsing import JUDGE, MULTIPLE, SINGLE, BankReadError, parse_lines, read_bank


def docx_bytes(lines: list[str], *, numbered: bool = False) -> bytes:
    """A Word file with one paragraph per line; `numbered` uses Word's automatic list numbering for lines
    that start with "#" (as real banks typed in Word often do)."""
    document = Document()
    for line in lines:
        if numbered and line.startswith("#"):
            document.add_paragraph(line[1:], style="List Number")
        else:
            document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_answers_in_the_stem_brackets():
    data = docx_bytes(
        [
            "2024年度国家工作人员学法考试题库",
            "一、单项选择题",
            "1. 我国的根本大法是（B）。",
            "A. 民法典",
            "B. 宪法",
            "C. 刑法",
            "D. 行政诉讼法",
            "2．宪法宣传周的时间是每年（ C ）。",
            "A．3月15日 B．6月26日 C．12月4日所在的一周 D．10月1日",
            "二、多项选择题",
            "3、下列属于民法典分编的有（ABD）",
            "A、物权编  B、合同编  C、刑罚编  D、婚姻家庭编",
            "三、判断题",
            "4. 宪法是国家的根本法，具有最高的法律效力。（√）",
            "5. 未成年人可以独立实施一切民事法律行为。（×）",
        ]
    )
    result = read_bank(data, "题库.docx")
    assert [q.number for q in result.questions] == [1, 2, 3, 4, 5]
    assert [q.kind for q in result.questions] == [SINGLE, SINGLE, MULTIPLE, JUDGE, JUDGE]
    assert [q.answer for q in result.questions] == ["B", "C", "ABD", "T", "F"]
    assert result.questions[0].stem == "我国的根本大法是（ ）。"
    assert result.questions[1].options == ["3月15日", "6月26日", "12月4日所在的一周", "10月1日"]
    assert result.problems == []


def test_answer_after_the_options_with_explanation():
    data = docx_bytes(
        [
            "1、公民的基本权利不包括（ ）",
            "A.选举权",
            "B.言论自由",
            "C.宗教信仰自由",
            "D.拒绝依法纳税",
            "答案：D",
            "解析：依法纳税是公民的基本义务。",
            "2、行政复议机关收到申请后，应当在几日内审查？",
            "A.3日 B.5日 C.7日 D.10日",
            "【答案】B",
            "3、下列属于监察对象的有",
            "A.公务员 B.国有企业管理人员 C.基层群众性自治组织中从事管理的人员",
            "正确答案：ABC",
            "4、劳动合同可以约定试用期超过六个月。",
            "答案：错误",
            "5、这道题的答案丢了",
            "A.甲 B.乙 C.丙",
        ]
    )
    result = read_bank(data, "题库.docx")
    assert len(result.questions) == 4
    first, second, third, fourth = result.questions
    assert (first.answer, first.explanation) == ("D", "依法纳税是公民的基本义务。")
    assert second.answer == "B" and second.options == ["3日", "5日", "7日", "10日"]
    assert third.kind == MULTIPLE and third.answer == "ABC"
    assert (fourth.kind, fourth.answer) == (JUDGE, "F")
    assert len(result.problems) == 1
    problem = result.problems[0]
    assert problem.number == 5 and "这道题的答案丢了" in problem.text and problem.reason == "找不到答案"


def test_answer_key_at_the_end_per_section():
    data = docx_bytes(
        [
            "一、单选题",
            "1. 《中华人民共和国民法典》自哪一年起施行？",
            "A. 2019年",
            "B. 2020年",
            "C. 2021年",
            "D. 2022年",
            "2. 国家宪法日是",
            "A. 12月4日 B. 3月15日 C. 5月1日 D. 10月1日",
            "二、判断题",
            "1. 法律面前人人平等。",
            "2. 行政机关可以随意设定罚款。",
            "3. 公民有劳动的权利和义务。",
            "参考答案",
            "一、单选题",
            "1-2 CA",
            "二、判断题",
            "1.√ 2.× 3.对",
        ]
    )
    result = read_bank(data, "题库.docx")
    assert [(q.kind, q.number, q.answer) for q in result.questions] == [
        (SINGLE, 1, "C"),
        (SINGLE, 2, "A"),
        (JUDGE, 1, "T"),
        (JUDGE, 2, "F"),
        (JUDGE, 3, "T"),
    ]
    assert result.problems == []


def test_options_spread_over_lines_auto_numbered_and_key_without_sections():
    data = docx_bytes(
        [
            "#根据《中华人民共和国安全生产法》，生产经营单位的主要负责人对本单位安全生产工作",
            "负有的职责不包括（ ）。",
            "A. 建立健全并落实本单位全员安全生产责任制，",
            "加强安全生产标准化建设",
            "B. 组织制定并实施本单位安全生产规章制度和操作规程",
            "C. 亲自操作所有特种设备",
            "D. 组织制定并实施本单位安全生产教育和培训计划",
            "#人民调解委员会调解民间纠纷，不收取任何费用。",
            "#下列哪些属于个人信息？（ ）",
            "A. 姓名 B. 身份证号码",
            "C. 行踪轨迹 D. 公开的天气预报",
            "答案",
            "1.C 2.√ 3.ABC",
        ],
        numbered=True,
    )
    result = read_bank(data, "题库.docx")
    assert [q.number for q in result.questions] == [1, 2, 3]
    first, second, third = result.questions
    assert first.stem.endswith("负有的职责不包括（ ）。")
    assert first.options[0] == "建立健全并落实本单位全员安全生产责任制，加强安全生产标准化建设"
    assert len(first.options) == 4 and first.answer == "C"
    assert (second.kind, second.answer) == (JUDGE, "T")
    assert third.options == ["姓名", "身份证号码", "行踪轨迹", "公开的天气预报"] and third.answer == "ABC"


def test_unreadable_questions_are_reported_with_number_and_text():
    result = parse_lines(
        [
            "1. 只有一个选项的题（A）",
            "A. 唯一",
            "2. 答案不在选项里",
            "A. 甲 B. 乙",
            "答案：D",
            "3. 判断题答案写错了",
            "答案：也许",
            "4. 正常的题（A）",
            "A. 对的 B. 错的",
        ]
    )
    assert [q.number for q in result.questions] == [4]
    reasons = {p.number: p.reason for p in result.problems}
    assert set(reasons) == {1, 2, 3}
    assert "选项" in reasons[1]
    assert "D" in reasons[2]
    assert all(p.text.startswith(f"{p.number}.") for p in result.problems)


def test_duplicates_are_detected_whatever_the_punctuation_and_option_order():
    result = parse_lines(
        [
            "1. 我国的根本大法是（B）",
            "A. 民法典 B. 宪法 C. 刑法",
            "2. 我国的根本大法是(  A )。",
            "A. 宪法 B. 刑法 C. 民法典",
            "3. 我国的根本大法是哪一部？（A）",
            "A. 宪法 B. 刑法 C. 民法典",
        ]
    )
    assert len(result.questions) == 3
    assert result.duplicates == [(2, 1)]


def test_text_bank_in_gb18030():
    text = "1. 宪法是国家的根本法。\n答案：√\n2. 判断：罚款可以随意设定。（×）\n"
    result = read_bank(text.encode("gb18030"), "题库.txt")
    assert [(q.kind, q.answer) for q in result.questions] == [(JUDGE, "T"), (JUDGE, "F")]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet: Any = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_spreadsheet_bank_with_tags_and_row_numbers_in_problems():
    data = xlsx_bytes(
        [
            ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "解析", "法律", "领域", "难度", "来源"],
            [
                "单选",
                "我国的根本大法是",
                "民法典",
                "宪法",
                "刑法",
                "",
                "B",
                "宪法第一",
                "宪法",
                "宪法",
                "易",
                "2023题库",
            ],
            ["多选", "民法典的分编有", "物权编", "合同编", "刑罚编", "人格权编", "ABD", "", "民法典", "", "中", ""],
            ["判断", "法律面前人人平等", "", "", "", "", "正确", "", "宪法", "", "", ""],
            ["单选", "缺答案的题", "甲", "乙", "", "", "", "", "", "", "", ""],
        ]
    )
    result = read_bank(data, "bank.xlsx")
    assert [(q.kind, q.answer) for q in result.questions] == [(SINGLE, "B"), (MULTIPLE, "ABD"), (JUDGE, "T")]
    assert result.questions[0].tags == {"law": "宪法", "domain": "宪法", "difficulty": "易", "source": "2023题库"}
    assert [p.number for p in result.problems] == [5]


def test_not_a_bank():
    with pytest.raises(BankReadError):
        read_bank(b"PK\x03\x04garbage", "bank.docx")
    with pytest.raises(BankReadError, match="题干"):
        read_bank(xlsx_bytes([["甲", "乙"], ["1", "2"]]), "bank.xlsx")
