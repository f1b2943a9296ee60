"""The frame reads each distinct text once and hands every row the answer its own cell would get."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.adapters import campaign_file
from aggregator.campaign import ColumnSettings
from aggregator.cells import read_counts, read_dates
from aggregator.cells.frame import NOTES, PROBLEMS, TYPED_NAME, Zones, build_frame, fingerprints, raw_columns
from aggregator.models import RawTab
from aggregator.sheet.headers import map_headers
from aggregator.textnorm import clean_text

CAMPAIGN = campaign_file.load()
HEADER = tuple(c.header for c in CAMPAIGN.columns)
CITIZENS, DATE = "Số người dân được tuyên truyền", "Ngày báo cáo"
# 1, 1.0 and TRUE are equal in Python, but a checkbox in a count column is a problem, not 1
COUNTS = ["khoảng 200", True, 1, 1.0, None, "", "khoảng 200", "abc", 7, "abc", 1, True, "1.234", " khoảng 200 "]
DATES = ["08/11/2024", 45604.5, None, "08/11/2024", "32/11/2024", True, "", "32/11/2024", 45604.5, "08/11/2024",
         "8/11/2024", None, 1, "ngày 8 tháng 11 năm 2024"]


def _row(citizens: Any, date: Any) -> tuple[Any, ...]:
    values = dict.fromkeys(HEADER)
    values.update({"Tên cơ quan, đơn vị": "Phòng Y tế", CITIZENS: citizens, DATE: date})
    return tuple(values.values())


def test_every_row_gets_what_its_own_cell_reads_as_whatever_repeats_around_it() -> None:
    tab = RawTab("Báo cáo", (HEADER, *(_row(c, d) for c, d in zip(COUNTS, DATES, strict=True))))
    header_map = map_headers(tab.title, HEADER, CAMPAIGN.columns)
    table = build_frame(tab, 1, header_map, CAMPAIGN.columns, Zones(CAMPAIGN.tz)).table
    for row, (count, date) in enumerate(zip(COUNTS, DATES, strict=True), start=2):
        alone = read_counts(pd.Series([count.strip() if isinstance(count, str) else count], dtype=object))
        when = read_dates(pd.Series([date], dtype=object), CAMPAIGN.tz)
        got = table.loc[row]
        assert (got["citizens"] is pd.NA) == (alone.values[0] is pd.NA), (row, count)
        if alone.values[0] is not pd.NA:
            assert got["citizens"] == alone.values[0], (row, count)
        assert [m for k, _, m in got[PROBLEMS] if k == "citizens"] == [m for m in alone.problems if m], (row, count)
        assert list(got[NOTES]) == [f"{CITIZENS}: {n}" for n in alone.notes if n], (row, count)
        assert (pd.isna(got["submitted_at"]) and pd.isna(when.values[0])) or got["submitted_at"] == when.values[0]
        assert [m for k, _, m in got[PROBLEMS] if k == "submitted_at"] == [m for m in when.problems if m], (row, date)


# Characters clean_text changes or keeps: NFD marks, NBSP, tab, zero-width space, BOM, a control, mojibake
# bytes ("Ã", "©", "–"), look-alike eths, Vietnamese letters, quotes, digits.
_TRICKY = st.sampled_from(list("aZ9 .,-'\"()Đđăơưạỹ\u0301\u0323\u00a0\t\n\u200b\ufeff\x07ÃÂ©–ÐðƉɖ"))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 5), st.text(_TRICKY, max_size=8), st.text(max_size=6)),
                min_size=1, max_size=12))
def test_every_text_cell_is_cleaned_as_clean_text_cleans_it(names: list[Any]) -> None:
    tab = RawTab("Báo cáo", (HEADER, *(_named(n) for n in names)))
    header_map = map_headers(tab.title, HEADER, CAMPAIGN.columns)
    table = build_frame(tab, 1, header_map, CAMPAIGN.columns, Zones(CAMPAIGN.tz)).table
    expected = [clean_text(n) or None if isinstance(n, str) else None if n is None else str(n) for n in names]
    assert table[TYPED_NAME].dtype == object  # str or None, as the module says
    assert table[TYPED_NAME].tolist()[: len(names)] == expected[: len(table)]
    assert all(e is None for e in expected[len(table):])  # only trailing empty rows are left out


def _named(name: Any) -> tuple[Any, ...]:
    values = dict.fromkeys(HEADER)
    values.update({"Tên cơ quan, đơn vị": name, CITIZENS: 1})
    return tuple(values.values())


def test_a_row_that_stops_early_has_empty_cells_after_its_end() -> None:
    header = ("STT", "Tên cơ quan, đơn vị", "Ghi chú", CITIZENS, "Ngày báo cáo")
    rows = (header, (1, "Phòng Y tế", "x", 5), (2,), (), (3, "Phòng Tư pháp"), (4, "Hội", "y", 7, "", "more"))
    header_map = map_headers("Báo cáo", header, CAMPAIGN.columns)
    raw = raw_columns(rows, 1, header_map)
    assert raw.index.tolist() == [2, 3, 4, 5, 6]
    assert raw[header_map_key(header_map, CITIZENS)].tolist() == [5, None, None, None, 7]
    assert raw[header_map_key(header_map, "Tên cơ quan, đơn vị")].tolist() == ["Phòng Y tế", None, None,
                                                                               "Phòng Tư pháp", "Hội"]


def test_a_mapped_column_no_row_reaches_is_empty() -> None:
    header = ("Tên cơ quan, đơn vị", "Ngày báo cáo", CITIZENS)
    header_map = map_headers("Báo cáo", header, CAMPAIGN.columns)
    raw = raw_columns((header, ("Phòng Y tế",), ("Hội",)), 1, header_map)
    assert raw[header_map_key(header_map, CITIZENS)].tolist() == [None, None]


CELL = st.one_of(st.none(), st.integers(), st.floats(allow_nan=True), st.text(max_size=4), st.booleans())


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(CELL, max_size=9).map(lambda row: row if len(row) % 2 else tuple(row)), max_size=12),
       st.permutations(range(9)).map(lambda order: order[:5]))
def test_raw_columns_are_each_rows_cells_at_their_positions_with_or_without_pandas_loop(
        rows: list[Any], positions: list[int]) -> None:
    """Ragged rows (tuples and lists, some shorter than the header, some longer) give every mapped column the
    row's cell at its position, None past the row's end, whichever way the grid is laid out."""
    from aggregator.cells import frame
    from aggregator.sheet.headers import HeaderMap

    keys = [f"k{pos}" for pos in positions]
    header_map = HeaderMap(dict(zip(keys, positions, strict=True)), dict(zip(keys, keys, strict=True)), (), ())
    data = [("header",), *rows]
    expected = {key: [row[pos] if pos < len(row) else None for row in frame._trim_trailing_blank(rows)]
                for key, pos in zip(keys, positions, strict=True)}
    laid_out = frame._LAY_OUT_TUPLES
    try:
        for lay_out in (laid_out, None):
            frame._LAY_OUT_TUPLES = lay_out
            raw = raw_columns(data, 1, header_map)
            got = {key: raw[key].tolist() for key in keys}
            assert json.dumps(got, default=str) == json.dumps(expected, default=str)  # NaN == NaN, 1 ≠ True
            assert [type(v) for key in keys for v in got[key]] == [type(v) for key in keys for v in expected[key]]
    finally:
        frame._LAY_OUT_TUPLES = laid_out


def header_map_key(header_map: Any, header: str) -> str:
    """The campaign key of the column under ``header``."""
    return next(key for key, text in header_map.headers.items() if text == header)


def test_fingerprints_never_change_the_history_holds_them() -> None:
    cells = pd.DataFrame({"a": ["UBND xã Hòa", "khoảng 200", None, 'a"b\\c\x07'],
                          "b": [1, 2.5, float("nan"), True],
                          "c": [dt.datetime(2024, 11, 8, 8, 30), dt.date(2024, 11, 8), None, 10**20]}, dtype=object)
    # the values the first release wrote: a different hash would make every row "new" once more
    assert fingerprints(cells) == ["c9ea2434042a3defa09b", "be05072364321fafd1ea", "4cd62275a979338b2283",
                                   "5b70a04aef9227409652"]


def _as_json_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


CELL = st.one_of(st.none(), st.text(max_size=12), st.text(_TRICKY, max_size=6), st.integers(-(10**20), 10**20),
                 st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.datetimes(), st.dates(),
                 st.decimals(allow_nan=False, allow_infinity=False))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=12))
def test_a_fingerprint_is_the_sha1_of_the_rows_json(rows: list[list[Any]]) -> None:
    cells = pd.DataFrame(rows, columns=["a", "b", "c"], dtype=object) if rows else pd.DataFrame(columns=["a"])
    expected = [hashlib.sha1(json.dumps(list(row), ensure_ascii=False, default=_as_json_value).encode())
                .hexdigest()[:20] for row in cells.itertuples(index=False)]
    assert fingerprints(cells) == expected


# cells a column may hold at once: equal in Python but not in JSON (1, 1.0, True), empty in pandas but not in JSON
# (None, NaN, NaT), texts that clean to the same text, dates and date-times, numbers beyond 64 bits
_MIXED = st.one_of(st.sampled_from([1, 1.0, True, 0, False, None, float("nan"), pd.NaT, "", " ", "Xã  Hòa",
                                    "Xã Hòa", "Xã Hòa\u200b", "1", 10**20, dt.date(2024, 11, 8),
                                    dt.datetime(2024, 11, 8, 20, 0), 45604.5, "khoảng 200", 'a"b\\c\x07']),
                   CELL)
_TYPES = [ColumnSettings(key="unit", header="Tên đơn vị", role="unit_name", required=True),
          ColumnSettings(key="sent", header="Dấu thời gian", type="date", role="submitted_at"),
          ColumnSettings(key="budget", header="Kinh phí", type="money"),
          ColumnSettings(key="share", header="Tỷ lệ", type="percent"),
          ColumnSettings(key="hours", header="Số giờ", type="decimal"),
          ColumnSettings(key="people", header="Số người", type="count"),
          ColumnSettings(key="skip", header="Bỏ qua", type="ignored"),
          ColumnSettings(key="contact", header="Người liên hệ", role="contact")]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(_MIXED, min_size=8, max_size=8), min_size=1, max_size=30), st.sets(st.integers(2, 31)),
       st.permutations(range(8)))
def test_fingerprints_from_the_columns_pieces_are_the_sha1_of_each_rows_json(
        rows: list[list[Any]], formatted: set[int], order: list[int]) -> None:
    """A frame's fingerprints are put together from each column's distinct cells written once (and for a percent
    column read cell by cell, from each cell): the very hashes of each row's JSON, its columns in the campaign's
    order, as typed (whatever the cells clean or read to)."""
    header = tuple(_TYPES[i].header for i in order)
    tab = RawTab("Báo cáo", (header, *(tuple(row[i] for i in order) for row in rows)),
                 percent_cells=frozenset((r - 1, order.index(3)) for r in formatted))
    header_map = map_headers(tab.title, header, _TYPES)
    frame = build_frame(tab, 1, header_map, _TYPES, Zones(CAMPAIGN.tz))
    assert not isinstance(frame.typed, pd.DataFrame)  # made from the pieces
    # the columns read, in the campaign's order, wherever the sheet has them
    positions = [position for key, position in header_map.positions.items() if key != "skip"]
    expected = [hashlib.sha1(json.dumps([row[p] for p in positions], ensure_ascii=False, default=_as_json_value)
                             .encode()).hexdigest()[:20] for row in tab.rows[1:1 + frame.rows_read]]
    keys = [key for key in header_map.positions if key != "skip"]
    assert frame.table["_fingerprint"].tolist() == expected == fingerprints(raw_columns(tab.rows, 1, header_map)[keys])
