"""Surveys: each question type and the scoring, skip logic, one response per device, revisions once answered,
the workflow with its audit, and the links to the work."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pufa.core.models import Audience, AuditEntry
from pufa.org.access import SYSTEM
from pufa.surveys import selectors, services
from pufa.surveys.models import Answer, Question, Response, Survey
from tests.factories import make_activity
from tests.surveys.conftest import add, answer, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture
def typed(world):
    """One question of every type on a draft, then published."""
    s = make_survey(world.committee_a, publish=False, kind=Survey.Kind.LITERACY)
    qs = {
        "single": add(s, "single", "宪法日是哪天？", options=["3月15日", "12月4日"], correct=[1]),
        "multiple": add(s, "multiple", "民法典调整哪些？", options=["婚姻", "继承", "罚款"], correct=[0, 1]),
        "scale": add(s, "scale", "满意程度"),
        "number": add(s, "number", "参加过几次普法活动？", min_value=Decimal(0), max_value=Decimal(100)),
        "text": add(s, "text", "建议", required=False),
    }
    services.transition(actor=SYSTEM, survey=s, name="publish")
    return s, qs


def test_every_question_type_is_stored_and_scored(typed, world):
    s, q = typed
    r = answer(
        s,
        "dev1",
        {q["single"]: 1, q["multiple"]: [0, 1], q["scale"]: 4, q["number"]: "3", q["text"]: "  多来几次  "},
        community_id=world.community_a.pk,
    )
    assert r.score == Decimal("100.0")
    assert r.community == world.community_a
    stored = {(a.question_id, a.option, a.value, a.text) for a in Answer.objects.filter(response=r)}
    assert stored == {
        (q["single"].pk, 1, None, ""),
        (q["multiple"].pk, 0, None, ""),
        (q["multiple"].pk, 1, None, ""),
        (q["scale"].pk, None, Decimal("4.00"), ""),
        (q["number"].pk, None, Decimal("3.00"), ""),
        (q["text"].pk, None, None, "多来几次"),
    }


def test_a_multiple_choice_needs_exactly_the_correct_options(typed):
    s, q = typed
    half = answer(s, "dev1", {q["single"]: 1, q["multiple"]: [0, 1, 2], q["scale"]: 3, q["number"]: 1})
    assert half.score == Decimal("50.0")  # single right, multiple with an extra option wrong
    none = answer(s, "dev2", {q["single"]: 0, q["multiple"]: [0], q["scale"]: 3, q["number"]: 1})
    assert none.score == Decimal("0.0")


def test_bad_answers_are_refused_question_by_question(typed):
    s, q = typed
    with pytest.raises(ValidationError) as exc:
        answer(
            s, "dev1", {q["single"]: [0, 1], q["multiple"]: 7, q["scale"]: 6, q["number"]: "101", q["text"]: "a\x00"}
        )
    errors = exc.value.message_dict
    assert errors[f"q{q['single'].pk}"] == ["请从选项中选择。"]
    assert errors[f"q{q['multiple'].pk}"] == ["请从选项中选择。"]
    assert errors[f"q{q['scale'].pk}"] == ["请选择1—5分。"]
    assert errors[f"q{q['number'].pk}"] == ["不能大于100。"]
    assert errors[f"q{q['text'].pk}"] == ["内容包含无效字符。"]
    with pytest.raises(ValidationError) as exc:
        answer(s, "dev1", {q["number"]: "NaN"})
    assert exc.value.message_dict[f"q{q['single'].pk}"] == ["此题为必答题。"]
    assert exc.value.message_dict[f"q{q['number'].pk}"] == ["请填写数字。"]
    assert not Response.objects.exists()


def test_skip_logic_asks_and_keeps_only_the_questions_shown(world):
    s = make_survey(world.committee_a, template="feedback", publish=False)
    sat, learnt, why, want, _advice = s.current_questions()
    again = add(s, "single", "是否愿意再次参加？", options=["愿意", "不愿意"], show_if=learnt, show_if_options=[3])
    services.transition(actor=SYSTEM, survey=s, name="publish")
    assert why.show_if == learnt and why.show_if_options == [2, 3]
    # "明显提高": the why-question is hidden, and an answer sent to it anyway is dropped
    r = answer(s, "a", {sat: 5, learnt: 0, why: [1], want: [2]})
    assert not Answer.objects.filter(response=r, question=why).exists()
    # "变化不大": shown; it is optional, its answer kept
    r = answer(s, "b", {sat: 2, learnt: 2, why: [0, 2], want: [2]})
    assert set(Answer.objects.filter(response=r, question=why).values_list("option", flat=True)) == {0, 2}
    # a required question is required only when shown: "没有提高" shows `again`
    with pytest.raises(ValidationError) as exc:
        answer(s, "c", {sat: 1, learnt: 3, want: [0]})
    assert list(exc.value.message_dict) == [f"q{again.pk}"]
    assert answer(s, "c", {sat: 1, learnt: 3, want: [0], again: 1}).answers.filter(question=again).exists()


def test_skip_condition_must_point_back_to_a_choice_question(world):
    s = make_survey(world.committee_a, publish=False)
    scale = add(s, "scale", "满意程度")
    with pytest.raises(ValidationError) as exc:
        add(s, "text", "为什么？", show_if=scale, show_if_options=[0])
    assert exc.value.message_dict["show_if"] == ["显示条件只能依据单选或多选题。"]
    choice = add(s, "single", "是否参加过？", options=["是", "否"])
    with pytest.raises(ValidationError) as exc:
        add(s, "text", "为什么？", show_if=choice, show_if_options=[5])
    assert "show_if_options" in exc.value.message_dict


def test_one_response_per_device(typed):
    s, q = typed
    full = {q["single"]: 1, q["multiple"]: [0, 1], q["scale"]: 4, q["number"]: 2}
    answer(s, "same-device", full)
    with pytest.raises(ValidationError) as exc:
        answer(s, "same-device", full)
    assert exc.value.code == "duplicate"
    answer(s, "other-device", full)
    assert Response.objects.filter(survey=s).count() == 2


def test_only_a_published_survey_takes_answers(world):
    s = make_survey(world.committee_a, publish=False)
    add(s, "scale", "满意程度")
    with pytest.raises(ValidationError, match="不在收集期内"):
        answer(s, "d", {s.current_questions().get(): 3})
    services.transition(actor=SYSTEM, survey=s, name="publish")
    services.transition(actor=SYSTEM, survey=s, name="close")
    with pytest.raises(ValidationError, match="不在收集期内"):
        answer(s, "d", {s.current_questions().get(): 3})


def test_questions_get_a_new_revision_once_answered(typed, liaison):
    s, q = typed
    r = answer(s, "dev1", {q["single"]: 1, q["multiple"]: [0, 1], q["scale"]: 4, q["number"]: 2})
    services.question_save(
        actor=liaison,
        survey=s,
        question=q["single"],
        data=services.QuestionData(
            kind="single", text="国家宪法日是哪天？", options=["3月15日", "12月4日"], correct=[1]
        ),
    )
    s.refresh_from_db()
    assert s.revision == 2
    # the answered revision is untouched; the response still names its own questions
    q["single"].refresh_from_db()
    assert (q["single"].text, q["single"].revision) == ("宪法日是哪天？", 1)
    assert r.revision == 1 and set(r.answers.values_list("question__revision", flat=True)) == {1}
    current = list(s.current_questions())
    assert [x.text for x in current][:2] == ["国家宪法日是哪天？", "民法典调整哪些？"]
    assert len(current) == 5
    # further edits before anyone answers revision 2 stay on it
    services.question_save(actor=liaison, survey=s, data=services.QuestionData(kind="scale", text="推荐给邻居的意愿"))
    s.refresh_from_db()
    assert s.revision == 2 and s.current_questions().count() == 6
    assert AuditEntry.objects.filter(code="surveys.revision.create").count() == 1
    # a new answer goes to the new revision
    new = {x: (1 if x.kind == "single" else [0, 1] if x.kind == "multiple" else 3) for x in current if x.kind != "text"}
    new[s.current_questions().get(text="推荐给邻居的意愿")] = 5
    assert answer(s, "dev2", new).revision == 2


def test_a_draft_without_questions_cannot_be_published_and_steps_are_audited(world, liaison):
    s = make_survey(world.committee_a, publish=False, actor=liaison)
    with pytest.raises(ValidationError, match="还没有题目"):
        services.transition(actor=liaison, survey=s, name="publish")
    add(s, "scale", "满意程度")
    services.transition(actor=liaison, survey=s, name="publish")
    services.transition(actor=liaison, survey=s, name="close")
    assert s.status == Survey.Status.CLOSED and s.closed_at is not None
    codes = list(
        AuditEntry.objects.filter(object_id=str(s.pk), code__startswith="surveys.survey")
        .order_by("id")
        .values_list("code", flat=True)
    )
    assert codes == ["surveys.survey.create", "surveys.survey.publish", "surveys.survey.close"]
    with pytest.raises(ValidationError, match="已结束"):
        add(s, "scale", "再加一题")


def test_other_units_may_not_manage_a_survey(world, other_liaison, inspector):
    s = make_survey(world.committee_a)
    with pytest.raises(PermissionDenied):
        services.transition(actor=other_liaison, survey=s, name="close")
    with pytest.raises(PermissionDenied):
        services.question_save(actor=inspector, survey=s, data=services.QuestionData(kind="scale", text="x"))
    with pytest.raises(PermissionDenied):
        make_survey(world.committee_a, actor=other_liaison)


def test_pre_and_post_belong_to_an_activity_of_the_unit(world, liaison):
    activity = make_activity(world.committee_a)
    pre = make_survey(world.committee_a, actor=liaison, activity=activity, phase=Survey.Phase.PRE)
    post = make_survey(world.committee_a, actor=liaison, activity=activity, phase=Survey.Phase.POST, baseline=pre)
    assert post.baseline == pre and post.region == activity.unit.region
    other = make_activity(world.committee_b)
    with pytest.raises(ValidationError) as exc:
        make_survey(world.committee_a, actor=liaison, activity=other)
    assert exc.value.message_dict["activity"] == ["只能关联本单位可登记的活动。"]
    with pytest.raises(ValidationError) as exc:
        make_survey(world.committee_a, actor=liaison, phase=Survey.Phase.POST, baseline=post, activity=activity)
    assert "baseline" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_survey(world.committee_a, actor=liaison, phase=Survey.Phase.PRE)
    assert "phase" in exc.value.message_dict


def test_a_survey_with_answers_is_ended_not_deleted(typed, liaison):
    s, q = typed
    answer(s, "d", {q["single"]: 1, q["multiple"]: [0], q["scale"]: 2, q["number"]: 0})
    with pytest.raises(ValidationError, match="不能删除"):
        services.survey_delete(actor=liaison, survey=s)
    draft = make_survey(s.unit, publish=False)
    services.survey_delete(actor=liaison, survey=draft)
    assert not Survey.objects.filter(pk=draft.pk).exists()


def test_templates_are_ready_to_publish(world):
    lit = make_survey(world.committee_a, template="literacy")
    questions = list(lit.current_questions())
    assert sum(q.is_knowledge for q in questions) == 8
    assert {q.kind for q in questions} == {Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.SCALE}
    right = {q: q.correct if q.kind == "multiple" else (q.correct[0] if q.correct else 4) for q in questions}
    assert answer(lit, "d", right).score == Decimal("100.0")


def test_community_must_lie_in_the_survey_area(typed, world):
    s, q = typed
    full = {q["single"]: 1, q["multiple"]: [0, 1], q["scale"]: 4, q["number"]: 2}
    with pytest.raises(ValidationError) as exc:
        answer(s, "d", full, community_id=world.community_b.pk)  # community A's survey
    assert exc.value.message_dict["community"] == ["请从列表中选择所在社区。"]


def test_the_audience_must_be_one_offered(world):
    """Checked against the list the page offered (kept with the questionnaire): an audience retired before
    the survey was first opened is neither offered nor taken."""
    retired = Audience.objects.create(name="已停用的对象", code="retired-audience", is_active=False)
    offered = Audience.objects.filter(is_active=True).first()
    s = make_survey(world.committee_a, publish=False, ask_audience=True)
    q = add(s, "scale", "满意程度")
    services.transition(actor=SYSTEM, survey=s, name="publish")
    for wrong in (retired.pk, 999_999):
        with pytest.raises(ValidationError) as exc:
            answer(s, f"d{wrong}", {q: 4}, audience_id=wrong)
        assert exc.value.message_dict["audience"] == ["请从列表中选择身份类别。"]
    assert answer(s, "ok", {q: 4}, audience_id=offered.pk).audience == offered


def test_a_request_reads_a_surveys_state_once_and_again_after_a_write(world):
    """`selectors.survey_state` is kept for the request (the answering view and `respond` share one read); a
    survey written through the workflow in the same request is read again."""
    from pufa.core import per_request

    s = make_survey(world.committee_a, publish=True)
    per_request.started()
    try:
        assert selectors.survey_state(s.token)["status"] == "published"
        Survey.objects.filter(pk=s.pk).update(title="另一进程改的")  # another process: this request keeps its read
        assert selectors.survey_state(s.token)["title"] != "另一进程改的"
        services.transition(actor=SYSTEM, survey=s, name="close")
        assert selectors.survey_state(s.token)["status"] == "closed"
    finally:
        per_request.finished()
    assert selectors.survey_state(s.token)["title"] == "另一进程改的"
