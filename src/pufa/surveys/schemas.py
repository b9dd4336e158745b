"""What the data interface (`pufa.api`) returns for 效果评估问卷 and 宣传活动 (read only): the questionnaire
and how many answered it, the campaign and how many surveys and activities it has — the public link is left out
(it is what residents answer through, not a record)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class SurveyOut(Schema):
    """效果评估问卷"""

    id: int
    title: str = Field(description="问卷标题")
    kind: str = Field(description="问卷类型代码")
    kind_label: str = Field(alias="get_kind_display", description="问卷类型")
    phase: str = Field(description="测评阶段代码")
    phase_label: str = Field(alias="get_phase_display", description="测评阶段")
    unit_id: int = Field(description="组织单位编号")
    unit_name: str = Field(alias="unit.name", description="组织单位")
    region_id: int = Field(description="评估范围（区划编号）")
    activity_id: int | None = Field(description="所评估的台账活动编号")
    campaign_id: int | None = Field(description="所属宣传活动编号（前测、后测问卷）")
    baseline_id: int | None = Field(description="前测问卷编号（后测问卷）")
    status: str = Field(description="状态代码")
    status_label: str = Field(alias="get_status_display", description="状态")
    closes_on: dt.date | None = Field(description="截止日期")
    published_at: dt.datetime | None = Field(description="发布时间")
    response_count: int = Field(default=0, description="答卷份数")


class CampaignOut(Schema):
    """宣传活动"""

    id: int
    name: str = Field(description="名称")
    unit_id: int = Field(description="组织单位编号")
    unit_name: str = Field(alias="unit.name", description="组织单位")
    region_id: int = Field(description="范围（区划编号）")
    region_name: str = Field(alias="region.name", description="范围")
    starts_on: dt.date = Field(description="开始日期")
    ends_on: dt.date = Field(description="结束日期")
    description: str = Field(description="说明")
    survey_count: int = Field(default=0, description="问卷数（前测、后测）")
    activity_count: int = Field(default=0, description="关联的台账活动数")
