"""`pufa plan-import-quality FOLDER`: how well the importer reads hand-annotated plans.

Prints the parser's evaluation (pufa.plans.parsing.evaluate): precision and recall of tasks, of task–unit
pairs and of task–unit–role triples, plus deadlines and targets, per document and in total.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pufa.plans.parsing.evaluate import evaluate, format_report


class Command(BaseCommand):
    help = "按人工标注（X.txt/X.docx + X.expected.json）评估规划导入的准确率与召回率。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", help="标注文件所在目录")
        parser.add_argument("--brief", action="store_true", help="只输出汇总表，不列漏识别/多识别的任务")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"])
        if not folder.is_dir():
            raise CommandError(f"目录不存在：{folder}")
        if not any(folder.glob("*.expected.json")):
            raise CommandError(f"目录中没有标注文件（*.expected.json）：{folder}")
        report = evaluate(folder)
        self.stdout.write(format_report(report, details=not options["brief"]))
