"""`pufa report-generate --unit CODE --period 2024H1|2024 --format docx|xlsx|pdf -o FILE`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pufa.org.models import Unit
from pufa.reports import selectors
from pufa.reports.documents import FORMATS, render
from pufa.reports.documents.pdf import PdfConversionError, PdfUnavailable
from pufa.reports.models import parse_period


class Command(BaseCommand):
    help = (
        "生成一个单位的工作报告（Word、Excel 或 PDF）。已报送的报告按报送时固定的内容生成，否则按台账实时统计生成草稿。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--unit", required=True, help="单位编码")
        parser.add_argument("--period", required=True, help="报告期：2024H1（上半年）或 2024（全年）")
        parser.add_argument("--format", default="docx", choices=sorted(FORMATS), help="文件格式")
        parser.add_argument("--summary", action="store_true", help="生成该单位（法宣办）所在区划的汇总报告")
        parser.add_argument("-o", "--output", required=True, help="输出文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period, year = parse_period(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        unit = Unit.objects.select_related("region").filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"没有编码为“{options['unit']}”的单位。")
        started = time.perf_counter()
        document = selectors.generated_document(unit=unit, period=period, year=year, summary=options["summary"])
        try:
            data = render(document, options["format"], base_url=settings.PUFA_BASE_URL)
        except (PdfUnavailable, PdfConversionError) as exc:
            raise CommandError(str(exc)) from exc
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
        seconds = time.perf_counter() - started
        self.stdout.write(f"已生成 {output}（{document.title}，{len(data) // 1024} KB，用时 {seconds:.2f} 秒）")
        if options["format"] == "xlsx" and not settings.PUFA_BASE_URL:
            self.stderr.write("提示：未设置 PUFA_BASE_URL，表格中“查看记录”的链接是相对地址，在 Excel 中无法打开。")
