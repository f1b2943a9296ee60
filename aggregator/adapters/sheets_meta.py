"""What the metadata GET says about a spreadsheet, parsed into plain values. Pure: no I/O.

``GET spreadsheets/{id}?fields=properties(timeZone,locale),sheets(properties,protectedRanges,
developerMetadata,merges)`` is the cycle's first request; everything the write path decides (which tab is
the dashboard, its grid size, whether it is protected and formatted, which duplicates an earlier,
interrupted run left behind) comes from here, and the agency tab's merged cells (sheet/merges.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from aggregator.adapters import sheets_format as fmt
from aggregator.adapters import sheets_worker_tab as worker
from aggregator.errors import ConfigError
from aggregator.sheet.merges import Merge

_ID_IN_URL = re.compile(r"/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
_BARE_ID = re.compile(r"^[A-Za-z0-9_-]{10,}$")
OWN_DESCRIPTIONS = (fmt.PROTECTION_DESCRIPTION, worker.PROTECTION_DESCRIPTION)
METADATA_FIELDS = "properties(timeZone,locale),sheets(properties,protectedRanges,developerMetadata,merges)"


def spreadsheet_id(ref: str) -> str:
    """The id from a spreadsheet URL (``…/spreadsheets/d/<id>/edit#gid=0``) or a bare id."""
    ref = ref.strip()
    found = _ID_IN_URL.search(ref)
    if found:
        return found.group(1)
    if _BARE_ID.match(ref):
        return ref
    raise ConfigError("source.spreadsheet", [f"{ref!r} is neither a Google spreadsheet URL nor an id"],
                      "Copy the URL from the browser's address bar: https://docs.google.com/spreadsheets/d/<id>/edit")


def loose(title: str) -> str:
    """A tab title compared the way people see it: NFC, case-folded, spacing collapsed."""
    return " ".join(unicodedata.normalize("NFC", title).casefold().split())


@dataclass(frozen=True)
class TabInfo:
    """What the metadata GET says about one tab.

    ``own_protections`` and ``signature_ids`` list every protection and signature entry this
    program made on the tab; more than one of either is a leftover of an interrupted write
    (issue 8, item 6) that the next write removes.
    """

    sheet_id: int
    title: str
    rows: int
    cols: int
    protected: bool
    signature: str | None = None
    signature_id: int | None = None
    own_protections: tuple[int, ...] = ()
    signature_ids: tuple[int, ...] = ()
    merges: tuple[Merge, ...] = ()


def _own_protections(sheet: Mapping[str, Any]) -> tuple[int, ...]:
    """Protected ranges we add: the whole tab, warning only, with our description (the dashboard's, or the
    decisions tab's, which leaves its answer column open)."""
    return tuple(int(p["protectedRangeId"]) for p in sheet.get("protectedRanges", [])
                 if p.get("description") in OWN_DESCRIPTIONS and p.get("warningOnly")
                 and not set(p.get("range", {})) - {"sheetId"} and "protectedRangeId" in p)


def _tab(sheet: Mapping[str, Any]) -> TabInfo:
    props = sheet.get("properties", {})
    grid = props.get("gridProperties", {})
    mine = [m for m in sheet.get("developerMetadata", []) if m.get("metadataKey") == fmt.SIGNATURE_KEY]
    return TabInfo(
        sheet_id=int(props.get("sheetId", 0)),  # the API omits a 0 in some places
        title=str(props.get("title", "")),
        rows=int(grid.get("rowCount", 0)),
        cols=int(grid.get("columnCount", 0)),
        protected=bool(sheet.get("protectedRanges")),
        signature=mine[0].get("metadataValue") if mine else None,
        signature_id=mine[0].get("metadataId") if mine else None,
        own_protections=_own_protections(sheet),
        signature_ids=tuple(int(m["metadataId"]) for m in mine if "metadataId" in m),
        merges=merges_from_ranges(sheet.get("merges", ())),
    )


def parse_metadata(doc: Mapping[str, Any]) -> dict[str, TabInfo]:
    """``GET spreadsheets/{id}`` → tabs by title, in tab order."""
    tabs = [(int(sheet.get("properties", {}).get("index", i)), _tab(sheet))
            for i, sheet in enumerate(doc.get("sheets", []))]
    return {info.title: info for _, info in sorted(tabs, key=lambda item: item[0])}


def spreadsheet_settings(doc: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(``properties.timeZone``, ``properties.locale``), None where the reply lacks them."""
    props = doc.get("properties", {})
    zone, locale = props.get("timeZone"), props.get("locale")
    return (str(zone) if zone else None), (str(locale) if locale else None)


def merges_from_ranges(ranges: Iterable[object]) -> tuple[Merge, ...]:
    """Google's ``sheets[].merges`` (GridRanges; an index of 0 is omitted) as blocks; anything malformed or
    unbounded is left out."""
    found = []
    for grid in ranges:
        if not isinstance(grid, Mapping) or "endRowIndex" not in grid or "endColumnIndex" not in grid:
            continue
        try:
            block = Merge(int(grid.get("startRowIndex", 0)), int(grid["endRowIndex"]),
                          int(grid.get("startColumnIndex", 0)), int(grid["endColumnIndex"]))
        except (TypeError, ValueError):
            continue
        if 0 <= block.first_row < block.end_row and 0 <= block.first_column < block.end_column:
            found.append(block)
    return tuple(found)
