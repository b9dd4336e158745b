"""What the data interface (`pufa.api`) returns for exams: the exam and its results (应考尽考 per unit), as
the results page shows them to the caller (a liaison its own unit's people, the office all)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class ExamOut(Schema):
    """学法考试"""

    id: int
    title: str = Field(description="考试名称")
    unit_id: int = Field(description="组织单位编号")
    unit_name: str = Field(alias="unit.name", description="组织单位")
    status: str = Field(description="状态代码")
    status_label: str = Field(alias="get_status_display", description="状态")
    starts_at: dt.datetime = Field(description="开始时间")
    ends_at: dt.datetime = Field(description="截止时间")
    time_limit: int = Field(description="答题时长（分钟）")
    pass_mark: int = Field(description="及格分")


class UnitResultOut(Schema):
    """一个单位的应考尽考情况"""

    unit_id: int = Field(alias="unit.pk", description="单位编号")
    unit_name: str = Field(alias="unit.name", description="单位")
    required: int = Field(description="应考人数")
    sat: int = Field(description="参考人数")
    passed: int = Field(description="合格人数")
    participation: float = Field(description="参考率（%）")
    pass_rate: float = Field(description="合格率（%）")


class ExamResultsOut(Schema):
    """考试成绩汇总（您能看到的单位）"""

    required: int = Field(description="应考人数")
    sat: int = Field(description="参考人数")
    passed: int = Field(description="合格人数")
    participation: float = Field(description="参考率（%）")
    pass_rate: float = Field(description="合格率（%）")
    units: list[UnitResultOut] = Field(description="各单位")
