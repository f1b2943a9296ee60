"""Roll-up source: the status.json files of lower-level instances, read as one virtual tab.

A province instance consolidates the district instances' results: each child status.json
(CONTRACT §5) becomes one row — unit name = the child's ``campaign.id`` (the parent's roster lists
it as an alias of the child unit), date = the child's ``generated_at``, one cell per count metric.
The header row uses the parent campaign's own headers, so the pipeline runs unchanged.
"""

from __future__ import annotations

import glob
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from aggregator.adapters.files import atomic_write
from aggregator.adapters.xlsx import render_dashboard
from aggregator.campaign import ColumnSettings
from aggregator.errors import SourceError
from aggregator.models import (
    NUMERIC_TYPES,
    CellValue,
    ColumnRole,
    ColumnType,
    DashboardLayout,
    RawTab,
    Snapshot,
    SourceKind,
    WorkerTab,
)

REQUIRED_PARTS = ("campaign", "totals", "metrics")
FILE_HEADER = "Tệp status.json"  # beside each virtual row: where it was read (not a campaign column)
_HINT = ("Check `source.paths` in the campaign file, or run the lower-level instance again so it rewrites "
         "its status.json.")


class StatusFilesSource:
    """Reads every child status.json matched by ``patterns`` (relative to ``base_dir``)."""

    def __init__(self, patterns: Sequence[str], base_dir: Path, tab: str,
                 columns: Sequence[ColumnSettings], own_id: str = "") -> None:
        self.own_id = own_id  # this instance's own status.json may match the patterns: never read as a child
        self.patterns = tuple(patterns)
        self.base_dir = base_dir
        self.tab = tab
        self.columns = tuple(columns)
        self.last: Snapshot | None = None  # the latest read, for the dashboard workbook

    def _shown(self, path: Path) -> str:
        """The file as the campaign file names it: relative to its folder when inside it."""
        try:
            return path.relative_to(self.base_dir.resolve()).as_posix()
        except ValueError:
            return str(path)

    @property
    def ref(self) -> str:
        return ", ".join(self.patterns)

    def files(self) -> list[Path]:
        """The matched files: sorted, each once, in a deterministic order."""
        found: set[Path] = set()
        for pattern in self.patterns:
            full = pattern if Path(pattern).is_absolute() else str(self.base_dir / pattern)
            found |= {Path(p).resolve() for p in glob.glob(full, recursive=True) if Path(p).is_file()}
        if not found:
            raise SourceError(f"No status.json file matches the roll-up pattern(s) {self.ref} "
                              f"(relative to {self.base_dir}).", _HINT)
        return sorted(found)

    def read(self) -> Snapshot:
        paths = self.files()
        found = [(path, child) for path, child in zip(paths, _load_children(paths), strict=True)
                 if child["campaign"]["id"] != self.own_id]
        _refuse_ties(found)
        children = [child for _, child in found]
        keys = {key for child in children for key in child["metrics"]}
        fields = _fields(self.columns, keys)
        rows: list[tuple[CellValue, ...]] = [(*(c.header for c in fields), FILE_HEADER)]
        rows += [(*_row(child, fields), self._shown(path)) for path, child in found]
        tab = RawTab(self.tab, tuple(rows), weights=_weights(children, fields), ranges=_ranges(children, fields),
                     coverage=(None, *map(_coverage, children)))
        self.last = Snapshot(SourceKind.STATUS_FILES, self.ref, tab, (self.tab,))
        return self.last


def _refuse_ties(found: Sequence[tuple[Path, dict[str, Any]]]) -> None:
    """Two files of one child produced at the same moment with different figures: nobody can tell which one
    counts, so neither is picked silently."""
    seen: dict[tuple[str, Any], tuple[Path, dict[str, Any]]] = {}
    for path, child in found:
        key = (child["campaign"]["id"], child.get("figures_at") or child.get("generated_at"))
        if key in seen and seen[key][1]["metrics"] != child["metrics"]:
            raise SourceError(
                f"The roll-up files {seen[key][0]} and {path} are both {key[0]!r} as of {key[1]}, with different "
                "figures: nobody can tell which one counts.",
                "Remove or move the stale copy (or run that instance again so its status.json is the newest), "
                "then run again.")
        seen.setdefault(key, (path, child))


def _load_children(paths: Sequence[Path]) -> list[dict[str, Any]]:
    """Every child document; every unusable file is named in one error (fix them all, run once)."""
    children, broken = [], []
    for path in paths:
        try:
            children.append(_load_child(path))
        except SourceError as exc:
            broken.append(exc)
    if len(broken) == 1:
        raise broken[0]
    if broken:
        raise SourceError(f"{len(broken)} roll-up files cannot be used: "
                          + " ".join(exc.what for exc in broken), _HINT)
    return children


def _load_child(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise SourceError(f"The roll-up file {path} is not UTF-8 text.", _HINT) from exc
    except ValueError as exc:
        raise SourceError(f"The roll-up file {path} is not valid JSON ({exc}).", _HINT) from exc
    except OSError as exc:
        raise SourceError(f"The roll-up file {path} cannot be read ({exc.strerror}).", _HINT) from exc
    if not isinstance(document, dict):
        raise SourceError(f"The roll-up file {path} is not a status.json document (not a JSON object).", _HINT)
    problems = [f"it has no `{part}` object" for part in REQUIRED_PARTS if not isinstance(document.get(part), dict)]
    if not problems and not isinstance(document["campaign"].get("id"), str):
        problems.append("its `campaign` has no `id`")
    if document.get("schema", 1) != 1:
        problems.append(f"its schema {document.get('schema')!r} is not 1")
    if problems:
        raise SourceError(f"The roll-up file {path} is not a usable status.json: {'; '.join(problems)}.", _HINT)
    return document


def _fields(columns: Sequence[ColumnSettings], keys: set[str]) -> list[ColumnSettings]:
    """The parent's columns the virtual tab carries: the unit name, the date, the metrics children have."""
    roles = (ColumnRole.UNIT_NAME, ColumnRole.SUBMITTED_AT)
    return [c for c in columns if c.role in roles or (c.type in NUMERIC_TYPES and c.key in keys)]


def _row(child: dict[str, Any], fields: Sequence[ColumnSettings]) -> tuple[CellValue, ...]:
    cells: list[CellValue] = []
    for column in fields:
        if column.role is ColumnRole.UNIT_NAME:
            cells.append(child["campaign"]["id"])
        elif column.role is ColumnRole.SUBMITTED_AT:  # when its figures were produced, not its latest cycle
            produced = child.get("figures_at") or child.get("generated_at")
            cells.append(produced if isinstance(produced, str) else None)
        else:
            value = child["metrics"].get(column.key)
            cells.append(value if isinstance(value, int | float | str) and not isinstance(value, bool) else None)
    return tuple(cells)


def _weights(children: Sequence[dict[str, Any]], fields: Sequence[ColumnSettings]) -> dict[int, tuple[int, ...]]:
    """A child's percent is a mean over its ``n`` units: the parent weighs it by that (CONTRACT §5)."""
    weights = {}
    for position, column in enumerate(fields):
        if column.type is ColumnType.PERCENT:
            counts = [_child_n(child, column.key) for child in children]
            weights[position] = (1, *counts)  # row 0 is the header
    return weights


def _coverage(child: dict[str, Any]) -> tuple[int, int] | None:
    """How many of its own units the child's figures stand for: (reported, expected) from its totals."""
    totals = child["totals"]
    reported, expected = totals.get("units_reported"), totals.get("units_expected")
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in (reported, expected)):
        return None
    return (reported, expected) if expected > 0 and reported <= expected else None


def _child_stats(child: dict[str, Any], key: str) -> dict[str, Any]:
    stats = child.get("metric_stats")
    found = stats.get(key) if isinstance(stats, dict) else None
    return found if isinstance(found, dict) else {}


def _child_n(child: dict[str, Any], key: str) -> int:
    n = _child_stats(child, key).get("n")
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 1


def _child_range(child: dict[str, Any], key: str) -> tuple[float, float] | None:
    """The lowest and highest unit values behind a child's percent mean (its own ``metric_stats``)."""
    stats = _child_stats(child, key)
    low, high = stats.get("min"), stats.get("max")
    if isinstance(low, bool) or isinstance(high, bool) or not isinstance(low, int | float) \
            or not isinstance(high, int | float):
        return None
    return float(low), float(high)


def _ranges(children: Sequence[dict[str, Any]],
            fields: Sequence[ColumnSettings]) -> dict[int, tuple[tuple[float, float] | None, ...]]:
    """Per percent column, each child's (min, max): the parent's extremes are its units', not the means'."""
    return {position: (None, *[_child_range(child, column.key) for child in children])  # row 0: the header
            for position, column in enumerate(fields) if column.type is ColumnType.PERCENT}


class StatusFilesDashboardSink:
    """Writes a new workbook: the dashboard tab, plus the virtual roll-up tab its links point at."""

    def __init__(self, out_path: Path, source: StatusFilesSource | None = None) -> None:
        self.out_path = out_path
        self.source = source

    def write(self, layout: DashboardLayout, decisions: WorkerTab | None = None) -> str:
        """``decisions`` is ignored: a roll-up has no agency rows for the office to settle."""
        snapshot = self.source.last if self.source else None
        if snapshot is None:
            layout = replace(layout, links=())  # no source tab to link to

        def build(tmp: Path) -> None:
            workbook = Workbook()
            sheet = workbook.active
            assert isinstance(sheet, Worksheet)  # a new workbook holds one worksheet, active
            sheet.title = layout.tab_title
            render_dashboard(sheet, layout)
            if snapshot is not None and snapshot.tab.title != layout.tab_title:
                _write_tab(workbook, snapshot.tab)
            workbook.save(tmp)

        atomic_write(self.out_path, build)
        return str(self.out_path)


def _write_tab(workbook: Workbook, tab: RawTab) -> None:
    sheet = workbook.create_sheet(tab.title)
    for r, row in enumerate(tab.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c)
            cell.value = unicodedata.normalize("NFC", value) if isinstance(value, str) else value
            if isinstance(value, str):
                cell.data_type = "s"  # data, never a formula
