"""What the data interface (`pufa.api`) returns for the rosters: as the roster page shows them — the phone
masked and the ID number's last four digits only (revealing a phone is an audited action on the page only)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class TeamOut(Schema):
    """在队情况"""

    kind: str = Field(alias="kind.code", description="队伍类别代码")
    kind_name: str = Field(alias="kind.name", description="队伍类别")
    team_name: str = Field(description="队伍名称")
    start: dt.date = Field(description="加入日期")


class PersonOut(Schema):
    """队伍成员（电话已打码）"""

    id: int
    name: str = Field(description="姓名")
    gender: str = Field(description="性别代码：m 男、f 女")
    birth_year: int | None = Field(description="出生年份")
    phone: str = Field(alias="masked_phone", description="手机号（打码）")
    id_number: str = Field(alias="masked_id", description="身份证号（仅后四位）")
    region_id: int = Field(description="居住社区编号")
    region_name: str = Field(alias="region.name", description="居住社区")
    unit_id: int = Field(description="管理单位编号")
    unit_name: str = Field(alias="unit.name", description="管理单位")
    occupation: str = Field(description="职业/身份")
    moved_away: bool = Field(description="已离开居住地")
    teams: list[TeamOut] = Field(default_factory=list, description="当日所在队伍")

    @staticmethod
    def resolve_teams(obj: object) -> list[object]:
        return list(getattr(obj, "teams", []))
