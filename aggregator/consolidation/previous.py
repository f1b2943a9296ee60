"""The previous cycle's units as the next cycle compares them: from status.json, or from its digest. Pure.

A cycle says what changed since the one before (changes.py) from that cycle's status.json. Read back
whole, a 20,000-unit status.json costs a tenth of a second, nearly all of it spent making the objects of
notes, rows and problems that no comparison looks at; so each cycle also keeps a digest of what it wrote
(outputs/status.py: ``digest``): each unit as [status, *metric values] under the metric keys named once,
and the values typed in its problem cells. A status.json without a digest is read the same way.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from aggregator.models import UnitOutcome


def same_campaign(previous: Any, campaign_id: str) -> bool:
    """Whether ``previous`` (a status.json document or its digest, as read back) is the campaign's."""
    campaign = previous.get("campaign") if isinstance(previous, dict) else None
    return isinstance(campaign, dict) and campaign.get("id") == campaign_id


class Before(NamedTuple):
    """One unit as the previous cycle left it: its status, figures and the values typed in its problem cells."""

    status: Any
    metrics: dict[str, Any]
    typed: dict[Any, Any]  # column header → the value typed there, when the cell was a problem


def unit_figures(units: Any) -> dict[str, Any]:
    """status.json's ``units`` (as written, or as read back: anything not shaped so is left out) as the digest
    keeps them: ``metrics`` (the keys, once), ``units`` (id → [status, *values], or [status, {key: value}] for
    a unit whose keys differ) and ``typed`` (id → {column header: value typed}, units with problems only)."""
    listed = [u for u in units if isinstance(u, dict)] if isinstance(units, list) else []
    first = listed[0].get("metrics") if listed else None
    keys = list(first) if isinstance(first, dict) else []
    entries: dict[Any, list[Any]] = {}
    typed: dict[Any, dict[Any, Any]] = {}
    for unit in listed:
        metrics, problems, unit_id = unit.get("metrics"), unit.get("problems"), unit.get("unit_id")
        metrics = metrics if isinstance(metrics, dict) else {}
        entries[unit_id] = [unit.get("status"), *metrics.values()] if list(metrics) == keys \
            else [unit.get("status"), metrics]
        if isinstance(problems, list) and problems:
            typed[unit_id] = {p.get("column"): p.get("value") for p in problems if isinstance(p, dict)}
    return {"metrics": keys, "units": entries, "typed": typed}


class PreviousUnits:
    """The units of the previous cycle's status.json, or of its digest (``unit_figures``)."""

    def __init__(self, previous: dict[str, Any]) -> None:
        figures = previous.get("unit_figures")
        if not isinstance(figures, dict):
            figures = unit_figures(previous.get("units"))
        keys, entries, typed = figures.get("metrics"), figures.get("units"), figures.get("typed")
        self.keys = tuple(keys) if isinstance(keys, list) else ()
        self.entries: dict[Any, Any] = entries if isinstance(entries, dict) else {}
        self.typed: dict[Any, Any] = typed if isinstance(typed, dict) else {}

    def unchanged(self, unit: UnitOutcome) -> bool:
        """Whether ``unit`` has the status and figures it had (most units, most cycles: nothing to say)."""
        entry = self.entries.get(unit.unit_id)  # a status is a StrEnum: equal to the text it was written as
        return entry == [unit.status, *unit.metrics.values()] and tuple(unit.metrics) == self.keys

    def get(self, unit_id: str) -> Before | None:
        entry = self.entries.get(unit_id)
        if not isinstance(entry, list) or not entry:
            return None
        status, values = entry[0], entry[1:]
        if len(values) == 1 and isinstance(values[0], dict):
            metrics = values[0]
        else:
            metrics = dict(zip(self.keys, values, strict=False)) if len(values) == len(self.keys) else {}
        typed = self.typed.get(unit_id)
        return Before(status, metrics, typed if isinstance(typed, dict) else {})
