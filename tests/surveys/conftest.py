from __future__ import annotations

from typing import Any

import pytest

from pufa.org.access import SYSTEM
from pufa.surveys import services
from pufa.surveys.models import Question, Survey


def make_survey(unit: Any, *, template: str = "", publish: bool = True, **kwargs: Any) -> Survey:
    """A survey made through the service (audit entry included), published unless told otherwise."""
    actor = kwargs.pop("actor", SYSTEM)
    data = services.SurveyData(title=kwargs.pop("title", f"{unit.name}问卷"), unit=unit, **kwargs)
    survey = services.survey_create(actor=actor, data=data, template=template)
    if publish:
        if not survey.questions.exists():
            add(survey, "single", "您是否知道国家宪法日？", options=["知道", "不知道"], correct=[0])
        services.transition(actor=SYSTEM, survey=survey, name="publish")
    return survey


def add(survey: Survey, kind: str, text: str, **kwargs: Any) -> Question:
    return services.question_save(
        actor=SYSTEM, survey=survey, data=services.QuestionData(kind=kind, text=text, **kwargs)
    )


def answer(survey: Survey, device: str, answers: dict[Any, Any], **kwargs: Any):
    """Answer as the portal does: question → list of raw strings (a single value may be given bare)."""
    raw = {
        (q.pk if isinstance(q, Question) else q): [str(v) for v in (a if isinstance(a, list) else [a])]
        for q, a in answers.items()
    }
    return services.respond(token=survey.token, device=device, answers=raw, **kwargs)


@pytest.fixture
def survey_factory():
    return make_survey
