"""`parse_plan`: from the lines of a plan document to its title and tasks.

The stages are separate modules so each can be tested alone: outline.py (numbering and the task rule),
annotations.py (units and deadlines written against an item), tables.py (task tables), deadlines.py and
targets.py. This module only strings them together, finds the title and the year, and writes warnings
for the import preview.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from .annotations import LEAD_FIRST, Annotation
from .deadlines import deadline_in_text, parse_deadline
from .model import ParsedPlan, ParsedTask
from .outline import Outline, Selected, select_tasks
from .tables import Table, TableRow, parse_table
from .targets import find_targets, merge_targets
from .text import clean_line, first_sentence, split_lines

# Web-page furniture around documents copied from government sites.
_CHROME = re.compile(
    r"^(?:关闭窗口|打印本页|【?打印】?|【?关闭】?|下载Word.*|下载PDF.*|无障碍浏览|您现在的位置.*|当前位置.*|"
    r"索\s*引\s*号.*|信息名称.*|公开日期.*|发布机构.*|发文日期.*|分享到.*|扫一扫.*|字号[:：].*|【字体.*|"
    r"来源[:：].*|浏览次数.*|阅读次数.*|发布[:：].*时间[:：].*|责任编辑.*)$"
)
_END = re.compile(r"^(?:抄送|抄报)[:：]|^.{0,40}\d{4}年\d{1,2}月\d{1,2}日印发$")
# The end of a covering notice ("特此通知。" + signature) or the start of an attachment: whatever follows is
# a new document body, so the outline starts again from the top instead of nesting under the last item.
_RESET = re.compile(r"^(?:特此(?:通知|函告|报告|公告)[。.]?|附件\s*[0-9一二三四五六七八九十]*\s*(?:[:：].*)?)$")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_PLAN_WORD = re.compile(r"(?:方案|规划|计划|要点|意见|办法|细则|清单|安排|措施|纲要|通知|任务分解表|分工)$")
_NOT_A_PLAN = re.compile(r"(?:总结|汇报|述职报告|工作报告|情况报告)$")
_NOTICE = ("关于印发", "关于转发", "印发", "转发")
_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年|[—\-–~至])")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_DOC_NUMBER_YEAR = re.compile(r"[〔\[［(（]((?:19|20)\d{2})[〕\]］)）]")


def parse_plan(lines_or_text: str | Iterable[str], *, today: date | None = None, year: int | None = None) -> ParsedPlan:
    """Parse a plan document (lines from `read_document`, or pasted text) into its tasks.

    `year` is the year of dates written without one ("3月底前"); when omitted it is read from the title,
    then the text ("2023年…", a document number "〔2017〕"), then `today`. Never raises on odd input: what
    it cannot read is reported in `warnings`, which the import preview shows before anything is saved.
    """
    numbered = [(i + 1, line) for i, line in enumerate(_lines(lines_or_text)) if line]
    numbered = _content(numbered)
    warnings: list[str] = []
    outline, first_item_at = _build(numbered)
    preamble = [line for n, line in numbered if n < first_item_at]
    title = detect_title(preamble or [line for _, line in numbered[:5]])
    plan_year = year or detect_year(title, [line for _, line in numbered])
    if plan_year is None:
        plan_year = (today or date.today()).year
        warnings.append(f"文档未写明年份，未写年份的日期按{plan_year}年计算。")
    whole = "\n".join(line for _, line in numbered)
    lead_first = bool(LEAD_FIRST.search(whole))
    selected = select_tasks(outline.root)
    tasks = [_task(choice, plan_year, lead_first) for choice in selected]
    warnings.extend(_warnings(title, tasks))
    return ParsedPlan(title=title, tasks=tasks, warnings=warnings, year=plan_year)


def _lines(lines_or_text: str | Iterable[str]) -> list[str]:
    if isinstance(lines_or_text, str):
        return split_lines(lines_or_text)
    return [clean_line(line) for line in lines_or_text]


def _content(numbered: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Drop web furniture and signature dates; stop at the 抄送 block that ends an official document."""
    kept: list[tuple[int, str]] = []
    for n, line in numbered:
        probe = line.strip()
        if _END.search(probe):
            break
        if _CHROME.match(probe) or _DATE_LINE.match(probe):
            continue
        kept.append((n, line))
    return kept


def _build(numbered: list[tuple[int, str]]) -> tuple[Outline, int]:
    outline = Outline()
    first_item_at = 10**9
    table: Table | None = None
    i = 0
    while i < len(numbered):
        n, line = numbered[i]
        if "\t" in line:
            j = i
            while j < len(numbered) and "\t" in numbered[j][1]:
                j += 1
            block = numbered[i:j]
            found = parse_table([text for _, text in block], table)
            if found is not None:
                table = found
                outline.add_rows(list(found.rows), [block[p][0] for p in found.positions])
                if found.rows:
                    first_item_at = min(first_item_at, block[found.positions[0]][0])
            else:
                for m, text in block:
                    outline.add_line(" ".join(part for part in text.split("\t") if part.strip()), m)
            i = j
            continue
        if _RESET.match(line.strip()):
            outline.reset()
        elif outline.add_line(line, n):
            first_item_at = min(first_item_at, n)
        i += 1
    return outline, first_item_at


def detect_title(lines: list[str]) -> str:
    """The plan's own title among the lines before the first item.

    Prefers a short line ending in a plan word (方案/计划/要点/意见…) that is not the covering notice
    ("关于印发《…》的通知"); else the title inside the notice's 《》; else the first short line.
    """
    candidates: list[str] = []
    for line in lines[:20]:
        text = line.strip()
        if not 4 <= len(text) <= 60 or re.search(r"[>|｜：:]|\s{2,}|\t", text) or text[-1] in "。，；,;":
            continue
        candidates.append(text)
    plans = [c for c in candidates if _PLAN_WORD.search(c) and not c.startswith(_NOTICE)]
    plans = [c for c in plans if not c.endswith("通知")] or plans
    if plans:
        return plans[0]
    for c in candidates:
        m = re.search(r"《([^》]+)》", c)
        if m and c.startswith(_NOTICE):
            return m.group(1)
    if candidates:
        return candidates[0]
    return first_sentence(lines[0]) if lines else ""


def detect_year(title: str, lines: list[str]) -> int | None:
    """The plan's year: from the title, else the first year written in the text, else a document number."""
    m = _TITLE_YEAR.search(title)
    if m:
        return int(m.group(1))
    for line in lines:
        m = _YEAR.search(line)
        if m:
            return int(m.group(1))
    years = [int(y) for line in lines for y in _DOC_NUMBER_YEAR.findall(line)]
    return max(years) if years else None


def _task(choice: Selected, year: int, lead_first: bool) -> ParsedTask:
    item, ann = choice.item, choice.ann
    path = [node.path_entry for node in item.ancestors()]
    if item.kind == "table":
        row = item.row
        assert isinstance(row, TableRow)
        row_ann = Annotation()
        row_ann.merge(row.ann)
        row_ann.inherit(ann)
        ann = row_ann
        number, title, text = row.number, row.title, row.text
        path += row.path
    else:
        number = item.number
        lines = item.folded_lines()
        text = "\n".join(lines)
        title = first_sentence(item.lead_text)
    task = ParsedTask(
        number=number,
        path=path,
        title=title,
        text=text,
        lead_units=list(ann.lead),
        participating_units=list(ann.participating),
        responsible_units=list(ann.responsible),
        line=item.line,
    )
    if (lead_first or ann.lead_first) and task.responsible_units and not task.lead_units:
        task.lead_units = task.responsible_units[:1]
    targets = find_targets(text, year)
    if ann.deadline_text:
        task.deadline_text = ann.deadline_text
        task.deadline, task.recurrence = parse_deadline(ann.deadline_text, year)
        targets = merge_targets(targets, find_targets(ann.deadline_text, year))
    else:
        found = deadline_in_text(text, year)
        if found:
            task.deadline_text, task.deadline, task.recurrence = found
    task.targets = targets
    return task


def _warnings(title: str, tasks: list[ParsedTask]) -> list[str]:
    if _NOT_A_PLAN.search(title):
        return ["这份文档看起来是工作总结或报告，不是计划；识别出的条目请逐条核对后再导入。"]
    if not tasks:
        return ["未识别到任务：请确认任务使用了“一、（一）1.”等编号，或放在带“工作任务、牵头单位”等表头的表格中。"]
    warnings: list[str] = []
    any_units = any(task.units for task in tasks)
    for task in tasks:
        label = f"任务{task.number}“{task.title[:20]}”"
        if any_units and not task.units:
            warnings.append(f"{label}没有写明牵头、配合或责任单位。")
        if task.deadline_text and task.deadline is None and task.recurrence is None:
            warnings.append(f"{label}的完成时限“{task.deadline_text[:30]}”不是可识别的日期，请导入后手动设置。")
    return warnings
