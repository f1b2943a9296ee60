"""Outgoing e-mail over SMTP with the standard library (``smtplib``).

One connection per batch: connect (plain, STARTTLS or implicit TLS), log in when the campaign
file names a user, send each message, quit. The password is read at send time from the
environment variable named by ``notify.smtp.password_env``; it is never in the campaign file.

Every smtplib, socket and TLS failure leaves this module as a ``DeliveryError`` whose message
says what is wrong and what to do. A server that cannot be used at all (unreachable, TLS, login,
sender refused) raises; a single message the server refuses is reported in the result and the
other messages still go.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import os
import re
import smtplib
import ssl
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy as email_policy
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid

from aggregator.campaign import SmtpSettings
from aggregator.errors import DeliveryError

log = logging.getLogger(__name__)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Headers folded by the standard library at 76 characters a line, so that no RFC 2047 encoded word
# is longer than 75 (RFC 2047 §2) and no line longer than 78 (RFC 5322 §2.1.1).
FOLDING = email_policy.compat32.clone(max_line_length=76, linesep="\r\n")
ENCODED_WORD_MAX = 75
# an ASCII word that may stand unencoded in a display name (RFC 5322 atext, without "=" and "?")
_PLAIN_WORD = re.compile(r"[A-Za-z0-9!#$%&'*+/^_`{|}~-]+")
NETWORK_HINT = ("Check notify.smtp.host and port (587 for STARTTLS, 465 for SSL) and that this machine may "
                "connect to the mail server (network, firewall); nothing was sent.")


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = DOCX_MIME


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str  # one line
    body: str  # plain text, UTF-8
    attachments: tuple[Attachment, ...] = ()
    label: str = ""  # what the caller calls it in reports (a unit id, "draft")
    # what makes this message the same one if it is ever sent again (a day's reminder to a unit, a draft's
    # content): its Message-ID is then the same (see ``build_message``); "" for a fresh one each time
    identity: str = ""


@dataclass(frozen=True)
class Outcome:
    mail: Mail
    problem: str = ""  # "" when the server accepted it for every recipient
    delivered_to: tuple[str, ...] = ()  # the recipients the server accepted
    refused: tuple[str, ...] = ()  # the recipients it refused (the rest of ``problem``)

    @property
    def ok(self) -> bool:
        return not self.problem

    @property
    def reached(self) -> bool:
        """At least one recipient accepted the message."""
        return bool(self.delivered_to)


def _encoded_word(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="


def encoded_phrase(text: str) -> str:
    """A display name as RFC 2047 encoded words of at most 75 characters that every decoder reads back
    as typed.

    A name that fits is one encoded word. A longer one is cut at its plain ASCII words (“tin”, “Nha”),
    which stay unencoded between the encoded runs: RFC 2047 decoders drop the space between two
    *adjacent* encoded words while Python's ``policy.default`` keeps it, so two encoded words never
    touch. A run with no such word that is still too long (rare in an office's name) is cut between
    words with the space inside the next encoded word, which RFC 2047 decoders (mail clients,
    ``email.header.decode_header``) read exactly.

    >>> encoded_phrase("Phòng Văn hóa")
    '=?utf-8?b?UGjDsm5nIFbEg24gaMOzYQ==?='
    >>> encoded_phrase("Sở Thông tin và Truyền thông tỉnh Trà Vinh")
    '=?utf-8?b?U+G7nyBUaMO0bmc=?= tin =?utf-8?b?dsOgIFRydXnhu4FuIHRow7RuZyB04buJbmggVHLDoA==?= Vinh'
    """
    if len(_encoded_word(text)) <= ENCODED_WORD_MAX:
        return _encoded_word(text)
    parts: list[str] = []
    run: list[str] = []
    for word in text.split(" "):
        if _PLAIN_WORD.fullmatch(word):
            parts += [_encoded_run(" ".join(run))] if run else []
            parts.append(word)
            run = []
        else:
            run.append(word)
    parts += [_encoded_run(" ".join(run))] if run else []
    return " ".join(parts)


def _encoded_run(text: str) -> str:
    """Encoded words for ``text``, cut between words with the space kept inside the next encoded word."""
    chunks: list[str] = []
    for word in text.split(" "):
        joined = f"{chunks[-1]} {word}" if chunks else word
        if chunks and len(_encoded_word(joined)) <= ENCODED_WORD_MAX:
            chunks[-1] = joined
            continue
        piece = f" {word}" if chunks else word
        while len(_encoded_word(piece)) > ENCODED_WORD_MAX:  # one very long word: split by characters
            cut = next(i for i in range(len(piece), 0, -1) if len(_encoded_word(piece[:i])) <= ENCODED_WORD_MAX)
            chunks.append(piece[:cut])
            piece = piece[cut:]
        chunks.append(piece)
    return " ".join(_encoded_word(chunk) for chunk in chunks)


def _sender(name: str, address: str) -> str:
    if not name or name.isascii():
        return formataddr((name, address)) if name else address
    return f"{encoded_phrase(name)} <{address}>"


def build_message(mail: Mail, from_address: str, sender_name: str = "") -> Message:
    """The MIME message: base64 UTF-8 text body, RFC 2047 subject and display name, attachments.

    Headers are folded by the standard library's ``compat32`` policy at 76 characters (``FOLDING``),
    with ``email.header.Header`` for the subject: it keeps every space inside its encoded words,
    whereas the newer ``EmailMessage`` folding drops the space at a fold on Python 3.11 ("Chiến
    dịch" arrives as "Chiếndịch") and lets encoded words grow past 75 characters.
    """
    if any("\n" in v or "\r" in v for v in (mail.subject, *mail.to)):
        raise ValueError("a subject or an address contains a line break")  # no header injection
    text = MIMEText(mail.body, "plain", "utf-8", policy=FOLDING)  # base64: 8-bit-clean on any relay
    message: Message = text
    if mail.attachments:
        message = MIMEMultipart("mixed", policy=FOLDING)
        message.attach(text)
        for item in mail.attachments:
            part = MIMEApplication(item.content, item.mime_type.partition("/")[2], policy=FOLDING)
            part.add_header("Content-Disposition", "attachment", filename=item.filename)
            message.attach(part)
    domain = from_address.partition("@")[2]
    message["From"] = _sender(" ".join(sender_name.split()), from_address)
    message["To"] = ", ".join(mail.to)
    # typeshed types header values as str; compat32 takes a Header (the RFC 2047-encoded subject)
    message["Subject"] = Header(mail.subject, "utf-8", header_name="Subject")  # type: ignore[assignment]
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = _message_id(mail.identity, from_address) or make_msgid(domain=domain or None)
    return message


def _message_id(identity: str, from_address: str) -> str:
    """The same Message-ID for the same message from the same sender. A worker killed after the server
    accepted a message but before it wrote that down sends it again on restart: as the same message
    (mail systems such as Gmail keep one copy of a Message-ID in a mailbox), not as a second reminder.
    "" without an identity or a sender domain (make_msgid, unique each time, is used then)."""
    domain = from_address.partition("@")[2]
    if not identity or not domain:
        return ""
    digest = hashlib.sha256(f"{from_address}\n{identity}".encode()).hexdigest()[:32]
    return f"<aggregator.{digest}@{domain}>"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{addr} refused: {_reason(smtplib.SMTPResponseException(code, text))}"
                         for addr, (code, text) in exc.recipients.items())
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {' '.join(text.split())}"
    return str(exc) or type(exc).__name__


class SmtpMailer:
    """Sends ``Mail`` through the server of ``settings``; constructing it does no I/O."""

    def __init__(self, settings: SmtpSettings, *, sender_name: str = "",
                 environ: Mapping[str, str] | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.sender_name = sender_name
        self._environ = environ if environ is not None else os.environ
        self._tls = tls

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.effective_port}"

    def password(self) -> str:
        """The SMTP password from the environment. Raises DeliveryError when it is not set."""
        name = self.settings.password_env
        value = self._environ.get(name, "") if name else ""
        if not value:
            raise DeliveryError(
                f"The SMTP password for {self.settings.username!r} is not set: the environment variable "
                f"{name} is empty or missing.",
                f"Set {name} to the password of that account (e.g. `export {name}=…`, or an `-e {name}` "
                "option for Docker) and run again; nothing was sent.")
        return value

    def send(self, mails: Sequence[Mail], on_sent: Callable[[Outcome], object] | None = None) -> list[Outcome]:
        """Send every mail over one connection; return one outcome per mail, in order.

        ``on_sent`` is called with each message's outcome as soon as the server has answered it (the
        250 that accepts it, or the refusal), before the next message goes and before QUIT: a caller
        that records it there loses nothing the server accepted if the process dies later in the
        batch. An exception it raises stops the batch. Messages never sent because the connection was
        lost are only in the returned list.

        Raises:
            DeliveryError: the server cannot be used (unreachable, TLS, login, sender refused).
        """
        if not mails:
            return []
        password = self.password() if self.settings.username else ""
        client = self._open(password)
        try:
            outcomes = self._send_all(client, mails, on_sent)
        finally:
            _close(client)
        log.debug("sent %d of %d message(s) via %s", sum(o.ok for o in outcomes), len(outcomes), self.where)
        return outcomes

    # Connection ------------------------------------------------------------------------------------
    def _context(self) -> ssl.SSLContext:
        return self._tls or ssl.create_default_context()

    def _open(self, password: str) -> smtplib.SMTP:
        s = self.settings
        with self._translate("connect"):
            if s.security == "ssl":
                client: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.effective_port, timeout=s.timeout,
                                                        context=self._context())
            else:
                client = smtplib.SMTP(s.host, s.effective_port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                with self._translate("starttls"):
                    client.starttls(context=self._context())
            if s.username:
                with self._translate("login"):
                    client.login(s.username, password)
        except DeliveryError:
            _close(client)
            raise
        return client

    def _send_all(self, client: smtplib.SMTP, mails: Sequence[Mail],
                  on_sent: Callable[[Outcome], object] | None) -> list[Outcome]:
        outcomes: list[Outcome] = []
        for index, mail in enumerate(mails):
            try:
                message = build_message(mail, self.settings.from_address, self.sender_name)
                refused = client.send_message(message)
                outcome = Outcome(mail, _reason(smtplib.SMTPRecipientsRefused(refused)) if refused else "",
                                  delivered_to=tuple(a for a in mail.to if a not in refused), refused=tuple(refused))
            except smtplib.SMTPSenderRefused as exc:
                raise DeliveryError(
                    f"The mail server {self.where} refused the sender {self.settings.from_address} ({_reason(exc)}); "
                    f"{len(outcomes)} message(s) had been sent.",
                    "Set notify.smtp.from_address to an address this account may send as.") from exc
            except smtplib.SMTPServerDisconnected as exc:
                return outcomes + self._lost(mails[index:], exc)
            except smtplib.SMTPRecipientsRefused as exc:  # every recipient refused
                outcome = Outcome(mail, _reason(exc), refused=tuple(exc.recipients))
            except (smtplib.SMTPException, ValueError) as exc:  # this message only (SMTPException is an OSError)
                outcome = Outcome(mail, _reason(exc))
            except OSError as exc:  # the socket: nothing more can be sent over this connection
                return outcomes + self._lost(mails[index:], exc)
            outcomes.append(outcome)
            if on_sent is not None:  # recorded before the next message: a kill from here on loses nothing sent
                on_sent(outcome)
        return outcomes

    def _lost(self, mails: Sequence[Mail], exc: BaseException) -> list[Outcome]:
        lost = f"not sent: the connection to {self.where} was lost ({_reason(exc)})"
        return [Outcome(m, lost) for m in mails]

    @contextmanager
    def _translate(self, stage: str) -> Iterator[None]:
        """smtplib/socket/TLS exceptions of one stage → DeliveryError with the next step."""
        try:
            yield
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"The mail server {self.where} rejected the login of {self.settings.username!r} ({_reason(exc)}).",
                f"Check notify.smtp.username and the password in the environment variable "
                f"{self.settings.password_env} (some providers require an app password); nothing was sent.") from exc
        except smtplib.SMTPNotSupportedError as exc:
            raise self._unsupported(stage, exc) from exc
        except (ssl.SSLError, ssl.CertificateError) as exc:
            raise DeliveryError(
                f"The TLS connection to {self.where} failed ({_reason(exc)}).",
                "Use security: ssl with port 465 or security: starttls with port 587, as the provider says, and "
                "check that notify.smtp.host is the name on the server's certificate; nothing was sent.") from exc
        except UnicodeError as exc:  # smtplib sends user names and passwords as ASCII only
            if stage != "login":
                raise DeliveryError(f"Cannot use the mail server {self.where} ({stage}: {_reason(exc)}).",
                                    "Check notify.smtp.host; nothing was sent.") from exc
            raise DeliveryError(
                f"The SMTP user name or the password in {self.settings.password_env} has non-ASCII characters, "
                "which SMTP login cannot carry.",
                "Use an ASCII password (or an app password from the provider); nothing was sent.") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"Cannot use the mail server {self.where} ({stage}: {_reason(exc)}).",
                                NETWORK_HINT) from exc

    def _unsupported(self, stage: str, exc: smtplib.SMTPNotSupportedError) -> DeliveryError:
        if stage == "starttls":
            return DeliveryError(f"The mail server {self.where} does not offer STARTTLS.",
                                 "Use security: ssl (port 465), or security: none only for a relay on this "
                                 "machine or the local network; nothing was sent.")
        return DeliveryError(f"The mail server {self.where} does not accept a login ({_reason(exc)}).",
                             "Remove notify.smtp.username and password_env if the relay needs no login, or use "
                             "security: starttls so the server offers AUTH; nothing was sent.")


def _close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()
