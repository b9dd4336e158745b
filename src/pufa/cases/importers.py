"""Import cases from Word (.docx: one or several cases per file) and Excel (.xlsx, one case per row).

.docx: a case is recognised by its headings — 基本案情 (案情简介 …) starts a case and the line before it is the
title; 裁判结果/处理结果/裁判要旨/调解结果 fill the outcome; 法官说法/检察官说法/律师说法/释法说理/典型意义
fill the explanation; 相关法条/法律依据 name the laws (《…》 in the catalogue are linked). Headings may be
numbered (一、基本案情), bracketed (【基本案情】) or carry text after a colon.

.xlsx: read through `pufa.core.spreadsheets.read_xlsx` (bounded); columns by header name (标题, 案件类型,
裁判日期, 基本案情, 处理结果, 释法说理, 标签, 当事人, 法律法规).

Each case is checked by the service's rules and saved as a draft of its own; errors are reported per case,
so one bad case does not stop the others.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError

from pufa.cases import services
from pufa.cases.models import Case, Party
from pufa.cases.services import CaseData
from pufa.core.spreadsheets import SpreadsheetError, read_xlsx
from pufa.duties.models import Law
from pufa.org.models import Unit

MAX_ROWS = 2000
MAX_CASES_PER_DOC = 200

HEADINGS: dict[str, tuple[str, ...]] = {
    "facts": ("基本案情", "案情简介", "案情介绍", "案情回顾", "简要案情", "案情"),
    "outcome": ("裁判结果", "处理结果", "判决结果", "裁判要旨", "调解结果", "处罚结果", "处理情况", "办理结果"),
    "reasoning": (
        "法官说法",
        "检察官说法",
        "律师说法",
        "法官释法",
        "释法说理",
        "以案释法",
        "案例评析",
        "法律分析",
        "典型意义",
        "案例点评",
    ),
    "laws": ("相关法条", "法律依据", "法条链接", "法律链接", "相关法律"),
}
_HEADING = re.compile(
    r"^[\s【\[（(一二三四五六七八九十\d、.．)）\]】]*("
    + "|".join(w for ws in HEADINGS.values() for w in ws)
    + r")[】\]）)]*\s*[：:]?\s*(.*)$"
)
TYPES = {label: value for value, label in Case.Type.choices}


@dataclass
class Draft:
    label: str
    title: str = ""
    sections: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in HEADINGS})
    case_type: str = ""
    decided_on: dt.date | None = None
    tags: str = ""
    parties: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Outcome:
    created: list[Case] = field(default_factory=list)
    errors: list[tuple[str, list[str]]] = field(default_factory=list)


def _heading(line: str) -> tuple[str, str] | None:
    m = _HEADING.match(line)
    if m is None or (len(line) > 40 and not m.group(2)):
        return None
    word = m.group(1)
    for key, words in HEADINGS.items():
        if word in words:
            return key, m.group(2).strip()
    return None


def split_document(lines: list[str]) -> list[Draft]:
    """The cases of one document, by their headings (pure: tested on lines)."""
    drafts: list[Draft] = []
    current: Draft | None = None
    section = ""
    previous = ""
    for line in (raw.strip() for raw in lines):
        if not line:
            continue
        found = _heading(line)
        if found and found[0] == "facts":
            if (
                current is not None
                and section
                and current.sections[section]
                and current.sections[section][-1] == previous
            ):
                current.sections[section].pop()  # the title of the next case ended the previous one
            title = re.sub(r"^(案例|典型案例)?[一二三四五六七八九十\d]+[、：:.．\s]*", "", previous).strip()
            current = Draft(label=f"第{len(drafts) + 1}个案例", title=title)
            drafts.append(current)
            section = "facts"
            if found[1]:
                current.sections["facts"].append(found[1])
        elif found and current is not None:
            section = found[0]
            if found[1]:
                current.sections[section].append(found[1])
        elif current is not None and section:
            current.sections[section].append(line)
        previous = line
    return drafts[:MAX_CASES_PER_DOC]


def _guess_type(text: str) -> str:
    if re.search(r"被告人|刑事|判处|有期徒刑|拘役|罪", text):
        return Case.Type.CRIMINAL
    if re.search(r"行政处罚|罚款|责令|执法", text):
        return Case.Type.ENFORCEMENT
    if re.search(r"调解|人民调解", text):
        return Case.Type.MEDIATION
    if re.search(r"行政诉讼|行政机关", text):
        return Case.Type.ADMINISTRATIVE
    return Case.Type.CIVIL


def _laws(text: str) -> list[tuple[Law, str]]:
    names = dict.fromkeys(re.findall(r"《([^》]{2,60})》", text))
    catalogue = {law.name: law for law in Law.objects.filter(is_active=True)}
    found: list[tuple[Law, str]] = []
    for name in names:
        law = catalogue.get(name) or catalogue.get(f"中华人民共和国{name}")
        if law is not None and all(law.pk != other.pk for other, _ in found):
            after = text.split(f"{name}》", 1)[1] if f"{name}》" in text else ""
            articles = re.match(
                r"\s*(第[一二三四五六七八九十百零〇\d]+条(?:[、和及]第[一二三四五六七八九十百零〇\d]+条)*)", after
            )
            found.append((law, articles.group(1) if articles else ""))
    return found


def _save(actor: Any, unit: Unit, draft: Draft, outcome: Outcome) -> None:
    facts = "\n".join(draft.sections["facts"])
    outcome_text = "\n".join(draft.sections["outcome"])
    reasoning = "\n".join(draft.sections["reasoning"])
    laws_text = "\n".join(draft.sections["laws"]) + reasoning + outcome_text
    data = CaseData(
        unit=unit,
        title=draft.title or facts[:30],
        case_type=draft.case_type or _guess_type(facts + outcome_text),
        facts=facts,
        outcome=outcome_text,
        reasoning=reasoning,
        decided_on=draft.decided_on,
        tags=draft.tags,
        citations=_laws(laws_text),
        parties=draft.parties,
    )
    label = f"{draft.label}「{data.title[:30]}」" if data.title else draft.label
    try:
        outcome.created.append(services.case_create(actor=actor, data=data))
    except ValidationError as exc:
        messages = [m for ms in exc.message_dict.values() for m in ms] if hasattr(exc, "error_dict") else exc.messages
        outcome.errors.append((label, messages))
    except PermissionDenied as exc:
        outcome.errors.append((label, [str(exc)]))


def _xlsx_drafts(data: bytes) -> list[Draft]:
    sheet = read_xlsx(data, max_rows=MAX_ROWS, max_cols=20)
    if not sheet.rows:
        return []
    _, header = sheet.rows[0]
    columns = {str(v or "").strip(): i for i, v in enumerate(header)}

    def cell(values: list[Any], *names: str) -> Any:
        for name in names:
            i = columns.get(name)
            if i is not None and i < len(values) and values[i] not in (None, ""):
                return values[i]
        return ""

    drafts = []
    for number, values in sheet.rows[1:]:
        draft = Draft(label=f"第{number}行", title=str(cell(values, "标题", "案例标题")).strip())
        draft.sections["facts"] = [str(cell(values, "基本案情", "案情"))]
        draft.sections["outcome"] = [str(cell(values, "处理结果", "裁判结果", "裁判要旨"))]
        draft.sections["reasoning"] = [str(cell(values, "释法说理", "法官说法"))]
        draft.sections["laws"] = [str(cell(values, "法律法规", "相关法条"))]
        kind = str(cell(values, "案件类型")).strip()
        draft.case_type = TYPES.get(kind, kind if kind in Case.Type.values else ("invalid" if kind else ""))
        day = cell(values, "裁判日期", "处理日期")
        if isinstance(day, dt.datetime):
            draft.decided_on = day.date()
        elif isinstance(day, dt.date):
            draft.decided_on = day
        elif day:
            try:
                draft.decided_on = dt.date.fromisoformat(str(day).strip().replace("/", "-").replace(".", "-"))
            except ValueError:
                draft.case_type = draft.case_type or ""
        draft.tags = str(cell(values, "标签")).strip()
        for item in re.split(r"[；;\n]+", str(cell(values, "当事人"))):
            if item.strip():
                name, _, role = item.replace("：", ":").partition(":")
                draft.parties.append((name.strip(), role.strip() or Party.Role.PARTY))
        drafts.append(draft)
    return drafts


def import_file(*, actor: Any, unit: Unit, file: IO[bytes], name: str) -> Outcome:
    """Import every case of a .docx or .xlsx as drafts of `unit`; errors per case."""
    from pufa.plans.parsing.reader import read_document

    outcome = Outcome()
    data = file.read()
    try:
        if name.lower().endswith(".xlsx"):
            drafts = _xlsx_drafts(data)
        elif name.lower().endswith(".docx"):
            drafts = split_document(read_document(data, filename=name))
        else:
            outcome.errors.append(("文件", ["请上传 .docx 或 .xlsx 文件。"]))
            return outcome
    except (SpreadsheetError, ValueError) as exc:
        outcome.errors.append(("文件", [str(exc)]))
        return outcome
    if not drafts:
        outcome.errors.append(
            ("文件", ["没有找到案例：Word 文件中每个案例须有“基本案情”标题，Excel 须有“标题”“基本案情”列。"])
        )
    for draft in drafts:
        _save(actor, unit, draft, outcome)
    return outcome
