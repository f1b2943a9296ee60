"""The .xlsx source (read-only, never modified) and its dashboard sink (a copy under out/)."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO, cast

from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from aggregator.adapters.files import atomic_write
from aggregator.campaign.roster import REQUIRED, roster_header
from aggregator.errors import OutputError, RosterError, SourceError, did_you_mean, missing_roster_tab
from aggregator.models import (
    CellLink,
    CellValue,
    DashboardLayout,
    DashboardValue,
    RawTab,
    Snapshot,
    SourceKind,
    StyledRange,
    WorkerTab,
)
from aggregator.outputs.dashboard import STYLE_PALETTE
from aggregator.sheet.merges import Merge

_SAVE_HINT = "Open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook), then run again."
_DAMAGED_HINT = ("Open it in Excel or LibreOffice: if it opens, save it again as .xlsx (Excel Workbook) and run "
                 "again; if it does not, restore an earlier copy of it (or download the spreadsheet again).")
# What a damaged workbook raises as its parts are read: broken XML (xml.etree's ParseError and lxml's XMLSyntaxError
# are SyntaxErrors), a part whose compressed bytes or checksum are wrong, a part cut short
_DAMAGED = (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a Compound File: old .xls, or an encrypted workbook
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # where Office puts a password-protected .xlsx
_PASSWORD_HINT = ("Open it in Excel or LibreOffice with its password and save a copy without one (Excel: File > "
                  "Info > Protect Workbook > Encrypt with Password, clear the password; LibreOffice: File > Save "
                  "As, untick \"Save with password\"), point `source.path` or --source at that copy and run again.")
# openpyxl types a value as anything a workbook may hold. Read with data_only=True (formulas' cached results) and
# without rich text, it is one of CellValue's, or rarely a time or a duration, which the frame reads as any other
# object (CellKind.OTHER).
_Rows = tuple[tuple[CellValue, ...], ...]


def _not_a_workbook(path: Path) -> SourceError:
    """Say what the file is instead: encrypted, an old .xls, text, or something else."""
    data = path.read_bytes() if path.is_file() else b""
    if data.startswith(_OLE2_MAGIC) and _ENCRYPTED_STREAM in data:
        return SourceError(f"The source file {path} is protected with a password (an encrypted workbook), "
                           "so it cannot be read.", _PASSWORD_HINT)
    if data.startswith(_OLE2_MAGIC):
        return SourceError(f"The source file {path} is an old Excel 97-2003 workbook (.xls), not .xlsx.", _SAVE_HINT)
    head = data[:200]
    text = bool(head) and b"\x00" not in head and not head.startswith(b"PK")
    kind = "CSV or other text, not an .xlsx workbook" if text else "not a valid .xlsx workbook"
    return SourceError(f"The source file {path} is {kind}.", _SAVE_HINT)


def _open(path: Path, *, read_only: bool) -> Workbook:
    try:
        # a workbook saved under another name (".csv") is read from its bytes: openpyxl goes by the name otherwise
        named = path.suffix.lower() in (".xlsx", ".xlsm", ".xltx", ".xltm")
        return load_workbook(path if named else io.BytesIO(path.read_bytes()), read_only=read_only, data_only=True)
    except FileNotFoundError as exc:
        raise SourceError(f"The source file {path} does not exist.", "Check `source.path` or --source.") from exc
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        raise _not_a_workbook(path) from exc
    except _DAMAGED as exc:  # an .xlsx whose own parts are broken
        raise _damaged(path, "", exc) from exc
    except OSError as exc:
        raise SourceError(f"The source file {path} cannot be read ({exc.strerror}).") from exc


def _damaged(path: Path, tab: str, error: BaseException) -> SourceError:
    """A workbook that opened as one but whose parts are broken: where (a tab, or anywhere at opening) and how."""
    where = f": its tab {tab!r} cannot be read" if tab else " and cannot be opened"
    return SourceError(f"The workbook {path} is damaged{where} ({_what_broke(error)}).", _DAMAGED_HINT)


def _what_broke(error: BaseException) -> str:
    return str(error).strip() or type(error).__name__


def workbook_titles(path: Path) -> tuple[str, ...]:
    """The workbook's tab titles, in order (raises SourceError for an unreadable file)."""
    workbook = _open(path, read_only=True)
    try:
        return tuple(workbook.sheetnames)
    finally:
        workbook.close()


def roster_rows(path: Path) -> tuple[str, _Rows, tuple[Merge, ...]]:
    """A roster kept as a workbook: the first tab whose first row names the roster's columns (its title, rows
    and merged blocks). Raises RosterError naming the tabs when none does, or what the file is when it is no
    workbook."""
    try:
        workbook = _open(path, read_only=True)
    except SourceError as exc:
        raise RosterError(exc.what.replace("The source file", "The roster file", 1),
                          "Open it in Excel or LibreOffice, save it as .xlsx (without a password) or as CSV UTF-8, "
                          "point `roster` in the campaign file (or --roster) at it and run again.") from exc
    try:
        for title in workbook.sheetnames:
            rows = _values(path, workbook[title])
            if rows and roster_header(rows[0]):
                return title, rows, _merges(path, workbook[title])
        names = ", ".join(map(repr, workbook.sheetnames))
    except SourceError as exc:
        raise RosterError(exc.what.replace("The workbook", "The roster workbook", 1), exc.hint) from exc
    finally:
        workbook.close()
    raise RosterError(f"No tab of the roster workbook {path.name} ({names}) has the roster's columns "
                      f"({', '.join(REQUIRED)}) in its first row.",
                      "Put them in the first row of the roster's tab (see the README's roster columns), "
                      "or save the roster as CSV UTF-8, and run again.")


class XlsxSource:
    """Reads one tab's values (not formulas) from a workbook opened read-only."""

    def __init__(self, path: Path, tab: str, *, roster_tab: str | None = None) -> None:
        self.path = path
        self.tab = tab
        self.roster_tab = roster_tab  # the roster kept as a tab of the same workbook

    def read(self) -> Snapshot:
        workbook = _open(self.path, read_only=True)
        try:
            titles = tuple(workbook.sheetnames)
            if self.tab not in titles:
                raise SourceError(
                    f"The workbook {self.path.name} has no tab {self.tab!r}; its tabs are "
                    f"{', '.join(map(repr, titles))}.{did_you_mean(self.tab, titles)}",
                    "Fix `source.tab` in the campaign file.",
                )
            try:
                rows, percent_cells = _rows_and_percent_cells(workbook[self.tab])
                merges = _merges(self.path, workbook[self.tab])
            except _DAMAGED as exc:
                raise _damaged(self.path, self.tab, exc) from exc
            roster = self._roster(workbook, titles)
        finally:
            workbook.close()
        tab = RawTab(self.tab, rows, percent_cells=percent_cells, merges=merges)
        return Snapshot(SourceKind.XLSX, str(self.path), tab, titles, roster=roster)

    def _roster(self, workbook: Workbook, titles: tuple[str, ...]) -> RawTab | None:
        if self.roster_tab is None:
            return None
        if self.roster_tab not in titles:
            raise RosterError(missing_roster_tab(self.roster_tab, self.path.name, titles), "")
        sheet = workbook[self.roster_tab]
        return RawTab(self.roster_tab, _values(self.path, sheet), merges=_merges(self.path, sheet))


def _values(path: Path, sheet: Worksheet) -> _Rows:
    """A tab's values; SourceError when the workbook is damaged there."""
    try:
        return cast(_Rows, tuple(tuple(row) for row in sheet.iter_rows(values_only=True)))
    except _DAMAGED as exc:
        raise _damaged(path, sheet.title, exc) from exc


_MERGE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=[\"']([A-Z]+[0-9]+:[A-Z]+[0-9]+)[\"']")
_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>|<(?:[A-Za-z_][\w.-]*:)?sheetData\s*/>")


def _merges(path: Path, sheet: Worksheet) -> tuple[Merge, ...]:
    """The tab's merged blocks (0-based, end-exclusive). A workbook opened read-only does not keep them: they are
    read from the tab's XML part, where they follow the cells (``<mergeCells>``)."""
    part = getattr(sheet, "_worksheet_path", None)  # openpyxl's read-only sheet; looked up, not relied on
    if not isinstance(part, str):
        return ()
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part.lstrip("/")) as xml:
            tail = _after_cells(xml)
    except (KeyError, *_DAMAGED):  # the cells were read: a part that cannot be read again has no merges for us
        return ()
    blocks = []
    for ref in _MERGE_CELL.findall(tail):
        first_column, first_row, last_column, last_row = range_boundaries(ref.decode("ascii"))
        if None not in (first_column, first_row, last_column, last_row):  # the pattern allows nothing else
            blocks.append(Merge(cast(int, first_row) - 1, cast(int, last_row), cast(int, first_column) - 1,
                                cast(int, last_column)))
    return tuple(blocks)


def _after_cells(xml: IO[bytes]) -> bytes:
    """What follows the cells in a tab's XML, read in pieces of 1 MiB (the cells are most of the part)."""
    kept = b""
    while piece := xml.read(1 << 20):
        kept += piece
        if (end := _SHEET_DATA_END.search(kept)) is not None:
            return kept[end.end():] + xml.read()
        kept = kept[-32:]  # the closing tag may straddle two pieces
    return b""


def _rows_and_percent_cells(sheet: Worksheet) -> tuple[_Rows, frozenset[tuple[int, int]]]:
    """Values, and where a number sits in a cell formatted as a percentage (a typed 85% is stored as 0.85).

    Reading the cells (not values_only) costs the same in read-only mode; the format is only looked at for numbers.
    """
    rows: list[tuple[object, ...]] = []
    percent: set[tuple[int, int]] = set()
    for r, row in enumerate(sheet.iter_rows()):
        values = tuple(cell.value for cell in row)
        for c, value in enumerate(values):
            if type(value) in (int, float) and "%" in (getattr(row[c], "number_format", "") or ""):
                percent.add((r, c))
        rows.append(values)
    return cast(_Rows, tuple(rows)), frozenset(percent)


def _render(sheet: Worksheet, layout: DashboardLayout) -> None:
    _render_grid(sheet, layout.grid, layout.styles, layout.links, layout.column_widths, layout.frozen_rows)


def _render_worker_tab(sheet: Worksheet, tab: WorkerTab) -> None:
    """The decisions tab as an offline copy shows it: the answers filled in, the choices column hidden."""
    _render_grid(sheet, tab.shown, tab.styles, tab.links, tab.column_widths, tab.frozen_rows)
    for col in tab.hidden_cols:
        sheet.column_dimensions[get_column_letter(col + 1)].hidden = True


def _render_grid(sheet: Worksheet, grid: Sequence[Sequence[DashboardValue]], styles: Sequence[StyledRange],
                 links: Sequence[CellLink], widths: Sequence[int], frozen_rows: int) -> None:
    for r, row in enumerate(grid, start=1):
        for c, value in enumerate(row, start=1):
            if value in ("", None):
                continue
            cell = sheet.cell(row=r, column=c)
            cell.value = unicodedata.normalize("NFC", value) if isinstance(value, str) else value
            if isinstance(value, str):
                cell.data_type = "s"  # agency text is data, never a formula
            cell.alignment = Alignment(vertical="top", wrap_text=c in (3, 5, 9))
    for styled in styles:
        background, bold, colour = STYLE_PALETTE[styled.style]
        fill = PatternFill("solid", fgColor=background.lstrip("#"))
        for r in range(styled.start_row + 1, styled.end_row + 1):
            for c in range(styled.start_col + 1, styled.end_col + 1):
                cell = sheet.cell(row=r, column=c)
                cell.fill = fill
                cell.font = Font(bold=bold, color=colour.lstrip("#"))
    for link in links:
        cell = sheet.cell(row=link.row + 1, column=link.col + 1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{link.target_tab}'!{link.target_a1}")
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = round(width / 7, 1)
    sheet.freeze_panes = f"A{frozen_rows + 1}"
    # printed as landscape pages one sheet wide, as staff print it for meetings
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    fit = sheet.sheet_properties.pageSetUpPr or PageSetupProperties()  # openpyxl gives every new sheet one
    fit.fitToPage = True
    sheet.sheet_properties.pageSetUpPr = fit


render_dashboard = _render  # public: the roll-up sink (adapters/status_files.py) renders the same tab


class XlsxDashboardSink:
    """Writes the dashboard as a tab of a copy of the source workbook; the source is untouched."""

    def __init__(self, source: Path, out_path: Path) -> None:
        self.source = source
        self.out_path = out_path

    def write(self, layout: DashboardLayout, decisions: WorkerTab | None = None) -> str:
        def build(tmp: Path) -> None:
            shutil.copyfile(self.source, tmp)
            workbook = load_workbook(tmp)
            for title in (layout.tab_title, *([decisions.title] if decisions else [])):
                if title in workbook.sheetnames:
                    del workbook[title]
            if decisions is not None:
                _render_worker_tab(workbook.create_sheet(decisions.title, 0), decisions)
            sheet = workbook.create_sheet(layout.tab_title, 0)
            _render(sheet, layout)
            workbook.active = 0
            workbook.save(tmp)

        try:
            atomic_write(self.out_path, build)
        except (zipfile.BadZipFile, InvalidFileException) as exc:
            raise OutputError(f"Cannot copy {self.source} to write the dashboard.", _SAVE_HINT) from exc
        except _DAMAGED as exc:  # a tab the cycle does not read (read-only, the source tab only) is broken
            raise OutputError(f"Cannot copy {self.source} to write the dashboard: the workbook is damaged "
                              f"({_what_broke(exc)}).", _DAMAGED_HINT) from exc
        return str(self.out_path)
