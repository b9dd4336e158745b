"""电话抽查通报: the circular of a phone spot check, through the reports' document layer (.docx, .xlsx, .pdf).

Seed 003: 不定期采取电话抽查的方式对信息进行核实，抽查情况及时通报. The people app sits below reports, so the
circular is written here from the people app's own reads (`people.selectors.spotcheck_items`, the per-street
roll-up its spot-check page shows): the figures in the circular are those figures, never recounted. The circular
names streets and the seed that makes the draw repeatable, never the people called — it travels beyond the office,
and who failed a call is on the inspector's page and in the adjustment list, where it is acted on.
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
from pufa.people import selectors as people_selectors
from pufa.people.models import TeamKind
from pufa.reports.documents import FORMATS, render
from pufa.reports.documents.model import Document, Heading, Paragraph, Table
from pufa.reports.documents.pdf import PdfConversionError, PdfUnavailable

#: What each failed outcome is called in the circular's sentences.
FAILURES = (("unaware", "本人不知道自己身份"), ("wrong", "号码错误或停机"), ("unreachable", "多次拨打无人接听"))


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "—"


def spotcheck_circular_document(check: Any, *, today: dt.date | None = None) -> Document:
    """The circular of `check`: how the sample was drawn (so it can be re-drawn), the totals, the streets that all
    passed (praised) and those with failed calls (asked to verify and adjust), and a table per street."""
    today = today or timezone.localdate()
    _items, rollup = people_selectors.spotcheck_items(check=check)
    drawn = sum(r.drawn for r in rollup)
    called = sum(r.called for r in rollup)
    passed = sum(r.passed for r in rollup)
    codes = [c for c in check.kinds.split(",") if c]
    kinds = "、".join(
        TeamKind.objects.filter(code__in=codes).order_by("sort_order", "pk").values_list("name", flat=True)
    )
    size = f"{check.count}人" if check.count else f"{check.share}%"
    doc = Document(
        title=f"关于{check.title}情况的通报",
        issuer=f"{check.unit.name}文件",
        recipient="各有关单位",
        signature=check.unit.name,
        date=today,
    )
    doc.add(
        Paragraph(
            f"{cn_date(check.drawn_on)}，{check.unit.name}对{check.region.name}{kinds or '普法队伍'}"
            "人员信息开展电话抽查，"
            f"以随机种子{check.seed}从当日名册{check.population}人中{'按街道分别' if check.per_street else ''}"
            f"抽取{size}，共{drawn}人（任何人可按同一种子和名册复现抽取结果）。现将抽查情况通报如下。"
        )
    )
    doc.add(Heading(1, f"{cn_number(1)}、总体情况"))
    failed = {code: sum(r.failed.get(code, 0) for r in rollup) for code, _ in FAILURES}
    detail = "，".join(f"{label}{failed[code]}人" for code, label in FAILURES if failed[code])
    summary = f"抽取{drawn}人，已拨打{called}人，信息核实无误{passed}人，通过率{_share(passed, called)}"
    summary += f"；未通过{called - passed}人，其中{detail}" if detail else ""
    if drawn > called:
        summary += f"；尚有{drawn - called}人未拨打，将继续核实"
    doc.add(Paragraph(summary + "。"))
    doc.add(Heading(1, f"{cn_number(2)}、各街道情况"))
    clean = [r.name for r in rollup if r.called and r.passed == r.called == r.drawn]
    lagging = [r for r in rollup if r.called > r.passed]
    if clean:
        doc.add(Paragraph(f"{'、'.join(clean)}抽查人员全部接通且信息属实，予以通报表扬。"))
    for r in lagging:
        parts = "，".join(f"{label}{r.failed[code]}人" for code, label in FAILURES if r.failed.get(code))
        doc.add(Paragraph(f"{r.name}抽查{r.drawn}人，{parts}。"))
    doc.add(
        Table(
            columns=["街道", "抽取人数", "已拨打", "通过", "通过率", "不知身份", "号码错误", "无人接听"],
            rows=[
                [r.name, *(str(n) for n in (r.drawn, r.called, r.passed)), r.rate]
                + [str(n) for n in (r.unaware, r.wrong, r.unreachable)]
                for r in rollup
            ],
            widths=[3, 1, 1, 1, 1, 1, 1, 1],
            numeric=[1, 2, 3, 4, 5, 6, 7],
            caption="各街道电话抽查情况",
            sheet="各街道",
        )
    )
    if lagging:
        doc.add(Heading(1, f"{cn_number(3)}、工作要求"))
        doc.add(
            Paragraph(
                "请有关街道对抽查中号码错误、本人不知道自己身份和无法联系的人员逐一核实，"
                "更正名册信息或按动态调整要求作出调整，并加强对队伍人员的培训和联系。"
            )
        )
    return doc


@require_GET
def spotcheck_circular_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The circular of a spot check as a file, to whoever may see the spot check (its region's inspectors)."""
    check = people_selectors.spotcheck_get(actor=request.user, pk=pk)
    if fmt not in FORMATS:
        raise Http404("不支持的格式")
    content_type, suffix = FORMATS[fmt]
    try:
        data = render(spotcheck_circular_document(check), fmt, base_url=request.build_absolute_uri("/"))
    except (PdfUnavailable, PdfConversionError) as exc:
        messages.error(request, str(exc))
        return redirect("people:spotcheck-detail", pk=check.pk)
    name = "".join(c for c in check.title if c not in '\\/:*?"<>|\n\r\t').strip() or "电话抽查"
    return FileResponse(io.BytesIO(data), as_attachment=True, filename=f"{name}通报{suffix}", content_type=content_type)
