"""`pufa import-plan FILE [--json] [--unit CODE [--save]]`: read a plan document from the command line.

--json prints exactly the parser's proposal (ParsedPlan.to_json(), unit names as written) and nothing else,
for scripts and the quality benchmark. Without it a Chinese summary is printed; with --unit the unit names
are resolved against that unit's region, and with --save the plan is saved through the same service as the
upload page (actor None: the trusted command line). A bad file exits non-zero with the reader's Chinese
message on stderr and saves nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from pufa.core.chinese import cn_date
from pufa.org.access import SYSTEM
from pufa.org.models import Unit
from pufa.plans import importers, selectors, services
from pufa.plans.models import Plan, Target, Task, TaskUnit
from pufa.plans.parsing import PlanReadError, parse_plan

EXIT_BAD_FILE = 2


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "读取规划文件（.docx/.txt，“-”表示从标准输入读文本），列出识别出的任务、单位、时限和量化指标；可保存。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="规划文件路径，或“-”从标准输入读取文本")
        parser.add_argument("--json", action="store_true", help="只输出识别结果 JSON（单位名称按原文）")
        parser.add_argument("--unit", help="印发单位的单位编码：按该单位所在区划匹配单位名称")
        parser.add_argument("--save", action="store_true", help="保存为规划（需要 --unit）")
        parser.add_argument("--kind", choices=Plan.Kind.values, help="规划类型（默认按标题推断）")
        parser.add_argument("--title", help="规划标题（默认用识别出的标题）")
        parser.add_argument("--year", type=int, help="未写年份的日期按此年份计算（默认从文中识别）")
        parser.add_argument("--start", help="开始日期 YYYY-MM-DD")
        parser.add_argument("--end", help="结束日期 YYYY-MM-DD")

    def _lines(self, source: str) -> tuple[list[str], str]:
        try:
            if source == "-":
                return importers.read_pasted(sys.stdin.read()), importers.PASTED_NAME
            path = Path(source)
            if not path.is_file():
                raise PlanReadError(f"无法读取文件：找不到“{source}”")
            return importers.read_upload(path.read_bytes(), path.name), path.name
        except PlanReadError as exc:
            self.stderr.write(str(exc))
            raise SystemExit(EXIT_BAD_FILE) from exc

    def handle(self, *args: Any, **options: Any) -> None:
        if options["save"] and not options["unit"]:
            raise CommandError("--save 需要同时用 --unit 指定印发单位。")
        lines, name = self._lines(options["file"])
        if options["json"]:
            parsed = parse_plan(lines, year=options["year"])
            self.stdout.write(json.dumps(parsed.to_json(), ensure_ascii=False, indent=2))
            return
        if not options["unit"]:
            self._print_parsed(lines)
            return
        unit = Unit.objects.select_related("region").filter(code=options["unit"]).first()
        if unit is None:
            raise CommandError(f"未找到单位编码“{options['unit']}”。")
        proposal = importers.propose(
            lines=lines,
            source_name=name,
            issuing_unit=unit,
            units=selectors.assignable_units(actor=SYSTEM, region=unit.region),
            domains=selectors.domain_choices(),
            audiences=selectors.audience_choices(),
            year=options["year"],
        )
        if options["start"] or options["end"]:
            proposal["period_start"] = _date(options["start"] or proposal["period_start"]).isoformat()
            proposal["period_end"] = _date(options["end"] or proposal["period_end"]).isoformat()
        self._print_proposal(proposal, unit)
        if options["save"]:
            self._save(proposal, unit, options)

    # ------------------------------------------------------------ output

    def _print_parsed(self, lines: list[str]) -> None:
        parsed = parse_plan(lines)
        self.stdout.write(f"《{parsed.title}》  识别到任务 {len(parsed.tasks)} 项（未指定 --unit，单位名称按原文列出）")
        for task in parsed.tasks:
            self.stdout.write(f"{' › '.join(task.path)} {task.number}. {task.title}")
            for label, names in (
                ("牵头", task.lead_units),
                ("参加", task.participating_units),
                ("责任", task.responsible_units),
            ):
                if names:
                    self.stdout.write(f"  {label}：{'、'.join(names)}")
            if task.deadline_text:
                self.stdout.write(f"  时限：{task.deadline_text}")
            for target in task.targets:
                self.stdout.write(f"  指标：{target.text}")
        for warning in parsed.warnings:
            self.stdout.write(f"提示：{warning}")

    def _print_proposal(self, proposal: dict[str, Any], unit: Unit) -> None:
        counts = importers.summary_counts(proposal)
        names = dict(Unit.objects.filter(region__path__startswith=unit.region.path).values_list("pk", "name"))
        kind = Plan.Kind(proposal["kind"]).label
        start, end = dt.date.fromisoformat(proposal["period_start"]), dt.date.fromisoformat(proposal["period_end"])
        self.stdout.write(f"《{proposal['title']}》  类型：{kind}  期限：{cn_date(start)}—{cn_date(end)}")
        self.stdout.write(
            f"识别到任务 {counts['tasks']} 项；单位名称按“{unit.region.name}”的单位匹配："
            f"已匹配任务单位 {counts['units']} 个，未匹配名称 {counts['unresolved']} 个；"
            f"量化指标 {counts['targets']} 项"
        )
        roles = dict(TaskUnit.Role.choices)
        for entry in proposal["tasks"]:
            self.stdout.write(f"{entry['section']} {entry['title']}")
            for res in entry["resolutions"]:
                if res["status"] == "unresolved" or not res["matched"]:
                    continue
                matched = [names.get(pk, "?") for pk in res["keys"]]
                shown = (
                    "、".join(matched) if len(matched) <= 3 else f"{len(matched)}个单位（{'、'.join(matched[:3])}…）"
                ) or "均已是本任务的牵头或责任单位"
                self.stdout.write(f"  {roles[res['role']]}：{res['written']} → {shown}")
            for item in entry["unresolved"]:
                self.stdout.write(f"  {roles[item['role']]}：{item['name']} → 未匹配（{item['note']}）")
            self.stdout.write(f"  时限：{self._deadline(entry)}")
            for target in entry["targets"]:
                period = Target.Period(target["period"]).label
                self.stdout.write(f"  指标：{target['text']}（≥{target['threshold']}{target['measure']}，{period}）")
        for warning in proposal["warnings"]:
            self.stdout.write(f"提示：{warning}")

    def _deadline(self, entry: dict[str, Any]) -> str:
        kind = entry["deadline_kind"]
        if kind == Task.DeadlineKind.DATE:
            return f"{cn_date(dt.date.fromisoformat(entry['deadline']))}前"
        if kind == Task.DeadlineKind.RECURRING:
            return Task.Recurrence(entry["recurrence"]).label + (
                f"（{entry['deadline_text']}）" if entry["deadline_text"] else ""
            )
        if kind == Task.DeadlineKind.ALL_YEAR:
            return "贯穿全年"
        return entry["deadline_text"] or "未设时限"

    def _save(self, proposal: dict[str, Any], unit: Unit, options: dict[str, Any]) -> None:
        plan_proposal = importers.accept(proposal, title=options["title"] or "", kind=options["kind"] or "")
        try:
            result = services.plan_import_save(actor=SYSTEM, issuing_unit=unit, proposal=plan_proposal)
        except ValidationError as exc:
            raise CommandError("未保存：" + "；".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已保存规划 #{result.plan.pk}“{result.plan.title}”：任务{result.tasks}项，"
                f"任务单位{result.task_units}个，未匹配名称{result.unresolved}个，量化指标{result.targets}项。"
            )
        )
        for warning in result.warnings:
            self.stdout.write(f"提示：{warning}")
