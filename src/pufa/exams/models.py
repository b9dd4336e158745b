"""学法考试: question banks, exams with paper rules, one row per sitting, and public knowledge contests.

The last day of an exam's window is the peak (nearly everybody sits it then), so taking an exam is made
cheap: a paper is drawn once per attempt and stored in the attempt's own row (question ids and each
question's option order, `Attempt.items`); each answer is one upsert of an `Answer` row; the timer is the
attempt's `deadline`, kept on the server.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from pufa.core.models import Audience, Domain, SoftDeleteModel, TimeStampedModel, Versioned
from pufa.org.models import Region, Unit


class Kind(models.TextChoices):
    SINGLE = "single", "单选题"
    MULTIPLE = "multiple", "多选题"
    JUDGE = "judge", "判断题"


class Bank(SoftDeleteModel):
    """题库: the questions a unit keeps; exams draw their papers from one bank."""

    unit = models.ForeignKey(Unit, verbose_name="所属单位", on_delete=models.PROTECT, related_name="exam_banks")
    name = models.CharField("题库名称", max_length=100)
    description = models.CharField("说明", max_length=300, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("unit__region__path",),
        "unit": ("unit__path",),
        "above": ("unit__region__path",),
    }

    class Meta:
        verbose_name = "题库"
        verbose_name_plural = "题库"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path


class Question(Versioned, SoftDeleteModel):
    """试题: a single-choice, multiple-choice or true/false question. `answer` is option letters ("B", "ACD")
    or T/F; every edit keeps the previous text as a `QuestionVersion`."""

    Kind = Kind

    class Difficulty(models.IntegerChoices):
        EASY = 1, "易"
        MEDIUM = 2, "中"
        HARD = 3, "难"

    bank = models.ForeignKey(Bank, verbose_name="题库", on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField("题型", max_length=10, choices=Kind.choices)
    stem = models.TextField("题干", max_length=2000)
    options = models.JSONField("选项", default=list, blank=True)
    answer = models.CharField("答案", max_length=8)
    explanation = models.TextField("解析", blank=True, max_length=4000)
    law = models.CharField("法律法规", max_length=100, blank=True)
    domains = models.ManyToManyField(Domain, verbose_name="普法领域", blank=True, related_name="exam_questions")
    audiences = models.ManyToManyField(Audience, verbose_name="适用对象", blank=True, related_name="exam_questions")
    difficulty = models.PositiveSmallIntegerField("难度", choices=Difficulty.choices, default=Difficulty.MEDIUM)
    source = models.CharField("来源", max_length=200, blank=True)
    fingerprint = models.CharField("查重键", max_length=64, db_index=True, editable=False)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("bank__unit__region__path",),
        "unit": ("bank__unit__path",),
        "above": ("bank__unit__region__path",),
    }

    class Meta:
        verbose_name = "试题"
        verbose_name_plural = "试题"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.stem[:40]

    @property
    def audit_scope_path(self) -> str:
        return self.bank.unit.region.path

    def is_correct(self, chosen: str) -> bool:
        return bool(chosen) and "".join(sorted(chosen)) == self.answer

    @property
    def answer_display(self) -> str:
        if self.kind == Kind.JUDGE:
            return "正确" if self.answer == "T" else "错误"
        return self.answer


class QuestionVersion(models.Model):
    """试题历史版本: the text of a question before an edit, so a paper drawn earlier can be explained."""

    question = models.ForeignKey(Question, verbose_name="试题", on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField("版本")
    data = models.JSONField("内容")
    changed_at = models.DateTimeField("修改时间", auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "试题历史版本"
        verbose_name_plural = "试题历史版本"
        ordering = ["question", "-version"]
        constraints = [models.UniqueConstraint(fields=["question", "version"], name="question_version_once")]

    def __str__(self) -> str:
        return f"{self.question_id} · 第{self.version}版"


class Exam(Versioned, SoftDeleteModel):
    """学法考试: who must sit it, when, and how a paper is drawn (`rules`); draft → published → closed."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        CLOSED = "closed", "已结束"

    unit = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="exams")
    title = models.CharField("考试名称", max_length=200)
    bank = models.ForeignKey(Bank, verbose_name="题库", on_delete=models.PROTECT, related_name="exams")
    audience = models.ForeignKey(
        Audience, verbose_name="考试对象", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("截止时间")
    time_limit = models.PositiveSmallIntegerField("答题时长（分钟）", default=60)
    pass_mark = models.PositiveSmallIntegerField("及格分", default=60)
    max_attempts = models.PositiveSmallIntegerField("可考次数", default=3)
    #: {"single": {"count": 20, "points": 2}, "multiple": {...}, "judge": {...},
    #:  "quotas": [{"field": "law"|"domain", "value": "宪法", "count": 5}]}
    rules = models.JSONField("组卷规则", default=dict)
    review_after_window = models.BooleanField("截止后允许查看解析", default=True)
    required_units = models.ManyToManyField(Unit, verbose_name="应考单位", blank=True, related_name="+")
    required_roles = models.JSONField("应考角色", default=list, blank=True)
    #: Roster teams (法律明白人, 法治带头人 …) whose members kept by the required units must sit it, as the roster
    #: stood on the first day of the window (see `selectors.required_roster`).
    required_teams = models.ManyToManyField("people.TeamKind", verbose_name="应考队伍", blank=True, related_name="+")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    ledger_activity = models.OneToOneField(
        "ledger.Activity",
        verbose_name="台账记录",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exam",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("unit__region__path",),
        "unit": ("unit__path",),
        "above": ("unit__region__path",),
    }

    class Meta:
        verbose_name = "学法考试"
        verbose_name_plural = "学法考试"
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path

    def points(self, kind: str) -> int:
        return int((self.rules.get(kind) or {}).get("points", 0))

    @property
    def total_points(self) -> int:
        return sum(int((self.rules.get(k) or {}).get("count", 0)) * self.points(k) for k in Kind.values)

    def is_open(self, now: Any) -> bool:
        return self.status == self.Status.PUBLISHED and self.starts_at <= now < self.ends_at


class Attempt(models.Model):
    """答卷: one sitting of one examinee — the paper drawn for it, its server-side deadline and its score.

    `items` is the paper: [[question id, option order], …] with the order as letters of the original options
    ("CADB": show original C first). Answers are stored by original letters, so the order only affects display.
    `unit` is the unit the examinee sits for (its results count there).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "答题中"
        SUBMITTED = "submitted", "已交卷"

    exam = models.ForeignKey(Exam, verbose_name="考试", on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="考生", on_delete=models.CASCADE, related_name="exam_attempts"
    )
    unit = models.ForeignKey(Unit, verbose_name="所在单位", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField("第几次")
    items = models.JSONField("试卷")
    started_at = models.DateTimeField("开始时间")
    deadline = models.DateTimeField("交卷时限")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.ACTIVE)
    submitted_at = models.DateTimeField("交卷时间", null=True, blank=True)
    score = models.PositiveSmallIntegerField("得分", null=True, blank=True)
    passed = models.BooleanField("通过", default=False)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("unit__region__path",),
        "unit": ("unit__path",),
    }

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "user", "number"], name="attempt_number_once"),
            # One open sitting per examinee: a start that read "none open, one used" just before a parallel
            # start committed would otherwise create a second paper under the next number.
            models.UniqueConstraint(
                fields=["exam", "user"], condition=models.Q(status="active"), name="attempt_one_open"
            ),
        ]
        indexes = [models.Index(fields=["exam", "user"])]

    def __str__(self) -> str:
        return f"{self.exam} · {self.user} · 第{self.number}次"

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path

    @property
    def question_ids(self) -> list[int]:
        return [int(item[0]) for item in self.items]


class Answer(models.Model):
    """作答: the option letters an examinee chose for one question of an attempt (saved as chosen)."""

    attempt = models.ForeignKey(Attempt, verbose_name="答卷", on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name="试题", on_delete=models.PROTECT, related_name="+")
    chosen = models.CharField("所选", max_length=8, blank=True)
    correct = models.BooleanField("正确", null=True)
    saved_at = models.DateTimeField("保存时间")

    class Meta:
        verbose_name = "作答"
        verbose_name_plural = "作答"
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="answer_once_per_question")]

    def __str__(self) -> str:
        return f"{self.attempt_id} · {self.question_id} · {self.chosen}"


class Contest(TimeStampedModel):
    """知识竞赛: a public quiz on the portal for a time-bounded round; no account, a nickname and a community."""

    unit = models.ForeignKey(Unit, verbose_name="主办单位", on_delete=models.PROTECT, related_name="contests")
    title = models.CharField("竞赛名称", max_length=200)
    bank = models.ForeignKey(Bank, verbose_name="题库", on_delete=models.PROTECT, related_name="contests")
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    question_count = models.PositiveSmallIntegerField("题量", default=10)
    is_public = models.BooleanField("公开", default=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("unit__region__path",),
        "unit": ("unit__path",),
    }

    class Meta:
        verbose_name = "知识竞赛"
        verbose_name_plural = "知识竞赛"
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path


class ContestEntry(models.Model):
    """竞赛答卷: one device's entry in a round (the device cookie is hashed; one entry per device per round)."""

    contest = models.ForeignKey(Contest, verbose_name="竞赛", on_delete=models.CASCADE, related_name="entries")
    device = models.CharField("设备标识", max_length=64)
    nickname = models.CharField("昵称", max_length=20)
    community = models.ForeignKey(Region, verbose_name="社区", on_delete=models.PROTECT, related_name="+")
    items = models.JSONField("试卷")
    score = models.PositiveSmallIntegerField("得分", null=True, blank=True)
    started_at = models.DateTimeField("开始时间")
    submitted_at = models.DateTimeField("交卷时间", null=True, blank=True)

    class Meta:
        verbose_name = "竞赛答卷"
        verbose_name_plural = "竞赛答卷"
        constraints = [models.UniqueConstraint(fields=["contest", "device"], name="contest_entry_once_per_device")]

    def __str__(self) -> str:
        return f"{self.contest} · {self.nickname}"
