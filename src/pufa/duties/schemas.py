"""What the data interface (`pufa.api`) returns for responsibility lists and their items (read only).

Personal data as on the list page: the responsible person's phone is shown in full only to those who may edit
the list (`DutyItemOut.from_item(item, show_phone=…)`), masked (138****5678) for everyone else."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from pufa.core.chinese import mask_phone
from pufa.duties.models import DutyItem


class DutyListOut(Schema):
    """普法责任清单"""

    id: int
    unit_id: int = Field(description="单位编号")
    unit_name: str = Field(alias="unit.name", description="单位")
    year: int = Field(description="年度")
    title: str = Field(description="标题")
    status: str = Field(description="状态代码：draft、submitted、returned、filed、published")
    status_label: str = Field(alias="get_status_display", description="状态")
    summary: str = Field(description="清单说明")
    internal_note: str = Field(description="内部备注（不公开）")
    submitted_at: dt.datetime | None = Field(description="报送时间")
    filed_at: dt.datetime | None = Field(description="备案时间")
    published_at: dt.datetime | None = Field(description="公告时间")
    item_count: int | None = Field(default=None, description="事项数（列表中提供）")


class DutyItemOut(Schema):
    """清单事项（四清单的一行）"""

    id: int
    duty_list_id: int = Field(description="所属清单编号")
    order: int = Field(description="顺序")
    content: str = Field(description="普法内容")
    measures: str = Field(description="载体与措施")
    standards: str = Field(description="工作标准")
    time_nodes: str = Field(description="时间节点")
    responsible_section: str = Field(description="责任科室")
    responsible_leader: str = Field(description="责任领导")
    responsible_person: str = Field(description="责任人")
    responsible_phone: str = Field(description="责任人电话（无编辑权限时隐去中间四位）")
    internal_note: str = Field(description="内部备注（不公开）")
    laws: list[str] = Field(description="法律法规名称")
    audiences: list[str] = Field(description="普法对象代码")
    domains: list[str] = Field(description="普法领域代码")

    @classmethod
    def from_item(cls, item: DutyItem, *, show_phone: bool) -> DutyItemOut:
        return cls(
            id=item.pk,
            duty_list_id=item.duty_list_id,
            order=item.order,
            content=item.content,
            measures=item.measures,
            standards=item.standards,
            time_nodes=item.time_nodes,
            responsible_section=item.responsible_section,
            responsible_leader=item.responsible_leader,
            responsible_person=item.responsible_person,
            responsible_phone=item.responsible_phone if show_phone else mask_phone(item.responsible_phone),
            internal_note=item.internal_note,
            laws=[law.name for law in item.laws.all()],
            audiences=[a.code for a in item.audiences.all()],
            domains=[d.code for d in item.domains.all()],
        )
