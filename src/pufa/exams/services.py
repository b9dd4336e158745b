"""Writes of the exams app: banks and questions (with versions), exams and their workflow, sittings.

Sittings are built for the last-day peak and for answers that are never lost:

- `attempt_start` draws the paper into the attempt's own row (see `papers`); a second start while an
  attempt is open returns that attempt (a reload or a second tab resumes it), and parallel starts meet on
  the unique (exam, user, number) constraint and on the partial one-open-sitting constraint, so one paper
  exists whichever start read the counts first;
- `answer_save` first moves the attempt's `saved_at` with a conditional UPDATE (still active, before the
  server deadline) — which takes the attempt's row lock — and then upserts the one `Answer` row. A submit
  takes the same row lock with its own conditional UPDATE, so a save either lands before the submit reads
  the answers or is refused; it never lands unscored;
- the timer is `Attempt.deadline` (start + time limit, never past the window): saves after it are refused,
  and an attempt past its deadline is scored from what was saved (`attempt_expire`).

Per-answer saves are not written to the audit trail (the Answer row carries its time; starting and
submitting are audited): at the peak an audit row per click would double the writes for nothing anyone reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from pufa.core import audit, events, notifications, workflow
from pufa.core.actors import SYSTEM, person
from pufa.core.events import RecordsChanged
from pufa.core.models import ActivityKind, Audience, Domain
from pufa.exams import papers, parsing
from pufa.exams.models import Answer, Attempt, Bank, Contest, ContestEntry, Exam, Kind, Question, QuestionVersion
from pufa.org.access import Actor, can, require
from pufa.org.models import Membership, Region, Unit, User
from pufa.people.models import TeamKind

PARTICIPATION = "exams.participation"
PASS_RATE = "exams.pass_rate"  # noqa: S105 (a metric code)
METRICS = frozenset({PARTICIPATION, PASS_RATE})
LEDGER_KIND = "xfks"  # 学法考试 (core default taxonomy)

Status = Exam.Status


# ---------------------------------------------------------------- banks and questions


@transaction.atomic
def bank_create(*, actor: Actor, unit: Unit, name: str, description: str = "") -> Bank:
    require(actor, "exams.manage", unit)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写题库名称。"})
    bank = Bank.objects.create(unit=unit, name=name[:100], description=description[:300])
    audit.log_create(actor=actor, obj=bank, code="exams.bank.create")
    return bank


@dataclass
class QuestionData:
    kind: str
    stem: str
    options: list[str]
    answer: str
    explanation: str = ""
    law: str = ""
    domains: list[Domain] = field(default_factory=list)
    audiences: list[Audience] = field(default_factory=list)
    difficulty: int = Question.Difficulty.MEDIUM
    source: str = ""


def digest(stem: str, options: Iterable[str]) -> str:
    return hashlib.sha256(parsing.fingerprint(stem, options).encode("utf-8")).hexdigest()


def _validate_question(data: QuestionData) -> QuestionData:
    errors: dict[str, str] = {}
    stem = (data.stem or "").strip()
    options = [o.strip() for o in data.options if o and o.strip()]
    answer = (data.answer or "").strip().upper()
    if data.kind not in Kind.values:
        errors["kind"] = "请选择题型。"
    if not stem:
        errors["stem"] = "请填写题干。"
    if data.kind == Kind.JUDGE:
        options = []
        value = parsing.judge_value(answer)
        if value is None:
            errors["answer"] = "判断题的答案应为正确或错误。"
        answer = value or ""
    else:
        if not 2 <= len(options) <= 8:
            errors["options"] = "选择题应有2至8个选项。"
        letters = "".join(sorted({ch for ch in answer if ch.isalpha()}))
        if not letters or any(ch not in "ABCDEFGH"[: len(options)] for ch in letters):
            errors["answer"] = "答案应为选项字母，如 B 或 ACD。"
        elif data.kind == Kind.SINGLE and len(letters) != 1:
            errors["answer"] = "单选题只能有一个答案。"
        elif data.kind == Kind.MULTIPLE and len(letters) < 2:
            errors["answer"] = "多选题应有两个或以上答案。"
        answer = letters
    if errors:
        raise ValidationError(errors)
    data.stem, data.options, data.answer = stem, options, answer
    return data


def _apply_question(question: Question, data: QuestionData) -> None:
    question.kind = data.kind
    question.stem = data.stem[:2000]
    question.options = [o[:500] for o in data.options]
    question.answer = data.answer
    question.explanation = (data.explanation or "")[:4000]
    question.law = (data.law or "")[:100]
    question.difficulty = data.difficulty
    question.source = (data.source or "")[:200]
    question.fingerprint = digest(question.stem, question.options)


def _question_snapshot(question: Question) -> dict[str, Any]:
    return audit.snapshot(question, ["kind", "stem", "options", "answer", "explanation", "law", "difficulty", "source"])


@transaction.atomic
def question_create(*, actor: Actor, bank: Bank, data: QuestionData) -> Question:
    require(actor, "exams.manage", bank)
    data = _validate_question(data)
    question = Question(bank=bank)
    _apply_question(question, data)
    question.save()
    question.domains.set(data.domains)
    question.audiences.set(data.audiences)
    audit.log_create(actor=actor, obj=question, code="exams.question.create")
    return question


@transaction.atomic
def question_update(*, actor: Actor, question: Question, data: QuestionData, version: int | None) -> Question:
    """Edit a question; the text before the edit is kept as a `QuestionVersion` (papers drawn earlier refer
    to the question by id, so what they showed stays explainable)."""
    require(actor, "exams.manage", question)
    data = _validate_question(data)
    row = workflow.lock(question)
    workflow.check_version(row, version)
    before = _question_snapshot(row)
    QuestionVersion.objects.create(question=row, version=row.version, data=before, changed_by=person(actor))
    _apply_question(row, data)
    workflow.save_checked(row)
    row.domains.set(data.domains)
    row.audiences.set(data.audiences)
    audit.log_update(actor=actor, obj=row, before=before, code="exams.question.update")
    workflow.copy_state(row, question)
    return question


@dataclass
class ImportOutcome:
    """What a bank import did: every question read is created, or named as a duplicate or a problem."""

    created: int = 0
    duplicates: list[str] = field(default_factory=list)  # "第3题与题库中已有试题重复"
    problems: list[parsing.Problem] = field(default_factory=list)

    def message(self) -> str:
        parts = [f"导入{self.created}道题"]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)}道重复未导入")
        if self.problems:
            parts.append(f"{len(self.problems)}道无法识别")
        return "，".join(parts) + "。"


def _taxonomy(model: type[Domain] | type[Audience], value: str) -> list[Any]:
    names = [v.strip() for v in value.replace("，", ",").replace("、", ",").split(",") if v.strip()]
    if not names:
        return []
    return list(model.objects.filter(name__in=names)) + list(model.objects.filter(code__in=names))


@transaction.atomic
def bank_import(*, actor: Actor, bank: Bank, result: parsing.BankResult, source: str = "") -> ImportOutcome:
    """Create the questions a parsed file holds; repeats (in the file or already in the bank) are named, not
    created; the problems the parser found are handed back unchanged."""
    require(actor, "exams.manage", bank)
    outcome = ImportOutcome(problems=list(result.problems))
    existing = set(Question.objects.filter(bank=bank).values_list("fingerprint", flat=True))
    difficulty = {"易": 1, "简单": 1, "中": 2, "中等": 2, "难": 3, "困难": 3, "1": 1, "2": 2, "3": 3}
    for parsed in result.questions:
        key = digest(parsed.stem, parsed.options)
        label = f"第{parsed.number}题" if parsed.number is not None else "一道题"
        if key in existing:
            outcome.duplicates.append(f"{label}与题库中已有试题重复")
            continue
        existing.add(key)
        tags = parsed.tags
        data = QuestionData(
            kind=parsed.kind,
            stem=parsed.stem,
            options=parsed.options,
            answer=parsed.answer,
            explanation=parsed.explanation,
            law=tags.get("law", ""),
            domains=_taxonomy(Domain, tags.get("domain", "")),
            audiences=_taxonomy(Audience, tags.get("audience", "")),
            difficulty=difficulty.get(tags.get("difficulty", ""), Question.Difficulty.MEDIUM),
            source=tags.get("source", source),
        )
        try:
            data = _validate_question(data)
        except ValidationError as error:
            outcome.problems.append(parsing.Problem(parsed.number, parsed.stem, "；".join(error.messages)))
            continue
        question = Question(bank=bank)
        _apply_question(question, data)
        question.save()
        if data.domains:
            question.domains.set(data.domains)
        if data.audiences:
            question.audiences.set(data.audiences)
        outcome.created += 1
    audit.log(
        actor=actor,
        action=audit.Action.IMPORT,
        obj=bank,
        code="exams.bank.import",
        message=f"{source} {outcome.message()}".strip(),
    )
    return outcome


# ---------------------------------------------------------------- exams


@dataclass
class ExamData:
    unit: Unit
    title: str
    bank: Bank
    starts_at: dt.datetime
    ends_at: dt.datetime
    rules: dict[str, Any]
    time_limit: int = 60
    pass_mark: int = 60
    max_attempts: int = 3
    audience: Audience | None = None
    review_after_window: bool = True
    required_units: list[Unit] = field(default_factory=list)
    required_roles: list[str] = field(default_factory=list)
    required_teams: list[TeamKind] = field(default_factory=list)


def _validate_exam(actor: Actor, data: ExamData) -> None:
    errors: dict[str, str] = {}
    if not (data.title or "").strip():
        errors["title"] = "请填写考试名称。"
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = "截止时间应晚于开始时间。"
    if not 1 <= data.time_limit <= 600:
        errors["time_limit"] = "答题时长应在1至600分钟之间。"
    if not 1 <= data.max_attempts <= 20:
        errors["max_attempts"] = "可考次数应在1至20次之间。"
    if not can(actor, "exams.view", data.bank):
        errors["bank"] = "请选择本区域的题库。"
    roles = set(Membership.Role.values)
    if any(r not in roles for r in data.required_roles):
        errors["required_roles"] = "应考角色无效。"
    total = sum(
        int((data.rules.get(k) or {}).get("count", 0)) * int((data.rules.get(k) or {}).get("points", 0))
        for k in Kind.values
    )
    if total and data.pass_mark > total:
        errors["pass_mark"] = f"及格分不能高于总分{total}分。"
    for unit in data.required_units:
        if not can(actor, "exams.manage", unit) and not can(actor, "exams.view", unit):
            errors["required_units"] = "应考单位须在本区域内。"
    if errors:
        raise ValidationError(errors)


def _apply_exam(exam: Exam, data: ExamData) -> None:
    exam.unit = data.unit
    exam.title = data.title.strip()[:200]
    exam.bank = data.bank
    exam.starts_at, exam.ends_at = data.starts_at, data.ends_at
    exam.rules = data.rules
    exam.time_limit, exam.pass_mark, exam.max_attempts = data.time_limit, data.pass_mark, data.max_attempts
    exam.audience = data.audience
    exam.review_after_window = data.review_after_window
    exam.required_roles = list(data.required_roles)


@transaction.atomic
def exam_create(*, actor: Actor, data: ExamData) -> Exam:
    require(actor, "exams.manage", data.unit)
    _validate_exam(actor, data)
    exam = Exam()
    _apply_exam(exam, data)
    exam.save()
    exam.required_units.set(data.required_units)
    exam.required_teams.set(data.required_teams)
    audit.log_create(actor=actor, obj=exam, code="exams.exam.create")
    return exam


@transaction.atomic
def exam_update(*, actor: Actor, exam: Exam, data: ExamData, version: int | None) -> Exam:
    require(actor, "exams.manage", exam)
    if exam.status != Status.DRAFT:
        raise ValidationError("考试已发布，不能再修改组卷规则和时间。")
    _validate_exam(actor, data)
    row = workflow.lock(exam)
    workflow.check_version(row, version)
    before = audit.snapshot(row)
    _apply_exam(row, data)
    workflow.save_checked(row)
    row.required_units.set(data.required_units)
    row.required_teams.set(data.required_teams)
    audit.log_update(actor=actor, obj=row, before=before, code="exams.exam.update")
    workflow.copy_state(row, exam)
    return exam


def _check_publishable(exam: Exam) -> None:
    papers.check_rules(exam, papers.pool(exam))
    if not exam.required_units.exists():
        raise ValidationError({"required_units": "请选择应考单位。"})
    if exam.ends_at <= timezone.now():
        raise ValidationError({"ends_at": "截止时间已过，不能发布。"})


def exam_url(exam: Exam) -> str:
    return reverse("exams:exam-detail", args=[exam.pk])


def _when(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%m月%d日 %H:%M}"


def _notify_published(step: workflow.Step) -> None:
    from pufa.exams.selectors import required_examinees

    exam = step.obj
    users = [row.user for row in required_examinees(exam) if row.user is not None]
    notifications.notify_all(
        users,
        key=f"exams.published.{exam.pk}",
        title=f"请参加学法考试：{exam.title}",
        body=f"考试时间 {_when(exam.starts_at)} 至 {_when(exam.ends_at)}。",
        url=reverse("exams:take", args=[exam.pk]),
    )


def _announce(step: workflow.Step) -> None:
    announce_results(step.obj, actor=step.actor)


def announce_results(exam: Exam, *, actor: Any, unit_ids: Iterable[int] | None = None) -> None:
    """The participation and pass-rate figures of these units (all required ones by default) may have moved."""
    if unit_ids is None:
        from pufa.exams.selectors import required_examinees

        unit_ids = {row.unit_id for row in required_examinees(exam)}
    events.publish(
        RecordsChanged(
            metrics=METRICS,
            unit_ids=frozenset(unit_ids),
            dates=frozenset({timezone.localdate(exam.ends_at)}),
            source="exams",
            actor=actor,
        )
    )


def _close(step: workflow.Step) -> None:
    exam = step.obj
    for attempt in Attempt.objects.filter(exam=exam, status=Attempt.Status.ACTIVE):
        _score(attempt, at=min(timezone.now(), attempt.deadline), auto=True)
    record_ledger_activity(exam)


#: 学法考试的流程: the office drafts and publishes; it closes the exam after (or before) the window ends.
EXAM_FLOW = workflow.Workflow(
    model=Exam,
    permits=can,
    announce=_announce,
    transitions=[
        workflow.Transition(
            "publish",
            "发布",
            sources=frozenset({Status.DRAFT}),
            target=Status.PUBLISHED,
            action="exams.manage",
            code="exams.exam.publish",
            refused="考试已发布。",
            checks=(_check_publishable,),
            notify=_notify_published,
        ),
        workflow.Transition(
            "close",
            "结束考试",
            sources=frozenset({Status.PUBLISHED}),
            target=Status.CLOSED,
            action="exams.manage",
            code="exams.exam.close",
            refused="只有已发布的考试可以结束。",
        ),
    ],
)


@transaction.atomic
def exam_publish(*, actor: Actor, exam: Exam) -> Exam:
    def apply(row: Exam) -> None:
        row.published_at = timezone.now()

    return EXAM_FLOW.run("publish", actor=actor, obj=exam, apply=apply)


@transaction.atomic
def exam_close(*, actor: Actor, exam: Exam) -> Exam:
    """Published → closed: open sittings are scored from what was saved, and the exam is recorded once in the
    ledger as a 学法考试 of the organising unit (people reached = examinees)."""

    def apply(row: Exam) -> None:
        row.closed_at = timezone.now()

    return EXAM_FLOW.run("close", actor=actor, obj=exam, apply=apply, after=_close)


def record_ledger_activity(exam: Exam) -> Any:
    """Record the exam in the ledger once (the link on the exam row is the "once"), through the ledger's own
    service, so the counting rule and the ledger's events apply to it like to any activity."""
    from pufa.ledger.services import ActivityData, activity_create

    if exam.ledger_activity_id is not None:
        return exam.ledger_activity
    examinees = Attempt.objects.filter(exam=exam, status=Attempt.Status.SUBMITTED).values("user_id").distinct().count()
    kind = ActivityKind.objects.filter(code=LEDGER_KIND).first()
    if kind is None or examinees == 0:
        return None
    closed = timezone.localdate(exam.closed_at or timezone.now())
    data = ActivityData(
        unit=exam.unit,
        title=f"学法考试：{exam.title}"[:200],
        kind=kind,
        date=min(timezone.localdate(exam.ends_at), closed),
        audiences=[exam.audience] if exam.audience else [],
        people_online=examinees,
        description=f"线上学法考试，{examinees}人参考。",
    )
    activity = activity_create(actor=SYSTEM, data=data, submit=True)
    Exam.all_objects.filter(pk=exam.pk).update(ledger_activity=activity)
    exam.ledger_activity = activity
    return activity


@transaction.atomic
def exam_remind(*, actor: Actor, exam: Exam) -> int:
    """Remind everyone required who has not passed yet (not sat, or sat without passing), once a day."""
    require(actor, "exams.manage", exam)
    if exam.status != Status.PUBLISHED:
        raise ValidationError("只有进行中的考试可以提醒。")
    from pufa.exams.selectors import exam_standing

    standing = exam_standing(exam)
    users = [row.user for row in standing.rows if not row.passed and row.user is not None]
    today = timezone.localdate()
    sent = notifications.notify_all(
        users,
        key=f"exams.remind.{exam.pk}.{today.isoformat()}",
        title=f"提醒：请在截止前完成学法考试「{exam.title}」",
        body=f"截止时间 {_when(exam.ends_at)}，请按时参考。",
        url=reverse("exams:take", args=[exam.pk]),
        about=exam,
    )
    audit.log(actor=actor, action=audit.Action.UPDATE, obj=exam, code="exams.exam.remind", message=f"提醒{sent}人")
    return sent


# ---------------------------------------------------------------- sittings


def examinee_unit(exam: Exam, user: Any) -> Unit | None:
    """The unit `user` sits this exam for (`selectors.examinee_unit_id`) — None if they are not required."""
    from pufa.exams.selectors import examinee_unit_id

    unit_id = examinee_unit_id(exam, user)
    return Unit.objects.select_related("region").get(pk=unit_id) if unit_id is not None else None


def _now() -> dt.datetime:
    return timezone.now()


@transaction.atomic
def attempt_start(*, actor: Actor, exam: Exam) -> Attempt:
    """Start (or resume) a sitting: the open attempt if there is one, else a new paper if attempts remain."""
    if not isinstance(actor, User) or not actor.is_authenticated:
        raise PermissionDenied("请先登录。")
    now = _now()
    # The examinee's sittings of this exam (a few at most), read once: the open one, how many, any passed.
    sittings = list(Attempt.objects.filter(exam=exam, user=actor))
    active = next((a for a in sittings if a.status == Attempt.Status.ACTIVE), None)
    if active is not None:
        if active.deadline > now:
            return active
        _score(active, at=active.deadline, auto=True)
    if not exam.is_open(now):
        raise ValidationError("考试不在答题时间内。")
    unit = examinee_unit(exam, actor)
    if unit is None:
        raise PermissionDenied("您不在本次考试的应考人员中。")
    used = len(sittings)
    if used >= exam.max_attempts:
        raise ValidationError(f"本考试最多可考{exam.max_attempts}次，您已用完。")
    if any(a.passed for a in sittings):
        raise ValidationError("您已通过本次考试。")
    items = papers.draw(exam, papers.pool(exam))
    deadline = min(now + dt.timedelta(minutes=exam.time_limit), exam.ends_at)
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                exam=exam, user=actor, unit=unit, number=used + 1, items=items, started_at=now, deadline=deadline
            )
    except IntegrityError:
        # A parallel start (a double tap, a second tab) created a sitting first: resume the open one.
        opened = Attempt.objects.filter(exam=exam, user=actor, status=Attempt.Status.ACTIVE).first()
        if opened is None:
            raise ValidationError("另一次开始答题刚刚完成，请刷新页面。") from None
        return opened
    audit.log(
        actor=actor, action=audit.Action.CREATE, obj=attempt, code="exams.attempt.start", message=f"第{used + 1}次"
    )
    return attempt


def _own(actor: Any, attempt: Attempt) -> None:
    if not getattr(actor, "is_authenticated", False) or attempt.user_id != actor.pk:
        raise PermissionDenied("这不是您的答卷。")


@transaction.atomic
def answer_save(*, actor: Actor, attempt: Attempt, question_id: int, chosen: str) -> Answer:
    """Save one answer as it is chosen (refused after submission or past the server deadline)."""
    _own(actor, attempt)
    by_id = {int(qid): order for qid, order in attempt.items}
    if question_id not in by_id:
        raise ValidationError("该题不在您的试卷中。")
    allowed = by_id[question_id] or "TF"  # a true/false question has no option order
    letters = "".join(sorted({ch for ch in (chosen or "").upper() if ch in allowed}))
    now = _now()
    # The conditional UPDATE takes the attempt's row lock: a parallel submit waits for this save, or this
    # save finds the attempt submitted and is refused (see the module docstring).
    alive = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.ACTIVE, deadline__gt=now).update(
        status=Attempt.Status.ACTIVE
    )
    if not alive:
        raise ValidationError("答题时间已到或已交卷，答案未保存。")
    Answer.objects.bulk_create(
        [Answer(attempt_id=attempt.pk, question_id=question_id, chosen=letters, saved_at=now)],
        update_conflicts=True,
        unique_fields=["attempt", "question"],
        update_fields=["chosen", "saved_at"],
    )
    return Answer(attempt_id=attempt.pk, question_id=question_id, chosen=letters, saved_at=now)


#: One statement for the save click on PostgreSQL: lock the sitting (still the examinee's, still active,
#: before its deadline) FOR SHARE, find the question on its paper and check the letters against that
#: question's options, and upsert the answer. No transaction around it (a single statement is atomic) and
#: no read of the paper into Python. FOR SHARE conflicts with the submit's UPDATE of the same row, so a save
#: lands before a parallel submit reads the answers or finds the sitting submitted — as `answer_save` does.
FAST_SAVE_SQL = """
WITH sitting AS (
    SELECT id, items FROM exams_attempt
    WHERE id = %(attempt)s AND user_id = %(user)s AND status = 'active' AND deadline > %(now)s
    FOR SHARE
), item AS (
    SELECT sitting.id, COALESCE(NULLIF(entry ->> 1, ''), 'TF') AS allowed
    FROM sitting, jsonb_array_elements(sitting.items) AS entry
    WHERE entry ->> 0 = %(question_text)s
    LIMIT 1
)
INSERT INTO exams_answer (attempt_id, question_id, chosen, correct, saved_at)
SELECT id, %(question)s, %(chosen)s, NULL, %(now)s FROM item
WHERE translate(%(chosen)s, allowed, '') = ''
ON CONFLICT (attempt_id, question_id) DO UPDATE SET chosen = EXCLUDED.chosen, saved_at = EXCLUDED.saved_at
RETURNING attempt_id
"""


def answer_save_by_id(*, actor: Actor, attempt_id: int, question_id: int, chosen: str) -> str:
    """The save click: `answer_save` without loading the sitting first. On PostgreSQL one statement does the
    ownership, deadline, paper and option checks and the upsert; anything it refuses (or SQLite) goes the
    long way through `answer_save`, which says why (404, or a 409 message). Returns the letters saved."""
    from django.db import connection

    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录。")
    letters = "".join(sorted({ch for ch in (chosen or "").upper() if ch in "ABCDEFGHTF"}))
    if connection.vendor == "postgresql":
        params = {
            "attempt": attempt_id,
            "user": actor.pk,
            "now": _now(),
            "question": question_id,
            "question_text": str(question_id),
            "chosen": letters,
        }
        with connection.cursor() as cursor:
            cursor.execute(FAST_SAVE_SQL, params)
            if cursor.fetchone() is not None:
                return letters
    from pufa.exams.selectors import own_attempt

    attempt = own_attempt(actor, attempt_id, paper_only=True)
    return answer_save(actor=actor, attempt=attempt, question_id=question_id, chosen=chosen).chosen


def _score(attempt: Attempt, *, at: dt.datetime, auto: bool = False) -> bool:
    """Score an active attempt from its saved answers; False if someone else submitted it first."""
    won = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.ACTIVE).update(
        status=Attempt.Status.SUBMITTED, submitted_at=at
    )
    if not won:
        return False
    exam = attempt.exam
    answers = {a.question_id: a for a in Answer.objects.filter(attempt_id=attempt.pk)}
    questions = Question.all_objects.in_bulk(attempt.question_ids)
    score = 0
    changed = []
    for qid in attempt.question_ids:
        question = questions.get(qid)
        answer = answers.get(qid)
        if question is None or answer is None:
            continue
        answer.correct = question.is_correct(answer.chosen)
        changed.append(answer)
        if answer.correct:
            score += exam.points(question.kind)
    Answer.objects.bulk_update(changed, ["correct"])
    passed = score >= exam.pass_mark
    Attempt.objects.filter(pk=attempt.pk).update(score=score, passed=passed)
    attempt.status, attempt.submitted_at, attempt.score, attempt.passed = Attempt.Status.SUBMITTED, at, score, passed
    audit.log(
        actor=SYSTEM if auto else attempt.user,
        action=audit.Action.WORKFLOW,
        obj=attempt,
        code="exams.attempt.submit",
        changes={"score": [None, score], "passed": [None, passed]},
        message="时间到，自动交卷" if auto else "交卷",
    )
    announce_results(exam, actor=attempt.user, unit_ids={attempt.unit_id})
    return True


@transaction.atomic
def attempt_submit(*, actor: Actor, attempt: Attempt) -> Attempt:
    """Hand in: score at once from the saved answers. A second submit (double tap) changes nothing."""
    _own(actor, attempt)
    now = _now()
    _score(attempt, at=min(now, attempt.deadline))
    attempt.refresh_from_db()
    return attempt


def attempt_expire(*, attempt: Attempt) -> Attempt:
    """An attempt past its server deadline is scored from what was saved (on the next look at it). A live one
    costs nothing: the transaction is opened only to score (the paper page is loaded at every reload)."""
    if attempt.status == Attempt.Status.ACTIVE and attempt.deadline <= _now():
        with transaction.atomic():
            _score(attempt, at=attempt.deadline, auto=True)
        attempt.refresh_from_db()
    return attempt


# ---------------------------------------------------------------- knowledge contests (知识竞赛)

CONTEST_NICKNAME_MAX = 20


@dataclass
class ContestData:
    unit: Unit
    title: str
    bank: Bank
    starts_at: dt.datetime
    ends_at: dt.datetime
    question_count: int = 10


@transaction.atomic
def contest_create(*, actor: Actor, data: ContestData) -> Contest:
    require(actor, "exams.manage", data.unit)
    if not (data.title or "").strip():
        raise ValidationError({"title": "请填写竞赛名称。"})
    if data.ends_at <= data.starts_at:
        raise ValidationError({"ends_at": "结束时间应晚于开始时间。"})
    if not can(actor, "exams.view", data.bank):
        raise ValidationError({"bank": "请选择本区域的题库。"})
    available = Question.objects.filter(bank=data.bank).count()
    if not 1 <= data.question_count <= min(available, 100):
        raise ValidationError({"question_count": f"题量应在1至{min(available, 100)}之间（题库有{available}道题）。"})
    contest = Contest.objects.create(
        unit=data.unit,
        title=data.title.strip()[:200],
        bank=data.bank,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        question_count=data.question_count,
    )
    audit.log_create(actor=actor, obj=contest, code="exams.contest.create")
    return contest


def contest_communities(contest: Contest) -> QuerySet[Region]:
    """The communities (社区/村) of the organiser's region: who may take part and be ranked."""
    return Region.objects.filter(path__startswith=contest.unit.region.path, level=Region.Level.COMMUNITY)


@transaction.atomic
def contest_enter(*, contest_id: int, device: str, nickname: str, community_id: int) -> ContestEntry:
    """Enter a round from a device (no account): one entry per device per round, within the round's time.

    `device` is the hash of the device cookie the portal keeps; the unique (contest, device) constraint is
    what makes a second entry impossible, even from two tabs at once."""
    contest = Contest.objects.select_related("unit__region").filter(pk=contest_id).first()
    now = timezone.now()
    if contest is None or not (contest.is_public and contest.starts_at <= now < contest.ends_at):
        raise ValidationError("竞赛不在答题时间内。")
    nickname = " ".join((nickname or "").split())[:CONTEST_NICKNAME_MAX]
    if not nickname:
        raise ValidationError({"nickname": "请填写昵称。"})
    community = contest_communities(contest).filter(pk=community_id).first()
    if community is None:
        raise ValidationError({"community": "请选择所在社区。"})
    if ContestEntry.objects.filter(contest=contest, device=device).exists():
        raise ValidationError("本轮竞赛每台设备只能参加一次。")
    ids = list(Question.objects.filter(bank_id=contest.bank_id).values_list("id", "options"))
    rng = random.SystemRandom()
    chosen = rng.sample(ids, min(contest.question_count, len(ids)))
    items = []
    for qid, options in chosen:
        order = list("ABCDEFGH"[: len(options or [])])
        rng.shuffle(order)
        items.append([qid, "".join(order)])
    try:
        with transaction.atomic():
            return ContestEntry.objects.create(
                contest=contest, device=device, nickname=nickname, community=community, items=items, started_at=now
            )
    except IntegrityError as exc:
        raise ValidationError("本轮竞赛每台设备只能参加一次。") from exc


@transaction.atomic
def contest_submit(*, entry: ContestEntry, answers: dict[int, str]) -> ContestEntry:
    """Score a contest paper at once (100 points spread over its questions); a second submit changes nothing."""
    now = timezone.now()
    if entry.submitted_at is not None:
        return entry
    if now >= entry.contest.ends_at + dt.timedelta(minutes=5):
        raise ValidationError("竞赛已结束，答卷未提交。")
    questions = Question.all_objects.in_bulk([int(qid) for qid, _ in entry.items])
    right = sum(
        1
        for qid, _ in entry.items
        if int(qid) in questions and questions[int(qid)].is_correct(answers.get(int(qid), ""))
    )
    score = round(100 * right / len(entry.items)) if entry.items else 0
    done = ContestEntry.objects.filter(pk=entry.pk, submitted_at__isnull=True).update(score=score, submitted_at=now)
    entry.refresh_from_db()
    if done:
        audit.log(
            actor=None,
            action=audit.Action.CREATE,
            obj=entry.contest,
            code="exams.contest.entry",
            message=f"{entry.nickname}（{entry.community.name}）{score}分",
        )
    return entry
