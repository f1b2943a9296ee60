"""The frame reads each distinct text once and hands every row the answer its own cell would get."""

from __future__ import annotations

from typing import Any

import pandas as pd

from aggregator.adapters import campaign_file
from aggregator.cells import read_counts, read_dates
from aggregator.cells.frame import NOTES, PROBLEMS, Zones, build_frame
from aggregator.models import RawTab
from aggregator.sheet.headers import map_headers

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
