"""E-mail around the cycle: reminders to units (``aggregator remind``), and each changed draft to
the office (the worker). Wires the pure ``reminders`` module to the SMTP adapter and a small state
file, ``delivery.json`` in the output folder (written atomically).

Whether a draft "changed" is decided on the report's template context, not on the .docx bytes:
every cycle stamps a new data cut-off line ("Số liệu tính đến 08 giờ 05 phút …") into the
document, so its bytes change every ten minutes even when no agency typed anything. The context
holds everything the template prints; dropping the keys that only carry the clock (``cutoff``,
``date_text``, ``year``) leaves exactly the content the office cares about: figures, who reported,
who is late, notes, the letter's own paragraphs. The template's bytes are hashed in too, so
editing ``templates/report.docx`` (or the campaign's report settings) also counts as a change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aggregator.adapters.clock import SystemClock
from aggregator.adapters.files import atomic_write, read_json, write_json
from aggregator.adapters.history import History
from aggregator.adapters.mailer import DOCX_MIME, Attachment, Mail, Outcome, SmtpMailer
from aggregator.campaign import Campaign
from aggregator.errors import AggregatorError, DeliveryError, OutputError
from aggregator.models import Consolidation, RosterUnit
from aggregator.outputs import reminders as reminder_text
from aggregator.outputs.reminders import Reminders
from aggregator.vnformat import cutoff_line, short_datetime

log = logging.getLogger(__name__)
STATE_FILE = "delivery.json"
REMINDERS_FILE = "reminders.txt"
CLOCK_ONLY_KEYS = frozenset({"cutoff", "date_text", "year"})  # change every cycle without new content
AUTO_REMINDER_GRACE = dt.timedelta(days=3)  # the worker stops reminding on its own 3 days after the deadline
_ADDRESS_SPLIT = re.compile(r"[;,\s]+")


# State ------------------------------------------------------------------------------------------
def read_state(out_dir: Path) -> dict[str, Any]:
    state = read_json(out_dir / STATE_FILE)
    return state if isinstance(state, dict) else {}


def _update_state(out_dir: Path, key: str, value: dict[str, Any]) -> None:
    write_json(out_dir / STATE_FILE, {**read_state(out_dir), key: value})


def draft_fingerprint(context: Mapping[str, Any], template: bytes) -> str:
    """SHA-256 of the report's content: the template context without clock-only keys, plus the template.

    >>> a = draft_fingerprint({"cutoff": "08 giờ", "total": 1}, b"t")
    >>> a == draft_fingerprint({"cutoff": "09 giờ", "total": 1}, b"t") != draft_fingerprint({"total": 2}, b"t")
    True
    """
    content = {k: v for k, v in context.items() if k not in CLOCK_ONLY_KEYS}
    digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str).encode())
    digest.update(hashlib.sha256(template).digest())
    return digest.hexdigest()


# Mail plumbing --------------------------------------------------------------------------------------
def addresses(text: str) -> tuple[str, ...]:
    """Roster e-mail cells may hold several addresses: "a@x.vn; b@x.vn" → ("a@x.vn", "b@x.vn")."""
    return tuple(a for a in _ADDRESS_SPLIT.split(text.strip()) if "@" in a)


def mailer_for(campaign: Campaign) -> SmtpMailer:
    """The SMTP adapter for this campaign. Raises DeliveryError when the file has no notify.smtp."""
    smtp = campaign.notify.smtp
    if smtp is None:
        raise DeliveryError(f"The campaign file of {campaign.id} has no `notify.smtp` section, so nothing can be sent.",
                            "Add notify: smtp: {host, from_address, …} (see README, “Reminders and e-mail”), or run "
                            "without --send to get the text only.")
    return SmtpMailer(smtp, sender_name=campaign.report.issuer_name)


# Drafts to the office ---------------------------------------------------------------------------------
def draft_mail(result: Consolidation, campaign: Campaign, report: Path) -> Mail:
    t = result.totals
    moment = result.generated_at.astimezone(campaign.tz)
    body = "\n".join([
        f"Hệ thống tổng hợp gửi bản dự thảo báo cáo kết quả triển khai {campaign.title} (tệp đính kèm {report.name}).",
        "",
        f"Số liệu tính đến {cutoff_line(moment)}:",
        f"- {t.units_reported}/{t.units_expected} cơ quan, đơn vị đã báo cáo ({t.units_late} báo cáo muộn);",
        f"- {t.units_missing} cơ quan, đơn vị chưa báo cáo;",
        f"- {t.units_with_problems} cơ quan, đơn vị có ô số liệu cần sửa;",
        f"- {t.rows_unmatched} dòng chưa xác định được cơ quan, đơn vị.",
        "",
        "Bản dự thảo để trống số và ngày văn bản; đề nghị kiểm tra trước khi trình ký. "
        "Thư này chỉ được gửi khi nội dung báo cáo thay đổi so với bản đã gửi lần trước.",
    ]) + "\n"
    subject = f"Dự thảo báo cáo kết quả {campaign.title} (số liệu đến {short_datetime(moment)})"
    return Mail(campaign.notify.office_recipients, " ".join(subject.split()), body,
                (Attachment(report.name, report.read_bytes(), DOCX_MIME),), label="draft")


def deliver_draft(campaign: Campaign, result: Consolidation, report: Path, out_dir: Path,
                  mailer: SmtpMailer | None = None) -> bool:
    """E-mail the draft to ``notify.office_recipients`` if its content changed since the last delivery.

    Returns True when a message went out. The fingerprint is stored only after the server accepted
    the message, so a failed delivery is tried again at the next draft.

    Raises:
        DeliveryError: the server is unusable or refused the message.
        OutputError: the draft cannot be read or the state file cannot be written.
    """
    from aggregator.outputs.report_context import build_context

    template = campaign.resolve(campaign.report.template)
    try:
        fingerprint = draft_fingerprint(build_context(result, campaign), template.read_bytes())
        if read_state(out_dir).get("draft", {}).get("sha256") == fingerprint:
            log.debug("%s: the draft has not changed since the last delivery; nothing sent", campaign.id)
            return False
        mail = draft_mail(result, campaign, report)
    except OSError as exc:
        raise OutputError(f"Cannot read {exc.filename} to send the draft ({exc.strerror}).") from exc
    (outcome,) = (mailer or mailer_for(campaign)).send([mail])
    if not outcome.ok:
        raise DeliveryError(f"The draft could not be sent to {', '.join(mail.to)}: {outcome.problem}.",
                            "Check notify.office_recipients; the next draft will try again.")
    _update_state(out_dir, "draft", {"sha256": fingerprint, "delivered_at": result.generated_at.isoformat(),
                                     "to": list(mail.to), "file": report.name})
    log.debug("%s: draft %s sent to %s", campaign.id, report.name, ", ".join(mail.to))
    return True


# Reminders ------------------------------------------------------------------------------------------
def current_reminders(campaign: Campaign, out_dir: Path, now: dt.datetime | None = None) -> Reminders:
    """Read the source once and build the reminders from a fresh computation of the cycle.

    Writes nothing but the history of rows seen (as every cycle does); never the agency tab, the
    dashboard, the report or status.json.
    """
    from aggregator.adapters.roster_file import campaign_roster, roster_in_sheet
    from aggregator.app.pipeline import compute
    from aggregator.app.wiring import history_path, open_ports

    roster = None if roster_in_sheet(campaign) else campaign_roster(campaign)
    source, _ = open_ports(campaign, out_dir, None, read_only=True)
    snapshot = source.read()
    roster = roster or campaign_roster(campaign, None, snapshot)
    history = History(history_path(campaign, out_dir))
    moment = now or SystemClock(campaign.tz).now()
    return reminder_text.build(compute(campaign, roster, snapshot, moment, history), roster, campaign)


def write_reminders(out_dir: Path, reminders: Reminders) -> Path:
    text = reminder_text.render_text(reminders)
    return atomic_write(out_dir / REMINDERS_FILE, lambda tmp: tmp.write_text(text, encoding="utf-8"))


@dataclass(frozen=True)
class ReminderRun:
    """What one round of reminder e-mails did: one outcome per message (a retry sends one message per
    address), units without an address. A unit is *reached* when at least one address accepted."""

    outcomes: tuple[Outcome, ...]
    without_email: tuple[str, ...]  # names of units that have no address in the roster

    def accepted(self) -> dict[str, list[str]]:
        """unit id → the addresses that accepted."""
        out: dict[str, list[str]] = {}
        for o in self.outcomes:
            out.setdefault(o.mail.label, []).extend(o.delivered_to)
        return {unit: addrs for unit, addrs in out.items() if addrs}

    def refused(self) -> dict[str, dict[str, str]]:
        """unit id → {address: why} for the addresses that did not take the message."""
        out: dict[str, dict[str, str]] = {}
        for o in self.outcomes:
            missed = o.refused or (() if o.reached else o.mail.to)
            out.setdefault(o.mail.label, {}).update({a: o.problem for a in missed})
        return {unit: addrs for unit, addrs in out.items() if addrs}

    @property
    def unreached(self) -> tuple[str, ...]:
        """Units that got the message at no address (these, and only these, make `remind --send` fail)."""
        reached = set(self.accepted())
        return tuple(dict.fromkeys(o.mail.label for o in self.outcomes if o.mail.label not in reached))


def run_lines(run: ReminderRun) -> list[str]:
    """What `remind --send` prints: one line per message, units without an address, the totals."""
    lines = [_outcome_line(o) for o in run.outcomes]
    lines += [f"no e-mail {name} (roster has no address: use the Zalo text)" for name in run.without_email]
    unreached, refused = run.unreached, run.refused()
    reached = len({o.mail.label for o in run.outcomes}) - len(unreached)
    lines.append(f"{reached} reminder(s) sent, {len(unreached)} failed, {len(run.without_email)} unit(s) "
                 "without an e-mail address")
    partly = [unit for unit in refused if unit not in unreached]
    if partly:
        lines.append(f"{len(partly)} unit(s) reached at only some of their addresses; fix the refused ones in "
                     "the roster's email column")
    return lines


def _outcome_line(outcome: Outcome) -> str:
    label, to = outcome.mail.label, ", ".join(outcome.mail.to)
    if outcome.ok:
        return f"sent     {label} → {to}"
    if outcome.reached:
        return f"PARTLY   {label} → {', '.join(outcome.delivered_to)}; {outcome.problem}"
    return f"FAILED   {label} → {to}: {outcome.problem}"


def send_reminders(campaign: Campaign, reminders: Reminders, mailer: SmtpMailer | None = None,
                   only: Mapping[str, Sequence[str]] | None = None) -> ReminderRun:
    """One e-mail per unit that has an address in the roster; raises DeliveryError if SMTP is unusable.

    ``only`` (unit id → addresses) retries just those addresses, one message each, so an address
    that accepted earlier never gets the reminder twice.
    """
    units = [u for u in reminders.units if addresses(u.email)]
    if only is None:
        mails = [Mail(addresses(u.email), u.subject, u.body, label=u.unit_id) for u in units]
    else:
        mails = [Mail((a,), u.subject, u.body, label=u.unit_id) for u in units
                 for a in addresses(u.email) if a in only.get(u.unit_id, ())]
    skipped = tuple(u.name for u in reminders.units if not addresses(u.email)) if only is None else ()
    outcomes = (mailer or mailer_for(campaign)).send(mails) if mails else []
    return ReminderRun(tuple(outcomes), skipped)


def _remind_today(campaign: Campaign, result: Consolidation, out_dir: Path,
                  roster: Sequence[RosterUnit] | None = None) -> MailReport:
    """The worker's automatic reminders: once a day, up to a few days after the deadline; addresses
    refused earlier that day are tried again one by one at the next draft. ``roster``: the one the
    cycle used (a roster tab is only read with the agency rows)."""
    from aggregator.adapters.roster_file import campaign_roster

    today = result.generated_at.astimezone(campaign.tz).date().isoformat()
    if result.generated_at > result.deadline + AUTO_REMINDER_GRACE:
        return MailReport()
    state = read_state(out_dir).get("reminders", {})
    retry = state.get("refused", {}) if state.get("day") == today else None
    if retry is not None and not retry:
        return MailReport()
    reminders = reminder_text.build(result, roster or campaign_roster(campaign), campaign)
    if retry is None:
        write_reminders(out_dir, reminders)
    run = send_reminders(campaign, reminders, only=retry)
    accepted = {**(state.get("accepted", {}) if retry is not None else {})}
    for unit, addrs in run.accepted().items():
        accepted[unit] = sorted({*accepted.get(unit, []), *addrs})
    refused = run.refused()
    _update_state(out_dir, "reminders", {"day": today, "sent": len(accepted),
                                         "failed": sorted(u for u in refused if u not in accepted),
                                         "accepted": accepted, "refused": refused})
    log.debug("%s: reminders reached %d unit(s); %d address(es) refused; %d unit(s) without e-mail",
              campaign.id, len(accepted), sum(map(len, refused.values())), len(run.without_email))
    return _reminder_report(campaign, refused, accepted)


def _reminder_report(campaign: Campaign, refused: Mapping[str, Mapping[str, str]],
                     accepted: Mapping[str, Sequence[str]]) -> MailReport:
    """A unit reached at no address is a failure; one reached at only some of them, a warning (the
    rule of `remind --send`). Each refused address, with the server's answer, goes to DEBUG."""
    for unit, addrs in refused.items():
        for address, why in addrs.items():
            log.debug("%s: reminder to %s refused at %s: %s", campaign.id, unit, address, why)
    unreached = [unit for unit in refused if unit not in accepted]
    partly = [unit for unit in refused if unit in accepted]
    failures = (f"reminders: {len(unreached)} unit(s) reached at no address ({_some(unreached)}); tried again "
                "at the next draft today.",) if unreached else ()
    warnings = (f"reminders: {len(partly)} unit(s) reached at only some of their addresses ({_some(partly)}); "
                "the refused addresses are tried again at the next draft today.",) if partly else ()
    return MailReport(failures, warnings)


def _some(names: Sequence[str], shown: int = 5) -> str:
    """ "A, B, C" or "A, B, C, D, E and 7 more" (a cycle line stays one readable line)."""
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


@dataclass(frozen=True)
class MailReport:
    """What the worker's e-mail step found. ``failures`` make the cycle ``mail-failed`` (`serve
    --once` exits 8): the draft reached nobody, a unit was reached at no address, the server could
    not be used. ``warnings`` are partial deliveries (reached at some addresses, the refused ones
    tried again at the next draft): the cycle is ``ok``, its line a WARNING."""

    failures: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def __add__(self, other: MailReport) -> MailReport:
        return MailReport(self.failures + other.failures, self.warnings + other.warnings)


def _draft_step(campaign: Campaign, result: Consolidation, report: Path, out_dir: Path) -> MailReport:
    deliver_draft(campaign, result, report, out_dir)
    return MailReport()


def after_draft(campaign: Campaign, result: Consolidation, report: Path | None, out_dir: Path,
                reminders_too: bool, roster: Sequence[RosterUnit] | None = None) -> MailReport:
    """The worker's e-mail step after a successful draft cycle; never raises. The caller logs the
    summary in its one line per cycle; the details are logged here at DEBUG.

    The draft and every other output are already on disk, so a mail server that is down costs
    nothing but the e-mail, which is tried again at the next draft.
    """
    notify = campaign.notify
    steps: list[tuple[str, Callable[[], MailReport]]] = []
    if notify.deliver_drafts and report is not None:
        steps.append(("draft delivery", lambda: _draft_step(campaign, result, report, out_dir)))
    if notify.reminders.send and reminders_too:
        steps.append(("reminders", lambda: _remind_today(campaign, result, out_dir, roster)))
    found = MailReport()
    for name, step in steps:
        try:
            found += step()
        except AggregatorError as exc:
            log.debug("%s: %s failed: %s", campaign.id, name, exc.message)
            found += MailReport((f"{name}: {exc.message}",))
        except Exception as exc:  # a bug in the e-mail step must not stop the worker: the draft is safe
            log.exception("%s: %s failed unexpectedly", campaign.id, name)
            found += MailReport((f"{name}: {type(exc).__name__}: {exc}",))
    return found
