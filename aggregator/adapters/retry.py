"""Bounded exponential backoff with jitter for calls to Google.

gspread's own ``BackOffHTTPClient`` is not used: in 6.2.1 it clamps the wait to 128 s so its
stop condition is always true and it retries forever (until RecursionError), and it ignores
``Retry-After``. Here every call gets at most ``max_attempts`` tries, then a
``TransientSourceError`` that tells the operator the worker will simply try again next cycle.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

import requests
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError

from aggregator.adapters.deadline import Deadline
from aggregator.errors import TransientSourceError

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRYABLE_STATUS = frozenset({408, 429})  # plus every 5xx


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try one request before giving up for this cycle.

    The wait before retry ``n`` (1-based) is ``min(cap, base * 2**(n-1)) + U(0, jitter)`` seconds, or
    the server's ``Retry-After`` (bounded by ``max_retry_after``) when it sends one. With the
    defaults the worst case is about 15 s of sleeping plus jitter over 5 attempts.
    """

    max_attempts: int = 5
    base: float = 1.0
    cap: float = 32.0
    jitter: float = 1.0
    max_retry_after: float = 120.0
    rand: Callable[[], float] = field(default=random.random, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1")

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry number ``retry`` (1 = the first retry)."""
        if retry_after is not None:
            return max(0.0, min(retry_after, self.max_retry_after))
        backoff = min(self.cap, self.base * 2.0 ** (retry - 1))
        return backoff + self.jitter * self.rand()


@dataclass(frozen=True)
class Fault:
    """A failure worth retrying: a short description and the server's Retry-After, if any.

    ``refused`` is True when Google answered that it did not take the request (429): then even a
    request that is not idempotent can simply be sent again.
    """

    reason: str
    retry_after: float | None = None
    refused: bool = False


class MaybeApplied(Exception):
    """A request that is not idempotent got no clear answer (the connection dropped, a timeout, a
    5xx): Google may have applied it. The caller re-reads the state instead of sending it again.
    Never leaves adapters/."""

    def __init__(self, what: str, fault: Fault) -> None:
        super().__init__(f"{what}: {fault.reason}")
        self.what, self.fault = what, fault


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` is either delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _api_status(exc: APIError) -> int:
    # gspread puts -1 in .code when the body is not JSON (an HTML 502 from a proxy, say);
    # the HTTP status is the reliable number.
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return int(status) if isinstance(status, int) else int(exc.code)


def classify(exc: BaseException) -> Fault | None:
    """Return a Fault for 408/429/5xx answers and network trouble; None for anything else."""
    if isinstance(exc, APIError):
        status = _api_status(exc)
        if status in RETRYABLE_STATUS or status >= 500:
            message = str(exc.error.get("message", "")).strip() or "no message"
            headers = exc.response.headers if exc.response is not None else {}
            return Fault(f"HTTP {status}: {message}", parse_retry_after(headers.get("Retry-After")),
                         refused=status == 429)
        return None
    if isinstance(exc, requests.Timeout):
        return Fault(f"no answer within the time limit ({type(exc).__name__})")
    if isinstance(exc, requests.ConnectionError):
        return Fault(f"network error ({type(exc).__name__}: {exc})")
    if isinstance(exc, TransportError):  # the token refresh could not reach Google
        return Fault(f"network error while refreshing the access token ({exc})")
    if isinstance(exc, RefreshError) and getattr(exc, "retryable", False):
        return Fault(f"the token endpoint failed ({exc})")
    return None


def call_with_retry(
    action: Callable[[], T],
    *,
    what: str,
    policy: RetryPolicy,
    sleep: Callable[[float], None],
    hint: str = "",
    idempotent: bool = True,
    deadline: Deadline | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Run ``action``; retry transient faults with backoff; give up after ``policy.max_attempts``.

    Exceptions that ``classify`` does not recognise propagate unchanged on the first try. A request
    that is not ``idempotent`` is sent again only after a 429 (Google refused it); any other
    transient fault raises ``MaybeApplied`` so the caller can look before sending it again. No
    pause runs past ``deadline``.

    Raises:
        TransientSourceError: every attempt failed with a transient fault, or the deadline came first.
        MaybeApplied: (not idempotent) the request may have been applied.
    """
    started = clock()
    for attempt in range(1, policy.max_attempts + 1):
        try:
            return action()
        except Exception as exc:
            fault = classify(exc)
            if fault is None:
                raise
            if not idempotent and not fault.refused:
                raise MaybeApplied(what, fault) from exc
            if attempt == policy.max_attempts:
                raise _gave_up(what, attempt, clock() - started, fault, hint) from exc
            pause = policy.delay(attempt, fault.retry_after)
            if deadline is not None and pause >= deadline.remaining():
                log.warning("%s failed (%s); a retry in %.1f s would pass the cycle's time limit", what,
                            fault.reason, pause)
                raise deadline.exceeded(what, fault.reason, pause) from exc
            log.warning("%s failed (%s); retry %d of %d in %.1f s",
                        what, fault.reason, attempt, policy.max_attempts - 1, pause)
            sleep(pause)
    raise AssertionError("unreachable")  # pragma: no cover


def _gave_up(what: str, attempts: int, spent: float, fault: Fault, hint: str) -> TransientSourceError:
    return TransientSourceError(
        f"Google Sheets did not answer {what} after {attempts} attempts in {spent:.1f} s "
        f"(last error: {fault.reason}).",
        hint
        or "The previous dashboard, report and status.json were left as they were; the worker will "
        "try again on the next cycle. If this keeps happening, check the network and the Sheets API "
        "quota (60 requests per minute per user) in Google Cloud Console.",
    )
