"""Regions, units, users and memberships: who acts for whom, and where.

Both trees keep a materialised path ("/1/5/23/") so "this node and everything below it" is one indexed
prefix filter — the rule every scoped query in pufa rests on (see org.access).
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models

from pufa.core.chinese import mask_phone
from pufa.core.models import SoftDeleteModel, TimeStampedModel


class User(AbstractUser):
    """用户: a person who logs in. What they may see comes from their memberships, not from this row."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name()

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Region(SoftDeleteModel):
    """行政区划: city › district › street › community › resident group."""

    class Level(models.TextChoices):
        CITY = "city", "市"
        DISTRICT = "district", "区/县"
        STREET = "street", "街道/乡镇"
        COMMUNITY = "community", "社区/村"
        GROUP = "group", "居民小组"

    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField("区划代码", max_length=32, blank=True)
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("深度", default=0, editable=False)
    pinyin = models.CharField("拼音", max_length=255, blank=True, editable=False)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("path",), "unit": ()}

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_scope_path(self) -> str:
        return self.path

    @property
    def level_rank(self) -> int:
        return list(self.Level.values).index(self.level)


class Unit(SoftDeleteModel):
    """单位: an organisation in a region that acts in pufa; may be a 普法责任主体."""

    class Kind(models.TextChoices):
        OFFICE = "office", "法宣办/依法治理办"
        DEPARTMENT = "department", "部门"
        JUDICIAL_OFFICE = "judicial_office", "司法所"
        POLICE_STATION = "police_station", "派出所"
        COMMUNITY_COMMITTEE = "community_committee", "居委会/村委会"
        SCHOOL = "school", "学校"
        ENTERPRISE = "enterprise", "企业"
        SOCIAL_ORG = "social_org", "社会组织"

    name = models.CharField("单位名称", max_length=100)
    code = models.SlugField("单位编码", max_length=64, unique=True)
    kind = models.CharField("单位类型", max_length=32, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    aliases = models.JSONField("别名", default=list, blank=True)
    is_responsible_subject = models.BooleanField("普法责任主体", default=True)
    contact_phone = models.CharField("联系电话", max_length=30, blank=True)
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")
    pinyin = models.CharField("拼音", max_length=255, blank=True, editable=False, db_index=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region__path",), "unit": ("path",)}

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["pinyin"]
        indexes = [models.Index(fields=["kind", "region"])]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_scope_path(self) -> str:
        return self.region.path

    @property
    def alias_text(self) -> str:
        return "、".join(self.aliases or [])


class Membership(TimeStampedModel):
    """成员身份: a user acts for a unit in a role. Roles decide the actions (org.roles)."""

    class Role(models.TextChoices):
        OFFICE = "office", "法宣办"
        LIAISON = "liaison", "联络员"
        INSPECTOR = "inspector", "督查员"
        MEMBER = "member", "队伍成员"

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    is_active = models.BooleanField("有效", default=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("unit__region__path",),
        "unit": ("unit__path",),
    }

    class Meta:
        verbose_name = "成员身份"
        verbose_name_plural = "成员身份"
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit} · {self.get_role_display()}"

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path


class Feedback(TimeStampedModel):
    """意见建议: the complaint/suggestion channel every page offers; it reaches the offices above the sender."""

    class Kind(models.TextChoices):
        SUGGESTION = "suggestion", "意见建议"
        COMPLAINT = "complaint", "投诉举报"
        FORMALISM = "formalism", "形式主义问题反映"

    class Status(models.TextChoices):
        NEW = "new", "待处理"
        REPLIED = "replied", "已答复"

    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.SUGGESTION)
    content = models.TextField("内容", max_length=2000)
    contact = models.CharField("联系方式", max_length=50, blank=True)
    page = models.CharField("来源页面", max_length=300, blank=True)
    author = models.ForeignKey(
        User, verbose_name="提交人", null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="feedback")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.NEW)
    reply = models.TextField("答复", blank=True)
    replied_by = models.ForeignKey(
        User, verbose_name="答复人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region__path",), "unit": ()}

    class Meta:
        verbose_name = "意见建议"
        verbose_name_plural = "意见建议"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.content[:20]}"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path

    @property
    def masked_contact(self) -> str:
        return mask_phone(self.contact) if self.contact.isdigit() else self.contact
