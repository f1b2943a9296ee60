"""A roll-up averages its children's percent means weighted by how many units each mean covers (CONTRACT §5)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from aggregator.adapters.status_files import StatusFilesSource
from aggregator.app.pipeline import compute
from aggregator.campaign import parse
from aggregator.campaign.roster import parse_roster
from tests.conftest import REPO

PARENT = textwrap.dedent(f"""\
    id: tinh-2025
    title: "Tổng hợp cấp tỉnh"
    deadline: 2025-06-30T17:00:00+07:00
    source: {{kind: status_files, paths: ["children/*.json"], tab: "Cấp dưới"}}
    roster: roster.csv
    groups: [{{code: huyen, label: "Các huyện"}}]
    columns:
      - {{key: unit_name, header: "Đơn vị cấp huyện", type: text, role: unit_name}}
      - {{key: submitted_at, header: "Thời điểm tổng hợp", type: date, role: submitted_at}}
      - {{key: ty_le, header: "Tỷ lệ hoàn thành (%)", type: percent}}
      - {{key: kinh_phi, header: "Kinh phí (đồng)", type: money}}
    report:
      template: {REPO / "templates" / "report.docx"}
      parent_body: "UBND TỈNH A"
      issuing_body: "SỞ B"
      issuer_name: "Sở B tỉnh A"
      abbreviation: "SB"
      place: "A"
      summary: "Kết quả tổng hợp"
      recipients: ["Bộ C"]
      signer: {{title: "GIÁM ĐỐC", name: "Lê Văn E"}}
    """)
ROSTER = "unit_id,group,name,aliases\nH1,huyen,Phòng B huyện Một,huyen-mot\nH2,huyen,Phòng B huyện Hai,huyen-hai\n"


def _child(folder: Path, child_id: str, mean: float | None, n: int, money: int,
           extremes: tuple[float, float] = (10.0, 90.0)) -> None:
    document = {"schema": 1, "campaign": {"id": child_id, "title": "x", "deadline": "2025-06-20T17:00:00+07:00"},
                "generated_at": "2025-06-21T08:00:00+07:00", "totals": {"units_reported": n},
                "metrics": {"ty_le": mean, "kinh_phi": money},
                "metric_stats": {"ty_le": {"n": n, "min": extremes[0], "max": extremes[1]}}}
    (folder / f"{child_id}.json").write_text(json.dumps(document), encoding="utf-8")


@pytest.mark.parametrize(("one", "two", "expected"), [
    ((80.0, 30), (50.0, 10), (80 * 30 + 50 * 10) / 40),  # weighted by n, not the plain mean 65
    ((80.0, 30), (None, 0), 80.0),  # a child with no percent figure adds nothing
])
def test_rollup_weighs_children_means_by_n_and_sums_the_rest(tmp_path: Path, one: tuple[float | None, int],
                                                                two: tuple[float | None, int],
                                                                expected: float) -> None:
    (tmp_path / "children").mkdir()
    _child(tmp_path / "children", "huyen-mot", one[0], one[1], 1_000_000)
    _child(tmp_path / "children", "huyen-hai", two[0], two[1], 2_500_000)
    campaign = parse(PARENT, origin="parent.yaml", base_dir=tmp_path)
    source = StatusFilesSource(campaign.source.paths, tmp_path, campaign.source.tab, campaign.columns)
    now = dt.datetime(2025, 6, 22, 8, 0, tzinfo=campaign.tz)
    result = compute(campaign, parse_roster(ROSTER, origin="r"), source.read(), now, None)
    assert result.metrics["ty_le"] == pytest.approx(expected)
    assert result.metric_stats["ty_le"].n == one[1] + two[1]
    assert result.metrics["kinh_phi"] == 3_500_000


def test_rollup_lowest_and_highest_are_the_units_not_the_childrens_means(tmp_path: Path) -> None:
    """n counts the units behind the means; min and max must speak of those same units (CONTRACT §5)."""
    (tmp_path / "children").mkdir()
    _child(tmp_path / "children", "huyen-mot", 82.5, 3, 1, extremes=(55.0, 100.0))
    _child(tmp_path / "children", "huyen-hai", 60.0, 2, 1, extremes=(40.0, 80.0))
    campaign = parse(PARENT, origin="parent.yaml", base_dir=tmp_path)
    source = StatusFilesSource(campaign.source.paths, tmp_path, campaign.source.tab, campaign.columns)
    result = compute(campaign, parse_roster(ROSTER, origin="r"), source.read(),
                     dt.datetime(2025, 6, 22, 8, 0, tzinfo=campaign.tz), None)
    stats = result.metric_stats["ty_le"]
    assert (stats.n, stats.min, stats.max) == (5, 40.0, 100.0)
    assert result.metrics["ty_le"] == pytest.approx((82.5 * 3 + 60 * 2) / 5)
    (group,) = result.groups
    assert (group.metric_stats["ty_le"].min, group.metric_stats["ty_le"].max) == (40.0, 100.0)


def test_rollup_a_child_mean_below_one_gets_no_note_for_a_typist(tmp_path: Path) -> None:
    """0,8 from a child's status.json is 0,8 %: "nếu là 80 % hãy ghi 80%" speaks to someone typing a sheet."""
    (tmp_path / "children").mkdir()
    _child(tmp_path / "children", "huyen-mot", 0.8, 3, 1, extremes=(0.0, 2.0))
    campaign = parse(PARENT, origin="parent.yaml", base_dir=tmp_path)
    source = StatusFilesSource(campaign.source.paths, tmp_path, campaign.source.tab, campaign.columns)
    result = compute(campaign, parse_roster(ROSTER, origin="r"), source.read(),
                     dt.datetime(2025, 6, 22, 8, 0, tzinfo=campaign.tz), None)
    unit = next(u for u in result.units if u.unit_id == "H1")
    assert unit.metrics["ty_le"] == pytest.approx(0.8) and unit.notes == ()
