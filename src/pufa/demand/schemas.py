"""What the data interface (`pufa.api`) returns for hotline work orders (read only): as the order pages show
them — callers' names and phones were never kept, numbers inside the text are masked on import."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class WorkOrderOut(Schema):
    """热线工单"""

    id: int
    number: str = Field(description="工单编号")
    received_at: dt.datetime = Field(description="受理时间")
    text: str = Field(description="诉求内容（电话、身份证号已打码）")
    address: str = Field(description="诉求地址")
    category: str = Field(description="诉求类别（热线系统的原分类）")
    region_id: int = Field(description="所属办公室区划编号")
    domain: str | None = Field(default=None, description="普法领域代码（分类结果）")
    domain_confidence: float = Field(description="领域置信度（0–1）")
    place_id: int | None = Field(description="所在社区/街道（区划编号）")
    place_confidence: float = Field(description="地点置信度（0–1）")
    reviewed: bool = Field(description="分类已经人工复核")

    @staticmethod
    def resolve_domain(obj: object) -> str | None:
        domain = getattr(obj, "domain", None)
        return domain.code if domain is not None else None
