"""A populated region for the URL walk and the parameter fuzz: one record of every kind a URL can name,
owned by community A (沱河社区居委会) or issued by the street A office, and a user for every role.

Who sees what follows the role table: office and inspector of street A see the whole street; the liaison
and the member of community A see their unit; the liaison of community B sees only what street A issued to
everyone below it; the street B office (the outsider) sees nothing of street A.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from PIL import Image

from pufa.core.models import Domain
from pufa.creation import services as creation_services
from pufa.creation.models import Criterion, Level
from pufa.duties import services as duty_services
from pufa.ledger import services as ledger_services
from pufa.ledger.models import KeyDate
from pufa.org import services as org_services
from pufa.org.models import Feedback, Membership, User
from pufa.people import services as people_services
from pufa.people.models import TeamKind
from pufa.plans.models import Target
from pufa.reports import services as report_services
from pufa.venues import services as venue_services
from pufa.venues.models import Upkeep, Venue, VenueKind
from tests.factories import duty_list, law, make_activity, make_plan, make_task, member_of

#: The roles of the walk, each a user of the cast (None: not logged in).
ROLES = ("anonymous", "office", "liaison", "other_liaison", "inspector", "member", "outsider")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-07-10 10:00 +0800", tick=False):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "#1565c0").save(buffer, format="JPEG")
    return buffer.getvalue()


@dataclass
class Site:
    users: dict[str, User | None]
    objects: dict[str, Any] = field(default_factory=dict)


@pytest.fixture
def site(world, office_user, liaison, other_liaison, inspector, other_office) -> Site:
    member = member_of(world.committee_a, Membership.Role.MEMBER, username="member", full_name="周平")
    users: dict[str, User | None] = {
        "anonymous": None,
        "office": office_user,
        "liaison": liaison,
        "other_liaison": other_liaison,
        "inspector": inspector,
        "member": member,
        "outsider": other_office,
    }
    plan = make_plan(world.office_unit, title="沱河街道2026年普法工作要点")
    task = make_task(plan, title="每季度开展一堂法治课", units={"responsible": [world.committee_a]})
    target = Target.objects.create(
        task=task, metric="ledger.activity_count", period=Target.Period.YEAR, threshold=2, measure="堂", text="全年2堂"
    )
    draft_list = duty_list(world.committee_a, status="draft")
    published = duty_list(world.committee_a, year=2025, status="published")
    template = duty_services.duty_template_create(
        actor=office_user, issuing_unit=world.office_unit, unit_kind="community_committee", title="社区清单模板"
    )
    activity = make_activity(world.committee_a, title="民法典进社区宣讲", status="draft", date=dt.date(2026, 3, 15))
    evidence = ledger_services.evidence_add(
        actor=liaison,
        activity=activity,
        upload=ledger_services.EvidenceUpload(file=io.BytesIO(_jpeg()), name="现场.jpg"),
    )
    key_date = ledger_services.key_date_save(
        actor=office_user,
        data=ledger_services.KeyDateData(
            name="沱河街道法治文化节",
            month=9,
            day=1,
            domains=[Domain.objects.get(code="minfadian")],
            region=world.street_a,
        ),
    )
    report = report_services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    circular = report_services.circular_draft(actor=office_user, issuing_unit=world.office_unit)
    report_services.circular_publish(actor=office_user, circular=circular, recipients=[world.committee_a])
    feedback = org_services.feedback_submit(
        actor=liaison, kind=Feedback.Kind.SUGGESTION, content="希望多办些法律讲座。", region=world.community_a
    )
    request = make_activity(world.other_office_unit, title="三八街道联合普法", co_organisers=[world.committee_a])
    person = people_services.person_create(
        actor=liaison,
        data=people_services.PersonData(
            name="周桂兰", region=world.community_a, unit=world.committee_a, phone="13912345678"
        ),
        teams=[people_services.JoinData(kind=TeamKind.objects.get(code="flmbr"), start=dt.date(2025, 3, 1))],
    )
    spot_check = people_services.spot_check_create(
        actor=office_user, region=world.street_a, unit=world.office_unit, title="电话抽查", count=1, seed=7
    )
    venues = _venues(world, office_user=office_user, liaison=liaison, activity=activity)
    creation = _creation(world, office_user=office_user, liaison=liaison, inspector=inspector)
    assessment = _assessment(world, office_user=office_user, liaison=liaison, inspector=inspector)
    objects = {
        "region": world.community_a,
        "unit": world.committee_a,
        "user": liaison,
        "membership": Membership.objects.get(user=liaison),
        "feedback": feedback,
        "plan": plan,
        "task": task,
        "target": target,
        "activity": activity,
        "evidence": evidence,
        "key_date": key_date,
        "duty_list": draft_list,
        "published_list": published,
        "item": draft_list.items.get(),
        "planned": draft_list.planned_activities.get(),
        "law": law(),
        "template": template,
        "report": report,
        "circular": circular,
        "progress_unit": world.committee_a,
        "portal_region": world.street_a,
        "consent_request": request.participants.get(unit=world.committee_a),
        "person": person,
        "spot_check": spot_check,
        "team_kind": TeamKind.objects.get(code="flmbr"),
        "spot_item": spot_check.items.get(),
        "person_membership": person.memberships.get(),
        **venues,
        **creation,
        **assessment,
    }
    objects |= _demand(world)
    objects |= cases_exams_tokens(world, office=office_user, liaison=liaison, member=member, activity=activity)
    objects |= _surveys(liaison=liaison, activity=activity)
    assert KeyDate.objects.exists()
    return Site(users=users, objects=objects)


#: The public link of the walk's survey (the portal's answering page is named by it).
SURVEY_TOKEN = "walk-survey"


def _surveys(*, liaison: User, activity: Any) -> dict[str, Any]:
    """Community A's published feedback survey about its activity (from the template), with one response."""
    from pufa.surveys import services as survey_services
    from pufa.surveys.models import Survey

    survey = survey_services.survey_create(
        actor=liaison,
        data=survey_services.SurveyData(title="民法典宣讲效果反馈", unit=activity.unit, activity=activity),
        template="feedback",
    )
    survey_services.transition(actor=liaison, survey=survey, name="publish")
    Survey.objects.filter(pk=survey.pk).update(token=SURVEY_TOKEN)
    sat, learnt, _why, want, _advice = survey.current_questions()
    survey_services.respond(
        token=SURVEY_TOKEN, device="walk-device", answers={sat.pk: ["4"], learnt.pk: ["0"], want.pk: ["1"]}
    )
    campaign = survey_services.campaign_create(
        actor=liaison,
        data=survey_services.CampaignData(
            name="民法典宣传月",
            unit=activity.unit,
            starts_on=activity.date,
            ends_on=activity.date,
            activities=(activity,),
        ),
    )
    return {"survey": survey, "survey_question": survey.current_questions().last(), "campaign": campaign}


def _demand(world: Any) -> dict[str, Any]:
    """A hotline order, a gazetteer entry and a keyword rule of the street A office."""
    from django.utils import timezone

    from pufa.demand import counts
    from pufa.demand.models import GazetteerEntry, KeywordRule, WorkOrder

    order = WorkOrder.objects.create(
        region=world.street_a,
        number="12345-WALK",
        received_at=timezone.now(),
        text="咨询拖欠工资怎么办",
        place=world.community_a,
        domain=Domain.objects.get(code="ldjy-shbz"),
    )
    counts.created([order])  # written directly: counted as the services count theirs
    entry = GazetteerEntry.objects.create(name="锦绣花园", kind="estate", region=world.community_a)
    rule = KeywordRule.objects.create(domain=Domain.objects.get(code="jdht"), keywords="网贷", region=world.street_a)
    return {"work_order": order, "gazetteer_entry": entry, "keyword_rule": rule, "menu_order": _menu_order(world)}


#: The private link of the walk's 点单 (the portal's status page is named by it).
MENU_TOKEN = "walk-menu-order"


def _menu_order(world: Any) -> Any:
    """A resident's 点单 in community A, routed to its committee by the published list (民法典)."""
    from pufa.core.models import ActivityKind
    from pufa.demand import menu
    from pufa.demand.models import MenuOrder

    order, _ = menu.order_place(
        data=menu.OrderData(
            domain=Domain.objects.get(code="minfadian"),
            kind=ActivityKind.objects.get(code="ztjz"),
            place=world.community_a,
            contact_phone="13912345678",
        )
    )
    MenuOrder.objects.filter(pk=order.pk).update(token_hash=menu.token_hash(MENU_TOKEN))
    assert order.unit_id == world.committee_a.pk
    return order


#: A square around 沱河街道 for the offline map (GeoJSON, WGS84).
BOUNDARY = (
    b'{"type": "Polygon", "coordinates": [[[117.0, 33.9], [117.1, 33.9], [117.1, 34.0], [117.0, 34.0], [117.0, 33.9]]]}'
)


def _venues(world: Any, *, office_user: User, liaison: User, activity: Any) -> dict[str, Any]:
    """A board of community A kept by its committee, with an upkeep row and a photo, named as the place of the
    walk's activity; the street's map outline, shown on the portal."""
    venue = venue_services.venue_create(
        actor=liaison,
        data=venue_services.VenueData(
            name="沱河社区法治宣传栏",
            kind=VenueKind.objects.get(code="board"),
            level=Venue.Level.COMMUNITY,
            region=world.community_a,
            unit=world.committee_a,
            opened_on=dt.date(2026, 1, 10),
            longitude=Decimal("117.05"),
            latitude=Decimal("33.95"),
            area_m2=Decimal("2.5"),
        ),
    )
    upkeep = venue_services.upkeep_record(
        actor=liaison, venue=venue, kind=Upkeep.Kind.CONTENT, date=dt.date(2026, 7, 1), note="第7期"
    )
    photo = venue_services.photo_add(actor=liaison, venue=venue, upload=io.BytesIO(_jpeg()), name="宣传栏.jpg")
    venue_services.activity_venue_set(actor=liaison, activity=activity, venue=venue)
    boundary = venue_services.boundary_upload(actor=office_user, region=world.street_a, raw=BOUNDARY)
    venue_services.boundary_set_portal(actor=office_user, boundary=boundary, show=True)
    return {"venue": venue, "upkeep": upkeep, "photo": photo, "boundary": boundary}


def _creation(world: Any, *, office_user: User, liaison: User, inspector: User) -> dict[str, Any]:
    """The street A office's scheme (one attested and one computed criterion, both met by community A), and
    community A's application through street review and on-site review to its title."""
    scheme = creation_services.scheme_create(
        actor=office_user, name="民主法治示范社区创建标准", level=Level.DISTRICT, year=2026, region=world.street_a
    )
    criterion = creation_services.criterion_add(
        actor=office_user, scheme=scheme, title="有一支法制宣传队", kind=Criterion.Kind.ATTESTED
    )
    creation_services.criterion_add(
        actor=office_user,
        scheme=scheme,
        title="有一个法制专栏（宣传栏）",
        kind=Criterion.Kind.COMPUTED,
        metric="venues.count",
        filters={"kind": "board"},
    )
    attestation = creation_services.attest(
        actor=liaison,
        criterion=criterion,
        unit=world.committee_a,
        note="社区法制宣传队8人。",
        file=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
        name="宣传队名单.pdf",
    )
    application = creation_services.application_create(actor=liaison, scheme=scheme, unit=world.committee_a)
    for actor, step in ((liaison, "submit"), (office_user, "approve"), (inspector, "pass")):
        application = creation_services.application_transition(
            actor=actor, application=application, name=step, note="符合标准"
        )
    return {
        "scheme": scheme,
        "criterion": criterion,
        "attestation": attestation,
        "application": application,
        "title": application.title,
        "checklist_unit": world.committee_a,
    }


def _assessment(world: Any, *, office_user: User, liaison: User, inspector: User) -> dict[str, Any]:
    """The street A office's published assessment scheme (one automatic, one manual item), community A's
    self-assessment note, a draw of every unit (the inspector drawn for community A), a finding, scores."""
    from pufa.assessment import services as assessment_services

    parsed = {
        "sections": [{"name": "宣传活动", "points": 10}],
        "items": [
            {"section": "宣传活动", "number": "1", "text": "开展主题宣传活动", "points": 6, "remark": "见记录"},
            {"section": "宣传活动", "number": "2", "text": "建立法律明白人队伍", "points": 4, "remark": "见花名册"},
        ],
    }
    scheme = assessment_services.scheme_import(
        actor=office_user, region=world.street_a, name="普法工作考核", year=2026, parsed=parsed
    )
    auto, manual = scheme.items.order_by("number")
    assessment_services.item_configure(
        actor=office_user,
        item=auto,
        kind="automatic",
        metric="ledger.activity_count",
        rule="threshold",
        params={"threshold": 1},
    )
    assessment_services.scheme_publish(actor=office_user, scheme=scheme)
    record = assessment_services.self_assessment_for(actor=liaison, scheme=scheme, unit=world.committee_a)
    assessment_services.note_save(actor=liaison, assessment=record, item=manual, note="队伍8人", points="4")
    draw = assessment_services.draw_create(actor=office_user, scheme=scheme, seed="walk", share="1", per_unit=1)
    assessment_services.finding_record(
        actor=inspector, draw=draw, unit=world.committee_a, item=manual, points="3", note="名册7人"
    )
    assessment_services.scoring_run(actor=office_user, scheme=scheme)
    appeal = assessment_services.appeal_file(
        actor=liaison, scheme=scheme, unit=world.committee_a, item=manual, reason="花名册另有1人未计入"
    )
    return {
        "assessment_scheme": scheme,
        "assessment_item": auto,
        "assessment_draw": draw,
        "assessed_unit": world.committee_a,
        "assessment_appeal": appeal,
    }


# ---- cases, exams, api tokens


def cases_exams_tokens(world: Any, *, office: User, liaison: User, member: User, activity: Any) -> dict[str, Any]:
    """A draft case of community A with an attachment, a submitted one with an open finding (a phone number),
    a published one an activity explained; the street office's bank, an exam community A's members must sit
    (the member has started it) and a contest round; the liaison's API token."""
    from django.utils import timezone

    from pufa.api import services as api_services
    from pufa.cases import services as case_services
    from pufa.cases.models import Case, Finding
    from pufa.exams import services as exam_services
    from pufa.exams.models import Kind

    def case(title: str, facts: str, **kwargs: Any) -> Case:
        data = case_services.CaseData(
            unit=world.committee_a,
            title=title,
            case_type=Case.Type.CIVIL,
            facts=facts,
            outcome="法院判决被告返还借款。",
            decided_on=dt.date(2026, 3, 1),
            parties=[("张伟", "被告")],
        )
        return case_services.case_create(actor=liaison, data=data, **kwargs)

    draft = case(
        "民间借贷纠纷案",
        "张伟向邻居借款五万元，到期拒不归还。",
        attachments=[case_services.Upload(file=io.BytesIO(_jpeg()), name="判决书.jpg")],
    )
    submitted = case("邻里噪声纠纷案", "张伟深夜装修，邻居拨打13912345678报警。")
    case_services.case_submit(actor=liaison, case=submitted)
    published = case("养老诈骗案", "张伟以投资养老项目为名骗取老人积蓄。")
    case_services.case_submit(actor=liaison, case=published)
    case_services.case_review(actor=office, case=published)
    for finding in Finding.objects.filter(case=published, status=Finding.Status.OPEN):
        case_services.finding_decide(actor=office, finding=finding, accept=True)
    published.refresh_from_db()
    case_services.case_publish(actor=office, case=published)
    use = case_services.case_use_add(actor=liaison, case=published, activity=activity)

    bank = exam_services.bank_create(actor=office, unit=world.office_unit, name="2026年学法题库")
    questions = [
        exam_services.question_create(
            actor=office,
            bank=bank,
            data=exam_services.QuestionData(kind=Kind.JUDGE, stem=f"判断题第{i + 1}题", options=[], answer="正确"),
        )
        for i in range(3)
    ]
    now = timezone.now()
    exam = exam_services.exam_create(
        actor=office,
        data=exam_services.ExamData(
            unit=world.office_unit,
            title="2026年度法律明白人学法考试",
            bank=bank,
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(days=2),
            rules={"judge": {"count": 2, "points": 50}},
            required_units=[world.committee_a],
            required_roles=[Membership.Role.MEMBER],
        ),
    )
    exam_services.exam_publish(actor=office, exam=exam)
    attempt = exam_services.attempt_start(actor=member, exam=exam)
    contest = exam_services.contest_create(
        actor=office,
        data=exam_services.ContestData(
            unit=world.office_unit,
            title="宪法知识竞赛",
            bank=bank,
            starts_at=now - dt.timedelta(hours=1),
            ends_at=now + dt.timedelta(days=7),
            question_count=2,
        ),
    )
    token = api_services.token_create(actor=liaison, name="报表同步", days=90).token
    return {
        "case": draft,
        "attachment": draft.attachments.get(),
        "finding": submitted.findings.get(status=Finding.Status.OPEN),
        "published_case": published,
        "case_use": use,
        "bank": bank,
        "question": questions[0],
        "exam": exam,
        "my_exam": exam,
        "attempt": attempt,
        "contest": contest,
        "api_token": token,
    }
