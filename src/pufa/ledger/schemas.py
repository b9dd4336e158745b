"""What the data interface (`pufa.api`) reads and writes for ledger activities. The api app imports these
schemas and the ledger's selectors and services; the ledger never imports the api app.

The list's query parameters are the ledger page's filters, read by the same `pufa.ledger.filters.parse_filters`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema

from pufa.ledger.models import Activity
from pufa.org.schemas import UnitRef

StatusCode = Literal["draft", "submitted", "confirmed", "returned"]


def _co_organisers(activity: Activity) -> list[dict[str, Any]]:
    return [{"id": p.unit_id, "name": p.unit.name} for p in activity.participants.all() if not p.is_organiser]


class ActivityRowOut(Schema):
    """台账记录（列表行）"""

    id: int
    title: str = Field(description="活动名称")
    date: dt.date = Field(description="活动日期")
    status: StatusCode = Field(description="状态代码：draft 草稿、submitted 已提交、confirmed 已确认、returned 已退回")
    status_label: str = Field(alias="get_status_display", description="状态")
    unit_id: int = Field(description="组织单位编号")
    unit_name: str = Field(alias="unit.name", description="组织单位")
    kind: str = Field(alias="kind.code", description="活动形式代码")
    kind_label: str = Field(alias="kind.name", description="活动形式")
    people_onsite: int = Field(description="现场受众（人次）")
    people_online: int = Field(description="线上受众（人次）")
    materials: int = Field(description="发放资料（份）")
    is_highlight: bool = Field(description="典型做法")
    co_organisers: list[UnitRef] = Field(description="协办单位")
    version: int = Field(description="版本号：修改时原样交回，防止覆盖他人的修改")

    @staticmethod
    def resolve_co_organisers(obj: Activity) -> list[dict[str, Any]]:
        return _co_organisers(obj)


class ActivityOut(ActivityRowOut):
    """台账记录"""

    end_date: dt.date | None = Field(description="结束日期")
    start_time: dt.time | None = Field(description="开始时间")
    place: str = Field(description="活动地点")
    place_region_id: int | None = Field(description="所在区划编号")
    domains: list[str] = Field(description="普法领域代码")
    audiences: list[str] = Field(description="普法对象代码")
    tasks: list[int] = Field(description="关联任务编号")
    laws: str = Field(description="宣传的法律法规")
    description: str = Field(description="活动简介")
    return_reason: str = Field(description="退回原因")
    submitted_at: dt.datetime | None = Field(description="提交时间")
    confirmed_at: dt.datetime | None = Field(description="确认时间")

    @staticmethod
    def resolve_domains(obj: Activity) -> list[str]:
        return [d.code for d in obj.domains.all()]

    @staticmethod
    def resolve_audiences(obj: Activity) -> list[str]:
        return [a.code for a in obj.audiences.all()]

    @staticmethod
    def resolve_tasks(obj: Activity) -> list[int]:
        return [t.pk for t in obj.tasks.all()]


class ActivityIn(Schema):
    """登记或修改一条台账记录（与“登记活动”页面的字段相同）"""

    unit: int = Field(description="组织单位编号（须为您可以登记的单位）")
    title: str = Field(max_length=200, description="活动名称")
    kind: str = Field(max_length=50, description="活动形式代码（见 /api/kinds/）")
    date: dt.date = Field(description="活动日期")
    end_date: dt.date | None = Field(default=None, description="结束日期")
    start_time: dt.time | None = Field(default=None, description="开始时间")
    place: str = Field(default="", max_length=200, description="活动地点")
    place_region: int | None = Field(default=None, description="所在区划编号（组织单位所在区县内）")
    co_organisers: list[int] = Field(default_factory=list, max_length=30, description="协办单位编号")
    domains: list[str] = Field(default_factory=list, max_length=50, description="普法领域代码")
    audiences: list[str] = Field(default_factory=list, max_length=50, description="普法对象代码")
    laws: str = Field(default="", max_length=500, description="宣传的法律法规")
    people_onsite: int = Field(default=0, ge=0, le=10_000_000, description="现场受众（人次）")
    people_online: int = Field(default=0, ge=0, le=100_000_000, description="线上受众（人次）")
    materials: int = Field(default=0, ge=0, le=10_000_000, description="发放资料（份）")
    tasks: list[int] = Field(default_factory=list, max_length=50, description="关联任务编号")
    description: str = Field(default="", max_length=5000, description="活动简介")
    is_highlight: bool = Field(default=False, description="典型做法（可供总结报告引用）")


class ActivityCreateIn(ActivityIn):
    submit: bool = Field(default=False, description="登记后立即提交（活动日期须不晚于今天）")


class ActivityUpdateIn(ActivityIn):
    version: int = Field(ge=1, description="读取记录时的版本号；记录已被他人修改时返回 409")


class ActivityQuery(Schema):
    """台账列表的筛选条件，与台账页面相同"""

    unit: int | None = Field(default=None, description="单位编号：该单位及其下级单位参与的活动")
    participant: int | None = Field(default=None, description="单位编号：恰好该单位参与的活动（与统计口径一致）")
    region: int | None = Field(default=None, description="区划编号：该区划及下级区划的单位参与的活动")
    start: dt.date | None = Field(default=None, description="起始日期（含）")
    end: dt.date | None = Field(default=None, description="截止日期（含）")
    year: int | None = Field(default=None, ge=2000, le=2100, description="年度（未给起止日期时）")
    kind: list[str] = Field(default_factory=list, description="活动形式代码，可多个")
    domain: list[str] = Field(default_factory=list, description="普法领域代码，可多个")
    audience: list[str] = Field(default_factory=list, description="普法对象代码，可多个")
    task: list[int] = Field(default_factory=list, description="关联任务编号，可多个")
    status: Literal["", "counted", "draft", "submitted", "confirmed", "returned", "deleted"] = Field(
        default="", description="状态；counted 为已提交和已确认（计入统计）"
    )
    q: str = Field(default="", max_length=100, description="活动名称关键词（未给期间时查近一年）")
    highlight: bool = Field(default=False, description="只看典型做法")
    cursor: str = Field(default="", max_length=100, description="翻页游标：上一页返回的 next_cursor")
    limit: int = Field(default=30, ge=1, le=100, description="每页条数")


class ActivityPage(Schema):
    """台账记录的一页（按活动日期倒序；用游标翻页，不计总数）"""

    items: list[ActivityRowOut]
    next_cursor: str | None = Field(description="下一页的游标；没有下一页时为 null")


class TransitionIn(Schema):
    reason: str = Field(default="", max_length=500, description="原因（退回、重新打开时必填）")
