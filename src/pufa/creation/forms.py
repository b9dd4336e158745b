"""Forms of the creation pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from pufa.core.filters import QueryForm, id_field
from pufa.core.forms import PufaForm, VersionField
from pufa.creation.models import Application, Criterion, Level, Title
from pufa.plans import metrics as registry


class SchemeForm(PufaForm):
    name = forms.CharField(label="名称", max_length=100, initial="民主法治示范社区创建标准")
    level = forms.ChoiceField(label="级别", choices=Level.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class SchemeEditForm(SchemeForm):
    is_active = forms.BooleanField(label="启用（社区可按此标准申报）", required=False)


class CriterionForm(PufaForm):
    title = forms.CharField(label="指标内容", max_length=200)
    kind = forms.ChoiceField(label="方式", choices=Criterion.Kind.choices)
    metric = forms.ChoiceField(label="统计指标（系统计算时）", required=False)
    filter_kind = forms.CharField(
        label="类型筛选代码（可选）", required=False, max_length=50, help_text="如 lecture、board、ztjz"
    )
    period = forms.ChoiceField(label="周期", choices=Criterion.Period.choices)
    compare = forms.ChoiceField(label="比较", choices=Criterion.Compare.choices)
    threshold = forms.DecimalField(label="目标值", initial=1, max_digits=12, decimal_places=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "—"), *registry.choices()]  # type: ignore[attr-defined]


class AttestForm(PufaForm):
    note = forms.CharField(label="说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label="附件（可选）", required=False)


class NoteForm(PufaForm):
    note = forms.CharField(label="意见/记录", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


# ---------------------------------------------------------------- query strings (GET) and posted steps


class ApplicationQuery(QueryForm):
    status = forms.ChoiceField(required=False, choices=[("", ""), *Application.Status.choices])


class TitleQuery(QueryForm):
    status = forms.ChoiceField(required=False, choices=[("", ""), *Title.Status.choices])
    due = forms.BooleanField(required=False)


class ApplyForm(QueryForm):
    """The scheme and community posted from a checklist's 申报 button."""

    scheme = id_field()
    unit = id_field()


class StepForm(QueryForm):
    """A workflow button: the step, its note and the version the page showed."""

    step = forms.CharField(required=False, max_length=20)
    note = forms.CharField(required=False)
    version = VersionField()
