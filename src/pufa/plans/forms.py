"""Forms of the plans pages: they validate and convert input; services do the writing."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.forms.utils import ErrorDict

from pufa.core.filters import QueryForm, SearchField
from pufa.core.forms import DateInput, PufaForm
from pufa.org.models import Unit
from pufa.plans import metrics
from pufa.plans.importers import ALLOWED_SUFFIXES, MAX_UPLOAD_BYTES, target_drafts
from pufa.plans.models import Plan, Target, Task, TaskUnit
from pufa.plans.services import PlanData, PlanProposal, TargetData, TaskData, TaskDraft

ROLES = [
    (TaskUnit.Role.LEAD, "牵头单位"),
    (TaskUnit.Role.PARTICIPANT, "参加/配合单位"),
    (TaskUnit.Role.RESPONSIBLE, "责任单位"),
]
KEEP_UNRESOLVED = ""
DROP_UNRESOLVED = "drop"


def unit_choices(units: Iterable[Unit]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Units grouped by region (optgroups), so 沱河社区居委会 and 沱河街道司法所 are told apart at a glance."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for unit in units:
        groups.setdefault(unit.region.name, []).append((unit.pk, unit.name))
    return list(groups.items())


class FastSelectMixin:
    """A select rendered in Python instead of one template per <option>.

    The review page shows a unit select per role per task — thousands of options on one page — and
    Django's per-option templates made it take seconds. Same markup, escaped with format_html.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        from django.utils.html import format_html, format_html_join

        values = value if isinstance(value, list | tuple) else [value]
        selected = {str(v) for v in values if v is not None}
        final = self.build_attrs(self.attrs, attrs)  # type: ignore[attr-defined]
        attr_html = format_html_join("", ' {}="{}"', ((k, v) for k, v in final.items() if v not in (None, False)))

        def option(v: Any, label: Any) -> str:
            if str(v) in selected:
                return format_html('<option value="{}" selected>{}</option>', v, label)
            return format_html('<option value="{}">{}</option>', v, label)

        parts = []
        for group, items in self.choices:  # type: ignore[attr-defined]
            if isinstance(items, list | tuple):
                inner = format_html_join("", "{}", ((option(v, label),) for v, label in items))
                parts.append(format_html('<optgroup label="{}">{}</optgroup>', group, inner))
            else:
                parts.append(option(group, items))
        body = format_html_join("", "{}", ((part,) for part in parts))
        if self.allow_multiple_selected:  # type: ignore[attr-defined]
            return format_html('<select name="{}"{} multiple>{}</select>', name, attr_html, body)
        return format_html('<select name="{}"{}>{}</select>', name, attr_html, body)


class FastSelect(FastSelectMixin, forms.Select):
    pass


class FastSelectMultiple(FastSelectMixin, forms.SelectMultiple):
    pass


def _with_choices(field: forms.ChoiceField, choices: list[Any]) -> forms.ChoiceField:
    """Give `field` an already plain choices list without Django normalising it again.

    Django normalises choices on every assignment, to the field and again to its widget; a long plan's review
    builds thousands of unit selects from the same few lists, and that normalisation alone took seconds.
    The lists built here are plain (value, label) pairs and optgroups, which is what normalising yields.
    """
    field._choices = choices  # type: ignore[attr-defined]
    field.widget._choices = choices  # type: ignore[attr-defined]
    return field


def _multi(label: str, choices: list[Any], size: int = 6) -> forms.TypedMultipleChoiceField:
    field = forms.TypedMultipleChoiceField(
        label=label, coerce=int, required=False, widget=FastSelectMultiple(attrs={"size": size})
    )
    return _with_choices(field, choices)  # type: ignore[return-value]


def _clean_deadline(form: forms.Form, cleaned: dict[str, Any]) -> None:
    kind = cleaned.get("deadline_kind")
    if kind == Task.DeadlineKind.DATE and not cleaned.get("deadline"):
        form.add_error("deadline", "请填写截止日期。")
    if kind == Task.DeadlineKind.RECURRING and not cleaned.get("recurrence"):
        form.add_error("recurrence", "请选择周期。")


# ---------------------------------------------------------------- plans


class PlanForm(PufaForm):
    title = forms.CharField(label="标题", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=Plan.Kind.choices)
    issuing_unit = forms.ModelChoiceField(label="印发单位", queryset=Unit.objects.none())
    period_start = forms.DateField(label="开始日期", widget=DateInput())
    period_end = forms.DateField(label="结束日期", widget=DateInput())
    parent = forms.ModelChoiceField(
        label="上级规划",
        queryset=Plan.objects.none(),
        required=False,
        help_text="链条：五年规划 → 年度要点 → 年度计划/行动方案",
    )
    source_name = forms.CharField(label="来源文件", max_length=200, required=False)

    def __init__(self, *args: Any, issuing_units: Any = None, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if issuing_units is not None:
            self.fields["issuing_unit"].queryset = issuing_units
        if parents is not None:
            self.fields["parent"].queryset = parents

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "结束日期不能早于开始日期。")
        return cleaned

    def to_data(self, source_text: str = "") -> PlanData:
        cd = self.cleaned_data
        return PlanData(
            title=cd["title"],
            kind=cd["kind"],
            issuing_unit=cd["issuing_unit"],
            period_start=cd["period_start"],
            period_end=cd["period_end"],
            parent=cd["parent"],
            source_name=cd["source_name"],
            source_text=source_text,
        )


# ---------------------------------------------------------------- tasks


class UnresolvedMixin:
    """One select per unresolved name: leave it unresolved, map it to a unit, or (editing) drop it."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_unresolved_fields(self, items: list[dict[str, Any]], choices: list[Any], *, can_drop: bool) -> None:
        self.unresolved_items = items
        self.unresolved_names = []
        role_labels = dict(TaskUnit.Role.choices)
        for j, item in enumerate(items):
            options: list[Any] = [(KEEP_UNRESOLVED, "保留为未匹配")]
            if can_drop:
                options.append((DROP_UNRESOLVED, "删除此名称"))
            suggested = {pk for pk in item.get("suggested", [])}
            if suggested:
                hints = [(pk, name) for _, group in choices for pk, name in group if pk in suggested]
                options.append(("可能是", hints))
            options += choices
            name = f"unresolved_{j}"
            field = forms.ChoiceField(
                label=f"“{item['name']}”（{role_labels.get(item['role'], item['role'])}）",
                required=False,
                widget=FastSelect,
                help_text=item.get("note", ""),
            )
            self.fields[name] = _with_choices(field, options)
            self.unresolved_names.append(name)

    @property
    def unresolved_fields(self) -> list[Any]:
        return [self[name] for name in self.unresolved_names]  # type: ignore[index]

    def apply_unresolved(
        self, units: dict[str, list[int]], written: dict[tuple[str, int], str]
    ) -> list[dict[str, str]]:
        """Fold the mapped names into `units` (by role) and return the names still unresolved."""
        left = []
        for name, item in zip(self.unresolved_names, self.unresolved_items, strict=True):
            choice = self.cleaned_data.get(name) or KEEP_UNRESOLVED
            if choice == KEEP_UNRESOLVED:
                left.append({"name": item["name"], "role": item["role"]})
            elif choice != DROP_UNRESOLVED:
                pk = int(choice)
                if pk not in units[item["role"]]:
                    units[item["role"]].append(pk)
                written[(item["role"], pk)] = item["name"]
        return left


class TaskForm(UnresolvedMixin, PufaForm):
    section = forms.CharField(label="章节编号", max_length=60, required=False, help_text="如：二、（一）1")
    title = forms.CharField(label="标题", max_length=300)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    deadline_kind = forms.ChoiceField(label="时限类型", choices=Task.DeadlineKind.choices)
    deadline = forms.DateField(
        label="截止日期", required=False, widget=DateInput(), help_text="周期性任务可填每年的节点"
    )
    recurrence = forms.ChoiceField(label="周期", choices=[("", "—"), *Task.Recurrence.choices], required=False)
    deadline_text = forms.CharField(label="完成时限（原文）", max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        units: Iterable[Unit] = (),
        domains: Iterable[Any] = (),
        audiences: Iterable[Any] = (),
        unresolved: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = unit_choices(units)
        for role, label in ROLES:
            self.fields[role] = _multi(label, choices)
        self.fields["domains"] = _multi("普法领域", [(d.pk, d.name) for d in domains], 5)
        self.fields["audiences"] = _multi("普法对象", [(a.pk, a.name) for a in audiences], 5)
        self.add_unresolved_fields(unresolved or [], choices, can_drop=True)
        for name in [r for r, _ in ROLES] + ["domains", "audiences", *self.unresolved_names]:
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in [r for r, _ in ROLES] + ["domains", "audiences"]:
            self.fields[name].widget.attrs["data-chips"] = ""  # chips with search on the page (pufa.js)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _clean_deadline(self, cleaned)
        return cleaned

    def to_data(self, *, domains: dict[int, Any], audiences: dict[int, Any], path: list[str]) -> TaskData:
        cd = self.cleaned_data
        return TaskData(
            title=cd["title"],
            section=cd["section"],
            text=cd["text"],
            path=path,
            deadline_kind=cd["deadline_kind"],
            deadline=cd["deadline"],
            recurrence=cd["recurrence"],
            deadline_text=cd["deadline_text"],
            domains=[domains[pk] for pk in cd["domains"] if pk in domains],
            audiences=[audiences[pk] for pk in cd["audiences"] if pk in audiences],
        )

    def unit_selection(self, units: dict[int, Unit]) -> tuple[dict[str, list[Unit]], list[dict[str, str]]]:
        chosen = {role: list(self.cleaned_data[role]) for role, _ in ROLES}
        left = self.apply_unresolved(chosen, {})
        return {role: [units[pk] for pk in pks if pk in units] for role, pks in chosen.items()}, left


# ---------------------------------------------------------------- targets


class TargetForm(PufaForm):
    metric = forms.ChoiceField(label="指标", choices=())
    scope = forms.ChoiceField(label="考核对象", choices=Target.Scope.choices)
    scope_kind = forms.ChoiceField(label="单位类型", choices=[("", "—"), *Unit.Kind.choices], required=False)
    scope_unit = forms.ModelChoiceField(label="指定单位", queryset=Unit.objects.none(), required=False)
    period = forms.ChoiceField(label="周期", choices=Target.Period.choices)
    threshold = forms.DecimalField(label="目标值", min_value=Decimal(0), max_digits=12, decimal_places=2)
    measure = forms.CharField(label="计量单位", max_length=10, required=False, help_text="如：次、场、个")
    due = forms.DateField(label="截止日期", required=False, widget=DateInput())
    text = forms.CharField(label="原文", max_length=300, required=False)

    def __init__(self, *args: Any, units: Any = None, metric_code: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "请选择指标"), *metrics.choices()]
        if units is not None:
            self.fields["scope_unit"].queryset = units
        code = metric_code or (self.data.get(self.add_prefix("metric")) if self.is_bound else "") or ""
        code = code or self.initial.get("metric", "")
        self.metric = None
        self.filter_names: list[str] = []
        try:
            self.metric = metrics.get(code) if code else None
        except KeyError:
            self.metric = None
        if self.metric is not None:
            for item in self.metric.filters:
                name = f"filter_{item.name}"
                self.fields[name] = forms.MultipleChoiceField(
                    label=item.label,
                    choices=item.choices(),
                    required=False,
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                    help_text="不选表示不限",
                )
                self.filter_names.append(name)

    @property
    def filter_fields(self) -> list[Any]:
        return [self[name] for name in self.filter_names]

    @property
    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name not in self.filter_names and name != "metric"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        scope = cleaned.get("scope")
        if scope == Target.Scope.EACH_OF_KIND and not cleaned.get("scope_kind"):
            self.add_error("scope_kind", "请选择单位类型。")
        if scope == Target.Scope.UNIT and not cleaned.get("scope_unit"):
            self.add_error("scope_unit", "请选择指定单位。")
        if cleaned.get("period") == Target.Period.BY_DATE and not cleaned.get("due"):
            self.add_error("due", "“截至日期”的指标须填写截止日期。")
        return cleaned

    def to_data(self) -> TargetData:
        cd = self.cleaned_data
        filters = {name.removeprefix("filter_"): cd[name] for name in self.filter_names if cd.get(name)}
        return TargetData(
            metric=cd["metric"],
            threshold=cd["threshold"],
            period=cd["period"],
            filters=filters,
            scope=cd["scope"],
            scope_kind=cd["scope_kind"],
            scope_unit=cd["scope_unit"],
            measure=cd["measure"],
            due=cd["due"],
            text=cd["text"],
        )


# ---------------------------------------------------------------- import


class PlanUploadForm(PufaForm):
    issuing_unit = forms.ModelChoiceField(
        label="印发单位", queryset=Unit.objects.none(), help_text="文件中的单位名称将与该单位所在区划的单位匹配"
    )
    # Empty files pass the field so that the reader gives its own message (文件为空，没有可导入的内容).
    file = forms.FileField(label="规划文件（.docx 或 .txt）", required=False, allow_empty_file=True)
    text = forms.CharField(
        label="或直接粘贴全文", widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=2_000_000
    )

    def __init__(self, *args: Any, issuing_units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if issuing_units is not None:
            self.fields["issuing_unit"].queryset = issuing_units
        self.fields["file"].widget.attrs["accept"] = ",".join(ALLOWED_SUFFIXES)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, text = cleaned.get("file"), (cleaned.get("text") or "").strip()
        if upload and text:
            raise forms.ValidationError("请上传文件或粘贴文本，二者选一。")
        if not upload and not text and not self.errors:
            raise forms.ValidationError("请上传规划文件，或粘贴规划全文。")
        if upload and upload.size > MAX_UPLOAD_BYTES:
            self.add_error("file", "文件不能超过 10 MB。")
        return cleaned


class ReviewPlanForm(PufaForm):
    title = forms.CharField(label="标题", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=Plan.Kind.choices)
    issuing_unit = forms.ModelChoiceField(label="印发单位", queryset=Unit.objects.none())
    period_start = forms.DateField(label="开始日期", widget=DateInput())
    period_end = forms.DateField(label="结束日期", widget=DateInput())
    parent = forms.ModelChoiceField(label="上级规划", queryset=Plan.objects.none(), required=False)

    def __init__(self, *args: Any, issuing_units: Any = None, parents: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if issuing_units is not None:
            self.fields["issuing_unit"].queryset = issuing_units
        if parents is not None:
            self.fields["parent"].queryset = parents

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "结束日期不能早于开始日期。")
        return cleaned


class TaskReviewForm(UnresolvedMixin, PufaForm):
    """One proposed task in the import review, pre-filled from the parser and the unit resolution."""

    keep = forms.BooleanField(label="导入此任务", required=False, initial=True)
    section = forms.CharField(label="章节编号", max_length=60, required=False)
    title = forms.CharField(label="标题", max_length=300, required=False)
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    deadline_kind = forms.ChoiceField(label="时限类型", choices=Task.DeadlineKind.choices)
    deadline = forms.DateField(label="截止日期", required=False, widget=DateInput())
    recurrence = forms.ChoiceField(label="周期", choices=[("", "—"), *Task.Recurrence.choices], required=False)
    deadline_text = forms.CharField(label="完成时限（原文）", max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        entry: dict[str, Any],
        unit_choice_list: list[Any],
        domain_choice_list: list[Any],
        audience_choice_list: list[Any],
        **kwargs: Any,
    ) -> None:
        self.entry = entry
        initial = {
            "keep": True,
            "section": entry["section"],
            "title": entry["title"],
            "text": entry["text"],
            "deadline_kind": entry["deadline_kind"],
            "deadline": entry["deadline"],
            "recurrence": entry["recurrence"],
            "deadline_text": entry["deadline_text"],
            "domains": entry["domains"],
            "audiences": entry["audiences"],
            **{role: entry["units"][role] for role, _ in ROLES},
        }
        super().__init__(*args, initial=initial, **kwargs)
        for role, label in ROLES:
            self.fields[role] = _multi(label, unit_choice_list)
        self.fields["domains"] = _multi("普法领域", domain_choice_list, 4)
        self.fields["audiences"] = _multi("普法对象", audience_choice_list, 4)
        self.add_unresolved_fields(entry["unresolved"], unit_choice_list, can_drop=False)
        self.target_names = []
        for k, target in enumerate(entry["targets"]):
            name = f"target_{k}"
            self.fields[name] = forms.BooleanField(label=target["text"], required=False, initial=True)
            self.target_names.append(name)
        for name in [r for r, _ in ROLES] + ["domains", "audiences", *self.unresolved_names]:
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in [r for r, _ in ROLES] + ["domains", "audiences"]:
            self.fields[name].widget.attrs["data-chips"] = ""  # chips with search on the page (pufa.js)
        for name in ["keep", *self.target_names]:
            self.fields[name].widget.attrs["class"] = "form-check-input"

    @property
    def role_fields(self) -> list[Any]:
        return [self[role] for role, _ in ROLES]

    @property
    def target_rows(self) -> list[tuple[Any, dict[str, Any]]]:
        return [(self[name], target) for name, target in zip(self.target_names, self.entry["targets"], strict=True)]

    unit_names: dict[int, str] = {}

    @property
    def resolution_rows(self) -> list[dict[str, str]]:
        """How each written name was understood, for the office to check at a glance."""
        status_labels = {"exact": "全称", "alias": "别名", "fuzzy": "简称/近似", "collective": "集体称谓"}
        role_labels = dict(TaskUnit.Role.choices)
        rows = []
        for res in self.entry["resolutions"]:
            if res["status"] == "unresolved" or not res["matched"]:
                continue
            names = [self.unit_names.get(pk, "?") for pk in res["keys"]]
            shown = "、".join(names[:4]) + (f"等{len(names)}个" if len(names) > 4 else "") or "（均已是牵头或责任单位）"
            rows.append(
                {
                    "role": role_labels.get(res["role"], res["role"]),
                    "written": res["written"],
                    "status": status_labels.get(res["status"], res["status"]),
                    "units": shown,
                    "all": "、".join(names),
                }
            )
        return rows

    def full_clean(self) -> None:
        """A task the office chose not to import cannot hold up the save with its errors."""
        super().full_clean()
        if self.is_bound and not self.cleaned_data.get("keep"):
            self._errors = ErrorDict()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("keep"):
            return cleaned
        if not (cleaned.get("title") or "").strip():
            self.add_error("title", "请填写任务标题。")
        _clean_deadline(self, cleaned)
        return cleaned

    def to_draft(self, units: dict[int, Unit], domains: dict[int, Any], audiences: dict[int, Any]) -> TaskDraft:
        cd = self.cleaned_data
        chosen = {role: [pk for pk in cd[role] if pk in units] for role, _ in ROLES}
        written: dict[tuple[str, int], str] = {
            (role, int(pk)): name for role, names in self.entry["written"].items() for pk, name in names.items()
        }
        left = self.apply_unresolved(chosen, written)
        kept = [k for k, name in enumerate(self.target_names) if cd.get(name)]
        return TaskDraft(
            title=cd["title"],
            section=cd["section"],
            number=self.entry["number"],
            path=self.entry["path"],
            text=cd["text"],
            deadline_kind=cd["deadline_kind"],
            deadline=cd["deadline"],
            recurrence=cd["recurrence"],
            deadline_text=cd["deadline_text"],
            units=[(role, units[pk], written.get((role, pk), "")) for role, pks in chosen.items() for pk in pks],
            unresolved=left,
            domains=[domains[pk] for pk in cd["domains"] if pk in domains],
            audiences=[audiences[pk] for pk in cd["audiences"] if pk in audiences],
            targets=target_drafts(self.entry, kept),
        )


REVIEW_PAGE_SIZE = 20
_NOT_DATA = {"csrfmiddlewaretoken", "page", "go", "import_as", "confirm_past"}


def review_initial_data(proposal: dict[str, Any]) -> dict[str, list[str]]:
    """The review's fields as the proposal fills them, in the shape a browser posts (name → values).

    The review is bound to this data from the start and the office's edits are merged into it page by page,
    so a long plan is reviewed in pages (each POST stays far below Django's limit on form fields) and no
    correction is lost between pages.
    """

    def ids(values: list[int]) -> list[str]:
        return [str(v) for v in values]

    data: dict[str, list[str]] = {
        "plan-title": [proposal["title"]],
        "plan-kind": [proposal["kind"]],
        "plan-issuing_unit": [str(proposal["issuing_unit"])],
        "plan-period_start": [proposal["period_start"]],
        "plan-period_end": [proposal["period_end"]],
        "plan-parent": [""],
    }
    for i, entry in enumerate(proposal["tasks"]):
        p = f"t{i}-"
        data.update(
            {
                p + "keep": ["on"],
                p + "section": [entry["section"]],
                p + "title": [entry["title"]],
                p + "text": [entry["text"]],
                p + "deadline_kind": [entry["deadline_kind"]],
                p + "deadline": [entry["deadline"] or ""],
                p + "recurrence": [entry["recurrence"]],
                p + "deadline_text": [entry["deadline_text"]],
                p + "domains": ids(entry["domains"]),
                p + "audiences": ids(entry["audiences"]),
                **{p + role: ids(entry["units"][role]) for role, _ in ROLES},
                **{p + f"unresolved_{j}": [KEEP_UNRESOLVED] for j in range(len(entry["unresolved"]))},
                **{p + f"target_{k}": ["on"] for k in range(len(entry["targets"]))},
            }
        )
    return data


def merge_review_data(stored: dict[str, list[str]], posted: Any, shown: list[int]) -> None:
    """Fold a posted review page into the stored data. The tasks shown on the page are replaced whole (an
    unticked box or an emptied select posts nothing), other posted tasks field by field."""
    prefixes = ["plan-"] + [f"t{i}-" for i in shown]
    for key in [k for k in stored if k.startswith(tuple(prefixes))]:
        del stored[key]
    for key in posted:
        if key not in _NOT_DATA:
            stored[key] = posted.getlist(key)


def review_pages(task_count: int) -> int:
    return max(1, -(-task_count // REVIEW_PAGE_SIZE))


def page_tasks(page: int, task_count: int) -> list[int]:
    start = (page - 1) * REVIEW_PAGE_SIZE
    return list(range(start, min(task_count, start + REVIEW_PAGE_SIZE)))


class ImportReview:
    """The whole review: the plan's header form and one form per proposed task, validated together so that
    nothing the office corrected is lost when one field is wrong."""

    def __init__(
        self,
        proposal: dict[str, Any],
        data: Any = None,
        *,
        issuing_units: Any,
        parents: Any,
        units: list[Unit],
        domains: list[Any],
        audiences: list[Any],
    ) -> None:
        self.proposal = proposal
        self.units = {u.pk: u for u in units}
        self.domains = {d.pk: d for d in domains}
        self.audiences = {a.pk: a for a in audiences}
        self.plan_form = ReviewPlanForm(
            data,
            prefix="plan",
            issuing_units=issuing_units,
            parents=parents,
            initial={
                "title": proposal["title"],
                "kind": proposal["kind"],
                "issuing_unit": proposal["issuing_unit"],
                "period_start": proposal["period_start"],
                "period_end": proposal["period_end"],
            },
        )
        self.data = data
        self.choices = unit_choices(units)
        self.domain_choices = [(d.pk, d.name) for d in domains]
        self.audience_choices = [(a.pk, a.name) for a in audiences]
        self.names = {u.pk: u.name for u in units}
        self._forms: dict[int, TaskReviewForm] = {}

    def task_form(self, index: int) -> TaskReviewForm:
        """Task forms are built when needed: a page shows 20 of a plan's 250 tasks; saving checks them all."""
        if index not in self._forms:
            form = TaskReviewForm(
                self.data,
                prefix=f"t{index}",
                entry=self.proposal["tasks"][index],
                unit_choice_list=self.choices,
                domain_choice_list=self.domain_choices,
                audience_choice_list=self.audience_choices,
            )
            form.unit_names = self.names
            self._forms[index] = form
        return self._forms[index]

    @property
    def task_forms(self) -> list[TaskReviewForm]:
        return [self.task_form(i) for i in range(len(self.proposal["tasks"]))]

    def is_valid(self) -> bool:
        results = [self.plan_form.is_valid()] + [form.is_valid() for form in self.task_forms]
        return all(results)

    @property
    def error_count(self) -> int:
        forms_ = [self.plan_form, *self._forms.values()]
        return sum(len(f.errors) for f in forms_ if f.is_bound)

    def page_forms(self, page: int) -> list[TaskReviewForm]:
        return [self.task_form(i) for i in page_tasks(page, len(self.proposal["tasks"]))]

    def pages_with_errors(self) -> list[int]:
        """Review pages (1-based) holding a task with an error; the header is on every page."""
        return sorted({i // REVIEW_PAGE_SIZE + 1 for i, form in self._forms.items() if form.errors})

    def to_proposal(self) -> tuple[Unit, PlanProposal]:
        cd = self.plan_form.cleaned_data
        tasks = [
            form.to_draft(self.units, self.domains, self.audiences)
            for form in self.task_forms
            if form.cleaned_data.get("keep")
        ]
        proposal = PlanProposal(
            title=cd["title"],
            kind=cd["kind"],
            period_start=cd["period_start"],
            period_end=cd["period_end"],
            parent=cd["parent"],
            tasks=tasks,
            source_name=self.proposal["source_name"],
            source_text=self.proposal["source_text"],
        )
        return cd["issuing_unit"], proposal


class PlanQuery(QueryForm):
    """The plan list's and my-tasks' query strings (pufa.core.filters): odd values are ignored filters."""

    kind = forms.ChoiceField(required=False, choices=[("", ""), *Plan.Kind.choices])
    year = forms.IntegerField(required=False, min_value=1901, max_value=2199)
    q = SearchField(limit=100)
    role = forms.ChoiceField(required=False, choices=[("", ""), *TaskUnit.Role.choices])
