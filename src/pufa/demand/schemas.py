"""What the data interface (`pufa.api`) returns for hotline work orders and what another system pushes: as the
order pages show them — callers' names and phones are never kept, numbers inside the text are masked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

from pufa.demand.importers import PUSH_MAX


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


class WorkOrderPushRow(Schema):
    """推送的一条热线工单：与文件导入相同的字段。来电人姓名、电话等其他字段即使传来也不读取、不保存。"""

    number: str | int = Field(description="工单编号（同一区划内唯一；再次推送同一编号即更新该工单，不会重复）")
    received_at: str = Field(
        default="", max_length=64, description="受理时间，如 2026-03-05 10:30 或 2026-03-05T10:30:00+08:00"
    )
    text: str = Field(default="", max_length=10000, description="诉求内容（其中的电话、身份证号保存前打码）")
    address: str = Field(default="", max_length=1000, description="诉求地址或所属区域")
    category: str = Field(default="", max_length=1000, description="诉求类别（热线系统的原分类）")
    handler: str = Field(default="", max_length=1000, description="承办单位")
    status: str = Field(default="", max_length=1000, description="办结情况")


class WorkOrderPushIn(Schema):
    region: int | None = Field(
        default=None, description="推送到的区划（您所在法宣办的区划编号）；只在一个法宣办任职时可省略"
    )
    orders: list[WorkOrderPushRow] = Field(
        description="工单，每次 1–500 条；任何一条有误则整批不保存",
        json_schema_extra={"minItems": 1, "maxItems": PUSH_MAX},
    )

    @field_validator("orders", mode="before")
    @classmethod
    def _bounded(cls, value: Any) -> Any:
        """The bound before any order is read, in Chinese (pydantic's own message would be English)."""
        if isinstance(value, list) and not value:
            raise ValueError("请至少推送一条工单。")
        if isinstance(value, list) and len(value) > PUSH_MAX:
            raise ValueError(f"一次最多推送 {PUSH_MAX} 条工单，请分批推送。")
        return value


class WorkOrderPushedOut(Schema):
    id: int
    number: str = Field(description="工单编号")
    result: str = Field(description="created：新增；updated：已有此编号，已更新；unchanged：已有此编号，内容未变")
    domain: str | None = Field(default=None, description="普法领域代码（分类结果）")
    domain_confidence: float = Field(description="领域置信度（0–1）")
    place_id: int | None = Field(description="所在社区/街道（区划编号）")
    place_confidence: float = Field(description="地点置信度（0–1）")


class WorkOrderPushOut(Schema):
    region_id: int = Field(description="工单所属区划编号")
    created: int = Field(description="新增条数")
    updated: int = Field(description="已有编号、内容有变而更新的条数")
    unchanged: int = Field(description="已有编号、内容未变的条数")
    review: int = Field(description="分类置信度低、等待人工复核的条数")
    orders: list[WorkOrderPushedOut]
