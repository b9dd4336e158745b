"""Writes of the surveys app: surveys and their questions (with revisions once answered), the workflow
草稿 → 收集中 → 已结束, campaigns (宣传活动) whose pre and post surveys name them, and the residents' answers
from the portal.

Staff writes check the role table (`surveys.manage` on the unit that runs the survey) and leave an audit
entry; a survey about an activity needs the right to record that activity (`ledger.record`). A resident's
answers are not audited one by one (they are not an edit by staff, and there may be thousands); they are
checked question by question, scored, stored with a hashed device id only and pending for the results'
tally (folded in with others before any figure is read: `tally`), and announced on the bus so targets on
the survey metrics move.
They are checked against the questionnaire kept in memory (`selectors.asked`), which every change of the
questions invalidates by moving the survey's version.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from pufa.core import audit, bulk, events, throttle, workflow
from pufa.core.actors import person
from pufa.core.events import RecordsChanged
from pufa.core.memo import Memo
from pufa.ledger.models import Activity
from pufa.org.access import Actor, can, require
from pufa.org.models import Region, Unit
from pufa.surveys import selectors, tasks
from pufa.surveys.models import Answer, Campaign, Question, Response, Survey
from pufa.surveys.templates_builtin import TEMPLATES

Status = Survey.Status
Kind = Question.Kind

#: Metric codes (registered in metrics.py, announced here).
RESPONSES = "surveys.responses"
LITERACY = "surveys.literacy"
SURVEY_METRICS = frozenset({RESPONSES, LITERACY})

MAX_QUESTIONS = 60
MAX_OPTIONS = 20
TEXT_MAX = 500
SCALE_VALUES = range(1, 6)


# ---------------------------------------------------------------- surveys


@dataclass(frozen=True)
class SurveyData:
    title: str
    unit: Unit
    kind: str = Survey.Kind.FEEDBACK
    phase: str = Survey.Phase.SINGLE
    intro: str = ""
    region: Region | None = None  # None: the activity's place, else the unit's region
    activity: Activity | None = None
    campaign: Campaign | None = None
    baseline: Survey | None = None
    ask_community: bool = True
    ask_audience: bool = False
    closes_on: dt.date | None = None


FIELDS = [
    "title",
    "unit",
    "kind",
    "phase",
    "intro",
    "region",
    "activity",
    "campaign",
    "baseline",
    "ask_community",
    "ask_audience",
    "closes_on",
]


def _clean_text(value: str, name: str, errors: dict[str, str]) -> str:
    if "\x00" in value:
        errors[name] = "内容包含无效字符。"
    return value.strip()


def _region_for(data: SurveyData) -> Region:
    if data.region is not None:
        return data.region
    if data.activity is not None and data.activity.place_region_id is not None:
        return data.activity.place_region  # type: ignore[return-value]
    if data.campaign is not None and data.campaign.region.path.startswith(data.unit.region.path):
        return data.campaign.region
    return data.unit.region


def _validate(actor: Actor, data: SurveyData, survey: Survey | None = None) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = _clean_text(data.title, "title", errors)
    intro = _clean_text(data.intro, "intro", errors)
    if not title:
        errors["title"] = "请填写问卷标题。"
    region = _region_for(data)
    if not region.path.startswith(data.unit.region.path):
        errors["region"] = "评估范围须在组织单位的辖区内。"
    if data.activity is not None:
        if data.activity.deleted_at is not None or not can(actor, "ledger.record", data.activity.unit):
            errors["activity"] = "只能关联本单位可登记的活动。"
        elif data.activity.unit_id != data.unit.pk:
            errors["activity"] = "关联活动须由本问卷的组织单位组织。"
    if data.campaign is not None:
        c = data.campaign
        if c.deleted_at is not None or not can(actor, "surveys.manage", c):
            errors["campaign"] = "只能选择本单位可管理的宣传活动。"
        elif c.unit_id != data.unit.pk:
            errors["campaign"] = "宣传活动的问卷须由宣传活动的组织单位组织。"
    if data.phase == Survey.Phase.POST and data.baseline is not None:
        b = data.baseline
        if survey is not None and b.pk == survey.pk:
            errors["baseline"] = "前测问卷不能是本问卷。"
        elif b.phase != Survey.Phase.PRE or b.deleted_at is not None:
            errors["baseline"] = "对应的前测问卷须是“活动前（前测）”问卷。"
        elif not can(actor, "surveys.view", b):
            errors["baseline"] = "只能选择您可查看的前测问卷。"
    elif data.baseline is not None:
        errors["baseline"] = "只有后测问卷可以指定对应的前测问卷。"
    if (
        data.phase != Survey.Phase.SINGLE
        and data.activity is None
        and data.campaign is None
        and data.kind != Survey.Kind.ANNUAL
    ):
        errors["phase"] = "前测、后测问卷须关联一次活动或一项宣传活动（年度评估除外）。"
    if errors:
        raise ValidationError(errors)
    values = {name: getattr(data, name) for name in FIELDS}
    values.update(title=title, intro=intro, region=region)
    return values


def _new_token() -> str:
    return secrets.token_urlsafe(12)


@transaction.atomic
def survey_create(*, actor: Actor, data: SurveyData, template: str = "") -> Survey:
    """A new survey in draft, empty or from one of pufa's templates (`templates_builtin`)."""
    require(actor, "surveys.manage", data.unit)
    values = _validate(actor, data)
    if template and template not in TEMPLATES:
        raise ValidationError({"template": "未知的问卷模板。"})
    survey = Survey.objects.create(token=_new_token(), created_by=person(actor), **values)
    audit.log_create(actor=actor, obj=survey, code="surveys.survey.create")
    if template:
        made: list[Question] = []
        for i, spec in enumerate(TEMPLATES[template]["questions"], start=1):
            spec = dict(spec)
            index = spec.pop("show_if", None)
            q = Question(survey=survey, revision=1, position=i, **spec)
            if index is not None:
                q.show_if = made[index]
            q.save()
            made.append(q)
    return survey


@transaction.atomic
def survey_update(*, actor: Actor, survey: Survey, data: SurveyData, version: int | None = None) -> Survey:
    row = workflow.lock(survey)
    require(actor, "surveys.manage", row)
    require(actor, "surveys.manage", data.unit)
    workflow.check_version(row, version)
    if row.status == Status.CLOSED:
        raise ValidationError("问卷已结束，不能修改。")
    values = _validate(actor, data, row)
    if row.responses.exists() and (data.unit.pk != row.unit_id or values["region"].pk != row.region_id):
        raise ValidationError("已有答卷的问卷不能更改组织单位或评估范围。")
    before = audit.snapshot(row, FIELDS)
    for name, value in values.items():
        setattr(row, name, value)
    workflow.save_checked(row)
    audit.log_update(actor=actor, obj=row, before=before, code="surveys.survey.update")
    workflow.copy_state(row, survey)
    return survey


@transaction.atomic
def survey_delete(*, actor: Actor, survey: Survey) -> None:
    """Remove a draft made by mistake; a survey with answers is ended (结束), never deleted."""
    row = workflow.lock(survey)
    require(actor, "surveys.manage", row)
    if row.deleted_at is not None:
        return
    if row.responses.exists():
        raise ValidationError("已有答卷的问卷不能删除，请结束问卷。")
    if row.followups.filter(deleted_at__isnull=True).exists():
        raise ValidationError("该问卷是其他问卷的前测，不能删除。")
    row.deleted_at = timezone.now()
    workflow.save_checked(row)
    audit.log(actor=actor, action=audit.Action.DELETE, obj=row, code="surveys.survey.delete")
    survey.deleted_at = row.deleted_at


# ---------------------------------------------------------------- campaigns

MAX_CAMPAIGN_ACTIVITIES = 300


@dataclass(frozen=True)
class CampaignData:
    name: str
    unit: Unit
    starts_on: dt.date
    ends_on: dt.date
    region: Region | None = None  # None: the unit's region
    description: str = ""
    activities: tuple[Activity, ...] = ()


CAMPAIGN_FIELDS = ["name", "unit", "region", "starts_on", "ends_on", "description"]


def _validate_campaign(actor: Actor, data: CampaignData) -> dict[str, Any]:
    errors: dict[str, str] = {}
    name = _clean_text(data.name, "name", errors)
    description = _clean_text(data.description, "description", errors)
    if not name:
        errors["name"] = "请填写宣传活动名称。"
    region = data.region or data.unit.region
    if not region.path.startswith(data.unit.region.path):
        errors["region"] = "范围须在组织单位的辖区内。"
    if data.ends_on < data.starts_on:
        errors["ends_on"] = "结束日期不能早于开始日期。"
    if len(data.activities) > MAX_CAMPAIGN_ACTIVITIES:
        errors["activities"] = f"关联活动不能超过 {MAX_CAMPAIGN_ACTIVITIES} 项。"
    for a in data.activities:
        if a.deleted_at is not None or not can(actor, "ledger.view", a):
            errors["activities"] = "只能关联您可查看的活动。"
        elif not (data.starts_on <= a.date <= data.ends_on):
            errors["activities"] = f"活动“{a.title}”（{a.date:%Y-%m-%d}）不在宣传活动期间内。"
        elif not a.unit.region.path.startswith(region.path):
            errors["activities"] = f"活动“{a.title}”的组织单位不在宣传活动的范围内。"
        else:
            continue
        break
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "unit": data.unit,
        "region": region,
        "starts_on": data.starts_on,
        "ends_on": data.ends_on,
        "description": description,
    }


@transaction.atomic
def campaign_create(*, actor: Actor, data: CampaignData) -> Campaign:
    """A campaign of the unit; its pre and post surveys are then made from its page (surveys naming it)."""
    require(actor, "surveys.manage", data.unit)
    values = _validate_campaign(actor, data)
    campaign = Campaign.objects.create(created_by=person(actor), **values)
    campaign.activities.set(data.activities)
    audit.log_create(actor=actor, obj=campaign, code="surveys.campaign.create")
    return campaign


@transaction.atomic
def campaign_update(*, actor: Actor, campaign: Campaign, data: CampaignData, version: int | None = None) -> Campaign:
    row = workflow.lock(campaign)
    require(actor, "surveys.manage", row)
    require(actor, "surveys.manage", data.unit)
    workflow.check_version(row, version)
    values = _validate_campaign(actor, data)
    if data.unit.pk != row.unit_id and row.surveys.filter(deleted_at__isnull=True).exists():
        raise ValidationError({"unit": "已有问卷的宣传活动不能更改组织单位。"})
    before = audit.snapshot(row, [*CAMPAIGN_FIELDS, "activities"])
    for name, value in values.items():
        setattr(row, name, value)
    workflow.save_checked(row)
    # activities the editor cannot see stay linked: a form shows (and so sends) only those it may see
    hidden = [a for a in row.activities.all() if not can(actor, "ledger.view", a)]
    row.activities.set([*data.activities, *hidden])
    audit.log_update(actor=actor, obj=row, before=before, code="surveys.campaign.update")
    workflow.copy_state(row, campaign)
    return campaign


@transaction.atomic
def campaign_delete(*, actor: Actor, campaign: Campaign) -> None:
    """Remove a campaign made by mistake; one with surveys keeps them and cannot be deleted."""
    row = workflow.lock(campaign)
    require(actor, "surveys.manage", row)
    if row.deleted_at is not None:
        return
    if row.surveys.filter(deleted_at__isnull=True).exists():
        raise ValidationError("宣传活动已有问卷，不能删除。")
    row.deleted_at = timezone.now()
    workflow.save_checked(row)
    audit.log(actor=actor, action=audit.Action.DELETE, obj=row, code="surveys.campaign.delete")
    campaign.deleted_at = row.deleted_at


# ---------------------------------------------------------------- workflow


def _has_questions(survey: Any) -> None:
    if not survey.questions.filter(revision=survey.revision).exists():
        raise ValidationError("问卷还没有题目，不能发布。")


def _published(row: Any) -> None:
    row.published_at = row.published_at or timezone.now()
    row.closed_at = None


def _closed(row: Any) -> None:
    row.closed_at = timezone.now()


FLOW = workflow.Workflow(
    model=Survey,
    permits=can,
    transitions=[
        workflow.Transition(
            "publish",
            "发布",
            sources={Status.DRAFT},
            target=Status.PUBLISHED,
            action="surveys.manage",
            code="surveys.survey.publish",
            refused="只有草稿可以发布。",
            checks=[_has_questions],
        ),
        workflow.Transition(
            "close",
            "结束收集",
            sources={Status.PUBLISHED},
            target=Status.CLOSED,
            action="surveys.manage",
            code="surveys.survey.close",
            refused="只有收集中的问卷可以结束。",
        ),
        workflow.Transition(
            "reopen",
            "重新开放",
            sources={Status.CLOSED},
            target=Status.PUBLISHED,
            action="surveys.manage",
            code="surveys.survey.reopen",
            refused="只有已结束的问卷可以重新开放。",
        ),
    ],
)


def transition(*, actor: Actor, survey: Survey, name: str, version: int | None = None) -> Survey:
    apply = {"publish": _published, "close": _closed, "reopen": _published}.get(name)
    return FLOW.run(name, actor=actor, obj=survey, apply=apply, version=version)


# ---------------------------------------------------------------- questions and revisions


@dataclass(frozen=True)
class QuestionData:
    kind: str
    text: str
    section: str = ""
    required: bool = True
    options: list[str] = field(default_factory=list)
    correct: list[int] = field(default_factory=list)
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    show_if: Question | None = None
    show_if_options: list[int] = field(default_factory=list)


def _check_question(survey: Survey, data: QuestionData, position: int) -> dict[str, Any]:
    errors: dict[str, str] = {}
    text = _clean_text(data.text, "text", errors)
    section = _clean_text(data.section, "section", errors)
    if not text:
        errors["text"] = "请填写题目。"
    if data.kind not in Kind.values:
        errors["kind"] = "请选择题型。"
    options = [o.strip() for o in data.options if o.strip()]
    if any("\x00" in o for o in options):
        errors["options"] = "选项包含无效字符。"
    correct = sorted(set(data.correct))
    if data.kind in Question.CHOICE_KINDS:
        if len(options) < 2:
            errors["options"] = "选择题至少需要两个选项。"
        elif len(options) > MAX_OPTIONS:
            errors["options"] = f"选项不能超过 {MAX_OPTIONS} 个。"
        elif len(set(options)) != len(options):
            errors["options"] = "选项不能重复。"
        if any(i < 0 or i >= len(options) for i in correct):
            errors["correct"] = "正确答案须是已有的选项。"
        elif data.kind == Kind.SINGLE and len(correct) > 1:
            errors["correct"] = "单选题只能有一个正确答案。"
    else:
        options, correct = [], []
    low, high = data.min_value, data.max_value
    if data.kind == Kind.NUMBER and low is not None and high is not None and low > high:
        errors["max_value"] = "最大值不能小于最小值。"
    show_if, show_opts = data.show_if, sorted(set(data.show_if_options))
    if show_if is not None:
        if show_if.survey_id != survey.pk or show_if.revision != survey.revision:
            errors["show_if"] = "显示条件须是本问卷的题目。"
        elif show_if.kind not in Question.CHOICE_KINDS:
            errors["show_if"] = "显示条件只能依据单选或多选题。"
        elif show_if.position >= position:
            errors["show_if"] = "显示条件须依据前面的题目。"
        elif not show_opts or any(i < 0 or i >= len(show_if.options) for i in show_opts):
            errors["show_if_options"] = "请选择触发显示的选项。"
    else:
        show_opts = []
    if errors:
        raise ValidationError(errors)
    return {
        "kind": data.kind,
        "text": text,
        "section": section,
        "required": data.required,
        "options": options,
        "correct": correct,
        "min_value": data.min_value if data.kind == Kind.NUMBER else None,
        "max_value": data.max_value if data.kind == Kind.NUMBER else None,
        "show_if": show_if,
        "show_if_options": show_opts,
    }


def _editable(actor: Actor, survey: Survey) -> tuple[Survey, dict[int, Question]]:
    """Lock the survey for a change of its questions. If someone answered the current revision, copy its
    questions into a new revision first (the answered rows stay as they were); return the map old → current."""
    row = workflow.lock(survey)
    require(actor, "surveys.manage", row)
    if row.deleted_at is not None:
        raise ValidationError("该问卷已删除。")
    if row.status == Status.CLOSED:
        raise ValidationError("问卷已结束，不能修改题目。")
    current = list(row.current_questions())
    mapping = {q.pk: q for q in current}
    answered = Response.objects.filter(survey=row, revision=row.revision).exists()
    if answered:
        row.revision += 1
    # Every change of the questions moves the survey's version: the answering page's questionnaire is kept per
    # (survey, revision, version) in each server process (`selectors.asked`), so the next request sees it.
    workflow.save_checked(row, fields=["revision"])
    if answered:
        mapping = {}
        for q in current:
            old_pk = q.pk
            q.pk = None
            q.revision = row.revision
            q.show_if = mapping.get(q.show_if_id) if q.show_if_id else None
            q.save()
            mapping[old_pk] = q
        audit.log(
            actor=actor,
            action=audit.Action.UPDATE,
            obj=row,
            code="surveys.revision.create",
            changes={"revision": [row.revision - 1, row.revision]},
            message=f"已有答卷，题目修改生成第{row.revision}版，原答卷保留原题目。",
        )
    workflow.copy_state(row, survey)
    return row, mapping


@transaction.atomic
def question_save(*, actor: Actor, survey: Survey, data: QuestionData, question: Question | None = None) -> Question:
    """Add a question (at the end) or change one; a survey already answered gets a new revision first."""
    row, mapping = _editable(actor, survey)
    if question is not None:
        if question.pk not in mapping and question.pk not in {q.pk for q in mapping.values()}:
            raise ValidationError("该题目不属于问卷的当前版本。")
        target = mapping.get(question.pk, question)
        if data.show_if is not None:
            data = QuestionData(**{**data.__dict__, "show_if": mapping.get(data.show_if.pk, data.show_if)})
        values = _check_question(row, data, target.position)
        before = audit.snapshot(target, list(values))
        for name, value in values.items():
            setattr(target, name, value)
        target.save()
        audit.log_update(actor=actor, obj=target, before=before, code="surveys.question.save")
        return target
    if len(mapping) >= MAX_QUESTIONS:
        raise ValidationError(f"每份问卷最多 {MAX_QUESTIONS} 题。")
    if data.show_if is not None:
        data = QuestionData(**{**data.__dict__, "show_if": mapping.get(data.show_if.pk, data.show_if)})
    position = max((q.position for q in mapping.values()), default=0) + 1
    values = _check_question(row, data, position)
    created = Question.objects.create(survey=row, revision=row.revision, position=position, **values)
    audit.log_create(actor=actor, obj=created, code="surveys.question.save")
    return created


@transaction.atomic
def question_delete(*, actor: Actor, survey: Survey, question: Question) -> None:
    _, mapping = _editable(actor, survey)
    target = mapping.get(question.pk) or next((q for q in mapping.values() if q.pk == question.pk), None)
    if target is None:
        raise ValidationError("该题目不属于问卷的当前版本。")
    if any(q.show_if_id == target.pk for q in mapping.values()):
        raise ValidationError("其他题目的显示条件依据此题，请先修改那些题目。")
    audit.log(actor=actor, action=audit.Action.DELETE, obj=target, code="surveys.question.delete")
    target.delete()


# ---------------------------------------------------------------- answering


def shown_questions(questions: list[Question], choices: dict[int, set[int]]) -> list[Question]:
    """The questions a respondent sees, given the options chosen so far (skip logic, in order): a question
    with a condition is shown only when its condition question was shown and answered with a named option."""
    shown: set[int] = set()
    result = []
    for q in questions:
        if q.show_if_id is None or (
            q.show_if_id in shown and choices.get(q.show_if_id, set()) & set(q.show_if_options)
        ):
            shown.add(q.pk)
            result.append(q)
    return result


def score(questions: list[Question], choices: dict[int, set[int]]) -> Decimal | None:
    """The 法治素养 score, 0–100: the share of the knowledge questions shown that were answered exactly right
    (a multiple-choice question needs all its correct options and no other). None: no knowledge question."""
    knowledge = [q for q in questions if q.is_knowledge]
    if not knowledge:
        return None
    right = sum(1 for q in knowledge if choices.get(q.pk, set()) == set(q.correct))
    return (Decimal(100 * right) / Decimal(len(knowledge))).quantize(Decimal("0.1"))


@dataclass
class Parsed:
    choices: dict[int, set[int]]
    values: dict[int, Decimal]
    texts: dict[int, str]


def _int(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else None


def _parse(questions: list[Question], raw: dict[int, list[str]]) -> tuple[Parsed, dict[str, str]]:
    parsed = Parsed({}, {}, {})
    errors: dict[str, str] = {}
    for q in questions:
        given = [v for v in raw.get(q.pk, []) if v.strip()]
        if not given:
            continue
        key = f"q{q.pk}"
        if q.kind in Question.CHOICE_KINDS:
            picked = [_int(v) for v in given]
            if any(p is None or p >= len(q.options) for p in picked) or (q.kind == Kind.SINGLE and len(picked) > 1):
                errors[key] = "请从选项中选择。"
            else:
                parsed.choices[q.pk] = {p for p in picked if p is not None}
        elif q.kind == Kind.SCALE:
            value = _int(given[0])
            if value is None or value not in SCALE_VALUES or len(given) > 1:
                errors[key] = "请选择1—5分。"
            else:
                parsed.values[q.pk] = Decimal(value)
        elif q.kind == Kind.NUMBER:
            try:
                number = Decimal(given[0].strip())
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite() or abs(number) >= Decimal("1e10"):
                errors[key] = "请填写数字。"
            elif q.min_value is not None and number < q.min_value:
                errors[key] = f"不能小于{q.min_value.normalize():f}。"
            elif q.max_value is not None and number > q.max_value:
                errors[key] = f"不能大于{q.max_value.normalize():f}。"
            else:
                parsed.values[q.pk] = number.quantize(Decimal("0.01"))
        else:
            text = given[0].strip()
            if "\x00" in text:
                errors[key] = "内容包含无效字符。"
            elif len(text) > TEXT_MAX:
                errors[key] = f"不能超过{TEXT_MAX}字。"
            else:
                parsed.texts[q.pk] = text
    return parsed, errors


#: The units of each place in a survey's area (region id → unit ids), per (survey token, area path) — a token
#: never comes back, unlike an id of rows rolled back — for whom a response is announced: one query a minute for
#: a city-wide survey's 2,500 communities instead of one per community (a unit made since is told within a
#: minute). Not changed once built.
_UNITS_BY_PLACE: Memo[dict[int, tuple[int, ...]]] = Memo(size=256, ttl=60)


def _units_by_place(area_path: str) -> dict[int, tuple[int, ...]]:
    units: dict[int, list[int]] = defaultdict(list)
    for region_id, pk in Unit.objects.filter(region__path__startswith=area_path).values_list("region_id", "pk"):
        units[region_id].append(pk)
    return {region_id: tuple(pks) for region_id, pks in units.items()}


def _units_to_tell(token: str, unit_id: int, area_path: str, place_id: int) -> frozenset[int]:
    """Responses count for the unit running the survey; the 法治素养 index for the units of the place answered."""
    by_place = _UNITS_BY_PLACE.get((token, area_path), lambda: _units_by_place(area_path))
    return frozenset({*by_place.get(place_id, ()), unit_id})


#: One answer row to store: the question, and the option chosen, the value or the text.
Given = tuple[Question, int | None, Decimal | None, str]


class _Repeat(Exception):
    """The device has answered already: raised out of the response's transaction, so that it rolls back."""


def _count_submission(address: str | None) -> None:
    if address is not None and not throttle.allow(
        f"survey-submit:{address}", limit=settings.PUFA_SURVEY_SUBMIT_LIMIT, window=3600
    ):
        raise ValidationError("提交过于频繁，请稍后再试。", code="throttled")


def respond(
    *,
    token: str,
    device: str,
    answers: dict[int, list[str]],
    community_id: int | None = None,
    audience_id: int | None = None,
    address: str | None = None,
) -> Response:
    """Store one device's answers to a published survey. Raises ValidationError with a message per question
    (keys "q<id>", "community", "audience") so the page can show them beside the answers kept; code "duplicate"
    when the device has answered, "throttled" past the limit of its address.

    The survey is named by its public token (the portal never handles the model); the device is the hash of
    the portal's device cookie: one response per device per survey, held by a unique constraint. `address`
    (the phone's network address; None for the demo and tests that need no limit): every submission from it
    counts against `PUFA_SURVEY_SUBMIT_LIMIT` an hour (`core.throttle`) — stored, refused or repeated alike —
    and past the limit nothing is stored. A stored answer's hit is counted in the transaction that stores it
    (one write transaction per response); a refused or repeated one is counted in a transaction of its own.

    Everything that reads or computes (the survey's state, the questionnaire, checking, scoring) comes before
    the transaction, which holds only the writes: on SQLite a write transaction takes the
    database's one write lock at its start (BEGIN IMMEDIATE), and every other phone's answer waits for it. A
    survey closed in the instant between the read and the write takes the answer, as it would have a moment
    earlier (the same holds on PostgreSQL, where the read never locked the survey)."""
    try:
        response, given, dates, units = _checked(
            token=token, device=device, answers=answers, community_id=community_id, audience_id=audience_id
        )
    except ValidationError:
        _count_submission(address)  # past the limit, says so instead of the answers' errors
        raise
    try:
        with transaction.atomic():
            try:
                bulk.insert_one(response)  # the same device again is refused by the unique constraint: no query first
            except IntegrityError as exc:  # leaving the block rolls the failed insert back
                raise _Repeat from exc
            # plain rows (core.bulk): a model instance per answer cost more than the rest of the transaction
            bulk.insert_rows(
                Answer,
                ["response_id", "question_id", "option", "value", "text"],
                [(response.pk, q.pk, o, v, t) for q, o, v, t in given],
            )
            events.publish(RecordsChanged(metrics=SURVEY_METRICS, unit_ids=units, dates=dates, source="surveys"))
            # The response is stored pending: it is counted into the results' tally in a batch with others
            # (`tally.fold`, by the next reader of the figures or the task asked for here), not by this
            # transaction — every response of a survey adds to its rows over every community, and adding them
            # here made the survey's responses wait for one another's commits.
            transaction.on_commit(tasks.request_fold)
            # Last, the row other phones write too: the address's hit count (every phone behind one network
            # address). A row written is locked until the commit, so written last it is held for the commit
            # alone; written first, it held every other phone of the address for the whole transaction
            # (PostgreSQL: 36 responses/s from one address, each waiting on the one before it).
            _count_submission(address)  # past the limit: raises, and nothing above is kept
    except _Repeat as exc:
        _count_submission(address)
        raise ValidationError("本设备已提交过这份问卷，感谢参与！", code="duplicate") from exc.__cause__
    return response


def _checked(
    *, token: str, device: str, answers: dict[int, list[str]], community_id: int | None, audience_id: int | None
) -> tuple[Response, list[Given], frozenset[dt.date], frozenset[int]]:
    """The response to store (unsaved), its answers, the day it counts on and the units to tell, or
    ValidationError: everything `respond` reads and computes before its transaction."""
    survey = selectors.survey_state(token)  # read once a request: the answering page's view read it too
    if survey is None:
        raise ValidationError("未找到该问卷。")
    if survey["status"] != Status.PUBLISHED:
        raise ValidationError("该问卷当前不在收集期内。")
    today = timezone.localdate()
    if survey["closes_on"] is not None and today > survey["closes_on"]:
        raise ValidationError("该问卷已过截止日期。")
    if not device or len(device) > 64:
        raise ValidationError("无法识别您的设备，请允许浏览器保存 Cookie 后重试。")
    asked = selectors.asked(
        survey_id=survey["pk"],
        token=survey["token"],
        revision=survey["revision"],
        version=survey["version"],
        region_path=survey["region__path"],
        communities=survey["ask_community"],
        audiences=survey["ask_audience"],
    )
    questions = list(asked.questions)
    parsed, errors = _parse(questions, answers)
    shown = shown_questions(questions, parsed.choices)
    shown_ids = {q.pk for q in shown}
    for q in shown:
        key = f"q{q.pk}"
        answered = q.pk in parsed.choices or q.pk in parsed.values or q.pk in parsed.texts
        if q.required and not answered and key not in errors:
            errors[key] = "此题为必答题。"
    errors = {k: v for k, v in errors.items() if int(k[1:]) in shown_ids}
    # The community and the audience are checked against the lists the page offered (kept with the
    # questionnaire: a community added or removed is offered, and taken, within `selectors.asked`'s ttl).
    community = community_id if survey["ask_community"] and community_id is not None else None
    if community is not None and community not in asked.community_ids:
        errors["community"] = "请从列表中选择所在社区。"
    audience = audience_id if survey["ask_audience"] and audience_id is not None else None
    if audience is not None and audience not in asked.audience_ids:
        errors["audience"] = "请从列表中选择身份类别。"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    response = Response(
        survey_id=survey["pk"],
        revision=survey["revision"],
        device=device,
        community_id=community,
        audience_id=audience,
        submitted_at=now,
        score=score(shown, parsed.choices),
    )
    given: list[Given] = []
    for q in shown:
        given.extend((q, option, None, "") for option in sorted(parsed.choices.get(q.pk, ())))
        if q.pk in parsed.values:
            given.append((q, None, parsed.values[q.pk], ""))
        if q.pk in parsed.texts:
            given.append((q, None, None, parsed.texts[q.pk]))
    units = _units_to_tell(survey["token"], survey["unit_id"], survey["region__path"], community or survey["region_id"])
    return response, given, frozenset({timezone.localdate(now)}), units
