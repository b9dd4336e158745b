"""工作报告 and 工作通报 (read) and their documents (.docx, .pdf) rendered as on their pages."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from pufa.api.resources.common import READ_ERRORS, ErrorOut, PageQuery, ok, page
from pufa.org.access import require
from pufa.reports import exports, selectors
from pufa.reports.documents import FORMATS
from pufa.reports.documents.pdf import PdfConversionError, PdfUnavailable
from pufa.reports.schemas import CircularDetailOut, CircularOut, ReportDetailOut, ReportOut

router = Router(tags=["工作报告"])


class ReportPage(Schema):
    count: int
    items: list[ReportOut]


class ReportQuery(PageQuery):
    year: int | None = Field(default=None, ge=2000, le=2100, description="年度")
    period: Literal["", "h1", "year"] = Field(default="", description="报告期：h1 上半年、year 全年")
    status: Literal["", "draft", "submitted", "returned", "accepted"] = Field(default="", description="状态")
    kind: Literal["", "unit", "summary"] = Field(default="", description="类型")


@router.get("/reports/", response=ok(ReportPage), summary="工作报告列表", operation_id="report_list")
def report_list(request: HttpRequest, query: Query[ReportQuery]) -> dict:
    require(request.user, "reports.view")
    reports = selectors.report_list(
        actor=request.user, year=query.year, period=query.period, status=query.status, kind=query.kind
    )
    return page(reports, query)


@router.get("/reports/{int:pk}/", response=ok(ReportDetailOut), summary="工作报告", operation_id="report_get")
def report_get(request: HttpRequest, pk: int) -> object:
    return selectors.report_get(actor=request.user, pk=pk)


BINARY = {"schema": {"type": "string", "format": "binary"}}
DOCUMENT = {
    "responses": {
        "200": {"description": "文稿（.docx 或 .pdf）", "content": {FORMATS[fmt][0]: BINARY for fmt in FORMATS}}
    }
}


@router.get(
    "/reports/{int:pk}/document/",
    response={**READ_ERRORS, 503: ErrorOut},
    summary="下载报告文稿",
    operation_id="report_document",
    openapi_extra=DOCUMENT,
)
def report_document(request: HttpRequest, pk: int, fmt: Literal["docx", "pdf"] = "docx") -> FileResponse:
    """报送后为报送时的文稿，未报送时按当前数据生成。PDF 需服务器装有 LibreOffice，否则返回 503。"""
    report = selectors.report_get(actor=request.user, pk=pk)
    return _file(lambda base_url: exports.report_file(report=report, fmt=fmt, base_url=base_url), request)


def _file(make: Callable[[str], exports.ExportFile], request: HttpRequest) -> FileResponse:
    try:
        export = make(request.build_absolute_uri("/"))
    except (PdfUnavailable, PdfConversionError) as exc:
        raise HttpError(503, str(exc)) from exc
    return FileResponse(
        io.BytesIO(export.data), as_attachment=True, filename=export.filename, content_type=export.content_type
    )


class CircularPage(Schema):
    count: int
    items: list[CircularOut]


@router.get("/circulars/", response=ok(CircularPage), summary="工作通报列表", operation_id="circular_list")
def circular_list(request: HttpRequest, query: Query[PageQuery]) -> dict:
    """您能看到的已印发通报（可印发通报的法宣办另见草稿），按统计截至日期倒序。"""
    require(request.user, "reports.view")
    return page(selectors.circular_list(actor=request.user), query)


@router.get("/circulars/{int:pk}/", response=ok(CircularDetailOut), summary="工作通报", operation_id="circular_get")
def circular_get(request: HttpRequest, pk: int) -> object:
    return selectors.circular_get(actor=request.user, pk=pk)


@router.get(
    "/circulars/{int:pk}/document/",
    response={**READ_ERRORS, 503: ErrorOut},
    summary="下载通报文稿",
    operation_id="circular_document",
    openapi_extra=DOCUMENT,
)
def circular_document(request: HttpRequest, pk: int, fmt: Literal["docx", "pdf"] = "docx") -> FileResponse:
    """与通报页面下载的文稿相同。PDF 需服务器装有 LibreOffice，否则返回 503。"""
    circular = selectors.circular_get(actor=request.user, pk=pk)
    return _file(lambda base_url: exports.circular_file(circular=circular, fmt=fmt, base_url=base_url), request)
