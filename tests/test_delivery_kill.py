"""kill -9 in the middle of the worker's e-mail (what `docker stop` does after its timeout): the next
run sends only what the server had not accepted. A real `aggregator serve --once` process, a real
SMTP server (aiosmtpd) that kills it at a chosen moment."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiosmtpd.smtp import Envelope, Session

from aggregator.adapters import campaign_file, delivery_state
from aggregator.adapters.roster_file import read_roster
from aggregator.app import delivery
from tests import smtp_server
from tests.smtp_server import Inbox
from tests.test_delivery import VN, _two_addresses, write_campaign

REPO = Path(__file__).resolve().parents[1]


@dataclass
class KillingInbox(Inbox):
    """Accepts every message, but SIGKILLs ``victim`` when message number ``kill_at`` arrives (so every
    earlier message was accepted and its 250 read), or at QUIT when ``kill_at`` is 0."""

    victim: int = 0
    kill_at: int | None = None
    arrived: int = 0
    after_storing: bool = False  # kill once the message is stored, before the sender reads its 250

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        self.arrived += 1
        if self.victim and self.kill_at == self.arrived:
            stored = await super().handle_DATA(server, session, envelope) if self.after_storing else ""
            os.kill(self.victim, signal.SIGKILL)
            return stored or "451 4.3.0 the sender died"
        return await super().handle_DATA(server, session, envelope)

    async def handle_QUIT(self, server: Any, session: Session, envelope: Envelope) -> str:
        if self.victim and self.kill_at == 0:
            os.kill(self.victim, signal.SIGKILL)
        return "221 Bye"


@pytest.fixture
def killing_inbox() -> Iterator[KillingInbox]:
    yield from smtp_server._serve(KillingInbox())  # type: ignore[misc]


def serve_once(config: Path, inbox: KillingInbox, kill_at: int | None) -> int:
    """`aggregator serve --once` in its own process; the inbox kills it at ``kill_at``."""
    inbox.kill_at, inbox.arrived = kill_at, 0
    process = subprocess.Popen([sys.executable, "-m", "aggregator", "serve", "--once", "--config", str(config)],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    inbox.victim = process.pid
    _, err = process.communicate(timeout=120)
    inbox.victim = 0
    assert "Traceback" not in err, err
    return process.returncode


def _worker_campaign(tmp_path: Path, port: int, **notify: Any) -> Path:
    """A campaign file whose deadline is ahead of the real clock (`serve --once` runs at the system time)."""
    roster = _two_addresses(tmp_path, "dt.mttq@nhatrang.example; mttq2@nhatrang.example")
    config = write_campaign(tmp_path, port, roster=roster, **notify)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["deadline"] = (dt.datetime.now(VN) + dt.timedelta(days=1)).replace(microsecond=0).isoformat()
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config


def test_reminders_killed_mid_batch_are_not_sent_twice_after_a_restart(tmp_path: Path,
                                                                      killing_inbox: KillingInbox) -> None:
    config = _worker_campaign(tmp_path, killing_inbox.port, deliver_drafts=False, office_recipients=[],
                              reminders={"send": True})

    assert serve_once(config, killing_inbox, kill_at=11) == -signal.SIGKILL  # 10 reminders accepted, then kill -9
    assert len(killing_inbox.envelopes) == 10
    assert serve_once(config, killing_inbox, kill_at=None) == 0  # the next draft the same day

    received = Counter(address for e in killing_inbox.envelopes for address in e.rcpt_tos)
    assert [a for a, n in received.items() if n > 1] == []  # nobody has the day's reminder twice
    campaign = campaign_file.load(config)
    emails = {u.unit_id: u.email for u in read_roster(campaign.resolve(campaign.roster))}
    state = delivery.read_state(tmp_path / "out")["reminders"]
    assert set(received) == {a for unit in state["accepted"] for a in delivery.addresses(emails[unit])}
    assert state["sent"] == 31 and state["pending"] == {} and state["refused"] == {}
    assert not (tmp_path / "out" / "delivery.journal").exists()
    assert serve_once(config, killing_inbox, kill_at=None) == 0  # a third draft: nothing owed
    assert sum(received.values()) == sum(len(e.rcpt_tos) for e in killing_inbox.envelopes) == 32


def test_a_reminder_the_server_kept_as_the_worker_died_goes_again_as_the_same_message(
        tmp_path: Path, killing_inbox: KillingInbox) -> None:
    """The one window left: the server has stored message 6, the worker dies before it reads the 250 and
    writes it down. The restart must send it again (nothing says it arrived), and sends it as the same
    message: the same Message-ID, which mail systems such as Gmail keep once."""
    config = _worker_campaign(tmp_path, killing_inbox.port, deliver_drafts=False, office_recipients=[],
                              reminders={"send": True})
    killing_inbox.after_storing = True
    assert serve_once(config, killing_inbox, kill_at=6) == -signal.SIGKILL
    assert len(killing_inbox.envelopes) == 6
    assert serve_once(config, killing_inbox, kill_at=None) == 0

    ids: dict[str, list[str]] = {}
    for envelope in killing_inbox.envelopes:
        message_id = message_from_bytes(envelope.original_content or b"")["Message-ID"]
        for address in envelope.rcpt_tos:
            ids.setdefault(address, []).append(message_id)
    twice = {address: found for address, found in ids.items() if len(found) > 1}
    assert len(twice) >= 1  # the sixth message's recipients
    assert all(len(set(found)) == 1 for found in twice.values())  # … got the same message twice
    assert len({found[0] for found in ids.values()}) == len(killing_inbox.envelopes) - 1  # one id per reminder


def test_a_draft_killed_before_quit_is_not_sent_again(tmp_path: Path, killing_inbox: KillingInbox) -> None:
    config = _worker_campaign(tmp_path, killing_inbox.port)

    assert serve_once(config, killing_inbox, kill_at=0) == -signal.SIGKILL  # accepted; killed at QUIT
    assert len(killing_inbox.envelopes) == 1
    assert serve_once(config, killing_inbox, kill_at=None) == 0

    assert len(killing_inbox.envelopes) == 1  # the same content: not sent again
    assert delivery.read_state(tmp_path / "out")["draft"]["to"] == ["vanthu@nhatrang.example",
                                                                     "lanhdao@nhatrang.example"]


def test_a_journal_cut_short_is_folded_in_and_its_torn_line_ignored(tmp_path: Path) -> None:
    day = delivery_state.ReminderDay("2024-11-08")
    day.start({"A": ["a@x.vn"], "B": ["b1@x.vn", "b2@x.vn"], "C": ["c@x.vn"]})
    delivery_state.update_state(tmp_path, "reminders", day.to_json())
    delivery_state.append_journal(tmp_path, {"reminders": "2024-11-08", "unit": "A", "tried": ["a@x.vn"],
                                             "accepted": ["a@x.vn"], "refused": {}})
    delivery_state.append_journal(tmp_path, {"reminders": "2024-11-08", "unit": "B", "tried": ["b1@x.vn", "b2@x.vn"],
                                             "accepted": ["b1@x.vn"], "refused": {"b2@x.vn": "550 no"}})
    delivery_state.append_journal(tmp_path, {"reminders": "2024-11-07", "unit": "C", "tried": ["c@x.vn"],
                                             "accepted": ["c@x.vn"], "refused": {}})  # another day's batch
    with (tmp_path / delivery_state.JOURNAL_FILE).open("a", encoding="utf-8") as journal:
        journal.write('{"reminders": "2024-11-08", "unit": "C", "tri')  # killed while writing

    folded = delivery_state.ReminderDay.of(delivery.read_state(tmp_path)["reminders"], "2024-11-08")

    assert folded is not None
    assert folded.accepted == {"A": ["a@x.vn"], "B": ["b1@x.vn"]}
    assert folded.owed() == {"C": ["c@x.vn"], "B": ["b2@x.vn"]}  # never an address that accepted
    delivery_state.update_state(tmp_path, "draft", {"sha256": "x"})  # any rewrite keeps what the journal said
    assert not (tmp_path / delivery_state.JOURNAL_FILE).exists()
    assert delivery.read_state(tmp_path)["reminders"] == folded.to_json()


def test_a_draft_the_server_kept_as_the_worker_died_goes_again_as_the_same_message(
        tmp_path: Path, killing_inbox: KillingInbox) -> None:
    config = _worker_campaign(tmp_path, killing_inbox.port)
    killing_inbox.after_storing = True
    assert serve_once(config, killing_inbox, kill_at=1) == -signal.SIGKILL  # stored; the 250 never read
    assert serve_once(config, killing_inbox, kill_at=None) == 0
    first, again = killing_inbox.envelopes
    assert first.rcpt_tos == again.rcpt_tos
    assert message_from_bytes(first.original_content or b"")["Message-ID"] == \
        message_from_bytes(again.original_content or b"")["Message-ID"]
