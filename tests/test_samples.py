"""The bundled demo workbooks (config/samples/): reproducible, laid out as the campaign files say,
and consistent with their answer keys (*.truth.json), which later end-to-end tests trust."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from openpyxl import load_workbook

from aggregator.adapters import campaign_file as campaign_mod
from aggregator.adapters.roster_file import read_roster
from aggregator.campaign import Campaign

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "config" / "samples"
STEMS = ("nhatrang-2024", "travinh-2024")
KINDS = {"normal", "resubmission", "blank", "unknown", "ambiguous", "no_name"}
EXCEL_EPOCH = dt.date(1899, 12, 30)


def _pattern(regex: str) -> Callable[[Any], bool]:
    return lambda v: isinstance(v, str) and re.fullmatch(regex, v) is not None


def _exact(text: str) -> Callable[[Any], bool]:
    return lambda v: v == text


def _int(test: Callable[[int], bool]) -> Callable[[Any], bool]:
    return lambda v: type(v) is int and test(v)


# Every count-cell form of CONTRACT §3, recognised by shape.
COUNT_FORMS: dict[str, Callable[[Any], bool]] = {
    "1234 (typed number)": _int(lambda v: v >= 1000),
    "1.234": _pattern(r"\d{1,3}(\.\d{3})+"),
    "1,234": _pattern(r"\d{1,3}(,\d{3})+"),
    "1 234": _pattern(r"\d{1,3}( \d{3})+"),
    "1,5": _pattern(r"\d+,\d{1,2}"),
    "1.5": _pattern(r"\d+\.\d{1,2}"),
    "khoảng 200": _pattern(r"khoảng \d+"),
    "~200": _pattern(r"~ ?\d+"),
    "gần 200": _pattern(r"gần \d+"),
    "trên 200": _pattern(r"trên \d+"),
    "hơn 200": _pattern(r"hơn \d+"),
    "200 người": _pattern(r"\d+ người"),
    "200 lượt": _pattern(r"\d+ lượt"),
    "empty": lambda v: v is None,
    "0": _int(lambda v: v == 0),
    "không": _exact("không"),
    "-": _exact("-"),
    "không có": _exact("không có"),
    "negative": lambda v: _int(lambda n: n < 0)(v) or _pattern(r"-\d+")(v),
    "other text": _exact("chưa thống kê"),
    "#REF!": _exact("#REF!"),
}

# Every "Ngày báo cáo" form of CONTRACT §3.
DATE_FORMS: dict[str, Callable[[Any], bool]] = {
    "date cell": lambda v: isinstance(v, dt.datetime),
    "dd/mm/yyyy": _pattern(r"\d{2}/\d{2}/\d{4}"),
    "dd/mm/yyyy hh:mm": _pattern(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}"),
    "dd-mm-yyyy": _pattern(r"\d{2}-\d{2}-\d{4}"),
    "yyyy-mm-dd": _pattern(r"\d{4}-\d{2}-\d{2}"),
    "serial number": _int(lambda v: 40000 < v < 50000),
    "ngày d tháng m năm yyyy": _pattern(r"ngày \d{1,2} tháng \d{1,2} năm \d{4}"),
    "empty": lambda v: v is None,
}


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        return importlib.import_module("make_samples")
    finally:
        sys.path.remove(str(ROOT / "scripts"))


@pytest.fixture(scope="module")
def regenerated(generator: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    assert generator.main(["--out", str(out)]) == 0
    return out


def load_campaign(stem: str) -> Campaign:
    return campaign_mod.load(ROOT / "config" / f"{stem}.yaml")


def sheet_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(path)
    return {
        ws.title: list(ws.iter_rows(max_row=ws.max_row, max_col=ws.max_column, values_only=True))
        for ws in wb.worksheets
    }


def load_key(stem: str, folder: Path = SAMPLES) -> dict[str, Any]:
    return json.loads((folder / f"{stem}.truth.json").read_text(encoding="utf-8"))


def column_values(stem: str, key: str) -> dict[int, Any]:
    """Sheet row number → cell value of the column the campaign file maps to ``key``."""
    campaign = load_campaign(stem)
    rows = sheet_rows(SAMPLES / f"{stem}.xlsx")[campaign.source.tab]
    index = [c.key for c in campaign.columns].index(key)
    return {number: row[index] for number, row in enumerate(rows, start=1) if number > 1}


@pytest.mark.parametrize("stem", STEMS)
def test_regenerating_gives_the_committed_workbook_and_key(stem: str, regenerated: Path) -> None:
    assert sheet_rows(regenerated / f"{stem}.xlsx") == sheet_rows(SAMPLES / f"{stem}.xlsx")
    assert load_key(stem, regenerated) == load_key(stem)


@pytest.mark.parametrize("stem", STEMS)
def test_header_row_is_the_campaign_files_headers(stem: str) -> None:
    campaign = load_campaign(stem)
    wb = load_workbook(SAMPLES / f"{stem}.xlsx")
    ws = wb.worksheets[0]
    assert ws.title == campaign.source.tab
    assert [c.value for c in ws[1]] == [c.header for c in campaign.columns]
    assert ws.freeze_panes == "A2"
    assert all(c.font.bold for c in ws[1])


def test_nhatrang_has_its_instructions_tab_and_travinh_is_a_forms_sheet() -> None:
    assert load_workbook(SAMPLES / "nhatrang-2024.xlsx").sheetnames == ["Báo cáo", "Hướng dẫn"]
    stamps = column_values("travinh-2024", "submitted_at")
    assert load_campaign("travinh-2024").columns[0].header == "Dấu thời gian"
    assert stamps and all(isinstance(v, dt.datetime) for v in stamps.values())
    assert list(stamps.values()) == sorted(stamps.values()), "a Forms sheet appends rows in time order"


@pytest.mark.parametrize("stem", STEMS)
def test_answer_key_describes_every_row(stem: str) -> None:
    campaign, key = load_campaign(stem), load_key(stem)
    units = {u.unit_id for u in read_roster(campaign.resolve(campaign.roster))}
    rows = sheet_rows(SAMPLES / f"{stem}.xlsx")[campaign.source.tab]
    assert (key["campaign"], key["tab"]) == (campaign.id, campaign.source.tab)
    assert dt.datetime.fromisoformat(key["deadline"]) == campaign.deadline
    assert [r["row"] for r in key["rows"]] == list(range(2, len(rows) + 1))
    for entry, cells in zip(key["rows"], rows[1:], strict=True):
        assert entry["kind"] in KINDS
        assert (entry["unit_id"] is None) == (entry["kind"] not in ("normal", "resubmission"))
        assert entry["unit_id"] is None or entry["unit_id"] in units
        blank = all(v is None for v in cells)
        assert blank == (entry["kind"] == "blank"), f"row {entry['row']}"
        check_row_against_cells(campaign, entry, cells)


def check_row_against_cells(campaign: Campaign, entry: dict[str, Any], cells: tuple[Any, ...]) -> None:
    by_key = {c.key: cells[i] for i, c in enumerate(campaign.columns)}
    counts = [c.key for c in campaign.metric_columns]
    where = f"row {entry['row']}"
    assert entry["typed_name"] == by_key["unit_name"], where
    assert (entry["kind"] == "no_name") == (by_key["unit_name"] is None and entry["kind"] != "blank"), where
    assert sorted(entry["values"]) == sorted(counts), where
    assert set(entry["problems"]) <= set(counts), where
    for metric in counts:
        raw, value = by_key[metric], entry["values"][metric]
        if metric in entry["problems"] or raw is None:
            assert value is None, f"{where} {metric}"
        if type(raw) is int:
            assert (value, metric in entry["problems"]) == ((raw, False) if raw >= 0 else (None, True)), where
    stamp = by_key["submitted_at"]
    if isinstance(stamp, dt.datetime):
        wanted = stamp.date().isoformat() if stamp.time() == dt.time() else stamp.isoformat()
        assert entry["submitted"] == wanted, where
    elif type(stamp) is int:
        assert entry["submitted"] == (EXCEL_EPOCH + dt.timedelta(days=stamp)).isoformat(), where
    elif stamp is None:
        assert entry["submitted"] is None, where


def test_every_count_form_of_the_contract_appears_in_the_nhatrang_sheet() -> None:
    keys = [c.key for c in load_campaign("nhatrang-2024").metric_columns]
    cells = [v for key in keys for v in column_values("nhatrang-2024", key).values()]
    missing = [name for name, test in COUNT_FORMS.items() if not any(test(v) for v in cells)]
    assert not missing


def test_every_date_form_of_the_contract_appears_in_the_nhatrang_sheet() -> None:
    cells = list(column_values("nhatrang-2024", "submitted_at").values())
    missing = [name for name, test in DATE_FORMS.items() if not any(test(v) for v in cells)]
    assert not missing


def winners(key: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The resubmission policy, restated: latest date wins; rows without dates go by row order."""
    best: dict[str, dict[str, Any]] = {}
    for row in key["rows"]:
        unit, old = row["unit_id"], best.get(row["unit_id"])
        if unit is None:
            continue
        newer = old is None or (
            dt.datetime.fromisoformat(row["submitted"]) > dt.datetime.fromisoformat(old["submitted"])
            if row["submitted"] and old["submitted"]
            else True
        )
        best[unit] = row if newer else old
    return best


@pytest.mark.parametrize("stem", STEMS)
def test_expected_totals_follow_from_the_rows(stem: str) -> None:
    key, campaign = load_key(stem), load_campaign(stem)
    chosen = winners(key)
    deadline = campaign.deadline

    def late(submitted: str | None) -> bool:
        if not submitted:
            return False
        if "T" not in submitted:
            return dt.date.fromisoformat(submitted) > deadline.date()
        return dt.datetime.fromisoformat(submitted).replace(tzinfo=deadline.tzinfo) > deadline

    expected = key["expected"]
    assert expected["units_reported"] == len(chosen)
    assert expected["units_late"] == sum(late(r["submitted"]) for r in chosen.values())
    assert expected["rows_superseded"] == sum(1 for r in key["rows"] if r["unit_id"]) - len(chosen)
    assert all(r["winner"] == (chosen[r["unit_id"]] is r) for r in key["rows"] if r["unit_id"])
    for metric in (c.key for c in campaign.metric_columns):
        assert expected["metrics"][metric] == sum(r["values"][metric] or 0 for r in chosen.values())


def test_nhatrang_mix_is_realistic() -> None:
    key = load_key("nhatrang-2024")
    rows, expected = key["rows"], key["expected"]
    assert abs(expected["units_reported"] - 130) <= 5 and expected["units_expected"] == 152
    assert {r["unit_id"] for r in rows if r["unit_id"]} == set(winners(key))
    assert 5 <= expected["units_late"] <= 8
    assert expected["rows_blank"] == 2 and expected["rows_superseded"] >= 8
    kinds = [r["kind"] for r in rows]
    assert kinds.count("unknown") + kinds.count("ambiguous") >= 4 and kinds.count("no_name") == 1
    assert 7 <= expected["units_with_problems"] <= 11
    assert all(g["reported"] > 0 for g in expected["groups"]), "every group reports"
    assert any(r["submitted"] == "2024-11-10" and not r["late"] for r in rows if r["winner"])
