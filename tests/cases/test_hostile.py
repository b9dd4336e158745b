"""Hostile input on every free-text way into the case library: a NUL character (PostgreSQL refuses to store it)
gives a clear Chinese error on the form, the import report or the page's message — never a 500, and nothing
half-saved. Run on SQLite and PostgreSQL (on PostgreSQL a NUL that slipped through would be a 500)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from pufa.cases import services
from pufa.cases.models import Case, Finding
from tests.cases.conftest import make_case

pytestmark = pytest.mark.django_db

NUL = "\x00"
FORM = {"title": "电信网络诈骗案", "case_type": "criminal", "facts": "被害人接到诈骗电话。"}
TEXT_FIELDS = ["title", "facts", "outcome", "reasoning", "tags", "author", "party_name_0", "articles_0"]


def _form(world, field: str) -> dict[str, object]:
    from pufa.duties.models import Law

    data: dict[str, object] = {**FORM, "unit": world.committee_a.pk, "party_role_0": "被害人", "submit": "1"}
    if field == "articles_0":
        law = Law.objects.filter(is_active=True).first() or Law.objects.create(name="中华人民共和国刑法")
        data["law_0"] = law.pk
    data[field] = f"{data.get(field) or '王秀兰'}{NUL}后半段"
    return data


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_nul_in_any_text_of_the_new_case_form_is_a_form_error(client_for, world, liaison, field):
    page = client_for(liaison).post(reverse("cases:case-create"), _form(world, field))
    assert page.status_code == 200
    assert "空字符" in page.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize("field", ["title", "facts", "party_name_0"])
def test_nul_in_the_edit_form_is_a_form_error_and_the_draft_is_kept(client_for, world, liaison, field):
    case = make_case(world.committee_a, actor=liaison)
    data = _form(world, field)
    data.pop("submit")
    page = client_for(liaison).post(reverse("cases:case-edit", args=[case.pk]), data)
    assert page.status_code == 200 and "空字符" in page.content.decode()
    case.refresh_from_db()
    assert case.title == "冒充客服退款的电信网络诈骗案" and NUL not in case.facts


def test_the_services_refuse_nul_whoever_calls_them(world, liaison):
    data = services.CaseData(unit=world.committee_a, title="案", case_type="civil", facts="案情", parties=[])
    for name, bad in (
        ("title", {"title": f"案{NUL}"}),
        ("facts", {"facts": f"案{NUL}情"}),
        ("outcome", {"outcome": NUL}),
        ("reasoning", {"reasoning": NUL}),
        ("tags", {"tags": f"诈骗{NUL}"}),
        ("author", {"author": f"王{NUL}"}),
        ("parties", {"parties": [(f"张{NUL}三", "原告")]}),
    ):
        errors = services.case_errors(services.CaseData(**{**data.__dict__, **bad}))
        assert "空字符" in errors.get(name, ""), name


def test_nul_in_a_return_or_withdraw_reason_is_a_message_not_a_500(client_for, world, liaison, office_user):
    submitted = make_case(world.committee_a, actor=liaison, status="submitted")
    published = make_case(world.committee_a, actor=liaison, status="published", title="已发布的诈骗案")
    c = client_for(office_user)
    page = c.post(reverse("cases:case-return", args=[submitted.pk]), {"reason": f"请补充{NUL}"}, follow=True)
    assert page.status_code == 200 and "空字符" in page.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Case.Status.SUBMITTED
    page = c.post(reverse("cases:case-withdraw", args=[published.pk]), {"reason": f"有误{NUL}"}, follow=True)
    assert page.status_code == 200 and "空字符" in page.content.decode()
    published.refresh_from_db()
    assert published.status == Case.Status.PUBLISHED


def test_nul_in_a_findings_replacement_is_a_message_not_a_500(client_for, world, liaison, office_user):
    case = make_case(world.committee_a, actor=liaison, facts="张伟手机13895561234。", status="submitted")
    finding = Finding.objects.get(case=case, status=Finding.Status.OPEN)
    page = client_for(office_user).post(
        reverse("cases:finding-decide", args=[finding.pk]),
        {"decision": "accept", "replacement": f"138{NUL}1234"},
        follow=True,
    )
    assert page.status_code == 200 and "空字符" in page.content.decode()
    finding.refresh_from_db()
    assert finding.status == Finding.Status.OPEN


def _xlsx_with_nul() -> io.BytesIO:
    """A workbook whose cells carry Excel's escape `_x0000_`, which the reader turns into a NUL character."""
    from typing import cast

    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = cast(Worksheet, wb.active)
    ws.append(["标题", "案件类型", "基本案情", "当事人"])
    ws.append(["TITLEMARK", "民事", "租客退租时房东扣留押金。", "刘芳:原告"])
    ws.append(["房屋租赁押金纠纷案", "民事", "FACTSMARK", "陈刚:被告"])
    ws.append(["物业服务合同纠纷案", "民事", "业主拒交物业费。", "PARTYMARK:原告"])
    ws.append(["好的案例", "民事", "业主拒交物业费，经调解达成协议。", ""])
    raw = io.BytesIO()
    wb.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            for mark in (b"TITLEMARK", b"FACTSMARK", b"PARTYMARK"):
                data = data.replace(mark, "案例_x0000_名".encode())
            target.writestr(name, data)
    out.seek(0)
    out.name = "cases.xlsx"
    return out


def test_nul_in_an_imported_workbook_is_an_error_per_case(client_for, world, liaison):
    page = client_for(liaison).post(
        reverse("cases:case-import"), {"unit": world.committee_a.pk, "file": _xlsx_with_nul()}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("空字符") >= 3 and "第2行" in text and "第3行" in text and "第4行" in text
    assert list(Case.objects.values_list("title", flat=True)) == ["好的案例"]


def test_nul_in_an_uploaded_files_name_is_not_a_500(client_for, world, liaison):
    upload = io.BytesIO(b"not a document")
    upload.name = f"cases{NUL}.docx"
    page = client_for(liaison).post(reverse("cases:case-import"), {"unit": world.committee_a.pk, "file": upload})
    assert page.status_code == 200 and not Case.objects.exists()


@pytest.mark.parametrize(
    "url,params",
    [
        ("cases:case-list", {"q": f"诈骗{NUL}"}),
        ("cases:case-list", {"domain": NUL, "status": NUL, "year": NUL}),
        ("portal:case-library", {"q": f"被骗{NUL}", "domain": NUL}),
    ],
)
def test_nul_in_a_search_is_an_ignored_filter(client_for, world, liaison, url, params):
    make_case(world.committee_a, actor=liaison, status="published")
    assert client_for(liaison).get(reverse(url), params).status_code == 200


def test_nul_in_the_activity_case_search_is_ignored(client_for, world, liaison):
    from tests.factories import make_activity

    activity = make_activity(world.committee_a, kind="yasf", title="以案释法进社区")
    c = client_for(liaison)
    assert c.get(reverse("ledger:activity-detail", args=[activity.pk]), {"case_q": f"诈骗{NUL}"}).status_code == 200
    assert c.post(reverse("cases:case-use-add", args=[activity.pk]), {"case": f"1{NUL}"}).status_code == 404
