"""The office's decisions in a cycle: read, remembered, judged and applied to the matched table.

Decisions come from the decisions tab (read in the cycle's one batchGet) and from ``aggregator decide``
(kept in the history). The history remembers when each was first seen and, for a row that was edited or
deleted, where its content was last seen: the status line of a ``needs_review`` decision says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from aggregator.campaign import Campaign
from aggregator.cells.frame import BLANK, FIRST_SEEN, TYPED_NAME, UNIT_ID
from aggregator.decisions.apply import applied, confirm_values, learned_aliases, pin_rows, settle_names
from aggregator.decisions.choices import Choices
from aggregator.decisions.judge import Context, Whereabouts, judge
from aggregator.decisions.rows import rows_by_fingerprint
from aggregator.decisions.tab import TabLine, read_lines, sheet_decisions
from aggregator.decisions.unused import unused
from aggregator.models import Decision, DecisionKind, DecisionOrigin, DecisionOutcome, RosterUnit, Snapshot
from aggregator.ports import RowHistory
from aggregator.textnorm import fold


@dataclass(frozen=True)
class Settled:
    """What the cycle's decisions did, for the consolidation and the decisions tab."""

    outcomes: tuple[DecisionOutcome, ...]
    lines: tuple[TabLine, ...]  # the decisions tab's lines as read
    rows_of: dict[str, tuple[int, ...]]  # fingerprint → sheet rows


def tab_lines(snapshot: Snapshot) -> tuple[TabLine, ...]:
    return read_lines(snapshot.decisions.rows) if snapshot.decisions is not None else ()


def _gathered(snapshot: Snapshot, lines: tuple[TabLine, ...], roster: Sequence[RosterUnit], history: RowHistory | None,
              now: dt.datetime) -> list[Decision]:
    """The sheet's decisions (remembered with their first sighting) and those made with ``decide``."""
    tab = snapshot.tab.title
    found = list(sheet_decisions(lines, Choices.of(roster)))
    if history is None:
        return found
    if snapshot.decisions is not None:  # the tab was read: what it holds now is what the office decided
        found = history.sync_sheet_decisions(tab, found, now)
    return found + history.decisions(tab, DecisionOrigin.COMMAND)


def _name(table: pd.DataFrame, row: int) -> str | None:
    typed = table.at[row, TYPED_NAME] if row in table.index and not table.at[row, BLANK] else None
    return typed if isinstance(typed, str) and typed else None


def _shifted(history: RowHistory, tab: str, row: int, seen: dt.datetime,
             rows_of: Mapping[str, tuple[int, ...]]) -> int | None:
    """Where the row last seen at ``row`` stands now, told by its neighbours then (rows inserted or deleted
    above move them alike): the row the neighbours agree on."""
    then = history.seen_at(tab, (row - 1, row + 1), seen)
    guesses = set()
    for old, step in ((row - 1, 1), (row + 1, -1)):
        now = rows_of.get(then.get(old, ""), ())
        if now:
            guesses.add(min(now, key=lambda r: abs(r - old)) + step)
    return guesses.pop() if len(guesses) == 1 else None


def _edited(table: pd.DataFrame, row: int, seen: dt.datetime, name: str) -> bool:
    """Whether ``row`` holds content first seen after ``seen`` under the same name (folded)."""
    first = table.at[row, FIRST_SEEN] if row in table.index and FIRST_SEEN in table.columns else None
    typed = _name(table, row)
    return isinstance(first, pd.Timestamp) and first > seen and typed is not None and fold(typed) == fold(name)


def _whereabouts(table: pd.DataFrame, history: RowHistory | None, tab: str, gone: dict[str, str],
                 rows_of: Mapping[str, tuple[int, ...]]) -> dict[str, Whereabouts]:
    """Where the history last saw each gone content (``gone``: fingerprint → the name it was decided under),
    and the row its edited version stands in now when that row still bears the name."""
    if history is None or not gone:
        return {}
    out = {}
    for fp, (row, seen) in history.last_positions(tab, gone).items():
        places = (_shifted(history, tab, row, seen, rows_of), row)
        here = next((r for r in places if r is not None and _edited(table, r, seen, gone[fp])), None)
        out[fp] = Whereabouts(row, seen, _name(table, row), here)
    return out


def _unit_at(table: pd.DataFrame, row: int) -> str | None:
    unit = table.at[row, UNIT_ID] if row in table.index else None
    return unit if isinstance(unit, str) else None


def settle(campaign: Campaign, roster: Sequence[RosterUnit], snapshot: Snapshot, table: pd.DataFrame,
           history: RowHistory | None, now: dt.datetime) -> Settled:
    """Judge every decision against this cycle's rows and apply the applied ones to ``table``."""
    lines = tab_lines(snapshot)
    decisions = _gathered(snapshot, lines, roster, history, now)
    rows_of = rows_by_fingerprint(table)
    gone = {d.fingerprint: d.typed_name for d in decisions if d.fingerprint not in rows_of}
    context = Context(rows_of, {u.unit_id: u.name for u in roster}, {c.key: c for c in campaign.columns},
                      _whereabouts(table, history, snapshot.tab.title, gone, rows_of), campaign.tz,
                      snapshot.locale)
    outcomes = judge(decisions, context)
    aliases = learned_aliases(o.decision for o in applied(outcomes, DecisionKind.UNIT))
    settle_names(table, outcomes, aliases)
    outcomes = unused(outcomes, lambda row: _unit_at(table, row), context.units)  # pins, values that count for none
    confirm_values(table, outcomes)
    pin_rows(table, outcomes)
    return Settled(outcomes, lines, rows_of)
