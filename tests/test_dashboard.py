from __future__ import annotations

import datetime as dt

from aggregator.models import CellStyle, UnitStatus
from aggregator.outputs.dashboard import STATUS_TEXT, layout
from tests.builders import DEADLINE, make_result, make_unit


def _rows_with(grid: tuple[tuple[object, ...], ...], text: str) -> list[int]:
    return [i for i, row in enumerate(grid) if any(text == cell for cell in row)]


def test_dashboard_summary_counts_and_percentages() -> None:
    grid = layout(make_result(), "Tổng hợp tiến độ", {"g1": "Khối một"}).grid
    total_row = grid[_rows_with(grid, "Tổng cộng")[0]]
    assert total_row[3:8] == (3, 2, 1, 1, "66,7 %")
    group_row = grid[_rows_with(grid, "Khối một")[0]]
    assert group_row[1] == "Khối một" and group_row[3] == 3


def test_dashboard_one_row_per_unit_in_roster_order_with_status_colours() -> None:
    result = make_result()
    dash = layout(result, "Tổng hợp tiến độ", {"g1": "Khối một"})
    unit_rows = [i for i, row in enumerate(dash.grid) if row[1] in {"A", "B", "C"}]
    assert [dash.grid[i][1] for i in unit_rows] == ["A", "B", "C"]
    assert [dash.grid[i][4] for i in unit_rows] == [STATUS_TEXT[u.status] for u in result.units]
    styled = {(s.start_row, s.start_col): s.style for s in dash.styles}
    assert styled[(unit_rows[0], 4)] is CellStyle.REPORTED
    assert styled[(unit_rows[1], 4)] is CellStyle.LATE
    assert styled[(unit_rows[2], 4)] is CellStyle.MISSING
    b = dash.grid[unit_rows[1]]
    assert b[5] == "09:30 12/11/2024" and b[6] == 5 and b[7] == "3"
    assert "Dòng 5" in b[8] and "dòng 3 được thay bằng dòng 5" in b[8]
    assert dash.grid[unit_rows[0]][5] == "08/11/2024"


def test_dashboard_links_point_at_the_agency_cells() -> None:
    dash = layout(make_result(), "Tổng hợp tiến độ", {})
    targets = {(link.target_tab, link.target_a1) for link in dash.links}
    assert ("Báo cáo", "A2") in targets  # unit A's row
    assert ("Báo cáo", "F5") in targets  # B's problem cell
    assert ("Báo cáo", "A6") in targets  # the unmatched row
    for link in dash.links:
        assert 0 <= link.row < len(dash.grid) and 0 <= link.col < len(dash.grid[0])


def test_dashboard_review_lists_unmatched_and_problem_cells_verbatim() -> None:
    dash = layout(make_result(), "Tổng hợp tiến độ", {})
    flat = [cell for row in dash.grid for cell in row]
    assert '=IMPORTXML("http://x","//a")' in flat  # kept as data; the adapters write it as text
    assert any(isinstance(c, str) and c.startswith("Đơn vị A (0,41)") for c in flat)
    assert "abc" in flat
    assert dash.grid[dash.as_of_cell[0]][dash.as_of_cell[1]] == "08:00 11/11/2024"


def test_dashboard_grid_is_rectangular_and_deterministic() -> None:
    first = layout(make_result(), "T", {})
    second = layout(make_result(), "T", {})
    assert first == second
    assert len({len(row) for row in first.grid}) == 1
    assert len(first.column_widths) == len(first.grid[0])
    assert UnitStatus.MISSING in STATUS_TEXT


def test_dashboard_units_with_the_same_status_in_a_row_share_one_styled_range() -> None:
    units = (make_unit("A"), make_unit("B"), make_unit("C", UnitStatus.MISSING), make_unit("D"))
    dash = layout(make_result(units), "Tổng hợp tiến độ", {})
    first = next(i for i, row in enumerate(dash.grid) if row[1] == "A")
    status_ranges = [(s.start_row - first, s.end_row - first, s.style) for s in dash.styles
                     if (s.start_col, s.end_col) == (4, 5)]
    assert status_ranges == [(0, 2, CellStyle.REPORTED), (2, 3, CellStyle.MISSING), (3, 4, CellStyle.REPORTED)]


def test_a_late_unit_says_how_late_it_sent_and_an_on_time_one_says_nothing() -> None:
    """"Báo cáo muộn" alone did not tell a unit one hour late from one a week late."""
    units = (make_unit("A", row=2, submitted_at=DEADLINE - dt.timedelta(days=1)),
             make_unit("B", UnitStatus.LATE, row=3, submitted_at=DEADLINE + dt.timedelta(hours=2)),
             make_unit("C", UnitStatus.LATE, row=4, submitted_at=DEADLINE + dt.timedelta(days=3)),
             make_unit("D", UnitStatus.LATE, row=5, submitted_at=None))
    rows = {row[1]: row for row in layout(make_result(units), "T", {}).grid if row[1] in {"A", "B", "C", "D"}}
    assert rows["B"][4] == rows["C"][4] == STATUS_TEXT[UnitStatus.LATE]  # the status cell stays as it was
    assert str(rows["B"][8]).startswith("Nộp muộn 2 giờ so với hạn")
    assert str(rows["C"][8]).startswith("Nộp muộn 3 ngày so với hạn")
    assert "muộn" not in str(rows["A"][8]) and "muộn" not in str(rows["D"][8])
