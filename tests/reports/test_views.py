"""Pages of the reports app: the permission matrix (anonymous → login, outsider → 404, read-only → 403,
allowed → 200), HTMX partials, query counts, and downloads reopened with python-docx and openpyxl."""

from __future__ import annotations

import io

import docx
import openpyxl
import pytest
from django.urls import reverse

from pufa.org.models import Unit
from pufa.reports import services
from pufa.reports.models import Report
from tests.factories import UnitFactory


@pytest.fixture
def draft(world, ledger, liaison) -> Report:
    return services.report_start(actor=liaison, unit=world.committee_a, period="h1", year=2026)


@pytest.fixture
def submitted(draft, liaison) -> Report:
    services.report_update(
        actor=liaison,
        report=draft,
        title=draft.title,
        intro=draft.intro,
        practices=draft.practices,
        problems=draft.problems,
        plans="下半年继续开展民法典宣传。",
    )
    return services.report_submit(actor=liaison, report=draft)


def test_anonymous_is_sent_to_login(client, draft):
    for url in [
        reverse("reports:report-list"),
        reverse("reports:report-detail", args=[draft.pk]),
        reverse("reports:report-edit", args=[draft.pk]),
        reverse("reports:report-download", args=[draft.pk, "docx"]),
        reverse("reports:report-overview"),
        reverse("reports:circular-list"),
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_report_matrix(client_for, draft, liaison, other_liaison, office_user, inspector, other_office):
    detail = reverse("reports:report-detail", args=[draft.pk])
    edit = reverse("reports:report-edit", args=[draft.pk])
    assert client_for(liaison).get(detail).status_code == 200
    assert client_for(liaison).get(edit).status_code == 200
    assert client_for(office_user).get(detail).status_code == 200
    assert client_for(other_liaison).get(detail).status_code == 404  # outsider
    assert client_for(other_liaison).get(edit).status_code == 404
    assert client_for(other_office).get(detail).status_code == 404
    assert client_for(inspector).get(detail).status_code == 200  # reads
    assert client_for(inspector).get(edit).status_code == 403  # may not write
    assert client_for(inspector).post(reverse("reports:report-submit", args=[draft.pk])).status_code == 403


def test_review_matrix(client_for, submitted, liaison, office_user, inspector, other_office):
    accept = reverse("reports:report-accept", args=[submitted.pk])
    back = reverse("reports:report-return", args=[submitted.pk])
    assert client_for(liaison).post(back, {"reason": "自己退回"}).status_code == 403
    assert client_for(inspector).post(accept).status_code == 403
    assert client_for(other_office).post(accept).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    html = client_for(office_user).get(reverse("reports:report-detail", args=[submitted.pk])).content.decode()
    assert 'data-testid="review-forms"' in html
    assert (
        'data-testid="review-forms"'
        not in client_for(liaison).get(reverse("reports:report-detail", args=[submitted.pk])).content.decode()
    )
    response = client_for(office_user).post(back, {"reason": "请补充学法考试情况"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "returned" and submitted.review_comment == "请补充学法考试情况"


def test_list_and_start(client_for, world, ledger, liaison):
    c = client_for(liaison)
    html = c.get(reverse("reports:report-list")).content.decode()
    assert 'data-testid="start-form"' in html and "沱河社区居委会" in html and "桃园社区居委会" not in html
    response = c.post(reverse("reports:report-start"), {"unit": world.committee_a.pk, "year": 2026, "period": "h1"})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:report-edit", args=[report.pk])
    response = c.post(reverse("reports:report-start"), {"unit": world.committee_b.pk, "year": 2026, "period": "h1"})
    assert response.status_code == 302 and Report.objects.count() == 1  # not a unit the liaison writes for
    html = c.get(reverse("reports:report-list")).content.decode()
    assert "沱河社区居委会2026年上半年普法工作情况报告" in html


def test_list_scoping_and_htmx_rows(client_for, world, ledger, draft, other_liaison, office_user):
    services.report_start(actor=other_liaison, unit=world.committee_b, period="year", year=2026)
    html = client_for(other_liaison).get(reverse("reports:report-list")).content.decode()
    assert "桃园社区居委会2026年度" in html and "沱河社区居委会2026年上半年" not in html
    response = client_for(office_user).get(reverse("reports:report-list"), {"period": "h1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "沱河社区居委会2026年上半年" in html and "桃园社区居委会2026年度" not in html


def test_list_query_count_is_flat(client_for, world, ledger, office_user, django_assert_max_num_queries):
    from pufa.reports.models import Report as R

    for i in range(25):
        unit = UnitFactory(name=f"沱河社区网格{i}", region=world.community_a, kind="social_org", code=f"grid-{i}")
        R.objects.create(unit=unit, region=unit.region, period="h1", year=2026, title=f"网格{i}报告")
    c = client_for(office_user)
    with django_assert_max_num_queries(14):
        response = c.get(reverse("reports:report-list"))
    assert response.status_code == 200 and "网格24报告" in response.content.decode()


def test_detail_shows_live_figures_with_links_and_htmx_partial(client_for, draft, liaison):
    c = client_for(liaison)
    html = c.get(reverse("reports:report-detail", args=[draft.pk])).content.decode()
    assert 'data-testid="figure-activities"' in html and "实时统计" in html
    assert "/ledger/?participant=" in html and "一、基本情况" in html and "二、任务完成情况" in html
    response = c.get(reverse("reports:report-detail", args=[draft.pk]), {"part": "figures"}, HTTP_HX_REQUEST="true")
    part = response.content.decode()
    assert "<html" not in part and 'id="report-figures"' in part and "文稿预览" not in part


def test_edit_saves_and_submits(client_for, draft, liaison, office_user):
    c = client_for(liaison)
    data = {
        "title": draft.title,
        "intro": "概述。",
        "practices": "（一）联合司法所开展宣讲。效果良好。",
        "problems": "",
        "plans": "",
    }
    response = c.post(reverse("reports:report-edit", args=[draft.pk]), {**data, "submit": "1"})
    assert response.status_code == 200 and "请填写下一步打算" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.intro == "概述。"  # the prose was saved, the submit refused
    response = c.post(reverse("reports:report-edit", args=[draft.pk]), {**data, "plans": "继续宣传。", "submit": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.figures
    html = c.get(reverse("reports:report-detail", args=[draft.pk])).content.decode()
    assert "报送时固定" in html and 'data-testid="submit-report"' not in html
    assert c.get(reverse("reports:report-edit", args=[draft.pk])).status_code == 302  # no longer editable


def test_docx_download_opens_with_python_docx(client_for, submitted, liaison):
    response = client_for(liaison).get(reverse("reports:report-download", args=[submitted.pk, "docx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0].replace("\n", "") == "沱河社区居委会2026年上半年普法工作情况报告"
    assert "沱河街道法治办：" in texts
    headings = [p.text for p in document.paragraphs if p.style.name == "公文一级标题"]
    assert headings == ["一、基本情况", "二、任务完成情况", "三、主要做法和成效", "四、存在问题", "五、下一步打算"]
    assert any("共开展普法活动5场次" in t and "参与群众615人次" in t for t in texts)
    figures = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows[1:]}
    assert figures["开展普法活动"] == "5" and figures["发放宣传资料"] == "890"
    assert [c.text for c in document.tables[1].rows[1].cells][1:] == [
        "每季度开展一堂法治课\n目标：每季度法治课不少于1堂",  # no plan numbering; the target where it adds to the title
        "2个季度中1个季度达标",
        "滞后",
    ]
    assert texts[-1] == "2026年7月10日" and texts[-2] == "沱河社区居委会"


def test_xlsx_download_opens_with_openpyxl(client_for, submitted, office_user):
    response = client_for(office_user).get(reverse("reports:report-download", args=[submitted.pk, "xlsx"]))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames[:3] == ["说明", "基本情况", "任务完成情况"]
    sheet = wb["基本情况"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["开展普法活动"][1] == 5 and rows["参与群众"][1] == 615  # numbers, not text
    link = sheet.cell(row=3, column=4).hyperlink.target
    assert link.startswith("http://testserver/ledger/?participant=")
    tasks = list(wb["任务完成情况"].iter_rows(min_row=3, values_only=True))
    assert tasks[0][1].startswith("每季度开展一堂法治课") and tasks[0][3] == "滞后"
    assert "活动形式" in wb.sheetnames and "普法领域" in wb.sheetnames


def test_pdf_download_without_libreoffice_says_so(client_for, submitted, liaison, monkeypatch):
    from pufa.reports.documents import pdf

    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    response = client_for(liaison).get(reverse("reports:report-download", args=[submitted.pk, "pdf"]), follow=True)
    assert "未安装 LibreOffice" in response.content.decode()
    assert client_for(liaison).get(reverse("reports:report-download", args=[submitted.pk, "odt"])).status_code == 404


def test_overview_matrix_and_content(client_for, world, ledger, submitted, office_user, liaison, inspector):
    url = reverse("reports:report-overview")
    assert client_for(liaison).get(url).status_code == 403
    assert client_for(inspector).get(url).status_code == 403
    c = client_for(office_user)
    html = c.get(url, {"region": world.street_a.pk, "year": 2026, "period": "h1"}).content.decode()
    assert "2026年6月30日" in html and "沱河社区居委会" in html and "桃园社区居委会" in html
    assert "逾期" in html  # the other units had not submitted by 30 June (today is 10 July)
    part = c.get(url, {"region": world.street_a.pk, "year": 2026, "period": "h1"}, HTTP_HX_REQUEST="true")
    assert "<html" not in part.content.decode() and 'data-testid="overview-table"' in part.content.decode()
    assert c.get(url, {"region": world.street_b.pk}).status_code == 404


def test_overview_filters_by_state_and_pages(client_for, world, ledger, submitted, office_user):
    """A city office chases thousands of units: the table filters to those not submitted and pages by 50."""
    for n in range(55):
        UnitFactory(name=f"沱河街道第{n:02d}网格", region=world.community_a, is_responsible_subject=True)
    c = client_for(office_user)
    url = reverse("reports:report-overview")
    params = {"region": world.street_a.pk, "year": 2026, "period": "h1"}

    def names(html: str) -> list[str]:
        table = html.split('data-testid="overview-table"')[1].split("</table>")[0]
        return [cell.split("</td>")[0] for cell in table.split('<td data-label="单位">')[1:]]

    total = Unit.objects.filter(region__path__startswith=world.street_a.path, is_responsible_subject=True).count()
    everything = c.get(url, params).content.decode()
    assert len(names(everything)) == 50 and "第 1/2 页" in everything
    assert f'>{total}</a><div class="label">应报单位' in everything  # the counts cover every unit, not a page
    second = names(c.get(url, {**params, "page": 2}).content.decode())
    assert len(second) == total - 50 and not set(second) & set(names(everything))
    submitted_only = names(c.get(url, {**params, "state": "submitted"}).content.decode())
    assert submitted_only == [submitted.unit.name]
    missing = names(c.get(url, {**params, "state": "not_submitted", "page": 2}).content.decode())
    assert submitted.unit.name not in missing and missing
    nothing = c.get(url, {**params, "state": "accepted"}).content.decode()
    assert names(nothing) == [] and "没有已通过的单位" in nothing
    assert len(names(c.get(url, {**params, "state": "bogus"}).content.decode())) == 50


def test_summary_and_deadline_views(client_for, world, ledger, office_user, liaison):
    c = client_for(office_user)
    response = c.post(reverse("reports:summary-create"), {"region": world.street_a.pk, "period": "h1", "year": 2026})
    summary = Report.objects.get(kind="summary")
    assert response["Location"] == reverse("reports:report-edit", args=[summary.pk])
    assert client_for(liaison).get(reverse("reports:report-detail", args=[summary.pk])).status_code == 404
    c = client_for(office_user)  # one test client: log the office back in
    c.post(
        reverse("reports:deadline-set"),
        {"region": world.street_a.pk, "period": "h1", "year": 2026, "due": "2026-06-25"},
    )
    html = c.get(reverse("reports:report-overview"), {"region": world.street_a.pk, "year": 2026, "period": "h1"})
    assert "2026年6月25日" in html.content.decode()
    assert client_for(liaison).post(
        reverse("reports:summary-create"), {"region": world.community_a.pk, "period": "h1", "year": 2026}
    ).status_code in (403, 404)


def test_circular_pages(client_for, world, ledger, office_user, liaison, other_liaison, other_office):
    c = client_for(office_user)
    response = c.post(reverse("reports:circular-create"), {"unit": world.office_unit.pk})
    assert response.status_code == 302
    from pufa.reports.models import Circular

    circular = Circular.objects.get()
    detail = reverse("reports:circular-detail", args=[circular.pk])
    assert client_for(liaison).get(detail).status_code == 404  # a draft is the office's
    assert client_for(liaison).post(reverse("reports:circular-create")).status_code == 403
    c = client_for(office_user)  # one test client: log the office back in
    html = c.get(detail).content.decode()
    assert "三、进度滞后的单位" in html and "沱河社区居委会" in html
    c.post(reverse("reports:circular-publish", args=[circular.pk]))
    html = client_for(liaison).get(reverse("reports:circular-list")).content.decode()
    assert circular.title in html
    assert client_for(liaison).get(detail).status_code == 200
    assert client_for(other_office).get(detail).status_code == 404
    response = client_for(liaison).get(reverse("reports:circular-download", args=[circular.pk, "docx"]))
    document = docx.Document(io.BytesIO(b"".join(response.streaming_content)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "沱河街道法治办文件"  # the 版头
    title = next(i for i, t in enumerate(texts) if t.startswith("关于"))
    assert texts[title].replace("\n", "") == circular.title and "各有关单位：" in texts
    assert any(p.startswith("（一）") and "滞后" in p for p in texts)
    assert [c.text for c in document.tables[0].rows[0].cells][:3] == ["单位", "任务数", "已完成"]
