"""Reads of the assessment app: schemes, the units a scheme assesses and their peer groups, live scores
(automatic items from the metrics registry, each linked to the records behind it), draws, rankings, 待办."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from pufa.assessment import scoring
from pufa.assessment.models import Appeal, Draw, Finding, Item, ItemNote, Scheme, Score, SelfAssessment
from pufa.org.access import can, scope, visible_or_404
from pufa.org.models import Region, Unit
from pufa.plans import metrics as registry

#: Peer groups (同类组别): units are ranked only against units of their kind.
GROUPS = {"department": "部门单位", "street": "街镇", "community": "村（社区）"}
_GROUP_OF_KIND = {
    Unit.Kind.DEPARTMENT: "department",
    Unit.Kind.JUDICIAL_OFFICE: "department",
    Unit.Kind.POLICE_STATION: "department",
    Unit.Kind.SCHOOL: "department",
    Unit.Kind.ENTERPRISE: "department",
    Unit.Kind.SOCIAL_ORG: "department",
    Unit.Kind.COMMUNITY_COMMITTEE: "community",
}


def peer_group(kind: str, region_level: str) -> str:
    """The peer group of a unit: an office of a street is a 街镇; the others by their kind."""
    if kind == Unit.Kind.OFFICE:
        return "street" if region_level == Region.Level.STREET else ""
    return _GROUP_OF_KIND.get(Unit.Kind(kind), "") if kind in Unit.Kind.values else ""


def assessed_units(scheme: Scheme) -> QuerySet[Unit]:
    """The units a scheme assesses: responsibility subjects in its region, except the issuing office's level."""
    return (
        Unit.objects.filter(region__path__startswith=scheme.region.path, is_responsible_subject=True)
        .exclude(kind=Unit.Kind.OFFICE, region=scheme.region)
        .select_related("region")
        .order_by("path")
    )


def units_by_group(scheme: Scheme) -> dict[str, list[Unit]]:
    groups: dict[str, list[Unit]] = defaultdict(list)
    for unit in assessed_units(scheme):
        group = peer_group(unit.kind, unit.region.level)
        if group:
            groups[group].append(unit)
    return dict(groups)


# ---------------------------------------------------------------- live scores


@dataclass
class Line:
    """One item's score for one unit, with where it came from."""

    item: Item
    points: Decimal
    source: str  # "auto", "self", "finding", ""
    value: Decimal | str | None = None
    url: str = ""
    note: ItemNote | None = None
    finding: Finding | None = None
    error: str = ""

    @property
    def signed(self) -> Decimal:
        return self.points * self.item.signed


@dataclass
class UnitScore:
    unit_id: int
    lines: list[Line] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.signed for line in self.lines), Decimal(0))

    @property
    def checked(self) -> bool:
        return any(line.finding is not None for line in self.lines)


def period(scheme: Scheme, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The scheme's year up to today (a past year whole)."""
    today = today or timezone.localdate()
    return dt.date(scheme.year, 1, 1), min(dt.date(scheme.year, 12, 31), today)


def _automatic(
    item: Item, unit_ids: list[int], start: dt.date, end: dt.date
) -> tuple[dict[int, Decimal | str | None], dict[int, str], str]:
    """Values (a status for target_status) and record links of one automatic item for many units."""
    if item.rule == scoring.TARGET_STATUS:
        from pufa.progress.models import ProgressStatus

        target = int(item.params.get("target") or 0)
        rows = ProgressStatus.objects.filter(target_id=target, unit_id__in=unit_ids).values_list("unit_id", "status")
        statuses: dict[int, Decimal | str | None] = dict(rows)
        links = {uid: reverse("progress:unit", args=[uid]) for uid in unit_ids} if len(unit_ids) <= 50 else {}
        return statuses, links, ""
    try:
        metric = registry.get(item.metric)
    except KeyError:
        return {}, {}, "统计指标已不存在"
    first = None if metric.cumulative else start
    values: dict[int, Decimal | str | None] = dict(
        registry.compute(item.metric, unit_ids=unit_ids, start=first, end=end, filters=item.filters)
    )
    urls: dict[int, str] = {}
    if metric.records_url is not None and len(unit_ids) <= 50:  # links for pages, not for a city's run
        for uid in unit_ids:
            query = registry.MetricQuery(unit_ids=(uid,), start=first, end=end, filters=dict(item.filters))
            urls[uid] = metric.records_url(uid, query)
    return values, urls, ""


def _manual_points(scheme: Scheme, item: Item, note: ItemNote | None, finding: Finding | None) -> tuple[Decimal, str]:
    claimed = scoring.clamp(note.points, item.points) if note is not None and note.points is not None else None
    if finding is not None:
        checked = scoring.clamp(finding.points, item.points)
        if scheme.finding_rule == Scheme.FindingRule.LOWER and claimed is not None:
            return min(checked, claimed), "finding"
        return checked, "finding"
    if claimed is not None:
        return claimed, "self"
    return Decimal(0).quantize(scoring.CENT), ""


def score_units(scheme: Scheme, unit_ids: Sequence[int], today: dt.date | None = None) -> dict[int, UnitScore]:
    """Every unit's score under the scheme now: one grouped metric query per automatic item, the notes and
    findings in two queries. The live page and the scoring run both call this."""
    start, end = period(scheme, today)
    ids = list(unit_ids)
    items = list(scheme.items.select_related("section").order_by("section__order", "order", "id"))
    notes: dict[tuple[int, int], ItemNote] = {}
    for note in ItemNote.objects.filter(assessment__scheme=scheme, assessment__unit_id__in=ids).select_related(
        "assessment"
    ):
        notes[(note.assessment.unit_id, note.item_id)] = note
    findings: dict[tuple[int, int], Finding] = {}
    for finding in Finding.objects.filter(draw__scheme=scheme, unit_id__in=ids).order_by("created_at"):
        findings[(finding.unit_id, finding.item_id)] = finding  # the latest draw's finding counts
    decided: dict[tuple[int, int], Appeal] = {}
    for appeal in Appeal.objects.filter(
        scheme=scheme, unit_id__in=ids, status=Appeal.Status.UPHELD, points__isnull=False
    ).order_by("decided_at"):
        decided[(appeal.unit_id, appeal.item_id)] = appeal
    scores = {uid: UnitScore(uid) for uid in ids}
    for item in items:
        if item.kind == Item.Kind.AUTOMATIC:
            values, urls, error = _automatic(item, ids, start, end)
            for uid in ids:
                value = values.get(uid)
                try:
                    points = scoring.score(item.rule, item.params, item.points, value)
                except (scoring.RuleError, KeyError):
                    points, error = Decimal(0).quantize(scoring.CENT), "评分规则不完整"
                source = "auto"
                upheld = decided.get((uid, item.pk))
                if upheld is not None and upheld.points is not None:
                    points, source = scoring.clamp(upheld.points, item.points), "appeal"
                scores[uid].lines.append(
                    Line(item, points, source, value, urls.get(uid, ""), notes.get((uid, item.pk)), error=error)
                )
            continue
        for uid in ids:
            got_note, got_finding = notes.get((uid, item.pk)), findings.get((uid, item.pk))
            points, source = _manual_points(scheme, item, got_note, got_finding)
            upheld = decided.get((uid, item.pk))
            if upheld is not None and upheld.points is not None:
                points, source = scoring.clamp(upheld.points, item.points), "appeal"
            scores[uid].lines.append(Line(item, points, source, note=got_note, finding=got_finding))
    return scores


def unit_score(scheme: Scheme, unit: Unit, today: dt.date | None = None) -> UnitScore:
    return score_units(scheme, [unit.pk], today)[unit.pk]


def full_marks(scheme: Scheme) -> Decimal:
    return sum((i.points for i in scheme.items.all() if i.kind in (Item.Kind.AUTOMATIC, Item.Kind.MANUAL)), Decimal(0))


# ---------------------------------------------------------------- scoped reads


def scheme_list(*, actor: Any) -> QuerySet[Scheme]:
    return scope(Scheme.objects.select_related("region"), actor).order_by("-year", "name")


def scheme_get(*, actor: Any, pk: int, action: str = "assessment.view") -> Scheme:
    return visible_or_404(Scheme.objects.select_related("region"), actor, action=action, pk=pk)


def unit_get(*, actor: Any, pk: int, action: str = "assessment.view") -> Unit:
    return visible_or_404(Unit.objects.select_related("region"), actor, action=action, pk=pk)


def draw_get(*, actor: Any, pk: int, action: str = "assessment.view") -> Draw:
    return visible_or_404(Draw.objects.select_related("scheme", "scheme__region"), actor, action=action, pk=pk)


def my_units(*, actor: Any, scheme: Scheme) -> QuerySet[Unit]:
    """The assessed units whose self-assessment the actor may fill in."""
    return scope(assessed_units(scheme), actor, "assessment.self")


def self_assessment(scheme: Scheme, unit: Unit) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(scheme=scheme, unit=unit).first()


#: Rows per peer group on the ranking overview, and per page of one group's full list.
OVERVIEW_ROWS = 50
PAGE_ROWS = 200


@dataclass(frozen=True)
class RankRow:
    unit_id: int
    unit: str
    region: str
    total: Decimal
    rank: int
    checked: bool
    band: str = ""


def results_visible(actor: Any, scheme: Scheme) -> bool:
    """Stored scores are the office's until the results are published (公布); then each unit sees its own
    and an office its region (the rows `scope` leaves)."""
    return scheme.status == Scheme.Status.RELEASED or can(actor, "assessment.manage", scheme)


def visible_scores(*, actor: Any, scheme: Scheme) -> QuerySet[Score]:
    """The stored scores of `scheme` the actor may see now: none before publication unless they manage it."""
    if not results_visible(actor, scheme):
        return Score.objects.none()
    return scope(Score.objects.filter(scheme=scheme), actor)


_RANK_COLUMNS = ("unit_id", "unit__name", "unit__region__name", "total", "rank", "checked", "band")


def ranking(
    *, actor: Any, scheme: Scheme, group: str = "", offset: int = 0, limit: int | None = OVERVIEW_ROWS
) -> dict[str, tuple[int, list[RankRow]]]:
    """The scoring run's ranks and grade bands by peer group, of the units the actor sees (a unit its own,
    once published; an office its region): per group, how many rows there are and `limit` of them from
    `offset` (a city's page stays small; None: all, for the circular)."""
    base = visible_scores(actor=actor, scheme=scheme)
    groups = [group] if group else sorted(set(base.values_list("group", flat=True)))
    out: dict[str, tuple[int, list[RankRow]]] = {}
    for name in groups:
        ordered = base.filter(group=name).order_by("rank", "unit__pinyin", "unit_id").values_list(*_RANK_COLUMNS)
        rows = ordered[offset:] if limit is None else ordered[offset : offset + limit]
        listed = [RankRow(*row) for row in rows]
        if listed:
            out[name] = (base.filter(group=name).count(), listed)
    return out


def band_counts(*, actor: Any, scheme: Scheme) -> dict[str, list[tuple[str, int]]]:
    """Per peer group, how many of the units the actor sees are in each of the scheme's bands (in band
    order, empty bands included): the line above each group on the ranking page and in the circular."""
    found: dict[tuple[str, str], int] = defaultdict(int)
    for group, band in visible_scores(actor=actor, scheme=scheme).values_list("group", "band"):
        found[(group, band)] += 1
    names = [str(b.get("name")) for b in scheme.bands or []]
    groups = sorted({group for group, _ in found})
    return {group: [(name, found.get((group, name), 0)) for name in names] for group in groups}


def unit_result(*, actor: Any, scheme: Scheme, unit: Unit) -> tuple[Score, int] | None:
    """The unit's stored score (with the size of its peer group), if the actor may see it now."""
    score = visible_scores(actor=actor, scheme=scheme).filter(unit=unit).first()
    if score is None:
        return None
    return score, Score.objects.filter(scheme=scheme, group=score.group).count()


def discrimination(scheme: Scheme) -> dict[str, Any]:
    """The spread of a scheme's scored totals (all of them, not only those the viewer sees): a scheme where
    everyone scores 98 is flagged."""
    totals = list(Score.objects.filter(scheme=scheme).values_list("total", flat=True))
    marks = full_marks(scheme)
    return {
        "count": len(totals),
        "spread": scoring.spread(totals),
        "low": min(totals) if totals else None,
        "high": max(totals) if totals else None,
        "flagged": scoring.undiscriminating(totals, marks),
    }


def appeals(*, actor: Any, scheme: Scheme, unit: Unit | None = None) -> QuerySet[Appeal]:
    rows = scope(Appeal.objects.filter(scheme=scheme).select_related("unit", "item"), actor)
    return rows.filter(unit=unit) if unit is not None else rows


def appeal_get(*, actor: Any, pk: int, action: str = "assessment.view") -> Appeal:
    return visible_or_404(Appeal.objects.select_related("scheme", "unit", "item"), actor, action=action, pk=pk)


def assignments_for(draw: Draw, username: str) -> list[str]:
    """The unit codes a user was drawn to inspect."""
    return [code for code, users in draw.result.get("assignments", {}).items() if username in users]


#: The 待办 lists are bounded like every home-page read: a unit liaison has a handful of self-assessments.
TODO_SCHEMES = 5
TODO_UNITS = 50
TODO_ROWS = 200


def release_ready(*, actor: Any, today: dt.date | None = None) -> QuerySet[Scheme]:
    """Schemes whose results wait to be published (公布): the appeal window has closed, every appeal is decided,
    not yet released (a scheme still preliminarily scored needs its final scoring first, then publication)."""
    today = today or timezone.localdate()
    pending = Appeal.objects.filter(scheme=OuterRef("pk"), status=Appeal.Status.PENDING)
    rows = Scheme.objects.filter(
        status__in=(Scheme.Status.PUBLISHED, Scheme.Status.SCORED), appeal_until__lt=today
    ).exclude(Exists(pending))
    return scope(rows.select_related("region"), actor, "assessment.manage").order_by("appeal_until", "pk")


def pending_appeals(*, actor: Any) -> QuerySet[Appeal]:
    """Appeals (申诉) awaiting the office's decision, oldest first."""
    rows = Appeal.objects.filter(status=Appeal.Status.PENDING).select_related("scheme", "unit", "item")
    return scope(rows, actor, "assessment.manage").order_by("created_at", "pk")


@dataclass(frozen=True)
class DueSelf:
    """A self-assessment the actor's unit still has to submit before the scheme's deadline."""

    scheme: Scheme
    unit: Unit
    returned: bool


def self_due(*, actor: Any, today: dt.date | None = None) -> list[DueSelf]:
    """Self-assessments to submit now: published schemes whose deadline has not passed (after it only the
    office can reopen one), units the actor fills in, not submitted (returned ones included)."""
    if not can(actor, "assessment.self"):
        return []
    today = today or timezone.localdate()
    open_now = Q(submit_by__isnull=True) | Q(submit_by__gte=today)
    published = Scheme.objects.filter(open_now, status=Scheme.Status.PUBLISHED).select_related("region")
    out: list[DueSelf] = []
    for scheme in scope(published, actor).order_by(F("submit_by").asc(nulls_last=True), "pk")[:TODO_SCHEMES]:
        units = list(my_units(actor=actor, scheme=scheme)[:TODO_UNITS])
        states = dict(SelfAssessment.objects.filter(scheme=scheme, unit__in=units).values_list("unit_id", "status"))
        out.extend(
            DueSelf(scheme, unit, states.get(unit.pk) == SelfAssessment.Status.RETURNED)
            for unit in units
            if states.get(unit.pk) != SelfAssessment.Status.SUBMITTED
        )
    return out


def todos(actor: Any) -> list[Any] | None:
    """The office's appeals to decide and results to publish; self-assessments due before their deadline;
    units an inspector was drawn to check. Each line links to the list of exactly the records it counts."""
    from pufa.core.home import Todo, TodoItem

    if not can(actor, "assessment.view"):
        return None
    index = reverse("assessment:index")
    lines = []
    if can(actor, "assessment.manage"):
        appeals_waiting = pending_appeals(actor=actor)
        lines.append(Todo("件考核申诉待处理", appeals_waiting.count(), f"{index}?todo=appeals", order=51))
        ready = release_ready(actor=actor)
        lines.append(Todo("个考核方案申诉期已满，结果待公布", ready.count(), f"{index}?todo=release", order=51))
    due = self_due(actor=actor)
    if due:
        named = tuple(
            TodoItem(
                f"{d.unit.name} · {d.scheme}",
                reverse("assessment:self", args=[d.scheme.pk, d.unit.pk]),
                ("已退回；" if d.returned else "")
                + (f"截止 {d.scheme.submit_by:%Y年%m月%d日}" if d.scheme.submit_by else "未设截止日期"),
            )
            for d in due[:5]
        )
        lines.append(Todo("份考核自评待提交", len(due), f"{index}?todo=self", items=named, order=52))
    if can(actor, "assessment.inspect") and getattr(actor, "username", None):
        for draw in scope(Draw.objects.filter(scheme__status=Scheme.Status.PUBLISHED), actor)[:TODO_SCHEMES]:
            codes = assignments_for(draw, actor.username)
            if codes:
                checked = set(Finding.objects.filter(draw=draw).values_list("unit__code", flat=True))
                n = sum(1 for code in codes if code not in checked)
                lines.append(Todo("个抽查单位待核定", n, reverse("assessment:draw-detail", args=[draw.pk]), order=53))
    return lines


def units_in(codes: Iterable[str]) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(code__in=list(codes)).select_related("region")}
