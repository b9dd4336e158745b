"""Circulars (通报) on the progress of the responsibility system: who is ahead, who lags.

Seed 004 (十四, 十六) asks the office to "及时通报情况" and to publish the results of its checks. The data is
progress's task statuses (brought up to the day by the drafting service before they are read) and the
ledger's activity counts, taken once when the circular is drafted and kept with it, so what was published
stays what was published.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from pufa.core.chinese import cn_date, cn_number
from pufa.ledger import counting
from pufa.org.models import Region, Unit
from pufa.progress.models import ProgressStatus
from pufa.progress.rules import BEHIND, Status
from pufa.progress.selectors import covered, covered_plans
from pufa.reports.documents.model import Document, Heading, Paragraph, Table, paragraphs
from pufa.reports.figures import ledger_url

AHEAD_LIMIT = 10


def circular_data(*, region: Region, start: dt.date, as_of: dt.date) -> dict[str, Any]:
    """Per unit of the region with tasks: task statuses (as of `as_of`) and activities since `start`.

    One status per (task, unit): progress's stored statuses, the rows the dashboard, unit pages, home panels
    and reports read. The tasks are those of the plans running on `as_of` (`progress.selectors.covered`): a
    plan that has ended is closed — its outcomes are history, not current lagging work. Activities follow the
    ledger's one counting rule: each unit's own count (a joint activity counts for each of its units), and
    for the region each activity once (`totals.activities`, 去重后) beside the sum of the units'
    (`totals.activities_sum`, 各单位合计). `plans` lists the plans covered."""
    statuses = covered(
        ProgressStatus.objects.filter(region_path__startswith=region.path, target__isnull=True),
        start=as_of,
        end=as_of,
    )
    rows = statuses.values_list("unit_id", "status", "task_id", "task__title")
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    behind_tasks: dict[int, list[str]] = defaultdict(list)
    for unit_id, status, _task_id, title in rows:
        counts[unit_id][status] += 1
        if status in BEHIND:
            behind_tasks[unit_id].append(title)
    unit_ids = sorted(counts)
    names = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "name"))
    pinyin = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "pinyin"))
    activities = counting.unit_counts(unit_ids=unit_ids, start=start, end=as_of)
    units = []
    for uid in sorted(unit_ids, key=lambda u: pinyin.get(u, "")):
        c = counts[uid]
        total = sum(c.values())
        good = c.get(Status.DONE, 0) + c.get(Status.ON_TRACK, 0)
        units.append(
            {
                "unit_id": uid,
                "name": names.get(uid, ""),
                "tasks": total,
                "done": c.get(Status.DONE, 0),
                "on_track": c.get(Status.ON_TRACK, 0),
                "not_started": c.get(Status.NOT_STARTED, 0),
                "lagging": c.get(Status.LAGGING, 0),
                "overdue": c.get(Status.OVERDUE, 0),
                "rate": round(good / total, 4) if total else 0,
                "activities": int(activities.get(uid, 0)),
                "behind_tasks": sorted(behind_tasks.get(uid, [])),
                "url": ledger_url(unit_id=uid, region_id=None, start=start, end=as_of),
            }
        )
    behind = [u for u in units if u["lagging"] or u["overdue"]]
    behind.sort(key=lambda u: (-u["overdue"], -u["lagging"], u["activities"]))
    ahead = [u for u in units if not u["lagging"] and not u["overdue"] and u["tasks"]]
    ahead.sort(key=lambda u: (-u["done"], -u["rate"], -u["activities"]))
    plans = covered_plans(region_path=region.path, start=as_of, end=as_of, today=as_of)
    return {
        "region": region.name,
        "start": start.isoformat(),
        "as_of": as_of.isoformat(),
        "units": units,
        "ahead": [u["unit_id"] for u in ahead[:AHEAD_LIMIT]],
        "behind": [u["unit_id"] for u in behind],
        "plans": [
            {"id": p.id, "title": p.title, "start": p.start.isoformat(), "end": p.end.isoformat()} for p in plans
        ],
        "activities_url": ledger_url(unit_id=None, region_id=region.pk, start=start, end=as_of),
        "totals": {
            "units": len(units),
            "tasks": sum(u["tasks"] for u in units),
            "done": sum(u["done"] for u in units),
            "on_track": sum(u["on_track"] for u in units),
            "not_started": sum(u["not_started"] for u in units),
            "lagging": sum(u["lagging"] for u in units),
            "overdue": sum(u["overdue"] for u in units),
            # 去重后: each activity of the region once, however many of its units ran it.
            "activities": counting.counted_activities(region=region, start=start, end=as_of).count(),
            # 各单位合计: the units' own counts added up (a joint activity once per participating unit).
            "activities_sum": sum(u["activities"] for u in units),
        },
    }


def default_title(as_of: dt.date) -> str:
    return f"关于截至{cn_date(as_of)}普法责任制任务推进情况的通报"


def default_intro(region: str, as_of: dt.date) -> str:
    return (
        f"为全面了解和掌握{region}各成员单位普法工作情况，推动“谁执法谁普法”普法责任制落实，"
        f"根据普法工作台账和任务进度，现将截至{cn_date(as_of)}各单位普法任务推进情况通报如下。"
    )


DEFAULT_REQUIREMENTS = (
    "各单位要对照年度普法任务分解，认真查找差距，对进度滞后、逾期的任务逐项明确整改措施和完成时限，"
    "确保按期完成全年普法工作任务。进展较好的单位要及时总结经验做法，充分发挥示范带动作用。"
)


#: Units named one by one under 进度滞后的单位; the others are named together in one paragraph.
BEHIND_NAMED = 5
#: Tasks named per unit, and tasks named as lagging across many units.
TASKS_NAMED = 3
COMMON_TASKS = 5
STATUS_COLUMNS = (
    ("done", "已完成"),
    ("on_track", "按期推进"),
    ("not_started", "未开始"),
    ("lagging", "滞后"),
    ("overdue", "逾期"),
)


def _counts_text(values: dict[str, Any], measure: str) -> str:
    """Like "已完成18项次、滞后7项次": the statuses that are not zero, in the table's order."""
    return "、".join(f"{label}{values.get(key, 0)}{measure}" for key, label in STATUS_COLUMNS if values.get(key))


def _tasks_text(titles: list[str], limit: int = TASKS_NAMED) -> str:
    named = "、".join(f"“{t}”" for t in titles[:limit])
    return named + (f"等{len(titles)}项任务" if len(titles) > limit else "")


def circular_document(
    *,
    title: str,
    number: str,
    intro: str,
    requirements: str,
    data: dict[str, Any],
    signature: str,
    date: dt.date,
) -> Document:
    """The circular with its 版头 (the issuing office's name in red over a red line), written as an office
    writes one: figures in words, the few units furthest behind named one by one and the others together,
    the tasks most units are behind on, and a table whose status columns add up to the tasks."""
    units = {u["unit_id"]: u for u in data.get("units", [])}
    totals = data.get("totals", {})
    doc = Document(
        title=title,
        number=number,
        issuer=f"{signature}文件" if signature else "",
        recipient="各有关单位",
        signature=signature,
        date=date,
    )
    for line in paragraphs(intro):
        doc.add(Paragraph(line))
    sections = 0

    def section(name: str) -> None:
        nonlocal sections
        sections += 1
        doc.add(Heading(1, f"{cn_number(sections)}、{name}"))

    section("总体情况")
    as_of = dt.date.fromisoformat(data["as_of"]) if data.get("as_of") else date
    overall = (
        f"截至{cn_date(as_of)}，{data.get('region', '')}共有{totals.get('units', 0)}个单位承担普法任务，"
        f"按单位计共{totals.get('tasks', 0)}项次"
    )
    plans = [p.get("title", "") if isinstance(p, dict) else str(p) for p in data.get("plans") or []]
    plans = [p for p in plans if p]
    if plans:
        overall += (
            "（涉及"
            + "、".join(f"《{p}》" for p in plans[:3])
            + (f"等{len(plans)}个计划" if len(plans) > 3 else "")
            + "）"
        )
    counts = _counts_text(totals, "项次")
    overall += f"，其中{counts}" if counts else ""
    activities = totals.get("activities", 0)
    activities_sum = totals.get("activities_sum", activities)
    if not activities:
        overall += "；各单位尚未登记普法活动。"
    elif activities_sum != activities:
        # A joint activity is one record: the region counts it once, each unit that ran it counts it too.
        overall += (
            f"；共开展普法活动{activities}场次（多个单位联合开展的活动只计一次；"
            f"按各单位分别统计合计{activities_sum}场次）。"
        )
    else:
        overall += f"；共开展普法活动{activities}场次。"
    doc.add(Paragraph(overall))

    section("进展较好的单位")
    ahead = [units[u] for u in data.get("ahead", []) if u in units]
    if ahead:
        named = "、".join(
            u["name"] + (f"（已完成{u['done']}项" + (f"，开展活动{u['activities']}场次）" if u["activities"] else "）"))
            if u["done"]
            else u["name"]
            for u in ahead
        )
        doc.add(Paragraph(f"{named}承担的普法任务均已完成或按期推进，予以通报表扬。"))
    else:
        doc.add(Paragraph("本期暂无承担的任务全部完成或按期推进的单位。"))

    section("进度滞后的单位")
    behind = [units[u] for u in data.get("behind", []) if u in units]
    if behind:
        if len(behind) > BEHIND_NAMED:
            doc.add(Paragraph(f"共有{len(behind)}个单位有任务滞后或逾期，其中任务滞后、逾期较多的单位是："))
        for i, u in enumerate(behind[:BEHIND_NAMED], start=1):
            counts = "、".join(
                f"{label}{u[key]}项" for key, label in (("lagging", "滞后"), ("overdue", "逾期")) if u.get(key)
            )
            doc.add(
                Paragraph(
                    f"{counts}，涉及{_tasks_text(u.get('behind_tasks', []))}。",
                    lead=f"（{cn_number(i)}）{u['name']}。",
                    lead_level=2,
                )
            )
        rest = behind[BEHIND_NAMED:]
        if rest:
            names = "、".join(u["name"] for u in rest)
            doc.add(
                Paragraph(
                    f"{names}也有任务滞后或逾期，各单位情况见附表。",
                    lead=f"（{cn_number(BEHIND_NAMED + 1)}）其他{len(rest)}个单位。",
                    lead_level=2,
                )
            )
        common: dict[str, int] = defaultdict(int)
        for u in behind:
            for task in set(u.get("behind_tasks", [])):
                common[task] += 1
        shared = sorted(((n, t) for t, n in common.items() if n > 1), key=lambda x: (-x[0], x[1]))[:COMMON_TASKS]
        if shared:
            doc.add(
                Paragraph(
                    "滞后、逾期较为集中的任务是："
                    + "、".join(f"“{t}”（{n}个单位）" for n, t in shared)
                    + "，请相关单位重点推进。"
                )
            )
    else:
        doc.add(Paragraph("本期没有任务滞后或逾期的单位。"))
    if paragraphs(requirements):
        section("下一步要求")
        for line in paragraphs(requirements):
            doc.add(Paragraph(line))
    rows = []
    for u in data.get("units", []):
        not_started = u.get("not_started")
        if not_started is None:  # data taken before the column existed: what the other statuses leave
            not_started = u["tasks"] - sum(u.get(k, 0) for k, _ in STATUS_COLUMNS if k != "not_started")
        values = {**u, "not_started": not_started}
        rows.append(
            [u["name"], str(u["tasks"]), *(str(values.get(k, 0)) for k, _ in STATUS_COLUMNS), str(u["activities"])]
        )
    table = Table(
        columns=["单位", "任务数", *(label for _, label in STATUS_COLUMNS), "活动场次"],
        rows=rows,
        widths=[3.2, 1, 1, 1.2, 1, 0.8, 0.8, 1.2],
        numeric=[1, 2, 3, 4, 5, 6, 7],
        caption="附表 各单位普法任务推进情况",
        links=[u.get("url", "") for u in data.get("units", [])],
        sheet="各单位推进情况",
    )
    doc.add(table)
    return doc
