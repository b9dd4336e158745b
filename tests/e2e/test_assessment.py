"""An assessment in the browser: the office imports a scheme from a Word scoring table, publishes it, computes
scores and runs a spot-check draw from a public seed; the drawn inspector records a finding on a phone
(375px); the office computes again and the ranking moves."""

from __future__ import annotations

import docx
from playwright.sync_api import expect

from pufa.assessment import services
from pufa.assessment.models import Scheme
from tests.e2e.conftest import login
from tests.factories import TEST_PASSWORD

ROWS = [
    ("项目", "内容措施", "分值", "备注"),
    ("宣传活动扎实（10分）", "1.每年开展主题宣传活动不少于2场", "6", "见记录"),
    ("宣传活动扎实（10分）", "2.建立法律明白人队伍", "4", "见花名册"),
]


def _scoring_table(path):
    document = docx.Document()
    document.add_paragraph("2026年度普法依法治理工作考核评分表")
    table = document.add_table(rows=len(ROWS), cols=4)
    for r, row in enumerate(ROWS):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(path)
    return path


def test_import_publish_draw_and_a_phone_finding_move_the_ranking(
    page, phone_page, live_server, world, office_user, liaison, inspector, tmp_path
):
    base = live_server.url
    login(page, live_server, "office", TEST_PASSWORD)
    page.goto(f"{base}/assessment/import/")
    page.fill("#id_name", "普法依法治理工作考核")
    page.fill("#id_year", "2026")
    page.set_input_files("#id_file", str(_scoring_table(tmp_path / "考核评分表.docx")))
    page.click("[data-testid=read-table]")
    expect(page.locator("[data-testid=total]")).to_have_text("10")
    expect(page.locator("[data-testid=mismatch]")).to_have_count(0)
    page.click("[data-testid=create-scheme]")
    expect(page.locator("[data-testid=item-row]")).to_have_count(2)
    page.click("[data-testid=publish]")
    expect(page.locator("[data-testid=scheme-status]")).to_have_text("已发布")

    scheme = Scheme.objects.get(name="普法依法治理工作考核")
    manual = scheme.items.get(number="2")
    record = services.self_assessment_for(actor=liaison, scheme=scheme, unit=world.committee_a)
    services.note_save(actor=liaison, assessment=record, item=manual, note="队伍8人，花名册已上传", points="4")

    page.click("[data-testid=score]")
    row = page.locator("[data-testid=rank-row]", has_text=world.committee_a.name)
    expect(row.locator("[data-testid=rank-total]")).to_have_text("4")
    expect(row).not_to_contain_text("已抽查")

    page.goto(f"{base}/assessment/schemes/{scheme.pk}/")
    page.fill("#id_seed", "2026-12-01 上证收盘 3412.56")
    page.fill("#id_share", "1")
    page.fill("#id_per_unit", "1")
    page.click("[data-testid=draw]")
    expect(page.locator("[data-testid=verified]")).to_contain_text("复核一致")
    draw_url = page.url

    phone = phone_page
    login(phone, live_server, "inspector", TEST_PASSWORD)
    phone.goto(draw_url)
    phone.locator("tr", has_text=world.committee_a.name).locator("[data-testid=inspect-link]").click()
    card = phone.locator("[data-testid=inspect-item]", has_text="建立法律明白人队伍")
    expect(card).to_contain_text("队伍8人")
    card.locator("[data-testid=finding-points]").fill("1")
    card.locator("[data-testid=finding-note]").fill("花名册仅3人，其余未备案")
    card.locator("[data-testid=finding-save]").click()
    expect(phone.locator(".alert").first).to_contain_text("已录入第2项核定结果")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    page.goto(f"{base}/assessment/schemes/{scheme.pk}/")
    page.click("[data-testid=score]")
    row = page.locator("[data-testid=rank-row]", has_text=world.committee_a.name)
    expect(row.locator("[data-testid=rank-total]")).to_have_text("1")
    expect(row).to_contain_text("已抽查")
