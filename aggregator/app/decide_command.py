"""``aggregator decide``: settle a row offline (an .xlsx source, or a Google sheet), stored in the history.

The source is read once to identify the row's content (its fingerprint, cells/fingerprint.py): the decision
belongs to that content, as one made in the decisions tab does, so the next ``run`` applies it however
the rows move, and turns it to ``needs_review`` if the row is edited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from aggregator.adapters.clock import SystemClock
from aggregator.adapters.history import History
from aggregator.adapters.roster_file import campaign_roster
from aggregator.campaign import Campaign, ColumnSettings
from aggregator.cells.frame import BLANK, FINGERPRINT, NAME_ONLY, TYPED_NAME
from aggregator.decisions.items import decision_item
from aggregator.decisions.judge import read_value
from aggregator.decisions.tab import DecisionFields
from aggregator.errors import ConfigError, did_you_mean
from aggregator.models import NUMERIC_TYPES, Decision, DecisionKind, DecisionOrigin, RosterUnit, Snapshot
from aggregator.sheet.headers import fold_header

ACTIONS = ("--unit", "--not-a-unit", "--use-this-row", "--column/--value")


@dataclass(frozen=True)
class DecideOptions:
    row: int | None = None
    unit: str | None = None
    not_a_unit: bool = False
    use_this_row: bool = False
    column: str | None = None
    value: str | None = None
    listing: bool = False
    withdraw: str | None = None
    source: str | None = None
    roster: Path | None = None
    out: Path | None = None
    now: dt.datetime | None = None


def _history(campaign: Campaign, out: Path | None) -> History:
    from aggregator.app.wiring import default_out_dir, history_path

    return History(history_path(campaign, out or default_out_dir(campaign)))


def _read(campaign: Campaign, options: DecideOptions) -> tuple[Snapshot, tuple[RosterUnit, ...]]:
    from aggregator.app.wiring import default_out_dir, open_ports

    source, _ = open_ports(campaign, options.out or default_out_dir(campaign), options.source, read_only=True)
    snapshot = source.read()
    return snapshot, campaign_roster(campaign, options.roster, snapshot)


def _column(campaign: Campaign, wanted: str) -> ColumnSettings:
    """The number column named by its header (ignoring case, accents, spacing), an alias or its key."""
    key = fold_header(wanted)
    for column in campaign.columns:
        if key in {fold_header(column.header), *map(fold_header, column.aliases), fold_header(column.key)}:
            if column.type not in NUMERIC_TYPES:
                raise ConfigError("--column", [f"{column.header!r} is a {column.type.value} column"],
                                  "Only the values of number columns (count, money, decimal, percent) are confirmed.")
            return column
    headers = [c.header for c in campaign.metric_columns]
    raise ConfigError("--column", [f"no number column is named {wanted!r}"],
                      f"{did_you_mean(wanted, headers).strip()} Give one of: {'; '.join(headers)}.".strip())


def _decision(campaign: Campaign, options: DecideOptions, roster: tuple[RosterUnit, ...], fingerprint: str,
              typed: str) -> Decision:
    common: DecisionFields = {"fingerprint": fingerprint, "typed_name": typed, "made_row": options.row,
                              "origin": DecisionOrigin.COMMAND}
    if options.unit is not None:
        ids = [u.unit_id for u in roster]
        if options.unit not in ids:
            raise ConfigError("--unit", [f"{options.unit!r} is no unit_id of the roster"],
                              f"{did_you_mean(options.unit, ids).strip()} Give the unit_id exactly as in the roster "
                              "(its first column).".strip())
        return Decision(DecisionKind.UNIT, unit_id=options.unit, **common)
    if options.not_a_unit:
        return Decision(DecisionKind.NOT_A_UNIT, **common)
    if options.use_this_row:
        return Decision(DecisionKind.PIN_ROW, **common)
    column = _column(campaign, options.column or "")
    _, problem = read_value(column, options.value)
    if problem:
        raise ConfigError("--value", [f"{options.value!r} cannot be read as a {column.type.value}: "
                                      f"{problem.rstrip('.')}"])
    return Decision(DecisionKind.VALUE, column=column.key, value=options.value, **common)


def _check_action(options: DecideOptions) -> None:
    chosen = [options.unit is not None, options.not_a_unit, options.use_this_row,
              options.column is not None or options.value is not None]
    given = [action for action, on in zip(ACTIONS, chosen, strict=True) if on]
    if options.row is None or len(given) != 1:
        # named as command-line options (ConfigError reads a "--" path as one), never as a campaign setting
        named = "--row" if options.row is None or not given else " and ".join(given)
        raise ConfigError(named, ["`aggregator decide` takes --row N and exactly one of " + ", ".join(ACTIONS) +
                                  " (or --list, or --withdraw ITEM)"], "See `aggregator decide --help`.")
    if (options.column is None) != (options.value is None):
        raise ConfigError("--column", ["--column and --value go together"], "Give both.")


def _no_agency_row(row: int, tab: str, rows: list[int], name_only: bool = False) -> ConfigError:
    """--row names the header, a blank row or a row past the end: a wrong option (exit 2), not a source error."""
    if not rows:
        where = "the tab has no agency rows"
    elif name_only:
        where = "it holds a name and nothing else, so it is no report yet: there is nothing to decide about it"
    else:
        what = "past the last row" if row > rows[-1] else "above the first (the header)" if row < rows[0] else "blank"
        where = f"it is {what}; the agencies' rows are {rows[0]} to {rows[-1]}"
    return ConfigError("--row", [f"row {row} of tab {tab!r} holds no agency row ({where})"],
                       "Give the row number as the spreadsheet shows it, e.g. --row 65.")


def record(campaign: Campaign, options: DecideOptions) -> tuple[Decision, str]:
    """Identify the row's content, store the decision; return it and its item id."""
    from aggregator.app.pipeline import read_rows

    _check_action(options)
    now = options.now or SystemClock(campaign.tz).now()
    snapshot, roster = _read(campaign, options)
    table = read_rows(campaign, snapshot, now)[0].table
    row = options.row or 0
    if row not in table.index or bool(table.at[row, BLANK]):
        name_only = row in table.index and bool(table.at[row, NAME_ONLY])
        raise _no_agency_row(row, snapshot.tab.title, [int(r) for r in table.index], name_only)
    typed = table.at[row, TYPED_NAME]
    decision = _decision(campaign, options, roster, str(table.at[row, FINGERPRINT]),
                         typed if isinstance(typed, str) else "")
    stored = _history(campaign, options.out).record_decision(snapshot.tab.title, decision, now)
    return stored, decision_item(stored)


def withdraw(campaign: Campaign, options: DecideOptions) -> list[Decision]:
    history = _history(campaign, options.out)
    now = options.now or SystemClock(campaign.tz).now()
    gone = history.withdraw_decision(None, options.withdraw or "", now)
    if gone:
        return gone
    in_sheet = [d for d in history.decisions(origin=DecisionOrigin.SHEET) if decision_item(d) == options.withdraw]
    if in_sheet:
        raise ConfigError("--withdraw", [f"{options.withdraw} was decided in the decisions tab "
                                         f"{campaign.decisions.tab!r}, not with `aggregator decide`"],
                          "Clear its cell in the column “Quyết định” of that tab.")
    raise ConfigError("--withdraw", [f"no decision made with `aggregator decide` has the item {options.withdraw!r}"],
                      "List them with `aggregator decide --list`.")


def describe(decision: Decision, units: dict[str, str], rows: Sequence[int] | None = None) -> str:
    """One line: what was decided about which row. ``rows``: where that content stands now (the listing
    reads the source: rows move), empty when it is gone; None: the row it was decided for."""
    row = _where(decision, rows)
    if decision.kind is DecisionKind.UNIT:
        name = units.get(decision.unit_id or "")
        return f"{row} → {decision.unit_id}" + (f" ({name})" if name else "")
    if decision.kind is DecisionKind.NOT_A_UNIT:
        return f"{row} → not a unit of the roster (ignored, counted in rows_ignored)"
    if decision.kind is DecisionKind.PIN_ROW:
        return f"{row} → use this row for its unit"
    return f"{row}, column {decision.column} → {decision.value} (confirmed by the office)"


def _where(decision: Decision, rows: Sequence[int] | None) -> str:
    typed = f"“{decision.typed_name}”"
    if rows:
        return f"{'rows' if len(rows) > 1 else 'row'} {', '.join(map(str, rows))} ({typed})"
    made = f"row {decision.made_row} " if decision.made_row else ""
    if rows is None:
        return f"{made}({typed})" if made else typed
    return f"{typed} (no longer in the sheet{f'; it was {made.strip()} when decided' if made else ''})"


def listing(campaign: Campaign, options: DecideOptions, console: Console) -> int:
    """Every decision with its state against the source as it is now (the source is read once)."""
    from aggregator.app.pipeline import compute

    now = options.now or SystemClock(campaign.tz).now()
    snapshot, roster = _read(campaign, options)
    result = compute(campaign, roster, snapshot, now, _history(campaign, options.out))
    console.print(f"Decisions for {campaign.id} (tab {snapshot.tab.title!r}):")
    units = {u.unit_id: u.name for u in roster}
    for o in result.decisions:  # plain lines: an item id is copied whole into --withdraw
        seen = f"{o.decision.first_seen.astimezone(campaign.tz):%Y-%m-%d %H:%M}" if o.decision.first_seen else "—"
        made = "in the decisions tab" if o.decision.origin is DecisionOrigin.SHEET else "with `aggregator decide`"
        console.print(f"{o.item}  {o.state.value}  (made {made}, first seen {seen})")
        console.print(f"    {describe(o.decision, units, o.rows)}")
        console.print(f"    {o.note}")
    console.print(f"{len(result.decisions)} decision(s).")
    return len(result.decisions)
