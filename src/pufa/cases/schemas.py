"""What the data interface (`pufa.api`) returns for the case library (read only, as the library page shows)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class CaseOut(Schema):
    """以案释法案例"""

    id: int
    title: str = Field(description="案例标题")
    unit_id: int = Field(description="来源单位编号")
    unit_name: str = Field(alias="unit.name", description="来源单位")
    case_type: str = Field(description="案件类型代码")
    case_type_label: str = Field(alias="get_case_type_display", description="案件类型")
    decided_on: dt.date | None = Field(description="裁判（处理）日期")
    status: str = Field(description="状态代码")
    status_label: str = Field(alias="get_status_display", description="状态")
    tags: str = Field(description="标签")
    updated_at: dt.datetime = Field(description="最后修改时间")


class CaseDetailOut(CaseOut):
    """以案释法案例（含正文）"""

    author: str = Field(description="撰写人")
    facts: str = Field(description="基本案情")
    outcome: str = Field(description="处理结果/裁判要旨")
    reasoning: str = Field(description="释法说理")
