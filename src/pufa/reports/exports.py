"""Report and circular files: .docx (GB/T 9704), .xlsx and .pdf, from the document each one renders as.

A submitted report renders from the source it froze at submission, so its files never change afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from pufa.reports import selectors
from pufa.reports.documents import FORMATS, render
from pufa.reports.models import Circular, Report


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    filename: str
    content_type: str


def _safe_name(title: str) -> str:
    return "".join(c for c in title if c not in '\\/:*?"<>|\n\r\t').strip() or "报告"


def report_file(*, report: Report, fmt: str, base_url: str = "") -> ExportFile:
    """Raises ValueError for an unknown format, documents.pdf.PdfUnavailable when LibreOffice is missing."""
    if fmt not in FORMATS:
        raise ValueError(f"不支持的格式：{fmt}")
    content_type, suffix = FORMATS[fmt]
    data = render(selectors.report_document(report=report), fmt, base_url=base_url)
    return ExportFile(data, f"{_safe_name(report.title)}{suffix}", content_type)


def circular_file(*, circular: Circular, fmt: str, base_url: str = "") -> ExportFile:
    if fmt not in FORMATS:
        raise ValueError(f"不支持的格式：{fmt}")
    content_type, suffix = FORMATS[fmt]
    data = render(selectors.circular_doc(circular=circular), fmt, base_url=base_url)
    return ExportFile(data, f"{_safe_name(circular.title)}{suffix}", content_type)
