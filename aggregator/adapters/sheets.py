"""The live Google spreadsheet: one batched read per cycle, the dashboard tab written back.

Requests per cycle (the whole budget; Google allows 60 reads and 60 writes per minute per user):

- read: one metadata GET (``fields`` = sheet properties, protected ranges and developer metadata,
  no cells) and one ``values:batchGet`` for the agency tab *and* the current dashboard tab;
- write: nothing when the dashboard already shows the same thing; only the "as of" cell when
  just the time moved; otherwise one RAW ``values:batchUpdate`` and, only when the formatting
  changed (signature below), one ``spreadsheets:batchUpdate``. The first cycle adds one
  ``addSheet``.

The formatting signature is a hash of the formatting requests kept as developer metadata on the
dashboard tab: invisible to staff, not editable from the UI, deleted with the tab (a recreated
tab is reformatted), written in the same atomic batch as the formats it describes, and read back
by the metadata GET the cycle makes anyway. It also marks the tab as ours: a tab with the
dashboard's name, data and no signature was not made by us and is never overwritten.

Metadata is fetched once per ``read()`` (the pipeline builds one object per cycle and ``write()``
reuses it): the gids, the grid size and the protection state must be fresh when a person renames,
deletes or recreates tabs between cycles, and one small read every few minutes is far from quota.

Only the dashboard tab's title or sheetId ever appears in a write; agency tabs are only read.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import gspread
import requests
from google.auth.exceptions import GoogleAuthError, RefreshError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from aggregator.adapters import sheets_format as fmt
from aggregator.adapters.google_auth import email_from, emulator_factory, key_path, load_credentials, read_key
from aggregator.adapters.retry import RetryPolicy, call_with_retry
from aggregator.errors import (
    AggregatorError,
    ConfigError,
    CredentialsError,
    OutputError,
    SheetAccessError,
    did_you_mean,
)
from aggregator.models import DashboardLayout, RawTab, Snapshot, SourceKind
from aggregator.outputs.dashboard import STYLE_PALETTE

log = logging.getLogger(__name__)
T = TypeVar("T")

_ID_IN_URL = re.compile(r"/spreadsheets/(?:u/\d+/)?d/([A-Za-z0-9_-]+)")
_BARE_ID = re.compile(r"^[A-Za-z0-9_-]{10,}$")
METADATA_FIELDS = "sheets(properties,protectedRanges,developerMetadata)"
READ_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
               "majorDimension": "ROWS"}
DEFAULT_TIMEOUT = (10.0, 60.0)  # connect, read (seconds)
Rows = tuple[tuple[Any, ...], ...]


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


@dataclass(frozen=True)
class TabInfo:
    """What the metadata GET says about one tab."""

    sheet_id: int
    title: str
    rows: int
    cols: int
    protected: bool
    signature: str | None = None
    signature_id: int | None = None


def parse_metadata(doc: Mapping[str, Any]) -> dict[str, TabInfo]:
    """``GET spreadsheets/{id}`` → tabs by title, in tab order."""
    tabs: list[tuple[int, TabInfo]] = []
    for sheet in doc.get("sheets", []):
        props = sheet.get("properties", {})
        grid = props.get("gridProperties", {})
        mine = [m for m in sheet.get("developerMetadata", []) if m.get("metadataKey") == fmt.SIGNATURE_KEY]
        info = TabInfo(
            sheet_id=int(props.get("sheetId", 0)),  # the API omits a 0 in some places
            title=str(props.get("title", "")),
            rows=int(grid.get("rowCount", 0)),
            cols=int(grid.get("columnCount", 0)),
            protected=bool(sheet.get("protectedRanges")),
            signature=mine[0].get("metadataValue") if mine else None,
            signature_id=mine[0].get("metadataId") if mine else None,
        )
        tabs.append((int(props.get("index", len(tabs))), info))
    return {info.title: info for _, info in sorted(tabs, key=lambda item: item[0])}


def _loose(title: str) -> str:
    return " ".join(unicodedata.normalize("NFC", title).casefold().split())


class GoogleSheet:
    """SheetSource and DashboardSink for one Google spreadsheet. Constructing it sends nothing.

    Args:
        spreadsheet: the spreadsheet URL or its bare id.
        tab: the agency tab (read only; matched exactly, else ignoring case, accents' Unicode form
            and spacing when that is unambiguous).
        dashboard_tab: the only tab ever written; created on the first write.
        credentials: service-account JSON key; default ``$GOOGLE_APPLICATION_CREDENTIALS``. Read on
            the first request, not here.
        session_factory: returns the ``requests.Session`` to use instead of one authorised from the
            key file (tests pass an ``AuthorizedSession`` with a fixed token). Default: the local
            emulator's session when ``$AGGREGATOR_SHEETS_ENDPOINT`` is set (google_auth.emulator_factory).
        sleep, retry: how to wait and how hard to retry transient faults (408/429/5xx, network).
        protect: add the warning-only protection to the dashboard tab (campaign ``dashboard.protect``).
        timeout: per-request (connect, read) timeout in seconds.
    """

    def __init__(
        self,
        spreadsheet: str,
        tab: str,
        *,
        dashboard_tab: str,
        header_row: int = 1,
        credentials: Path | None = None,
        session_factory: Callable[[], requests.Session] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 (frozen, so sharing the default is safe)
        protect: bool = True,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
    ) -> None:
        self.id = spreadsheet_id(spreadsheet)
        if _loose(tab) == _loose(dashboard_tab):
            raise ConfigError("dashboard.tab", [f"the dashboard tab {dashboard_tab!r} is the agency tab"],
                              "Give the dashboard its own tab name; agencies' tabs are never written.")
        self.tab = tab
        self.dashboard_tab = dashboard_tab
        self.header_row = header_row
        self._credentials = credentials
        self._session_factory = session_factory or emulator_factory()  # $AGGREGATOR_SHEETS_ENDPOINT, loopback
        self._sleep = sleep
        self._retry = retry
        self._protect = protect
        self._timeout = timeout
        self._client: gspread.Client | None = None
        self._key_email: str | None = None
        self._tabs: dict[str, TabInfo] | None = None
        self._agency_title: str | None = None
        self._dashboard_rows: Rows | None = None  # what the dashboard tab showed at the last read

    def url(self, gid: int | None = None) -> str:
        base = f"https://docs.google.com/spreadsheets/d/{self.id}/edit"
        return base if gid is None else f"{base}#gid={gid}"

    # Public API --------------------------------------------------------------------------

    def read(self) -> Snapshot:
        """Metadata GET + one ``values:batchGet`` (agency tab and, if present, the dashboard)."""
        tabs = self._load_metadata()
        agency = self._find_tab(tabs, self.tab)
        dashboard = tabs.get(self.dashboard_tab)
        titles = [agency.title] + ([dashboard.title] if dashboard else [])
        ranges = self._batch_get(titles)
        self._agency_title = agency.title
        self._dashboard_rows = ranges[1] if dashboard else ()
        log.debug("read %d rows from %r (gid %s)", len(ranges[0]), agency.title, agency.sheet_id)
        return Snapshot(SourceKind.GOOGLE_SHEETS, self.id, RawTab(agency.title, ranges[0], agency.sheet_id),
                        tuple(tabs))

    def write(self, layout: DashboardLayout) -> str:
        """Bring the dashboard tab up to date with as few writes as possible; return its URL."""
        if layout.tab_title != self.dashboard_tab:
            raise ConfigError("dashboard.tab", [f"the layout is for tab {layout.tab_title!r} but this "
                                                f"spreadsheet's dashboard tab is {self.dashboard_tab!r}"])
        tabs, existing = self._state_for_write()
        info = tabs.get(self.dashboard_tab)
        if info is None:
            info, existing = self._add_dashboard(layout), ()
        else:
            self._refuse_foreign_tab(info, tabs, existing)
        info = self._apply_format(info, layout, tabs, existing)
        self._apply_values(info, layout, existing)
        return self.url(info.sheet_id)

    # Reading -----------------------------------------------------------------------------

    def _load_metadata(self) -> dict[str, TabInfo]:
        http = self._http()
        doc = self._call("the spreadsheet's list of tabs",
                         lambda: http.fetch_sheet_metadata(self.id, params={"fields": METADATA_FIELDS}))
        self._tabs = parse_metadata(doc)
        return self._tabs

    def _find_tab(self, tabs: Mapping[str, TabInfo], wanted: str) -> TabInfo:
        if wanted in tabs:
            return tabs[wanted]
        loose = [info for title, info in tabs.items() if _loose(title) == _loose(wanted)]
        if len(loose) == 1 and loose[0].title != self.dashboard_tab:
            return loose[0]
        listing = ", ".join(repr(t) for t in tabs) or "(none)"
        raise SheetAccessError(
            f"Spreadsheet {self.id} has no tab {wanted!r}; its tabs are {listing}."
            f"{did_you_mean(wanted, tabs)}",
            "Fix `source.tab` in the campaign file (copy the tab name exactly as it appears in the sheet).",
        )

    def _batch_get(self, titles: Sequence[str]) -> list[Rows]:
        http = self._http()
        ranges = [fmt.quote_title(t) for t in titles]
        # values_batch_get adds "ranges" to the params dict it is given: build a fresh one per attempt.
        doc = self._call("the agency rows",
                         lambda: http.values_batch_get(self.id, list(ranges), dict(READ_PARAMS)))
        got = doc.get("valueRanges", [])
        if len(got) != len(ranges):
            raise SheetAccessError(
                f"Google returned {len(got)} ranges for the {len(ranges)} requested from {self.id}.",
                "Run again; if it persists, report it with this message.",
            )
        return [tuple(tuple(row) for row in vr.get("values", [])) for vr in got]

    # Writing -----------------------------------------------------------------------------

    def _state_for_write(self) -> tuple[dict[str, TabInfo], Rows]:
        """The metadata and dashboard values from ``read()``; fetched here if write() comes alone."""
        if self._tabs is not None and self._dashboard_rows is not None:
            return self._tabs, self._dashboard_rows
        tabs = self._load_metadata()
        self._dashboard_rows = self._batch_get([self.dashboard_tab])[0] if self.dashboard_tab in tabs else ()
        return tabs, self._dashboard_rows

    def _refuse_foreign_tab(self, info: TabInfo, tabs: Mapping[str, TabInfo], existing: Rows) -> None:
        agency = tabs.get(self._agency_title or self.tab)
        ours = info.signature is not None or not fmt.trimmed(existing)
        if not ours or (agency is not None and agency.sheet_id == info.sheet_id):
            raise OutputError(
                f"Spreadsheet {self.id} already has a tab {info.title!r} with data that aggregator did not "
                "write; the worker will not overwrite it.",
                "Rename that tab, or set `dashboard.tab` in the campaign file to a new name (the worker "
                "creates the tab itself).",
            )

    def _add_dashboard(self, layout: DashboardLayout) -> TabInfo:
        http = self._http()
        rows, cols = fmt.grid_size(layout)
        body = {"requests": [fmt.add_sheet_request(self.dashboard_tab, rows, cols)]}
        # The typed reply carries the new gid; a reply of another shape is an error like any other.
        props = self._call("creating the dashboard tab",
                           lambda: http.batch_update(self.id, body)["replies"][0]["addSheet"]["properties"])
        grid = props.get("gridProperties", {})
        info = TabInfo(int(props.get("sheetId", 0)), str(props.get("title", self.dashboard_tab)),
                       int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0)), protected=False)
        log.info("created the dashboard tab %r (gid %s) in %s", info.title, info.sheet_id, self.id)
        self._remember(info)
        return info

    def _apply_format(self, info: TabInfo, layout: DashboardLayout, tabs: Mapping[str, TabInfo],
                      existing: Rows) -> TabInfo:
        """One ``spreadsheets:batchUpdate`` when the formats, the grid size or the protection must change."""
        gids = {title: tab.sheet_id for title, tab in tabs.items()}
        formats = fmt.format_requests(layout, info.sheet_id, gids, STYLE_PALETTE)
        signature = fmt.signature(formats)
        rows = max(fmt.grid_size(layout)[0], fmt.extent(existing)[0])
        cols = max(fmt.grid_size(layout)[1], fmt.extent(existing)[1])
        batch: list[dict[str, Any]] = []
        if rows > info.rows or cols > info.cols:
            batch.append(fmt.resize_request(info.sheet_id, max(rows, info.rows), max(cols, info.cols)))
        if signature != info.signature:
            batch += [*formats, fmt.signature_request(info.sheet_id, signature, info.signature_id)]
        if self._protect and not info.protected:
            batch.append(fmt.protect_request(info.sheet_id))
        if not batch:
            return info
        http = self._http()
        reply = self._call("formatting the dashboard tab",
                           lambda: http.batch_update(self.id, {"requests": batch}))
        created = [r["createDeveloperMetadata"]["developerMetadata"].get("metadataId")
                   for r in reply.get("replies", []) if "createDeveloperMetadata" in r]
        info = replace(info, rows=max(rows, info.rows), cols=max(cols, info.cols), signature=signature,
                       signature_id=created[0] if created else info.signature_id,
                       protected=info.protected or self._protect)
        log.info("formatted the dashboard tab %r (%d requests)", info.title, len(batch))
        self._remember(info)
        return info

    def _apply_values(self, info: TabInfo, layout: DashboardLayout, existing: Rows) -> None:
        """One RAW ``values:batchUpdate``: the whole range, only the "as of" cell, or nothing."""
        if fmt.same_values(layout, existing, ignore_as_of=False):
            log.info("the dashboard tab %r is up to date; nothing written", info.title)
            return
        if fmt.trimmed(existing) and fmt.same_values(layout, existing, ignore_as_of=True):
            body, what = fmt.as_of_body(info.title, layout), "the dashboard's 'as of' cell"
        else:
            body, what = fmt.values_body(info.title, layout, fmt.extent(existing)), "the dashboard values"
        http = self._http()
        self._call(f"writing {what}", lambda: http.values_batch_update(self.id, body))
        self._dashboard_rows = fmt.trimmed(layout.grid)
        log.info("wrote %s to %r", what, info.title)

    def _remember(self, info: TabInfo) -> None:
        if self._tabs is not None:
            self._tabs[info.title] = info

    # Transport and errors ----------------------------------------------------------------

    def _http(self) -> HTTPClient:
        if self._client is None:
            if self._session_factory is not None:
                client = gspread.Client(None, self._session_factory())  # type: ignore[arg-type]
            else:
                key = read_key(key_path(self._credentials))
                self._key_email = key.email
                client = gspread.Client(auth=load_credentials(key))
            client.set_timeout(self._timeout)
            self._client = client
        return self._client.http_client

    def _call(self, what: str, action: Callable[[], T]) -> T:
        """Retry transient faults, then translate anything third-party into our errors."""
        try:
            return call_with_retry(action, what=what, policy=self._retry, sleep=self._sleep)
        except AggregatorError:
            raise
        except APIError as exc:
            raise self._api_error(what, exc) from exc
        except RefreshError as exc:
            raise CredentialsError(
                f"Google refused the service-account key {self._key_label()} ({exc}).",
                "The key may have been deleted or disabled: create a new JSON key for the service account "
                "(IAM & Admin > Service accounts > Keys > Add key) and replace the file.",
            ) from exc
        except (requests.RequestException, GoogleAuthError, ValueError, KeyError) as exc:
            raise SheetAccessError(
                f"Spreadsheet {self.id}: {what} failed ({type(exc).__name__}: {exc}).",
                "Nothing else was changed; the worker will try again next cycle.",
            ) from exc

    def _key_label(self) -> str:
        try:
            return str(key_path(self._credentials))
        except CredentialsError:
            return "(unknown key file)"

    def _email(self) -> str:
        fallback = "the service account's e-mail (client_email in its JSON key)"
        return self._key_email or email_from(self._credentials) or fallback

    def _api_error(self, what: str, exc: APIError) -> AggregatorError:
        status = getattr(exc.response, "status_code", exc.code)
        message = str(exc.error.get("message", "")).strip()
        if status == 401:
            return CredentialsError(f"Google did not accept the credentials ({what}; HTTP 401: {message}).")
        if status == 403 and ("has not been used" in message or "is disabled" in message):
            return SheetAccessError(
                f"The Google Sheets API is not enabled for the service account's project "
                f"(HTTP 403: {message}).",
                "Enable it in Google Cloud Console (APIs & Services > Library > Google Sheets API), wait "
                "a few minutes and run again.",
            )
        if status == 403:
            return SheetAccessError(
                f"The service account may not open spreadsheet {self.id} (HTTP 403: {message}).",
                f"Share the spreadsheet with {self._email()} (Editor): open it, click Share, paste that "
                "e-mail and choose Editor (Editor is needed to write the dashboard tab).",
            )
        if status == 404:
            return SheetAccessError(
                f"Spreadsheet {self.id} was not found (HTTP 404: {message}).",
                "Check the URL or id in `source.spreadsheet` of the campaign file (or --source): copy it "
                "from the browser's address bar, https://docs.google.com/spreadsheets/d/<id>/edit.",
            )
        return SheetAccessError(
            f"Google refused {what} for spreadsheet {self.id} (HTTP {status}: {message}).",
            "Nothing else was changed. If a tab was renamed or deleted just now the next cycle will adapt; "
            "otherwise report this message.",
        )
