"""The short rules of the letter (NĐ 30 ô 2 and ô 5a): 1/3 to 1/2 of the text above them, whatever the office.

Widths are checked against matplotlib's own reader of the Times metrics (``matplotlib._afm``), a different
path from the one the renderer takes, on the lines as they stand in the rendered .docx.
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path

import docx
import matplotlib
import pytest
from docx.oxml.ns import qn
from hypothesis import given
from hypothesis import strategies as st
from matplotlib._afm import AFM

from aggregator.adapters import docx_rules
from aggregator.adapters.docx_report import render_report
from aggregator.campaign import Campaign
from aggregator.outputs.letter_rules import TextMetrics, afm_widths
from aggregator.outputs.report_context import build_context
from aggregator.outputs.report_text import break_name
from tests.report_builders import load_campaign, make_consolidation

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "report.docx"
FONTS = Path(matplotlib.get_data_path()) / "fonts" / "pdfcorefonts"
CELL_TEXT, PAGE_TEXT = 3827 - 2 * 57, 9355  # the template's letterhead cell and page, between margins (twips)


@functools.cache
def _oracle(bold: bool) -> AFM:
    with open(FONTS / ("Times-Bold.afm" if bold else "Times-Roman.afm"), "rb") as fh:
        return AFM(fh)


def _measured(line: str, size_pt: float, bold: bool = True) -> float:
    """A line's width in twips by matplotlib's reader: marks taken off, đ as d."""
    plain = unicodedata.normalize("NFD", line.replace("Đ", "D").replace("đ", "d"))
    font, quotes = _oracle(bold), {"“": "quotedblleft", "”": "quotedblright"}
    ems = sum(font.get_width_char(ord(c)) if c.isascii() else font.get_width_from_char_name(quotes[c])
              for c in plain if c.isascii() or c in quotes)
    return ems * size_pt * 20 / 1000


def test_the_metrics_are_those_of_the_times_faces() -> None:
    for bold in (True, False):
        read = afm_widths((FONTS / ("Times-Bold.afm" if bold else "Times-Roman.afm")).read_text(encoding="latin-1"))
        oracle = _oracle(bold)
        assert {c: read[c] for c in "AZaz09 -,."} == {c: oracle.get_width_char(ord(c)) for c in "AZaz09 -,."}


def _bold() -> TextMetrics:
    metrics = docx_rules.times(True)
    assert metrics is not None
    return metrics


def test_a_letter_is_as_wide_as_its_base_letter_and_lines_wrap_as_word_wraps_them() -> None:
    bold = _bold()
    assert bold.width("PHÒNG VĂN HÓA", 13) == bold.width("PHONG VAN HOA", 13)
    assert bold.width("ĐỒNG THÁP", 13) == bold.width("DONG THAP", 13)
    assert bold.lines("PHÒNG VĂN HÓA\nVÀ THÔNG TIN", 13, CELL_TEXT) == [
        bold.width("PHÒNG VĂN HÓA", 13), bold.width("VÀ THÔNG TIN", 13)]
    long = bold.lines("ỦY BAN NHÂN DÂN HUYỆN TRẦN VĂN THỜI", 13, CELL_TEXT)  # no break of its own
    assert len(long) == 2 and max(long) <= CELL_TEXT
    assert bold.rule("", 13, CELL_TEXT) is None


@given(st.lists(st.sampled_from(["SỞ", "PHÒNG", "VĂN", "HÓA", "THÔNG", "TIN", "VÀ", "TRUYỀN", "ỦY", "BAN",
                                 "NHÂN", "DÂN", "HUYỆN", "ĐỒNG", "THÁP", "NỘI", "VỤ", "TRUNG", "TÂM"]),
                min_size=1, max_size=14))
def test_a_rule_is_a_third_to_a_half_of_the_longest_line(words: list[str]) -> None:
    text = " ".join(words)
    lines = _bold().lines(text, 13, CELL_TEXT)
    rule = _bold().rule(text, 13, CELL_TEXT)
    assert rule is not None and max(lines) / 3 <= rule <= max(lines) / 2


def _render(campaign: Campaign, out: Path, template: Path = TEMPLATE) -> docx.document.Document:
    path = render_report(template, build_context(make_consolidation(campaign), campaign), out / "r.docx",
                         chart_png=None)
    return docx.Document(str(path))


def _with(campaign: Campaign, **report: str) -> Campaign:
    return campaign.model_copy(update={"report": campaign.report.model_copy(update=report)})


def _rules(document: docx.document.Document) -> list[tuple[list[str], int, int]]:
    """(the lines of the paragraph above, left indent, right indent) of each rule, in order."""
    found = []
    for paragraph in document.element.body.iter(qn("w:p")):
        style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        if style is None or style.get(qn("w:val")) != "BCRule":
            continue
        above = paragraph.getprevious()
        text = "".join("\n" if node.tag == qn("w:br") else node.text or ""
                       for node in above.iter(qn("w:t"), qn("w:br")))
        ind = paragraph.find(f"{qn('w:pPr')}/{qn('w:ind')}")
        found.append((text.split("\n"), int(ind.get(qn("w:left"))), int(ind.get(qn("w:right")))))
    return found


@pytest.mark.parametrize("name, body", [
    ("nhatrang-2024", None),  # the demo's "PHÒNG VĂN HÓA / VÀ THÔNG TIN": the old 2.5 cm rule was over 1/2
    ("travinh-2024", None),  # "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    ("nhatrang-2024", "Phòng Nội vụ"),  # a short name: one line
    ("nhatrang-2024", "Trung tâm Văn hóa, Thông tin và Thể thao thành phố"),  # three lines or more
    ("nhatrang-2024", "Ủy ban nhân dân phường Trần Nguyên Hãn"),  # 22 letters, too wide: one of 8 in the country
])
def test_the_rules_under_the_issuing_body_and_the_summary_fit_them(name: str, body: str | None,
                                                                   tmp_path: Path) -> None:
    campaign = load_campaign(name)
    campaign = _with(campaign, issuing_body=body) if body else campaign
    issuing, motto, summary, appendix = _rules(_render(campaign, tmp_path))
    assert all(_measured(line, 13) <= CELL_TEXT for line in issuing[0])  # the name's lines: none wrapped again
    for (lines, left, right), available, size in ((issuing, CELL_TEXT, 13), (summary, PAGE_TEXT, 14)):
        longest = max(_measured(line, size) for line in _wrapped(lines, size, available))
        assert left == right and longest / 3 <= available - left - right <= longest / 2
    # the Tiêu ngữ's rule is as long as its line, the appendix's a fixed short rule: as the template has them
    template = _rules(docx.Document(str(TEMPLATE)))
    assert motto[1:] == template[1][1:] and appendix[1:] == template[3][1:]


def _wrapped(lines: list[str], size: float, available: int) -> list[str]:
    """Lines wrapped at spaces within ``available``, measured by the oracle."""
    out = []
    for line in lines:
        current = ""
        for word in line.split():
            joined = f"{current} {word}" if current else word
            if current and _measured(joined, size) > available:
                out.append(current)
                current = word
            else:
                current = joined
        out.append(current)
    return out


def test_without_the_font_metrics_the_rules_keep_the_templates_lengths(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(matplotlib, "get_data_path", lambda: str(tmp_path))  # a matplotlib without its fonts
    docx_rules.times.cache_clear()
    try:
        rendered = _rules(_render(load_campaign("nhatrang-2024"), tmp_path))
    finally:
        docx_rules.times.cache_clear()
    assert [rule[1:] for rule in rendered] == [rule[1:] for rule in _rules(docx.Document(str(TEMPLATE)))]
    assert "the Times font metrics are missing" in caplog.text


def test_a_cell_whose_width_is_not_in_twips_keeps_the_templates_rule(tmp_path: Path) -> None:
    """A template edited so that the letterhead's cells are sized in percent (or "auto"): nothing to measure
    against, so the rule under the issuing body stays as the template has it; the trích yếu's is still fitted."""
    document = docx.Document(str(TEMPLATE))
    for width in document.tables[0]._tbl.iter(qn("w:tcW")):
        width.set(qn("w:type"), "pct")
        width.set(qn("w:w"), "2500")
    edited = tmp_path / "edited.docx"
    document.save(str(edited))
    rendered = _rules(_render(load_campaign("nhatrang-2024"), tmp_path, edited))
    template = _rules(docx.Document(str(edited)))
    assert rendered[0][1:] == template[0][1:] and rendered[2][1:] != template[2][1:]


ROSTERS = Path(__file__).resolve().parent / "redteam" / "data"


@pytest.mark.parametrize("roster", ["ca-mau.roster-official.csv", "dong-thap.roster-official.csv"])
def test_every_peoples_committee_of_two_other_provinces_gets_a_letterhead_that_fits(roster: str) -> None:
    """Names from the official list (rosters built from it, tests/redteam): "ỦY BAN NHÂN DÂN XÃ …" broken by
    measured width fits the letterhead's cell line by line, and its rule is 1/3 to 1/2 of its longest line."""
    bold = _bold()
    names = [row.split(",")[2] for row in (ROSTERS / roster).read_text(encoding="utf-8").splitlines()[1:]]
    for name in names:
        body = ("Ủy ban nhân dân " + name if not name.startswith("Ủy ban") else name).upper()
        lines = break_name(body, CELL_TEXT, lambda line: bold.width(line, 13)).split("\n")
        widths = [_measured(line, 13) for line in lines]
        rule = bold.rule("\n".join(lines), 13, CELL_TEXT)
        assert max(widths) <= CELL_TEXT and rule is not None and max(widths) / 3 <= rule <= max(widths) / 2, body


def test_every_peoples_committee_in_the_country_gets_a_letterhead_that_fits() -> None:
    """The same over every province, district and commune of the official list (where ../shared is)."""
    from tests.redteam.admin import ADMIN_LIST, load_provinces, units_of

    if not ADMIN_LIST.exists():
        pytest.skip("the official list of administrative units (../shared/data) is not here")
    bold = _bold()
    for province in load_provinces().values():
        for place in (province, *units_of(province)):
            body = f"ỦY BAN NHÂN DÂN {place.official}".upper()
            lines = break_name(body, CELL_TEXT, lambda line: bold.width(line, 13)).split("\n")
            assert max(_measured(line, 13) for line in lines) <= CELL_TEXT, body
