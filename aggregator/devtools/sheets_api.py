"""The emulator's request handling, independent of any transport: ``SheetsApi.handle`` takes a method,
URL, headers and body and returns ``(status, headers, body)`` or an exception (a dropped connection).

Faithful to docs/google-sheets-api.md: metadata with ``fields``, and grid data (``includeGridData``, or a
mask naming ``sheets.data``) with every CellData field (sheets_cells); values:batchGet (quoted ranges,
trailing blanks dropped, no ``values`` for an empty range, UNFORMATTED numbers and serial dates,
FORMATTED values in the cell's format and the spreadsheet's locale); RAW writes stored verbatim,
USER_ENTERED ones read as typed (sheets_typing; the worker sends RAW only, which tests check); atomic
spreadsheets:batchUpdate with typed replies; real error bodies; the token and allowedLocations calls
answered 200. ``inject`` queues faults per endpoint; ``log`` records every request as read, write or
auth. An unknown spreadsheet is a 404, an unimplemented route a 400: never a 5xx unless injected (a 5xx
makes retrying clients sleep)."""

from __future__ import annotations

import base64
import copy
import itertools
import json
import re
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from aggregator.devtools.sheets_batch import Batch
from aggregator.devtools.sheets_schema import REQUIRED, deprecated_uses, mask_mentions_deprecated, violations
from aggregator.devtools.sheets_state import (
    ApiError,
    Applied,
    Book,
    Json,
    Mask,
    Reply,
    Tab,
    apply_mask,
    batch_totals,
    checked_write,
    fault,
    parse_a1,
    parse_mask,
    range_name,
    render_box,
    store,
    write_reply,
)

JSON = {"Content-Type": "application/json; charset=UTF-8"}
SHEETS_PATH = re.compile(r"/v4/spreadsheets/([^/:]+)(.*)")
TOKEN_PATH = "/token"
LOCATIONS_PATH = re.compile(r"/v1/projects/-/serviceAccounts/[^/]+/allowedLocations")
Params = dict[str, list[str]]  # a request's query parameters (parse_qs)
Match = dict[str, str]  # the route's named groups (the range of values.get and values.update)
ROUTES = (  # method, path after the id, endpoint, kind
    ("GET", r"", "metadata", "read"),
    ("GET", r"/values:batchGet", "values.batchGet", "read"),
    ("GET", r"/values/(?P<range>[^:/]+)", "values.get", "read"),
    ("POST", r"/values:batchUpdate", "values.batchUpdate", "write"),
    ("PUT", r"/values/(?P<range>[^:/]+)", "values.update", "write"),
    ("POST", r":batchUpdate", "batchUpdate", "write"),
)


@dataclass(frozen=True)
class Recorded:
    method: str
    url: str
    endpoint: str
    kind: str  # read | write | auth
    params: Params
    body: Any
    status: int  # 0 when the reply was an exception (a dropped connection)
    deprecated: tuple[str, ...] = ()  # fields the discovery document deprecates that the body used


def _is_json(headers: Mapping[str, str]) -> bool:
    """Whether a request says its body is JSON: Google reads any other body as form fields and refuses it
    ("Invalid JSON payload received")."""
    found = next((value for name, value in headers.items() if name.lower() == "content-type"), "")
    return found.split(";")[0].strip().lower() == "application/json"


def _status(reply: Reply | Exception) -> int:
    return reply[0] if isinstance(reply, tuple) else 0


class SheetsApi:
    """An in-memory Sheets API v4 holding any number of spreadsheets (``books``)."""

    def __init__(self) -> None:
        self.books: dict[str, Book] = {}
        self.log: list[Recorded] = []
        self.faults: dict[str, deque[Reply | Exception | Applied | None]] = defaultdict(deque)
        self.ids = itertools.count(1_000_003, 7_919)
        self.scopes: list[str] = []  # the "scope" claim of every JWT sent to the token endpoint
        self._lock = threading.RLock()

    def add_spreadsheet(self, sid: str, tabs: Mapping[str, list[list[Any]]], *, forbidden: bool = False,
                        timezone: str = "Asia/Ho_Chi_Minh", locale: str = "vi_VN") -> Book:
        """Seed a spreadsheet; ``timezone``/``locale`` are its ``properties`` (File → Settings)."""
        book = Book(sid, [], forbidden, timezone=timezone, locale=locale)
        for i, (title, rows) in enumerate(tabs.items()):
            book.tabs.append(Tab(0 if i == 0 else next(self.ids), title))
            book.tabs[-1].set_rows(rows)
        self.books[sid] = book
        return book

    def inject(self, endpoint: str, *items: Reply | Exception | Applied | None) -> None:
        """Queue answers for an endpoint: metadata, values.batchGet, batchUpdate, token ….

        A reply or an exception replaces the answer (the request is not applied); ``Applied(exc)``
        applies the request and then fails with ``exc`` (the connection dropped after the work);
        ``None`` answers normally (to reach a later request).
        """
        with self._lock:
            self.faults[endpoint].extend(items)

    def mark(self) -> int:
        return len(self.log)

    def calls(self, since: int = 0, kind: str | None = None) -> list[Recorded]:
        return [r for r in self.log[since:] if kind is None or r.kind == kind]

    def counts(self, since: int = 0) -> tuple[int, int]:
        """(reads, writes) sent to the Sheets API since ``mark()``; token calls are not counted."""
        return len(self.calls(since, "read")), len(self.calls(since, "write"))

    # Transport-independent entry point ---------------------------------------------------

    def handle(self, method: str, url: str, headers: Mapping[str, str], body: bytes | str | None) -> Reply | Exception:
        """Answer one request, whatever host it was addressed to (Sheets, OAuth token, IAM credentials)."""
        path = urlsplit(url).path
        if SHEETS_PATH.fullmatch(path):
            return self._sheets(method, url, headers, body)
        if method == "POST" and path == TOKEN_PATH:
            return self._token(method, url, body)
        if method == "GET" and LOCATIONS_PATH.fullmatch(path):
            located = (200, JSON, json.dumps({"locations": [], "encodedLocations": "0x0"}))
            return self._aside(method, url, "allowedLocations", located)
        return self._aside(method, url, "unknown", fault(400, f"The emulator does not implement {method} {path}"))

    def _sheets(self, method: str, url: str, headers: Mapping[str, str], raw: bytes | str | None) -> Reply | Exception:
        parts = urlsplit(url)
        found = SHEETS_PATH.fullmatch(parts.path)
        assert found is not None  # handle() sends only Sheets paths here
        sid, tail = found.groups()
        params = parse_qs(parts.query, keep_blank_values=True)
        route = next(((e, k, m) for meth, rx, e, k in ROUTES if meth == method and (m := re.fullmatch(rx, tail))),
                     None)
        endpoint, kind = route[:2] if route else ("unknown", "read" if method == "GET" else "write")
        try:
            body, bad = (json.loads(raw) if raw else None), bool(raw) and not _is_json(headers)
        except ValueError:
            body, bad = raw, True
        with self._lock:
            queued = self._queued(endpoint)
            if queued is None or isinstance(queued, Applied):
                reply: Reply | Exception = (fault(400, "Invalid JSON payload received.") if bad else
                                            self._answer(headers, sid, route, params, body))
                reply = queued.error if isinstance(queued, Applied) else reply
            else:
                reply = queued
            self.log.append(Recorded(method, url, endpoint, kind, params, body, _status(reply),
                                     _deprecated(endpoint, body)))
        return reply

    def _queued(self, endpoint: str) -> Reply | Exception | Applied | None:
        queue = self.faults.get(endpoint)
        return queue.popleft() if queue else None  # None: answer normally

    def _answer(self, headers: Mapping[str, str], sid: str, route: Any, params: Params, body: Any) -> Reply:
        try:
            if not (headers.get("Authorization") or "").startswith("Bearer "):
                raise ApiError(401, "Request is missing required authentication credential.")
            book = self.books.get(sid)
            if book is None:
                raise ApiError(404)
            if route is None:
                raise ApiError(400, "The emulator does not implement this Sheets API method.")
            if book.forbidden:
                raise ApiError(403)
            handler: Callable[..., Json] = getattr(self, "_" + route[0].replace(".", "_"))
            doc = handler(book, params, body, route[2].groupdict())
            return 200, dict(JSON), json.dumps(doc)
        except ApiError as exc:
            return fault(exc.status, exc.message, violations=exc.violations)

    def _token(self, method: str, url: str, raw: bytes | str | None) -> Reply | Exception:
        form = parse_qs(raw.decode() if isinstance(raw, bytes) else raw or "")
        parts = form.get("assertion", [""])[0].split(".")
        if len(parts) == 3:
            self.scopes.append(json.loads(base64.urlsafe_b64decode(parts[1] + "==")).get("scope", ""))
        token = {"access_token": "ya29.fake", "expires_in": 3599, "token_type": "Bearer"}
        queued = self._queued("token")
        reply = queued.error if isinstance(queued, Applied) else queued or (200, JSON, json.dumps(token))
        return self._aside(method, url, "token", reply)

    def _aside(self, method: str, url: str, endpoint: str, reply: Reply | Exception) -> Reply | Exception:
        with self._lock:
            self.log.append(Recorded(method, url, endpoint, "auth", {}, None, _status(reply)))
        return reply

    # Endpoints ---------------------------------------------------------------------------

    def _metadata(self, book: Book, params: Params, body: Any, match: Match) -> Json:
        # ranges= limits the reply to the parts of the spreadsheet they intersect: only those tabs
        boxes = [parse_a1(a1, book)[:2] for a1 in params.get("ranges", [])]
        wanted = {id(tab) for tab, _ in boxes}
        mask = parse_mask(params.get("fields", [""])[0])
        sheets = []
        for tab in (t for t in book.tabs if not wanted or id(t) in wanted):
            entry: dict[str, Any] = {"properties": Batch.props(tab, book)}
            if _wants_grid(params, mask):
                whole = [(tab, (0, 0, tab.rows - 1, tab.cols - 1))]
                entry["data"] = [tab.grid_data(box, book.locale) for where, box in boxes or whole if where is tab]
            if tab.protected:
                entry["protectedRanges"] = tab.protected
            if tab.metadata:
                entry["developerMetadata"] = tab.metadata
            asked = [box for where, box in boxes if where is tab] if book.merges_in_ranges else []
            if tab.merges and (merges := tab.grid_merges(asked)):
                entry["merges"] = merges
            sheets.append(entry)
        doc = {"spreadsheetId": book.id, "sheets": sheets,
               "properties": {"title": book.title, "locale": book.locale, "autoRecalc": "ON_CHANGE",
                              "timeZone": book.timezone},
               "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.id}/edit"}
        return copy.deepcopy(apply_mask(doc, mask))

    def _values_get(self, book: Book, params: Params, body: Any, match: Match, a1: str | None = None) -> Json:
        tab, box, _ = parse_a1(a1 if a1 is not None else unquote(match["range"]), book)
        option = {k: params.get(k, [d])[0] for k, d in (("valueRenderOption", "FORMATTED_VALUE"),
                                                         ("dateTimeRenderOption", "SERIAL_NUMBER"))}
        values = render_box(tab, box, option["valueRenderOption"], option["dateTimeRenderOption"], book.locale)
        if params.get("majorDimension", ["ROWS"])[0] != "ROWS":
            raise ApiError(400, "the emulator only implements majorDimension=ROWS")
        out: dict[str, Any] = {"range": range_name(tab, box), "majorDimension": "ROWS"}
        if values:
            out["values"] = values
        return out

    def _values_batchGet(self, book: Book, params: Params, body: Any, match: Match) -> Json:
        ranges = [self._values_get(book, params, body, match, a1) for a1 in params.get("ranges", [])]
        return {"spreadsheetId": book.id, "valueRanges": ranges}

    def _values_update(self, book: Book, params: Params, body: Any, match: Match) -> Json:
        _refuse_invalid("ValueRange", body, "data")
        data = [{**(body or {}), "range": unquote(match["range"])}]
        reply: Json = self._write(book, params.get("valueInputOption", [None])[0], data)["responses"][0]
        return reply

    def _values_batchUpdate(self, book: Book, params: Params, body: Any, match: Match) -> Json:
        _refuse_invalid("BatchUpdateValuesRequest", body)
        return self._write(book, (body or {}).get("valueInputOption"), (body or {}).get("data") or [])

    def _write(self, book: Book, option: str | None, data: list[Json]) -> Json:
        """RAW stores every value as sent; USER_ENTERED reads strings as if typed (``Tab.type_cell``)."""
        if option not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, "'valueInputOption' is required but not specified" if option is None else
                           f"Invalid valueInputOption: {option}")
        plan = [checked_write(book, i, item) for i, item in enumerate(data)]  # every range valid, or no write
        for tab, r0, c0, values in plan:
            for r, row in enumerate(values, start=r0):
                for c, v in enumerate(row, start=c0):
                    if option == "RAW":
                        store(tab, r, c, v)
                    elif v is not None:  # null leaves the cell as it is
                        tab.type_cell(r, c, v, book.locale)
        return batch_totals(book, [write_reply(book, *p) for p in plan])

    def _batchUpdate(self, book: Book, params: Params, body: Any, match: Match) -> Json:
        _refuse_invalid("BatchUpdateSpreadsheetRequest", body)
        requests = (body or {}).get("requests") or []
        if not requests:
            raise ApiError(400, "Must specify at least one request.")
        work = copy.deepcopy(book)  # all or nothing, like the real API
        ops = Batch(work, self.ids)
        replies = [_apply(ops, i, request) for i, request in enumerate(requests)]
        book.tabs = work.tabs
        return {"spreadsheetId": book.id, "replies": replies}


def _wants_grid(params: Params, mask: Mask) -> bool:
    """Grid data is returned when the field mask asks for ``sheets.data`` (``includeGridData`` is then
    ignored), or with no mask when ``includeGridData=true``."""
    if mask:
        sheets = mask.get("sheets", {})
        return "*" in mask or ("sheets" in mask and (not sheets or "*" in sheets or "data" in sheets))
    return params.get("includeGridData", ["false"])[0].lower() == "true"


def _refuse_invalid(message: str, body: Any, path: str = "") -> None:
    """400 with a google.rpc.BadRequest listing every unknown field and wrongly typed value."""
    found = violations(message, body, path) if isinstance(body, dict) else []
    if found:
        raise ApiError(400, "\n".join(v.description for v in found), [(v.field, v.description) for v in found])


def _apply(ops: Batch, i: int, request: Json) -> Json:
    kinds = [name for name, payload in request.items() if payload is not None]
    if len(kinds) != 1:
        raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set, found "
                            f"{len(kinds)} ({', '.join(kinds) or 'none'})")
    name = kinds[0]
    missing = [f for f in REQUIRED.get(name, ()) if request[name].get(f) in (None, "", [])]
    if missing:
        raise ApiError(400, f"Invalid requests[{i}].{name}: {', '.join(missing)} must be specified.")
    try:
        reply: Json = getattr(ops, name)(request[name])
        return reply
    except ApiError as exc:
        raise ApiError(400, f"Invalid requests[{i}].{name}: {exc.message}") from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise ApiError(400, f"Invalid requests[{i}].{name}: missing or invalid field {exc}") from exc


def _deprecated(endpoint: str, body: Any) -> tuple[str, ...]:
    """Deprecated fields a write sets or names in a field mask (Google accepts them; we should not send them)."""
    if endpoint != "batchUpdate" or not isinstance(body, dict):
        return ()
    found = deprecated_uses("BatchUpdateSpreadsheetRequest", body)
    for i, request in enumerate(body.get("requests") or []):
        for name, payload in request.items():
            mask = payload.get("fields") if isinstance(payload, dict) else None
            if isinstance(mask, str):
                found += [f"requests[{i}].{name}.fields: {field}" for field in mask_mentions_deprecated(mask)]
    return tuple(found)
