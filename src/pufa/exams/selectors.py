"""Reads of the exams app, each starting from `org.access.scope` (or from the examinee's own rows).

应考尽考 (everyone required sits, everyone passes) is computed from the required list — active memberships in
the exam's required units and the units under them, in the required roles — against the submitted attempts;
nothing is stored, so the list, the per-unit figures, the reminders and the metrics cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from pufa.core.home import Shortcut, Todo
from pufa.exams.models import Answer, Attempt, Bank, Contest, ContestEntry, Exam, Kind, Question
from pufa.org.access import can, scope, visible_or_404
from pufa.org.models import Membership, Unit, User
from pufa.people.models import Person
from pufa.people.selectors import team_members_on


def bank_list(actor: Any) -> QuerySet[Bank]:
    return scope(Bank.objects.select_related("unit"), actor, "exams.view").order_by("-created_at")


def question_list(actor: Any, bank: Bank) -> QuerySet[Question]:
    return scope(Question.objects.filter(bank=bank), actor, "exams.view").prefetch_related("domains").order_by("id")


def exam_list(actor: Any, *, status: str = "") -> QuerySet[Exam]:
    exams = scope(Exam.objects.select_related("unit", "bank"), actor, "exams.view")
    if status:
        exams = exams.filter(status=status)
    return exams.order_by("-starts_at", "-id")


def contest_list(actor: Any) -> QuerySet[Contest]:
    return scope(Contest.objects.select_related("unit"), actor, "exams.view").order_by("-starts_at")


def _membership_part(exam: Exam) -> bool:
    """Staff memberships count unless the exam names roster teams without naming roles (then it is the
    rosters' exam: "all 法律明白人 of the street", not everyone working in the street's units)."""
    return bool(exam.required_roles) or not exam.required_teams.exists()


def required_memberships(exam: Exam) -> QuerySet[Membership]:
    units = list(exam.required_units.values_list("path", flat=True))
    if not units or not _membership_part(exam):
        return Membership.objects.none()
    q = Q()
    for path in units:
        q |= Q(unit__path__startswith=path)
    rows = Membership.objects.filter(q, is_active=True, user__is_active=True, unit__deleted_at__isnull=True)
    if exam.required_roles:
        rows = rows.filter(role__in=exam.required_roles)
    return rows


def roster_day(exam: Exam) -> dt.date:
    """The roster an exam asks for is the one of its first day: who joins a team during the window is not
    suddenly behind, who leaves during it stays counted (their result still belongs to the unit)."""
    return timezone.localdate(exam.starts_at)


def required_roster(exam: Exam) -> QuerySet[Person]:
    """The roster people (on a required team on `roster_day`, kept by a unit under the required units)."""
    kinds = list(exam.required_teams.values_list("pk", flat=True))
    if not kinds:
        return Person.objects.none()
    paths = list(exam.required_units.values_list("path", flat=True))
    return team_members_on(day=roster_day(exam), kinds=kinds, unit_paths=paths)


@dataclass
class Examinee:
    """One person who must sit the exam. `user` is None for a roster person without a login account: still
    required (应考尽考 counts them as not sat), and named so the office can open an account for them."""

    user: User | None
    unit_id: int
    person: Person | None = None

    def __str__(self) -> str:
        if self.user is not None:
            return str(self.user)
        return f"{self.person.name}（未开通账号）" if self.person is not None else ""


def required_examinees(exam: Exam) -> list[Examinee]:
    """Everyone who must sit the exam, once each, with the unit they sit for: staff by their first such
    membership, roster people by the unit keeping their roster (a person who is also staff counts once)."""
    seen: dict[tuple[str, int], Examinee] = {}
    for membership in required_memberships(exam).select_related("user").order_by("id"):
        key = ("user", membership.user_id)
        if key not in seen:
            seen[key] = Examinee(membership.user, membership.unit_id)
    for person in required_roster(exam).select_related("user").order_by("id"):
        user = person.user if person.user is not None and person.user.is_active else None
        key = ("user", user.pk) if user is not None else ("person", person.pk)
        if key not in seen:
            seen[key] = Examinee(user, person.unit_id, person)
    return list(seen.values())


def examinee_unit_id(exam: Exam, user: Any) -> int | None:
    """The unit `user` sits this exam for (as `required_examinees` decides it), None if not required."""
    membership = required_memberships(exam).filter(user=user).order_by("id").values_list("unit_id", flat=True)
    found = membership.first()
    if found is None:
        found = required_roster(exam).filter(user=user, user__is_active=True).values_list("unit_id", flat=True).first()
    return found


@dataclass
class StandingRow:
    user: User | None
    unit: Unit
    attempts: int
    best: int | None
    passed: bool
    name: str = ""

    @property
    def sat(self) -> bool:
        return self.best is not None


@dataclass
class UnitStanding:
    unit: Unit
    required: int = 0
    sat: int = 0
    passed: int = 0
    not_sat: list[Examinee] = field(default_factory=list)
    not_passed: list[Examinee] = field(default_factory=list)

    @property
    def participation(self) -> float:
        return round(100 * self.sat / self.required, 1) if self.required else 0.0

    @property
    def pass_rate(self) -> float:
        return round(100 * self.passed / self.required, 1) if self.required else 0.0


@dataclass
class Standing:
    rows: list[StandingRow]
    units: list[UnitStanding]

    @property
    def required(self) -> int:
        return len(self.rows)

    @property
    def sat(self) -> int:
        return sum(1 for r in self.rows if r.sat)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.rows if r.passed)

    @property
    def pass_rate(self) -> float:
        return round(100 * self.passed / self.required, 1) if self.required else 0.0

    @property
    def participation(self) -> float:
        return round(100 * self.sat / self.required, 1) if self.required else 0.0


def exam_standing(exam: Exam, actor: Any = None) -> Standing:
    """应考尽考: each required examinee's best score and whether they passed, and the figures per unit.

    With `actor`, only the units the actor may see (a liaison sees the unit's own people; the office all)."""
    examinees = required_examinees(exam)
    unit_ids = {e.unit_id for e in examinees}
    units = Unit.objects.filter(pk__in=unit_ids)
    if actor is not None:
        units = scope(units, actor, "exams.view")
    by_id = {u.pk: u for u in units}
    best: dict[int, int] = {}
    attempts: Counter[int] = Counter()
    passed: set[int] = set()
    for user_id, score, ok, status in Attempt.objects.filter(exam=exam).values_list(
        "user_id", "score", "passed", "status"
    ):
        attempts[user_id] += 1
        if status == Attempt.Status.SUBMITTED and score is not None:
            best[user_id] = max(best.get(user_id, 0), score)
        if ok:
            passed.add(user_id)
    rows: list[StandingRow] = []
    per_unit: dict[int, UnitStanding] = {}
    for e in examinees:
        unit = by_id.get(e.unit_id)
        if unit is None:
            continue
        uid = e.user.pk if e.user is not None else 0
        row = StandingRow(e.user, unit, attempts[uid], best.get(uid), uid in passed, str(e))
        rows.append(row)
        u = per_unit.setdefault(unit.pk, UnitStanding(unit))
        u.required += 1
        u.sat += row.sat
        u.passed += row.passed
        if not row.sat:
            u.not_sat.append(e)
        elif not row.passed:
            u.not_passed.append(e)
    return Standing(rows, sorted(per_unit.values(), key=lambda u: (u.unit.path, u.unit.name)))


def score_distribution(exam: Exam, actor: Any) -> list[tuple[str, int]]:
    """Best submitted score per examinee (of the units the actor sees), in bands of ten points."""
    total = max(exam.total_points, 1)
    best: dict[int, int] = {}
    attempts = scope(Attempt.objects.filter(exam=exam, status=Attempt.Status.SUBMITTED), actor, "exams.view")
    for user_id, score in attempts.values_list("user_id", "score"):
        best[user_id] = max(best.get(user_id, 0), score or 0)
    bands = [0] * 10
    for score in best.values():
        bands[min(9, int(10 * score / total))] += 1
    step = total / 10
    return [
        (f"{math.ceil(i * step)}–{math.ceil((i + 1) * step) - (0 if i == 9 else 1)}", n) for i, n in enumerate(bands)
    ]


@dataclass
class ItemStat:
    question: Question
    seen: int
    difficulty: float | None  # share answering correctly (the classical p-value)
    discrimination: float | None  # p(top 27 %) − p(bottom 27 %)

    @property
    def flag(self) -> str:
        if self.difficulty is None:
            return ""
        if self.difficulty >= 0.95:
            return "几乎全对"
        if self.difficulty <= 0.05:
            return "几乎全错"
        if self.discrimination is not None and self.discrimination < 0.1:
            return "区分度低"
        return ""


def item_analysis(exam: Exam, actor: Any) -> list[ItemStat]:
    """Per question of the bank that appeared on a submitted paper: how many got it right (difficulty), and
    how much better the top 27 % of papers did on it than the bottom 27 % (discrimination)."""
    attempts = list(
        scope(Attempt.objects.filter(exam=exam, status=Attempt.Status.SUBMITTED), actor, "exams.view").values_list(
            "id", "score", "items"
        )
    )
    if not attempts:
        return []
    correct = set(
        Answer.objects.filter(attempt_id__in=[a[0] for a in attempts], correct=True).values_list(
            "attempt_id", "question_id"
        )
    )
    ranked = sorted(attempts, key=lambda a: a[1] or 0)
    n = max(1, round(len(ranked) * 0.27))
    low, high = {a[0] for a in ranked[:n]}, {a[0] for a in ranked[-n:]}
    seen: Counter[int] = Counter()
    right: Counter[int] = Counter()
    group: dict[str, Counter[int]] = {
        "high": Counter(),
        "low": Counter(),
        "high_right": Counter(),
        "low_right": Counter(),
    }
    for attempt_id, _, items in attempts:
        for qid, _order in items:
            qid = int(qid)
            ok = (attempt_id, qid) in correct
            seen[qid] += 1
            right[qid] += ok
            for name, members in (("high", high), ("low", low)):
                if attempt_id in members:
                    group[name][qid] += 1
                    group[f"{name}_right"][qid] += ok
    questions = Question.all_objects.in_bulk(list(seen))
    stats = []
    for qid, count in sorted(seen.items()):
        if qid not in questions:
            continue
        p_high = group["high_right"][qid] / group["high"][qid] if group["high"][qid] else None
        p_low = group["low_right"][qid] / group["low"][qid] if group["low"][qid] else None
        disc = round(p_high - p_low, 2) if p_high is not None and p_low is not None and len(ranked) > 1 else None
        stats.append(ItemStat(questions[qid], count, round(right[qid] / count, 2), disc))
    return stats


def participation_by_region(exam: Exam, actor: Any) -> list[dict[str, Any]]:
    """The per-unit standing summed by the units' region (street, community)."""
    standing = exam_standing(exam, actor)
    regions: dict[int, dict[str, Any]] = {}
    for u in standing.units:
        r = regions.setdefault(u.unit.region_id, {"region": u.unit.region, "required": 0, "sat": 0, "passed": 0})
        r["required"] += u.required
        r["sat"] += u.sat
        r["passed"] += u.passed
    for r in regions.values():
        r["participation"] = round(100 * r["sat"] / r["required"], 1) if r["required"] else 0.0
        r["pass_rate"] = round(100 * r["passed"] / r["required"], 1) if r["required"] else 0.0
    return list(regions.values())


# ---------------------------------------------------------------- the examinee's own


@dataclass
class MyExam:
    exam: Exam
    attempts: list[Attempt]

    @property
    def best(self) -> int | None:
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.attempts)

    @property
    def active(self) -> Attempt | None:
        return next((a for a in self.attempts if a.status == Attempt.Status.ACTIVE), None)

    @property
    def left(self) -> int:
        return max(0, self.exam.max_attempts - len(self.attempts))


def my_exams(user: Any) -> list[MyExam]:
    """The published and closed exams the user is required to sit (as staff of a required unit in a required
    role, or as a roster person on a required team on the exam's roster day), with their attempts. Decided in
    Python from three reads, whatever the number of exams: this runs on every home page."""
    if not getattr(user, "is_authenticated", False):
        return []
    memberships = list(
        Membership.objects.filter(user=user, is_active=True, unit__deleted_at__isnull=True).values_list(
            "unit__path", "role"
        )
    )
    person = (
        Person.objects.filter(user=user, unit__deleted_at__isnull=True)
        .select_related("unit")
        .prefetch_related("memberships")
        .first()
    )
    teams = list(person.memberships.all()) if person is not None else []
    q = Q()
    for path, _ in memberships:
        q |= Q(required_units__path__in=_prefixes(path))
    if person is not None and teams:
        q |= Q(required_units__path__in=_prefixes(person.unit.path), required_teams__in={t.kind_id for t in teams})
    if not q:
        return []
    candidates = (
        Exam.objects.filter(status__in=[Exam.Status.PUBLISHED, Exam.Status.CLOSED])
        .filter(q)
        .distinct()
        .prefetch_related("required_units", "required_teams")
        .order_by("-ends_at")[:50]
    )
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(user=user, exam__in=candidates).order_by("number"):
        attempts[attempt.exam_id].append(attempt)
    found = []
    for exam in candidates:
        paths = [u.path for u in exam.required_units.all()]
        kinds = {k.pk for k in exam.required_teams.all()}
        as_staff = (exam.required_roles or not kinds) and any(
            path.startswith(tuple(paths)) and (not exam.required_roles or role in exam.required_roles)
            for path, role in memberships
        )
        day = roster_day(exam)
        as_roster = (
            person is not None
            and person.unit.path.startswith(tuple(paths))
            and any(t.kind_id in kinds and t.active_on(day) for t in teams)
        )
        if as_staff or as_roster:
            found.append(MyExam(exam, attempts.get(exam.pk, [])))
    return found


def _prefixes(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def own_attempt(user: Any, pk: int, *, paper_only: bool = False) -> Attempt:
    """The user's own attempt (anyone else's is 404). `paper_only` loads just what saving an answer needs
    (the owner and the paper), for the request made on every click."""
    from django.http import Http404

    rows = Attempt.objects.only("id", "user_id", "items") if paper_only else Attempt.objects.select_related("exam")
    try:
        return rows.get(pk=pk, user_id=getattr(user, "pk", None) or 0)
    except (Attempt.DoesNotExist, ValueError) as exc:
        raise Http404("未找到该答卷") from exc


@dataclass
class PaperItem:
    number: int
    question: Question
    options: list[tuple[str, str]]  # (original letter, text) in the paper's order
    chosen: str
    correct: bool | None


def paper(attempt: Attempt) -> list[PaperItem]:
    """The attempt's questions in its order, with its options in its order and what was chosen so far."""
    questions = Question.all_objects.in_bulk(attempt.question_ids)
    chosen: dict[int, str] = {}
    correct: dict[int, bool | None] = {}
    for qid, letters, ok in Answer.objects.filter(attempt=attempt).values_list("question_id", "chosen", "correct"):
        chosen[qid], correct[qid] = letters, ok
    items = []
    for n, (qid, order) in enumerate(attempt.items, start=1):
        question = questions.get(int(qid))
        if question is None:
            continue
        if question.kind == Question.Kind.JUDGE:
            options = [("T", "正确"), ("F", "错误")]
        else:
            options = [(letter, question.options["ABCDEFGH".index(letter)]) for letter in order]
        items.append(PaperItem(n, question, options, chosen.get(int(qid), ""), correct.get(int(qid))))
    return items


def may_review(attempt: Attempt) -> bool:
    """Answers and explanations are shown after the window, when the office allows it (never during it:
    papers share questions)."""
    exam = attempt.exam
    return exam.review_after_window and timezone.now() >= exam.ends_at and attempt.status == Attempt.Status.SUBMITTED


# ---------------------------------------------------------------- 待办


def todos(actor: Any) -> list[Todo | Shortcut] | None:
    """The examinee's open exams (not passed, attempts left); the office's exams past their window still open."""
    entries: list[Todo | Shortcut] = []
    now = timezone.now()
    open_exams = [
        m for m in my_exams(actor) if m.exam.is_open(now) and not m.passed and (m.left or m.active is not None)
    ]
    if open_exams:
        entries.append(Todo("场学法考试待参加", len(open_exams), reverse("exams:mine"), order=15))
    if can(actor, "exams.manage"):
        overdue = exam_list(actor, status=Exam.Status.PUBLISHED).filter(ends_at__lte=now)
        overdue = scope(overdue, actor, "exams.manage")
        entries.append(
            Todo("场考试已截止待结束", overdue.count(), reverse("exams:index") + "?status=overdue", order=45)
        )
    return entries or ([] if can(actor, "exams.view") else None)


def units_of(ids: Iterable[int]) -> dict[int, Unit]:
    return Unit.objects.in_bulk(list(ids))


# ---------------------------------------------------------------- knowledge contests on the portal (public)


@dataclass(frozen=True)
class PublicContest:
    """What the portal may show of a contest: named public columns only."""

    pk: int
    title: str
    organiser: str
    starts_at: Any
    ends_at: Any
    question_count: int

    def is_open(self, now: Any) -> bool:
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True)
class LeaderRow:
    name: str
    entries: int
    average: float
    best: int


def _public_contests() -> QuerySet[Contest]:
    return Contest.objects.filter(is_public=True, unit__deleted_at__isnull=True)


def public_contests() -> list[PublicContest]:
    rows = _public_contests().order_by("-starts_at")[:20]
    return [
        PublicContest(c.pk, c.title, c.unit.name, c.starts_at, c.ends_at, c.question_count)
        for c in rows.select_related("unit")
    ]


def public_contest(pk: int) -> PublicContest:
    from django.http import Http404

    c = _public_contests().select_related("unit").filter(pk=pk).first()
    if c is None:
        raise Http404("未找到该竞赛")
    return PublicContest(c.pk, c.title, c.unit.name, c.starts_at, c.ends_at, c.question_count)


def contest_leaderboard(contest_id: int) -> dict[str, list[LeaderRow]]:
    """By community (entries, average, best) and the top twenty entries (nickname · community)."""
    from django.db.models import Avg, Count, Max

    entries = ContestEntry.objects.filter(
        contest_id=contest_id, contest__in=_public_contests(), submitted_at__isnull=False
    )
    communities = [
        LeaderRow(r["community__name"], r["n"], round(float(r["avg"] or 0), 1), r["best"] or 0)
        for r in entries.values("community__name")
        .annotate(n=Count("id"), avg=Avg("score"), best=Max("score"))
        .order_by("-avg", "-n", "community__name")
    ]
    people = [
        LeaderRow(f"{nickname} · {community}", 1, float(score or 0), score or 0)
        for nickname, community, score in entries.order_by("-score", "submitted_at").values_list(
            "nickname", "community__name", "score"
        )[:20]
    ]
    return {"communities": communities, "people": people}


def contest_communities_public(contest_id: int) -> list[tuple[int, str]]:
    from pufa.exams.services import contest_communities

    contest = _public_contests().select_related("unit__region").filter(pk=contest_id).first()
    if contest is None:
        return []
    return list(contest_communities(contest).order_by("path").values_list("id", "name"))


def contest_entry_for(contest_id: int, device: str) -> ContestEntry | None:
    return (
        ContestEntry.objects.select_related("contest", "community").filter(contest_id=contest_id, device=device).first()
    )


@dataclass(frozen=True)
class PublicQuestion:
    pk: int
    number: int
    kind: str
    stem: str
    options: tuple[tuple[str, str], ...]


def contest_paper(entry: ContestEntry) -> list[PublicQuestion]:
    """The entry's questions with stem and options only (never the answer or the explanation)."""
    rows = Question.all_objects.filter(pk__in=[int(q) for q, _ in entry.items]).values("id", "kind", "stem", "options")
    by_id = {r["id"]: r for r in rows}
    paper = []
    for n, (qid, order) in enumerate(entry.items, start=1):
        r = by_id.get(int(qid))
        if r is None:
            continue
        if r["kind"] == Kind.JUDGE:
            options: tuple[tuple[str, str], ...] = (("T", "正确"), ("F", "错误"))
        else:
            options = tuple((letter, r["options"]["ABCDEFGH".index(letter)]) for letter in order)
        paper.append(PublicQuestion(r["id"], n, r["kind"], r["stem"], options))
    return paper


def exam_get(*, actor: Any, pk: int) -> Exam:
    """One exam the actor may see (404 otherwise), as the exam's pages find it."""
    return visible_or_404(Exam.objects.select_related("unit", "bank"), actor, action="exams.view", pk=pk)
