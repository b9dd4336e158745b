"""Forms of the venue pages: they parse input; services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from pufa.core.filters import CodeListField, QueryForm, SearchField, id_field
from pufa.core.forms import DateInput, PufaForm, VersionField, XlsxField
from pufa.org.models import Region, Unit
from pufa.venues.models import Upkeep, Venue, VenueKind
from pufa.venues.services import BOUNDARY_MAX_BYTES, VenueData


class VenueForm(PufaForm):
    name = forms.CharField(label="阵地名称", max_length=100)
    kind = forms.ModelChoiceField(label="阵地类型", queryset=VenueKind.objects.none(), empty_label="请选择")
    level = forms.ChoiceField(label="级别", choices=Venue.Level.choices, initial=Venue.Level.COMMUNITY)
    region = forms.ModelChoiceField(label="所在社区/区划", queryset=Region.objects.none(), empty_label="请选择")
    unit = forms.ModelChoiceField(label="管理单位", queryset=Unit.objects.none(), empty_label="请选择")
    address = forms.CharField(label="地址", max_length=200, required=False)
    area_m2 = forms.DecimalField(
        label="面积（平方米）",
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="宣传栏/版面、广场等填写",
    )
    status = forms.ChoiceField(label="状态", choices=Venue.Status.choices, initial=Venue.Status.OPEN)
    opened_on = forms.DateField(label="开放日期", required=False, widget=DateInput())
    closed_on = forms.DateField(label="停用日期", required=False, widget=DateInput())
    opening_hours = forms.CharField(label="开放时间", max_length=100, required=False)
    longitude = forms.DecimalField(label="经度", required=False, max_digits=9, decimal_places=6)
    latitude = forms.DecimalField(label="纬度", required=False, max_digits=8, decimal_places=6)
    description = forms.CharField(
        label="简介/特色", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = VersionField()

    def __init__(self, *args: Any, units: QuerySet[Unit], regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = VenueKind.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        if len(units) == 1:
            self.fields["unit"].initial = units[0]
        if len(regions) == 1:
            self.fields["region"].initial = regions[0]
        self.fields["opened_on"].initial = timezone.localdate()

    def data_object(self) -> VenueData:
        d = self.cleaned_data
        return VenueData(
            name=d["name"].strip(),
            kind=d["kind"],
            level=d["level"],
            region=d["region"],
            unit=d["unit"],
            status=d["status"],
            address=d["address"].strip(),
            longitude=d["longitude"],
            latitude=d["latitude"],
            area_m2=d["area_m2"],
            opened_on=d["opened_on"],
            closed_on=d["closed_on"],
            opening_hours=d["opening_hours"].strip(),
            description=d["description"].strip(),
        )

    @staticmethod
    def initial_for(venue: Venue) -> dict[str, Any]:
        names = [
            "name",
            "kind",
            "level",
            "region",
            "unit",
            "address",
            "area_m2",
            "status",
            "opened_on",
            "closed_on",
            "opening_hours",
            "longitude",
            "latitude",
            "description",
            "version",
        ]
        return {name: getattr(venue, name) for name in names}


class UpkeepForm(PufaForm):
    kind = forms.ChoiceField(label="类型", choices=Upkeep.Kind.choices)
    date = forms.DateField(label="日期", widget=DateInput())
    note = forms.CharField(label="内容说明", max_length=500, required=False, help_text="如：第 6 期，民法典专题")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class KindForm(PufaForm):
    name = forms.CharField(label="类型名称", max_length=50)
    is_board = forms.BooleanField(label="宣传栏/版面（有面积、按月更新）", required=False)
    required_per_community = forms.BooleanField(label="每个社区应有", required=False)


class BoundaryForm(PufaForm):
    region = forms.ModelChoiceField(label="区划", queryset=Region.objects.none(), empty_label="请选择")
    file = forms.FileField(label="边界文件（GeoJSON）", help_text="Polygon/MultiPolygon，WGS84 经纬度，不超过 5 MB")

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        self.fields["file"].widget.attrs["accept"] = ".geojson,.json,application/geo+json,application/json"

    def raw(self) -> bytes:
        """The file's bytes, read no further than one past the cap (the service then refuses it in Chinese)."""
        return bytes(self.cleaned_data["file"].read(BOUNDARY_MAX_BYTES + 1))


class ImportForm(PufaForm):
    file = XlsxField(label="阵地文件（.xlsx）", max_mb=10)


class PhotoForm(PufaForm):
    photo = forms.ImageField(label="照片（可选）", required=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs["accept"] = "image/*"


# ---------------------------------------------------------------- query strings (GET) and posted ids


class VenueQuery(QueryForm):
    """The venue list's filters (the coverage table's cells link here with region, kind and as_of)."""

    region = id_field()
    unit = id_field()
    kind = CodeListField()
    level = forms.ChoiceField(required=False, choices=[("", ""), *Venue.Level.choices])
    status = forms.ChoiceField(required=False, choices=[("", ""), *Venue.Status.choices])
    as_of = forms.DateField(required=False)
    boards = forms.BooleanField(required=False)
    stale = forms.BooleanField(required=False)
    q = SearchField(limit=50)


class UseQuery(QueryForm):
    """The records behind a `venues.activities` figure: the unit, the period and the venue kinds."""

    unit = id_field()
    start = forms.DateField(required=False)
    end = forms.DateField(required=False)
    kind = CodeListField()


class CoverageQuery(QueryForm):
    street = id_field()
    as_of = forms.DateField(required=False)


class MapQuery(QueryForm):
    region = id_field()


class VenueChoice(QueryForm):
    """The venue posted for an activity (empty or odd: at none)."""

    venue = id_field()
