"""Writes of the assessment app, each in a transaction with its audit entry: schemes (created by hand or from
an imported scoring table, items configured — automatic items refused on formalism metrics — and published
through the shared workflow), self-assessments (notes, submit/return through the workflow), spot-check draws
(recorded from a published seed before any finding), findings, and the scoring run (totals and ranks by peer
group, announced on the event bus)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pufa.assessment import draws, formalism, scoring, selectors
from pufa.assessment.models import Appeal, Draw, Finding, Item, ItemNote, Scheme, Score, Section, SelfAssessment
from pufa.core import audit, events, workflow
from pufa.core.actors import person
from pufa.org.access import Actor, can, require
from pufa.org.models import Membership, Region, Unit
from pufa.plans import metrics as registry

SCORE_METRIC = "assessment.score"
MAX_NOTE = 2000
_NUL = "\x00"


def _text(value: str, what: str, limit: int) -> str:
    value = (value or "").strip()
    if _NUL in value:
        raise ValidationError({what: "内容包含无效字符。"})
    return value[:limit]


def _points(value: Any, what: str = "points") -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({what: "分值应为数字。"}) from exc
    if not points.is_finite() or points < 0 or points > 1000:
        raise ValidationError({what: "分值应在 0 到 1000 之间。"})
    return points.quantize(scoring.CENT)


def _editable(scheme: Scheme) -> None:
    if scheme.status in (Scheme.Status.SCORED, Scheme.Status.RELEASED):
        raise ValidationError("该方案已评分，不能再修改。")


# ---------------------------------------------------------------- schemes


@transaction.atomic
def scheme_create(
    *, actor: Actor, region: Region, name: str, year: int, submit_by: dt.date | None = None, source: str = ""
) -> Scheme:
    require(actor, "assessment.manage", region)
    name = _text(name, "name", 100)
    if not name:
        raise ValidationError({"name": "请填写方案名称。"})
    scheme = Scheme.objects.create(
        name=name, year=year, region=region, submit_by=submit_by, source=_text(source, "source", 200)
    )
    audit.log_create(actor=actor, obj=scheme, code="assessment.scheme.create")
    return scheme


def _kind_for(section_name: str) -> str:
    if "扣分" in section_name:
        return Item.Kind.DEDUCTION
    if "加分" in section_name:
        return Item.Kind.BONUS
    return Item.Kind.MANUAL


@transaction.atomic
def scheme_import(
    *,
    actor: Actor,
    region: Region,
    name: str,
    year: int,
    parsed: Mapping[str, Any],
    source: str = "",
    submit_by: dt.date | None = None,
) -> Scheme:
    """Create a scheme from a reviewed import ({"sections": [...], "items": [...]}); items start as manual
    (or deduction/bonus in a 扣分/加分 section) and the office makes some automatic afterwards."""
    sections_in = list(parsed.get("sections") or [])
    items_in = list(parsed.get("items") or [])
    if not items_in:
        raise ValidationError("没有可导入的考核内容。")
    scheme = scheme_create(actor=actor, region=region, name=name, year=year, submit_by=submit_by, source=source)
    sections: dict[str, Section] = {}
    for row in sections_in:
        sname = _text(str(row.get("name") or ""), "sections", 100)
        if sname and sname not in sections:
            points = row.get("points")
            sections[sname] = Section.objects.create(
                scheme=scheme,
                order=len(sections) + 1,
                name=sname,
                points=None if points in (None, "") else _points(points, "sections"),
            )
    errors = []
    for index, row in enumerate(items_in, start=1):
        sname = _text(str(row.get("section") or "未分类"), "items", 100) or "未分类"
        text = _text(str(row.get("text") or ""), "items", 1000)
        if not text:
            errors.append(f"第{index}项没有内容")
            continue
        if row.get("points") in (None, ""):
            errors.append(f"第{index}项“{text[:20]}”没有分值")
            continue
        section = sections.get(sname)
        if section is None:
            section = sections[sname] = Section.objects.create(scheme=scheme, order=len(sections) + 1, name=sname)
        Item.objects.create(
            scheme=scheme,
            section=section,
            order=index,
            number=_text(str(row.get("number") or ""), "items", 10),
            text=text,
            points=_points(row.get("points"), "items"),
            remark=_text(str(row.get("remark") or ""), "items", 100),
            kind=_kind_for(sname),
        )
    if errors:
        raise ValidationError("；".join(errors))
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=scheme,
        code="assessment.scheme.import",
        message=f"从“{source or '评分表'}”导入{len(items_in)}项考核内容",
    )
    return scheme


@transaction.atomic
def item_configure(
    *,
    actor: Actor,
    item: Item,
    kind: str,
    metric: str = "",
    filters: Mapping[str, Any] | None = None,
    rule: str = "",
    params: Mapping[str, Any] | None = None,
    points: Any = None,
) -> Item:
    """Set how an item is scored. An automatic item names a registered metric (or a target, for
    `target_status`) and a rule with valid parameters; a formalism metric is refused (see `formalism.py`)."""
    scheme = item.scheme
    require(actor, "assessment.manage", scheme)
    _editable(scheme)
    if kind not in Item.Kind.values:
        raise ValidationError({"kind": "请选择计分方式。"})
    before = audit.snapshot(item, ["kind", "metric", "filters", "rule", "params", "points"])
    if points not in (None, ""):
        item.points = _points(points)
    if kind == Item.Kind.AUTOMATIC:
        try:
            checked = scoring.check_params(rule, params or {})
        except scoring.RuleError as exc:
            raise ValidationError({"rule": str(exc)}) from exc
        if rule == scoring.TARGET_STATUS:
            metric, filters = "", {}
            _check_target(actor, scheme, checked["target"])
        else:
            try:
                found = registry.get(metric)
            except KeyError as exc:
                raise ValidationError({"metric": "请选择系统中已有的统计指标。"}) from exc
            refused = formalism.refusal(found, filters)
            if refused:
                raise ValidationError({"metric": refused})
            unknown = set(filters or {}) - found.filter_names()
            if unknown:
                raise ValidationError({"metric": f"该指标不支持筛选条件：{'、'.join(sorted(unknown))}"})
        item.metric, item.filters, item.rule, item.params = metric, dict(filters or {}), rule, checked
    else:
        item.metric, item.filters, item.rule, item.params = "", {}, "", {}
    item.kind = kind
    item.save()
    audit.log_update(
        actor=actor,
        obj=item,
        before=before,
        code="assessment.item.configure",
        message=f"{item.number} {item.text[:60]}",
    )
    return item


def _check_target(actor: Actor, scheme: Scheme, target_id: int) -> None:
    from pufa.plans.models import Target

    target = Target.objects.filter(pk=target_id).first()
    if target is None or not can(actor, "plans.view", target):
        raise ValidationError({"rule": "找不到该量化指标。"})


SCHEME_FLOW = workflow.Workflow(
    model=Scheme,
    permits=can,
    transitions=[
        workflow.Transition(
            "publish",
            "发布",
            sources=frozenset({Scheme.Status.DRAFT}),
            target=Scheme.Status.PUBLISHED,
            action="assessment.manage",
            code="assessment.scheme.publish",
            refused="只有草稿可以发布。",
            checks=(lambda s: _check_publishable(s),),
        ),
        workflow.Transition(
            "release",
            "公布结果",
            sources=frozenset({Scheme.Status.SCORED}),
            target=Scheme.Status.RELEASED,
            action="assessment.manage",
            code="assessment.scheme.release",
            refused="只有最终评分后的方案可以公布结果。",
            checks=(lambda s: _check_releasable(s),),
        ),
    ],
)


def _check_publishable(scheme: Scheme) -> None:
    if not scheme.items.exists():
        raise ValidationError("方案还没有考核内容。")


def scheme_publish(*, actor: Actor, scheme: Scheme, version: int | None = None) -> Scheme:
    return SCHEME_FLOW.run("publish", actor=actor, obj=scheme, version=version, message="发布考核方案")


def _check_releasable(scheme: Scheme) -> None:
    """Results are published only after units had their appeal window and it has closed, all appeals decided."""
    if scheme.appeal_until is None:
        raise ValidationError("得分尚未经过申诉期：请先计算得分，申诉期满并最终评分后再公布。")
    if timezone.localdate() <= scheme.appeal_until:
        raise ValidationError(f"申诉期至 {scheme.appeal_until:%Y年%m月%d日}，期满后才能公布结果。")
    if scheme.appeals.filter(status=Appeal.Status.PENDING).exists():
        raise ValidationError("还有申诉未处理。")


def _announce_release(step: workflow.Step) -> None:
    """Published scores become the `assessment.score` metric's values: targets and dashboards on it follow."""
    scheme = step.obj
    ids = frozenset(Score.objects.filter(scheme=scheme).values_list("unit_id", flat=True))
    events.publish(
        events.RecordsChanged(
            metrics=frozenset({SCORE_METRIC}),
            unit_ids=ids,
            dates=frozenset({dt.date(scheme.year, 12, 31), timezone.localdate()}),
            source="assessment",
            actor=step.actor,
        )
    )


def scheme_release(*, actor: Actor, scheme: Scheme, version: int | None = None) -> Scheme:
    """公布: the final scores become visible to the units (each its own) and the circular can be drawn up.

    Through the shared workflow, so of parallel clicks one wins (one audit entry, one event); refused before
    the appeal window has closed."""

    def apply(row: Scheme) -> None:
        row.released_at = timezone.now()

    def message(row: Scheme) -> str:
        return f"公布{row.scores.count()}个单位的考核结果"

    return SCHEME_FLOW.run(
        "release", actor=actor, obj=scheme, apply=apply, message=message, version=version, announce=_announce_release
    )


@transaction.atomic
def scheme_bands_set(
    *, actor: Actor, scheme: Scheme, bands: Sequence[Mapping[str, Any]], version: int | None = None
) -> Scheme:
    """The scheme's grade bands (names, quotas within a peer group, minimum score rates), until the final
    scoring; the next scoring run grades by them."""
    require(actor, "assessment.manage", scheme)
    row = workflow.lock(scheme)
    workflow.check_version(row, version)
    _editable(row)
    try:
        checked = scoring.check_bands(bands)
    except scoring.RuleError as exc:
        raise ValidationError({"bands": str(exc)}) from exc
    before = audit.snapshot(row, ["bands"])
    row.bands = checked
    workflow.save_checked(row, fields=["bands"])
    audit.log_update(
        actor=actor,
        obj=row,
        before=before,
        code="assessment.scheme.bands",
        message="、".join(str(b["name"]) for b in checked),
    )
    workflow.copy_state(row, scheme)
    return scheme


# ---------------------------------------------------------------- self-assessment


@transaction.atomic
def self_assessment_for(*, actor: Actor, scheme: Scheme, unit: Unit) -> SelfAssessment:
    require(actor, "assessment.self", unit)
    if scheme.status != Scheme.Status.PUBLISHED:
        raise ValidationError("方案尚未发布或已评分。")
    if not selectors.assessed_units(scheme).filter(pk=unit.pk).exists():
        raise ValidationError("该单位不在本方案的考核范围内。")
    found, created = SelfAssessment.objects.get_or_create(scheme=scheme, unit=unit)
    if created:
        audit.log_create(actor=actor, obj=found, code="assessment.self.create")
    return found


_LINK = re.compile(r"^/[\w\-./?=&%+:;,~]*$")


@transaction.atomic
def note_save(
    *, actor: Actor, assessment: SelfAssessment, item: Item, note: str, links: Sequence[str] = (), points: Any = None
) -> ItemNote:
    """The unit's note, links (to its own records in pufa) and self-score for a manual/deduction/bonus item."""
    require(actor, "assessment.self", assessment.unit)
    if item.scheme_id != assessment.scheme_id:
        raise ValidationError("该考核内容不属于本方案。")
    if item.kind == Item.Kind.AUTOMATIC:
        raise ValidationError("该项由系统根据记录计分，无需填写。")
    if assessment.status == SelfAssessment.Status.SUBMITTED:
        raise ValidationError("自评已提交，不能再修改。")
    text = _text(note, "note", MAX_NOTE)
    clean_links = []
    for link in links:
        link = _text(link, "links", 300)
        if not link:
            continue
        if not _LINK.match(link):
            raise ValidationError({"links": "链接应为本系统内的地址（以 / 开头）。"})
        clean_links.append(link)
    value = None if points in (None, "") else _points(points)
    if value is not None and value > item.points:
        raise ValidationError({"points": f"自评分不能超过该项分值 {item.points.normalize():f} 分。"})
    saved, _ = ItemNote.objects.update_or_create(
        assessment=assessment, item=item, defaults={"note": text, "links": clean_links[:10], "points": value}
    )
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=assessment,
        code="assessment.self.note",
        message=f"{item.number} {text[:100]}",
    )
    return saved


def _check_deadline(assessment: SelfAssessment) -> None:
    deadline = assessment.scheme.submit_by
    if deadline is not None and timezone.localdate() > deadline:
        raise ValidationError(f"自评截止日期 {deadline:%Y年%m月%d日} 已过，请联系法治办。")


SELF_FLOW = workflow.Workflow(
    model=SelfAssessment,
    permits=can,
    target=lambda a: a.unit,
    alive_only=False,
    transitions=[
        workflow.Transition(
            "submit",
            "提交自评",
            sources=frozenset({SelfAssessment.Status.DRAFT, SelfAssessment.Status.RETURNED}),
            target=SelfAssessment.Status.SUBMITTED,
            action="assessment.self",
            code="assessment.self.submit",
            refused="自评已提交。",
            checks=(_check_deadline,),
        ),
        workflow.Transition(
            "return",
            "退回修改",
            sources=frozenset({SelfAssessment.Status.SUBMITTED}),
            target=SelfAssessment.Status.RETURNED,
            action="assessment.manage",
            code="assessment.self.return",
            refused="只有已提交的自评可以退回。",
        ),
    ],
)


def self_transition(
    *, actor: Actor, assessment: SelfAssessment, name: str, note: str = "", version: int | None = None
) -> SelfAssessment:
    """Submit (freezing the scores shown at that moment) or return a self-assessment."""
    note = _text(note, "note", 500)
    if name == "return" and not note:
        raise ValidationError({"note": "请填写退回理由。"})

    def apply(row: SelfAssessment) -> None:
        if name == "submit":
            row.submitted_at = timezone.now()
            score = selectors.unit_score(row.scheme, row.unit)
            row.snapshot = {
                "total": str(score.total),
                "items": {str(line.item.pk): str(line.signed) for line in score.lines},
            }

    def message(row: SelfAssessment) -> str:
        return f"自评得分 {row.snapshot.get('total')}" if name == "submit" else note

    return SELF_FLOW.run(name, actor=actor, obj=assessment, apply=apply, message=message, version=version)


# ---------------------------------------------------------------- the spot-check draw


def inspector_pool(scheme: Scheme) -> list[draws.Inspector]:
    """Active inspectors of units in the scheme's region, with their units and regions (for recusal)."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    rows = Membership.objects.filter(
        role=Membership.Role.INSPECTOR,
        is_active=True,
        user__is_active=True,
        unit__deleted_at__isnull=True,
        unit__region__path__startswith=scheme.region.path,
    ).values_list("user__username", "unit__code", "unit__region__path")
    for username, code, path in rows:
        units, regions = found.setdefault(username, (set(), set()))
        units.add(code)
        regions.add(path)
    return [draws.Inspector(u, tuple(sorted(c)), tuple(sorted(r))) for u, (c, r) in sorted(found.items())]


@transaction.atomic
def draw_create(*, actor: Actor, scheme: Scheme, seed: str, share: Any, per_unit: int = 2) -> Draw:
    """Record a draw from a published seed: inputs, algorithm and result, before any finding exists."""
    require(actor, "assessment.manage", scheme)
    if scheme.status != Scheme.Status.PUBLISHED:
        raise ValidationError("只能对已发布、尚未评分的方案抽查。")
    seed = _text(seed, "seed", 100)
    if not seed:
        raise ValidationError({"seed": "请填写公开的随机种子。"})
    try:
        share_value = Decimal(str(share))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"share": "抽取比例应为 0 到 1 之间的小数。"}) from exc
    if not share_value.is_finite() or not Decimal(0) < share_value <= Decimal(1):
        raise ValidationError({"share": "抽取比例应为 0 到 1 之间的小数。"})
    share_value = share_value.quantize(scoring.CENT)
    if share_value <= 0:
        raise ValidationError({"share": "抽取比例应为 0 到 1 之间的小数。"})
    if not 1 <= per_unit <= 5:
        raise ValidationError({"per_unit": "每单位督查员人数应为 1 到 5。"})
    groups = {
        group: [[u.code, u.region.path] for u in units] for group, units in selectors.units_by_group(scheme).items()
    }
    pool = inspector_pool(scheme)
    inputs = {
        "groups": groups,
        "inspectors": [{"username": i.username, "units": i.unit_codes, "regions": i.region_paths} for i in pool],
        "share": str(share_value),
        "per_unit": per_unit,
        "region": scheme.region.path,
    }
    result = draws.rerun(inputs, seed)
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if locked.status != Scheme.Status.PUBLISHED:
        raise ValidationError("只能对已发布、尚未评分的方案抽查。")
    made = Draw.objects.create(
        scheme=scheme,
        seed=seed,
        algorithm=draws.ALGORITHM,
        share=share_value,
        per_unit=per_unit,
        inputs=inputs,
        result=result,
        created_by=person(actor),
    )
    drawn = sum(len(v) for v in result["units"].values())
    audit.log_create(actor=actor, obj=made, code="assessment.draw.create", message=f"种子 {seed}，抽取{drawn}个单位")
    return made


def draw_verified(draw: Draw) -> bool:
    """Does re-running the recorded draw from its inputs and seed give the recorded result?"""
    return draws.rerun(draw.inputs, draw.seed) == draw.result


@transaction.atomic
def finding_record(*, actor: Actor, draw: Draw, unit: Unit, item: Item, points: Any, note: str) -> Finding:
    """An inspector's finding on one item of a unit they were drawn to check (the adjusting score)."""
    require(actor, "assessment.inspect", unit)
    scheme = draw.scheme
    if scheme.status != Scheme.Status.PUBLISHED:
        raise ValidationError("方案已评分，不能再录入抽查结果。")
    if item.scheme_id != scheme.pk:
        raise ValidationError("该考核内容不属于本方案。")
    if item.kind == Item.Kind.AUTOMATIC:
        raise ValidationError("系统计分的项目由记录决定，抽查请核对记录本身。")
    if getattr(actor, "username", "") not in draw.result.get("assignments", {}).get(unit.code, []):
        raise ValidationError("您未被抽中检查该单位。")
    value = _points(points)
    if value > item.points:
        raise ValidationError({"points": f"核定分不能超过该项分值 {item.points.normalize():f} 分。"})
    text = _text(note, "note", MAX_NOTE)
    if not text:
        raise ValidationError({"note": "请填写检查情况。"})
    finding, created = Finding.objects.update_or_create(
        draw=draw, unit=unit, item=item, defaults={"points": value, "note": text, "inspector": actor}
    )
    audit.log(
        actor=actor,
        action=audit.Action.CREATE if created else audit.Action.UPDATE,
        obj=finding,
        code="assessment.finding.record",
        message=f"{item.number} 核定 {value} 分：{text[:100]}",
    )
    return finding


# ---------------------------------------------------------------- the scoring run


@transaction.atomic
def scoring_run(*, actor: Actor, scheme: Scheme, today: dt.date | None = None, final: bool = False) -> int:
    """Compute every assessed unit's total, rank and grade band within peer groups, store them; a preliminary
    run opens the appeal window, `final` closes the scheme.

    The stored scores are the office's until published (`scheme_release`), which announces them on the bus
    as `RecordsChanged` of the `assessment.score` metric, so targets and dashboards on it follow."""
    require(actor, "assessment.manage", scheme)
    if scheme.status == Scheme.Status.DRAFT:
        raise ValidationError("方案尚未发布。")
    if scheme.status in (Scheme.Status.SCORED, Scheme.Status.RELEASED):
        raise ValidationError("方案已最终评分。")
    if final and scheme.appeals.filter(status=Appeal.Status.PENDING).exists():
        raise ValidationError("还有申诉未处理，处理完毕后才能最终评分。")
    units = {g: list(us) for g, us in selectors.units_by_group(scheme).items()}
    ids = [u.pk for us in units.values() for u in us]
    scores = selectors.score_units(scheme, ids, today)
    marks = selectors.full_marks(scheme)
    bands = scheme.bands or []
    rows: list[Score] = []
    for group, members in units.items():
        totals = {u.pk: scores[u.pk].total for u in members}
        ranks = scoring.rank(totals)
        grades = scoring.grade(totals, bands, marks)
        for u in members:
            s = scores[u.pk]
            rows.append(
                Score(
                    scheme=scheme,
                    unit=u,
                    group=group,
                    total=s.total,
                    rank=ranks[u.pk],
                    band=grades.get(u.pk, ""),
                    checked=s.checked,
                    lines={str(line.item.pk): [str(line.signed), line.source] for line in s.lines},
                )
            )
    Score.objects.filter(scheme=scheme).delete()
    Score.objects.bulk_create(rows, batch_size=1000)
    scheme.scored_at = timezone.now()
    if final:
        scheme.status = Scheme.Status.SCORED
    else:  # each preliminary run gives the units `appeal_days` from today to appeal
        scheme.appeal_until = timezone.localdate(scheme.scored_at) + dt.timedelta(days=scheme.appeal_days)
    workflow.save_checked(scheme, fields=["scored_at", "status", "appeal_until"])
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=scheme,
        code="assessment.scheme.final" if final else "assessment.scheme.score",
        message=f"计算{len(rows)}个单位的得分",
    )
    return len(rows)


# ---------------------------------------------------------------- appeals


def appeal_open_until(scheme: Scheme) -> dt.date | None:
    """The last day a unit may appeal: `appeal_days` after the latest preliminary scoring run (None: no run
    yet, or the scheme finally scored)."""
    if scheme.status != Scheme.Status.PUBLISHED:
        return None
    if scheme.appeal_until is not None:
        return scheme.appeal_until
    if scheme.scored_at is None:
        return None
    return timezone.localdate(scheme.scored_at) + dt.timedelta(days=scheme.appeal_days)


@transaction.atomic
def appeal_file(*, actor: Actor, scheme: Scheme, unit: Unit, item: Item, reason: str) -> Appeal:
    require(actor, "assessment.self", unit)
    if item.scheme_id != scheme.pk:
        raise ValidationError("该考核内容不属于本方案。")
    until = appeal_open_until(scheme)
    if until is None or timezone.localdate() > until:
        raise ValidationError("当前不在申诉期内。")
    if not Score.objects.filter(scheme=scheme, unit=unit).exists():
        raise ValidationError("该单位没有本方案的得分。")
    text = _text(reason, "reason", MAX_NOTE)
    if not text:
        raise ValidationError({"reason": "请填写申诉理由。"})
    if scheme.appeals.filter(unit=unit, item=item, status=Appeal.Status.PENDING).exists():
        raise ValidationError("该项已有待处理的申诉。")
    appeal = Appeal.objects.create(scheme=scheme, unit=unit, item=item, reason=text)
    audit.log_create(actor=actor, obj=appeal, code="assessment.appeal.file", message=text[:200])
    return appeal


@transaction.atomic
def appeal_decide(*, actor: Actor, appeal: Appeal, upheld: bool, decision: str, points: Any = None) -> Appeal:
    """The office's decision, recorded; an upheld appeal with points sets the item's score for the unit."""
    require(actor, "assessment.manage", appeal.scheme)
    row = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if row.status != Appeal.Status.PENDING:
        raise ValidationError("该申诉已处理。")
    text = _text(decision, "decision", MAX_NOTE)
    if not text:
        raise ValidationError({"decision": "请填写处理意见。"})
    value = None
    if upheld and points not in (None, ""):
        value = _points(points)
        if value > row.item.points:
            raise ValidationError({"points": f"核定分不能超过该项分值 {row.item.points.normalize():f} 分。"})
    row.status = Appeal.Status.UPHELD if upheld else Appeal.Status.REJECTED
    row.decision, row.points, row.decided_at, row.decided_by = text, value, timezone.now(), person(actor)
    row.save()
    audit.log(
        actor=actor,
        action=audit.Action.UPDATE,
        obj=row,
        code="assessment.appeal.decide",
        changes={"status": ["待处理", row.get_status_display()]},
        message=text[:200],
    )
    return row
