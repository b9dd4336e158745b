"""The results of an exam as .xlsx: per unit (应考尽考) and per examinee, user text through the safe writer."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from pufa.core.spreadsheets import safe_row
from pufa.exams import selectors
from pufa.exams.models import Exam


def results_xlsx(exam: Exam, actor: Any) -> io.BytesIO:
    standing = selectors.exam_standing(exam, actor)
    book = Workbook()
    units: Any = book.active
    units.title = "各单位"
    units.append(
        safe_row(units, ["单位", "应考人数", "参考人数", "通过人数", "参考率(%)", "通过率(%)", "未参考", "未通过"])
    )
    for u in standing.units:
        units.append(
            safe_row(
                units,
                [
                    u.unit.name,
                    u.required,
                    u.sat,
                    u.passed,
                    u.participation,
                    u.pass_rate,
                    "、".join(str(x) for x in u.not_sat),
                    "、".join(str(x) for x in u.not_passed),
                ],
            )
        )
    people = book.create_sheet("考生")
    people.append(safe_row(people, ["姓名", "单位", "考试次数", "最高分", "是否通过"]))
    for row in standing.rows:
        people.append(
            safe_row(people, [row.name, row.unit.name, row.attempts, row.best, "通过" if row.passed else "未通过"])
        )
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def filename(exam: Exam) -> str:
    return f"考试成绩_{exam.pk}.xlsx"
