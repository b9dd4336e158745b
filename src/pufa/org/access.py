"""Scoping in one place: which rows an acting user may see or change.

The rule (DESIGN.md): a user acts for a unit and sees that unit and every unit below it; an office (and
its inspectors) sees its whole region. Nobody sees anything outside. Every selector starts from `scope()`
and every service calls `require()`; views never filter by hand.

A scoped model declares `scope_lookups = {"region": (...), "unit": (...), "above": (...)}`: the lookups that
lead from the row to the region path and to the unit path of its owner(s). Several lookups per key (an
activity's organiser and co-organisers) mean "any of them". "above" lookups (optional) name a region path
that is visible to everyone acting at or below it: plans issued by a street office reach its communities.

Who is acting: a signed-in user, `SYSTEM` (the daily pass, management commands, seed-demo, imports from the
command line — may do and see everything, recorded as 系统), or nobody (`None`, an anonymous user — may do
and see nothing). `scope()` and `can()` agree on all three.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from pufa.core.actors import SYSTEM, is_system
from pufa.org.models import Membership
from pufa.org.roles import REGION_WIDE_ROLES, grant_allows

__all__ = ["SYSTEM", "Actor", "Grant", "can", "grants", "require", "scope", "scope_q", "visible_or_404"]

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from pufa.core.actors import SystemActor
    from pufa.org.models import User

M = TypeVar("M", bound=models.Model)

#: Who a service acts for: a user (signed in or anonymous) or `SYSTEM`. Never None: nobody acts for nobody.
Actor: TypeAlias = "User | AnonymousUser | SystemActor"


@dataclass(frozen=True)
class Grant:
    """One active membership, reduced to what scoping needs."""

    role: str
    unit_id: int
    unit_path: str
    region_path: str

    @property
    def region_wide(self) -> bool:
        return self.role in REGION_WIDE_ROLES

    def allows(self, action: str) -> bool:
        """The role table's answer for this grant (some actions need a grant at the top of the region tree)."""
        return grant_allows(self.role, self.region_path, action)


def grants(actor: Any) -> list[Grant]:
    """The actor's active grants, read once per user object (i.e. once per request)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    cached = getattr(actor, "_pufa_grants", None)
    if cached is None:
        rows = (
            Membership.objects.filter(user=actor, is_active=True, unit__deleted_at__isnull=True)
            .values_list("role", "unit_id", "unit__path", "unit__region__path")
            .order_by("id")
        )
        cached = [Grant(*row) for row in rows]
        actor._pufa_grants = cached
    return cached


def forget_grants(actor: Any) -> None:
    """Drop the cached grants after a membership of this user changed."""
    if actor is not None and hasattr(actor, "_pufa_grants"):
        del actor._pufa_grants


def ancestor_paths(path: str) -> list[str]:
    """A node and every node above it, from the path alone: /1/5/23/ → [/1/, /1/5/, /1/5/23/]."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _grant_q(model: type[models.Model], grant: Grant, action: str | None = None) -> Q | None:
    lookups = getattr(model, "scope_lookups", None)
    if lookups is None:
        raise TypeError(f"{model.__name__} has no scope_lookups; it cannot be scoped")
    q: Q | None = None
    # Rows issued above are only *seen* from below: changing them needs a grant that covers their owner.
    reading = action is None or action.endswith(".view")
    for lookup in lookups.get("above", ()) if reading else ():
        part = Q(**{f"{lookup}__in": ancestor_paths(grant.region_path)})
        q = part if q is None else q | part
    if grant.region_wide:
        for lookup in lookups.get("region", ()):
            part = Q(**{f"{lookup}__startswith": grant.region_path})
            q = part if q is None else q | part
    else:
        for lookup in lookups.get("unit", ()):
            part = Q(**{f"{lookup}__startswith": grant.unit_path})
            q = part if q is None else q | part
    return q


def scope_q(model: type[models.Model], actor: Any, action: str | None = None) -> Q | None:
    """The filter for the rows of `model` the actor may see (or may `action` on); None means all rows.

    `SYSTEM` and active superusers see all rows; nobody (`None`, anonymous) sees none."""
    if is_system(actor) or (actor is not None and getattr(actor, "is_superuser", False) and actor.is_active):
        return None
    combined = Q(pk__in=[])
    for grant in grants(actor):
        if action is not None and not grant.allows(action):
            continue
        q = _grant_q(model, grant, action)
        if q is not None:
            combined |= q
    return combined


def scope(queryset: models.QuerySet[M], actor: Any, action: str | None = None) -> models.QuerySet[M]:
    """Restrict a queryset to what the actor may see, or may do `action` on."""
    q = scope_q(queryset.model, actor, action)
    if q is None:
        return queryset
    queryset = queryset.filter(q)
    if getattr(queryset.model, "scope_distinct", False):
        queryset = queryset.distinct()
    return queryset


def can(actor: Any, action: str, obj: models.Model | None = None) -> bool:
    """May the actor do `action` (on `obj`, when given)? `SYSTEM` may do everything; `None` nothing."""
    if is_system(actor):
        return True
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if obj is None:
        return any(g.allows(action) for g in grants(actor))
    if obj.pk is None:
        raise ValueError("can() needs a saved object; check the parent record instead")
    manager = getattr(type(obj), "all_objects", type(obj)._default_manager)
    return scope(manager.filter(pk=obj.pk), actor, action).exists()


def require(actor: Any, action: str, obj: models.Model | None = None) -> None:
    """Raise PermissionDenied unless `can()`; services call this before every write."""
    if not can(actor, action, obj):
        raise PermissionDenied("您没有权限进行此操作。")


def visible_or_404(queryset: models.QuerySet[M], actor: Any, *, action: str, **lookup: Any) -> M:
    """Load one row the actor may do `action` on (the ".view" action of the page's area, like its list).

    Invisible → 404, so the URL reveals nothing; visible (through any grant) but no grant that covers the row
    allows `action` → 403. The action is required: a detail page or download that only asked "can this user
    see the row?" let a member read draft lists and reports its role may not open from the list.
    """
    from django.http import Http404

    try:
        return scope(queryset, actor, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        try:
            visible = scope(queryset, actor).filter(**lookup).exists()
        except (ValueError, TypeError, OverflowError):
            visible = False
        if visible:
            raise PermissionDenied("您没有权限查看此内容。") from exc
        raise Http404("未找到该记录") from exc


def acting_unit_ids(actor: Any, action: str | None = None) -> list[int]:
    """The units the actor acts for directly (for defaults in forms)."""
    return [g.unit_id for g in grants(actor) if action is None or g.allows(action)]
