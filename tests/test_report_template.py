"""The template file and its preflight: tags staff can edit, problems explained in plain words."""

from __future__ import annotations

import importlib.util
import re
import zipfile
from pathlib import Path

import docx
import pytest

from aggregator.adapters.docx_report import render_report, template_problems
from aggregator.errors import TemplateError

REPO = Path(__file__).resolve().parents[1]
TEMPLATE = REPO / "templates" / "report.docx"
CONTEXT = {"name": "Phòng Y tế", "signer": {"name": "Nguyễn Văn A"}, "items": ["a", "b", "c"]}


def _load_script():
    spec = importlib.util.spec_from_file_location("make_template", REPO / "scripts" / "make_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_template(path: Path, *paragraphs: str, cell: str | None = None) -> Path:
    """A small .docx template: one paragraph (one run) per string, optionally a 1×1 table after them."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if cell is not None:
        document.add_table(rows=1, cols=1).rows[0].cells[0].paragraphs[0].add_run(cell)
        document.add_paragraph("Hết.")
    document.save(str(path))
    return path


def test_make_template_is_reproducible_and_matches_the_committed_file():
    script = _load_script()
    first, second = script.reproducible_bytes(script.build()), script.reproducible_bytes(script.build())
    assert first == second
    assert first == TEMPLATE.read_bytes(), "templates/report.docx is stale: run scripts/make_template.py"


def test_template_tags_each_sit_in_one_run_with_straight_quotes():
    with zipfile.ZipFile(TEMPLATE) as package:
        parts = [package.read(n).decode("utf-8") for n in package.namelist() if n.startswith("word/")
                 and n.endswith(".xml")]
    runs = [t for part in parts for t in re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", part)]
    tagged = [t for t in runs if "{" in t or "}" in t]
    assert len(tagged) > 60
    for text in tagged:
        assert text.count("{{") == text.count("}}") and text.count("{%") == text.count("%}"), text
        assert not set(text) & set("“”‘’"), text


def test_template_has_a_paragraph_style_for_each_role():
    names = {s.name for s in docx.Document(str(TEMPLATE)).styles}
    assert {"Normal", "BC Title", "BC Heading", "BC Subheading", "BC Rule", "BC Signature", "BC Table",
            "BC Recipients"} <= names


def test_template_problems_none_for_a_good_template(tmp_path):
    path = make_template(tmp_path / "ok.docx", "Kính gửi: {{ name }}", "{%p for i in items %}", "- {{ i }}",
                         "{%p endfor %}")
    assert template_problems(path, CONTEXT) == []


def test_template_problems_unclosed_block_names_the_tag_and_paragraph(tmp_path):
    path = make_template(tmp_path / "t.docx", "Mở đầu", "{%p if name %}", "Nội dung {{ name }}", "Kết thúc")
    [problem] = template_problems(path, CONTEXT)
    assert "{% if … %}" in problem and "paragraph 2" in problem and "never closed" in problem
    assert "{%p endif %}" in problem


def test_template_problems_unclosed_variable_tag(tmp_path):
    path = make_template(tmp_path / "t.docx", "Đầu", "Kính gửi: {{ name", "Cuối")
    [problem] = template_problems(path, CONTEXT)
    assert "«{{ name»" in problem and "is not closed" in problem and "«Kính gửi: {{ name»" in problem


def test_template_problems_unknown_variable_suggests_the_close_one(tmp_path):
    path = make_template(tmp_path / "t.docx", "Xin chào", "Đơn vị: {{ nmae }}")
    [problem] = template_problems(path, CONTEXT)
    assert problem.startswith("the tag {{ nmae }} in paragraph 2 of the body («Đơn vị: {{ nmae }}»)")
    assert "'nmae', which the report does not provide" in problem and "Did you mean 'name'?" in problem


def test_template_problems_unknown_attribute_found_by_the_dry_run(tmp_path):
    path = make_template(tmp_path / "t.docx", "Người ký: {{ signer.nmae }}")
    [problem] = template_problems(path, CONTEXT)
    assert "paragraph 1 of the body («Người ký: {{ signer.nmae }}»)" in problem and "nmae" in problem


def test_template_problems_block_cutting_across_a_table(tmp_path):
    path = make_template(tmp_path / "t.docx", "{%p if name %}", "Đoạn", cell="{%p endif %}")
    [problem] = template_problems(path, CONTEXT)
    assert "paragraph 1 of the body («{% if name %}»)" in problem and "{% endif %}" in problem
    assert "different levels" in problem and "same table cell" in problem


def test_template_problems_missing_or_unreadable_file(tmp_path):
    assert "does not exist" in template_problems(tmp_path / "none.docx", CONTEXT)[0]
    (tmp_path / "text.docx").write_text("not a zip", encoding="utf-8")
    assert "not a readable Word document" in template_problems(tmp_path / "text.docx", CONTEXT)[0]


def test_render_report_refuses_a_broken_template_and_keeps_the_previous_report(tmp_path):
    path = make_template(tmp_path / "t.docx", "Đơn vị: {{ nmae }}")
    out = tmp_path / "report.docx"
    out.write_bytes(b"previous")
    with pytest.raises(TemplateError) as caught:
        render_report(path, CONTEXT, out, chart_png=None)
    assert "{{ nmae }}" in str(caught.value) and "Did you mean 'name'?" in str(caught.value)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == sorted(["t.docx", "report.docx"]) or len(
        list(tmp_path.iterdir())) == 2


def test_render_report_resolves_newlines_and_tabs_in_values(tmp_path):
    path = make_template(tmp_path / "t.docx", "{{ name }}", "Khác")
    out = render_report(path, {"name": "Dòng 1\nDòng 2\tcột"}, tmp_path / "r.docx", chart_png=None)
    assert docx.Document(str(out)).paragraphs[0].text == "Dòng 1\nDòng 2\tcột"
