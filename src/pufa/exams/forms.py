"""Forms of the exams app: what people type; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from pufa.core.filters import QueryForm
from pufa.core.forms import PufaForm, VersionField
from pufa.core.models import Audience, Domain
from pufa.exams.models import Bank, Exam, Kind, Question
from pufa.org.models import Membership, Unit
from pufa.people.models import TeamKind

MAX_BANK_MB = 10


class ExamQuery(QueryForm):
    """The exams page's status filter (`overdue`: published and past its deadline); odd values are ignored."""

    status = forms.ChoiceField(required=False, choices=[("", ""), *Exam.Status.choices, ("overdue", "overdue")])


class BankForm(PufaForm):
    unit = forms.ModelChoiceField(label="所属单位", queryset=Unit.objects.none())
    name = forms.CharField(label="题库名称", max_length=100)
    description = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class BankImportForm(PufaForm):
    file = forms.FileField(label="题库文件", help_text="Word（.docx）、文本（.txt）或 Excel（.xlsx），不超过 10 MB")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".docx", ".txt", ".xlsx")):
            raise ValidationError("请上传 .docx、.txt 或 .xlsx 文件。")
        if upload.size > MAX_BANK_MB * 1024 * 1024:
            raise ValidationError(f"文件不能超过 {MAX_BANK_MB} MB。")
        return upload


class QuestionForm(PufaForm):
    kind = forms.ChoiceField(label="题型", choices=Kind.choices)
    stem = forms.CharField(label="题干", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    options = forms.CharField(
        label="选项",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="每行一个选项，按 A、B、C… 顺序",
    )
    answer = forms.CharField(label="答案", max_length=8, help_text="选择题填字母，如 B 或 ACD；判断题填 正确 或 错误")
    explanation = forms.CharField(label="解析", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    law = forms.CharField(label="法律法规", max_length=100, required=False)
    domains = forms.ModelMultipleChoiceField(
        label="普法领域", queryset=Domain.objects.filter(is_active=True), required=False
    )
    audiences = forms.ModelMultipleChoiceField(
        label="适用对象", queryset=Audience.objects.filter(is_active=True), required=False
    )
    difficulty = forms.TypedChoiceField(label="难度", choices=Question.Difficulty.choices, coerce=int)
    source = forms.CharField(label="来源", max_length=200, required=False)
    version = VersionField()

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        return {
            "kind": question.kind,
            "stem": question.stem,
            "options": "\n".join(question.options),
            "answer": question.answer_display,
            "explanation": question.explanation,
            "law": question.law,
            "domains": list(question.domains.all()),
            "audiences": list(question.audiences.all()),
            "difficulty": question.difficulty,
            "source": question.source,
            "version": question.version,
        }


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        super().__init__(**kwargs)


class ExamForm(PufaForm):
    title = forms.CharField(label="考试名称", max_length=200)
    unit = forms.ModelChoiceField(label="组织单位", queryset=Unit.objects.none())
    bank = forms.ModelChoiceField(label="题库", queryset=Bank.objects.none())
    audience = forms.ModelChoiceField(
        label="考试对象", queryset=Audience.objects.filter(is_active=True), required=False
    )
    starts_at = forms.DateTimeField(label="开始时间", widget=DateTimeInput())
    ends_at = forms.DateTimeField(label="截止时间", widget=DateTimeInput())
    time_limit = forms.IntegerField(label="答题时长（分钟）", min_value=1, max_value=600, initial=60)
    pass_mark = forms.IntegerField(label="及格分", min_value=0, max_value=1000, initial=60)
    max_attempts = forms.IntegerField(label="可考次数", min_value=1, max_value=20, initial=3)
    single_count = forms.IntegerField(label="单选题数量", min_value=0, max_value=200, initial=20)
    single_points = forms.IntegerField(label="单选题每题分值", min_value=0, max_value=100, initial=2)
    multiple_count = forms.IntegerField(label="多选题数量", min_value=0, max_value=200, initial=10)
    multiple_points = forms.IntegerField(label="多选题每题分值", min_value=0, max_value=100, initial=3)
    judge_count = forms.IntegerField(label="判断题数量", min_value=0, max_value=200, initial=15)
    judge_points = forms.IntegerField(label="判断题每题分值", min_value=0, max_value=100, initial=2)
    quotas = forms.CharField(
        label="按法律抽题",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="每行一条，如「宪法:5」表示至少抽5道法律法规含“宪法”的题",
    )
    required_units = forms.ModelMultipleChoiceField(
        label="应考单位",
        queryset=Unit.objects.none(),
        help_text="含其下级单位",
        widget=forms.SelectMultiple(attrs={"data-chips": ""}),
    )
    required_roles = forms.MultipleChoiceField(
        label="应考角色", choices=Membership.Role.choices, required=False, help_text="不选表示上述单位的全部人员"
    )
    required_teams = forms.ModelMultipleChoiceField(
        label="应考队伍",
        queryset=TeamKind.objects.filter(is_active=True),
        required=False,
        help_text="如法律明白人：上述单位管理的、考试开始当天在队伍中的人员；只选队伍不选角色时，只考队伍人员",
        widget=forms.SelectMultiple(attrs={"data-chips": ""}),
    )
    review_after_window = forms.BooleanField(label="截止后允许考生查看答案和解析", required=False, initial=True)
    version = VersionField()

    def __init__(self, *args: Any, units: Any, banks: Any, scope_units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["bank"].queryset = banks  # type: ignore[attr-defined]
        self.fields["required_units"].queryset = scope_units  # type: ignore[attr-defined]

    def clean_quotas(self) -> list[dict[str, Any]]:
        quotas = []
        for line in (self.cleaned_data.get("quotas") or "").splitlines():
            line = line.strip().replace("：", ":")
            if not line:
                continue
            value, _, count = line.rpartition(":")
            if not value.strip() or not (count.strip().isascii() and count.strip().isdigit()):
                raise ValidationError(f"无法识别「{line}」，应写成「宪法:5」。")
            quotas.append({"field": "law", "value": value.strip(), "count": int(count)})
        return quotas

    def rules(self) -> dict[str, Any]:
        cd = self.cleaned_data
        rules: dict[str, Any] = {k: {"count": cd[f"{k}_count"], "points": cd[f"{k}_points"]} for k in Kind.values}
        rules["quotas"] = cd.get("quotas") or []
        return rules


def exam_initial() -> dict[str, Any]:
    from django.utils import timezone

    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    return {"starts_at": now, "ends_at": now + dt.timedelta(days=14)}


class ContestForm(PufaForm):
    title = forms.CharField(label="竞赛名称", max_length=200)
    unit = forms.ModelChoiceField(label="主办单位", queryset=Unit.objects.none())
    bank = forms.ModelChoiceField(label="题库", queryset=Bank.objects.none())
    starts_at = forms.DateTimeField(label="开始时间", widget=DateTimeInput())
    ends_at = forms.DateTimeField(label="结束时间", widget=DateTimeInput())
    question_count = forms.IntegerField(label="每轮题量", min_value=1, max_value=100, initial=10)

    def __init__(self, *args: Any, units: Any, banks: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["bank"].queryset = banks  # type: ignore[attr-defined]
