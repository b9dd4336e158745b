"""Writes of the demand app, each checked against the role table and audited."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pufa.core import audit
from pufa.core.models import Domain
from pufa.core.workflow import Conflict
from pufa.demand import classifier, counts, engine
from pufa.demand.importers import FIELDS, PUSH_MAX, Table, parse_rows
from pufa.demand.models import GazetteerEntry, KeywordRule, TrainedModel, WorkOrder
from pufa.org.access import require
from pufa.org.models import Region

#: Orders saved per INSERT statement, and per UPDATE (Django's bulk_update writes one CASE per field, whose
#: cost grows with the square of the batch: 10,000 rows at 2,000 a batch took minutes on SQLite).
BATCH = 2000
UPDATE_BATCH = 200
KEPT = [k for k in FIELDS if k != "number"]
SAVED = [*KEPT, "domain_id", "domain_confidence", "place_id", "place_confidence"]


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    review: int = 0


def import_orders(*, actor: Any, region: Region, table: Table, mapping: dict[str, int | None]) -> ImportResult:
    """Import every row of an export into the office of `region`, or none: a row's error raises
    ValidationError listing every row's errors. Orders already there (same 工单编号) are updated where they
    changed, keeping an office's corrections, so a re-import of the same file adds and changes nothing."""
    require(actor, "demand.manage", region)
    parsed = parse_rows(table, mapping)
    if parsed.errors:
        raise ValidationError(parsed.errors)
    with transaction.atomic():
        result, _ = _save_orders(region, parsed.values, WorkOrder.Source.IMPORT)
        audit.log(
            actor=actor,
            action=audit.Action.IMPORT,
            code="demand.order.import",
            scope_path=region.path,
            object_repr=f"{region.name} 热线工单",
            message=(
                f"新增 {result.created} 条，更新 {result.updated} 条，未变 {result.unchanged} 条"
                "（来电人姓名、电话未保存）"
            ),
        )
    return result


def push_orders(
    *, actor: Any, region: Region, rows: list[dict[str, Any]]
) -> tuple[ImportResult, list[tuple[WorkOrder, str]]]:
    """Orders pushed by another system (the 12345 platform) through the data interface: the same fields and
    checks as an import, all or none (every row's error in Chinese, "第3条：受理时间…"), the same 工单编号
    recognised (updated where changed, never doubled), classified as imported orders are, audited. Only the
    fields of `FIELDS` are read from a row, so a caller's name or phone sent along is never kept.

    Returns the counts and each order with what happened to it ("created", "updated", "unchanged")."""
    require(actor, "demand.push", region)
    if not rows:
        raise ValidationError("请至少推送一条工单。")
    if len(rows) > PUSH_MAX:
        raise ValidationError(f"一次最多推送 {PUSH_MAX} 条工单，请分批推送。")
    keys = list(FIELDS)
    table = Table(header=keys, rows=[(i, [row.get(k) for k in keys]) for i, row in enumerate(rows, start=1)])
    parsed = parse_rows(table, {k: i for i, k in enumerate(keys)}, unit="条")
    if parsed.errors:
        raise ValidationError(parsed.errors)
    try:
        with transaction.atomic():
            result, outcomes = _save_orders(region, parsed.values, WorkOrder.Source.API)
            audit.log(
                actor=actor,
                action=audit.Action.IMPORT,
                code="demand.order.push",
                scope_path=region.path,
                object_repr=f"{region.name} 热线工单",
                message=(
                    f"接口推送 {len(rows)} 条：新增 {result.created} 条，更新 {result.updated} 条，"
                    f"未变 {result.unchanged} 条（来电人姓名、电话未保存）"
                ),
            )
    except IntegrityError as exc:  # the same new 工单编号 pushed twice at once: the other push saved it
        raise Conflict("同一工单编号正被同时推送，请稍后重新推送这一批。") from exc
    return result, outcomes


def _save_orders(
    region: Region, values_list: list[dict[str, Any]], source: str
) -> tuple[ImportResult, list[tuple[WorkOrder, str]]]:
    """Save checked rows as the orders of `region`: new numbers created, known ones updated where a kept field
    changed (an office's corrections stay), all classified; one transaction."""
    numbers = [v["number"] for v in values_list]
    existing: dict[str, WorkOrder] = {}
    for i in range(0, len(numbers), BATCH):
        existing |= {o.number: o for o in WorkOrder.objects.filter(region=region, number__in=numbers[i : i + BATCH])}
    orders: list[WorkOrder] = []
    before: dict[int, tuple[object, ...]] = {}
    for values in values_list:
        order = existing.get(values["number"]) or WorkOrder(region=region, number=values["number"], source=source)
        if order.pk is not None:
            before[order.pk] = tuple(getattr(order, f) for f in SAVED)
        for key in KEPT:
            setattr(order, key, values[key])
        orders.append(order)
    engine.classify_orders(orders, region)
    threshold = engine.review_below()
    result = ImportResult()
    now = timezone.now()
    with transaction.atomic():
        new = [o for o in orders if o.pk is None]
        old = [o for o in orders if o.pk is not None]
        changed = [o for o in old if tuple(getattr(o, f) for f in SAVED) != before[o.pk]]
        outcome = {id(o): "created" for o in new} | {id(o): "unchanged" for o in old}
        outcome |= {id(o): "updated" for o in changed}
        for o in new:
            o.created_at = o.updated_at = now
        WorkOrder.objects.bulk_create(new, batch_size=BATCH)
        for o in changed:
            o.updated_at = now
        stored = _locked_keys([o.pk for o in changed])
        fields = [*KEPT, "domain", "domain_confidence", "place", "place_confidence", "updated_at"]
        WorkOrder.objects.bulk_update(changed, fields, batch_size=UPDATE_BATCH)
        counts.add(counts.moved(stored, [counts.key_of(o) for o in [*new, *changed]]))
        result.created, result.updated, result.unchanged = len(new), len(changed), len(old) - len(changed)
        result.review = sum(1 for o in orders if _needs_review(o, threshold))
    return result, [(o, outcome[id(o)]) for o in orders]


def _locked_keys(pks: list[int]) -> list[counts.Key]:
    """The count keys of the orders as stored, their rows locked until the transaction ends (the counts move
    from what the row held, whatever another writer changed since it was read)."""
    keys: list[counts.Key] = []
    for i in range(0, len(pks), BATCH):
        rows = (
            WorkOrder.objects.select_for_update()
            .filter(pk__in=pks[i : i + BATCH])
            .order_by("pk")
            .values_list("region_id", "place_id", "domain_id", "received_at")
        )
        keys += [counts.key(*row) for row in rows]
    return keys


def _needs_review(order: WorkOrder, threshold: float) -> bool:
    if order.reviewed:
        return False
    low_domain = not order.domain_manual and order.domain_confidence < threshold
    low_place = not order.place_manual and order.place_confidence < threshold
    return low_domain or low_place


def order_correct(*, actor: Any, order: WorkOrder, domain: Domain | None, place: Region | None) -> WorkOrder:
    """An office's correction: the chosen domain and place are marked manual (training data for
    `pufa demand-train`), and the order leaves the review queue."""
    require(actor, "demand.manage", order)
    if place is not None and not place.path.startswith(order.region.path):
        raise ValidationError({"place": "请选择本辖区内的社区或街道。"})
    with transaction.atomic():
        stored = _locked_keys([order.pk])
        before = audit.snapshot(order, ["domain", "place", "reviewed"])
        if domain is not None:
            order.domain, order.domain_confidence, order.domain_manual = domain, 1.0, True
        if place is not None:
            order.place, order.place_confidence, order.place_manual = place, 1.0, True
        order.reviewed = True
        order.save()
        counts.add(counts.moved(stored, [counts.key_of(order)]))
        audit.log_update(actor=actor, obj=order, before=before, code="demand.order.correct")
    return order


def orders_delete(*, actor: Any, region: Region, numbers: list[str]) -> int:
    """Delete the office's orders with these 工单编号 (an export loaded by mistake, a test batch), their counts
    with them; returns how many were deleted."""
    require(actor, "demand.manage", region)
    deleted = 0
    with transaction.atomic():
        for i in range(0, len(numbers), BATCH):
            pks = list(
                WorkOrder.objects.filter(region=region, number__in=numbers[i : i + BATCH]).values_list("pk", flat=True)
            )
            stored = _locked_keys(pks)
            WorkOrder.objects.filter(pk__in=pks).delete()
            counts.add(counts.moved(stored, []))
            deleted += len(stored)
        if deleted:
            audit.log(
                actor=actor,
                action=audit.Action.DELETE,
                code="demand.order.delete",
                scope_path=region.path,
                object_repr=f"{region.name} 热线工单",
                message=f"删除 {deleted} 条",
            )
    return deleted


def gazetteer_add(*, actor: Any, name: str, kind: str, region: Region) -> GazetteerEntry:
    require(actor, "demand.manage", region)
    name = name.strip()
    if len(name) < 2:
        raise ValidationError({"name": "地名至少两个字。"})
    if GazetteerEntry.objects.filter(region=region, name=name).exists():
        raise ValidationError({"name": f"“{name}”已在{region.name}的地名库中。"})
    entry = GazetteerEntry.objects.create(name=name, kind=kind, region=region, created_by=_user(actor))
    audit.log_create(actor=actor, obj=entry, code="demand.gazetteer.add")
    return entry


def gazetteer_delete(*, actor: Any, entry: GazetteerEntry) -> None:
    require(actor, "demand.manage", entry)
    audit.log(actor=actor, action=audit.Action.DELETE, obj=entry, code="demand.gazetteer.delete")
    entry.delete()


def rule_add(*, actor: Any, domain: Domain, keywords: str, weight: float, region: Region) -> KeywordRule:
    """A keyword rule of the office's region (default rules, without a region, come from the migration)."""
    require(actor, "demand.manage", region)
    words = classifier.split_keywords(keywords)
    if not words:
        raise ValidationError({"keywords": "请填写至少一个关键词。"})
    rule = KeywordRule.objects.create(domain=domain, keywords="、".join(words), weight=weight, region=region)
    audit.log_create(actor=actor, obj=rule, code="demand.rule.add")
    return rule


def rule_toggle(*, actor: Any, rule: KeywordRule) -> KeywordRule:
    """Switch a rule on or off; default rules (no region) only by an office of the top region."""
    if rule.region_id is None:
        require(actor, "demand.rules.default")
    else:
        require(actor, "demand.manage", rule)
    before = audit.snapshot(rule, ["is_active"])
    rule.is_active = not rule.is_active
    rule.save(update_fields=["is_active", "updated_at"])
    audit.log_update(actor=actor, obj=rule, before=before, code="demand.rule.toggle")
    return rule


def train(*, actor: Any) -> TrainedModel:
    """Retrain the linear model on the seed corpus plus every order an office corrected by hand, and make
    it the active model (the previous ones stay, inactive, for the record)."""
    require(actor, "demand.train")
    rows = classifier.read_labelled(classifier.SEED_CORPUS)
    corrected = list(
        WorkOrder.objects.filter(domain_manual=True, domain__isnull=False).values_list("domain__code", "text")
    )
    texts = [t for _, t in rows] + [t for _, t in corrected]
    labels = [d for d, _ in rows] + [d for d, _ in corrected]
    model = classifier.train(texts, labels)
    with transaction.atomic():
        TrainedModel.objects.filter(is_active=True).update(is_active=False)
        row = TrainedModel.objects.create(
            samples=len(texts), corrections=len(corrected), data=model.to_json(), is_active=True
        )
        audit.log(
            actor=actor,
            action=audit.Action.CREATE,
            obj=row,
            code="demand.model.train",
            message=f"训练样本 {len(texts)} 条，其中人工更正 {len(corrected)} 条",
        )
    return row


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None
