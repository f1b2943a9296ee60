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
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from aggregator.adapters import campaign_file
from aggregator.adapters.clock import SystemClock
from aggregator.campaign import Campaign
from aggregator.errors import AggregatorError
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


def run_pipeline(campaign: Campaign, kind: JobKind) -> CycleSummary:
    """The real job body: one full cycle (the report is re-drafted every time, so it is always fresh).

    At draft times (not every sync, so the office is not mailed every few minutes) the e-mail step
    follows: the draft goes to the office only if its content changed since the last delivery, and
    reminders go out at most once a day. A mail failure is logged; the cycle still counts as done.
    """
    from aggregator.app.pipeline import run_cycle

    report = run_cycle(campaign, render_report=True)
    notify = campaign.notify
    if kind is not JobKind.SYNC and (notify.deliver_drafts or notify.reminders.send):
        from aggregator.app.delivery import after_draft

        after_draft(campaign, report.result, report.report_path, report.out_dir,
                    reminders_too=kind is JobKind.DRAFT)
    return report


@dataclass(frozen=True)
class CampaignJob:
    """One campaign file in the worker; ``runner`` is the job body (injectable for tests)."""

    campaign: Campaign
    config_path: Path | None = None
    runner: Runner = run_pipeline
    lock: Any = field(default_factory=threading.Lock, compare=False, repr=False)


def run_job(job: CampaignJob, kind: JobKind) -> bool:
    """Run one cycle; log one summary line; never raise an AggregatorError into the scheduler."""
    cid = job.campaign.id
    started = time.monotonic()
    with job.lock:  # a draft waits for the same campaign's sync instead of overlapping it
        try:
            summary = job.runner(job.campaign, kind)
        except AggregatorError as exc:
            log.error("%s %s failed after %.1f s: %s", cid, kind, time.monotonic() - started, exc.message)
            return False
    log.info("%s done in %.1f s: %s", kind, time.monotonic() - started, summary.summary_line())
    return True


def _triggers(campaign: Campaign, now: dt.datetime) -> Iterator[tuple[str, JobKind, Any, dict[str, Any]]]:
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
    """For cron users: one full cycle per campaign, in order.

    Returns 0 when every cycle succeeded, else the exit code of the first error.
    """
    code = 0
    for job in jobs:
        try:
            summary = job.runner(job.campaign, JobKind.DRAFT)
        except AggregatorError as exc:
            log.error("%s failed: %s", job.campaign.id, exc.message)
            code = code or exc.exit_code
            continue
        log.info("%s done: %s", job.campaign.id, summary.summary_line())
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
    scheduler = build_scheduler(jobs, clock=clock)
    names = ", ".join(f"{j.campaign.id} (every {j.campaign.schedule.sync_minutes} min)" for j in jobs)
    log.info("worker started for %s; stop with Ctrl+C or SIGTERM", names)
    with _stop_on_signals(scheduler):
        scheduler.start()
    log.info("worker stopped")
    return 0
