"""Forms of the responsibility-list pages; they validate input, services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from pufa.core.filters import QueryForm, SearchField, id_field, year_field
from pufa.core.forms import DateInput, PufaForm, VersionField
from pufa.core.models import ActivityKind, Audience, Domain
from pufa.duties.models import DutyItem, DutyList, DutyTemplate, Law
from pufa.org.models import Region, Unit


class Checklist(forms.CheckboxSelectMultiple):
    """Tick boxes instead of a multi-select: usable on a phone; duties/_form.html lays them out."""


class DutyForm(PufaForm):
    """PufaForm with tick-box lists styled as Bootstrap checks rather than text inputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"


def _laws() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="法律法规",
        queryset=Law.objects.filter(is_active=True).order_by("pinyin"),
        required=False,
        widget=Checklist,
    )


def _audiences(required: bool = False) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="普法对象",
        queryset=Audience.objects.filter(is_active=True),
        required=required,
        widget=Checklist,
    )


def _domains() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label="普法领域", queryset=Domain.objects.filter(is_active=True), required=False, widget=Checklist
    )


class DutyListStartForm(DutyForm):
    START_CHOICES = [("empty", "空白清单"), ("previous", "沿用往年清单"), ("template", "使用法宣办下发的模板")]

    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    start = forms.ChoiceField(label="起草方式", choices=START_CHOICES, initial="empty", widget=forms.RadioSelect)
    source = forms.ModelChoiceField(label="沿用的往年清单", queryset=DutyList.objects.none(), required=False)
    template = forms.ModelChoiceField(label="模板", queryset=DutyTemplate.objects.none(), required=False)

    def __init__(self, *args: Any, units: Any, sources: Any, templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["source"].queryset = sources
        self.fields["template"].queryset = templates
        self.fields["start"].widget.attrs["class"] = "form-check-input"
        self.fields["year"].initial = timezone.localdate().year
        if units.count() == 1:
            self.fields["unit"].initial = units.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start = data.get("start")
        if start == "previous" and not data.get("source"):
            self.add_error("source", "请选择要沿用的往年清单。")
        if start == "template" and not data.get("template"):
            self.add_error("template", "请选择模板。")
        if start != "previous":
            data["source"] = None
        if start != "template":
            data["template"] = None
        return data


class DutyListForm(DutyForm):
    version = VersionField()
    summary = forms.CharField(
        label="清单说明（公开）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="公告时向社会公开，如本单位普法工作的总体安排。",
    )
    laws = forms.ModelMultipleChoiceField(
        label="本单位负责执行的法律法规（公开）",
        queryset=Law.objects.filter(is_active=True).order_by("pinyin"),
        required=False,
        widget=Checklist,
    )
    internal_note = forms.CharField(
        label="内部备注", required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="仅内部可见，不公开。"
    )


class DutyItemForm(DutyForm):
    version = VersionField()
    content = forms.CharField(
        label="普法内容（内容清单）", widget=forms.Textarea(attrs={"rows": 3}), help_text="宣传的法律法规及重点内容"
    )
    laws = _laws()
    domains = _domains()
    audiences = _audiences(required=True)
    measures = forms.CharField(label="载体与措施（措施清单）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    standards = forms.CharField(label="工作标准（标准清单）", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    time_nodes = forms.CharField(label="时间节点", max_length=200, required=False)
    responsible_section = forms.CharField(label="责任科室（公开）", max_length=100, required=False)
    responsible_leader = forms.CharField(label="责任领导（不公开）", max_length=50, required=False)
    responsible_person = forms.CharField(label="责任人（不公开）", max_length=50, required=False)
    responsible_phone = forms.CharField(label="责任人电话（不公开）", max_length=30, required=False)
    internal_note = forms.CharField(label="内部备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    @staticmethod
    def initial_for(item: DutyItem) -> dict[str, Any]:
        fields = [
            "content",
            "measures",
            "standards",
            "time_nodes",
            "responsible_section",
            "responsible_leader",
            "responsible_person",
            "responsible_phone",
            "internal_note",
        ]
        initial: dict[str, Any] = {name: getattr(item, name) for name in fields}
        initial["version"] = item.version
        initial.update(
            laws=list(item.laws.all()), audiences=list(item.audiences.all()), domains=list(item.domains.all())
        )
        return initial


class TemplateItemForm(DutyForm):
    content = forms.CharField(label="普法内容（内容清单）", widget=forms.Textarea(attrs={"rows": 3}))
    laws = _laws()
    domains = _domains()
    audiences = _audiences()
    measures = forms.CharField(label="载体与措施", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    standards = forms.CharField(label="工作标准", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    time_nodes = forms.CharField(label="时间节点", max_length=200, required=False)
    responsible_section = forms.CharField(label="责任科室", max_length=100, required=False)


class PlannedForm(DutyForm):
    content = forms.CharField(label="普法内容", max_length=300, help_text="如：“12·4”国家宪法日集中宣传")
    kind = forms.ModelChoiceField(label="活动方式", queryset=ActivityKind.objects.filter(is_active=True))
    audiences = _audiences(required=True)
    start = forms.DateField(label="计划开始日期", widget=DateInput())
    end = forms.DateField(label="计划结束日期", widget=DateInput())
    time_text = forms.CharField(label="实施时间说明", max_length=100, required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    region = forms.ModelChoiceField(label="所在区划", queryset=Region.objects.none(), required=False)
    item = forms.ModelChoiceField(label="对应清单事项", queryset=DutyItem.objects.none(), required=False)
    domains = _domains()
    laws = _laws()
    internal_note = forms.CharField(label="内部备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, duty_list: DutyList, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["item"].queryset = duty_list.items.order_by("order", "id")
        self.fields["item"].label_from_instance = lambda i: f"{i.order}. {i.content[:30]}"


class ReasonForm(DutyForm):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)


class DeadlineForm(DutyForm):
    due = forms.DateField(label="报送截止日期", widget=DateInput())


class LawForm(DutyForm):
    name = forms.CharField(label="名称", max_length=200, help_text="不加书名号，如：中华人民共和国民法典")
    level = forms.ChoiceField(label="效力层级", choices=Law.Level.choices)
    issuer = forms.CharField(label="制定机关", max_length=100, required=False)
    promulgated_on = forms.DateField(label="公布（修订）日期", required=False, widget=DateInput())
    effective_on = forms.DateField(label="施行日期", required=False, widget=DateInput())
    url = forms.URLField(label="原文链接", required=False, assume_scheme="https")
    is_active = forms.BooleanField(label="现行有效", required=False, initial=True)


class TemplateForm(DutyForm):
    issuing_unit = forms.ModelChoiceField(label="下发单位", queryset=Unit.objects.none())
    unit_kind = forms.ChoiceField(label="适用单位类型", choices=Unit.Kind.choices)
    title = forms.CharField(label="模板名称", max_length=200)
    laws = forms.ModelMultipleChoiceField(
        label="负责执行的法律法规",
        queryset=Law.objects.filter(is_active=True).order_by("pinyin"),
        required=False,
        widget=Checklist,
    )

    def __init__(self, *args: Any, units: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["issuing_unit"].queryset = units
            if units.count() == 1:
                self.fields["issuing_unit"].initial = units.first()
        if editing:
            del self.fields["issuing_unit"]


# ---------------------------------------------------------------- query strings (GET)


class ListQuery(QueryForm):
    """The list page's filters."""

    year = year_field()
    status = forms.ChoiceField(required=False, choices=[("", ""), *DutyList.Status.choices])
    q = SearchField(limit=100)


class OverviewQuery(QueryForm):
    """The overview's region and year (also posted by its forms)."""

    year = year_field()
    region = id_field()


class LawQuery(QueryForm):
    q = SearchField(limit=100)
    level = forms.ChoiceField(required=False, choices=[("", ""), *Law.Level.choices])


class LinkQuery(QueryForm):
    q = SearchField(limit=100)
    activity = id_field()
