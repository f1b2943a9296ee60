"""The wire: a total deadline per cycle that a trickling peer cannot stretch, and the scope each
command asks for (issue 8, item 7)."""

from __future__ import annotations

import base64
import gzip
import json
import re
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from click.testing import CliRunner

from aggregator.adapters import campaign_file
from aggregator.adapters.deadline import Deadline, bind
from aggregator.adapters.google_auth import READONLY_SCOPES, SCOPES, emulator_session
from aggregator.adapters.retry import RetryPolicy
from aggregator.adapters.sheets import GoogleSheet
from aggregator.app.cli import cli
from aggregator.devtools.sheets_emulator import workbook_tabs
from aggregator.errors import ConfigError, TransientSourceError
from tests.fake_sheets import FakeSheets, service_account_key
from tests.test_sheets_adapter import AGENCY, AGENCY_ROWS, DASH, SID

BODY = json.dumps({"spreadsheetId": SID, "sheets": []}).encode()


class Trickler(BaseHTTPRequestHandler):
    """Answers at once with headers, then sends the body one byte every 0.1 s (or nothing: frozen)."""

    server: TricklingServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # http.server's naming
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.flush()
        for byte in BODY:
            if self.server.stop.wait(0.1):
                return
            if not self.server.frozen:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class TricklingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, frozen: bool) -> None:
        super().__init__(("127.0.0.1", 0), Trickler)
        self.frozen, self.stop = frozen, threading.Event()


@pytest.fixture(params=[False, True], ids=["trickling", "frozen"])
def peer(request: pytest.FixtureRequest) -> Iterator[str]:
    server = TricklingServer(frozen=request.param)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_slow_peer_cannot_hold_a_cycle_past_its_deadline(peer: str) -> None:
    sheet = GoogleSheet(SID, AGENCY, dashboard_tab=DASH, session_factory=partial(emulator_session, peer),
                        deadline=Deadline(budget=1.0), retry=RetryPolicy(rand=lambda: 0.0),
                        timeout=(5.0, 30.0))  # per-read timeouts far above the deadline
    started = time.monotonic()
    with pytest.raises(TransientSourceError) as caught:
        sheet.read()
    spent = time.monotonic() - started
    assert 0.9 <= spent < 2.5  # the whole body would take 3+ s; a frozen peer would hold 30 s per read
    message = str(caught.value)
    assert "time limit of 1 s" in message and "cycle_timeout_seconds" in message
    reported = float(re.search(r"had run for ([\d.]+) s", message).group(1))  # type: ignore[union-attr]
    assert abs(reported - spent) < 0.5  # the real time spent, not the time spent sleeping


class Gzipped(BaseHTTPRequestHandler):
    """Google compresses its answers when asked (requests asks): the body must come out decoded."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # http.server's naming
        body = gzip.compress(json.dumps({"sheets": [], "note": "Báo cáo " * 5000}).encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


def test_a_compressed_answer_is_decoded_within_the_deadline() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gzipped)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        session = bind(requests.Session(), Deadline(budget=10.0))
        session.trust_env = False
        reply = session.get(f"http://127.0.0.1:{server.server_address[1]}/v4/spreadsheets/x", timeout=(5, 5))
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert reply.headers["Content-Encoding"] == "gzip"
    assert reply.json() == {"sheets": [], "note": "Báo cáo " * 5000}


def test_the_deadline_comes_from_the_campaign_file() -> None:
    bundled = campaign_file.BUNDLED_CONFIG_DIR / "nhatrang-2024.yaml"
    assert campaign_file.load(bundled).schedule.cycle_timeout_seconds == 180
    text = bundled.read_text(encoding="utf-8") + "\nschedule: {cycle_timeout_seconds: 5}\n"
    with pytest.raises(ConfigError, match="cycle_timeout_seconds"):
        campaign_file.parse(text, origin="campaign.yaml", base_dir=bundled.parent)


# Scopes -------------------------------------------------------------------------------------------

@pytest.fixture
def google(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSheets]:
    api = FakeSheets()
    sample = campaign_file.BUNDLED_CONFIG_DIR / "samples" / "nhatrang-2024.xlsx"
    api.add_spreadsheet(SID, workbook_tabs(sample) if sample.exists() else {AGENCY: AGENCY_ROWS})
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path / "google.json")))
    with api.activate():
        yield api


def _command(name: str, tmp_path: Path) -> list[str]:
    out = ["--out", str(tmp_path / "out")]
    return {"check": ["check", "--source", SID],
            "init": ["init", "--source", SID, "--tab", AGENCY, "--now", "2024-11-01T08:00:00+07:00"],
            "remind": ["remind", "--config", str(_google_campaign(tmp_path)), *out],
            "run": ["run", "--source", SID, "--now", "2024-11-11T08:00:00+07:00", *out]}[name]


@pytest.mark.parametrize(("name", "scopes"), [("check", READONLY_SCOPES), ("init", READONLY_SCOPES),
                                              ("remind", READONLY_SCOPES), ("run", SCOPES)])
def test_commands_that_only_read_ask_for_the_read_only_scope(runner: CliRunner, google: FakeSheets, tmp_path: Path,
                                                             name: str, scopes: tuple[str, ...]) -> None:
    result = runner.invoke(cli, _command(name, tmp_path))
    assert result.exit_code in (0, 1), result.output  # (`check` may list problems: not the point here)
    assert google.scopes and set(google.scopes) == {" ".join(scopes)}  # the JWT's scope claim
    assert any(r.endpoint == "metadata" for r in google.log)
    assert bool(google.calls(0, "write")) is (name == "run")


def _google_campaign(tmp_path: Path) -> Path:
    """The bundled campaign pointed at the fake spreadsheet."""
    bundled = campaign_file.BUNDLED_CONFIG_DIR / "nhatrang-2024.yaml"
    data = yaml.safe_load(bundled.read_text(encoding="utf-8"))
    data["source"] = {**data["source"], "kind": "google_sheets", "spreadsheet": SID}
    data["source"].pop("path", None)
    data["roster"] = str(bundled.parent / data["roster"])
    data["report"]["template"] = str((bundled.parent / data["report"]["template"]).resolve())
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_fake_decodes_the_scope_claim_of_the_jwt() -> None:
    claims = {"scope": " ".join(READONLY_SCOPES)}
    segment = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    api = FakeSheets()
    api.handle("POST", "https://oauth2.googleapis.com/token", {}, f"assertion=h.{segment}.s")
    assert api.scopes == [" ".join(READONLY_SCOPES)]
