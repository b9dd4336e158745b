"""A believable year of 沱河街道's ledger for the demo: quarterly law classes in every community, the key
dates (3.8, 3.15, 4.15, 民法典宣传月, 6.26, 安全生产月, 12.4 and 宪法宣传周), cases explained by the 司法所,
performances, centre-group study, new-media posts — some run jointly, most confirmed, some waiting, one
returned, plans ahead — linked to the imported plans' tasks where a unit has an open task, and two photos
drawn in code. Everything goes through the ledger services, so the trail and the figures are real.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from dataclasses import dataclass, field

from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from pufa.core.models import ActivityKind, Audience, Domain
from pufa.ledger import selectors, services
from pufa.ledger.models import Activity
from pufa.org.access import SYSTEM
from pufa.org.models import Unit

COMMUNITIES = ["tuohe-tuohe", "tuohe-taoyuan", "tuohe-yinhe", "tuohe-bianhe", "tuohe-huaihe", "tuohe-longhe"]
LAW_CLASSES = [
    ("民法典婚姻家庭编", ["minfadian", "fnet-hyjt"], ["sqjm"]),
    ("老年人防范养老诈骗", ["mz-yl", "jtaq-za"], ["lnr"]),
    ("劳动合同与工资支付", ["ldjy-shbz"], ["wlwg", "sqjm"]),
    ("宪法与公民基本权利", ["xianfa"], ["sqjm", "qsn"]),
]
FONT_PATHS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
]


@dataclass
class Spec:
    unit: str
    day: dt.date
    title: str
    kind: str
    domains: list[str]
    audiences: list[str]
    people: int = 0
    online: int = 0
    materials: int = 0
    place: str = ""
    co: list[str] = field(default_factory=list)
    laws: str = ""
    description: str = ""
    status: str = "confirmed"
    highlight: bool = False
    photo: str = ""


def _on(today: dt.date, month: int, day: int) -> dt.date:
    """The most recent month/day on or before today (this year's, or last year's if still ahead)."""
    candidate = dt.date(today.year, month, day)
    return candidate if candidate <= today else dt.date(today.year - 1, month, day)


def _specs(today: dt.date) -> list[Spec]:
    rng = random.Random(2026)
    start = today - dt.timedelta(days=364)
    specs: list[Spec] = []
    for n, code in enumerate(COMMUNITIES):
        for q in range(4):
            day = start + dt.timedelta(days=30 + 91 * q + 7 * n)
            if day > today:
                continue
            topic, domains, audiences = LAW_CLASSES[(q + n) % len(LAW_CLASSES)]
            specs.append(
                Spec(
                    code,
                    day,
                    f"社区法制课：{topic}",
                    "ztjz",
                    domains,
                    audiences,
                    people=rng.choice((35, 42, 50, 60)),
                    materials=rng.choice((50, 80, 100)),
                    place="社区市民法制学校",
                    laws="《民法典》" if "minfadian" in domains else "",
                    description="邀请社区挂钩律师授课，现场解答居民提问。",
                )
            )
        day = start + dt.timedelta(days=60 + 11 * n)
        specs.append(Spec(code, day, "更新社区法治宣传栏", "xcl", ["xianfa"], ["sqjm"], place="社区法治宣传栏"))
    specs += [
        Spec(
            "tuohe-fl",
            _on(today, 3, 8),
            "“三八”妇女维权周法律咨询",
            "flzx",
            ["fnet-hyjt"],
            ["fnet"],
            people=85,
            materials=300,
            co=["tuohe-tuohe", "tuohe-taoyuan"],
            place="沱河社区文化广场",
            laws="《妇女权益保障法》、《反家庭暴力法》",
        ),
        Spec(
            "tuohe-sjs",
            _on(today, 3, 15),
            "“3·15”消费者权益日集中宣传",
            "jzxc",
            ["scjg-sp"],
            ["sqjm"],
            people=120,
            materials=500,
            place="银河商业街",
            laws="《消费者权益保护法》、《食品安全法》",
            photo="3·15集中宣传",
        ),
        Spec(
            "tuohe-pcs",
            _on(today, 4, 15),
            "全民国家安全教育日进校园",
            "ztjz",
            ["jtaq-za"],
            ["qsn"],
            people=260,
            co=["tuohe-school"],
            place="沱河街道中心小学",
            laws="《国家安全法》",
        ),
        Spec(
            "tuohe-sfs",
            _on(today, 5, 20),
            "“美好生活·民法典相伴”宣传月主题宣讲",
            "ztjz",
            ["minfadian"],
            ["sqjm", "lnr"],
            people=150,
            materials=400,
            co=COMMUNITIES[:3],
            place="沱河街道党群服务中心",
            laws="《民法典》",
            description=(
                "司法所联合沱河、桃园、汴河三个社区，在街道党群服务中心开展民法典宣传月主题宣讲，"
                "律师结合婚姻家庭、邻里纠纷案例讲解民法典，现场解答居民咨询"
            ),
            highlight=True,
            photo="民法典宣传月",
        ),
        Spec(
            "tuohe-yjb",
            _on(today, 6, 16),
            "安全生产月企业负责人培训",
            "px",
            ["aqsc-yj"],
            ["qy"],
            people=48,
            place="街道会议室",
            laws="《安全生产法》",
        ),
        Spec(
            "tuohe-pcs",
            _on(today, 6, 26),
            "国际禁毒日禁毒宣传",
            "jzxc",
            ["jtaq-za", "wsjk"],
            ["qsn", "sqjm"],
            people=140,
            materials=350,
            co=["tuohe-longhe"],
            laws="《禁毒法》",
        ),
        Spec(
            "tuohe-xcb",
            _on(today, 9, 26),
            "法治文艺演出“送法进社区”",
            "wyyc",
            ["xianfa", "minfadian"],
            ["sqjm"],
            people=300,
            co=["tuohe-huaihe"],
            place="淮河社区广场",
            highlight=True,
        ),
        Spec("tuohe-xcb", _on(today, 4, 28), "法治小品巡演（第一场）", "wyyc", ["minfadian"], ["sqjm"], people=220),
        Spec(
            "tuohe-dzb", _on(today, 3, 26), "党工委理论学习中心组集体学法", "zxzxf", ["xjp-fzsx"], ["ldgb"], people=18
        ),
        Spec("tuohe-dzb", _on(today, 9, 18), "党工委中心组学习宪法", "zxzxf", ["xianfa"], ["ldgb"], people=17),
        Spec(
            "tuohe-dzb", _on(today, 11, 10), "国家工作人员学法考试", "xfks", ["xianfa", "dnfg"], ["gjgzry"], people=64
        ),
        Spec(
            "tuohe-fzb",
            _on(today, 12, 4),
            "“12·4”国家宪法日集中宣传",
            "jzxc",
            ["xianfa"],
            ["sqjm", "qsn"],
            people=200,
            materials=600,
            co=["tuohe-sfs", *COMMUNITIES],
            place="沱河街道文化广场",
            laws="《宪法》",
            highlight=True,
        ),
    ]
    for k in range(6):
        day = start + dt.timedelta(days=45 + 61 * k)
        if day <= today:
            specs.append(
                Spec(
                    "tuohe-sfs",
                    day,
                    f"以案释法：{['邻里纠纷', '婚姻家庭', '电信诈骗', '劳动争议', '物业纠纷', '遗产继承'][k]}典型案例",
                    "yasf",
                    ["minfadian"],
                    ["sqjm"],
                    people=rng.choice((30, 40, 55)),
                    co=[COMMUNITIES[k]],
                )
            )
    for k in range(12):
        day = start + dt.timedelta(days=15 + 30 * k)
        if day <= today:
            specs.append(
                Spec(
                    "tuohe-fzb",
                    day,
                    f"“沱河普法”公众号推送第{k + 1}期",
                    "xmt",
                    ["minfadian"],
                    ["sqjm"],
                    online=rng.choice((600, 900, 1500)),
                )
            )
    specs += [
        Spec(
            "tuohe-tuohe",
            today - dt.timedelta(days=3),
            "网格员入户送法上门",
            "sfsm",
            ["mz-yl"],
            ["lnr"],
            people=26,
            status="submitted",
        ),
        Spec(
            "tuohe-taoyuan",
            today - dt.timedelta(days=6),
            "桃园社区法律明白人培训",
            "px",
            ["minfadian"],
            ["fzdtr"],
            people=12,
            status="returned",
        ),
        Spec(
            "tuohe-tuohe",
            today + dt.timedelta(days=9),
            "宪法宣传周进小区（计划）",
            "jzxc",
            ["xianfa"],
            ["sqjm"],
            status="draft",
            place="沱河社区各小区",
        ),
    ]
    return [s for s in specs if s.day >= start or s.status == "draft"]


def _photo(caption: str) -> bytes:
    image = Image.new("RGB", (960, 640), "#d9e6f2")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 960, 640), fill="#7aa95c")
    draw.rectangle((120, 60, 840, 180), fill="#b71c1c")
    for x in range(160, 820, 70):
        draw.ellipse((x, 330, x + 40, 370), fill="#444")
        draw.rectangle((x + 5, 370, x + 35, 470), fill="#335")
    for path in FONT_PATHS:
        try:
            font = ImageFont.truetype(path, 56)
        except OSError:
            continue
        draw.text((480, 120), caption, fill="#fff", font=font, anchor="mm")
        break
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()


def seed_ledger() -> None:
    """Record the demo year (idempotent: a record with the same unit, date and title is not made again)."""
    today = timezone.localdate()
    units = {u.code: u for u in Unit.objects.filter(code__startswith="tuohe-").select_related("region")}
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    domains = {d.code: d for d in Domain.objects.all()}
    audiences = {a.code: a for a in Audience.objects.all()}
    for spec in _specs(today):
        unit = units.get(spec.unit)
        if unit is None or Activity.all_objects.filter(unit=unit, date=spec.day, title=spec.title).exists():
            continue
        suggested = selectors.task_suggestions(actor=SYSTEM, unit=unit, on=spec.day)
        data = services.ActivityData(
            unit=unit,
            title=spec.title,
            kind=kinds[spec.kind],
            date=spec.day,
            co_organisers=[units[c] for c in spec.co if c in units and c != spec.unit],
            place=spec.place,
            domains=[domains[c] for c in spec.domains if c in domains],
            audiences=[audiences[c] for c in spec.audiences if c in audiences],
            laws=spec.laws,
            people_onsite=spec.people,
            people_online=spec.online,
            materials=spec.materials,
            tasks=suggested[:1] if suggested and spec.kind in {"ztjz", "jzxc", "yasf", "wyyc"} else [],
            description=spec.description,
            is_highlight=spec.highlight,
        )
        photos = [services.EvidenceUpload(file=io.BytesIO(_photo(spec.photo)), name=f"{spec.photo}.jpg")]
        activity = services.activity_create(
            actor=SYSTEM, data=data, submit=spec.status != "draft", evidence=photos if spec.photo else []
        )
        if spec.status == "confirmed":
            services.activity_confirm(actor=SYSTEM, activity=activity)
        elif spec.status == "returned":
            services.activity_return(actor=SYSTEM, activity=activity, reason="请补充培训签到人数和授课人")
