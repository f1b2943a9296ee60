"""`aggregator run` on the bundled demos, checked against expectations derived independently.

The expectations come from each workbook's answer key (`config/samples/*.truth.json`, written
by the generator from its own intent, not by this project's pipeline) and the CONTRACT §5 rules,
recomputed here in plain Python.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from aggregator.adapters import campaign_file
from aggregator.adapters.roster_file import read_roster
from tests.conftest import REPO

NOW = "2024-11-21T08:00:00+07:00"
CAMPAIGNS = ["nhatrang-2024", "travinh-2024"]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "aggregator", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def _moment(text: str, tz: dt.tzinfo) -> tuple[dt.datetime, bool]:
    moment = dt.datetime.fromisoformat(text)
    return moment.replace(tzinfo=tz), len(text) == 10


def _late(submitted: str | None, deadline: dt.datetime) -> bool:
    if submitted is None:
        return False
    moment, date_only = _moment(submitted, deadline.tzinfo)
    return moment.date() > deadline.date() if date_only else moment > deadline


def _winners(truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Latest submission per unit: by date when all of the unit's rows have one, else by row order."""
    by_unit: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in truth["rows"]:
        if row["unit_id"]:
            by_unit[row["unit_id"]].append(row)
    winners = {}
    for unit, rows in by_unit.items():
        if all(r["submitted"] for r in rows):
            rows = sorted(rows, key=lambda r: (dt.datetime.fromisoformat(r["submitted"]), r["row"]))
        else:
            rows = sorted(rows, key=lambda r: r["row"])
        winners[unit] = {**rows[-1], "superseded": sorted(r["row"] for r in rows[:-1])}
    return winners


def _expected(name: str) -> dict[str, Any]:
    campaign = campaign_file.load(campaign_file.BUNDLED_CONFIG_DIR / f"{name}.yaml")
    truth = json.loads((REPO / "config" / "samples" / f"{name}.truth.json").read_text(encoding="utf-8"))
    winners = _winners(truth)
    keys = [c.key for c in campaign.metric_columns]
    late = {u for u, w in winners.items() if _late(w["submitted"], campaign.deadline)}
    return {
        "campaign": campaign,
        "roster": read_roster(campaign.resolve(campaign.roster)),
        "winners": winners,
        "late": late,
        "metrics": {k: sum(w["values"].get(k) or 0 for w in winners.values()) for k in keys},
        "blank": sum(1 for r in truth["rows"] if r["kind"] == "blank"),
        "unmatched": sum(1 for r in truth["rows"] if r["unit_id"] is None and r["kind"] != "blank"),
        "superseded": sum(len(w["superseded"]) for w in winners.values()),
        "with_problems": sum(1 for w in winners.values() if w["problems"]),
    }


@pytest.fixture(scope="module", params=CAMPAIGNS)
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    name = request.param
    out = tmp_path_factory.mktemp(name)
    config = campaign_file.BUNDLED_CONFIG_DIR / f"{name}.yaml"
    done = _run("run", "--config", str(config), "--out", str(out), "--now", NOW, cwd=out)
    assert done.returncode == 0, done.stderr
    status = json.loads((out / "status.json").read_text(encoding="utf-8"))
    return {"name": name, "out": out, "status": status, "stdout": done.stdout, **_expected(name)}


def test_run_totals_match_the_answer_key(demo: dict[str, Any]) -> None:
    totals = demo["status"]["totals"]
    assert totals["units_expected"] == len(demo["roster"])
    assert totals["units_reported"] == len(demo["winners"])
    assert totals["units_late"] == len(demo["late"])
    assert totals["units_missing"] == len(demo["roster"]) - len(demo["winners"])
    assert totals["rows_blank"] == demo["blank"]
    assert totals["rows_unmatched"] == demo["unmatched"]
    assert totals["rows_superseded"] == demo["superseded"]
    assert totals["units_with_problems"] == demo["with_problems"]
    assert demo["status"]["metrics"] == demo["metrics"]


def test_run_units_follow_the_roster_with_winning_rows(demo: dict[str, Any]) -> None:
    units = demo["status"]["units"]
    assert [u["unit_id"] for u in units] == [u.unit_id for u in demo["roster"]]
    for unit in units:
        winner = demo["winners"].get(unit["unit_id"])
        if winner is None:
            assert (unit["status"], unit["row"]) == ("missing", None), unit
            continue
        expected_status = "late" if unit["unit_id"] in demo["late"] else "reported"
        assert (unit["status"], unit["row"]) == (expected_status, winner["row"]), unit
        assert unit["superseded_rows"] == winner["superseded"], unit
        assert unit["metrics"] == {k: winner["values"].get(k) for k in unit["metrics"]}, unit
        assert bool(unit["problems"]) == bool(winner["problems"]), unit


def test_run_groups_add_up(demo: dict[str, Any]) -> None:
    status = demo["status"]
    groups = status["groups"]
    assert [g["group"] for g in groups] == [g.code for g in demo["campaign"].groups]
    for key in ("expected", "reported", "late", "missing"):
        total_key = {"expected": "units_expected", "reported": "units_reported", "late": "units_late",
                     "missing": "units_missing"}[key]
        assert sum(g[key] for g in groups) == status["totals"][total_key]
    for metric, total in status["metrics"].items():
        known = [g["metrics"][metric] for g in groups if g["metrics"][metric] is not None]
        assert (sum(known) if known else None) == total  # a group where nobody reported has no figure


def test_run_writes_every_artifact_and_leaves_the_source_untouched(demo: dict[str, Any]) -> None:
    out: Path = demo["out"]
    artifacts = demo["status"]["artifacts"]
    assert (out / artifacts["report_docx"]).is_file()
    assert (out / artifacts["dashboard"]).is_file()
    assert demo["status"]["source"]["kind"] == "xlsx"
    assert not list(out.glob(".*.tmp*")), "no temporary files may be left behind"
    assert "units reported" in demo["stdout"].lower() or "Units reported" in demo["stdout"]


def test_run_status_json_shape(demo: dict[str, Any]) -> None:
    status = demo["status"]
    assert status["schema"] == 1
    assert set(status) >= {"campaign", "generated_at", "source", "totals", "metrics", "groups", "units",
                           "unmatched_rows", "artifacts"}
    assert status["generated_at"] == NOW
    assert status["campaign"]["deadline"] == demo["campaign"].deadline.isoformat()
    for row in status["unmatched_rows"]:
        assert set(row) >= {"row", "typed_name", "candidates"}
        assert all(0 <= c["score"] <= 1 for c in row["candidates"])
