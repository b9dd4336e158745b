"""普法责任清单及其事项 (read). The responsible person's phone is masked unless the caller may edit the list,
as on the list page."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from pufa.api.resources.common import PageQuery, ok, page
from pufa.duties import selectors
from pufa.duties.schemas import DutyItemOut, DutyListOut
from pufa.org.access import can, require

router = Router(tags=["普法责任清单"])


class DutyListPage(Schema):
    count: int
    items: list[DutyListOut]


class DutyListQuery(PageQuery):
    year: int | None = Field(default=None, ge=2000, le=2100, description="年度")
    status: str = Field(default="", max_length=20, description="状态代码")
    q: str = Field(default="", max_length=100, description="单位名称或拼音")


@router.get("/duty-lists/", response=ok(DutyListPage), summary="责任清单列表", operation_id="duty_list_list")
def duty_list_list(request: HttpRequest, query: Query[DutyListQuery]) -> dict:
    require(request.user, "duties.view")
    lists = selectors.duty_list_list(actor=request.user, year=query.year, status=query.status, q=query.q.strip())
    return page(lists, query)


@router.get("/duty-lists/{int:pk}/", response=ok(DutyListOut), summary="责任清单", operation_id="duty_list_get")
def duty_list_get(request: HttpRequest, pk: int) -> object:
    return selectors.duty_list_get(actor=request.user, pk=pk)


@router.get(
    "/duty-lists/{int:pk}/items/", response=ok(list[DutyItemOut]), summary="清单事项", operation_id="duty_item_list"
)
def duty_item_list(request: HttpRequest, pk: int) -> list[DutyItemOut]:
    duty_list = selectors.duty_list_get(actor=request.user, pk=pk)
    show_phone = can(request.user, "duties.edit", duty_list)
    items = selectors.duty_item_list(actor=request.user, duty_list=duty_list)
    return [DutyItemOut.from_item(item, show_phone=show_phone) for item in items]


@router.get("/duty-items/{int:pk}/", response=ok(DutyItemOut), summary="清单事项", operation_id="duty_item_get")
def duty_item_get(request: HttpRequest, pk: int) -> DutyItemOut:
    item = selectors.duty_item_get(actor=request.user, pk=pk)
    return DutyItemOut.from_item(item, show_phone=can(request.user, "duties.edit", item.duty_list))
