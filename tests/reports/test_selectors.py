"""Who sees which report, summary and circular; deadlines; who has not submitted by the due date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from pufa.reports import selectors, services
from pufa.reports.models import Report


def submit(report: Report, actor) -> Report:
    services.report_update(
        actor=actor,
        report=report,
        title=report.title,
        intro=report.intro,
        practices=report.practices or "做法。",
        problems=report.problems,
        plans="打算。",
    )
    return services.report_submit(actor=actor, report=report)


@pytest.fixture
def reports(world, ledger, liaison, other_liaison, office_user, other_office):
    a = services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)
    b = services.report_start(actor=other_liaison, unit=world.committee_b, period="h1", year=2026)
    other = services.report_start(actor=other_office, unit=world.other_office_unit, period="h1", year=2026)
    summary = services.region_summary(actor=office_user, region=world.street_a, period="h1", year=2026)
    return {"a": a, "b": b, "other": other, "summary": summary}


def titles(qs) -> set[str]:
    return {r.unit.name + ("·汇总" if r.kind == "summary" else "") for r in qs}


def test_report_list_scoping(reports, liaison, other_liaison, office_user, inspector, other_office):
    assert titles(selectors.report_list(actor=liaison)) == {"沱河社区居委会"}
    assert titles(selectors.report_list(actor=other_liaison)) == {"桃园社区居委会"}
    assert titles(selectors.report_list(actor=office_user)) == {
        "沱河社区居委会",
        "桃园社区居委会",
        "沱河街道法治办·汇总",
    }
    assert titles(selectors.report_list(actor=inspector)) == titles(selectors.report_list(actor=office_user))
    assert titles(selectors.report_list(actor=other_office)) == {"三八街道法治办"}
    assert titles(selectors.report_list(actor=None)) == set()  # nobody: nothing


def test_report_get_is_404_outside_scope(reports, liaison, other_office):
    assert selectors.report_get(actor=liaison, pk=reports["a"].pk) == reports["a"]
    for pk in (reports["b"].pk, reports["summary"].pk, reports["other"].pk):
        with pytest.raises(Http404):
            selectors.report_get(actor=liaison, pk=pk)
    with pytest.raises(Http404):
        selectors.report_get(actor=other_office, pk=reports["a"].pk)


def test_list_filters(reports, office_user):
    assert titles(selectors.report_list(actor=office_user, kind="summary")) == {"沱河街道法治办·汇总"}
    assert not selectors.report_list(actor=office_user, period="year").exists()
    assert selectors.report_list(actor=office_user, year=2026, status="draft").count() == 3


def test_writable_units_and_reviewing_office(world, liaison, office_user, inspector):
    assert list(selectors.writable_units(actor=liaison)) == [world.committee_a]
    assert not selectors.writable_units(actor=inspector).exists()
    assert set(selectors.writable_units(actor=office_user)) == {
        world.office_unit,
        world.judicial_office,
        world.committee_a,
        world.committee_b,
    }
    assert selectors.reviewing_office(world.committee_a) == world.office_unit
    assert selectors.reviewing_office(world.office_unit, above=True) is None  # no district office in the cast


def test_submission_overview_flags_late_units(world, reports, liaison, office_user):
    submit(reports["a"], liaison)  # submitted on 10 July: after the 30 June deadline
    overview = selectors.submission_overview(actor=office_user, region=world.street_a, period="h1", year=2026)
    rows = {r.unit.name: r for r in overview.rows}
    assert set(rows) == {"沱河街道法治办", "沱河街道司法所", "沱河社区居委会", "桃园社区居委会"}
    assert rows["沱河社区居委会"].state == "submitted" and rows["沱河社区居委会"].late
    assert rows["桃园社区居委会"].state == "draft" and not rows["桃园社区居委会"].submitted
    assert rows["沱河街道司法所"].state == "missing" and rows["沱河街道司法所"].state_label == "未起草"
    assert {r.unit.name for r in overview.overdue} == {"沱河街道法治办", "沱河街道司法所", "桃园社区居委会"}
    before = selectors.submission_overview(
        actor=office_user, region=world.street_a, period="h1", year=2026, today=dt.date(2026, 6, 1)
    )
    assert not before.overdue and len(before.not_submitted) == 3


def test_submission_overview_needs_review_rights(world, liaison, other_office):
    with pytest.raises(Http404):
        selectors.submission_overview(actor=liaison, region=world.community_a, period="h1", year=2026)
    with pytest.raises(Http404):
        selectors.submission_overview(actor=other_office, region=world.street_a, period="h1", year=2026)


def test_circular_visibility(world, ledger, office_user, liaison, other_liaison, inspector, other_office):
    circular = services.circular_draft(actor=office_user, issuing_unit=world.office_unit)
    assert list(selectors.circular_list(actor=office_user)) == [circular]
    assert not selectors.circular_list(actor=liaison).exists()  # drafts stay with the office
    assert not selectors.circular_list(actor=inspector).exists()
    services.circular_publish(actor=office_user, circular=circular, recipients=[world.committee_a])
    assert list(selectors.circular_list(actor=liaison)) == [circular]
    assert not selectors.circular_list(actor=other_liaison).exists()  # not sent to community B
    assert list(selectors.circular_list(actor=inspector)) == [circular]
    assert not selectors.circular_list(actor=other_office).exists()
    with pytest.raises(Http404):
        selectors.circular_get(actor=other_liaison, pk=circular.pk)


def test_generated_document_without_a_report_is_a_seeded_draft(world, ledger):
    document = selectors.generated_document(unit=world.committee_a, period="h1", year=2026)
    assert document.title == "沱河社区居委会2026年上半年普法工作情况报告"
    assert document.recipient == "沱河街道法治办"
    assert any(getattr(b, "lead", "").startswith("（一）民法典进社区宣讲") for b in document.blocks)
    summary = selectors.generated_document(unit=world.office_unit, period="year", year=2026, summary=True)
    assert summary.title == "沱河街道2026年度普法工作情况汇总报告"
    assert not Report.objects.exists()  # nothing was written


def test_draftable_units_are_the_actors_own(world, liaison, office_user, inspector):
    assert list(selectors.draftable_units(actor=liaison)) == [world.committee_a]
    assert list(selectors.draftable_units(actor=office_user)) == [world.office_unit]  # not every unit of the region
    assert not selectors.draftable_units(actor=inspector).exists()
