"""What the data interface (`pufa.api`) returns for work reports (read only; the documents are files)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class ReportOut(Schema):
    """工作报告"""

    id: int
    kind: str = Field(description="类型代码：unit 单位报告、summary 区域汇总报告")
    kind_label: str = Field(alias="get_kind_display", description="类型")
    unit_id: int = Field(description="报送单位编号")
    unit_name: str = Field(alias="unit.name", description="报送单位")
    region_id: int = Field(description="所属区划编号")
    period: str = Field(description="报告期代码")
    period_label: str = Field(description="报告期")
    year: int = Field(description="年度")
    title: str = Field(description="标题")
    status: str = Field(description="状态代码：draft、submitted、returned、accepted")
    status_label: str = Field(alias="get_status_display", description="状态")
    submitted_at: dt.datetime | None = Field(description="报送时间")
    reviewed_at: dt.datetime | None = Field(description="审核时间")
    review_comment: str = Field(description="审核意见")


class ReportDetailOut(ReportOut):
    """工作报告（含正文）"""

    intro: str = Field(description="基本情况（概述）")
    practices: str = Field(description="主要做法和成效")
    problems: str = Field(description="存在问题")
    plans: str = Field(description="下一步打算")


class CircularOut(Schema):
    """工作通报"""

    id: int
    title: str = Field(description="标题")
    number: str = Field(description="文号")
    issuing_unit_id: int = Field(description="印发单位编号")
    issuing_unit_name: str = Field(alias="issuing_unit.name", description="印发单位")
    region_id: int = Field(description="通报范围（区划编号）")
    region_name: str = Field(alias="region.name", description="通报范围")
    start: dt.date = Field(description="统计起始")
    as_of: dt.date = Field(description="统计截至")
    status: str = Field(description="状态代码：draft 草稿、published 已印发")
    status_label: str = Field(alias="get_status_display", description="状态")
    published_at: dt.datetime | None = Field(description="印发时间")


class CircularDetailOut(CircularOut):
    """工作通报（含正文和通报数据）"""

    intro: str = Field(description="导语")
    requirements: str = Field(description="下一步要求")
    data: dict[str, Any] = Field(description="通报数据：印发时冻结的统计结果，与通报文稿一致")
