"""Measure the parser against hand-annotated plans (backs `pufa plan-import-quality FOLDER`).

A folder holds pairs `X.txt` (or `X.docx`) + `X.expected.json`, the latter in the `import-plan --json`
shape written by a person reading the document. For each document:
- tasks are matched one-to-one, first by number and section path, then by text similarity (rapidfuzz
  ratio ≥ `TEXT_MATCH`), so a task found under a slightly different path still counts;
- task–unit pairs (any role) and task–unit–role triples are compared through that matching, so a unit on
  a task that was not expected is a false positive and a unit on a missed task is a miss;
- deadlines (the date) are compared on matched tasks, and targets (threshold, measure word, period, due)
  as multisets per matched task.
Precision = right / found, recall = right / expected; an empty denominator counts as 1.0.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from .model import PlanReadError
from .plan import parse_plan
from .reader import read_document
from .text import normalize_name

TEXT_MATCH = 80.0


@dataclass
class Score:
    """Counts for one measure: how many were expected, found, and right."""

    expected: int = 0
    found: int = 0
    right: int = 0

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.found += other.found
        self.right += other.right


@dataclass
class DocumentScore:
    name: str
    tasks: Score = field(default_factory=Score)
    pairs: Score = field(default_factory=Score)
    """Task–unit pairs, whatever the role."""
    triples: Score = field(default_factory=Score)
    """Task–unit–role triples."""
    deadlines: Score = field(default_factory=Score)
    """expected = matched tasks, right = same deadline date (or both none)."""
    targets: Score = field(default_factory=Score)
    error: str | None = None
    missed: list[str] = field(default_factory=list)
    """Expected tasks not found, as "number title", for the report's details."""
    extra: list[str] = field(default_factory=list)
    """Found tasks that were not expected."""


@dataclass
class Report:
    documents: list[DocumentScore]
    total: DocumentScore


def evaluate(folder: str | Path, *, today: date | None = None) -> Report:
    """Score `parse_plan` on every annotated document in `folder` (see the module docstring)."""
    folder = Path(folder)
    documents: list[DocumentScore] = []
    for expected_path in sorted(folder.glob("*.expected.json")):
        stem = expected_path.name[: -len(".expected.json")]
        source = next(
            (folder / f"{stem}{ext}" for ext in (".docx", ".txt") if (folder / f"{stem}{ext}").exists()), None
        )
        if source is None:
            continue
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        documents.append(_score_document(stem, source, expected, today))
    total = DocumentScore(name="合计")
    for doc in documents:
        for measure in ("tasks", "pairs", "triples", "deadlines", "targets"):
            getattr(total, measure).add(getattr(doc, measure))
    return Report(documents=documents, total=total)


def _score_document(name: str, source: Path, expected: dict[str, Any], today: date | None) -> DocumentScore:
    score = DocumentScore(name=name)
    exp_tasks: list[dict[str, Any]] = expected.get("tasks", [])
    try:
        found_tasks = parse_plan(read_document(source), today=today).to_json()["tasks"]
    except PlanReadError as error:
        score.error = str(error)
        found_tasks = []
    matching = match_tasks(exp_tasks, found_tasks)
    score.tasks = Score(len(exp_tasks), len(found_tasks), len(matching))
    identity: dict[int, Hashable] = {j: ("expected", i) for i, j in matching.items()}
    exp_pairs, exp_triples = _unit_sets(exp_tasks, {i: ("expected", i) for i in range(len(exp_tasks))})
    found_ids = {j: identity.get(j, ("found", j)) for j in range(len(found_tasks))}
    got_pairs, got_triples = _unit_sets(found_tasks, found_ids)
    score.pairs = Score(len(exp_pairs), len(got_pairs), len(exp_pairs & got_pairs))
    score.triples = Score(len(exp_triples), len(got_triples), len(exp_triples & got_triples))
    right = sum(1 for i, j in matching.items() if exp_tasks[i].get("deadline") == found_tasks[j].get("deadline"))
    score.deadlines = Score(len(matching), len(matching), right)
    exp_targets = Counter(_target_keys(exp_tasks, {i: ("expected", i) for i in range(len(exp_tasks))}))
    got_targets = Counter(_target_keys(found_tasks, {j: identity.get(j, ("found", j)) for j in found_ids}))
    score.targets = Score(
        sum(exp_targets.values()), sum(got_targets.values()), sum((exp_targets & got_targets).values())
    )
    matched_found = set(matching.values())
    score.missed = [f"{t['number']} {t['title']}" for i, t in enumerate(exp_tasks) if i not in matching]
    score.extra = [f"{t['number']} {t['title']}" for j, t in enumerate(found_tasks) if j not in matched_found]
    return score


def match_tasks(expected: list[dict[str, Any]], found: list[dict[str, Any]]) -> dict[int, int]:
    """One-to-one matching expected index → found index: number+path first, then text similarity."""

    def key(task: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        return normalize_name(str(task.get("number", ""))), tuple(normalize_name(p) for p in task.get("path", []))

    by_key: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for j, task in enumerate(found):
        by_key.setdefault(key(task), []).append(j)
    matching: dict[int, int] = {}
    used: set[int] = set()
    for i, task in enumerate(expected):
        for j in by_key.get(key(task), []):
            if j not in used:
                matching[i] = j
                used.add(j)
                break
    scored = []
    for i, task in enumerate(expected):
        if i in matching:
            continue
        text = normalize_name(task.get("text") or task.get("title", ""))
        for j, other in enumerate(found):
            if j in used:
                continue
            ratio = fuzz.ratio(text, normalize_name(other.get("text") or other.get("title", "")))
            if ratio >= TEXT_MATCH:
                scored.append((ratio, i, j))
    for _ratio, i, j in sorted(scored, key=lambda t: -t[0]):
        if i not in matching and j not in used:
            matching[i] = j
            used.add(j)
    return matching


_ROLES = {"lead_units": "lead", "participating_units": "participating", "responsible_units": "responsible"}


def _unit_sets(tasks: list[dict[str, Any]], ids: dict[int, Hashable]) -> tuple[set[Any], set[Any]]:
    pairs: set[Any] = set()
    triples: set[Any] = set()
    for index, task in enumerate(tasks):
        for field_name, role in _ROLES.items():
            for unit in task.get(field_name, []):
                pairs.add((ids[index], normalize_name(unit)))
                triples.add((ids[index], role, normalize_name(unit)))
    return pairs, triples


def _target_keys(tasks: list[dict[str, Any]], ids: dict[int, Any]) -> list[Any]:
    return [
        (ids[index], float(t["threshold"]), t["unit"], t.get("period"), t.get("due"))
        for index, task in enumerate(tasks)
        for t in task.get("targets", [])
    ]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    space = " " * max(0, width - _width(text))
    return space + text if right else text + space


def format_report(report: Report, *, details: bool = True) -> str:
    """The report as a fixed-width table (Chinese headers), then missed and extra tasks per document."""
    headers = [
        "文档",
        "任务 期望/识别/正确",
        "任务P",
        "任务R",
        "单位P",
        "单位R",
        "角色P",
        "角色R",
        "期限",
        "指标P",
        "指标R",
    ]
    rows: list[list[str]] = []
    for doc in [*report.documents, report.total]:
        t = doc.tasks
        rows.append(
            [
                doc.name,
                f"{t.expected}/{t.found}/{t.right}",
                f"{t.precision:.2f}",
                f"{t.recall:.2f}",
                f"{doc.pairs.precision:.2f}",
                f"{doc.pairs.recall:.2f}",
                f"{doc.triples.precision:.2f}",
                f"{doc.triples.recall:.2f}",
                f"{doc.deadlines.recall:.2f}",
                f"{doc.targets.precision:.2f}",
                f"{doc.targets.recall:.2f}",
            ]
        )
    widths = [max(_width(row[c]) for row in [headers, *rows]) for c in range(len(headers))]
    lines = ["  ".join(_pad(cell, widths[c], right=c > 0) for c, cell in enumerate(headers))]
    lines.append("  ".join("-" * w for w in widths))
    for index, row in enumerate(rows):
        if index == len(rows) - 1:
            lines.append("  ".join("-" * w for w in widths))
        lines.append("  ".join(_pad(cell, widths[c], right=c > 0) for c, cell in enumerate(row)))
    lines.append("单位 = 任务–单位对，角色 = 任务–单位–角色；期限 = 已匹配任务中完成日期一致的比例。")
    if details:
        for doc in report.documents:
            if doc.error:
                lines.append(f"{doc.name}：读取失败：{doc.error}")
            for missed in doc.missed:
                lines.append(f"{doc.name}：漏识别 {missed}")
            for extra in doc.extra:
                lines.append(f"{doc.name}：多识别 {extra}")
    return "\n".join(lines)
