"""Every read of the organisation app that a page, export or other app needs, scoped by the acting user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from pufa.core.models import AuditEntry
from pufa.org.access import grants, scope, visible_or_404
from pufa.org.models import Feedback, Membership, Region, Unit, User


def region_list(*, actor: Any, action: str | None = None) -> QuerySet[Region]:
    return scope(Region.objects.all(), actor, action).select_related("parent")


def region_get(*, actor: Any, pk: int) -> Region:
    return visible_or_404(Region.objects.select_related("parent"), actor, action="org.view", pk=pk)


@dataclass
class RegionNode:
    region: Region
    unit_count: int
    children: list[RegionNode]


def region_tree(*, actor: Any) -> list[RegionNode]:
    """The visible part of the region tree, with unit counts, in two queries."""
    regions = list(
        region_list(actor=actor)
        .annotate(unit_count=Count("units", filter=Q(units__deleted_at__isnull=True)))
        .order_by("path")
    )
    nodes = {r.pk: RegionNode(r, r.unit_count, []) for r in regions}
    roots: list[RegionNode] = []
    for region in regions:
        node = nodes[region.pk]
        parent = nodes.get(region.parent_id) if region.parent_id else None
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda n: n.region.pinyin)
    return roots


def unit_list(
    *, actor: Any, q: str = "", kind: str = "", region: Region | None = None, action: str | None = None
) -> QuerySet[Unit]:
    units = scope(Unit.objects.all(), actor, action).select_related("region", "parent")
    if q:
        units = units.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(pinyin__icontains=q.lower()))
    if kind:
        units = units.filter(kind=kind)
    if region is not None:
        units = units.filter(region__path__startswith=region.path)
    return units.order_by("pinyin")


def unit_get(*, actor: Any, pk: int, include_deleted: bool = False) -> Unit:
    base = Unit.all_objects if include_deleted else Unit.objects
    return visible_or_404(base.select_related("region", "parent"), actor, action="org.view", pk=pk)


def unit_get_by_code(*, actor: Any, code: str) -> Unit:
    return visible_or_404(Unit.objects.select_related("region"), actor, action="org.view", code=code)


def deleted_unit_list(*, actor: Any) -> QuerySet[Unit]:
    return scope(Unit.all_objects.filter(deleted_at__isnull=False), actor, "org.manage").select_related("region")


def membership_list(*, actor: Any, unit: Unit | None = None) -> QuerySet[Membership]:
    memberships = scope(Membership.objects.all(), actor).select_related("user", "unit", "unit__region")
    if unit is not None:
        memberships = memberships.filter(unit=unit)
    return memberships.order_by("unit__pinyin", "user__username")


def user_list(*, actor: Any, q: str = "") -> QuerySet[User]:
    """People who act for a visible unit (an office sees its region's people, a liaison its unit's)."""
    visible_units = scope(Unit.objects.all(), actor).values("pk")
    users = User.objects.filter(memberships__unit__in=visible_units).distinct()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    return users.prefetch_related("memberships__unit").order_by("username")


def user_get(*, actor: Any, pk: int) -> User:
    users = user_list(actor=actor)
    try:
        return users.get(pk=pk)
    except User.DoesNotExist as exc:
        from django.http import Http404

        raise Http404("未找到该用户") from exc


def audit_list(*, actor: Any, q: str = "", action: str = "", obj: Any = None) -> QuerySet[AuditEntry]:
    entries = scope(AuditEntry.objects.all(), actor, "audit.view").select_related("content_type")
    if q:
        entries = entries.filter(Q(actor_name__icontains=q) | Q(object_repr__icontains=q) | Q(message__icontains=q))
    if action:
        entries = entries.filter(action=action)
    if obj is not None:
        from django.contrib.contenttypes.models import ContentType

        entries = entries.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
    return entries


def feedback_list(*, actor: Any, status: str = "") -> QuerySet[Feedback]:
    """Offices see their region's feedback; every user also sees what they wrote themselves."""
    visible = scope(Feedback.objects.all(), actor, "feedback.view")
    own = (
        Feedback.objects.filter(author=actor) if getattr(actor, "is_authenticated", False) else Feedback.objects.none()
    )
    items = (visible | own).select_related("region", "author", "replied_by")
    if status:
        items = items.filter(status=status)
    return items.distinct()


def feedback_get(*, actor: Any, pk: int) -> Feedback:
    items = feedback_list(actor=actor)
    try:
        return items.get(pk=pk)
    except Feedback.DoesNotExist as exc:
        from django.http import Http404

        raise Http404("未找到该意见") from exc


def feedback_regions() -> QuerySet[Region]:
    """Regions a visitor may address feedback to: districts and streets (public information)."""
    return Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET]).order_by(
        "path"
    )


def primary_region(*, actor: Any) -> Region | None:
    """The region of the unit the actor first acts for: where their feedback goes by default."""
    first = next(iter(grants(actor)), None)
    if first is None:
        return None
    return Region.objects.filter(units__pk=first.unit_id).first()


def acting_units(*, actor: Any) -> QuerySet[Unit]:
    ids = [g.unit_id for g in grants(actor)]
    return Unit.objects.filter(pk__in=ids).select_related("region").order_by("pinyin")


@dataclass
class HomeSummary:
    units: list[Unit]
    roles: list[str]
    visible_unit_count: int
    visible_region_count: int
    new_feedback: int
    can_manage: bool


def home_summary(*, actor: Any) -> HomeSummary:
    from pufa.org.access import can

    g = grants(actor)
    return HomeSummary(
        units=list(acting_units(actor=actor)),
        roles=sorted({Membership.Role(x.role).label for x in g}),
        visible_unit_count=unit_list(actor=actor).count(),
        visible_region_count=region_list(actor=actor).count(),
        new_feedback=scope(Feedback.objects.filter(status=Feedback.Status.NEW), actor, "feedback.view").count(),
        can_manage=can(actor, "org.manage"),
    )


# ---------------------------------------------------------------- 待办 and recipients


def todos(actor: Any) -> list[Any] | None:
    """New feedback (意见建议) waiting for an office's reply, in the home inbox."""
    from django.urls import reverse

    from pufa.core.home import Todo
    from pufa.org.access import can

    if not can(actor, "feedback.reply"):
        return None
    count = scope(Feedback.objects.filter(status=Feedback.Status.NEW), actor, "feedback.view").count()
    return [Todo("条意见建议待答复", count, f"{reverse('org:feedback-list')}?status={Feedback.Status.NEW}", order=70)]


def liaisons_by_unit(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active liaison accounts of each unit: who receives 催办, 催报 and returned items."""
    people: dict[int, list[User]] = {}
    memberships = Membership.objects.filter(
        unit_id__in=list(unit_ids), role=Membership.Role.LIAISON, is_active=True, user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("id"):
        people.setdefault(membership.unit_id, []).append(membership.user)
    return people


def offices_over(unit: Unit) -> list[User]:
    """The office staff whose region covers the unit: they confirm its activities and file its lists."""
    from pufa.org.access import ancestor_paths

    memberships = Membership.objects.filter(
        role=Membership.Role.OFFICE,
        is_active=True,
        user__is_active=True,
        unit__deleted_at__isnull=True,
        unit__region__path__in=ancestor_paths(unit.region.path),
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())
