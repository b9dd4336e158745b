"""Plan-document parser: .docx/.txt/pasted text → title, tasks, units by role, deadlines and targets.

Pure Python (no Django) so that it is fast, testable alone and usable from `pufa import-plan`, the upload
page and the quality benchmark alike. Entry points:

- `read_document(path_or_bytes, filename)` → lines, or `PlanReadError` with a Chinese message;
- `parse_plan(lines_or_text, today=…, year=…)` → `ParsedPlan` (`.to_json()` is the `--json` shape);
- `resolve_units(names, candidates)` → how each written unit maps onto registered units;
- `evaluate(folder)` in `pufa.plans.parsing.evaluate` → precision/recall against hand-annotated plans.
"""

from .model import ParsedPlan, ParsedTarget, ParsedTask, PlanReadError
from .plan import parse_plan
from .reader import read_document
from .units import Resolution, UnitCandidate, resolve_units

__all__ = [
    "ParsedPlan",
    "ParsedTarget",
    "ParsedTask",
    "PlanReadError",
    "Resolution",
    "UnitCandidate",
    "parse_plan",
    "read_document",
    "resolve_units",
]
