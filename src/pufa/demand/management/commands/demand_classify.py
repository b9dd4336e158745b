"""`pufa demand-classify FILE --json`: classify a file of one order text per line, offline.

Prints `[{"text", "domain", "place", "confidence"}]` (domain as its name; place the matched community or
street, "" when none; confidence the domain's). Uses the active model, the default keyword rules (and the
rules of `--region`), and the region names and gazetteer below `--region` (every region without it).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pufa.core.models import Domain
from pufa.demand import engine
from pufa.org.models import Region

MAX_LINES = 1_000_000


class Command(BaseCommand):
    help = "对文本文件中的每一行诉求进行领域和地点分类（离线）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 文本文件，每行一条诉求")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--region", default="", help="办公室区划代码或名称（用其规则和地名库）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            lines = [line.strip() for line in path.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"无法读取文件：{exc}") from exc
        if len(lines) > MAX_LINES:
            raise CommandError(f"文件超过 {MAX_LINES} 行。")
        region = None
        if options["region"]:
            region = (
                Region.objects.filter(code=options["region"]).first()
                or Region.objects.filter(name=options["region"]).first()
            )
            if region is None:
                raise CommandError(f"找不到区划“{options['region']}”。")
        clf, matcher = engine.build_classifier(region), engine.build_matcher(region)
        names = dict(Domain.objects.values_list("code", "name"))
        regions = dict(Region.objects.values_list("id", "name"))
        started = time.perf_counter()
        out = []
        for text in lines:
            prediction = clf.predict(text)
            place = matcher.match(text)
            out.append(
                {
                    "text": text,
                    "domain": names.get(prediction.domain, ""),
                    "place": regions.get(place.region_id, "") if place.region_id else "",
                    "confidence": prediction.confidence,
                }
            )
        elapsed = time.perf_counter() - started
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))
        else:
            for row in out:
                self.stdout.write(
                    f"{row['domain'] or '未识别'}\t{row['place'] or '—'}\t{row['confidence']:.2f}\t{row['text']}"
                )
        self.stderr.write(f"{len(out)} 条，{len(out) / elapsed if elapsed else 0:.0f} 条/秒")
