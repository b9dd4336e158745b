"""Stored progress figures: per-period values of targets and the status of each task for each unit.

Values are refreshed on write (the ledger fires an event inside its transaction), so a figure is never
stale; statuses depend on today's date as well and are recomputed from the stored values by the daily
pass (`pufa remind`) and, for a region being viewed, whenever they were computed on an earlier day.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from pufa.org.models import Unit
from pufa.plans.models import Target, Task
from pufa.progress.rules import STATUS_CHOICES

SCOPE = {"region": ("region_path",), "unit": ("unit_path",)}


class TargetCheck(models.Model):
    """One period's recorded value of one target for one unit (e.g. 2024年第2季度: 1 of 1 法治课)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checks")
    target = models.ForeignKey(
        Target,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="checks",
        help_text="空：没有量化指标的任务按“每期至少一次关联活动”检查",
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="target_checks")
    period_start = models.DateField("开始")
    period_end = models.DateField("结束")
    value = models.DecimalField("完成值", max_digits=14, decimal_places=2, default=0)
    threshold = models.DecimalField("目标值", max_digits=12, decimal_places=2)
    refreshed_at = models.DateTimeField("刷新时间", auto_now=True)

    class Meta:
        verbose_name = "指标检查"
        verbose_name_plural = "指标检查"
        ordering = ["task", "target", "unit", "period_start"]
        indexes = [
            models.Index(fields=["task", "unit"]),
            models.Index(fields=["unit", "period_start", "period_end"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.period_start}–{self.period_end}: {self.value}/{self.threshold}"


class ProgressStatus(models.Model):
    """The status of a task (target=None) or of one of its targets, for one unit, as computed on a day."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="statuses")
    target = models.ForeignKey(Target, null=True, blank=True, on_delete=models.CASCADE, related_name="statuses")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="progress_statuses")
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES)
    computed_on = models.DateField("计算日期")
    value = models.DecimalField("完成值", max_digits=14, decimal_places=2, default=0)
    threshold = models.DecimalField("目标值", max_digits=12, decimal_places=2, default=0)
    periods_met = models.PositiveSmallIntegerField("已达标期数", default=0)
    periods_total = models.PositiveSmallIntegerField("总期数", default=0)
    next_due = models.DateField("下一截止日", null=True, blank=True)
    region_path = models.CharField(max_length=255, db_index=True)
    unit_path = models.CharField(max_length=255, db_index=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = SCOPE

    class Meta:
        verbose_name = "进度状态"
        verbose_name_plural = "进度状态"
        constraints = [
            models.UniqueConstraint(
                fields=["task", "unit"], condition=models.Q(target__isnull=True), name="progress_task_status_unique"
            ),
            models.UniqueConstraint(
                fields=["target", "unit"],
                condition=models.Q(target__isnull=False),
                name="progress_target_status_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["region_path", "status"]),
            models.Index(fields=["unit", "status"]),
            models.Index(fields=["computed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.unit} · {self.get_status_display()}"
