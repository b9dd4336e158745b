"""以案释法案例库: typical cases (典型案例) collected by courts, procuratorates, enforcement bodies and 司法所,
desensitised and reviewed before the public sees them.

- `Case` — one case with its texts (基本案情, 处理结果/裁判要旨, 释法说理), source unit and author, type,
  domains, tags and the laws it cites (`CaseLaw`, rows of the duties app's law catalogue with articles).
- `Party` — the parties as structured rows (name, role); on submit their names become 姓+某 in every text.
- `Finding` — one string of personal data the desensitiser found (身份证号, 手机号 …) and the reviewer's
  decision; a case is published only when none is open.
- `CaseSearch` — the shadow row of segmented text the full-text index reads (see `pufa.cases.search`).
- `CaseUse` — a ledger activity (以案释法) that explained the case.
- `Attachment` — an optional file (判决书 …), served only through the case's scope.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models

from pufa.core.models import Domain, SoftDeleteModel, TimeStampedModel, Versioned
from pufa.duties.models import Law
from pufa.ledger.fields import PathField
from pufa.ledger.models import Activity
from pufa.org.models import Unit

CASE_SCOPE: dict[str, tuple[str, ...]] = {"region": ("region_path",), "unit": ("unit_path",)}


def _through(prefix: str) -> dict[str, tuple[str, ...]]:
    return {key: tuple(f"{prefix}{lookup}" for lookup in lookups) for key, lookups in CASE_SCOPE.items()}


class Case(Versioned, SoftDeleteModel):
    """典型案例: one case explained for the public (以案释法)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "待审核"
        REVIEWED = "reviewed", "已审核"
        PUBLISHED = "published", "已发布"
        WITHDRAWN = "withdrawn", "已撤回"

    class Type(models.TextChoices):
        CIVIL = "civil", "民事"
        ADMINISTRATIVE = "administrative", "行政"
        CRIMINAL = "criminal", "刑事"
        ENFORCEMENT = "enforcement", "行政执法"
        MEDIATION = "mediation", "调解"

    #: The texts that are desensitised, searched and published (in the order a case reads).
    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("title", "facts", "outcome", "reasoning")
    #: What the portal may show (and nothing else leaves through `portal`): see `selectors.public_cases`.
    PUBLIC_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "title",
        "case_type",
        "decided_on",
        "facts",
        "outcome",
        "reasoning",
        "tags",
        "published_at",
    )

    unit = models.ForeignKey(Unit, verbose_name="来源单位", on_delete=models.PROTECT, related_name="cases")
    author = models.CharField("撰写人", max_length=50, blank=True, help_text="如：王法官、李律师")
    title = models.CharField("案例标题", max_length=200)
    case_type = models.CharField("案件类型", max_length=20, choices=Type.choices)
    decided_on = models.DateField("裁判（处理）日期", null=True, blank=True)
    domains = models.ManyToManyField(Domain, verbose_name="普法领域", blank=True, related_name="cases")
    facts = models.TextField("基本案情", max_length=20000)
    outcome = models.TextField("处理结果/裁判要旨", blank=True, max_length=10000)
    reasoning = models.TextField("释法说理", blank=True, max_length=20000)
    tags = models.CharField("标签", max_length=200, blank=True, help_text="用顿号或空格分隔，如：养老诈骗、老年人")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.DRAFT)
    return_reason = models.CharField("退回原因", max_length=500, blank=True)
    region_path = PathField("来源单位区划路径")
    unit_path = PathField("来源单位路径")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="填报人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = CASE_SCOPE

    class Meta:
        verbose_name = "典型案例"
        verbose_name_plural = "典型案例"
        ordering = ["-decided_on", "-id"]
        # A status within a scope (the 待办 counts on every home page: returned drafts of a unit, cases waiting
        # for a reviewer of a region): by the status alone the count read the whole city's cases of it.
        indexes = [
            models.Index(fields=["status", "published_at"], name="cases_case_status_pub"),
            models.Index(fields=["unit", "status"], name="cases_case_unit_status"),
            models.Index(fields=["status", "unit_path"], name="cases_case_status_unit_path"),
            models.Index(fields=["status", "region_path"], name="cases_case_status_region"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audit_scope_path(self) -> str:
        return self.region_path

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)


def split_tags(text: str) -> list[str]:
    import re

    return [t for t in re.split(r"[、，,；;\s]+", text or "") if t]


class Party(models.Model):
    """当事人: a party of a case, as a row (the name never leaves the building; the texts carry 姓+某)."""

    class Role(models.TextChoices):
        PLAINTIFF = "原告", "原告"
        DEFENDANT = "被告", "被告"
        ACCUSED = "被告人", "被告人"
        VICTIM = "被害人", "被害人"
        APPLICANT = "申请人", "申请人"
        RESPONDENT = "被申请人", "被申请人"
        THIRD = "第三人", "第三人"
        PARTY = "当事人", "当事人"
        COUNTERPART = "行政相对人", "行政相对人"
        WITNESS = "证人", "证人"

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="parties")
    name = models.CharField("姓名（名称）", max_length=100)
    role = models.CharField("诉讼地位", max_length=20, choices=Role.choices, default=Role.PARTY)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = _through("case__")

    class Meta:
        verbose_name = "当事人"
        verbose_name_plural = "当事人"
        ordering = ["case", "order", "id"]

    def __str__(self) -> str:
        return f"{self.role} {self.name}"


class CaseLaw(models.Model):
    """A law the case cites, with the articles (第二百六十六条)."""

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="citations")
    law = models.ForeignKey(Law, verbose_name="法律法规", on_delete=models.PROTECT, related_name="case_citations")
    articles = models.CharField("条款", max_length=200, blank=True, help_text="如：第二百六十六条")

    class Meta:
        verbose_name = "引用法条"
        verbose_name_plural = "引用法条"
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "law"], name="cases_caselaw_once")]

    def __str__(self) -> str:
        return f"《{self.law.name}》{self.articles}"


class Finding(TimeStampedModel):
    """脱敏发现: a string of personal data found in the case's texts, the proposed replacement and the decision.

    Parties' names are replaced on submit (status `applied`); the detectors' findings wait `open` until the
    reviewer accepts (the replacement is made in every text) or rejects (a false alarm: the text stays)."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        ACCEPTED = "accepted", "已替换"
        REJECTED = "rejected", "不替换"
        APPLIED = "applied", "已自动替换"

    class Kind(models.TextChoices):
        NAME = "name", "当事人姓名"
        ID_CARD = "id_card", "身份证号"
        ID_SUSPECT = "id_suspect", "疑似身份证号"
        PHONE = "phone", "手机号码"
        BANK_CARD = "bank_card", "银行卡号"
        PLATE = "plate", "车牌号"
        ADDRESS = "address", "详细地址"
        POSSIBLE_NAME = "possible_name", "疑似姓名"

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    text = models.CharField("原文", max_length=200)
    replacement = models.CharField("建议替换为", max_length=200)
    fields = models.CharField("出现位置", max_length=100, blank=True)
    context = models.CharField("上下文", max_length=300, blank=True)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = _through("case__")

    class Meta:
        verbose_name = "脱敏发现"
        verbose_name_plural = "脱敏发现"
        ordering = ["case", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "text"], name="cases_finding_once")]
        indexes = [models.Index(fields=["status", "case"], name="cases_finding_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text}"

    @property
    def audit_scope_path(self) -> str:
        return self.case.region_path


class CaseSearch(models.Model):
    """The search index's row of a case: segmented text (rjieba search mode + bigrams), kept by the services.

    SQLite: an FTS5 table `cases_case_fts` (rowid = case id) mirrors `body` (created by a migration for the
    sqlite vendor only). PostgreSQL: `vector` is `to_tsvector('simple', body)` with a GIN index (created by a
    migration for the postgresql vendor only; on SQLite the column stays empty)."""

    case = models.OneToOneField(Case, primary_key=True, on_delete=models.CASCADE, related_name="search_row")
    body = models.TextField("分词文本", blank=True)
    is_public = models.BooleanField("已发布", default=False)
    # PostgreSQL's tsvector of `body` (GIN-indexed by migration 0002); unused and empty on SQLite.
    vector = SearchVectorField("检索向量", null=True, editable=False)

    class Meta:
        verbose_name = "检索索引"
        verbose_name_plural = "检索索引"

    def __str__(self) -> str:
        return f"检索索引 {self.case_id}"


class CaseUse(TimeStampedModel):
    """A ledger activity (以案释法) that explained this case: "where the case was used"."""

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="uses")
    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="case_uses")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="关联人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = "案例使用"
        verbose_name_plural = "案例使用"
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["case", "activity"], name="cases_use_once")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.case}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    return filename


class Attachment(TimeStampedModel):
    """附件: a file of the case (判决书, 处罚决定书 …), private, served only through the case's scope."""

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("文件", upload_to=attachment_upload_to, max_length=255)
    original_name = models.CharField("原文件名", max_length=255, blank=True)
    mime = models.CharField("文件类型", max_length=100)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)

    scope_lookups: ClassVar[dict[str, tuple[str, ...]]] = _through("case__")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.original_name or f"附件 {self.pk}"
