from __future__ import annotations

import pytest

from aggregator.adapters import campaign_file as campaign
from aggregator.errors import DuplicateColumnError, SchemaError
from aggregator.sheet.headers import column_letter, fold_header, map_headers

COLUMNS = campaign.load().columns
HEADERS = [c.header for c in COLUMNS]


def test_schema_maps_contract_headers_in_order() -> None:
    mapping = map_headers("Báo cáo", HEADERS, COLUMNS)
    assert mapping.positions["unit_name"] == 1
    assert mapping.positions["submitted_at"] == len(HEADERS) - 1
    assert mapping.letter("citizens") == "F"


def test_schema_ignores_case_accents_and_spacing() -> None:
    shouted = [f"  {h.upper()}  " for h in HEADERS]
    shouted[5] = "so   nguoi dan duoc tuyen truyen"
    mapping = map_headers("Báo cáo", shouted, COLUMNS)
    assert mapping.positions["citizens"] == 5
    assert mapping.headers["citizens"] == "so   nguoi dan duoc tuyen truyen"


def test_schema_uses_aliases_and_reordered_columns() -> None:
    headers = ["Dấu thời gian", "Đơn vị", "Số người dân được tuyên truyền"]
    mapping = map_headers("Form", headers, COLUMNS)
    assert mapping.positions == {"submitted_at": 0, "unit_name": 1, "citizens": 2}


def test_schema_missing_required_column_names_closest_header() -> None:
    headers = ["STT", "Tên cơ quan đơn vi báo cáo", "Số người dân được tuyên truyền"]
    with pytest.raises(SchemaError) as info:
        map_headers("Báo cáo", headers, COLUMNS)
    message = str(info.value)
    assert "'Tên cơ quan, đơn vị'" in message
    assert "closest header: 'Tên cơ quan đơn vi báo cáo'" in message
    assert "aliases" in message


def test_schema_blank_and_unknown_duplicate_headers_do_not_crash() -> None:
    headers = [*HEADERS, "Ghi chú", "Ghi chú", "", ""]
    mapping = map_headers("Báo cáo", headers, COLUMNS)
    assert mapping.positions["unit_name"] == 1
    assert mapping.duplicates == ("Ghi chú",)


def test_schema_a_campaign_header_twice_is_refused_naming_both_columns() -> None:
    headers = [*HEADERS, "TÊN CƠ QUAN, ĐƠN VỊ"]
    with pytest.raises(DuplicateColumnError) as info:
        map_headers("Báo cáo", headers, COLUMNS)
    assert info.value.exit_code == 5
    assert "column B ('Tên cơ quan, đơn vị')" in info.value.message
    assert f"column {column_letter(len(HEADERS))} ('TÊN CƠ QUAN, ĐƠN VỊ')" in info.value.message


def test_schema_missing_metric_column_is_reported_with_the_closest_unused_header() -> None:
    renamed = [h if h != "Số người dân được tuyên truyền" else "Số người dân tham gia" for h in HEADERS]
    mapping = map_headers("Báo cáo", renamed, COLUMNS)
    assert "citizens" not in mapping.positions
    assert mapping.missing == {"citizens": "Số người dân tham gia"}


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ")])
def test_schema_column_letter(index: int, letters: str) -> None:
    assert column_letter(index) == letters


def test_schema_fold_header() -> None:
    assert fold_header(" Số CBCCVC,  người lao động\u00a0") == "so cbccvc nguoi lao dong"
    assert fold_header(None) == ""
