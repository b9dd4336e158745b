"""Forms of the organisation pages; they validate input, services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms

from pufa.core.filters import QueryForm, SearchField, id_field
from pufa.core.forms import PufaForm, XlsxField
from pufa.core.models import AuditEntry
from pufa.org.models import Feedback, Membership, Region, Unit


class RegionForm(PufaForm):
    name = forms.CharField(label="名称", max_length=100)
    level = forms.ChoiceField(label="层级", choices=Region.Level.choices)
    parent = forms.ModelChoiceField(label="上级区划", queryset=Region.objects.none(), required=False)
    code = forms.CharField(label="区划代码", max_length=32, required=False)

    def __init__(self, *args: Any, regions: Any = None, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["parent"].queryset = regions
        if editing:
            del self.fields["level"]
            del self.fields["parent"]


class UnitForm(PufaForm):
    name = forms.CharField(label="单位名称", max_length=100)
    kind = forms.ChoiceField(label="单位类型", choices=Unit.Kind.choices)
    region = forms.ModelChoiceField(label="所属区划", queryset=Region.objects.none())
    parent = forms.ModelChoiceField(label="上级单位", queryset=Unit.objects.none(), required=False)
    code = forms.SlugField(
        label="单位编码", max_length=64, required=False, help_text="用于命令行和导出，留空将自动生成。"
    )
    aliases = forms.CharField(
        label="别名", required=False, help_text="多个别名用顿号“、”分隔，如：法治办、依法治理办公室"
    )
    is_responsible_subject = forms.BooleanField(label="普法责任主体", required=False, initial=True)
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(
        self, *args: Any, regions: Any = None, units: Any = None, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions
        if units is not None:
            self.fields["parent"].queryset = units
        if editing:
            del self.fields["region"]
            del self.fields["parent"]

    def alias_list(self) -> list[str]:
        raw = self.cleaned_data.get("aliases", "")
        return [a.strip() for a in raw.replace("，", "、").replace(",", "、").split("、") if a.strip()]


class UnitImportForm(PufaForm):
    file = XlsxField(label="单位表（.xlsx）", max_mb=5)


class UserForm(PufaForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", max_length=20, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["username"].disabled = True


class UserCreateForm(UserForm):
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput,
        strip=False,
        help_text="至少10位，包含小写字母、大写字母、数字、符号中的三类。",
    )
    unit = forms.ModelChoiceField(label="所属单位", queryset=Unit.objects.none())
    role = forms.ChoiceField(label="角色", choices=Membership.Role.choices)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class MembershipForm(PufaForm):
    unit = forms.ModelChoiceField(label="单位", queryset=Unit.objects.none())
    role = forms.ChoiceField(label="角色", choices=Membership.Role.choices)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units


class SetPasswordForm(PufaForm):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput, strip=False)


class FeedbackForm(PufaForm):
    kind = forms.ChoiceField(label="类型", choices=Feedback.Kind.choices)
    region = forms.ModelChoiceField(label="反映给", queryset=Region.objects.none(), empty_label=None)
    content = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 5}), max_length=2000)
    contact = forms.CharField(
        label="联系方式（选填）", max_length=50, required=False, help_text="仅用于回复您，不会公开。"
    )
    page = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"].queryset = regions


class FeedbackReplyForm(PufaForm):
    reply = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


# ---------------------------------------------------------------- query strings (GET)


class UnitQuery(QueryForm):
    q = SearchField(limit=100)
    kind = forms.ChoiceField(required=False, choices=[("", ""), *Unit.Kind.choices])
    region = id_field()


class SearchQuery(QueryForm):
    q = SearchField(limit=100)


class AuditQuery(SearchQuery):
    action = forms.ChoiceField(required=False, choices=[("", ""), *AuditEntry.Action.choices])


class FeedbackQuery(QueryForm):
    status = forms.ChoiceField(required=False, choices=[("", ""), *Feedback.Status.choices])
