"""效果评估 (surveys): questionnaires residents answer on a phone, without an account, about the work done.

A `Survey` belongs to the unit that runs it and may be about one ledger activity (a pre or post
questionnaire; the post one names its pre one as `baseline`, so the page can compare them) or a
region-wide annual evaluation. Its `Question`s carry a `revision`: once someone has answered, changing the
questions starts a new revision (the old rows stay, so every `Response` keeps the questions it answered).
A response stores no personal data: a hash of a random device cookie (one response per device), the
community the resident chose (optional) and an audience (optional); knowledge questions are scored into a
法治素养 score (0–100) kept on the response, from which the index per community is read.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models

from pufa.core.models import Audience, SoftDeleteModel, Versioned
from pufa.ledger.models import Activity
from pufa.org.models import Region, Unit

SURVEY_SCOPE: dict[str, tuple[str, ...]] = {"region": ("unit__region__path",), "unit": ("unit__path",)}


class Survey(Versioned, SoftDeleteModel):
    """问卷: one questionnaire, its link to the work, and its state (草稿 → 发布 → 结束)."""

    class Kind(models.TextChoices):
        LITERACY = "literacy", "法治素养测评"
        FEEDBACK = "feedback", "活动效果反馈"
        ANNUAL = "annual", "年度普法效果评估"

    class Phase(models.TextChoices):
        SINGLE = "single", "单次"
        PRE = "pre", "活动前（前测）"
        POST = "post", "活动后（后测）"

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "收集中"
        CLOSED = "closed", "已结束"

    title = models.CharField("问卷标题", max_length=100)
    intro = models.TextField("说明", max_length=1000, blank=True)
    kind = models.CharField("问卷类型", max_length=20, choices=Kind.choices, default=Kind.FEEDBACK)
    phase = models.CharField("测评阶段", max_length=10, choices=Phase.choices, default=Phase.SINGLE)
    unit = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="surveys")
    region = models.ForeignKey(
        Region, verbose_name="评估范围", on_delete=models.PROTECT, related_name="surveys", help_text="结果归属的区划"
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name="关联活动",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surveys",
    )
    baseline = models.ForeignKey(
        "self",
        verbose_name="对应前测问卷",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    token = models.CharField("公开链接标识", max_length=32, unique=True)
    ask_community = models.BooleanField("询问所在社区", default=True)
    ask_audience = models.BooleanField("询问身份类别", default=False)
    closes_on = models.DateField("截止日期", null=True, blank=True)
    revision = models.PositiveIntegerField("题目版本", default=1)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = SURVEY_SCOPE

    class Meta:
        verbose_name = "问卷"
        verbose_name_plural = "问卷"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["unit", "status"], name="surveys_unit_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path

    def current_questions(self) -> models.QuerySet[Question]:
        return self.questions.filter(revision=self.revision).order_by("position", "id")


class Question(models.Model):
    """题目: one question of one revision of a survey. Options are a list of labels; `correct` (option indexes)
    makes it a knowledge question scored into the 法治素养 score; `show_if`/`show_if_options` is the skip logic
    (shown only when an earlier choice question was answered with one of those options)."""

    class Kind(models.TextChoices):
        SINGLE = "single", "单选"
        MULTIPLE = "multiple", "多选"
        SCALE = "scale", "量表（1—5分）"
        NUMBER = "number", "数字"
        TEXT = "text", "简答"

    CHOICE_KINDS: ClassVar[frozenset[str]] = frozenset({Kind.SINGLE, Kind.MULTIPLE})

    survey = models.ForeignKey(Survey, verbose_name="问卷", on_delete=models.CASCADE, related_name="questions")
    revision = models.PositiveIntegerField("题目版本", default=1)
    position = models.PositiveIntegerField("序号", default=0)
    section = models.CharField("所属部分", max_length=50, blank=True)
    kind = models.CharField("题型", max_length=20, choices=Kind.choices, default=Kind.SINGLE)
    text = models.CharField("题目", max_length=300)
    required = models.BooleanField("必答", default=True)
    options: Any = models.JSONField("选项", default=list, blank=True)
    correct: Any = models.JSONField("正确答案（选项序号）", default=list, blank=True)
    min_value = models.DecimalField("最小值", max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField("最大值", max_digits=12, decimal_places=2, null=True, blank=True)
    show_if = models.ForeignKey(
        "self", verbose_name="显示条件题目", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    show_if_options: Any = models.JSONField("显示条件选项", default=list, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("survey__unit__region__path",),
        "unit": ("survey__unit__path",),
    }

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = "题目"
        ordering = ["survey", "revision", "position", "id"]
        indexes = [models.Index(fields=["survey", "revision"], name="surveys_question_rev")]

    def __str__(self) -> str:
        return self.text

    @property
    def is_knowledge(self) -> bool:
        return self.kind in self.CHOICE_KINDS and bool(self.correct)

    @property
    def audit_scope_path(self) -> str:
        return self.survey.unit.region.path


class Response(models.Model):
    """答卷: one device's answers to one survey (no name, no phone, no address: only a hashed device cookie)."""

    survey = models.ForeignKey(Survey, verbose_name="问卷", on_delete=models.PROTECT, related_name="responses")
    revision = models.PositiveIntegerField("题目版本")
    device = models.CharField("设备标识", max_length=64)
    community = models.ForeignKey(
        Region, verbose_name="所在社区", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    audience = models.ForeignKey(
        Audience, verbose_name="身份类别", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")
    score = models.DecimalField("法治素养得分", max_digits=5, decimal_places=1, null=True, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = {
        "region": ("survey__unit__region__path",),
        "unit": ("survey__unit__path",),
    }

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = "答卷"
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["survey", "device"], name="survey_response_once_per_device")]
        indexes = [
            models.Index(fields=["survey", "community"], name="surveys_resp_survey_comm"),
            models.Index(fields=["community", "submitted_at"], name="surveys_resp_comm_time"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} 答卷 {self.pk}"

    @property
    def audit_scope_path(self) -> str:
        return self.survey.unit.region.path


class Answer(models.Model):
    """One answer: a chosen option (a multiple choice is one row per option), a number or scale value, or text."""

    response = models.ForeignKey(Response, verbose_name="答卷", on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, verbose_name="题目", on_delete=models.PROTECT, related_name="answers")
    option = models.PositiveSmallIntegerField("选项序号", null=True, blank=True)
    value = models.DecimalField("数值", max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.CharField("文字回答", max_length=500, blank=True)

    class Meta:
        verbose_name = "回答"
        verbose_name_plural = "回答"
        indexes = [models.Index(fields=["question", "option"], name="surveys_answer_q_opt")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option if self.option is not None else self.value or self.text}"
