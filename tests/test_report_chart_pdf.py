"""The chart PNG (deterministic, no metadata) and the optional PDF through LibreOffice."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import docx
import pytest

from aggregator.adapters import pdf
from aggregator.adapters.chart import group_chart_png
from aggregator.adapters.docx_report import render_report, template_problems
from aggregator.errors import OutputError
from aggregator.outputs.report_context import build_context
from tests.report_builders import load_campaign, make_consolidation, table_rows

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "report.docx"
needs_soffice = pytest.mark.skipif(pdf.soffice_path() is None, reason="LibreOffice (soffice) not installed")


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at:at + 4])
        chunks.append((png[at + 4:at + 8], png[at + 8:at + 8 + length]))
        at += 12 + length
    return chunks


def _size(png: bytes) -> tuple[int, int]:
    return struct.unpack(">II", _chunks(png)[0][1][:8])


@pytest.mark.parametrize("name", ["nhatrang-2024", "travinh-2024"])
def test_group_chart_png_is_deterministic_without_metadata(name):
    campaign = load_campaign(name)
    result = make_consolidation(campaign)
    first, second = group_chart_png(result), group_chart_png(result)
    assert first == second
    kinds = {kind for kind, _ in _chunks(first)}
    assert not kinds & {b"tEXt", b"iTXt", b"zTXt", b"tIME"}
    width, height = _size(first)
    assert 1200 < width < 1300 and height > 400  # 6.3 in at 200 dpi, taller with more groups


def test_group_chart_png_changes_with_the_figures():
    campaign = load_campaign("nhatrang-2024")
    result = make_consolidation(campaign)
    first = result.groups[0]
    changed = replace(result, groups=(replace(first, reported=first.expected, missing=0), *result.groups[1:]))
    assert group_chart_png(result) != group_chart_png(changed)


def test_group_chart_png_without_groups_is_still_a_png():
    result = replace(make_consolidation(load_campaign("nhatrang-2024")), groups=())
    png = group_chart_png(result)
    assert _chunks(png)[-1][0] == b"IEND"
    assert zlib.decompress(b"".join(data for kind, data in _chunks(png) if kind == b"IDAT"))


def test_convert_to_pdf_explains_a_missing_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    with pytest.raises(OutputError) as caught:
        pdf.convert_to_pdf(tmp_path / "r.docx", tmp_path)
    assert "LibreOffice" in str(caught.value) and "Install" in str(caught.value)


@needs_soffice
def test_convert_to_pdf_nhatrang_draft(tmp_path):
    campaign = load_campaign("nhatrang-2024")
    result = make_consolidation(campaign)
    report = render_report(TEMPLATE, build_context(result, campaign), tmp_path / "bao-cao.docx",
                           chart_png=group_chart_png(result))
    produced = pdf.convert_to_pdf(report, tmp_path / "out")
    data = produced.read_bytes()
    assert produced == tmp_path / "out" / "bao-cao.pdf" and data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) >= 8  # letter and landscape appendix
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["bao-cao.pdf"]  # no profile or temp left


@needs_soffice
def test_convert_to_pdf_reports_a_missing_input(tmp_path):
    with pytest.raises(OutputError, match="no report"):
        pdf.convert_to_pdf(tmp_path / "none.docx", tmp_path)


@needs_soffice
def test_template_saved_again_by_libreoffice_still_renders(tmp_path):
    """Staff editing the template in LibreOffice and saving it as .docx must not break it."""
    saved = pdf._run(pdf.soffice_path(), TEMPLATE, tmp_path, pdf.TIMEOUT_S, "docx:MS Word 2007 XML")
    assert saved.returncode == 0
    (tmp_path / "report.docx").rename(tmp_path / "edited.docx")
    campaign = load_campaign("nhatrang-2024")
    result = make_consolidation(campaign)
    context = build_context(result, campaign)
    assert template_problems(tmp_path / "edited.docx", context) == []
    out = render_report(tmp_path / "edited.docx", context, tmp_path / "r.docx", chart_png=None)
    rows = table_rows(docx.Document(str(out)).tables[-1])
    assert len(rows) == 1 + len(result.units) + 2 * len(result.groups) + 1
