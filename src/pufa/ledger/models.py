"""The work ledger (工作台账): activities (台账记录) with optional evidence (佐证材料), and key dates (重要节点).

"Record once, count everywhere" (DESIGN.md): an activity run jointly by several units is one record with
co-organisers, and it counts for each of them. Every participating unit — the organiser and each
co-organiser — has one `ActivityUnit` row carrying copies of its unit and region paths, the activity's
date and status. Scoping, the ledger list and the target metrics all go through that one narrow, indexed
table, so "activities of this office's region" is an index range and a semi-join, never an OR across
joins that would duplicate rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from pufa.core.models import ActivityKind, Audience, Domain, SoftDeleteModel, TimeStampedModel, Versioned
from pufa.ledger.fields import PathField, Unindexed
from pufa.org.models import Region, Unit
from pufa.plans.models import Task

#: Scoping of anything hanging off an activity: visible to the organiser's and every co-organiser's side.
PARTICIPANT_SCOPE = {"region": ("participants__region_path",), "unit": ("participants__unit_path",)}


class Activity(Versioned, SoftDeleteModel):
    """台账记录: one law-popularisation activity, recorded once by its organising unit."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        CONFIRMED = "confirmed", "已确认"
        RETURNED = "returned", "已退回"

    #: Statuses that count toward targets and reports: submitted (the unit vouches for it) and confirmed
    #: (the office checked it). Drafts are plans, returned records are not accepted until corrected.
    COUNTED: ClassVar[tuple[str, ...]] = (Status.SUBMITTED, Status.CONFIRMED)
    #: Statuses in which the recording unit may still change the record.
    EDITABLE: ClassVar[tuple[str, ...]] = (Status.DRAFT, Status.RETURNED)

    unit = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="ledger_activities")
    title = models.CharField("活动名称", max_length=200)
    kind = models.ForeignKey(
        ActivityKind, verbose_name="活动形式", on_delete=models.PROTECT, related_name="activities", db_index=False
    )
    date = models.DateField("活动日期")
    end_date = models.DateField("结束日期", null=True, blank=True)
    start_time = models.TimeField("开始时间", null=True, blank=True)
    place = models.CharField("活动地点", max_length=200, blank=True)
    place_region = models.ForeignKey(
        Region, verbose_name="所在区划", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    domains = models.ManyToManyField(Domain, verbose_name="普法领域", blank=True, related_name="activities")
    audiences = models.ManyToManyField(Audience, verbose_name="普法对象", blank=True, related_name="activities")
    laws = models.CharField("宣传的法律法规", max_length=500, blank=True, help_text="如：《宪法》、《民法典》")
    people_onsite = models.PositiveIntegerField(
        "现场受众（人次）", default=0, validators=[MaxValueValidator(10_000_000)]
    )
    people_online = models.PositiveIntegerField(
        "线上受众（人次）", default=0, validators=[MaxValueValidator(100_000_000)]
    )
    materials = models.PositiveIntegerField("发放资料（份）", default=0, validators=[MaxValueValidator(10_000_000)])
    tasks = models.ManyToManyField(Task, verbose_name="关联任务", blank=True, related_name="activities")
    description = models.TextField("活动简介", blank=True, max_length=5000)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    is_highlight = models.BooleanField("典型做法", default=False)
    region_path = PathField("组织单位区划路径")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="确认人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = PARTICIPANT_SCOPE
    scope_distinct = True

    class Meta:
        verbose_name = "台账记录"
        verbose_name_plural = "台账记录"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["date", "id"], name="ledger_act_date_id"),
            models.Index(fields=["kind", "date"], name="ledger_act_kind_date"),
            models.Index(fields=["status", "date"], name="ledger_act_status_date"),
            # Typical practice is rare: its list walks this small index (see selectors._is_narrow).
            models.Index(fields=["date", "id"], condition=models.Q(is_highlight=True), name="ledger_act_highlight"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    @property
    def audit_scope_path(self) -> str:
        return self.region_path

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def people_total(self) -> int:
        return self.people_onsite + self.people_online

    @property
    def co_organisers(self) -> list[Unit]:
        """Co-organising units, from the prefetched `participants` (selectors prefetch them with units)."""
        return [p.unit for p in self.participants.all() if not p.is_organiser]


class ActivityUnitQuerySet(models.QuerySet["ActivityUnit"]):
    def counted(
        self, *, start: dt.date | None = None, end: dt.date | None = None, per_row_dates: bool = False
    ) -> ActivityUnitQuerySet:
        """THE counting rule of pufa: the participations that count, dated within start..end (both inclusive).

        One row per (activity, unit): an activity counts once for its organiser and once for each
        co-organiser (a region's figures de-duplicate through `pufa.ledger.counting.counted_activities`). It
        counts while submitted or confirmed (`Activity.COUNTED`: a draft is a plan, a returned record is not
        accepted until corrected), not deleted, and — for a co-organiser from outside the organiser's street —
        once that unit has accepted the request (`Consent.ACCEPTED`; until then it is a request, not credit).
        Every figure of pufa — targets, dashboard, unit pages,
        reports, circulars, exports, the portal's planned-against-done and the duties matching — reads its
        activities through this method, so a change to what counts (e.g. a co-organiser's consent) is made
        here and nowhere else; `tests/consistency/` checks that every surface agrees.
        """
        rows = self.filter(status__in=Activity.COUNTED, is_deleted=False, consent=ActivityUnit.Consent.ACCEPTED)
        # per_row_dates: the period is checked on each row the other filters found, never answered from the
        # city-wide date index (`Unindexed`, SQLite): a street's year is its own rows, not the city's year.
        field = "date"
        if per_row_dates:
            rows, field = rows.alias(counted_day=Unindexed("date", output_field=models.DateField())), "counted_day"
        if start is not None:
            rows = rows.filter(**{f"{field}__gte": start})
        if end is not None:
            rows = rows.filter(**{f"{field}__lte": end})
        return rows


class ActivityUnit(models.Model):
    """A unit taking part in an activity — its organiser (is_organiser) or a co-organiser (协办单位).

    Paths, date, status, form, domains, audiences, tasks, the title and the typical-practice flag are copies kept in
    step by the ledger services, so scoping, the office's list and the metrics read this table alone: one
    indexed row per (activity, unit).

    A co-organiser outside the organiser's own street is a *request* (consent pending) until that unit
    accepts it: only then does the activity count for it, and only then does the row carry the unit's paths —
    scoping goes by those paths, so before that the record is invisible to the unit's side (it sees the request
    on its 协办确认 page, through `unit`, nothing more). A declined row keeps empty paths.
    """

    class Consent(models.TextChoices):
        ACCEPTED = "accepted", "已确认"
        PENDING = "pending", "待确认"
        DECLINED = "declined", "已谢绝"

    # Both foreign keys are covered by the unique constraint and the (unit, date) index.
    activity = models.ForeignKey(
        Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="participants", db_index=False
    )
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="activity_participations", db_index=False
    )
    is_organiser = models.BooleanField("组织单位", default=False)
    unit_path = PathField("单位路径")
    region_path = PathField("区划路径")
    date = models.DateField("活动日期")
    status = models.CharField("状态", max_length=20, choices=Activity.Status.choices)
    kind = models.ForeignKey(
        ActivityKind,
        verbose_name="活动形式",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    is_deleted = models.BooleanField("已删除", default=False)
    consent = models.CharField("协办确认", max_length=10, choices=Consent.choices, default=Consent.ACCEPTED)
    consent_at = models.DateTimeField("确认时间", null=True, blank=True)
    # The activity's domain and audience ids (",3,12,"), copied like the paths: an office's domain or audience
    # filter then checks each of its scope's rows inside the list indexes, instead of probing the city-wide
    # link tables once per row (a cost that grew with the city, not the scope). See `keys_of`.
    domain_keys = models.CharField("普法领域（副本）", max_length=200, blank=True, default="", editable=False)
    audience_keys = models.CharField("普法对象（副本）", max_length=200, blank=True, default="", editable=False)
    # The typical-practice flag, copied for the same reason: a district's 典型做法 is read from its own rows,
    # not by probing every typical record of the city.
    is_highlight = models.BooleanField("典型做法（副本）", default=False, editable=False)
    # And the tasks it counts toward (",41,",  like domain_keys): a task's filter checks the scope's rows.
    task_keys = models.CharField("关联任务（副本）", max_length=2000, blank=True, default="", editable=False)
    # And the title, for an office's title search: checked on each of its scope's rows, with statistics of its
    # own. Probing the activity table once per row cost a district's search 5,000 index lookups, and a title
    # checked through a subquery has none, so PostgreSQL guessed '%宪法%' matched a handful of rows and read a
    # district's whole year of rows to sort them instead of walking its dates newest first. In no index.
    title = models.CharField("活动名称（副本）", max_length=200, blank=True, default="", editable=False)

    objects = ActivityUnitQuerySet.as_manager()

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("region_path",), "unit": ("unit_path",)}

    class Meta:
        verbose_name = "参与单位"
        verbose_name_plural = "参与单位"
        constraints = [models.UniqueConstraint(fields=["activity", "unit"], name="ledger_activity_unit_unique")]
        indexes = [
            # An office's list walks this index newest first and checks scope, status and form inside it,
            # without touching the tables (see selectors: the broad path). Consent is in both list indexes for
            # the counting rule (`counted`): PostgreSQL would otherwise fetch every row from the table.
            models.Index(
                fields=[
                    "date",
                    "activity",
                    "region_path",
                    "status",
                    "kind",
                    "is_deleted",
                    "domain_keys",
                    "audience_keys",
                    "is_highlight",
                    "task_keys",
                    "consent",
                ],
                name="ledger_au_list",
            ),
            models.Index(fields=["unit", "date"], name="ledger_au_unit_date"),
            # The few open co-organiser requests, found by unit (the 协办确认 page).
            models.Index(fields=["unit"], condition=models.Q(consent="pending"), name="ledger_au_pending"),
            # A region's own rows, with what the list filters on: an office's capped count and the page of a
            # rare filter read the scope from this index alone, so their cost follows the scope, not the city.
            models.Index(
                fields=[
                    *("region_path", "date", "activity", "status", "kind", "is_deleted"),
                    *("domain_keys", "audience_keys", "is_highlight", "task_keys", "consent"),
                ],
                name="ledger_au_region_list",
                opclasses=[
                    *("varchar_pattern_ops", "date_ops", "int8_ops", "varchar_ops", "int8_ops", "bool_ops"),
                    *("varchar_ops", "varchar_ops", "bool_ops", "varchar_ops", "varchar_ops"),
                ],
            ),
            models.Index(
                fields=["unit_path", "date"],
                name="ledger_au_unitpath_date",
                opclasses=["varchar_pattern_ops", "date_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {'组织' if self.is_organiser else '协办'}"

    @staticmethod
    def keys_of(ids: Iterable[int]) -> str:
        """The copy of an activity's domain or audience ids: ",3,12," (sorted, delimited on both sides so one id
        is matched by `contains=f",{id},"`); "" for none."""
        wanted = sorted(set(ids))
        return f",{','.join(map(str, wanted))}," if wanted else ""

    @staticmethod
    def has_key(field: str, ids: Iterable[int]) -> models.Q:
        """Rows whose copy (`domain_keys`, `audience_keys` or `task_keys`) holds any of `ids`; none for no ids."""
        q = models.Q(pk__in=[])
        for pk in ids:
            q |= models.Q(**{f"{field}__contains": f",{pk},"})
        return q


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    """Storage names are chosen by the service (random, extension from the detected type), never the user's."""
    return filename


class Evidence(SoftDeleteModel):
    """佐证材料: a photo, brief (简报), sign-in sheet or video of an activity. Optional and never scored by
    itself (national rules forbid demanding photos taken only to leave a trace)."""

    class Kind(models.TextChoices):
        PHOTO = "photo", "照片"
        BRIEF = "brief", "简报"
        SIGNIN = "signin", "签到表"
        VIDEO = "video", "视频"
        OTHER = "other", "其他材料"

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.PHOTO)
    file = models.FileField("文件", upload_to=evidence_upload_to, max_length=255)
    thumbnail = models.FileField("缩略图", upload_to=evidence_upload_to, max_length=255, blank=True)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    mime = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        key: tuple(f"activity__{lookup}" for lookup in lookups) for key, lookups in PARTICIPANT_SCOPE.items()
    }
    scope_distinct = True

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.original_name or f"{self.get_kind_display()} {self.pk}"

    @property
    def audit_scope_path(self) -> str:
        return self.activity.region_path

    @property
    def is_image(self) -> bool:
        return self.mime.startswith("image/")


class KeyDate(TimeStampedModel):
    """重要节点: a date (3.15 消费者权益日) or span (12.1–12.7 宪法宣传周) around which units publicise law.

    National dates (region empty) are preloaded; an office may add dates for its own region, which reach every
    unit at and below it. A date recurs every year by month and day.
    """

    name = models.CharField("名称", max_length=100)
    month = models.PositiveSmallIntegerField("月", validators=[MinValueValidator(1), MaxValueValidator(12)])
    day = models.PositiveSmallIntegerField("日", validators=[MinValueValidator(1), MaxValueValidator(31)])
    end_month = models.PositiveSmallIntegerField(
        "结束月", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    end_day = models.PositiveSmallIntegerField(
        "结束日", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    domains = models.ManyToManyField(Domain, verbose_name="相关普法领域", blank=True, related_name="key_dates")
    description = models.CharField("说明", max_length=300, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name="适用区划",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="留空为全国性节点",
    )
    is_active = models.BooleanField("启用", default=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("region__path",),
        "unit": (),
        "above": ("region__path",),
    }

    class Meta:
        verbose_name = "重要节点"
        verbose_name_plural = "重要节点"
        ordering = ["month", "day", "id"]

    def __str__(self) -> str:
        return f"{self.label} {self.name}"

    @property
    def audit_scope_path(self) -> str:
        return self.region.path if self.region_id else ""

    @property
    def is_span(self) -> bool:
        return self.end_month is not None and self.end_day is not None

    @property
    def label(self) -> str:
        """3.15, 12.1–12.7, or 5月 for a whole month."""
        if not self.is_span:
            return f"{self.month}.{self.day}"
        if self.month == self.end_month and self.day == 1 and self.end_day >= 28:
            return f"{self.month}月"
        return f"{self.month}.{self.day}–{self.end_month}.{self.end_day}"

    def span_in(self, year: int) -> tuple[dt.date, dt.date]:
        """The first and last day of this key date in `year` (29 February falls back to the 28th)."""
        start = _safe_date(year, self.month, self.day)
        if not self.is_span:
            return start, start
        end = _safe_date(year, self.end_month or self.month, self.end_day or self.day)
        return start, max(start, end)


def _safe_date(year: int, month: int, day: int) -> dt.date:
    while day > 28:
        try:
            return dt.date(year, month, day)
        except ValueError:
            day -= 1
    return dt.date(year, month, day)
