"""`pufa demand-rebuild-counts`: recompute the dashboard's counts (`demand.counts`) and their roll-up to every
level (`DemandAreaCount`) from the stored work orders — after orders were loaded in bulk (the bench's city)
or to check the counts (`--check`)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pufa.demand import counts


class Command(BaseCommand):
    help = "根据已存热线工单重新计算需求看板的计数。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="只核对计数与工单是否一致，不改写")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["check"]:
            recount, stored = counts.recount(), counts.stored()
            wrong = {k for k in recount.keys() | stored.keys() if recount[k] != stored[k]}
            areas, stored_areas = counts.areas_of(recount), counts.stored_areas()
            wrong |= {k for k in areas.keys() | stored_areas.keys() if areas[k] != stored_areas[k]}
            if wrong:
                raise CommandError(f"有 {len(wrong)} 个计数与工单不一致，请运行 pufa demand-rebuild-counts。")
            self.stdout.write(f"计数与工单一致：{sum(recount.values())} 条工单，{len(recount)} 个计数。")
            return
        n = counts.rebuild()
        self.stdout.write(f"已重新计算需求看板计数：{n} 个计数（{time.perf_counter() - started:.1f} 秒）。")
