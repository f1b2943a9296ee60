"""DashboardLayout → Sheets API request bodies. Pure: no I/O, no gspread.

Three kinds of body come out of here:

- the values write (``values:batchUpdate``, RAW) over the whole fixed range, padded with ``""`` so
  no stale cell survives, including rows/columns the previous dashboard used beyond the new grid;
- the formatting batch (``spreadsheets:batchUpdate``): reset formats, styles from the palette,
  links, column widths, frozen rows; plus, when needed, a resize, the warning-only protection and
  the signature stored as developer metadata;
- small helpers to compare the grid with what ``values:batchGet`` read back.

Links are formats, never formulas: agency text reaches the sheet only as RAW values, and the
link is ``userEnteredFormat.textFormat.link.uri = "#gid=<agency gid>&range=D17"``, so nothing an
agency typed is ever evaluated (``=HYPERLINK("…" & text)`` would be).
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from aggregator.models import CellLink, CellStyle, DashboardLayout, DashboardValue
from aggregator.rowjson import compact

Json = dict[str, Any]
Palette = Mapping[CellStyle, tuple[str, bool, str]]
ApiValue = str | int | float | bool

SIGNATURE_KEY = "aggregator.dashboard-format"
FORMAT_VERSION = 3  # bump when the shape of the requests changes, to reformat existing dashboards
# v2: colours as backgroundColorStyle/foregroundColorStyle (the plain Color fields are deprecated)
# v3: one updateCells per column of links, instead of one per link
MIN_ROWS, MIN_COLS = 1000, 26  # what a new tab gets (Google's defaults); grown when the grid needs it
PROTECTION_DESCRIPTION = "Bảng do aggregator tự cập nhật; sửa ở đây sẽ bị ghi đè ở lần đồng bộ sau."


def quote_title(title: str) -> str:
    """``Báo cáo`` → ``'Báo cáo'`` (a ``'`` inside is doubled, as the API expects)."""
    return "'" + title.replace("'", "''") + "'"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def a1_range(title: str, rows: int, cols: int, row0: int = 0, col0: int = 0) -> str:
    """``'Tab'!A1:I40`` for ``rows`` × ``cols`` cells starting at 0-based (row0, col0)."""
    start = f"{column_letter(col0)}{row0 + 1}"
    end = f"{column_letter(col0 + cols - 1)}{row0 + rows}"
    return f"{quote_title(title)}!{start}" + ("" if start == end else f":{end}")


def api_value(value: DashboardValue) -> ApiValue:
    """What the cell should hold: None → "" (cleared), text in NFC, numbers unchanged."""
    if value is None:
        return ""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    return value


def trimmed(rows: Sequence[Sequence[Any]]) -> tuple[tuple[Any, ...], ...]:
    """The shape ``values:batchGet`` returns: trailing blanks and trailing empty rows dropped."""
    out = [tuple(_rstrip(row)) for row in rows]
    while out and not out[-1]:
        out.pop()
    return tuple(out)


def _rstrip(row: Sequence[Any]) -> list[Any]:
    cells = [api_value(v) for v in row]
    while cells and cells[-1] == "":
        cells.pop()
    return cells


def extent(rows: Sequence[Sequence[Any]]) -> tuple[int, int]:
    """(rows, columns) used by ``rows`` as read back (ragged)."""
    return len(rows), max((len(r) for r in rows), default=0)


def grid_size(layout: DashboardLayout) -> tuple[int, int]:
    return len(layout.grid), max((len(r) for r in layout.grid), default=0)


def _blank_cell(rows: Sequence[Sequence[Any]], cell: tuple[int, int]) -> list[list[Any]]:
    copy = [list(r) for r in rows]
    r, c = cell
    if r < len(copy) and c < len(copy[r]):
        copy[r][c] = ""
    return copy


def same_values(layout: DashboardLayout, existing: Sequence[Sequence[Any]], *, ignore_as_of: bool) -> bool:
    """True when the tab already shows ``layout.grid`` (optionally not counting the "as of" cell)."""
    new: Sequence[Sequence[Any]] = layout.grid
    old = existing
    if ignore_as_of:
        new, old = _blank_cell(new, layout.as_of_cell), _blank_cell(old, layout.as_of_cell)
    return trimmed(new) == trimmed(old)


def values_body(title: str, layout: DashboardLayout, previous: tuple[int, int]) -> Json:
    """One RAW ``values:batchUpdate`` over the whole range, padded so stale cells are cleared."""
    rows = max(grid_size(layout)[0], previous[0], 1)
    cols = max(grid_size(layout)[1], previous[1], 1)
    values = [[api_value(v) for v in row] + [""] * (cols - len(row)) for row in layout.grid]
    values += [[""] * cols for _ in range(rows - len(values))]
    return {
        "valueInputOption": "RAW",
        "data": [{"range": a1_range(title, rows, cols), "majorDimension": "ROWS", "values": values}],
    }


def as_of_body(title: str, layout: DashboardLayout) -> Json:
    """Only the "data as of" cell, RAW."""
    r, c = layout.as_of_cell
    value = layout.grid[r][c] if r < len(layout.grid) and c < len(layout.grid[r]) else ""
    return {
        "valueInputOption": "RAW",
        "data": [{"range": a1_range(title, 1, 1, r, c), "majorDimension": "ROWS",
                  "values": [[api_value(value)]]}],
    }


def rgb(hex_colour: str) -> Json:
    """``#1F3864`` → ``{"red": 0.12, "green": 0.22, "blue": 0.39}`` (a new dict each time)."""
    return dict(_rgb(hex_colour))


@functools.lru_cache(maxsize=64)  # a palette has a few colours; a large dashboard asks thousands of times
def _rgb(hex_colour: str) -> tuple[tuple[str, float], ...]:
    h = hex_colour.lstrip("#")
    return tuple((name, round(int(h[i:i + 2], 16) / 255, 4)) for name, i in (("red", 0), ("green", 2), ("blue", 4)))


def _grid_range(sheet_id: int, r0: int, r1: int, c0: int, c1: int) -> Json:
    return {"sheetId": sheet_id, "startRowIndex": r0, "endRowIndex": r1,
            "startColumnIndex": c0, "endColumnIndex": c1}


def colour_style(hex_colour: str) -> Json:
    """A ColorStyle: ``{"rgbColor": {...}}`` (the discovery document deprecates plain Color fields)."""
    return {"rgbColor": rgb(hex_colour)}


def _style_request(sheet_id: int, r0: int, r1: int, c0: int, c1: int, style: tuple[str, bool, str]) -> Json:
    background, bold, colour = style
    fmt = {"backgroundColorStyle": colour_style(background),
           "textFormat": {"bold": bold, "foregroundColorStyle": colour_style(colour)}}
    return {"repeatCell": {
        "range": _grid_range(sheet_id, r0, r1, c0, c1),
        "cell": {"userEnteredFormat": fmt},
        "fields": "userEnteredFormat(backgroundColorStyle,textFormat.bold,textFormat.foregroundColorStyle)",
    }}


def _link_requests(sheet_id: int, links: Sequence[CellLink], gids: Mapping[str, int]) -> list[Json]:
    """Cell-level links (formats: the cells' text stays the RAW value, nothing is evaluated), one
    ``updateCells`` per column that has any. Links whose target tab is unknown are left out."""
    by_column: dict[int, dict[int, str]] = {}
    for link in links:
        gid = gids.get(link.target_tab)
        if gid is not None:
            by_column.setdefault(link.col, {})[link.row] = f"#gid={gid}&range={link.target_a1}"
    return [_column_links(sheet_id, col, uris) for col, uris in by_column.items()]


def _column_links(sheet_id: int, col: int, uris: Mapping[int, str]) -> Json:
    """The links of one column, from its first linked row to its last. A row between them without a
    link is sent empty: its link and underline are cleared, as the format reset before left them."""
    first, last = min(uris), max(uris)
    rows = [{"values": [{"userEnteredFormat": {"textFormat": {"link": {"uri": uris[r]}, "underline": True}}}]}
            if r in uris else {} for r in range(first, last + 1)]
    return {"updateCells": {
        "range": _grid_range(sheet_id, first, last + 1, col, col + 1),
        "rows": rows,
        "fields": "userEnteredFormat(textFormat.link,textFormat.underline)",
    }}


def _width_requests(sheet_id: int, widths: Sequence[int]) -> list[Json]:
    out: list[Json] = []
    start = 0
    for i in range(1, len(widths) + 1):
        if i == len(widths) or widths[i] != widths[start]:
            out.append({"updateDimensionProperties": {
                "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": start, "endIndex": i},
                "properties": {"pixelSize": int(widths[start])},
                "fields": "pixelSize",
            }})
            start = i
    return out


def format_requests(
    layout: DashboardLayout, sheet_id: int, gids: Mapping[str, int], palette: Palette
) -> list[Json]:
    """Everything that makes the grid look like a dashboard, for one ``spreadsheets:batchUpdate``.

    Starts by resetting every cell's format, so a style or link that moved leaves nothing behind.
    Links whose target tab is unknown are left out (the text still says which row to look at).
    """
    cols = grid_size(layout)[1]
    requests: list[Json] = [
        {"repeatCell": {"range": {"sheetId": sheet_id}, "cell": {}, "fields": "userEnteredFormat"}},
        {"repeatCell": {  # whole columns, so a longer or shorter grid needs no reformatting
            "range": {"sheetId": sheet_id, "startColumnIndex": 0, "endColumnIndex": max(cols, 1)},
            "cell": {"userEnteredFormat": {"verticalAlignment": "TOP", "wrapStrategy": "WRAP"}},
            "fields": "userEnteredFormat(verticalAlignment,wrapStrategy)",
        }},
    ]
    for s in layout.styles:
        box = (s.start_row, s.end_row, s.start_col, s.end_col)
        requests.append(_style_request(sheet_id, *box, palette[s.style]))
    requests += _link_requests(sheet_id, layout.links, gids)
    requests += _width_requests(sheet_id, layout.column_widths)
    requests.append({"updateSheetProperties": {
        "properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": layout.frozen_rows}},
        "fields": "gridProperties.frozenRowCount",
    }})
    return requests


def signature(requests: Sequence[Json]) -> str:
    """A stable hash of the formatting requests, stored beside the dashboard.

    The requests are built by this module, so equal formatting gives equal JSON with keys in the order
    they were built: sorting them (a third of the time for 20,000 units) would add nothing. The text hashed
    is the compact JSON the requests are sent as (``rowjson.compact``).
    """
    return hashlib.sha256(compact({"v": FORMAT_VERSION, "requests": list(requests)})).hexdigest()


def signature_request(sheet_id: int, value: str, existing_id: int | None) -> Json:
    """Create the signature metadata on the dashboard tab, or update the one already there."""
    if existing_id is not None:
        return {"updateDeveloperMetadata": {
            "dataFilters": [{"developerMetadataLookup": {"metadataId": existing_id}}],
            "developerMetadata": {"metadataValue": value},
            "fields": "metadataValue",
        }}
    return {"createDeveloperMetadata": {"developerMetadata": {
        "metadataKey": SIGNATURE_KEY, "metadataValue": value,
        "location": {"sheetId": sheet_id}, "visibility": "DOCUMENT",
    }}}


def protect_request(sheet_id: int) -> Json:
    """Warning-only protection of the whole dashboard tab (people get a warning, not a refusal)."""
    return {"addProtectedRange": {"protectedRange": {
        "range": {"sheetId": sheet_id}, "description": PROTECTION_DESCRIPTION, "warningOnly": True,
    }}}


def duplicate_removals(protection_ids: Sequence[int], metadata_ids: Sequence[int]) -> list[Json]:
    """Delete protected ranges and signature entries an interrupted earlier write left twice."""
    out: list[Json] = [{"deleteProtectedRange": {"protectedRangeId": pid}} for pid in protection_ids]
    out += [{"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {"metadataId": mid}}}}
            for mid in metadata_ids]
    return out


def add_sheet_request(title: str, rows: int, cols: int) -> Json:
    grid = {"rowCount": max(rows, MIN_ROWS), "columnCount": max(cols, MIN_COLS)}
    return {"addSheet": {"properties": {"title": title, "sheetType": "GRID", "gridProperties": grid}}}


def resize_request(sheet_id: int, rows: int, cols: int) -> Json:
    return {"updateSheetProperties": {
        "properties": {"sheetId": sheet_id, "gridProperties": {"rowCount": rows, "columnCount": cols}},
        "fields": "gridProperties(rowCount,columnCount)",
    }}
