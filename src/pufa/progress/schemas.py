"""What the data interface (`pufa.api`) returns for progress: the dashboard's figures, read from the same
cached dashboard the page shows (`selectors.cached_dashboard`), so both always agree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class FigureOut(Schema):
    """一个数字及其对应记录的链接"""

    label: str = Field(description="名称")
    value: Decimal | int = Field(description="数值")
    url: str = Field(description="对应记录的页面地址")
    extra: str = Field(description="补充说明")


class RegionRefOut(Schema):
    id: int = Field(alias="pk")
    name: str


class UnitRefOut(Schema):
    id: int = Field(alias="pk")
    name: str
    region_name: str


class ChildRowOut(Schema):
    """下级区划的一行"""

    region: RegionRefOut
    activities: int = Field(description="活动场次（去重后）")
    people: int = Field(description="受众人次")
    lagging: int = Field(description="进度滞后的任务数")
    overdue: int = Field(description="逾期的任务数")


class UnitRowOut(Schema):
    """单位的一行"""

    unit: UnitRefOut
    activities: int = Field(description="活动场次")
    people: int = Field(description="受众人次")
    lagging: int = Field(description="进度滞后的任务数")
    overdue: int = Field(description="逾期的任务数")
    last_date: dt.date | None = Field(description="最近一次活动日期")


class DashboardOut(Schema):
    """区划的工作进度（与“工作进度”页面同一份缓存数据）"""

    region_id: int = Field(alias="region.pk", description="区划编号")
    region_name: str = Field(alias="region.name", description="区划")
    year: int = Field(description="年度")
    start: dt.date = Field(description="统计起始")
    end: dt.date = Field(description="统计截至")
    totals: list[FigureOut] = Field(description="总数")
    statuses: list[FigureOut] = Field(description="任务状态")
    by_month: list[FigureOut] = Field(description="按月活动场次")
    by_kind: list[FigureOut] = Field(description="按活动形式")
    by_domain: list[FigureOut] = Field(description="按普法领域")
    by_audience: list[FigureOut] = Field(description="按普法对象")
    children: list[ChildRowOut] = Field(description="下级区划")
    units: list[UnitRowOut] = Field(description="单位")
    silent_count: int = Field(description="本年度未登记活动的单位数")
    statuses_on: dt.date | None = Field(description="任务状态的计算日期（非今天时）")


class CheckOut(Schema):
    """一期的检查"""

    label: str = Field(description="期间")
    value: Decimal = Field(description="完成值")
    threshold: Decimal = Field(description="目标值")
    met: bool = Field(description="是否达标")
    url: str = Field(description="对应记录的页面地址")


class TargetProgressOut(Schema):
    """一项指标的进度"""

    title: str = Field(description="指标")
    status: str = Field(description="状态代码")
    status_label: str = Field(description="状态")
    measure: str = Field(description="计量单位")
    checks: list[CheckOut] = Field(description="各期检查")


class TaskProgressOut(Schema):
    """单位的一项任务的进度（与单位进度页面相同）"""

    task_id: int = Field(alias="status.task_id", description="任务编号")
    task_title: str = Field(alias="status.task.title", description="任务")
    plan_id: int = Field(alias="status.task.plan_id", description="规划编号")
    status: str = Field(alias="status.status", description="状态代码")
    status_label: str = Field(alias="status.get_status_display", description="状态")
    next_due: dt.date | None = Field(alias="status.next_due", description="下一截止日")
    closed: bool = Field(description="规划已结束（状态为最终结果）")
    targets: list[TargetProgressOut] = Field(description="指标")


class UnitProgressOut(Schema):
    """单位的工作进度"""

    unit_id: int = Field(description="单位编号")
    unit_name: str = Field(description="单位")
    year: int = Field(description="年度")
    tasks: list[TaskProgressOut] = Field(description="任务")
