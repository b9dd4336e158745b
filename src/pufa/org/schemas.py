"""What the data interface (`pufa.api`) returns for regions and units. The api app imports these schemas; org
never imports the api app. Descriptions are the schema's Chinese documentation."""

from __future__ import annotations

from ninja import Field, Schema


class RegionOut(Schema):
    """行政区划"""

    id: int
    name: str = Field(description="名称")
    level: str = Field(description="层级代码：city、district、street、community、group")
    level_label: str = Field(alias="get_level_display", description="层级")
    parent_id: int | None = Field(description="上级区划编号")
    code: str = Field(description="区划代码")


class UnitOut(Schema):
    """单位"""

    id: int
    name: str = Field(description="单位名称")
    code: str = Field(description="单位编码")
    kind: str = Field(description="单位类型代码")
    kind_label: str = Field(alias="get_kind_display", description="单位类型")
    region_id: int = Field(description="所属区划编号")
    region_name: str = Field(alias="region.name", description="所属区划")
    parent_id: int | None = Field(description="上级单位编号")
    is_responsible_subject: bool = Field(description="是否普法责任主体")


class UnitRef(Schema):
    """单位（简要）"""

    id: int
    name: str = Field(description="单位名称")
