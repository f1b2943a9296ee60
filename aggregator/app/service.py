"""The scheduled worker (APScheduler 3.x): sync every few minutes, drafts at set times, one run
right after the deadline, for one or several campaign files in one process.

Per campaign file:
- ``<id>:sync`` every ``schedule.sync_minutes`` (IntervalTrigger), first run immediately;
- ``<id>:draft-HHMM`` at each ``schedule.drafts`` time (CronTrigger in the campaign's timezone);
- ``<id>:deadline`` once, one minute after the deadline (DateTrigger), if ``after_deadline`` and
  the deadline is still ahead.

Job defaults: ``max_instances=1``, ``coalesce=True``, ``misfire_grace_time=300``; jobs of the same
campaign also share a lock, so a draft never overlaps that campaign's sync. A failing cycle
(``AggregatorError``) is logged in one line and the worker keeps going; the pipeline leaves the
previous outputs as they were. SIGINT/SIGTERM stop the worker between cycles.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import FrameType
from typing import Protocol
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from aggregator.adapters import campaign_file
from aggregator.adapters.clock import SystemClock
from aggregator.campaign import Campaign
from aggregator.errors import AggregatorError, DeliveryError
from aggregator.ports import Clock

log = logging.getLogger(__name__)

JOB_DEFAULTS = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 300}
AFTER_DEADLINE = dt.timedelta(minutes=1)


class JobKind(StrEnum):
    SYNC = "sync"
    DRAFT = "draft"
    DEADLINE = "deadline"


class CycleSummary(Protocol):
    def summary_line(self) -> str: ...


Runner = Callable[[Campaign, JobKind], CycleSummary]


@dataclass(frozen=True)
class JobResult:
    """What one job did: the cycle's summary or its error, the e-mail step's failures (exit 8) and
    warnings (partial deliveries), the Google requests."""

    summary: CycleSummary | None
    error: AggregatorError | None = None
    mail_failures: tuple[str, ...] = ()
    mail_warnings: tuple[str, ...] = ()
    google_requests: int = 0

    def summary_line(self) -> str:
        """What follows `|`: the error; or the e-mail problems, then the summary; or the summary."""
        if self.summary is None:
            return self.error.message if self.error is not None else ""
        mail = " ".join(self.mail_failures + self.mail_warnings)
        return f"{mail} Outputs written: {self.summary.summary_line()}" if mail else self.summary.summary_line()

    @property
    def exit_code(self) -> int:
        """0, the cycle's error code, or 8 when only the e-mail failed (what `serve --once` exits with)."""
        if self.error is not None:
            return self.error.exit_code
        return DeliveryError.exit_code if self.mail_failures else 0

    @property
    def level(self) -> int:
        """ERROR when the cycle or its e-mail failed, WARNING when an e-mail reached only some addresses."""
        return logging.ERROR if self.exit_code else logging.WARNING if self.mail_warnings else logging.INFO


def run_pipeline(campaign: Campaign, kind: JobKind) -> JobResult:
    """The real job body: one full cycle (the report is re-drafted every time, so it is always fresh).

    At draft times (not every sync, so the office is not mailed every few minutes) the e-mail step
    follows: the draft goes to the office only if its content changed since the last delivery, and
    reminders go out at most once a day. A mail failure is reported in the result (and so in the
    cycle's one line); the cycle's outputs are written all the same.
    """
    from aggregator.app.wiring import CycleStats, run_cycle

    stats = CycleStats()
    try:
        report = run_cycle(campaign, render_report=True, stats=stats)
    except AggregatorError as exc:
        return JobResult(None, exc, google_requests=stats.google_requests)
    notify = campaign.notify
    if kind is JobKind.SYNC or not (notify.deliver_drafts or notify.reminders.send):
        return JobResult(report, google_requests=stats.google_requests)
    from aggregator.app.delivery import after_draft

    mail = after_draft(campaign, report.result, report.report_path, report.out_dir,
                       reminders_too=kind is JobKind.DRAFT, roster=report.roster)
    return JobResult(report, mail_failures=mail.failures, mail_warnings=mail.warnings,
                     google_requests=stats.google_requests)


def _job_result(job: CampaignJob, kind: JobKind) -> JobResult:
    """Run the job body; an AggregatorError it raises becomes a failed result."""
    try:
        outcome = job.runner(job.campaign, kind)
    except AggregatorError as exc:
        return JobResult(None, exc)
    return outcome if isinstance(outcome, JobResult) else JobResult(outcome)


def cycle_line(campaign_id: str, kind: JobKind, result: JobResult, seconds: float) -> str:
    """The one line per cycle (its level: ``JobResult.level``); success and failure have the same fields,
    in the same order.

    >>> cycle_line("nhatrang-2024", JobKind.SYNC, JobResult(None, DeliveryError("x.", "")), 2.04)
    'cycle campaign=nhatrang-2024 job=sync outcome=failed exit=8 duration=2.0s google_requests=0 | x.'
    """
    outcome = "ok" if result.exit_code == 0 else ("mail-failed" if result.error is None else "failed")
    return (f"cycle campaign={campaign_id} job={kind} outcome={outcome} exit={result.exit_code} "
            f"duration={seconds:.1f}s google_requests={result.google_requests} | {result.summary_line()}")


@dataclass(frozen=True)
class CampaignJob:
    """One campaign file in the worker; ``runner`` is the job body (injectable for tests)."""

    campaign: Campaign
    config_path: Path | None = None
    runner: Runner = run_pipeline
    lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)


def run_job(job: CampaignJob, kind: JobKind) -> JobResult:
    """Run one cycle; log one line (``cycle_line``); never raise an AggregatorError into the scheduler."""
    started = time.monotonic()
    with job.lock:  # a draft waits for the same campaign's sync instead of overlapping it
        result = _job_result(job, kind)
    log.log(result.level, "%s", cycle_line(job.campaign.id, kind, result, time.monotonic() - started))
    if result.error is not None and result.error.__cause__ is not None:  # the third-party detail behind it
        log.debug("%s %s failed because of %r", job.campaign.id, kind, result.error.__cause__)
    return result


def _triggers(
    campaign: Campaign, now: dt.datetime
) -> Iterator[tuple[str, JobKind, BaseTrigger, dict[str, dt.datetime]]]:
    tz = ZoneInfo(campaign.timezone)
    schedule = campaign.schedule
    yield ("sync", JobKind.SYNC, IntervalTrigger(minutes=schedule.sync_minutes, timezone=tz),
           {"next_run_time": now.astimezone(tz)})
    for hhmm in schedule.drafts:
        hour, minute = (int(part) for part in hhmm.split(":"))
        trigger = CronTrigger(hour=hour, minute=minute, timezone=tz)
        yield f"draft-{hour:02d}{minute:02d}", JobKind.DRAFT, trigger, {}
    run_at = campaign.deadline + AFTER_DEADLINE
    if schedule.after_deadline and run_at > now:
        yield "deadline", JobKind.DEADLINE, DateTrigger(run_date=run_at, timezone=tz), {}


def _on_event(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its run at %s (the worker was busy or asleep); it runs again next time",
                    event.job_id, event.scheduled_run_time)
    else:
        log.error("job %s raised %r; the worker keeps going", event.job_id, event.exception)


def build_scheduler(
    jobs: list[CampaignJob], *, clock: Clock | None = None, scheduler: BaseScheduler | None = None
) -> BaseScheduler:
    """A configured, not yet started scheduler (a BlockingScheduler unless one is passed in)."""
    now = (clock or SystemClock(ZoneInfo("UTC"))).now()
    scheduler = scheduler or BlockingScheduler()
    scheduler.configure(job_defaults=dict(JOB_DEFAULTS), timezone=ZoneInfo("UTC"))
    scheduler.add_listener(_on_event, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    for job in jobs:
        for suffix, kind, trigger, extra in _triggers(job.campaign, now):
            job_id = f"{job.campaign.id}:{suffix}"
            scheduler.add_job(run_job, trigger, args=(job, kind), id=job_id, name=job_id,
                              replace_existing=True, **extra)
    return scheduler


def run_once(jobs: list[CampaignJob]) -> int:
    """For cron users: one full cycle per campaign, in order (a draft job: e-mail included).

    Returns 0 when every cycle succeeded, else the exit code of the first failure: 8 when a cycle
    completed but its e-mail failed.
    """
    code = 0
    for job in jobs:
        result = run_job(job, JobKind.DRAFT)
        code = code or result.exit_code
    return code


@contextmanager
def _stop_on_signals(scheduler: BaseScheduler) -> Iterator[None]:
    """SIGINT/SIGTERM → ``shutdown(wait=True)``: a running cycle finishes, nothing new starts."""

    def stop(signum: int, frame: FrameType | None) -> None:
        log.info("received %s; stopping after the running cycle (if any)", signal.Signals(signum).name)
        if scheduler.running:
            scheduler.shutdown(wait=True)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def serve(config_paths: list[Path], *, once: bool = False, runner: Runner = run_pipeline,
          clock: Clock | None = None) -> int:
    """Load every campaign file (before anything runs), then run the worker until a signal stops it.

    Raises:
        ConfigError: a campaign file is missing or invalid.
    """
    jobs = [CampaignJob(campaign_file.load(path), path, runner) for path in config_paths]
    if once:
        return run_once(jobs)
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:  # keep one line per cycle unless debugging
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
    from aggregator.app.pipeline import keep_matchers

    scheduler = build_scheduler(jobs, clock=clock)
    names = ", ".join(f"{j.campaign.id} (every {j.campaign.schedule.sync_minutes} min)" for j in jobs)
    log.info("worker started for %s; stop with Ctrl+C or SIGTERM", names)
    keep_matchers()  # the cycles of this process share each campaign's matcher while its roster stays the same
    try:
        with _stop_on_signals(scheduler):
            scheduler.start()
    finally:
        keep_matchers(False)
    log.info("worker stopped")
    return 0
