"""Forms of the demand pages: queries (GET) through QueryForms, edits through PufaForms."""

from __future__ import annotations

from typing import Any

from django import forms

from pufa.core.filters import QueryForm, SearchField, date_field, id_field
from pufa.core.forms import PufaForm
from pufa.core.models import Domain
from pufa.demand.importers import FIELDS
from pufa.demand.models import GazetteerEntry
from pufa.org.models import Region


class OrderQuery(QueryForm):
    """The order list's filters (every dashboard figure links here with the same ones)."""

    domain = id_field()
    place = id_field()
    start = date_field()
    end = date_field()
    review = forms.BooleanField(required=False)
    exact = forms.BooleanField(required=False)  # placed at that region itself, not below it
    unplaced = forms.BooleanField(required=False)  # placed nowhere
    q = SearchField(limit=50)


class DashboardQuery(QueryForm):
    place = id_field()
    domain = id_field()
    start = date_field()
    end = date_field()


class UploadForm(PufaForm):
    file = forms.FileField(label="工单文件（.xlsx 或 .csv）")
    region = forms.ModelChoiceField(label="导入到", queryset=Region.objects.none(), empty_label=None)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError("请上传 .xlsx 或 .csv 文件。")
        return upload


class MappingForm(PufaForm):
    """Which column holds each field: one choice per field among the file's columns (auto-mapped first)."""

    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, header: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "（不导入）"), *((str(i), h or f"第{i + 1}列") for i, h in enumerate(header))]
        for key, (label, required, _) in FIELDS.items():
            self.fields[key] = forms.TypedChoiceField(
                label=label + ("（必选）" if required else ""),
                choices=choices,
                required=required,
                coerce=int,
                empty_value=None,
            )
            self.fields[key].widget.attrs["class"] = "form-select"

    def mapping(self) -> dict[str, int | None]:
        return {key: self.cleaned_data.get(key) for key in FIELDS}


class CorrectForm(PufaForm):
    domain = forms.ModelChoiceField(label="普法领域", queryset=Domain.objects.filter(is_active=True), required=False)
    place = forms.ModelChoiceField(label="所在社区/街道", queryset=Region.objects.none(), required=False)

    def __init__(self, *args: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = places  # type: ignore[attr-defined]


class GazetteerForm(PufaForm):
    name = forms.CharField(label="地名", max_length=60, help_text="道路、小区、地标或别名")
    kind = forms.ChoiceField(label="类型", choices=GazetteerEntry.Kind.choices)
    region = forms.ModelChoiceField(label="所属社区/街道", queryset=Region.objects.none())

    def __init__(self, *args: Any, places: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = places  # type: ignore[attr-defined]


class RuleForm(PufaForm):
    domain = forms.ModelChoiceField(label="普法领域", queryset=Domain.objects.filter(is_active=True))
    keywords = forms.CharField(label="关键词", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    weight = forms.FloatField(label="权重", min_value=0.1, max_value=5.0, initial=0.5)
    region = forms.ModelChoiceField(label="适用区划", queryset=Region.objects.none(), empty_label=None)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]


# ---------------------------------------------------------------- 点单


class MenuOrderQuery(QueryForm):
    """The order list's filters (every figure of the loop page and every 待办 line links here)."""

    figure = SearchField(limit=20)
    status = SearchField(limit=20)
    unit = id_field()
    mine = forms.BooleanField(required=False)
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)


class LoopQuery(QueryForm):
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)


class DeclineForm(PufaForm):
    reason = forms.CharField(label="拒单理由", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class DeliverForm(PufaForm):
    """送单: an activity the unit recorded already, or the activity recorded now (into the ledger)."""

    activity = forms.TypedChoiceField(label="已登记的活动", required=False, coerce=int, empty_value=None)
    title = forms.CharField(label="活动名称", max_length=200, required=False)
    date = forms.DateField(label="活动日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="活动地点", max_length=200, required=False)
    people_onsite = forms.IntegerField(label="现场受众人数", min_value=0, max_value=100000, required=False)
    description = forms.CharField(
        label="活动简介", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, candidates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [  # type: ignore[attr-defined]
            ("", "（新登记一次活动）"),
            *((a.pk, f"{a.date:%Y-%m-%d} {a.title}") for a in candidates),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("activity") is None:
            if not data.get("title"):
                self.add_error("title", "请填写活动名称，或选择已登记的活动。")
            if not data.get("date"):
                self.add_error("date", "请填写活动日期。")
        return data


class ReassignForm(PufaForm):
    unit = forms.ModelChoiceField(label="改派至", queryset=Region.objects.none())

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class RevealForm(PufaForm):
    reason = forms.CharField(label="查看原因", max_length=200, required=False)
