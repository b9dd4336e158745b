"""What the parser hands back: plain dataclasses, serialisable to the `pufa import-plan --json` shape."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Recurrence = Literal["monthly", "quarterly", "yearly", "all_year"]
Period = Literal["month", "quarter", "year"]


class PlanReadError(ValueError):
    """The uploaded file cannot be read as a plan; `str(error)` is a Chinese message for the user."""


@dataclass
class ParsedTarget:
    """A quantified requirement (量化指标) such as "每季度一堂法制课" → threshold 1, unit 堂, period quarter."""

    text: str
    threshold: float
    unit: str
    period: Period | None = None
    due: date | None = None

    def to_json(self) -> dict[str, Any]:
        threshold: float | int = int(self.threshold) if float(self.threshold).is_integer() else self.threshold
        return {
            "text": self.text,
            "threshold": threshold,
            "unit": self.unit,
            "period": self.period,
            "due": self.due.isoformat() if self.due else None,
        }


@dataclass
class ParsedTask:
    """One numbered work item (任务) with its section path, units by role, deadline and targets."""

    number: str
    path: list[str]
    title: str
    text: str
    lead_units: list[str] = field(default_factory=list)
    participating_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    deadline: date | None = None
    recurrence: Recurrence | None = None
    targets: list[ParsedTarget] = field(default_factory=list)
    line: int = 0
    """1-based line of the task's first line in the read document, for messages in the import preview."""

    @property
    def units(self) -> list[str]:
        """Every unit named on the task, whatever its role, in order and without repeats."""
        return list(dict.fromkeys(self.lead_units + self.participating_units + self.responsible_units))

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "path": list(self.path),
            "title": self.title,
            "text": self.text,
            "lead_units": list(self.lead_units),
            "participating_units": list(self.participating_units),
            "responsible_units": list(self.responsible_units),
            "deadline_text": self.deadline_text,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "targets": [target.to_json() for target in self.targets],
        }


@dataclass
class ParsedPlan:
    """A whole plan document: its title, tasks in document order, and warnings for the import preview."""

    title: str
    tasks: list[ParsedTask] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    year: int | None = None
    """The year used for dates written without one ("3月底前")."""

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "tasks": [task.to_json() for task in self.tasks]}
