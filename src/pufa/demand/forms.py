"""Forms of the demand pages: queries (GET) through QueryForms, edits through PufaForms."""

from __future__ import annotations

from typing import Any

from django import forms

from pufa.core.filters import QueryForm, SearchField, id_field
from pufa.core.forms import PufaForm
from pufa.core.models import Domain
from pufa.demand.importers import FIELDS
from pufa.demand.models import GazetteerEntry
from pufa.org.models import Region


class OrderQuery(QueryForm):
    """The order list's filters (every dashboard figure links here with the same ones)."""

    domain = id_field()
    place = id_field()
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
    review = forms.BooleanField(required=False)
    q = SearchField(limit=50)


class DashboardQuery(QueryForm):
    place = id_field()
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)


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
