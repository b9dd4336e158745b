"""Forms of the ledger pages: they parse input; services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pufa.core.filters import (
    parse_id,
)
from pufa.core.forms import DateInput, PufaForm, VersionField, XlsxField
from pufa.core.models import ActivityKind, Audience, Domain
from pufa.ledger import filters, selectors
from pufa.ledger.files import check_batch
from pufa.ledger.models import Activity, Evidence
from pufa.ledger.services import ActivityData, EvidenceUpload, KeyDateData
from pufa.org.access import scope
from pufa.org.models import Region, Unit
from pufa.plans.models import Task

UPLOAD_ACCEPT = "image/*,video/*,.pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input, within the per-request count and size (files.check_batch); each file's
    content is checked in the service (files.check)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": UPLOAD_ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            uploads = [single(d, initial) for d in data if d]
        else:
            uploads = [single(data, initial)] if data else []
        check_batch(uploads)
        return uploads


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


class ChipsWidget(forms.CheckboxSelectMultiple):
    """Tick boxes rendered as chips by the template (ledger/_chips.html)."""


class ActivityForm(PufaForm):
    version = VersionField()
    unit = forms.ModelChoiceField(label="组织单位", queryset=Unit.objects.none(), empty_label=None)
    title = forms.CharField(label="活动名称", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    kind = forms.ModelChoiceField(label="活动形式", queryset=ActivityKind.objects.none(), empty_label="请选择")
    date = forms.DateField(label="活动日期", widget=DateInput())
    start_time = forms.TimeField(label="开始时间", required=False, widget=TimeInput())
    end_date = forms.DateField(label="结束日期（多日活动）", required=False, widget=DateInput())
    place = forms.CharField(label="活动地点", max_length=200, required=False)
    place_region = forms.ModelChoiceField(
        label="所在区划", queryset=Region.objects.none(), required=False, empty_label="同组织单位"
    )
    people_onsite = forms.IntegerField(
        label="现场受众（人次）", min_value=0, initial=0, widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )
    people_online = forms.IntegerField(
        label="线上受众（人次）",
        min_value=0,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    materials = forms.IntegerField(
        label="发放资料（份）",
        min_value=0,
        initial=0,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    domains = forms.ModelMultipleChoiceField(
        label="普法领域", queryset=Domain.objects.none(), required=False, widget=ChipsWidget
    )
    audiences = forms.ModelMultipleChoiceField(
        label="普法对象", queryset=Audience.objects.none(), required=False, widget=ChipsWidget
    )
    laws = forms.CharField(label="宣传的法律法规", max_length=500, required=False, help_text="如：《宪法》、《民法典》")
    co_organisers = forms.ModelMultipleChoiceField(
        label="协办单位",
        queryset=Unit.objects.none(),
        required=False,
        help_text="联合开展的活动只登记一次，由组织单位登记，协办单位同样计入。",
    )
    tasks = forms.ModelMultipleChoiceField(
        label="计入任务", queryset=Task.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label="活动简介", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    is_highlight = forms.BooleanField(label="典型做法（可供总结报告引用）", required=False)
    files = MultipleFileField(
        label="照片或材料（选填）",
        help_text="不要求为留痕拍照；有现成的照片、简报、签到表可一并上传。",
    )

    def __init__(self, *args: Any, actor: Any, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        units = selectors.recordable_units(actor=actor)
        self.fields["unit"].queryset = units
        chosen = unit
        unit_id = parse_id(self.data.get("unit")) if self.is_bound else None
        if unit_id is not None:
            chosen = units.filter(pk=unit_id).first() or unit
        self.chosen_unit = chosen
        current_kind = getattr(self.initial.get("kind"), "pk", None)
        self.fields["kind"].queryset = ActivityKind.objects.filter(Q(is_active=True) | Q(pk=current_kind))
        self.fields["domains"].queryset = Domain.objects.filter(is_active=True)
        self.fields["audiences"].queryset = Audience.objects.filter(is_active=True)
        self.fields["co_organisers"].queryset = selectors.co_organiser_choices(unit=chosen)
        self.fields["place_region"].queryset = selectors.place_region_choices(unit=chosen)
        self.fields["tasks"].queryset = scope(Task.objects.all(), actor, "plans.view")
        for name in ("domains", "audiences", "tasks"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.fields["co_organisers"].widget.attrs["size"] = 6
        refresh_tasks = {
            "hx-get": reverse("ledger:task-suggestions"),
            "hx-trigger": "change",
            "hx-target": "#task-suggestions",
            "hx-include": "[name='unit'],[name='date'],[name='tasks']:checked",
        }
        self.fields["unit"].widget.attrs.update(refresh_tasks)
        self.fields["date"].widget.attrs.update(refresh_tasks)
        self.fields["people_onsite"].required = False

    def to_data(self) -> ActivityData:
        cd = self.cleaned_data
        return ActivityData(
            unit=cd["unit"],
            title=cd["title"],
            kind=cd["kind"],
            date=cd["date"],
            co_organisers=list(cd["co_organisers"]),
            end_date=cd.get("end_date"),
            start_time=cd.get("start_time"),
            place=cd.get("place", ""),
            place_region=cd.get("place_region"),
            domains=list(cd["domains"]),
            audiences=list(cd["audiences"]),
            laws=cd.get("laws", ""),
            people_onsite=cd.get("people_onsite") or 0,
            people_online=cd.get("people_online") or 0,
            materials=cd.get("materials") or 0,
            tasks=list(cd["tasks"]),
            description=cd.get("description", ""),
            is_highlight=cd.get("is_highlight", False),
        )

    def uploads(self) -> list[EvidenceUpload]:
        return [EvidenceUpload(file=f, name=f.name) for f in self.cleaned_data.get("files") or []]


def activity_initial(activity: Activity) -> dict[str, Any]:
    return {
        "version": activity.version,
        "unit": activity.unit,
        "title": activity.title,
        "kind": activity.kind,
        "date": activity.date,
        "start_time": activity.start_time,
        "end_date": activity.end_date,
        "place": activity.place,
        "place_region": activity.place_region if activity.place_region_id != activity.unit.region_id else None,
        "people_onsite": activity.people_onsite,
        "people_online": activity.people_online,
        "materials": activity.materials,
        "domains": list(activity.domains.all()),
        "audiences": list(activity.audiences.all()),
        "laws": activity.laws,
        "co_organisers": activity.co_organisers,
        "tasks": list(activity.tasks.all()),
        "description": activity.description,
        "is_highlight": activity.is_highlight,
    }


class EvidenceForm(PufaForm):
    kind = forms.ChoiceField(label="类型", choices=[("", "自动识别"), *Evidence.Kind.choices], required=False)
    files = MultipleFileField(label="文件")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def uploads(self) -> list[EvidenceUpload]:
        cd = self.cleaned_data
        return [EvidenceUpload(file=f, name=f.name, kind=cd["kind"], note=cd["note"]) for f in cd["files"]]


class ReasonForm(PufaForm):
    reason = forms.CharField(label="原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(PufaForm):
    file = XlsxField(label="台账表（.xlsx）", max_mb=20)
    status = forms.ChoiceField(
        label="导入后的状态",
        choices=[("submitted", "已提交（计入统计，待法宣办确认）"), ("draft", "草稿（暂不计入统计）")],
        initial="submitted",
    )

    def __init__(self, *args: Any, can_review: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if can_review:
            self.fields["status"].choices = [*self.fields["status"].choices, ("confirmed", "已确认（法宣办导入）")]


class KeyDateForm(PufaForm):
    name = forms.CharField(label="名称", max_length=100)
    month = forms.IntegerField(label="月", min_value=1, max_value=12)
    day = forms.IntegerField(label="日", min_value=1, max_value=31)
    end_month = forms.IntegerField(label="结束月（跨多日时填写）", min_value=1, max_value=12, required=False)
    end_day = forms.IntegerField(label="结束日", min_value=1, max_value=31, required=False)
    domains = forms.ModelMultipleChoiceField(
        label="相关普法领域", queryset=Domain.objects.filter(is_active=True), required=False, widget=ChipsWidget
    )
    description = forms.CharField(label="说明", max_length=300, required=False)
    region = forms.ModelChoiceField(label="适用区划", queryset=Region.objects.none(), required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, regions: Any, national: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields["region"].empty_label = "全国（所有区划）" if national else None
        self.fields["region"].required = not national
        self.fields["domains"].widget.attrs["class"] = "form-check-input"

    def to_data(self) -> KeyDateData:
        cd = self.cleaned_data
        return KeyDateData(
            name=cd["name"],
            month=cd["month"],
            day=cd["day"],
            end_month=cd.get("end_month"),
            end_day=cd.get("end_day"),
            domains=list(cd["domains"]),
            description=cd.get("description", ""),
            region=cd.get("region"),
            is_active=cd.get("is_active", False),
        )


# ---------------------------------------------------------------- list filters (GET)


# The query strings of the ledger's pages are parsed in `pufa.ledger.filters` (the API reads the same filters).
TITLE_SEARCH_DAYS = filters.TITLE_SEARCH_DAYS
ActivityFilterForm = filters.ActivityFilterForm
TaskSuggestionQuery = filters.TaskSuggestionQuery
CalendarQuery = filters.CalendarQuery
parse_filters = filters.parse_filters


def filter_years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - 6, -1))
