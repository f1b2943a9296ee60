"""The rendered report, read back with python-docx: NĐ 30 layout, letterhead, figures, appendix."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from aggregator.adapters.chart import group_chart_png
from aggregator.adapters.docx_report import render_report, template_problems
from aggregator.models import UnitStatus
from aggregator.outputs.report_context import build_context
from aggregator.outputs.status import status_document
from tests.report_builders import (
    all_text,
    body_paragraphs,
    load_campaign,
    make_consolidation,
    table_rows,
)

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "report.docx"
FONT_SLOTS = ("ascii", "hAnsi", "cs", "eastAsia")


def _render(name: str, out: Path, *, chart: bool = True, final: bool = False):
    campaign = load_campaign(name)
    result = make_consolidation(campaign)
    path = render_report(TEMPLATE, build_context(result, campaign, final=final), out / f"{name}.docx",
                         chart_png=group_chart_png(result) if chart else None)
    return campaign, result, docx.Document(str(path))


@pytest.fixture(scope="module")
def nhatrang(tmp_path_factory):
    return _render("nhatrang-2024", tmp_path_factory.mktemp("nt"))


@pytest.fixture(scope="module")
def travinh(tmp_path_factory):
    return _render("travinh-2024", tmp_path_factory.mktemp("tv"))


def test_render_page_setup_is_a4_portrait_with_nd30_margins(nhatrang):
    first = nhatrang[2].sections[0]
    assert (round(first.page_width.mm), round(first.page_height.mm)) == (210, 297)
    margins = (first.top_margin, first.bottom_margin, first.left_margin, first.right_margin)
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]
    assert first.different_first_page_header_footer


def test_render_appendix_is_a_landscape_section_numbered_from_one(nhatrang):
    appendix = nhatrang[2].sections[-1]
    assert len(nhatrang[2].sections) == 2
    assert appendix.page_width > appendix.page_height
    assert appendix._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert appendix.different_first_page_header_footer


def test_render_page_number_in_header_from_page_two(nhatrang):
    section = nhatrang[2].sections[0]
    fields = section.header._element.xpath(".//w:fldSimple/@w:instr | .//w:instrText/text()")
    assert [f.strip() for f in fields] == ["PAGE"]
    assert section.header.paragraphs[0].alignment == 1  # centred
    assert all(not p.text for p in section.first_page_header.paragraphs)


def test_render_uses_times_new_roman_in_every_font_slot(nhatrang):
    doc = nhatrang[2]
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    fonts = [defaults.find(qn("w:rFonts"))]
    fonts += [s.element.rPr.rFonts for s in doc.styles if s.type == 1 and s.element.rPr is not None]
    fonts += doc.element.body.xpath(".//w:r/w:rPr/w:rFonts")
    assert len(fonts) > 100
    for node in fonts:
        assert all(node.get(qn(f"w:{slot}")) == "Times New Roman" for slot in FONT_SLOTS)
        assert not [a for a in node.attrib if "heme" in a]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    colours = {c.get(qn("w:val")) for c in doc.element.body.xpath(".//w:color")}
    assert colours <= {"000000"}


def test_render_body_text_is_justified_14pt_with_first_line_indent(nhatrang):
    normal = nhatrang[2].styles["Normal"]
    fmt = normal.paragraph_format
    assert normal.font.size.pt == 14 and fmt.alignment == 3  # justify
    assert round(fmt.first_line_indent.cm, 2) == 1.27
    assert fmt.space_after.pt >= 6 and 1.0 <= fmt.line_spacing <= 1.5


def test_render_letterhead_nhatrang(nhatrang):
    rows = table_rows(nhatrang[2].tables[0])
    assert rows[0][0] == "UBND THÀNH PHỐ NHA TRANGPHÒNG VĂN HÓAVÀ THÔNG TIN"
    assert rows[0][1] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAMĐộc lập - Tự do - Hạnh phúc"
    assert rows[1] == ["Số:      /BC-VHTT", "Nha Trang, ngày      tháng      năm 2024"]
    tbl = nhatrang[2].tables[0]._tbl
    assert [c.get(qn("w:w")) for c in tbl.find(qn("w:tblGrid"))] == ["3827", "5670"]
    assert tbl.tblPr.find(qn("w:tblInd")).get(qn("w:w")) == "-198"
    assert {b.get(qn("w:val")) for b in tbl.tblPr.find(qn("w:tblBorders"))} == {"nil"}


def test_render_letterhead_rules_are_bordered_paragraphs_not_underlines(nhatrang):
    tbl = nhatrang[2].tables[0]._tbl
    assert len(tbl.xpath(".//w:pPr/w:pBdr/w:bottom")) == 2
    assert not nhatrang[2].element.body.xpath(".//w:rPr/w:u")


def test_render_letterhead_and_signer_travinh(travinh):
    doc = travinh[2]
    rows = table_rows(doc.tables[0])
    assert rows[0][0] == "UBND TỈNH TRÀ VINHSỞ THÔNG TINVÀ TRUYỀN THÔNG"
    assert rows[1] == ["Số:      /BC-STTTT", "Trà Vinh, ngày      tháng      năm 2024"]
    signer = [p.text for p in doc.tables[1].rows[0].cells[1].paragraphs if p.text]
    assert signer == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn B"]
    assert "Kính gửi: Cục An toàn thông tin - Bộ Thông tin và Truyền thông" in body_paragraphs(doc)


def test_render_final_edition_fills_the_date(tmp_path):
    doc = _render("nhatrang-2024", tmp_path, chart=False, final=True)[2]
    assert table_rows(doc.tables[0])[1] == ["Số:      /BC-VHTT", "Nha Trang, ngày 11 tháng 11 năm 2024"]


def test_render_title_recipient_and_closing(nhatrang):
    campaign, _, doc = nhatrang
    paragraphs = body_paragraphs(doc)
    start = paragraphs.index("BÁO CÁO")
    assert paragraphs[start + 1] == campaign.report.summary
    assert "Kính gửi: Sở Thông tin và Truyền thông tỉnh Khánh Hòa" in paragraphs
    closing = [p for p in paragraphs if p.startswith("Trên đây là báo cáo")]
    assert closing and closing[0].endswith("của Phòng Văn hóa và Thông tin thành phố Nha Trang./.")
    headings = [p for p in paragraphs if p[:3] in ("I. ", "II.", "III", "IV.")]
    assert headings == ["I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI", "II. KẾT QUẢ THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG",
                        "IV. ĐỀ XUẤT, KIẾN NGHỊ"]
    assert "(Số liệu tính đến 08 giờ 00 phút, ngày 11 tháng 11 năm 2024)" in paragraphs


def test_render_signature_block(nhatrang):
    left, right = nhatrang[2].tables[1].rows[0].cells
    assert [p.text for p in left.paragraphs] == ["Nơi nhận:", "- Như trên;", "- UBND thành phố (để b/c);",
                                                 "- Lưu: VT, VHTT."]
    label = left.paragraphs[0].runs[0].font
    assert (label.bold, label.italic, label.size.pt) == (True, True, 12)
    assert left.paragraphs[1].runs[0].font.size.pt == 11
    texts = [p.text for p in right.paragraphs]
    assert [t for t in texts if t] == ["KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG", "Nguyễn Văn A"]
    assert texts.index("Nguyễn Văn A") - texts.index("PHÓ TRƯỞNG PHÒNG") >= 4  # room for the signature
    assert all(p.runs[0].font.bold for p in right.paragraphs if p.text)


def test_render_figures_equal_status_json(nhatrang):
    campaign, result, doc = nhatrang
    status = status_document(result, {})
    text = "\n".join(body_paragraphs(doc))
    t = status["totals"]
    assert f"Có {t['units_reported']}/{t['units_expected']} cơ quan, đơn vị đã báo cáo (đạt " in text
    for group in status["groups"]:
        line = f"- {group['label']}: {group['reported']}/{group['expected']} cơ quan, đơn vị đã báo cáo"
        assert line in text
    for column in campaign.metric_columns:
        value = f"{status['metrics'][column.key]:,}".replace(",", ".")
        assert f"- {value} {column.label}" in text
    assert "(chi tiết tại Phụ lục kèm theo)" in text


def test_render_names_every_unit_that_did_not_report(nhatrang):
    _, result, doc = nhatrang
    text = "\n".join(body_paragraphs(doc))
    missing = [u.name for u in result.units if u.status is UnitStatus.MISSING]
    assert len(missing) == result.totals.units_missing > 0
    assert all(name in text for name in missing)


def test_render_inserts_the_chart_only_when_given(nhatrang, tmp_path):
    assert len(nhatrang[2].inline_shapes) == 1
    assert round(nhatrang[2].inline_shapes[0].width.cm) == 15
    doc = _render("nhatrang-2024", tmp_path, chart=False)[2]
    assert len(doc.inline_shapes) == 0
    assert not [p for p in body_paragraphs(doc) if p.startswith("Biểu đồ")]


def _check_appendix(campaign, result, doc) -> None:
    rows = table_rows(doc.tables[-1])
    n_metrics = len(campaign.metric_columns)
    assert len(rows) == 1 + len(result.units) + 2 * len(result.groups) + 1
    assert rows[0][0] == "TT" and rows[0][-2:] == ["Tình trạng", "Ghi chú"] and len(rows[0]) == n_metrics + 4
    keys = [c.key for c in campaign.metric_columns]
    position = 1
    for roman, group in zip(("I.", "II.", "III.", "IV.", "V.", "VI."), result.groups, strict=False):
        assert rows[position][:2] == [roman, group.label]
        units = rows[position + 1: position + 1 + group.expected]
        subtotal = rows[position + 1 + group.expected]
        assert subtotal[1] == "Cộng"
        for k, key in enumerate(keys):
            column = [int(r[2 + k].replace(".", "")) for r in units if r[2 + k]]
            assert int(subtotal[2 + k].replace(".", "")) == sum(column) == group.metrics[key]
        assert subtotal[-2] == f"{group.reported}/{group.expected} đã báo cáo"
        position += group.expected + 2
    total = rows[-1]
    assert total[1] == "TỔNG CỘNG"
    assert [int(v.replace(".", "")) for v in total[2:-2]] == [result.metrics[k] for k in keys]
    statuses = [r[-2] for r in rows if r[0].isdigit()]
    assert statuses.count("Chưa báo cáo") == result.totals.units_missing
    assert statuses.count("Báo cáo muộn") == result.totals.units_late


def test_render_appendix_rows_groups_subtotals_and_total_nhatrang(nhatrang):
    _check_appendix(*nhatrang)


def test_render_appendix_rows_groups_subtotals_and_total_travinh(travinh):
    _check_appendix(*travinh)


def test_render_appendix_header_repeats_rows_never_split_and_widths_fit(travinh):
    tbl = travinh[2].tables[-1]._tbl
    rows = tbl.findall(qn("w:tr"))
    assert rows[0].find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert all(r.find(qn("w:trPr")).find(qn("w:cantSplit")) is not None for r in rows)
    grid = [int(c.get(qn("w:w"))) for c in tbl.find(qn("w:tblGrid"))]
    assert len(grid) == len(rows[0].findall(qn("w:tc"))) == 12
    assert abs(sum(grid) - (297 - 45) / 25.4 * 1440) < 20  # the landscape text width
    widths = [int(tc.find(qn("w:tcPr")).find(qn("w:tcW")).get(qn("w:w")))
              for tc in rows[-1].findall(qn("w:tc"))]
    assert widths == grid
    sms = rows[-1].findall(qn("w:tc"))[2 + 6]  # the 1.xxx.xxx SMS total gets the widest metric column
    assert int(sms.find(qn("w:tcPr")).find(qn("w:tcW")).get(qn("w:w"))) == max(grid[2:-2])


def test_render_appendix_heading(nhatrang):
    paragraphs = body_paragraphs(nhatrang[2])
    start = paragraphs.index("Phụ lục")
    assert paragraphs[start + 1].startswith("BẢNG TỔNG HỢP KẾT QUẢ TRIỂN KHAI CHIẾN DỊCH TUYÊN TRUYỀN")
    assert paragraphs[start + 2] == ("(Kèm theo Báo cáo số      /BC-VHTT ngày      tháng      năm 2024 của "
                                     "Phòng Văn hóa và Thông tin thành phố Nha Trang)")


def test_render_output_is_nfc_and_has_no_leftover_tags(nhatrang, travinh):
    for doc in (nhatrang[2], travinh[2]):
        text = all_text(doc)
        assert unicodedata.is_normalized("NFC", text)
        assert "{{" not in text and "{%" not in text and "}}" not in text


def test_template_passes_the_preflight_for_both_campaigns(nhatrang, travinh):
    for campaign, result, _ in (nhatrang, travinh):
        assert template_problems(TEMPLATE, build_context(result, campaign)) == []
