"""点单→派单→送单→评单: the writes of the ordering loop (the reads are in `demand.selectors`).

A resident, a community or a school orders a topic of the public 普法菜单 without an account (`order_place`,
called by the portal); the order is routed at once by `pufa.demand.routing` (谁执法谁普法: the unit whose
published duty list covers the domain there, else the office above). That unit accepts it or declines it with
a reason, then delivers it: the delivery is one ledger activity — recorded here through the ledger's own
`activity_create`, or one the unit already recorded — linked to the order (`MenuOrder.activity` is unique, so
an activity delivers one order and the ledger counts it once, as it counts any activity). The orderer rates it
through the private link (`order_rate`). An office of the place can reassign an order still waiting or declined.

Every step is a transition of `ORDER_FLOW` on the shared workflow (row lock, compare-and-set on the version,
one audit entry, the inbox resolved), so of parallel clicks one step is taken; each step announces
`RecordsChanged` for the loop's metrics. Time limits: a unit accepts within PUFA_MENU_ACCEPT_DAYS of the
routing and delivers within PUFA_MENU_DELIVER_DAYS of accepting (or by the orderer's wished date, if later);
`daily` (the daily pass) reminds the units of the orders past their limit, once a unit and day.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pufa.core import audit, events, notifications, workflow
from pufa.core.models import ActivityKind, Domain
from pufa.demand.models import MenuOrder
from pufa.demand.routing import route
from pufa.duties.models import DutyItem, DutyList
from pufa.ledger.models import Activity
from pufa.org.access import SYSTEM, can, scope
from pufa.org.models import Membership, Region, Unit
from pufa.org.roles import roles_with

Status = MenuOrder.Status
HANDLE = "demand.order.handle"
RATE = "demand.order.rate"  # not in the role table: only the orderer's private link carries it
UNDELIVER = "demand.order.undeliver"  # not in the role table: only SYSTEM, hearing the ledger, takes it

ORDERS = "demand.menu_orders"
BY_LIST = "demand.menu_by_list"
ON_TIME = "demand.menu_on_time"
RATING = "demand.menu_rating"
METRICS = frozenset({ORDERS, BY_LIST, ON_TIME, RATING})

PHONE = re.compile(r"^[0-9+\-\s]{7,20}$")


def accept_days() -> int:
    return int(settings.PUFA_MENU_ACCEPT_DAYS)


def deliver_days() -> int:
    return int(settings.PUFA_MENU_DELIVER_DAYS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Orderer:
    """Who acts through an order's private link: no account, allowed only the rating of that one order."""

    is_authenticated = False
    is_anonymous = True
    is_active = True
    is_superuser = False
    pk = None
    audit_name = "点单群众"

    def __init__(self, order_id: int) -> None:
        self.order_id = order_id


# ---------------------------------------------------------------- the workflow


def _permits(actor: Any, action: str, order: MenuOrder) -> bool:
    if action == RATE:
        return isinstance(actor, Orderer) and actor.order_id == order.pk
    if isinstance(actor, Orderer):
        return False
    if action == HANDLE:  # the unit the order is routed to acts (its liaisons, the offices above it)
        return can(actor, HANDLE, order.unit)
    return can(actor, action, order)


def _publish(order: MenuOrder, actor: Any, units: set[int]) -> None:
    """Tell the bus the loop's figures changed for these units on the day the order was placed (the date every
    metric of the loop counts an order by)."""
    events.publish(
        events.RecordsChanged(
            metrics=METRICS,
            unit_ids=frozenset(units),
            dates=frozenset({order.ordered_on}),
            source="demand.menu",
            actor=actor,
        )
    )


def _announce(step: workflow.Step) -> None:
    order = step.obj
    _publish(order, step.actor, {order.unit_id, *getattr(step, "previous_units", ())})


ORDER_FLOW = workflow.Workflow(
    model=MenuOrder,
    permits=_permits,
    announce=_announce,
    alive_only=False,
    transitions=[
        workflow.Transition(
            "accept",
            "接单",
            sources={Status.ROUTED},
            target=Status.ACCEPTED,
            action=HANDLE,
            code="demand.menu.accept",
            refused="该点单已不在待接单状态。",
        ),
        workflow.Transition(
            "decline",
            "拒单",
            sources={Status.ROUTED},
            target=Status.DECLINED,
            action=HANDLE,
            code="demand.menu.decline",
            refused="该点单已不在待接单状态。",
        ),
        workflow.Transition(
            "deliver",
            "送单",
            sources={Status.ACCEPTED},
            target=Status.DELIVERED,
            action=HANDLE,
            code="demand.menu.deliver",
            refused="只有已接单的点单可以登记送单。",
        ),
        workflow.Transition(
            "reassign",
            "改派",
            sources={Status.ROUTED, Status.DECLINED},
            target=Status.ROUTED,
            action="demand.manage",
            code="demand.menu.reassign",
            refused="已接单的点单不能改派。",
        ),
        workflow.Transition(
            "undeliver",
            "送单活动已撤销",
            sources={Status.DELIVERED, Status.RATED},
            target=Status.ACCEPTED,
            action=UNDELIVER,
            code="demand.menu.undeliver",
            refused="该点单没有送单活动。",
            notify=lambda step: _notify_undelivered(step.obj),
        ),
        workflow.Transition(
            "rate",
            "评单",
            sources={Status.DELIVERED},
            target=Status.RATED,
            action=RATE,
            code="demand.menu.rate",
            refused="该点单尚未送单或已经评价过。",
        ),
    ],
)


def moves(order: MenuOrder, actor: Any) -> dict[str, workflow.Transition]:
    return ORDER_FLOW.available(order, actor)


# ---------------------------------------------------------------- placing an order


@dataclass
class OrderData:
    """What the orderer fills in on the phone."""

    domain: Domain
    kind: ActivityKind
    place: Region
    orderer: str = MenuOrder.Orderer.RESIDENT
    orderer_name: str = ""
    contact_phone: str = ""
    wish_date: dt.date | None = None
    audience_size: int | None = None
    note: str = ""
    item: DutyItem | None = None


def _validate(data: OrderData, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if data.place.deleted_at is not None or data.place.level not in (Region.Level.STREET, Region.Level.COMMUNITY):
        errors["place"] = "请选择所在的社区（村）或街道（乡镇）。"
    if not data.domain.is_active:
        errors["domain"] = "该普法主题已停用。"
    if data.orderer not in MenuOrder.Orderer.values:
        errors["orderer"] = "请选择点单方。"
    if data.contact_phone and not PHONE.match(data.contact_phone):
        errors["contact_phone"] = "请填写正确的电话号码，或留空。"
    if data.wish_date is not None and not today <= data.wish_date <= today + dt.timedelta(days=366):
        errors["wish_date"] = "希望日期应在今天至一年之内。"
    if data.audience_size is not None and not 1 <= data.audience_size <= 100000:
        errors["audience_size"] = "预计人数应在1至100000之间。"
    if len(data.note) > 500 or len(data.orderer_name) > 60:
        errors["note"] = "需求说明不超过500字，称呼不超过60字。"
    if data.item is not None:
        public = DutyItem.objects.filter(
            pk=data.item.pk,
            deleted_at__isnull=True,
            duty_list__status__in=DutyList.PUBLIC_STATUSES,
            duty_list__deleted_at__isnull=True,
            domains=data.domain,
        )
        if not public.exists():
            errors["item"] = "该菜单项已不再提供，请重新选择。"
    if errors:
        raise ValidationError(errors)


def _handlers(unit_ids: list[int]) -> dict[int, list[Any]]:
    """The people who act for each unit on its orders (its liaisons; an office's office members)."""
    found: dict[int, list[Any]] = defaultdict(list)
    rows = Membership.objects.filter(
        unit_id__in=unit_ids, is_active=True, user__is_active=True, role__in=roles_with(HANDLE)
    ).select_related("user")
    for m in rows:
        if m.user not in found[m.unit_id]:
            found[m.unit_id].append(m.user)
    return found


def _notify_routed(order: MenuOrder) -> None:
    url = reverse("demand:menu-order-detail", args=[order.pk])
    for user in _handlers([order.unit_id]).get(order.unit_id, []):
        notifications.notify(
            user=user,
            key=f"demand.menu:{order.pk}:routed:{order.version}",
            title=f"新点单：{order.domain.name}（{order.kind.name}）",
            body=f"{order.place.name}的{order.get_orderer_display()}点单，请于{order.accept_due:%Y-%m-%d}前接单或说明理由拒单。",
            url=url,
            about=order,
        )


def order_place(*, data: OrderData, today: dt.date | None = None) -> tuple[MenuOrder, str]:
    """Place and route an order; returns it with the token of its private link (kept only as its hash)."""
    now = timezone.now()
    today = today or timezone.localdate()
    _validate(data, today)
    found = route(domain=data.domain, place=data.place, year=today.year)
    if found is None:
        raise ValidationError({"place": "该地区暂未开通点单，请联系当地司法所或法治办。"})
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        order = MenuOrder.objects.create(
            token_hash=token_hash(token),
            domain=data.domain,
            kind=data.kind,
            item=data.item,
            place=data.place,
            orderer=data.orderer,
            orderer_name=data.orderer_name.strip(),
            contact_phone=data.contact_phone.strip(),
            wish_date=data.wish_date,
            audience_size=data.audience_size,
            note=data.note.strip(),
            ordered_on=today,
            unit=found.unit,
            by_duty_list=found.by_duty_list,
            routed_at=now,
            accept_due=today + dt.timedelta(days=accept_days()),
        )
        how = "按普法责任清单" if found.by_duty_list else "无责任清单覆盖，由法治办"
        audit.log(
            actor=Orderer(order.pk),
            action=audit.Action.CREATE,
            obj=order,
            code="demand.menu.place",
            message=f"点单并派单：{how}派至{found.unit.name}",
        )
        _notify_routed(order)
        _publish(order, None, {order.unit_id})
    return order, token


def order_place_public(
    *, domain_id: int, kind_id: int, place_id: int, item_id: int | None = None, **fields: Any
) -> tuple[MenuOrder, str]:
    """`order_place` from the ids the portal's form posted: an id that names nothing orderable is a field error."""
    domain = Domain.objects.filter(pk=domain_id, is_active=True).first()
    kind = ActivityKind.objects.filter(pk=kind_id, is_active=True).first()
    place = Region.objects.filter(pk=place_id, deleted_at__isnull=True).first()
    errors = {}
    if domain is None:
        errors["domain"] = "请选择普法主题。"
    if kind is None:
        errors["kind"] = "请选择普法形式。"
    if place is None:
        errors["place"] = "请选择所在的社区（村）或街道。"
    if errors:
        raise ValidationError(errors)
    assert domain is not None and kind is not None and place is not None
    item = DutyItem.objects.filter(pk=item_id).first() if item_id else None
    return order_place(data=OrderData(domain=domain, kind=kind, place=place, item=item, **fields))


# ---------------------------------------------------------------- the unit's steps


def order_accept(*, actor: Any, order: MenuOrder, version: int | None = None) -> MenuOrder:
    def apply(row: MenuOrder) -> None:
        today = timezone.localdate()
        row.accepted_at = timezone.now()
        due = today + dt.timedelta(days=deliver_days())
        row.deliver_due = max(due, row.wish_date) if row.wish_date else due

    return ORDER_FLOW.run(
        "accept",
        actor=actor,
        obj=order,
        apply=apply,
        version=version,
        message=lambda row: f"送单时限：{row.deliver_due:%Y-%m-%d}",
    )


def order_decline(*, actor: Any, order: MenuOrder, reason: str, version: int | None = None) -> MenuOrder:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请说明拒单理由，点单群众会看到。"})

    def apply(row: MenuOrder) -> None:
        row.declined_at = timezone.now()
        row.decline_reason = reason[:500]

    return ORDER_FLOW.run("decline", actor=actor, obj=order, apply=apply, version=version, message=reason[:200])


def _check_activity(order: MenuOrder, activity: Activity) -> None:
    if activity.unit_id != order.unit_id:
        raise ValidationError({"activity": "送单活动须由承接单位组织。"})
    if activity.deleted_at is not None or activity.status not in Activity.COUNTED:
        raise ValidationError({"activity": "送单活动须已提交或已确认。"})
    if activity.date < order.ordered_on:
        raise ValidationError({"activity": "送单活动的日期不能早于点单日期。"})
    if MenuOrder.objects.filter(activity=activity).exclude(pk=order.pk).exists():
        raise ValidationError({"activity": "该活动已登记为另一条点单的送单，一次活动只计一次。"})


def order_deliver(
    *,
    actor: Any,
    order: MenuOrder,
    activity: Activity | None = None,
    data: Any = None,
    version: int | None = None,
) -> MenuOrder:
    """送单: link the ledger activity that delivered the order — one the unit recorded already (`activity`), or
    a new one recorded here through the ledger's service (`data`, a `ledger.services.ActivityData` of the
    unit, submitted at once). Either way the ledger holds one activity and counts it by its own rule."""
    from pufa.ledger.services import activity_create

    if (activity is None) == (data is None):
        raise ValidationError({"activity": "请选择已登记的活动，或填写本次送单活动。"})
    today = timezone.localdate()
    if data is not None:
        if data.unit is None or data.unit.pk != order.unit_id:
            raise ValidationError({"activity": "送单活动须由承接单位组织。"})
        if not order.ordered_on <= data.date <= today:
            raise ValidationError({"date": "活动日期应在点单日期至今天之间。"})

    def apply(row: MenuOrder) -> None:
        linked = activity
        if linked is None:
            linked = activity_create(actor=actor, data=data, submit=True)
        _check_activity(row, linked)
        row.activity = linked
        row.delivered_at = timezone.now()
        row.on_time = row.deliver_due is not None and linked.date <= row.deliver_due

    return ORDER_FLOW.run(
        "deliver",
        actor=actor,
        obj=order,
        apply=apply,
        version=version,
        message=lambda row: (
            f"送单活动：{row.activity.title}（{row.activity.date:%Y-%m-%d}）" + ("，按时" if row.on_time else "，超时")
        ),
    )


def order_reassign(*, actor: Any, order: MenuOrder, unit: Unit, version: int | None = None) -> MenuOrder:
    """改派: an office of the place sends an order waiting or declined to another unit of its region."""
    if isinstance(actor, Orderer) or not scope(Unit.objects.filter(pk=unit.pk), actor, "demand.manage").exists():
        raise PermissionDenied("只能改派给本辖区的单位。")
    previous = order.unit_id

    def apply(row: MenuOrder) -> None:
        if unit.pk == row.unit_id and row.status == Status.ROUTED:
            raise ValidationError({"unit": "该点单已派给这个单位。"})
        row.unit = unit
        row.by_duty_list = False
        row.routed_at = timezone.now()
        row.accept_due = timezone.localdate() + dt.timedelta(days=accept_days())
        row.accepted_at = row.declined_at = None
        row.decline_reason = ""

    def after(step: workflow.Step) -> None:
        step.previous_units = (previous,)  # type: ignore[attr-defined]
        _notify_routed(step.obj)

    return ORDER_FLOW.run(
        "reassign",
        actor=actor,
        obj=order,
        apply=apply,
        after=after,
        version=version,
        message=f"改派至{unit.name}",
    )


# ---------------------------------------------------------------- the orderer's phone, revealed


def may_reveal_phone(actor: Any, order: MenuOrder) -> bool:
    """Those who act for the unit handling the order, while there is a delivery to arrange (not once it is
    declined or rated), and only if the orderer left a phone."""
    if isinstance(actor, Orderer) or not order.contact_phone:
        return False
    return order.status not in (Status.DECLINED, Status.RATED) and can(actor, HANDLE, order.unit)


def order_reveal_phone(*, actor: Any, order: MenuOrder, reason: str = "") -> str:
    """The orderer's full contact phone, for the unit handling the order to arrange the delivery: shown masked
    everywhere else, revealed only by this explicit step, and audited every time (who, which order, why)."""
    if not may_reveal_phone(actor, order):
        raise PermissionDenied("只有承接单位在接单、送单期间可以查看点单方的完整电话。")
    reason = reason.strip()[:200]
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=order,
        code="demand.menu.reveal",
        message=f"查看点单方完整电话{('：' + reason) if reason else ''}",
    )
    return order.contact_phone


# ---------------------------------------------------------------- the delivery withdrawn in the ledger


def _notify_undelivered(order: MenuOrder) -> None:
    url = reverse("demand:menu-order-detail", args=[order.pk])
    for user in _handlers([order.unit_id]).get(order.unit_id, []):
        notifications.notify(
            user=user,
            key=f"demand.menu:{order.pk}:undelivered:{order.version}",
            title=f"点单的送单活动已撤销：{order.domain.name}（{order.kind.name}）",
            body=f"{order.place.name}的点单回到“已接单”，请重新登记送单（送单时限：{order.deliver_due or '—'}）。",
            url=url,
            about=order,
        )


#: Ledger changes after which an activity may no longer count (withdrawn → draft, returned, reopened, deleted).
_MAY_STOP_COUNTING = frozenset(
    {
        events.ActivitiesChanged.UPDATED,
        events.ActivitiesChanged.RETURNED,
        events.ActivitiesChanged.REOPENED,
        events.ActivitiesChanged.DELETED,
    }
)
_STEP_WORDS = {
    events.ActivitiesChanged.UPDATED: "撤回",
    events.ActivitiesChanged.RETURNED: "退回",
    events.ActivitiesChanged.REOPENED: "重新打开",
    events.ActivitiesChanged.DELETED: "删除",
}


def on_activities_changed(event: events.ActivitiesChanged) -> None:
    """An activity that delivered an order stopped counting in the ledger (withdrawn, returned, reopened or
    deleted): the order does not stay "delivered" silently — it goes back to "accepted" (to deliver again),
    its link, delivery time and any rating of that delivery cleared, with an audit entry naming the ledger
    step and a notification to the unit (its 待办 "待送单" counts it again). Taken by SYSTEM, so the ledger
    step never fails on the order's permissions; inside the ledger's transaction."""
    if event.name not in _MAY_STOP_COUNTING:
        return
    gone = [
        a.pk
        for a in event.activities
        if a.pk is not None and (a.deleted_at is not None or a.status not in Activity.COUNTED)
    ]
    if not gone:
        return
    linked = MenuOrder.objects.filter(activity_id__in=gone, status__in=[Status.DELIVERED, Status.RATED])
    who = _actor_name(event.actor)
    for order in linked.select_related("activity", "domain", "kind", "place"):
        activity = order.activity
        assert activity is not None
        rated = f"；原评分 {order.rating} 星作废，送单后可重新评单" if order.rating else ""
        message = (
            f"送单活动“{activity.title}”（{activity.date:%Y-%m-%d}）已被{who}在台账中"
            f"{_STEP_WORDS[event.name]}，点单回到已接单，请重新送单{rated}"
        )

        def apply(row: MenuOrder) -> None:
            row.activity = None
            row.delivered_at = None
            row.on_time = None
            row.rating = None
            row.rating_comment = ""
            row.rated_at = None

        ORDER_FLOW.run("undeliver", actor=SYSTEM, obj=order, apply=apply, message=message)


def _actor_name(actor: Any) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_full_name() or actor.get_username()
    return "系统"


# ---------------------------------------------------------------- the orderer's rating


def order_by_token(token: str) -> MenuOrder | None:
    if not token or len(token) > 100:
        return None
    return (
        MenuOrder.objects.select_related("unit", "domain", "kind", "place").filter(token_hash=token_hash(token)).first()
    )


def order_rate(*, token: str, rating: int, comment: str = "") -> MenuOrder:
    """评单 through the private link: 1–5 stars and an optional comment, once."""
    order = order_by_token(token)
    if order is None:
        raise PermissionDenied("链接无效。")
    if rating not in range(1, 6):
        raise ValidationError({"rating": "请选择1至5星。"})

    def apply(row: MenuOrder) -> None:
        row.rating = rating
        row.rating_comment = comment.strip()[:500]
        row.rated_at = timezone.now()

    return ORDER_FLOW.run("rate", actor=Orderer(order.pk), obj=order, apply=apply, message=f"{rating}星")


# ---------------------------------------------------------------- time limits


def overdue(today: dt.date) -> Any:
    """Orders past the limit of the step they wait on: not accepted by `accept_due`, not delivered by
    `deliver_due` (the same rule the lists and the 待办 count with, `selectors.overdue_q`)."""
    from pufa.demand.selectors import overdue_q

    return MenuOrder.objects.filter(overdue_q(today))


def send_reminders(*, today: dt.date) -> int:
    """催办: one notification a unit and day to those who act for it, naming its overdue orders."""
    late: dict[int, int] = defaultdict(int)
    for unit_id in overdue(today).values_list("unit_id", flat=True):
        late[unit_id] += 1
    if not late:
        return 0
    units = list(Unit.objects.filter(pk__in=late))
    url = reverse("demand:menu-order-list") + "?mine=1&figure=overdue"
    result = notifications.remind_units(
        units=units,
        recipients=_handlers(list(late)),
        key=lambda u: f"demand.menu.overdue:{u.pk}:{today.isoformat()}",
        title=lambda u: f"有{late[u.pk]}条点单已超过接单或送单时限",
        body=lambda u: f"{u.name}承接的点单中有{late[u.pk]}条已超时，请尽快接单、说明理由拒单或登记送单。",
        url=lambda u: url,
    )
    return result.notifications


def daily(event: events.DailyPass) -> None:
    event.results["点单超时提醒"] = send_reminders(today=event.today)
