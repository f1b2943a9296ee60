"""Small hand-built results for tests of the layout and adapters."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from aggregator.models import (
    Candidate,
    Consolidation,
    GroupSummary,
    MatchKind,
    Problem,
    SourceInfo,
    SourceKind,
    Totals,
    UnitOutcome,
    UnitStatus,
    UnmatchedRow,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = dt.datetime(2024, 11, 10, 23, 59, 59, tzinfo=TZ)


def make_unit(unit_id: str, status: UnitStatus = UnitStatus.REPORTED, **overrides: object) -> UnitOutcome:
    values: dict[str, object] = {
        "unit_id": unit_id, "name": f"Đơn vị {unit_id}", "group": "g1", "status": status,
        "row": None if status is UnitStatus.MISSING else 2, "superseded_rows": (),
        "submitted_at": None, "metrics": {"citizens": None if status is UnitStatus.MISSING else 10},
        "texts": {}, "problems": (), "notes": (),
    }
    values.update(overrides)
    return UnitOutcome(**values)  # type: ignore[arg-type]


def make_result(
    units: tuple[UnitOutcome, ...] | None = None, unmatched: tuple[UnmatchedRow, ...] = ()
) -> Consolidation:
    units = units or (
        make_unit("A", row=2, submitted_at=dt.datetime(2024, 11, 8, tzinfo=TZ)),
        make_unit("B", UnitStatus.LATE, row=5, superseded_rows=(3,),
                  submitted_at=dt.datetime(2024, 11, 12, 9, 30, tzinfo=TZ),
                  problems=(Problem(5, "Số người dân được tuyên truyền", "abc", "Không phải số"),)),
        make_unit("C", UnitStatus.MISSING),
    )
    reported = [u for u in units if u.status is not UnitStatus.MISSING]
    late = [u for u in units if u.status is UnitStatus.LATE]
    citizens = sum(u.metrics.get("citizens") or 0 for u in reported)
    return Consolidation(
        campaign_id="demo", campaign_title="Chiến dịch thử", deadline=DEADLINE,
        generated_at=dt.datetime(2024, 11, 11, 8, 0, tzinfo=TZ),
        source=SourceInfo(SourceKind.XLSX, "demo.xlsx", "Báo cáo", 6),
        totals=Totals(len(units), len(reported), len(late), len(units) - len(reported),
                      sum(1 for u in units if u.problems), len(unmatched), 1, 0),
        metrics={"citizens": citizens},
        groups=(GroupSummary("g1", "Khối một", len(units), len(reported), len(late), len(units) - len(reported),
                             {"citizens": citizens}),),
        units=units,
        unmatched_rows=unmatched or (
            UnmatchedRow(6, "=IMPORTXML(\"http://x\",\"//a\")", MatchKind.NO_MATCH, (Candidate("A", 0.41),)),
        ),
        column_letters={"Số người dân được tuyên truyền": "F", "Tên cơ quan, đơn vị": "B"},
    )
