"""工作进度 (read): the dashboard's figures from the same cache as the page."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from pufa.api.resources.common import ok
from pufa.org.access import require
from pufa.progress import selectors
from pufa.progress.schemas import DashboardOut, UnitProgressOut

router = Router(tags=["工作进度"])


class YearQuery(Schema):
    year: int | None = Field(default=None, ge=2000, le=2100, description="年度（默认今年）")


@router.get(
    "/progress/regions/{int:pk}/", response=ok(DashboardOut), summary="区划的工作进度", operation_id="progress_region"
)
def progress_region(request: HttpRequest, pk: int, query: Query[YearQuery]) -> object:
    """法宣办和督查人员查看本辖区及下级区划的进度（与“工作进度”页面同一份缓存数据）。"""
    require(request.user, "progress.view")
    region = selectors.dashboard_region_get(actor=request.user, pk=pk)
    return selectors.cached_dashboard(actor=request.user, region=region, year=query.year)


@router.get(
    "/progress/units/{int:pk}/", response=ok(UnitProgressOut), summary="单位的工作进度", operation_id="progress_unit"
)
def progress_unit(request: HttpRequest, pk: int, query: Query[YearQuery]) -> dict:
    """单位的各项任务及其状态和各期检查（联络员的“工作进度”即本单位的这一页）。"""
    require(request.user, "progress.view")
    unit = selectors.unit_for_actor(actor=request.user, pk=pk)
    year = query.year or timezone.localdate().year
    tasks = selectors.unit_progress(actor=request.user, unit=unit, year=year)
    return {"unit_id": unit.pk, "unit_name": unit.name, "year": year, "tasks": tasks}
