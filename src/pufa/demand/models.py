"""精准普法 (demand): hotline work orders (12345/12348) classified by 普法领域 and place.

A work order belongs to the office that imported it (`region`: its street or district); it is unique there by
its 工单编号, so importing the same export again updates the orders instead of doubling them. The caller's
name and phone are never stored: the importer does not read those columns and masks phone numbers in the
text (`pufa.demand.importers.mask_personal`).

Each order gets a domain (the shared `Domain` taxonomy, extended by this app's default migration with the
civil matters 12348 hears most) and a place (a community or street, `Region`), each with a confidence; an
office correction sets `domain_manual`/`place_manual` and becomes training data for `pufa demand-train`.
The office keeps the gazetteer (roads, estates and other names → community) and the keyword rules.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from pufa.core.models import Domain, TimeStampedModel
from pufa.org.models import Region

REGION_SCOPE: dict[str, tuple[str, ...]] = {"region": ("region__path",), "unit": ()}


class WorkOrder(TimeStampedModel):
    """热线工单: one order of a 12345/12348 export, without the caller's personal data."""

    class Source(models.TextChoices):
        IMPORT = "import", "文件导入"
        API = "api", "接口推送"

    region = models.ForeignKey(Region, verbose_name="所属办公室区划", on_delete=models.PROTECT, related_name="+")
    number = models.CharField("工单编号", max_length=64)
    received_at = models.DateTimeField("受理时间", db_index=True)
    text = models.TextField("诉求内容", max_length=5000)
    address = models.CharField("诉求地址", max_length=300, blank=True)
    category = models.CharField("诉求类别", max_length=100, blank=True)
    handler = models.CharField("承办单位", max_length=200, blank=True)
    status = models.CharField("办结情况", max_length=100, blank=True)
    source = models.CharField("来源", max_length=20, choices=Source.choices, default=Source.IMPORT)
    domain = models.ForeignKey(
        Domain, verbose_name="普法领域", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    domain_confidence = models.FloatField("领域置信度", default=0.0)
    domain_manual = models.BooleanField("领域经人工更正", default=False)
    place = models.ForeignKey(
        Region, verbose_name="所在社区/街道", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place_confidence = models.FloatField("地点置信度", default=0.0)
    place_manual = models.BooleanField("地点经人工更正", default=False)
    reviewed = models.BooleanField("已复核", default=False)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = REGION_SCOPE

    class Meta:
        verbose_name = "热线工单"
        verbose_name_plural = "热线工单"
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="demand_order_number_unique")]
        indexes = [
            models.Index(fields=["region", "received_at"], name="demand_order_region_time"),
            models.Index(fields=["place", "domain", "received_at"], name="demand_order_place_domain"),
        ]

    def __str__(self) -> str:
        return f"工单 {self.number}"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path


class GazetteerEntry(TimeStampedModel):
    """地名库: a road, an estate or another name (别名) the office ties to a community or street."""

    class Kind(models.TextChoices):
        ALIAS = "alias", "别名/简称"
        ESTATE = "estate", "小区/楼盘"
        ROAD = "road", "道路/街巷"
        LANDMARK = "landmark", "地标/单位"

    name = models.CharField("地名", max_length=60)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.ESTATE)
    region = models.ForeignKey(Region, verbose_name="所属社区/街道", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = REGION_SCOPE

    class Meta:
        verbose_name = "地名库条目"
        verbose_name_plural = "地名库"
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="demand_gazetteer_unique")]

    def __str__(self) -> str:
        return f"{self.name} → {self.region}"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path


class KeywordRule(TimeStampedModel):
    """分类关键词规则: keywords that point to a domain. `region` empty: a default rule every office uses
    (seeded by the migration, changed only by an office of the top region); else the rule of that office."""

    domain = models.ForeignKey(Domain, verbose_name="普法领域", on_delete=models.PROTECT, related_name="+")
    keywords = models.TextField("关键词", max_length=2000, help_text="以顿号、逗号或换行分隔")
    weight = models.FloatField("权重", default=0.5)
    is_active = models.BooleanField("启用", default=True)
    region = models.ForeignKey(
        Region, verbose_name="适用区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region__path",), "unit": ()}

    class Meta:
        verbose_name = "分类关键词规则"
        verbose_name_plural = "分类关键词规则"
        ordering = ["domain__sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.domain}：{self.keywords[:30]}"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path if self.region is not None else ""


class TrainedModel(models.Model):
    """分类模型: one training run's linear model (JSON), its size and the corrections it learnt from. The
    newest active row is the one used; none → the model trained from the seed corpus shipped with the app."""

    created_at = models.DateTimeField("训练时间", auto_now_add=True)
    samples = models.PositiveIntegerField("训练样本数", default=0)
    corrections = models.PositiveIntegerField("其中人工更正", default=0)
    data = models.JSONField("模型参数")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "分类模型"
        verbose_name_plural = "分类模型"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"分类模型 {self.created_at:%Y-%m-%d %H:%M}（{self.samples} 条）"
