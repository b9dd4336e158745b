"""The resources of the areas built on the ledger (read only): 以案释法案例, 法治文化阵地, 队伍成员,
学法考试成绩, 效果评估问卷 and their 宣传活动, and 热线工单 — each read through its app's selectors, so scope and
masking are the pages'."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from pufa.api.resources.common import PageQuery, ok, page
from pufa.cases import selectors as case_selectors
from pufa.cases.schemas import CaseDetailOut, CaseOut
from pufa.demand import selectors as demand_selectors
from pufa.demand import services as demand_services
from pufa.demand.schemas import WorkOrderOut, WorkOrderPushIn, WorkOrderPushOut
from pufa.exams import selectors as exam_selectors
from pufa.exams.schemas import ExamOut, ExamResultsOut
from pufa.org import selectors as org_selectors
from pufa.org.access import require
from pufa.people import selectors as people_selectors
from pufa.people.schemas import PersonOut
from pufa.surveys import selectors as survey_selectors
from pufa.surveys.schemas import CampaignOut, SurveyOut
from pufa.venues import selectors as venue_selectors
from pufa.venues.schemas import VenueOut

router = Router(tags=["案例、阵地、队伍、考试、问卷和工单"])


# ---------------------------------------------------------------- 以案释法案例


class CasePage(Schema):
    count: int
    items: list[CaseOut]


class CaseQuery(Schema):
    q: str = Field(default="", max_length=100, description="检索词（案情、要旨、说理、标题），按相关度排序")
    status: Literal["", "draft", "submitted", "reviewed", "published", "withdrawn"] = Field(
        default="", description="状态"
    )
    page: int = Field(default=1, ge=1, le=10_000, description="页码")
    limit: int = Field(default=20, ge=1, le=100, description="每页条数")


@router.get("/cases/", response=ok(CasePage), summary="案例列表", operation_id="case_list")
def case_list(request: HttpRequest, query: Query[CaseQuery]) -> dict:
    """您能看到的案例；有检索词时按相关度排序，否则按修改时间倒序。"""
    require(request.user, "cases.view")
    filters = case_selectors.CaseFilters(q=query.q.strip(), status=query.status)
    result = case_selectors.case_page(actor=request.user, filters=filters, page=query.page, size=query.limit)
    return {"count": result.total, "items": [hit.case for hit in result.hits]}


@router.get("/cases/{int:pk}/", response=ok(CaseDetailOut), summary="案例", operation_id="case_get")
def case_get(request: HttpRequest, pk: int) -> object:
    return case_selectors.case_get(actor=request.user, pk=pk)


# ---------------------------------------------------------------- 法治文化阵地


class VenuePage(Schema):
    count: int
    items: list[VenueOut]


class VenueQuery(PageQuery):
    q: str = Field(default="", max_length=100, description="名称或地址")
    region: int | None = Field(default=None, description="区划编号：该区划及下级区划的阵地")
    unit: int | None = Field(default=None, description="管理单位编号")
    kind: list[str] = Field(default_factory=list, description="阵地类型代码，可多个")


@router.get("/venues/", response=ok(VenuePage), summary="阵地列表", operation_id="venue_list")
def venue_list(request: HttpRequest, query: Query[VenueQuery]) -> dict:
    """您能看到的阵地，按区划、类型和名称排序。"""
    require(request.user, "venues.view")
    region = org_selectors.region_get(actor=request.user, pk=query.region) if query.region else None
    unit = org_selectors.unit_get(actor=request.user, pk=query.unit) if query.unit else None
    venues = venue_selectors.venue_list(
        actor=request.user, region=region, unit=unit, kinds=query.kind[:20], q=query.q.strip()
    )
    return page(venues, query)


@router.get("/venues/{int:pk}/", response=ok(VenueOut), summary="阵地", operation_id="venue_get")
def venue_get(request: HttpRequest, pk: int) -> object:
    return venue_selectors.venue_get(actor=request.user, pk=pk)


# ---------------------------------------------------------------- 队伍成员


class PersonPage(Schema):
    count: int
    items: list[PersonOut]


class PersonQuery(PageQuery):
    q: str = Field(default="", max_length=50, description="姓名")
    kind: list[str] = Field(default_factory=list, description="队伍类别代码，可多个：只列当日在这些队伍中的人员")
    unit: int | None = Field(default=None, description="管理单位编号")


@router.get("/people/", response=ok(PersonPage), summary="队伍成员列表", operation_id="person_list")
def person_list(request: HttpRequest, query: Query[PersonQuery]) -> dict:
    """您能看到的队伍成员（电话打码，身份证号只有后四位），按姓名拼音排序。"""
    require(request.user, "people.view")
    unit = org_selectors.unit_get(actor=request.user, pk=query.unit) if query.unit else None
    filters = people_selectors.RosterFilters(q=query.q.strip(), kinds=query.kind[:20], unit=unit.pk if unit else None)
    return page(people_selectors.person_list(actor=request.user, filters=filters), query)


@router.get("/people/{int:pk}/", response=ok(PersonOut), summary="队伍成员", operation_id="person_get")
def person_get(request: HttpRequest, pk: int) -> object:
    person = people_selectors.person_get(actor=request.user, pk=pk)
    today = timezone.localdate()  # the list's rule: on a team today (joined on or before, not yet left)
    person.teams = [  # type: ignore[attr-defined]
        m
        for m in people_selectors.person_history(person=person)
        if m.start <= today and (m.end is None or m.end > today)
    ]
    return person


# ---------------------------------------------------------------- 学法考试


class ExamPage(Schema):
    count: int
    items: list[ExamOut]


class ExamQuery(PageQuery):
    status: Literal["", "draft", "published", "closed"] = Field(default="", description="状态")


@router.get("/exams/", response=ok(ExamPage), summary="考试列表", operation_id="exam_list")
def exam_list(request: HttpRequest, query: Query[ExamQuery]) -> dict:
    require(request.user, "exams.view")
    return page(exam_selectors.exam_list(request.user, status=query.status), query)


@router.get("/exams/{int:pk}/", response=ok(ExamOut), summary="考试", operation_id="exam_get")
def exam_get(request: HttpRequest, pk: int) -> object:
    return exam_selectors.exam_get(actor=request.user, pk=pk)


@router.get(
    "/exams/{int:pk}/results/", response=ok(ExamResultsOut), summary="考试成绩汇总", operation_id="exam_results"
)
def exam_results(request: HttpRequest, pk: int) -> Any:
    """应考尽考：应考、参考、合格人数和比率，合计及各单位（您能看到的单位），与成绩页面相同。"""
    exam = exam_selectors.exam_get(actor=request.user, pk=pk)
    require(request.user, "exams.view", exam)
    return exam_selectors.exam_standing(exam, request.user)


# ---------------------------------------------------------------- 效果评估问卷


class SurveyPage(Schema):
    count: int
    items: list[SurveyOut]


class SurveyQuery(PageQuery):
    status: Literal["", "draft", "published", "closed"] = Field(default="", description="状态")
    kind: Literal["", "literacy", "feedback", "annual"] = Field(default="", description="问卷类型")
    activity: int | None = Field(default=None, description="台账活动编号：评估该活动的问卷")


@router.get("/surveys/", response=ok(SurveyPage), summary="问卷列表", operation_id="survey_list")
def survey_list(request: HttpRequest, query: Query[SurveyQuery]) -> dict:
    """您能看到的效果评估问卷及其答卷份数，按创建时间倒序。"""
    require(request.user, "surveys.view")
    rows = survey_selectors.survey_list(
        actor=request.user, status=query.status, kind=query.kind, activity_id=query.activity
    )
    return page(rows, query)


@router.get("/surveys/{int:pk}/", response=ok(SurveyOut), summary="问卷", operation_id="survey_get")
def survey_get(request: HttpRequest, pk: int) -> object:
    survey = survey_selectors.survey_get(actor=request.user, pk=pk)
    survey.response_count = survey_selectors.responses(survey).count()  # type: ignore[attr-defined]
    return survey


class CampaignPage(Schema):
    count: int
    items: list[CampaignOut]


class CampaignQuery(PageQuery):
    q: str = Field(default="", max_length=100, description="名称")


@router.get("/campaigns/", response=ok(CampaignPage), summary="宣传活动列表", operation_id="campaign_list")
def campaign_list(request: HttpRequest, query: Query[CampaignQuery]) -> dict:
    """您能看到的宣传活动及其问卷数、关联活动数，按开始日期倒序。问卷所属的宣传活动见问卷的 campaign_id。"""
    require(request.user, "surveys.view")
    return page(survey_selectors.campaign_list(actor=request.user, q=query.q.strip()), query)


@router.get("/campaigns/{int:pk}/", response=ok(CampaignOut), summary="宣传活动", operation_id="campaign_get")
def campaign_get(request: HttpRequest, pk: int) -> object:
    campaign = survey_selectors.campaign_get(actor=request.user, pk=pk)
    return survey_selectors.campaign_list(actor=request.user).get(pk=campaign.pk)  # with its counts


# ---------------------------------------------------------------- 热线工单


class WorkOrderPage(Schema):
    count: int
    items: list[WorkOrderOut]


class WorkOrderQuery(PageQuery):
    q: str = Field(default="", max_length=100, description="工单编号、诉求内容或地址")
    place: int | None = Field(default=None, description="区划编号：该区划及下级区划的工单")
    start: dt.date | None = Field(default=None, description="受理日期起（含）")
    end: dt.date | None = Field(default=None, description="受理日期止（含）")
    review: bool = Field(default=False, description="只看待复核分类的工单")


@router.get("/work-orders/", response=ok(WorkOrderPage), summary="热线工单列表", operation_id="work_order_list")
def work_order_list(request: HttpRequest, query: Query[WorkOrderQuery]) -> dict:
    """您能看到的 12345/12348 热线工单（法宣办、督查人员），按受理时间倒序。"""
    require(request.user, "demand.view")
    place = org_selectors.region_get(actor=request.user, pk=query.place) if query.place else None
    rows = demand_selectors.order_list(
        actor=request.user, place=place, start=query.start, end=query.end, review=query.review, q=query.q.strip()
    )
    return page(rows.order_by("-received_at", "-id"), query)


@router.get("/work-orders/{int:pk}/", response=ok(WorkOrderOut), summary="热线工单", operation_id="work_order_get")
def work_order_get(request: HttpRequest, pk: int) -> object:
    return demand_selectors.order_get(actor=request.user, pk=pk)


@router.post(
    "/work-orders/",
    response=ok(WorkOrderPushOut, write=True),
    summary="推送热线工单",
    operation_id="work_order_push",
)
def work_order_push(request: HttpRequest, body: WorkOrderPushIn) -> dict:
    """12345/12348 工单系统推送工单（法宣办的令牌）：每次 1–500 条，字段与文件导入相同；
    任何一条有误则整批不保存，`detail` 逐条说明（“第3条：受理时间……”）。
    再次推送同一工单编号即更新该工单，不会重复。来电人姓名、电话不读取、不保存，诉求内容中的电话、身份证号保存前打码。
    工单随即按领域和地点分类，与导入的工单相同。"""
    region = demand_selectors.push_region(actor=request.user, pk=body.region)
    rows = [{**row.dict(), "number": str(row.number)} for row in body.orders]
    result, outcomes = demand_services.push_orders(actor=request.user, region=region, rows=rows)
    return {
        "region_id": region.pk,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "review": result.review,
        "orders": [
            {
                "id": order.pk,
                "number": order.number,
                "result": outcome,
                "domain": order.domain.code if order.domain is not None else None,
                "domain_confidence": order.domain_confidence,
                "place_id": order.place_id,
                "place_confidence": order.place_confidence,
            }
            for order, outcome in outcomes
        ],
    }
