"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for mail tests."""

from __future__ import annotations

import email
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, Session

from aggregator.campaign import SmtpSettings

FROM = "vhtt@nhatrang.example"
PASSWORD = "s3cret-pass"


def free_port() -> int:
    """A port nothing listens on (aiosmtpd's Controller cannot start on port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """The handler: stores every accepted message; refuses recipients containing ``refuse``."""

    refuse: str = "\0"
    envelopes: list[Envelope] = field(default_factory=list)
    port: int = 0

    async def handle_RCPT(self, server: Any, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if self.refuse in address:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 Message accepted"

    @property
    def messages(self) -> list[EmailMessage]:
        return [email.message_from_bytes(e.content, policy=default_policy)  # type: ignore[arg-type]
                for e in self.envelopes]

    def settings(self, **overrides: Any) -> SmtpSettings:
        values: dict[str, Any] = {"host": "127.0.0.1", "port": self.port, "security": "none",
                                  "from_address": FROM, "timeout": 5}
        return SmtpSettings(**{**values, **overrides})


def _serve(inbox: Inbox, **kwargs: Any) -> Iterator[Inbox]:
    inbox.port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port, **kwargs)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    yield from _serve(Inbox())


@pytest.fixture
def picky_inbox() -> Iterator[Inbox]:
    """Refuses every recipient whose address contains "bounce"."""
    yield from _serve(Inbox(refuse="bounce"))


def _authenticator(accept: bool) -> Callable[..., AuthResult]:
    def check(server: Any, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        ok = accept and getattr(data, "login", b"") == b"vhtt" and getattr(data, "password", b"") == PASSWORD.encode()
        return AuthResult(success=ok, handled=False)

    return check


@pytest.fixture
def locked_inbox() -> Iterator[Inbox]:
    """Offers AUTH without TLS; accepts only user ``vhtt`` with ``PASSWORD``."""
    yield from _serve(Inbox(), authenticator=_authenticator(True), auth_require_tls=False)


def closed_port() -> int:
    return free_port()
