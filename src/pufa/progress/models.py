"""Stored progress figures: per-period values of targets and the status of each task for each unit.

Values are refreshed on write (every app that registers metrics announces `RecordsChanged` inside its
transaction), so a figure is never stale; statuses depend on today's date as well and are recomputed by the
daily pass (`pufa remind`) and, for a region a page found computed on an earlier day, by a background task.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from pufa.ledger.fields import PathField
from pufa.ledger.models import Activity
from pufa.org.models import Unit
from pufa.plans.models import Target, Task
from pufa.progress.rules import STATUS_CHOICES

SCOPE: dict[str, tuple[str, ...]] = {"region": ("region_path",), "unit": ("unit_path",)}


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
    # Copies of the plan's period, so "tasks of plans running this year" needs no join on a city's statuses.
    plan_start = models.DateField("规划开始", null=True, blank=True)
    plan_end = models.DateField("规划结束", null=True, blank=True)
    # PathFields: a prefix filter is an indexed range on SQLite too (a street's page reads its own rows).
    region_path = PathField(db_index=True)
    unit_path = PathField(db_index=True)

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


class UnitStatusCount(models.Model):
    """How many of a unit's tasks (or targets) have each status, per plan period: the dashboard's status
    figures for a whole city add up a few thousand of these instead of counting 150,000 statuses per view.

    Recounted from ProgressStatus for the units whose statuses a write changed (and wholly by the daily pass).
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    region_path = PathField()  # an indexed range on SQLite: a street's dashboard reads only its own counts
    plan_start = models.DateField("规划开始", null=True, blank=True)
    plan_end = models.DateField("规划结束", null=True, blank=True)
    is_target = models.BooleanField("指标", default=False, help_text="否：任务的总状态")
    status = models.CharField("状态", max_length=20, choices=STATUS_CHOICES)
    n = models.PositiveIntegerField("数量", default=0)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region_path",), "unit": ()}

    class Meta:
        verbose_name = "单位状态计数"
        verbose_name_plural = "单位状态计数"
        indexes = [
            models.Index(
                fields=["region_path", "is_target", "status"],
                name="progress_usc_region",
                opclasses=["varchar_pattern_ops", "bool_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["unit", "is_target"], name="progress_usc_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.status}: {self.n}"


class RegionMonthStat(models.Model):
    """Monthly totals of counted activities for a city, district or street, in total and by kind/domain/audience.

    Kept in step by the ledger's event (recomputed from the ledger for the months an activity touches), so
    the whole-city dashboard reads a few hundred rows instead of a million. An activity run by several units
    of the region counts once here; in a unit's own figures it counts for each unit.
    """

    class Dim(models.TextChoices):
        TOTAL = "", "合计"
        KIND = "kind", "活动形式"
        DOMAIN = "domain", "普法领域"
        AUDIENCE = "audience", "普法对象"

    region = models.ForeignKey("org.Region", on_delete=models.CASCADE, related_name="month_stats")
    region_path = models.CharField(max_length=255)
    month = models.DateField("月份")
    dim = models.CharField("维度", max_length=10, choices=Dim.choices, blank=True, default="")
    code = models.CharField("代码", max_length=50, blank=True, default="")
    activities = models.PositiveIntegerField("活动场次", default=0)
    people_onsite = models.PositiveBigIntegerField("现场人次", default=0)
    people_online = models.PositiveBigIntegerField("线上人次", default=0)
    materials = models.PositiveBigIntegerField("资料份数", default=0)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region_path",), "unit": ()}

    class Meta:
        verbose_name = "区划月度统计"
        verbose_name_plural = "区划月度统计"
        constraints = [
            models.UniqueConstraint(fields=["region", "month", "dim", "code"], name="region_month_stat_unique")
        ]
        indexes = [models.Index(fields=["region", "dim", "month"])]

    def __str__(self) -> str:
        return f"{self.region_path} {self.month:%Y-%m} {self.dim}:{self.code} {self.activities}"


class RolledActivity(models.Model):
    """What one counted activity adds to the rollups, exactly as last applied.

    Recomputing a city's month from the ledger on every write costs a scan of tens of thousands of rows; an
    import of 10,000 records would pay it hundreds of times. So each write applies only a difference: what
    the activity adds now minus what this row says it added before. A record that stops counting (returned,
    withdrawn, deleted) loses its row and its figures; one that never counted has none.
    """

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, primary_key=True, related_name="+")
    month = models.DateField("月份")
    region_paths = models.TextField("计入的区划路径", help_text="空格分隔")
    codes = models.TextField("计入的维度代码", help_text="空格分隔的 维度:代码")
    people_onsite = models.PositiveIntegerField("现场人次", default=0)
    people_online = models.PositiveIntegerField("线上人次", default=0)
    materials = models.PositiveIntegerField("资料份数", default=0)

    class Meta:
        verbose_name = "已计入统计的活动"
        verbose_name_plural = "已计入统计的活动"

    def __str__(self) -> str:
        return f"{self.activity_id} {self.month:%Y-%m}"


class UnitActivity(models.Model):
    """The date of a unit's latest counted activity, for "units that have recorded nothing for 60 days"."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, primary_key=True, related_name="latest_activity")
    last_date = models.DateField("最近活动日期", null=True, blank=True)

    class Meta:
        verbose_name = "单位最近活动"
        verbose_name_plural = "单位最近活动"

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.last_date}"


class Supervision(models.Model):
    """督查督办记录: what an inspector (or the office) recorded against a unit, optionally about one task — a
    spot-check note (督查记录) or a 督办 notice sent to the unit's liaisons. Kept as the unit's 督办 history."""

    class Kind(models.TextChoices):
        NOTE = "note", "督查记录"
        NOTICE = "notice", "督办通知"

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="supervisions")
    task = models.ForeignKey(
        Task, verbose_name="任务", null=True, blank=True, on_delete=models.SET_NULL, related_name="supervisions"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    text = models.TextField("内容", max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)
    region_path = models.CharField(max_length=255, db_index=True)
    unit_path = models.CharField(max_length=255, db_index=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = SCOPE

    class Meta:
        verbose_name = "督查督办记录"
        verbose_name_plural = "督查督办记录"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit}"

    @property
    def audit_scope_path(self) -> str:
        return self.region_path
