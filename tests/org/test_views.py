"""Permission matrix of the organisation pages: anonymous → login, outsider → 404, read-only → 403,
allowed → 200; and the HTMX partials."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pufa.org.models import Unit


def test_anonymous_is_sent_to_login(client, world):
    for url in [
        reverse("home"),
        reverse("org:unit-list"),
        reverse("org:unit-detail", args=[world.committee_a.pk]),
        reverse("org:audit-list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_home_shows_acting_unit(client_for, liaison):
    response = client_for(liaison).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "沱河社区居委会" in html and "联络员" in html
    assert "辖区单位" not in html


def test_home_for_office_shows_region_counts(client_for, office_user):
    html = client_for(office_user).get(reverse("home")).content.decode()
    assert "辖区单位" in html and "审计日志" in html


def test_liaison_cannot_open_other_community_unit(client_for, world, liaison):
    c = client_for(liaison)
    assert c.get(reverse("org:unit-detail", args=[world.committee_a.pk])).status_code == 200
    assert c.get(reverse("org:unit-detail", args=[world.committee_b.pk])).status_code == 404
    assert c.get(reverse("org:unit-edit", args=[world.committee_b.pk])).status_code == 404
    response = c.post(reverse("org:unit-delete", args=[world.committee_b.pk]))
    assert response.status_code == 404
    assert Unit.objects.filter(pk=world.committee_b.pk).exists()


def test_liaison_cannot_change_own_unit(client_for, world, liaison):
    c = client_for(liaison)
    assert c.get(reverse("org:unit-edit", args=[world.committee_a.pk])).status_code == 403
    assert c.post(reverse("org:unit-edit", args=[world.committee_a.pk]), {"name": "改"}).status_code == 403
    assert c.post(reverse("org:unit-delete", args=[world.committee_a.pk])).status_code == 403


def test_liaison_unit_list_shows_only_own(client_for, world, liaison):
    html = client_for(liaison).get(reverse("org:unit-list")).content.decode()
    assert "沱河社区居委会" in html and "桃园社区居委会" not in html


def test_office_manages_units_in_region(client_for, world, office_user):
    c = client_for(office_user)
    response = c.post(
        reverse("org:unit-create"),
        {
            "name": "沱河街道团委",
            "kind": "department",
            "region": world.street_a.pk,
            "aliases": "团委、共青团",
            "is_responsible_subject": "on",
        },
    )
    unit = Unit.objects.get(name="沱河街道团委")
    assert response.status_code == 302 and unit.aliases == ["团委", "共青团"]
    assert c.get(reverse("org:unit-edit", args=[unit.pk])).status_code == 200
    assert c.get(reverse("org:unit-detail", args=[world.other_office_unit.pk])).status_code == 404


def test_office_cannot_create_unit_in_other_region(client_for, world, office_user):
    response = client_for(office_user).post(
        reverse("org:unit-create"), {"name": "外区单位", "kind": "department", "region": world.street_b.pk}
    )
    assert response.status_code == 200  # the region is not offered: a form error, nothing saved
    assert not Unit.objects.filter(name="外区单位").exists()


def test_unit_list_htmx_returns_rows_partial(client_for, world, office_user):
    response = client_for(office_user).get(reverse("org:unit-list"), {"q": "司法"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "沱河街道司法所" in html and "沱河社区居委会" not in html


def test_unit_list_query_count_is_flat(client_for, world, office_user, django_assert_max_num_queries):
    from tests.factories import UnitFactory

    for i in range(30):
        UnitFactory(name=f"沱河社区楼栋{i}", region=world.community_a, kind=Unit.Kind.SOCIAL_ORG)
    c = client_for(office_user)
    with django_assert_max_num_queries(12):
        assert c.get(reverse("org:unit-list")).status_code == 200


def test_people_pages_matrix(client_for, world, office_user, liaison, other_liaison, other_office):
    assert client_for(liaison).get(reverse("org:user-list")).status_code == 403
    c = client_for(office_user)
    assert c.get(reverse("org:user-detail", args=[liaison.pk])).status_code == 200
    assert client_for(other_office).get(reverse("org:user-detail", args=[liaison.pk])).status_code == 404


def test_phone_numbers_are_masked_on_people_pages(client_for, world, office_user, liaison):
    liaison.phone = "13812345678"
    liaison.save()
    html = client_for(office_user).get(reverse("org:user-list")).content.decode()
    assert "138****5678" in html and "13812345678" not in html


def test_audit_page_matrix(client_for, world, office_user, liaison):
    assert client_for(liaison).get(reverse("org:audit-list")).status_code == 403
    html = client_for(office_user).get(reverse("org:audit-list")).content.decode()
    assert "沱河社区居委会" in html and "三八街道法治办" not in html


def test_audit_page_reads_in_chinese_and_links_records(client_for, world, office_user):
    """操作 in Chinese phrases, values by their labels, no dotted codes, no Python dict or list notation."""
    import re

    from pufa.core import audit

    unit = world.committee_a
    before = audit.snapshot(unit, ["is_responsible_subject", "kind"])
    audit.log(
        actor=office_user,
        action=audit.Action.UPDATE,
        obj=unit,
        code="org.unit.update",
        changes={"is_responsible_subject": [True, False], "kind": ["community", "office"], "path": ["/1/", "/2/"]},
    )
    assert before  # the fields exist on the model
    html = client_for(office_user).get(reverse("org:audit-list")).content.decode()
    table = html[html.index('data-testid="audit-table"') :]
    visible = re.sub(r"<[^>]+>", " ", table)
    assert "修改单位" in visible and "是 → 否" in visible
    assert not re.search(r"\b[a-z_]+\.[a-z_]+(\.[a-z_]+)?\b", visible)
    assert "True" not in visible and "{'" not in visible and "['" not in visible and "/1/" not in visible
    assert f'href="{reverse("org:unit-detail", args=[unit.pk])}"' in table


def test_region_pages(client_for, world, office_user, liaison):
    assert client_for(office_user).get(reverse("org:region-list")).status_code == 200
    assert client_for(liaison).get(reverse("org:region-create")).status_code == 403
    c = client_for(office_user)
    assert c.get(reverse("org:region-edit", args=[world.street_b.pk])).status_code == 404


@pytest.mark.parametrize("logged_in", [False, True])
def test_feedback_form_reachable_from_every_page(client, client_for, world, liaison, logged_in):
    c = client_for(liaison) if logged_in else client
    page = c.get(reverse("home") if logged_in else reverse("login"))
    assert reverse("org:feedback-create") in page.content.decode()
    response = c.post(
        reverse("org:feedback-create"),
        {"kind": "complaint", "region": world.street_a.pk, "content": "社区要求每次活动必须拍照上传。"},
    )
    assert response.status_code == 200 and "感谢您的意见" in response.content.decode()


def test_feedback_detail_matrix(client_for, world, office_user, liaison, other_liaison):
    from pufa.org.services import feedback_submit

    item = feedback_submit(actor=liaison, kind="suggestion", content="建议增加法律咨询。", region=world.community_a)
    assert client_for(other_liaison).get(reverse("org:feedback-detail", args=[item.pk])).status_code == 404
    assert client_for(liaison).get(reverse("org:feedback-detail", args=[item.pk])).status_code == 200
    assert client_for(liaison).post(reverse("org:feedback-detail", args=[item.pk]), {"reply": "x"}).status_code == 403
    response = client_for(office_user).post(reverse("org:feedback-detail", args=[item.pk]), {"reply": "收到"})
    assert response.status_code == 302


def test_healthz_is_public(client, db):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_navigation_groups_entries_into_one_menu_and_a_group_of_one_is_a_link():
    from pufa.org.context_processors import navigation_menu

    def entry(label: str, group: str = "") -> dict[str, str]:
        return {"label": label, "url": f"/{label}/", "url_name": label, "icon": "", "group": group}

    menu = navigation_menu(
        [
            entry("首页"),
            entry("组织机构", "系统管理"),
            entry("进度"),
            entry("审计日志", "系统管理"),
            entry("队伍", "资源"),
        ]
    )
    assert [m["label"] for m in menu] == ["首页", "系统管理", "进度", "队伍"]
    assert [c["label"] for c in menu[1]["children"]] == ["组织机构", "审计日志"]
    assert "children" not in menu[3]  # the only entry of its group the user sees
