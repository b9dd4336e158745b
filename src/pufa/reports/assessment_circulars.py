"""考核结果通报: the circular of a scheme's published results, through the reports' document layer.

Seed 004 (十六) asks for the assessment results to be circulated (考核结果通报). The assessment app sits below
reports and cannot reach its document writers, so the circular is built here from the assessment's own reads
(`assessment.selectors.ranking` and `band_counts`, the rows the ranking page shows): every total, rank and
grade in the circular is the stored figure of the final scoring run, never recomputed. Only published results
are circulated, and over the units the reader may see (an office its region, a unit its own line).
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET

from pufa.assessment import selectors as assessment_selectors
from pufa.assessment.models import Scheme
from pufa.core.chinese import cn_date, cn_number
from pufa.reports.documents import FORMATS, render
from pufa.reports.documents.model import Document, Heading, Paragraph, Table
from pufa.reports.documents.pdf import PdfConversionError, PdfUnavailable

#: At most this many units are named in a sentence; the tables list them all.
NAMED = 10


def _names(rows: list[Any]) -> str:
    named = "、".join(r.unit for r in rows[:NAMED])
    return named + (f"等{len(rows)}个单位" if len(rows) > NAMED else "")


def _points(value: Any) -> str:
    return f"{value.normalize():f}" if value is not None else ""


def assessment_circular_document(scheme: Scheme, actor: Any) -> Document:
    """The circular of `scheme`'s published results over the units `actor` may see: how the assessment was
    done, the units per grade band in each peer group, the best band named, and a table per peer group."""
    ranking = assessment_selectors.ranking(actor=actor, scheme=scheme, limit=None)
    counts = assessment_selectors.band_counts(actor=actor, scheme=scheme)
    bands = [str(b.get("name")) for b in scheme.bands or []]
    marks = assessment_selectors.full_marks(scheme)
    released = timezone.localdate(scheme.released_at) if scheme.released_at else timezone.localdate()
    checked = sum(1 for _, rows in ranking.values() for r in rows if r.checked)
    assessed = sum(total for total, _ in ranking.values())
    doc = Document(
        title=f"关于{scheme.year}年度{scheme.name}结果的通报",
        recipient=f"{scheme.region.name}各有关单位",
        signature=scheme.region.name,
        date=released,
    )
    doc.add(
        Paragraph(
            f"根据{scheme}方案（满分{_points(marks)}分），经单位自评、系统按工作记录计分、"
            f"“双随机”抽查核定和申诉复核，{scheme.region.name}完成了{scheme.year}年度考核，"
            f"于{cn_date(released)}公布结果。现将有关情况通报如下。"
        )
    )
    doc.add(Heading(1, f"{cn_number(1)}、总体情况"))
    doc.add(Paragraph(f"本次通报{assessed}个单位，其中{checked}个单位经随机抽查核定。"))
    for code, (total, _rows) in ranking.items():
        line = "，".join(f"{name}{n}个" for name, n in counts.get(code, []))
        doc.add(Paragraph(f"{assessment_selectors.GROUPS.get(code, code)}{total}个：{line}。"))
    doc.add(Heading(1, f"{cn_number(2)}、考核结果"))
    best = bands[0] if bands else ""
    for code, (_total, rows) in ranking.items():
        label = assessment_selectors.GROUPS.get(code, code)
        top = [r for r in rows if best and r.band == best]
        if top:
            doc.add(Paragraph(f"{label}中，{_names(top)}考核等次为“{best}”，予以通报表扬。"))
        doc.add(
            Table(
                columns=["名次", "单位", "所在区划", "总分", "等次"],
                rows=[[str(r.rank), r.unit, r.region, _points(r.total), r.band] for r in rows],
                widths=[1, 4, 2, 1, 1],
                numeric=[0, 3],
                caption=f"{label}考核结果",
                sheet=label,
            )
        )
    lowest = bands[-1] if len(bands) > 1 else ""
    low = [r for _, rows in ranking.values() for r in rows if lowest and r.band == lowest]
    if low:
        doc.add(Heading(1, f"{cn_number(3)}、整改要求"))
        doc.add(
            Paragraph(f"{_names(low)}考核等次为“{lowest}”，请对照考核内容逐项查找原因，一个月内向法治办报送整改情况。")
        )
    return doc


@require_GET
def assessment_circular_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The circular of a scheme's published results as a file, to whoever may see the scheme (their units)."""
    scheme = assessment_selectors.scheme_get(actor=request.user, pk=pk)
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    if scheme.status != Scheme.Status.RELEASED:
        messages.error(request, "考核结果公布后才能生成通报。")
        return redirect("assessment:ranking", pk=scheme.pk)
    content_type, suffix = FORMATS[fmt]
    try:
        data = render(assessment_circular_document(scheme, request.user), fmt, base_url=request.build_absolute_uri("/"))
    except (PdfUnavailable, PdfConversionError) as exc:
        messages.error(request, str(exc))
        return redirect("assessment:ranking", pk=scheme.pk)
    name = "".join(c for c in scheme.name if c not in '\\/:*?"<>|\n\r\t').strip() or "考核"
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=f"{scheme.year}年{name}结果通报{suffix}",
        content_type=content_type,
    )
