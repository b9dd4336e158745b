"""工作进度 (read): the dashboard's figures from the same cache as the page."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from pufa.api.resources.common import ok
from pufa.org.access import require
from pufa.progress import selectors
from pufa.progress.schemas import DashboardOut

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
