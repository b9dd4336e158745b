from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pufa.cases import selectors, services
from pufa.cases.metrics import PUBLISHED
from pufa.cases.models import Case, Finding
from pufa.core.events import RecordsChanged, listening
from pufa.core.models import AuditEntry
from pufa.core.workflow import available_transitions
from pufa.org.access import SYSTEM
from pufa.plans import metrics as registry
from tests.cases.conftest import make_case
from tests.factories import make_activity

pytestmark = pytest.mark.django_db


def test_liaison_writes_a_draft_of_own_unit_only(world, liaison):
    case = make_case(world.committee_a, actor=liaison)
    assert case.status == Case.Status.DRAFT and case.region_path == world.community_a.path
    assert AuditEntry.objects.filter(code="cases.case.create", object_id=str(case.pk)).exists()
    with pytest.raises(PermissionDenied):
        make_case(world.committee_b, actor=liaison)


def test_scoping_liaison_sees_own_unit_office_sees_region(world, liaison, other_liaison, office_user, other_office):
    mine = make_case(world.committee_a, actor=liaison)
    theirs = make_case(world.committee_b, actor=other_liaison)
    filters = selectors.CaseFilters()
    seen = lambda actor: {h.case.pk for h in selectors.case_page(actor=actor, filters=filters).hits}  # noqa: E731
    assert seen(liaison) == {mine.pk}
    assert seen(office_user) == {mine.pk, theirs.pk}
    assert seen(other_office) == set()
    assert seen(None) == set()


def test_submit_replaces_party_names_and_stores_findings(world, liaison):
    case = make_case(
        world.committee_a,
        actor=liaison,
        facts="被告人张伟使用手机13895561234联系被害人李秀英，李秀英家住幸福路18号。",
        outcome="张伟被判处有期徒刑一年。",
    )
    services.case_submit(actor=liaison, case=case)
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED
    assert "张伟" not in case.facts + case.outcome and "李秀英" not in case.facts
    assert "张某" in case.facts and "李某" in case.facts
    findings = {(f.kind, f.text): f.status for f in Finding.objects.filter(case=case)}
    assert findings[("name", "张伟")] == Finding.Status.APPLIED
    assert findings[("phone", "13895561234")] == Finding.Status.OPEN
    assert findings[("address", "幸福路18号")] == Finding.Status.OPEN
    entry = AuditEntry.objects.get(code="cases.case.submit", object_id=str(case.pk))
    assert "自动替换当事人姓名" in entry.message


def test_publishing_is_refused_while_findings_are_open(world, liaison, office_user):
    case = make_case(world.committee_a, actor=liaison, facts="被告人张伟的手机号码为13895561234。")
    services.case_submit(actor=liaison, case=case)
    services.case_review(actor=office_user, case=case)
    assert "publish" in available_transitions(case, office_user)
    with pytest.raises(ValidationError, match="脱敏发现未处理"):
        services.case_publish(actor=office_user, case=case)
    finding = Finding.objects.get(case=case, status=Finding.Status.OPEN)
    services.finding_decide(actor=office_user, finding=finding, accept=True)
    case.refresh_from_db()
    assert "13895561234" not in case.facts and "138****1234" in case.facts
    services.case_publish(actor=office_user, case=case)
    assert case.status == Case.Status.PUBLISHED and case.published_at is not None


def test_rejected_finding_keeps_text_and_is_not_reopened_on_resubmit(world, liaison, office_user):
    case = make_case(world.committee_a, actor=liaison, facts="邻居王建国称听见争吵。")
    services.case_submit(actor=liaison, case=case)
    finding = Finding.objects.get(case=case, kind="possible_name")
    services.finding_decide(actor=office_user, finding=finding, accept=False)
    services.case_return(actor=office_user, case=case, reason="请补充处理结果")
    case.refresh_from_db()
    services.case_submit(actor=liaison, case=case)
    assert not Finding.objects.filter(case=case, status=Finding.Status.OPEN).exists()
    case.refresh_from_db()
    assert "王建国" in case.facts


def test_only_reviewers_decide_and_publish(world, liaison, office_user, other_office):
    case = make_case(world.committee_a, actor=liaison, status="submitted")
    assert "review" not in available_transitions(case, liaison)
    with pytest.raises(PermissionDenied):
        services.case_review(actor=liaison, case=case)
    with pytest.raises(PermissionDenied):
        services.case_review(actor=other_office, case=case)
    finding = Finding.objects.filter(case=case, status=Finding.Status.OPEN).first()
    if finding is not None:
        with pytest.raises(PermissionDenied):
            services.finding_decide(actor=liaison, finding=finding, accept=True)
    services.case_review(actor=office_user, case=case)
    assert case.status == Case.Status.REVIEWED


def test_drafts_only_are_editable(world, liaison):
    case = make_case(world.committee_a, actor=liaison, status="submitted")
    data = services.CaseData(unit=world.committee_a, title="新标题", case_type="civil", facts="案情")
    with pytest.raises(ValidationError):
        services.case_update(actor=liaison, case=case, data=data)


def test_rules_are_checked_with_chinese_messages(world, liaison):
    data = services.CaseData(
        unit=world.committee_a, title="", case_type="x", facts="", parties=[("张三", "原告"), ("张三", "被告")]
    )
    with pytest.raises(ValidationError) as exc:
        services.case_create(actor=liaison, data=data)
    errors = exc.value.message_dict
    assert set(errors) >= {"title", "case_type", "facts", "parties"}


def test_publish_and_withdraw_announce_and_move_the_metric(world, liaison, office_user):
    heard: list[RecordsChanged] = []
    with listening(RecordsChanged, heard.append):
        case = make_case(world.committee_a, actor=liaison, status="published")
    assert any(PUBLISHED in e.metrics and world.committee_a.pk in e.unit_ids for e in heard)
    today = timezone.localdate()
    figures = registry.compute(
        PUBLISHED, unit_ids=[world.committee_a.pk, world.committee_b.pk], start=dt.date(today.year, 1, 1), end=today
    )
    assert figures.get(world.committee_a.pk) == 1 and not figures.get(world.committee_b.pk)
    heard.clear()
    with listening(RecordsChanged, heard.append):
        services.case_withdraw(actor=office_user, case=case)
    assert any(PUBLISHED in e.metrics for e in heard)
    figures = registry.compute(PUBLISHED, unit_ids=[world.committee_a.pk], start=dt.date(today.year, 1, 1), end=today)
    assert not figures.get(world.committee_a.pk)
    assert AuditEntry.objects.filter(code="cases.case.withdraw", object_id=str(case.pk)).exists()


def test_an_activity_names_the_cases_it_explained(world, liaison, other_liaison):
    case = make_case(world.committee_b, actor=other_liaison, status="published")
    activity = make_activity(world.committee_a, kind="yasf", title="以案释法进社区")
    services.case_use_add(actor=liaison, case=case, activity=activity)
    services.case_use_add(actor=liaison, case=case, activity=activity)  # once only
    assert [u.activity_id for u in selectors.case_uses(actor=liaison, case=case)] == [activity.pk]
    assert [u.case_id for u in selectors.activity_cases(activity=activity)] == [case.pk]
    with pytest.raises(PermissionDenied):
        services.case_use_add(actor=other_liaison, case=case, activity=activity)
    draft = make_case(world.committee_b, actor=other_liaison)
    with pytest.raises(ValidationError):
        services.case_use_add(actor=liaison, case=draft, activity=activity)


def test_todos_count_cases_to_review_and_open_findings(world, liaison, office_user):
    make_case(world.committee_a, actor=liaison, status="submitted", facts="被告人张伟的手机号码为13895561234。")
    lines = {t.label: t.count for t in selectors.todos(office_user) if hasattr(t, "count")}
    assert lines["个典型案例待审核"] == 1
    assert lines["个案例有待处理的脱敏发现"] == 1
    assert selectors.todos(None) is None


def test_system_may_do_everything(world):
    case = make_case(world.committee_a, actor=SYSTEM, status="published")
    assert case.status == Case.Status.PUBLISHED
