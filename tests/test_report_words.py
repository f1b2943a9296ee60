"""The report's words belong to the campaign file: headings, lead sentences, one sentence per metric, the
office's own paragraphs and a switch for each automatic sentence (issue 7 item 3)."""

from __future__ import annotations

import datetime as dt
import textwrap

import docx
import pytest

from aggregator.adapters.docx_report import render_report
from aggregator.adapters.xlsx import XlsxSource
from aggregator.app.pipeline import compute
from aggregator.campaign import parse
from aggregator.campaign.roster import parse_roster
from aggregator.outputs.report_context import build_context
from tests.conftest import REPO
from tests.report_builders import all_text
from tests.test_new_campaign import CAMPAIGN, ROSTER, write_sheet

WORDS = textwrap.indent(textwrap.dedent("""\
    headings:
      direction: "I. TRIỂN KHAI"
      figures: "2. Số liệu chủ yếu"
      weaknesses: "2. Tồn tại, hạn chế và nguyên nhân"
    sentences:
      results_lead: "Kết quả cụ thể như sau:"
      unknown_metric: "{label}: các đơn vị chưa báo cáo số liệu"
    strengths: ["Các xã chủ động phối hợp với nhà trường."]
    weaknesses: ["Một số đơn vị nhập số liệu chậm."]
    auto: {chart: false, on_time: false, shortcomings: false, participation: false}
    """), "  ")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("words")
    write_sheet(folder)
    text = CAMPAIGN.replace("TEMPLATE", str(REPO / "templates" / "report.docx"))
    text = text.replace('type: money, label: "kinh phí thực hiện"}',
                        'type: money, label: "kinh phí thực hiện", sentence: "Kinh phí thực hiện: {value} đồng"}')
    text = text.replace('type: decimal, label: "giờ sinh hoạt hè"}', 'type: decimal, label: "giờ sinh hoạt hè"}\n'
                        '  - {key: mat, header: "Số cột đã mất", type: count, label: "buổi sinh hoạt"}')
    text = text.replace("  signer:", WORDS + "  signer:")
    campaign = parse(text, origin="c.yaml", base_dir=folder)
    snapshot = XlsxSource(folder / "sheet.xlsx", "Báo cáo").read()
    result = compute(campaign, parse_roster(ROSTER, origin="r"), snapshot,
                     dt.datetime(2025, 6, 15, 8, 0, tzinfo=campaign.tz), None)
    out = render_report(REPO / "templates" / "report.docx", build_context(result, campaign), folder / "r.docx",
                        chart_png=None)
    return all_text(docx.Document(str(out)))


def test_headings_and_lead_sentences_are_the_campaigns(report: str) -> None:
    headings = ("I. TRIỂN KHAI", "2. Số liệu chủ yếu", "2. Tồn tại, hạn chế và nguyên nhân", "Kết quả cụ thể như sau:")
    for text in headings:
        assert text in report
    assert "2. Kết quả thực hiện" not in report  # the default heading is replaced


def test_a_metric_is_written_by_its_own_sentence_and_an_unknown_one_says_so(report: str) -> None:
    assert "Kinh phí thực hiện: 86.300.000 đồng" in report
    assert "Buổi sinh hoạt: các đơn vị chưa báo cáo số liệu" in report  # its column is not in the sheet


def test_the_office_paragraphs_are_printed_and_switched_off_sentences_are_not(report: str) -> None:
    assert "Các xã chủ động phối hợp với nhà trường." in report
    assert "Một số đơn vị nhập số liệu chậm." in report
    assert "đã báo cáo đúng thời hạn" not in report  # auto.on_time off
    assert "Còn 2 cơ quan, đơn vị chưa báo cáo kết quả" not in report  # auto.shortcomings off
    assert "Có 4/6 cơ quan, đơn vị đã báo cáo" not in report  # auto.participation off
    assert "Biểu đồ:" not in report  # auto.chart off
    assert "Thiếu kinh phí (UBND xã Minh Tân, UBND xã Thuận Hòa)" in report  # agency difficulties stay on


@pytest.mark.parametrize(
    ("header", "kind", "value", "expected"),
    [
        ("Diện tích kiểm tra (ha)", "decimal", 1272.5, "Diện tích kiểm tra: 1.272,5 ha"),
        ("Số lượt kiểm tra (lượt)", "count", 1234, "Lượt kiểm tra: 1.234 lượt"),
        ("Kinh phí (VNĐ)", "money", 1_317_100_000, "1.317.100.000 đồng kinh phí"),
        ("Số bài đăng (Facebook, Zalo)", "count", 12, "12 bài đăng (Facebook, Zalo)"),  # no unit: a list
        ("Số cơ sở được kiểm tra", "count", 5, "5 cơ sở được kiểm tra"),
    ],
)
def test_a_default_sentence_puts_the_headers_unit_after_the_figure(header: str, kind: str, value: float,
                                                                    expected: str) -> None:
    from aggregator.campaign import ColumnSettings
    from aggregator.outputs.report_figures import metric_sentence

    assert metric_sentence(ColumnSettings(key="k", header=header, type=kind), value, None) == expected
    own = ColumnSettings(key="k", header=header, type=kind, sentence="{value} {label}")
    assert "(" not in expected or metric_sentence(own, value, None).endswith(")")  # the office's pattern as given


def test_the_late_units_lead_writes_the_deadline_as_letters_do() -> None:
    from aggregator import vnformat

    tz = dt.timezone(dt.timedelta(hours=7))
    assert vnformat.deadline_text(dt.datetime(2025, 5, 25, 23, 59, 59, tzinfo=tz)) == "ngày 25 tháng 5 năm 2025"
    at_five = vnformat.deadline_text(dt.datetime(2025, 5, 25, 17, 0, tzinfo=tz))
    assert at_five == "17 giờ 00 phút, ngày 25 tháng 5 năm 2025"


def test_the_letter_and_the_roster_place_tone_marks_the_traditional_way(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A roster or campaign file typed "Phú Hoà", "thuỷ lợi" reads "Phú Hòa", "thủy lợi" everywhere it is shown."""
    from aggregator.campaign.roster import parse_roster
    from aggregator.outputs.report_text import sanitize

    (unit,) = parse_roster("unit_id,group,name\nU1,g,Phòng Y tế huyện Phú Hoà\n", origin="r.csv")
    assert unit.name == "Phòng Y tế huyện Phú Hòa"
    assert sanitize({"a": ["Ủy ban nhân dân huyện Phú Hoà", "công trình thuỷ lợi, quý"]}) == {
        "a": ["Ủy ban nhân dân huyện Phú Hòa", "công trình thủy lợi, quý"]}


def test_section_iv_is_never_empty(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """No proposals from the office nor from any unit: one plain sentence, not a heading with nothing under it."""
    write_sheet(tmp_path)
    text = CAMPAIGN.replace("TEMPLATE", str(REPO / "templates" / "report.docx"))
    campaign = parse(text, origin="c.yaml", base_dir=tmp_path)
    report = campaign.report.model_copy(update={"auto": campaign.report.auto.model_copy(
        update={"agency_proposals": False}), "proposals": ()})
    campaign = campaign.model_copy(update={"report": report})
    snapshot = XlsxSource(tmp_path / "sheet.xlsx", "Báo cáo").read()
    result = compute(campaign, parse_roster(ROSTER, origin="r"), snapshot,
                     dt.datetime(2025, 6, 15, 8, 0, tzinfo=campaign.tz), None)
    out = render_report(REPO / "templates" / "report.docx", build_context(result, campaign), tmp_path / "r.docx",
                        chart_png=None)
    body = all_text(docx.Document(str(out)))
    heading = body.index("ĐỀ XUẤT, KIẾN NGHỊ")
    assert "Không có đề xuất, kiến nghị." in body[heading:heading + 200]
