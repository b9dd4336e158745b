"""The demonstration creation: computed criteria follow the records behind them, attested ones the community's
note; apply → street review (a recorded random sample) → on-site review → title; a re-review keeps or revokes
it, with its history; a revoked title leaves the portal; permissions and 待办."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from pufa.core.home import inbox
from pufa.core.models import AuditEntry
from pufa.creation import selectors, services
from pufa.creation.demo import seed001_scheme
from pufa.creation.models import Application, Attestation, Criterion, Title
from pufa.ledger import services as ledger_services
from pufa.org.access import SYSTEM
from pufa.venues import services as venue_services
from pufa.venues.models import Upkeep
from tests.factories import make_activity
from tests.venues.conftest import make_venue

D = dt.date


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False
    )


@pytest.fixture
def scheme(world):
    return seed001_scheme(actor=SYSTEM, region=world.street_a, year=2026)


def _line(lines, title_part):
    return next(line for line in lines if title_part in line.criterion.title)


def test_a_computed_criterion_flips_with_the_record_behind_it(world, scheme):
    with at(D(2026, 5, 1)):
        assert not _line(selectors.checklist(scheme=scheme, unit=world.committee_a), "法制学校").met
        school = make_venue(world.committee_a, kind="school", opened_on=D(2026, 4, 1))
        line = _line(selectors.checklist(scheme=scheme, unit=world.committee_a), "法制学校")
        assert line.met and line.periods[0].value == 1
        assert not _line(selectors.checklist(scheme=scheme, unit=world.committee_b), "法制学校").met
        venue_services.venue_delete(actor=SYSTEM, venue=school)
        assert not _line(selectors.checklist(scheme=scheme, unit=world.committee_a), "法制学校").met


def test_quarterly_class_reads_the_ledger(world, scheme):
    with at(D(2026, 7, 15)):  # Q1 and Q2 have ended
        lines = selectors.checklist(scheme=scheme, unit=world.committee_a)
        assert [p.label for p in _line(lines, "每季度").periods] == ["第1季度", "第2季度"]
        make_activity(world.committee_a, kind="ztjz", date=D(2026, 2, 10))
        assert not _line(selectors.checklist(scheme=scheme, unit=world.committee_a), "每季度").met
        second = make_activity(world.committee_a, kind="ztjz", date=D(2026, 5, 10))
        assert _line(selectors.checklist(scheme=scheme, unit=world.committee_a), "每季度").met
        ledger_services.activity_delete(actor=SYSTEM, activity=second)
        assert not _line(selectors.checklist(scheme=scheme, unit=world.committee_a), "每季度").met


def test_monthly_column_reads_the_upkeep_log(world, scheme):
    board = make_venue(world.committee_a, kind="board", opened_on=D(2026, 1, 5))
    with at(D(2026, 4, 1)):
        assert not _line(selectors.checklist(scheme=scheme, unit=world.committee_a), "每月一期").met
        venue_services.upkeep_record(actor=SYSTEM, venue=board, kind=Upkeep.Kind.CONTENT, date=D(2026, 3, 20))
        assert _line(selectors.checklist(scheme=scheme, unit=world.committee_a), "每月一期").met


def test_attested_criterion_needs_the_communitys_note(world, scheme, liaison, other_liaison):
    criterion = scheme.criteria.get(title="有一支法制宣传队")
    assert not _line(selectors.checklist(scheme=scheme, unit=world.committee_a), "法制宣传队").met
    with pytest.raises(PermissionDenied):
        services.attest(actor=other_liaison, criterion=criterion, unit=world.committee_a, note="x")
    with pytest.raises(ValidationError):
        services.attest(
            actor=liaison, criterion=criterion, unit=world.committee_a, note="名单", file=io.BytesIO(b"x"), name="a.exe"
        )
    services.attest(actor=liaison, criterion=criterion, unit=world.committee_a, note="宣传队12人，名单附后")
    assert _line(selectors.checklist(scheme=scheme, unit=world.committee_a), "法制宣传队").met
    assert AuditEntry.objects.filter(code="creation.attest").exists()
    computed = scheme.criteria.filter(kind=Criterion.Kind.COMPUTED).first()
    with pytest.raises(ValidationError):
        services.attest(actor=liaison, criterion=computed, unit=world.committee_a, note="x")


def _meet_everything(world, scheme, liaison):
    for kind in ("school", "board", "library"):
        make_venue(world.committee_a, kind=kind, opened_on=D(2026, 1, 5))
    for criterion in scheme.criteria.filter(kind=Criterion.Kind.ATTESTED):
        services.attest(actor=liaison, criterion=criterion, unit=world.committee_a, note="已具备")
    make_activity(world.committee_a, kind="ztjz", date=D(2026, 2, 10))


def test_the_review_workflow_and_its_audit_trail(world, scheme, liaison, office_user, inspector, client):
    with at(D(2026, 2, 20)):
        application = services.application_create(actor=liaison, scheme=scheme, unit=world.committee_a)
        with pytest.raises(ValidationError, match="尚未达到"):
            services.application_transition(actor=liaison, application=application, name="submit")
        _meet_everything(world, scheme, liaison)
        board = scheme.criteria.get(title__startswith="宣传栏每月")
        assert _line(selectors.checklist(scheme=scheme, unit=world.committee_a), board.title).met
        services.application_transition(actor=liaison, application=application, name="submit")
        assert application.status == Application.Status.SUBMITTED and all(c["met"] for c in application.checklist)
        todo = next(t for t in inbox(office_user).todos if "待审核" in t.label)
        assert todo.count == 1
        assert office_user.notifications.filter(done_at__isnull=True, title__contains="待审核").count() == 1
        with pytest.raises(PermissionDenied):
            services.application_transition(actor=liaison, application=application, name="approve")
        with pytest.raises(ValidationError):
            services.application_transition(actor=office_user, application=application, name="return")  # no reason
        services.application_transition(actor=office_user, application=application, name="return", note="补充材料")
        services.application_transition(actor=liaison, application=application, name="submit")
        services.application_transition(actor=office_user, application=application, name="approve")
        assert not office_user.notifications.filter(done_at__isnull=True, title__contains="申报").exists()  # handled
        assert inspector.notifications.filter(title__contains="实地复核").count() == 1
        assert next(t for t in inbox(inspector).todos if "实地复核" in t.label).count == 1
        application.refresh_from_db()
        ids = list(scheme.criteria.values_list("pk", flat=True))
        assert application.sample_seed is not None and len(application.sample) == services.SAMPLE_SIZE
        assert application.sample == services.draw_sample(ids, application.sample_seed)  # reproducible from the seed
        with pytest.raises(PermissionDenied):
            services.application_transition(actor=office_user, application=application, name="pass", note="ok")
        services.application_transition(actor=inspector, application=application, name="pass", note="现场核实，符合")
    title = Title.objects.get(application=application)
    assert title.status == Title.Status.ACTIVE and title.level == scheme.level and title.awarded_on == D(2026, 2, 20)
    codes = list(
        AuditEntry.objects.filter(object_id=str(application.pk), code__startswith="creation.application")
        .order_by("at", "id")
        .values_list("code", flat=True)
    )
    assert codes == [
        "creation.application.create",
        "creation.application.submit",
        "creation.application.return",
        "creation.application.submit",
        "creation.application.approve",
        "creation.application.pass",
    ]
    approve = AuditEntry.objects.get(code="creation.application.approve")
    assert str(application.sample_seed) in approve.message
    assert world.committee_a.name in client.get(reverse("portal:venues")).content.decode()


def test_a_revoked_title_disappears_from_the_portal_and_keeps_its_history(world, office_user, other_office, client):
    title = Title.objects.create(unit=world.committee_a, level="city", awarded_on=D(2024, 12, 1))
    assert world.committee_a.name in client.get(reverse("portal:venues")).content.decode()
    with pytest.raises(PermissionDenied):
        services.title_review(actor=other_office, title=title, keep=False, note="x")
    services.title_review(actor=office_user, title=title, keep=True, note="复核符合标准", day=D(2025, 12, 1))
    assert title.status == Title.Status.ACTIVE and title.last_reviewed_on == D(2025, 12, 1)
    services.title_review(actor=office_user, title=title, keep=False, note="法治宣传栏长期未更新")
    assert title.status == Title.Status.REVOKED
    assert world.committee_a.name not in client.get(reverse("portal:venues")).content.decode()
    history = [e.code for e in selectors.history(obj=title)]
    assert history == ["creation.title.keep", "creation.title.revoke"]
    with pytest.raises(ValidationError):
        services.title_review(actor=office_user, title=title, keep=True, note="再次复核")


def test_pages_follow_the_permission_matrix(world, scheme, liaison, other_liaison, office_user, client_for, client):
    application = services.application_create(actor=liaison, scheme=scheme, unit=world.committee_a)
    url = reverse("creation:application-detail", args=[application.pk])
    assert client.get(url).status_code == 302
    assert client_for(other_liaison).get(url).status_code == 404
    page = client_for(liaison).get(url)
    assert page.status_code == 200 and "submit" in page.context["moves"]
    office_page = client_for(office_user).get(url)
    assert office_page.status_code == 200 and not office_page.context["moves"]
    checklist = client_for(liaison).get(reverse("creation:checklist", args=[scheme.pk, world.committee_a.pk]))
    assert checklist.status_code == 200 and len(checklist.context["lines"]) == 8
    assert (
        client_for(liaison).get(reverse("creation:checklist", args=[scheme.pk, world.committee_b.pk])).status_code
        == 404
    )
    assert (
        client_for(liaison).post(reverse("creation:scheme-detail", args=[scheme.pk]), {"title": "x"}).status_code == 403
    )


def test_only_the_community_attests_and_applies(world, scheme, liaison, office_user, inspector, client_for):
    """The office and the inspectors see the checklist but may not write the community's note or apply for it."""
    criterion = scheme.criteria.get(title="有一支法制宣传队")
    attest = reverse("creation:attest", args=[criterion.pk, world.committee_a.pk])
    apply = reverse("creation:application-create")
    for user in (office_user, inspector):
        c = client_for(user)
        assert c.get(reverse("creation:checklist", args=[scheme.pk, world.committee_a.pk])).status_code == 200
        assert c.post(attest, {"note": "已具备。"}).status_code == 403
        assert c.post(apply, {"scheme": scheme.pk, "unit": world.committee_a.pk}).status_code == 403
    assert not Attestation.objects.exists() and not Application.objects.exists()
    c = client_for(liaison)
    assert c.post(attest, {"note": "已具备。"}).status_code == 302
    assert c.post(apply, {"scheme": scheme.pk, "unit": world.committee_a.pk}).status_code == 302
    assert Attestation.objects.get().unit == world.committee_a
    assert Application.objects.get().unit == world.committee_a


def test_office_adds_a_computed_criterion_only_on_a_registered_metric(world, scheme, office_user):
    with pytest.raises(ValidationError):
        services.criterion_add(actor=office_user, scheme=scheme, title="x", kind=Criterion.Kind.COMPUTED, metric="nope")
    with pytest.raises(ValidationError):
        services.criterion_add(
            actor=office_user,
            scheme=scheme,
            title="x",
            kind=Criterion.Kind.COMPUTED,
            metric="venues.count",
            filters={"colour": "red"},
        )
    c = services.criterion_add(
        actor=office_user,
        scheme=scheme,
        title="有一个普法大讲堂",
        kind=Criterion.Kind.COMPUTED,
        metric="venues.count",
        filters={"kind": "lecture"},
    )
    assert c.order == 9


def test_titles_due_for_re_review_wait_in_the_office_inbox(world, office_user, client_for):
    old = Title.objects.create(unit=world.committee_a, level="district", awarded_on=D(2024, 1, 5))
    Title.objects.create(unit=world.committee_b, level="district", awarded_on=D(2026, 1, 5))
    with at(D(2026, 3, 1)):
        todo = next(t for t in inbox(office_user).todos if "未复核" in t.label)
        assert todo.count == 1
        listed = client_for(office_user).get(todo.url).context["titles"]
        assert [t.pk for t in listed] == [old.pk]
        services.title_review(actor=office_user, title=old, keep=True, note="复核符合")
        assert not any("未复核" in t.label for t in inbox(office_user).todos)
