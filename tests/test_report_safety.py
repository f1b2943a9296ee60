"""Hostile agency text cannot corrupt the report; outputs are replaced atomically."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from pathlib import Path

import docx
import pytest

from aggregator.adapters.chart import group_chart_png
from aggregator.adapters.docx_report import render_report
from aggregator.errors import OutputError
from aggregator.models import Problem, UnitStatus
from aggregator.outputs.report_context import build_context
from tests.report_builders import all_text, load_campaign, make_consolidation, table_rows, with_units

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "report.docx"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
XML_SPECIALS = "Phòng <Y tế> & \"Dân số\" 'KHHGĐ' ]]> <!-- x --> &amp; </w:t></w:r>"
CONTROLS = "Trường\x00 Tiểu\x01học\x07 Vĩnh\x08\x0b\x0c\x1f Hải\x1e B"
EMOJI = "Đội 📣 tuyên truyền 👨\u200d👩\u200d👧 🇻🇳 ✅"
NFD = unicodedata.normalize("NFD", "Ủy ban nhân dân phường Vĩnh Hòa mới")
JINJA = "Đơn vị {{ issuer_name }} {% if x %} {# y #} {%p endif %}"
LONG = ("Khó khăn " + "thiếu kinh phí & <tài liệu> “in ấn” " * 400)[:10_000].rstrip(" ,.") + " cuối"
HOSTILE = (XML_SPECIALS, CONTROLS, EMOJI, NFD, JINJA, LONG)


def _expected(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", CONTROL.sub("", text)).split())


def _hostile_result(campaign):
    result = make_consolidation(campaign)
    units = list(result.units)
    for index, text in enumerate(HOSTILE):
        units[index] = replace(units[index], name=text, status=UnitStatus.REPORTED, row=2 + index)
        problem = Problem(12 + index, campaign.metric_columns[0].header, text, text)
        units[10 + index] = replace(units[10 + index], status=UnitStatus.REPORTED, row=12 + index,
                                    texts={"issues_raised": text}, notes=(text,), problems=(problem,))
    return with_units(result, units, campaign)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    campaign = load_campaign("nhatrang-2024")
    report = campaign.report.model_copy(update={
        "issuer_name": "Phòng \"VH&TT\" <Nha Trang> \x0b",
        "direction": (XML_SPECIALS, "Dòng 1\nDòng 2\tcột", EMOJI),
        "proposals": (LONG,),
        "recipients": ("Sở <A> & B", NFD),
    })
    campaign = campaign.model_copy(update={"report": report})
    result = _hostile_result(campaign)
    out = tmp_path_factory.mktemp("hostile") / "report.docx"
    render_report(TEMPLATE, build_context(result, campaign), out, chart_png=group_chart_png(result))
    return out


def test_hostile_text_still_opens_and_round_trips(hostile):
    doc = docx.Document(str(hostile))
    text = " ".join(all_text(doc).split())
    for sample in HOSTILE:
        assert _expected(sample) in text, sample[:40]
    assert 'Phòng "VH&TT" <Nha Trang>' in text
    assert "{{ issuer_name }} {% if x %}" in text  # agency text is never evaluated as a tag
    assert unicodedata.is_normalized("NFC", all_text(doc))
    assert not CONTROL.search(all_text(doc))


def test_hostile_newlines_and_tabs_in_settings_become_breaks(hostile):
    paragraphs = [p.text for p in docx.Document(str(hostile)).paragraphs]
    assert "Dòng 1\nDòng 2\tcột" in paragraphs


def test_hostile_recipients_are_listed_one_per_line(hostile):
    paragraphs = [p.text for p in docx.Document(str(hostile)).paragraphs]
    start = paragraphs.index("Kính gửi:")
    assert paragraphs[start + 1: start + 3] == ["- Sở <A> & B;", f"- {unicodedata.normalize('NFC', NFD)}."]


def test_hostile_long_cell_kept_whole_in_the_appendix(hostile):
    rows = table_rows(docx.Document(str(hostile)).tables[-1])
    assert _expected(LONG) in [" ".join(row[1].split()) for row in rows]


def test_render_report_replaces_the_previous_file_atomically(tmp_path):
    campaign = load_campaign("nhatrang-2024")
    result = make_consolidation(campaign)
    out = tmp_path / "bao-cao.docx"
    out.write_bytes(b"old report")
    render_report(TEMPLATE, build_context(result, campaign), out, chart_png=None)
    assert docx.Document(str(out)).tables
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.docx"]  # no temporary file left behind


def test_render_report_output_error_when_the_folder_cannot_be_made(tmp_path):
    campaign = load_campaign("nhatrang-2024")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        render_report(TEMPLATE, build_context(make_consolidation(campaign), campaign), blocker / "r.docx",
                      chart_png=None)
    assert str(blocker) in str(caught.value) and "writable" in str(caught.value)


def test_render_report_same_context_gives_the_same_bytes(tmp_path):
    campaign = load_campaign("travinh-2024")
    result = make_consolidation(campaign)
    context, chart = build_context(result, campaign), group_chart_png(result)
    first = render_report(TEMPLATE, context, tmp_path / "a.docx", chart_png=chart).read_bytes()
    assert render_report(TEMPLATE, context, tmp_path / "b.docx", chart_png=chart).read_bytes() == first
