"""The reports services: drafting, editing, the submit → return/accept workflow, freezing, region summaries,
deadlines and circulars — each rule, each audit entry."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pufa.core.models import AuditEntry, Notification
from pufa.ledger import services as ledger_services
from pufa.org.access import SYSTEM
from pufa.org.models import Membership
from pufa.reports import selectors, services
from pufa.reports.documents import render
from pufa.reports.figures import compute
from pufa.reports.models import Circular, Report, ReportDeadline
from tests.factories import make_activity, member_of


def audit_codes(obj) -> list[str]:
    from django.contrib.contenttypes.models import ContentType

    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
    return list(entries.order_by("at", "id").values_list("code", flat=True))


def ready(report: Report, actor) -> Report:
    return services.report_update(
        actor=actor,
        report=report,
        title=report.title,
        intro=report.intro,
        practices=report.practices or "（一）开展民法典宣传。全年开展宣讲。",
        problems=report.problems,
        plans="继续开展民法典宣传。",
    )


@pytest.fixture
def draft(world, ledger, liaison) -> Report:
    return services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)


def test_start_drafts_with_seeded_prose(world, ledger, liaison, draft):
    assert draft.status == "draft" and draft.kind == "unit" and draft.region == world.community_a
    assert draft.title == "沱河社区居委会2026年上半年普法工作情况报告"
    assert draft.intro.startswith("2026年上半年，沱河社区居委会深入学习贯彻习近平法治思想")
    # 主要做法和成效 seeded with the two highlights, in date order, as run-in headings
    assert draft.practices.splitlines()[0].startswith("（一）民法典进社区宣讲。邀请律师讲解民法典婚姻家庭编")
    assert draft.practices.splitlines()[1].startswith("（二）联合以案释法。")
    assert draft.problems == (
        "一是“每季度开展一堂法治课”滞后，2个季度中1个季度达标；二是“组织开展法治文化活动”滞后，尚未开展（目标2场）。"
    )
    assert draft.plans == "" and draft.figures == {} and draft.author == liaison
    assert audit_codes(draft) == ["reports.report.create"]


def test_start_is_idempotent_per_unit_and_period(world, ledger, liaison, draft):
    again = services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    assert again.pk == draft.pk and Report.objects.count() == 1
    year = services.report_start(actor=liaison, unit=world.committee_a, period="year", year=2026)
    assert year.pk != draft.pk


def test_start_rules(world, ledger, liaison, inspector):
    with pytest.raises(PermissionDenied):
        services.report_start(actor=liaison, unit=world.committee_b, period="h1", year=2026)
    with pytest.raises(PermissionDenied):
        services.report_start(actor=inspector, unit=world.committee_a, period="h1", year=2026)
    with pytest.raises(ValidationError) as exc:
        services.report_start(actor=liaison, unit=world.committee_a, period="q3", year=2026)
    assert "period" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2031)
    assert "year" in exc.value.message_dict


def test_update_edits_prose_and_audits(draft, liaison):
    services.report_update(
        actor=liaison, report=draft, title=" 新标题 ", intro="概述", practices="做法", problems="问题", plans="打算"
    )
    draft.refresh_from_db()
    assert (draft.title, draft.intro, draft.plans) == ("新标题", "概述", "打算")
    entry = AuditEntry.objects.get(code="reports.report.update", object_id=str(draft.pk))
    assert entry.changes["plans"] == ["", "打算"]


def test_update_rules(draft, liaison, other_liaison):
    with pytest.raises(ValidationError) as exc:
        services.report_update(actor=liaison, report=draft, title=" ", intro="", practices="", problems="", plans="")
    assert "title" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.report_update(
            actor=liaison, report=draft, title="标题", intro="长" * 5001, practices="", problems="", plans=""
        )
    assert "intro" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.report_update(
            actor=other_liaison, report=draft, title="x", intro="", practices="", problems="", plans=""
        )


def test_submit_requires_practices_and_plans(draft, liaison):
    with pytest.raises(ValidationError) as exc:
        services.report_submit(actor=liaison, report=draft)
    assert set(exc.value.message_dict) == {"plans"}
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_submit_freezes_figures_and_document(world, ledger, draft, liaison, office_user):
    ready(draft, liaison)
    services.report_submit(actor=liaison, report=draft)
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_by == liaison and draft.submitted_at is not None
    assert draft.figures["scope"] == "unit"
    assert {f["key"]: f["value"] for f in draft.figures["figures"]}["activities"] == 5
    assert draft.document["title"] == draft.title and draft.document["recipient"] == "沱河街道法治办"
    frozen = {f["key"]: f["value"] for f in draft.figures["figures"]}
    history = [e.message for e in selectors.report_events(report=draft)]
    assert history == [f"报送（活动{frozen['activities']}场次，参与{frozen['people']}人次）"]
    assert audit_codes(draft)[-1] == "reports.report.submit"
    assert Notification.objects.filter(user=office_user, url=f"/reports/{draft.pk}/").exists()
    with pytest.raises(ValidationError):
        services.report_update(actor=liaison, report=draft, title="改", intro="", practices="", problems="", plans="")
    with pytest.raises(ValidationError):
        services.report_submit(actor=liaison, report=draft)


def test_frozen_report_does_not_change_when_records_change(world, ledger, draft, liaison, office_user):
    """The heart of 'frozen with the report': figures and every rendered file stay as submitted."""
    ready(draft, liaison)
    services.report_submit(actor=liaison, report=draft)
    draft.refresh_from_db()
    before_data = selectors.report_data(report=draft)
    before_doc = selectors.report_document(report=draft)
    before_text = "\n".join(p.text for p in docx.Document(io.BytesIO(render(before_doc, "docx"))).paragraphs)

    make_activity(world.committee_a, title="补登的集中宣传", kind="jzxc", date=dt.date(2026, 5, 20), people_onsite=500)
    ledger_services.activity_delete(actor=SYSTEM, activity=ledger.activities[0], reason="重复")

    live = compute(unit=world.committee_a, period="h1", year=2026)
    assert live.value("activities") == 5 and live.value("people") == 615 - 100 + 500  # the records did change
    draft.refresh_from_db()
    after_data = selectors.report_data(report=draft)
    assert after_data == before_data and after_data.value("people") == 615
    after_doc = selectors.report_document(report=draft)
    assert after_doc.to_dict() == before_doc.to_dict()
    after_text = "\n".join(p.text for p in docx.Document(io.BytesIO(render(after_doc, "docx"))).paragraphs)
    assert after_text == before_text and "参与群众615人次" in after_text
    services.report_accept(actor=office_user, report=draft)
    draft.refresh_from_db()
    assert selectors.report_data(report=draft) == before_data


def test_return_and_resubmit(world, ledger, draft, liaison, office_user):
    ready(draft, liaison)
    services.report_submit(actor=liaison, report=draft)
    with pytest.raises(ValidationError) as exc:
        services.report_return(actor=office_user, report=draft, reason=" ")
    assert "reason" in exc.value.message_dict
    services.report_return(actor=office_user, report=draft, reason="请补充典型案例")
    draft.refresh_from_db()
    assert draft.status == "returned" and draft.review_comment == "请补充典型案例" and draft.reviewer == office_user
    assert Notification.objects.filter(user=liaison, body="请补充典型案例").exists()
    # returned: live again — a record added now shows up
    make_activity(world.committee_a, title="补充的以案释法", kind="yasf", date=dt.date(2026, 6, 10))
    assert selectors.report_data(report=draft).value("cases") == 2
    services.report_update(
        actor=liaison,
        report=draft,
        title=draft.title,
        intro=draft.intro,
        practices=draft.practices + "\n（三）补充案例。",
        problems=draft.problems,
        plans=draft.plans,
    )
    services.report_submit(actor=liaison, report=draft)
    draft.refresh_from_db()
    assert draft.status == "submitted" and {f["key"]: f["value"] for f in draft.figures["figures"]}["cases"] == 2
    services.report_accept(actor=office_user, report=draft, comment="同意")
    draft.refresh_from_db()
    assert draft.status == "accepted" and draft.review_comment == "同意"
    history = [(e.code, e.actor_name, e.message) for e in selectors.report_events(report=draft)]
    assert [(code, name) for code, name, _ in history] == [
        ("reports.report.submit", liaison.get_full_name()),
        ("reports.report.return", office_user.get_full_name()),
        ("reports.report.submit", liaison.get_full_name()),
        ("reports.report.accept", office_user.get_full_name()),
    ]
    assert history[1][2] == "退回修改：请补充典型案例" and history[3][2] == "审核通过：同意"
    assert audit_codes(draft) == [
        "reports.report.create",
        "reports.report.update",
        "reports.report.submit",
        "reports.report.return",
        "reports.report.update",
        "reports.report.submit",
        "reports.report.accept",
    ]


def test_review_rules(world, ledger, draft, liaison, office_user, inspector, other_office):
    with pytest.raises(ValidationError):  # not submitted yet
        services.report_accept(actor=office_user, report=draft)
    ready(draft, liaison)
    services.report_submit(actor=liaison, report=draft)
    for actor in (liaison, inspector):
        with pytest.raises(PermissionDenied):
            services.report_accept(actor=actor, report=draft)
    with pytest.raises(PermissionDenied):
        services.report_return(actor=other_office, report=draft, reason="不是你的")


def test_office_cannot_review_its_own_units_report(world, ledger, office_user):
    """The street office's own report is reviewed above it, never by itself."""
    own = services.report_start(actor=office_user, unit=world.office_unit, period="h1", year=2026)
    ready(own, office_user)
    services.report_submit(actor=office_user, report=own)
    assert not selectors.may_review(office_user, own)
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=office_user, report=own)
    district_office = member_of(
        _district_office(world), Membership.Role.OFFICE, username="district", full_name="王建国"
    )
    services.report_accept(actor=district_office, report=own)
    own.refresh_from_db()
    assert own.status == "accepted"


def _district_office(world):
    from tests.factories import UnitFactory

    return UnitFactory(name="测试区法宣办", kind="office", region=world.district, code="test-qfxb")


def test_region_summary_merges_accepted_reports(world, ledger, liaison, other_liaison, office_user):
    a = services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    ready(a, liaison)
    services.report_submit(actor=liaison, report=a)
    services.report_accept(actor=office_user, report=a)
    b = services.report_start(actor=other_liaison, unit=world.committee_b, period="h1", year=2026)
    ready(b, other_liaison)
    services.report_submit(actor=other_liaison, report=b)  # submitted, not accepted: not merged
    summary = services.region_summary(actor=office_user, region=world.street_a, period="h1", year=2026)
    assert summary.kind == "summary" and summary.unit == world.office_unit and summary.region == world.street_a
    assert summary.title == "沱河街道2026年上半年普法工作情况汇总报告"
    assert (
        summary.practices.startswith("（一）沱河社区居委会。民法典进社区宣讲。")
        and "桃园社区居委会" not in summary.practices
    )
    assert "有2个单位进度滞后或逾期" in summary.problems
    data = selectors.report_data(report=summary)
    assert data.scope == "region" and data.value("activities") == 5
    document = selectors.report_document(report=summary)
    unit_table = next(b for b in document.blocks if b.type == "table" and "各单位报送情况" in b.caption)
    rows = {r[0]: r for r in unit_table.rows}  # one street: no street column
    assert rows["沱河社区居委会"][1:] == ["已通过", "5", "615", "890"]
    assert rows["桃园社区居委会"][1:3] == ["已报送", "—"]
    assert rows["沱河街道司法所"][1] == "未报送"
    assert services.region_summary(actor=office_user, region=world.street_a, period="h1", year=2026).pk == summary.pk
    assert audit_codes(summary) == ["reports.summary.create"]
    with pytest.raises(PermissionDenied):
        services.region_summary(actor=liaison, region=world.street_a, period="h1", year=2026)


def test_region_summary_remerge_picks_up_newly_accepted_reports(world, ledger, liaison, office_user):
    summary = services.region_summary(actor=office_user, region=world.street_a, period="h1", year=2026)
    assert summary.practices == ""
    a = services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    ready(a, liaison)
    services.report_submit(actor=liaison, report=a)
    services.report_accept(actor=office_user, report=a)
    again = services.region_summary(actor=office_user, region=world.street_a, period="h1", year=2026, remerge=True)
    assert again.pk == summary.pk and again.practices.startswith("（一）沱河社区居委会。")
    assert audit_codes(summary)[-1] == "reports.summary.remerge"


def test_deadline_set_and_due_date(world, office_user, liaison):
    assert selectors.due_date(region=world.community_a, period="h1", year=2026) == dt.date(2026, 6, 30)
    assert selectors.due_date(region=world.community_a, period="year", year=2026) == dt.date(2026, 12, 31)
    services.deadline_set(actor=office_user, region=world.street_a, period="year", year=2026, due=dt.date(2026, 12, 15))
    assert selectors.due_date(region=world.community_a, period="year", year=2026) == dt.date(2026, 12, 15)
    assert selectors.due_date(region=world.street_b, period="year", year=2026) == dt.date(2026, 12, 31)
    services.deadline_set(actor=office_user, region=world.street_a, period="year", year=2026, due=dt.date(2026, 12, 20))
    assert ReportDeadline.objects.get().due == dt.date(2026, 12, 20)
    assert AuditEntry.objects.filter(code="reports.deadline.set").count() == 2
    with pytest.raises(ValidationError):
        services.deadline_set(
            actor=office_user, region=world.street_a, period="year", year=2026, due=dt.date(2028, 1, 1)
        )
    with pytest.raises(PermissionDenied):
        services.deadline_set(actor=liaison, region=world.community_a, period="h1", year=2026, due=dt.date(2026, 6, 1))


def test_circular_draft_and_publish(world, ledger, office_user, liaison, other_liaison, other_office):
    circular = services.circular_draft(actor=office_user, issuing_unit=world.office_unit)
    assert circular.status == "draft" and circular.region == world.street_a
    units = {u["name"]: u for u in circular.data["units"]}
    assert set(units) == {"沱河社区居委会", "桃园社区居委会"}
    assert units["沱河社区居委会"]["lagging"] == 2 and units["沱河社区居委会"]["activities"] == 6
    assert circular.data["behind"] and not circular.data["ahead"]
    services.circular_update(
        actor=office_user,
        circular=circular,
        title="关于上半年普法任务推进情况的通报",
        number="沱法治办〔2026〕3号",
        intro=circular.intro,
        requirements="限期整改。",
    )
    services.circular_publish(actor=office_user, circular=circular)
    circular.refresh_from_db()
    assert circular.status == "published" and set(circular.recipients.all()) == {world.committee_a, world.committee_b}
    assert Notification.objects.filter(user=liaison, key=f"reports.circular.{circular.pk}").exists()
    assert Notification.objects.filter(user=other_liaison).exists()
    assert audit_codes(circular) == ["reports.circular.create", "reports.circular.update", "reports.circular.publish"]
    with pytest.raises(ValidationError):
        services.circular_publish(actor=office_user, circular=circular)
    with pytest.raises(ValidationError):
        services.circular_update(actor=office_user, circular=circular, title="改", number="", intro="", requirements="")


def test_circular_rules(world, ledger, office_user, liaison, other_office):
    with pytest.raises(PermissionDenied):
        services.circular_draft(actor=liaison, issuing_unit=world.committee_a)
    with pytest.raises(ValidationError):
        services.circular_draft(actor=office_user, issuing_unit=world.judicial_office)
    circular = services.circular_draft(actor=office_user, issuing_unit=world.office_unit)
    with pytest.raises(PermissionDenied):
        services.circular_publish(actor=other_office, circular=circular)
    with pytest.raises(ValidationError):
        services.circular_publish(actor=office_user, circular=circular, recipients=[world.other_office_unit])
    assert Circular.objects.get().status == "draft"
