"""Grade bands set by the office and stored by the scoring run; publication after the appeal window (through
the shared workflow, safe under parallel clicks, audited, announced); what units see before and after; the
unit's annual report linked in as its 述职."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection
from django.urls import reverse

from pufa.assessment import selectors, services, statements
from pufa.assessment.models import Item, Scheme, Score
from pufa.assessment.parsing import parse_lines
from pufa.core import events, workflow
from pufa.core.models import AuditEntry
from pufa.reports import services as report_services

D = dt.date
TABLE = [
    "项目\t内容措施\t分值\t备注",
    "宣传（10分）\t1.开展主题宣传活动\t6\t见记录",
    "宣传（10分）\t2.建立法律明白人队伍\t4\t见花名册",
]
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="parallel writers need row locks (PostgreSQL)"
)


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 10, tzinfo=ZoneInfo(settings.TIME_ZONE)), tick=False
    )


@pytest.fixture
def scheme(world, office_user):
    made = services.scheme_import(
        actor=office_user, region=world.street_a, name="普法工作考核", year=2026, parsed=parse_lines(TABLE).as_dict()
    )
    services.scheme_publish(actor=office_user, scheme=made)
    return made


def _self_score(liaison, scheme, unit, points):
    record = services.self_assessment_for(actor=liaison, scheme=scheme, unit=unit)
    for item in scheme.items.all():
        services.note_save(actor=liaison, assessment=record, item=item, note="见台账", points=min(points, item.points))
        points -= min(points, item.points)


def test_bands_are_set_by_the_office_audited_and_stored_by_the_run(world, office_user, liaison, scheme):
    with pytest.raises(PermissionDenied):
        services.scheme_bands_set(actor=liaison, scheme=scheme, bands=[{"name": "优"}, {"name": "差"}])
    with pytest.raises(ValidationError, match="最后一档"):
        services.scheme_bands_set(
            actor=office_user, scheme=scheme, bands=[{"name": "优", "min": 90}, {"name": "差", "min": 50}]
        )
    services.scheme_bands_set(
        actor=office_user,
        scheme=scheme,
        bands=[{"name": "好", "quota": "50", "min": "50"}, {"name": "一般", "min": "30"}, {"name": "差"}],
    )
    entry = AuditEntry.objects.get(code="assessment.scheme.bands")
    assert "好、一般、差" in entry.message
    with at(D(2026, 6, 1)):
        _self_score(liaison, scheme, world.committee_a, Decimal(9))  # 90%
        services.scoring_run(actor=office_user, scheme=scheme)
    bands = dict(Score.objects.filter(scheme=scheme).values_list("unit__code", "band"))
    # two communities: a 50% quota admits one; the other has 0 points, under every minimum
    assert bands["tuohe-tuohe"] == "好" and bands["tuohe-taoyuan"] == "差"
    counts = selectors.band_counts(actor=office_user, scheme=scheme)
    assert counts["community"] == [("好", 1), ("一般", 0), ("差", 1)]
    with at(D(2026, 6, 2)):
        services.scoring_run(actor=office_user, scheme=scheme, final=True)
    with pytest.raises(ValidationError, match="已评分"):
        services.scheme_bands_set(actor=office_user, scheme=scheme, bands=[{"name": "优"}, {"name": "差"}])


def test_publication_waits_for_the_appeal_window_and_is_announced(world, office_user, liaison, scheme):
    with at(D(2026, 6, 1)):
        services.scoring_run(actor=office_user, scheme=scheme, final=True)
    with at(D(2026, 7, 1)), pytest.raises(ValidationError, match="申诉期"):
        services.scheme_release(actor=office_user, scheme=scheme)  # never given to the units to appeal
    other = services.scheme_import(
        actor=office_user, region=world.street_a, name="另一考核", year=2026, parsed=parse_lines(TABLE).as_dict()
    )
    services.scheme_publish(actor=office_user, scheme=other)
    with pytest.raises(ValidationError, match="最终评分"):
        services.scheme_release(actor=office_user, scheme=other)
    with at(D(2026, 6, 1)):
        services.scoring_run(actor=office_user, scheme=other)
        services.scoring_run(actor=office_user, scheme=other, final=True)
    other.refresh_from_db()
    assert other.appeal_until == D(2026, 6, 8)
    with at(D(2026, 6, 8)), pytest.raises(ValidationError, match="期满后"):
        services.scheme_release(actor=office_user, scheme=other)
    with at(D(2026, 6, 9)):
        with pytest.raises(PermissionDenied):
            services.scheme_release(actor=liaison, scheme=other)
        assert selectors.unit_result(actor=liaison, scheme=other, unit=world.committee_a) is None
        heard = []
        with events.listening(events.RecordsChanged, heard.append):
            services.scheme_release(actor=office_user, scheme=other)
    assert other.status == Scheme.Status.RELEASED and other.released_at is not None
    assert [e.metrics for e in heard] == [frozenset({"assessment.score"})]
    entry = AuditEntry.objects.get(code="assessment.scheme.release")
    assert "公布" in entry.message and entry.changes["status"] == ["已评分", "已公布"]
    score, size = selectors.unit_result(actor=liaison, scheme=other, unit=world.committee_a)
    assert (score.unit_id, size) == (world.committee_a.pk, 2)
    with pytest.raises(ValidationError):  # a second click on a page loaded before: refused, nothing written
        services.scheme_release(actor=office_user, scheme=Scheme.objects.get(pk=other.pk))
    assert AuditEntry.objects.filter(code="assessment.scheme.release").count() == 1


def test_a_stale_page_cannot_release_twice(world, office_user, scheme):
    with at(D(2026, 6, 1)):
        services.scoring_run(actor=office_user, scheme=scheme)
        services.scoring_run(actor=office_user, scheme=scheme, final=True)
    scheme.refresh_from_db()
    loaded = scheme.version
    with at(D(2026, 6, 9)):
        services.scheme_release(actor=office_user, scheme=Scheme.objects.get(pk=scheme.pk), version=loaded)
        with pytest.raises(workflow.Conflict):
            services.scheme_release(actor=office_user, scheme=Scheme.objects.get(pk=scheme.pk), version=loaded)


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_publish_clicks_write_one_step_and_one_event(world, office_user, scheme):
    with at(D(2026, 6, 1)):
        services.scoring_run(actor=office_user, scheme=scheme)
        services.scoring_run(actor=office_user, scheme=scheme, final=True)
    heard = []
    barrier = threading.Barrier(8)
    results: list[BaseException | None] = [None] * 8

    def run(i: int) -> None:
        try:
            barrier.wait()
            services.scheme_release(actor=office_user, scheme=Scheme.objects.get(pk=scheme.pk))
        except BaseException as exc:  # collected and checked below
            results[i] = exc
        finally:
            close_old_connections()
            connection.close()

    with at(D(2026, 6, 9)), events.listening(events.RecordsChanged, heard.append):
        threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, ValidationError) for r in results if r is not None)
    assert AuditEntry.objects.filter(code="assessment.scheme.release").count() == 1
    assert len(heard) == 1


def test_the_ranking_page_hides_results_from_units_until_published(client_for, world, office_user, liaison, scheme):
    with at(D(2026, 6, 1)):
        services.scoring_run(actor=office_user, scheme=scheme)
        services.scoring_run(actor=office_user, scheme=scheme, final=True)
    url = reverse("assessment:ranking", args=[scheme.pk])
    circular = reverse("reports:assessment-circular", args=[scheme.pk, "docx"])
    with at(D(2026, 6, 5)):
        page = client_for(liaison).get(url).content.decode()
        assert "考核结果尚未公布" in page and "标准差" not in page
        office_page = client_for(office_user).get(url).content.decode()
        assert (
            "桃园社区居委会" in office_page and "标准差" in office_page and 'data-testid="release"' not in office_page
        )
        detail = client_for(office_user).get(reverse("assessment:scheme-detail", args=[scheme.pk])).content.decode()
        assert 'data-testid="release"' in detail
        assert client_for(office_user).get(circular).status_code == 302  # no circular before publication
    with at(D(2026, 6, 9)):
        office = client_for(office_user)
        office.post(
            reverse("assessment:scheme-step", args=[scheme.pk]),
            {"step": "release", "version": Scheme.objects.get(pk=scheme.pk).version},
        )
        page = client_for(liaison).get(url).content.decode()
        assert "沱河社区居委会" in page and "桃园社区居委会" not in page and 'data-testid="circular-docx"' in page
        mine = client_for(liaison).get(reverse("assessment:self", args=[scheme.pk, world.committee_a.pk]))
        assert 'data-testid="result-band">不合格<' in mine.content.decode()
        assert client_for(liaison).get(circular).status_code == 200
        assert (
            client_for(office_user).get(reverse("reports:assessment-circular", args=[scheme.pk, "txt"])).status_code
            == 404
        )


def test_the_units_annual_report_is_its_statement(client_for, world, office_user, liaison, other_liaison, scheme):
    report = report_services.report_start(actor=liaison, unit=world.committee_a, period="year", year=2026)
    report_services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)  # not the year's
    found = statements.for_unit(actor=liaison, unit=world.committee_a, year=2026)
    assert [(s.title, s.status) for s in found] == [(report.title, "草稿")]
    assert statements.for_unit(actor=liaison, unit=world.committee_a, year=2025) == []
    assert statements.for_unit(actor=other_liaison, unit=world.committee_a, year=2026) == []
    assert len(statements.for_unit(actor=office_user, unit=world.committee_a, year=2026)) == 1
    page = client_for(liaison).get(reverse("assessment:self", args=[scheme.pk, world.committee_a.pk])).content.decode()
    assert reverse("reports:report-detail", args=[report.pk]) in page and "述职" in page
    other = client_for(office_user).get(reverse("assessment:self", args=[scheme.pk, world.committee_b.pk]))
    assert "尚无2026年度工作报告" in other.content.decode()


def test_bands_form_on_the_scheme_page(client_for, office_user, scheme):
    office = client_for(office_user)
    url = reverse("assessment:scheme-bands", args=[scheme.pk])
    data = {"version": scheme.version, "b0-name": "优秀", "b0-quota": "10", "b0-min": "95", "b1-name": "其他"}
    office.post(url, data)
    scheme.refresh_from_db()
    assert scheme.bands == [
        {"name": "优秀", "quota": 10, "min": 95},
        {"name": "其他", "quota": None, "min": None},
    ]
    page = office.post(url, {"b0-name": "优秀\x00", "b0-quota": "9e999", "b1-name": "x" * 50}, follow=True)
    assert page.status_code == 200 and "名额比例" in page.content.decode()
    assert Item.objects.filter(scheme=scheme).count() == 2


def test_the_ranking_page_reads_in_a_bounded_number_of_queries(
    client_for, world, office_user, scheme, django_assert_max_num_queries
):
    from tests.factories import UnitFactory

    def page_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        office = client_for(office_user)
        with CaptureQueriesContext(connection) as seen:
            assert office.get(reverse("assessment:ranking", args=[scheme.pk])).status_code == 200
        return len(seen)

    with at(D(2026, 6, 1)):
        services.scoring_run(actor=office_user, scheme=scheme)
    few = page_queries()
    for i in range(6):
        UnitFactory(name=f"新社区{i}居委会", kind="community_committee", region=world.community_a, code=f"x{i}")
    with at(D(2026, 6, 2)):
        services.scoring_run(actor=office_user, scheme=Scheme.objects.get(pk=scheme.pk))
    assert Score.objects.filter(scheme=scheme).count() >= 9
    many = page_queries()
    assert many <= few  # nine units read in no more queries than three
    with django_assert_max_num_queries(30):
        client_for(office_user).get(reverse("assessment:ranking", args=[scheme.pk]))
