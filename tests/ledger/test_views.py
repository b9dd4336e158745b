"""Ledger pages: the permission matrix (anonymous → login, outsider → 404, read-only → 403, allowed → 200),
HTMX partials, flat query counts, uploads through the form, files served only through the view, the export
re-opened with openpyxl, the calendar and key dates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from pufa.core.models import ActivityKind, Domain
from pufa.ledger import services
from pufa.ledger.models import Activity, Evidence, KeyDate
from pufa.org.access import SYSTEM
from pufa.org.models import Membership
from tests.factories import make_activity, make_plan, make_task, member_of
from tests.ledger.conftest import jpeg_bytes


@pytest.fixture
def activity(world):
    return make_activity(world.committee_a, title="沱河社区民法典宣讲", co_organisers=[world.judicial_office])


@pytest.fixture
def photo(world, activity):
    services.activity_withdraw(actor=SYSTEM, activity=activity)
    evidence = services.evidence_add(
        actor=SYSTEM,
        activity=activity,
        upload=services.EvidenceUpload(file=io.BytesIO(jpeg_bytes()), name="宣讲现场.jpg"),
    )
    services.activity_submit(actor=SYSTEM, activity=activity)
    return evidence


def test_anonymous_is_sent_to_login(client, world, activity, photo):
    for url in [
        reverse("ledger:activity-list"),
        reverse("ledger:activity-detail", args=[activity.pk]),
        reverse("ledger:activity-create"),
        reverse("ledger:activity-export"),
        reverse("ledger:calendar"),
        reverse("ledger:evidence-file", args=[photo.pk]),
        reverse("ledger:evidence-thumb", args=[photo.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_outsiders_get_404_for_records_and_direct_file_urls(
    client_for, world, activity, photo, other_liaison, other_office
):
    for outsider in (other_liaison, other_office):
        c = client_for(outsider)
        for url in [
            reverse("ledger:activity-detail", args=[activity.pk]),
            reverse("ledger:activity-edit", args=[activity.pk]),
            reverse("ledger:evidence-file", args=[photo.pk]),
            reverse("ledger:evidence-thumb", args=[photo.pk]),
        ]:
            assert c.get(url).status_code == 404, (outsider, url)
        assert c.post(reverse("ledger:activity-confirm", args=[activity.pk])).status_code == 404
        assert c.post(reverse("ledger:evidence-delete", args=[photo.pk])).status_code == 404
    assert Activity.objects.get().status == "submitted" and Evidence.objects.count() == 1


def test_read_only_roles_get_403(client_for, world, activity, inspector, liaison):
    c = client_for(inspector)
    assert c.get(reverse("ledger:activity-detail", args=[activity.pk])).status_code == 200
    assert c.get(reverse("ledger:activity-create")).status_code == 403
    assert c.get(reverse("ledger:activity-edit", args=[activity.pk])).status_code == 403
    assert c.post(reverse("ledger:activity-confirm", args=[activity.pk])).status_code == 403
    assert c.get(reverse("ledger:activity-import")).status_code == 403
    c = client_for(liaison)
    assert c.post(reverse("ledger:activity-confirm", args=[activity.pk])).status_code == 403
    assert c.post(reverse("ledger:activity-return", args=[activity.pk]), {"reason": "x"}).status_code == 403
    member = member_of(world.committee_a, Membership.Role.MEMBER, username="member")
    assert client_for(member).get(reverse("ledger:activity-detail", args=[activity.pk])).status_code == 200
    assert client_for(member).post(reverse("ledger:activity-submit", args=[activity.pk])).status_code == 403


def test_co_organiser_liaison_reads_but_cannot_edit(client_for, world, activity, django_user_model):
    judicial_liaison = member_of(world.judicial_office, Membership.Role.LIAISON, username="sfs")
    c = client_for(judicial_liaison)
    html = c.get(reverse("ledger:activity-detail", args=[activity.pk])).content.decode()
    assert "沱河社区民法典宣讲" in html and "沱河街道司法所" in html
    assert reverse("ledger:activity-edit", args=[activity.pk]) not in html
    assert c.get(reverse("ledger:activity-edit", args=[activity.pk])).status_code == 403


def test_list_shows_rows_and_htmx_returns_the_partial(client_for, world, activity, office_user, liaison):
    make_activity(world.committee_b, title="桃园社区禁毒宣传", kind="jzxc")
    html = client_for(office_user).get(reverse("ledger:activity-list")).content.decode()
    assert "沱河社区民法典宣讲" in html and "桃园社区禁毒宣传" in html and "协办：沱河街道司法所" in html
    response = client_for(office_user).get(reverse("ledger:activity-list"), {"kind": "jzxc"}, HTTP_HX_REQUEST="true")
    partial = response.content.decode()
    assert "<html" not in partial and "桃园社区禁毒宣传" in partial and "沱河社区民法典宣讲" not in partial
    assert "共 1 条" in partial
    liaison_html = client_for(liaison).get(reverse("ledger:activity-list")).content.decode()
    assert "桃园社区禁毒宣传" not in liaison_html


def test_list_query_count_is_flat_and_pages_by_cursor(client_for, world, office_user, django_assert_max_num_queries):
    for i in range(45):
        make_activity(
            world.committee_a if i % 2 else world.committee_b,
            title=f"第{i:02d}场普法活动",
            date=dt.date(2026, 1, 1) + dt.timedelta(days=i),
            co_organisers=[world.judicial_office] if i % 3 == 0 else [],
        )
    c = client_for(office_user)
    with django_assert_max_num_queries(20):
        html = c.get(reverse("ledger:activity-list")).content.decode()
    assert html.count('data-testid="activity-row"') == 30 and "第44场普法活动" in html and "共 45 条" in html
    start = html.index('data-testid="next-page"')
    href = html[:start].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    second = c.get(reverse("ledger:activity-list") + href, HTTP_HX_REQUEST="true").content.decode()
    assert second.count('data-testid="activity-row"') == 15 and "第00场普法活动" in second and "第44场" not in second


def test_unknown_or_invisible_unit_filter_is_404(client_for, world, liaison):
    c = client_for(liaison)
    assert c.get(reverse("ledger:activity-list"), {"unit": world.committee_b.pk}).status_code == 404
    assert c.get(reverse("ledger:activity-list"), {"participant": "abc"}).status_code == 404


def form_data(world, **overrides):
    data = {
        "unit": world.committee_a.pk,
        "title": "宪法进社区",
        "kind": ActivityKind.objects.get(code="jzxc").pk,
        "date": "2026-06-18",
        "people_onsite": "80",
        "domains": [Domain.objects.get(code="xianfa").pk],
    }
    data.update(overrides)
    return data


def test_liaison_records_with_photo_and_submits(client_for, world, liaison):
    c = client_for(liaison)
    page = c.get(reverse("ledger:activity-create")).content.decode()
    assert "组织单位：沱河社区居委会" in page and 'name="files"' in page
    response = c.post(
        reverse("ledger:activity-create"),
        {**form_data(world), "submit": "1", "files": [SimpleUploadedFile("现场.jpg", jpeg_bytes(), "image/jpeg")]},
    )
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledger:activity-detail", args=[activity.pk])
    assert activity.status == "submitted" and activity.people_onsite == 80
    evidence = activity.evidence.get()
    detail = c.get(response["Location"]).content.decode()
    assert reverse("ledger:evidence-thumb", args=[evidence.pk]) in detail and "现场.jpg" in detail
    file = c.get(reverse("ledger:evidence-file", args=[evidence.pk]))
    assert file.status_code == 200 and file["Content-Type"] == "image/jpeg"
    assert file["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(file.streaming_content)[:3] == b"\xff\xd8\xff"
    thumb = c.get(reverse("ledger:evidence-thumb", args=[evidence.pk]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


def test_rejected_upload_saves_nothing_and_explains(client_for, world, liaison):
    c = client_for(liaison)
    fake = SimpleUploadedFile("照片.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 300, "image/jpeg")
    response = c.post(reverse("ledger:activity-create"), {**form_data(world), "files": [fake]})
    assert response.status_code == 200
    assert "实际类型（elf）不允许上传" in response.content.decode()
    assert not Activity.objects.exists() and not Evidence.all_objects.exists()


def test_save_draft_then_edit_and_submit(client_for, world, liaison):
    c = client_for(liaison)
    c.post(reverse("ledger:activity-create"), {**form_data(world, date="2026-12-04"), "draft": "1"})
    activity = Activity.objects.get()
    assert activity.status == "draft"
    edit = reverse("ledger:activity-edit", args=[activity.pk])
    assert c.get(edit).status_code == 200
    response = c.post(edit, {**form_data(world, date="2026-06-19", title="宪法进社区（已举行）"), "submit": "1"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == "submitted" and activity.title == "宪法进社区（已举行）"
    response = c.get(edit)
    assert response.status_code == 302


def test_office_confirms_returns_and_reopens_through_the_pages(client_for, world, activity, office_user, liaison):
    c = client_for(office_user)
    c.post(reverse("ledger:activity-return", args=[activity.pk]), {"reason": "请补充签到表"})
    activity.refresh_from_db()
    assert activity.status == "returned"
    html = client_for(liaison).get(reverse("ledger:activity-detail", args=[activity.pk])).content.decode()
    assert "退回原因：请补充签到表" in html
    client_for(liaison).post(reverse("ledger:activity-submit", args=[activity.pk]))
    c = client_for(office_user)
    c.post(reverse("ledger:activity-confirm", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == "confirmed"
    response = c.post(reverse("ledger:activity-reopen", args=[activity.pk]), {"reason": ""}, follow=True)
    assert "请写明原因" in response.content.decode()
    c.post(reverse("ledger:activity-reopen", args=[activity.pk]), {"reason": "日期有误"})
    activity.refresh_from_db()
    assert activity.status == "returned"
    detail = c.get(reverse("ledger:activity-detail", args=[activity.pk])).content.decode()
    assert "重新打开：日期有误" in detail


def test_deleted_evidence_stays_with_the_unit_and_office_only(client_for, world, activity, photo, liaison, office_user):
    services.activity_withdraw(actor=SYSTEM, activity=activity)
    client_for(liaison).post(reverse("ledger:evidence-delete", args=[photo.pk]))
    member = member_of(world.committee_a, Membership.Role.MEMBER, username="member")
    assert client_for(member).get(reverse("ledger:evidence-file", args=[photo.pk])).status_code == 404
    assert client_for(liaison).get(reverse("ledger:evidence-file", args=[photo.pk])).status_code == 200
    assert client_for(office_user).get(reverse("ledger:evidence-file", args=[photo.pk])).status_code == 200


def test_task_suggestions_partial(client_for, world, liaison):
    task = make_task(make_plan(world.office_unit), title="每季度一堂法制课", units={"responsible": [world.committee_a]})
    response = client_for(liaison).get(
        reverse("ledger:task-suggestions"),
        {"unit": world.committee_a.pk, "date": "2026-05-01", "tasks": [task.pk]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "每季度一堂法制课" in html and f'value="{task.pk}" id="task-{task.pk}" checked' in html
    empty = client_for(liaison).get(
        reverse("ledger:task-suggestions"), {"unit": world.committee_a.pk, "date": "2025-05-01"}
    )
    assert "每季度一堂法制课" not in empty.content.decode()


def test_export_reopens_with_real_dates_and_a_summary(client_for, world, office_user, activity):
    make_activity(world.committee_b, title="桃园社区禁毒宣传", kind="jzxc", date=dt.date(2026, 6, 1), materials=300)
    make_activity(world.committee_b, title="草稿不导出", status="draft")
    response = client_for(office_user).get(reverse("ledger:activity-export"), {"status": "counted"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook["工作台账"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("序号", "活动日期", "活动名称", "活动形式", "组织单位", "协办单位")
    assert [r[2] for r in rows[1:]] == ["沱河社区民法典宣讲", "桃园社区禁毒宣传"]
    first = rows[1]
    assert isinstance(first[1], dt.datetime) and first[1].date() == dt.date(2026, 3, 15)
    assert sheet["B2"].number_format == 'yyyy"年"m"月"d"日"'
    assert first[5] == "沱河街道司法所" and first[8] == "民法典" and first[11] == 60 and first[17] == "已提交"
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    by_kind = {r[0]: r[1:] for r in summary if r and r[0] in {"专题讲座/法治课", "集中宣传", "合计"}}
    assert by_kind["合计"] == (2, 120, 0, 120, 400)
    assert by_kind["集中宣传"] == (1, 60, 0, 60, 300)
    units = {r[0]: r[1] for r in summary if r and r[0] and str(r[0]).endswith(("居委会", "司法所"))}
    assert units == {"沱河社区居委会": 1, "沱河街道司法所": 1, "桃园社区居委会": 1}


def test_export_is_scoped(client_for, world, liaison, activity):
    make_activity(world.committee_b, title="桃园社区禁毒宣传")
    response = client_for(liaison).get(reverse("ledger:activity-export"))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content)))["工作台账"].iter_rows(values_only=True))
    assert [r[2] for r in rows[1:]] == ["沱河社区民法典宣讲"]


def test_calendar_shows_key_dates_activities_and_coverage(client_for, world, liaison):
    make_activity(world.committee_a, title="民法典宣传月进社区", date=dt.date(2026, 5, 20), domains=["minfadian"])
    make_activity(world.committee_a, title="宪法日计划", date=dt.date(2026, 12, 4), status="draft", domains=["xianfa"])
    c = client_for(liaison)
    html = c.get(reverse("ledger:calendar"), {"month": "2026-05"}).content.decode()
    assert "2026年5月" in html and "民法典宣传月" in html and "民法典宣传月进社区" in html
    assert "沱河社区居委会 · 2026年重要节点开展情况" in html
    assert 'data-state="done"' in html and 'data-state="missed"' in html and 'data-state="planned"' in html
    december = c.get(reverse("ledger:calendar"), {"month": "2026-12"}).content.decode()
    assert "计划：宪法日计划" in december and "宪法宣传周" in december
    assert c.get(reverse("ledger:calendar"), {"month": "junk"}).status_code == 200


def test_key_date_pages(client_for, world, office_user, liaison):
    assert client_for(liaison).get(reverse("ledger:key-date-list")).status_code == 200
    assert client_for(liaison).get(reverse("ledger:key-date-create")).status_code == 403
    c = client_for(office_user)
    response = c.post(
        reverse("ledger:key-date-create"),
        {"name": "沱河街道法治文化节", "month": 9, "day": 20, "region": world.street_a.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    key_date = KeyDate.objects.get(name="沱河街道法治文化节")
    assert key_date.region == world.street_a
    national = KeyDate.objects.get(name="国家宪法日")
    assert c.get(reverse("ledger:key-date-edit", args=[national.pk])).status_code == 403
    assert c.get(reverse("ledger:key-date-edit", args=[key_date.pk])).status_code == 200
    assert "沱河街道法治文化节" in client_for(liaison).get(reverse("ledger:key-date-list")).content.decode()


def test_navigation_has_ledger_and_calendar(client_for, world, liaison):
    nav = client_for(liaison).get(reverse("home")).content.decode()
    assert "工作台账" in nav and "重要节点" in nav


def test_title_search_looks_back_one_year_unless_a_period_is_chosen(client_for, world, office_user):
    make_activity(world.committee_a, title="宪法宣传（今年）", date=dt.date(2026, 3, 1))
    make_activity(world.committee_a, title="宪法宣传（前年）", date=dt.date(2024, 3, 1))
    c = client_for(office_user)
    recent = c.get(reverse("ledger:activity-list"), {"q": "宪法"}, HTTP_HX_REQUEST="true").content.decode()
    assert "宪法宣传（今年）" in recent and "宪法宣传（前年）" not in recent and 'data-testid="search-window"' in recent
    older = c.get(
        reverse("ledger:activity-list"), {"q": "宪法", "year": "2024"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "宪法宣传（前年）" in older and 'data-testid="search-window"' not in older
