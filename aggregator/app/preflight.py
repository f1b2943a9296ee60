"""``aggregator check``: every check of a cycle, nothing written.

Each step reports (name, error or None); a step whose inputs failed is skipped. The errors are the
ones ``run`` would raise, so ``check`` exits with the same code as ``run`` would.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from aggregator.adapters import campaign_file
from aggregator.errors import AggregatorError, ConfigError
from aggregator.outputs.warnings import sheet_warnings

Check = tuple[str, AggregatorError | None]
WARNING = "warning: "  # a check whose name starts so reports something to fix that does not stop `run`
T = TypeVar("T")


def _step(results: list[Check], name: str, action: Callable[[], T]) -> T | None:
    try:
        value = action()
    except AggregatorError as exc:
        results.append((name, exc))
        return None
    results.append((name, None))
    return value


def run_checks(config: Path | None, *, source_override: str | None = None,
               roster_override: Path | None = None) -> list[Check]:
    """Validate campaign file, roster, source reachability + header row, and the report template."""
    from aggregator.adapters.roster_file import campaign_roster
    from aggregator.app.pipeline import compute
    from aggregator.app.wiring import check_report, default_out_dir, open_ports

    results: list[Check] = []
    campaign = _step(results, f"campaign file {config or campaign_file.default_campaign()}",
                     lambda: campaign_file.load(config))
    if campaign is None:
        return results
    in_sheet = roster_override is None and campaign.roster_tab is not None
    roster = None
    if not in_sheet:
        roster = _step(results, f"roster {roster_override or campaign.roster_path}",
                       lambda: campaign_roster(campaign, roster_override))
    ports = _step(results, "source settings", lambda: open_ports(campaign, default_out_dir(campaign), source_override,
                                                          read_only=True))
    reach = f"source reachable, tab {campaign.source.tab!r}"
    snapshot = _step(results, reach, lambda: ports[0].read()) if ports else None
    if in_sheet and snapshot is not None:  # the roster tab is read in the same request as the agency rows
        roster = _step(results, f"roster tab {campaign.roster_tab!r}",
                       lambda: campaign_roster(campaign, None, snapshot))
    if snapshot is None or roster is None:
        return results
    now = dt.datetime.now(campaign.tz)
    result = _step(results, "header row has every required column",
                   lambda: compute(campaign, roster, snapshot, now, None))
    if result is not None:
        results += [(WARNING + warning.en, None) for warning in sheet_warnings(result)]
        _step(results, f"report template {campaign.resolve(campaign.report.template)}",
              lambda: check_report(campaign, result))
    smtp = campaign.notify.smtp
    if smtp is not None and smtp.password_env:
        present = bool(os.environ.get(smtp.password_env))
        missing = ConfigError(smtp.password_env, ["it is not set"],
                              "Set it to the mailbox password before `remind --send` or the worker sends e-mail.")
        results.append((f"SMTP password in ${smtp.password_env}", None if present else missing))
    return results
