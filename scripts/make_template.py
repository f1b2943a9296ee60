#!/usr/bin/env python3
"""Regenerate templates/report.docx, the NĐ 30/2020 report template: ``scripts/make_template.py [--out F]``.

Byte-for-byte reproducible (fixed zip timestamps and properties). Staff may edit the .docx in Word or
LibreOffice: every Jinja tag sits in ONE run with straight quotes; control tags (``{%p …%}``, ``{%tr …%}``,
``{%tc …%}``) sit in their own paragraph, row or cell; formatting lives in named "BC …" styles plus
explicit run properties (Times New Roman). [§n] = sections of docs/official-letter-format.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Pt, RGBColor, Twips
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "templates" / "report.docx"
FONT = "Times New Roman"
CM = 567  # twips
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT,
                                WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.JUSTIFY)
# [§1] A4; margins top/bottom 20, left 30, right 15 mm; text width 165 mm (portrait), 252 mm (landscape).
A4_SHORT, A4_LONG = 11906, 16838
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 1134, 1134, 1701, 850
PORTRAIT_WIDTH = A4_SHORT - MARGIN_LEFT - MARGIN_RIGHT  # 9355
LANDSCAPE_WIDTH = A4_LONG - MARGIN_LEFT - MARGIN_RIGHT  # 14287
# [§2] The decree's own Mẫu 1.4 letterhead: 6.75 + 10.0 cm, indented −0.35 cm; signature 6.2 + 10.3 cm.
LETTERHEAD_COLS, LETTERHEAD_INDENT, CELL_PAD = (3827, 5670), -198, 57
SIGNATURE_COLS = (3510, 5812)
# four widths and shares the rest among the metric columns (adapters/docx_report.prepare_appendix).
APPENDIX_COLS = (567, 2835, 2627, 2627, 2626, 1247, 1758)
STYLE_IDS_KEPT = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "Header", "Footer"}
FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
# name: size, bold, italic, alignment, first-line indent (twips), space before/after (pt), line, keep next
STYLES: dict[str, tuple[float, bool, bool, WD_ALIGN_PARAGRAPH, int, float, float, float, bool]] = {
    "Normal": (14, False, False, JUSTIFY, 720, 0, 6, 1.15, False),  # [§3 ô 6] body: 1.27 cm, 6 pt after
    "BC Center": (14, False, False, CENTER, 0, 0, 0, 1.0, False),
    "BC Control": (9, False, False, LEFT, 0, 0, 0, 1.0, False),  # paragraphs docxtpl removes
    "BC Title": (14, True, False, CENTER, 0, 0, 0, 1.0, True),  # [§3 ô 5a]
    "BC Heading": (14, True, False, JUSTIFY, 720, 6, 6, 1.15, True),  # "I. …" UPPER bold
    "BC Subheading": (14, True, False, JUSTIFY, 720, 0, 6, 1.15, True),  # "1. …" bold
    "BC Rule": (1, False, False, CENTER, 0, 0, 0, 1.0, False),
    "BC Caption": (13, False, True, CENTER, 0, 0, 6, 1.0, False),
    "BC Recipients": (11, False, False, LEFT, 0, 0, 0, 1.0, False),  # [§3 ô 9b]
    "BC Signature": (14, True, False, CENTER, 0, 0, 0, 1.0, False),  # [§3 ô 7]
    "BC Table": (11, False, False, LEFT, 0, 1, 1, 1.0, False),  # [§6] 11–12 pt
}


# XML helpers ---------------------------------------------------------------------------------------
def element(tag: str, **attrs: str | int) -> BaseOxmlElement:
    return OxmlElement(tag, attrs={qn(f"w:{key}"): str(value) for key, value in attrs.items()})


def set_font(rpr: BaseOxmlElement, points: float) -> None:
    """[§1] Times New Roman in all four font slots (no theme fonts), black, ``points`` in size."""
    fonts = rpr.get_or_add_rFonts()
    for attr in [a for a in fonts.attrib if a.lower().endswith("theme")]:
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), FONT)
    color = rpr.get_or_add_color()
    color.attrib.clear()
    color.set(qn("w:val"), "000000")
    rpr.get_or_add_sz().set(qn("w:val"), str(int(points * 2)))
    for old in rpr.findall(qn("w:szCs")):
        rpr.remove(old)
    rpr.find(qn("w:sz")).addnext(element("w:szCs", val=int(points * 2)))


def define_styles(doc: DocumentObject) -> None:
    """Drop the stock styles (theme fonts, colours); defaults Times New Roman 14 black, vi-VN; STYLES."""
    root, styles = doc.styles.element, doc.styles
    for style in root.findall(qn("w:style")):
        if style.get(qn("w:styleId")) not in STYLE_IDS_KEPT:
            root.remove(style)
    defaults = root.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    set_font(rpr, 14)
    rpr.find(qn("w:lang")).set(qn("w:val"), "vi-VN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    for name, (size, bold, italic, align, first, before, after, line, keep) in STYLES.items():
        style = styles[name] if name == "Normal" else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        if name != "Normal":
            style.base_style, style.quick_style = styles["Normal"], True
        style.font.bold, style.font.italic = bold, italic
        set_font(style.element.get_or_add_rPr(), size)
        fmt = style.paragraph_format
        fmt.alignment, fmt.first_line_indent, fmt.line_spacing = align, Twips(first), line
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        fmt.keep_with_next, fmt.widow_control = keep, True
    for style in (s for s in styles if s.name in ("Header", "Footer")):
        set_font(style.element.get_or_add_rPr(), 14)


# Paragraphs -------------------------------------------------------------------------------------------
def run(paragraph: Paragraph, text: str, *, size: float = 14, bold: bool = False,
        italic: bool = False) -> None:
    """One run: a Jinja tag is never split across runs, and every run names its font explicitly."""
    r = paragraph.add_run(text)
    r.font.bold, r.font.italic = bold or None, italic or None
    r.font.color.rgb = RGBColor(0, 0, 0)
    set_font(r._r.get_or_add_rPr(), size)


def para(container: DocumentObject | _Cell, text: str = "", style: str = "Normal", *,
         bold: bool = False, italic: bool = False, align: WD_ALIGN_PARAGRAPH | None = None) -> Paragraph:
    paragraph = container.add_paragraph(style=style)
    if align is not None:
        paragraph.alignment = align
    if text:
        run(paragraph, text, size=STYLES[style][0], bold=bold, italic=italic)
    return paragraph


def first_para(cell: _Cell, text: str, style: str, *, size: float | None = None, bold: bool = False,
               italic: bool = False) -> Paragraph:
    paragraph = cell.paragraphs[0]
    paragraph.style = cell.part.document.styles[style]
    if text:
        run(paragraph, text, size=size or STYLES[style][0], bold=bold, italic=italic)
    return paragraph


def control(container: DocumentObject | _Cell, tag: str) -> Paragraph:
    """A paragraph holding only a ``{%p … %}`` tag; docxtpl removes it when rendering."""
    return para(container, tag, "BC Control")


def loop(container: DocumentObject | _Cell, header: str, body: str, style: str = "Normal") -> None:
    control(container, f"{{%p for {header} %}}")
    para(container, body, style)
    control(container, "{%p endfor %}")


def rule(container: DocumentObject | _Cell, width: int, available: int) -> Paragraph:
    """A centred rule ``width`` twips long: an empty paragraph's bottom border between indents."""
    paragraph = para(container, "", "BC Rule")
    border = element("w:pBdr")
    border.append(element("w:bottom", val="single", sz=6, space=1, color="000000"))
    paragraph._p.get_or_add_pPr().insert_element_before(border, "w:spacing", "w:ind", "w:jc")
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Twips((available - width) // 2)
    fmt.space_before = Pt(3)  # a visible gap: a rule, not an underline
    return paragraph


# Tables and sections ------------------------------------------------------------------------------------
def table_props(table: Table, widths: tuple[int, ...], *, indent: int = 0, borders: bool = False,
                pad: int = CELL_PAD, caption: str = "") -> None:
    """Fixed layout, explicit widths, borderless (letterhead, signature) or thin single borders."""
    edge = 'w:val="single" w:sz="4" w:space="0" w:color="000000"' if borders else 'w:val="nil"'
    edges = "".join(f"<w:{side} {edge}/>" for side in ("top", "left", "bottom", "right", "insideH",
                                                         "insideV"))
    margins = "".join(f'<w:{side} w:w="{w}" w:type="dxa"/>'
                      for side, w in (("top", 0), ("left", pad), ("bottom", 0), ("right", pad)))
    title = f'<w:tblCaption w:val="{caption}"/>' if caption else ""
    table._tbl.replace(table._tbl.tblPr, parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:tblInd w:w="{indent}" '
        f'w:type="dxa"/><w:tblBorders>{edges}</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar>'
        f'{margins}</w:tblCellMar><w:tblLook w:val="0000" w:noHBand="1" w:noVBand="1"/>{title}</w:tblPr>'))
    for col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(width))
    for row in table.rows:
        row._tr.get_or_add_trPr().append(element("w:cantSplit"))  # [§6] rows never split across pages
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Twips(width)


def page_setup(section: Section, *, landscape: bool = False) -> None:
    """[§1] A4, margins 20/20/30/15 mm, header at 10 mm, page 1 unnumbered; [§6] appendix numbered from 1."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width = Twips(A4_LONG if landscape else A4_SHORT)
    section.page_height = Twips(A4_SHORT if landscape else A4_LONG)
    section.top_margin, section.bottom_margin = Twips(MARGIN_TOP), Twips(MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Twips(MARGIN_LEFT), Twips(MARGIN_RIGHT)
    section.header_distance, section.footer_distance, section.gutter = Twips(CM), Twips(CM), Twips(0)
    section.different_first_page_header_footer = True
    if landscape:
        section._sectPr.insert_element_before(element("w:pgNumType", start=1), "w:cols", "w:titlePg",
                                              "w:docGrid")


def page_number_header(section: Section) -> None:
    """[§1] Arabic page number, 14 pt, centred in the top margin; none on page 1 (empty first-page header)."""
    section.first_page_header.is_linked_to_previous = section.header.is_linked_to_previous = False
    section.first_page_header.paragraphs[0].style = section.part.document.styles["BC Center"]
    paragraph = section.header.paragraphs[0]
    paragraph.style, paragraph.alignment = section.part.document.styles["BC Center"], CENTER
    run(paragraph, "2")
    field = element("w:fldSimple", instr=" PAGE ")
    field.append(paragraph.runs[0]._r)
    paragraph._p.append(field)


def letterhead(doc: DocumentObject) -> None:
    """[§2, §3 ô 1–4] Borderless 2 × 2 table: bodies | Quốc hiệu + Tiêu ngữ, then Số | place and date."""
    table = doc.add_table(rows=2, cols=2)
    table_props(table, LETTERHEAD_COLS, indent=LETTERHEAD_INDENT)
    left, right = table.rows[0].cells
    first_para(left, "{{ parent_body }}", "BC Center", size=12)
    run(para(left, "", "BC Center"), "{{ issuing_body }}", size=13, bold=True)
    rule(left, int(2.5 * CM), LETTERHEAD_COLS[0] - 2 * CELL_PAD)  # fitted to the name as rendered (docx_rules.py)
    first_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "BC Center", size=13, bold=True)
    para(right, "Độc lập - Tự do - Hạnh phúc", "BC Center", bold=True)
    rule(right, 3413, LETTERHEAD_COLS[1] - 2 * CELL_PAD)  # 6.02 cm: the Tiêu ngữ's own width at 14 pt
    number, date = table.rows[1].cells
    first_para(number, "Số:      /BC-{{ abbreviation }}", "BC Center", size=13)
    first_para(date, "{{ place }}, {{ date_text }}", "BC Center", italic=True)
    for cell in (number, date):
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)


def title_block(doc: DocumentObject) -> None:
    """[§3 ô 5a, 9a] BÁO CÁO, trích yếu with a short rule, Kính gửi (one line, or a dashed list)."""
    para(doc, "BÁO CÁO", "BC Title", bold=True).paragraph_format.space_before = Pt(18)
    para(doc, "{{ summary }}", "BC Title", bold=True)
    rule(doc, 5 * CM, PORTRAIT_WIDTH).paragraph_format.space_after = Pt(12)  # fitted too, to the trích yếu
    control(doc, "{%p if recipient_single %}")
    para(doc, "Kính gửi: {{ recipient_single }}", "BC Center").paragraph_format.space_after = Pt(12)
    control(doc, "{%p else %}")
    para(doc, "Kính gửi:", "BC Center", align=LEFT).paragraph_format.left_indent = Twips(2 * CM)
    control(doc, "{%p for r in recipients %}")
    item = para(doc, "- {{ r.text }}{{ r.end }}", "BC Center", align=LEFT)
    item.paragraph_format.left_indent = Twips(2 * CM + 987)  # the dash sits under the colon of "Kính gửi:"
    control(doc, "{%p endfor %}")
    para(doc, "", "BC Center").paragraph_format.space_after = Pt(6)
    control(doc, "{%p endif %}")


def sections_one_two(doc: DocumentObject) -> None:
    """Opening; I; II: cut-off, participation by group, missing and late units, chart, figures."""
    para(doc, "{{ opening }}")
    para(doc, "{{ headings.direction }}", "BC Heading", bold=True)
    loop(doc, "text in direction", "{{ text }}")
    para(doc, "{{ headings.results }}", "BC Heading", bold=True)
    para(doc, "({{ cutoff }})", italic=True)
    para(doc, "{{ headings.participation }}", "BC Subheading", bold=True)
    control(doc, "{%p if participation_text %}")
    para(doc, "{{ participation_text }}")
    control(doc, "{%p endif %}")
    loop(doc, "g in groups", "- {{ g.text }}{{ g.end }}")
    for key, intro in (("missing_groups", "{{ missing_lead }}"), ("late_groups", "{{ late_lead }}")):
        control(doc, f"{{%p if {key} %}}")
        para(doc, intro)
        loop(doc, f"g in {key}", "- {{ g.label }} ({{ g.count }}): {{ g.names }}{{ g.end }}")
        control(doc, "{%p endif %}")
    control(doc, "{%p if chart and show_chart %}")
    para(doc, "{{ chart }}", "BC Center").paragraph_format.keep_with_next = True
    para(doc, "{{ chart_caption }}", "BC Caption", italic=True)
    control(doc, "{%p endif %}")
    para(doc, "{{ headings.figures }}", "BC Subheading", bold=True)
    para(doc, "{{ results_lead }}")
    loop(doc, "m in metrics", "- {{ m.text }}{{ m.end }}")


def sections_three_four(doc: DocumentObject) -> None:
    """III assessment (the office's text + generated strengths/shortcomings, agencies' difficulties), IV
    proposals (the office's, then the agencies'), closing "./."."""
    para(doc, "{{ headings.assessment }}", "BC Heading", bold=True)
    para(doc, "{{ headings.strengths }}", "BC Subheading", bold=True)
    loop(doc, "text in strengths", "{{ text }}")
    para(doc, "{{ headings.weaknesses }}", "BC Subheading", bold=True)
    loop(doc, "text in weaknesses", "{{ text }}")
    control(doc, "{%p if agency_difficulties %}")
    para(doc, "{{ difficulties_lead }}")
    loop(doc, "i in agency_difficulties", "- {{ i.text }} ({{ i.units }}){{ i.end }}")
    control(doc, "{%p endif %}")
    para(doc, "{{ headings.proposals }}", "BC Heading", bold=True)
    loop(doc, "text in proposals", "{{ text }}")
    control(doc, "{%p if agency_issues %}")
    para(doc, "{{ proposals_lead }}")
    loop(doc, "i in agency_issues", "- {{ i.text }} ({{ i.units }}){{ i.end }}")
    control(doc, "{%p endif %}")
    para(doc, "{{ closing }}").paragraph_format.keep_with_next = True


def signature(doc: DocumentObject) -> None:
    """[§3 ô 7, 9b] Borderless table: Nơi nhận (12 bold italic, items 11) | authority, title, space, name."""
    table = doc.add_table(rows=1, cols=2)
    table_props(table, SIGNATURE_COLS, pad=0)
    left, right = table.rows[0].cells
    first_para(left, "Nơi nhận:", "BC Recipients", size=12, bold=True, italic=True)
    loop(left, "c in cc", "- {{ c }}", "BC Recipients")
    first_para(right, "{%p if signer.authority %}", "BC Control")
    para(right, "{{ signer.authority }}", "BC Signature", bold=True)
    control(right, "{%p endif %}")
    para(right, "{{ signer.title }}", "BC Signature", bold=True)
    for _ in range(5):  # about 2.8 cm for the signature and the seal
        para(right, "", "BC Signature")
    para(right, "{{ signer.name }}", "BC Signature", bold=True)


# Appendix ---------------------------------------------------------------------------------------------
def appendix_heading(doc: DocumentObject) -> None:
    """[§6] "Phụ lục" 14 bold, the UPPER title, the italic reference line, a short rule."""
    para(doc, "Phụ lục", "BC Title", bold=True)
    para(doc, "{{ appendix_title }}", "BC Title", bold=True)
    para(doc, "(Kèm theo Báo cáo số      /BC-{{ abbreviation }} {{ date_text }} của {{ issuer_name }})",
         "BC Center", italic=True)
    appendix_rule = rule(doc, 5 * CM, LANDSCAPE_WIDTH).paragraph_format
    appendix_rule.space_before, appendix_rule.space_after = Pt(6), Pt(12)


def appendix_table(doc: DocumentObject) -> None:
    """Rows per unit under Roman-numeral group rows, "Cộng" per group, "TỔNG CỘNG"; header repeated.

    Metric columns come from ``{%tc for %}`` loops, rows from ``{%tr for %}`` loops (linear rendering).
    """
    figures = (CENTER, LEFT, LEFT, RIGHT, LEFT, CENTER, LEFT)
    rows = (
        (("TT", "Tên cơ quan, đơn vị", "{%tc for m in metric_columns %}", "{{ m.header }}", "{%tc endfor %}",
          "Tình trạng", "Ghi chú"), True, (CENTER,) * 7),
        "{%tr for g in appendix_groups %}",
        (("{{ g.roman }}.", "{{ g.label }}", "{%tc for m in metric_columns %}", "", "{%tc endfor %}", "", ""),
         True, (CENTER,) + (LEFT,) * 6),
        "{%tr for u in g.units %}",
        (("{{ u.tt }}", "{{ u.name }}", "{%tc for v in u.figures %}", "{{ v }}", "{%tc endfor %}",
          "{{ u.status }}", "{{ u.note }}"), False, figures),
        "{%tr endfor %}",
        (("", "Cộng", "{%tc for v in g.figures %}", "{{ v }}", "{%tc endfor %}", "{{ g.status }}", ""),
         True, figures),
        "{%tr endfor %}",
        (("", "TỔNG CỘNG", "{%tc for v in appendix_total.figures %}", "{{ v }}", "{%tc endfor %}",
          "{{ appendix_total.status }}", ""), True, figures),
    )
    table = doc.add_table(rows=len(rows), cols=len(APPENDIX_COLS))
    table_props(table, APPENDIX_COLS, borders=True, caption="Phụ lục")
    table.rows[0]._tr.get_or_add_trPr().append(element("w:tblHeader"))
    for index, (row, spec) in enumerate(zip(table.rows, rows, strict=True)):
        if isinstance(spec, str):  # a row that only carries a {%tr %} tag: one merged cell
            first_para(row.cells[0].merge(row.cells[-1]), spec, "BC Control")
            continue
        texts, bold, aligns = spec
        for cell, text, align in zip(row.cells, texts, aligns, strict=True):
            first_para(cell, text, "BC Table", size=10 if index == 0 else 11, bold=bold).alignment = align
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def build() -> DocumentObject:
    doc = Document()
    define_styles(doc)
    page_setup(doc.sections[0])
    page_number_header(doc.sections[0])
    letterhead(doc)
    title_block(doc)
    sections_one_two(doc)
    sections_three_four(doc)
    signature(doc)
    page_setup(doc.add_section(WD_SECTION.NEW_PAGE), landscape=True)
    appendix_heading(doc)
    appendix_table(doc)
    return doc


def reproducible_bytes(doc: DocumentObject) -> bytes:
    """Save with fixed properties and zip timestamps (same code, same bytes), minus the stock thumbnail."""
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.comments = "Báo cáo", "aggregator", "", ""
    props.subject, props.revision, props.language = "Thể thức Nghị định 30/2020/NĐ-CP", 1, "vi-VN"
    props.created = props.modified = FIXED_TIME
    rels = doc.part.package.rels
    for key in [k for k, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        rels.pop(key)
    raw, out = io.BytesIO(), io.BytesIO()
    doc.save(raw)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    out = parser.parse_args(argv).out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(reproducible_bytes(build()))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
