"""A local Google Sheets API v4 emulator over real HTTP on loopback, for demos and tests.

    python -m aggregator.devtools.sheets_emulator --xlsx config/samples/nhatrang-2024.xlsx [--port 8765]

seeds one in-memory spreadsheet from a workbook's tabs (values as ``UNFORMATTED_VALUE`` returns them:
numbers as JSON numbers, dates as serial numbers) and answers the calls the Sheets adapter makes
(``SheetsApi``), the OAuth token endpoint and IAM ``allowedLocations``. Point the worker at it with
``AGGREGATOR_SHEETS_ENDPOINT=http://127.0.0.1:8765`` (see aggregator/adapters/google_auth.py).

Emulator-only routes, to see what happened:

- ``GET /_emulator/tabs`` lists the tabs; ``GET /_emulator/tabs/<title>`` returns a tab's values;
  ``POST /_emulator/tabs/<title>/cells`` with ``{"cell": "H3", "value": "…"}`` types into a cell as a
  person would (e.g. a choice in the decisions tab): text is read in the spreadsheet's locale, so "250"
  becomes a number, "05/11/2024" a date and "85%" a percentage, unless the cell is formatted as plain
  text (sheets_typing); the answer shows what the cell now holds (``stored``, ``formattedValue``);
- ``GET /_emulator/requests`` lists every request received (endpoint, read/write/auth, status);
- ``POST /_emulator/faults/<endpoint>`` with ``{"status": 503, "count": 2}`` queues injected errors;
  ``{"drop": "before"}`` drops the connection instead of answering, ``{"drop": "after"}`` applies the
  request first and then drops it (Google did the work, the answer was lost).

Nothing is saved: the state lives until the process stops. A dev tool, never imported by the worker.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from requests.structures import CaseInsensitiveDict

from aggregator.devtools.sheets_api import JSON, SheetsApi
from aggregator.devtools.sheets_state import ApiError, Applied, Book, PercentCell, Reply, fault, render_box
from aggregator.errors import AggregatorError
from aggregator.models import CellValue

HOST = "127.0.0.1"  # loopback only: the emulator has no authentication
DEFAULT_PORT = 8765
DEFAULT_ID = "1NhaTrang2024DemoOnTheLocalSheetsEmulator"
CONTROL = "/_emulator/"


def workbook_tabs(path: Path) -> dict[str, list[list[Any]]]:
    """Every tab of an .xlsx as rows of cached cell values (formulas as their last computed value).

    Reads through the project's xlsx adapter, so an unreadable file gets its clear SourceError.
    """
    return {title: rows for title, (rows, _) in _workbook(path).items()}


def _workbook(path: Path) -> dict[str, tuple[list[list[Any]], tuple[tuple[int, int, int, int], ...]]]:
    """Every tab's rows (as ``workbook_tabs``) and merged blocks."""
    from aggregator.adapters.xlsx import XlsxSource, workbook_titles

    tabs = {}
    for title in workbook_titles(path):
        read = XlsxSource(path, title).read().tab
        rows: list[list[CellValue | PercentCell]] = [list(row) for row in read.rows]
        for r, c in read.percent_cells:  # a %-formatted number stays one in the emulated sheet
            number = read.rows[r][c]
            assert isinstance(number, int | float)  # the adapter marks numbers only
            rows[r][c] = PercentCell(float(number))
        tabs[title] = (rows, read.merges)
    return tabs


def seed_from_xlsx(api: SheetsApi, path: Path, sid: str = DEFAULT_ID, *, timezone: str = "Asia/Ho_Chi_Minh",
                   locale: str = "vi_VN") -> Book:
    """One spreadsheet holding the workbook's tabs (merged cells too); each grid at least 1000×26, like a new
    Google tab."""
    read = _workbook(path)
    book = api.add_spreadsheet(sid, {title: rows for title, (rows, _) in read.items()}, timezone=timezone,
                               locale=locale)
    for tab in book.tabs:
        for block in read[tab.title][1]:
            tab.merge(*block)
        tab.rows = max(tab.rows, 1 + max((r for r, _ in tab.cells), default=0))
        tab.cols = max(tab.cols, 1 + max((c for _, c in tab.cells), default=0))
    return book


class EmulatorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: SheetsApi, port: int = 0, *, verbose: bool = False) -> None:
        super().__init__((HOST, port), Handler)
        self.api, self.verbose = api, verbose

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: EmulatorServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # http.server's naming
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        try:
            if self.path.startswith(CONTROL):
                reply: Reply | Exception = self._control(body)
            else:
                headers = CaseInsensitiveDict(self.headers.items())
                reply = self.server.api.handle(self.command, self.server.base_url + self.path, headers, body)
        except Exception as exc:  # (an emulator bug must not become a 5xx that clients retry)
            reply = fault(400, f"The emulator could not handle this request ({type(exc).__name__}: {exc})")
        if isinstance(reply, Exception):  # an injected network fault: drop the connection, no reply
            self.close_connection = True
            return
        self._send(*reply)

    def _send(self, status: int, headers: dict[str, str], text: str) -> None:
        data = text.encode("utf-8")
        self.send_response(status)
        for name, value in {**JSON, **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _control(self, body: bytes | None) -> Reply:
        api, path = self.server.api, unquote(urlsplit(self.path).path)[len(CONTROL):]
        try:
            if self.command == "GET" and path == "tabs":
                doc: Any = {sid: [t.title for t in book.tabs] for sid, book in api.books.items()}
            elif self.command == "POST" and path.startswith("tabs/") and path.endswith("/cells"):
                doc = _type_into(api, path[len("tabs/"):-len("/cells")], json.loads(body or b"{}"))
            elif self.command == "GET" and path.startswith("tabs/"):
                doc = _tab_values(api, path[len("tabs/"):])
            elif self.command == "GET" and path == "requests":
                doc = [{"method": r.method, "endpoint": r.endpoint, "kind": r.kind, "status": r.status}
                       for r in api.log]
            elif self.command == "POST" and path.startswith("faults/"):
                doc = _queue_faults(api, path[len("faults/"):], json.loads(body or b"{}"))
            else:
                raise ApiError(400, f"Unknown emulator route {self.command} {self.path}")
        except ApiError as exc:
            return fault(exc.status, exc.message)
        return 200, dict(JSON), json.dumps(doc, ensure_ascii=False)

    def log_message(self, format: str, *args: Any) -> None:  # http.server's signature
        if self.server.verbose:
            sys.stderr.write(f"{self.command} {unquote(self.path)[:120]} → {args[1] if len(args) > 1 else ''}\n")


def _tab_values(api: SheetsApi, title: str) -> dict[str, Any]:
    for book in api.books.values():
        for tab in book.tabs:
            if tab.title == title:
                return {"spreadsheetId": book.id, "title": tab.title, "sheetId": tab.sheet_id,
                        "values": tab.values()}
    raise ApiError(404, f"No tab {title!r} in the emulator")


def _type_into(api: SheetsApi, title: str, spec: dict[str, Any]) -> dict[str, Any]:
    """Type ``spec["value"]`` into ``spec["cell"]`` (A1) of the tab ``title``, as a person would."""
    book, tab = next(((b, t) for b in api.books.values() for t in b.tabs if t.title == title), (None, None))
    if book is None or tab is None:
        raise ApiError(404, f"No tab {title!r} in the emulator")
    found = re.fullmatch(r"([A-Z]+)([1-9][0-9]*)", str(spec.get("cell", "")))
    if found is None:
        raise ApiError(400, f"cell must be one A1 cell such as H3, not {spec.get('cell')!r}")
    r, c = int(found.group(2)) - 1, sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(found.group(1)))) - 1
    if r >= tab.rows or c >= tab.cols:
        raise ApiError(400, f"{found.group(0)} is outside the tab ({tab.rows} rows, {tab.cols} columns)")
    tab.type_cell(r, c, spec.get("value"), book.locale)
    stored = render_box(tab, (r, c, r, c), "UNFORMATTED_VALUE", "SERIAL_NUMBER")
    shown = render_box(tab, (r, c, r, c), "FORMATTED_VALUE", "SERIAL_NUMBER", book.locale)
    return {"tab": title, "cell": found.group(0), "value": spec.get("value"),
            "stored": stored[0][0] if stored else None, "formattedValue": shown[0][0] if shown else ""}


def _queue_faults(api: SheetsApi, endpoint: str, spec: dict[str, Any]) -> dict[str, Any]:
    count, drop = int(spec.get("count", 1)), spec.get("drop")
    if drop is not None:
        if drop not in ("before", "after"):
            raise ApiError(400, f"drop must be \"before\" or \"after\", not {drop!r}")
        lost = ConnectionResetError("connection dropped by the emulator")
        api.inject(endpoint, *[Applied(lost) if drop == "after" else lost] * count)
        return {"endpoint": endpoint, "queued": count, "drop": drop}
    status = int(spec.get("status", 503))
    api.inject(endpoint, *[fault(status, spec.get("message"), spec.get("retryAfter"))] * count)
    return {"endpoint": endpoint, "queued": count, "status": status}


@contextmanager
def running(api: SheetsApi, port: int = 0, *, verbose: bool = False) -> Iterator[EmulatorServer]:
    """Serve ``api`` on loopback in a background thread (port 0: a free one); stop on exit."""
    server = EmulatorServer(api, port, verbose=verbose)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="sheets-emulator", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _banner(server: EmulatorServer, book: Book, source: Path) -> str:
    tabs = "\n".join(f"  - {t.title} ({len(t.values())} rows)" for t in book.tabs)
    base = server.base_url
    return (f"Google Sheets API emulator on {base} (in memory, loopback only; not Google)\n"
            f"Seeded from {source}\nSpreadsheet id: {book.id}\n"
            f"Time zone: {book.timezone}, locale: {book.locale}\nTabs:\n{tabs}\n\n"
            f"Run the worker against it (in another terminal):\n"
            f"  AGGREGATOR_SHEETS_ENDPOINT={base} aggregator run --source {book.id}\n\n"
            f"See what was written:  curl {base}/_emulator/tabs/<tab title>\n"
            f"Requests received:     curl {base}/_emulator/requests\n"
            "Stop with Ctrl+C.")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m aggregator.devtools.sheets_emulator",
                                     description="A local Google Sheets API emulator seeded from an .xlsx.")
    parser.add_argument("--xlsx", type=Path, required=True, help="Workbook whose tabs seed the spreadsheet.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"Port on {HOST} (default {DEFAULT_PORT}).")
    parser.add_argument("--id", default=DEFAULT_ID, help="Spreadsheet id to serve (default: %(default)s).")
    parser.add_argument("--timezone", default="Asia/Ho_Chi_Minh",
                        help="The spreadsheet's time zone, properties.timeZone (default: %(default)s).")
    parser.add_argument("--locale", default="vi_VN", help="The spreadsheet's locale (default: %(default)s).")
    parser.add_argument("--quiet", action="store_true", help="Do not print one line per request.")
    args = parser.parse_args(argv)
    api = SheetsApi()
    try:
        book = seed_from_xlsx(api, args.xlsx, args.id, timezone=args.timezone, locale=args.locale)
        server = EmulatorServer(api, args.port, verbose=not args.quiet)
    except AggregatorError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:  # a shell's background job starts so; Ctrl+C is promised
        signal.signal(signal.SIGINT, signal.default_int_handler)
    print(_banner(server, book, args.xlsx), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
