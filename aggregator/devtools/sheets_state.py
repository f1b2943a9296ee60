"""The emulator's in-memory spreadsheet model: tabs, cells, formats, developer metadata, protected
ranges; A1 and field-mask parsing; rendering as the API renders (docs/google-sheets-api.md §3); the
``spreadsheets:batchUpdate`` requests the adapter sends (``Batch``); errors as Google sends them."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aggregator.adapters.sheets_format import column_letter as letters
from aggregator.devtools.sheets_cells import cell_data, formatted, is_moment
from aggregator.devtools.sheets_typing import DateCell, Entered, Json, parse_typed, serial

__all__ = ["DateCell", "Json", "serial"]  # re-exported: where the fake, the tests and sheets_api find them
STATUS = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
          429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"}
MESSAGES = {403: "The caller does not have permission", 404: "Requested entity was not found.",
            429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per "
                 "user' of service 'sheets.googleapis.com' for consumer 'project_number:123'.",
            500: "Internal error encountered.", 503: "The service is currently unavailable."}
Reply = tuple[int, dict[str, str], str]
Mask = dict[str, "Mask"]  # a field mask as a tree: "a.b,c" → {"a": {"b": {}}, "c": {}}


class ApiError(Exception):
    """An error answer; ``violations`` (field, description) become a google.rpc.BadRequest, as Google
    sends for payloads it cannot parse (never for semantic errors such as "already exists")."""

    def __init__(self, status: int, message: str | None = None,
                 violations: Sequence[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.status, self.message = status, message or MESSAGES.get(status, "error")
        self.violations = tuple(violations)


@dataclass(frozen=True)
class Applied:
    """An injected fault that strikes after the request was applied: Google did the work, then the
    connection dropped (or timed out) before the answer arrived (``SheetsApi.inject``)."""

    error: Exception


def fault(status: int, message: str | None = None, retry_after: float | None = None,
          violations: Sequence[tuple[str, str]] = ()) -> Reply:
    """An error response exactly as Google sends it (for ``SheetsApi.inject``)."""
    headers = {"Content-Type": "application/json; charset=UTF-8"}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    error: dict[str, Any] = {"code": status, "message": message or MESSAGES.get(status, "error"),
                             "status": STATUS.get(status, "")}
    if violations:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                             "fieldViolations": [{"field": f, "description": d} if f else {"description": d}
                                                 for f, d in violations]}]
    return status, headers, json.dumps({"error": error})


@dataclass(frozen=True)
class PercentCell:
    """A cell typed as a percentage ("85%"): Sheets stores 0.85 and formats the cell as PERCENT."""

    fraction: float


PERCENT_FORMAT = {"userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}}}


@dataclass
class Tab:
    sheet_id: int
    title: str
    rows: int = 1000
    cols: int = 26
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    formats: dict[tuple[int, int], Json] = field(default_factory=dict)  # CellData minus the value
    formulas: set[tuple[int, int]] = field(default_factory=set)
    grid_props: dict[str, Any] = field(default_factory=dict)  # frozenRowCount …
    widths: dict[int, int] = field(default_factory=dict)
    protected: list[Json] = field(default_factory=list)
    metadata: list[Json] = field(default_factory=list)
    hidden_cols: set[int] = field(default_factory=set)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r0, r1, c0, c1), end-exclusive

    def merge(self, first_row: int, end_row: int, first_col: int, end_col: int) -> None:
        """Merge a block, as Format → Merge cells does: the values of every cell but the first are dropped."""
        self.merges.append((first_row, end_row, first_col, end_col))
        for r, c in [(r, c) for r, c in self.cells if first_row <= r < end_row and first_col <= c < end_col]:
            if (r, c) != (first_row, first_col):
                del self.cells[r, c]

    def grid_merges(self, boxes: Sequence[tuple[int, int, int, int]] = ()) -> list[Json]:
        """The merges as GridRanges, a 0 index and a 0 sheetId left out, as Google leaves them; with ``boxes``
        (the reply's ``ranges=`` on this tab, inclusive), only the merges that meet one of them (see
        ``Book.merges_in_ranges``)."""
        names = ("sheetId", "startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")
        blocks = [b for b in self.merges if not boxes or any(_meets(b, box) for box in boxes)]
        return [{k: v for k, v in zip(names, (self.sheet_id, *block), strict=True) if v} for block in blocks]

    def set_rows(self, rows: list[list[Any]]) -> None:
        """Seed the tab with values as a workbook holds them, nothing parsed (a str stays text): a date or
        time becomes a date cell, a PercentCell a %-formatted number, None/"" leave a cell empty."""
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                self.put(r, c, value)

    def put(self, r: int, c: int, value: Any) -> None:
        """Store one seeded value at 0-based (r, c), as ``set_rows`` does."""
        if isinstance(value, dt.date | dt.time):
            value = DateCell(serial(value))
        if isinstance(value, PercentCell):
            self.formats[(r, c)] = copy.deepcopy(PERCENT_FORMAT)
            value = value.fraction
        self.formulas.discard((r, c))
        if value in ("", None):
            self.cells.pop((r, c), None)
        else:
            self.cells[(r, c)] = value

    def number_format(self, r: int, c: int) -> Json:
        found: Json = self.formats.get((r, c), {}).get("userEnteredFormat", {}).get("numberFormat") or {}
        return found

    def type_cell(self, r: int, c: int, value: Any, locale: str = "vi_VN") -> None:
        """Type ``value`` into the cell at 0-based (r, c) as a person does in the Sheets UI, and as a
        USER_ENTERED write does: text is read in the spreadsheet's ``locale`` (sheets_typing) unless the
        cell is formatted as plain text (then it is stored as typed); a format Google infers ("85%",
        "05/11/2024") is set on a cell that has no number format; other values are stored as ``put``
        stores them; "" or None empties the cell."""
        if not isinstance(value, str):
            self.put(r, c, value)
            return
        entered = Entered(value) if self.number_format(r, c).get("type") == "TEXT" else parse_typed(value, locale)
        self.put(r, c, entered.value)
        if entered.formula:
            self.formulas.add((r, c))
        if entered.value != "" and entered.number_format and not self.number_format(r, c).get("type"):
            own = self.formats.setdefault((r, c), {}).setdefault("userEnteredFormat", {})
            own["numberFormat"] = copy.deepcopy(entered.number_format)

    def values(self) -> list[list[Any]]:
        return render_box(self, (0, 0, self.rows - 1, self.cols - 1), "UNFORMATTED_VALUE", "SERIAL_NUMBER")

    def grid_data(self, box: tuple[int, int, int, int], locale: str = "vi_VN") -> Json:
        """GridData of a box as spreadsheets.get returns it with grid data: one CellData per cell
        (sheets_cells.cell_data; ``{}`` for an empty one), a row's trailing empty cells and the box's
        trailing empty rows dropped (an empty row inside is ``{}``), then the rows' and columns' metadata."""
        r0, c0 = box[:2]
        r1, c1 = min(box[2], self.rows - 1), min(box[3], self.cols - 1)
        used = [r for (r, c) in {*self.cells, *self.formats} if r0 <= r <= r1 and c0 <= c <= c1]
        rows = []
        for r in range(r0, max(used, default=r0 - 1) + 1):
            cells = [cell_data(self.cells.get((r, c)), (r, c) in self.formulas, self.formats.get((r, c), {}), locale)
                     for c in range(c0, c1 + 1)]
            while cells and not cells[-1]:
                cells.pop()
            rows.append({"values": cells} if cells else {})
        grid: Json = {"startRow": r0, "startColumn": c0}
        if rows:
            grid["rowData"] = rows
        grid["rowMetadata"] = [{"pixelSize": 21} for _ in range(r0, r1 + 1)]
        grid["columnMetadata"] = [{"pixelSize": self.widths.get(c, 100), **({"hiddenByUser": True}
                                   if c in self.hidden_cols else {})} for c in range(c0, c1 + 1)]
        return grid


@dataclass
class Book:
    id: str
    tabs: list[Tab]
    forbidden: bool = False
    timezone: str = "Asia/Ho_Chi_Minh"  # properties.timeZone
    locale: str = "vi_VN"  # properties.locale
    title: str = "Báo cáo"
    # Whether a reply with ``ranges=`` lists only the merges that meet a requested range. Google's reference
    # says such a reply holds "only the portions of the spreadsheet that intersect the requested ranges", and
    # code in the wild asks for a range's merges that way; unconfirmed for ``sheets[].merges``, so the
    # emulator takes the stricter reading by default (the worker must read merged cells either way).
    merges_in_ranges: bool = True

    def tab(self, title: str | None = None, sheet_id: int | None = None) -> Tab:
        for t in self.tabs:
            if t.title == title or (title is None and t.sheet_id == sheet_id):
                return t
        msg = f"No grid with id: {sheet_id}" if title is None else f"Unable to parse range: {title}"
        raise ApiError(400, msg)



def _meets(block: tuple[int, int, int, int], box: tuple[int, int, int, int]) -> bool:
    """Whether a merge (r0, r1, c0, c1; end-exclusive) meets a box (r0, c0, r1, c1; inclusive)."""
    first_row, end_row, first_col, end_col = block
    top, left, bottom, right = box
    return first_row <= bottom and top < end_row and first_col <= right and left < end_col


def _col(text: str) -> int:
    index: int = sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(text))) - 1
    return index


def parse_a1(a1: str, book: Book) -> tuple[Tab, tuple[int, int, int, int], bool]:
    """``'Tab'!A1:B2`` → (tab, (r0, c0, r1, c1) inclusive, whether it is a box rather than one cell)."""
    m = re.fullmatch(r"'((?:[^']|'')*)'(?:!(.*))?", a1) or re.fullmatch(r"([^'!]+)(?:!(.*))?", a1)
    cells = re.fullmatch(r"([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?", (m.group(2) or "") if m else "!")
    if m is None or cells is None:
        raise ApiError(400, f"Unable to parse range: {a1}")
    tab = book.tab(m.group(1).replace("''", "'"))
    c0, r0, c1, r1 = cells.groups()
    single = ":" not in (m.group(2) or ":")
    top, left = int(r0) - 1 if r0 else 0, _col(c0) if c0 else 0
    bottom = int(r1) - 1 if r1 else (top if single and r0 else tab.rows - 1)
    right = _col(c1) if c1 else (left if single and c0 else tab.cols - 1)
    return tab, (top, left, bottom, right), not single  # a single cell only anchors a write


def parse_mask(text: str) -> Mask:
    """``a.b,c(d,e)`` → ``{"a": {"b": {}}, "c": {"d": {}, "e": {}}}``."""
    tree: Mask = {}
    stack, path = [tree], [tree]
    for tok in re.findall(r"[\w*]+|[.,()]", text):
        if tok == "(":
            stack.append(path[-1])
        elif tok in ",)":
            stack = stack[:-1] if tok == ")" else stack
            path = [stack[-1]]
        elif tok != ".":
            path.append(path[-1].setdefault(tok, {}))
    return tree


def apply_mask(doc: Any, tree: Mask) -> Any:
    if not tree or "*" in tree or not isinstance(doc, dict | list):
        return doc
    if isinstance(doc, list):
        return [apply_mask(item, tree) for item in doc]
    return {k: apply_mask(v, tree[k]) for k, v in doc.items() if k in tree}


def merge_masked(target: Json, source: Json, tree: Mask) -> None:
    """Copy the masked fields of ``source`` into ``target``; a masked field absent from source is cleared."""
    for key, sub in (tree if "*" not in tree else {k: {} for k in {*target, *source}}).items():
        if sub and isinstance(source.get(key, {}), dict):
            merge_masked(target.setdefault(key, {}), source.get(key, {}), sub)
            if not target[key]:
                del target[key]
        elif key in source:
            target[key] = copy.deepcopy(source[key])
        else:
            target.pop(key, None)


def _cell(value: Any, number_format: Json, render: str, dates: str, locale: str) -> Any:
    if render == "FORMATTED_VALUE" or (is_moment(value, number_format) and dates == "FORMATTED_STRING"):
        return formatted(value, number_format, locale) if value != "" else ""
    if isinstance(value, DateCell):
        value = value.serial
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value


def render_box(tab: Tab, box: tuple[int, int, int, int], render: str, dates: str,
               locale: str = "vi_VN") -> list[list[Any]]:
    """The values of a box as values.get renders them (FORMATTED_VALUE: the cell's format in the
    spreadsheet's locale; a formula, never computed here, as its text); trailing blanks dropped."""
    r0, c0, r1, c1 = box
    rows = []
    for r in range(r0, min(r1, tab.rows - 1) + 1):
        row = [_cell(tab.cells.get((r, c), ""), tab.number_format(r, c), render, dates, locale)
               for c in range(c0, min(c1, tab.cols - 1) + 1)]
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def range_name(tab: Tab, box: tuple[int, int, int, int]) -> str:
    """``Sheet1!A1:D4`` as the API prints ranges: simple titles unquoted, one cell as ``A1``."""
    quoted = "'" + tab.title.replace("'", "''") + "'"
    title = tab.title if re.fullmatch(r"\w+", tab.title, re.ASCII) else quoted
    start = f"{letters(box[1])}{box[0] + 1}"
    end = f"{letters(min(box[3], tab.cols - 1))}{min(box[2], tab.rows - 1) + 1}"
    return f"{title}!{start}" + ("" if end == start else f":{end}")


def grid_box(book: Book, rng: Json) -> tuple[Tab, tuple[int, int, int, int]]:
    tab = book.tab(sheet_id=rng.get("sheetId", 0))
    box = (rng.get("startRowIndex", 0), rng.get("startColumnIndex", 0),
           rng.get("endRowIndex", tab.rows) - 1, rng.get("endColumnIndex", tab.cols) - 1)
    if box[2] >= tab.rows or box[3] >= tab.cols:
        raise ApiError(400, f"Range ({range_name(tab, box)}) exceeds grid limits. Max rows: {tab.rows}, "
                            f"max columns: {tab.cols}")
    return tab, box


def checked_write(book: Book, i: int, item: Json) -> tuple[Tab, int, int, list[list[Any]]]:
    if not item.get("range"):
        raise ApiError(400, f"Invalid data[{i}]: range is required")
    tab, (r0, c0, r1, c1), bounded = parse_a1(item["range"], book)
    values = item.get("values") or []
    height, width = len(values), max(map(len, values), default=0)
    if bounded and (height > r1 - r0 + 1 or width > c1 - c0 + 1):
        raise ApiError(400, f"Invalid data[{i}]: Requested writing within range [{item['range']}], but tried "
                            f"writing {height} rows and {width} columns")
    if r0 + height > tab.rows or c0 + width > tab.cols:
        raise ApiError(400, f"Invalid data[{i}]: Range ({item['range']}) exceeds grid limits. "
                            f"Max rows: {tab.rows}, max columns: {tab.cols}")
    if any(isinstance(v, dict | list) for row in values for v in row):
        raise ApiError(400, f"Invalid value at 'data[{i}].values' (google.protobuf.ListValue)")
    return tab, r0, c0, values


def store(tab: Tab, r: int, c: int, value: Any) -> None:
    if value is None:  # null leaves the cell as it is; "" clears it
        return
    tab.formulas.discard((r, c))
    if value == "":
        tab.cells.pop((r, c), None)
    else:
        tab.cells[(r, c)] = value


def write_reply(book: Book, tab: Tab, r0: int, c0: int, values: list[list[Any]]) -> dict[str, Any]:
    """An UpdateValuesResponse as Google computes it (gspread's cassettes): a null cell is skipped
    and not counted, ``""`` clears a cell and counts; ``updatedRange`` is the extent of the cells
    written, not the range the request named (``'Sheet1'!A1:B2`` with one row written → ``Sheet1!A1:B1``)."""
    cells = [(r, c) for r, row in enumerate(values, start=r0) for c, v in enumerate(row, start=c0) if v is not None]
    reply: dict[str, Any] = {"spreadsheetId": book.id}
    if cells:
        rows, cols = {r for r, _ in cells}, {c for _, c in cells}
        reply["updatedRange"] = range_name(tab, (min(rows), min(cols), max(rows), max(cols)))
        reply.update(updatedRows=len(rows), updatedColumns=len(cols), updatedCells=len(cells))
    reply["_cells"] = [(tab.sheet_id, r, c) for r, c in cells]  # for the batch totals; removed before sending
    return reply


def batch_totals(book: Book, replies: list[dict[str, Any]]) -> dict[str, Any]:
    """BatchUpdateValuesResponse: distinct rows, columns and sheets touched, cells summed."""
    cells = [cell for reply in replies for cell in reply.pop("_cells")]
    out: dict[str, Any] = {"spreadsheetId": book.id}
    if cells:
        out.update(totalUpdatedRows=len({(s, r) for s, r, _ in cells}),
                   totalUpdatedColumns=len({(s, c) for s, _, c in cells}),
                   totalUpdatedCells=len(cells), totalUpdatedSheets=len({s for s, _, _ in cells}))
    out["responses"] = replies
    return out


def normalised_format(cell_format: dict[str, Any]) -> dict[str, Any]:
    """What Google stores for a CellFormat: a colour set either way is shown both ways (the
    deprecated ``backgroundColor`` beside ``backgroundColorStyle.rgbColor``, the style winning), and
    colour components equal to 0 are omitted (cassette test_format)."""
    out = copy.deepcopy(cell_format)
    for parent, plain, style in ((out, "backgroundColor", "backgroundColorStyle"),
                                 (out.get("textFormat"), "foregroundColor", "foregroundColorStyle")):
        if not isinstance(parent, dict):
            continue
        rgb = (parent.get(style) or {}).get("rgbColor", parent.get(plain))
        if isinstance(rgb, dict):
            rgb = {k: v for k, v in rgb.items() if v}
            parent[plain] = rgb
            parent[style] = {**parent.get(style, {}), "rgbColor": rgb}
    return out


def check_rule(book: Book, rule: Json) -> None:
    """Refuse a data validation rule Google refuses: a list without items, a range condition that is not
    one range of an existing tab written as a formula (``='Tab'!$M$2:$M$9``), a formula in a list."""
    condition = rule.get("condition") or {}
    kind, values = condition.get("type"), condition.get("values") or []
    if not kind:
        raise ApiError(400, "rule.condition.type must be specified.")
    texts = [v.get("userEnteredValue") for v in values]
    if kind == "ONE_OF_RANGE":
        if len(values) != 1 or not isinstance(texts[0], str) or not texts[0].startswith("="):
            raise ApiError(400, "ONE_OF_RANGE requires a single ConditionValue holding a range, e.g. '=Sheet1!A1:A9'.")
        _, _, bounded = parse_a1(texts[0][1:].replace("$", ""), book)
        if not bounded:
            raise ApiError(400, f"Invalid range in ONE_OF_RANGE condition: {texts[0]}")
    elif kind == "ONE_OF_LIST":
        if not values or any(not isinstance(t, str) or not t for t in texts):
            raise ApiError(400, "ONE_OF_LIST requires one or more non-empty condition values.")
        if any(t.startswith("=") for t in texts):
            raise ApiError(400, "Formulas are not supported in ONE_OF_LIST condition values.")


def check_protection(pr: Json, tab: Tab) -> None:
    """Unprotected ranges only inside a protected whole sheet; no editors with warning-only protection."""
    unprotected = pr.get("unprotectedRanges") or []
    if unprotected and set(pr.get("range", {})) - {"sheetId"}:
        raise ApiError(400, "Unprotected ranges are only supported on protected sheets.")
    if any(u.get("sheetId", 0) != tab.sheet_id for u in unprotected):
        raise ApiError(400, "An unprotected range must be on the protected sheet.")
    if pr.get("warningOnly") and (pr.get("editors") or {}).get("users"):
        raise ApiError(400, "Editors are not supported with warning_only protection.")
