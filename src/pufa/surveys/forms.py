"""Forms of the survey pages: they parse input; services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from pufa.core.filters import QueryForm, SearchField, id_field, year_field
from pufa.core.forms import DateInput, PufaForm, VersionField
from pufa.ledger.models import Activity
from pufa.org.models import Region, Unit
from pufa.surveys.models import Campaign, Question, Survey
from pufa.surveys.services import CampaignData, QuestionData, SurveyData
from pufa.surveys.templates_builtin import TEMPLATE_CHOICES


class SurveyForm(PufaForm):
    template = forms.ChoiceField(label="从模板开始", choices=TEMPLATE_CHOICES, required=False)
    title = forms.CharField(label="问卷标题", max_length=100)
    kind = forms.ChoiceField(label="问卷类型", choices=Survey.Kind.choices, initial=Survey.Kind.FEEDBACK)
    unit = forms.ModelChoiceField(label="组织单位", queryset=Unit.objects.none(), empty_label="请选择")
    activity = forms.ModelChoiceField(
        label="关联活动", queryset=Activity.objects.none(), required=False, empty_label="不关联活动"
    )
    campaign = forms.ModelChoiceField(
        label="所属宣传活动", queryset=Campaign.objects.none(), required=False, empty_label="不属于宣传活动"
    )
    phase = forms.ChoiceField(label="测评阶段", choices=Survey.Phase.choices, initial=Survey.Phase.SINGLE)
    baseline = forms.ModelChoiceField(
        label="对应前测问卷", queryset=Survey.objects.none(), required=False, empty_label="无", help_text="后测问卷填写"
    )
    intro = forms.CharField(label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    ask_community = forms.BooleanField(label="询问所在社区（结果可按社区统计）", required=False, initial=True)
    ask_audience = forms.BooleanField(label="询问身份类别（普法对象）", required=False)
    closes_on = forms.DateField(label="截止日期", required=False, widget=DateInput())
    version = VersionField()

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        activities: QuerySet[Activity],
        baselines: QuerySet[Survey],
        campaigns: QuerySet[Campaign],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["activity"].queryset = activities  # type: ignore[attr-defined]
        self.fields["baseline"].queryset = baselines  # type: ignore[attr-defined]
        if len(units) == 1:
            self.fields["unit"].initial = units[0]
        if editing:
            del self.fields["template"]
        else:
            del self.fields["version"]

    def data_object(self) -> SurveyData:
        d = self.cleaned_data
        return SurveyData(
            title=d["title"],
            unit=d["unit"],
            kind=d["kind"],
            phase=d["phase"],
            intro=d["intro"],
            activity=d["activity"],
            campaign=d["campaign"],
            baseline=d["baseline"],
            ask_community=d["ask_community"],
            ask_audience=d["ask_audience"],
            closes_on=d["closes_on"],
        )


class CampaignForm(PufaForm):
    name = forms.CharField(label="名称", max_length=100, help_text="如：2026年“民法典进万家”宣传活动")
    unit = forms.ModelChoiceField(label="组织单位", queryset=Unit.objects.none(), empty_label="请选择")
    region = forms.ModelChoiceField(
        label="范围", queryset=Region.objects.none(), required=False, empty_label="组织单位的辖区"
    )
    starts_on = forms.DateField(label="开始日期", widget=DateInput())
    ends_on = forms.DateField(label="结束日期", widget=DateInput())
    description = forms.CharField(
        label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    activities = forms.ModelMultipleChoiceField(
        label="关联活动",
        queryset=Activity.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="按住 Ctrl（手机上直接点选）可多选；须在宣传活动期间和范围内",
    )
    version = VersionField()

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        regions: QuerySet[Region],
        activities: QuerySet[Activity],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["activities"].queryset = activities  # type: ignore[attr-defined]
        if len(units) == 1:
            self.fields["unit"].initial = units[0]
        if not editing:
            del self.fields["version"]

    def data_object(self) -> CampaignData:
        d = self.cleaned_data
        return CampaignData(
            name=d["name"],
            unit=d["unit"],
            region=d["region"],
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            description=d["description"],
            activities=tuple(d["activities"]),
        )


class CampaignQuery(QueryForm):
    q = SearchField()


def _numbers(raw: str) -> list[int] | None:
    """ "1、3" / "1,3" / "1 3" → [0, 2] (people number options from 1); None when something is not a number."""
    parts = [p for p in raw.replace("、", ",").replace("，", ",").replace(" ", ",").split(",") if p]
    if not all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
        return None
    return [int(p) - 1 for p in parts]


class QuestionForm(PufaForm):
    kind = forms.ChoiceField(label="题型", choices=Question.Kind.choices)
    text = forms.CharField(label="题目", max_length=300)
    section = forms.CharField(label="所属部分", max_length=50, required=False, help_text="如：一、法律常识")
    required = forms.BooleanField(label="必答", required=False, initial=True)
    options = forms.CharField(
        label="选项（每行一个）", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    correct = forms.CharField(
        label="正确答案（选项序号）", required=False, max_length=60, help_text="知识题填写，如：2 或 1、3；留空为调查题"
    )
    min_value = forms.DecimalField(label="最小值", required=False, max_digits=12, decimal_places=2)
    max_value = forms.DecimalField(label="最大值", required=False, max_digits=12, decimal_places=2)
    show_if = forms.ModelChoiceField(
        label="仅当此题…", queryset=Question.objects.none(), required=False, empty_label="总是显示"
    )
    show_if_options = forms.CharField(label="…选了这些选项时显示（序号）", required=False, max_length=60)

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["show_if"].queryset = survey.current_questions().filter(  # type: ignore[attr-defined]
            kind__in=Question.CHOICE_KINDS
        )

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        for name in ("correct", "show_if_options"):
            if _numbers(d.get(name, "") or "") is None:
                self.add_error(name, "请填写选项序号，如：1 或 1、3。")
        return d

    def data_object(self) -> QuestionData:
        d = self.cleaned_data
        return QuestionData(
            kind=d["kind"],
            text=d["text"],
            section=d["section"],
            required=d["required"],
            options=[line.strip() for line in d["options"].splitlines() if line.strip()],
            correct=_numbers(d["correct"]) or [],
            min_value=d["min_value"],
            max_value=d["max_value"],
            show_if=d["show_if"],
            show_if_options=_numbers(d["show_if_options"]) or [],
        )

    @staticmethod
    def initial_for(q: Question) -> dict[str, Any]:
        return {
            "kind": q.kind,
            "text": q.text,
            "section": q.section,
            "required": q.required,
            "options": "\n".join(q.options),
            "correct": "、".join(str(i + 1) for i in q.correct),
            "min_value": q.min_value,
            "max_value": q.max_value,
            "show_if": q.show_if_id,
            "show_if_options": "、".join(str(i + 1) for i in q.show_if_options),
        }


class SurveyQuery(QueryForm):
    unit = id_field()
    activity = id_field()
    campaign = id_field()
    phase = forms.ChoiceField(choices=Survey.Phase.choices, required=False)
    status = forms.ChoiceField(choices=Survey.Status.choices, required=False)
    kind = forms.ChoiceField(choices=Survey.Kind.choices, required=False)
    q = SearchField()
    ready = forms.BooleanField(required=False)
    overdue = forms.BooleanField(required=False)


class ResultsQuery(QueryForm):
    community = id_field()
    audience = id_field()
    revision = forms.IntegerField(required=False, min_value=1, max_value=10_000)


class ResponsesQuery(QueryForm):
    question = id_field()
    option = forms.IntegerField(required=False, min_value=0, max_value=1000)
    value = forms.IntegerField(required=False, min_value=1, max_value=5)
    community = id_field()
    audience = id_field()


class IndexQuery(QueryForm):
    region = id_field()
    year = year_field()

    @staticmethod
    def default_year() -> int:
        return timezone.localdate().year
