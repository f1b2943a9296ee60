"""Where a tab's headers are: the header row among title and note rows, and headers that moved. Pure.

Offices put a title ("BÁO CÁO KẾT QUẢ …"), a note ("Đơn vị tính: …") or a blank row above the
headers. The header row is the first row that reads like headers — at least two texts, nearly all distinct —
and spans at least half as many columns as the rows of data under it: a title or a note fills one
or two cells, a header row fills about as many as the data does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aggregator.campaign import ColumnSettings
from aggregator.errors import SchemaError
from aggregator.models import CellValue, ColumnRole
from aggregator.sheet.headers import HeaderMap, fold_header, map_headers

SEARCHED = 30  # rows searched for the header row: titles and notes above it are a few rows, not pages
DATA_SAMPLE = 10  # filled rows under a candidate that show how wide the data is
TEXT_SHARE = 0.8  # of a header row's filled cells that are text, and of its texts that are distinct
SPAN = 0.5  # a header row fills at least this share of the data's width

Rows = Sequence[Sequence[CellValue]]


def _filled(row: Sequence[CellValue]) -> list[CellValue]:
    return [cell for cell in row if cell is not None and not (isinstance(cell, str) and not cell.strip())]


def _is_text(cell: CellValue) -> bool:
    return isinstance(cell, str) and any(char.isalpha() for char in cell)


def _reads_like_headers(row: Sequence[CellValue]) -> bool:
    cells = _filled(row)
    texts = [fold_header(cell) for cell in cells if _is_text(cell)]
    return len(cells) >= 2 and len(texts) >= TEXT_SHARE * len(cells) and len(set(texts)) >= TEXT_SHARE * len(texts)


def _data_width(rows: Rows, below: int) -> int:
    widths = [len(_filled(row)) for row in rows[below:below + 4 * DATA_SAMPLE] if _filled(row)]
    return max(widths[:DATA_SAMPLE], default=0)


def find_header_row(rows: Rows) -> int | None:
    """The 1-based header row, or None when no row of the first ``SEARCHED`` reads like headers. Under a
    two-row header (a heading merged over several columns, their own headers in the row below), the
    lower row: ``header_cells`` fills its empty cells from the row above.

    >>> find_header_row([["BÁO CÁO KẾT QUẢ"], [], ["STT", "Đơn vị", "Số người"], [1, "Phường A", 30]])
    3
    >>> find_header_row([["Đơn vị", "Kết quả", None], [None, "Số người", "Số buổi"], ["Phường A", 30, 2]])
    2
    """
    for index, row in enumerate(rows[:SEARCHED]):
        if _reads_like_headers(row) and len(_filled(row)) >= SPAN * _data_width(rows, index + 1):
            return index + 2 if _sub_headers_below(rows, index) else index + 1
    return None


def _sub_headers_below(rows: Rows, index: int) -> bool:
    """Whether the row under ``rows[index]`` holds headers of its own, some under the empty cells a heading
    merged over several columns leaves (Sheets and Excel keep a merged cell's text in its first cell)."""
    below = rows[index + 1] if index + 1 < len(rows) else ()
    top = rows[index]
    filled = [i for i, cell in enumerate(below) if _filled([cell])]
    return (len(filled) >= 2 and all(_is_text(below[i]) for i in filled)
            and any(not _filled([top[i] if i < len(top) else None]) for i in filled))


def header_cells(rows: Rows, header_row: int) -> tuple[CellValue, ...]:
    """The header row's cells. When the row above reads like headers too (a two-row header), an empty cell
    takes the text above it: "Tên đơn vị" or "STT" merged down over both rows.

    >>> header_cells([["STT", "Đơn vị", "Kết quả", None], [None, None, "Số người", "Số buổi"]], 2)
    ('STT', 'Đơn vị', 'Số người', 'Số buổi')
    """
    if len(rows) < header_row:
        return ()
    header = tuple(rows[header_row - 1])
    above = rows[header_row - 2] if header_row >= 2 else ()
    if not (_reads_like_headers(above) and _reads_like_headers(header)):
        return header
    cells = header + (None,) * max(len(above) - len(header), 0)
    return tuple(cell if _filled([cell]) or i >= len(above) else above[i] for i, cell in enumerate(cells))


def row_with_headers(rows: Rows, wanted: Sequence[Sequence[str]], skip: int) -> int | None:
    """The first row but ``skip`` (1-based) holding one of each group of names in ``wanted``, or None."""
    needed = [{fold_header(name) for name in names} for names in wanted]
    for index, row in enumerate(rows[:SEARCHED]):
        folded = {fold_header(cell) for cell in _filled(row) if not isinstance(cell, dt.date)}
        if index + 1 != skip and needed and all(names & folded for names in needed):
            return index + 1
    return None


def map_header_row(tab: str, rows: Rows, header_row: int, columns: Sequence[ColumnSettings]) -> HeaderMap:
    """``map_headers`` on the campaign's header row; when the required headers sit in another row (a row was
    inserted or deleted above them), the SchemaError names that row instead of suggesting a rename."""
    header = header_cells(rows, header_row)
    try:
        return map_headers(tab, header, columns, row=header_row)
    except SchemaError as exc:
        required = [(c.header, *c.aliases) for c in columns if c.required or c.role is ColumnRole.UNIT_NAME]
        found = row_with_headers(rows, required, skip=header_row)
        if found is None:
            raise
        raise SchemaError(tab, exc.missing, (), header_row=header_row, found_in_row=found) from exc
