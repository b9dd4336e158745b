"""Forms of the case library: they only parse input into `CaseData`; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from pufa.cases.models import Case, Party
from pufa.cases.services import CaseData, nul_message
from pufa.core.filters import QueryForm, SearchField, id_field, page_field, year_field
from pufa.core.forms import DateInput
from pufa.core.models import Domain
from pufa.duties.models import Law
from pufa.ledger.forms import MultipleFileField
from pufa.org.access import acting_unit_ids, scope
from pufa.org.models import Unit

PARTY_ROWS = 6
CITATION_ROWS = 4


def explain_nul(form: forms.BaseForm) -> None:
    """Django's CharField refuses a NUL character with a garbled Chinese message (不允许是用空字符串); say it
    plainly, naming the field."""
    for field in form.fields.values():
        for validator in field.validators:
            if isinstance(validator, ProhibitNullCharactersValidator):
                validator.message = nul_message(str(field.label or "该项"))


class CaseForm(forms.Form):
    """One case, with its parties and cited laws as a fixed number of rows (works on a phone without scripts)."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(Unit.objects.none(), label="来源单位")
    title = forms.CharField(label="案例标题", max_length=200)
    case_type = forms.ChoiceField(label="案件类型", choices=Case.Type.choices)
    decided_on = forms.DateField(label="裁判（处理）日期", required=False, widget=DateInput())
    author = forms.CharField(label="撰写人", max_length=50, required=False)
    domains = forms.ModelMultipleChoiceField(
        Domain.objects.filter(is_active=True), label="普法领域", required=False, widget=forms.CheckboxSelectMultiple
    )
    facts = forms.CharField(label="基本案情", widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    outcome = forms.CharField(label="处理结果/裁判要旨", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    reasoning = forms.CharField(label="释法说理", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    tags = forms.CharField(label="标签", max_length=200, required=False, help_text="用顿号分隔，如：养老诈骗、老年人")
    attachments = MultipleFileField(label="附件（判决书、处罚决定书等，选填）", required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = scope(Unit.objects.all(), actor, "cases.record").order_by("path")
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        own = acting_unit_ids(actor, "cases.record")
        if not self.initial.get("unit") and own:
            self.initial["unit"] = own[0]
        roles = [("", "—"), *Party.Role.choices]
        laws = Law.objects.filter(is_active=True).order_by("pinyin")
        for i in range(PARTY_ROWS):
            self.fields[f"party_name_{i}"] = forms.CharField(label="姓名（名称）", max_length=100, required=False)
            self.fields[f"party_role_{i}"] = forms.ChoiceField(label="诉讼地位", choices=roles, required=False)
        for i in range(CITATION_ROWS):
            self.fields[f"law_{i}"] = forms.ModelChoiceField(laws, label="法律法规", required=False)
            self.fields[f"articles_{i}"] = forms.CharField(label="条款", max_length=200, required=False)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.CheckboxSelectMultiple | forms.HiddenInput):
                widget.attrs.setdefault("class", "form-control")
        explain_nul(self)

    @property
    def party_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"party_name_{i}"], self[f"party_role_{i}"]) for i in range(PARTY_ROWS)]

    @property
    def citation_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"law_{i}"], self[f"articles_{i}"]) for i in range(CITATION_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i in range(PARTY_ROWS):
            if data.get(f"party_name_{i}") and not data.get(f"party_role_{i}"):
                self.add_error(f"party_role_{i}", "请选择诉讼地位。")
        return data

    def to_data(self) -> CaseData:
        d = self.cleaned_data
        return CaseData(
            unit=d["unit"],
            title=d["title"],
            case_type=d["case_type"],
            decided_on=d.get("decided_on"),
            author=d.get("author", ""),
            domains=list(d.get("domains") or []),
            facts=d["facts"],
            outcome=d.get("outcome", ""),
            reasoning=d.get("reasoning", ""),
            tags=d.get("tags", ""),
            parties=[
                (d[f"party_name_{i}"].strip(), d[f"party_role_{i}"])
                for i in range(PARTY_ROWS)
                if (d.get(f"party_name_{i}") or "").strip()
            ],
            citations=[(d[f"law_{i}"], d.get(f"articles_{i}", "")) for i in range(CITATION_ROWS) if d.get(f"law_{i}")],
        )

    def uploads(self) -> list[Any]:
        from pufa.cases.services import Upload

        return [Upload(file=f, name=f.name) for f in self.cleaned_data.get("attachments") or []]


def case_initial(case: Case) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "version": case.version,
        "unit": case.unit_id,
        "title": case.title,
        "case_type": case.case_type,
        "decided_on": case.decided_on,
        "author": case.author,
        "domains": list(case.domains.all()),
        "facts": case.facts,
        "outcome": case.outcome,
        "reasoning": case.reasoning,
        "tags": case.tags,
    }
    for i, party in enumerate(case.parties.all()[:PARTY_ROWS]):
        initial[f"party_name_{i}"] = party.name
        initial[f"party_role_{i}"] = party.role
    for i, cite in enumerate(case.citations.all()[:CITATION_ROWS]):
        initial[f"law_{i}"] = cite.law_id
        initial[f"articles_{i}"] = cite.articles
    return initial


class ImportForm(forms.Form):
    file = forms.FileField(label="Word（.docx）或 Excel（.xlsx）文件")
    unit = forms.ModelChoiceField(Unit.objects.none(), label="来源单位")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = scope(Unit.objects.all(), actor, "cases.record").order_by("path")
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        own = acting_unit_ids(actor, "cases.record")
        if own:
            self.initial.setdefault("unit", own[0])
        self.fields["unit"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs["class"] = "form-control"


class CaseQuery(QueryForm):
    """The case list's query string: a value that does not parse is an ignored filter (pufa.core.filters)."""

    q = SearchField(limit=100)
    status = forms.ChoiceField(required=False, choices=[("", ""), *Case.Status.choices])
    unit = id_field()
    domain = SearchField(limit=50)
    law = id_field()
    case_type = forms.ChoiceField(required=False, choices=[("", ""), *Case.Type.choices])
    region = id_field()
    year = year_field()
    published_from = forms.DateField(required=False)
    published_to = forms.DateField(required=False)
    open_findings = forms.ChoiceField(required=False, choices=[("", ""), ("1", "1")])
    page = page_field()


class CaseLinkQuery(QueryForm):
    """The search for cases to name on a ledger activity's page (`?case_q=`)."""

    case_q = SearchField(limit=100)
