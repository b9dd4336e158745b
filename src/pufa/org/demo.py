"""The organisation part of the demo district: 宿州市埇桥区 with 沱河街道 and the departments seed 000 names."""

from __future__ import annotations

from dataclasses import dataclass

from pufa.org.access import SYSTEM
from pufa.org.models import Membership, Region, Unit, User
from pufa.org.services import UnitData, UserData, membership_add, region_create, unit_create, user_create

DEMO_PASSWORD = "Pufa@2026demo"  # noqa: S105 - printed by `make demo`; demo accounts only

DISTRICT = "埇桥区"
STREETS = {
    "沱河街道": ("tuohe", ["沱河社区", "桃园社区", "银河社区", "汴河社区", "淮河社区", "龙河社区"]),
    "三八街道": ("sanba", ["三八社区", "拂晓社区", "新汴社区"]),
    "南关街道": ("nanguan", ["南关社区", "大河社区"]),
}
# (code suffix, name suffix, kind, aliases) — the departments seed 000 assigns tasks to.
STREET_UNITS_FULL = [
    ("fzb", "法治办", Unit.Kind.OFFICE, ["法治办", "依法治理办公室", "依法治理办", "法宣办"]),
    ("xcb", "宣传办", Unit.Kind.DEPARTMENT, ["宣传办", "宣传部门"]),
    ("sfs", "司法所", Unit.Kind.JUDICIAL_OFFICE, ["司法所"]),
    ("pcs", "派出所", Unit.Kind.POLICE_STATION, ["派出所"]),
    ("xfb", "信访办", Unit.Kind.DEPARTMENT, ["信访办"]),
    ("sjs", "市场监督管理所", Unit.Kind.DEPARTMENT, ["市监所", "市场监管所", "市场监管"]),
    ("hbb", "环保办", Unit.Kind.DEPARTMENT, ["环保办"]),
    ("fl", "妇联", Unit.Kind.DEPARTMENT, ["妇联"]),
    ("sbs", "社保所", Unit.Kind.DEPARTMENT, ["社保所"]),
    ("yjb", "应急办", Unit.Kind.DEPARTMENT, ["应急办"]),
    ("mzs", "民政所", Unit.Kind.DEPARTMENT, ["民政所"]),
    ("wjb", "卫计办", Unit.Kind.DEPARTMENT, ["卫计办"]),
    ("tds", "土地所", Unit.Kind.DEPARTMENT, ["土地所"]),
    ("dzb", "党政办", Unit.Kind.DEPARTMENT, ["党政办"]),
    ("tw", "团委", Unit.Kind.DEPARTMENT, ["团委"]),
    ("gh", "工会", Unit.Kind.DEPARTMENT, ["工会"]),
]
STREET_UNITS_SMALL = {"fzb", "xcb", "sfs", "pcs"}


@dataclass(frozen=True)
class DemoLogin:
    username: str
    full_name: str
    unit_code: str
    role: str
    phone: str


DEMO_LOGINS = [
    DemoLogin("quxfb", "王建国", "yq-fxb", Membership.Role.OFFICE, "13805571001"),
    DemoLogin("tuohe_fzb", "李文华", "tuohe-fzb", Membership.Role.OFFICE, "13805571002"),
    DemoLogin("tuohe_sfs", "张明", "tuohe-sfs", Membership.Role.LIAISON, "13805571003"),
    DemoLogin("tuohe_pcs", "刘强", "tuohe-pcs", Membership.Role.LIAISON, "13805571004"),
    DemoLogin("tuohe_sq", "陈静", "tuohe-tuohe", Membership.Role.LIAISON, "13805571005"),
    DemoLogin("taoyuan_sq", "赵敏", "tuohe-taoyuan", Membership.Role.LIAISON, "13805571006"),
    DemoLogin("tuohe_dc", "孙立", "tuohe-fzb", Membership.Role.INSPECTOR, "13805571007"),
    DemoLogin("tuohe_mbr", "周桂兰", "tuohe-tuohe", Membership.Role.MEMBER, "13805571008"),
]

COMMUNITY_CODES = {
    "沱河社区": "tuohe",
    "桃园社区": "taoyuan",
    "银河社区": "yinhe",
    "汴河社区": "bianhe",
    "淮河社区": "huaihe",
    "龙河社区": "longhe",
    "三八社区": "sanba",
    "拂晓社区": "fuxiao",
    "新汴社区": "xinbian",
    "南关社区": "nanguan",
    "大河社区": "dahe",
}


def _region(name: str, level: str, parent: Region | None) -> Region:
    existing = Region.objects.filter(name=name, parent=parent).first()
    return existing or region_create(actor=SYSTEM, name=name, level=level, parent=parent)


def _unit(code: str, name: str, kind: str, region: Region, aliases: list[str], parent: Unit | None = None) -> Unit:
    existing = Unit.all_objects.filter(code=code).first()
    if existing is not None:
        return existing
    return unit_create(
        actor=SYSTEM,
        data=UnitData(name=name, kind=kind, region=region, code=code, aliases=aliases, parent=parent),
    )


def seed_org() -> dict[str, object]:
    """Build (or find) the demo district. Running it twice changes nothing."""
    district = _region(DISTRICT, Region.Level.DISTRICT, None)
    _unit(
        "yq-fxb",
        "埇桥区委依法治区办",
        Unit.Kind.OFFICE,
        district,
        ["区法宣办", "区委依法治区办", "区依法治区办"],
    )
    sfj = _unit("yq-sfj", "埇桥区司法局", Unit.Kind.DEPARTMENT, district, ["区司法局", "司法局"])
    _unit("yq-jyj", "埇桥区教育局", Unit.Kind.DEPARTMENT, district, ["区教育局", "教育局"])
    for street_name, (street_code, communities) in STREETS.items():
        street = _region(street_name, Region.Level.STREET, district)
        short = street_name.removesuffix("街道")
        for suffix, name, kind, aliases in STREET_UNITS_FULL:
            if street_code != "tuohe" and suffix not in STREET_UNITS_SMALL:
                continue
            full_name = f"{short}{name}" if kind == Unit.Kind.POLICE_STATION else f"{street_name}{name}"
            _unit(
                f"{street_code}-{suffix}",
                full_name,
                kind,
                street,
                aliases,
                parent=sfj if kind == Unit.Kind.JUDICIAL_OFFICE else None,
            )
        for community_name in communities:
            community = _region(community_name, Region.Level.COMMUNITY, street)
            _unit(
                f"{street_code}-{COMMUNITY_CODES[community_name]}",
                f"{community_name}居委会",
                Unit.Kind.COMMUNITY_COMMITTEE,
                community,
                [community_name, f"{community_name}居民委员会"],
            )
    if street_name := "沱河街道":
        street = Region.objects.get(name=street_name)
        _unit("tuohe-school", "沱河街道中心小学", Unit.Kind.SCHOOL, street, ["中心小学"])
    for login in DEMO_LOGINS:
        unit = Unit.objects.get(code=login.unit_code)
        user = User.objects.filter(username=login.username).first()
        if user is None:
            user_create(
                actor=SYSTEM,
                data=UserData(username=login.username, full_name=login.full_name, phone=login.phone),
                password=DEMO_PASSWORD,
                unit=unit,
                role=login.role,
            )
        elif not Membership.objects.filter(user=user, unit=unit, role=login.role).exists():
            membership_add(actor=SYSTEM, user=user, unit=unit, role=login.role)
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "", DEMO_PASSWORD, full_name="系统管理员")
    return {"district": district}
