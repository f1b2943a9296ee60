"""How `aggregator init` reads one column: type from header and cells, role from header words, labels, keys."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from aggregator.app import init_campaign as init
from aggregator.app.init_columns import header_role, infer_type, metric_label, scaled_sentence
from aggregator.errors import ConfigError
from aggregator.models import ColumnRole, ColumnType, RawTab, RosterUnit
from aggregator.sheet.headers import fold_header

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize(("header", "cells", "expected"), [
    ("Ngày tổ chức", [45601, 45602, 45603.5], ColumnType.DATE),  # Google's serial numbers
    ("Ngày tổ chức", ["03.06.2025", "04.06.2025"], ColumnType.DATE),  # dots, yet dates: the header says so
    ("Số lượt", [45601, 45602, 45603], ColumnType.COUNT),
    ("Số lượt", ["khoảng 200", "1.234", "200 người", "chưa thống kê", 5], ColumnType.COUNT),
    ("Số buổi", [*range(1, 30), "1,5"], ColumnType.COUNT),  # one decimal among counts is a typo, not a type
    ("Ghi chú", ["Không", "Không có", "không"], ColumnType.TEXT),
    ("Số buổi", ["3 buổi tại hội trường", "2 buổi ở trường", "5"], ColumnType.TEXT),
    ("Số điện thoại", ["0905123456", "0914 777 719"], ColumnType.TEXT),
    ("Liên hệ", ["0905123456", "0914.777.719", "0772 874 513"], ColumnType.TEXT),
    ("Kinh phí thực hiện (đồng)", ["12.500.000", "8.000.000 đ", "2,5 triệu", 15000000], ColumnType.MONEY),
    ("Kinh phí", ["12.500.000", 8000000, "15tr", "500 nghìn", "1,2 tỷ"], ColumnType.MONEY),
    ("Hỗ trợ", ["12.500.000 đồng", "8.000.000 VNĐ", "3 triệu", 400000], ColumnType.MONEY),  # the cells say it
    ("Kinh phí (triệu đồng)", ["12,5", "8", 3, "0,75"], ColumnType.DECIMAL),  # millions: not đồng
    ("Số buổi sinh hoạt cộng đồng", [3, 4, 5], ColumnType.COUNT),  # "cộng đồng" is no money
    ("Tiến độ", ["12", "30", 45], ColumnType.COUNT),  # "tiến" is no "tiền"
    ("Tỷ lệ hoàn thành", ["85%", "72,5 %", "90 %"], ColumnType.PERCENT),
    ("Hoàn thành (%)", [85, 72.5, 90], ColumnType.PERCENT),
    ("Hoàn thành", [0.85, 0.725, 0.9], ColumnType.PERCENT),  # formatted as % in the sheet (below)
    ("Tỷ lệ", [0.5, 0.25, 0.75], ColumnType.PERCENT),
    ("Số giờ trung bình", ["1,5", "2", 3.25, "2.5"], ColumnType.DECIMAL),
    ("Số người", [None, " "], ColumnType.COUNT),  # no data yet: "Số …" is a count
    ("Kinh phí (đồng)", [None], ColumnType.MONEY),
    ("Tỷ lệ (%)", [], ColumnType.PERCENT),
    ("Ngày gửi", [], ColumnType.DATE),
    ("Ghi chú", [], ColumnType.TEXT),
], ids=["serial-dates", "dotted-dates", "counts", "messy-counts", "one-typo", "only-khong", "words-after",
        "phone-header", "phone-cells", "money-header", "money-words", "money-cells", "millions", "cong-dong",
        "tien-do", "percent-cells", "percent-header", "percent-format", "ratio-header", "decimal-commas",
        "empty-so", "empty-money", "empty-percent", "empty-ngay", "empty-text"])
def test_init_infer_type(header: str, cells: list[Any], expected: ColumnType) -> None:
    formatted = [True] * len(cells) if header == "Hoàn thành" else []
    assert infer_type(header, fold_header(header), cells, TZ, formatted)[0] is expected


def test_init_infer_type_says_why() -> None:
    kind, why = infer_type("Kinh phí thực hiện (đồng)", "kinh phi thuc hien dong", ["12.500.000", "8.000.000 đ",
                                                                                   "2,5 triệu"], TZ)
    assert (kind, why) == (ColumnType.MONEY, "the header names money (đồng); 3 of 3 filled cells are amounts")
    assert "format them as %" in infer_type("Tỷ lệ", "ty le", [0.5, 0.25], TZ)[1]


@pytest.mark.parametrize(("header", "role"), [
    ("Khó khăn, vướng mắc", ColumnRole.DIFFICULTIES),
    ("Tồn tại, hạn chế", ColumnRole.DIFFICULTIES),
    ("Khó khăn, vướng mắc, đề xuất", ColumnRole.PROPOSALS),  # printed with the proposals (section IV)
    ("Đề xuất, kiến nghị", ColumnRole.PROPOSALS),
    ("Người báo cáo, SĐT", ColumnRole.CONTACT),
    ("Email", ColumnRole.CONTACT),
    ("Số điện thoại liên hệ", ColumnRole.CONTACT),
    ("Ghi chú", ColumnRole.NOTE),
    ("Khối", ColumnRole.GROUP_HINT),
    ("Nhóm đơn vị", ColumnRole.GROUP_HINT),
    ("Hình thức tuyên truyền", None),
    ("Số khối lớp", None),  # "khối" not at the start: no group
], ids=lambda v: str(v))
def test_init_header_role(header: str, role: ColumnRole | None) -> None:
    found = header_role(fold_header(header))
    assert (found[0] if found else None) is role


@pytest.mark.parametrize(("header", "key", "label"), [
    ("Số tin nhắn SMS", "so_tin_nhan_sms", "tin nhắn SMS"),
    ("SỐ LƯỢT XEM", "so_luot_xem", "LƯỢT XEM"),
    ("Lượt chia sẻ", "luot_chia_se", "lượt chia sẻ"),
    ("2024 – số buổi", "col_2024_so_buoi", "2024 – số buổi"),
    ("Kinh phí thực hiện (đồng)", "kinh_phi_thuc_hien_dong", "kinh phí thực hiện"),
    ("Tỷ lệ hoàn thành (%)", "ty_le_hoan_thanh", "tỷ lệ hoàn thành"),
    ("Kinh phí hỗ trợ - ĐVT: triệu đồng", "kinh_phi_ho_tro_dvt_trieu_dong", "kinh phí hỗ trợ"),
], ids=["sms", "capitals", "no-so", "digit-first", "money-unit", "percent-unit", "unit-note"])
def test_init_generated_keys_and_labels(header: str, key: str, label: str) -> None:
    assert init.generated_key(fold_header(header), 0) == key
    assert metric_label(header) == label


def test_init_scaled_money_keeps_its_unit_in_the_sentence() -> None:
    assert scaled_sentence("Kinh phí (triệu đồng)") == "{value} triệu đồng {label}"
    assert scaled_sentence("Kinh phí (đồng)") == ""


def test_init_keys_stay_unique_short_and_clear_of_reserved_names() -> None:
    assert init.unique_key("so_luot", {"so_luot", "so_luot_2"}) == "so_luot_3"
    assert init.unique_key("unit_name", set()) == "unit_name_2"
    assert init.unique_key("in", set()) == "in_col"
    assert len(init.generated_key(" ".join(["tuyen truyen"] * 20), 0)) <= init.KEY_MAX
    assert init.generated_key("", 27) == "column_ab"


def test_init_column_options_take_a_header_a_letter_or_a_number() -> None:
    texts = ["STT", "Đơn vị báo cáo", "Thời điểm gửi"]
    assert [init.resolve_column(spec, texts, "--unit-column", 3) for spec in ("don vi BAO CAO", "b", "2")] == \
        [1, 1, 1]
    with pytest.raises(ConfigError) as info:
        init.resolve_column("Tên đơn vị", texts, "--unit-column", 3)
    assert info.value.exit_code == 2 and "B 'Đơn vị báo cáo'" in info.value.message
    assert "--unit-column" in info.value.message and "row 3" in info.value.message


def test_init_date_times_make_the_submission_time_without_header_words() -> None:
    moments = [dt.datetime(2025, 6, 2, 9, 30) + dt.timedelta(hours=7 * n) for n in range(5)]
    rows = (("Cột A", "Đơn vị", "Số trẻ em"), *((m, f"Xã {n}", n) for n, m in enumerate(moments)))
    proposal = init.propose(RawTab("Form", rows), {}, TZ)
    first = proposal.columns[0]
    assert (first.role, first.type) == (ColumnRole.SUBMITTED_AT, ColumnType.DATE)
    assert first.why_role == "5 of 5 cells are date-times, like a form's timestamp"


UNITS = tuple(RosterUnit(f"X-{n}", "xa", name) for n, name in enumerate(
    ["UBND xã Xuân Hội", "UBND xã Đan Trường", "UBND xã Xuân Phổ", "UBND thị trấn Tiên Điền"]))


def test_init_the_roster_decides_the_unit_name_column_over_header_words() -> None:
    rows = (("Tên đơn vị (viết tắt)", "Đơn vị", "Ngày gửi", "Ngày tổ chức", "Số lượt"),
            ("XH", "UBND xã Xuân Hội", "05/06/2025", "01/06/2025", 3),
            ("DT", "Ủy ban nhân dân xã Đan Trường", "06/06/2025", "02/06/2025", 4),
            ("TĐ", "UBND TT Tiên Điền", "07/06/2025", "03/06/2025", 5))
    tab = RawTab("Báo cáo", rows)
    by_words = init.propose(tab, {}, TZ)
    assert [c.role for c in by_words.columns][:3] == [ColumnRole.UNIT_NAME, None, ColumnRole.SUBMITTED_AT]
    by_roster = init.propose(tab, {}, TZ, init.Choices(roster=UNITS))
    assert [c.role for c in by_roster.columns][:2] == [None, ColumnRole.UNIT_NAME]
    assert by_roster.columns[1].why_role == "3 of its 3 distinct names match a unit of the roster"
    chosen = init.propose(tab, {}, TZ, init.Choices(roster=UNITS, unit_column="A", time_column="Ngày tổ chức"))
    assert [c.role for c in chosen.columns][:4] == [ColumnRole.UNIT_NAME, None, None, ColumnRole.SUBMITTED_AT]
    assert chosen.columns[3].why_role == "chosen with --time-column"
