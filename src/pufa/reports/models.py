"""Work reports (工作报告), their deadlines, and circulars (通报).

Seed 004 (十四): every responsible unit reports its half-year work by 30 June and its year by 31 December;
the office "全面了解和掌握成员单位的工作情况 … 及时通报情况". pufa drafts each report from the ledger and
progress; the author writes the prose; figures stay live until submission and are then frozen with the
report (`figures` and the rendering source `document`), so a submitted report never changes afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from pufa.core.models import SoftDeleteModel, TimeStampedModel, Versioned
from pufa.org.models import Region, Unit


class Period(models.TextChoices):
    H1 = "h1", "上半年"
    YEAR = "year", "全年"


#: Default due dates (seed 004: 每年6月底前报告半年…每年12月底前报告本年度), as (month, day).
DEFAULT_DUE = {Period.H1: (6, 30), Period.YEAR: (12, 31)}


def period_bounds(period: str, year: int) -> tuple[dt.date, dt.date]:
    """The first and last day a report covers: 1 January to 30 June, or the whole year."""
    if period == Period.H1:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def period_label(period: str, year: int) -> str:
    """2024年上半年 / 2024年度 — as report titles say it."""
    return f"{year}年上半年" if period == Period.H1 else f"{year}年度"


def parse_period(text: str) -> tuple[str, int]:
    """ "2024H1" → (h1, 2024); "2024" → (year, 2024). Raises ValueError for anything else."""
    raw = (text or "").strip().upper()
    if raw.endswith("H1") and raw[:-2].isdigit():
        year, period = int(raw[:-2]), Period.H1
    elif raw.isdigit():
        year, period = int(raw), Period.YEAR
    else:
        raise ValueError(f"报告期应写作 2024H1（上半年）或 2024（全年），不能是“{text}”")
    if not 2000 <= year <= 2100:
        raise ValueError(f"年份超出范围：{year}")
    return str(period), year


def period_code(period: str, year: int) -> str:
    return f"{year}H1" if period == Period.H1 else str(year)


class Report(Versioned, SoftDeleteModel):
    """工作报告: a unit's half-year or annual report, or an office's summary of the reports of its region."""

    class Kind(models.TextChoices):
        UNIT = "unit", "单位报告"
        SUMMARY = "summary", "区域汇总报告"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "已退回"
        ACCEPTED = "accepted", "已通过"

    #: Statuses in which the author may still edit the prose (and figures are live).
    EDITABLE: ClassVar[tuple[str, ...]] = (Status.DRAFT, Status.RETURNED)
    #: Statuses whose figures and rendering are frozen.
    FROZEN: ClassVar[tuple[str, ...]] = (Status.SUBMITTED, Status.ACCEPTED)

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.UNIT)
    unit = models.ForeignKey(Unit, verbose_name="报送单位", on_delete=models.PROTECT, related_name="reports")
    region = models.ForeignKey(
        Region,
        verbose_name="所属区划",
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="单位报告为单位所在区划；汇总报告为所汇总的区划",
    )
    period = models.CharField("报告期", max_length=10, choices=Period.choices)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=200)
    intro = models.TextField("基本情况（概述）", blank=True, max_length=5000)
    practices = models.TextField("主要做法和成效", blank=True, max_length=20000)
    problems = models.TextField("存在问题", blank=True, max_length=5000)
    plans = models.TextField("下一步打算", blank=True, max_length=5000)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField("报送时的数据", default=dict, blank=True, editable=False)
    document = models.JSONField("报送时的文稿", default=dict, blank=True, editable=False)
    review_comment = models.CharField("审核意见", max_length=1000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region__path",), "unit": ("unit__path",)}

    class Meta:
        verbose_name = "工作报告"
        verbose_name_plural = "工作报告"
        ordering = ["-year", "-period", "unit__pinyin"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "unit", "period", "year"],
                condition=Q(deleted_at__isnull=True),
                name="report_one_per_unit_period",
            )
        ]
        indexes = [models.Index(fields=["year", "period", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_scope_path(self) -> str:
        return self.region.path

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN

    @property
    def period_label(self) -> str:
        return period_label(self.period, self.year)

    @property
    def period_code(self) -> str:
        return period_code(self.period, self.year)

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        return period_bounds(self.period, self.year)


class ReportDeadline(TimeStampedModel):
    """报送时限: an office's due date for the reports of its region, where it differs from 30 June / 31 December.

    The nearest deadline set at or above a unit's region applies (a district may ask for 20 December, a street
    within it for 15 December)."""

    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="report_deadlines")
    period = models.CharField("报告期", max_length=10, choices=Period.choices)
    year = models.PositiveSmallIntegerField("年度")
    due = models.DateField("报送截止日期")

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("region__path",),
        "unit": (),
        "above": ("region__path",),
    }

    class Meta:
        verbose_name = "报送时限"
        verbose_name_plural = "报送时限"
        constraints = [
            models.UniqueConstraint(fields=["region", "period", "year"], name="report_deadline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {period_label(self.period, self.year)} {self.due}"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path


class Circular(Versioned, SoftDeleteModel):
    """通报: the office's circular on who is ahead and who lags, drawn from progress and the ledger,
    published to the units concerned (seed 004: 及时通报情况)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已印发"

    issuing_unit = models.ForeignKey(
        Unit, verbose_name="印发单位", on_delete=models.PROTECT, related_name="circulars_issued"
    )
    region = models.ForeignKey(Region, verbose_name="通报范围", on_delete=models.PROTECT, related_name="circulars")
    title = models.CharField("标题", max_length=200)
    number = models.CharField("文号", max_length=60, blank=True, help_text="如：沱法治办〔2024〕3号")
    as_of = models.DateField("统计截至")
    start = models.DateField("统计起始")
    intro = models.TextField("导语", blank=True, max_length=3000)
    requirements = models.TextField("下一步要求", blank=True, max_length=5000)
    data = models.JSONField("通报数据", default=dict, blank=True, editable=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    recipients = models.ManyToManyField(Unit, verbose_name="发送单位", blank=True, related_name="circulars_received")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="起草人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField("印发时间", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="印发人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region__path",), "unit": ("recipients__path",)}
    scope_distinct = True

    class Meta:
        verbose_name = "通报"
        verbose_name_plural = "通报"
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_scope_path(self) -> str:
        return self.region.path

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
