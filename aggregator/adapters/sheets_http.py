"""The wire under the Sheets adapter: one gspread client per cycle, bounded retries, the cycle's
deadline on every request (the token call included), and every third-party exception translated
into ours (errors say what to do: a 403 names the e-mail to share the sheet with)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import gspread
import requests
from google.auth.exceptions import GoogleAuthError, RefreshError
from google.auth.transport.requests import AuthorizedSession, Request
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL, SPREADSHEET_VALUES_BATCH_UPDATE_URL

from aggregator.adapters import deadline as wire
from aggregator.adapters.google_auth import email_from, key_path, load_credentials, read_key
from aggregator.adapters.retry import RetryPolicy, call_with_retry
from aggregator.errors import AggregatorError, CredentialsError, SheetAccessError
from aggregator.rowjson import compact

log = logging.getLogger(__name__)
T = TypeVar("T")
DEFAULT_TIMEOUT = (10.0, 60.0)  # connect, read (seconds); both also capped by the cycle's deadline


def batch_update(http: HTTPClient, sid: str, body: Mapping[str, object]) -> Any:
    """``spreadsheets.batchUpdate``, as gspread's ``batch_update`` sends it, the body written by ``_post``."""
    return _post(http, SPREADSHEET_BATCH_UPDATE_URL % sid, body)


def values_batch_update(http: HTTPClient, sid: str, body: Mapping[str, object]) -> Any:
    """``spreadsheets.values.batchUpdate``, as gspread's ``values_batch_update`` sends it (see ``_post``)."""
    return _post(http, SPREADSHEET_VALUES_BATCH_UPDATE_URL % sid, body)


def _post(http: HTTPClient, url: str, body: Mapping[str, object]) -> Any:
    """POST ``body`` as JSON written by orjson (``rowjson.compact``): a 20,000-unit dashboard sends 12 MB of
    values and 6 MB of formats, which requests' ``json.dumps`` takes four times as long to write, as text
    it then encodes again. gspread's client still sends it (retries on 429/5xx, APIError on refusal)."""
    return http.request("post", url, data=compact(body), headers={"Content-Type": "application/json"}).json()


class SheetsTransport:
    """Client, retries, deadline and error translation for spreadsheet ``sid``. Constructing it sends
    nothing and reads no file; ``requests`` counts the Sheets API requests sent (retries included)."""

    def __init__(self, sid: str, *, credentials: Path | None, session_factory: Callable[[], requests.Session] | None,
                 sleep: Callable[[float], None], retry: RetryPolicy, timeout: float | tuple[float, float],
                 deadline: wire.Deadline, read_only: bool) -> None:
        self.sid = sid
        self.deadline = deadline
        self.read_only = read_only
        self.requests = 0
        self._credentials = credentials
        self._session_factory = session_factory
        self._sleep, self._retry, self._timeout = sleep, retry, timeout
        self._client: gspread.Client | None = None
        self._key_email: str | None = None

    def http(self) -> HTTPClient:
        if self._client is None:
            if self._session_factory is not None:
                session = self._session_factory()
            else:
                key = read_key(key_path(self._credentials))
                self._key_email = key.email
                token_session = wire.bind(requests.Session(), self.deadline)
                session = AuthorizedSession(load_credentials(key, read_only=self.read_only),
                                            auth_request=Request(token_session))
            # gspread annotates ``auth`` as required, but ignores it when a session is given
            client = gspread.Client(None, wire.bind(session, self.deadline))  # type: ignore[arg-type]
            client.set_timeout(self._timeout)
            self._client = client
        return self._client.http_client

    def call(self, what: str, action: Callable[[HTTPClient], T], *, idempotent: bool = True) -> T:
        """Send ``action(http)`` with retries (only after a 429 when not ``idempotent``: otherwise a
        fault raises retry.MaybeApplied); translate anything third-party into our errors."""
        def attempt() -> T:
            http = self.http()
            self.requests += 1
            return action(http)

        try:
            return call_with_retry(attempt, what=what, policy=self._retry, sleep=self._sleep,
                                   idempotent=idempotent, deadline=self.deadline)
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
                f"Spreadsheet {self.sid}: {what} failed ({type(exc).__name__}: {exc}).",
                "Nothing else was changed; the worker will try again next cycle.",
            ) from exc

    def pause(self, seconds: float, what: str) -> None:
        """Wait before looking again, never past the deadline."""
        if seconds >= self.deadline.remaining():
            raise self.deadline.exceeded(what)
        self._sleep(seconds)

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
                f"The service account may not open spreadsheet {self.sid} (HTTP 403: {message}).",
                f"Share the spreadsheet with {self._email()} (Editor): open it, click Share, paste that "
                "e-mail and choose Editor (Editor is needed to write the dashboard tab).",
            )
        if status == 404:
            return SheetAccessError(
                f"Spreadsheet {self.sid} was not found (HTTP 404: {message}).",
                "Check the URL or id in `source.spreadsheet` of the campaign file (or --source): copy it "
                "from the browser's address bar, https://docs.google.com/spreadsheets/d/<id>/edit.",
            )
        return SheetAccessError(
            f"Google refused {what} for spreadsheet {self.sid} (HTTP {status}: {message}).",
            "Nothing else was changed. If a tab was renamed or deleted just now the next cycle will adapt; "
            "otherwise report this message.",
        )
