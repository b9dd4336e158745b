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

from pufa.core.models import ActivityKind, Domain, TimeStampedModel, Versioned
from pufa.org.models import Region, Unit

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


class MenuOrder(Versioned, TimeStampedModel):
    """点单: a topic of the public 普法菜单 ordered by a resident, a community or a school, without an account.

    It is routed (派单) when placed, by `pufa.demand.routing` (the unit whose published duty list covers the
    domain there, else the office above); that unit accepts or declines it with a reason, delivers it (送单 —
    the delivery is one ledger activity, `activity`, unique here so an activity delivers one order and is
    counted once, by the ledger), and the orderer rates it (评单) through the private link whose SHA-256 is
    `token_hash`. Every step runs on `pufa.demand.menu.ORDER_FLOW`. The contact is optional and shown masked.
    """

    class Status(models.TextChoices):
        ROUTED = "routed", "待接单"
        ACCEPTED = "accepted", "已接单"
        DECLINED = "declined", "已拒单"
        DELIVERED = "delivered", "已送单"
        RATED = "rated", "已评单"

    class Orderer(models.TextChoices):
        RESIDENT = "resident", "居民"
        COMMUNITY = "community", "社区（村）"
        SCHOOL = "school", "学校"
        OTHER = "other", "企业或其他单位"

    token_hash = models.CharField("链接摘要", max_length=64, unique=True, editable=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ROUTED, db_index=True)
    domain = models.ForeignKey(Domain, verbose_name="普法主题", on_delete=models.PROTECT, related_name="+")
    kind = models.ForeignKey(ActivityKind, verbose_name="普法形式", on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(
        "duties.DutyItem",
        verbose_name="所点菜单项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    place = models.ForeignKey(Region, verbose_name="所在社区/街道", on_delete=models.PROTECT, related_name="+")
    orderer = models.CharField("点单方", max_length=20, choices=Orderer.choices, default=Orderer.RESIDENT)
    orderer_name = models.CharField("单位或称呼", max_length=60, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    wish_date = models.DateField("希望日期", null=True, blank=True)
    audience_size = models.PositiveIntegerField("预计人数", null=True, blank=True)
    note = models.TextField("需求说明", max_length=500, blank=True)
    ordered_on = models.DateField("点单日期", db_index=True)
    unit = models.ForeignKey(Unit, verbose_name="承接单位", on_delete=models.PROTECT, related_name="+")
    by_duty_list = models.BooleanField("按责任清单派单", default=False)
    routed_at = models.DateTimeField("派单时间")
    accept_due = models.DateField("接单时限")
    accepted_at = models.DateTimeField("接单时间", null=True, blank=True)
    deliver_due = models.DateField("送单时限", null=True, blank=True)
    declined_at = models.DateTimeField("拒单时间", null=True, blank=True)
    decline_reason = models.TextField("拒单理由", max_length=500, blank=True)
    delivered_at = models.DateTimeField("送单时间", null=True, blank=True)
    activity = models.OneToOneField(
        "ledger.Activity",
        verbose_name="送单活动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="menu_order",
    )
    on_time = models.BooleanField("按时送单", null=True, blank=True)
    rating = models.PositiveSmallIntegerField("评分", null=True, blank=True)
    rating_comment = models.TextField("评价", max_length=500, blank=True)
    rated_at = models.DateTimeField("评单时间", null=True, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("place__path", "unit__region__path"),
        "unit": ("unit__path",),
    }

    class Meta:
        verbose_name = "点单"
        verbose_name_plural = "点单"
        ordering = ["-ordered_on", "-id"]
        indexes = [
            models.Index(fields=["unit", "ordered_on"], name="demand_menu_unit_day"),
            models.Index(fields=["status", "accept_due"], name="demand_menu_status_due"),
        ]

    def __str__(self) -> str:
        return f"点单 {self.pk}：{self.domain}（{self.kind}）"

    @property
    def audit_scope_path(self) -> str:
        return self.place.path


class DemandCount(models.Model):
    """工单计数: the work orders of an office region per place, domain and month, kept in the transaction
    that writes the orders (`pufa.demand.counts`) so the dashboard reads a few thousand rows instead of
    grouping every order. `place` and `domain` are region and domain ids, `NONE` (-1) for orders the
    classifier placed nowhere or in no domain; `month` is the first day of the local month of receipt.
    Rebuilt from the orders by `pufa demand-rebuild-counts` (and by the migration adding it)."""

    NONE: ClassVar[int] = -1

    region = models.ForeignKey(Region, verbose_name="所属办公室区划", on_delete=models.CASCADE, related_name="+")
    place = models.BigIntegerField("所在社区/街道", default=-1)
    domain = models.BigIntegerField("普法领域", default=-1)
    month = models.DateField("月份")
    n = models.BigIntegerField("工单数", default=0)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = REGION_SCOPE

    class Meta:
        verbose_name = "工单计数"
        verbose_name_plural = "工单计数"
        constraints = [
            models.UniqueConstraint(fields=["region", "place", "domain", "month"], name="demand_count_key"),
        ]
        indexes = [models.Index(fields=["month", "place"], name="demand_count_month")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.place}/{self.domain}/{self.month:%Y-%m}: {self.n}"


class DemandAreaCount(models.Model):
    """工单区域计数: the `DemandCount` tally rolled up to every level of the region tree, kept by the same writes
    (`pufa.demand.counts.add`): an order counts in its place and in every region above it (`area`), and once in
    `NONE` (-1), all of its office's orders wherever placed. A dashboard reads one row per area, domain and
    month for the level it shows (a city's districts, a district's streets, a street's communities) instead of
    every community's rows. Regions are never moved between parents (`org.services.region_update`), so the
    areas of an order stay those of its place; `pufa demand-rebuild-counts` recomputes both tables."""

    NONE: ClassVar[int] = -1

    region = models.ForeignKey(Region, verbose_name="所属办公室区划", on_delete=models.CASCADE, related_name="+")
    area = models.BigIntegerField("区域", default=-1)
    domain = models.BigIntegerField("普法领域", default=-1)
    month = models.DateField("月份")
    n = models.BigIntegerField("工单数", default=0)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = REGION_SCOPE

    class Meta:
        verbose_name = "工单区域计数"
        verbose_name_plural = "工单区域计数"
        constraints = [
            models.UniqueConstraint(fields=["region", "area", "domain", "month"], name="demand_area_count_key"),
        ]
        indexes = [models.Index(fields=["area", "month"], name="demand_area_count_area")]

    def __str__(self) -> str:
        return f"{self.region_id}/{self.area}/{self.domain}/{self.month:%Y-%m}: {self.n}"
