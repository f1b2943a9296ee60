"""``spreadsheets:batchUpdate`` in the emulator: one handler per request kind the worker sends,
each returning its typed reply (``{}`` for untyped ones). Run against a copy of the book, so a
batch is all or nothing, as on Google."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator

from aggregator.devtools.sheets_state import (
    ApiError,
    Book,
    Json,
    Mask,
    Tab,
    check_protection,
    check_rule,
    grid_box,
    merge_masked,
    normalised_format,
    parse_mask,
)


class Batch:  # handler names are the API's request names
    """``spreadsheets:batchUpdate`` handlers; each returns its reply (``{}`` for untyped ones)."""

    def __init__(self, book: Book, ids: Iterator[int]) -> None:
        self.book, self.ids = book, ids

    def addSheet(self, req: Json) -> Json:
        props = {"title": f"Sheet{len(self.book.tabs) + 1}", **(req.get("properties") or {})}
        if any(t.title == props["title"] for t in self.book.tabs):
            raise ApiError(400, f'A sheet with the name "{props["title"]}" already exists. '
                                "Please enter another name.")
        grid = props.get("gridProperties", {})
        tab = Tab(props.get("sheetId", next(self.ids)), props["title"], grid.get("rowCount", 1000),
                  grid.get("columnCount", 26))
        index = props.get("index")
        self.book.tabs.insert(len(self.book.tabs) if index is None else min(int(index), len(self.book.tabs)), tab)
        return {"addSheet": {"properties": self.props(tab, self.book)}}

    def repeatCell(self, req: Json) -> Json:
        tab, (r0, c0, r1, c1) = grid_box(self.book, req["range"])
        tree, source = parse_mask(req["fields"]), req.get("cell", {})
        targets = [k for k in tab.formats if r0 <= k[0] <= r1 and c0 <= k[1] <= c1] if not source else \
            list(itertools.product(range(r0, r1 + 1), range(c0, c1 + 1)))
        for key in targets:
            self._merge(tab, key, source, tree)
        return {}

    @staticmethod
    def _merge(tab: Tab, key: tuple[int, int], source: Json, tree: Mask) -> None:
        cell = tab.formats.setdefault(key, {})
        merge_masked(cell, source, tree)
        if "userEnteredFormat" in cell:
            cell["userEnteredFormat"] = normalised_format(cell["userEnteredFormat"])
        if not cell:
            del tab.formats[key]

    def updateCells(self, req: Json) -> Json:
        start = req.get("start") or req["range"]
        tab = self.book.tab(sheet_id=start.get("sheetId", 0))
        r0 = start.get("rowIndex", start.get("startRowIndex", 0))
        c0 = start.get("columnIndex", start.get("startColumnIndex", 0))
        tree = parse_mask(req["fields"])
        for r, row in enumerate(req.get("rows", []), start=r0):
            for c, data in enumerate(row.get("values", []), start=c0):
                if "userEnteredValue" in tree or "*" in tree:
                    kind, value = next(iter(data.get("userEnteredValue", {"stringValue": ""}).items()))
                    tab.cells[(r, c)] = value
                    (tab.formulas.add if kind == "formulaValue" else tab.formulas.discard)((r, c))
                self._merge(tab, (r, c), data, {k: v for k, v in tree.items() if k != "userEnteredValue"})
        return {}

    def updateDimensionProperties(self, req: Json) -> Json:
        rng = req["range"]
        tab = self.book.tab(sheet_id=rng.get("sheetId", 0))
        span = range(rng["startIndex"], rng["endIndex"])
        if rng["dimension"] == "COLUMNS" and "pixelSize" in req["fields"]:
            size = req["properties"]["pixelSize"]
            tab.widths.update({i: size for i in span})
        if rng["dimension"] == "COLUMNS" and "hiddenByUser" in req["fields"]:
            hide = bool(req["properties"].get("hiddenByUser"))
            tab.hidden_cols = (tab.hidden_cols | set(span)) if hide else (tab.hidden_cols - set(span))
        return {}

    def setDataValidation(self, req: Json) -> Json:
        """A rule on every cell of the range (stored as the cells' ``dataValidation``), or none: cleared."""
        tab, (r0, c0, r1, c1) = grid_box(self.book, req["range"])
        rule = req.get("rule")
        if rule:
            check_rule(self.book, rule)
        for key in itertools.product(range(r0, r1 + 1), range(c0, c1 + 1)):
            if rule:
                tab.formats.setdefault(key, {})["dataValidation"] = copy.deepcopy(rule)
            elif "dataValidation" in tab.formats.get(key, {}):
                del tab.formats[key]["dataValidation"]
                if not tab.formats[key]:
                    del tab.formats[key]
        return {}

    def updateSheetProperties(self, req: Json) -> Json:
        tab = self.book.tab(sheet_id=req["properties"].get("sheetId", 0))
        props = self.props(tab, self.book)
        merge_masked(props, req["properties"], parse_mask(req["fields"]))
        grid = props.get("gridProperties", {})
        tab.title, tab.rows, tab.cols = props["title"], grid["rowCount"], grid["columnCount"]
        tab.grid_props = {k: v for k, v in grid.items() if k not in ("rowCount", "columnCount")}
        if props["index"] != self.book.tabs.index(tab):  # moving a tab shifts the others
            self.book.tabs.remove(tab)
            self.book.tabs.insert(min(int(props["index"]), len(self.book.tabs)), tab)
        return {}

    def addProtectedRange(self, req: Json) -> Json:
        pr = copy.deepcopy(req["protectedRange"])
        tab = self.book.tab(sheet_id=pr.get("range", {}).get("sheetId", 0))
        check_protection(pr, tab)
        pr.update(protectedRangeId=next(self.ids), requestingUserCanEdit=True)
        if pr.get("range", {}).get("sheetId") == 0:
            del pr["range"]["sheetId"]  # the API omits a 0 sheetId in GridRanges it returns
        tab.protected.append(pr)
        return {"addProtectedRange": {"protectedRange": pr}}

    def deleteProtectedRange(self, req: Json) -> Json:
        pid = int(req["protectedRangeId"])
        for tab in self.book.tabs:
            kept = [p for p in tab.protected if p.get("protectedRangeId") != pid]
            if len(kept) != len(tab.protected):
                tab.protected = kept
                return {}
        raise ApiError(400, f"No protected range with id: {pid}")

    def createDeveloperMetadata(self, req: Json) -> Json:
        dm = copy.deepcopy(req["developerMetadata"])
        tab = self.book.tab(sheet_id=dm["location"]["sheetId"])
        dm.setdefault("metadataId", next(self.ids))
        dm["location"] = {"locationType": "SHEET", "sheetId": tab.sheet_id}
        tab.metadata.append(dm)
        return {"createDeveloperMetadata": {"developerMetadata": dm}}

    def updateDeveloperMetadata(self, req: Json) -> Json:
        lookups = [f["developerMetadataLookup"] for f in req["dataFilters"]]
        found = [dm for t in self.book.tabs for dm in t.metadata
                 if any(all(dm.get(k) == v for k, v in lk.items()) for lk in lookups)]
        if not found:
            raise ApiError(400, "No developer metadata matches the data filters.")
        for dm in found:
            merge_masked(dm, req["developerMetadata"], parse_mask(req["fields"]))
        return {"updateDeveloperMetadata": {"developerMetadata": found}}

    def deleteDeveloperMetadata(self, req: Json) -> Json:
        lookup = req["dataFilter"]["developerMetadataLookup"]
        deleted = []
        for tab in self.book.tabs:
            deleted += [dm for dm in tab.metadata if all(dm.get(k) == v for k, v in lookup.items())]
            tab.metadata = [dm for dm in tab.metadata if dm not in deleted]
        return {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": deleted}}

    @staticmethod
    def props(tab: Tab, book: Book) -> Json:
        grid = {"rowCount": tab.rows, "columnCount": tab.cols, **tab.grid_props}
        return {"sheetId": tab.sheet_id, "title": tab.title, "index": book.tabs.index(tab),
                "sheetType": "GRID", "gridProperties": grid}

