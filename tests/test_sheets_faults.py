"""GoogleSheet under faults: retries with backoff, clear errors, credentials, nothing third-party leaks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from aggregator.adapters.google_auth import SCOPES
from aggregator.adapters.retry import RetryPolicy
from aggregator.adapters.sheets import GoogleSheet
from aggregator.errors import AggregatorError, CredentialsError, SheetAccessError, TransientSourceError
from tests.fake_sheets import FakeSheets, fault, service_account_key, token_session
from tests.test_sheets_adapter import AGENCY, AGENCY_ROWS, BODY, DASH, SID, make_layout

EMAIL = "worker@demo-project.iam.gserviceaccount.com"
NO_JITTER = RetryPolicy(rand=lambda: 0.0)


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    api = FakeSheets()
    api.add_spreadsheet(SID, {AGENCY: AGENCY_ROWS})
    with api.activate():
        yield api


@pytest.fixture
def key(tmp_path: Path) -> Path:
    return service_account_key(tmp_path / "google.json", EMAIL)


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def sheet(sleeps: Sleeps | None = None, ref: str = SID, **kw: Any) -> GoogleSheet:
    kw.setdefault("session_factory", token_session)
    return GoogleSheet(ref, AGENCY, dashboard_tab=DASH, sleep=sleeps if sleeps is not None else Sleeps(),
                       retry=kw.pop("retry", NO_JITTER), **kw)


def endpoints(fake: FakeSheets, name: str) -> int:
    return sum(r.endpoint == name for r in fake.log)


# Retries ------------------------------------------------------------------------------------------

def test_429_with_retry_after_then_success(fake: FakeSheets) -> None:
    fake.inject("values.batchGet", fault(429, retry_after=7))
    sleeps = Sleeps()
    snap = sheet(sleeps).read()
    assert snap.tab.rows[1][1] == "UBND phường Vĩnh Hải"
    assert sleeps == [7.0]
    assert endpoints(fake, "values.batchGet") == 2


def test_503_on_the_values_write_then_success(fake: FakeSheets) -> None:
    fake.inject("values.batchUpdate", fault(503))
    sleeps = Sleeps()
    gs = sheet(sleeps, retry=RetryPolicy(rand=lambda: 0.5))
    gs.read()
    gs.write(make_layout())
    assert sleeps == [1.5]  # base 1 s plus half of the 1 s jitter
    assert fake.books[SID].tab(DASH).values()[2] == ["TT", "Tên cơ quan, đơn vị", "Ghi chú"]


@pytest.mark.parametrize("error", [requests.ConnectionError("connection reset by peer"),
                                   requests.ReadTimeout("read timed out")], ids=["connection", "timeout"])
def test_network_faults_are_retried(fake: FakeSheets, error: Exception) -> None:
    fake.inject("metadata", error)
    sleeps = Sleeps()
    assert sheet(sleeps).read().tab.title == AGENCY
    assert sleeps == [1.0]


def test_persistent_503_gives_up_after_five_attempts_with_a_clear_message(fake: FakeSheets) -> None:
    sleeps = Sleeps()
    gs = sheet(sleeps)
    gs.read()
    fake.inject("values.batchUpdate", *[fault(503)] * 5)
    with pytest.raises(TransientSourceError) as caught:
        gs.write(make_layout())
    message = str(caught.value)
    assert "after 5 attempts" in message and "HTTP 503: The service is currently unavailable." in message
    assert "left as they were" in message and "next cycle" in message
    assert sleeps == [1.0, 2.0, 4.0, 8.0]
    assert endpoints(fake, "values.batchUpdate") == 5


def test_a_failed_write_leaves_the_previous_dashboard_as_it_was(fake: FakeSheets) -> None:
    gs = sheet()
    gs.read()
    gs.write(make_layout())
    before = fake.books[SID].tab(DASH).values()
    fake.inject("values.batchUpdate", *[fault(500)] * 5)
    gs = sheet()
    gs.read()
    with pytest.raises(TransientSourceError):
        gs.write(make_layout((*BODY[:3], (3, "Trường MN Hoa Sen", "Đã báo cáo"))))
    assert fake.books[SID].tab(DASH).values() == before


def test_a_failure_to_write_only_the_as_of_cell_does_not_fail_the_write(fake: FakeSheets, caplog: Any) -> None:
    gs = sheet()
    gs.read()
    gs.write(make_layout())
    before = fake.books[SID].tab(DASH).values()
    fake.inject("values.batchUpdate", *[fault(503)] * 5)
    gs = sheet()
    gs.read()
    with caplog.at_level("WARNING", logger="aggregator.adapters.sheets"):
        url = gs.write(make_layout(as_of="12/11/2024 08:00"))  # only the time moved; the write fails
    assert url.endswith(f"#gid={fake.books[SID].tab(DASH).sheet_id}")
    assert fake.books[SID].tab(DASH).values() == before  # this cycle's data, the previous time stamp
    assert any("'as of' cell" in r.getMessage() and "only its time stamp" in r.getMessage()
               for r in caplog.records)


def test_backoff_is_capped(fake: FakeSheets) -> None:
    fake.inject("metadata", *[fault(429)] * 8)
    sleeps = Sleeps()
    with pytest.raises(TransientSourceError):
        sheet(sleeps, retry=RetryPolicy(max_attempts=8, cap=5.0, rand=lambda: 0.0)).read()
    assert sleeps == [1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0]


def test_a_400_is_not_retried(fake: FakeSheets) -> None:
    fake.inject("values.batchGet", fault(400, "Unable to parse range: 'Báo cáo'"))
    sleeps = Sleeps()
    with pytest.raises(SheetAccessError, match="HTTP 400: Unable to parse range"):
        sheet(sleeps).read()
    assert sleeps == [] and endpoints(fake, "values.batchGet") == 1


@pytest.mark.parametrize("reply", [
    (502, {"Content-Type": "text/html"}, "<html>Bad Gateway</html>"),
    requests.ConnectionError("no route to host"),
], ids=["html-502", "network"])
def test_no_third_party_exception_leaves_the_adapter(fake: FakeSheets, reply: Any) -> None:
    fake.inject("metadata", *[reply] * 5)
    with pytest.raises(AggregatorError) as caught:
        sheet().read()
    assert isinstance(caught.value, TransientSourceError)


def test_a_request_timeout_is_set(fake: FakeSheets) -> None:
    gs = sheet()
    gs.read()
    assert gs._wire._client is not None and gs._wire._client.http_client.timeout == (10.0, 60.0)


# Access errors --------------------------------------------------------------------------------------

def test_403_asks_to_share_with_the_service_account_email(fake: FakeSheets, key: Path) -> None:
    fake.books[SID].forbidden = True
    with pytest.raises(SheetAccessError) as caught:
        sheet(credentials=key, session_factory=None).read()
    assert f"Share the spreadsheet with {EMAIL} (Editor)" in str(caught.value)
    assert fake.scopes == [" ".join(SCOPES)] == ["https://www.googleapis.com/auth/spreadsheets"]


def test_the_key_from_the_environment_is_used(fake: FakeSheets, key: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    snap = sheet(session_factory=None).read()
    assert snap.tab.title == AGENCY
    assert next(r.endpoint for r in fake.log if r.kind == "auth") == "token"
    assert fake.counts() == (2, 0)


def test_404_says_to_check_the_url_or_id(fake: FakeSheets) -> None:
    with pytest.raises(SheetAccessError) as caught:
        sheet(ref="1ThisSpreadsheetDoesNotExist000000").read()
    message = str(caught.value)
    assert "was not found" in message and "Check the URL or id" in message


def test_403_for_a_disabled_api_says_to_enable_it(fake: FakeSheets) -> None:
    fake.inject("metadata", fault(403, "Google Sheets API has not been used in project 123 before or it is "
                                       "disabled. Enable it by visiting …"))
    with pytest.raises(SheetAccessError, match="Enable it in Google Cloud Console"):
        sheet().read()


# Credentials ------------------------------------------------------------------------------------------

def test_missing_credentials_say_how_to_create_them(fake: FakeSheets, monkeypatch: Any) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    gs = sheet(session_factory=None)
    with pytest.raises(CredentialsError) as caught:
        gs.read()
    message = str(caught.value)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in message and "Service accounts > Keys" in message
    assert fake.log == []


@pytest.mark.parametrize(("content", "expected"), [
    (None, "does not exist"),
    ("{not json", "is not valid JSON (line 1, column 2"),
    (json.dumps({"type": "authorized_user", "client_id": "x"}), "user login"),
    (json.dumps({"installed": {"client_id": "x"}}), "OAuth client id"),
    (json.dumps({"type": "service_account", "client_email": EMAIL}), "lacks private_key, token_uri"),
    (json.dumps({"type": "service_account", "client_email": EMAIL, "token_uri": "https://example.invalid/t",
                 "private_key": "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"}),
     "private_key"),
], ids=["missing", "not-json", "user-login", "oauth-client", "incomplete", "bad-private-key"])
def test_a_bad_key_file_is_named_with_what_is_wrong(fake: FakeSheets, tmp_path: Path, content: str | None,
                                                    expected: str) -> None:
    path = tmp_path / "google.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CredentialsError) as caught:
        sheet(credentials=path, session_factory=None).read()
    assert str(path) in str(caught.value) and expected in str(caught.value)
    assert fake.log == []


def test_a_revoked_key_is_a_credentials_error(fake: FakeSheets, key: Path) -> None:
    refusal = {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
    fake.inject("token", (400, {"Content-Type": "application/json"}, json.dumps(refusal)))
    with pytest.raises(CredentialsError, match="Invalid JWT Signature"):
        sheet(credentials=key, session_factory=None).read()
