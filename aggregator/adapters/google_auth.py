"""Service-account credentials for the Sheets adapter: find the key file, check it, load it.

Nothing here talks to the network; the first API call refreshes the token.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.oauth2 import service_account

from aggregator.errors import CredentialsError

# Only the spreadsheets scope: the worker never needs Drive (no listing, no sharing, no creating files).
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
ENV_VAR = "GOOGLE_APPLICATION_CREDENTIALS"
REQUIRED_FIELDS = ("client_email", "private_key", "token_uri")


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


def load_credentials(key: ServiceAccountKey) -> service_account.Credentials:
    """google-auth credentials limited to the spreadsheets scope."""
    try:
        credentials: service_account.Credentials = (
            service_account.Credentials.from_service_account_info(  # type: ignore[no-untyped-call]
                dict(key.info), scopes=list(SCOPES)
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
