"""Benchmark: read and parse a ~50-page plan, as .txt and as .docx (median of 5 runs each).

A district's five-year plan with its task table runs to about fifty pages; the upload preview parses it
while the user waits, so the target is well under 2 seconds. The document is built from the annotated
plans in tests/data/plans (seed 000's measures, seed 003's brackets, seed 004's duties, the task table),
renumbered section by section until it reaches ~50 × 700 characters.

Run: .venv/bin/python bench/plan_import.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from docx import Document  # noqa: E402

from pufa.plans.parsing import parse_plan, read_document  # noqa: E402
from pufa.plans.parsing.text import int_to_cn  # noqa: E402

DATA = ROOT / "tests" / "data" / "plans"
PAGES = 50
CHARS_PER_PAGE = 700
RUNS = 5


def _section(path: str, first: str, last: str) -> list[str]:
    """Lines of an annotated plan from the line starting with `first` up to (not including) `last`."""
    lines = (DATA / path).read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(first))
    end = next(i for i, line in enumerate(lines) if i > start and line.strip().startswith(last))
    return [line for line in lines[start + 1 : end] if line.strip()]


def build_plan_lines() -> list[str]:
    """A long plan: varied copies of real sections under renumbered top-level headings."""
    blocks = [
        ("推进社区普法工作措施", _section("000_tuohe_action_plan.txt", "二、工作措施", "三、保障措施")),
        ("年度普法重点任务", _section("003_luozhuang_annual_plan.txt", "二、工作任务", "三、工作要求")),
        ("落实普法责任制", _section("qingshan_work_points.txt", "三、重点任务", "四、保障措施")),
        ("重点任务分工", _section("nanhu_task_table.txt", "为推动", "四、推进法治文化建设")),
        ("法律明白人培养", _section("linchuan_subitems.txt", "二、工作任务", "三、工作要求")),
    ]
    lines = ["某市“八五”普法规划实施方案（2021—2025年）", "为深入实施“八五”普法规划，结合本市实际，制定本方案。"]
    size = sum(map(len, lines))
    number = 0
    while size < PAGES * CHARS_PER_PAGE:
        title, block = blocks[number % len(blocks)]
        number += 1
        lines.append(f"{int_to_cn(number)}、{title}（第{number}部分）")
        lines.extend(block)
        size += sum(map(len, block))
    return lines


def build_docx(lines: list[str]) -> bytes:
    document = Document()
    table_rows: list[list[str]] = []

    def flush() -> None:
        if not table_rows:
            return
        width = max(len(row) for row in table_rows)
        table = document.add_table(rows=len(table_rows), cols=width)
        for r, row in enumerate(table_rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
        table_rows.clear()

    for line in lines:
        if "\t" in line:
            table_rows.append(line.split("\t"))
            continue
        flush()
        document.add_paragraph(line)
    flush()
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _median_seconds(data: bytes, filename: str) -> tuple[float, int]:
    times = []
    tasks = 0
    for _ in range(RUNS):
        started = time.perf_counter()
        plan = parse_plan(read_document(data, filename))
        times.append(time.perf_counter() - started)
        tasks = len(plan.tasks)
    return statistics.median(times), tasks


def main() -> None:
    lines = build_plan_lines()
    text = "\n".join(lines).encode("utf-8")
    docx = build_docx(lines)
    chars = sum(map(len, lines))
    txt_seconds, txt_tasks = _median_seconds(text, "plan.txt")
    docx_seconds, docx_tasks = _median_seconds(docx, "plan.docx")
    print(f"document: {chars} characters (~{chars / CHARS_PER_PAGE:.0f} pages), {len(docx) // 1024} KiB as .docx")
    print(f"tasks found: txt {txt_tasks}, docx {docx_tasks}")
    print(
        f"plan import {PAGES} pages: txt {txt_seconds:.2f} s, docx {docx_seconds:.2f} s (median of {RUNS}); "
        f"target < 2 s: {'ok' if max(txt_seconds, docx_seconds) < 2 else 'TOO SLOW'}"
    )


if __name__ == "__main__":
    main()
