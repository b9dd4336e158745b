from __future__ import annotations

import dataclasses
import io

import pytest
from django.urls import reverse

from pufa.cases import selectors
from pufa.cases.models import Case, Finding
from tests.cases.conftest import make_case

pytestmark = pytest.mark.django_db


def test_permission_matrix_of_the_case_page(client, client_for, world, liaison, other_liaison, office_user):
    case = make_case(world.committee_a, actor=liaison)
    url = reverse("cases:case-detail", args=[case.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    assert client_for(other_liaison).get(url).status_code == 404  # outsider
    assert client_for(liaison).get(url).status_code == 200
    page = client_for(office_user).get(url)
    assert page.status_code == 200 and "张伟" in page.content.decode()  # parties shown internally


def test_liaison_submits_from_the_form_and_names_are_replaced(client_for, world, liaison):
    c = client_for(liaison)
    response = c.post(
        reverse("cases:case-create"),
        {
            "unit": world.committee_a.pk,
            "title": "电信网络诈骗案",
            "case_type": "criminal",
            "facts": "被害人王秀兰接到诈骗电话，身份证号640502198503121238被泄露。",
            "party_name_0": "王秀兰",
            "party_role_0": "被害人",
            "submit": "1",
        },
    )
    case = Case.objects.get(title="电信网络诈骗案")
    assert response.status_code == 302 and case.status == Case.Status.SUBMITTED
    assert "王秀兰" not in case.facts and "王某" in case.facts


def test_reviewer_accepts_finding_on_the_page_then_publishes(client_for, world, liaison, office_user):
    case = make_case(world.committee_a, actor=liaison, facts="张伟手机13895561234。", status="submitted")
    c = client_for(office_user)
    c.post(reverse("cases:case-review", args=[case.pk]))
    c.post(reverse("cases:case-publish", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == Case.Status.REVIEWED  # refused: a finding is open
    finding = Finding.objects.get(case=case, status=Finding.Status.OPEN)
    c.post(reverse("cases:finding-decide", args=[finding.pk]), {"decision": "accept", "replacement": "138****1234"})
    c.post(reverse("cases:case-publish", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == Case.Status.PUBLISHED


def test_liaison_cannot_review(client_for, world, liaison):
    case = make_case(world.committee_a, actor=liaison, status="submitted")
    client_for(liaison).post(reverse("cases:case-review", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == Case.Status.SUBMITTED


def test_list_page_searches(client_for, world, liaison):
    make_case(world.committee_a, actor=liaison)
    page = client_for(liaison).get(reverse("cases:case-list"), {"q": "网上被骗了钱"})
    assert page.status_code == 200 and "<mark>" in page.content.decode()


# ---------------------------------------------------------------- the portal boundary


def test_portal_shows_only_published_cases_and_no_internal_field(client, world, liaison, office_user):
    published = make_case(world.committee_a, actor=liaison, status="published", title="已发布的诈骗案例")
    draft = make_case(world.committee_a, actor=liaison, title="草稿中的诈骗案例")
    reviewed = make_case(world.committee_a, actor=liaison, status="reviewed", title="已审核未发布的诈骗案例")
    withdrawn = make_case(world.committee_a, actor=liaison, status="published", title="已撤回的诈骗案例")
    from pufa.cases import services

    services.case_withdraw(actor=office_user, case=withdrawn)
    library = client.get(reverse("portal:case-library"), {"q": "被骗"}).content.decode()
    assert reverse("portal:case-detail", args=[published.pk]) in library
    for hidden in ("草稿中的", "已审核未发布", "已撤回的"):
        assert hidden not in library
    for case in (draft, reviewed, withdrawn):
        assert reverse("portal:case-detail", args=[case.pk]) not in library
    for case in (draft, reviewed, withdrawn):
        assert client.get(reverse("portal:case-detail", args=[case.pk])).status_code == 404
    detail = client.get(reverse("portal:case-detail", args=[published.pk])).content.decode()
    assert "张伟" not in detail and "李秀英" not in detail and "张某" in detail  # parties never leave
    assert client.get(reverse("portal:case-detail", args=[published.pk]), {"print": "1"}).status_code == 200
    fields = {f.name for f in dataclasses.fields(selectors.PublicCase)}
    assert not fields & {"parties", "findings", "recorded_by", "return_reason", "status", "author", "region_path"}


# ---------------------------------------------------------------- imports


def _docx(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_with_two_cases_and_one_bad_case_reports_per_case(client_for, world, liaison):
    data = _docx(
        [
            "以案释法典型案例汇编",
            "案例一：拖欠农民工工资案",
            "基本案情",
            "十二名农民工在工地务工半年，包工头拖欠劳动报酬三十余万元。",
            "处理结果",
            "经调解，总承包单位垫付全部工资。",
            "法官说法",
            "施工总承包单位对拖欠农民工工资承担清偿责任。",
            "案例二：醉驾案",
            "【基本案情】被告人饮酒后驾驶机动车，被交警查获。",
            "【裁判结果】被告人犯危险驾驶罪，判处拘役三个月。",
            "案例三：没有案情的案例",
            "基本案情：",
            "裁判结果：驳回起诉。",
        ]
    )
    upload = io.BytesIO(data)
    upload.name = "cases.docx"
    page = client_for(liaison).post(reverse("cases:case-import"), {"unit": world.committee_a.pk, "file": upload})
    text = page.content.decode()
    titles = set(Case.objects.values_list("title", flat=True))
    assert {"拖欠农民工工资案", "醉驾案"} <= titles
    wages = Case.objects.get(title="拖欠农民工工资案")
    assert "垫付" in wages.outcome and "清偿责任" in wages.reasoning and "醉驾" not in wages.reasoning
    assert Case.objects.get(title="醉驾案").case_type == Case.Type.CRIMINAL
    assert "第3个案例" in text and "请填写基本案情" in text


def test_xlsx_import_reports_errors_per_row(client_for, world, liaison):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["标题", "案件类型", "裁判日期", "基本案情", "处理结果", "当事人"])
    ws.append(
        ["房屋租赁押金纠纷案", "民事", "2025-05-01", "租客退租时房东扣留押金。", "返还押金。", "刘芳:原告；陈刚:被告"]
    )
    ws.append(["类型写错的案例", "民事纠纷", "2025-05-01", "案情。", "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "cases.xlsx"
    page = client_for(liaison).post(reverse("cases:case-import"), {"unit": world.committee_a.pk, "file": buffer})
    rent = Case.objects.get(title="房屋租赁押金纠纷案")
    assert [p.name for p in rent.parties.all()] == ["刘芳", "陈刚"]
    assert "第3行" in page.content.decode() and not Case.objects.filter(title="类型写错的案例").exists()


def test_import_command_reports_per_case(world, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "cases.docx"
    path.write_bytes(_docx(["醉驾案", "基本案情：被告人饮酒后驾驶机动车被查获。", "裁判结果：判处拘役三个月。"]))
    call_command("import_cases", str(path), "--unit", world.judicial_office.code)
    out = capsys.readouterr().out
    assert "已导入：醉驾案" in out and Case.objects.get(title="醉驾案").unit == world.judicial_office


def test_activity_page_names_cases_and_case_page_shows_the_use(client_for, world, liaison, other_liaison):
    from tests.factories import make_activity

    case = make_case(world.committee_b, actor=other_liaison, status="published", title="刷单返利诈骗案")
    hidden = make_case(world.committee_b, actor=other_liaison, title="别处的草稿")
    activity = make_activity(world.committee_a, kind="yasf", title="以案释法进社区")
    c = client_for(liaison)
    page = c.get(reverse("ledger:activity-detail", args=[activity.pk]), {"case_q": "刷单"}).content.decode()
    assert 'data-testid="activity-cases"' in page and "刷单返利诈骗案" in page
    assert c.post(reverse("cases:case-use-add", args=[activity.pk]), {"case": hidden.pk}).status_code == 404
    c.post(reverse("cases:case-use-add", args=[activity.pk]), {"case": case.pk})
    detail = client_for(other_liaison).get(reverse("cases:case-detail", args=[case.pk])).content.decode()
    assert "以案释法进社区" not in detail  # the activity is not the other unit's to see
    from pufa.cases.models import CaseUse

    assert CaseUse.objects.filter(case=case, activity=activity).exists()
    other = make_activity(world.committee_a, kind="ztjz", title="法治课")
    page = c.get(reverse("ledger:activity-detail", args=[other.pk])).content.decode()
    assert 'data-testid="activity-cases"' not in page  # only 以案释法 activities offer it


def test_attachments_are_served_only_within_scope(client_for, settings, tmp_path, world, liaison, other_liaison):
    from PIL import Image

    from pufa.cases import services

    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    buffer.seek(0)
    case = make_case(world.committee_a, actor=liaison)
    data = services.CaseData(unit=world.committee_a, title=case.title, case_type="criminal", facts=case.facts)
    services.case_update(actor=liaison, case=case, data=data, attachments=[services.Upload(buffer, "判决书.png")])
    attachment = case.attachments.get()
    url = reverse("cases:attachment-file", args=[attachment.pk])
    assert client_for(other_liaison).get(url).status_code == 404
    assert client_for(liaison).get(url).status_code == 200
