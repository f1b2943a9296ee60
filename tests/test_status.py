"""status.json (CONTRACT §5): every string NFC, whatever form the outcome's strings arrived in."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata
from collections.abc import Iterator
from typing import Any

from aggregator.adapters import campaign_file
from aggregator.adapters.roster_file import read_roster
from aggregator.app.pipeline import compute
from aggregator.models import Problem, RawTab, Snapshot, SourceKind
from aggregator.outputs.status import status_document

CAMPAIGN = campaign_file.load()
ROSTER = read_roster(CAMPAIGN.resolve(CAMPAIGN.roster))
HEADER = tuple(c.header for c in CAMPAIGN.columns)
NFD = unicodedata.normalize("NFD", "Ủy ban nhân dân xã Hòa")


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def test_status_strings_are_nfc_even_when_the_outcomes_are_not() -> None:
    row = dict.fromkeys(HEADER)
    row.update({"Tên cơ quan, đơn vị": "Phòng Y tế thành phố Nha Trang", "Số người dân được tuyên truyền": "abc"})
    snapshot = Snapshot(SourceKind.XLSX, "x.xlsx", RawTab("Báo cáo", (HEADER, tuple(row.values()))), ("Báo cáo",))
    result = compute(CAMPAIGN, ROSTER, snapshot, dt.datetime(2024, 11, 12, tzinfo=CAMPAIGN.tz), None)
    units = tuple(dataclasses.replace(u, name=NFD, notes=(NFD,), problems=(Problem(2, NFD, NFD, NFD),))
                  for u in result.units)
    doc = status_document(dataclasses.replace(result, units=units, campaign_title=NFD), {})
    unit = doc["units"][0]
    assert unit["name"] == unit["notes"][0] == unit["problems"][0]["message"] == unicodedata.normalize("NFC", NFD)
    assert all(unicodedata.is_normalized("NFC", text) for text in _strings(doc))
    assert list(doc) == ["schema", "campaign", "generated_at", "figures_at", "source", "totals", "metrics",
                         "metric_stats", "missing_columns", "groups", "units", "unmatched_rows", "decisions",
                         "artifacts"]
