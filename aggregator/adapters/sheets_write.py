"""The Google spreadsheet's write path: the dashboard tab and the decisions tab, in as few writes as possible.

Per cycle at most: one ``addSheet`` batch (the first cycle: every missing tab at once), one
``spreadsheets:batchUpdate`` when the formatting of either tab changed (its signature), and one RAW
``values:batchUpdate`` covering both tabs (nothing when neither changed, only the "as of" cell when just
the time moved). Only the worker's own tabs ever appear in a write.

Structural writes are not idempotent: after one that got no clear answer the state is read again
(``_converge``), never sent blindly; every write also removes duplicates an earlier, interrupted run left.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from aggregator.adapters import sheets_format as fmt
from aggregator.adapters import sheets_worker_tab as worker
from aggregator.adapters.retry import MaybeApplied, RetryPolicy
from aggregator.adapters.sheets_http import SheetsTransport, batch_update, values_batch_update
from aggregator.adapters.sheets_meta import TabInfo
from aggregator.errors import OutputError, SourceError, TransientSourceError
from aggregator.models import DashboardLayout, WorkerTab
from aggregator.outputs.dashboard import STYLE_PALETTE

log = logging.getLogger(__name__)
NOT_IDEMPOTENT = frozenset({"addSheet", "addProtectedRange", "createDeveloperMetadata",
                            "deleteProtectedRange", "deleteDeveloperMetadata"})
Rows = tuple[tuple[Any, ...], ...]
Json = dict[str, Any]


@dataclass(frozen=True)
class Target:
    """A tab to bring up to date: the dashboard (``layout``) or the decisions tab (``tab``)."""

    title: str
    existing: Rows  # what it showed at the cycle's read
    layout: DashboardLayout | None = None
    tab: WorkerTab | None = None

    @property
    def role(self) -> str:
        return "dashboard" if self.layout is not None else "decisions"

    @property
    def size(self) -> tuple[int, int]:
        if self.layout is not None:
            rows, cols = fmt.grid_size(self.layout)
        else:
            assert self.tab is not None  # a target is the dashboard or the decisions tab
            rows, cols = self.tab.rows, self.tab.cols
        old_rows, old_cols = fmt.extent(self.existing)
        return max(rows, old_rows), max(cols, old_cols)


class TabWriting:
    """The write half of ``GoogleSheet`` (adapters/sheets.py), which provides these attributes."""

    id: str
    tab: str
    _wire: SheetsTransport
    _retry: RetryPolicy
    _protect: bool
    _tabs: dict[str, TabInfo] | None
    _agency_title: str | None
    _load_metadata: Callable[[], dict[str, TabInfo]]

    def _converge(self, targets: Sequence[Target], tabs: dict[str, TabInfo]) -> dict[str, TabInfo]:
        """Tabs, formats and protection as the targets need them. After a structural write that may
        have been applied, look (re-read the metadata) instead of sending it again."""
        for attempt in range(1, self._retry.max_attempts + 1):
            try:
                return self._structure(targets, tabs)
            except MaybeApplied as unsure:
                if attempt == self._retry.max_attempts:
                    raise TransientSourceError(
                        f"Google Sheets gave no clear answer to {unsure.what} {attempt} times ({unsure.fault.reason}).",
                        "The agency tabs were not touched; the next cycle reads the spreadsheet again and "
                        "finishes the dashboard from what is there.") from unsure
                log.warning("%s got no clear answer (%s); re-reading the spreadsheet before going on",
                            unsure.what, unsure.fault.reason)
                self._wire.pause(self._retry.delay(attempt), unsure.what)
                tabs = self._load_metadata()
        raise AssertionError("unreachable")  # pragma: no cover

    def _structure(self, targets: Sequence[Target], tabs: dict[str, TabInfo]) -> dict[str, TabInfo]:
        missing = [t for t in targets if t.title not in tabs]
        for target in targets:
            if target.title in tabs:
                self._refuse_foreign_tab(tabs[target.title], tabs, target.existing)
        infos = {t.title: tabs[t.title] for t in targets if t.title in tabs}
        if missing:
            infos |= self._add_tabs(missing)
            targets = [replace(t, existing=()) if t in missing else t for t in targets]
        return self._apply_format(targets, infos, {**tabs, **infos})

    def _refuse_foreign_tab(self, info: TabInfo, tabs: Mapping[str, TabInfo], existing: Rows) -> None:
        agency = tabs.get(self._agency_title or self.tab)
        ours = info.signature is not None or not fmt.trimmed(existing)
        if not ours or (agency is not None and agency.sheet_id == info.sheet_id):
            raise OutputError(
                f"Spreadsheet {self.id} already has a tab {info.title!r} with data that aggregator did not "
                "write; the worker will not overwrite it.",
                "Rename that tab, or set `dashboard.tab` (or `decisions.tab`) in the campaign file to a new name "
                "(the worker creates the tab itself).",
            )

    def _add_tabs(self, targets: Sequence[Target]) -> dict[str, TabInfo]:
        body = {"requests": [fmt.add_sheet_request(t.title, *t.size) for t in targets]}
        # The typed replies carry the new gids; a reply of another shape is an error like any other.
        replies = self._wire.call(f"creating the {_roles(targets)}",
                                  lambda http: [r["addSheet"]["properties"]
                                                for r in batch_update(http, self.id, body)["replies"]],
                                  idempotent=False)
        infos = {}
        for props in replies:
            grid = props.get("gridProperties", {})
            info = TabInfo(int(props.get("sheetId", 0)), str(props.get("title", "")),
                           int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0)), protected=False)
            log.debug("created the tab %r (gid %s) in %s", info.title, info.sheet_id, self.id)
            self._remember(info)
            infos[info.title] = info
        return infos

    def _format_batch(self, target: Target, info: TabInfo, gids: Mapping[str, int]) -> tuple[list[Json], str]:
        """(requests, signature): what must change on one tab; duplicates left by an earlier run go."""
        if target.layout is not None:
            formats = fmt.format_requests(target.layout, info.sheet_id, gids, STYLE_PALETTE)
            protection = fmt.protect_request(info.sheet_id)
        else:
            assert target.tab is not None
            formats = worker.format_requests(target.tab, info.sheet_id, gids, STYLE_PALETTE)
            protection = worker.protect_request(info.sheet_id, target.tab.editable_col)
        signature = fmt.signature(formats)
        rows, cols = (max(a, b) for a, b in zip(target.size, (info.rows, info.cols), strict=True))
        batch: list[Json] = []
        if (rows, cols) != (info.rows, info.cols):
            batch.append(fmt.resize_request(info.sheet_id, rows, cols))
        if signature != info.signature:
            batch += [*formats, fmt.signature_request(info.sheet_id, signature, info.signature_id)]
        if self._protect and not info.protected:
            batch.append(protection)
        batch += fmt.duplicate_removals(info.own_protections[1:], info.signature_ids[1:])
        return batch, signature

    def _apply_format(self, targets: Sequence[Target], infos: dict[str, TabInfo],
                      tabs: Mapping[str, TabInfo]) -> dict[str, TabInfo]:
        """One ``spreadsheets:batchUpdate`` for every tab whose formats, size or protection must change."""
        gids = {title: tab.sheet_id for title, tab in tabs.items()}
        batch: list[Json] = []
        signatures: dict[str, str] = {}
        changed = []
        for target in targets:
            requests, signatures[target.title] = self._format_batch(target, infos[target.title], gids)
            batch += requests
            changed += [target] if requests else []
        if not batch:
            return infos
        structural = any(name in NOT_IDEMPOTENT for request in batch for name in request)
        reply = self._wire.call(f"formatting the {_roles(changed)}",
                                lambda http: batch_update(http, self.id, {"requests": batch}),
                                idempotent=not structural)
        made = [r["createDeveloperMetadata"]["developerMetadata"] for r in reply.get("replies", [])
                if "createDeveloperMetadata" in r]
        # the API omits a 0 sheetId in the location it returns
        created = {int(m.get("location", {}).get("sheetId", 0)): m.get("metadataId") for m in made}
        for target in targets:
            info = infos[target.title]
            rows, cols = (max(a, b) for a, b in zip(target.size, (info.rows, info.cols), strict=True))
            signature_id = created.get(info.sheet_id, info.signature_id)
            infos[target.title] = info = replace(
                info, rows=rows, cols=cols, signature=signatures[target.title], signature_id=signature_id,
                protected=info.protected or self._protect, own_protections=info.own_protections[:1],
                signature_ids=(signature_id,) if signature_id is not None else ())
            self._remember(info)
        log.debug("formatted the worker's tabs (%d requests)", len(batch))
        return infos

    # Values ---------------------------------------------------------------------------------

    def _dashboard_data(self, info: TabInfo, layout: DashboardLayout, existing: Rows) -> tuple[list[Json], bool]:
        """(the dashboard's ranges to write, whether only its "as of" cell changed)."""
        if fmt.same_values(layout, existing, ignore_as_of=False):
            return [], False
        if fmt.trimmed(existing) and fmt.same_values(layout, existing, ignore_as_of=True):
            return fmt.as_of_body(info.title, layout)["data"], True
        return fmt.values_body(info.title, layout, fmt.extent(existing))["data"], False

    def _apply_values(self, targets: Sequence[Target], infos: Mapping[str, TabInfo]) -> None:
        """One RAW ``values:batchUpdate`` for both tabs, or nothing.

        A failure to write only the "as of" cell is logged and the cycle goes on: the dashboard
        already shows this cycle's data, merely stamped with the previous time.
        """
        data: list[Json] = []
        as_of_only = True
        for target in targets:
            info = infos[target.title]
            if target.layout is not None:
                found, just_time = self._dashboard_data(info, target.layout, target.existing)
                as_of_only = as_of_only and (just_time or not found)
            else:
                assert target.tab is not None
                found = worker.values_data(replace(target.tab, title=info.title), target.existing)
                as_of_only = as_of_only and not found
            data += found
        if not data:
            log.debug("the worker's tabs are up to date; nothing written")
            return
        what = "the dashboard's 'as of' cell" if as_of_only else "the dashboard and decisions values"
        body = {"valueInputOption": "RAW", "data": data}
        try:
            self._wire.call(f"writing {what}", lambda http: values_batch_update(http, self.id, body))
        except SourceError as exc:
            if not as_of_only:
                raise
            log.warning("could not update %s (%s); the data on the dashboard is current, only its time "
                        "stamp is not", what, exc.what)
            return
        log.debug("wrote %s (%d ranges)", what, len(data))

    def _remember(self, info: TabInfo) -> None:
        if self._tabs is not None:
            self._tabs[info.title] = info


def _roles(targets: Sequence[Target]) -> str:
    """"dashboard tab", "dashboard and decisions tabs" (for messages)."""
    roles = [t.role for t in targets]
    return f"{roles[0]} tab" if len(roles) == 1 else f"{' and '.join(roles)} tabs"
