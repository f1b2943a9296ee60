"""Cells merged down over several of the agencies' rows hold for each row a reader sees them in (sheet/merges.py):
the pure rules, the Google adapter reading ``sheets[].merges``, the xlsx adapter reading ``<mergeCells>``, and
a whole cycle on the demo sheet with a unit's name merged over the two rows it filled."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from aggregator.adapters import campaign_file
from aggregator.adapters.sheets_meta import merges_from_ranges
from aggregator.adapters.xlsx import XlsxSource
from aggregator.app import wiring
from aggregator.cells.frame import BLANK, FINGERPRINT, GROUP_HINT, NOTES, TYPED_NAME, Zones, build_frame
from aggregator.devtools.sheets_emulator import seed_from_xlsx
from aggregator.models import RawTab
from aggregator.sheet.headers import map_headers
from aggregator.sheet.merges import Merge, merged_down
from tests.fake_sheets import FakeSheets, service_account_key

CAMPAIGN = campaign_file.load()
SAMPLE = campaign_file.BUNDLED_CONFIG_DIR / "samples" / "nhatrang-2024.xlsx"
NOW = dt.datetime.fromisoformat("2024-11-11T08:00:00+07:00")
SID = "1MergedCellsOnTheFakeGoogleApi00000000"
POSITIONS = {"group": 0, "name": 1, "count": 2, "when": 3}


def _raw(rows: list[list[Any]], first: int = 2) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(POSITIONS), index=pd.RangeIndex(first, first + len(rows)), dtype=object)


def _down(raw: pd.DataFrame, *merges: Merge) -> tuple[pd.DataFrame, dict[str, dict[int, int]]]:
    return merged_down(raw, merges, POSITIONS, figures=frozenset({"count"}), name="name")


def test_a_merged_group_holds_for_the_rows_typed_under_it_and_leaves_untouched_rows_blank() -> None:
    raw = _raw([["Khối xã", "Xã A", 5, None], [None, "Xã B", 7, None], [None, None, None, None],
                [None, "Xã C", None, "08/11/2024"]])
    filled, counted = _down(raw, Merge(1, 5, 0, 1))  # A2:A5
    assert filled["group"].tolist() == ["Khối xã", "Khối xã", None, "Khối xã"]
    assert counted == {}
    assert raw["group"].tolist() == ["Khối xã", None, None, None]  # the input is not changed


def test_a_block_that_starts_in_the_header_or_spans_one_row_fills_nothing() -> None:
    raw = _raw([["Khối xã", "Xã A", 5, None], [None, "Xã B", 7, None]])
    assert _down(raw, Merge(0, 3, 0, 1))[0]["group"].tolist() == ["Khối xã", None]  # A1:A3, A1 is the header
    assert _down(raw, Merge(1, 2, 0, 2))[0].equals(raw)  # A2:B2, across one row


def test_a_block_down_a_whole_column_and_blocks_below_the_data_fill_only_the_rows_read() -> None:
    raw = _raw([["Khối xã", "Xã A", 5, None], [None, "Xã B", 7, None]])
    blocks = [Merge(1, 10_000_000, 0, 1)] + [Merge(3 + 2 * i, 5 + 2 * i, 1, 2) for i in range(2_000)]
    filled, counted = _down(raw, *blocks)
    assert filled["group"].tolist() == ["Khối xã", "Khối xã"] and filled["name"].tolist() == ["Xã A", "Xã B"]
    assert list(filled.index) == [2, 3] and counted == {}


def test_only_the_first_column_of_a_block_holds_its_value() -> None:
    raw = _raw([["Khối xã", None, 5, None], [None, None, 7, None]])
    filled, _ = _down(raw, Merge(1, 3, 0, 2))  # A2:B3: the group's text, the name column covered
    assert filled["group"].tolist() == ["Khối xã", "Khối xã"]
    assert filled["name"].tolist() == [None, None]


def test_a_figure_merged_over_one_units_rows_is_that_units_in_each() -> None:
    raw = _raw([[None, "Phòng Y tế", 12, "01/11/2024"], [None, None, None, "03/11/2024"]])
    filled, counted = _down(raw, Merge(1, 3, 1, 2), Merge(1, 3, 2, 3))  # the name and the figure, B2:B3 and C2:C3
    assert filled["name"].tolist() == ["Phòng Y tế", "Phòng Y tế"]
    assert filled["count"].tolist() == [12, 12]  # whichever of the unit's rows wins, the figure is there once
    assert counted == {}


def test_a_figure_merged_over_different_units_counts_once_and_the_other_rows_say_so() -> None:
    raw = _raw([[None, "Xã A", 30, None], [None, "Xã B", None, None], [None, "xã  a", None, None]])
    filled, counted = _down(raw, Merge(1, 4, 2, 3))  # C2:C4
    assert filled["count"].tolist() == [30, None, 30]  # row 4 names Xã A again: its figure; Xã B's is not
    assert counted == {"count": {3: 2}}


def test_googles_grid_ranges_are_read_with_their_omitted_zeros_and_odd_ones_left_out() -> None:
    found = merges_from_ranges([
        {"endRowIndex": 3, "startColumnIndex": 2, "endColumnIndex": 3},  # sheetId 0 and startRowIndex 0 omitted
        {"sheetId": 7, "startRowIndex": 4, "endRowIndex": 9, "endColumnIndex": 1},
        {"startRowIndex": 4, "endColumnIndex": 1},  # unbounded below: no block
        {"startRowIndex": 5, "endRowIndex": 5, "endColumnIndex": 1},  # empty
        {"startRowIndex": "x", "endRowIndex": 9, "endColumnIndex": 1}, "A1:B2", None])
    assert found == (Merge(0, 3, 2, 3), Merge(4, 9, 0, 1))


def _demo_rows() -> list[list[Any]]:
    workbook = load_workbook(SAMPLE, read_only=True)
    try:
        return [list(row) for row in workbook[CAMPAIGN.source.tab].iter_rows(values_only=True)]
    finally:
        workbook.close()


def test_the_frame_reads_a_merged_name_and_group_and_notes_a_shared_figure() -> None:
    rows = _demo_rows()[:6]
    header = rows[0]
    second = [None] * len(header)
    second[header.index("Số người dân được tuyên truyền")] = 5000
    second[header.index("Số buổi tuyên truyền trực tiếp, lồng ghép")] = 4
    rows.insert(4, second)  # sheet row 5, under row 4 ("Phước Hải - UBND phường")
    sessions = header.index("Số buổi tuyên truyền trực tiếp, lồng ghép")
    rows[5][sessions] = None  # what merging a cell does to the cells it covers
    merges = ((3, 5, 1, 2), (3, 5, 2, 3), (4, 6, sessions, sessions + 1))  # B4:B5, C4:C5; the sessions of rows 5–6
    tab = RawTab(CAMPAIGN.source.tab, tuple(map(tuple, rows)), merges=merges)
    header_map = map_headers(tab.title, header, CAMPAIGN.columns)
    table = build_frame(tab, 1, header_map, CAMPAIGN.columns, Zones(CAMPAIGN.tz)).table
    assert table.at[5, TYPED_NAME] == table.at[4, TYPED_NAME] == "Phước Hải - UBND phường"
    assert table.at[5, GROUP_HINT] == "UBND xã, phường"
    assert not table.at[5, BLANK]
    # row 6 is another unit: the sessions merged from row 5 are counted once, for row 5
    assert table.at[6, "sessions"] is pd.NA
    assert "Số buổi tuyên truyền trực tiếp, lồng ghép: ô gộp chung với dòng 5; số liệu chỉ tính một lần, " \
           "cho dòng 5" in table.at[6, NOTES]
    # a row's identity in the history is what was typed in it: merging cells around it changes nothing
    plain = build_frame(RawTab(tab.title, tab.rows), 1, header_map, CAMPAIGN.columns, Zones(CAMPAIGN.tz)).table
    assert table[FINGERPRINT].tolist() == plain[FINGERPRINT].tolist()


def _merged_demo(path: Path) -> Path:
    """The demo sheet with a second row for "Phước Hải - UBND phường" (sheet row 4), typed a few days later, its
    name and group cells merged with the first row's, as an agency that adds a line under its own does."""
    workbook = load_workbook(SAMPLE)
    sheet = workbook[CAMPAIGN.source.tab]
    header = [cell.value for cell in sheet[1]]
    sheet.insert_rows(5)
    later = {"Số CBCCVC, người lao động được tuyên truyền": 61, "Số người dân được tuyên truyền": 5400,
             "Số buổi tuyên truyền trực tiếp, lồng ghép": 25, "Ngày báo cáo": dt.datetime(2024, 11, 2)}
    for title, value in later.items():
        sheet.cell(row=5, column=header.index(title) + 1, value=value)
    sheet.merge_cells("B4:B5")
    sheet.merge_cells("C4:C5")
    workbook.save(path)
    return path


def _status(out: Path, source: str) -> dict[str, Any]:
    report = wiring.run_cycle(CAMPAIGN, out_dir=out, source_override=source, now=NOW, render_report=False)
    return json.loads(report.status_path.read_text(encoding="utf-8"))


def _unit(status: dict[str, Any], name: str) -> dict[str, Any]:
    return next(u for u in status["units"] if u["name"] == name)


def test_the_xlsx_source_reads_its_merged_blocks(tmp_path: Path) -> None:
    tab = XlsxSource(_merged_demo(tmp_path / "merged.xlsx"), CAMPAIGN.source.tab).read().tab
    assert sorted(tab.merges) == [(3, 5, 1, 2), (3, 5, 2, 3)]
    assert XlsxSource(SAMPLE, CAMPAIGN.source.tab).read().tab.merges == ()


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSheets]:
    api = FakeSheets()
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path / "google.json")))
    with api.activate():
        yield api


def test_a_name_merged_over_a_units_two_rows_makes_them_its_submissions_on_both_paths(
        tmp_path: Path, fake: FakeSheets) -> None:
    path = _merged_demo(tmp_path / "merged.xlsx")
    seed_from_xlsx(fake, path, SID)
    from_xlsx, from_google = _status(tmp_path / "xlsx", str(path)), _status(tmp_path / "google", SID)
    unit = _unit(from_xlsx, "Ủy ban nhân dân phường Phước Hải")
    assert (unit["row"], unit["superseded_rows"]) == (5, [4])  # the later row wins, as a resubmission
    assert (unit["metrics"]["citizens"], unit["metrics"]["sessions"]) == (5400, 25)
    assert 5 not in [row["row"] for row in from_xlsx["unmatched_rows"]]  # not a row without a name
    assert _unit(from_google, "Ủy ban nhân dân phường Phước Hải") == unit
    asked = [call for call in fake.calls(kind="read") if "fields" in call.params]
    assert any("merges" in call.params["fields"][0] for call in asked)


def test_the_xlsx_source_reads_merged_blocks_written_with_single_quotes(tmp_path: Path) -> None:
    """Excel writes ref="…"; other programs may write ref='…', as XML allows."""
    import zipfile

    path = _merged_demo(tmp_path / "merged.xlsx")
    quoted, rewritten = tmp_path / "quoted.xlsx", []
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(quoted, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/") and b'<mergeCell ref="B4:B5"' in data:
                data = data.replace(b'<mergeCell ref="B4:B5"', b"<mergeCell ref='B4:B5'")
                rewritten.append(item.filename)
            target.writestr(item, data)
    assert len(rewritten) == 1
    assert sorted(XlsxSource(quoted, CAMPAIGN.source.tab).read().tab.merges) == [(3, 5, 1, 2), (3, 5, 2, 3)]


_CELL = st.one_of(st.none(), st.just(""), st.sampled_from(["Xã A", "xã a", "Xã B", "Khối xã", " "]),
                  st.integers(0, 9))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=4, max_size=4), min_size=1, max_size=8),
       st.lists(st.tuples(st.integers(0, 10), st.integers(1, 4), st.integers(0, 3), st.integers(1, 2)), max_size=4))
def test_merged_cells_never_touch_an_untyped_row_and_never_give_a_figure_to_another_unit(
        rows: list[list[Any]], spans: list[tuple[int, int, int, int]]) -> None:
    raw = _raw(rows)
    merges = [Merge(top, top + height, column, min(column + width, 4)) for top, height, column, width in spans]
    filled, counted = _down(raw, *merges)
    assert list(filled.index) == list(raw.index) and list(filled.columns) == list(raw.columns)
    typed = {row for row in raw.index if any(v is not None and (not isinstance(v, str) or v.strip())
                                             for v in raw.loc[row].tolist())}
    first_of = {}
    for block in merges:
        for row in range(block.first_row + 2, block.end_row + 1):
            if block.first_row + 1 in raw.index and block.end_row - block.first_row > 1:
                first_of.setdefault((row, list(POSITIONS)[block.first_column]), block.first_row + 1)
    for row in raw.index:
        for key in POSITIONS:
            before, after = raw.at[row, key], filled.at[row, key]
            if after is before or (after is None and before is None) or after == before:
                continue
            assert row in typed, (row, key)  # a row the block merely passes through stays as it was
            source = first_of.get((row, key))
            assert source is not None, (row, key)  # only a block's first column, below its first row
            if key == "count":  # a figure only for the same unit's rows
                name, first_name = (str(filled.at[r, "name"]).strip().casefold() for r in (row, source))
                assert name == first_name and filled.at[source, "name"], (row, key)
    for key, rows_counted in counted.items():
        assert key == "count" and set(rows_counted) <= typed


def test_another_provinces_sheet_with_merged_groups_and_dates_reads_as_if_typed_in_every_row() -> None:
    """Cà Mau's districts and communes (a roster built from the official list, not ours), one row each, grouped
    by level with the "Khối" cell merged over each group and the date merged over each day's rows, as an
    office lays such a sheet out: every unit's outcome is the one the same sheet gives with each value typed
    in every row."""
    import random

    from aggregator.adapters.roster_file import read_roster
    from aggregator.app.pipeline import compute
    from aggregator.models import Snapshot, SourceKind

    units = sorted(read_roster(Path(__file__).parent / "redteam" / "data" / "ca-mau.roster-ubnd.csv"),
                   key=lambda u: u.group)
    labels = {"cap_huyen": "Cấp huyện", "cap_xa": "Cấp xã"}
    groups = tuple(CAMPAIGN.groups[0].model_copy(update={"code": code, "label": label})
                   for code, label in labels.items())
    campaign = CAMPAIGN.model_copy(update={"groups": groups, "area": ""})
    header = [c.header for c in CAMPAIGN.columns]
    at = {c.role or c.key: header.index(c.header) for c in CAMPAIGN.columns}
    rng, rows = random.Random(7), []
    for n, unit in enumerate(units):
        row: list[Any] = [None] * len(header)
        row[at["unit_name"]], row[at["group_hint"]] = unit.name, labels[unit.group]
        row[at["citizens"]], row[at["sessions"]] = rng.randint(0, 5000), rng.randint(0, 30)
        row[at["submitted_at"]] = f"{5 + n // 9:02d}/11/2024"  # nine rows a day, some after the deadline
        rows.append(row)
    typed = [header, *rows]
    merged, blocks = [header, *(list(row) for row in rows)], []
    for key in ("group_hint", "submitted_at"):
        column, start = at[key], 1
        for line in range(2, len(merged) + 1):
            if line == len(merged) or typed[line][column] != typed[start][column]:
                if line - start > 1:
                    blocks.append((start, line, column, column + 1))
                    for covered in range(start + 1, line):
                        merged[covered][column] = None  # what merging does to the cells it covers
                start = line
    assert len(blocks) > 10

    def outcome(rows: list[list[Any]], merges: tuple[tuple[int, int, int, int], ...]) -> list[tuple[Any, ...]]:
        tab = RawTab("Báo cáo", tuple(map(tuple, rows)), merges=merges)
        result = compute(campaign, units, Snapshot(SourceKind.XLSX, "x", tab, ("Báo cáo",)), NOW, None)
        return [(u.unit_id, u.status, u.row, u.submitted_at, u.metrics) for u in result.units]

    as_typed = outcome(typed, ())
    assert sum(status.value != "missing" for _, status, *_ in as_typed) > 0.9 * len(units)
    assert sum(status.value == "late" for _, status, *_ in as_typed) > 10
    assert outcome(merged, tuple(blocks)) == as_typed
    assert outcome(merged, ()) != as_typed  # read cell by cell, the merged sheet lost its dates
