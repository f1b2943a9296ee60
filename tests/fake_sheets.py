"""The Sheets API emulator (aggregator/devtools) in-process, at the HTTP layer with ``responses``.

``FakeSheets`` is ``SheetsApi`` plus ``activate()``/``install()``, which route
https://sheets.googleapis.com/v4/spreadsheets/…, the OAuth token endpoint and IAM ``allowedLocations``
to the shared handler. The model, the faithful responses, ``inject`` and ``log`` live in
aggregator/devtools/sheets_api.py and sheets_state.py; tests/test_sheets_emulator.py runs the same
handler over real loopback HTTP.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.credentials import Credentials

from aggregator.devtools.sheets_api import Recorded, SheetsApi
from aggregator.devtools.sheets_state import ApiError, Book, DateCell, Reply, Tab, fault, parse_a1

__all__ = ["ApiError", "Book", "DateCell", "FakeSheets", "Recorded", "Reply", "Tab", "fault", "parse_a1",
           "service_account_key", "token_session"]

TOKEN_URL = "https://oauth2.googleapis.com/token"
SHEETS = re.compile(r"https://sheets\.googleapis\.com/v4/spreadsheets/.*")
LOCATIONS = re.compile(r"https://iamcredentials\.googleapis\.com/v1/projects/-/serviceAccounts/.+/allowedLocations")


def token_session() -> AuthorizedSession:
    """A session with a token that never expires: no token traffic at all (gspread's own trick)."""
    return AuthorizedSession(Credentials(token="ya29.test"))


def service_account_key(path: Path, email: str = "worker@demo-project.iam.gserviceaccount.com") -> Path:
    """Write a service-account JSON key with a fresh RSA key (the token endpoint is the fake's)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    info = {"type": "service_account", "project_id": "demo-project", "private_key_id": "k1",
            "private_key": pem, "client_email": email, "client_id": "1", "token_uri": TOKEN_URL}
    path.write_text(json.dumps(info), encoding="utf-8")
    return path


class FakeSheets(SheetsApi):
    """The fake API: ``with FakeSheets().activate() as fake:`` (or ``fake.install(rsps)``)."""

    def _callback(self, request: Any) -> Reply | Exception:
        return self.handle(request.method, request.url, request.headers, request.body)

    def install(self, rsps: responses.RequestsMock) -> None:
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            rsps.add_callback(method, SHEETS, callback=self._callback)
        rsps.add_callback("POST", TOKEN_URL, callback=self._callback)
        rsps.add_callback("GET", LOCATIONS, callback=self._callback)

    @contextmanager
    def activate(self) -> Iterator[FakeSheets]:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            self.install(rsps)
            try:
                yield self
            finally:  # google-auth's background allowedLocations thread must finish inside the mock
                for thread in threading.enumerate():
                    if type(thread).__name__ == "_RegionalAccessBoundaryRefreshThread":
                        thread.join(timeout=5)
