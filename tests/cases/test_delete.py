"""Deleting a case: soft and restorable within the retention period, as ledger activities are; a published
case is withdrawn first, and a case that living 以案释法 activities explained is kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from pufa.cases import search, selectors, services
from pufa.cases.models import Case
from pufa.core.models import AuditEntry
from tests.cases.conftest import make_case
from tests.factories import make_activity

pytestmark = pytest.mark.django_db


def _found(query: str) -> list[int]:
    return search.candidates(search.parse(query))


def test_the_unit_deletes_its_draft_and_restores_it(world, liaison, office_user):
    case = make_case(world.committee_a, actor=liaison)
    services.case_delete(actor=liaison, case=case, reason="重复录入")
    assert not Case.objects.filter(pk=case.pk).exists() and Case.all_objects.get(pk=case.pk).deleted_at
    assert case.pk not in _found("电信诈骗")
    assert selectors.case_page(actor=office_user, filters=selectors.CaseFilters()).total == 0
    entry = AuditEntry.objects.get(code="cases.case.delete")
    assert entry.action == "delete" and "重复录入" in entry.message
    services.case_restore(actor=liaison, case=case)
    case.refresh_from_db()
    assert case.deleted_at is None and case.status == Case.Status.DRAFT
    assert case.pk in _found("电信诈骗") and AuditEntry.objects.filter(code="cases.case.restore").exists()


def test_the_unit_cannot_delete_a_submitted_case_the_reviewer_can(world, liaison, office_user):
    case = make_case(world.committee_a, actor=liaison, status="submitted")
    with pytest.raises(ValidationError, match="不能由填报单位删除"):
        services.case_delete(actor=liaison, case=case)
    services.case_delete(actor=office_user, case=case)
    assert Case.all_objects.get(pk=case.pk).deleted_at is not None


def test_a_published_case_is_withdrawn_first_and_never_comes_back_public(world, liaison, office_user, client):
    case = make_case(world.committee_a, actor=liaison, status="published", title="已发布的诈骗案")
    with pytest.raises(ValidationError, match="先撤回发布"):
        services.case_delete(actor=office_user, case=case)
    services.case_withdraw(actor=office_user, case=case)
    services.case_delete(actor=office_user, case=case)
    services.case_restore(actor=office_user, case=case)
    case.refresh_from_db()
    assert case.status == Case.Status.WITHDRAWN
    assert client.get(reverse("portal:case-detail", args=[case.pk])).status_code == 404


def test_a_case_an_activity_explained_is_kept(world, liaison, office_user):
    case = make_case(world.committee_a, actor=liaison, status="published")
    activity = make_activity(world.committee_a, kind="yasf", title="以案释法进社区")
    services.case_use_add(actor=liaison, case=case, activity=activity)
    services.case_withdraw(actor=office_user, case=case)
    with pytest.raises(ValidationError, match="1个以案释法活动引用"):
        services.case_delete(actor=office_user, case=case)
    assert Case.objects.filter(pk=case.pk).exists()


def test_outsiders_cannot_delete_or_restore(world, liaison, other_liaison):
    case = make_case(world.committee_a, actor=liaison)
    with pytest.raises(PermissionDenied):
        services.case_delete(actor=other_liaison, case=case)
    services.case_delete(actor=liaison, case=case)
    with pytest.raises(PermissionDenied):
        services.case_restore(actor=other_liaison, case=case)


def test_restoring_after_the_retention_period_is_refused(world, liaison, settings):
    case = make_case(world.committee_a, actor=liaison)
    services.case_delete(actor=liaison, case=case)
    Case.all_objects.filter(pk=case.pk).update(
        deleted_at=timezone.now() - dt.timedelta(days=settings.PUFA_RETENTION_DAYS + 1)
    )
    with pytest.raises(ValidationError, match="保留期限"):
        services.case_restore(actor=liaison, case=Case.all_objects.get(pk=case.pk))


def test_pages_delete_and_restore(client_for, world, liaison, other_liaison):
    case = make_case(world.committee_a, actor=liaison)
    c = client_for(liaison)
    assert 'data-testid="delete-case"' in c.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert c.post(reverse("cases:case-delete", args=[case.pk])).status_code == 302
    page = c.get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert 'data-testid="deleted-banner"' in page and 'data-testid="restore-case"' in page
    assert client_for(other_liaison).get(reverse("cases:case-detail", args=[case.pk])).status_code == 404
    assert client_for(other_liaison).post(reverse("cases:case-restore", args=[case.pk])).status_code == 404
    client_for(liaison).post(reverse("cases:case-restore", args=[case.pk]))
    assert Case.objects.filter(pk=case.pk).exists()
