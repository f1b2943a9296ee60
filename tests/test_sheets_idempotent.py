"""Structural writes that Google applied but whose answer was lost (issue 8, item 6).

The emulator applies the request and then drops the connection (``Applied``); the adapter must
look before it sends again, and every cycle removes duplicates an earlier run left behind.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from aggregator.adapters import sheets_format as fmt
from aggregator.adapters.google_auth import EMULATOR_VAR
from aggregator.adapters.retry import RetryPolicy
from aggregator.adapters.sheets import GoogleSheet
from aggregator.app.cli import cli
from aggregator.devtools.sheets_api import SheetsApi
from aggregator.devtools.sheets_emulator import running
from aggregator.devtools.sheets_state import Applied, Tab
from aggregator.errors import OutputError, TransientSourceError
from tests.fake_sheets import FakeSheets, token_session
from tests.test_sheets_adapter import AGENCY, AGENCY_ROWS, DASH, SID, make_layout

DROPPED = requests.ConnectionError("connection reset by peer")
TIMED_OUT = requests.ReadTimeout("read timed out")


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    api = FakeSheets()
    api.add_spreadsheet(SID, {AGENCY: AGENCY_ROWS})
    with api.activate():
        yield api


def cycle(sleeps: list[float] | None = None) -> str:
    gs = GoogleSheet(SID, AGENCY, dashboard_tab=DASH, session_factory=token_session,
                     sleep=(sleeps if sleeps is not None else []).append, retry=RetryPolicy(rand=lambda: 0.0))
    gs.read()
    return gs.write(make_layout())


def dashboard_state(fake: SheetsApi) -> tuple[int, int, int]:
    """(dashboard tabs, our protected ranges on it, signature entries on it)."""
    tabs = [t for t in fake.books[SID].tabs if t.title == DASH]
    mine = [p for t in tabs for p in t.protected if p.get("description") == fmt.PROTECTION_DESCRIPTION]
    signatures = [m for t in tabs for m in t.metadata if m["metadataKey"] == fmt.SIGNATURE_KEY]
    return len(tabs), len(mine), len(signatures)


@pytest.mark.parametrize("error", [DROPPED, TIMED_OUT], ids=["dropped", "timed-out"])
def test_an_add_sheet_applied_without_an_answer_is_not_sent_again(fake: FakeSheets, error: Exception) -> None:
    fake.inject("batchUpdate", Applied(error))
    sleeps: list[float] = []
    url = cycle(sleeps)
    assert dashboard_state(fake) == (1, 1, 1)
    add_sheets = [r for r in fake.log if r.endpoint == "batchUpdate" and "addSheet" in str(r.body)]
    assert len(add_sheets) == 1  # looked (a metadata read), did not send it again
    assert [r.endpoint for r in fake.log] == ["metadata", "values.batchGet", "batchUpdate", "metadata",
                                              "batchUpdate", "values.batchUpdate"]
    assert sleeps == [1.0] and url.endswith(f"#gid={fake.books[SID].tab(DASH).sheet_id}")
    assert fake.books[SID].tab(DASH).values()[2] == ["TT", "Tên cơ quan, đơn vị", "Ghi chú"]


def test_a_format_batch_applied_without_an_answer_leaves_one_protection_and_one_signature(fake: FakeSheets) -> None:
    # the addSheet is answered; the formatting batch (protection + signature) is applied, then lost
    fake.inject("batchUpdate", None, Applied(TIMED_OUT))
    cycle()
    assert dashboard_state(fake) == (1, 1, 1)
    mark = fake.mark()
    cycle()  # the next cycle finds everything in place
    assert fake.counts(mark) == (2, 0)


def test_an_answer_lost_every_time_gives_up_with_a_clear_message(fake: FakeSheets) -> None:
    fake.inject("batchUpdate", *[DROPPED] * 5)
    with pytest.raises(TransientSourceError, match="no clear answer to creating the dashboard tab 5 times") as caught:
        cycle()
    assert "next cycle reads the spreadsheet again" in str(caught.value)
    assert dashboard_state(fake) == (0, 0, 0)
    cycle()  # the next cycle converges
    assert dashboard_state(fake) == (1, 1, 1)


def test_duplicates_left_by_earlier_runs_are_removed(fake: FakeSheets) -> None:
    cycle()
    tab = fake.books[SID].tab(DASH)
    tab.protected.append({**copy.deepcopy(tab.protected[0]), "protectedRangeId": 77})
    tab.metadata.append({**copy.deepcopy(tab.metadata[0]), "metadataId": 78})
    someone_elses = {"protectedRangeId": 79, "range": {"sheetId": tab.sheet_id, "startRowIndex": 0,
                                                       "endRowIndex": 1}, "description": "Chị Lan khóa dòng 1"}
    tab.protected.append(someone_elses)
    assert dashboard_state(fake) == (1, 2, 2)
    mark = fake.mark()
    cycle()
    assert dashboard_state(fake) == (1, 1, 1)
    (write,) = fake.calls(mark, "write")
    assert [next(iter(r)) for r in write.body["requests"]] == ["deleteProtectedRange", "deleteDeveloperMetadata"]
    assert someone_elses in fake.books[SID].tab(DASH).protected  # only our own duplicates go
    mark = fake.mark()
    cycle()
    assert fake.counts(mark) == (2, 0)


def test_a_foreign_tab_is_still_refused_after_a_lost_answer(fake: FakeSheets) -> None:
    fake.books[SID].tabs.append(Tab(77, DASH, cells={(0, 0): "Sổ tay của chị Lan"}))
    with pytest.raises(OutputError, match="did not write"):
        cycle()
    assert fake.calls(0, "write") == []


def test_the_cli_finishes_the_cycle_when_the_emulator_drops_an_applied_add_sheet(
        runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    api = SheetsApi()
    api.add_spreadsheet(SID, {AGENCY: AGENCY_ROWS})
    with running(api) as server:
        queued = requests.post(f"{server.base_url}/_emulator/faults/batchUpdate", json={"drop": "after"},
                               timeout=5, proxies={"http": "", "https": ""})
        assert queued.json() == {"endpoint": "batchUpdate", "queued": 1, "drop": "after"}
        monkeypatch.setenv(EMULATOR_VAR, server.base_url)
        monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
        result = runner.invoke(cli, ["run", "--source", SID, "--out", str(tmp_path),
                                          "--now", "2024-11-11T08:00:00+07:00"])
    assert result.exit_code == 0, result.output
    assert dashboard_state(api) == (1, 1, 1)
