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
    fingerprints, rows = live[FINGERPRINT].tolist(), live.index.tolist()  # sheet rows: ints, ascending
    # each content in one row, the common case: every (row,) made in C
    found = dict(zip(fingerprints, zip(rows, strict=True), strict=True))
    if len(found) == len(rows):
        return found
    shared: dict[str, list[int]] = {}  # identical rows: each content's rows, in sheet order
    for fingerprint, row in zip(fingerprints, rows, strict=True):
        shared.setdefault(fingerprint, []).append(row)
    return {fp: tuple(rows) for fp, rows in shared.items()}
