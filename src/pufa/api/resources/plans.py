"""规划、任务和量化指标 (read)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from pufa.api.resources.common import PageQuery, ok, page
from pufa.org.access import require
from pufa.plans import selectors
from pufa.plans.schemas import PlanOut, TargetOut, TaskOut

router = Router(tags=["规划与任务"])


class PlanPage(Schema):
    count: int
    items: list[PlanOut]


class PlanQuery(PageQuery):
    kind: str = Field(default="", max_length=20, description="类型代码")
    year: int | None = Field(default=None, ge=2000, le=2100, description="覆盖该年度的规划")
    q: str = Field(default="", max_length=100, description="标题或印发单位关键词")


@router.get("/plans/", response=ok(PlanPage), summary="规划列表", operation_id="plan_list")
def plan_list(request: HttpRequest, query: Query[PlanQuery]) -> dict:
    """您能看到的规划计划（本级及上级印发的），期间新的在前。"""
    require(request.user, "plans.view")
    return page(selectors.plan_list(actor=request.user, kind=query.kind, year=query.year, q=query.q.strip()), query)


@router.get("/plans/{int:pk}/", response=ok(PlanOut), summary="规划", operation_id="plan_get")
def plan_get(request: HttpRequest, pk: int) -> object:
    return selectors.plan_get(actor=request.user, pk=pk)


@router.get("/plans/{int:pk}/tasks/", response=ok(list[TaskOut]), summary="规划的任务", operation_id="plan_tasks")
def plan_tasks(request: HttpRequest, pk: int) -> object:
    """规划的任务，按文件顺序，含责任单位和量化指标。"""
    plan = selectors.plan_get(actor=request.user, pk=pk)
    return selectors.plan_tasks(actor=request.user, plan=plan)


@router.get("/tasks/{int:pk}/", response=ok(TaskOut), summary="任务", operation_id="task_get")
def task_get(request: HttpRequest, pk: int) -> object:
    return selectors.task_get(actor=request.user, pk=pk)


@router.get("/targets/{int:pk}/", response=ok(TargetOut), summary="量化指标", operation_id="target_get")
def target_get(request: HttpRequest, pk: int) -> object:
    return selectors.target_get(actor=request.user, pk=pk)
