"""`pufa remind`: the daily pass, for cron. Idempotent: running it twice sends nothing twice.

It publishes `DailyPass` on the event bus; each app listens (see pufa.wiring) and does its part (progress
recomputes values and statuses for the day and reminds of deadlines; duties of the 31 March announcement;
reports of the 30 June and 31 December reports).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pufa.core import events


class Command(BaseCommand):
    help = (
        "每日提醒：重新计算进度状态，并对即将到期、已逾期的任务以及3月31日公告、"
        "6月30日和12月31日报告发出提醒（可重复运行）。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help="按指定日期运行（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD") from exc
        results: dict[str, int] = {}
        events.publish(events.DailyPass(today=today, results=results))
        for name, count in sorted(results.items()):
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"{today:%Y-%m-%d} 的每日提醒已完成。"))
