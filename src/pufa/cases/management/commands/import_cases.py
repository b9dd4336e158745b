"""`pufa import-cases FILE --unit CODE`: import the cases of a .docx or .xlsx as drafts of a unit (as 系统)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pufa.cases import importers
from pufa.org.access import SYSTEM
from pufa.org.models import Unit


class Command(BaseCommand):
    help = "从 Word（.docx）或 Excel（.xlsx）文件导入典型案例（草稿），逐个报告问题。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help=".docx 或 .xlsx 文件")
        parser.add_argument("--unit", required=True, help="来源单位代码（如 tuohe-sfs）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        unit = Unit.objects.filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"没有代码为 {options['unit']} 的单位。")
        with path.open("rb") as handle:
            outcome = importers.import_file(actor=SYSTEM, unit=unit, file=handle, name=path.name)
        for case in outcome.created:
            self.stdout.write(f"已导入：{case.title}")
        for label, errors in outcome.errors:
            self.stderr.write(f"{label}：{'；'.join(errors)}")
        self.stdout.write(self.style.SUCCESS(f"共导入 {len(outcome.created)} 个案例，{len(outcome.errors)} 个有问题。"))
