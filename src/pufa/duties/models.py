"""普法责任清单: each unit's yearly responsibility list in the 四清单 shape, its filing (备案) and announcement
(普法公告), the laws it enforces, the templates an office issues and the filing deadline.

Seed 004 (四、（十五）) asks every unit to publish the laws it enforces and, by 31 March, the activities it plans
("普法内容、普法对象、活动方式、实施时间") for public supervision. What the public may see is decided in one place:
a list is public only while its status is `published` (see `DutyList.PUBLIC_STATUSES` and the portal's
`published_lists()`), and only the fields named in `PUBLIC_FIELDS` ever leave the building.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from pufa.core.models import ActivityKind, Audience, Domain, SoftDeleteModel, TimeStampedModel, Versioned
from pufa.ledger.models import Activity
from pufa.org.models import Region, Unit

LIST_SCOPE: dict[str, tuple[str, ...]] = {"region": ("unit__region__path",), "unit": ("unit__path",)}


def _scoped_through(prefix: str) -> dict[str, tuple[str, ...]]:
    return {key: tuple(f"{prefix}{lookup}" for lookup in lookups) for key, lookups in LIST_SCOPE.items()}


class Law(TimeStampedModel):
    """法律法规: a law, regulation or rule a unit enforces and publicises. One shared catalogue; it is public
    information, so it is not scoped."""

    class Level(models.TextChoices):
        CONSTITUTION = "constitution", "宪法"
        LAW = "law", "法律"
        ADMIN_REGULATION = "admin_regulation", "行政法规"
        LOCAL_REGULATION = "local_regulation", "地方性法规"
        DEPT_RULE = "dept_rule", "部门规章"
        LOCAL_RULE = "local_rule", "地方政府规章"
        PARTY_REGULATION = "party_regulation", "党内法规"
        NORMATIVE = "normative", "规范性文件"

    name = models.CharField("名称", max_length=200, unique=True)
    level = models.CharField("效力层级", max_length=32, choices=Level.choices, default=Level.LAW)
    issuer = models.CharField("制定机关", max_length=100, blank=True)
    promulgated_on = models.DateField("公布（修订）日期", null=True, blank=True)
    effective_on = models.DateField("施行日期", null=True, blank=True)
    url = models.URLField("原文链接", blank=True)
    pinyin = models.CharField("拼音", max_length=255, blank=True, editable=False, db_index=True)
    is_active = models.BooleanField("现行有效", default=True)

    class Meta:
        verbose_name = "法律法规"
        verbose_name_plural = "法律法规"
        ordering = ["pinyin"]

    def __str__(self) -> str:
        return self.name

    @property
    def level_rank(self) -> int:
        return list(self.Level.values).index(self.level)


class DutyList(Versioned, SoftDeleteModel):
    """普法责任清单: one unit's list for one year, with the laws it enforces, its items (四清单) and the
    activities it announces. Workflow: draft → submitted → filed (备案) or returned → published (公告)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已报送"
        RETURNED = "returned", "已退回"
        FILED = "filed", "已备案"
        PUBLISHED = "published", "已公告"

    #: The only statuses whose content the public portal may show.
    PUBLIC_STATUSES: ClassVar[frozenset[str]] = frozenset({Status.PUBLISHED})
    #: Statuses in which the unit may still change the list.
    EDITABLE_STATUSES: ClassVar[frozenset[str]] = frozenset({Status.DRAFT, Status.RETURNED})
    #: Statuses that count as "submitted" for the deadline report.
    SUBMITTED_STATUSES: ClassVar[frozenset[str]] = frozenset({Status.SUBMITTED, Status.FILED, Status.PUBLISHED})

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="duty_lists")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    summary = models.TextField("清单说明", blank=True, help_text="公告时向社会公开。")
    laws = models.ManyToManyField(Law, verbose_name="负责执行的法律法规", blank=True, related_name="enforcing_lists")
    internal_note = models.TextField("内部备注", blank=True, help_text="仅本单位和法宣办可见，不公开。")
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="报送人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_at = models.DateTimeField("备案时间", null=True, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="备案人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField("退回时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    published_at = models.DateTimeField("公告时间", null=True, blank=True)
    source = models.ForeignKey(
        "self", verbose_name="沿用自", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = LIST_SCOPE

    class Meta:
        verbose_name = "普法责任清单"
        verbose_name_plural = "普法责任清单"
        ordering = ["-year", "unit__pinyin"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(deleted_at__isnull=True), name="duty_list_one_per_unit_year"
            )
        ]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return f"{self.unit.name}{self.year}年度普法责任清单"

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_public(self) -> bool:
        return self.status in self.PUBLIC_STATUSES and self.deleted_at is None


class ItemFields(models.Model):
    """The fields a list item shares with a template item: the four lists of the 四清单 form."""

    content = models.TextField("普法内容", help_text="内容清单：宣传的法律法规及重点内容。")
    measures = models.TextField("载体与措施", blank=True, help_text="措施清单：普法载体、方式和具体措施。")
    standards = models.TextField("工作标准", blank=True, help_text="标准清单：要求达到的标准。")
    time_nodes = models.CharField("时间节点", max_length=200, blank=True, help_text="如：3月15日前后、贯穿全年")
    responsible_section = models.CharField("责任科室", max_length=100, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    class Meta:
        abstract = True


class DutyItem(ItemFields, Versioned, SoftDeleteModel):
    """清单事项: one row of the 四清单 table — content and laws (内容), who is responsible (责任), audiences and
    measures (措施), standards and time nodes (标准). The responsible leader, person, phone and the internal
    note never leave the office (see PUBLIC_FIELDS)."""

    #: The fields the public portal may show; everything else on this row is internal.
    PUBLIC_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "order",
        "content",
        "measures",
        "standards",
        "time_nodes",
        "responsible_section",
    )

    duty_list = models.ForeignKey(DutyList, verbose_name="责任清单", on_delete=models.CASCADE, related_name="items")
    laws = models.ManyToManyField(Law, verbose_name="法律法规", blank=True, related_name="duty_items")
    audiences = models.ManyToManyField(Audience, verbose_name="普法对象", blank=True, related_name="duty_items")
    domains = models.ManyToManyField(Domain, verbose_name="普法领域", blank=True, related_name="duty_items")
    responsible_leader = models.CharField("责任领导", max_length=50, blank=True)
    responsible_person = models.CharField("责任人", max_length=50, blank=True)
    responsible_phone = models.CharField("责任人电话", max_length=30, blank=True)
    internal_note = models.TextField("内部备注", blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = _scoped_through("duty_list__")

    class Meta:
        verbose_name = "清单事项"
        verbose_name_plural = "清单事项"
        ordering = ["duty_list", "order", "id"]

    def __str__(self) -> str:
        return self.content[:40]

    @property
    def audit_scope_path(self) -> str:
        return self.duty_list.unit.region.path


class PlannedActivity(SoftDeleteModel):
    """拟开展的普法活动 (普法公告的内容): what a unit announces it will do — content, audience, form, time and
    place. When the ledger records the activity that carried it out, `activity` links the two, so the public
    sees planned against done."""

    class LinkMethod(models.TextChoices):
        AUTO = "auto", "自动匹配"
        MANUAL = "manual", "手工关联"

    PUBLIC_FIELDS: ClassVar[tuple[str, ...]] = ("id", "content", "start", "end", "time_text", "place")

    duty_list = models.ForeignKey(
        DutyList, verbose_name="责任清单", on_delete=models.CASCADE, related_name="planned_activities"
    )
    item = models.ForeignKey(
        DutyItem,
        verbose_name="对应清单事项",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_activities",
    )
    content = models.CharField("普法内容", max_length=300)
    kind = models.ForeignKey(ActivityKind, verbose_name="活动方式", on_delete=models.PROTECT, related_name="+")
    audiences = models.ManyToManyField(Audience, verbose_name="普法对象", blank=True, related_name="+")
    domains = models.ManyToManyField(Domain, verbose_name="普法领域", blank=True, related_name="+")
    laws = models.ManyToManyField(Law, verbose_name="法律法规", blank=True, related_name="planned_activities")
    start = models.DateField("计划开始日期")
    end = models.DateField("计划结束日期")
    time_text = models.CharField("实施时间说明", max_length=100, blank=True, help_text="如：12月4日国家宪法日前后")
    place = models.CharField("地点", max_length=200, blank=True)
    region = models.ForeignKey(
        Region, verbose_name="所在区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    internal_note = models.TextField("内部备注", blank=True)
    activity = models.ForeignKey(
        Activity,
        verbose_name="已开展的台账记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planned_activities",
    )
    link_method = models.CharField("关联方式", max_length=10, choices=LinkMethod.choices, blank=True)
    linked_at = models.DateTimeField("关联时间", null=True, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = _scoped_through("duty_list__")

    class Meta:
        verbose_name = "拟开展普法活动"
        verbose_name_plural = "拟开展普法活动"
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["start", "end"])]

    def __str__(self) -> str:
        return self.content

    @property
    def audit_scope_path(self) -> str:
        return self.duty_list.unit.region.path

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class DutyTemplate(SoftDeleteModel):
    """清单模板: a model list an office issues for one kind of unit (e.g. all 居委会), copied into new lists."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        ISSUED = "issued", "已下发"

    issuing_unit = models.ForeignKey(Unit, verbose_name="下发单位", on_delete=models.PROTECT, related_name="+")
    unit_kind = models.CharField("适用单位类型", max_length=32, choices=Unit.Kind.choices)
    title = models.CharField("模板名称", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    issued_at = models.DateTimeField("下发时间", null=True, blank=True)
    laws = models.ManyToManyField(Law, verbose_name="负责执行的法律法规", blank=True, related_name="+")

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("issuing_unit__region__path",),
        "unit": ("issuing_unit__path",),
        "above": ("issuing_unit__region__path",),
    }

    class Meta:
        verbose_name = "清单模板"
        verbose_name_plural = "清单模板"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_scope_path(self) -> str:
        return self.issuing_unit.region.path


class DutyTemplateItem(ItemFields, TimeStampedModel):
    """A row of a template; copied into a unit's list when the unit starts its list from the template."""

    template = models.ForeignKey(DutyTemplate, verbose_name="模板", on_delete=models.CASCADE, related_name="items")
    laws = models.ManyToManyField(Law, verbose_name="法律法规", blank=True, related_name="+")
    audiences = models.ManyToManyField(Audience, verbose_name="普法对象", blank=True, related_name="+")
    domains = models.ManyToManyField(Domain, verbose_name="普法领域", blank=True, related_name="+")

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        key: tuple(f"template__{lookup}" for lookup in lookups) for key, lookups in DutyTemplate.scope_lookups.items()
    }

    class Meta:
        verbose_name = "模板事项"
        verbose_name_plural = "模板事项"
        ordering = ["template", "order", "id"]

    def __str__(self) -> str:
        return self.content[:40]

    @property
    def audit_scope_path(self) -> str:
        return self.template.issuing_unit.region.path


class DutyDeadline(TimeStampedModel):
    """报送截止日期: the date by which the units of a region must submit their lists for a year (default
    31 March, seed 004 四、（十五）). A deadline set for a district applies to its streets unless a street sets
    its own."""

    region = models.ForeignKey(Region, verbose_name="区划", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    due = models.DateField("截止日期")

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("region__path",),
        "unit": (),
        "above": ("region__path",),
    }

    class Meta:
        verbose_name = "报送截止日期"
        verbose_name_plural = "报送截止日期"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="duty_deadline_one_per_region_year")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}年 {self.due}"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path


def default_deadline(year: int) -> dt.date:
    """31 March: seed 004 asks for the year's planned activities to be announced by the end of March."""
    return dt.date(year, 3, 31)
