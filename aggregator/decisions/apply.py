"""Applied decisions → the cycle's table: matches, rows ignored, pinned rows, confirmed cells. Pure.

Works on the frame of cells/frame.py once names are matched (``MATCH``/``UNIT_ID``):

- a ``unit`` decision makes every row holding its content that unit's; a ``not_a_unit`` one marks them
  ``IGNORED`` (no unit, not unmatched, counted in ``rows_ignored``);
- learned aliases: a row still unmatched whose name, folded as the matcher folds names, is the name of a
  row settled for a unit, is that unit's too (two units for one folded name: neither);
- ``pin_row`` marks the rows ``PINNED``: they win for their unit (consolidation/resolve.py);
- ``value`` replaces the problem cell's value with the confirmed one, drops that problem and records
  (key, typed, value) in ``CONFIRMED``; the agency's cell stays as typed in the sheet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from aggregator.cells.frame import (
    BLANK,
    CONFIRMED,
    FINGERPRINT,
    IGNORED,
    MATCH,
    PINNED,
    PROBLEMS,
    TYPED_NAME,
    UNIT_ID,
    problems_at,
)
from aggregator.models import (
    Decision,
    DecisionKind,
    DecisionOutcome,
    DecisionState,
    MatchKind,
    MatchOutcome,
)
from aggregator.textnorm import fold

SETTLED = 1.0  # the score of a match the office made


def applied(outcomes: Iterable[DecisionOutcome], kind: DecisionKind) -> list[DecisionOutcome]:
    return [o for o in outcomes if o.state is DecisionState.APPLIED and o.decision.kind is kind]


def learned_aliases(decisions: Iterable[Decision]) -> dict[str, str]:
    """Folded typed name → unit, from ``unit`` decisions; a name settled for two units teaches nothing.

    >>> learned_aliases([Decision(DecisionKind.UNIT, "f1", "UBND P.VH", "PX-VINHHAI")])
    {'ubnd p vh': 'PX-VINHHAI'}
    """
    found: dict[str, set[str]] = {}
    for d in decisions:
        if d.kind is DecisionKind.UNIT and d.unit_id and (key := fold(d.typed_name)):
            found.setdefault(key, set()).add(d.unit_id)
    return {key: next(iter(units)) for key, units in found.items() if len(units) == 1}


def _rows_with(table: pd.DataFrame, fingerprints: Iterable[str]) -> pd.Series:
    return table[FINGERPRINT].isin(set(fingerprints)) & ~table[BLANK]


def settle_names(table: pd.DataFrame, outcomes: Sequence[DecisionOutcome], aliases: Mapping[str, str]) -> None:
    """Matches and ignored rows from the ``unit`` and ``not_a_unit`` decisions and the learned aliases."""
    table[IGNORED] = _rows_with(table, [o.decision.fingerprint for o in applied(outcomes, DecisionKind.NOT_A_UNIT)])
    decided = {o.decision.fingerprint: o.decision.unit_id for o in applied(outcomes, DecisionKind.UNIT)}
    settled = _rows_with(table, decided)
    if aliases:
        unmatched = ~settled & ~table[IGNORED] & ~table[BLANK] & table[UNIT_ID].isna()
        names = table.loc[unmatched, TYPED_NAME].map(lambda n: aliases.get(fold(n)) if isinstance(n, str) else None)
        learned = names.dropna()
        _set_units(table, learned.index, learned.tolist())
    rows = table.index[settled]
    _set_units(table, rows, [decided[fp] for fp in table.loc[rows, FINGERPRINT]])
    table.loc[table[IGNORED], UNIT_ID] = None


def _set_units(table: pd.DataFrame, rows: pd.Index, units: list[str | None]) -> None:
    if not len(rows):
        return
    table.loc[rows, MATCH] = pd.Series([MatchOutcome(MatchKind.MATCHED, u, SETTLED) for u in units],
                                       index=rows, dtype=object)
    table.loc[rows, UNIT_ID] = pd.Series(units, index=rows, dtype=object)


def pin_rows(table: pd.DataFrame, outcomes: Sequence[DecisionOutcome]) -> None:
    table[PINNED] = _rows_with(table, [o.decision.fingerprint for o in applied(outcomes, DecisionKind.PIN_ROW)])


def confirm_values(table: pd.DataFrame, outcomes: Sequence[DecisionOutcome]) -> None:
    """Confirmed values into the table; the problem they settle leaves the row's problems."""
    confirmed: dict[int, list[tuple[str, str, object]]] = {}
    for outcome in applied(outcomes, DecisionKind.VALUE):
        key = outcome.decision.column or ""
        if key not in table.columns:
            continue
        for row in table.index[_rows_with(table, [outcome.decision.fingerprint])]:
            problems = problems_at(table, row)
            typed = next((str(p[1]) for p in problems if p[0] == key), "")
            # pandas-stubs type a cell as a scalar; this object column holds a tuple per row
            table.at[row, PROBLEMS] = tuple(p for p in problems if p[0] != key)  # type: ignore[assignment]
            table.at[row, key] = outcome.value
            confirmed.setdefault(int(row), []).append((key, typed, outcome.value))
    rows = table.index.tolist()  # sheet rows: ints
    # most cycles confirm nothing: every row then shares the one empty tuple
    cells = [tuple(confirmed[r]) if r in confirmed else () for r in rows] if confirmed else [()] * len(rows)
    table[CONFIRMED] = pd.Series(cells, index=table.index, dtype=object)
