"""Documents of the reports app: a neutral document model and its .docx (GB/T 9704), .xlsx and .pdf writers.

`render(document, fmt)` is the one entry point the services, views, tasks and the command line use.
"""

from __future__ import annotations

from pufa.reports.documents import pdf
from pufa.reports.documents.excel import render_xlsx
from pufa.reports.documents.model import Document
from pufa.reports.documents.word import render_docx

FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "pdf": ("application/pdf", ".pdf"),
}


def render(document: Document, fmt: str, *, base_url: str = "") -> bytes:
    """The document as .docx, .xlsx or .pdf bytes. PDF needs LibreOffice (pdf.PdfUnavailable otherwise)."""
    if fmt == "docx":
        return render_docx(document)
    if fmt == "xlsx":
        return render_xlsx(document, base_url=base_url)
    if fmt == "pdf":
        return pdf.convert(render_docx(document))
    raise ValueError(f"不支持的格式：{fmt}")


def render_pdfs(documents: dict[str, Document]) -> dict[str, bytes]:
    """Many documents to PDF in one LibreOffice run (bulk generation); keys are file stems."""
    sources = {f"{stem}.docx": render_docx(doc) for stem, doc in documents.items()}
    converted = pdf.convert_many(sources)
    return {name.removesuffix(".docx"): data for name, data in converted.items()}


__all__ = ["FORMATS", "Document", "render", "render_docx", "render_pdfs", "render_xlsx"]
