"""成绩通报: the circular of an exam's results, through the reports' document layer (.docx, .xlsx, .pdf).

Seed 003 asks the office to "及时通报考试成绩". The exams app sits below reports and cannot reach its document
writers, so the circular is built here from the exams' own reads (`exams.selectors.exam_standing`, the rows
its results page and .xlsx export show): the figures in the circular are those figures, never recounted.
Only units are named — who has not sat is on the 应考尽考 page for the office, not in a document that travels.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from pufa.core.chinese import cn_date, cn_number
from pufa.exams import selectors as exam_selectors
from pufa.exams.models import Exam
from pufa.org.access import require, visible_or_404
from pufa.reports.documents import FORMATS, render
from pufa.reports.documents.model import Document, Heading, Paragraph, Table
from pufa.reports.documents.pdf import PdfConversionError, PdfUnavailable

#: At most this many units are named in a sentence; the table lists them all.
NAMED = 8


def _names(units: list[Any]) -> str:
    named = "、".join(u.unit.name for u in units[:NAMED])
    return named + (f"等{len(units)}个单位" if len(units) > NAMED else "")


def exam_circular_document(exam: Exam, actor: Any, *, today: dt.date | None = None) -> Document:
    """The circular of `exam` over the units `actor` may see: the totals, the units that all passed (praised),
    the units with people not yet sat or passed (urged), a table per unit and the score distribution."""
    today = today or timezone.localdate()
    standing = exam_selectors.exam_standing(exam, actor)
    bands = exam_selectors.score_distribution(exam, actor)
    start, end = timezone.localdate(exam.starts_at), timezone.localdate(exam.ends_at)
    still_open = exam.status == Exam.Status.PUBLISHED and timezone.now() < exam.ends_at
    doc = Document(
        title=f"关于{exam.title}成绩情况的通报",
        issuer=f"{exam.unit.name}文件",
        recipient="各有关单位",
        signature=exam.unit.name,
        date=today,
    )
    doc.add(
        Paragraph(
            f"{cn_date(start)}至{cn_date(end)}，{exam.unit.name}组织开展了{exam.title}，"
            f"满分{exam.total_points}分，{exam.pass_mark}分及格。现将"
            + ("截至目前的" if still_open else "")
            + "考试成绩情况通报如下。"
        )
    )
    doc.add(Heading(1, f"{cn_number(1)}、总体情况"))
    doc.add(
        Paragraph(
            f"应参考{standing.required}人，实际参考{standing.sat}人，参考率{standing.participation}%；"
            f"考试通过{standing.passed}人，通过率{standing.pass_rate}%。"
        )
    )
    doc.add(Heading(1, f"{cn_number(2)}、各单位情况"))
    all_passed = [u for u in standing.units if u.required and u.passed == u.required]
    lagging = [u for u in standing.units if u.passed < u.required]
    if all_passed:
        doc.add(Paragraph(f"{_names(all_passed)}应考人员全部参考并通过考试，予以通报表扬。"))
    if lagging:
        ask = "请在截止前督促未参考、未通过人员参加考试" if still_open else "请督促未通过人员加强学法"
        doc.add(Paragraph(f"{_names(lagging)}尚有人员未参考或未通过，{ask}，确保应考尽考、全员通过。"))
    doc.add(
        Table(
            columns=["单位", "应考人数", "参考人数", "通过人数", "参考率(%)", "通过率(%)"],
            rows=[
                [u.unit.name, str(u.required), str(u.sat), str(u.passed), str(u.participation), str(u.pass_rate)]
                for u in standing.units
            ],
            widths=[3, 1, 1, 1, 1, 1],
            numeric=[1, 2, 3, 4, 5],
            caption="各单位考试情况",
            sheet="各单位",
        )
    )
    doc.add(Heading(1, f"{cn_number(3)}、成绩分布"))
    doc.add(
        Table(
            columns=["分数段", "人数"],
            rows=[[band, str(n)] for band, n in bands],
            numeric=[1],
            caption="参考人员最高成绩分布",
            sheet="成绩分布",
        )
    )
    return doc


@require_GET
def exam_circular_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The circular of an exam's results as a file, to whoever may see the exam's results (their units)."""
    exam = visible_or_404(Exam.objects.select_related("unit"), request.user, action="exams.view", pk=pk)
    require(request.user, "exams.view", exam)
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    content_type, suffix = FORMATS[fmt]
    try:
        data = render(exam_circular_document(exam, request.user), fmt, base_url=request.build_absolute_uri("/"))
    except (PdfUnavailable, PdfConversionError) as exc:
        messages.error(request, str(exc))
        return redirect("exams:exam-results", pk=exam.pk)
    name = "".join(c for c in exam.title if c not in '\\/:*?"<>|\n\r\t').strip() or "考试"
    return FileResponse(
        io.BytesIO(data), as_attachment=True, filename=f"{name}成绩通报{suffix}", content_type=content_type
    )
