"""Writes of the venues app: venues, their upkeep, the venue of an activity, kinds and the map boundary.

Every write checks the role table (`venues.edit` on the owning unit, `venues.manage` for kinds and maps),
records its audit entry, and announces the metrics it can move with `RecordsChanged` inside its transaction —
for the unit that looks after the venue (before and after a change of owner), and for dates covering the
state before and after (the metrics are "as of" a day).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from pufa.core import audit, events, workflow
from pufa.core.actors import person
from pufa.core.events import RecordsChanged
from pufa.ledger import files
from pufa.ledger.models import Activity
from pufa.org.access import Actor, require
from pufa.org.models import Region, Unit
from pufa.venues.metrics import ACTIVITIES, VENUE_METRICS
from pufa.venues.models import MapBoundary, Upkeep, Venue, VenueKind, VenuePhoto, VenueUse

Status = Venue.Status

#: The boundary file is drawn in the browser: a city's outline simplified for the web is well under this.
BOUNDARY_MAX_BYTES = 5 * 1024 * 1024
BOUNDARY_MAX_POINTS = 400_000


@dataclass(frozen=True)
class VenueData:
    """What a liaison or office types for one venue."""

    name: str
    kind: VenueKind
    level: str
    region: Region
    unit: Unit
    status: str = Status.OPEN
    address: str = ""
    longitude: Decimal | None = None
    latitude: Decimal | None = None
    area_m2: Decimal | None = None
    opened_on: dt.date | None = None
    closed_on: dt.date | None = None
    opening_hours: str = ""
    description: str = ""


FIELDS = [f for f in VenueData.__dataclass_fields__]


def validate(data: VenueData) -> None:
    """The rules every venue meets, whether typed on the form or imported (Chinese messages keyed by field)."""
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = "请填写阵地名称。"
    if not data.region.path.startswith(data.unit.region.path):
        errors["region"] = "阵地所在区划须在管理单位的辖区内。"
    if data.status in (Status.OPEN, Status.CLOSED) and data.opened_on is None:
        errors["opened_on"] = "开放或停用的阵地须填写开放日期。"
    if data.status == Status.CLOSED and data.closed_on is None:
        errors["closed_on"] = "停用的阵地须填写停用日期。"
    if data.status != Status.CLOSED and data.closed_on is not None:
        errors["closed_on"] = "只有停用的阵地填写停用日期。"
    if data.opened_on and data.closed_on and data.closed_on < data.opened_on:
        errors["closed_on"] = "停用日期不能早于开放日期。"
    if (data.longitude is None) != (data.latitude is None):
        errors["latitude"] = "经度和纬度须同时填写或同时留空。"
    if data.area_m2 is not None and data.area_m2 < 0:
        errors["area_m2"] = "面积不能为负数。"
    if not data.kind.is_active:
        errors["kind"] = "该阵地类型已停用。"
    if errors:
        raise ValidationError(errors)


def announce(*, actor: Any, unit_ids: Iterable[int], dates: Iterable[dt.date | None]) -> None:
    """The venue metrics count a venue for the unit that looks after it: announce for that unit (before and after
    a change of owner) and the dates the change can move (as-of metrics: from the earliest on)."""
    days = frozenset(d for d in dates if d is not None) | {timezone.localdate()}
    events.publish(
        RecordsChanged(metrics=VENUE_METRICS, unit_ids=frozenset(unit_ids), dates=days, source="venues", actor=actor)
    )


@transaction.atomic
def venue_create(*, actor: Actor, data: VenueData, announce_change: bool = True) -> Venue:
    """Add a venue (`announce_change=False`: the caller, an import, announces all its rows at once)."""
    require(actor, "venues.edit", data.unit)
    validate(data)
    venue = Venue.objects.create(**{name: getattr(data, name) for name in FIELDS})
    audit.log_create(actor=actor, obj=venue, code="venues.venue.create")
    if announce_change:
        announce(actor=actor, unit_ids=[venue.unit_id], dates=[venue.opened_on, venue.closed_on])
    return venue


@transaction.atomic
def venue_update(
    *, actor: Actor, venue: Venue, data: VenueData, version: int | None = None, announce_change: bool = True
) -> Venue:
    """Change a venue (edits carry the version they were loaded with: a stale form gets 「已被他人修改」;
    `announce_change=False`: the caller, an import, announces all its rows at once)."""
    row = workflow.lock(venue)
    require(actor, "venues.edit", row)
    require(actor, "venues.edit", data.unit)
    workflow.check_version(row, version)
    validate(data)
    before = audit.snapshot(row, FIELDS)
    old = (row.unit_id, row.opened_on, row.closed_on)
    for name in FIELDS:
        setattr(row, name, getattr(data, name))
    workflow.save_checked(row)
    audit.log_update(actor=actor, obj=row, before=before, code="venues.venue.update")
    if announce_change:
        announce(actor=actor, unit_ids=[old[0], row.unit_id], dates=[old[1], old[2], row.opened_on, row.closed_on])
    workflow.copy_state(row, venue)
    return venue


@transaction.atomic
def venue_delete(*, actor: Actor, venue: Venue) -> None:
    """Soft-delete a venue entered by mistake (a venue that closed is 停用, not deleted)."""
    row = workflow.lock(venue)
    require(actor, "venues.edit", row)
    if row.deleted_at is not None:
        return
    row.deleted_at = timezone.now()
    workflow.save_checked(row)
    audit.log(actor=actor, action=audit.Action.DELETE, obj=row, code="venues.venue.delete")
    announce(actor=actor, unit_ids=[row.unit_id], dates=[row.opened_on])
    venue.deleted_at = row.deleted_at


@transaction.atomic
def upkeep_record(*, actor: Actor, venue: Venue, kind: str, date: dt.date, note: str = "") -> Upkeep:
    """Log a content update, new panels or a repair of a venue (a board's monthly issue)."""
    require(actor, "venues.edit", venue)
    if venue.deleted_at is not None:
        raise ValidationError("该阵地已删除。")
    if date > timezone.localdate():
        raise ValidationError({"date": "日期不能晚于今天。"})
    if kind not in Upkeep.Kind.values:
        raise ValidationError({"kind": "请选择维护类型。"})
    upkeep = Upkeep.objects.create(venue=venue, kind=kind, date=date, note=note.strip(), recorded_by=person(actor))
    audit.log_create(actor=actor, obj=upkeep, code="venues.upkeep.create")
    announce(actor=actor, unit_ids=[venue.unit_id], dates=[date])
    return upkeep


@transaction.atomic
def upkeep_delete(*, actor: Actor, upkeep: Upkeep) -> None:
    require(actor, "venues.edit", upkeep.venue)
    audit.log(actor=actor, action=audit.Action.DELETE, obj=upkeep, code="venues.upkeep.delete")
    venue, date = upkeep.venue, upkeep.date
    upkeep.delete()
    announce(actor=actor, unit_ids=[venue.unit_id], dates=[date])


@transaction.atomic
def activity_venue_set(*, actor: Actor, activity: Activity, venue: Venue | None) -> VenueUse | None:
    """Say at which venue a ledger activity took place (None: at none). Counted from the ledger from then on.

    Whoever may record the activity says where it was held; the venue must be one they can see."""
    require(actor, "ledger.record", activity.unit)
    if venue is not None:
        require(actor, "venues.view", venue)
    current = VenueUse.objects.filter(activity=activity).select_related("venue").first()
    before = current.venue.name if current else ""
    if venue is None:
        if current is not None:
            current.delete()
        use = None
    elif current is None:
        use = VenueUse.objects.create(activity=activity, venue=venue)
    else:
        current.venue = venue
        current.save(update_fields=["venue", "updated_at"])
        use = current
    after = venue.name if venue else ""
    if before != after:
        audit.log(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=activity,
            code="venues.activity.venue",
            changes={"venue": [before, after]},
            message=f"活动所在阵地：{after or '无'}",
        )
        units = frozenset(activity.participants.values_list("unit_id", flat=True))
        events.publish(
            RecordsChanged(
                metrics=frozenset({ACTIVITIES}),
                unit_ids=units,
                dates=frozenset({activity.date}),
                source="venues",
                actor=actor,
            )
        )
    return use


@transaction.atomic
def kind_create(*, actor: Actor, name: str, is_board: bool = False, required_per_community: bool = False) -> VenueKind:
    """Add a venue kind to the list (an office's own kind beside the seeds')."""
    require(actor, "venues.manage")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写类型名称。"})
    if VenueKind.objects.filter(name=name).exists():
        raise ValidationError({"name": "已有同名的阵地类型。"})
    code = f"k{VenueKind.objects.count() + 1}"
    while VenueKind.objects.filter(code=code).exists():
        code += "x"
    kind = VenueKind.objects.create(
        name=name, code=code, is_board=is_board, required_per_community=required_per_community, sort_order=200
    )
    audit.log_create(actor=actor, obj=kind, code="venues.kind.create")
    return kind


# ---------------------------------------------------------------- photos (optional)

#: How many photos one venue keeps (a venue's page, not an album).
MAX_PHOTOS = 12


@transaction.atomic
def photo_add(*, actor: Actor, venue: Venue, upload: IO[bytes], name: str = "") -> VenuePhoto:
    """Add a photo: checked by content like the ledger's evidence (type, size, a readable image), stored under a
    random name with a thumbnail without metadata; never required."""
    require(actor, "venues.edit", venue)
    if venue.photos.count() >= MAX_PHOTOS:
        raise ValidationError(f"每个阵地最多保存 {MAX_PHOTOS} 张照片，请先删除旧照片。")
    checked = files.check(upload, name)
    if not checked.is_image:
        raise ValidationError("只能上传照片（JPG、PNG、GIF、WebP）。")
    day = timezone.localdate()
    stored = default_storage.save(f"venues/{day:%Y/%m}/{secrets.token_hex(16)}{checked.extension}", upload)
    upload.seek(0)
    thumb = files.thumbnail(upload)
    thumb_name = (
        default_storage.save(f"venues/{day:%Y/%m}/{secrets.token_hex(16)}.jpg", thumb) if thumb is not None else ""
    )
    photo = VenuePhoto.objects.create(venue=venue, file=stored, thumbnail=thumb_name, uploaded_by=person(actor))
    audit.log_create(actor=actor, obj=photo, code="venues.photo.add")
    return photo


@transaction.atomic
def photo_delete(*, actor: Actor, photo: VenuePhoto) -> None:
    require(actor, "venues.edit", photo.venue)
    audit.log(actor=actor, action=audit.Action.DELETE, obj=photo, code="venues.photo.delete")
    photo.delete()  # the files stay on disk, named in the audit trail


# ---------------------------------------------------------------- the offline map's boundary


def _check_position(pos: Any) -> int:
    if not isinstance(pos, list) or len(pos) < 2 or not all(isinstance(v, int | float) for v in pos[:2]):
        raise ValidationError("坐标格式不正确：每个点应为 [经度, 纬度]。")
    lon, lat = pos[0], pos[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError(
            f"坐标超出范围：经度应在 -180 到 180 之间，纬度应在 -90 到 90 之间（发现 {lon}, {lat}）。"
        )
    return 1


def _check_ring(ring: Any) -> int:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError("多边形的每个环至少需要 4 个点。")
    return sum(_check_position(p) for p in ring)


def _check_geometry(geometry: Any) -> int:
    if not isinstance(geometry, dict):
        raise ValidationError("几何对象格式不正确。")
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        if not isinstance(coords, list) or not coords:
            raise ValidationError("多边形缺少坐标。")
        return sum(_check_ring(r) for r in coords)
    if kind == "MultiPolygon":
        if not isinstance(coords, list) or not coords:
            raise ValidationError("多面缺少坐标。")
        total = 0
        for polygon in coords:
            if not isinstance(polygon, list) or not polygon:
                raise ValidationError("多面中的多边形缺少坐标。")
            total += sum(_check_ring(r) for r in polygon)
        return total
    raise ValidationError(f"只支持 Polygon 和 MultiPolygon 边界，不支持“{kind}”。")


def geojson_parse(raw: bytes) -> dict[str, Any]:
    """Check an uploaded boundary: size, JSON, GeoJSON structure (a FeatureCollection of polygon features),
    coordinate ranges. Returns a FeatureCollection with each feature's `name` property set (ECharts needs it);
    raises ValidationError with a Chinese message otherwise."""
    if len(raw) > BOUNDARY_MAX_BYTES:
        raise ValidationError(f"文件过大：边界文件不能超过 {BOUNDARY_MAX_BYTES // (1024 * 1024)} MB，请先简化边界。")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValidationError("文件不是有效的 GeoJSON（JSON 格式错误）。") from exc
    if not isinstance(data, dict):
        raise ValidationError("文件不是有效的 GeoJSON。")
    if data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    elif data.get("type") in ("Polygon", "MultiPolygon"):
        data = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": data}]}
    if data.get("type") != "FeatureCollection" or not isinstance(data.get("features"), list) or not data["features"]:
        raise ValidationError("GeoJSON 须为包含至少一个要素的 FeatureCollection。")
    points = 0
    features = []
    for i, feature in enumerate(data["features"], start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise ValidationError(f"第 {i} 个要素格式不正确。")
        points += _check_geometry(feature.get("geometry"))
        if points > BOUNDARY_MAX_POINTS:
            raise ValidationError(f"边界点数过多（超过 {BOUNDARY_MAX_POINTS} 个），请先简化边界。")
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        name = str(props.get("name") or f"区域{i}")[:100]
        features.append({"type": "Feature", "properties": {"name": name}, "geometry": feature["geometry"]})
    return {"type": "FeatureCollection", "features": features}


@transaction.atomic
def boundary_upload(*, actor: Actor, region: Region, raw: bytes) -> MapBoundary:
    """Store a region's outline for the offline venue map (replacing the one before)."""
    require(actor, "venues.manage", region)
    geojson = geojson_parse(raw)
    boundary, created = MapBoundary.objects.update_or_create(
        region=region, defaults={"geojson": geojson, "size_bytes": len(raw), "uploaded_by": person(actor)}
    )
    audit.log(
        actor=actor,
        action=audit.Action.CREATE if created else audit.Action.UPDATE,
        obj=boundary,
        code="venues.boundary.upload",
        message=f"上传地图边界（{len(geojson['features'])} 个区域，{len(raw)} 字节）",
    )
    return boundary


@transaction.atomic
def boundary_set_portal(*, actor: Actor, boundary: MapBoundary, show: bool) -> MapBoundary:
    """Switch the map on or off for the public portal (a public map needs an approved base map, 审图号)."""
    require(actor, "venues.manage", boundary.region)
    before = audit.snapshot(boundary, ["show_on_portal"])
    boundary.show_on_portal = show
    boundary.save(update_fields=["show_on_portal", "updated_at"])
    audit.log_update(actor=actor, obj=boundary, before=before, code="venues.boundary.portal")
    return boundary
