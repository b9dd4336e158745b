"""The document writers: GB/T 9704 layout of the .docx, the .xlsx, the PDF through LibreOffice (Chinese text
present, fonts mapped to installed CJK faces), charts drawn in a CJK font, and the prose parser."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image

from pufa.reports.charts import bar_chart_png, cjk_font
from pufa.reports.content import prose_blocks
from pufa.reports.documents import pdf, render, render_docx, render_pdfs
from pufa.reports.documents.model import Chart, Document, Heading, Paragraph, Table
from tests import system


def sample() -> Document:
    doc = Document(
        title="沱河社区居委会2026年上半年普法工作情况报告",
        recipient="沱河街道法治办",
        signature="沱河社区居委会",
        date=dt.date(2026, 6, 28),
    )
    doc.add(Heading(1, "一、基本情况"))
    doc.add(Paragraph("2026年上半年，共开展普法活动12场次，参与群众1580人次。"))
    doc.add(
        Table(
            columns=["项目", "数量", "单位"],
            rows=[["开展普法活动", "12", "场次"], ["参与群众", "1580", "人次"]],
            numeric=[1],
            caption="表1 主要工作数据",
            links=["/ledger/?participant=1", ""],
            sheet="基本情况",
        )
    )
    doc.add(Chart(title="各类普法活动场次", labels=["集中宣传", "以案释法"], values=[8, 4], measure="场次"))
    doc.add(Heading(1, "二、主要做法和成效"))
    doc.add(Paragraph("邀请律师讲解民法典。", lead="（一）开展民法典宣传月活动。"))
    doc.add(Heading(2, "（二）创新普法形式"))
    for _ in range(30):  # long enough for a second page (even footer)
        doc.add(Paragraph("加强新媒体新技术在普法中的运用，以每个工作日一条的频率积极开展普法教育。"))
    return doc


@pytest.fixture(scope="module")
def word() -> docx.document.Document:
    return docx.Document(io.BytesIO(render_docx(sample())))


def test_page_is_a4_with_official_margins(word):
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28  # 天头, 订口
    type_width = section.page_width - section.left_margin - section.right_margin
    type_height = section.page_height - section.top_margin - section.bottom_margin
    assert abs(type_width - Mm(156)) < Mm(0.5) and abs(type_height - Mm(225)) < Mm(0.5)  # 版心 156 × 225


def test_document_grid_is_22_lines_of_28_characters(word):
    """One layout for Word and LibreOffice: a line grid of 22 lines, and characters condensed so that 28 of
    them fill the line in both (a Word character grid shows 14 characters a line in LibreOffice)."""
    grid = word.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines" and grid.get(qn("w:charSpace")) is None
    line_pitch = int(grid.get(qn("w:linePitch")))
    assert line_pitch == 579 and 225 / 25.4 * 1440 / line_pitch == pytest.approx(22, abs=0.05)
    defaults = word.styles.element.find(qn("w:docDefaults"))
    advance = 16 + int(defaults.find(f".//{qn('w:spacing')}").get(qn("w:val"))) / 20  # points per character
    assert 28 * advance <= 156 / 25.4 * 72 < 29 * advance


def test_fonts_and_sizes_follow_the_standard(word):
    def east_asia(style_name: str) -> str:
        return word.styles[style_name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    assert east_asia("公文标题") == "方正小标宋简体" and word.styles["公文标题"].font.size.pt == 22  # 2号
    assert east_asia("公文正文") == "仿宋_GB2312" and word.styles["公文正文"].font.size.pt == 16  # 3号
    assert east_asia("公文一级标题") == "黑体" and east_asia("公文二级标题") == "楷体_GB2312"
    body = word.styles["公文正文"].element.pPr.find(qn("w:ind"))
    assert body.get(qn("w:firstLineChars")) == "200"  # 首行缩进两字
    table = next(p for p in word.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    assert "仿宋_GB2312" in table.blob.decode() and 'w:altName w:val="仿宋"' in table.blob.decode()


def test_page_numbers_are_outside_on_odd_and_even_pages(word):
    section = word.sections[0]
    assert word.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.text == "— 1 —" and even.text == "— 1 —"
    assert odd.alignment == 2 and even.alignment == 0  # right on odd pages, left on even pages
    assert " PAGE " in [i.text for i in odd._p.iter(qn("w:instrText"))]
    run = odd.runs[0]
    assert run.font.size.pt == 14 and run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"


def test_headings_run_in_leads_tables_and_picture(word):
    styles = [(p.style.name, p.text) for p in word.paragraphs if p.text]
    assert styles[0] == ("公文标题", "沱河社区居委会2026年上半年\n普法工作情况报告")  # broken where words end
    assert ("公文正文", "沱河街道法治办：") in styles
    assert ("公文一级标题", "一、基本情况") in styles and ("公文二级标题", "（二）创新普法形式") in styles
    lead = next(p for p in word.paragraphs if p.text.startswith("（一）"))
    assert lead.runs[0].text == "（一）开展民法典宣传月活动。"
    assert lead.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "楷体_GB2312"
    table = word.tables[0]
    assert table.style.name == "Table Grid" and [c.text for c in table.rows[1].cells] == ["开展普法活动", "12", "场次"]
    assert len(word.inline_shapes) == 1 and round(word.inline_shapes[0].width.mm) == 150
    assert [p.text for p in word.paragraphs][-2:] == ["沱河社区居委会", "2026年6月28日"]


def test_signature_and_date_are_right_aligned_two_characters_in():
    """The date (longer than the name) sits two characters from the right edge whatever width a renderer
    gives the digits; the name's first character two characters left of the date's."""
    from pufa.reports.documents.word import signature_indents

    d = docx.Document(io.BytesIO(render_docx(sample())))
    name, date = d.paragraphs[-2], d.paragraphs[-1]
    assert name.alignment == date.alignment == 2  # right
    assert date._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "200"
    name_right, date_right = signature_indents("沱河社区居委会", "2026年6月28日")
    assert (name_right + 7) - (date_right + 6.5) == 2  # the name starts two characters before the date
    assert signature_indents("沱河街道市场监督管理所", "2026年6月8日") == (2.0, 2.0 + 11 - 2 - 6)


def test_table_headers_never_wrap_and_merged_columns_merge():
    from pufa.reports.documents.word import CELL_MARGINS, column_widths

    table = Table(
        columns=["单位", "任务数", "已完成", "按期推进", "未开始", "滞后", "逾期", "活动场次"],
        rows=[["沱河街道", "甲", "1", "1", "1", "0", "0", "3"], ["沱河街道", "乙", "1", "1", "1", "0", "0", "3"]],
        widths=[3.2, 1, 1, 1.2, 1, 0.8, 0.8, 1.2],
        merge=[0],
    )
    widths = column_widths(table)
    assert all(w >= len(name) * 12 * 20 + CELL_MARGINS for w, name in zip(widths, table.columns, strict=True))
    assert abs(sum(widths) - 156 / 25.4 * 1440) < 20  # still as wide as the type area
    doc = Document(title="测试")
    doc.add(table)
    written = docx.Document(io.BytesIO(render_docx(doc))).tables[0]
    merges = [row._tr.tc_lst[0].tcPr.find(qn("w:vMerge")) for row in written.rows[1:]]
    assert merges[0].get(qn("w:val")) == "restart" and merges[1] is not None and merges[1].get(qn("w:val")) is None


def test_circular_masthead_is_red_over_a_red_line():
    doc = Document(title="关于通报", issuer="沱河街道法治办文件", number="沱法治办〔2026〕1号", recipient="各有关单位")
    d = docx.Document(io.BytesIO(render_docx(doc)))
    mark = d.paragraphs[0]
    assert mark.text == "沱河街道法治办文件" and str(mark.runs[0].font.color.rgb) == "FF0000"
    number = next(p for p in d.paragraphs if p.text == "沱法治办〔2026〕1号")
    line = number._p.pPr.find(f"{qn('w:pBdr')}/{qn('w:bottom')}")
    assert line.get(qn("w:color")) == "FF0000" and line.get(qn("w:val")) == "single"


def test_xlsx_has_numbers_and_links():
    wb = openpyxl.load_workbook(io.BytesIO(render(sample(), "xlsx", base_url="https://pufa.example.cn")))
    assert wb.sheetnames == ["说明", "基本情况"]
    sheet = wb["基本情况"]
    assert sheet["A1"].value == "表1 主要工作数据" and [c.value for c in sheet[2]] == [
        "项目",
        "数量",
        "单位",
        "查看记录",
    ]
    assert sheet["B3"].value == 12 and sheet["B4"].value == 1580
    assert sheet["D3"].hyperlink.target == "https://pufa.example.cn/ledger/?participant=1" and sheet["D4"].value is None
    assert sheet.freeze_panes == "A3"


def test_chart_is_a_png_drawn_in_a_cjk_font():
    assert "CJK" in cjk_font().get_family()[0] or "AR PL" in cjk_font().get_family()[0]
    png = bar_chart_png(title="各类普法活动场次", labels=["集中宣传", "以案释法"], values=[8, 4], measure="场次")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width > 700
    empty = Image.open(io.BytesIO(bar_chart_png(title="无数据", labels=[], values=[])))
    assert empty.height < image.height


def test_prose_blocks_follow_official_numbering():
    blocks = prose_blocks(
        "　　（一）加强统筹谋划。积极参与专题调研。\n（二）创新普法形式\n1.开展宣传月活动\n普通段落，没有编号。\n\n"
    )
    assert blocks[0] == Paragraph("积极参与专题调研。", lead="（一）加强统筹谋划。", lead_level=2)
    assert blocks[1] == Heading(2, "（二）创新普法形式")
    assert blocks[2] == Heading(3, "1.开展宣传月活动")
    assert blocks[3] == Paragraph("普通段落，没有编号。") and len(blocks) == 4


def test_document_round_trips_through_json():
    import json

    doc = sample()
    again = Document.from_dict(json.loads(json.dumps(doc.to_dict())))
    assert again.to_dict() == doc.to_dict() and again.date == dt.date(2026, 6, 28)
    assert "参与群众1580人次" in again.text()


def tool(name: str) -> str:
    """The full path of a command-line tool (poppler-utils, fontconfig), or skip the test without it."""
    path = shutil.which(name)
    if path is None:
        system.missing(name)
    return path


needs_soffice = system.requires(pdf.available(), "LibreOffice")


@needs_soffice
def test_pdf_converts_with_chinese_text_and_mapped_fonts(tmp_path):
    data = render(sample(), "pdf")
    assert data.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(
        [tool("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    compact = text.replace(" ", "")
    assert "普法工作情况" in compact and "一、基本情况" in compact and "参与群众1580人次" in compact
    assert "—1—" in compact and "—2—" in compact
    fonts = subprocess.run([tool("pdffonts"), str(path)], capture_output=True, check=True, text=True).stdout
    assert "UMing" in fonts and "UKai" in fonts and "NotoSans" in fonts  # 仿宋/宋, 楷体, 黑体 → installed faces
    info = subprocess.run([tool("pdfinfo"), str(path)], capture_output=True, check=True, text=True).stdout
    assert "595.3" in info and "841.89" in info  # A4 in points


@needs_soffice
def test_pdf_lines_hold_28_characters(tmp_path):
    """LibreOffice's layout of the body: a long paragraph breaks after 28 characters a line."""
    doc = Document(title="测试")
    doc.add(Paragraph("法" * 100))
    path = tmp_path / "lines.pdf"
    path.write_bytes(render(doc, "pdf"))
    text = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True).stdout
    lines = [line.replace(" ", "") for line in text.splitlines() if "法" in line]
    assert [len(line) for line in lines] == [26, 28, 28, 18]  # the first line is indented two characters


DPI = 200


def first_page(pdf_bytes: bytes, tmp_path) -> Image.Image:
    """Page 1 of a PDF as an RGB image at DPI (poppler's pdftoppm)."""
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf_bytes)
    subprocess.run(
        [tool("pdftoppm"), "-r", str(DPI), "-f", "1", "-l", "1", "-png", str(path), str(tmp_path / "p")], check=True
    )
    return Image.open(next(tmp_path.glob("p-*1.png"))).convert("RGB")


def rows_mm(image: Image.Image, keep, top_mm: float, bottom_mm: float) -> list[tuple[float, int]]:
    """(position in mm from the top of the page, number of pixels) of the pixel rows holding `keep` pixels."""
    px = image.load()
    assert px is not None  # a rendered page has pixel data
    found = []
    for y in range(int(top_mm / 25.4 * DPI), int(bottom_mm / 25.4 * DPI)):
        n = sum(1 for x in range(image.size[0]) if keep(px[x, y]))
        if n:
            found.append((y / DPI * 25.4, n))
    return found


def red(p) -> bool:
    return p[0] > 180 and p[1] < 90 and p[2] < 90


def black(p) -> bool:
    return sum(p) < 300 and not red(p)


@needs_soffice
def test_pdf_layout_masthead_separator_page_number_and_title(tmp_path):
    """Measured on the page LibreOffice draws (GB/T 9704 7.2, 7.5): the 发文机关标志 35 mm below the top of the
    type area (37 mm), the red line as wide as the type area 4 mm under the 发文字号, the page number's 一字线
    7 mm under the type area (262 mm), and a two-line title without a character left alone on a line."""
    doc = Document(
        title="沱河街道2026年上半年普法工作情况汇总报告",
        issuer="沱河街道法治办文件",
        number="沱法治办〔2026〕1号",
        recipient="各有关单位",
        signature="沱河街道法治办",
        date=dt.date(2026, 6, 30),
    )
    doc.add(Paragraph("法" * 40))
    data = render(doc, "pdf")
    page = first_page(data, tmp_path)
    mark = rows_mm(page, red, 37, 100)
    assert mark[0][0] == pytest.approx(37 + 35, abs=1)
    line = [(y, n) for y, n in rows_mm(page, red, 90, 150) if n / DPI * 25.4 > 150]
    assert line and all(n / DPI * 25.4 == pytest.approx(156, abs=1.5) for _, n in line)
    number_bottom = max(y for y, _ in rows_mm(page, black, line[0][0] - 20, line[0][0]))
    assert line[0][0] - number_bottom == pytest.approx(4, abs=0.7)
    footer = rows_mm(page, black, 262, 285)
    dash = max(footer, key=lambda row: row[1])[0]  # the two 一字线 are the widest dark row
    assert dash - 262 == pytest.approx(7, abs=0.6)
    path = tmp_path / "layout.pdf"
    path.write_bytes(data)
    text = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True).stdout
    lines = [line.replace(" ", "") for line in text.splitlines() if line.strip()]
    start = lines.index("沱河街道2026年上半年")
    assert lines[start + 1] == "普法工作情况汇总报告"


@needs_soffice
def test_many_documents_convert_in_one_run():
    first, second = sample(), Document(title="第二份报告")
    results = render_pdfs({"a": first, "b": second})
    assert set(results) == {"a", "b"} and all(r.startswith(b"%PDF") for r in results.values())


def test_missing_libreoffice_is_a_clear_chinese_error(monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)
    with pytest.raises(pdf.PdfUnavailable, match="未安装 LibreOffice"):
        render(sample(), "pdf")


def test_fontconfig_file_maps_the_official_names():
    conf = pdf.FONTS_CONF.read_text(encoding="utf-8")
    for name in ("方正小标宋简体", "仿宋_GB2312", "仿宋", "FangSong", "黑体", "SimHei", "楷体_GB2312", "楷体", "KaiTi"):
        assert f"<family>{name}</family>" in conf or f"<string>{name}</string>" in conf, name
    fc_match, env = tool("fc-match"), pdf.environment()
    assert "UKai" in subprocess.run([fc_match, "楷体_GB2312"], env=env, capture_output=True, text=True).stdout
    assert "Noto Sans CJK" in subprocess.run([fc_match, "黑体"], env=env, capture_output=True, text=True).stdout
    assert "UMing" in subprocess.run([fc_match, "仿宋_GB2312"], env=env, capture_output=True, text=True).stdout


def test_long_titles_break_where_words_end():
    from pufa.reports.documents.word import title_lines

    assert title_lines("沱河社区居委会2026年上半年普法工作情况报告") == [
        "沱河社区居委会2026年上半年",
        "普法工作情况报告",
    ]
    assert title_lines("沱河街道市场监督管理所2026年度普法工作情况报告") == [
        "沱河街道市场监督管理所",
        "2026年度普法工作情况报告",
    ]
    assert title_lines("关于截至2026年11月24日普法责任制任务推进情况的通报") == [
        "关于截至2026年11月24日",
        "普法责任制任务推进情况的通报",
    ]
    assert title_lines("测试报告") == ["测试报告"]


@needs_soffice
@system.requires(pdf.uno_available(), "python3-uno")
def test_resident_converter_is_reused_and_stopped():
    pdf.stop_resident()
    first = render(Document(title="第一份"), "pdf")
    resident = pdf._RESIDENT
    assert resident is not None and resident.alive()
    second = render(Document(title="第二份"), "pdf")
    assert pdf._RESIDENT is resident and first.startswith(b"%PDF") and second.startswith(b"%PDF")
    pdf.stop_resident()
    assert pdf._RESIDENT is None and resident.proc.poll() is not None


@needs_soffice
def test_spawned_soffice_is_the_fallback(monkeypatch, tmp_path):
    pdf.stop_resident()
    monkeypatch.setattr(pdf, "uno_available", lambda: False)
    path = tmp_path / "spawned.pdf"
    path.write_bytes(render(sample(), "pdf"))
    text = subprocess.run([tool("pdftotext"), str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "一、基本情况" in text.replace(" ", "") and pdf._RESIDENT is None


@needs_soffice
@system.requires(pdf.uno_available(), "python3-uno")
def test_a_failing_resident_converter_falls_back_to_soffice(monkeypatch):
    def broken(self, src, dst, timeout):
        raise pdf.PdfConversionError("LibreOffice 意外退出。")

    monkeypatch.setattr(pdf.ResidentConverter, "convert", broken)
    assert render(Document(title="兜底"), "pdf").startswith(b"%PDF")
    assert pdf._RESIDENT is None  # the broken one was stopped
