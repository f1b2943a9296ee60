"""Where each row content stands in this cycle's table. Pure."""

from __future__ import annotations

import pandas as pd

from aggregator.cells.frame import BLANK, FINGERPRINT


def rows_by_fingerprint(table: pd.DataFrame) -> dict[str, tuple[int, ...]]:
    """Fingerprint → the sheet rows holding that content (identical duplicates share one), ascending.

    >>> t = pd.DataFrame({FINGERPRINT: ["a", "b", "a"], BLANK: [False, False, False]}, index=[2, 3, 4])
    >>> rows_by_fingerprint(t)
    {'a': (2, 4), 'b': (3,)}
    """
    live = table[~table[BLANK]]
    found: dict[str, list[int]] = {}
    for fingerprint, row in zip(live[FINGERPRINT].tolist(), live.index.tolist(), strict=True):
        found.setdefault(fingerprint, []).append(int(row))
    return {fp: tuple(rows) for fp, rows in found.items()}
