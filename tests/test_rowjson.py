"""The fast row encoder writes exactly what json.dumps writes: fingerprints in the history depend on it."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator import rowjson
from aggregator.cells.fingerprint import fingerprints

CELLS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                  st.text(), st.dates(), st.datetimes())


def _as_json(row: list[object], default) -> str:  # type: ignore[no-untyped-def]
    return json.dumps(row, ensure_ascii=False, default=default)


@given(st.lists(CELLS, max_size=20))
def test_rowjson_writes_what_json_dumps_writes(row: list[object]) -> None:
    assert rowjson.row_encoder(str)(row) == _as_json(row, str)
    assert rowjson.row_encoder(str)(tuple(row)) == _as_json(row, str)


def test_rowjson_without_the_c_accelerator_writes_the_same(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    row = ["Ủy ban nhân dân xã Long Hòa", 1, 1.0, True, None, math.inf, dt.date(2024, 11, 8), "a\"b\\c\n"]
    fast = rowjson.row_encoder(str)(row)
    monkeypatch.setattr(rowjson._json_encoder, "c_make_encoder", None)
    assert rowjson.row_encoder(str)(row) == fast == _as_json(row, str)


def test_rowjson_fingerprints_stay_the_hashes_the_history_holds() -> None:
    """A fingerprint is the first 20 hex digits of the SHA-1 of the row's JSON (values from the earlier encoder)."""
    import pandas as pd

    cells = pd.DataFrame({"name": ["UBND xã Long Hòa", None], "n": [12, "khoảng 200"],
                          "at": [dt.datetime(2024, 11, 8, 7, 30), ""]})
    assert fingerprints(cells) == ["ebf6fcf3ec8211740f58", "40ba7fe5c684e4fda874"]


def test_compact_documents_are_the_standard_encoders_values() -> None:
    document = {"unit_id": "XA-Hòa", "metrics": {"x": 1.5, "y": None}, "rows": [3, 7], "at": "2024-11-08",
                "big": 2**70, "text": "“a”\n\\\u2028"}
    assert json.loads(rowjson.compact(document)) == document
    assert b": " not in rowjson.compact({"a": 1, "b": [1, 2]})


@pytest.mark.parametrize("why", ["an integer beyond 64 bits", "a lone surrogate"])
def test_compact_writes_no_nan_when_the_standard_encoder_takes_over(why: str) -> None:
    """orjson writes NaN and infinities as null; the standard encoder, used for what orjson refuses, would write
    ``NaN`` and ``Infinity``, which no JSON reader accepts (a strict one refuses the whole status.json)."""
    refused = 2**70 if why.startswith("an integer") else "\ud800"
    document = {"mean": float("nan"), "stats": [float("inf"), {"low": float("-inf"), "n": 2}], "odd": refused}
    written = rowjson.compact(document)
    assert json.loads(written, parse_constant=lambda name: pytest.fail(f"{name} written")) == {
        "mean": None, "stats": [None, {"low": None, "n": 2}], "odd": refused}
    assert json.loads(rowjson.compact({k: v for k, v in document.items() if k != "odd"})) == {
        "mean": None, "stats": [None, {"low": None, "n": 2}]}  # as orjson writes them
