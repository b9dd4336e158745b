"""Form helpers shared by every app: service errors onto forms, paging, and the Excel upload field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import HttpRequest, QueryDict


class XlsxField(forms.FileField):
    """An Excel workbook upload (.xlsx only, up to `max_mb`); the importer then reads it by content."""

    def __init__(self, *, max_mb: int, **kwargs: Any) -> None:
        self.max_mb = max_mb
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and not upload.name.lower().endswith(".xlsx"):
            raise ValidationError("请上传 .xlsx 格式的 Excel 文件。")
        if upload and upload.size > self.max_mb * 1024 * 1024:
            raise ValidationError(f"文件不能超过 {self.max_mb} MB。")
        return upload


class VersionField(forms.IntegerField):
    """The version of the record an edit form was loaded with (hidden). The edit service compares it with the
    row, so a save over someone else's newer change is refused (「该记录已被他人修改，请刷新后重试」)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.HiddenInput)
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: keyed messages on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def capped_count(rows: Any, cap: int) -> tuple[int, bool]:
    """How many rows an ordered queryset holds, counting no further than `cap`: (n, False) below it, (cap, True)
    beyond it. The count is the queryset's own ordered walk stopped at cap + 1 (the order stays in the query, so
    an index that gives it lets the database stop early), so a count costs the cap, not the whole scope."""
    n = rows.values("pk")[: cap + 1].count()
    return min(n, cap), n > cap


class CappedPaginator(Paginator):
    """Pages of an ordered queryset counted by `capped_count` (`capped` is then True and the pages end at the
    cap), so an office's count costs the cap, not its whole region. Below the cap the count is exact. A count
    made already (the same `capped_count` a 待办 line shows) is taken as `counted` instead of counting again."""

    capped = False

    def __init__(self, object_list: Any, per_page: int, *, cap: int, counted: tuple[int, bool] | None = None) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap
        if counted is not None:
            self._capped_count, self.capped = counted

    @property
    def count(self) -> int:
        if not hasattr(self, "_capped_count"):
            self._capped_count, self.capped = capped_count(self.object_list, self.cap)
        return self._capped_count


def paginate(
    request: HttpRequest,
    items: Any,
    per_page: int = 50,
    *,
    count_cap: int | None = None,
    counted: tuple[int, bool] | None = None,
) -> Page:
    """A page of `items`; with `count_cap`, counted no further than the cap (see CappedPaginator), or by the
    `counted` (count, capped) pair made by the caller's own counting function."""
    if count_cap is None:
        paginator: Paginator = Paginator(items, per_page)
    else:
        paginator = CappedPaginator(items, per_page, cap=count_cap, counted=counted)
    return paginator.get_page(request.GET.get("page"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class PufaForm(forms.Form):
    """Base form: Bootstrap classes on every widget, so templates render fields without per-field markup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        """Posted ids that no database column could hold ("99999999999999999999999", "²") become an invalid
        choice before the model choice fields query with them: SQLite overflows past 64 bits (a 500)."""
        if self.is_bound and isinstance(self.data, QueryDict):
            data: QueryDict | None = None
            for name, field in self.fields.items():
                if not isinstance(field, forms.ModelChoiceField) or field.to_field_name or field.queryset is None:
                    continue
                if not isinstance(field.queryset.model._meta.pk, models.AutoField | models.BigAutoField):
                    continue
                key = self.add_prefix(name)
                values = self.data.getlist(key)
                if values and not all(_plausible_id(v) for v in values):
                    data = data if data is not None else self.data.copy()
                    data.setlist(key, [v if _plausible_id(v) else "0" for v in values])
            if data is not None:
                self.data = data
        super().full_clean()


def _plausible_id(value: Any) -> bool:
    text = str(value)
    return text == "" or (text.isascii() and text.isdigit() and int(text) <= 2**31 - 1)
