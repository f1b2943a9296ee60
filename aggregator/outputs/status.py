"""Consolidation → the status.json document of CONTRACT §5. Pure."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from unicodedata import normalize

from aggregator.consolidation.metrics import children_coverage
from aggregator.consolidation.previous import same_campaign, unit_figures
from aggregator.models import (
    Candidate,
    Consolidation,
    DecisionKind,
    DecisionOutcome,
    MetricStats,
    Problem,
    UnitOutcome,
    UnmatchedRow,
)

SCHEMA_VERSION = 1


@functools.lru_cache(maxsize=4096)  # many units share a submission day
def _iso(moment: dt.datetime | None, tz: dt.tzinfo | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(tz).isoformat(timespec="seconds")


_LEAVES = (int, float, bool, type(None))  # nothing to normalise: no call per number


def _nfc(value: Any) -> Any:
    """NFC every string in a JSON-like structure (CONTRACT §5: UTF-8, NFC strings)."""
    if isinstance(value, str):
        return normalize("NFC", value)
    if isinstance(value, dict):
        return {(normalize("NFC", k) if isinstance(k, str) else k):
                (normalize("NFC", v) if isinstance(v, str) else v if isinstance(v, _LEAVES) else _nfc(v))
                for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [normalize("NFC", v) if isinstance(v, str) else v if isinstance(v, _LEAVES) else _nfc(v)
                for v in value]
    return value


def _problem(p: Problem) -> dict[str, Any]:
    return {"row": p.row, "column": p.column, "value": p.value, "message": p.message}


def _nfc_problem(p: Problem) -> dict[str, Any]:
    return {"row": p.row, "column": normalize("NFC", p.column), "value": normalize("NFC", p.value),
            "message": normalize("NFC", p.message)}


def _stats(stats: dict[str, MetricStats]) -> dict[str, Any]:
    return {key: {"n": s.n, "min": s.min, "max": s.max} for key, s in stats.items()}


def _candidate(c: Candidate) -> dict[str, Any]:
    return {"unit_id": c.unit_id, "score": round(c.score, 2)}


def _unit(u: UnitOutcome, tz: dt.tzinfo | None) -> dict[str, Any]:
    """One unit, its strings already NFC: built once rather than built and then walked again (20,000 units); a
    roll-up's child also says how many of its own units its figures stand for."""
    unit = {
        "unit_id": normalize("NFC", u.unit_id),
        "name": normalize("NFC", u.name),
        "group": normalize("NFC", u.group),
        "status": u.status.value,
        "row": u.row,
        "superseded_rows": list(u.superseded_rows),
        "submitted_at": _iso(u.submitted_at, tz),
        "metrics": {normalize("NFC", key): value for key, value in u.metrics.items()},  # values are numbers
        "problems": [_nfc_problem(p) for p in u.problems],
        "notes": [normalize("NFC", note) for note in u.notes],
        "confirmed": [{"row": c.row, "column": normalize("NFC", c.column), "typed": normalize("NFC", c.typed),
                       "value": c.value} for c in u.confirmed],
    }
    if u.coverage is not None:
        unit["coverage"] = {"reported": u.coverage[0], "expected": u.coverage[1]}
    return unit


def _unmatched(r: UnmatchedRow) -> dict[str, Any]:
    return {
        "row": r.row,
        "typed_name": r.typed_name,
        "reason": r.kind.value,
        "candidates": [_candidate(c) for c in r.candidates],
        "problems": [_problem(p) for p in r.problems],
    }


def _decision(o: DecisionOutcome, unit_of_row: dict[int, str], tz: dt.tzinfo | None) -> dict[str, Any]:
    """CONTRACT §5 ``decisions[]``, plus the item it answers, where it came from, all its rows and the
    status line staff read on the decisions tab."""
    d = o.decision
    unit = d.unit_id if d.kind is DecisionKind.UNIT else None
    if d.kind is DecisionKind.PIN_ROW and o.rows:  # the unit the pinned row counts for
        unit = unit_of_row.get(o.rows[0], d.unit_id)
    return {
        "row": o.rows[0] if o.rows else o.where,  # gone: where its edited version is, None when unknown
        "typed_name": d.typed_name,
        "kind": d.kind.value,
        "unit_id": unit,
        "column": o.header or None,
        "value": o.value if d.kind is DecisionKind.VALUE else None,  # the confirmed value, read; never junk
        "typed_value": d.value,  # the answer as typed when it is text (a value, a choice naming no unit)
        "first_seen": _iso(d.first_seen, tz),
        "state": o.state.value,
        "item": o.item,
        "source": d.origin.value,
        "rows": list(o.rows),
        "note": o.note,
    }


FIGURES = ("metrics", "metric_stats", "totals", "groups")  # what a higher level consolidates


def _figures_at(doc: dict[str, Any], previous: Any) -> str:
    """When these figures were first produced: the previous cycle's moment when they are the same (a worker
    re-running after the deadline has not reported late), else now. A roll-up judges lateness by it."""
    if same_campaign(previous, doc["campaign"]["id"]) and all(previous.get(part) == doc[part] for part in FIGURES):
        earlier = previous.get("figures_at") or previous.get("generated_at")
        if isinstance(earlier, str):
            return earlier
    return str(doc["generated_at"])


def status_document(result: Consolidation, artifacts: dict[str, str], previous: Any = None) -> dict[str, Any]:
    """Build the status.json mapping; ``artifacts`` names the files written this cycle, ``previous`` is the
    last status.json or its digest, as read back (for ``figures_at``)."""
    tz = result.deadline.tzinfo
    t = result.totals
    unit_of_row = {row: u.unit_id for u in result.units if u.row is not None for row in (u.row, *u.superseded_rows)}
    doc = {
        "schema": SCHEMA_VERSION,
        "campaign": {"id": result.campaign_id, "title": result.campaign_title, "deadline": _iso(result.deadline, tz)},
        "generated_at": _iso(result.generated_at, tz),
        "figures_at": "",  # below: needs the figures
        "source": {
            "kind": result.source.kind.value,
            "ref": result.source.ref,
            "tab": result.source.tab,
            "rows_read": result.source.rows_read,
        },
        "totals": {
            "units_expected": t.units_expected,
            "units_reported": t.units_reported,
            "units_late": t.units_late,
            "units_missing": t.units_missing,
            "units_with_problems": t.units_with_problems,
            "rows_unmatched": t.rows_unmatched,
            "rows_superseded": t.rows_superseded,
            "rows_blank": t.rows_blank,
            "rows_ignored": t.rows_ignored,
            "rows_name_only": t.rows_name_only,
            "rows_total": t.rows_total,
        },
        "metrics": dict(result.metrics),
        "metric_stats": _stats(result.metric_stats),
        "missing_columns": [{"header": h, "closest": near} for h, near in result.missing_columns.items()],
        "groups": [
            {"group": g.group, "label": g.label, "expected": g.expected, "reported": g.reported,
             "late": g.late, "missing": g.missing, "metrics": dict(g.metrics), "metric_stats": _stats(g.metric_stats)}
            for g in result.groups
        ],
        "units": [],
        "unmatched_rows": [_unmatched(r) for r in result.unmatched_rows],
        "decisions": [_decision(o, unit_of_row, tz) for o in result.decisions],
        "artifacts": dict(artifacts),
    }
    doc = _nfc(_with_coverage(doc, result))
    doc["figures_at"] = _figures_at(doc, previous)
    return {**doc, "units": [_unit(u, tz) for u in result.units]}


def _with_coverage(doc: dict[str, Any], result: Consolidation) -> dict[str, Any]:
    """A roll-up's ``doc`` with how many of their own units its children stand for, right after the totals
    (not among them: ``figures_at`` compares the totals); any other ``doc`` as it is."""
    below = children_coverage(result.units)
    if below is None:
        return doc
    coverage = {"reported": below.reported, "expected": below.expected, "children": below.children}
    keys = list(doc)
    at = keys.index("totals") + 1
    return {key: doc[key] if key != "coverage" else coverage for key in [*keys[:at], "coverage", *keys[at:]]}


DIGEST_PARTS = ("schema", "campaign", "generated_at", "figures_at", *FIGURES)


def digest(doc: dict[str, Any]) -> dict[str, Any]:
    """What the next cycle reads of this status.json ``doc`` (``changes.diff``, ``figures_at``), a tenth of its
    size: its figures and its units' (consolidation/previous.py); made from the document itself, so it says
    what the document says."""
    return {**{part: doc[part] for part in DIGEST_PARTS}, "unit_figures": unit_figures(doc["units"])}
