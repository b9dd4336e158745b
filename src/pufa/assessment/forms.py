"""Forms of the assessment pages: import upload and review, item configuration, notes, steps, draws, findings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from pufa.assessment import scoring
from pufa.assessment.models import Item
from pufa.core.filters import QueryForm, id_field, page_field, year_field
from pufa.core.forms import DateInput, PufaForm, VersionField
from pufa.plans import metrics as registry

MAX_UPLOAD = 10 * 1024 * 1024
MAX_ROWS = 500


class ImportForm(PufaForm):
    name = forms.CharField(label="方案名称", max_length=100, initial="普法依法治理工作考核")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    submit_by = forms.DateField(label="自评截止日期（可选）", required=False, widget=DateInput())
    file = forms.FileField(label="考核评分表", help_text="Word（.docx）或文本（.txt），不超过 10 MB")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".docx", ".txt")):
            raise ValidationError("请上传 .docx 或 .txt 文件。")
        if upload.size > MAX_UPLOAD:
            raise ValidationError("文件不能超过 10 MB。")
        return upload


class ReviewHead(QueryForm):
    """The scheme's name, year and source carried through the review page."""

    name = forms.CharField(required=False, max_length=100)
    year = year_field()
    submit_by = forms.DateField(required=False)
    source = forms.CharField(required=False, max_length=200)
    sections = forms.IntegerField(required=False, min_value=0, max_value=MAX_ROWS)
    items = forms.IntegerField(required=False, min_value=0, max_value=MAX_ROWS)


def reviewed_rows(data: Any, sections: int, items: int) -> dict[str, Any]:
    """The reviewed sections and items as posted by the review page (rows without text are dropped)."""

    def get(key: str, limit: int) -> str:
        value = str(data.get(key, "") or "").replace("\x00", "").strip()
        return value[:limit]

    out: dict[str, Any] = {"sections": [], "items": []}
    for i in range(min(sections, MAX_ROWS)):
        name = get(f"s{i}-name", 100)
        if name:
            out["sections"].append({"name": name, "points": get(f"s{i}-points", 10) or None})
    for i in range(min(items, MAX_ROWS)):
        if data.get(f"i{i}-drop"):
            continue
        text = get(f"i{i}-text", 1000)
        if not text:
            continue
        out["items"].append(
            {
                "section": get(f"i{i}-section", 100),
                "number": get(f"i{i}-number", 10),
                "text": text,
                "points": get(f"i{i}-points", 10) or None,
                "remark": get(f"i{i}-remark", 100),
            }
        )
    return out


def posted_bands(data: Any) -> list[dict[str, str]]:
    """The grade bands as posted by the scheme page's rows (`b0-name`, `b0-quota`, `b0-min` …), rows without a
    name dropped; the service checks them (`scoring.check_bands`)."""
    out = []
    for i in range(scoring.MAX_BANDS):
        name = str(data.get(f"b{i}-name", "") or "").replace("\x00", "").strip()[:20]
        if name:
            out.append(
                {
                    "name": name,
                    "quota": str(data.get(f"b{i}-quota", "") or "").strip()[:10],
                    "min": str(data.get(f"b{i}-min", "") or "").strip()[:10],
                }
            )
    return out


class ItemForm(PufaForm):
    kind = forms.ChoiceField(label="计分方式", choices=Item.Kind.choices)
    points = forms.DecimalField(label="分值", max_digits=6, decimal_places=2, min_value=0, required=False)
    metric = forms.ChoiceField(label="统计指标（系统计分）", required=False)
    rule = forms.ChoiceField(label="评分规则", required=False, choices=[("", "—"), *scoring.RULES.items()])
    threshold = forms.DecimalField(label="达标值", required=False, max_digits=12, decimal_places=2)
    compare = forms.ChoiceField(label="比较", required=False, choices=[("gte", "不少于"), ("lte", "不超过")])
    low = forms.DecimalField(label="线性：起点值", required=False, max_digits=12, decimal_places=2)
    high = forms.DecimalField(label="线性：满分值", required=False, max_digits=12, decimal_places=2)
    steps = forms.CharField(
        label="分档（每档“数值:得分比例”，逗号分隔）", required=False, max_length=200, help_text="如 1:0.5, 3:1"
    )
    target = id_field(label="量化指标编号（指标状态）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metric"].choices = [("", "—"), *registry.choices()]  # type: ignore[attr-defined]

    def params(self) -> dict[str, Any]:
        """The rule's parameters from the fields (checked by the service through `scoring.check_params`)."""
        d = self.cleaned_data
        rule = d.get("rule")
        if rule == scoring.THRESHOLD:
            return {"threshold": d.get("threshold"), "compare": d.get("compare") or "gte"}
        if rule == scoring.LINEAR:
            return {"low": d.get("low"), "high": d.get("high")}
        if rule == scoring.STEPS:
            steps = []
            for part in (d.get("steps") or "").replace("，", ",").split(","):
                if part.strip():
                    value, _, share = part.replace("：", ":").partition(":")
                    steps.append([value.strip(), share.strip()])
            return {"steps": steps}
        if rule == scoring.TARGET_STATUS:
            return {"target": d.get("target")}
        return {}


class NoteForm(PufaForm):
    item = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    note = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    links = forms.CharField(
        label="相关记录链接（每行一个，本系统内地址）",
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 1}),
    )
    points = forms.DecimalField(label="自评分", max_digits=6, decimal_places=2, min_value=0, required=False)


class DrawForm(PufaForm):
    seed = forms.CharField(
        label="公开随机种子", max_length=100, help_text="抽取前公布，如当日某指数收盘点位或会上公开摇出的数字"
    )
    share = forms.DecimalField(label="每组抽取比例", min_value=0.01, max_value=1, decimal_places=2, initial=0.2)
    per_unit = forms.IntegerField(label="每单位督查员人数", min_value=1, max_value=5, initial=2)


class FindingForm(PufaForm):
    item = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    points = forms.DecimalField(label="核定分", max_digits=6, decimal_places=2, min_value=0)
    note = forms.CharField(label="检查情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AppealForm(PufaForm):
    item = forms.IntegerField(label="考核内容", min_value=1, max_value=2**31 - 1)
    reason = forms.CharField(label="申诉理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DecideForm(PufaForm):
    outcome = forms.ChoiceField(label="处理结果", choices=[("upheld", "申诉成立"), ("rejected", "申诉不成立")])
    points = forms.DecimalField(
        label="核定分（申诉成立时）", max_digits=6, decimal_places=2, min_value=0, required=False
    )
    decision = forms.CharField(label="处理意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class StepForm(QueryForm):
    step = forms.CharField(required=False, max_length=20)
    note = forms.CharField(required=False, max_length=500)
    version = VersionField()


class IndexQuery(QueryForm):
    year = year_field()
    #: the home page's 待办 lines link here: appeals to decide, results to publish, self-assessments due
    todo = forms.ChoiceField(required=False, choices=[("", ""), ("appeals", ""), ("release", ""), ("self", "")])


class RankingQuery(QueryForm):
    group = forms.ChoiceField(required=False, choices=[("", ""), ("department", ""), ("street", ""), ("community", "")])
    page = page_field()
