"""`pufa report-generate-all --period 2024 --format docx -o DIR [--region ID] [--wait]`: one background task per
chunk of units, run by `pufa db_worker` (or at once with PUFA_TASKS_BACKEND=immediate)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pufa.org.models import Region, Unit
from pufa.reports.documents import FORMATS
from pufa.reports.models import parse_period
from pufa.reports.tasks import CHUNK, chunks, generate_reports

STORE_AWAY_LIMIT = 120  # seconds --wait waits for the task queue's store to answer again


class Command(BaseCommand):
    help = "为区划内所有普法责任单位批量生成工作报告（后台任务，每个任务一批单位）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--period", required=True, help="报告期：2024H1（上半年）或 2024（全年）")
        parser.add_argument("--format", default="docx", choices=sorted(FORMATS))
        parser.add_argument("-o", "--output", required=True, help="输出目录")
        parser.add_argument("--region", type=int, help="只生成该区划（编号）内的单位；默认全部")
        parser.add_argument("--chunk", type=int, default=CHUNK, help=f"每个任务的单位数（默认 {CHUNK}）")
        parser.add_argument("--wait", action="store_true", help="等待所有任务完成并报告用时")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period, year = parse_period(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        units = Unit.objects.filter(is_responsible_subject=True)
        if options["region"]:
            region = Region.objects.filter(pk=options["region"]).first()
            if region is None:
                raise CommandError(f"没有编号为 {options['region']} 的区划。")
            units = units.filter(region__path__startswith=region.path)
        ids = list(units.order_by("pk").values_list("pk", flat=True))
        started = time.perf_counter()
        # A task run again (its worker died) keeps the reports written since this moment (reports.tasks).
        since = time.time()
        results = [
            generate_reports.enqueue(
                unit_ids=chunk,
                period=period,
                year=year,
                fmt=options["format"],
                out_dir=str(options["output"]),
                since=since,
            )
            for chunk in chunks(ids, max(1, options["chunk"]))
        ]
        self.stdout.write(f"已为 {len(ids)} 个单位加入 {len(results)} 个生成任务，输出到 {options['output']}。")
        if not options["wait"]:
            self.stdout.write("任务由 pufa db_worker 执行；加 --wait 可等待完成。")
            return
        pending = list(results)
        away_since: float | None = None
        while pending:
            for result in list(pending):
                if not result.is_finished:  # the immediate backend's results are final (and cannot refresh)
                    try:
                        result.refresh()
                    except Exception as exc:
                        # The queue's store (Redis, the database) restarting: the tasks go on; wait a while for it.
                        away_since = away_since or time.monotonic()
                        if time.monotonic() - away_since > STORE_AWAY_LIMIT:
                            raise CommandError(f"无法读取任务状态：{exc}") from exc
                        break
                    away_since = None
                if result.is_finished:
                    pending.remove(result)
                    if result.status == "FAILED":
                        errors = "; ".join(e.traceback.splitlines()[-1] for e in result.errors if e.traceback)
                        raise CommandError(f"生成任务失败：{errors}")
            if pending:
                time.sleep(0.5)
        written = sum(int(r.return_value["written"]) + int((r.return_value or {}).get("kept", 0)) for r in results)
        self.stdout.write(f"完成：{written} 份报告，用时 {time.perf_counter() - started:.1f} 秒。")
