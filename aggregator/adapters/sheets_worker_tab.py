"""WorkerTab (the decisions tab) → Sheets API request bodies. Pure: no I/O, no gspread.

- values: one ``values:batchUpdate`` range per block that differs from what the tab shows (read in
  the cycle's batchGet); the answer column below the header is never in a block;
- formats (``spreadsheets:batchUpdate``, only when their signature changes): formats reset, styles,
  links, widths, frozen header, the choices column hidden, the answer column as plain text (so
  "1.234" stays the text staff typed, read the Vietnamese way), and data validation: the answer
  column cleared, then a dropdown per run of lines (ONE_OF_RANGE over the choices column for names,
  ONE_OF_LIST for "Dùng dòng này");
- protection: the whole tab warning-only, except the answer column (``unprotectedRanges``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aggregator.adapters import sheets_format as fmt
from aggregator.models import DashboardLayout, Dropdown, WorkerTab

Json = dict[str, Any]
PROTECTION_DESCRIPTION = ("Tab do aggregator tự cập nhật; chỉ chọn hoặc nhập ở cột “Quyết định”, các cột khác "
                          "sẽ bị ghi đè ở lần đồng bộ sau.")


def _cells(rows: Sequence[Sequence[Any]], row: int, col: int, height: int, width: int) -> list[list[Any]]:
    """The box of ``rows`` (as read back) at (row, col), padded with "" (what batchGet drops)."""
    box = []
    for r in range(row, row + height):
        line = list(rows[r]) if r < len(rows) else []
        box.append([fmt.api_value(line[c]) if c < len(line) and line[c] is not None else ""
                    for c in range(col, col + width)])
    return box


def values_data(tab: WorkerTab, existing: Sequence[Sequence[Any]]) -> list[Json]:
    """The blocks whose cells differ from ``existing`` (the tab as read), as RAW ValueRanges."""
    data = []
    for block in tab.blocks:
        width = max((len(r) for r in block.values), default=0)
        wanted = [[fmt.api_value(v) for v in r] + [""] * (width - len(r)) for r in block.values]
        if not wanted or not width or wanted == _cells(existing, block.row, block.col, len(wanted), width):
            continue
        data.append({"range": fmt.a1_range(tab.title, len(wanted), width, block.row, block.col),
                     "majorDimension": "ROWS", "values": wanted})
    return data


def _validation(sheet_id: int, title: str, dropdown: Dropdown) -> Json:
    box = {"sheetId": sheet_id, "startRowIndex": dropdown.start_row, "endRowIndex": dropdown.end_row,
           "startColumnIndex": dropdown.col, "endColumnIndex": dropdown.col + 1}
    if dropdown.source is not None:
        col, r0, r1 = dropdown.source
        letter = fmt.column_letter(col)
        condition = {"type": "ONE_OF_RANGE",
                     "values": [{"userEnteredValue": f"={fmt.quote_title(title)}!${letter}${r0 + 1}:${letter}${r1}"}]}
    else:
        condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in dropdown.choices]}
    rule = {"condition": condition, "inputMessage": dropdown.message, "strict": True, "showCustomUi": True}
    return {"setDataValidation": {"range": box, "rule": rule}}


def format_requests(tab: WorkerTab, sheet_id: int, gids: Mapping[str, int], palette: fmt.Palette) -> list[Json]:
    """Everything that makes the tab look and behave as it should, for one ``spreadsheets:batchUpdate``."""
    as_dashboard = DashboardLayout(tab.title, tab.shown, tab.styles, tab.links, tab.column_widths,
                                       tab.frozen_rows, (0, 0))
    requests = fmt.format_requests(as_dashboard, sheet_id, gids, palette)
    answers = {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": tab.editable_col,
               "endColumnIndex": tab.editable_col + 1}
    requests.append({"repeatCell": {"range": answers,
                                    "cell": {"userEnteredFormat": {"numberFormat": {"type": "TEXT"}}},
                                    "fields": "userEnteredFormat.numberFormat"}})
    requests += [{"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": col, "endIndex": col + 1},
        "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}} for col in tab.hidden_cols]
    requests.append({"setDataValidation": {"range": answers}})  # no rule: clears the old dropdowns
    requests += [_validation(sheet_id, tab.title, d) for d in tab.dropdowns]
    return requests


def protect_request(sheet_id: int, editable_col: int) -> Json:
    """Warning-only protection of the whole tab but its answer column (below the header)."""
    return {"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": sheet_id}, "description": PROTECTION_DESCRIPTION, "warningOnly": True,
        "unprotectedRanges": [{"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": editable_col,
                               "endColumnIndex": editable_col + 1}],
    }}}
