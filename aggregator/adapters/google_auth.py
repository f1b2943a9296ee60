"""Service-account credentials for the Sheets adapter: find the key file, check it, load it.

Nothing here talks to the network; the first API call refreshes the token.

``AGGREGATOR_SHEETS_ENDPOINT=http://127.0.0.1:8765`` sends every Google call to a local emulator
(python -m aggregator.devtools.sheets_emulator) with a fixed token instead of a key: loopback only.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import credentials as token_credentials
from google.oauth2 import service_account

from aggregator.adapters.deadline import DeadlineAdapter
from aggregator.errors import ConfigError, CredentialsError

log = logging.getLogger(__name__)

# Only the spreadsheets scope: the worker never needs Drive (no listing, no sharing, no creating files).
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
# Commands that only read (`check`, `init`, `remind`) ask for no more than they use.
READONLY_SCOPES = ("https://www.googleapis.com/auth/spreadsheets.readonly",)
ENV_VAR = "GOOGLE_APPLICATION_CREDENTIALS"
REQUIRED_FIELDS = ("client_email", "private_key", "token_uri")
EMULATOR_VAR = "AGGREGATOR_SHEETS_ENDPOINT"
GOOGLE_PREFIXES = ("https://sheets.googleapis.com/", "https://oauth2.googleapis.com/",
                   "https://iamcredentials.googleapis.com/")


@dataclass(frozen=True)
class ServiceAccountKey:
    path: Path
    email: str
    info: Mapping[str, Any]


def key_path(explicit: Path | None, environ: Mapping[str, str] | None = None) -> Path:
    """Key file: the campaign's ``source.credentials`` if set, else ``$GOOGLE_APPLICATION_CREDENTIALS``."""
    if explicit is not None:
        return Path(explicit).expanduser()
    value = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    if not value:
        raise CredentialsError(
            "No Google credentials: the campaign file has no `source.credentials` and "
            f"{ENV_VAR} is not set, so the worker cannot read the spreadsheet."
        )
    return Path(value).expanduser()


def read_key(path: Path) -> ServiceAccountKey:
    """Read and check a service-account JSON key. Raises CredentialsError saying what is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise CredentialsError(f"The credentials file {path} does not exist.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise CredentialsError(f"The credentials file {path} cannot be read ({exc}).") from exc
    try:
        info = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CredentialsError(
            f"The credentials file {path} is not valid JSON "
            f"(line {exc.lineno}, column {exc.colno}: {exc.msg}).",
            "Download the key again (IAM & Admin > Service accounts > Keys > Add key > JSON) "
            "and save it unchanged.",
        ) from exc
    return ServiceAccountKey(path, _check_fields(path, info), info)


def _check_fields(path: Path, info: Any) -> str:
    if not isinstance(info, dict):
        raise CredentialsError(f"The credentials file {path} is JSON but not a key (expected an object).")
    kind = info.get("type")
    if kind != "service_account":
        what = {"authorized_user": "a user login (gcloud auth application-default login)",
                None: "not a service-account key (no \"type\" field)"}.get(kind, f"a {kind!r} key")
        if "installed" in info or "web" in info:
            what = "an OAuth client id, not a service-account key"
        raise CredentialsError(
            f"The credentials file {path} is {what}; the worker needs a service-account key."
        )
    missing = [name for name in REQUIRED_FIELDS if not info.get(name)]
    if missing:
        raise CredentialsError(
            f"The service-account key {path} lacks {', '.join(missing)}.",
            "Download a fresh JSON key for the service account and do not edit it.",
        )
    return str(info["client_email"])


def load_credentials(key: ServiceAccountKey, *, read_only: bool = False) -> service_account.Credentials:
    """google-auth credentials limited to the spreadsheets scope (its read-only variant if asked)."""
    try:
        credentials: service_account.Credentials = (
            service_account.Credentials.from_service_account_info(
                dict(key.info), scopes=list(READONLY_SCOPES if read_only else SCOPES)
            )
        )
        return credentials
    except (ValueError, TypeError, IndexError) as exc:
        raise CredentialsError(
            f"The service-account key {key.path} has a private_key that cannot be used ({exc}).",
            "Download a fresh JSON key for the service account and do not edit it.",
        ) from exc


def email_from(path: Path | None) -> str | None:
    """The key's ``client_email``, or None when there is no readable key (for error messages only)."""
    try:
        return read_key(key_path(path)).email
    except CredentialsError:
        return None


def emulator_endpoint(environ: Mapping[str, str] | None = None) -> str | None:
    """``$AGGREGATOR_SHEETS_ENDPOINT`` checked to be an http(s) URL on this machine, or None when unset."""
    value = (os.environ if environ is None else environ).get(EMULATOR_VAR, "").strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    host = parts.hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if parts.scheme not in ("http", "https") or not loopback or parts.path not in ("", "/"):
        raise ConfigError(EMULATOR_VAR, [
            f"{value!r} is not a loopback URL such as http://127.0.0.1:8765 (allowed hosts: 127.0.0.0/8, "
            "localhost, ::1): the emulator gets a fake token and no credentials, and agency data must "
            "not be sent to another machine"],
            f"Unset {EMULATOR_VAR} to use Google, or point it at a local emulator "
            "(python -m aggregator.devtools.sheets_emulator).")
    return value


class RewritingAdapter(DeadlineAdapter):
    """Sends requests addressed to Google's hosts to ``base`` instead (same path and query), within
    the cycle's deadline like any call to Google."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        for prefix in GOOGLE_PREFIXES:
            if request.url and request.url.startswith(prefix):
                request.url = f"{self.base}/{request.url[len(prefix):]}"
        return super().send(request, *args, **kwargs)


def emulator_session(base: str) -> requests.Session:
    """A session for the emulator at ``base``: a fixed token (never refreshed), Google hosts rewritten."""
    log.warning("Google Sheets calls go to the emulator at %s, not to Google (%s is set)", base, EMULATOR_VAR)
    session = AuthorizedSession(token_credentials.Credentials(token="emulator"))
    session.trust_env = False  # no proxy for a loopback address
    adapter = RewritingAdapter(base)
    for prefix in GOOGLE_PREFIXES:
        session.mount(prefix, adapter)
    return session


def emulator_factory(environ: Mapping[str, str] | None = None) -> Callable[[], requests.Session] | None:
    """The emulator's session factory when ``$AGGREGATOR_SHEETS_ENDPOINT`` is set (checked now), else None."""
    base = emulator_endpoint(environ)
    return None if base is None else partial(emulator_session, base)
