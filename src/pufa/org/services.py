"""Every write to the organisation tree, accounts and feedback (STYLE.md: one service per write).

Each service checks permission with org.access.require, validates, writes inside a transaction and records
the audit entry there. `SYSTEM` is the trusted command line (seed-demo, imports run by an operator);
`None` may do nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pufa.core import audit, events
from pufa.core.actors import is_system, person
from pufa.core.chinese import pinyin_key
from pufa.org.access import Actor, can, forget_grants, require
from pufa.org.models import Feedback, Membership, Region, Unit, User

# ---------------------------------------------------------------- regions


def _region_paths(region: Region) -> None:
    parent = region.parent
    region.path = f"{parent.path if parent else '/'}{region.pk}/"
    region.depth = (parent.depth + 1) if parent else 0


def _check_region_parent(region: Region, parent: Region | None, level: str) -> None:
    if parent is None:
        return
    levels = list(Region.Level.values)
    if levels.index(level) <= levels.index(parent.level):
        raise ValidationError({"level": "下级区划的层级必须低于上级区划。"})
    if region.pk and parent.path.startswith(region.path):
        raise ValidationError({"parent": "不能把区划移到它自己的下级之下。"})


@transaction.atomic
def region_create(*, actor: Actor, name: str, level: str, parent: Region | None, code: str = "") -> Region:
    if parent is None:
        if not (is_system(actor) or getattr(actor, "is_superuser", False)):
            raise PermissionDenied("只有系统管理员可以新建顶级区划。")
    else:
        require(actor, "org.manage", parent)
    region = Region(name=name.strip(), level=level, parent=parent, code=code.strip(), pinyin=pinyin_key(name))
    _check_region_parent(region, parent, level)
    region.full_clean(exclude=["path"])
    region.save()
    _region_paths(region)
    region.save(update_fields=["path", "depth"])
    audit.log_create(actor=actor, obj=region, code="org.region.create")
    events.publish(events.OrgChanged())
    return region


@transaction.atomic
def region_update(*, actor: Actor, region: Region, name: str, code: str = "") -> Region:
    """Rename a region. Moving a region between parents is not offered: it would re-scope every record."""
    require(actor, "org.manage", region)
    before = audit.snapshot(region, ["name", "code"])
    region.name, region.code, region.pinyin = name.strip(), code.strip(), pinyin_key(name)
    region.full_clean(exclude=["path"])
    region.save()
    audit.log_update(actor=actor, obj=region, before=before, code="org.region.update")
    events.publish(events.OrgChanged())
    return region


# ---------------------------------------------------------------- units


@dataclass
class UnitData:
    name: str
    kind: str
    region: Region
    code: str = ""
    parent: Unit | None = None
    aliases: list[str] = field(default_factory=list)
    is_responsible_subject: bool = True
    contact_phone: str = ""


def _clean_aliases(aliases: list[str]) -> list[str]:
    seen: list[str] = []
    for alias in aliases:
        alias = alias.strip()
        if alias and alias not in seen:
            seen.append(alias)
    return seen


def _unit_code(name: str, region: Region) -> str:
    base = "".join(w[:1] for w in pinyin_key(f"{region.name}{name}").split()) or "unit"
    code, n = base[:56], 1
    while Unit.all_objects.filter(code=code).exists():
        n += 1
        code = f"{base[:56]}-{n}"
    return code


def _validate_unit(unit: Unit) -> None:
    if unit.parent is not None:
        if not unit.region.path.startswith(unit.parent.region.path):
            raise ValidationError({"parent": "上级单位须在本单位所属区划或其上级区划中。"})
        if unit.pk and unit.parent.path.startswith(unit.path):
            raise ValidationError({"parent": "不能把单位设为它自己下级单位的下级。"})
    clash = Unit.objects.filter(region=unit.region, name=unit.name).exclude(pk=unit.pk)
    if clash.exists():
        raise ValidationError({"name": f"“{unit.region.name}”已有名为“{unit.name}”的单位。"})
    try:
        unit.full_clean(exclude=["path", "pinyin"])
    except ValidationError as exc:
        if "code" in getattr(exc, "error_dict", {}):
            raise ValidationError({"code": "该单位编码已被使用，请换一个。"}) from exc
        raise


def _set_unit_path(unit: Unit) -> None:
    unit.path = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"


@transaction.atomic
def unit_create(*, actor: Actor, data: UnitData) -> Unit:
    require(actor, "org.manage", data.region)
    if data.parent is not None:
        require(actor, "org.view", data.parent)
    unit = Unit(
        name=data.name.strip(),
        kind=data.kind,
        region=data.region,
        parent=data.parent,
        code=data.code.strip() or _unit_code(data.name, data.region),
        aliases=_clean_aliases(data.aliases),
        is_responsible_subject=data.is_responsible_subject,
        contact_phone=data.contact_phone.strip(),
        pinyin=pinyin_key(data.name),
    )
    _validate_unit(unit)
    unit.save()
    _set_unit_path(unit)
    unit.save(update_fields=["path"])
    audit.log_create(actor=actor, obj=unit, code="org.unit.create")
    events.publish(events.OrgChanged())
    return unit


@transaction.atomic
def unit_update(*, actor: Actor, unit: Unit, data: UnitData) -> Unit:
    """Edit a unit. Its region and parent are fixed once records hang on it, so scoping never shifts."""
    require(actor, "org.manage", unit)
    before = audit.snapshot(unit)
    unit.name, unit.kind = data.name.strip(), data.kind
    unit.aliases = _clean_aliases(data.aliases)
    unit.is_responsible_subject = data.is_responsible_subject
    unit.contact_phone = data.contact_phone.strip()
    unit.pinyin = pinyin_key(unit.name)
    if data.code.strip():
        unit.code = data.code.strip()
    _validate_unit(unit)
    unit.save()
    audit.log_update(actor=actor, obj=unit, before=before, code="org.unit.update")
    events.publish(events.OrgChanged())
    return unit


@transaction.atomic
def unit_delete(*, actor: Actor, unit: Unit) -> Unit:
    """Soft-delete: the unit disappears from lists and grants, its records and trail stay."""
    require(actor, "org.manage", unit)
    if unit.children.filter(deleted_at__isnull=True).exists():
        raise ValidationError("该单位还有下级单位，请先处理下级单位。")
    unit.deleted_at = timezone.now()
    unit.save(update_fields=["deleted_at", "updated_at"])
    audit.log(actor=actor, action=audit.Action.DELETE, obj=unit, code="org.unit.delete")
    events.publish(events.OrgChanged())
    return unit


@transaction.atomic
def unit_restore(*, actor: Actor, unit: Unit) -> Unit:
    require(actor, "org.manage", unit)
    unit.deleted_at = None
    unit.save(update_fields=["deleted_at", "updated_at"])
    audit.log(actor=actor, action=audit.Action.RESTORE, obj=unit, code="org.unit.restore")
    events.publish(events.OrgChanged())
    return unit


# ---------------------------------------------------------------- users and memberships


@dataclass
class UserData:
    username: str
    full_name: str
    phone: str = ""
    email: str = ""
    is_active: bool = True


def _check_membership_target(actor: Actor, unit: Unit, role: str) -> None:
    require(actor, "org.manage", unit)
    if role not in Membership.Role.values:
        raise ValidationError({"role": "角色无效。"})


@transaction.atomic
def user_create(*, actor: Actor, data: UserData, password: str, unit: Unit, role: str) -> User:
    """Create an account together with its first membership: an account without a unit could see nothing."""
    _check_membership_target(actor, unit, role)
    username = data.username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用。"})
    user = User(
        username=username,
        full_name=data.full_name.strip(),
        phone=data.phone.strip(),
        email=data.email.strip(),
        is_active=data.is_active,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.log_create(actor=actor, obj=user, code="org.user.create")
    membership_add(actor=actor, user=user, unit=unit, role=role)
    return user


def _user_scope_path(user: User) -> str:
    first = user.memberships.select_related("unit__region").first()
    return first.unit.region.path if first else ""


def require_user_manage(actor: Actor, user: User) -> None:
    """An office manages a person only if every unit the person acts for lies in the office's region."""
    if is_system(actor) or getattr(actor, "is_superuser", False):
        return
    units = [m.unit for m in user.memberships.select_related("unit")]
    if not units or not all(can(actor, "org.manage", u) for u in units):
        raise PermissionDenied("您没有权限管理该用户。")


@transaction.atomic
def user_update(*, actor: Actor, user: User, data: UserData) -> User:
    require_user_manage(actor, user)
    before = audit.snapshot(user, ["full_name", "phone", "email", "is_active"])
    user.full_name, user.phone = data.full_name.strip(), data.phone.strip()
    user.email, user.is_active = data.email.strip(), data.is_active
    user.full_clean(exclude=["password"])
    user.save()
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=user,
        code="org.user.update",
        changes=audit.diff(before, audit.snapshot(user, list(before))),
        scope_path=_user_scope_path(user),
    )
    return user


@transaction.atomic
def user_set_password(*, actor: Actor, user: User, password: str) -> User:
    require_user_manage(actor, user)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=user,
        code="org.user.password",
        message="重置密码",
        scope_path=_user_scope_path(user),
    )
    return user


@transaction.atomic
def membership_add(*, actor: Actor, user: User, unit: Unit, role: str) -> Membership:
    _check_membership_target(actor, unit, role)
    membership, created = Membership.objects.get_or_create(user=user, unit=unit, role=role)
    if not created and membership.is_active:
        raise ValidationError({"role": "该用户在此单位已有这个角色。"})
    membership.is_active = True
    membership.save()
    forget_grants(user)
    audit.log_create(actor=actor, obj=membership, code="org.membership.add")
    return membership


@transaction.atomic
def membership_end(*, actor: Actor, membership: Membership) -> Membership:
    """End a membership (kept, inactive), so the trail still shows who acted for the unit then."""
    require(actor, "org.manage", membership.unit)
    membership.is_active = False
    membership.save(update_fields=["is_active", "updated_at"])
    forget_grants(membership.user)
    audit.log(actor=actor, action=audit.Action.DELETE, obj=membership, code="org.membership.end")
    return membership


# ---------------------------------------------------------------- feedback


@transaction.atomic
def feedback_submit(
    *, actor: Actor, kind: str, content: str, region: Region, contact: str = "", page: str = ""
) -> Feedback:
    """Anyone may write, logged in or not; it lands with the offices of the region (DESIGN.md, principle 2)."""
    content = content.strip()
    if len(content) < 5:
        raise ValidationError({"content": "请至少写5个字，说明您的意见或问题。"})
    author = person(actor)
    feedback = Feedback(
        kind=kind, content=content, contact=contact.strip(), page=page[:300], author=author, region=region
    )
    feedback.full_clean()
    feedback.save()
    audit.log(
        actor=author,
        action=audit.Action.CREATE,
        obj=feedback,
        code="org.feedback.submit",
        object_repr=f"{feedback.get_kind_display()} #{feedback.pk}",
    )
    return feedback


@transaction.atomic
def feedback_reply(*, actor: Actor, feedback: Feedback, reply: str) -> Feedback:
    require(actor, "feedback.reply", feedback)
    reply = reply.strip()
    if not reply:
        raise ValidationError({"reply": "请填写答复内容。"})
    before = audit.snapshot(feedback, ["status", "reply"])
    feedback.reply, feedback.status = reply, Feedback.Status.REPLIED
    feedback.replied_by, feedback.replied_at = person(actor), timezone.now()
    feedback.save()
    audit.log_update(actor=actor, obj=feedback, before=before, code="org.feedback.reply")
    return feedback
