"""The local Sheets API emulator over real loopback HTTP, and ``AGGREGATOR_SHEETS_ENDPOINT``.

The worker runs through the CLI against an emulator seeded from config/samples/nhatrang-2024.xlsx,
with no credentials at all: status.json must equal the xlsx path's, the request budget must hold, and
only the dashboard tab may be written.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from click.testing import CliRunner

from aggregator.adapters import campaign_file
from aggregator.adapters.google_auth import EMULATOR_VAR, emulator_endpoint, emulator_factory, emulator_session
from aggregator.app.cli import cli
from aggregator.devtools.sheets_api import Recorded, SheetsApi
from aggregator.devtools.sheets_emulator import EmulatorServer, main, running, seed_from_xlsx, workbook_tabs
from aggregator.devtools.sheets_state import DateCell, serial
from aggregator.errors import ConfigError

SID = "1NhaTrang2024OnTheLoopbackEmulator0000"
SAMPLE = campaign_file.BUNDLED_CONFIG_DIR / "samples" / "nhatrang-2024.xlsx"
NOW = "2024-11-21T08:00:00+07:00"
CAMPAIGN = campaign_file.load()
AGENCY, DASHBOARD, DECISIONS = CAMPAIGN.source.tab, CAMPAIGN.dashboard.tab, CAMPAIGN.decisions.tab
TIMEOUT = 5
PLAIN = requests.Session()  # no token, no rewriting, no proxies from the environment
PLAIN.trust_env = False

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="config/samples/nhatrang-2024.xlsx not generated")


@dataclass
class Cycles:
    api: SheetsApi
    base: str
    xlsx: dict[str, Any]
    google: dict[str, Any]
    first: list[Recorded]
    second: list[Recorded]
    exit_codes: tuple[int, ...]
    agency_before: list[list[Any]]


def _run(runner: CliRunner, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(cli, ["run", "--out", str(out), "--now", NOW, *extra])
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.exit_code, json.loads((out / "status.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def cycles(runner: CliRunner, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cycles]:
    """The xlsx path once, then two identical cycles through the CLI against the emulator."""
    tmp = tmp_path_factory.mktemp("emulator")
    api = SheetsApi()
    agency_before = seed_from_xlsx(api, SAMPLE, SID).tab(AGENCY).values()
    with pytest.MonkeyPatch.context() as mp, running(api) as server:
        mp.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        code_x, from_xlsx = _run(runner, tmp / "xlsx")
        mp.setenv(EMULATOR_VAR, server.base_url)
        code_1, from_google = _run(runner, tmp / "google", "--source", SID)
        mark = api.mark()
        code_2, _ = _run(runner, tmp / "google", "--source", SID)
        yield Cycles(api, server.base_url, from_xlsx, from_google, api.log[:mark], api.calls(mark),
                     (code_x, code_1, code_2), agency_before)


def _comparable(status: dict[str, Any]) -> dict[str, Any]:
    source = {k: v for k, v in status["source"].items() if k not in ("kind", "ref")}
    return {**{k: v for k, v in status.items() if k != "artifacts"}, "source": source}


def _budget(calls: list[Recorded]) -> tuple[int, int]:
    return sum(r.kind == "read" for r in calls), sum(r.kind == "write" for r in calls)


def _sheet_ids(doc: Any) -> set[int]:
    if isinstance(doc, dict):
        return {v for k, v in doc.items() if k == "sheetId"} | {i for v in doc.values() for i in _sheet_ids(v)}
    return {i for v in doc for i in _sheet_ids(v)} if isinstance(doc, list) else set()


def test_the_cli_runs_against_the_emulator_without_credentials(cycles: Cycles) -> None:
    assert cycles.exit_codes == (0, 0, 0)
    assert (cycles.google["source"]["kind"], cycles.google["source"]["ref"]) == ("google_sheets", SID)
    assert cycles.google["totals"] == cycles.xlsx["totals"]
    assert _comparable(cycles.google) == _comparable(cycles.xlsx)


def test_the_request_budget_holds_over_real_http(cycles: Cycles) -> None:
    reads, writes = _budget(cycles.first)
    assert reads == 2 and writes <= 3
    reads, writes = _budget(cycles.second)  # same data, same clock
    assert reads == 2 and writes <= 1
    assert all(r.status == 200 for r in cycles.first + cycles.second)
    assert not [r for r in cycles.first + cycles.second if r.kind == "auth"]  # a fixed token: no refresh


def test_no_write_touches_the_agency_tab(cycles: Cycles) -> None:
    book = cycles.api.books[SID]
    agency, dashboard, decisions = book.tab(AGENCY), book.tab(DASHBOARD), book.tab(DECISIONS)
    for call in (r for r in cycles.first + cycles.second if r.kind == "write"):
        assert _sheet_ids(call.body) <= {dashboard.sheet_id, decisions.sheet_id}, call.endpoint
        for item in call.body.get("data", []):
            assert item["range"].startswith((f"'{DASHBOARD}'", f"'{DECISIONS}'")), item["range"]
    assert agency.values() == cycles.agency_before
    assert (agency.formats, agency.protected, agency.metadata) == ({}, [], [])


def test_the_worker_writes_values_raw_only(cycles: Cycles) -> None:
    """The emulator now accepts USER_ENTERED, as Google does; the worker must still never send it."""
    writes = [r for r in cycles.first + cycles.second if r.kind == "write" and r.endpoint.startswith("values.")]
    assert writes and all((r.body or {}).get("valueInputOption", r.params.get("valueInputOption", [""])[0]) == "RAW"
                          for r in writes)


def test_the_dropdowns_the_worker_sets_can_be_seen_through_the_api(cycles: Cycles) -> None:
    with running(cycles.api) as server:
        doc = emulator_session(server.base_url).get(
            f"https://sheets.googleapis.com/v4/spreadsheets/{SID}",
            params={"ranges": f"'{DECISIONS}'!H2:H", "fields": "sheets.data.rowData.values(dataValidation)"},
            timeout=TIMEOUT).json()
    rules = [cell["dataValidation"] for row in doc["sheets"][0]["data"][0]["rowData"]
             for cell in row.get("values", []) if cell]
    kinds = {rule["condition"]["type"] for rule in rules}
    assert rules and kinds <= {"ONE_OF_RANGE", "ONE_OF_LIST"} and all(rule["strict"] for rule in rules)


def test_the_written_dashboard_can_be_seen_through_the_emulator(cycles: Cycles) -> None:
    with running(cycles.api) as server:
        reply = PLAIN.get(f"{server.base_url}/_emulator/tabs/{quote(DASHBOARD)}", timeout=TIMEOUT)
        listing = PLAIN.get(f"{server.base_url}/_emulator/tabs", timeout=TIMEOUT).json()
    assert reply.status_code == 200 and listing == {SID: [AGENCY, "Hướng dẫn", DASHBOARD, DECISIONS]}
    values = reply.json()["values"]
    assert values[0][0].startswith("TIẾN ĐỘ BÁO CÁO")
    assert cycles.google["artifacts"]["dashboard"].endswith(f"#gid={reply.json()['sheetId']}")


def test_a_person_can_type_a_choice_into_a_cell_through_the_emulator(cycles: Cycles) -> None:
    with running(cycles.api) as server:
        typed = PLAIN.post(f"{server.base_url}/_emulator/tabs/{quote(DECISIONS)}/cells",
                           json={"cell": "H2", "value": "Không phải đơn vị trong danh sách"}, timeout=TIMEOUT)
        refused = PLAIN.post(f"{server.base_url}/_emulator/tabs/{quote(DECISIONS)}/cells",
                             json={"cell": "H", "value": "x"}, timeout=TIMEOUT)
        values = PLAIN.get(f"{server.base_url}/_emulator/tabs/{quote(DECISIONS)}", timeout=TIMEOUT).json()["values"]
    assert typed.status_code == 200 and refused.status_code == 400
    assert values[1][7] == "Không phải đơn vị trong danh sách" and values[1][0].startswith(("N-", "P-", "V-"))


def test_seeded_values_are_what_unformatted_value_returns() -> None:
    api = SheetsApi()
    tab = seed_from_xlsx(api, SAMPLE, SID).tab(AGENCY)
    rows = workbook_tabs(SAMPLE)[AGENCY]
    dated = [(r, c, v) for r, row in enumerate(rows) for c, v in enumerate(row) if hasattr(v, "year")]
    assert dated and all(tab.cells[(r, c)] == DateCell(serial(v)) for r, c, v in dated)
    with running(api) as server:
        session = emulator_session(server.base_url)
        doc = session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{SID}/values:batchGet",
                          params={"ranges": f"'{AGENCY}'", "valueRenderOption": "UNFORMATTED_VALUE"},
                          timeout=TIMEOUT).json()
    got = doc["valueRanges"][0]["values"]
    r, c, _ = dated[0]
    assert isinstance(got[r][c], int | float) and not isinstance(got[r][c], bool)
    header = ["" if v is None else v for v in rows[0]]
    while header and header[-1] == "":
        header.pop()
    assert got[0] == header


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    api = SheetsApi()
    api.add_spreadsheet(SID, {"Sheet1": [["a", 1]]})
    with running(api) as running_server:
        yield running_server


def test_token_and_allowed_locations_hosts_are_routed_and_answered(server: EmulatorServer) -> None:
    session = emulator_session(server.base_url)
    token = session.post("https://oauth2.googleapis.com/token", data={"grant_type": "x"}, timeout=TIMEOUT)
    where = session.get("https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b/allowedLocations",
                        timeout=TIMEOUT)
    assert token.status_code == 200 and token.json()["token_type"] == "Bearer"
    assert where.status_code == 200 and where.json() == {"locations": [], "encodedLocations": "0x0"}


def test_unimplemented_routes_get_400_and_unknown_ids_404_never_5xx(server: EmulatorServer) -> None:
    session = emulator_session(server.base_url)
    sheets = "https://sheets.googleapis.com/v4/spreadsheets"
    assert session.post(f"{sheets}/{SID}:getByDataFilter", json={}, timeout=TIMEOUT).status_code == 400
    assert session.delete(f"{sheets}/{SID}", timeout=TIMEOUT).status_code == 400
    assert PLAIN.get(f"{server.base_url}/drive/v3/files", timeout=TIMEOUT).status_code == 400
    missing = session.get(f"{sheets}/1NoSuchSpreadsheet0000000000", timeout=TIMEOUT)
    assert missing.status_code == 404 and missing.json()["error"]["status"] == "NOT_FOUND"
    assert PLAIN.get(f"{sheets.replace('https://sheets.googleapis.com', server.base_url)}/{SID}",
                        timeout=TIMEOUT).status_code == 401  # no bearer token


def test_faults_can_be_injected_over_http_and_in_process(server: EmulatorServer) -> None:
    session = emulator_session(server.base_url)
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{SID}"
    queued = PLAIN.post(f"{server.base_url}/_emulator/faults/metadata", json={"status": 503}, timeout=TIMEOUT)
    assert queued.json() == {"endpoint": "metadata", "queued": 1, "status": 503}
    failed = session.get(url, timeout=TIMEOUT)
    assert failed.status_code == 503 and failed.json()["error"]["status"] == "UNAVAILABLE"
    assert session.get(url, timeout=TIMEOUT).status_code == 200
    server.api.inject("metadata", requests.ConnectionError("dropped"))
    with pytest.raises(requests.ConnectionError):
        session.get(url, timeout=TIMEOUT)
    log = PLAIN.get(f"{server.base_url}/_emulator/requests", timeout=TIMEOUT).json()
    assert [r["status"] for r in log] == [503, 200, 0]


@pytest.mark.parametrize("value", ["http://127.0.0.1:8765", "http://127.0.0.2:9/", "http://localhost:8765",
                                   "http://[::1]:8765", "https://127.0.0.1"])
def test_loopback_endpoints_are_accepted(value: str) -> None:
    assert emulator_endpoint({EMULATOR_VAR: value}) == value.rstrip("/")


@pytest.mark.parametrize("value", ["http://10.0.0.5:8765", "https://sheets.googleapis.com", "127.0.0.1:8765",
                                   "http://127.0.0.1.example.com", "http://localhost.example.com:80",
                                   "ftp://127.0.0.1", "http://0.0.0.0:8765", "http://127.0.0.1:8765/v4"])
def test_other_endpoints_are_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="loopback"):
        emulator_endpoint({EMULATOR_VAR: value})


def test_without_the_variable_nothing_changes() -> None:
    assert emulator_endpoint({}) is None and emulator_factory({EMULATOR_VAR: "  "}) is None


def test_the_cli_refuses_a_non_loopback_endpoint_clearly(runner: CliRunner, monkeypatch: pytest.MonkeyPatch,
                                                         tmp_path: Path) -> None:
    monkeypatch.setenv(EMULATOR_VAR, "http://sheets.example.com:8765")
    result = runner.invoke(cli, ["run", "--source", SID, "--out", str(tmp_path), "--now", NOW])
    assert result.exit_code == 2
    assert EMULATOR_VAR in result.output and "not a loopback URL" in result.output
    assert not (tmp_path / "status.json").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ignore_ctrl_c() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def test_the_command_prints_the_id_and_the_command_and_stops_on_ctrl_c() -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "aggregator.devtools.sheets_emulator", "--xlsx", str(SAMPLE),
                             "--port", str(port), "--id", SID, "--quiet", "--timezone", "America/Los_Angeles",
                             "--locale", "en_US"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            preexec_fn=_ignore_ctrl_c)  # as a shell starts a background job (and pytest, so run)
    try:
        lines: list[str] = []
        while not lines or lines[-1].strip() != "Stop with Ctrl+C.":
            lines.append(proc.stdout.readline() if proc.stdout else "")
            assert lines[-1] or proc.poll() is None, "".join(lines)
        banner = "".join(lines)
        assert f"Spreadsheet id: {SID}" in banner
        assert "Time zone: America/Los_Angeles, locale: en_US" in banner
        assert f"{EMULATOR_VAR}=http://127.0.0.1:{port} aggregator run --source {SID}" in banner
        assert PLAIN.get(f"http://127.0.0.1:{port}/_emulator/tabs", timeout=TIMEOUT).status_code == 200
        session = emulator_session(f"http://127.0.0.1:{port}")  # its connection stays open (keep-alive)
        meta = session.get(f"https://sheets.googleapis.com/v4/spreadsheets/{SID}",
                           params={"fields": "properties(timeZone,locale)"}, timeout=TIMEOUT).json()
        assert meta == {"properties": {"timeZone": "America/Los_Angeles", "locale": "en_US"}}
        proc.send_signal(signal.SIGINT)  # stops even while a client holds a connection open
        _, errors = proc.communicate(timeout=30)  # drains the pipes; generous for a loaded machine
        assert proc.returncode == 0, errors
        session.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=5)


def test_a_port_in_use_is_a_clear_error(server: EmulatorServer, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    assert main(["--xlsx", str(SAMPLE), "--port", str(server.server_address[1])]) == 2
    assert "error:" in capsys.readouterr().err and time.monotonic() - started < 10


def test_cells_holding_lone_surrogates_pass_through_a_whole_cycle(runner: CliRunner, tmp_path: Path) -> None:
    """Google's JSON may hold text no UTF-8 can carry ("\\ud800", typed by a script): the cycle reads such rows,
    keeps them in the history as typed, and writes every output."""
    api = SheetsApi()
    tab = seed_from_xlsx(api, SAMPLE, SID).tab(AGENCY)
    tab.put(3, 1, "UBND phường Lộc Thọ\ud800")
    tab.put(5, 1, "Đơn vị lạ\ud800")
    tab.put(4, 10, "ghi chú\udc80")
    with pytest.MonkeyPatch.context() as mp, running(api) as server:
        mp.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        mp.setenv(EMULATOR_VAR, server.base_url)
        _, status = _run(runner, tmp_path, "--source", SID)
    assert status["source"]["rows_read"] == len(tab.values()) - 1
    from aggregator.adapters.history import History

    kept = [cell for version in History(tmp_path / "history.sqlite").versions() for cell in version.content]
    assert {"Đơn vị lạ\ud800", "ghi chú\udc80"} <= set(kept)
