"""The .docx writer, laid out as GB/T 9704-2012《党政机关公文格式》 asks.

- Paper A4 (210 × 297 mm); 天头 (top margin) 37 mm, 订口 (left margin) 28 mm, 版心 (type area) 156 × 225 mm,
  so the right margin is 26 mm and the bottom one 35 mm.
- 22 lines of 28 characters, the same in Word and in LibreOffice: a line grid with a pitch of
  225 mm / 22 = 579 twips (body lines also set to an exact 28.95 pt, the 固定值 offices use, so a line never
  takes two grid rows), and East Asian text condensed by 0.25 pt, so a 3号 character advances 15.75 pt and
  28 of them (441 pt) fill the 156 mm (442.2 pt) line. Word's character grid ("linesAndChars" with a
  15.79 pt pitch) is not used: LibreOffice gives a 16 pt glyph two cells of such a grid and shows 14
  characters a line.
- 标题 in 2号 (22 pt) 小标宋体, centred; 正文 in 3号 (16 pt) 仿宋; headings 一、 in 黑体, （一） in 楷体,
  1. and （1） in 仿宋.
- 版头 (circulars): the 发文机关标志 in red 小标宋, its top 35 mm below the top of the type area, the 发文字号
  two lines below it, and under the 发文字号 a red separator line as wide as the type area (7.2).
- 页码: 4号 (14 pt) 半角宋体 Arabic digits between two 一字线, "— 1 —", below the type area; odd pages
  right-aligned one character in from the edge of the type area, even pages left-aligned one character in
  (odd/even footers). The footer line has an exact height and sits FOOTER_MM above the paper edge, which
  puts its 一字线 7 mm under the type area, where the standard places it.

Fonts keep the official names (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312 …) — what Word users on 政务
machines have — with the Windows standard faces recorded as alternative names in the font table, so Word
falls back to 仿宋/楷体/宋体 where the _GB2312 faces are missing. LibreOffice maps the same names to the
installed free faces through the fontconfig file shipped beside this module (see documents.pdf).
"""

from __future__ import annotations

import io
import re
import unicodedata
from functools import lru_cache
from xml.sax.saxutils import escape

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from pufa.core.chinese import cn_date
from pufa.reports.charts import bar_chart_png
from pufa.reports.documents.model import Chart, Document, Heading, Paragraph, Table

# Official font names (what the .docx asks for) and the Windows standard face Word falls back to.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
ALT_NAMES = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", KAI_FONT: "楷体", HEI_FONT: "SimHei", SONG_FONT: "SimSun"}

SIZE_2 = 22  # 二号
SIZE_3 = 16  # 三号
SIZE_4 = 14  # 四号
SIZE_SMALL_4 = 12  # 小四

LINE_PITCH = 579  # twips: 225 mm / 22 lines
CONDENSE = -5  # twentieths of a point: 16 pt characters advance 15.75 pt, 28 to a 156 mm line
TYPE_WIDTH_MM = 156
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TABLE_LINE = 400  # twips: 20 pt lines for 小四 table text
CELL_MARGINS = 216  # twips: Word's default left + right cell margins (0.19 cm each) of "Table Grid"
RED = "FF0000"
FOOTER_MM = 24.8  # paper edge to the bottom of the page-number line (see the module docstring)
FOOTER_LINE = 320  # twips: the page-number line's exact height (16 pt for 14 pt digits and 一字线)

HEADING_FONTS = {1: (HEI_FONT, False), 2: (KAI_FONT, False), 3: (BODY_FONT, False), 4: (BODY_FONT, False)}
STYLE_NAMES = {1: "公文一级标题", 2: "公文二级标题", 3: "公文三级标题", 4: "公文四级标题"}
#: Our paragraph styles' ids (ASCII, so any consumer can address them); their names are Chinese.
STYLE_IDS = {
    "公文正文": "GwBody",
    "公文标题": "GwTitle",
    "公文一级标题": "GwHeading1",
    "公文二级标题": "GwHeading2",
    "公文三级标题": "GwHeading3",
    "公文四级标题": "GwHeading4",
    "公文表格": "GwTableText",
    "公文表头": "GwTableHead",
    "公文图表题": "GwCaption",
    "公文图片": "GwFigure",
}


def render_docx(document: Document) -> bytes:
    """Lay out `document` as an official document and return the .docx bytes.

    The same file is what users download and what LibreOffice converts to PDF: its line grid and condensed
    characters give 28 characters a line in both Word and LibreOffice (see the module docstring)."""
    d = docx.Document(io.BytesIO(_template()))
    _core_properties(d, document)
    if document.issuer:
        _masthead(d, document.issuer, document.number)
    elif document.number:
        p = _para(d, document.number)
        _no_indent(p)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = _para(d, "", "公文标题")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, line in enumerate(title_lines(document.title)):
        run = title.add_run(clean(line))
        if i:
            run._element.insert(0, OxmlElement("w:br"))
    _blank(d)
    if document.recipient:
        p = _para(d, f"{document.recipient}：")
        _no_indent(p)

    for block in document.blocks:
        if isinstance(block, Heading):
            _para(d, block.text, STYLE_NAMES.get(block.level, STYLE_NAMES[4]))
        elif isinstance(block, Paragraph):
            p = _para(d)
            if block.lead:
                font, bold = HEADING_FONTS.get(block.lead_level, HEADING_FONTS[4])
                lead = p.add_run(clean(block.lead))
                _run_font(lead, font, SIZE_3, bold=bold)
            p.add_run(clean(block.text))
        elif isinstance(block, Table):
            _table(d, block)
        elif isinstance(block, Chart):
            _chart(d, block)

    if document.signature or document.date:
        _signature(d, document.signature, cn_date(document.date))
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


#: The order WordprocessingML requires inside <w:pPr>; Word rejects a file whose children are out of order.
PPR_ORDER = [
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid",
    "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
    "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange",
]  # fmt: skip


def _child(ppr: etree._Element, name: str) -> etree._Element:
    """The <w:name> child of a pPr, created in its schema position if missing."""
    existing = ppr.find(qn(f"w:{name}"))
    if existing is not None:
        return existing
    el = OxmlElement(f"w:{name}")
    rank = PPR_ORDER.index(name)
    for i, sibling in enumerate(ppr):
        local = etree.QName(sibling).localname
        if local in PPR_ORDER and PPR_ORDER.index(local) > rank:
            ppr.insert(i, el)
            return el
    ppr.append(el)
    return el


# ---------------------------------------------------------------- page and grid


@lru_cache(maxsize=1)
def _template() -> bytes:
    """The empty official document (page, grid, styles, fonts, page-number footers), built once per process:
    setting it up costs more than writing a report into it."""
    d = docx.Document()
    _trim(d)
    _page_setup(d)
    _styles(d)
    _font_table(d)
    _footers(d)
    _remove_body_paragraphs(d)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


#: Styles of python-docx's template that the documents use (the rest, ~150 of them, are dropped).
KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header", "Footer"}
DROPPED_PARTS = {"stylesWithEffects", "webSettings", "customXml"}


def _trim(d: docx.document.Document) -> None:
    """Drop what python-docx's template carries and an official document does not need: 800 KB of unused
    styles (and their Word 2010 copy), web settings, custom XML and a thumbnail. Every report would parse,
    write and compress them again."""
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype.rsplit("/", 1)[-1] in DROPPED_PARTS:
            d.part.drop_rel(rid)
    package_rels = d.part.package.rels
    for rid, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rid)
    styles = d.styles.element
    for el in list(styles):
        unused = el.tag == qn("w:style") and el.get(qn("w:styleId")) not in KEPT_STYLES
        if unused or el.tag == qn("w:latentStyles"):
            styles.remove(el)
    for style in styles.findall(qn("w:style")):
        for ref in ("w:link", "w:next"):
            el = style.find(qn(ref))
            if el is not None and el.get(qn("w:val")) not in KEPT_STYLES:
                style.remove(el)


def _page_setup(d: docx.document.Document) -> None:
    section = d.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(FOOTER_MM)
    section.gutter = Mm(0)
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:docGrid")):
        sect_pr.remove(old)
    grid = OxmlElement("w:docGrid")
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH))
    sect_pr.append(grid)
    # Odd and even pages carry different footers (page numbers outside).
    d.settings.odd_and_even_pages_header_footer = True


def _rfonts(rpr: etree._Element, name: str) -> None:
    """Set every script of the run properties to `name`, dropping theme fonts (which would win over names)."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        style = rpr.find(qn("w:rStyle"))
        rpr.insert(1 if style is not None else 0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for key in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(key), name)


def _run_font(run: docx.text.run.Run, name: str, size: float, *, bold: bool = False) -> None:
    _rfonts(run._element.get_or_add_rPr(), name)
    run.font.size = Pt(size)
    run.font.bold = bold


def _style(d: docx.document.Document, name: str, font: str, size: float, *, bold: bool = False) -> docx.styles.style:
    styles = d.styles
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.element.styleId = STYLE_IDS[name]
    style.element.get_or_add_pPr()
    normal = styles.element.get_by_id("Normal")
    based = OxmlElement("w:basedOn")
    based.set(qn("w:val"), normal.styleId if normal is not None else "Normal")
    style.element.insert(1, based)
    style.font.size = Pt(size)
    style.font.bold = bold
    _rfonts(style.element.get_or_add_rPr(), font)
    return style


def _spacing(ppr: etree._Element, *, exact: int | None) -> None:
    spacing = _child(ppr, "spacing")
    for attr in list(spacing.attrib):
        del spacing.attrib[attr]
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    if exact is None:
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
    else:
        spacing.set(qn("w:line"), str(exact))
        spacing.set(qn("w:lineRule"), "exact")


def _indent_chars(ppr: etree._Element, *, first_line: int = 0, left: int = 0, right: int = 0) -> None:
    """Indents counted in characters (hundredths), the unit Chinese offices use: 首行缩进2字符 = 200."""
    ind = _child(ppr, "ind")
    for attr in list(ind.attrib):
        del ind.attrib[attr]
    # Every attribute is written, zeros included: a paragraph's indent overrides its style's one attribute
    # by attribute, so "no indent" must say 0 rather than say nothing.
    for name, chars in (("firstLine", first_line), ("left", left), ("right", right)):
        ind.set(qn(f"w:{name}Chars"), str(chars))
        ind.set(qn(f"w:{name}"), str(chars * SIZE_3 * 20 // 100))


def _styles(d: docx.document.Document) -> None:
    styles_el = d.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _rfonts(rpr, BODY_FONT)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(CONDENSE))
    rpr.insert(list(rpr).index(rpr.find(qn("w:sz"))), spacing)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
    for tag in ("w:sz", "w:szCs"):
        el = rpr.find(qn(tag))
        if el is not None:
            el.set(qn("w:val"), str(SIZE_3 * 2))
    ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    _spacing(ppr, exact=LINE_PITCH)

    normal = d.styles["Normal"]
    normal.font.size = Pt(SIZE_3)
    _rfonts(normal.element.get_or_add_rPr(), BODY_FONT)
    npr = normal.element.get_or_add_pPr()
    _spacing(npr, exact=LINE_PITCH)
    _child(npr, "jc").set(qn("w:val"), "both")

    body = _style(d, "公文正文", BODY_FONT, SIZE_3)
    _indent_chars(body.element.get_or_add_pPr(), first_line=200)

    title = _style(d, "公文标题", TITLE_FONT, SIZE_2)
    tpr = title.element.get_or_add_pPr()
    _spacing(tpr, exact=700)  # 35 pt: a 22 pt title of two lines, set close as in printed documents
    _indent_chars(tpr)
    _no_grid(tpr)

    for level, name in STYLE_NAMES.items():
        font, bold = HEADING_FONTS[level]
        style = _style(d, name, font, SIZE_3, bold=bold)
        hpr = style.element.get_or_add_pPr()
        _indent_chars(hpr, first_line=200)
        _child(hpr, "outlineLvl").set(qn("w:val"), str(level - 1))
        _child(hpr, "keepNext")

    cell = _style(d, "公文表格", BODY_FONT, SIZE_SMALL_4)
    cpr = cell.element.get_or_add_pPr()
    _spacing(cpr, exact=TABLE_LINE)
    _indent_chars(cpr)
    _no_grid(cpr)

    head = _style(d, "公文表头", HEI_FONT, SIZE_SMALL_4)
    hpr = head.element.get_or_add_pPr()
    _spacing(hpr, exact=TABLE_LINE)
    _indent_chars(hpr)
    _no_grid(hpr)

    caption = _style(d, "公文图表题", HEI_FONT, SIZE_4)
    capr = caption.element.get_or_add_pPr()
    _spacing(capr, exact=None)
    _indent_chars(capr)

    figure = _style(d, "公文图片", BODY_FONT, SIZE_3)
    fpr = figure.element.get_or_add_pPr()
    _spacing(fpr, exact=None)  # an exact line height would clip the picture to one line
    _indent_chars(fpr)
    _no_grid(fpr)

    footer = d.styles["Footer"]
    footer.base_style = d.styles["Normal"]
    fr = footer.element.get_or_add_pPr()
    _spacing(fr, exact=FOOTER_LINE)
    _no_grid(fr)
    _rfonts(footer.element.get_or_add_rPr(), SONG_FONT)
    footer.font.size = Pt(SIZE_4)


def _no_grid(ppr: etree._Element) -> None:
    _child(ppr, "snapToGrid").set(qn("w:val"), "0")


def _font_table(d: docx.document.Document) -> None:
    """Declare the official fonts with GB2312 charset and their standard alternative, for Word's fallback."""
    part = next(p for p in d.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    existing = {f.get(f"{{{w}}}name") for f in root.findall(f"{{{w}}}font")}
    for name, alt in ALT_NAMES.items():
        if name in existing:
            continue
        font = etree.SubElement(root, f"{{{w}}}font")
        font.set(f"{{{w}}}name", name)
        etree.SubElement(font, f"{{{w}}}altName").set(f"{{{w}}}val", alt)
        etree.SubElement(font, f"{{{w}}}charset").set(f"{{{w}}}val", "86")  # GB2312
        etree.SubElement(font, f"{{{w}}}family").set(f"{{{w}}}val", "modern" if name == HEI_FONT else "roman")
        etree.SubElement(font, f"{{{w}}}pitch").set(f"{{{w}}}val", "variable")
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _core_properties(d: docx.document.Document, document: Document) -> None:
    props = d.core_properties
    props.title = document.title
    props.author = document.signature or "普法工作平台"
    props.language = "zh-CN"
    props.comments = "pufa 生成，版式依据 GB/T 9704-2012"


# ---------------------------------------------------------------- 版头


MASTHEAD_TOP = 1684  # twips: 35 mm from the top of the type area to the top of the 发文机关标志 (7.2.2), less
#  the space the line box keeps above a 48 pt glyph
MASTHEAD_MAX = 48  # pt: the 发文机关标志's size when the name is short; long names get smaller
SEPARATOR_GAP = 4  # pt between the 发文字号's line and the red line: 4 mm below the 发文字号's glyphs
SEPARATOR_WIDTH = 12  # eighths of a point: a 1.5 pt red line


def masthead_size(issuer: str) -> int:
    """The 发文机关标志's size in points: as large as MASTHEAD_MAX, never wider than the type area."""
    width = max(_width(issuer), 1)
    return min(MASTHEAD_MAX, int((TYPE_WIDTH_MM / 25.4 * 72 - 6) / width))


def _masthead(d: docx.document.Document, issuer: str, number: str) -> None:
    """版头 (GB/T 9704 7.2): the 发文机关标志 centred in red 小标宋, 35 mm below the top of the type area; the
    发文字号 two lines below it; a red separator line as wide as the type area 4 mm under the 发文字号; the
    title then follows two lines below the line."""
    mark = _para(d, "", "公文标题")
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ppr = mark._p.get_or_add_pPr()
    _spacing(ppr, exact=None)
    _child(ppr, "spacing").set(qn("w:before"), str(MASTHEAD_TOP))
    run = mark.add_run(clean(issuer))
    _run_font(run, TITLE_FONT, masthead_size(issuer))
    run.font.color.rgb = docx.shared.RGBColor.from_string(RED)
    _blank(d)
    _blank(d)
    line = _para(d, number)
    _no_indent(line)
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    border = _child(line._p.get_or_add_pPr(), "pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", SEPARATOR_WIDTH), ("space", SEPARATOR_GAP), ("color", RED)):
        bottom.set(qn(f"w:{name}"), str(value))
    border.append(bottom)
    _blank(d)


# ---------------------------------------------------------------- page numbers


def _page_field(paragraph: docx.text.paragraph.Paragraph) -> None:
    """ "— N —" with N a PAGE field, so Word and LibreOffice number every page themselves."""
    dash = paragraph.add_run("— ")
    _run_font(dash, SONG_FONT, SIZE_4)
    begin = paragraph.add_run()
    _run_font(begin, SONG_FONT, SIZE_4)
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), "begin")
    begin._element.append(fld)
    instr_run = paragraph.add_run()
    _run_font(instr_run, SONG_FONT, SIZE_4)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    instr_run._element.append(instr)
    sep = paragraph.add_run()
    sep_el = OxmlElement("w:fldChar")
    sep_el.set(qn("w:fldCharType"), "separate")
    sep._element.append(sep_el)
    number = paragraph.add_run("1")
    _run_font(number, SONG_FONT, SIZE_4)
    end = paragraph.add_run()
    end_el = OxmlElement("w:fldChar")
    end_el.set(qn("w:fldCharType"), "end")
    end._element.append(end_el)
    tail = paragraph.add_run(" —")
    _run_font(tail, SONG_FONT, SIZE_4)


def _footers(d: docx.document.Document) -> None:
    section = d.sections[0]
    odd = section.footer.paragraphs[0]
    odd.style = d.styles["Footer"]
    odd.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _indent_chars(odd._p.get_or_add_pPr(), right=100)
    _page_field(odd)
    even = section.even_page_footer.paragraphs[0]
    even.style = d.styles["Footer"]
    even.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _indent_chars(even._p.get_or_add_pPr(), left=100)
    _page_field(even)


# ---------------------------------------------------------------- blocks


def _para(d: docx.document.Document, text: str = "", style: str = "公文正文") -> docx.text.paragraph.Paragraph:
    """A new body paragraph in one of our styles. The style id is written directly: python-docx's lookup by
    name scans every style of the template each time, which made a report take most of a second."""
    p = d.add_paragraph(clean(text))
    _set_style(p, style)
    return p


def _set_style(p: docx.text.paragraph.Paragraph, style: str) -> None:
    ppr = p._p.get_or_add_pPr()
    existing = ppr.find(qn("w:pStyle"))
    if existing is None:
        existing = OxmlElement("w:pStyle")
        ppr.insert(0, existing)
    existing.set(qn("w:val"), STYLE_IDS.get(style, style))


def _remove_body_paragraphs(d: docx.document.Document) -> None:
    body = d.element.body
    for p in body.findall(qn("w:p")):
        body.remove(p)


def _no_indent(paragraph: docx.text.paragraph.Paragraph) -> None:
    _indent_chars(paragraph._p.get_or_add_pPr())


def _blank(d: docx.document.Document) -> None:
    _no_indent(_para(d))


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean(text: str) -> str:
    """Text without the control characters XML cannot carry (pasted from other programs now and then)."""
    return _CONTROL.sub("", text or "")


def _cell_xml(text: str, width: int, style: str, align: str, merge: str = "") -> str:
    """One cell; `merge` is "restart" or "continue" for a vertically merged run (continued cells are empty)."""
    lines = [] if merge == "continue" else clean(text).split("\n")
    paragraphs = (
        "".join(
            f'<w:p><w:pPr><w:pStyle w:val="{STYLE_IDS[style]}"/><w:jc w:val="{align}"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
            for line in lines
        )
        or f'<w:p><w:pPr><w:pStyle w:val="{STYLE_IDS[style]}"/></w:pPr></w:p>'
    )
    vmerge = {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>"}.get(merge, "")
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{vmerge}<w:vAlign w:val="center"/></w:tcPr>'
        f"{paragraphs}</w:tc>"
    )


def column_widths(block: Table) -> list[int]:
    """Column widths in twips, filling the type area in the table's proportions — but never narrower than
    its header on one line (小四 黑体 plus the cell margins): a header does not wrap as 按期推/进. The
    width a header needs is taken from the columns that have more than their own header needs."""
    weights = block.widths or [1.0] * len(block.columns)
    total_twips = int(TYPE_WIDTH_MM / 25.4 * 1440)
    widths = [int(total_twips * w / sum(weights)) for w in weights]
    need = [int(_width(name) * SIZE_SMALL_4 * 20) + CELL_MARGINS + 20 for name in block.columns]
    if sum(need) > total_twips:
        return widths
    short = sum(max(n - w, 0) for n, w in zip(need, widths, strict=True))
    spare = [max(w - n, 0) for n, w in zip(need, widths, strict=True)]
    if short and sum(spare):
        widths = [
            max(w, n) if w < n else w - round(short * s / sum(spare))
            for w, n, s in zip(widths, need, spare, strict=True)
        ]
    return widths


def _merge_states(block: Table) -> list[list[str]]:
    """Per cell "", "restart" or "continue": runs of equal values in `block.merge` columns become one cell."""
    states = [["" for _ in row] for row in block.rows]
    for c in block.merge:
        for r, row in enumerate(block.rows):
            same_as_above = r > 0 and block.rows[r - 1][c] == row[c]
            same_as_below = r + 1 < len(block.rows) and block.rows[r + 1][c] == row[c]
            states[r][c] = "continue" if same_as_above else ("restart" if same_as_below else "")
    return states


def _table(d: docx.document.Document, block: Table) -> None:
    """A bordered table (Word's "Table Grid") as wide as the type area, its header row repeated on each page.

    Written as one piece of XML: python-docx's cell-by-cell API made a report's tables cost more than the
    rest of the document together."""
    if block.caption:
        caption = _para(d, block.caption, "公文图表题")
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.keep_with_next = True
    widths = column_widths(block)
    header = "".join(_cell_xml(name, widths[i], "公文表头", "center") for i, name in enumerate(block.columns))
    rows = [f'<w:tr><w:trPr><w:tblHeader w:val="true"/><w:cantSplit/></w:trPr>{header}</w:tr>']
    states = _merge_states(block)
    for r, row in enumerate(block.rows):
        cells = "".join(
            _cell_xml(str(value), widths[i], "公文表格", "right" if i in block.numeric else "left", states[r][i])
            for i, value in enumerate(row)
        )
        rows.append(f"<w:tr>{cells}</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    xml = (
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
        f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
        f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(rows)}</w:tbl>'
    )
    body = d.element.body
    body.insert(len(body) - 1, parse_xml(xml))  # before the section properties
    _blank(d)


def _chart(d: docx.document.Document, block: Chart) -> None:
    png = bar_chart_png(
        title=block.title,
        labels=block.labels,
        values=block.values,
        measure=block.measure,
        horizontal=block.horizontal,
        width_mm=150,
    )
    p = _para(d, "", "公文图片")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(png), width=Mm(150))
    picture = p._p.find(f".//{qn('wp:docPr')}")
    if picture is not None:
        picture.set("descr", block.title)


TITLE_CHARS = 20  # 2号 (22 pt) characters on a 156 mm line
#: Half-width digits as wide as the title face draws them: the free 小标宋 stand-in (Noto Serif CJK SC Bold)
#: gives them 0.59 of a character, not the 0.5 a 方正 face does, so a "2026" is counted at 0.6 each.
TITLE_DIGIT = 0.6
_BREAK_AFTER = ("上半年", "年度", "日", "居委会", "村委会", "街道", "办", "所", "局", "会")
_BREAK_BEFORE = ("普法", "关于")


def title_lines(title: str, max_chars: float = TITLE_CHARS) -> list[str]:
    """Break a long title where its words end, into lines of balanced length, the upper no longer than the
    lower (GB/T 9704 7.3.3: 回行时词意完整，排列对称，使用梯形或菱形) — rather than leave "报告" alone on a line."""

    def width(text: str) -> float:
        return _width(text, digit=TITLE_DIGIT)

    if width(title) <= max_chars:
        return [title]
    candidates = set()
    for token in _BREAK_AFTER:
        start = title.find(token)
        while start != -1:
            candidates.add(start + len(token))
            start = title.find(token, start + 1)
    for token in _BREAK_BEFORE:
        start = title.find(token, 1)
        while start != -1:
            candidates.add(start)
            start = title.find(token, start + 1)
    best: tuple[float, int] | None = None
    for cut in candidates:
        upper, lower = width(title[:cut]), width(title[cut:])
        if not (0 < cut < len(title)) or upper > max_chars or lower > max_chars:
            continue
        score = abs(lower - upper) + (0 if upper <= lower else 1)  # prefer the trapezoid, upper line shorter
        if best is None or score < best[0]:
            best = (score, cut)
    if best is None:
        return [title]
    return [title[: best[1]], title[best[1] :]]


def _width(text: str, *, digit: float = 0.5) -> float:
    """Width in body characters: CJK and full-width forms count 1, half-width digits `digit`, the rest ½."""
    total = 0.0
    for c in text:
        if unicodedata.east_asian_width(c) in "WF":
            total += 1.0
        else:
            total += digit if c.isdigit() else 0.5
    return total


def signature_indents(signature: str, date_text: str) -> tuple[float, float]:
    """The right indents, in characters, of the 发文机关署名 and the 成文日期 (GB/T 9704-2012 7.3.5.2, without a
    seal): the name two characters in from the right, the date's first character two characters right of
    the name's; when the date would then run closer than two characters to the edge, the date two
    characters in from the right and the name moved left to keep the two-character step.

    Both lines are right-aligned, so the line that sits two characters from the edge does so exactly in
    Word and LibreOffice alike, whatever width either gives the digits; only the step between the two
    lines depends on the estimate."""
    name_w, date_w = _width(signature), _width(date_text)
    if date_w <= name_w - 2:
        return 2.0, 2.0 + name_w - 2 - date_w
    return 4.0 + date_w - name_w, 2.0


def _signature(d: docx.document.Document, signature: str, date_text: str) -> None:
    """发文机关署名 and 成文日期 one blank line below the text (see `signature_indents`)."""
    _blank(d)
    name_right, date_right = signature_indents(signature, date_text)
    for text, right in ((signature, name_right), (date_text, date_right)):
        if not text:
            continue
        p = _para(d, text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _indent_chars(p._p.get_or_add_pPr(), right=round(max(right, 0) * 100))
