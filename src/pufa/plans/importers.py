"""From an uploaded plan document to a proposal the office reviews, and from a proposal to what is saved.

The parser (`pufa.plans.parsing`, pure Python) reads the document; this module adds what needs the
database: the units of the issuing unit's region to resolve names against, the taxonomies, and the
defaults a person would pick (the plan's kind and period, each task's section number). A proposal is a
plain JSON-able dict so that it can wait as an import draft (`PlanImportDraft`) between the upload and the
review — no plan is written before the office saves (principle 4: all or nothing).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from pufa.core.models import Audience, Domain
from pufa.org.models import Unit
from pufa.plans.models import Plan, Target, Task, TaskUnit
from pufa.plans.parsing import ParsedPlan, ParsedTask, PlanReadError, UnitCandidate, parse_plan, resolve_units
from pufa.plans.parsing import read_document as parser_read_document
from pufa.plans.services import PlanProposal, TargetDraft, TaskDraft

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ALLOWED_SUFFIXES = (".docx", ".txt")
TOO_LARGE = "文件不能超过 10 MB。"
WRONG_TYPE = "不支持的文件类型：仅支持 .docx、.txt，或直接粘贴文本"
FAKE_DOCX = "无法读取文件：不是有效的 Word 文档（.docx 应是包含 word/document.xml 的压缩包）"
NO_TASKS = "未识别到任务：请确认任务使用了“一、（一）1.”等编号，或放在带“工作任务、牵头单位”等表头的表格中。"
PASTED_NAME = "粘贴文本"

ROLE_FIELDS = {
    TaskUnit.Role.LEAD: "lead_units",
    TaskUnit.Role.PARTICIPANT: "participating_units",
    TaskUnit.Role.RESPONSIBLE: "responsible_units",
}


# ---------------------------------------------------------------- reading


def read_upload(data: bytes | IO[bytes], filename: str) -> list[str]:
    """Read an uploaded plan, checking size and type by content, not by the name alone.

    Raises PlanReadError with the Chinese message the page shows: too large, a type other than .docx/.txt,
    a ".docx" that is not a Word package, text that does not decode, or nothing in it.
    """
    raw = data if isinstance(data, bytes) else data.read()
    if len(raw) > MAX_UPLOAD_BYTES:
        raise PlanReadError(TOO_LARGE)
    suffix = Path(filename or "").suffix.lower()
    if suffix not in ALLOWED_SUFFIXES and suffix != ".doc":
        raise PlanReadError(WRONG_TYPE)
    if suffix == ".docx" and raw.strip(b" \t\r\n\x00"):
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as package:
                if "word/document.xml" not in package.namelist():
                    raise PlanReadError(FAKE_DOCX)
        except zipfile.BadZipFile as error:
            raise PlanReadError(FAKE_DOCX) from error
    if suffix == ".txt" and raw.startswith(b"PK\x03\x04"):
        raise PlanReadError("无法读取文件：这是一个压缩包或 Word 文档，不是文本文件；Word 文档请以 .docx 上传")
    return parser_read_document(raw, filename)


def read_pasted(text: str) -> list[str]:
    """Pasted text goes through the same reader, so it gets the same cleaning and the same empty check."""
    return parser_read_document(text.encode("utf-8"), f"{PASTED_NAME}.txt")


# ---------------------------------------------------------------- defaults a person would pick

_MARK = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇两\d]+(?:部分|[章节条项])"
    r"|[（(]\s*[一二三四五六七八九十百零〇两\d]+\s*[）)]"
    r"|[一二三四五六七八九十百零〇两]+\s*[、.．]"
    r"|\d+(?:\.\d+)*\s*[、.．)）]?)"
)
_CN = "一二三四五六七八九十百零〇两"


def _marker(text: str) -> str:
    """The numbering at the start of a heading or item, written the way offices cite it: 二、 （一） 1."""
    m = _MARK.match(text or "")
    if not m:
        return ""
    mark = re.sub(r"\s+", "", m.group(1))
    if mark[0] in "(（":
        return f"（{mark[1:-1]}）"
    if mark[0] in _CN and mark[-1] in "、.．":
        return f"{mark[:-1]}、"
    return mark.rstrip("、.．)）")


def section_code(task: ParsedTask, lines: list[str] | None = None) -> str:
    """ "二、（一）1" from the task's section path and its own number as the document writes it."""
    parts = [_marker(heading) for heading in task.path]
    own = ""
    if lines and 0 < task.line <= len(lines):
        own = _marker(lines[task.line - 1])
        digits = own.strip("（）、")
        if digits and task.number and digits != task.number.strip("（）()、.． "):
            own = ""
    if not own and task.number:
        number = task.number.strip()
        own = f"（{number}）" if number and number[0] in _CN and len(task.path) >= 1 else number
    return "".join(p for p in [*parts, own] if p)[:60]


def guess_kind(title: str) -> str:
    if "规划" in title:
        return Plan.Kind.FIVE_YEAR
    if "要点" in title:
        return Plan.Kind.ANNUAL_POINTS
    if "专项" in title:
        return Plan.Kind.SPECIAL
    if "计划" in title:
        return Plan.Kind.ANNUAL_PLAN
    if "方案" in title:
        return Plan.Kind.ACTION
    return Plan.Kind.SPECIAL


_RANGE = re.compile(r"((?:19|20)\d{2})\s*年?\s*[—–\-~至到]+\s*((?:19|20)\d{2})")


def guess_period(parsed: ParsedPlan, lines: list[str], today: dt.date) -> tuple[dt.date, dt.date]:
    """A year range written in the title or opening ("2021—2025年"), else the plan's year up to its latest
    deadline or target date ("2025年底不少于6个" stretches an action plan to 2025)."""
    for text in [parsed.title, *lines[:8]]:
        m = _RANGE.search(text or "")
        if m and int(m.group(1)) <= int(m.group(2)):
            return dt.date(int(m.group(1)), 1, 1), dt.date(int(m.group(2)), 12, 31)
    year = parsed.year or today.year
    end = dt.date(year, 12, 31)
    for task in parsed.tasks:
        dates = [task.deadline, *(t.due for t in task.targets)]
        end = max([end, *(d for d in dates if d is not None and d.year <= year + 10)])
    return dt.date(year, 1, 1), dt.date(end.year, 12, 31)


def deadline_fields(task: ParsedTask) -> tuple[str, dt.date | None, str]:
    """(deadline_kind, deadline, recurrence) of Task from the parser's date and recurrence."""
    recurrence = {
        "monthly": Task.Recurrence.MONTHLY,
        "quarterly": Task.Recurrence.QUARTERLY,
        "yearly": Task.Recurrence.YEARLY,
    }
    if task.recurrence == "all_year":
        return Task.DeadlineKind.ALL_YEAR, None, ""
    if task.recurrence in recurrence:
        return Task.DeadlineKind.RECURRING, task.deadline, recurrence[task.recurrence]
    if task.deadline is not None:
        return Task.DeadlineKind.DATE, task.deadline, ""
    return Task.DeadlineKind.NONE, None, ""


_EACH = re.compile(r"(?:每个|每一个|各)([^\s，。；、,;]{1,7})")
# The more specific noun wins: "每个街镇司法所" counts judicial offices, not streets.
_EACH_KIND = {
    "司法所": Unit.Kind.JUDICIAL_OFFICE,
    "派出所": Unit.Kind.POLICE_STATION,
    "居委会": Unit.Kind.COMMUNITY_COMMITTEE,
    "学校": Unit.Kind.SCHOOL,
    "社区": Unit.Kind.COMMUNITY_COMMITTEE,
    "村": Unit.Kind.COMMUNITY_COMMITTEE,
    "街镇": Unit.Kind.OFFICE,
    "乡镇": Unit.Kind.OFFICE,
    "街道": Unit.Kind.OFFICE,
}
_PERIOD = {"month": Target.Period.MONTH, "quarter": Target.Period.QUARTER, "year": Target.Period.YEAR}


def target_fields(text: str, period: str | None, due: dt.date | None) -> dict[str, Any]:
    """Scope and period of a proposed target: "每个社区每年…1次以上" counts each community per year."""
    scope = {"scope": Target.Scope.RESPONSIBLE, "scope_kind": ""}
    m = _EACH.search(text)
    if m:
        kind = next((kind for noun, kind in _EACH_KIND.items() if noun in m.group(1)), None)
        if kind is not None:
            scope = {"scope": Target.Scope.EACH_OF_KIND, "scope_kind": kind}
    if period in _PERIOD:
        return {**scope, "period": _PERIOD[period], "due": due}
    if due is not None:
        return {**scope, "period": Target.Period.BY_DATE, "due": due}
    return {**scope, "period": Target.Period.YEAR, "due": None}


def _taxonomy_words(name: str) -> list[str]:
    parts = [name, *(p for p in name.split("与") if len(p) >= 4)]
    return list(dict.fromkeys(parts))


def guess_taxonomy(text: str, rows: Iterable[Domain | Audience]) -> list[int]:
    """Domains or audiences whose name (or a four-character half of "A与B") the task's text mentions."""
    return [row.pk for row in rows if any(word in text for word in _taxonomy_words(row.name))]


# ---------------------------------------------------------------- the proposal


def candidates(units: Iterable[Unit]) -> list[UnitCandidate]:
    return [
        UnitCandidate(key=u.pk, name=u.name, aliases=list(u.aliases or []), kind=u.kind, region_name=u.region.name)
        for u in units
    ]


def propose(
    *,
    lines: list[str],
    source_name: str,
    issuing_unit: Unit,
    units: Iterable[Unit],
    domains: Iterable[Domain] = (),
    audiences: Iterable[Audience] = (),
    today: dt.date | None = None,
    year: int | None = None,
) -> dict[str, Any]:
    """Parse `lines` and resolve every unit name against `units`; return the JSON-able proposal.

    Each written name becomes either units of its role (an alias or short form → one unit; a collective
    phrase such as 各社区 → every unit of that kind) or an entry of `unresolved` with the reason and the
    likeliest units — never dropped. A collective phrase among the participants leaves out the units that
    already lead the task ("街道各部门" are the departments other than the lead).
    """
    today = today or dt.date.today()
    parsed = parse_plan(lines, today=today, year=year)
    unit_list = list(units)
    cands = candidates(unit_list)
    domain_rows, audience_rows = list(domains), list(audiences)
    start, end = guess_period(parsed, lines, today)
    # A plan repeats the same few names on every task (法治办, 各社区): resolve each distinct name once.
    written = list(
        dict.fromkeys(n for task in parsed.tasks for attr in ROLE_FIELDS.values() for n in getattr(task, attr))
    )
    resolved = dict(zip(written, resolve_units(written, cands), strict=True))
    tasks = []
    for task in parsed.tasks:
        kind, deadline, recurrence = deadline_fields(task)
        entry: dict[str, Any] = {
            "number": task.number,
            "section": section_code(task, lines),
            "path": list(task.path),
            "title": task.title,
            "text": task.text,
            "line": task.line,
            "deadline_kind": kind,
            "deadline": deadline.isoformat() if deadline else None,
            "recurrence": recurrence,
            "deadline_text": task.deadline_text or "",
            "units": {role: [] for role in ROLE_FIELDS},
            "written": {role: {} for role in ROLE_FIELDS},
            "resolutions": [],
            "unresolved": [],
            "domains": guess_taxonomy(task.text, domain_rows),
            "audiences": guess_taxonomy(task.text, audience_rows),
            "targets": [],
        }
        for role, attr in ROLE_FIELDS.items():
            names = getattr(task, attr)
            for res in (resolved[name] for name in names):
                keys = [int(k) for k in res.matched_keys]  # type: ignore[call-overload]
                note = res.note
                if res.status == "collective" and role == TaskUnit.Role.PARTICIPANT:
                    leading = set(entry["units"][TaskUnit.Role.LEAD]) | set(entry["units"][TaskUnit.Role.RESPONSIBLE])
                    keys = [k for k in keys if k not in leading]
                    if not keys:
                        note = f"{note}，均已是本任务的牵头或责任单位"
                entry["resolutions"].append(
                    {
                        "role": role,
                        "written": res.written,
                        "status": res.status,
                        "note": note,
                        "keys": keys,
                        "matched": bool(res.matched_keys),
                    }
                )
                if res.status == "unresolved" or not res.matched_keys:
                    entry["unresolved"].append(
                        {
                            "name": res.written,
                            "role": role,
                            "note": res.note,
                            "suggested": [int(k) for k in res.suggested_keys],  # type: ignore[call-overload]
                        }
                    )
                    continue
                for key in keys:
                    if key not in entry["units"][role]:
                        entry["units"][role].append(key)
                        entry["written"][role][str(key)] = res.written
        for target in task.targets:
            fields = target_fields(target.text, target.period, target.due)
            entry["targets"].append(
                {
                    "text": target.text,
                    "threshold": str(Decimal(str(target.threshold)).normalize()),
                    "measure": target.unit,
                    "period": fields["period"],
                    "due": fields["due"].isoformat() if fields["due"] else None,
                    "scope": fields["scope"],
                    "scope_kind": fields["scope_kind"],
                }
            )
        tasks.append(entry)
    return {
        "version": 1,
        "source_name": source_name,
        "source_text": "\n".join(lines),
        "issuing_unit": issuing_unit.pk,
        "title": parsed.title,
        "kind": guess_kind(parsed.title),
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "year": parsed.year,
        "warnings": list(parsed.warnings),
        "tasks": tasks,
    }


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def target_drafts(entry: dict[str, Any], keep: Iterable[int] | None = None) -> list[TargetDraft]:
    kept = None if keep is None else set(keep)
    return [
        TargetDraft(
            text=t["text"],
            threshold=Decimal(t["threshold"]),
            measure=t.get("measure", ""),
            period=t["period"],
            due=_date(t.get("due")),
            scope=t.get("scope", Target.Scope.RESPONSIBLE),
            scope_kind=t.get("scope_kind", ""),
        )
        for index, t in enumerate(entry["targets"])
        if kept is None or index in kept
    ]


def accept(
    proposal: dict[str, Any],
    *,
    title: str = "",
    kind: str = "",
    period: tuple[dt.date, dt.date] | None = None,
    parent: Plan | None = None,
) -> PlanProposal:
    """The proposal exactly as parsed and resolved — what the command line and the demo save without review."""
    pks = {pk for e in proposal["tasks"] for ids in e["units"].values() for pk in ids}
    units = Unit.objects.select_related("region").in_bulk(pks)
    domains = Domain.objects.in_bulk({pk for e in proposal["tasks"] for pk in e["domains"]})
    audiences = Audience.objects.in_bulk({pk for e in proposal["tasks"] for pk in e["audiences"]})
    start, end = period or (_date(proposal["period_start"]), _date(proposal["period_end"]))
    assert start is not None and end is not None
    tasks = []
    for e in proposal["tasks"]:
        tasks.append(
            TaskDraft(
                title=e["title"],
                section=e["section"],
                number=e["number"],
                path=e["path"],
                text=e["text"],
                deadline_kind=e["deadline_kind"],
                deadline=_date(e["deadline"]),
                recurrence=e["recurrence"],
                deadline_text=e["deadline_text"],
                units=[
                    (role, units[pk], e["written"][role].get(str(pk), ""))
                    for role, ids in e["units"].items()
                    for pk in ids
                    if pk in units
                ],
                unresolved=[{"name": u["name"], "role": u["role"]} for u in e["unresolved"]],
                domains=[domains[pk] for pk in e["domains"] if pk in domains],
                audiences=[audiences[pk] for pk in e["audiences"] if pk in audiences],
                targets=target_drafts(e),
            )
        )
    return PlanProposal(
        title=title or proposal["title"],
        kind=kind or proposal["kind"],
        period_start=start,
        period_end=end,
        tasks=tasks,
        parent=parent,
        source_name=proposal["source_name"],
        source_text=proposal["source_text"],
    )


def _deadlines_past(period_end: dt.date | None, deadlines: list[tuple[str, dt.date | None]], today: dt.date) -> bool:
    """The rule for "this plan is over": its period has ended, or every task has a fixed date and all of those
    have passed (a recurring or all-year task keeps a running plan current)."""
    if period_end is not None and period_end < today:
        return True
    return bool(deadlines) and all(
        kind == Task.DeadlineKind.DATE and day is not None and day < today for kind, day in deadlines
    )


def all_deadlines_past(proposal: dict[str, Any], today: dt.date) -> bool:
    """`_deadlines_past` for a stored proposal, as parsed."""
    return _deadlines_past(
        _date(proposal.get("period_end")),
        [(e["deadline_kind"], _date(e.get("deadline"))) for e in proposal["tasks"]],
        today,
    )


def proposal_past(proposal: PlanProposal, today: dt.date) -> bool:
    """`_deadlines_past` for the reviewed proposal, as the office corrected it."""
    return _deadlines_past(proposal.period_end, [(d.deadline_kind, d.deadline) for d in proposal.tasks], today)


def summary_counts(proposal: dict[str, Any]) -> dict[str, int]:
    """Figures for the review page and the command: tasks, resolved units, unresolved names, targets."""
    tasks = proposal["tasks"]
    return {
        "tasks": len(tasks),
        "units": sum(len(ids) for e in tasks for ids in e["units"].values()),
        "unresolved": sum(len(e["unresolved"]) for e in tasks),
        "targets": sum(len(e["targets"]) for e in tasks),
    }
