"""The responses of a survey as .xlsx: one row per response, one column per question of its revision, user
text through the safe writer (formula-neutralised). No personal data: there is none to export."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from pufa.core.spreadsheets import safe_row
from pufa.surveys.models import Answer, Question, Response, Survey


def _cell(q: Question, answers: list[Answer]) -> Any:
    if q.kind in Question.CHOICE_KINDS:
        return "、".join(q.options[a.option] for a in answers if a.option is not None and a.option < len(q.options))
    if q.kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
        return float(answers[0].value) if answers and answers[0].value is not None else ""
    return answers[0].text if answers else ""


def responses_xlsx(survey: Survey) -> io.BytesIO:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    revisions = sorted(set(Response.objects.filter(survey=survey).values_list("revision", flat=True))) or [
        survey.revision
    ]
    for rev in revisions:
        questions = list(survey.questions.filter(revision=rev).order_by("position", "id"))
        sheet: Any = book.create_sheet(f"第{rev}版题目" if len(revisions) > 1 else "答卷")
        sheet.append(
            safe_row(
                sheet, ["答卷编号", "提交时间", "所在社区", "身份类别", "法治素养得分"] + [q.text for q in questions]
            )
        )
        rows = (
            Response.objects.filter(survey=survey, revision=rev)
            .select_related("community", "audience")
            .prefetch_related("answers")
            .order_by("submitted_at", "id")
        )
        for r in rows.iterator(chunk_size=2000):
            by_q: dict[int, list[Answer]] = {}
            for a in r.answers.all():
                by_q.setdefault(a.question_id, []).append(a)
            values: list[Any] = [
                r.pk,
                timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
                r.community.name if r.community else "",
                r.audience.name if r.audience else "",
                float(r.score) if r.score is not None else "",
            ]
            values += [_cell(q, sorted(by_q.get(q.pk, []), key=lambda a: a.option or 0)) for q in questions]
            sheet.append(safe_row(sheet, values))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer
