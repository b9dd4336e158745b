"""`pufa assessment-import-scheme FILE [--json]`: read a scoring table (.docx/.txt) from the command line.

Prints the sections with their points, each item (section, number, text, points, remark), the items without
points, and every section whose stated points differ from the sum of its items; --json prints
`{"sections": [...], "items": [...], "total", "mismatches", "problems"}` and nothing else. Nothing is stored:
the office reviews the result on the import page before it becomes a scheme. A file that is not a scoring
table exits with status 2 and the reader's Chinese message on stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from pufa.assessment import parsing

EXIT_BAD_FILE = 2


class Command(BaseCommand):
    help = "读取考核评分表（.docx/.txt），列出识别出的考核项目、内容、分值和备注，并核对各项目小计。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="评分表文件路径")
        parser.add_argument("--json", action="store_true", help="只输出识别结果 JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            self.stderr.write(f"无法读取文件：找不到“{path}”")
            raise SystemExit(EXIT_BAD_FILE)
        try:
            result = parsing.read_scheme(path.read_bytes(), path.name)
        except parsing.SchemeReadError as exc:
            self.stderr.write(str(exc))
            raise SystemExit(EXIT_BAD_FILE) from exc
        data = result.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"识别出{len(data['sections'])}个考核项目、{len(data['items'])}项考核内容，合计{data['total']}分。"
        )
        for section in data["sections"]:
            points = "未注明分值" if section["points"] is None else f"{section['points']}分"
            self.stdout.write(f"【{section['name']}】{points}")
            for item in (i for i in data["items"] if i["section"] == section["name"]):
                remark = f"（{item['remark']}）" if item["remark"] else ""
                points = "?" if item["points"] is None else item["points"]
                self.stdout.write(f"  {item['number']}. {item['text']} —— {points}分{remark}")
        for m in data["mismatches"]:
            self.stdout.write(f"小计不符：“{m['section']}”标注{m['points']}分，各项合计{m['items_sum']}分")
        for problem in data["problems"]:
            self.stdout.write(f"未识别分值：{problem}")
