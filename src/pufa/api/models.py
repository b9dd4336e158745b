"""Personal API tokens (接口令牌): a user's key for other systems to call `/api/` on their behalf.

The token itself is shown once, when it is made; only its SHA-256 digest is stored (a token is a long random
value, so a plain digest is enough — a slow password hash would cost every API call). Its first characters
(`prefix`) stay readable so the owner can tell tokens apart. A token acts exactly as its owner would — the
same scope and role table — and may be narrowed to reading only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """接口令牌: one personal token of a user, with an expiry and an optional read-only restriction."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="所属用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=60, help_text="用途，如：区级数据大屏")
    prefix = models.CharField("令牌开头", max_length=16)
    digest = models.CharField("摘要（SHA-256）", max_length=64, unique=True)
    read_only = models.BooleanField("只读", default=False)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    expires_at = models.DateTimeField("过期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_on = models.DateField("最近使用日期", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def audit_scope_path(self) -> str:
        """Token entries belong to the owner's first region, so the office over them sees them in the trail."""
        membership = self.user.memberships.filter(is_active=True).select_related("unit__region").first()
        return membership.unit.region.path if membership is not None else ""

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state_label(self) -> str:
        if self.revoked_at is not None:
            return "已吊销"
        return "有效" if self.expires_at > timezone.now() else "已过期"
