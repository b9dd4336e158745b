"""区划与单位 (read), and the taxonomies a client needs to record an activity."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from pufa.api.resources.common import PageQuery, ok, page
from pufa.core.models import ActivityKind, Audience, Domain
from pufa.org import selectors
from pufa.org.access import require
from pufa.org.schemas import RegionOut, UnitOut

router = Router(tags=["区划与单位"])


class RegionPage(Schema):
    count: int
    items: list[RegionOut]


class UnitPage(Schema):
    count: int
    items: list[UnitOut]


class UnitQuery(PageQuery):
    q: str = Field(default="", max_length=100, description="名称、编码或拼音")
    kind: str = Field(default="", max_length=32, description="单位类型代码")
    region: int | None = Field(default=None, description="区划编号：该区划及下级区划的单位")


class TaxonomyOut(Schema):
    code: str = Field(description="代码")
    name: str = Field(description="名称")
    is_active: bool = Field(description="启用（停用的不能用于新记录）")


@router.get("/regions/", response=ok(RegionPage), summary="区划列表", operation_id="region_list")
def region_list(request: HttpRequest, query: Query[PageQuery]) -> dict:
    """您能看到的区划（法宣办和督查人员：本辖区；联络员没有区划视图）。"""
    require(request.user, "org.view")
    return page(selectors.region_list(actor=request.user).order_by("path"), query)


@router.get("/regions/{int:pk}/", response=ok(RegionOut), summary="区划", operation_id="region_get")
def region_get(request: HttpRequest, pk: int) -> object:
    return selectors.region_get(actor=request.user, pk=pk)


@router.get("/units/", response=ok(UnitPage), summary="单位列表", operation_id="unit_list")
def unit_list(request: HttpRequest, query: Query[UnitQuery]) -> dict:
    """您能看到的单位，按拼音排序。"""
    require(request.user, "org.view")
    region = selectors.region_get(actor=request.user, pk=query.region) if query.region else None
    units = selectors.unit_list(actor=request.user, q=query.q.strip(), kind=query.kind, region=region)
    return page(units, query)


@router.get("/units/{int:pk}/", response=ok(UnitOut), summary="单位", operation_id="unit_get")
def unit_get(request: HttpRequest, pk: int) -> object:
    return selectors.unit_get(actor=request.user, pk=pk)


@router.get("/kinds/", response=ok(list[TaxonomyOut]), summary="活动形式", operation_id="kind_list")
def kind_list(request: HttpRequest) -> object:
    return ActivityKind.objects.order_by("sort_order", "id")


@router.get("/domains/", response=ok(list[TaxonomyOut]), summary="普法领域", operation_id="domain_list")
def domain_list(request: HttpRequest) -> object:
    return Domain.objects.order_by("sort_order", "id")


@router.get("/audiences/", response=ok(list[TaxonomyOut]), summary="普法对象", operation_id="audience_list")
def audience_list(request: HttpRequest) -> object:
    return Audience.objects.order_by("sort_order", "id")
