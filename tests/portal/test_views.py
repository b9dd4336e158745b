"""The portal's pages: regions, a list, a unit's laws, the calendar, the search; HTMX partials; query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse

from pufa.core import events
from pufa.core.models import Audience, Domain
from pufa.duties.models import Law
from pufa.ledger.models import Activity, ActivityUnit
from pufa.org.access import SYSTEM
from tests.factories import UnitFactory, duty_list


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def published(world):
    return duty_list(world.committee_a, status="published")


def test_index_shows_regions_and_upcoming(client, world, published, time_machine):
    time_machine.move_to(dt.datetime(2026, 5, 10, 9, 0, tzinfo=dt.UTC))
    html = client.get(reverse("portal:index")).content.decode()
    assert "测试区" in html and "1个单位已公告" in html
    assert "“美好生活·民法典相伴”主题宣讲" in html and "计划中" in html


def test_region_page_lists_units_with_children_and_htmx_rows(client, world, published):
    duty_list(world.committee_b, status="published")
    html = client.get(reverse("portal:region", args=[world.street_a.pk]), {"year": 2026}).content.decode()
    assert "沱河社区居委会" in html and "桃园社区居委会" in html
    assert "沱河社区" in html and "(1)" in html  # child regions with their counts
    response = client.get(
        reverse("portal:region", args=[world.street_a.pk]), {"year": 2026, "q": "桃园"}, HTTP_HX_REQUEST="true"
    )
    rows = response.content.decode()
    assert "<html" not in rows and "桃园社区居委会" in rows and "沱河社区居委会" not in rows
    assert client.get(reverse("portal:region", args=[999999])).status_code == 404


def test_list_page_shows_the_four_lists_and_planned_against_done(client, world, published):
    activity = Activity.objects.create(
        unit=world.committee_a,
        title="民法典宣讲进社区",
        kind=published.planned_activities.get().kind,
        date=dt.date(2026, 5, 20),
        status=Activity.Status.SUBMITTED,
        region_path=world.community_a.path,
    )
    ActivityUnit.objects.create(
        activity=activity,
        unit=world.committee_a,
        is_organiser=True,
        unit_path=world.committee_a.path,
        region_path=world.community_a.path,
        date=activity.date,
        status=activity.status,
    )
    events.publish(events.ActivitiesChanged(name=events.ActivitiesChanged.SUBMITTED, activities=(activity,)))
    cache.clear()
    html = client.get(reverse("portal:list-detail", args=[published.pk])).content.decode()
    for text in (
        "内容清单",
        "责任清单",
        "措施清单",
        "标准清单",
        "综合办公室",
        "社区居民",
        "5月民法典宣传月",
        "全年不少于2次",
    ):
        assert text in html, text
    assert "已开展 2026年5月20日" in html and "已开展1项" in html


def test_a_returned_activity_is_not_shown_as_done(client, world, published):
    planned = published.planned_activities.get()
    activity = Activity.objects.create(
        unit=world.committee_a,
        title="民法典宣讲",
        kind=planned.kind,
        date=dt.date(2026, 5, 20),
        status=Activity.Status.RETURNED,
        region_path=world.community_a.path,
    )
    planned.activity = activity  # e.g. linked by hand, then returned by the office
    planned.save()
    html = client.get(reverse("portal:list-detail", args=[published.pk])).content.decode()
    assert "已开展" not in html.replace("已开展0项", "")


def test_unit_laws_page(client, world, published):
    html = client.get(reverse("portal:unit-laws", args=[world.committee_a.pk])).content.decode()
    assert (
        "沱河社区居委会负责执行的法律法规" in html and "《中华人民共和国民法典》" in html and "2021年1月1日施行" in html
    )


def test_calendar_month_grid_and_list(client, world, published):
    response = client.get(reverse("portal:calendar"), {"year": 2026, "month": 5})
    html = response.content.decode()
    assert "2026年5月普法活动" in html and 'data-testid="month-grid"' in html and 'data-testid="month-list"' in html
    grid = html[html.index('data-testid="month-grid"') : html.index('data-testid="month-list"')]
    listing = html[html.index('data-testid="month-list"') :]
    assert ">“美好生活·民法典相伴”主题宣讲</a>" in grid and "<strong>“美好生活·民法典相伴”主题宣讲</strong>" in listing
    html = client.get(reverse("portal:calendar"), {"year": 2026, "month": 6}).content.decode()
    assert "主题宣讲" not in html and "没有公告的普法活动" in html
    rows = client.get(reverse("portal:calendar"), {"year": 2026, "month": 5}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in rows and "主题宣讲" in rows and "month-grid" not in rows


def test_calendar_day_overflow_links_to_the_day_list(client, world):
    for n in range(5):
        duty_list(
            UnitFactory(name=f"沱河街道部门{n}", region=world.street_a),
            status="published",
            activity=f"宪法日宣传{n}",
            start=dt.date(2026, 12, 4),
            end=dt.date(2026, 12, 4),
        )
    html = client.get(reverse("portal:calendar"), {"year": 2026, "month": 12}).content.decode()
    assert "另有2项" in html
    html = client.get(reverse("portal:calendar"), {"year": 2026, "month": 12, "day": 4}).content.decode()
    assert "2026年12月4日的普法活动" in html and all(f"宪法日宣传{n}" in html for n in range(5))


def test_calendar_by_region(client, world, published):
    duty_list(
        UnitFactory(name="三八街道派出所", region=world.street_b), status="published", activity="三八街道反诈宣传"
    )
    html = client.get(
        reverse("portal:calendar"), {"year": 2026, "month": 5, "region": world.street_b.pk}
    ).content.decode()
    assert "三八街道反诈宣传" in html and "民法典相伴" not in html


def test_search_by_law_domain_audience_and_place(client, world, published):
    from pufa.core.models import ActivityKind
    from pufa.duties import services

    other = duty_list(
        UnitFactory(name="三八街道派出所", region=world.street_b), status="draft", activity="反诈宣传进校园"
    )
    fraud = services.law_create(actor=SYSTEM, data=services.LawData(name="中华人民共和国反电信网络诈骗法"))
    services.planned_activity_update(
        actor=SYSTEM,
        planned=other.planned_activities.get(),
        data=services.PlannedData(
            content="反诈宣传进校园",
            kind=ActivityKind.objects.get(code="jzxc"),
            start=dt.date(2026, 9, 1),
            end=dt.date(2026, 9, 10),
            audiences=[Audience.objects.get(code="qsn")],
            domains=[Domain.objects.get(code="jtaq-za")],
            laws=[fraud],
        ),
    )
    services.duty_list_submit(actor=SYSTEM, duty_list=other)
    services.duty_list_file(actor=SYSTEM, duty_list=other)
    services.duty_list_publish(actor=SYSTEM, duty_list=other)
    cache.clear()
    search = reverse("portal:search")

    def found(**params):
        html = client.get(search, params).content.decode()
        return ("民法典相伴" in html, "反诈宣传进校园" in html)

    assert found(law=fraud.pk) == (False, True)
    assert found(law=Law.objects.get(name="中华人民共和国民法典").pk) == (True, False)
    assert found(domain=Domain.objects.get(code="jtaq-za").pk) == (False, True)
    assert found(audience=Audience.objects.get(code="qsn").pk) == (False, True)
    assert found(audience=Audience.objects.get(code="sqjm").pk) == (True, False)
    assert found(region=world.street_b.pk) == (False, True)
    assert found(region=world.community_a.pk) == (True, False)
    assert found(q="校园") == (False, True)
    assert found(q="三八街道派出所") == (False, True)
    assert found(region=world.district.pk) == (True, True)
    html = client.get(search, {"q": "校园"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "反诈宣传进校园" in html


def test_empty_search_asks_for_a_condition(client, world, published):
    html = client.get(reverse("portal:search")).content.decode()
    assert "请输入关键词" in html


def test_portal_pages_use_few_queries_and_then_the_cache(client, world, django_assert_max_num_queries):
    for n in range(20):
        duty_list(UnitFactory(name=f"沱河街道单位{n}", region=world.street_a), status="published")
    urls = [
        reverse("portal:index"),
        reverse("portal:region", args=[world.street_a.pk]) + "?year=2026",
        reverse("portal:calendar") + "?year=2026&month=5",
        reverse("portal:search") + "?q=民法典",
    ]
    for url in urls:
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200
        with django_assert_max_num_queries(2):  # the session/auth lookups at most; content from the cache
            assert client.get(url).status_code == 200


def test_portal_is_usable_with_many_results_paged(client, world):
    for n in range(35):
        duty_list(UnitFactory(name=f"沱河街道单位{n:02d}", region=world.street_a), status="published")
    html = client.get(reverse("portal:region", args=[world.street_a.pk]), {"year": 2026}).content.decode()
    assert "共 35 条，第 1/2 页" in html
    html = client.get(reverse("portal:region", args=[world.street_a.pk]), {"year": 2026, "page": 2}).content.decode()
    assert "第 2/2 页" in html


def test_login_page_links_to_the_portal(client, world):
    html = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("portal:index")}"' in html and "公众门户" in html
