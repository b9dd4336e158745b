"""Deleted records (issue 13, item 9): listed and restorable only by those entitled — the organiser's liaison and
the office — within the retention period; files purged by the daily pass after it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from pufa.core.models import AuditEntry
from pufa.ledger import selectors, services
from pufa.ledger.models import Evidence
from pufa.ledger.selectors import ActivityFilter
from pufa.org.models import Membership
from tests.factories import make_activity, member_of
from tests.ledger.conftest import jpeg_bytes

DELETED = ActivityFilter(status="deleted")


@pytest.fixture
def deleted(world, liaison):
    activity = make_activity(world.committee_a, title="删掉的宣讲", status="draft", co_organisers=[world.committee_b])
    return services.activity_delete(actor=liaison, activity=activity)


@pytest.fixture
def member(world):
    return member_of(world.committee_a, Membership.Role.MEMBER, username="member")


def test_deleted_records_are_listed_only_to_the_unit_and_the_office(
    world, deleted, office_user, liaison, other_liaison, inspector, member
):
    def listed(actor) -> list[int]:
        return [a.pk for a in selectors.activity_page(actor=actor, filters=DELETED).rows]

    assert listed(liaison) == [deleted.pk]
    assert listed(office_user) == [deleted.pk]  # the office's broad path
    assert listed(member) == listed(inspector) == []
    assert listed(other_liaison) == []  # a co-organiser does not see its partner's deleted record


def test_the_deleted_export_is_empty_for_a_member(client_for, deleted, member, liaison):
    def titles(user) -> list[str]:
        response = client_for(user).get(reverse("ledger:activity-export"), {"status": "deleted"})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
        return [str(c.value) for row in sheet.iter_rows() for c in row if c.value]

    assert "删掉的宣讲" in titles(liaison)
    assert "删掉的宣讲" not in titles(member)


def test_the_unit_restores_a_deleted_record_within_the_retention(client_for, deleted, liaison, member):
    with pytest.raises(PermissionDenied):
        services.activity_restore(actor=member, activity=deleted)
    page = client_for(liaison).get(reverse("ledger:activity-detail", args=[deleted.pk]))
    assert page.status_code == 200 and "restore-activity" in page.content.decode()
    response = client_for(liaison).post(reverse("ledger:activity-restore", args=[deleted.pk]))
    assert response.status_code == 302
    deleted.refresh_from_db()
    assert deleted.deleted_at is None and deleted.participants.filter(is_deleted=True).count() == 0
    assert AuditEntry.objects.filter(code="ledger.activity.restore", object_id=str(deleted.pk)).exists()


def test_no_restore_after_the_retention(settings, deleted, office_user):
    settings.PUFA_RETENTION_DAYS = 30
    later = time_machine.travel(dt.datetime(2026, 7, 21, 12, tzinfo=dt.UTC), tick=False)
    with later, pytest.raises(ValidationError, match="保留期限"):
        services.activity_restore(actor=office_user, activity=deleted)


def _evidence(activity, liaison) -> Evidence:
    return services.evidence_add(
        actor=liaison,
        activity=activity,
        upload=services.EvidenceUpload(file=io.BytesIO(jpeg_bytes()), name="现场.jpg"),
    )


def test_a_deleted_file_is_restored_then_purged_after_the_retention(
    settings, world, liaison, django_capture_on_commit_callbacks
):
    settings.PUFA_RETENTION_DAYS = 30
    activity = make_activity(world.committee_a, status="draft")
    kept, gone = _evidence(activity, liaison), _evidence(activity, liaison)
    services.evidence_delete(actor=liaison, evidence=kept)
    services.evidence_restore(actor=liaison, evidence=kept)
    assert AuditEntry.objects.filter(code="ledger.evidence.restore", object_id=str(kept.pk)).exists()
    services.evidence_delete(actor=liaison, evidence=gone)
    name = gone.file.name
    assert default_storage.exists(name)
    call_command("remind", date="2026-07-10", stdout=io.StringIO())  # 20 days: kept
    assert default_storage.exists(name)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the files go once the rows are committed
        call_command("remind", date="2026-07-21", stdout=out)  # 31 days: purged
    assert "清除超过保留期限的佐证文件: 1" in out.getvalue()
    assert not default_storage.exists(name)
    gone = Evidence.all_objects.get(pk=gone.pk)
    assert gone.file.name == "" and AuditEntry.objects.filter(code="ledger.evidence.purge").count() == 1
    assert default_storage.exists(kept.file.name)
    with pytest.raises(ValidationError):
        services.evidence_restore(actor=liaison, evidence=gone)


def test_files_of_a_deleted_record_are_purged_too(settings, world, liaison, django_capture_on_commit_callbacks):
    settings.PUFA_RETENTION_DAYS = 30
    activity = make_activity(world.committee_a, status="draft")
    evidence = _evidence(activity, liaison)
    services.activity_delete(actor=liaison, activity=activity)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("remind", date="2026-07-21", stdout=io.StringIO())
    assert not default_storage.exists(evidence.file.name)
