"""工作报告 (read) and its documents (.docx, .pdf) rendered as on the report page."""

from __future__ import annotations

import io
from typing import Literal

from django.http import FileResponse, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from pufa.api.resources.common import READ_ERRORS, ErrorOut, PageQuery, ok, page
from pufa.org.access import require
from pufa.reports import exports, selectors
from pufa.reports.documents import FORMATS
from pufa.reports.documents.pdf import PdfConversionError, PdfUnavailable
from pufa.reports.schemas import ReportDetailOut, ReportOut

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


@router.get(
    "/reports/{int:pk}/document/",
    response={**READ_ERRORS, 503: ErrorOut},
    summary="下载报告文稿",
    operation_id="report_document",
    openapi_extra={
        "responses": {
            "200": {
                "description": "报告文稿（.docx 或 .pdf）",
                "content": {FORMATS[fmt][0]: BINARY for fmt in FORMATS},
            }
        }
    },
)
def report_document(request: HttpRequest, pk: int, fmt: Literal["docx", "pdf"] = "docx") -> FileResponse:
    """报送后为报送时的文稿，未报送时按当前数据生成。PDF 需服务器装有 LibreOffice，否则返回 503。"""
    report = selectors.report_get(actor=request.user, pk=pk)
    try:
        export = exports.report_file(report=report, fmt=fmt, base_url=request.build_absolute_uri("/"))
    except (PdfUnavailable, PdfConversionError) as exc:
        raise HttpError(503, str(exc)) from exc
    return FileResponse(
        io.BytesIO(export.data), as_attachment=True, filename=export.filename, content_type=export.content_type
    )
