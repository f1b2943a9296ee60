"""RetryPolicy and call_with_retry: bounded, jittered, Retry-After aware; only transient faults retried."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError

from aggregator.adapters.deadline import Deadline
from aggregator.adapters.retry import MaybeApplied, RetryPolicy, call_with_retry, classify, parse_retry_after
from aggregator.errors import TransientSourceError
from tests.fake_sheets import fault

FIXTURE = Path(__file__).parent / "fixtures" / "sheets" / "errors.json"
ERRORS = json.loads(FIXTURE.read_text(encoding="utf-8"))


def api_error(status: int, body: Any = None, headers: dict[str, str] | None = None) -> APIError:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    text = body if isinstance(body, str) else json.dumps(body if body is not None else ERRORS[str(status)])
    response._content = text.encode()
    return APIError(response)


class Flaky:
    """Fails with the given exceptions in turn, then returns "ok"."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors, self.calls = list(errors), 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_delays_grow_exponentially_up_to_the_cap_plus_jitter() -> None:
    policy = RetryPolicy(base=1.0, cap=32.0, jitter=1.0, rand=lambda: 0.25)
    assert [policy.delay(n) for n in range(1, 8)] == [1.25, 2.25, 4.25, 8.25, 16.25, 32.25, 32.25]


def test_retry_after_wins_but_is_bounded() -> None:
    policy = RetryPolicy(max_retry_after=120.0, rand=lambda: 0.9)
    assert policy.delay(1, retry_after=7.0) == 7.0
    assert policy.delay(1, retry_after=3600.0) == 120.0


def test_a_policy_needs_at_least_one_attempt() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


@pytest.mark.parametrize(("value", "expected"),
                         [("7", 7.0), ("1.5", 1.5), ("-3", 0.0), (None, None), ("soon", None)],
                         ids=["int", "float", "negative", "none", "junk"])
def test_parse_retry_after_seconds(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (parse_retry_after(later) or 0) <= 30


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_transient_statuses_are_retried(status: int) -> None:
    body = ERRORS.get(str(status), {"error": {"code": status, "message": "x", "status": "UNKNOWN"}})
    found = classify(api_error(status, body, {"Retry-After": "3"}))
    assert found is not None and found.retry_after == 3.0 and f"HTTP {status}" in found.reason


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_permanent_statuses_are_not_retried(status: int) -> None:
    body = ERRORS.get(str(status), {"error": {"code": status, "message": "x", "status": "X"}})
    assert classify(api_error(status, body)) is None


def test_a_non_json_5xx_is_classified_by_its_http_status() -> None:
    error = api_error(502, "<html>Bad Gateway</html>")
    assert error.code == -1
    assert classify(error) is not None


@pytest.mark.parametrize("error", [requests.ConnectionError("reset"), requests.ConnectTimeout("slow"),
                                   requests.ReadTimeout("slow"), TransportError("dns"),
                                   RefreshError("503 from token endpoint", retryable=True)],
                         ids=["connection", "connect-timeout", "read-timeout", "auth-transport", "auth-5xx"])
def test_network_faults_are_retried(error: Exception) -> None:
    assert classify(error) is not None


@pytest.mark.parametrize("error", [ValueError("x"), RefreshError("invalid_grant"), KeyError("y")])
def test_other_errors_are_not_retried(error: Exception) -> None:
    assert classify(error) is None


def test_the_fake_sends_the_documented_error_bodies() -> None:
    for status in (403, 404, 429, 500, 503):
        assert json.loads(fault(status)[2]) == {"error": {k: ERRORS[str(status)]["error"][k]
                                                          for k in ("code", "message", "status")}}


def test_call_with_retry_succeeds_after_transient_faults() -> None:
    action, sleeps = Flaky(api_error(503), requests.ConnectionError("reset")), list[float]()
    policy = RetryPolicy(rand=lambda: 0.0)
    result = call_with_retry(action, what="reading", policy=policy, sleep=sleeps.append)
    assert (result, action.calls, sleeps) == ("ok", 3, [1.0, 2.0])


class SimClock:
    """Simulated time: sleeping advances it, and so does every attempt (``per_call`` seconds)."""

    def __init__(self, per_call: float = 0.0) -> None:
        self.now, self.per_call, self.sleeps = 0.0, per_call, list[float]()

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def slow(self, action: Flaky) -> Any:
        def call() -> str:
            self.now += self.per_call
            return action()
        return call


def test_call_with_retry_gives_up_after_max_attempts_and_reports_the_real_time_spent() -> None:
    action, clock = Flaky(*[api_error(429)] * 3), SimClock(per_call=20.0)
    with pytest.raises(TransientSourceError) as caught:
        call_with_retry(clock.slow(action), what="the agency rows", policy=RetryPolicy(max_attempts=3,
                        rand=lambda: 0.0), sleep=clock.sleep, clock=clock)
    assert action.calls == 3 and clock.sleeps == [1.0, 2.0]
    # three 20 s attempts and 3 s of waiting: the message says 63 s, not the 3 s of sleeping alone
    expected = "Google Sheets did not answer the agency rows after 3 attempts in 63.0 s"
    assert str(caught.value).startswith(expected)
    assert isinstance(caught.value.__cause__, APIError)


def test_call_with_retry_never_sleeps_past_the_deadline() -> None:
    clock = SimClock(per_call=20.0)
    deadline = Deadline(budget=45.0, clock=clock)
    action = Flaky(*[api_error(503)] * 5)
    with pytest.raises(TransientSourceError) as caught:
        call_with_retry(clock.slow(action), what="the agency rows", policy=RetryPolicy(base=4.0, rand=lambda: 0.0),
                        sleep=clock.sleep, deadline=deadline, clock=clock)
    assert action.calls == 2 and clock.sleeps == [4.0]  # 20 + 4 + 20 s; the next 8 s pause would pass 45 s
    assert "time limit of 45 s" in str(caught.value) and "had run for 44.0 s" in str(caught.value)


@pytest.mark.parametrize("error", [requests.ConnectionError("reset"), requests.ReadTimeout("slow"),
                                   api_error(503), api_error(500)], ids=["connection", "timeout", "503", "500"])
def test_a_request_that_is_not_idempotent_is_never_resent_blindly(error: Exception) -> None:
    action, sleeps = Flaky(error), list[float]()
    with pytest.raises(MaybeApplied) as caught:
        call_with_retry(action, what="creating the dashboard tab", policy=RetryPolicy(), sleep=sleeps.append,
                        idempotent=False)
    assert action.calls == 1 and sleeps == []
    assert caught.value.what == "creating the dashboard tab"


def test_a_429_is_resent_even_when_not_idempotent() -> None:
    action, sleeps = Flaky(api_error(429)), list[float]()
    result = call_with_retry(action, what="x", policy=RetryPolicy(rand=lambda: 0.0), sleep=sleeps.append,
                             idempotent=False)
    assert (result, action.calls, sleeps) == ("ok", 2, [1.0])


def test_call_with_retry_lets_permanent_errors_through_at_once() -> None:
    action, sleeps = Flaky(api_error(403)), list[float]()
    with pytest.raises(APIError):
        call_with_retry(action, what="x", policy=RetryPolicy(), sleep=sleeps.append)
    assert action.calls == 1 and sleeps == []


def test_a_single_attempt_policy_never_sleeps() -> None:
    action, sleeps = Flaky(api_error(503)), list[float]()
    with pytest.raises(TransientSourceError):
        call_with_retry(action, what="x", policy=RetryPolicy(max_attempts=1), sleep=sleeps.append)
    assert sleeps == []


def test_a_retry_after_longer_than_the_time_left_is_named_in_the_error() -> None:
    """A 429 asking for 100 s with 20 s left: the error says quota and wait, not only "time limit"."""
    clock = SimClock(per_call=0.0)
    deadline = Deadline(budget=20.0, clock=clock)
    action = Flaky(api_error(429, headers={"Retry-After": "100"}))
    with pytest.raises(TransientSourceError) as caught:
        call_with_retry(clock.slow(action), what="the list of tabs", policy=RetryPolicy(), sleep=clock.sleep,
                        deadline=deadline, clock=clock)
    message = str(caught.value)
    assert action.calls == 1 and clock.sleeps == []
    assert "time limit of 20 s" in message and "HTTP 429" in message and "waiting 100 s" in message
