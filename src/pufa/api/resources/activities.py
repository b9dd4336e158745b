"""工作台账 (activities): list with the page's filters and cursor paging, read, create, update, and every
workflow step of the page (submit, withdraw; the office's confirm, return, reopen; delete).

Writes go through `pufa.ledger.services` — the same validation, audit entry, workflow step, notifications
and events (duties matching, progress figures) as the pages. References in a body (unit, co-organisers,
region, tasks, codes) are resolved as the form resolves them: the organising unit through the actor's scope
(invisible → 404; visible but not one the actor records for → 403 from the service), the rest from the
choices the form offers (anything else → 422).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Status

from pufa.api.resources.common import WRITE_ERRORS, ok
from pufa.core.models import ActivityKind, Audience, Domain
from pufa.ledger import filters as ledger_filters
from pufa.ledger import selectors, services
from pufa.ledger.models import Activity
from pufa.ledger.schemas import (
    ActivityCreateIn,
    ActivityIn,
    ActivityOut,
    ActivityPage,
    ActivityQuery,
    ActivityUpdateIn,
    TransitionIn,
)
from pufa.org import selectors as org_selectors
from pufa.org.access import can, require
from pufa.plans.models import Task

router = Router(tags=["工作台账"])


def _by_codes(model: type, codes: list[str], field: str, label: str) -> list[Any]:
    rows = list(model.objects.filter(code__in=codes))  # type: ignore[attr-defined]
    missing = sorted(set(codes) - {r.code for r in rows})
    if missing:
        raise ValidationError({field: f"未知的{label}代码：{'、'.join(missing)}"})
    return rows


def _data(actor: Any, body: ActivityIn) -> services.ActivityData:
    """The body as the ledger's ActivityData, references resolved as the activity form resolves them."""
    unit = org_selectors.unit_get(actor=actor, pk=body.unit)
    kind = ActivityKind.objects.filter(code=body.kind).first()
    if kind is None:
        raise ValidationError({"kind": f"未知的活动形式代码：{body.kind}"})
    co_organisers = list(selectors.co_organiser_choices(unit=unit).filter(pk__in=body.co_organisers))
    if len(co_organisers) != len(set(body.co_organisers)):
        raise ValidationError({"co_organisers": "协办单位须为组织单位所在区县的单位。"})
    place_region = None
    if body.place_region is not None:
        place_region = selectors.place_region_choices(unit=unit).filter(pk=body.place_region).first()
        if place_region is None:
            raise ValidationError({"place_region": "活动所在区划须在组织单位所在的区县内。"})
    tasks = list(Task.objects.filter(pk__in=body.tasks))
    if len(tasks) != len(set(body.tasks)):
        raise ValidationError({"tasks": "关联的任务中有您无权查看的任务。"})
    return services.ActivityData(
        unit=unit,
        title=body.title,
        kind=kind,
        date=body.date,
        co_organisers=co_organisers,
        end_date=body.end_date,
        start_time=body.start_time,
        place=body.place,
        place_region=place_region,
        domains=_by_codes(Domain, body.domains, "domains", "普法领域"),
        audiences=_by_codes(Audience, body.audiences, "audiences", "普法对象"),
        laws=body.laws,
        people_onsite=body.people_onsite,
        people_online=body.people_online,
        materials=body.materials,
        tasks=tasks,  # the service refuses tasks the actor may not see
        description=body.description,
        is_highlight=body.is_highlight,
    )


def _detail(actor: Any, pk: int) -> Activity:
    return selectors.activity_get(actor=actor, pk=pk, include_deleted=can(actor, "ledger.review"))


@router.get("/activities/", response=ok(ActivityPage), summary="台账列表", operation_id="activity_list")
def activity_list(request: HttpRequest, query: Query[ActivityQuery]) -> dict:
    """您能看到的活动记录，按活动日期倒序；筛选条件与台账页面相同。用 `next_cursor` 翻页。"""
    require(request.user, "ledger.view")
    filters = ledger_filters.parse_filters(request.GET, request.user)
    result = selectors.activity_page(actor=request.user, filters=filters, after=query.cursor, size=query.limit)
    return {"items": result.rows, "next_cursor": result.next_cursor or None}


@router.get("/activities/{int:pk}/", response=ok(ActivityOut), summary="台账记录", operation_id="activity_get")
def activity_get(request: HttpRequest, pk: int) -> Activity:
    return _detail(request.user, pk)


@router.post(
    "/activities/", response=ok(ActivityOut, 201, write=True), summary="登记活动", operation_id="activity_create"
)
def activity_create(request: HttpRequest, body: ActivityCreateIn) -> Status[Activity]:
    """登记一条活动记录（草稿；`submit` 为 true 时登记并提交）。"""
    require(request.user, "ledger.record")
    activity = services.activity_create(actor=request.user, data=_data(request.user, body), submit=body.submit)
    return Status(201, _detail(request.user, activity.pk))


@router.put(
    "/activities/{int:pk}/", response=ok(ActivityOut, write=True), summary="修改活动", operation_id="activity_update"
)
def activity_update(request: HttpRequest, pk: int, body: ActivityUpdateIn) -> Activity:
    """修改草稿或已退回的记录；`version` 须为读取时的版本号，记录已被他人修改时返回 409。"""
    activity = _detail(request.user, pk)
    require(request.user, "ledger.record", activity.unit)
    services.activity_update(
        actor=request.user, activity=activity, data=_data(request.user, body), version=body.version
    )
    return _detail(request.user, pk)


@router.post(
    "/activities/{int:pk}/submit/",
    response=ok(ActivityOut, write=True),
    summary="提交活动",
    operation_id="activity_submit",
)
def activity_submit(request: HttpRequest, pk: int) -> Activity:
    """草稿或已退回 → 已提交，等待法宣办确认；从此计入统计。"""
    activity = _detail(request.user, pk)
    services.activity_transition(actor=request.user, activity=activity, name="submit")
    return _detail(request.user, pk)


def _step(request: HttpRequest, pk: int, name: str, reason: str = "") -> Activity:
    """One workflow step, exactly as the page's button takes it (same service, checks, audit and events)."""
    activity = _detail(request.user, pk)
    services.activity_transition(actor=request.user, activity=activity, name=name, reason=reason)
    return _detail(request.user, pk)


@router.post(
    "/activities/{int:pk}/withdraw/",
    response=ok(ActivityOut, write=True),
    summary="撤回活动",
    operation_id="activity_withdraw",
)
def activity_withdraw(request: HttpRequest, pk: int) -> Activity:
    """已提交、尚未确认 → 草稿（补充照片或改正数字后再提交）。"""
    return _step(request, pk, "withdraw")


@router.post(
    "/activities/{int:pk}/confirm/",
    response=ok(ActivityOut, write=True),
    summary="确认活动",
    operation_id="activity_confirm",
)
def activity_confirm(request: HttpRequest, pk: int) -> Activity:
    """法宣办：已提交 → 已确认，记录从此冻结。"""
    return _step(request, pk, "confirm")


@router.post(
    "/activities/{int:pk}/return/",
    response=ok(ActivityOut, write=True),
    summary="退回活动",
    operation_id="activity_return",
)
def activity_return(request: HttpRequest, pk: int, body: TransitionIn) -> Activity:
    """法宣办：已提交 → 已退回，须写明原因；退回的记录不计入统计，单位改正后重新提交。"""
    return _step(request, pk, "return", body.reason)


@router.post(
    "/activities/{int:pk}/reopen/",
    response=ok(ActivityOut, write=True),
    summary="重新打开活动",
    operation_id="activity_reopen",
)
def activity_reopen(request: HttpRequest, pk: int, body: TransitionIn) -> Activity:
    """法宣办：已确认 → 已退回，须写明原因（记入操作记录）。"""
    return _step(request, pk, "reopen", body.reason)


@router.post(
    "/activities/{int:pk}/delete/",
    response={204: None, **WRITE_ERRORS},
    summary="删除活动",
    operation_id="activity_delete",
)
def activity_delete(request: HttpRequest, pk: int, body: TransitionIn) -> Status[None]:
    """单位可删除本单位的草稿和已退回记录，法宣办可删除任何记录；删除后可在保留期内恢复。"""
    activity = _detail(request.user, pk)
    services.activity_transition(actor=request.user, activity=activity, name="delete", reason=body.reason)
    return Status(204, None)
