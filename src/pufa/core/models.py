"""Base models every app builds on, and the audit trail (审计日志)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class AliveQuerySet(models.QuerySet):
    def alive(self) -> AliveQuerySet:
        return self.filter(deleted_at__isnull=True)


class AliveManager(models.Manager.from_queryset(AliveQuerySet)):  # type: ignore[misc]
    """Hides soft-deleted rows, so no page or figure counts a deleted record by accident."""

    def get_queryset(self) -> AliveQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(TimeStampedModel):
    """Business records are never hard-deleted by users (DESIGN.md, principle 4: nothing lost).

    `objects` shows the living rows; `all_objects` also the deleted ones, for the audit trail and restores.
    """

    deleted_at = models.DateTimeField("删除时间", null=True, blank=True, editable=False, db_index=True)

    objects = AliveManager()
    all_objects = models.Manager()  # noqa: DJ012

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Versioned(models.Model):
    """A record several people may edit: `version` goes up on every write (`core.workflow.save_checked`), so a
    copy read before someone else's write cannot overwrite it."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """审计日志: who did what to which record, when, with field-level before/after values.

    `scope_path` is the region path of the record's owner, so an office can browse the trail of its
    region with the same path-prefix rule as every other record (see org.access).
    """

    class Action(models.TextChoices):
        CREATE = "create", "新建"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        RESTORE = "restore", "恢复"
        WORKFLOW = "workflow", "流程"
        IMPORT = "import", "导入"
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGOUT = "logout", "退出"

    at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    code = models.CharField("事项", max_length=64, blank=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL)
    object_id = models.CharField("对象编号", max_length=64, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    message = models.CharField("说明", max_length=500, blank=True)
    scope_path = models.CharField("所属区划路径", max_length=255, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {"region": ("scope_path",), "unit": ()}

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def change_rows(self) -> list[dict[str, Any]]:
        """Field-level changes with the fields' Chinese names and readable values (see core.audit)."""
        from pufa.core import audit

        return audit.change_rows(self)

    @property
    def change_view(self) -> dict[str, Any]:
        """For the trail page: the readable rows, and whether a value was summarised (link the record)."""
        rows = self.change_rows()
        return {"rows": rows, "cut": any(r["cut"] for r in rows)}

    @property
    def code_label(self) -> str:
        """What was done, in Chinese (报送普法责任清单), never the code itself."""
        from pufa.core import audit

        return audit.code_label(self.code, self.action)

    @property
    def record_url(self) -> str:
        from pufa.core import audit

        return audit.record_url(self)


class Taxonomy(TimeStampedModel):
    """An editable list with defaults (DESIGN.md: Domain, Audience, ActivityKind). Rows are retired, not deleted,
    so old records keep their labels."""

    name = models.CharField("名称", max_length=50, unique=True)
    code = models.SlugField("代码", max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        abstract = True
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Domain(Taxonomy):
    """普法领域: the subject areas (交通安全与治安, 民法典 …) activities, tasks and duty items are tagged with."""

    class Meta(Taxonomy.Meta):
        verbose_name = "普法领域"
        verbose_name_plural = "普法领域"


class Audience(Taxonomy):
    """普法对象: who an activity or task addresses (领导干部, 青少年, 社区居民 …)."""

    class Meta(Taxonomy.Meta):
        verbose_name = "普法对象"
        verbose_name_plural = "普法对象"


class ActivityKind(Taxonomy):
    """活动形式: the form of an activity (集中宣传, 专题讲座/法治课, 以案释法 …)."""

    class Meta(Taxonomy.Meta):
        verbose_name = "活动形式"
        verbose_name_plural = "活动形式"


class Notification(models.Model):
    """站内通知: reminders and workflow messages shown in the app (and optionally e-mailed).

    `key` makes a reminder idempotent: the daily pass may run twice, a reminder is sent once. A notification
    about a record is done once the record is handled, whether or not its recipient read it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField("去重键", max_length=200)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    # The record the notification is about (an activity, a list, a report …): when a service handles that
    # record it calls `notifications.resolve(about=…)`, which marks the notification done (已处理).
    content_type = models.ForeignKey(
        ContentType, verbose_name="事项类型", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField("事项编号", null=True, blank=True)
    done_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")]
        indexes = [models.Index(fields=["content_type", "object_id"], name="notification_about")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        """Neither read nor handled: what the badge counts."""
        return self.read_at is None and self.done_at is None


class Stamp(models.Model):
    """A version token kept in the database (版本戳). Cached pages and figures are keyed by it; a writer changes
    it inside its own transaction, so every process sees the new token exactly when it sees the new records —
    a per-process cache can then never serve what another process has already changed (withdrawn lists, …)."""

    key = models.CharField("键", max_length=100, primary_key=True)
    token = models.CharField("版本", max_length=32)

    class Meta:
        verbose_name = "版本戳"
        verbose_name_plural = "版本戳"

    def __str__(self) -> str:
        return f"{self.key} {self.token}"


class ThrottleWindow(models.Model):
    """One fixed window of a rate limit (限流), counted in the database so that every process counts together:
    a limit kept in each process's memory lets N worker processes take N times the limit."""

    key = models.CharField("键", max_length=150, primary_key=True)
    started = models.DateTimeField("窗口开始")
    hits = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "限流计数"
        verbose_name_plural = "限流计数"

    def __str__(self) -> str:
        return f"{self.key} {self.hits}"
