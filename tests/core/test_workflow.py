"""The one workflow mechanism: policy = buttons, compare-and-set, the lock, one entry per step, edit conflicts.

The parallel tests use real threads and need PostgreSQL (SQLite serialises writers by locking the whole file);
the compare-and-set they rely on is tested on both databases by handing a service a stale copy.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection

from pufa.core import workflow
from pufa.core.events import ActivitiesChanged
from pufa.core.models import AuditEntry
from pufa.duties import services as duty_services
from pufa.duties.models import DutyList
from pufa.ledger import services
from pufa.ledger.models import Activity
from pufa.org.access import SYSTEM
from pufa.reports import services as report_services
from pufa.reports.models import Circular, Report
from tests.factories import duty_list, make_activity

Status = Activity.Status
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel writers need row locks (PostgreSQL)"
)


def _codes(obj, code: str) -> int:
    return AuditEntry.objects.filter(object_id=str(obj.pk), code=code).count()


# ---------------------------------------------------------------- the policy, per role


def test_activity_steps_per_role_match_the_service(world, office_user, liaison, other_liaison, inspector):
    """For every state and every role, the buttons offered are exactly the steps the service lets through."""
    people = {"office": office_user, "liaison": liaison, "other": other_liaison, "inspector": inspector}
    expected = {
        Status.DRAFT: {"office": {"submit", "delete"}, "liaison": {"submit", "delete"}},
        Status.SUBMITTED: {"office": {"withdraw", "confirm", "return", "delete"}, "liaison": {"withdraw"}},
        Status.CONFIRMED: {"office": {"reopen", "delete"}, "liaison": set()},
        Status.RETURNED: {"office": {"submit", "delete"}, "liaison": {"submit", "delete"}},
    }
    for status, by_role in expected.items():
        for who, user in people.items():
            activity = make_activity(world.committee_a, status=status)
            offered = set(workflow.available_transitions(activity, user))
            assert offered == by_role.get(who, set()), (status, who)
            for name in ("submit", "withdraw", "confirm", "return", "reopen", "delete"):
                fresh = Activity.objects.get(pk=activity.pk)
                try:
                    services.activity_transition(actor=user, activity=fresh, name=name, reason="请更正人数")
                except (PermissionDenied, ValidationError):
                    assert name not in offered, (status, who, name)
                else:
                    assert name in offered, (status, who, name)
                    activity = make_activity(world.committee_a, status=status)  # a new one for the next step


def test_duty_list_and_report_steps_follow_the_roles(world, office_user, liaison, inspector):
    dl = duty_list(world.committee_a, status="submitted")
    assert set(workflow.available_transitions(dl, office_user)) == {"file", "return"}
    assert set(workflow.available_transitions(dl, liaison)) == set()
    assert set(workflow.available_transitions(dl, inspector)) == set()
    with pytest.raises(PermissionDenied):
        duty_services.duty_list_file(actor=liaison, duty_list=dl)
    duty_services.duty_list_file(actor=office_user, duty_list=dl)
    assert set(workflow.available_transitions(dl, liaison)) == {"publish"}
    assert set(workflow.available_transitions(dl, office_user)) == {"publish", "return"}

    report = report_services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    assert set(workflow.available_transitions(report, liaison)) == {"submit"}
    assert set(workflow.available_transitions(report, office_user)) == {"submit"}
    own = report_services.report_start(actor=office_user, unit=world.office_unit, period="h1", year=2026)
    report_services.report_update(
        actor=office_user, report=own, title=own.title, intro="", practices="（一）宣讲。", problems="", plans="继续。"
    )
    report_services.report_submit(actor=office_user, report=own)
    # an office never reviews its own report: no button, and the service refuses
    assert set(workflow.available_transitions(own, office_user)) == set()
    with pytest.raises(PermissionDenied):
        report_services.report_accept(actor=office_user, report=own)


def test_nobody_gets_no_step_and_the_system_every_step(world):
    activity = make_activity(world.committee_a, status="submitted")
    assert workflow.available_transitions(activity, None) == {}
    with pytest.raises(PermissionDenied):
        services.activity_confirm(actor=None, activity=activity)
    assert set(workflow.available_transitions(activity, SYSTEM)) == {"withdraw", "confirm", "return", "delete"}
    services.activity_confirm(actor=SYSTEM, activity=activity)
    entry = AuditEntry.objects.filter(code="ledger.activity.confirm").get()
    assert entry.actor is None and entry.actor_name == "系统"


def test_activity_detail_shows_the_policys_buttons(world, client_for, office_user, liaison):
    activity = make_activity(world.committee_a, status="submitted")
    page = client_for(office_user).get(f"/ledger/{activity.pk}/").content.decode()
    assert 'data-testid="confirm-activity"' in page and 'data-testid="return-form"' in page
    assert 'data-testid="submit-activity"' not in page
    page = client_for(liaison).get(f"/ledger/{activity.pk}/").content.decode()
    assert "撤回修改" in page and 'data-testid="confirm-activity"' not in page


def _spy_on_announcements(monkeypatch) -> list[str]:
    """The ledger announces through its one `_fire` helper (whatever carries the event on); count its calls."""
    seen: list[str] = []
    real = services._fire

    def spy(name, *args, **kwargs):
        seen.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(services, "_fire", spy)
    return seen


def test_each_step_writes_one_entry_with_its_code_and_one_event(world, office_user, monkeypatch):
    activity = make_activity(world.committee_a, status="submitted")
    seen = _spy_on_announcements(monkeypatch)
    services.activity_confirm(actor=office_user, activity=activity)
    assert seen == [ActivitiesChanged.CONFIRMED]
    entry = AuditEntry.objects.get(object_id=str(activity.pk), code="ledger.activity.confirm")
    assert entry.changes["status"] == ["已提交", "已确认"] and entry.actor == office_user


# ---------------------------------------------------------------- compare-and-set (both databases)


def test_a_step_on_a_stale_copy_is_judged_by_the_row(world, office_user):
    """Two people load the same submitted record; the first confirms; the second's confirm is refused, and only
    one confirm is written — the check reads the locked row, not the copy the page loaded."""
    activity = make_activity(world.committee_a, status="submitted")
    first, second = Activity.objects.get(pk=activity.pk), Activity.objects.get(pk=activity.pk)
    services.activity_confirm(actor=office_user, activity=first)
    with pytest.raises(ValidationError, match="只有已提交的记录可以确认"):
        services.activity_confirm(actor=office_user, activity=second)
    assert _codes(activity, "ledger.activity.confirm") == 1
    assert second.status == Status.SUBMITTED  # the refused copy is left as it was


def test_save_checked_refuses_a_copy_whose_version_moved_on(world):
    activity = make_activity(world.committee_a, status="draft")
    stale = Activity.objects.get(pk=activity.pk)
    fresh = Activity.objects.get(pk=activity.pk)
    fresh.title = "先保存的标题"
    workflow.save_checked(fresh)
    stale.title = "后保存的标题"
    with pytest.raises(workflow.Conflict):
        workflow.save_checked(stale)
    activity.refresh_from_db()
    assert activity.title == "先保存的标题" and activity.version == fresh.version == stale.version + 1


def test_concurrent_edits_get_a_conflict_not_a_silent_overwrite(world, liaison):
    from tests.ledger.test_services import data_for

    activity = make_activity(world.committee_a, status="draft")
    loaded = activity.version  # both people opened the form at this version
    services.activity_update(
        actor=liaison, activity=activity, data=data_for(world.committee_a, title="甲的修改"), version=loaded
    )
    with pytest.raises(ValidationError, match="该记录已被他人修改，请刷新后重试"):
        services.activity_update(
            actor=liaison,
            activity=Activity.objects.get(pk=activity.pk),
            data=data_for(world.committee_a, title="乙的修改"),
            version=loaded,
        )
    activity.refresh_from_db()
    assert activity.title == "甲的修改"
    assert _codes(activity, "ledger.activity.update") == 1


def test_edit_forms_carry_the_version_and_show_the_conflict(world, client_for, liaison):
    activity = make_activity(world.committee_a, status="draft")
    client = client_for(liaison)
    page = client.get(f"/ledger/{activity.pk}/edit/").content.decode()
    assert f'name="version" value="{activity.version}"' in page
    Activity.objects.filter(pk=activity.pk).update(version=activity.version + 1)  # someone else saved meanwhile
    form = {
        "version": activity.version,
        "unit": world.committee_a.pk,
        "title": "我的修改",
        "kind": activity.kind_id,
        "date": activity.date.isoformat(),
        "people_onsite": 10,
        "people_online": 0,
        "materials": 0,
    }
    response = client.post(f"/ledger/{activity.pk}/edit/", form)
    assert response.status_code == 200 and "该记录已被他人修改，请刷新后重试" in response.content.decode()
    activity.refresh_from_db()
    assert activity.title != "我的修改"


@pytest.mark.parametrize("kind", ["duty_list", "report", "circular"])
def test_other_edit_services_check_the_version(world, office_user, liaison, kind):
    if kind == "duty_list":
        obj = duty_list(world.committee_a)

        def edit(version):
            duty_services.duty_list_update(
                actor=liaison, duty_list=DutyList.objects.get(pk=obj.pk), summary="新说明", laws=[], version=version
            )
    elif kind == "report":
        obj = report_services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)

        def edit(version):
            report_services.report_update(
                actor=liaison,
                report=Report.objects.get(pk=obj.pk),
                title="新标题",
                intro="",
                practices="",
                problems="",
                plans="",
                version=version,
            )
    else:
        obj = report_services.circular_draft(actor=office_user, issuing_unit=world.office_unit)

        def edit(version):
            report_services.circular_update(
                actor=office_user,
                circular=Circular.objects.get(pk=obj.pk),
                title="新标题",
                number="",
                intro="",
                requirements="",
                version=version,
            )

    loaded = obj.version
    edit(loaded)
    with pytest.raises(workflow.Conflict):
        edit(loaded)  # the same old version again: someone (the first call) saved in between
    obj.refresh_from_db()
    assert obj.version == loaded + 1


# ---------------------------------------------------------------- real threads (PostgreSQL)


def _parallel(count: int, work) -> list[BaseException | None]:
    barrier = threading.Barrier(count)
    results: list[BaseException | None] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as exc:  # collected and checked by the test
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_submits_write_one_entry_and_one_event(world, liaison, monkeypatch):
    activity = make_activity(world.committee_a, status="draft")
    seen = _spy_on_announcements(monkeypatch)
    results = _parallel(
        20, lambda i: services.activity_submit(actor=liaison, activity=Activity.objects.get(pk=activity.pk))
    )
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, ValidationError) for r in results if r is not None)
    assert _codes(activity, "ledger.activity.submit") == 1
    assert seen.count(ActivitiesChanged.SUBMITTED) == 1


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_accepts_of_a_report_write_one_step(world, office_user, liaison):
    report = report_services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    report_services.report_update(
        actor=liaison, report=report, title=report.title, intro="", practices="（一）宣讲。", problems="", plans="继续"
    )
    report_services.report_submit(actor=liaison, report=report)
    results = _parallel(
        8, lambda i: report_services.report_accept(actor=office_user, report=Report.objects.get(pk=report.pk))
    )
    assert sum(r is None for r in results) == 1
    assert _codes(report, "reports.report.accept") == 1


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_edits_keep_every_before_value_true(world, liaison):
    """Twenty people save the same record without a version: each edit waits for the one before, so each audit
    entry's "before" is the value the previous edit wrote — no two entries say the same "before"."""
    from tests.ledger.test_services import data_for

    activity = make_activity(world.committee_a, status="draft", people_onsite=1)

    def edit(i: int) -> None:
        services.activity_update(
            actor=liaison,
            activity=Activity.objects.get(pk=activity.pk),
            data=data_for(world.committee_a, people_onsite=100 + i),
        )

    results = _parallel(20, edit)
    assert results == [None] * 20
    befores = [
        e.changes["people_onsite"][0]
        for e in AuditEntry.objects.filter(object_id=str(activity.pk), code="ledger.activity.update").order_by("id")
    ]
    assert len(befores) == 20 and len(set(befores)) == 20
    activity.refresh_from_db()
    assert activity.version == 21
