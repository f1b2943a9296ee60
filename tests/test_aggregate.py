"""Each roster unit's outcome carries its winning row's own cells: values, texts, problems, notes, times."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from aggregator.adapters import campaign_file
from aggregator.adapters.history import History
from aggregator.adapters.roster_file import read_roster
from aggregator.app.pipeline import compute
from aggregator.models import RawTab, Snapshot, SourceKind, UnitOutcome, UnitStatus

CAMPAIGN = campaign_file.load()
ROSTER = read_roster(CAMPAIGN.resolve(CAMPAIGN.roster))
HEADER = tuple(c.header for c in CAMPAIGN.columns)
NOW = dt.datetime(2024, 11, 12, 8, 0, tzinfo=CAMPAIGN.tz)
YTE, TUPHAP, VINHHAI = "Phòng Y tế thành phố Nha Trang", "Phòng Tư pháp thành phố Nha Trang", "UBND phường Vĩnh Hải"


def _row(name: str, date: Any, **cells: Any) -> tuple[Any, ...]:
    values = dict.fromkeys(HEADER)
    values.update({"Tên cơ quan, đơn vị": name, "Ngày báo cáo": date})
    values.update({next(c.header for c in CAMPAIGN.columns if c.key == key): v for key, v in cells.items()})
    return tuple(values.values())


def _outcomes(tmp_path: Path) -> dict[str, UnitOutcome]:
    rows = [_row(YTE, None, citizens=1),
            _row(YTE, "10/11/2024", citizens="khoảng 200", officials=3, reporter="Nguyễn Văn A", phone=905123456),
            _row(TUPHAP, "11/11/2024", citizens="abc", students=0),
            _row(VINHHAI, "10/11/2024 23:30", citizens="1.234")]
    snapshot = Snapshot(SourceKind.XLSX, "test.xlsx", RawTab("Báo cáo", (HEADER, *rows)), ("Báo cáo",))
    result = compute(CAMPAIGN, ROSTER, snapshot, NOW, History(tmp_path / "history.sqlite"))
    assert [u.unit_id for u in result.units] == [u.unit_id for u in ROSTER]  # roster order
    return {u.unit_id: u for u in result.units}


def test_a_reported_unit_carries_its_winning_rows_cells(tmp_path: Path) -> None:
    yte = _outcomes(tmp_path)["CM-YTE"]
    assert (yte.status, yte.row, yte.superseded_rows) == (UnitStatus.REPORTED, 3, (2,))
    assert yte.metrics == {**dict.fromkeys(yte.metrics), "citizens": 200, "officials": 3}
    assert all(type(v) is int for v in yte.metrics.values() if v is not None)
    assert yte.texts == {"unit_name": YTE, "reporter": "Nguyễn Văn A", "phone": "905123456"}  # as typed
    assert yte.notes == ("Số người dân được tuyên truyền: ghi “khoảng 200”, tính là 200",) and yte.problems == ()
    assert yte.submitted_at == dt.datetime(2024, 11, 10, tzinfo=CAMPAIGN.tz) and yte.weights == {}
    assert yte.first_seen == NOW


def test_a_late_unit_keeps_its_problem_cells_unknown_and_a_typed_zero_zero(tmp_path: Path) -> None:
    tuphap = _outcomes(tmp_path)["CM-TUPHAP"]
    assert (tuphap.status, tuphap.row) == (UnitStatus.LATE, 4)  # a date alone is late the day after
    assert tuphap.metrics["citizens"] is None and tuphap.metrics["students"] == 0
    [problem] = tuphap.problems
    assert (problem.row, problem.column, problem.value) == (4, "Số người dân được tuyên truyền", "abc")


def test_a_time_before_the_deadline_is_on_time_and_a_unit_without_rows_is_missing(tmp_path: Path) -> None:
    units = _outcomes(tmp_path)
    vinhhai = units["PX-VINHHAI"]
    assert (vinhhai.status, vinhhai.metrics["citizens"]) == (UnitStatus.REPORTED, 1234)
    assert vinhhai.submitted_at == dt.datetime(2024, 11, 10, 23, 30, tzinfo=CAMPAIGN.tz)
    missing = [u for u in units.values() if u.unit_id not in {"CM-YTE", "CM-TUPHAP", "PX-VINHHAI"}]
    assert missing and all(u.status is UnitStatus.MISSING and u.row is None and u.texts == {} for u in missing)
    assert all(set(u.metrics.values()) == {None} and u.first_seen is None for u in missing)
