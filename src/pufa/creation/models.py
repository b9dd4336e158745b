"""民主法治示范村（社区）创建: criteria schemes, a community's live checklist, applications through street
review and on-site review (实地复核) of a random sample, titles, and periodic re-reviews (动态调整).

A criterion is either *computed* — a metric of the registry (`pufa.plans.metrics`: venues, rosters, ledger
activities, duty lists …) compared with a threshold over the scheme's year, per quarter or month, or as of
today — or *attested* by the community (a note and an optional file). The app imports no other area's
models for figures: it asks the registry, so what counts is what every other page counts.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from pufa.core.models import SoftDeleteModel, TimeStampedModel, Versioned
from pufa.org.models import Region, Unit


class Level(models.TextChoices):
    DISTRICT = "district", "区级"
    CITY = "city", "市级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "全国"


class Scheme(TimeStampedModel):
    """创建标准: the criteria of one level and year, issued by an office for its region."""

    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=20, choices=Level.choices, default=Level.DISTRICT)
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField("启用", default=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("region__path",),
        "unit": (),
        "above": ("region__path",),
    }

    class Meta:
        verbose_name = "创建标准"
        verbose_name_plural = "创建标准"
        ordering = ["-year", "level", "name"]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path


class Criterion(TimeStampedModel):
    """创建指标: one line of a scheme, computed from a registered metric or attested by the community."""

    class Kind(models.TextChoices):
        COMPUTED = "computed", "系统计算"
        ATTESTED = "attested", "社区说明"

    class Period(models.TextChoices):
        AS_OF = "as_of", "截至今日"
        YEAR = "year", "全年累计"
        QUARTER = "quarter", "每季度"
        MONTH = "month", "每月"

    class Compare(models.TextChoices):
        AT_LEAST = "gte", "不少于"
        AT_MOST = "lte", "不超过"

    scheme = models.ForeignKey(Scheme, verbose_name="创建标准", on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField("序号", default=1)
    title = models.CharField("指标", max_length=200)
    kind = models.CharField("方式", max_length=20, choices=Kind.choices, default=Kind.ATTESTED)
    metric = models.CharField("统计指标", max_length=64, blank=True)
    filters = models.JSONField("筛选条件", default=dict, blank=True)
    period = models.CharField("周期", max_length=20, choices=Period.choices, default=Period.AS_OF)
    compare = models.CharField("比较", max_length=10, choices=Compare.choices, default=Compare.AT_LEAST)
    threshold = models.DecimalField("目标值", max_digits=12, decimal_places=2, default=1)

    class Meta:
        verbose_name = "创建指标"
        verbose_name_plural = "创建指标"
        ordering = ["scheme", "order", "id"]

    def __str__(self) -> str:
        return self.title


class Attestation(TimeStampedModel):
    """社区说明: a community's note (and optional file) that an attested criterion is met."""

    criterion = models.ForeignKey(Criterion, verbose_name="指标", on_delete=models.CASCADE, related_name="attestations")
    unit = models.ForeignKey(Unit, verbose_name="社区", on_delete=models.PROTECT, related_name="+")
    note = models.TextField("说明", max_length=2000)
    file = models.FileField("附件", upload_to="creation/%Y/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填写人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("unit__region__path",), "unit": ("unit__path",)}

    class Meta:
        verbose_name = "社区说明"
        verbose_name_plural = "社区说明"
        constraints = [models.UniqueConstraint(fields=["criterion", "unit"], name="creation_attestation_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.criterion}"

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path


class Application(Versioned, SoftDeleteModel):
    """创建申报: a community applies under a scheme; the street reviews; inspectors check a random sample."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已申报"
        RETURNED = "returned", "已退回"
        REVIEWED = "reviewed", "街道审核通过，待实地复核"
        PASSED = "passed", "实地复核通过"
        FAILED = "failed", "实地复核未通过"

    scheme = models.ForeignKey(Scheme, verbose_name="创建标准", on_delete=models.PROTECT, related_name="applications")
    unit = models.ForeignKey(Unit, verbose_name="申报社区", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    checklist = models.JSONField("申报时的对照情况", default=list, blank=True)
    review_note = models.CharField("审核意见", max_length=500, blank=True)
    sample_seed = models.BigIntegerField("抽查随机种子", null=True, blank=True)
    sample = models.JSONField("抽查指标", default=list, blank=True)
    inspection_note = models.TextField("实地复核记录", blank=True, max_length=2000)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("unit__region__path",), "unit": ("unit__path",)}

    class Meta:
        verbose_name = "创建申报"
        verbose_name_plural = "创建申报"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.scheme}"

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path


class Title(Versioned, TimeStampedModel):
    """示范称号: a community named 民主法治示范村（社区） at a level on a date; kept or revoked by re-reviews."""

    class Status(models.TextChoices):
        ACTIVE = "active", "有效"
        REVOKED = "revoked", "已撤销"

    unit = models.ForeignKey(Unit, verbose_name="社区", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("级别", max_length=20, choices=Level.choices)
    awarded_on = models.DateField("命名日期")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    application = models.OneToOneField(
        Application, verbose_name="申报", null=True, blank=True, on_delete=models.SET_NULL, related_name="title"
    )
    last_reviewed_on = models.DateField("最近复核日期", null=True, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("unit__region__path",), "unit": ("unit__path",)}

    class Meta:
        verbose_name = "示范称号"
        verbose_name_plural = "示范称号"
        ordering = ["-awarded_on"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_level_display()}民主法治示范村（社区）"

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path
