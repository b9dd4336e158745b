"""考核 (assessment) and 双随机 spot checks: indicator schemes, live self-assessments, verifiable draws,
findings and the scores of a scoring run.

A scheme (per year and region) is a tree of sections and items with points. An item is *automatic* (a metric
of the registry, `pufa.plans.metrics`, with a scoring rule from `scoring.py`), *manual* (scored by the unit's
self-assessment and, for the units drawn, by inspectors), a deduction (扣分项) or a bonus (加分项); the
evidence hint of the scoring table (见文件、见记录) is kept as `remark`. The app imports no other area's
models for figures: it asks the registry (and progress for a target's status).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models

from pufa.core.models import TimeStampedModel, Versioned
from pufa.org.models import Region, Unit

UNIT_SCOPE: dict[str, tuple[str, ...]] = {"region": ("unit__region__path",), "unit": ("unit__path",)}


def default_bands() -> list[dict[str, object]]:
    """考核等次 as most district rules set them: 优秀 for at most 20% of a peer group and 90% of full marks,
    良好 from 80%, 合格 from 60%, 不合格 below (see `scoring.grade`)."""
    return [
        {"name": "优秀", "quota": 20, "min": 90},
        {"name": "良好", "quota": None, "min": 80},
        {"name": "合格", "quota": None, "min": 60},
        {"name": "不合格", "quota": None, "min": None},
    ]


class Scheme(Versioned, TimeStampedModel):
    """考核方案: the indicator scheme of one year, issued by an office for its region."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        SCORED = "scored", "已评分"
        RELEASED = "released", "已公布"

    class FindingRule(models.TextChoices):
        REPLACE = "replace", "以抽查核定分为准"
        LOWER = "lower", "取自评分与核定分中较低者"

    name = models.CharField("名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度")
    region = models.ForeignKey(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    submit_by = models.DateField("自评截止日期", null=True, blank=True)
    finding_rule = models.CharField(
        "抽查结果计分方式", max_length=20, choices=FindingRule.choices, default=FindingRule.REPLACE
    )
    source = models.CharField("来源文件", max_length=200, blank=True)
    scored_at = models.DateTimeField("评分时间", null=True, blank=True)
    appeal_days = models.PositiveSmallIntegerField("申诉期（天）", default=7)
    appeal_until = models.DateField("申诉截止日期", null=True, blank=True)
    bands = models.JSONField("考核等次", default=default_bands, blank=True)
    released_at = models.DateTimeField("公布时间", null=True, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("region__path",),
        "unit": (),
        "above": ("region__path",),
    }

    class Meta:
        verbose_name = "考核方案"
        verbose_name_plural = "考核方案"
        ordering = ["-year", "name"]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path


class Section(models.Model):
    """考核项目: a section of a scheme with its stated points ("组织保障有力（7分）")."""

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField("序号", default=1)
    name = models.CharField("名称", max_length=100)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "考核项目"
        verbose_name_plural = "考核项目"
        ordering = ["scheme", "order", "id"]

    def __str__(self) -> str:
        return self.name


class Item(models.Model):
    """考核内容: one scored line of a scheme."""

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", "系统计分"
        MANUAL = "manual", "人工评分"
        DEDUCTION = "deduction", "扣分项"
        BONUS = "bonus", "加分项"

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(Section, verbose_name="考核项目", on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField("序号", default=1)
    number = models.CharField("编号", max_length=10, blank=True)
    text = models.TextField("内容措施", max_length=1000)
    points = models.DecimalField("分值", max_digits=6, decimal_places=2, default=Decimal(0))
    kind = models.CharField("方式", max_length=20, choices=Kind.choices, default=Kind.MANUAL)
    remark = models.CharField("备注（佐证）", max_length=100, blank=True)
    metric = models.CharField("统计指标", max_length=64, blank=True)
    filters = models.JSONField("筛选条件", default=dict, blank=True)
    rule = models.CharField("评分规则", max_length=20, blank=True)
    params = models.JSONField("规则参数", default=dict, blank=True)

    class Meta:
        verbose_name = "考核内容"
        verbose_name_plural = "考核内容"
        ordering = ["scheme", "section__order", "order", "id"]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:30]}"

    @property
    def audit_scope_path(self) -> str:
        return self.scheme.region.path

    @property
    def signed(self) -> int:
        """-1 for a deduction, +1 otherwise: how the item's points enter the total."""
        return -1 if self.kind == self.Kind.DEDUCTION else 1


class SelfAssessment(Versioned, TimeStampedModel):
    """单位自评: a unit's notes and self-scores under a scheme, submitted by the deadline."""

    class Status(models.TextChoices):
        DRAFT = "draft", "填写中"
        SUBMITTED = "submitted", "已提交"
        RETURNED = "returned", "已退回"

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.PROTECT, related_name="returns")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    snapshot = models.JSONField("提交时的得分", default=dict, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = UNIT_SCOPE

    class Meta:
        verbose_name = "单位自评"
        verbose_name_plural = "单位自评"
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="assessment_self_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.scheme}"

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path


class ItemNote(TimeStampedModel):
    """自评说明: the unit's note, links to its records and self-score for a manual, deduction or bonus item."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="notes")
    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="+")
    note = models.TextField("说明", max_length=2000, blank=True)
    links = models.JSONField("相关记录链接", default=list, blank=True)
    points = models.DecimalField("自评分", max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = "自评说明"
        verbose_name_plural = "自评说明"
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="assessment_note_unique")]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.item}"


class Draw(TimeStampedModel):
    """随机抽查: the units and inspectors drawn for a scheme from a published seed (see `draws.py`).

    Recorded before any finding exists; `inputs` keeps what the draw was made from (units by peer group,
    inspectors and their units), so anyone can re-run `draws.draw(inputs, seed)` and compare."""

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.PROTECT, related_name="draws")
    seed = models.CharField("随机种子", max_length=100)
    algorithm = models.CharField("算法", max_length=30)
    share = models.DecimalField("抽取比例", max_digits=4, decimal_places=2)
    per_unit = models.PositiveSmallIntegerField("每单位督查员人数", default=2)
    inputs = models.JSONField("抽取依据", default=dict)
    result = models.JSONField("抽取结果", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("scheme__region__path",), "unit": ()}

    class Meta:
        verbose_name = "随机抽查"
        verbose_name_plural = "随机抽查"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.scheme} · 抽查（种子 {self.seed}）"

    @property
    def audit_scope_path(self) -> str:
        return self.scheme.region.path


class Finding(TimeStampedModel):
    """抽查核定: an inspector's points and note for one item of one drawn unit."""

    draw = models.ForeignKey(Draw, verbose_name="抽查", on_delete=models.PROTECT, related_name="findings")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, verbose_name="考核内容", on_delete=models.CASCADE, related_name="findings")
    points = models.DecimalField("核定分", max_digits=6, decimal_places=2)
    note = models.TextField("检查情况", max_length=2000)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = UNIT_SCOPE

    class Meta:
        verbose_name = "抽查核定"
        verbose_name_plural = "抽查核定"
        constraints = [models.UniqueConstraint(fields=["draw", "unit", "item"], name="assessment_finding_unique")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.item}: {self.points}"

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path


class Score(models.Model):
    """考核得分: a unit's total and rank in its peer group from the scheme's scoring run."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="scores")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    group = models.CharField("同类组别", max_length=20)
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField("组内名次")
    band = models.CharField("等次", max_length=20, blank=True)
    checked = models.BooleanField("经抽查", default=False)
    lines = models.JSONField("分项得分", default=dict)
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = UNIT_SCOPE

    class Meta:
        verbose_name = "考核得分"
        verbose_name_plural = "考核得分"
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="assessment_score_unique")]
        indexes = [models.Index(fields=["scheme", "group", "rank"])]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.total}"


class Appeal(TimeStampedModel):
    """申诉: a unit disputes an item's score within the appeal window after a scoring run; the office decides.

    An upheld appeal with points sets that item's score for the unit (it counts above findings and the
    self-score) at the next scoring run; the final scoring waits until every appeal is decided."""

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        UPHELD = "upheld", "申诉成立"
        REJECTED = "rejected", "申诉不成立"

    scheme = models.ForeignKey(Scheme, verbose_name="考核方案", on_delete=models.CASCADE, related_name="appeals")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(Item, verbose_name="考核内容", on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField("申诉理由", max_length=2000)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    decision = models.TextField("处理意见", max_length=2000, blank=True)
    points = models.DecimalField("核定分", max_digits=6, decimal_places=2, null=True, blank=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = UNIT_SCOPE

    class Meta:
        verbose_name = "申诉"
        verbose_name_plural = "申诉"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.item}"

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path
