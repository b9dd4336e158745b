"""The portal's query strings, parsed by forms (pufa.core.filters): an odd value is an ignored filter."""

from __future__ import annotations

from typing import Any

from django import forms

from pufa.core.filters import QueryForm, SearchField, id_field, page_field, year_field


class YearQuery(QueryForm):
    year = year_field()


class RegionQuery(YearQuery):
    q = SearchField(limit=50)
    kind = SearchField(limit=50)
    page = page_field()


class CalendarQuery(YearQuery):
    month = forms.IntegerField(required=False, min_value=1, max_value=12)
    day = forms.IntegerField(required=False, min_value=1, max_value=31)
    region = id_field()
    page = page_field()


class SearchQuery(YearQuery):
    q = SearchField(limit=50)
    law = id_field()
    domain = id_field()
    audience = id_field()
    region = id_field()
    page = page_field()


class CaseQuery(QueryForm):
    """The public case library: a search, its filters and the page; `print` asks for the clean print view."""

    q = SearchField(limit=100)
    case_type = SearchField(limit=20)
    domain = SearchField(limit=50)
    law = id_field()
    page = page_field()
    print = forms.BooleanField(required=False)


class MenuQuery(QueryForm):
    """普法菜单 and its order form: the place (a street or community), and the topic and offer picked."""

    region = id_field()
    domain = id_field()
    item = id_field()


class MenuOrderForm(forms.Form):
    """点单 on a phone: the topic and form offered, where, who orders; a contact only if the orderer wants."""

    domain = forms.TypedChoiceField(label="普法主题", coerce=int)
    kind = forms.TypedChoiceField(label="普法形式", coerce=int)
    place = forms.TypedChoiceField(label="所在社区（村）或街道", coerce=int)
    orderer = forms.ChoiceField(label="点单方")
    orderer_name = forms.CharField(label="单位名称或称呼（选填）", max_length=60, required=False)
    contact_phone = forms.CharField(
        label="联系电话（选填）",
        max_length=20,
        required=False,
        help_text="仅承接单位联系您安排活动时使用，显示时隐去中间四位。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    wish_date = forms.DateField(
        label="希望日期（选填）", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    audience_size = forms.IntegerField(label="预计人数（选填）", min_value=1, max_value=100000, required=False)
    note = forms.CharField(
        label="需求说明（选填）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    item = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, topics: Any, places: Any, orderers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.topics = {t.domain_id: t for t in topics}
        self.fields["domain"].choices = [("", "请选择")] + [(t.domain_id, t.name) for t in topics]  # type: ignore[attr-defined]
        kinds = {k: name for t in topics for k, name in t.forms}
        self.fields["kind"].choices = [("", "请选择"), *sorted(kinds.items())]  # type: ignore[attr-defined]
        self.fields["place"].choices = [("", "请选择")] + [(p.id, p.name) for p in places]  # type: ignore[attr-defined]
        self.fields["orderer"].choices = orderers  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        topic = self.topics.get(data.get("domain"))
        if topic is not None and data.get("kind") not in {k for k, _ in topic.forms}:
            self.add_error("kind", "该主题不提供这种形式，请重新选择。")
        offered = {o.item_id for o in topic.offers} if topic is not None else set()
        if data.get("item") is not None and data["item"] not in offered:
            data["item"] = None
        return data


class StatusQuery(QueryForm):
    new = forms.BooleanField(required=False)  # just placed: show the link to keep


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="评分", choices=[(str(i), f"{i}星") for i in range(5, 0, -1)], coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="评价（选填）",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
