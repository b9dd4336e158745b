"""沱河街道's venues for the demo (seed 000: 每个社区有一个法治文化阵地、一个普法大讲堂, 辖区内一个法治文化公园;
口袋公园, 百姓评理说事点, 法律之家, 人民调解室, 新时代文明实践站): every community has its 阵地 and board, all but
龙河社区 a 大讲堂 (the coverage gap to close); 银河社区's board has not changed for three months (stale); the
boards elsewhere get their monthly issue; a schematic street outline (示意) so the offline map draws;
the law classes held at the lecture halls. Everything through the services; idempotent (the scheme: creation.demo).
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.utils import timezone

from pufa.ledger.models import Activity
from pufa.org.access import SYSTEM
from pufa.org.models import Region, Unit
from pufa.venues import services
from pufa.venues.models import MapBoundary, Upkeep, Venue, VenueKind

COMMUNITIES = ["tuohe-tuohe", "tuohe-taoyuan", "tuohe-yinhe", "tuohe-bianhe", "tuohe-huaihe", "tuohe-longhe"]
NO_LECTURE = "tuohe-longhe"
STALE_BOARD = "tuohe-yinhe"
CENTRE = (Decimal("116.9800"), Decimal("33.6400"))  # 宿州市埇桥区 (approximate, for the schematic map)
EXTRAS = {
    "tuohe-tuohe": [
        ("library", "沱河社区法律图书角"),
        ("school", "沱河社区市民法制学校"),
        ("shuoshi", "沱河社区百姓评理说事点"),
    ],
    "tuohe-taoyuan": [("mediation", "桃园社区“作退一步想”人民调解室"), ("pocket", "桃园口袋公园（法治元素）")],
    "tuohe-bianhe": [("lawhome", "汴河社区法律之家")],
    "tuohe-huaihe": [("civility", "淮河社区新时代文明实践站")],
}


def _venue(unit: Unit, region: Region, kind: str, name: str, i: int, **extra: object) -> Venue:
    existing = Venue.objects.filter(name=name, region=region).first()
    if existing is not None:
        return existing
    lon, lat = CENTRE
    data = services.VenueData(
        name=name,
        kind=VenueKind.objects.get(code=kind),
        level=str(extra.pop("level", Venue.Level.COMMUNITY)),
        region=region,
        unit=unit,
        opened_on=extra.pop("opened_on", dt.date(timezone.localdate().year - 1, 3, 1)),  # type: ignore[arg-type]
        longitude=lon + Decimal(i % 3) * Decimal("0.012") - Decimal("0.012"),
        latitude=lat + Decimal(i // 3) * Decimal("0.010") - Decimal("0.005"),
        opening_hours=str(extra.pop("opening_hours", "每日 8:00—18:00")),
        area_m2=extra.pop("area_m2", None),  # type: ignore[arg-type]
        address=str(extra.pop("address", f"{region.name}党群服务中心")),
    )
    return services.venue_create(actor=SYSTEM, data=data)


def _outline() -> bytes:
    lon, lat = float(CENTRE[0]), float(CENTRE[1])
    ring = [[lon - 0.03, lat - 0.015], [lon + 0.03, lat - 0.018], [lon + 0.035, lat + 0.02], [lon - 0.025, lat + 0.022]]
    ring.append(ring[0])
    feature = {
        "type": "Feature",
        "properties": {"name": "沱河街道（示意）"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def seed_venues() -> None:
    today = timezone.localdate()
    office = Unit.objects.filter(code="tuohe-fzb").select_related("region").first()
    if office is None:
        return
    street = office.region
    _venue(
        office,
        street,
        "park",
        "沱河法治文化广场",
        4,
        level=Venue.Level.STREET,
        area_m2=Decimal("3200"),
        address="沱河路与汴河路交口",
    )
    units = {u.code: u for u in Unit.objects.filter(code__in=COMMUNITIES).select_related("region")}
    for i, code in enumerate(COMMUNITIES):
        unit = units.get(code)
        if unit is None:
            continue
        region = unit.region
        _venue(unit, region, "position", f"{region.name}法治文化阵地", i)
        if code != NO_LECTURE:
            _venue(unit, region, "lecture", f"{region.name}普法大讲堂", i, opening_hours="每周三 14:30—17:00")
        board = _venue(unit, region, "board", f"{region.name}法治宣传栏", i, area_m2=Decimal("2.4"), opening_hours="")
        for kind, name in EXTRAS.get(code, []):
            _venue(unit, region, kind, name, i)
        if not board.upkeeps.exists():
            last = today - dt.timedelta(days=95) if code == STALE_BOARD else today - dt.timedelta(days=10)
            for months_back in (2, 1, 0):
                day = last - dt.timedelta(days=30 * months_back)
                services.upkeep_record(
                    actor=SYSTEM,
                    venue=board,
                    kind=Upkeep.Kind.CONTENT,
                    date=day,
                    note=f"{day.month}月期：民法典与身边的法律",
                )
    # the communities' law classes were held at their lecture halls
    lectures = {v.unit_id: v for v in Venue.objects.filter(kind__code="lecture", unit__code__in=COMMUNITIES)}
    for activity in Activity.objects.filter(unit_id__in=lectures, kind__code="ztjz", venue_use__isnull=True):
        if lectures[activity.unit_id].open_on(activity.date):
            services.activity_venue_set(actor=SYSTEM, activity=activity, venue=lectures[activity.unit_id])
    if not MapBoundary.objects.filter(region=street).exists():
        services.boundary_upload(actor=SYSTEM, region=street, raw=_outline())
