"""Forms of the roster pages: they parse input; services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from pufa.core.filters import CodeListField, QueryForm, SearchField, id_field
from pufa.core.forms import DateInput, PufaForm, XlsxField
from pufa.org.models import Region, Unit
from pufa.people import selectors
from pufa.people.models import Person, TeamKind
from pufa.people.services import JoinData, PersonData


def _model_choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's model choice field `name` (its queryset is narrowed per actor in `__init__`)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class CheckList(forms.CheckboxSelectMultiple):
    """Tick boxes, one per line with a large tap target (people/_form.html renders them)."""

    is_check_list = True
    option_template_name = "people/_check_option.html"

    def build_attrs(self, base_attrs: dict[str, Any], extra_attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["class"] = "form-check-input"
        return attrs


class PersonForm(PufaForm):
    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(label="性别", choices=[("", "—"), *Person.Gender.choices], required=False)
    birth_year = forms.IntegerField(label="出生年份", required=False, min_value=1900, max_value=2100)
    phone = forms.CharField(
        label="手机号", max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    id_number = forms.CharField(
        label="身份证号",
        max_length=18,
        required=False,
        help_text="选填。系统只保存校验摘要和后四位，不保存完整号码。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    unit = forms.ModelChoiceField(label="管理单位", queryset=Unit.objects.none(), empty_label=None)
    region = forms.ModelChoiceField(label="居住社区", queryset=Region.objects.none(), empty_label="请选择")
    occupation = forms.CharField(label="职业/身份", max_length=100, required=False)
    notes = forms.CharField(label="备注", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    moved_away = forms.BooleanField(label="已离开原居住地", required=False)
    no_smartphone = forms.BooleanField(label="不使用智能手机（仅作记录）", required=False)

    def __init__(self, *args: Any, actor: Any, person: Person | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = selectors.managed_units(actor=actor)
        _model_choices(self, "unit").queryset = units
        _model_choices(self, "region").queryset = selectors.community_choices(units=list(units))
        if person is not None:
            self.fields["id_number"].help_text = (
                f"已登记（后四位 {person.id_last4}）；留空表示不修改。" if person.id_last4 else "选填。"
            )
        else:
            kinds = selectors.team_kinds().exclude(shape=TeamKind.Shape.HOUSEHOLD)
            self.fields["kinds"] = forms.ModelMultipleChoiceField(
                label="加入队伍", queryset=kinds, required=False, widget=CheckList
            )
            self.fields["start"] = forms.DateField(label="加入日期", initial=timezone.localdate, widget=DateInput())

    def to_data(self) -> PersonData:
        c = self.cleaned_data
        return PersonData(
            name=c["name"],
            region=c["region"],
            unit=c["unit"],
            gender=c.get("gender") or "",
            birth_year=c.get("birth_year"),
            phone=c.get("phone") or "",
            id_number=c.get("id_number") or "",
            occupation=c.get("occupation") or "",
            notes=c.get("notes") or "",
            moved_away=bool(c.get("moved_away")),
            no_smartphone=bool(c.get("no_smartphone")),
        )

    def joins(self) -> list[JoinData]:
        kinds = self.cleaned_data.get("kinds") or []
        return [JoinData(kind=k, start=self.cleaned_data["start"]) for k in kinds]


def person_initial(person: Person) -> dict[str, Any]:
    return {
        "name": person.name,
        "gender": person.gender,
        "birth_year": person.birth_year,
        "phone": person.phone,
        "unit": person.unit_id,
        "region": person.region_id,
        "occupation": person.occupation,
        "notes": person.notes,
        "moved_away": person.moved_away,
        "no_smartphone": person.no_smartphone,
    }


class JoinForm(PufaForm):
    kind = forms.ModelChoiceField(label="队伍类别", queryset=TeamKind.objects.none(), empty_label="请选择")
    start = forms.DateField(label="加入日期", initial=timezone.localdate, widget=DateInput())
    team_name = forms.CharField(label="队伍名称（选填）", max_length=100, required=False)
    serves_regions = forms.ModelMultipleChoiceField(
        label="对接社区（挂钩服务类）", queryset=Region.objects.none(), required=False
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choices(self, "kind").queryset = selectors.team_kinds().exclude(shape=TeamKind.Shape.HOUSEHOLD)
        _model_choices(self, "serves_regions").queryset = selectors.community_choices(units=[person.unit])

    def to_data(self) -> JoinData:
        c = self.cleaned_data
        return JoinData(
            kind=c["kind"],
            start=c["start"],
            team_name=c.get("team_name") or "",
            serves_regions=list(c.get("serves_regions") or []),
        )


class LeaveForm(PufaForm):
    end = forms.DateField(label="离任日期", initial=timezone.localdate, widget=DateInput())
    reason = forms.CharField(label="调整原因", max_length=300)
    replacement = forms.ModelChoiceField(
        label="接替人（选填）", queryset=Person.objects.none(), required=False, empty_label="不替换"
    )

    def __init__(self, *args: Any, actor: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = selectors.person_list(actor=actor, filters=selectors.RosterFilters(unit=person.unit_id))
        _model_choices(self, "replacement").queryset = candidates.exclude(pk=person.pk)


class HouseholdForm(PufaForm):
    start = forms.DateField(label="认定日期", initial=timezone.localdate, widget=DateInput())
    address = forms.CharField(label="住址", max_length=200, required=False)
    members = forms.ModelMultipleChoiceField(
        label="家庭成员（须先登记在名册中）",
        queryset=Person.objects.none(),
        required=False,
        widget=CheckList,
    )

    def __init__(self, *args: Any, actor: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = selectors.person_list(actor=actor, filters=selectors.RosterFilters(unit=person.unit_id))
        _model_choices(self, "members").queryset = candidates.exclude(pk=person.pk)


class LoginGrantForm(PufaForm):
    """开通登录账号 for a roster person: the username and a first password they change after signing in."""

    username = forms.CharField(label="用户名", max_length=150, help_text="建议用手机号或姓名拼音")
    password = forms.CharField(label="初始密码", max_length=128, widget=forms.PasswordInput(render_value=False))


class RevealForm(PufaForm):
    reason = forms.CharField(label="查看原因", max_length=200, required=False)


class ImportForm(PufaForm):
    file = XlsxField(label="名册文件（.xlsx）", max_mb=10)


class AttendeesForm(PufaForm):
    people = forms.ModelMultipleChoiceField(
        label="参加人员", queryset=Person.objects.none(), required=False, widget=CheckList
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choices(self, "people").queryset = selectors.attendee_choices(actor=actor)


class RosterQuery(QueryForm):
    """The roster list's and export's query string."""

    q = SearchField(limit=50)
    kind = CodeListField()
    shape = forms.ChoiceField(required=False, choices=[("", ""), *TeamKind.Shape.choices])
    region = id_field()
    unit = id_field()
    on = forms.DateField(required=False)
    trained_start = forms.DateField(required=False)
    trained_end = forms.DateField(required=False)
    activity_kind = CodeListField()
    moved = forms.ChoiceField(required=False, choices=[("", ""), ("1", "1")])


class KeepForm(PufaForm):
    reason = forms.CharField(label="保留理由", max_length=300)
    flags = forms.MultipleChoiceField(required=False, choices=[], widget=forms.MultipleHiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from pufa.people.adjustment import FLAGS

        self.fields["flags"].choices = list(FLAGS.items())  # type: ignore[attr-defined]


class RetireForm(PufaForm):
    end = forms.DateField(label="退出日期", initial=timezone.localdate, widget=DateInput())
    reason = forms.CharField(label="调整原因", max_length=300)


class RuleForm(PufaForm):
    region = forms.ModelChoiceField(label="适用区划", queryset=Region.objects.none(), empty_label=None)
    max_age = forms.IntegerField(label="年龄上限（岁）", min_value=40, max_value=100)
    months_untrained = forms.IntegerField(label="未参训月数", min_value=1, max_value=36)

    def __init__(self, *args: Any, regions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choices(self, "region").queryset = regions


class AdjustQuery(QueryForm):
    """The adjustment page's query string."""

    unit = id_field()


class SpotCheckForm(PufaForm):
    title = forms.CharField(label="抽查名称", max_length=100, initial="法律明白人电话抽查")
    region = forms.ModelChoiceField(label="抽查范围", queryset=Region.objects.none(), empty_label=None)
    unit = forms.ModelChoiceField(label="抽查单位", queryset=Unit.objects.none(), empty_label=None)
    count = forms.IntegerField(label="抽取人数", required=False, min_value=1, max_value=2000)
    share = forms.IntegerField(label="或抽取比例（%）", required=False, min_value=1, max_value=100)
    per_street = forms.BooleanField(label="按街道分别抽取", required=False)
    kinds = forms.ModelMultipleChoiceField(
        label="队伍类别（不选表示全部）",
        queryset=TeamKind.objects.none(),
        required=False,
        to_field_name="code",
        widget=CheckList,
    )
    seed = forms.IntegerField(
        label="随机种子（选填）", required=False, min_value=0, help_text="留空则随机生成；填写可复现以往的抽取"
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_choices(self, "region").queryset = selectors.spotcheck_regions(actor=actor)
        _model_choices(self, "unit").queryset = selectors.spotcheck_units(actor=actor)
        _model_choices(self, "kinds").queryset = selectors.team_kinds()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("count") is None) == (data.get("share") is None) and not self.errors:
            self.add_error("count", "请填写抽取人数或抽取比例（二选一）。")
        return data


class SpotItemForm(PufaForm):
    outcome = forms.ChoiceField(label="抽查结果", choices=[])
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from pufa.people.models import SpotCheckItem

        choices = [("", "请选择"), *[(v, label) for v, label in SpotCheckItem.Outcome.choices if v]]
        self.fields["outcome"].choices = choices  # type: ignore[attr-defined]


class SpotQuery(QueryForm):
    unit = id_field()


class KindForm(PufaForm):
    name = forms.CharField(label="类别名称", max_length=50)
    shape = forms.ChoiceField(label="形式", choices=TeamKind.Shape.choices)
    public = forms.BooleanField(label="在门户网站公示", required=False, initial=True)


class KindEditForm(PufaForm):
    public = forms.BooleanField(label="公示", required=False)
    is_active = forms.BooleanField(label="启用", required=False)
