"""What the data interface (`pufa.api`) returns for 法治文化阵地 (read only, as the venue pages show)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema


class VenueOut(Schema):
    """法治文化阵地"""

    id: int
    name: str = Field(description="阵地名称")
    kind: str = Field(alias="kind.code", description="阵地类型代码")
    kind_name: str = Field(alias="kind.name", description="阵地类型")
    level: str = Field(description="级别代码")
    level_label: str = Field(alias="get_level_display", description="级别")
    region_id: int = Field(description="所在社区/区划编号")
    region_name: str = Field(alias="region.name", description="所在社区/区划")
    unit_id: int = Field(description="管理单位编号")
    unit_name: str = Field(alias="unit.name", description="管理单位")
    address: str = Field(description="地址")
    longitude: Decimal | None = Field(description="经度")
    latitude: Decimal | None = Field(description="纬度")
    status: str = Field(description="状态代码")
    status_label: str = Field(alias="get_status_display", description="状态")
    opened_on: dt.date | None = Field(description="开放日期")
    opening_hours: str = Field(description="开放时间")
    last_update: dt.date | None = Field(default=None, description="最近一次内容更新日期（宣传栏、展板）")
