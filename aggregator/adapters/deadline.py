"""A total time limit for one cycle's calls to Google, enforced on the wire.

A per-request timeout bounds each socket read, not the request: a peer that trickles a byte every
few seconds keeps a read alive forever (issue 8, item 7: a frozen endpoint held a cycle for 117.6 s
while the message said "after 18 s"). ``DeadlineAdapter`` (mounted on every session that talks to
Google, the token endpoint included) therefore

- caps the connect and per-read timeouts at the time left;
- reads the body itself, in small chunks, checking the clock between chunks and shortening the
  socket's timeout to the time left before each read;
- refuses to start a request once the time is up.

Running out is a ``TransientSourceError`` that says how long the cycle really took; the retry loop
never sleeps past the limit either (adapters/retry.py).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError

from aggregator.errors import TransientSourceError

DEFAULT_BUDGET = 180.0  # seconds; campaign setting schedule.cycle_timeout_seconds
CHUNK = 16 * 1024
Timeout = float | tuple[float | None, float | None] | None


@dataclass
class Deadline:
    """``budget`` seconds from construction, on a monotonic clock."""

    budget: float = DEFAULT_BUDGET
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    started: float = field(init=False)

    def __post_init__(self) -> None:
        self.started = self.clock()

    def elapsed(self) -> float:
        return self.clock() - self.started

    def remaining(self) -> float:
        return max(0.0, self.budget - self.elapsed())

    def expired(self) -> bool:
        return self.remaining() <= 0.0

    def exceeded(self, what: str, last_error: str = "", wait: float | None = None) -> TransientSourceError:
        """The error for running out while doing ``what``, with the real time spent; ``last_error`` and ``wait``:
        the fault that asked for a pause longer than the time left (a 429's Retry-After)."""
        cause = ""
        if last_error:
            asked = f", and retrying would mean waiting {wait:.0f} s" if wait is not None else ""
            cause = f" The last attempt failed ({last_error}){asked}."
        return TransientSourceError(
            f"Google Sheets did not finish {what} within the cycle's time limit of {self.budget:.0f} s "
            f"(the cycle had run for {self.elapsed():.1f} s).{cause}",
            "The previous dashboard, report and status.json were left as they were; the worker will try "
            "again on the next cycle. If the network is just slow, raise `schedule.cycle_timeout_seconds` "
            "in the campaign file.",
        )


def _capped(timeout: Timeout, left: float) -> tuple[float, float]:
    """(connect, read) timeouts no longer than the time left."""
    if isinstance(timeout, tuple):
        connect, read = timeout
    else:
        connect = read = timeout
    return (min(connect if connect is not None else left, left),
            min(read if read is not None else left, left))


def _socket_of(raw: Any) -> socket.socket | None:
    """The socket under a urllib3 response, when it can be found (only to shorten its timeout)."""
    sock = getattr(getattr(raw, "_connection", None), "sock", None)
    if sock is None:  # http.client hands the socket to the response when the connection closes
        sock = getattr(getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None), "_sock", None)
    return sock if isinstance(sock, socket.socket) else None


class DeadlineAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` that keeps every request within ``deadline`` (none: plain requests)."""

    def __init__(self, deadline: Deadline | None = None) -> None:
        super().__init__()
        self.deadline = deadline

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: bool | str = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        deadline = self.deadline
        if deadline is None:
            return super().send(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        what = f"{request.method} {urlsplit(request.url or '').path}"
        if deadline.expired():
            raise deadline.exceeded(what)
        response = super().send(request, stream=True, timeout=_capped(timeout, deadline.remaining()),
                                verify=verify, cert=cert, proxies=proxies)
        if not stream:
            response._content = self._read_body(response, deadline, what, timeout)
            response._content_consumed = True  # type: ignore[attr-defined]  # requests' private flag, unstubbed
        return response

    @staticmethod
    def _read_body(response: requests.Response, deadline: Deadline, what: str, timeout: Any) -> bytes:
        chunks: list[bytes] = []
        read_limit = _capped(timeout, deadline.remaining())[1]
        try:
            while True:
                left = deadline.remaining()
                if left <= 0.0:
                    response.close()
                    raise deadline.exceeded(what)
                sock = _socket_of(response.raw)
                if sock is not None:
                    sock.settimeout(min(read_limit, left))
                chunk = response.raw.read1(CHUNK, decode_content=True)  # gzip undone, as requests does
                if not chunk:
                    response.raw.release_conn()  # back to the pool, as requests does after .content
                    return b"".join(chunks)
                chunks.append(chunk)
        except (ReadTimeoutError, TimeoutError) as exc:
            if deadline.expired():
                raise deadline.exceeded(what) from exc
            raise requests.ReadTimeout(exc, request=response.request) from exc
        except (ProtocolError, DecodeError, OSError) as exc:
            raise requests.ConnectionError(exc, request=response.request) from exc


def bind(session: requests.Session, deadline: Deadline) -> requests.Session:
    """Keep every request ``session`` makes within ``deadline`` (adapters already deadline-aware keep
    their mounts, e.g. the emulator's rewriting adapter); returns the session."""
    for prefix in ("https://", "http://"):
        if not isinstance(session.adapters.get(prefix), DeadlineAdapter):
            session.mount(prefix, DeadlineAdapter())
    for adapter in session.adapters.values():
        if isinstance(adapter, DeadlineAdapter):
            adapter.deadline = deadline
    return session
