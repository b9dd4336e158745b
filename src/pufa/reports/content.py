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

from pufa.core.chinese import cn_date, cn_number
from pufa.reports.documents.model import Chart, Document, Heading, Paragraph, Table, paragraphs
from pufa.reports.figures import ReportData, summary_sentence

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


def _period_text(data: ReportData) -> str:
    return f"{data.year}年上半年" if data.period == "h1" else f"{data.year}年"


def figures_table(data: ReportData) -> Table:
    rows, links = [], []
    for f in data.group("基本情况") + data.group("队伍与阵地"):
        rows.append([f.label, str(f.value), f.measure])
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


def tasks_table(data: ReportData) -> Table:
    if data.scope == "unit":
        columns = ["序号", "任务", "指标", "完成情况", "状态"]
    else:
        columns = ["序号", "任务", "指标", "各单位完成情况", "状态"]
    rows = [
        [str(i), f"{t.section} {t.title}".strip(), "\n".join(t.targets), "\n".join(t.done), t.status_label]
        for i, t in enumerate(data.tasks, start=1)
    ]
    return Table(
        columns=columns,
        rows=rows,
        widths=[0.7, 3.6, 2.7, 1.5, 1.1],
        caption="任务完成情况",
        links=[t.url for t in data.tasks],
        sheet="任务完成情况",
    )


@dataclass
class UnitLine:
    """One unit in a region summary: its report's status and, once accepted, its frozen figures."""

    name: str
    status: str
    activities: str = "—"
    people: str = "—"
    materials: str = "—"


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
) -> Document:
    """The report as a document. Table and chart captions are numbered in order (表1, 表2 …)."""
    doc = Document(title=title, recipient=recipient, signature=signature, date=date)
    tables = 0

    def numbered(table: Table) -> Table:
        nonlocal tables
        tables += 1
        table.caption = f"表{tables} {table.caption}"
        return table

    doc.add(Heading(1, "一、基本情况"))
    for block in prose_blocks(intro):
        doc.add(block)
    doc.add(Paragraph(summary_sentence(data, _period_text(data))))
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
        doc.add(Paragraph(f"本期应报送报告的单位{len(unit_lines)}个，各单位报送和工作情况见下表。"))
        doc.add(
            numbered(
                Table(
                    columns=["单位", "报告状态", "活动场次", "参与人次", "资料份数"],
                    rows=[[u.name, u.status, u.activities, u.people, u.materials] for u in unit_lines],
                    widths=[3.2, 1.4, 1.2, 1.2, 1.2],
                    numeric=[2, 3, 4],
                    caption="各单位报送情况",
                    sheet="各单位报送情况",
                )
            )
        )

    doc.add(Heading(1, "二、任务完成情况"))
    if data.tasks:
        doc.add(Paragraph(_tasks_sentence(data)))
        doc.add(numbered(tasks_table(data)))
    else:
        none = "本期没有分解到本单位的普法任务。" if data.scope == "unit" else "本期本区域没有分解的普法任务。"
        doc.add(Paragraph(none))

    doc.add(Heading(1, "三、主要做法和成效"))
    for block in prose_blocks(practices) or [Paragraph("（无）")]:
        doc.add(block)
    doc.add(Heading(1, "四、存在问题"))
    for block in prose_blocks(problems) or [Paragraph("（无）")]:
        doc.add(block)
    doc.add(Heading(1, "五、下一步打算"))
    for block in prose_blocks(plans) or [Paragraph("（无）")]:
        doc.add(block)

    for group in ("活动形式", "普法领域", "普法对象"):
        if data.group(group):
            doc.sheets[group] = _group_table(data, group)
    return doc


def _tasks_sentence(data: ReportData) -> str:
    counts = {f.key: f.value for f in data.group("任务完成情况")}
    if data.scope == "unit":
        return (
            f"本期承担普法任务{len(data.tasks)}项，其中已完成{counts.get('tasks.done', 0)}项，"
            f"按期推进{counts.get('tasks.on_track', 0)}项，未开始{counts.get('tasks.not_started', 0)}项，"
            f"滞后{counts.get('tasks.lagging', 0)}项，逾期{counts.get('tasks.overdue', 0)}项。具体情况如下表。"
        )
    return (
        f"本期本区域分解普法任务{len(data.tasks)}项，按单位计已完成{counts.get('tasks.done', 0)}项次，"
        f"按期推进{counts.get('tasks.on_track', 0)}项次，滞后{counts.get('tasks.lagging', 0)}项次，"
        f"逾期{counts.get('tasks.overdue', 0)}项次。具体情况如下表。"
    )


# ---------------------------------------------------------------- seeded prose of a new draft


def seed_intro(subject: str, period_text: str, *, summary: bool = False) -> str:
    if summary:
        return (
            f"{period_text}，{subject}各单位深入学习贯彻习近平法治思想，认真落实“谁执法谁普法”普法责任制，"
            "扎实推进普法宣传教育各项工作。现将各单位报送的工作情况汇总报告如下。"
        )
    return (
        f"{period_text}，{subject}深入学习贯彻习近平法治思想，认真落实“谁执法谁普法”普法责任制，"
        "按照年度普法工作要点，扎实开展普法宣传教育。现将有关情况报告如下。"
    )


def seed_practices(data: ReportData) -> str:
    """One run-in paragraph per activity marked as a highlight (典型做法), for the author to rewrite."""
    lines = []
    for i, h in enumerate(data.highlights, start=1):
        day = cn_date(dt.date.fromisoformat(h.date))
        body = h.description.strip().replace("\n", "") or f"{day}，组织开展{h.kind}活动"
        if not body.endswith("。"):
            body += "。"
        if h.people:
            body += f"活动共有{h.people}人次参与"
            body += f"，发放宣传资料{h.materials}份。" if h.materials else "。"
        title = h.title.rstrip("。")
        lines.append(f"（{cn_number(i)}）{title}。{body}")
    return "\n".join(lines)


def seed_problems(data: ReportData) -> str:
    """存在问题 from the lagging and overdue items: 一是…；二是…。"""
    if not data.issues:
        return ""
    parts = [f"{cn_number(i)}是{issue.text}" for i, issue in enumerate(data.issues, start=1)]
    return "；".join(parts) + "。"
