"""A row's fingerprint: the first 20 hex digits of the SHA-1 of its cells as typed, as one JSON list. Pure.

The history (adapters/history.py) knows a row version by its fingerprint, so the text hashed must never
change: ``json.dumps(row, ensure_ascii=False)`` with dates as ISO text and anything else JSON cannot hold as
``str``, in the order of the columns read.

A sheet repeats its cells (names, dates, "Không", the same few numbers), so a column's distinct cells are
written once each while the column is read (``TypedCells``, made by cells/column.py) and a row's text is put
together from its columns' pieces. The pieces also spare the cycle's memory: the fingerprints are made by a
copy of the process beside name matching (app/pipeline.py), and a copy that walked the 1.5 million cells of
100,000 rows would write to every page holding one (a cell's reference count changes as it is read), each
page then copied for it alone (125 MiB); the pieces are a few thousand texts per column.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
import numpy.typing as npt
import pandas as pd

from aggregator.rowjson import row_encoder

_CHUNK = 8192  # rows put together at a time: the copy's lists of pieces stay small


def _jsonable(value: object) -> object:
    """What the fingerprint's JSON encoder does with a cell that is not a JSON value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# its output is what the fingerprints the history already holds were hashed from: it must never change
_ENCODE_ROW = row_encoder(_jsonable)


def piece(cell: object) -> str:
    """One cell as it stands in its row's JSON ("null", "12", "\\"Xã Hòa\\"")."""
    return "null" if cell is None else _ENCODE_ROW((cell,))[1:-1]


def _digest(text: str) -> str:
    # "surrogatepass": the same bytes for any text, and a lone surrogate (Google's JSON may hold "\ud800") is hashed
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]


@dataclass(frozen=True)
class TypedCells:
    """One column's cells as typed, for fingerprints: row i's cell is ``pieces[codes[i]]`` (its JSON)."""

    codes: npt.NDArray[np.int32]
    pieces: tuple[str, ...]


def fingerprints(cells: pd.DataFrame) -> list[str]:
    """A stable hash of each row's content (its cells in column order), for the "first seen" history."""
    encode = _ENCODE_ROW
    columns = [cells[key].tolist() for key in cells.columns]
    rows = zip(*columns, strict=True) if columns else (() for _ in range(len(cells)))
    return [_digest(encode(row)) for row in rows]  # a tuple: a JSON list


def fingerprints_of(columns: Sequence[TypedCells], rows: int) -> list[str]:
    """``fingerprints`` of the rows whose columns, in order, are ``columns`` (``rows`` of them), from the pieces."""
    if not columns:
        return [_digest("[]")] * rows
    pieces = [np.array(column.pieces, dtype=object) for column in columns]
    found: list[str] = []
    for start in range(0, rows, _CHUNK):
        stop = start + _CHUNK
        parts = [each[column.codes[start:stop]].tolist() for each, column in zip(pieces, columns, strict=True)]
        found += [_digest(f"[{', '.join(row)}]") for row in zip(*parts, strict=True)]
    return found
