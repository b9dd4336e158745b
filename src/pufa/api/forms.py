"""Forms of the token settings page: they parse input; the services validate and write."""

from __future__ import annotations

from django import forms

from pufa.api.services import LIFETIMES
from pufa.core.forms import PufaForm


class TokenForm(PufaForm):
    name = forms.CharField(label="用途", max_length=60, help_text="如：区级数据大屏、12345工单对接")
    days = forms.TypedChoiceField(label="有效期", choices=[(d, f"{d}天") for d in LIFETIMES], coerce=int, initial=90)
    read_only = forms.BooleanField(label="只读（只能查询，不能登记或提交）", required=False, initial=True)
