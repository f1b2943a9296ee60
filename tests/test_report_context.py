"""build_context: Consolidation + Campaign → template context. Pure, no .docx involved."""

from __future__ import annotations

import ast
import datetime as dt
import json
import unicodedata
from dataclasses import replace
from itertools import combinations, pairwise
from pathlib import Path

import pytest

from aggregator.models import UnitStatus
from aggregator.outputs.report_context import (
    agency_issues,
    break_name,
    build_context,
    clean_text,
    fold,
    is_empty_answer,
    sanitize,
)
from aggregator.outputs.report_text import NAME_WIDTH
from tests.report_builders import load_campaign, make_consolidation, with_units

MODULE = Path(__file__).resolve().parents[1] / "aggregator" / "outputs" / "report_context.py"


@pytest.fixture(scope="module")
def nhatrang():
    campaign = load_campaign("nhatrang-2024")
    return campaign, make_consolidation(campaign)


def test_build_context_participation_equals_the_consolidation(nhatrang):
    campaign, result = nhatrang
    ctx = build_context(result, campaign)
    t = result.totals
    assert ctx["totals"] == {"expected": t.units_expected, "reported": t.units_reported, "late": t.units_late,
                             "missing": t.units_missing, "percent": ctx["totals"]["percent"]}
    expected = f"{t.units_reported}/{t.units_expected} cơ quan, đơn vị đã báo cáo (đạt "
    assert expected in ctx["participation_text"]
    for line, group in zip(ctx["groups"], result.groups, strict=True):
        assert line["text"].startswith(f"{group.label}: {group.reported}/{group.expected} cơ quan, đơn vị")
    assert [g["end"] for g in ctx["groups"]] == [";"] * (len(result.groups) - 1) + ["."]


def test_build_context_metrics_use_campaign_labels_and_vietnamese_numbers(nhatrang):
    campaign, result = nhatrang
    ctx = build_context(result, campaign)
    assert [m["key"] for m in ctx["metrics"]] == [c.key for c in campaign.metric_columns]
    officials = ctx["metrics"][0]
    assert officials["label"] == "lượt cán bộ, công chức, viên chức, người lao động được tuyên truyền"
    assert officials["raw"] == result.metrics["officials"]
    assert officials["value"] == f"{result.metrics['officials']:,}".replace(",", ".")


def test_build_context_draft_leaves_day_blank_and_final_fills_the_date(nhatrang):
    campaign, result = nhatrang
    assert build_context(result, campaign)["date_text"] == "ngày      tháng      năm 2024"
    final = build_context(replace(result, generated_at=dt.datetime(2024, 11, 5, 9, 30, tzinfo=campaign.tz)),
                          campaign, final=True)
    assert final["date_text"] == "ngày 05 tháng 11 năm 2024"
    assert final["cutoff"] == "Số liệu tính đến 09 giờ 30 phút, ngày 05 tháng 11 năm 2024"


def test_build_context_cutoff_is_in_the_campaign_timezone(nhatrang):
    campaign, result = nhatrang
    utc = dt.datetime(2024, 11, 11, 1, 0, tzinfo=dt.UTC)
    assert build_context(replace(result, generated_at=utc), campaign)["cutoff"] == (
        "Số liệu tính đến 08 giờ 00 phút, ngày 11 tháng 11 năm 2024")


def test_build_context_opening_cites_the_chain_of_letters_in_order_but_not_the_office_own(nhatrang):
    campaign, result = nhatrang
    opening = build_context(result, campaign)["opening"]
    assert opening.startswith("Thực hiện Công văn số 4322/BTTTT-CATTT ngày 13/10/2024 của Bộ Thông tin và "
                              "Truyền thông về việc triển khai Chiến dịch")
    assert "; Công văn số 3506/STTTT-CNTTBCVT ngày 25/10/2024 của Sở Thông tin và Truyền thông tỉnh Khánh Hòa" in (
        opening)
    assert "2242/VHTT" not in opening  # the office does not "implement" its own letter
    assert opening.endswith(", Phòng Văn hóa và Thông tin thành phố Nha Trang báo cáo kết quả như sau:")


def test_build_context_names_every_missing_and_late_unit_by_group(nhatrang):
    campaign, result = nhatrang
    ctx = build_context(result, campaign)
    listed = " ".join(g["names"] for g in ctx["missing_groups"])
    missing = [u.name for u in result.units if u.status is UnitStatus.MISSING]
    assert missing and all(name in listed for name in missing)
    assert sum(g["count"] for g in ctx["missing_groups"]) == result.totals.units_missing
    assert sum(g["count"] for g in ctx["late_groups"]) == result.totals.units_late


def test_build_context_letterhead_and_signer_for_travinh():
    campaign = load_campaign("travinh-2024")
    ctx = build_context(make_consolidation(campaign), campaign)
    assert ctx["parent_body"] == "UBND TỈNH TRÀ VINH"
    assert ctx["issuing_body"] == "SỞ THÔNG TIN\nVÀ TRUYỀN THÔNG"
    assert ctx["recipient_single"] == "Cục An toàn thông tin - Bộ Thông tin và Truyền thông"
    assert ctx["signer"] == {"authority": "KT. GIÁM ĐỐC", "title": "PHÓ GIÁM ĐỐC", "name": "Trần Văn B"}
    assert len(ctx["metric_columns"]) == len(campaign.metric_columns) == 8


def test_build_context_several_recipients_become_dash_lines(nhatrang):
    campaign, result = nhatrang
    report = campaign.report.model_copy(update={"recipients": ("Sở A", "UBND thành phố;", "Sở C.")})
    ctx = build_context(result, campaign.model_copy(update={"report": report}))
    assert ctx["recipient_single"] == ""
    assert [(r["text"], r["end"]) for r in ctx["recipients"]] == [("Sở A", ";"), ("UBND thành phố", ";"),
                                                                  ("Sở C", ".")]


def test_build_context_appendix_has_every_unit_and_the_group_sums(nhatrang):
    campaign, result = nhatrang
    ctx = build_context(result, campaign)
    groups = ctx["appendix_groups"]
    assert [g["roman"] for g in groups] == ["I", "II", "III", "IV", "V"]
    assert sum(len(g["units"]) for g in groups) == len(result.units)
    for group, summary in zip(groups, result.groups, strict=True):
        figures = [f"{summary.metrics[c.key]:,}".replace(",", ".") for c in campaign.metric_columns]
        assert group["figures"] == figures
        assert [u["tt"] for u in group["units"]] == [str(i) for i in range(1, summary.expected + 1)]
    statuses = {u["status"] for g in groups for u in g["units"]}
    assert statuses == {"Đã báo cáo", "Báo cáo muộn", "Chưa báo cáo"}


def test_build_context_is_plain_json_data(nhatrang):
    campaign, result = nhatrang
    assert json.loads(json.dumps(build_context(result, campaign)))


def test_agency_issues_dedupes_ignoring_case_spaces_and_diacritics(nhatrang):
    result = nhatrang[1]
    units = list(result.units[:4])
    texts = ["Thiếu kinh phí in tờ rơi.", "thiếu  KINH PHÍ in tờ rơi",
             "Thieu kinh phi in to roi;\nCần tập huấn", "Không có khó khăn"]
    units = [replace(u, status=UnitStatus.REPORTED, texts={"issues_raised": t}) for u, t in zip(units, texts,
                                                                                            strict=True)]
    issues = agency_issues(units, ["issues_raised"])
    assert [i["text"] for i in issues] == ["Thiếu kinh phí in tờ rơi", "Cần tập huấn"]
    assert issues[0]["units"] == ", ".join(u.name for u in units[:3])
    assert issues[1]["units"] == units[2].name
    assert [i["end"] for i in issues] == [";", "."]


def test_agency_issues_name_three_units_and_count_the_others(nhatrang):
    result = nhatrang[1]
    units = [replace(u, status=UnitStatus.REPORTED, texts={"issues_raised": "Đề nghị cấp tài liệu"})
             for u in result.units[:7]]
    assert agency_issues(units, ["issues_raised"])[0]["units"].endswith("và 4 cơ quan, đơn vị khác")


def test_agency_issues_ignore_units_that_did_not_report(nhatrang):
    result = nhatrang[1]
    units = [replace(result.units[0], status=UnitStatus.MISSING, texts={"issues_raised": "Đề nghị X"})]
    assert agency_issues(units, ["issues_raised"]) == []


@pytest.mark.parametrize("text", ["Không", "không có", "Không có khó khăn", "-", "0", "", "  ",
                                  "Không có ý kiến.", "KHÔNG CÓ KHÓ KHĂN, VƯỚNG MẮC", "Chưa có", "ko", "N/A",
                                  "nan"])
def test_is_empty_answer_drops_answers_that_say_nothing(text):
    assert is_empty_answer(text)


@pytest.mark.parametrize("text", ["Khó khăn: thiếu kinh phí", "Không có tài liệu tiếng dân tộc",
                                  "Đề nghị tập huấn"])
def test_is_empty_answer_keeps_real_content(text):
    assert not is_empty_answer(text)


def test_fold_ignores_case_diacritics_tone_placement_and_punctuation():
    assert fold("Hòa  Khánh, HOÀ!") == fold("hoa khanh hoa") == "hoa khanh hoa"
    assert fold("Đề nghị") == "de nghi"


def test_break_name_prefers_a_break_before_va():
    assert break_name("PHÒNG VĂN HÓA VÀ THÔNG TIN") == "PHÒNG VĂN HÓA\nVÀ THÔNG TIN"
    assert break_name("PHÒNG Y TẾ") == "PHÒNG Y TẾ"
    assert "\n" in break_name("TRUNG TÂM VĂN HÓA THỂ THAO THÀNH PHỐ")


@pytest.mark.parametrize("name", [
    "TRUNG TÂM VĂN HÓA, THÔNG TIN VÀ THỂ THAO THÀNH PHỐ",
    "BAN QUẢN LÝ DỰ ÁN ĐẦU TƯ XÂY DỰNG CÔNG TRÌNH DÂN DỤNG VÀ CÔNG NGHIỆP",
    "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG",
    "ỦY BAN NHÂN DÂN THÀNH PHỐ NHA TRANG",
])
def test_break_name_a_long_name_takes_as_many_lines_as_fit_the_column(name: str) -> None:
    """Two lines that each overflow the column were wrapped again by Word ("… VĂN HÓA," / "THÔNG" / "TIN VÀ …")."""
    lines = break_name(name).split("\n")
    assert " ".join(lines) == name and all(len(line) <= NAME_WIDTH for line in lines)
    words = name.split()
    for fewer in range(1, len(lines)):  # no split into fewer lines fits
        for cut in combinations(range(1, len(words)), fewer - 1):
            bounds = [0, *cut, len(words)]
            assert max(len(" ".join(words[a:b])) for a, b in pairwise(bounds)) > NAME_WIDTH
    if name.startswith("TRUNG TÂM"):  # after the comma, before "VÀ": where a reader expects the breaks
        assert lines == ["TRUNG TÂM VĂN HÓA,", "THÔNG TIN", "VÀ THỂ THAO THÀNH PHỐ"]


def test_break_name_a_name_pasted_many_times_over_is_filled_line_by_line() -> None:
    """Trying every way to cut 60 words into lines would never end: such a name is filled as Word fills it."""
    name = " ".join(["PHÒNG VĂN HÓA VÀ THÔNG TIN"] * 12)
    lines = break_name(name).split("\n")
    assert " ".join(lines) == name and all(len(line) <= NAME_WIDTH for line in lines)
    assert all(len(f"{line} {after.split()[0]}") > NAME_WIDTH for line, after in pairwise(lines))


def test_sanitize_strips_xml_illegal_characters_and_normalises_to_nfc():
    nfd = unicodedata.normalize("NFD", "Phường Vĩnh Hải")
    dirty = {"a": [f"x\x00y\x07z\x0b\x1f{nfd}\u200b\ufeff", ("A & B\r\n",)], "n": 3, "b": None}
    clean = sanitize(dirty)
    assert clean == {"a": ["xyzPhường Vĩnh Hải", ["A & B\n"]], "n": 3, "b": None}
    assert unicodedata.is_normalized("NFC", clean["a"][0])
    assert clean_text("tab\tand\nnewline stay") == "tab\tand\nnewline stay"


def test_build_context_with_no_missing_unit_says_all_reported(nhatrang):
    campaign, result = nhatrang
    units = [replace(u, status=UnitStatus.REPORTED, row=2, metrics=dict.fromkeys(u.metrics, 1))
             for u in result.units]
    ctx = build_context(with_units(result, units, campaign), campaign)
    assert ctx["missing_groups"] == [] and ctx["late_groups"] == []
    assert "còn" not in ctx["participation_text"]


def test_report_context_imports_no_document_library():
    tree = ast.parse(MODULE.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"docx", "docxtpl", "jinja2", "lxml", "matplotlib"}


def test_build_context_appendix_note_for_a_late_unit(nhatrang):
    campaign, result = nhatrang
    late = next(u for u in result.units if u.status is UnitStatus.LATE)
    midnight = dt.datetime(2024, 11, 12, tzinfo=campaign.tz)
    timed = dt.datetime(2024, 11, 12, 9, 5, tzinfo=campaign.tz)
    notes = []
    for moment in (midnight, timed):
        changed = replace(late, submitted_at=moment, problems=(), notes=(), superseded_rows=())
        units = [changed if u is late else u for u in result.units]
        ctx = build_context(replace(result, units=tuple(units)), campaign)
        notes += [u["note"] for g in ctx["appendix_groups"] for u in g["units"] if u["name"] == late.name]
    assert notes == ["Gửi ngày 12/11/2024", "Gửi lúc 09:05 12/11/2024"]


def test_agency_issues_use_traditional_tone_placement(nhatrang):
    result = nhatrang[1]
    units = [replace(result.units[0], status=UnitStatus.REPORTED,
                     texts={"issues_raised": "Đề nghị hỗ trợ kinh phí cho phường Vĩnh Hoà, Uỷ ban xã"})]
    expected = "Đề nghị hỗ trợ kinh phí cho phường Vĩnh Hòa, Ủy ban xã"
    assert agency_issues(units, ["issues_raised"])[0]["text"] == expected


def test_build_context_appendix_note_states_a_problem_cell_plainly(nhatrang):
    from aggregator.models import Problem

    campaign, result = nhatrang
    unit = next(u for u in result.units if u.status is UnitStatus.REPORTED)
    column = campaign.metric_columns[0].header
    changed = replace(unit, problems=(Problem(12, column, "chưa thống kê", "Hãy ghi một số, ví dụ 1.234."),),
                      notes=(), superseded_rows=())
    ctx = build_context(replace(result, units=tuple(changed if u is unit else u for u in result.units)), campaign)
    note = next(u["note"] for g in ctx["appendix_groups"] for u in g["units"] if u["name"] == unit.name)
    assert note.endswith("số liệu chưa hợp lệ (“chưa thống kê”), chưa tổng hợp")
    assert "Hãy ghi" not in note
