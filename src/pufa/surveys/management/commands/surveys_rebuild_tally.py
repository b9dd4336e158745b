"""`pufa surveys_rebuild_tally [--survey ID ...]`: recompute the results' counts (`surveys.tally`) from the
stored responses — after responses were loaded in bulk (the bench, an import) or to check the counts."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pufa.surveys import tally


class Command(BaseCommand):
    help = "根据已存答卷重新计算问卷结果计数。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--survey", type=int, action="append", default=None, help="问卷编号（可重复；默认全部）")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        n = tally.rebuild(options["survey"])
        self.stdout.write(f"已重新计算 {n} 份问卷的结果计数（{time.perf_counter() - started:.1f} 秒）。")
