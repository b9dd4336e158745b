"""Pages of the responsibility lists: the permission matrix, the workflow through the pages, HTMX partials,
query counts and the exports reopened."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from pufa.core.models import ActivityKind, Audience, Notification
from pufa.duties.models import DutyList
from pufa.org.access import SYSTEM
from tests.factories import UnitFactory, duty_list


def test_anonymous_is_sent_to_login(client, world):
    dl = duty_list(world.committee_a)
    for url in [
        reverse("duties:index"),
        reverse("duties:list-detail", args=[dl.pk]),
        reverse("duties:overview"),
        reverse("duties:law-list"),
        reverse("duties:list-export", args=[dl.pk, "xlsx"]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_member_has_no_duties_pages(client_for, world):
    from pufa.org.models import Membership
    from tests.factories import member_of

    member = member_of(world.committee_a, Membership.Role.MEMBER, username="member")
    assert client_for(member).get(reverse("duties:index")).status_code == 403


def test_permission_matrix_on_a_list(client_for, world, liaison, other_liaison, inspector, other_office, office_user):
    dl = duty_list(world.committee_a)
    detail = reverse("duties:list-detail", args=[dl.pk])
    edit = reverse("duties:list-edit", args=[dl.pk])
    add = reverse("duties:item-create", args=[dl.pk])
    assert client_for(other_liaison).get(detail).status_code == 404
    assert client_for(other_office).get(detail).status_code == 404
    assert client_for(other_liaison).get(edit).status_code == 404
    assert client_for(inspector).get(detail).status_code == 200
    assert client_for(inspector).get(edit).status_code == 403
    assert client_for(inspector).get(add).status_code == 403
    assert client_for(liaison).get(edit).status_code == 200
    assert client_for(office_user).get(add).status_code == 200
    assert client_for(liaison).post(reverse("duties:list-file", args=[dl.pk])).status_code == 403


def test_list_page_shows_the_four_lists_and_internal_fields_to_staff(client_for, world, liaison, inspector):
    dl = duty_list(world.committee_a)
    html = client_for(liaison).get(reverse("duties:list-detail", args=[dl.pk])).content.decode()
    assert "内容清单" in html and "责任清单" in html and "措施清单" in html and "标准清单" in html
    assert "宣传《民法典》婚姻家庭编和继承编" in html and "13805571003" in html and "联系社区书记" in html
    assert "“美好生活·民法典相伴”主题宣讲" in html and "尚未开展" in html
    html = client_for(inspector).get(reverse("duties:list-detail", args=[dl.pk])).content.decode()
    assert "138****1003" in html and "13805571003" not in html


def test_liaison_drafts_a_list_through_the_pages(client_for, world, liaison):
    c = client_for(liaison)
    response = c.post(reverse("duties:list-create"), {"unit": world.committee_a.pk, "year": 2026, "start": "empty"})
    dl = DutyList.objects.get(unit=world.committee_a, year=2026)
    assert response.status_code == 302 and response["Location"] == reverse("duties:list-detail", args=[dl.pk])
    residents = Audience.objects.get(code="sqjm")
    response = c.post(
        reverse("duties:item-create", args=[dl.pk]),
        {"content": "宣传《反电信网络诈骗法》", "audiences": [residents.pk], "responsible_section": "综治办"},
    )
    assert response.status_code == 302
    item = dl.items.get()
    response = c.post(
        reverse("duties:planned-create", args=[dl.pk]),
        {
            "content": "反诈宣传进小区",
            "kind": ActivityKind.objects.get(code="jzxc").pk,
            "audiences": [residents.pk],
            "start": "2026-06-01",
            "end": "2026-06-30",
            "item": item.pk,
            "region": world.community_a.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    c.post(reverse("duties:list-submit", args=[dl.pk]))
    dl.refresh_from_db()
    assert dl.status == "submitted"
    response = c.get(reverse("duties:item-edit", args=[item.pk]))
    assert response.status_code == 200  # the page opens, the service refuses the change
    c.post(reverse("duties:item-edit", args=[item.pk]), {"content": "改了", "audiences": [residents.pk]})
    item.refresh_from_db()
    assert item.content == "宣传《反电信网络诈骗法》"


def test_form_errors_come_back_in_chinese(client_for, world, liaison):
    dl = duty_list(world.committee_a)
    response = client_for(liaison).post(
        reverse("duties:planned-create", args=[dl.pk]),
        {
            "content": "宪法日宣传",
            "kind": ActivityKind.objects.get(code="jzxc").pk,
            "audiences": [Audience.objects.get(code="sqjm").pk],
            "start": "2026-12-07",
            "end": "2026-12-01",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "结束日期不能早于开始日期" in html


def test_submit_with_missing_parts_shows_the_reasons(client_for, world, liaison):
    c = client_for(liaison)
    c.post(reverse("duties:list-create"), {"unit": world.committee_a.pk, "year": 2026, "start": "empty"})
    dl = DutyList.objects.get(unit=world.committee_a)
    response = c.post(reverse("duties:list-submit", args=[dl.pk]), follow=True)
    assert "清单还没有事项" in response.content.decode()


def test_office_files_returns_and_publishes_through_the_pages(client_for, world, office_user, liaison):
    dl = duty_list(world.committee_a, status="submitted")
    c = client_for(office_user)
    response = c.post(reverse("duties:list-return", args=[dl.pk]), {"reason": "请补充工作标准"}, follow=True)
    assert "清单已退回" in response.content.decode()
    dl.refresh_from_db()
    assert dl.status == "returned"
    html = client_for(liaison).get(reverse("duties:list-detail", args=[dl.pk])).content.decode()
    assert "请补充工作标准" in html
    client_for(liaison).post(reverse("duties:list-submit", args=[dl.pk]))
    c = client_for(office_user)
    c.post(reverse("duties:list-file", args=[dl.pk]))
    c.post(reverse("duties:list-publish", args=[dl.pk]))
    dl.refresh_from_db()
    assert dl.status == "published"
    html = c.get(reverse("duties:list-detail", args=[dl.pk])).content.decode()
    assert reverse("portal:list-detail", args=[dl.pk]) in html and "撤回公告" in html


def test_start_from_last_year_through_the_page(client_for, world, liaison):
    old = duty_list(world.committee_a, year=2025, start=dt.date(2025, 5, 1), end=dt.date(2025, 5, 31))
    response = client_for(liaison).post(
        reverse("duties:list-create"),
        {"unit": world.committee_a.pk, "year": 2026, "start": "previous", "source": old.pk},
    )
    new = DutyList.objects.get(unit=world.committee_a, year=2026)
    assert response.status_code == 302 and new.source == old and new.items.count() == 1


def test_start_form_asks_for_the_source(client_for, world, liaison):
    response = client_for(liaison).post(
        reverse("duties:list-create"), {"unit": world.committee_a.pk, "year": 2026, "start": "previous"}
    )
    assert "请选择要沿用的往年清单" in response.content.decode()


def test_index_lists_are_scoped_and_htmx_returns_rows(client_for, world, liaison, office_user):
    duty_list(world.committee_a)
    duty_list(world.committee_b, status="submitted")
    html = client_for(liaison).get(reverse("duties:index")).content.decode()
    assert "沱河社区居委会 · 2026年度" in html and "桃园社区居委会" not in html
    response = client_for(office_user).get(reverse("duties:index"), {"status": "submitted"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "桃园社区居委会" in html and "沱河社区居委会" not in html


def test_index_list_query_count_is_flat(client_for, world, office_user, django_assert_max_num_queries):
    for i in range(12):
        duty_list(UnitFactory(name=f"沱河街道部门{i}", region=world.street_a))
    c = client_for(office_user)
    with django_assert_max_num_queries(14):
        assert c.get(reverse("duties:index")).status_code == 200


def test_list_page_query_count_is_flat(client_for, world, office_user, django_assert_max_num_queries):
    dl = duty_list(world.committee_a)
    from pufa.duties import services

    for n in range(10):
        services.duty_item_create(
            actor=SYSTEM,
            duty_list=dl,
            data=services.ItemData(content=f"事项{n}", audiences=[Audience.objects.get(code="qsn")]),
        )
    c = client_for(office_user)
    with django_assert_max_num_queries(20):
        assert c.get(reverse("duties:list-detail", args=[dl.pk])).status_code == 200


# ---------------------------------------------------------------- the office's overview


def test_overview_shows_missing_units_and_is_office_only(
    client_for, world, office_user, liaison, inspector, time_machine
):
    time_machine.move_to(dt.datetime(2026, 4, 2, 9, 0, tzinfo=dt.UTC))
    duty_list(world.committee_a, status="submitted")
    assert client_for(liaison).get(reverse("duties:overview")).status_code == 403
    assert client_for(inspector).get(reverse("duties:overview")).status_code == 403
    response = client_for(office_user).get(reverse("duties:overview"), {"year": 2026})
    html = response.content.decode()
    assert response.status_code == 200
    assert "逾期未报" in html and "桃园社区居委会" in html and "2026年3月31日" in html
    assert "三八街道法治办" not in html
    response = client_for(office_user).get(
        reverse("duties:overview"), {"year": 2026, "missing": "1"}, HTTP_HX_REQUEST="true"
    )
    rows = response.content.decode()
    assert "<html" not in rows and "桃园社区居委会" in rows and "沱河社区居委会" not in rows


def test_overview_sets_deadline_and_reminds(client_for, world, office_user, other_liaison):
    c = client_for(office_user)
    c.post(reverse("duties:deadline-set"), {"region": world.street_a.pk, "year": 2026, "due": "2026-03-20"})
    html = c.get(reverse("duties:overview"), {"region": world.street_a.pk, "year": 2026}).content.decode()
    assert "2026年3月20日" in html
    response = c.post(reverse("duties:remind"), {"region": world.street_a.pk, "year": 2026}, follow=True)
    html = response.content.decode()
    # Four units have not submitted; only 桃园 has a liaison, and the three without one are named.
    assert "已向1个单位的联络员发送提醒1条" in html
    assert "3个单位没有联络员账号：" in html and "沱河社区居委会" in html
    assert Notification.objects.filter(user=other_liaison).count() == 1


def test_overview_refuses_a_region_outside(client_for, world, office_user):
    c = client_for(office_user)
    assert c.get(reverse("duties:overview"), {"region": world.street_b.pk}).status_code == 404
    assert c.post(reverse("duties:remind"), {"region": world.street_b.pk, "year": 2026}).status_code == 404
    assert not Notification.objects.exists()


def test_overview_query_count_is_flat(client_for, world, office_user, django_assert_max_num_queries):
    for i in range(15):
        unit = UnitFactory(name=f"沱河街道单位{i}", region=world.street_a)
        if i % 2:
            duty_list(unit, status="submitted")
    c = client_for(office_user)
    with django_assert_max_num_queries(12):
        assert c.get(reverse("duties:overview")).status_code == 200


# ---------------------------------------------------------------- exports


def test_list_export_xlsx_has_the_four_list_layout(client_for, world, liaison):
    dl = duty_list(world.committee_a, status="filed")
    response = client_for(liaison).get(reverse("duties:list-export", args=[dl.pk, "xlsx"]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["责任清单"]
    assert sheet["A1"].value == "沱河社区居委会2026年度普法责任清单"
    assert [sheet.cell(row=2, column=c).value for c in (1, 2, 4, 7, 9)] == [
        "序号",
        "内容清单",
        "责任清单",
        "措施清单",
        "标准清单",
    ]
    assert [c.value for c in sheet[3]][1:] == [
        "法律法规",
        "普法内容",
        "责任领导",
        "责任科室",
        "责任人",
        "普法对象",
        "载体与措施",
        "工作标准",
        "时间节点",
    ]
    row = [c.value for c in sheet[4]]
    assert row[:3] == [1, "《中华人民共和国民法典》", "宣传《民法典》婚姻家庭编和继承编"]
    assert "社区居民" in row and "5月民法典宣传月" in row
    flat = " ".join(str(c.value) for r in workbook.worksheets for line in r.iter_rows() for c in line if c.value)
    assert "13805571003" not in flat and "联系社区书记" not in flat
    planned = [c.value for c in workbook["普法活动公告"][2]]
    assert planned[1] == "“美好生活·民法典相伴”主题宣讲" and "2026年5月1日至2026年5月31日" in planned[4]
    assert workbook["负责执行的法律法规"]["B2"].value == "中华人民共和国民法典"


def test_list_export_docx_is_landscape_with_the_table(client_for, world, liaison):
    dl = duty_list(world.committee_a)
    response = client_for(liaison).get(reverse("duties:list-export", args=[dl.pk, "docx"]))
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    section = doc.sections[0]
    assert section.page_width > section.page_height and round(section.page_width.mm) == 297
    assert doc.paragraphs[0].text == "沱河社区居委会2026年度普法责任清单"
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells][:3] == ["序号", "内容清单", "内容清单"]
    assert (
        table.rows[1].cells[1].text == "法律法规" and table.rows[2].cells[2].text == "宣传《民法典》婚姻家庭编和继承编"
    )
    assert doc.tables[1].rows[1].cells[1].text == "“美好生活·民法典相伴”主题宣讲"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "《中华人民共和国民法典》" in text and "13805571003" not in text


def test_export_of_unknown_format_is_404(client_for, world, liaison):
    dl = duty_list(world.committee_a)
    assert client_for(liaison).get(reverse("duties:list-export", args=[dl.pk, "pdf"])).status_code == 404


def test_region_export_has_every_unit_and_the_report(client_for, world, office_user, liaison):
    duty_list(world.committee_a, status="published")
    duty_list(world.committee_b, status="submitted")
    c = client_for(office_user)
    response = c.get(reverse("duties:region-export", args=["xlsx"]), {"year": 2026})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    units = {row[1] for row in workbook["责任清单"].iter_rows(min_row=4, values_only=True)}
    assert units == {"沱河社区居委会", "桃园社区居委会"}
    report = {row[1]: row[3] for row in workbook["报送情况"].iter_rows(min_row=2, values_only=True)}
    assert report["沱河街道司法所"] == "未建立" and report["沱河社区居委会"] == "已公告"
    response = c.get(reverse("duties:region-export", args=["docx"]), {"year": 2026})
    doc = Document(io.BytesIO(b"".join(response.streaming_content)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "应报送单位4个，已报送2个" in text and "桃园社区居委会2026年度普法责任清单" in text
    assert client_for(liaison).get(reverse("duties:region-export", args=["xlsx"])).status_code == 403


# ---------------------------------------------------------------- laws, templates, notifications


def test_law_pages(client_for, world, liaison, office_user):
    c = client_for(liaison)
    response = c.post(
        reverse("duties:law-create"), {"name": "中华人民共和国反电信网络诈骗法", "level": "law", "is_active": "on"}
    )
    assert response.status_code == 302
    html = c.get(reverse("duties:law-list"), {"q": "fan dian"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and "反电信网络诈骗法" in html
    from pufa.duties.models import Law

    law_obj = Law.objects.get()
    assert c.get(reverse("duties:law-edit", args=[law_obj.pk])).status_code == 403
    assert client_for(office_user).get(reverse("duties:law-edit", args=[law_obj.pk])).status_code == 200


def test_template_pages(client_for, world, office_user, liaison):
    c = client_for(office_user)
    response = c.post(
        reverse("duties:template-create"),
        {"issuing_unit": world.office_unit.pk, "unit_kind": "community_committee", "title": "社区清单模板"},
    )
    assert response.status_code == 302
    from pufa.duties.models import DutyTemplate

    template = DutyTemplate.objects.get()
    c.post(
        reverse("duties:template-detail", args=[template.pk]),
        {"content": "宣传《民法典》", "audiences": [Audience.objects.get(code="sqjm").pk]},
    )
    c.post(reverse("duties:template-issue", args=[template.pk]))
    template.refresh_from_db()
    assert template.status == "issued" and template.items.count() == 1
    html = client_for(liaison).get(reverse("duties:template-detail", args=[template.pk])).content.decode()
    assert "社区清单模板" in html and "宣传《民法典》" in html and "下发" in html
    response = client_for(liaison).post(reverse("duties:template-detail", args=[template.pk]), {"content": "x"})
    assert response.status_code == 403


def test_unread_reminders_show_on_the_duties_page(client_for, world, liaison):
    dl = duty_list(world.committee_a, status="submitted")
    from pufa.duties import services

    services.duty_list_return(actor=SYSTEM, duty_list=dl, reason="请补充时间节点")
    html = client_for(liaison).get(reverse("duties:index")).content.decode()
    assert "沱河社区居委会2026年度普法责任清单被退回" in html and reverse("notification-list") in html


@pytest.mark.parametrize("name", ["duties:index", "duties:law-list", "duties:template-list"])
def test_nav_pages_open_for_liaison(client_for, world, liaison, name):
    response = client_for(liaison).get(reverse(name))
    assert response.status_code == 200 and "责任清单" in response.content.decode()
