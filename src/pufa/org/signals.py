"""Logins, logouts and failed logins go into the audit trail (等保 2.0 security audit).

Signals are used here only because django.contrib.auth offers no other hook; business writes never use them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from pufa.core import audit
from pufa.core.client_ip import client_ip


def _ip(request: Any) -> str | None:
    return None if request is None else client_ip(request)


def _scope_path(user: Any) -> str:
    membership = user.memberships.select_related("unit__region").filter(is_active=True).first()
    return membership.unit.region.path if membership else ""


@receiver(user_logged_in)
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.log(
        actor=user,
        action=audit.Action.LOGIN,
        obj=user,
        code="auth.login",
        scope_path=_scope_path(user),
        ip_address=_ip(request),
    )


@receiver(user_logged_out)
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.log(
            actor=user,
            action=audit.Action.LOGOUT,
            obj=user,
            code="auth.logout",
            scope_path=_scope_path(user),
            ip_address=_ip(request),
        )


@receiver(user_login_failed)
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    from pufa.org.models import User

    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).first()
    audit.log(
        actor=None,
        action=audit.Action.LOGIN_FAILED,
        obj=user,
        code="auth.login_failed",
        object_repr=username,
        message=f"用户名“{username}”登录失败",
        scope_path=_scope_path(user) if user else "",
        ip_address=_ip(request),
    )
