"""Every read of the case library: starts from `org.access.scope` (internal pages) or from `public_cases()`
(the portal: published cases only, leaving as frozen `PublicCase` records of named columns)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse

from pufa.cases import search
from pufa.cases.models import Case, CaseLaw, CaseUse, Finding
from pufa.core.home import Todo
from pufa.ledger.models import Activity
from pufa.org.access import can, scope, visible_or_404
from pufa.org.models import Region

PAGE_SIZE = 20


@dataclass
class CaseFilters:
    q: str = ""
    status: str = ""
    unit: int | None = None
    domain: str = ""
    law: int | None = None
    case_type: str = ""
    region: int | None = None
    year: int | None = None
    published_from: dt.date | None = None
    published_to: dt.date | None = None
    open_findings: bool = False


@dataclass
class Hit:
    """One search result: the case (or public record) and its highlighted snippet."""

    case: Any
    snippet: str
    title_html: str


@dataclass
class ResultPage:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    capped: bool = False
    query: search.Query = field(default_factory=lambda: search.Query(()))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _filtered(rows: QuerySet[Case], filters: CaseFilters) -> QuerySet[Case]:
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.unit:
        rows = rows.filter(unit_id=filters.unit)
    if filters.domain:
        rows = rows.filter(domains__code=filters.domain)
    if filters.law:
        rows = rows.filter(citations__law_id=filters.law)
    if filters.case_type:
        rows = rows.filter(case_type=filters.case_type)
    if filters.region:
        region = Region.objects.filter(pk=filters.region).only("path").first()
        rows = rows.filter(region_path__startswith=region.path) if region else rows.none()
    if filters.year:
        rows = rows.filter(decided_on__year=filters.year)
    if filters.published_from:
        rows = rows.filter(published_at__date__gte=filters.published_from)
    if filters.published_to:
        rows = rows.filter(published_at__date__lte=filters.published_to)
    if filters.open_findings:
        rows = rows.filter(findings__status=Finding.Status.OPEN)
    return rows.distinct() if (filters.domain or filters.law or filters.open_findings) else rows


def _with_relations(rows: QuerySet[Case]) -> QuerySet[Case]:
    return rows.select_related("unit").prefetch_related(
        "domains", Prefetch("citations", queryset=CaseLaw.objects.select_related("law"))
    )


def _load_internal(ids: list[int]) -> dict[int, Any]:
    return {c.pk: c for c in _with_relations(Case.objects.filter(pk__in=ids))}


def _ranked(
    rows: QuerySet[Case],
    query: search.Query,
    *,
    public_only: bool,
    page: int,
    size: int,
    load: Any = _load_internal,
) -> ResultPage:
    """Full-text candidates, restricted to `rows`, ordered the same way on both databases, one page of hits."""
    ids = search.candidates(query, public_only=public_only)
    capped = len(ids) >= search.CANDIDATES
    allowed: set[int] = set()
    for i in range(0, len(ids), 900):  # one query at CANDIDATES ≤ 900
        allowed.update(rows.filter(pk__in=ids[i : i + 900]).values_list("pk", flat=True))
    kept = [pk for pk in ids if pk in allowed]
    from pufa.cases.models import CaseSearch

    # Reorder the first hundred by concepts matched; the rest keep the database's order.
    head = kept[:100]
    texts = {
        pk: (title, body)
        for pk, title, body in CaseSearch.objects.filter(case_id__in=head).values_list("case_id", "case__title", "body")
    }
    ordered = search.order(query, head, texts) + kept[100:]
    total = len(ordered)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    chosen = ordered[(page - 1) * size : page * size]
    by_id = load(chosen)  # the page's records: full cases inside, named public columns for the portal
    hits = [
        Hit(
            case=by_id[pk],
            snippet=search.snippet([by_id[pk].facts, by_id[pk].outcome, by_id[pk].reasoning], query),
            title_html=search.highlight(by_id[pk].title, query),
        )
        for pk in chosen
        if pk in by_id
    ]
    return ResultPage(hits=hits, total=total, page=page, pages=pages, capped=capped, query=query)


def case_page(*, actor: Any, filters: CaseFilters, page: int = 1, size: int = PAGE_SIZE) -> ResultPage:
    """The cases the actor may see, filtered; ranked by relevance when there is a query, else newest first."""
    rows = _filtered(scope(Case.objects.all(), actor, "cases.view"), filters)
    query = search.parse(filters.q)
    if query:
        return _ranked(rows, query, public_only=False, page=page, size=size)
    total = rows.count()
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    chosen = list(_with_relations(rows.order_by("-updated_at", "-id"))[(page - 1) * size : page * size])
    hits = [
        Hit(case=c, snippet=search.snippet([c.facts], query), title_html=search.highlight(c.title, query))
        for c in chosen
    ]
    return ResultPage(hits=hits, total=total, page=page, pages=pages, query=query)


def case_get(*, actor: Any, pk: int, include_deleted: bool = False) -> Case:
    """One visible case; a deleted one only when asked (its page, for those who may restore it)."""
    base = Case.all_objects.all() if include_deleted else Case.objects.all()
    return visible_or_404(_with_relations(base), actor, action="cases.view", pk=pk)


def case_findings(*, case: Case) -> list[Finding]:
    return list(Finding.objects.filter(case=case).select_related("decided_by").order_by("status", "id"))


def case_uses(*, actor: Any, case: Case) -> list[CaseUse]:
    """Where the case was used: the activities (visible to the actor) that explained it."""
    visible = scope(Activity.objects.all(), actor, "ledger.view").values("pk")
    return list(
        CaseUse.objects.filter(case=case, activity__in=visible)
        .select_related("activity", "activity__unit")
        .order_by("-activity__date")
    )


def activity_cases(*, activity: Activity) -> list[CaseUse]:
    return list(CaseUse.objects.filter(activity=activity).select_related("case").order_by("id"))


def _linkable(actor: Any) -> QuerySet[Case]:
    visible = scope(Case.objects.all(), actor, "cases.view").values("pk")
    return Case.objects.filter(Q(status=Case.Status.PUBLISHED) | Q(pk__in=visible))


def linkable_case_get(*, actor: Any, pk: int | None) -> Case:
    """A case an activity may name (published, or visible to the actor), or 404."""
    from django.http import Http404

    case = _linkable(actor).filter(pk=pk).first() if pk else None
    if case is None:
        raise Http404("未找到该案例")
    return case


def linkable_cases(*, actor: Any, q: str = "", limit: int = 20) -> list[Case]:
    """Cases an activity may name: published ones, and those the actor sees."""
    rows = _linkable(actor)
    query = search.parse(q)
    if query:
        ids = [pk for pk in search.candidates(query, limit=200)]
        allowed = set(rows.filter(pk__in=ids).values_list("pk", flat=True))
        by_id = Case.objects.in_bulk([pk for pk in ids if pk in allowed][:limit])
        return [by_id[pk] for pk in ids if pk in by_id]
    return list(rows.order_by("-published_at", "-id")[:limit])


def attachment_get(*, actor: Any, pk: int) -> Any:
    from pufa.cases.models import Attachment

    return visible_or_404(Attachment.objects.select_related("case"), actor, action="cases.view", pk=pk)


def filter_laws() -> list[tuple[int, str]]:
    from pufa.duties.models import Law

    cited = CaseLaw.objects.values("law_id")
    return list(Law.objects.filter(pk__in=cited).order_by("pinyin").values_list("pk", "name"))


# ---------------------------------------------------------------- 待办


def todos(actor: Any) -> list[Any] | None:
    """Cases waiting for the reviewer (submitted; open findings) and returned drafts waiting for the unit."""
    may_review, may_record = can(actor, "cases.review"), can(actor, "cases.record")
    if not (may_review or may_record):
        return None
    lines: list[Any] = []
    base = reverse("cases:case-list")
    if may_review:
        reviewable = scope(Case.objects.all(), actor, "cases.review")
        waiting = reviewable.filter(status=Case.Status.SUBMITTED).count()
        lines.append(Todo("个典型案例待审核", waiting, f"{base}?status=submitted", order=40))
        open_cases = (
            reviewable.filter(
                findings__status=Finding.Status.OPEN, status__in=(Case.Status.SUBMITTED, Case.Status.REVIEWED)
            )
            .values("pk")
            .distinct()
            .count()
        )
        lines.append(Todo("个案例有待处理的脱敏发现", open_cases, f"{base}?open_findings=1", order=41))
    if may_record:
        mine = scope(Case.objects.all(), actor, "cases.record")
        returned = mine.filter(status=Case.Status.DRAFT).exclude(return_reason="").count()
        lines.append(Todo("个案例被退回待修改", returned, f"{base}?status=draft&returned=1", order=42))
    return lines


def status_counts(*, actor: Any) -> dict[str, int]:
    rows = scope(Case.objects.all(), actor, "cases.view").values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


# ---------------------------------------------------------------- the public boundary (portal)


@dataclass(frozen=True)
class PublicLawCite:
    name: str
    articles: str


@dataclass(frozen=True)
class PublicCase:
    """A published case as the public sees it: named public columns only (`Case.PUBLIC_FIELDS`), never the
    parties, the author's unit internals, findings, notes or workflow fields."""

    id: int
    title: str
    case_type: str
    decided_on: dt.date | None
    facts: str
    outcome: str
    reasoning: str
    tags: tuple[str, ...]
    published_at: dt.datetime | None
    unit_name: str
    domains: tuple[str, ...] = ()
    laws: tuple[PublicLawCite, ...] = ()


def public_cases() -> QuerySet[Case]:
    """The one base of every public read: published, not deleted, of a living unit."""
    return Case.objects.filter(
        status=Case.Status.PUBLISHED, deleted_at__isnull=True, unit__deleted_at__isnull=True, published_at__isnull=False
    )


def _public(rows: list[Case]) -> list[PublicCase]:
    ids = [c.pk for c in rows]
    domains: dict[int, list[str]] = {}
    for case_id, name in Case.domains.through.objects.filter(case_id__in=ids).values_list("case_id", "domain__name"):
        domains.setdefault(case_id, []).append(name)
    laws: dict[int, list[PublicLawCite]] = {}
    for case_id, name, articles in CaseLaw.objects.filter(case_id__in=ids).values_list(
        "case_id", "law__name", "articles"
    ):
        laws.setdefault(case_id, []).append(PublicLawCite(name, articles))
    values = {row["id"]: row for row in Case.objects.filter(pk__in=ids).values(*Case.PUBLIC_FIELDS, "unit__name")}
    out = []
    for c in rows:
        v = values[c.pk]
        out.append(
            PublicCase(
                id=v["id"],
                title=v["title"],
                case_type=Case.Type(v["case_type"]).label,
                decided_on=v["decided_on"],
                facts=v["facts"],
                outcome=v["outcome"],
                reasoning=v["reasoning"],
                tags=tuple(t for t in v["tags"].split("、") if t),
                published_at=v["published_at"],
                unit_name=v["unit__name"],
                domains=tuple(domains.get(c.pk, ())),
                laws=tuple(laws.get(c.pk, ())),
            )
        )
    return out


@dataclass
class PublicHit:
    case: PublicCase
    snippet: str
    title_html: str


@dataclass
class PublicPage:
    hits: list[PublicHit]
    total: int
    page: int
    pages: int

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def public_search(
    *, q: str = "", domain: str = "", law: int | None = None, case_type: str = "", page: int = 1, size: int = PAGE_SIZE
) -> PublicPage:
    """The portal's case library: browse (newest first) or search (ranked), published cases only."""
    rows = _filtered(public_cases(), CaseFilters(domain=domain, law=law, case_type=case_type))
    query = search.parse(q)
    if query:
        result = _ranked(
            rows.only("pk"),
            query,
            public_only=True,
            page=page,
            size=size,
            load=lambda ids: {p.id: p for p in _public([Case(pk=pk) for pk in ids])},  # ids already public
        )
        hits = [PublicHit(h.case, h.snippet, h.title_html) for h in result.hits]
        return PublicPage(hits=hits, total=result.total, page=result.page, pages=result.pages)
    total = rows.count()
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    chosen = list(rows.order_by("-published_at", "-id").only("pk")[(page - 1) * size : page * size])
    hits = [PublicHit(p, search.snippet([p.facts], query), search.highlight(p.title, query)) for p in _public(chosen)]
    return PublicPage(hits=hits, total=total, page=page, pages=pages)


def public_case_get(pk: int) -> PublicCase:
    from django.http import Http404

    row = public_cases().filter(pk=pk).only("pk").first()
    if row is None:
        raise Http404("未找到该案例")
    return _public([row])[0]


def public_filter_choices() -> dict[str, Any]:
    from pufa.core.models import Domain
    from pufa.duties.models import Law

    published = public_cases()
    return {
        "domains": list(Domain.objects.filter(cases__in=published).distinct().values_list("code", "name")),
        "laws": list(
            Law.objects.filter(case_citations__case__in=published)
            .distinct()
            .order_by("pinyin")
            .values_list("pk", "name")
        ),
        "types": list(Case.Type.choices),
    }
