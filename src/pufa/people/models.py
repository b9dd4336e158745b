"""The rosters (队伍): people who carry 普法 to residents, the teams they belong to, households and pairings.

A roster is a history, not a list: a person joins a team on a date and leaves it on a date (with a reason),
and nothing is removed, so the roster *as of any day* can be shown and counted (the target "2022年底不少于4个"
is evaluated on the roster of 2022-12-31, not today's).

Personal data is kept to what the work needs (个人信息保护法, see docs/architecture.md): the phone is stored
(the office calls it during spot checks) but shown masked unless revealed through an audited action; the ID
number is never stored — only a keyed hash (to recognise the same person again) and its last four digits.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from pufa.core.chinese import mask_phone
from pufa.core.models import SoftDeleteModel, Taxonomy, TimeStampedModel
from pufa.ledger.models import Activity
from pufa.org.models import Region, Unit

#: Anything hanging off a person is scoped like the person: by the unit keeping the roster.
PERSON_SCOPE: dict[str, tuple[str, ...]] = {"region": ("person__unit__region__path",), "unit": ("person__unit__path",)}


class TeamKind(Taxonomy):
    """队伍类别: 法律明白人, 法治带头人, 学法用法示范户, 普法志愿者 … — a list the office can extend."""

    class Shape(models.TextChoices):
        TEAM = "team", "队伍"
        HOUSEHOLD = "household", "示范户（户主及家庭成员）"
        PAIRING = "pairing", "挂钩服务（对接社区或学校）"

    shape = models.CharField("形式", max_length=20, choices=Shape.choices, default=Shape.TEAM)
    public = models.BooleanField("在社区公示", default=True, help_text="在门户网站公示本类人员（姓名和打码后的电话）")

    class Meta(Taxonomy.Meta):
        verbose_name = "队伍类别"
        verbose_name_plural = "队伍类别"


class Person(SoftDeleteModel):
    """队伍成员: one person on the rosters of a unit, living in a community."""

    class Gender(models.TextChoices):
        MALE = "m", "男"
        FEMALE = "f", "女"

    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    phone = models.CharField("手机号", max_length=20, blank=True)
    # The ID number itself is never stored: a keyed hash recognises the person again, the last four digits
    # let a liaison tell two namesakes apart (see people.identity).
    id_hash = models.CharField("身份证号摘要", max_length=64, blank=True, db_index=True, editable=False)
    id_last4 = models.CharField("身份证号后四位", max_length=4, blank=True, editable=False)
    region = models.ForeignKey(Region, verbose_name="居住社区", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="管理单位", on_delete=models.PROTECT, related_name="roster")
    occupation = models.CharField("职业/身份", max_length=100, blank=True)
    notes = models.CharField("备注", max_length=500, blank=True)
    moved_away = models.BooleanField("已离开居住地", default=False)
    no_smartphone = models.BooleanField("不使用智能手机", default=False, help_text="仅作记录，不作为调整依据")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    pinyin = models.CharField("拼音", max_length=255, blank=True, editable=False)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("unit__region__path",), "unit": ("unit__path",)}

    class Meta:
        verbose_name = "队伍成员"
        verbose_name_plural = "队伍成员"
        ordering = ["pinyin", "id"]
        indexes = [
            models.Index(fields=["unit", "pinyin"], name="people_person_unit_name"),
            # The roster list's order: an office's first page walks it and stops after 50 rows in scope, and
            # its capped count stops at the cap, instead of sorting the whole region's roster.
            models.Index(fields=["pinyin", "id"], name="people_person_pinyin_id"),
            models.Index(fields=["phone"], name="people_person_phone"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id(self) -> str:
        return f"{'*' * 14}{self.id_last4}" if self.id_last4 else ""

    @property
    def gender_label(self) -> str:
        return self.get_gender_display() if self.gender else ""


class Household(SoftDeleteModel):
    """学法用法示范户: a household (its head is on the roster under a household team kind) and its members."""

    head = models.ForeignKey(Person, verbose_name="户主", on_delete=models.PROTECT, related_name="headed_households")
    members = models.ManyToManyField(Person, verbose_name="家庭成员", blank=True, related_name="households")
    address = models.CharField("住址", max_length=200, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("head__unit__region__path",),
        "unit": ("head__unit__path",),
    }

    class Meta:
        verbose_name = "学法用法示范户"
        verbose_name_plural = "学法用法示范户"

    def __str__(self) -> str:
        return f"{self.head.name}户"

    @property
    def audit_scope_path(self) -> str:
        return self.head.unit.region.path


class TeamMembership(TimeStampedModel):
    """队伍任职: a person on a team from `start` until the day before `end` (离任日期). Never deleted: a
    retirement sets `end` and its reason, so every earlier roster stays countable."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="memberships")
    kind = models.ForeignKey(TeamKind, verbose_name="队伍类别", on_delete=models.PROTECT, related_name="memberships")
    team_name = models.CharField("队伍名称", max_length=100, blank=True, help_text="如：阳光法援普法志愿服务队")
    start = models.DateField("加入日期")
    end = models.DateField("离任日期", null=True, blank=True)
    end_reason = models.CharField("离任原因", max_length=300, blank=True)
    replaced_by = models.ForeignKey(
        "self", verbose_name="接替人任职", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    household = models.ForeignKey(
        Household, verbose_name="示范户", null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    # Pairings (社区法律顾问, 挂钩律师, 法治副校长): the communities and the units (schools) served.
    serves_regions = models.ManyToManyField(Region, verbose_name="对接社区", blank=True, related_name="+")
    serves_units = models.ManyToManyField(Unit, verbose_name="对接单位/学校", blank=True, related_name="+")

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = PERSON_SCOPE

    class Meta:
        verbose_name = "队伍任职"
        verbose_name_plural = "队伍任职"
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["kind", "start", "end"], name="people_tm_kind_dates")]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gt=models.F("start")), name="people_tm_end"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.kind.name}"

    @property
    def audit_scope_path(self) -> str:
        return self.person.unit.region.path

    def active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @staticmethod
    def active_q(day: dt.date, prefix: str = "") -> Q:
        """The rule "on the roster on `day`", written once: joined on or before, not yet left."""
        return Q(**{f"{prefix}start__lte": day}) & (
            Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": day})
        )


class Attendance(models.Model):
    """培训参加: a roster person took part in a ledger activity (a training). One row per person and activity,
    so a training co-organised by two units is still one attendance."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="attendances")
    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = PERSON_SCOPE

    class Meta:
        verbose_name = "培训参加"
        verbose_name_plural = "培训参加"
        constraints = [models.UniqueConstraint(fields=["person", "activity"], name="people_attendance_once")]
        indexes = [models.Index(fields=["activity"], name="people_attendance_activity")]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.activity.title}"

    @property
    def audit_scope_path(self) -> str:
        return self.person.unit.region.path


class AdjustmentRule(TimeStampedModel):
    """动态调整规则: the thresholds an office sets for its region (the deepest rule above a unit applies)."""

    region = models.OneToOneField(Region, verbose_name="适用区划", on_delete=models.PROTECT, related_name="+")
    max_age = models.PositiveSmallIntegerField("年龄上限", default=65, help_text="超过此年龄提示调整")
    months_untrained = models.PositiveSmallIntegerField(
        "未参训月数", default=6, help_text="连续这么多个月未参加培训提示调整"
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region__path",), "unit": ("region__path",)}

    class Meta:
        verbose_name = "动态调整规则"
        verbose_name_plural = "动态调整规则"

    def __str__(self) -> str:
        return f"{self.region.name}：{self.max_age}岁，{self.months_untrained}个月"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path


class KeepDecision(models.Model):
    """动态调整·保留: a liaison looked at a flagged person and kept them, with the reason. A keep quiets the
    person's flags for a year (`KEEP_DAYS`), unless a later phone check fails."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="keeps")
    decided_on = models.DateField("决定日期")
    reason = models.CharField("保留理由", max_length=300)
    flags = models.CharField("当时的提示", max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="决定人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = PERSON_SCOPE

    class Meta:
        verbose_name = "保留决定"
        verbose_name_plural = "保留决定"
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["person", "decided_on"], name="people_keep_person_day")]

    def __str__(self) -> str:
        return f"{self.person.name} · 保留"

    @property
    def audit_scope_path(self) -> str:
        return self.person.unit.region.path


class SpotCheck(TimeStampedModel):
    """电话抽查: a random sample of the people on the rosters of a region, drawn with a recorded seed so anyone
    can draw it again from the roster of `drawn_on` and get the same people (`people.spotchecks.draw`)."""

    title = models.CharField("名称", max_length=100)
    region = models.ForeignKey(Region, verbose_name="抽查范围", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name="抽查单位", on_delete=models.PROTECT, related_name="+")
    drawn_on = models.DateField("抽取日期")
    seed = models.BigIntegerField("随机种子")
    count = models.PositiveIntegerField("抽取人数", null=True, blank=True)
    share = models.PositiveSmallIntegerField("抽取比例（%）", null=True, blank=True)
    per_street = models.BooleanField("按街道分别抽取", default=False)
    kinds = models.CharField("队伍类别代码", max_length=300, blank=True, help_text="以逗号分隔；空表示全部")
    population = models.PositiveIntegerField("总体人数", default=0)
    population_digest = models.CharField("总体摘要", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="抽取人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region__path",), "unit": ("unit__path",)}

    class Meta:
        verbose_name = "电话抽查"
        verbose_name_plural = "电话抽查"
        ordering = ["-drawn_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_scope_path(self) -> str:
        return self.region.path


class SpotCheckItem(models.Model):
    """One person drawn in a spot check, and what the call found."""

    class Outcome(models.TextChoices):
        PENDING = "", "未拨打"
        OK = "ok", "接通，知晓身份，信息属实"
        TRAINED = "trained", "接通，知晓身份并确认参加培训"
        UNAWARE = "unaware", "接通，但不知道自己的身份"
        WRONG = "wrong", "号码错误或停机"
        UNREACHABLE = "unreachable", "多次拨打无人接听"

    PASSED: ClassVar[tuple[str, ...]] = ("ok", "trained")
    FAILED: ClassVar[tuple[str, ...]] = ("unaware", "wrong", "unreachable")

    spot_check = models.ForeignKey(SpotCheck, verbose_name="抽查", on_delete=models.CASCADE, related_name="items")
    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="spot_checks")
    position = models.PositiveIntegerField("序号")
    outcome = models.CharField("结果", max_length=20, choices=Outcome.choices, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    recorded_at = models.DateTimeField("记录时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("spot_check__region__path",),
        "unit": ("spot_check__unit__path",),
    }

    class Meta:
        verbose_name = "抽查对象"
        verbose_name_plural = "抽查对象"
        ordering = ["spot_check", "position"]
        constraints = [models.UniqueConstraint(fields=["spot_check", "person"], name="people_spot_once")]
        indexes = [models.Index(fields=["person", "recorded_at"], name="people_spot_person")]

    def __str__(self) -> str:
        return f"{self.spot_check.title} · {self.person.name}"

    @property
    def audit_scope_path(self) -> str:
        return self.spot_check.region.path

    @property
    def passed(self) -> bool:
        return self.outcome in self.PASSED
