"""E-mail around the cycle: changed drafts to the office, reminders to units (CLI and worker)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from aggregator.adapters import campaign_file
from aggregator.adapters.mailer import SmtpMailer
from aggregator.adapters.roster_file import read_roster
from aggregator.app import delivery, pipeline, wiring
from aggregator.app.cli import cli
from aggregator.app.service import CampaignJob, JobKind, run_job, run_pipeline, serve
from aggregator.campaign import Campaign
from aggregator.errors import ConfigError, DeliveryError
from aggregator.outputs.report_context import build_context
from tests import smtp_server
from tests.smtp_server import Inbox, closed_port

inbox, picky_inbox = smtp_server.inbox, smtp_server.picky_inbox
VN = ZoneInfo("Asia/Ho_Chi_Minh")
T1 = dt.datetime(2024, 11, 8, 8, 0, tzinfo=VN)
T2 = dt.datetime(2024, 11, 8, 8, 10, tzinfo=VN)
BUNDLED = campaign_file.BUNDLED_CONFIG_DIR / "nhatrang-2024.yaml"
OFFICE = ["vanthu@nhatrang.example", "lanhdao@nhatrang.example"]


def write_campaign(tmp_path: Path, port: int, roster: Path | None = None, **notify: Any) -> Path:
    """A copy of the Nha Trang campaign file with absolute paths, its own output folder and a notify section."""
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    base = BUNDLED.parent
    data["source"]["path"] = str(base / data["source"]["path"])
    data["roster"] = str(roster or base / data["roster"])
    data["report"]["template"] = str((base / data["report"]["template"]).resolve())
    data["output_dir"] = str(tmp_path / "out")
    data["notify"] = {"smtp": {"host": "127.0.0.1", "port": port, "security": "none",
                               "from_address": smtp_server.FROM, "timeout": 5},
                      "office_recipients": OFFICE, "deliver_drafts": True, **notify}
    path = tmp_path / "campaign.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def edited_source(tmp_path: Path, cell: str, value: object) -> Path:
    campaign = campaign_file.load(BUNDLED)
    assert campaign.source.path is not None
    workbook = openpyxl.load_workbook(campaign.resolve(campaign.source.path))
    workbook[campaign.source.tab][cell] = value
    path = tmp_path / "edited.xlsx"
    workbook.save(path)
    return path


def mailer(campaign: Campaign) -> SmtpMailer:
    return delivery.mailer_for(campaign)


# Drafts to the office ------------------------------------------------------------------------------
def test_draft_fingerprint_ignores_the_cutoff_but_not_the_content(tmp_path: Path) -> None:
    campaign = campaign_file.load(BUNDLED)
    first = wiring.run_cycle(campaign, out_dir=tmp_path, now=T1, render_report=False).result
    later = wiring.run_cycle(campaign, out_dir=tmp_path, now=T2, render_report=False).result
    context, later_context = build_context(first, campaign), build_context(later, campaign)
    assert context["cutoff"] != later_context["cutoff"]

    same = delivery.draft_fingerprint(context, b"template")
    assert delivery.draft_fingerprint(later_context, b"template") == same
    assert delivery.draft_fingerprint({**context, "metrics": []}, b"template") != same
    assert delivery.draft_fingerprint(context, b"edited template") != same


def test_deliver_draft_sends_only_when_the_content_changed(tmp_path: Path, inbox: Inbox) -> None:
    campaign = campaign_file.load(write_campaign(tmp_path, inbox.port))
    out = tmp_path / "out"

    first = wiring.run_cycle(campaign, now=T1)
    assert first.report_path is not None
    assert delivery.deliver_draft(campaign, first.result, first.report_path, out)
    (envelope,) = inbox.envelopes
    assert envelope.rcpt_tos == OFFICE
    (message,) = inbox.messages
    assert message["Subject"].startswith("Dự thảo báo cáo kết quả Chiến dịch tuyên truyền “Kỹ năng")
    assert "130/152 cơ quan, đơn vị đã báo cáo (6 báo cáo muộn)" in message.get_body(("plain",)).get_content()
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "bao-cao-nhatrang-2024.docx"
    assert attachment.get_content() == first.report_path.read_bytes()

    second = wiring.run_cycle(campaign, now=T2)  # a new cut-off line, nothing else new
    assert second.report_path is not None and second.report_path.read_bytes() != attachment.get_content()
    assert not delivery.deliver_draft(campaign, second.result, second.report_path, out)
    assert len(inbox.envelopes) == 1

    third = wiring.run_cycle(campaign, now=T2 + dt.timedelta(minutes=10),
                               source_override=str(edited_source(tmp_path, "F80", 150)))
    assert third.report_path is not None
    assert delivery.deliver_draft(campaign, third.result, third.report_path, out)
    assert len(inbox.envelopes) == 2
    assert delivery.read_state(out)["draft"]["delivered_at"] == third.result.generated_at.isoformat()


def test_deliver_draft_failure_is_retried_at_the_next_draft(tmp_path: Path, inbox: Inbox) -> None:
    campaign = campaign_file.load(write_campaign(tmp_path, inbox.port))
    report = wiring.run_cycle(campaign, now=T1)
    assert report.report_path is not None
    down = SmtpMailer(Inbox(port=closed_port()).settings())

    with pytest.raises(DeliveryError, match="Cannot use the mail server"):
        delivery.deliver_draft(campaign, report.result, report.report_path, report.out_dir, down)
    assert "draft" not in delivery.read_state(report.out_dir)

    assert delivery.deliver_draft(campaign, report.result, report.report_path, report.out_dir)
    assert len(inbox.envelopes) == 1


def test_a_draft_refused_at_one_office_address_is_recorded_and_only_that_address_retried(
        tmp_path: Path, picky_inbox: Inbox) -> None:
    config = write_campaign(tmp_path, picky_inbox.port, office_recipients=[OFFICE[0], "bounce@nhatrang.example"])
    campaign = campaign_file.load(config)
    report = wiring.run_cycle(campaign, now=T1)
    assert report.report_path is not None

    problems = delivery.after_draft(campaign, report.result, report.report_path, report.out_dir, reminders_too=False)
    assert problems == delivery.MailReport(warnings=(  # reached the office: a warning, not a failure
        "draft delivery: refused at bounce@nhatrang.example (sent to vanthu@nhatrang.example); tried again at "
        "the next draft.",))
    assert delivery.read_state(report.out_dir)["draft"]["to"] == [OFFICE[0]]

    picky_inbox.refuse = "\0"  # the mailbox exists now; the content is the same
    assert delivery.after_draft(campaign, report.result, report.report_path, report.out_dir,
                                reminders_too=False) == delivery.MailReport()
    assert [e.rcpt_tos for e in picky_inbox.envelopes] == [[OFFICE[0]], ["bounce@nhatrang.example"]]
    assert not delivery.deliver_draft(campaign, report.result, report.report_path, report.out_dir)  # all reached


def test_service_mails_drafts_at_draft_times_not_at_every_sync(tmp_path: Path, inbox: Inbox) -> None:
    campaign = campaign_file.load(write_campaign(tmp_path, inbox.port))

    run_pipeline(campaign, JobKind.SYNC)
    assert not inbox.envelopes
    run_pipeline(campaign, JobKind.DRAFT)
    run_pipeline(campaign, JobKind.DEADLINE)  # same content: not sent again
    assert len(inbox.envelopes) == 1


def test_service_delivery_failure_is_logged_and_the_draft_kept(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    campaign = campaign_file.load(write_campaign(tmp_path, closed_port()))

    with caplog.at_level(logging.INFO):
        assert run_job(CampaignJob(campaign), JobKind.DRAFT).exit_code == 8

    assert (tmp_path / "out" / "bao-cao-nhatrang-2024.docx").exists()
    assert (tmp_path / "out" / "status.json").exists()
    (line,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]  # one line, at ERROR
    assert "outcome=mail-failed exit=8" in line and "| draft delivery: Cannot use the mail server" in line
    assert "notify.smtp.host" in line


def test_serve_once_exits_8_when_the_draft_could_not_be_mailed(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    config = write_campaign(tmp_path, closed_port())

    with caplog.at_level(logging.INFO):
        assert serve([config], once=True) == 8

    assert (tmp_path / "out" / "bao-cao-nhatrang-2024.docx").exists()  # the cycle itself completed
    assert (tmp_path / "out" / "status.json").exists()
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("cycle ")]
    assert "outcome=mail-failed exit=8" in line and "google_requests=0" in line


def test_a_cycle_logs_one_line_at_info(tmp_path: Path, inbox: Inbox, caplog: pytest.LogCaptureFixture) -> None:
    campaign = campaign_file.load(write_campaign(tmp_path, inbox.port))

    with caplog.at_level(logging.INFO):
        assert run_job(CampaignJob(campaign), JobKind.DRAFT).exit_code == 0

    lines = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO and r.name.startswith("aggregator")]
    assert len(lines) == 1 and lines[0].startswith("cycle campaign=nhatrang-2024 job=draft outcome=ok exit=0 ")
    assert len(inbox.envelopes) == 1  # the draft went out; its details are at DEBUG


# Reminders: CLI ---------------------------------------------------------------------------------------
def test_remind_prints_and_writes_the_text_without_touching_other_outputs(runner: CliRunner, tmp_path: Path) -> None:
    campaign = campaign_file.load(BUNDLED)
    assert campaign.source.path is not None
    source = campaign.resolve(campaign.source.path)
    before = hashlib.sha256(source.read_bytes()).hexdigest()

    result = runner.invoke(cli, ["remind", "--out", str(tmp_path), "--now", T1.isoformat()])

    assert result.exit_code == 0, result.output
    assert "Kính gửi: Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Nha Trang" in result.output
    assert "22 unit(s) to remind to report, 9 to fix cells" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.sqlite", "reminders.txt"]
    assert (tmp_path / "reminders.txt").read_text(encoding="utf-8").startswith("NHẮC BÁO CÁO — nhatrang-2024")
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before


def test_remind_send_mails_each_unit_once(runner: CliRunner, tmp_path: Path, inbox: Inbox) -> None:
    config = write_campaign(tmp_path, inbox.port)
    campaign = campaign_file.load(config)
    expected = {u.unit_id: u.email for u in read_roster(campaign.resolve(campaign.roster))}

    result = runner.invoke(cli, ["remind", "--config", str(config), "--now", T1.isoformat(), "--send"])

    assert result.exit_code == 0, result.output
    assert "31 reminder(s) sent, 0 failed, 0 unit(s) without an e-mail address" in result.output
    assert len(inbox.envelopes) == 31
    assert all(len(e.rcpt_tos) == 1 for e in inbox.envelopes)
    assert {e.rcpt_tos[0] for e in inbox.envelopes} == {expected[line.split()[1]] for line in
                                                        result.output.splitlines() if line.startswith("sent ")}
    subjects = [m["Subject"] for m in inbox.messages]
    asked = ("Đề nghị báo cáo kết quả Chiến dịch tuyên truyền “Kỹ năng nhận diện và phòng chống lừa đảo trực tuyến "
             "bảo vệ người dân trên không gian mạng năm 2024” (hạn ngày 10/11/2024)")
    assert subjects.count(asked) == 22
    bodies = [m.get_body(("plain",)).get_content() for m in inbox.messages]
    assert any("Kính gửi: Thành đoàn Nha Trang" in b and "Dòng 80" in b for b in bodies)


def test_remind_send_reports_refused_addresses_and_exits_8(runner: CliRunner, tmp_path: Path,
                                                           picky_inbox: Inbox) -> None:
    roster = tmp_path / "roster.csv"
    text = (campaign_file.BUNDLED_CONFIG_DIR / "roster-nhatrang-2024.csv").read_text(encoding="utf-8")
    roster.write_text(text.replace("dt.mttq@nhatrang.example", "bounce@nhatrang.example")
                      .replace(",cm.tnmt@nhatrang.example,", ",,"), encoding="utf-8")
    config = write_campaign(tmp_path, picky_inbox.port, roster=roster)

    result = runner.invoke(cli, ["remind", "--config", str(config), "--now", T1.isoformat(), "--send"])

    assert result.exit_code == 8
    assert "FAILED   DT-MTTQ → bounce@nhatrang.example: bounce@nhatrang.example refused: 550" in result.output
    assert "no e-mail Phòng Tài nguyên và Môi trường thành phố Nha Trang" in result.output
    assert "29 reminder(s) sent, 1 failed, 1 unit(s) without an e-mail address" in result.output
    assert "1 of 30 reminder(s) could not be sent" in result.output
    assert len(picky_inbox.envelopes) == 29


def test_remind_send_with_an_unreachable_server_exits_8_and_keeps_the_text(runner: CliRunner, tmp_path: Path) -> None:
    port = closed_port()
    config = write_campaign(tmp_path, port)

    result = runner.invoke(cli, ["remind", "--config", str(config), "--now", T1.isoformat(), "--send"])

    assert result.exit_code == 8
    assert f"Cannot use the mail server 127.0.0.1:{port}" in result.output
    assert (tmp_path / "out" / "reminders.txt").exists()


def test_remind_send_without_smtp_settings_says_what_to_add(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["remind", "--out", str(tmp_path), "--send"])

    assert result.exit_code == 8
    assert "no `notify.smtp` section" in result.output and "README" in result.output
    assert not list(tmp_path.iterdir())  # fails before reading anything


# Reminders: the worker -------------------------------------------------------------------------------
def test_worker_sends_reminders_at_most_once_a_day(tmp_path: Path, inbox: Inbox) -> None:
    config = write_campaign(tmp_path, inbox.port, deliver_drafts=False, office_recipients=[],
                            reminders={"send": True})
    campaign = campaign_file.load(config)
    out = tmp_path / "out"
    roster = read_roster(campaign.resolve(campaign.roster))
    assert campaign.source.path is not None
    snapshot = wiring.open_ports(campaign, out, None)[0].read()

    def remind_at(moment: dt.datetime) -> None:
        result = pipeline.compute(campaign, roster, snapshot, moment, None)
        delivery.after_draft(campaign, result, None, out, reminders_too=True)

    remind_at(T1)
    remind_at(T1 + dt.timedelta(hours=8))  # the afternoon draft: already reminded today
    assert len(inbox.envelopes) == 31
    state = delivery.read_state(out)["reminders"]
    assert (state["day"], state["sent"], state["failed"], state["refused"]) == ("2024-11-08", 31, [], {})
    remind_at(dt.datetime(2024, 11, 20, 7, 30, tzinfo=VN))  # long after the deadline: the worker stops
    assert len(inbox.envelopes) == 31


def _two_addresses(tmp_path: Path, unit_email: str) -> Path:
    """The bundled roster with Mặt trận's e-mail cell holding ``unit_email``."""
    roster = tmp_path / "roster.csv"
    text = (campaign_file.BUNDLED_CONFIG_DIR / "roster-nhatrang-2024.csv").read_text(encoding="utf-8")
    roster.write_text(text.replace("dt.mttq@nhatrang.example", unit_email), encoding="utf-8")
    return roster


def test_remind_send_counts_a_unit_reached_at_one_of_two_addresses(runner: CliRunner, tmp_path: Path,
                                                                  picky_inbox: Inbox) -> None:
    roster = _two_addresses(tmp_path, "dt.mttq@nhatrang.example; bounce@nhatrang.example")
    config = write_campaign(tmp_path, picky_inbox.port, roster=roster)

    result = runner.invoke(cli, ["remind", "--config", str(config), "--now", T1.isoformat(), "--send"])

    assert result.exit_code == 0, result.output  # reached at one address: not a failure
    assert ("PARTLY   DT-MTTQ → dt.mttq@nhatrang.example; bounce@nhatrang.example refused: 550 5.1.1 No such "
            "user here") in result.output
    assert "31 reminder(s) sent, 0 failed" in result.output
    assert "1 unit(s) reached at only some of their addresses" in result.output
    assert ["dt.mttq@nhatrang.example"] in [e.rcpt_tos for e in picky_inbox.envelopes]


def test_worker_retries_only_the_refused_address_at_the_next_draft(tmp_path: Path, picky_inbox: Inbox) -> None:
    roster = _two_addresses(tmp_path, "dt.mttq@nhatrang.example; bounce@nhatrang.example")
    config = write_campaign(tmp_path, picky_inbox.port, roster=roster, deliver_drafts=False, office_recipients=[],
                            reminders={"send": True})
    campaign = campaign_file.load(config)
    out = tmp_path / "out"
    snapshot = wiring.open_ports(campaign, out, None)[0].read()
    roster_units = read_roster(roster)

    def draft_at(moment: dt.datetime) -> delivery.MailReport:
        result = pipeline.compute(campaign, roster_units, snapshot, moment, None)
        return delivery.after_draft(campaign, result, None, out, reminders_too=True)

    problems = draft_at(T1)
    assert len(picky_inbox.envelopes) == 31
    assert problems == delivery.MailReport(warnings=(  # reached at the other address: not a failure
        "reminders: 1 unit(s) reached at only some of their addresses (DT-MTTQ); the refused addresses are tried "
        "again at the next draft today.",))
    state = delivery.read_state(out)["reminders"]
    assert state["accepted"]["DT-MTTQ"] == ["dt.mttq@nhatrang.example"] and state["failed"] == []
    assert list(state["refused"]) == ["DT-MTTQ"]

    picky_inbox.refuse = "\0"  # the mailbox exists now
    assert draft_at(T1 + dt.timedelta(hours=8)) == delivery.MailReport()
    assert len(picky_inbox.envelopes) == 32
    assert picky_inbox.envelopes[-1].rcpt_tos == ["bounce@nhatrang.example"]  # never the address that accepted
    state = delivery.read_state(out)["reminders"]
    assert state["refused"] == {} and state["accepted"]["DT-MTTQ"] == ["bounce@nhatrang.example",
                                                                     "dt.mttq@nhatrang.example"]
    draft_at(T1 + dt.timedelta(hours=9))  # nothing left to retry today
    assert len(picky_inbox.envelopes) == 32



def test_a_manual_send_counts_for_the_worker_that_day(runner: CliRunner, tmp_path: Path, picky_inbox: Inbox) -> None:
    """`remind --send` is recorded as the worker's batches are: the worker's next draft that day sends no
    reminder again, only the address that refused, once it accepts."""
    roster = _two_addresses(tmp_path, "dt.mttq@nhatrang.example; bounce@nhatrang.example")
    config = write_campaign(tmp_path, picky_inbox.port, roster=roster, deliver_drafts=False, office_recipients=[],
                            reminders={"send": True})
    campaign = campaign_file.load(config)
    out = tmp_path / "out"

    result = runner.invoke(cli, ["remind", "--config", str(config), "--out", str(out), "--now", T1.isoformat(),
                                 "--send"])

    assert result.exit_code == 0, result.output
    assert len(picky_inbox.envelopes) == 31
    state = delivery.read_state(out)["reminders"]
    assert state["day"] == T1.astimezone(campaign.tz).date().isoformat() and state["sent"] == 31
    assert list(state["refused"]) == ["DT-MTTQ"] and state["pending"] == {}
    snapshot = wiring.open_ports(campaign, out, None)[0].read()
    result_later = pipeline.compute(campaign, read_roster(roster), snapshot, T1 + dt.timedelta(hours=3), None)
    picky_inbox.refuse = "\0"  # the mailbox exists now
    assert delivery.after_draft(campaign, result_later, None, out, reminders_too=True) == delivery.MailReport()
    assert [e.rcpt_tos for e in picky_inbox.envelopes[31:]] == [["bounce@nhatrang.example"]]


# Settings ----------------------------------------------------------------------------------------------
def test_bundled_campaigns_send_no_mail() -> None:
    for name in ("nhatrang-2024.yaml", "travinh-2024.yaml"):
        notify = campaign_file.load(campaign_file.BUNDLED_CONFIG_DIR / name).notify
        assert notify.smtp is None and not notify.deliver_drafts and not notify.reminders.send


@pytest.mark.parametrize(("notify", "problem"), [
    ({"deliver_drafts": True}, "notify: deliver_drafts needs at least one address in `office_recipients`; "
                               "sending e-mail needs an `smtp` section"),
    ({"smtp": {"host": "mail.example", "from_address": "a@b.vn", "username": "u"}}, "needs `password_env`"),
    ({"smtp": {"host": "mail.example", "from_address": "a@b.vn", "password_env": "my password"}}, "the NAME"),
    ({"smtp": {"host": "mail.example", "from_address": "phòng văn hóa"}}, "is not an e-mail address"),
    ({"smtp": {"host": "m", "from_address": "a@b.vn", "password": "x"}}, "notify.smtp.password: unknown key"),
    ({"reminders": {"subject": "Nhắc {unit}"}}, "placeholders {title} and {deadline}"),
    ({"office_recipients": ["vanthu"]}, "'vanthu' is not an e-mail address"),
], ids=["drafts-need-recipients-and-smtp", "user-needs-env", "env-name", "from", "no-password-in-file",
        "subject", "recipient"])
def test_notify_settings_problems_are_reported_with_their_key(notify: dict[str, Any], problem: str) -> None:
    text = BUNDLED.read_text(encoding="utf-8") + "\n" + yaml.safe_dump({"notify": notify}, allow_unicode=True)

    with pytest.raises(ConfigError) as caught:
        campaign_file.parse(text, origin="campaign.yaml", base_dir=BUNDLED.parent)

    assert problem in caught.value.message


def test_addresses_split_roster_cells_with_several_addresses() -> None:
    assert delivery.addresses(" a@x.vn; b@x.vn,c@x.vn  ") == ("a@x.vn", "b@x.vn", "c@x.vn")
    assert delivery.addresses("") == () and delivery.addresses("chưa có") == ()


# The worker's outcome and its one line per cycle ------------------------------------------------------
def _reminding_worker(tmp_path: Path, port: int, unit_email: str) -> Path:
    """A campaign whose worker e-mails reminders (no drafts) with a deadline ahead of the real clock,
    since `serve --once` runs at the system time."""
    config = write_campaign(tmp_path, port, roster=_two_addresses(tmp_path, unit_email), deliver_drafts=False,
                            office_recipients=[], reminders={"send": True})
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["deadline"] = (dt.datetime.now(VN) + dt.timedelta(days=1)).replace(microsecond=0).isoformat()
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config


def _aggregator_lines(caplog: pytest.LogCaptureFixture, level: int = logging.INFO) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= level and r.name.startswith("aggregator")]


def test_serve_once_exits_0_with_a_warning_when_a_unit_was_reached_at_one_of_two_addresses(
        tmp_path: Path, picky_inbox: Inbox, caplog: pytest.LogCaptureFixture) -> None:
    config = _reminding_worker(tmp_path, picky_inbox.port, "dt.mttq@nhatrang.example; bounce@nhatrang.example")

    with caplog.at_level(logging.DEBUG):
        assert serve([config], once=True) == 0  # `remind --send` would exit 0 too: every unit was reached

    (record,) = _aggregator_lines(caplog)
    assert record.levelno == logging.WARNING
    line = record.getMessage()
    assert "outcome=ok exit=0" in line
    assert "| reminders: 1 unit(s) reached at only some of their addresses (DT-MTTQ)" in line
    assert "Outputs written: nhatrang-2024: " in line
    assert any("bounce@nhatrang.example" in r.getMessage() and "550" in r.getMessage()
               for r in caplog.records if r.levelno == logging.DEBUG)  # the details


def test_serve_once_exits_8_when_a_unit_was_reached_at_no_address_in_one_line(
        tmp_path: Path, picky_inbox: Inbox, caplog: pytest.LogCaptureFixture) -> None:
    config = _reminding_worker(tmp_path, picky_inbox.port, "bounce@nhatrang.example")

    with caplog.at_level(logging.DEBUG):
        assert serve([config], once=True) == 8

    (record,) = _aggregator_lines(caplog)  # one line per cycle: no line per refused unit
    assert record.levelno == logging.ERROR and record.name == "aggregator.app.service"
    line = record.getMessage()
    assert "outcome=mail-failed exit=8" in line
    assert "| reminders: 1 unit(s) reached at no address (DT-MTTQ); tried again at the next draft today." in line
    assert any("bounce@nhatrang.example" in r.getMessage() and "550" in r.getMessage()
               for r in caplog.records if r.levelno == logging.DEBUG)
