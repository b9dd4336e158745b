"""Plans (规划/要点/计划/方案), their numbered tasks (任务) with units by role, and quantified targets (量化指标).

A plan is visible to everyone acting at or below its issuing unit's region ("above" scoping): a street's
action plan reaches each community. Tasks and targets are seen through their plan.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.db import models

from pufa.core.models import Audience, Domain, SoftDeleteModel, TimeStampedModel
from pufa.org.models import Unit

PLAN_SCOPE = {
    "region": ("issuing_unit__region__path",),
    "unit": ("issuing_unit__path",),
    "above": ("issuing_unit__region__path",),
}


class Plan(SoftDeleteModel):
    """规划/要点/计划/方案, chained 五年规划 → 年度要点 → 行动方案/年度计划 through `parent`."""

    class Kind(models.TextChoices):
        FIVE_YEAR = "five_year", "五年规划"
        ANNUAL_POINTS = "annual_points", "年度要点"
        ANNUAL_PLAN = "annual_plan", "年度计划"
        ACTION = "action", "行动方案"
        SPECIAL = "special", "专项方案"

    title = models.CharField("标题", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    issuing_unit = models.ForeignKey(Unit, verbose_name="印发单位", on_delete=models.PROTECT, related_name="plans")
    period_start = models.DateField("开始日期")
    period_end = models.DateField("结束日期")
    parent = models.ForeignKey(
        "self", verbose_name="上级规划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    source_name = models.CharField("来源文件", max_length=200, blank=True)
    source_text = models.TextField("原文", blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = PLAN_SCOPE

    class Meta:
        verbose_name = "规划计划"
        verbose_name_plural = "规划计划"
        ordering = ["-period_start", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_scope_path(self) -> str:
        return self.issuing_unit.region.path

    @property
    def year(self) -> int:
        return self.period_start.year


class Task(SoftDeleteModel):
    """任务: a numbered item of a plan with its section path (二、（一）1), units by role and a deadline."""

    class DeadlineKind(models.TextChoices):
        NONE = "none", "未设定"
        DATE = "date", "截止日期"
        RECURRING = "recurring", "周期性"
        ALL_YEAR = "all_year", "贯穿全年"

    class Recurrence(models.TextChoices):
        MONTHLY = "monthly", "每月"
        QUARTERLY = "quarterly", "每季度"
        HALF_YEARLY = "half_yearly", "每半年"
        YEARLY = "yearly", "每年"

    plan = models.ForeignKey(Plan, verbose_name="所属规划", on_delete=models.CASCADE, related_name="tasks")
    order = models.PositiveIntegerField("顺序", default=0)
    number = models.CharField("编号", max_length=20, blank=True)
    section = models.CharField("章节编号", max_length=60, blank=True, help_text="如：二、（一）1")
    path = models.JSONField("所属章节", default=list, blank=True)
    title = models.CharField("标题", max_length=300)
    text = models.TextField("内容", blank=True)
    domains = models.ManyToManyField(Domain, verbose_name="普法领域", blank=True, related_name="tasks")
    audiences = models.ManyToManyField(Audience, verbose_name="普法对象", blank=True, related_name="tasks")
    deadline_kind = models.CharField("时限类型", max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.NONE)
    deadline = models.DateField("截止日期", null=True, blank=True)
    recurrence = models.CharField("周期", max_length=20, choices=Recurrence.choices, blank=True)
    deadline_text = models.CharField("完成时限（原文）", max_length=300, blank=True)
    unresolved_units = models.JSONField("未匹配的单位名称", default=list, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        key: tuple(f"plan__{lookup}" for lookup in lookups) for key, lookups in PLAN_SCOPE.items()
    }

    class Meta:
        verbose_name = "任务"
        verbose_name_plural = "任务"
        ordering = ["plan", "order"]
        indexes = [models.Index(fields=["deadline"])]

    def __str__(self) -> str:
        return f"{self.section} {self.title}".strip()

    @property
    def audit_scope_path(self) -> str:
        return self.plan.issuing_unit.region.path

    def due_in(self, year: int) -> dt.date | None:
        """The date the task is due in `year`: its deadline, or the year's end for recurring/all-year work."""
        if self.deadline_kind == self.DeadlineKind.DATE:
            return self.deadline
        if self.deadline_kind in {self.DeadlineKind.RECURRING, self.DeadlineKind.ALL_YEAR}:
            return dt.date(year, 12, 31)
        return None


class TaskUnit(models.Model):
    """A unit's role in a task: 牵头 lead, 参加/配合 participant, 责任 responsible."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        PARTICIPANT = "participant", "参加/配合"
        RESPONSIBLE = "responsible", "责任"

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="task_units")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="task_units")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    written_name = models.CharField("原文名称", max_length=100, blank=True)

    class Meta:
        verbose_name = "任务单位"
        verbose_name_plural = "任务单位"
        constraints = [models.UniqueConstraint(fields=["task", "unit", "role"], name="task_unit_role_unique")]
        indexes = [models.Index(fields=["unit", "role"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"


class Target(TimeStampedModel):
    """量化指标: metric × filters × scope × period × threshold × due date.

    "每个社区每年组织开展1次以上基层法治文化活动" = metric `ledger.activity_count`, filters {"kind": ["whhd"]},
    scope each community committee, period year, threshold 1.
    """

    class Scope(models.TextChoices):
        RESPONSIBLE = "responsible", "每个责任单位"
        EACH_OF_KIND = "each_of_kind", "每个某类单位"
        UNIT = "unit", "指定单位"

    class Period(models.TextChoices):
        MONTH = "month", "每月"
        QUARTER = "quarter", "每季度"
        HALF_YEAR = "half_year", "每半年"
        YEAR = "year", "每年"
        BY_DATE = "by_date", "截至日期"

    task = models.ForeignKey(Task, verbose_name="任务", on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField("指标", max_length=64)
    filters = models.JSONField("筛选条件", default=dict, blank=True)
    scope = models.CharField("考核对象", max_length=20, choices=Scope.choices, default=Scope.RESPONSIBLE)
    scope_kind = models.CharField("单位类型", max_length=32, choices=Unit.Kind.choices, blank=True)
    scope_unit = models.ForeignKey(
        Unit, verbose_name="指定单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField("周期", max_length=20, choices=Period.choices, default=Period.YEAR)
    threshold = models.DecimalField("目标值", max_digits=12, decimal_places=2)
    measure = models.CharField("计量单位", max_length=10, blank=True)
    due = models.DateField("截止日期", null=True, blank=True)
    text = models.CharField("原文", max_length=300, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        key: tuple(f"task__plan__{lookup}" for lookup in lookups) for key, lookups in PLAN_SCOPE.items()
    }

    class Meta:
        verbose_name = "量化指标"
        verbose_name_plural = "量化指标"
        ordering = ["task", "id"]

    def __str__(self) -> str:
        return self.text or f"{self.metric} ≥ {self.threshold:g}"

    @property
    def audit_scope_path(self) -> str:
        return self.task.plan.issuing_unit.region.path


class PlanImportDraft(models.Model):
    """导入草稿: a parsed plan waiting for its office's review, between the upload and 保存导入.

    Kept in its own table, not in the session: logging in again does not lose the review, and a large draft
    is read by the review page only, never by every request of its owner. Only its owner sees it; it expires
    after DRAFT_DAYS, and each owner keeps at most KEEP drafts (the oldest go first).
    """

    MAX_BYTES = 4 * 1024 * 1024
    DRAFT_DAYS = 7
    KEEP = 5

    token = models.CharField("令牌", max_length=32, unique=True)
    owner = models.ForeignKey(
        "org.User", verbose_name="导入人", on_delete=models.CASCADE, related_name="plan_import_drafts"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    expires_at = models.DateTimeField("过期时间", db_index=True)
    payload = models.JSONField("内容")

    class Meta:
        verbose_name = "规划导入草稿"
        verbose_name_plural = "规划导入草稿"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.payload.get("title") or self.token) if isinstance(self.payload, dict) else self.token
