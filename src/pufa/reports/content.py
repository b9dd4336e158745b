"""From figures and prose to a document: the five parts of a work report, and the seeded prose of a draft.

The parts follow the reports offices actually write (seed 002): 一、基本情况 (figures woven into prose, with a
table and a chart), 二、任务完成情况 (the tasks and targets with their status), 三、主要做法和成效 (seeded with the
activities marked as highlights), 四、存在问题 (seeded with the lagging and overdue items), 五、下一步打算 (the
author's). The prose the author types follows the numbering offices use; a line starting "（一）标题。" becomes
a run-in 楷体 heading, a short line "1.标题" a third-level heading.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from pufa.core.chinese import cn_date, cn_number
from pufa.progress.rules import Status
from pufa.reports.documents.model import Chart, Document, Heading, Paragraph, Table, paragraphs
from pufa.reports.figures import ReportData, summary_sentence, units_done_text

LEVEL2 = re.compile(r"^（[一二三四五六七八九十]+）")
LEVEL3 = re.compile(r"^\d+[.．、]")
LEVEL1 = re.compile(r"^[一二三四五六七八九十]+、")


def prose_blocks(text: str) -> list[Heading | Paragraph]:
    """The author's prose as blocks: numbered lines become headings or run-in headings (see module doc)."""
    blocks: list[Heading | Paragraph] = []
    for line in paragraphs(text):
        if LEVEL2.match(line):
            stop = line.find("。")
            if 0 < stop <= 40 and stop < len(line) - 1:
                blocks.append(Paragraph(line[stop + 1 :], lead=line[: stop + 1], lead_level=2))
            elif len(line) <= 40:
                blocks.append(Heading(2, line))
            else:
                blocks.append(Paragraph(line))
        elif LEVEL3.match(line) and len(line) <= 30 and "。" not in line[:-1]:
            blocks.append(Heading(3, line))
        elif LEVEL1.match(line) and len(line) <= 30:
            blocks.append(Heading(2, line))  # a stray 一、 inside a section reads as its sub-heading
        else:
            blocks.append(Paragraph(line))
    return blocks


def computed_on(data: ReportData) -> dt.date:
    """The day the figures were counted (local time)."""
    try:
        moment = dt.datetime.fromisoformat(data.computed_at)
    except (TypeError, ValueError):
        return data.end_date
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def is_running(data: ReportData) -> bool:
    """Were the figures counted before the period ended? Then the report says 截至 that day."""
    return computed_on(data) < data.end_date


def period_text(data: ReportData) -> str:
    """The period as the text names it: "2026年上半年", or "2026年截至7月10日" while the period runs."""
    label = f"{data.year}年上半年" if data.period == "h1" else f"{data.year}年"
    if is_running(data):
        day = computed_on(data)
        return f"{data.year}年截至{day.month}月{day.day}日"
    return label


_period_text = period_text


def draft_date(data: ReportData, today: dt.date) -> dt.date:
    """The 成文日期 of a report not yet submitted: the day it is generated while its period runs, else the
    period's last day — a half-year report opened in December is still the report of 30 June."""
    return min(today, data.end_date)


#: Figure labels as a table row reads them ("培训" alone says nothing of 人次).
ROW_LABELS = {"training_people": "参加培训", "exam_people": "参加学法考试", "highlights": "选为典型做法的活动"}
#: Rows shown even when zero (the headline figure); every other zero row is left out of the table.
ALWAYS_SHOWN = {"activities"}


def figures_table(data: ReportData) -> Table:
    rows, links = [], []
    split = bool(data.value("people_onsite") and data.value("people_online"))
    for f in data.group("基本情况") + data.group("队伍与阵地"):
        if not f.value and f.key not in ALWAYS_SHOWN:
            continue
        if f.key in ("people_onsite", "people_online") and not split:
            continue
        rows.append([ROW_LABELS.get(f.key, f.label), str(f.value), f.measure])
        links.append(f.url)
    return Table(
        columns=["项目", "数量", "单位"],
        rows=rows,
        widths=[3, 1.2, 1],
        caption="主要工作数据",
        numeric=[1],
        links=links,
        sheet="基本情况",
    )


def _group_table(data: ReportData, group: str) -> Table:
    figures = data.group(group)
    return Table(
        columns=[group, "活动场次"],
        rows=[[f.label, str(f.value)] for f in figures],
        numeric=[1],
        links=[f.url for f in figures],
        caption=f"按{group}统计",
    )


STATUS_ORDER = (Status.DONE, Status.ON_TRACK, Status.NOT_STARTED, Status.LAGGING, Status.OVERDUE)


def region_done_text(units: dict[str, int]) -> str:
    """A task across a region's units in words (see figures.units_done_text); frozen reports hold the
    older "1/2个单位已完成", so the document words it again from the counts."""
    return units_done_text(units)


def region_status_label(units: dict[str, int], fallback: str) -> str:
    """One word for a task across units that does not contradict the counts beside it."""
    present = [s for s in STATUS_ORDER if units.get(s.value)]
    if len(present) == 1:
        return present[0].label
    if units.get(Status.OVERDUE):
        return "部分逾期"
    if units.get(Status.LAGGING):
        return "部分滞后"
    return "推进中" if present else fallback


def task_cell(title: str, targets: list[str]) -> str:
    """The task's own title, then its targets where they say more than the title does."""
    extra = [t for t in targets if t and t.strip("。") != title.strip("。")]
    return "\n".join([title, *(f"目标：{t}" for t in extra)])


def tasks_table(data: ReportData) -> Table:
    if data.scope == "unit":
        columns = ["序号", "任务", "完成情况", "状态"]
        rows = [
            [str(i), task_cell(t.title, t.targets), "\n".join(t.done), t.status_label]
            for i, t in enumerate(data.tasks, start=1)
        ]
    else:
        columns = ["序号", "任务", "各单位完成情况", "状态"]
        rows = [
            [
                str(i),
                task_cell(t.title, t.targets),
                region_done_text(t.units),
                region_status_label(t.units, t.status_label),
            ]
            for i, t in enumerate(data.tasks, start=1)
        ]
    return Table(
        columns=columns,
        rows=rows,
        widths=[0.7, 4.4, 2.6, 1.3],
        caption="任务完成情况",
        links=[t.url for t in data.tasks],
        sheet="任务完成情况",
    )


@dataclass
class UnitLine:
    """One unit in a region summary: its report's status and, once accepted, its frozen figures.

    `group` is the street (or other region directly under the summary's region) the unit belongs to, so a
    district summary reads street by street."""

    name: str
    status: str
    activities: str = "—"
    people: str = "—"
    materials: str = "—"
    group: str = ""
    state: str = "missing"  # the report's status code ("missing": no report yet)


def _unit_lines_blocks(unit_lines: list[UnitLine], numbered: Any, group_label: str) -> list[Paragraph | Table]:
    """The reporting status of a summary's units: who has reported, and the figures of the accepted
    reports — said to be those, since the region's figures above are counted from the ledger."""
    submitted = [u for u in unit_lines if u.state in ("submitted", "accepted")]
    accepted = [u for u in unit_lines if u.state == "accepted"]
    sentence = f"本期应报送工作报告的单位{len(unit_lines)}个，"
    if len(submitted) == len(unit_lines):
        sentence += "均已报送"
    elif submitted:
        sentence += f"已报送{len(submitted)}个，尚未报送{len(unit_lines) - len(submitted)}个"
    else:
        sentence += "均尚未报送"
    if accepted:
        sentence += f"，审核通过{len(accepted)}个"
    sentence += (
        "。上文数据按普法工作台账统计；下表中的活动场次、参与人次和资料份数取自各单位审核通过的报告，"
        "未通过审核的以“—”表示。"
    )
    groups = [u.group for u in unit_lines]
    grouped = len(set(groups)) > 1
    if grouped:
        columns = [group_label, "单位", "报告状态", "活动场次", "参与人次", "资料份数"]
        rows = [[u.group, u.name, u.status, u.activities, u.people, u.materials] for u in unit_lines]
        widths = [1.6, 3.0, 1.3, 1.1, 1.1, 1.1]
        numeric, merge = [3, 4, 5], [0]
    else:
        columns = ["单位", "报告状态", "活动场次", "参与人次", "资料份数"]
        rows = [[u.name, u.status, u.activities, u.people, u.materials] for u in unit_lines]
        widths = [3.2, 1.4, 1.2, 1.2, 1.2]
        numeric, merge = [2, 3, 4], []
    table = Table(
        columns=columns,
        rows=rows,
        widths=widths,
        numeric=numeric,
        merge=merge,
        caption="各单位报送情况",
        sheet="各单位报送情况",
    )
    return [Paragraph(sentence), numbered(table)]


def report_document(
    *,
    title: str,
    data: ReportData,
    intro: str,
    practices: str,
    problems: str,
    plans: str,
    signature: str,
    recipient: str,
    date: dt.date | None,
    unit_lines: list[UnitLine] | None = None,
    group_label: str = "街道（乡镇）",
) -> Document:
    """The report as a document. Table captions are numbered in order (表1, 表2 …); a prose section the
    author left empty is left out (and the sections after it renumbered) rather than printed as 「（无）」."""
    doc = Document(title=title, recipient=recipient, signature=signature, date=date)
    tables = 0
    sections = 0

    def numbered(table: Table) -> Table:
        nonlocal tables
        tables += 1
        table.caption = f"表{tables} {table.caption}"
        return table

    def section(name: str) -> None:
        nonlocal sections
        sections += 1
        doc.add(Heading(1, f"{cn_number(sections)}、{name}"))

    section("基本情况")
    for block in prose_blocks(intro):
        doc.add(block)
    doc.add(Paragraph(summary_sentence(data, period_text(data))))
    doc.add(numbered(figures_table(data)))
    kinds = [f for f in data.group("活动形式") if f.value]
    if kinds:
        doc.add(
            Chart(
                title="各类普法活动场次",
                labels=[f.label for f in kinds[:10]],
                values=[float(f.value) for f in kinds[:10]],
                measure="场次",
            )
        )
    if unit_lines:
        for part in _unit_lines_blocks(unit_lines, numbered, group_label):
            doc.add(part)

    section("任务完成情况")
    if data.tasks:
        doc.add(Paragraph(_tasks_sentence(data)))
        doc.add(numbered(tasks_table(data)))
    else:
        none = "本期没有分解到本单位的普法任务。" if data.scope == "unit" else "本期本区域没有分解的普法任务。"
        doc.add(Paragraph(none))

    for name, text in (("主要做法和成效", practices), ("存在问题", problems), ("下一步打算", plans)):
        blocks = prose_blocks(text)
        if not blocks:
            continue
        section(name)
        for block in blocks:
            doc.add(block)

    for group in ("活动形式", "普法领域", "普法对象"):
        if data.group(group):
            doc.sheets[group] = _group_table(data, group)
    return doc


def _tasks_sentence(data: ReportData) -> str:
    counts = {f.key: f.value for f in data.group("任务完成情况")}
    labels = (
        ("tasks.done", "已完成"),
        ("tasks.on_track", "按期推进"),
        ("tasks.not_started", "未开始"),
        ("tasks.lagging", "滞后"),
        ("tasks.overdue", "逾期"),
    )
    if data.scope == "unit":
        parts = [f"{label}{counts[key]}项" for key, label in labels if counts.get(key)]
        head = f"本期承担普法任务{len(data.tasks)}项"
    else:
        parts = [f"{label}{counts[key]}项次" for key, label in labels if counts.get(key)]
        head = f"本期本区域分解普法任务{len(data.tasks)}项，按承担单位计"
    return head + ("，其中" + "、".join(parts) if parts else "") + "。具体情况如下表。"


# ---------------------------------------------------------------- seeded prose of a new draft


OPENING = "深入学习贯彻习近平法治思想，认真落实“谁执法谁普法”普法责任制"


def seed_intro(
    subject: str,
    period_text: str,
    *,
    summary: bool = False,
    activities: int | float | None = None,
    expected: int | None = None,
    submitted: int | None = None,
) -> str:
    """The opening paragraph of a draft. It claims only what the figures bear out: no 「扎实开展」 for a period
    without a recorded activity, and a summary says how many units have reported before it says it sums them up."""
    worked = activities is None or activities > 0
    if summary:
        head = f"{period_text}，{subject}各单位{OPENING}" + ("，扎实推进普法宣传教育各项工作。" if worked else "。")
        if expected is None or (expected and submitted == expected):
            return head + "现将各单位报送的工作情况汇总报告如下。"
        if not submitted:
            return head + f"应报送工作报告的{expected}个单位均尚未报送，现将普法工作台账登记的情况报告如下。"
        return (
            head + f"应报送工作报告的{expected}个单位中，已报送{submitted}个，"
            "现将普法工作台账登记的情况和各单位报送的情况汇总报告如下。"
        )
    if not worked:
        return f"{period_text}，{subject}{OPENING}。本期普法工作台账中尚未登记普法活动，现将有关情况报告如下。"
    return f"{period_text}，{subject}{OPENING}，按照年度普法工作要点，扎实开展普法宣传教育。现将有关情况报告如下。"


#: Longest enumeration a seeded paragraph writes out (一是 … 五是); the rest are summed up in one clause.
LIST_LIMIT = 5


def seed_practices(data: ReportData) -> str:
    """One run-in paragraph per activity marked as a highlight (典型做法), for the author to rewrite; past
    LIST_LIMIT the others are named in one closing sentence."""
    lines = []
    for i, h in enumerate(data.highlights[:LIST_LIMIT], start=1):
        day = cn_date(dt.date.fromisoformat(h.date))
        body = h.description.strip().replace("\n", "") or f"{day}，组织开展{h.kind}活动"
        if not body.endswith("。"):
            body += "。"
        if h.people:
            body += f"活动共有{h.people}人次参与"
            body += f"，发放宣传资料{h.materials}份。" if h.materials else "。"
        title = h.title.rstrip("。")
        lines.append(f"（{cn_number(i)}）{title}。{body}")
    rest = data.highlights[LIST_LIMIT:]
    if rest:
        names = "、".join(f"“{h.title.rstrip('。')}”" for h in rest[:3])
        lines.append(f"此外，还开展了{names}" + ("等" if len(rest) > 3 else "") + "活动。")
    return "\n".join(lines)


def seed_problems(data: ReportData) -> str:
    """存在问题 from the lagging and overdue items: 一是…；二是…。 — but one item is a plain sentence, and
    past LIST_LIMIT items the remaining tasks are counted in one clause instead of running to 十二是."""
    tasks = [i.text for i in data.issues if i.url]  # one per lagging or overdue task
    others = [i.text for i in data.issues if not i.url]  # e.g. units that recorded nothing
    if len(tasks) + len(others) > LIST_LIMIT:
        keep = max(LIST_LIMIT - 1 - len(others), 1)
        if len(tasks) > keep:
            tasks = [*tasks[:keep], f"另有{len(tasks) - keep}项任务进度滞后或逾期，详见任务完成情况表"]
    items = tasks + others
    if not items:
        return ""
    if len(items) == 1:
        return items[0] + "。"
    return "；".join(f"{cn_number(i)}是{text}" for i, text in enumerate(items, start=1)) + "。"
