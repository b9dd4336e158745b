"""What the data interface (`pufa.api`) returns for plans, tasks and targets (read only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class PlanOut(Schema):
    """规划/计划"""

    id: int
    title: str = Field(description="标题")
    kind: str = Field(description="类型代码")
    kind_label: str = Field(alias="get_kind_display", description="类型")
    issuing_unit_id: int = Field(description="印发单位编号")
    issuing_unit_name: str = Field(alias="issuing_unit.name", description="印发单位")
    period_start: dt.date = Field(description="开始日期")
    period_end: dt.date = Field(description="结束日期")
    parent_id: int | None = Field(description="上级规划编号")
    task_count: int | None = Field(default=None, description="任务数（列表中提供）")


class TaskUnitOut(Schema):
    """任务的责任单位"""

    unit_id: int = Field(description="单位编号")
    unit_name: str = Field(alias="unit.name", description="单位名称")
    role: str = Field(description="角色代码")
    role_label: str = Field(alias="get_role_display", description="角色")


class TargetOut(Schema):
    """量化指标"""

    id: int
    task_id: int = Field(description="所属任务编号")
    metric: str = Field(description="指标代码")
    scope: str = Field(description="考核对象代码")
    scope_kind: str = Field(description="单位类型")
    scope_unit_id: int | None = Field(description="指定考核单位编号")
    period: str = Field(description="周期代码")
    threshold: Decimal = Field(description="目标值")
    measure: str = Field(description="计量单位")
    due: dt.date | None = Field(description="截止日期")
    text: str = Field(description="原文")


class TaskOut(Schema):
    """任务"""

    id: int
    plan_id: int = Field(description="所属规划编号")
    order: int = Field(description="顺序")
    number: str = Field(description="编号")
    section: str = Field(description="章节编号")
    title: str = Field(description="标题")
    text: str = Field(description="内容")
    deadline_kind: str = Field(description="时限类型代码")
    deadline: dt.date | None = Field(description="截止日期")
    recurrence: str = Field(description="周期代码")
    deadline_text: str = Field(description="完成时限（原文）")
    units: list[TaskUnitOut] = Field(alias="task_units", description="责任单位")
    targets: list[TargetOut] = Field(description="量化指标")
