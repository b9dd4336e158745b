"""The publishing boundary: nothing but published lists — and only their public fields — ever reaches the
portal, on any page, in any search result, or behind a direct URL."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from pufa.core.models import Audience, Domain
from pufa.duties import services
from pufa.duties.models import Law
from tests.factories import UnitFactory, duty_list

#: Every internal value the factory writes into a list: none of it may appear on a public page.
INTERNAL = ["王副所长", "张明", "13805571003", "138****1003", "内部：联系社区书记"]
HIDDEN_STATES = ["draft", "submitted", "returned", "filed"]
_ECHO = re.compile(r'name="q" value="[^"]*"')


def page_text(response) -> str:
    """The page without the search box's echo of what the visitor typed (that is the visitor's own input)."""
    return _ECHO.sub('name="q" value=""', response.content.decode())


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def lists(world, django_capture_on_commit_callbacks):
    """One published list and one list in each non-public state, each with its own recognisable content."""
    made = {}
    with django_capture_on_commit_callbacks(execute=True):
        made["published"] = duty_list(
            world.committee_a, status="published", content="公开事项：宣传民法典", activity="公开活动：民法典宣讲"
        )
        for n, state in enumerate(HIDDEN_STATES):
            unit = UnitFactory(name=f"隐藏单位{state}", region=world.community_b if n % 2 else world.street_a)
            made[state] = duty_list(unit, status=state, content=f"隐藏事项{state}", activity=f"隐藏活动{state}")
    return made


def _public_urls(world, lists) -> list[str]:
    published = lists["published"]
    planned = published.planned_activities.get()
    civil = Law.objects.get(name="中华人民共和国民法典")
    residents = Audience.objects.get(code="sqjm")
    civil_domain = Domain.objects.get(code="minfadian")
    return [
        reverse("portal:index"),
        reverse("portal:index") + "?year=2026",
        reverse("portal:region", args=[world.district.pk]) + "?year=2026",
        reverse("portal:region", args=[world.street_a.pk]) + "?year=2026",
        reverse("portal:region", args=[world.community_b.pk]) + "?year=2026",
        reverse("portal:list-detail", args=[published.pk]),
        reverse("portal:unit-laws", args=[world.committee_a.pk]),
        reverse("portal:calendar") + "?year=2026&month=5",
        reverse("portal:calendar") + f"?year=2026&month=5&region={world.street_a.pk}",
        reverse("portal:calendar") + "?year=2026&month=5&day=10",
        reverse("portal:search") + "?q=活动",
        reverse("portal:search") + "?q=事项",
        reverse("portal:search") + "?q=隐藏",
        reverse("portal:search") + "?q=张明",
        reverse("portal:search") + "?q=13805571003",
        reverse("portal:search") + "?q=联系社区书记",
        reverse("portal:search") + f"?law={civil.pk}",
        reverse("portal:search") + f"?domain={civil_domain.pk}",
        reverse("portal:search") + f"?audience={residents.pk}",
        reverse("portal:search") + f"?region={world.street_a.pk}",
        reverse("portal:search") + f"?region={world.district.pk}&law={civil.pk}&year=2026",
        f"{reverse('portal:search')}?q={planned.content}",
        reverse("portal:menu"),
        reverse("portal:menu") + f"?region={world.street_a.pk}",
        reverse("portal:menu") + f"?region={world.community_b.pk}",
        reverse("portal:menu-order") + f"?region={world.street_a.pk}&domain={civil_domain.pk}",
    ]


def test_published_content_is_on_the_portal(client, world, lists):
    published = lists["published"]
    html = client.get(reverse("portal:list-detail", args=[published.pk])).content.decode()
    assert "公开事项：宣传民法典" in html and "公开活动：民法典宣讲" in html and "综合办公室" in html
    assert "《中华人民共和国民法典》" in html and "本单位普法工作的总体安排" in html
    html = client.get(reverse("portal:search"), {"q": "民法典"}).content.decode()
    assert "公开活动：民法典宣讲" in html and "沱河社区居委会2026年度普法责任清单" in html


def test_no_hidden_list_and_no_internal_field_on_any_public_page(client, world, lists):
    for url in _public_urls(world, lists):
        response = client.get(url)
        assert response.status_code == 200, url
        html = page_text(response)
        for state in HIDDEN_STATES:
            assert f"隐藏事项{state}" not in html and f"隐藏活动{state}" not in html, (url, state)
            assert f"隐藏单位{state}" not in html, (url, state)
        for value in INTERNAL:
            assert value not in html, (url, value)
        assert "内部备注" not in html and "责任领导" not in html and "责任人" not in html


def test_direct_urls_of_hidden_lists_are_404(client, world, lists):
    for state in HIDDEN_STATES:
        hidden = lists[state]
        assert client.get(reverse("portal:list-detail", args=[hidden.pk])).status_code == 404, state
        assert client.get(reverse("portal:unit-laws", args=[hidden.unit_id])).status_code == 404, state
    assert client.get(reverse("portal:list-detail", args=[999999])).status_code == 404


def test_search_counts_only_published(client, world, lists):
    response = client.get(reverse("portal:search"), {"q": "活动"})
    assert "拟开展的普法活动（1项）" in response.content.decode()
    response = client.get(reverse("portal:search"), {"q": "事项"})
    assert "相关单位的责任清单（1个）" in response.content.decode()


def test_deleted_unit_or_list_leaves_the_portal(client, world, lists, django_capture_on_commit_callbacks):
    published = lists["published"]
    url = reverse("portal:list-detail", args=[published.pk])
    assert client.get(url).status_code == 200
    published.deleted_at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    published.save()
    cache.clear()
    assert client.get(url).status_code == 404
    assert "公开活动" not in client.get(reverse("portal:calendar") + "?year=2026&month=5").content.decode()


def test_withdrawal_takes_the_list_off_at_once_despite_the_cache(
    client, world, office_user, lists, django_capture_on_commit_callbacks
):
    published = lists["published"]
    detail = reverse("portal:list-detail", args=[published.pk])
    search = reverse("portal:search") + "?q=公开活动"
    month = reverse("portal:calendar") + "?year=2026&month=5"
    region = reverse("portal:region", args=[world.street_a.pk]) + "?year=2026"
    menu = reverse("portal:menu") + f"?region={world.street_a.pk}"
    for url in (detail, search, month, region, menu):
        assert "沱河社区居委会" in page_text(client.get(url)), url
    with django_capture_on_commit_callbacks(execute=True):
        services.duty_list_withdraw(actor=office_user, duty_list=published, reason="内容有误，更正后再公告")
    assert client.get(detail).status_code == 404
    for url in (search, month, region, menu):
        html = page_text(client.get(url))
        assert "公开活动" not in html and "沱河社区居委会" not in html, url


def test_publishing_shows_the_list_at_once_despite_the_cache(
    client, world, office_user, lists, django_capture_on_commit_callbacks
):
    filed = lists["filed"]
    month = reverse("portal:calendar") + "?year=2026&month=5"
    assert "隐藏活动filed" not in client.get(month).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.duty_list_publish(actor=office_user, duty_list=filed)
    assert "隐藏活动filed" in client.get(month).content.decode()
    assert client.get(reverse("portal:list-detail", args=[filed.pk])).status_code == 200


def test_portal_needs_no_login_and_offers_no_internal_menu(client, world, lists):
    html = client.get(reverse("portal:index")).content.decode()
    assert "退出登录" not in html and "审计日志" not in html and "工作人员登录" in html
