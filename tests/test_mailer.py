"""The SMTP adapter against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import email
import re
import unicodedata
from email.header import decode_header, make_header
from email.policy import default as default_policy

import pytest

from aggregator.adapters.mailer import DOCX_MIME, Attachment, Mail, SmtpMailer, build_message
from aggregator.errors import DeliveryError
from tests import smtp_server
from tests.smtp_server import FROM, PASSWORD, Inbox, closed_port

inbox, picky_inbox, locked_inbox = smtp_server.inbox, smtp_server.picky_inbox, smtp_server.locked_inbox

SUBJECT = "Đề nghị báo cáo kết quả Chiến dịch “Kỹ năng nhận diện lừa đảo” (hạn ngày 10/11/2024)"
BODY = "Kính gửi: Ủy ban nhân dân phường Vĩnh Hòa\n\nĐề nghị Quý cơ quan, đơn vị báo cáo.\n\nTrân trọng./.\n"
ENV = "AGG_TEST_SMTP_PASSWORD"


def sender_name(raw: bytes | str) -> str:
    """The From display name decoded the RFC 2047 way (adjacent encoded words joined): Python's
    address parser instead puts a space between encoded words of a phrase, which no RFC says."""
    data = raw.encode() if isinstance(raw, str) else raw
    header = email.message_from_bytes(data)["From"]
    return str(make_header(decode_header(header))).rsplit(" <", 1)[0]


def mail(*to: str, **overrides: object) -> Mail:
    values: dict[str, object] = {"to": to or ("ubnd.vinhhoa@nhatrang.example",), "subject": SUBJECT, "body": BODY}
    return Mail(**{**values, **overrides})  # type: ignore[arg-type]


def test_mailer_delivers_utf8_vietnamese_subject_body_and_attachment(inbox: Inbox) -> None:
    docx = b"PK\x03\x04 fake docx bytes \xff\x00"
    mailer = SmtpMailer(inbox.settings(), sender_name="Phòng Văn hóa và Thông tin thành phố Nha Trang")

    (outcome,) = mailer.send([mail(attachments=(Attachment("bao-cao-nhatrang-2024.docx", docx),))])

    assert outcome.ok
    (envelope,) = inbox.envelopes
    assert envelope.mail_from == FROM
    assert envelope.rcpt_tos == ["ubnd.vinhhoa@nhatrang.example"]
    (message,) = inbox.messages
    assert message["Subject"] == SUBJECT
    assert sender_name(envelope.content) == "Phòng Văn hóa và Thông tin thành phố Nha Trang"
    body = message.get_body(("plain",)).get_content()
    assert body.replace("\r\n", "\n") == BODY and unicodedata.is_normalized("NFC", body)
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "bao-cao-nhatrang-2024.docx"
    assert attachment.get_content_type() == DOCX_MIME
    assert attachment.get_content() == docx


def test_mailer_sends_each_message_and_reports_the_refused_one(picky_inbox: Inbox) -> None:
    mails = [mail("a@nhatrang.example", label="A"), mail("bounce@nhatrang.example", label="B"),
             mail("c@nhatrang.example", label="C")]

    outcomes = SmtpMailer(picky_inbox.settings()).send(mails)

    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].problem == "bounce@nhatrang.example refused: 550 5.1.1 No such user here"
    assert outcomes[1].mail.label == "B"
    assert [e.rcpt_tos for e in picky_inbox.envelopes] == [["a@nhatrang.example"], ["c@nhatrang.example"]]


def test_mailer_partly_refused_recipients_are_reported(picky_inbox: Inbox) -> None:
    (outcome,) = SmtpMailer(picky_inbox.settings()).send([mail("a@x.example", "bounce@x.example")])

    assert not outcome.ok and "bounce@x.example" in outcome.problem
    assert picky_inbox.envelopes[0].rcpt_tos == ["a@x.example"]


def test_mailer_unreachable_server_raises_delivery_error_with_next_step() -> None:
    port = closed_port()
    settings = Inbox(port=port).settings()

    with pytest.raises(DeliveryError) as caught:
        SmtpMailer(settings).send([mail()])

    text = caught.value.message
    assert f"127.0.0.1:{port}" in text and "notify.smtp.host" in text and "nothing was sent" in text
    assert caught.value.exit_code == 8


def test_mailer_rejected_login_names_the_password_variable(locked_inbox: Inbox) -> None:
    settings = locked_inbox.settings(username="vhtt", password_env=ENV)

    with pytest.raises(DeliveryError) as caught:
        SmtpMailer(settings, environ={ENV: "wrong"}).send([mail()])

    assert ENV in caught.value.message and "535" in caught.value.message
    assert "wrong" not in caught.value.message  # never echo the password
    assert not locked_inbox.envelopes


def test_mailer_logs_in_with_the_password_from_the_environment(locked_inbox: Inbox) -> None:
    settings = locked_inbox.settings(username="vhtt", password_env=ENV)

    (outcome,) = SmtpMailer(settings, environ={ENV: PASSWORD}).send([mail()])

    assert outcome.ok and len(locked_inbox.envelopes) == 1


def test_mailer_missing_password_variable_fails_before_connecting() -> None:
    settings = Inbox(port=closed_port()).settings(username="vhtt", password_env=ENV)

    with pytest.raises(DeliveryError) as caught:
        SmtpMailer(settings, environ={}).send([mail()])

    assert f"environment variable {ENV}" in caught.value.message and "export" in caught.value.hint


def test_mailer_non_ascii_password_is_a_delivery_error(locked_inbox: Inbox) -> None:
    settings = locked_inbox.settings(username="vhtt", password_env=ENV)

    with pytest.raises(DeliveryError, match="non-ASCII"):
        SmtpMailer(settings, environ={ENV: "mật-khẩu"}).send([mail()])


def test_mailer_starttls_not_offered_says_which_setting_to_use(inbox: Inbox) -> None:
    with pytest.raises(DeliveryError, match="does not offer STARTTLS") as caught:
        SmtpMailer(inbox.settings(security="starttls")).send([mail()])

    assert "security: ssl" in caught.value.hint


def test_mailer_ssl_against_a_plain_server_is_a_delivery_error(inbox: Inbox) -> None:
    with pytest.raises(DeliveryError, match="TLS connection"):
        SmtpMailer(inbox.settings(security="ssl")).send([mail()])


def test_mailer_bad_message_fails_alone(inbox: Inbox) -> None:
    outcomes = SmtpMailer(inbox.settings()).send([mail(subject="two\nlines"), mail()])

    assert [o.ok for o in outcomes] == [False, True]
    assert len(inbox.envelopes) == 1


def test_mailer_sends_nothing_for_no_mail() -> None:
    assert SmtpMailer(Inbox(port=closed_port()).settings()).send([]) == []


@pytest.mark.parametrize(("security", "port"), [("starttls", 587), ("ssl", 465), ("none", 25)],
                         ids=["starttls", "ssl", "none"])
def test_smtp_settings_default_port_follows_security(security: str, port: int) -> None:
    settings = Inbox(port=0).settings(security=security, port=None)
    assert settings.effective_port == port


def test_build_message_encodes_vietnamese_headers_for_transport() -> None:
    raw = build_message(mail(), FROM, "Phòng Văn hóa và Thông tin").as_bytes()

    assert raw.isascii()  # RFC 2047 headers and base64/quoted-printable body: any relay can carry it
    assert b"Message-ID: <" in raw and b"@nhatrang.example>" in raw


LONG_SUBJECT = ("Đề nghị báo cáo kết quả Chiến dịch tuyên truyền “Kỹ năng nhận diện và phòng chống lừa đảo trực "
                "tuyến bảo vệ người dân trên không gian mạng năm 2024” (hạn ngày 10/11/2024)")
LONG_SENDER = "Phòng Văn hóa và Thông tin thành phố Nha Trang, tỉnh Khánh Hòa — Bộ phận tổng hợp báo cáo"


def test_long_vietnamese_headers_fold_into_encoded_words_of_at_most_75_characters(inbox: Inbox) -> None:
    (outcome,) = SmtpMailer(inbox.settings(), sender_name=LONG_SENDER).send([mail(subject=LONG_SUBJECT)])

    assert outcome.ok
    raw = inbox.envelopes[0].content
    head = (raw if isinstance(raw, bytes) else raw.encode()).split(b"\r\n\r\n")[0].decode("ascii")
    words = re.findall(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=", head)
    assert len(words) > 4 and max(map(len, words)) <= 75  # RFC 2047 §2
    assert max(len(line) for line in head.split("\r\n")) <= 78  # RFC 5322 §2.1.1
    (message,) = inbox.messages
    assert message["Subject"] == LONG_SUBJECT  # every space kept, "Chiến dịch" included
    assert sender_name(raw) == LONG_SENDER
    assert message["From"].addresses[0].addr_spec == FROM


def test_an_ascii_sender_name_is_not_encoded() -> None:
    raw = build_message(mail(), FROM, "VHTT Nha Trang").as_bytes()
    parsed = email.message_from_bytes(raw, policy=default_policy)
    assert parsed["From"] == f"VHTT Nha Trang <{FROM}>" and b"=?utf-8" not in raw.split(b"Subject")[0]


@pytest.mark.parametrize("name", [
    "Phòng Văn hóa và Thông tin thành phố Nha Trang",
    "Sở Thông tin và Truyền thông tỉnh Trà Vinh",
    "Ủy ban nhân dân phường Vĩnh Hòa, thành phố Nha Trang, tỉnh Khánh Hòa",
    "Phòng Văn hóa và Thông tin thành phố Nha Trang, tỉnh Khánh Hòa",
])
def test_sender_name_decodes_exactly_with_decode_header_and_the_default_policy(inbox: Inbox, name: str) -> None:
    (outcome,) = SmtpMailer(inbox.settings(), sender_name=name).send([mail()])

    assert outcome.ok
    raw = inbox.envelopes[0].content
    head = (raw if isinstance(raw, bytes) else raw.encode()).split(b"\r\n\r\n")[0].decode("ascii")
    words = re.findall(r"=\?[^?]+\?[bBqQ]\?[^?]*\?=", head.split("\r\nTo:")[0])
    assert words and max(map(len, words)) <= 75  # RFC 2047 §2
    assert sender_name(raw) == name  # the RFC 2047 way: spaces between adjacent encoded words dropped
    (message,) = inbox.messages  # policy.default: keeps them, so no two encoded words may touch
    assert message["From"].addresses[0].display_name == name
    assert message["From"].addresses[0].addr_spec == FROM


def test_a_message_with_an_identity_has_the_same_message_id_each_time_it_is_built() -> None:
    """A day's reminder to a unit sent again (after a crash the server outlived) is the same message."""
    def built(identity: str, sender: str = "phongvh@nhatrang.example") -> str:
        return str(build_message(Mail(("a@x.example",), "Nhắc báo cáo", "…", identity=identity), sender)["Message-ID"])

    same = built("reminder nhatrang-2024 2024-11-08 PX-VINHHAI")
    assert same == built("reminder nhatrang-2024 2024-11-08 PX-VINHHAI")
    assert same.startswith("<aggregator.") and same.endswith("@nhatrang.example>")
    others = {built("reminder nhatrang-2024 2024-11-09 PX-VINHHAI"), built("reminder nhatrang-2024 2024-11-08 YT"),
              built("reminder nhatrang-2024 2024-11-08 PX-VINHHAI", "khac@travinh.example")}
    assert same not in others and len(others) == 3
    assert built("") != built("")  # no identity: a fresh Message-ID each time
