"""The assessment lines of the home 待办: appeals to decide and results to publish (the office), self-assessments
due before their deadline (a unit); each count equals the list its link opens. And the inspector's phone page
shows the unit's 述职 as the unit's assessment page does, to the same viewers."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from pufa.assessment import selectors, services, statements
from pufa.assessment.models import Appeal, Scheme
from pufa.assessment.parsing import parse_lines
from pufa.core import home
from pufa.reports import services as report_services

D = dt.date
TABLE = [
    "项目\t内容措施\t分值\t备注",
    "宣传（10分）\t1.开展主题宣传活动\t6\t见记录",
    "宣传（10分）\t2.建立法律明白人队伍\t4\t见花名册",
]
APPEALS, RELEASE, SELF = "件考核申诉待处理", "个考核方案申诉期已满，结果待公布", "份考核自评待提交"


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False
    )


def _scheme(office_user, world, name: str = "普法工作考核", submit_by: dt.date | None = None) -> Scheme:
    made = services.scheme_import(
        actor=office_user,
        region=world.street_a,
        name=name,
        year=2026,
        parsed=parse_lines(TABLE).as_dict(),
        submit_by=submit_by,
    )
    services.scheme_publish(actor=office_user, scheme=made)
    made.refresh_from_db()
    return made


def _lines(user) -> dict[str, home.Todo]:
    return {t.label: t for t in home.inbox(user).todos}


def _listed(client, url: str) -> tuple[int, int]:
    """The count a list page states and the rows it shows."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["count"], response.content.decode().count('data-testid="todo-row"')


@pytest.fixture
def appealed(world, office_user, liaison):
    """Two schemes scored on 1 June (appeal window to 8 June): one with an appeal from 沱河社区, one without."""
    with at(D(2026, 6, 1)):
        quiet = _scheme(office_user, world, "安静的考核")
        services.scoring_run(actor=office_user, scheme=quiet)
        disputed = _scheme(office_user, world)
        services.scoring_run(actor=office_user, scheme=disputed)
        disputed.refresh_from_db()
        services.appeal_file(
            actor=liaison,
            scheme=disputed,
            unit=world.committee_a,
            item=disputed.items.get(number="1"),
            reason="活动记录漏计",
        )
    return quiet, disputed


def test_office_lines_equal_the_lists_they_open(appealed, world, office_user, other_office, client_for):
    quiet, disputed = appealed
    with at(D(2026, 6, 5)):  # the window is open: appeals wait, nothing is ready to publish
        lines = _lines(office_user)
        assert lines[APPEALS].count == Appeal.objects.filter(status="pending").count() == 1
        assert RELEASE not in lines
        assert _listed(client_for(office_user), lines[APPEALS].url) == (1, 1)
        assert APPEALS not in _lines(other_office)  # another street's office
    with at(D(2026, 6, 9)):  # closed: the quiet scheme is ready; the disputed one waits for its appeal
        lines = _lines(office_user)
        assert lines[RELEASE].count == 1
        office = client_for(office_user)
        assert _listed(office, lines[RELEASE].url) == (1, 1)
        page = office.get(lines[RELEASE].url).content.decode()
        assert str(quiet) in page and str(disputed) not in page
        appeal = Appeal.objects.get()
        services.appeal_decide(actor=office_user, appeal=appeal, upheld=False, decision="记录齐全，已计入")
        lines = _lines(office_user)
        assert APPEALS not in lines and lines[RELEASE].count == 2
        assert _listed(client_for(office_user), lines[RELEASE].url) == (2, 2)
        for scheme in (quiet, disputed):
            services.scoring_run(actor=office_user, scheme=Scheme.objects.get(pk=scheme.pk), final=True)
        assert _lines(office_user)[RELEASE].count == 2  # finally scored, not yet published
        services.scheme_release(actor=office_user, scheme=Scheme.objects.get(pk=quiet.pk))
        lines = _lines(office_user)
        assert lines[RELEASE].count == 1
        assert _listed(client_for(office_user), lines[RELEASE].url) == (1, 1)
        assert RELEASE not in _lines(other_office)


def test_unit_sees_its_self_assessments_due_until_the_deadline(world, office_user, liaison, client_for):
    with at(D(2026, 6, 1)):
        scheme = _scheme(office_user, world, submit_by=D(2026, 6, 30))
        _scheme(office_user, world, "无截止日期的考核")
        lines = _lines(liaison)
        due = lines[SELF]
        assert due.count == len(selectors.self_due(actor=liaison)) == 2  # 沱河社区, two schemes
        assert {i.url for i in due.items} == {
            reverse("assessment:self", args=[s.pk, world.committee_a.pk]) for s in Scheme.objects.all()
        }
        assert "截止 2026年06月30日" in {i.note for i in due.items}
        assert _listed(client_for(liaison), due.url) == (2, 2)
        assert SELF not in _lines(office_user)  # the office does not fill in self-assessments
        record = services.self_assessment_for(actor=liaison, scheme=scheme, unit=world.committee_a)
        services.self_transition(actor=liaison, assessment=record, name="submit")
        assert _lines(liaison)[SELF].count == 1
        services.self_transition(actor=office_user, assessment=record, name="return", note="请补充说明")
        returned = _lines(liaison)[SELF]
        assert returned.count == 2 and any(i.note.startswith("已退回") for i in returned.items)
    with at(D(2026, 7, 1)):  # past the deadline only the scheme without one is due
        due = _lines(liaison)[SELF]
        assert due.count == 1
        assert _listed(client_for(liaison), due.url) == (1, 1)


def test_todo_lists_take_no_other_values(client_for, office_user):
    office = client_for(office_user)
    for bad in ("x", "appeals\x00", "9" * 50):
        response = office.get(reverse("assessment:index"), {"todo": bad})
        assert response.status_code == 200 and 'data-testid="schemes"' in response.content.decode()


def test_the_inspector_page_shows_the_units_statement_to_whom_may_read_it(
    world, office_user, liaison, inspector, client_for
):
    scheme = _scheme(office_user, world)
    draw = services.draw_create(actor=office_user, scheme=scheme, seed="2026-12-01", share="1", per_unit=1)
    unit = world.committee_a
    inspect_url = reverse("assessment:inspect", args=[draw.pk, unit.pk])
    page = client_for(inspector).get(inspect_url).content.decode()
    assert 'data-testid="statements"' in page and "尚无2026年度工作报告" in page
    report = report_services.report_start(actor=liaison, unit=unit, period="year", year=2026)
    link = reverse("reports:report-detail", args=[report.pk])
    shown = [s.url for s in statements.for_unit(actor=inspector, unit=unit, year=2026)]
    client = client_for(inspector)
    inspect_page = client.get(inspect_url).content.decode()
    self_page = client.get(reverse("assessment:self", args=[scheme.pk, unit.pk])).content.decode()
    assert shown == [link] and link in inspect_page and link in self_page
    statements.register("zz-test", lambda *, actor, unit, year: [])  # a provider that hides it from everyone
    statements.unregister("reports")
    try:
        hidden = client_for(inspector).get(inspect_url).content.decode()
        assert link not in hidden and "尚无2026年度工作报告" in hidden
    finally:
        from pufa.reports import selectors as report_selectors

        statements.unregister("zz-test")
        statements.register("reports", report_selectors.unit_statements)
