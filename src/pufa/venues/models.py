"""法治文化阵地 (venues): where law is popularised in place — parks, boards, lecture halls, mediation rooms.

A venue is located in a region (usually a community) and owned by a unit; it exists, for every figure, from
the day it opened until the day it closed (`opened_on`..`closed_on`), so counts "as of a date" are exact for
any past date. Boards (宣传栏/版面: `VenueKind.is_board`) carry an area and are expected to change monthly;
their upkeep log (`Upkeep`) says when they last did. An activity of the ledger names the venue where it took
place through `VenueUse` (the ledger never imports this app: see `pufa.ledger.extensions`).
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pufa.core.models import SoftDeleteModel, Taxonomy, TimeStampedModel, Versioned
from pufa.ledger.models import Activity
from pufa.org.models import Region, Unit

VENUE_SCOPE: dict[str, tuple[str, ...]] = {"region": ("region__path",), "unit": ("unit__path",)}


class VenueKind(Taxonomy):
    """阵地类型: 法治文化公园/广场, 法治宣传栏/版面, 普法大讲堂 … (the office adds its own)."""

    is_board = models.BooleanField("宣传栏/版面", default=False, help_text="有面积、应按月更新内容")
    required_per_community = models.BooleanField("每个社区应有", default=False)

    class Meta(Taxonomy.Meta):
        verbose_name = "阵地类型"
        verbose_name_plural = "阵地类型"


class Venue(Versioned, SoftDeleteModel):
    """法治文化阵地: one place of law popularisation, with its kind, level, place, owner and status."""

    class Level(models.TextChoices):
        DISTRICT = "district", "区级"
        STREET = "street", "街道级"
        COMMUNITY = "community", "社区级"

    class Status(models.TextChoices):
        PLANNED = "planned", "规划"
        BUILDING = "building", "在建"
        OPEN = "open", "开放"
        CLOSED = "closed", "停用"

    name = models.CharField("阵地名称", max_length=100)
    kind = models.ForeignKey(VenueKind, verbose_name="阵地类型", on_delete=models.PROTECT, related_name="venues")
    level = models.CharField("级别", max_length=20, choices=Level.choices, default=Level.COMMUNITY)
    region = models.ForeignKey(Region, verbose_name="所在社区/区划", on_delete=models.PROTECT, related_name="venues")
    address = models.CharField("地址", max_length=200, blank=True)
    longitude = models.DecimalField(
        "经度",
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    latitude = models.DecimalField(
        "纬度",
        max_digits=8,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    area_m2 = models.DecimalField(
        "面积（平方米）", max_digits=10, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    unit = models.ForeignKey(Unit, verbose_name="管理单位", on_delete=models.PROTECT, related_name="venues")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField("开放日期", null=True, blank=True)
    closed_on = models.DateField("停用日期", null=True, blank=True)
    opening_hours = models.CharField("开放时间", max_length=100, blank=True, help_text="如：每日 8:00—18:00")
    description = models.TextField("简介/特色", blank=True, max_length=2000)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = VENUE_SCOPE

    class Meta:
        verbose_name = "法治文化阵地"
        verbose_name_plural = "法治文化阵地"
        ordering = ["region__path", "kind__sort_order", "name"]
        indexes = [models.Index(fields=["region", "kind"], name="venues_region_kind")]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_scope_path(self) -> str:
        return self.region.path

    def open_on(self, day: dt.date) -> bool:
        """Did the venue exist (open, or since closed) on `day`? The rule every count "as of" uses."""
        return (
            self.status in (self.Status.OPEN, self.Status.CLOSED)
            and self.opened_on is not None
            and self.opened_on <= day
            and (self.closed_on is None or self.closed_on > day)
        )


class Upkeep(TimeStampedModel):
    """阵地维护记录: a board's monthly issue, new panels, a repair — logged once per venue."""

    class Kind(models.TextChoices):
        CONTENT = "content", "内容更新"
        PANELS = "panels", "新增展板"
        REPAIR = "repair", "维修维护"

    venue = models.ForeignKey(Venue, verbose_name="阵地", on_delete=models.CASCADE, related_name="upkeeps")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.CONTENT)
    date = models.DateField("日期")
    note = models.CharField("内容说明", max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("venue__region__path",),
        "unit": ("venue__unit__path",),
    }

    class Meta:
        verbose_name = "阵地维护记录"
        verbose_name_plural = "阵地维护记录"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["venue", "date"], name="venues_upkeep_venue_date")]

    def __str__(self) -> str:
        return f"{self.venue} · {self.date:%Y-%m-%d} {self.get_kind_display()}"

    @property
    def audit_scope_path(self) -> str:
        return self.venue.region.path


class VenueUse(TimeStampedModel):
    """活动所在阵地: the venue where a ledger activity took place (one per activity)."""

    activity = models.OneToOneField(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="venue_use")
    venue = models.ForeignKey(Venue, verbose_name="阵地", on_delete=models.PROTECT, related_name="uses")

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("venue__region__path",),
        "unit": ("venue__unit__path",),
    }

    class Meta:
        verbose_name = "活动所在阵地"
        verbose_name_plural = "活动所在阵地"

    def __str__(self) -> str:
        return f"{self.activity} @ {self.venue}"

    @property
    def audit_scope_path(self) -> str:
        return self.venue.region.path


class VenuePhoto(TimeStampedModel):
    """阵地照片: optional pictures of a venue (never required), served only through an authorising view."""

    venue = models.ForeignKey(Venue, verbose_name="阵地", on_delete=models.CASCADE, related_name="photos")
    file = models.FileField("照片", max_length=200)
    thumbnail = models.FileField("缩略图", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("venue__region__path",),
        "unit": ("venue__unit__path",),
    }

    class Meta:
        verbose_name = "阵地照片"
        verbose_name_plural = "阵地照片"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.venue} 照片"

    @property
    def audit_scope_path(self) -> str:
        return self.venue.region.path


class MapBoundary(TimeStampedModel):
    """地图边界: the region outline (GeoJSON) an office uploads so the venue map draws without a tile server."""

    region = models.OneToOneField(Region, verbose_name="区划", on_delete=models.CASCADE, related_name="map_boundary")
    geojson = models.JSONField("边界数据")
    size_bytes = models.PositiveIntegerField("文件大小", default=0)
    show_on_portal = models.BooleanField("在公众门户显示地图", default=False, help_text="须使用经审核的底图（审图号）")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region__path",), "unit": ()}

    class Meta:
        verbose_name = "地图边界"
        verbose_name_plural = "地图边界"

    def __str__(self) -> str:
        return f"{self.region} 边界"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path
