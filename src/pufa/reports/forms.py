"""Forms of the reports pages: they parse input; services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from pufa.core.forms import DateInput, PufaForm, VersionField
from pufa.org.models import Unit
from pufa.reports.models import Period, Report


def year_choices() -> list[tuple[int, str]]:
    this = timezone.localdate().year
    return [(y, f"{y}年") for y in range(this, this - 5, -1)]


class ReportStartForm(PufaForm):
    unit = forms.ModelChoiceField(label="报送单位", queryset=Unit.objects.none(), empty_label=None)
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=())
    period = forms.ChoiceField(label="报告期", choices=Period.choices)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["year"].choices = year_choices()
        today = timezone.localdate()
        self.fields["period"].initial = Period.H1 if today.month <= 7 else Period.YEAR
        # An annual report is written in December or January: January defaults to last year.
        self.fields["year"].initial = today.year - 1 if today.month == 1 else today.year


class ReportForm(PufaForm):
    version = VersionField()
    title = forms.CharField(label="标题", max_length=200)
    intro = forms.CharField(
        label="一、基本情况（概述）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="各项数字由系统根据台账统计，报送时固定，无需手工填写。",
    )
    practices = forms.CharField(
        label="三、主要做法和成效",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="每段一行；以“（一）标题。”开头的段落按公文格式排为小标题。",
    )
    problems = forms.CharField(label="四、存在问题", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    plans = forms.CharField(label="五、下一步打算", required=False, widget=forms.Textarea(attrs={"rows": 5}))

    @classmethod
    def for_report(cls, report: Report, data: Any = None) -> ReportForm:
        initial = {k: getattr(report, k) for k in ("version", "title", "intro", "practices", "problems", "plans")}
        return cls(data, initial=initial)


class ReasonForm(PufaForm):
    reason = forms.CharField(label="退回意见", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class AcceptForm(PufaForm):
    comment = forms.CharField(label="审核意见（选填）", max_length=1000, required=False)


class DeadlineForm(PufaForm):
    due = forms.DateField(label="报送截止日期", widget=DateInput())


class CircularForm(PufaForm):
    version = VersionField()
    title = forms.CharField(label="标题", max_length=200)
    number = forms.CharField(label="文号", max_length=60, required=False, help_text="如：沱法治办〔2026〕3号")
    intro = forms.CharField(label="导语", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    requirements = forms.CharField(label="下一步要求", required=False, widget=forms.Textarea(attrs={"rows": 4}))
