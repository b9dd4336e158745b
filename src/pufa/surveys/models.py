"""效果评估 (surveys): questionnaires residents answer on a phone, without an account, about the work done.

A `Survey` belongs to the unit that runs it and may be about one ledger activity (a pre or post
questionnaire; the post one names its pre one as `baseline`, so the page can compare them), about a
`Campaign` (a 宣传活动 of several activities over a period, measured by a pre and a post survey), or a
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


class Campaign(Versioned, SoftDeleteModel):
    """宣传活动 (a campaign, 专项行动): a named effort of one unit over a period and an area, made of ledger
    activities, whose effect a 前测 survey before it and a 后测 survey after it measure (surveys naming it)."""

    name = models.CharField("名称", max_length=100)
    unit = models.ForeignKey(Unit, verbose_name="组织单位", on_delete=models.PROTECT, related_name="campaigns")
    region = models.ForeignKey(
        Region, verbose_name="范围", on_delete=models.PROTECT, related_name="campaigns", help_text="宣传活动覆盖的区划"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    description = models.TextField("说明", max_length=1000, blank=True)
    activities = models.ManyToManyField(Activity, verbose_name="关联活动", blank=True, related_name="campaigns")
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
        verbose_name = "宣传活动"
        verbose_name_plural = "宣传活动"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_scope_path(self) -> str:
        return self.unit.region.path


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
    campaign = models.ForeignKey(
        Campaign,
        verbose_name="所属宣传活动",
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

    # No index of its own for the survey or the community: the unique (survey, device) and the (community,
    # submitted_at) indexes serve those lookups, and every index is one more write on each phone's answer.
    survey = models.ForeignKey(
        Survey, verbose_name="问卷", on_delete=models.PROTECT, related_name="responses", db_index=False
    )
    revision = models.PositiveIntegerField("题目版本")
    device = models.CharField("设备标识", max_length=64)
    community = models.ForeignKey(
        Region,
        verbose_name="所在社区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    audience = models.ForeignKey(
        Audience, verbose_name="身份类别", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")
    score = models.DecimalField("法治素养得分", max_digits=5, decimal_places=1, null=True, blank=True)
    #: Counted into the results' tally (`pufa.surveys.tally`): a response is stored pending and folded in
    #: with others in a batch, before any figure is read.
    tallied = models.BooleanField("已计入统计", default=False)

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
            # Only the responses not yet in the tally (a few seconds' worth): "anything to fold?", asked before
            # every read of the figures, is one probe of a nearly empty index — of every survey, or of one
            # (with only the first, SQLite read a survey's pending ones through its index of all responses).
            models.Index(fields=["id"], condition=models.Q(tallied=False), name="surveys_resp_pending"),
            models.Index(fields=["survey", "id"], condition=models.Q(tallied=False), name="surveys_resp_pending_s"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} 答卷 {self.pk}"

    @property
    def audit_scope_path(self) -> str:
        return self.survey.unit.region.path


class Answer(models.Model):
    """One answer: a chosen option (a multiple choice is one row per option), a number or scale value, or text."""

    response = models.ForeignKey(Response, verbose_name="答卷", on_delete=models.CASCADE, related_name="answers")
    # by question: the (question, option) index (a phone's answer writes ten rows: one index fewer on each)
    question = models.ForeignKey(
        Question, verbose_name="题目", on_delete=models.PROTECT, related_name="answers", db_index=False
    )
    option = models.PositiveSmallIntegerField("选项序号", null=True, blank=True)
    value = models.DecimalField("数值", max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.CharField("文字回答", max_length=500, blank=True)

    class Meta:
        verbose_name = "回答"
        verbose_name_plural = "回答"
        indexes = [models.Index(fields=["question", "option"], name="surveys_answer_q_opt")]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.option if self.option is not None else self.value or self.text}"


class Tally(models.Model):
    """The results page's figures kept as counts, to which the responses are added in batches before any
    figure is read (`pufa.surveys.tally`), so the page reads a few hundred rows instead of grouping every answer.

    One row per survey, question revision, community, audience, question and figure. `community` and
    `audience` are region and audience ids, `ALL` (0) for the row over every community (audience) and `NONE`
    (-1) for the responses that chose none. Stored: (ALL, ALL), (ALL, a) and (c, a) — a response is counted in
    three rows per figure; not (c, ALL) for a community c (`NONE` included), which is the sum of its (c, a)
    rows: the results page sums those for a community over every audience, and reads every other combination
    it filters by as one row. `question` is 0 for the responses themselves. The figures (`kind`):

    - 答卷 "r": n responses; `scored` of them with a 法治素养 score, `total`/`squares` its sum and sum of
      squares (in hundredths and ten-thousandths, integers: exact on SQLite too);
    - 作答 "a": n responses answering the question; for a scale or number question `total` is the sum of the
      values (and `squares`, for a scale question, of their squares: the pre/post intervals need them);
    - 选项 "o": n responses choosing option `item`; 分值 "p": n answering the scale question with `item`;
    - 答对 "c": n answering the knowledge question exactly right (all its correct options, no other).

    Rebuilt from the responses by `python -m pufa.cli surveys_rebuild_tally` (and by the migration adding it).
    On PostgreSQL its pages are kept 30% free (fillfactor 70, migration 0007: not expressible here), so that the
    folds' updates stay on their pages.
    """

    ALL: ClassVar[int] = 0
    NONE: ClassVar[int] = -1

    class Kind(models.TextChoices):
        RESPONSES = "r", "答卷"
        ANSWERED = "a", "作答"
        OPTION = "o", "选项"
        POINT = "p", "量表分值"
        RIGHT = "c", "答对"

    survey = models.ForeignKey(Survey, verbose_name="问卷", on_delete=models.CASCADE, related_name="tallies")
    revision = models.PositiveIntegerField("题目版本")
    community = models.BigIntegerField("所在社区", default=0)
    audience = models.BigIntegerField("身份类别", default=0)
    question = models.BigIntegerField("题目", default=0)
    kind = models.CharField("统计项", max_length=1, choices=Kind.choices)
    item = models.IntegerField("选项或分值", default=0)
    n = models.BigIntegerField("份数", default=0)
    scored = models.BigIntegerField("有得分的份数", default=0)
    total = models.BigIntegerField("合计（百分之一）", default=0)
    squares = models.BigIntegerField("平方和（万分之一）", default=0)

    class Meta:
        verbose_name = "结果计数"
        verbose_name_plural = "结果计数"
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "revision", "community", "audience", "question", "kind", "item"],
                name="surveys_tally_key",
            )
        ]
        # The results page's groupings read the responses rows (kind "r") of one survey per community within
        # an audience and the reverse: without these they scanned every option row of the survey (300,000 for
        # a city-wide survey) to find 5,000.
        indexes = [
            models.Index(fields=["survey", "kind", "audience", "community"], name="surveys_tally_by_community"),
            models.Index(fields=["survey", "kind", "community", "audience"], name="surveys_tally_by_audience"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.revision}/{self.community}/{self.audience}/{self.question}/{self.kind}"


class DayTally(models.Model):
    """Responses per survey, local day and community (`Tally.NONE`: none chosen), with their 法治素养 scores
    summed — what the metrics and the index per community over time read, kept like `Tally`."""

    survey = models.ForeignKey(Survey, verbose_name="问卷", on_delete=models.CASCADE, related_name="day_tallies")
    day = models.DateField("日期")
    community = models.BigIntegerField("所在社区", default=-1)
    n = models.BigIntegerField("份数", default=0)
    scored = models.BigIntegerField("有得分的份数", default=0)
    total = models.BigIntegerField("得分合计（百分之一）", default=0)

    class Meta:
        verbose_name = "每日答卷计数"
        verbose_name_plural = "每日答卷计数"
        constraints = [
            models.UniqueConstraint(fields=["survey", "day", "community"], name="surveys_daytally_key"),
        ]
        indexes = [models.Index(fields=["day", "community"], name="surveys_daytally_day")]

    def __str__(self) -> str:
        return f"{self.survey_id}/{self.day}/{self.community}: {self.n}"
