"""Figures over units: counts and money summed, decimals summed in unit order and rounded, a percent the
weighted mean of the units that gave one with its range; unknown is never 0 (CONTRACT §5)."""

from __future__ import annotations

from aggregator.consolidation.metrics import children_coverage, combine, over_units
from aggregator.models import ColumnType, MetricStats, UnitStatus
from aggregator.outputs.dashboard import layout
from aggregator.outputs.report_context import build_context
from tests.builders import make_result, make_unit
from tests.report_builders import load_campaign

KINDS = {"citizens": ColumnType.COUNT, "money": ColumnType.MONEY, "km": ColumnType.DECIMAL,
         "share": ColumnType.PERCENT}
UNITS = (
    make_unit("A", metrics={"citizens": 3, "money": 1_000_000, "km": 0.1, "share": 50.0}),
    make_unit("B", metrics={"citizens": None, "money": 2, "km": 0.2, "share": 80.0}, weights={"share": 3}),
    make_unit("C", metrics={"citizens": 4, "money": None, "km": None, "share": None}),
    make_unit("D", UnitStatus.MISSING, metrics={"citizens": 99, "money": 99, "km": 9.9, "share": 1.0}),
)


def test_figures_add_up_the_reported_units_known_values() -> None:
    figures, stats = over_units(UNITS, KINDS)
    assert figures == {"citizens": 7, "money": 1_000_002, "km": 0.3, "share": 72.5}  # 0.1 + 0.2 rounded
    assert type(figures["citizens"]) is int and type(figures["money"]) is int
    assert stats == {"share": MetricStats(4, 50.0, 80.0)}  # B stands for three units


def test_a_figure_nobody_gave_and_a_missing_column_are_unknown_never_zero() -> None:
    figures, stats = over_units(UNITS[2:], KINDS, missing=["citizens"])
    assert figures == {"citizens": None, "money": None, "km": None, "share": None}
    assert stats == {"share": MetricStats(0, None, None)}


def test_combine_reads_value_weight_pairs_as_over_units_does() -> None:
    assert combine([(2, 1), (None, 1), (3, 1)], ColumnType.COUNT) == (5, None)
    assert combine([(None, 1)], ColumnType.DECIMAL) == (None, None)
    assert combine([(40.0, 1), (70.0, 2)], ColumnType.PERCENT) == (60.0, MetricStats(3, 40.0, 70.0))


def test_children_coverage_adds_up_the_children_that_reported() -> None:
    units = [make_unit("A", coverage=(24, 27)), make_unit("B", coverage=(40, 40)), make_unit("C"),
             make_unit("D", UnitStatus.MISSING, coverage=(1, 30))]  # a missing child's figures count for nothing
    assert children_coverage(units) == (64, 67, 2)  # reported, expected; the two children that say
    assert children_coverage([make_unit("C")]) is None  # not a roll-up
    assert children_coverage([]) is None


def test_the_dashboard_counts_only_the_children_whose_coverage_is_known() -> None:
    """A child that reported with unsound totals says nothing of its own units: it is not counted among those
    whose units the total stands for (it was: "Số liệu của 3 đơn vị …" over two children's units)."""
    units = (make_unit("A", coverage=(24, 27)), make_unit("B", coverage=(40, 40)), make_unit("C"))
    cells = [cell for row in layout(make_result(units), "T", {}).grid for cell in row]
    assert "Số liệu của 2 đơn vị cấp dưới đã báo cáo tổng hợp từ 64/67 đơn vị trực thuộc (95,5 %)." in cells


def test_the_letter_says_how_many_reporting_children_its_total_coverage_stands_for() -> None:
    """The letter's line on incomplete children ends with what the children stand for together: "các đơn vị cấp
    dưới đã báo cáo" when every child that reported says, "2 trong số 3" when one says nothing (it said "các")."""
    campaign = load_campaign()
    every = (make_unit("A", coverage=(24, 27)), make_unit("B", coverage=(40, 40)), make_unit("D", UnitStatus.MISSING))
    lines = build_context(make_result(every), campaign)["weaknesses"]
    assert any(line.endswith("(số liệu chung của các đơn vị cấp dưới đã báo cáo mới tổng hợp từ 64/67 đơn vị "
                             "trực thuộc).") for line in lines)
    lines = build_context(make_result((*every, make_unit("C"))), campaign)["weaknesses"]
    assert any(line.endswith("(số liệu chung của 2 trong số 3 đơn vị cấp dưới đã báo cáo mới tổng hợp từ 64/67 "
                             "đơn vị trực thuộc).") for line in lines)
