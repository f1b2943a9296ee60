"""The scheduled worker: job configuration (not started), a few short real runs, cron mode, signals."""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import signal
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from aggregator.adapters import campaign_file
from aggregator.adapters.clock import FixedClock
from aggregator.app import pipeline
from aggregator.app.service import CampaignJob, JobKind, build_scheduler, run_job, serve
from aggregator.campaign import Campaign
from aggregator.errors import CredentialsError, TransientSourceError

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BEFORE_DEADLINE = dt.datetime(2024, 11, 1, 9, 0, tzinfo=VN)
AFTER_DEADLINE = dt.datetime(2024, 11, 20, 9, 0, tzinfo=VN)
TRAVINH = campaign_file.BUNDLED_CONFIG_DIR / "travinh-2024.yaml"


@dataclass
class Summary:
    text: str

    def summary_line(self) -> str:
        return self.text


@dataclass
class Runner:
    """A job body that records its calls and fails with the queued errors first."""

    errors: list[Exception] = field(default_factory=list)
    calls: list[tuple[str, JobKind]] = field(default_factory=list)

    def __call__(self, campaign: Campaign, kind: JobKind) -> Summary:
        self.calls.append((campaign.id, kind))
        if self.errors:
            raise self.errors.pop(0)
        return Summary(f"{campaign.id}: 131/152 units reported")


@pytest.fixture
def nhatrang() -> Campaign:
    return campaign_file.load()


@pytest.fixture
def paused() -> Iterator[list[BackgroundScheduler]]:
    started: list[BackgroundScheduler] = []
    yield started
    for scheduler in started:
        scheduler.shutdown(wait=False)


def configured(jobs: list[CampaignJob], now: dt.datetime, paused: list[Any]) -> dict[str, Any]:
    """Build, then start paused: the job store applies the defaults and nothing runs."""
    scheduler = build_scheduler(jobs, clock=FixedClock(now), scheduler=BackgroundScheduler())
    scheduler.start(paused=True)
    paused.append(scheduler)
    return {job.id: job for job in scheduler.get_jobs()}


def nhatrang_jobs(campaign: Campaign, paused: list[Any],
                  now: dt.datetime = BEFORE_DEADLINE) -> dict[str, Any]:
    """The campaign's jobs by suffix (sync, draft-0730, …)."""
    jobs = configured([CampaignJob(campaign, runner=Runner())], now, paused)
    return {job_id.split(":")[1]: job for job_id, job in jobs.items()}


# Configuration ----------------------------------------------------------------------------------

def test_a_campaign_gets_a_sync_two_drafts_and_a_deadline_job(nhatrang: Campaign, paused: list[Any]) -> None:
    jobs = configured([CampaignJob(nhatrang, runner=Runner())], BEFORE_DEADLINE, paused)
    assert set(jobs) == {"nhatrang-2024:sync", "nhatrang-2024:draft-0730", "nhatrang-2024:draft-1630",
                         "nhatrang-2024:deadline"}
    assert [job.args[1] for job in jobs.values()].count(JobKind.DRAFT) == 2


def test_sync_runs_every_sync_minutes_starting_now(nhatrang: Campaign, paused: list[Any]) -> None:
    sync = nhatrang_jobs(nhatrang, paused)["sync"]
    assert isinstance(sync.trigger, IntervalTrigger)
    assert sync.trigger.interval == dt.timedelta(minutes=10)
    assert sync.next_run_time == BEFORE_DEADLINE
    assert sync.args[1] is JobKind.SYNC


def test_drafts_are_cron_jobs_in_the_campaign_timezone(nhatrang: Campaign, paused: list[Any]) -> None:
    draft = nhatrang_jobs(nhatrang, paused)["draft-1630"]
    assert isinstance(draft.trigger, CronTrigger)
    assert draft.trigger.timezone == VN
    fields = {f.name: str(f) for f in draft.trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("16", "30")
    expected = dt.datetime(2024, 11, 1, 16, 30, tzinfo=VN)
    assert draft.trigger.get_next_fire_time(None, BEFORE_DEADLINE) == expected


def test_one_run_right_after_the_deadline(nhatrang: Campaign, paused: list[Any]) -> None:
    final = nhatrang_jobs(nhatrang, paused)["deadline"]
    assert isinstance(final.trigger, DateTrigger)
    assert final.trigger.run_date == nhatrang.deadline + dt.timedelta(minutes=1)
    assert final.args[1] is JobKind.DEADLINE


def test_no_deadline_job_after_the_deadline_or_when_disabled(nhatrang: Campaign, paused: list[Any]) -> None:
    assert "deadline" not in nhatrang_jobs(nhatrang, paused, AFTER_DEADLINE)
    schedule = nhatrang.schedule.model_copy(update={"after_deadline": False})
    assert "deadline" not in nhatrang_jobs(nhatrang.model_copy(update={"schedule": schedule}), paused)


def test_job_defaults_forbid_overlap_and_coalesce(nhatrang: Campaign, paused: list[Any]) -> None:
    for job in nhatrang_jobs(nhatrang, paused).values():
        assert (job.max_instances, job.coalesce, job.misfire_grace_time) == (1, True, 300)


def test_several_campaign_files_share_one_worker(nhatrang: Campaign, paused: list[Any]) -> None:
    travinh = campaign_file.load(TRAVINH)
    jobs = configured([CampaignJob(nhatrang), CampaignJob(travinh)], BEFORE_DEADLINE, paused)
    assert {job_id.split(":")[0] for job_id in jobs} == {"nhatrang-2024", "travinh-2024"}
    assert jobs["travinh-2024:sync"].trigger.interval == dt.timedelta(minutes=travinh.schedule.sync_minutes)


# The job body ---------------------------------------------------------------------------------

def test_a_failing_cycle_is_logged_in_one_line_and_not_raised(nhatrang: Campaign, caplog: Any) -> None:
    runner = Runner([TransientSourceError("Google Sheets did not answer.", "Next cycle.")])
    job = CampaignJob(nhatrang, runner=runner)
    with caplog.at_level(logging.INFO, logger="aggregator.app.service"):
        assert run_job(job, JobKind.SYNC).exit_code == 3
        assert run_job(job, JobKind.SYNC).exit_code == 0
    failed, done = [r.getMessage() for r in caplog.records]
    assert [r.levelname for r in caplog.records] == ["ERROR", "INFO"]
    shape = r"cycle campaign=nhatrang-2024 job=sync outcome=(\w+) exit=(\d) duration=\d+\.\ds google_requests=0 \| "
    assert re.match(shape, failed).groups() == ("failed", "3") and failed.endswith("did not answer. Next cycle.")
    assert re.match(shape, done).groups() == ("ok", "0") and done.endswith("nhatrang-2024: 131/152 units reported")


def test_jobs_of_one_campaign_never_overlap(nhatrang: Campaign) -> None:
    running, peak = [0], [0]

    def slow(campaign: Campaign, kind: JobKind) -> Summary:
        running[0] += 1
        peak[0] = max(peak, running)[0]
        time.sleep(0.05)
        running[0] -= 1
        return Summary("ok")

    job = CampaignJob(nhatrang, runner=slow)
    threads = [threading.Thread(target=run_job, args=(job, kind)) for kind in (JobKind.SYNC, JobKind.DRAFT)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak == [1]


# Short real runs ----------------------------------------------------------------------------

def test_a_real_scheduler_runs_the_sync_at_once_and_survives_errors(nhatrang: Campaign, caplog: Any) -> None:
    runner = Runner([CredentialsError("No Google credentials."), RuntimeError("a bug")])
    scheduler = build_scheduler([CampaignJob(nhatrang, runner=runner)], scheduler=BackgroundScheduler())
    finished = threading.Event()  # set once APScheduler has released the job instance
    scheduler.add_listener(lambda event: finished.set(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        for _ in range(2):  # the credentials error, then the bug: the worker keeps going both times
            assert finished.wait(5)
            finished.clear()
            scheduler.get_job("nhatrang-2024:sync").modify(next_run_time=dt.datetime.now(VN))
        assert finished.wait(5)
    finally:
        scheduler.shutdown(wait=True)
    assert runner.calls == [("nhatrang-2024", JobKind.SYNC)] * 3
    assert any("raised" in r.getMessage() and "keeps going" in r.getMessage() for r in caplog.records)


def test_serve_once_runs_every_campaign_once(tmp_path: Path) -> None:
    runner = Runner()
    assert serve([campaign_file.DEFAULT_CAMPAIGN, TRAVINH], once=True, runner=runner) == 0
    assert runner.calls == [("nhatrang-2024", JobKind.DRAFT), ("travinh-2024", JobKind.DRAFT)]


def test_serve_once_returns_the_first_error_exit_code() -> None:
    runner = Runner([CredentialsError("No Google credentials.")])
    code = serve([campaign_file.DEFAULT_CAMPAIGN, TRAVINH], once=True, runner=runner)
    assert code == CredentialsError.exit_code
    assert len(runner.calls) == 2


def test_serve_stops_cleanly_on_sigterm() -> None:
    original = signal.getsignal(signal.SIGTERM)
    kept: list[bool] = []

    def runner(campaign: Campaign, kind: JobKind) -> Summary:
        kept.append(pipeline._Kept.matchers is not None)  # the worker's cycles share matchers
        threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGTERM)).start()
        return Summary("ok")

    started = time.monotonic()
    assert serve([campaign_file.DEFAULT_CAMPAIGN], runner=runner) == 0
    assert time.monotonic() - started < 5
    assert signal.getsignal(signal.SIGTERM) is original
    assert kept and all(kept) and pipeline._Kept.matchers is None  # and stop sharing when the worker stops
