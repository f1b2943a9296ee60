"""Which cells of the agency tab's percent columns Google formats as a percentage.

``UNFORMATTED_VALUE`` turns a typed "85%" into 0.85 and returns no format, while a bare 85 typed in an
unformatted cell stays 85 (CONTRACT §3). The per-cell ``effectiveFormat.numberFormat.type`` tells them
apart. Asking for it costs nothing extra in a steady cycle: the metadata GET the cycle makes anyway gets
``ranges=`` for the percent columns (and one cell of every other known tab, because ``ranges=`` limits the
reply to the tabs it touches) plus the grid-data fields. What to ask for is remembered from the previous cycle
in a small state file beside the outputs; the first cycle, or one after the header moved, makes one extra
read. Pure helpers plus the state file (I/O, hence here in adapters/).

Merged cells. Google's reference says a reply to ``ranges=`` holds "only the portions of the spreadsheet that
intersect the requested ranges"; if that holds for ``sheets[].merges`` too, a steady cycle would see only the
merges that meet a percent column, and lose a unit's name merged over its rows or a roster's group merged
over its units (sheet/merges.py). So the memo also keeps the columns (of the agency tab and of any other tab,
the roster tab) that held merged cells at the last read, and the steady read asks for them too; and every
``PLAIN_EVERY``-th cycle reads plainly again, which lists every merge, so that cells merged in a new column
are seen within that many cycles, whichever way Google reads ``ranges=``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aggregator.adapters import sheets_format as fmt
from aggregator.adapters.files import atomic_write
from aggregator.sheet.headers import fold_header

GRID_FORMATS = "data(startRow,startColumn,rowData(values(effectiveFormat(numberFormat(type)))))"
FORMAT_FIELDS = f"sheets(properties(title),{GRID_FORMATS})"  # the formats alone (the extra read)
# The cycle's metadata fields (sheets_meta.METADATA_FIELDS) with the formats folded into its one `sheets(...)`.
METADATA_WITH_FORMATS = ("properties(timeZone,locale),"
                         f"sheets(properties,protectedRanges,developerMetadata,merges,{GRID_FORMATS})")
PERCENT = "PERCENT"


# A steady cycle in every this many reads the spreadsheet plainly (3 requests instead of 2): see the docstring.
PLAIN_EVERY = 12


@dataclass(frozen=True)
class FormatMemo:
    """What the previous cycle learned: every tab it saw, the agency tab, its header row and percent columns,
    the columns that held merged cells (tab, 0-based column), and how many steady reads since a plain one."""

    tabs: tuple[str, ...]
    agency: str
    header_row: int
    columns: tuple[int, ...]  # 0-based
    merged: tuple[tuple[str, int], ...] = ()
    steady: int = 0

    def due_plain(self) -> bool:
        """Whether this cycle reads plainly (every merge listed) rather than with ``memo_ranges``."""
        return not self.columns or self.steady >= PLAIN_EVERY - 1


def load_memo(path: Path | None, spreadsheet: str) -> FormatMemo | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8")) if path else None
        if not isinstance(doc, dict) or doc.get("spreadsheet") != spreadsheet:
            return None
        memo = doc["memo"]
        merged = tuple((str(tab), int(column)) for tab, column in memo.get("merged", ()))  # older files: none
        return FormatMemo(tuple(memo["tabs"]), str(memo["agency"]), int(memo["header_row"]),
                          tuple(int(c) for c in memo["columns"]), merged, int(memo.get("steady", 0)))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a missing or damaged state file only costs one extra read


def save_memo(path: Path | None, spreadsheet: str, memo: FormatMemo) -> None:
    if path is None:
        return
    text = json.dumps({"spreadsheet": spreadsheet, "memo": asdict(memo)}, ensure_ascii=False)
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def percent_columns(header: Sequence[Any], percent_headers: Sequence[str]) -> tuple[int, ...]:
    """0-based positions of the header cells that name a percent column (folded as sheet/headers folds)."""
    wanted = {fold_header(h) for h in percent_headers}
    return tuple(i for i, cell in enumerate(header) if cell is not None and fold_header(cell) in wanted)


def column_ranges(agency: str, header_row: int, columns: Sequence[int]) -> list[str]:
    """``'Báo cáo'!E2:E`` for each percent column, from the first data row down."""
    return [f"{fmt.quote_title(agency)}!{fmt.column_letter(c)}{header_row + 1}:{fmt.column_letter(c)}"
            for c in columns]


def memo_ranges(memo: FormatMemo, own_tabs: Sequence[str] = ()) -> list[str]:
    """The metadata GET's ``ranges=`` for a steady cycle: the percent columns, the columns that held merged cells
    (the agency tab's below its header, another tab's whole), and one cell of every other tab known last cycle
    and of the worker's own tabs (made after that list was taken; a missing one makes the request fail with
    400, and the cycle asks again plainly)."""
    tabs = dict.fromkeys([*memo.tabs, *own_tabs])
    others = [f"{fmt.quote_title(t)}!A1" for t in tabs if t != memo.agency]
    agency_merged = sorted({c for t, c in memo.merged if t == memo.agency} - set(memo.columns))
    merged = [f"{fmt.quote_title(t)}!{fmt.column_letter(c)}:{fmt.column_letter(c)}"
              for t, c in memo.merged if t != memo.agency and t in tabs]
    return [*column_ranges(memo.agency, memo.header_row, [*memo.columns, *agency_merged]), *merged, *others]


def merged_columns(merges: Mapping[str, Sequence[Sequence[int]]], agency: str, header_row: int
                   ) -> tuple[tuple[str, int], ...]:
    """(tab, 0-based column) of each block merged down over two rows or more (a block's value is in its first
    column): the agency tab's below its header row, any other tab's anywhere."""
    found = {(tab, block[2]) for tab, blocks in merges.items() for block in blocks
             if block[1] - block[0] >= 2 and (tab != agency or block[0] >= header_row)}
    return tuple(sorted(found))


def percent_cells(doc: Mapping[str, Any], agency: str) -> frozenset[tuple[int, int]]:
    """(0-based row, 0-based column) of the agency tab's cells formatted as a percentage, from grid data."""
    found: set[tuple[int, int]] = set()
    for sheet in doc.get("sheets", []):
        if sheet.get("properties", {}).get("title") != agency:
            continue
        for grid in sheet.get("data", []):
            row0, col0 = int(grid.get("startRow", 0)), int(grid.get("startColumn", 0))
            for r, row in enumerate(grid.get("rowData", [])):
                for c, cell in enumerate(row.get("values", [])):
                    kind = cell.get("effectiveFormat", {}).get("numberFormat", {}).get("type")
                    if kind == PERCENT:
                        found.add((row0 + r, col0 + c))
    return frozenset(found)
