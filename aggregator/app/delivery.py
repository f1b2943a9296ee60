"""E-mail around the cycle: reminders to units (``aggregator remind``), and each changed draft to
the office (the worker). Wires the pure ``reminders`` module to the SMTP adapter and a small state
file, ``delivery.json`` in the output folder (``adapters.delivery_state``), where each message is
recorded as soon as the server has answered it, so a worker killed mid-batch never sends it twice.

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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from aggregator.adapters import delivery_state
from aggregator.adapters.clock import SystemClock
from aggregator.adapters.delivery_state import ReminderDay
from aggregator.adapters.files import atomic_write
from aggregator.adapters.history import History
from aggregator.adapters.mailer import DOCX_MIME, Attachment, Mail, Outcome, SmtpMailer
from aggregator.campaign import Campaign
from aggregator.errors import AggregatorError, DeliveryError, OutputError
from aggregator.models import Consolidation, RosterUnit
from aggregator.outputs import reminders as reminder_text
from aggregator.outputs.reminders import Reminders
from aggregator.vnformat import cutoff_line, short_datetime

log = logging.getLogger(__name__)
STATE_FILE = delivery_state.STATE_FILE
REMINDERS_FILE = "reminders.txt"
CLOCK_ONLY_KEYS = frozenset({"cutoff", "date_text", "year"})  # change every cycle without new content
AUTO_REMINDER_GRACE = dt.timedelta(days=3)  # the worker stops reminding on its own 3 days after the deadline
_ADDRESS_SPLIT = re.compile(r"[;,\s]+")


# State ------------------------------------------------------------------------------------------
read_state = delivery_state.read_state  # delivery.json, with the journal of a batch cut short folded in


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
def draft_mail(result: Consolidation, campaign: Campaign, report: Path, to: Sequence[str] | None = None) -> Mail:
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
    return Mail(tuple(campaign.notify.office_recipients if to is None else to), " ".join(subject.split()), body,
                (Attachment(report.name, report.read_bytes(), DOCX_MIME),), label="draft")


def deliver_draft(campaign: Campaign, result: Consolidation, report: Path, out_dir: Path,
                  mailer: SmtpMailer | None = None) -> Outcome | None:
    """E-mail the draft to the ``notify.office_recipients`` that have not accepted this content yet:
    all of them when the content changed since the last delivery, else those refused last time.

    Returns the outcome, or None when there was nothing to send. The delivery is recorded in
    delivery.json as soon as the server accepted the message (before QUIT), so a kill later never
    sends it twice; an address that did not accept is tried again at the next draft.

    Raises:
        DeliveryError: the server is unusable or accepted the message for no address.
        OutputError: the draft cannot be read or the state file cannot be written.
    """
    from aggregator.outputs.report_context import build_context

    template = campaign.resolve(campaign.report.template)
    try:
        fingerprint = draft_fingerprint(build_context(result, campaign), template.read_bytes())
        prior = read_state(out_dir).get("draft", {})
        done = set(prior.get("to", [])) if prior.get("sha256") == fingerprint else set()
        owed = [a for a in campaign.notify.office_recipients if a not in done]
        if not owed:
            log.debug("%s: the draft has not changed since the last delivery; nothing sent", campaign.id)
            return None
        mail = replace(draft_mail(result, campaign, report, owed), identity=f"draft {campaign.id} {fingerprint}")
    except OSError as exc:
        raise OutputError(f"Cannot read {exc.filename} to send the draft ({exc.strerror}).") from exc

    def record(outcome: Outcome) -> None:
        if outcome.reached:
            reached = done | set(outcome.delivered_to)
            delivery_state.update_state(out_dir, "draft", {
                "sha256": fingerprint, "delivered_at": result.generated_at.isoformat(), "file": report.name,
                "to": [a for a in campaign.notify.office_recipients if a in reached],
                "refused": {a: outcome.problem for a in outcome.refused}})

    (outcome,) = (mailer or mailer_for(campaign)).send([mail], on_sent=record)
    if not outcome.reached:
        raise DeliveryError(f"The draft could not be sent to {', '.join(mail.to)}: {outcome.problem}.",
                            "Check notify.office_recipients; the next draft will try again.")
    log.debug("%s: draft %s sent to %s%s", campaign.id, report.name, ", ".join(outcome.delivered_to),
              f"; {outcome.problem}" if outcome.problem else "")
    return outcome


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
                   only: Mapping[str, Sequence[str]] | None = None,
                   on_sent: Callable[[Outcome], object] | None = None) -> ReminderRun:
    """One e-mail per unit that has an address in the roster; raises DeliveryError if SMTP is unusable.

    ``only`` (unit id → addresses) retries just those addresses, one message each, so an address
    that accepted earlier never gets the reminder twice. ``on_sent``: see ``SmtpMailer.send``.
    """
    units = [u for u in reminders.units if addresses(u.email)]
    day = reminders.generated_at.astimezone(campaign.tz).date().isoformat()
    # a unit's reminder of the day is one message, whoever gets it and however often it is retried
    identity = {u.unit_id: f"reminder {campaign.id} {day} {u.unit_id}" for u in units}
    if only is None:
        mails = [Mail(addresses(u.email), u.subject, u.body, label=u.unit_id, identity=identity[u.unit_id])
                 for u in units]
    else:
        mails = [Mail((a,), u.subject, u.body, label=u.unit_id, identity=identity[u.unit_id]) for u in units
                 for a in addresses(u.email) if a in only.get(u.unit_id, ())]
    skipped = tuple(u.name for u in reminders.units if not addresses(u.email)) if only is None else ()
    outcomes = (mailer or mailer_for(campaign)).send(mails, on_sent) if mails else []
    return ReminderRun(tuple(outcomes), skipped)


def _remind_today(campaign: Campaign, result: Consolidation, out_dir: Path,
                  roster: Sequence[RosterUnit] | None = None) -> MailReport:
    """The worker's automatic reminders: once a day, up to a few days after the deadline. At the next
    draft that day, the addresses not reached yet (refused, or never tried because the worker died
    in the middle of the batch) are tried one by one. ``roster``: the one the cycle used (a roster
    tab is only read with the agency rows)."""
    from aggregator.adapters.roster_file import campaign_roster

    today = result.generated_at.astimezone(campaign.tz).date().isoformat()
    if result.generated_at > result.deadline + AUTO_REMINDER_GRACE:
        return MailReport()
    day = ReminderDay.of(read_state(out_dir).get("reminders"), today)
    if day is not None and not day.owed():
        return MailReport()
    reminders = reminder_text.build(result, roster or campaign_roster(campaign), campaign)
    emailed = {u.unit_id: addresses(u.email) for u in reminders.units if addresses(u.email)}
    if day is None:
        write_reminders(out_dir, reminders)
    only = None if day is None else _still_owed(day.owed(), emailed)
    day = day or ReminderDay(today)
    run = _recorded_batch(campaign, reminders, out_dir, day, emailed, only)
    log.debug("%s: reminders reached %d unit(s) today; %d unit(s) without e-mail", campaign.id,
              len(day.accepted), len(run.without_email))
    return _reminder_report(campaign, run.refused(), day.accepted)


def send_reminders_now(campaign: Campaign, reminders: Reminders, out_dir: Path, now: dt.datetime | None = None,
                       mailer: SmtpMailer | None = None) -> ReminderRun:
    """`remind --send`: every reminder, recorded in the day's state as the worker's are, so that the worker
    does not send them again that day (it still tries, one by one, an address that refused)."""
    today = (now or SystemClock(campaign.tz).now()).astimezone(campaign.tz).date().isoformat()
    day = ReminderDay.of(read_state(out_dir).get("reminders"), today) or ReminderDay(today)
    emailed = {u.unit_id: addresses(u.email) for u in reminders.units if addresses(u.email)}
    return _recorded_batch(campaign, reminders, out_dir, day, emailed, None, mailer)


def _recorded_batch(campaign: Campaign, reminders: Reminders, out_dir: Path, day: ReminderDay,
                    emailed: Mapping[str, Sequence[str]], only: Mapping[str, Sequence[str]] | None,
                    mailer: SmtpMailer | None = None) -> ReminderRun:
    """Send to ``emailed`` (unit → addresses), or ``only`` to those addresses, each answer recorded on disk
    before the next message goes."""
    day.start(emailed if only is None else only)
    delivery_state.update_state(out_dir, "reminders", day.to_json())  # the batch, before its first message
    try:
        return send_reminders(campaign, reminders, mailer, only=only, on_sent=lambda o: _record(out_dir, day, o))
    finally:
        delivery_state.update_state(out_dir, "reminders", day.to_json())


def _still_owed(owed: Mapping[str, Sequence[str]], emailed: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """What is owed and still to send: a unit that has reported since, or an address no longer in
    the roster, is dropped."""
    kept = {unit: [a for a in addrs if a in emailed.get(unit, ())] for unit, addrs in owed.items()}
    return {unit: addrs for unit, addrs in kept.items() if addrs}


def _record(out_dir: Path, day: ReminderDay, outcome: Outcome) -> None:
    """One reminder answered by the server: in the day's state and on disk before the next one goes."""
    unit, missed = outcome.mail.label, outcome.refused or (() if outcome.reached else outcome.mail.to)
    refused = {a: outcome.problem for a in missed}
    day.record(unit, outcome.mail.to, outcome.delivered_to, refused)
    delivery_state.append_journal(out_dir, {"reminders": day.day, "unit": unit, "tried": list(outcome.mail.to),
                                            "accepted": list(outcome.delivered_to), "refused": refused})


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
    """The draft reached nobody: a failure (DeliveryError); only some of the office: a warning."""
    outcome = deliver_draft(campaign, result, report, out_dir)
    if outcome is None or outcome.ok:
        return MailReport()
    return MailReport(warnings=(f"draft delivery: refused at {', '.join(outcome.refused)} (sent to "
                                f"{', '.join(outcome.delivered_to)}); tried again at the next draft.",))


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
