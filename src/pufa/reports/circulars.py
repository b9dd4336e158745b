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
    units = {u["unit_id"]: u for u in data.get("units", [])}
    totals = data.get("totals", {})
    activities_sum = totals.get("activities_sum", totals.get("activities", 0))
    doc = Document(title=title, number=number, recipient="各有关单位", signature=signature, date=date)
    for line in paragraphs(intro):
        doc.add(Paragraph(line))
    doc.add(Heading(1, "一、总体情况"))
    doc.add(
        Paragraph(
            f"截至{cn_date(dt.date.fromisoformat(data['as_of']))}，{data.get('region', '')}共有"
            f"{totals.get('units', 0)}个单位承担普法任务，按单位计共{totals.get('tasks', 0)}项次，"
            f"其中已完成{totals.get('done', 0)}项次，按期推进{totals.get('on_track', 0)}项次，"
            f"未开始{totals.get('not_started', 0)}项次，滞后{totals.get('lagging', 0)}项次，"
            f"逾期{totals.get('overdue', 0)}项次；共开展普法活动{totals.get('activities', 0)}场次"
            f"（去重后，多个单位联合开展的活动只计一次；各单位合计{activities_sum}场次）。"
        )
    )
    doc.add(Heading(1, "二、进展较好的单位"))
    ahead = [units[u] for u in data.get("ahead", []) if u in units]
    if ahead:
        doc.add(
            Paragraph(
                "以下单位承担的普法任务均已完成或按期推进："
                + "、".join(f"{u['name']}（已完成{u['done']}项，开展活动{u['activities']}场次）" for u in ahead)
                + "，予以通报表扬。"
            )
        )
    else:
        doc.add(Paragraph("本期暂无全部任务按期推进的单位。"))
    doc.add(Heading(1, "三、进度滞后的单位"))
    behind = [units[u] for u in data.get("behind", []) if u in units]
    if behind:
        for i, u in enumerate(behind, start=1):
            tasks = "、".join(f"“{t}”" for t in u["behind_tasks"][:6]) + ("等" if len(u["behind_tasks"]) > 6 else "")
            counts = "、".join(
                f"{label}{u[key]}项" for key, label in (("lagging", "滞后"), ("overdue", "逾期")) if u[key]
            )
            doc.add(
                Paragraph(
                    f"{counts}，涉及{tasks}。",
                    lead=f"（{cn_number(i)}）{u['name']}。",
                    lead_level=2,
                )
            )
    else:
        doc.add(Paragraph("本期没有任务滞后或逾期的单位。"))
    doc.add(Heading(1, "四、下一步要求"))
    for line in paragraphs(requirements) or ["（无）"]:
        doc.add(Paragraph(line))
    table = Table(
        columns=["单位", "任务数", "已完成", "按期推进", "滞后", "逾期", "活动场次"],
        rows=[
            [
                u["name"],
                str(u["tasks"]),
                str(u["done"]),
                str(u["on_track"]),
                str(u["lagging"]),
                str(u["overdue"]),
                str(u["activities"]),
            ]
            for u in data.get("units", [])
        ],
        widths=[3.4, 1, 1, 1.1, 0.9, 0.9, 1.1],
        numeric=[1, 2, 3, 4, 5, 6],
        caption="附表 各单位普法任务推进情况",
        links=[u.get("url", "") for u in data.get("units", [])],
        sheet="各单位推进情况",
    )
    doc.add(table)
    return doc
