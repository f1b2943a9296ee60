"""The pure decisions package: item ids, choices, the tab's lines, judging and applying (issue 10)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.campaign import ColumnSettings
from aggregator.cells.frame import BLANK, CONFIRMED, FINGERPRINT, IGNORED, MATCH, PINNED, PROBLEMS, TYPED_NAME, UNIT_ID
from aggregator.decisions.apply import confirm_values, learned_aliases, pin_rows, settle_names
from aggregator.decisions.choices import NOT_A_UNIT, USE_THIS_ROW, Choices, unit_labels
from aggregator.decisions.items import ItemKey, item_id, parse_item
from aggregator.decisions.judge import Context, Whereabouts, judge, winning
from aggregator.decisions.learned import with_learned
from aggregator.decisions.tab import DECISION_COL, read_lines, sheet_decisions
from aggregator.models import (
    Decision,
    DecisionKind,
    DecisionOrigin,
    DecisionState,
    ItemKind,
    MatchKind,
    MatchOutcome,
    RosterUnit,
)

FP1, FP2, FP3 = "a" * 20, "b" * 20, "c" * 20
UNITS = (RosterUnit("PX-VH", "x", "Ủy ban nhân dân phường Vĩnh Hải"),
         RosterUnit("TH-A", "t", "Trường Tiểu học An Phú", locality="xã An Phú, huyện Tân Châu"),
         RosterUnit("TH-B", "t", "Trường Tiểu học An Phú", locality="xã An Phú, huyện Phú Tân"),
         RosterUnit("TH-C", "t", "Trường Tiểu học Kim Đồng", locality="phường 1"),
         RosterUnit("TH-D", "t", "Trường Tiểu học Kim Đồng", locality="phường 1"))
COLUMNS = {"citizens": ColumnSettings(key="citizens", header="Số người dân", type="count"),
           "note": ColumnSettings(key="note", header="Ghi chú", type="text")}
TZ = dt.timezone(dt.timedelta(hours=7))
SEEN = dt.datetime(2024, 11, 8, 10, 0, tzinfo=TZ)


@pytest.mark.parametrize("key", [ItemKey(ItemKind.NAME, FP1), ItemKey(ItemKind.PIN, FP2),
                                 ItemKey(ItemKind.VALUE, FP3, "so_nguoi.2")], ids=["name", "pin", "value"])
def test_item_ids_read_back_as_their_key(key: ItemKey) -> None:
    assert parse_item(key.id) == key and parse_item(f"  {key.id} ") == key


@pytest.mark.parametrize("text", ["Mã mục", "N-xyz", f"V-{FP1}", f"N-{FP1}-citizens", 12, None, ""])
def test_anything_else_in_column_a_is_no_item(text: object) -> None:
    assert parse_item(text) is None


def test_unit_labels_are_unique_even_where_names_repeat() -> None:
    assert unit_labels(UNITS) == (
        "Ủy ban nhân dân phường Vĩnh Hải",
        "Trường Tiểu học An Phú — xã An Phú, huyện Tân Châu",  # the first place is shared: the whole locality
        "Trường Tiểu học An Phú — xã An Phú, huyện Phú Tân",
        "Trường Tiểu học Kim Đồng (TH-C)",  # the localities are the same too: the unit_id
        "Trường Tiểu học Kim Đồng (TH-D)")
    near = (RosterUnit("A", "g", "Trường Mầm non Hoa Sen", locality="phường 1, thành phố B"),
            RosterUnit("B", "g", "Trường Mầm non Hoa Sen", locality="phường 2, thành phố B"))
    assert unit_labels(near) == ("Trường Mầm non Hoa Sen — phường 1", "Trường Mầm non Hoa Sen — phường 2")


def test_a_choice_is_read_leniently_but_never_guessed() -> None:
    choices = Choices.of(UNITS)
    assert choices.listing[0] == NOT_A_UNIT and len(choices.listing) == 1 + len(UNITS)
    assert choices.unit_of("Ủy ban nhân dân phường Vĩnh Hải") == "PX-VH"
    assert choices.unit_of("uy ban nhan dan phuong vinh hai ") == "PX-VH"  # folded as the matcher folds
    assert choices.unit_of("th-c") == "TH-C"  # a unit_id typed
    assert choices.unit_of("Trường Tiểu học Kim Đồng") is None  # two units have that name
    assert choices.unit_of("Phường Vĩnh Hải") is None and choices.unit_of("") is None


def _rows(*lines: list[object]) -> list[list[object]]:
    return [["Mã mục"], *lines]


def test_lines_and_their_decisions() -> None:
    rows = _rows([item_id(ItemKind.NAME, FP1), "x", 65, "UBND P.VH", "", "", "", "uy ban nhan dan phuong vinh hai"],
                 [item_id(ItemKind.NAME, FP2), "x", "7, 9", "Đội bóng", "", "", "", NOT_A_UNIT],
                 [item_id(ItemKind.PIN, FP3), "x", 12, "Phòng Y tế", "", "", "", USE_THIS_ROW],
                 [item_id(ItemKind.VALUE, FP3, "citizens"), "x", 12, "Phòng Y tế", "Số người dân", "sau", "", "1.250"],
                 [item_id(ItemKind.NAME, FP1), "copied line", 65, "UBND P.VH", "", "", "", NOT_A_UNIT],
                 [item_id(ItemKind.NAME, FP3), "x", 3, "Không rõ", "", "", "", ""],
                 ["a note typed by someone"])
    lines = read_lines(rows)
    assert [line.row for line in lines] == [2, 3, 4, 5, 7]
    found = sheet_decisions(lines, Choices.of(UNITS))
    assert [(d.kind, d.unit_id, d.value, d.made_row, d.origin) for d in found] == [
        (DecisionKind.UNIT, "PX-VH", None, 65, DecisionOrigin.SHEET),
        (DecisionKind.NOT_A_UNIT, None, None, 7, DecisionOrigin.SHEET),
        (DecisionKind.PIN_ROW, None, None, 12, DecisionOrigin.SHEET),
        (DecisionKind.VALUE, None, "1.250", 12, DecisionOrigin.SHEET)]
    assert lines[0].shown[DECISION_COL] == "uy ban nhan dan phuong vinh hai"


def _context(**rows_of: tuple[int, ...]) -> Context:
    return Context({k.replace("_", ""): v for k, v in rows_of.items()}, {u.unit_id: u.name for u in UNITS}, COLUMNS,
                   {FP2: Whereabouts(65, SEEN, "UBND phường Vĩnh Hải (sửa)")}, TZ)


def test_states_applied_needs_review_invalid() -> None:
    decisions = [Decision(DecisionKind.UNIT, FP1, "UBND P.VH", "PX-VH"),
                 Decision(DecisionKind.UNIT, FP2, "UBND P.VH", "PX-VH", made_row=65),
                 Decision(DecisionKind.UNIT, FP3, "X", None, value="Phường mới"),
                 Decision(DecisionKind.VALUE, FP1, "Y", column="citizens", value="khoảng 200"),
                 Decision(DecisionKind.VALUE, FP3, "Y", column="citizens", value="nhiều"),
                 Decision(DecisionKind.VALUE, FP1, "Y", column="note", value="1"),
                 Decision(DecisionKind.PIN_ROW, FP1, "Z", value="Có")]
    context = Context({FP1: (65,), FP3: (9,)}, {u.unit_id: u.name for u in UNITS}, COLUMNS,
                      {FP2: Whereabouts(65, SEEN, "UBND phường Vĩnh Hải (sửa)")}, TZ)
    found = judge(decisions, context)
    assert [o.state for o in found] == [DecisionState.APPLIED, DecisionState.NEEDS_REVIEW, DecisionState.INVALID,
                                        DecisionState.APPLIED, DecisionState.INVALID, DecisionState.INVALID,
                                        DecisionState.INVALID]
    assert found[0].note == "Đã áp dụng: dòng 65 tính cho Ủy ban nhân dân phường Vĩnh Hải."
    assert "thấy lần cuối ở dòng 65 lúc 10:00 08/11/2024" in found[1].note
    assert "dòng 65 nay ghi “UBND phường Vĩnh Hải (sửa)”" in found[1].note and found[1].rows == ()
    assert "“Phường mới” không có trong danh sách" in found[2].note
    assert (found[3].value, found[3].header) == (200, "Số người dân")
    assert "Không đọc được số liệu “nhiều”" in found[4].note


def test_a_sheet_decision_wins_over_a_command_one_for_the_same_item() -> None:
    command = Decision(DecisionKind.UNIT, FP1, "A", "TH-C", origin=DecisionOrigin.COMMAND)
    sheet = Decision(DecisionKind.NOT_A_UNIT, FP1, "A")
    assert winning([command, sheet]) == [sheet]
    other = Decision(DecisionKind.VALUE, FP1, "A", column="citizens", value=1, origin=DecisionOrigin.COMMAND)
    assert winning([command, other]) == [command, other]  # another item of the same row


def test_a_name_settled_for_two_units_teaches_nothing() -> None:
    found = learned_aliases([Decision(DecisionKind.UNIT, FP1, "TH An Phú", "TH-A"),
                             Decision(DecisionKind.UNIT, FP2, "th an phu", "TH-B"),
                             Decision(DecisionKind.UNIT, FP3, "UBND P.VH", "PX-VH"),
                             Decision(DecisionKind.NOT_A_UNIT, FP3, "Đội bóng")])
    assert found == {"ubnd p vh": "PX-VH"}


def _table() -> pd.DataFrame:
    none = MatchOutcome(MatchKind.NO_MATCH, None, 0.0)
    return pd.DataFrame({
        TYPED_NAME: ["UBND P.VH", "ubnd p. vh", "Đội bóng", "Phòng Y tế", None],
        FINGERPRINT: [FP1, "d" * 20, FP2, FP3, "e" * 20],
        BLANK: [False, False, False, False, True],
        MATCH: [none, none, none, MatchOutcome(MatchKind.MATCHED, "TH-C", 1.0), None],
        UNIT_ID: [None, None, None, "TH-C", None],
        PROBLEMS: [(), (), (), (("citizens", "sau", "Số lượng …"),), ()],
        "citizens": pd.array([20, 30, 5, None, None], dtype="Int64"),
    }, index=[2, 3, 4, 5, 6])


def _units(table: pd.DataFrame) -> list[str | None]:
    return [u if isinstance(u, str) else None for u in table[UNIT_ID]]  # pandas 3 reads None as NaN in str columns


def test_applied_decisions_change_the_table() -> None:
    table = _table()
    outcomes = judge([Decision(DecisionKind.UNIT, FP1, "UBND P.VH", "PX-VH"),
                      Decision(DecisionKind.NOT_A_UNIT, FP2, "Đội bóng"),
                      Decision(DecisionKind.VALUE, FP3, "Phòng Y tế", column="citizens", value="1.250"),
                      Decision(DecisionKind.PIN_ROW, FP3, "Phòng Y tế")],
                     Context({FP1: (2,), FP2: (4,), FP3: (5,)}, {u.unit_id: u.name for u in UNITS}, COLUMNS, {}, TZ))
    settle_names(table, outcomes, learned_aliases([outcomes[0].decision]))
    confirm_values(table, outcomes)
    pin_rows(table, outcomes)
    assert _units(table) == ["PX-VH", "PX-VH", None, "TH-C", None]  # row 3 by the learned alias
    assert table[IGNORED].tolist() == [False, False, True, False, False]
    assert table[PINNED].tolist() == [False, False, False, True, False]
    assert table.at[5, "citizens"] == 1250 and table.at[5, PROBLEMS] == ()
    assert table.at[5, CONFIRMED] == (("citizens", "sau", 1250),)


def test_decisions_that_are_not_applied_change_nothing() -> None:
    table = _table()
    outcomes = judge([Decision(DecisionKind.UNIT, FP1, "UBND P.VH", "PX-VH")],
                     Context({}, {u.unit_id: u.name for u in UNITS}, COLUMNS, {}, TZ))  # its row is gone
    settle_names(table, outcomes, {})
    assert _units(table) == [None, None, None, "TH-C", None]


def test_the_learned_roster_adds_each_settled_name_once() -> None:
    decisions = [Decision(DecisionKind.UNIT, FP1, "UBND P.VH", "PX-VH"),
                 Decision(DecisionKind.UNIT, FP2, "ubnd  p. vh", "PX-VH"),
                 Decision(DecisionKind.UNIT, FP3, "Ủy ban nhân dân phường Vĩnh Hải", "PX-VH")]
    assert with_learned(UNITS, decisions)[0].aliases == ("UBND P.VH",)
    assert with_learned(UNITS, decisions)[1:] == UNITS[1:]


@given(st.lists(st.sampled_from("abcde"), max_size=30), st.lists(st.booleans(), max_size=30))
def test_rows_by_fingerprint_lists_every_live_row_of_each_content_in_sheet_order(fps: list[str],
                                                                                blank: list[bool]) -> None:
    from aggregator.decisions.rows import rows_by_fingerprint

    blank = (blank + [False] * len(fps))[:len(fps)]
    table = pd.DataFrame({FINGERPRINT: pd.Series(fps, dtype=object), BLANK: pd.Series(blank, dtype=bool)})
    table.index = range(2, 2 + len(fps))
    expected: dict[str, list[int]] = {}
    for row, fp, empty in zip(table.index, fps, blank, strict=True):
        if not empty:
            expected.setdefault(fp, []).append(row)
    assert rows_by_fingerprint(table) == {fp: tuple(rows) for fp, rows in expected.items()}


def test_choices_of_a_roster_are_made_once_and_equal_for_an_equal_roster() -> None:
    roster = (RosterUnit("A", "g", "Phòng Y tế"), RosterUnit("B", "g", "Phòng Tư pháp"))
    assert Choices.of(roster) is Choices.of(roster)
    for same in (tuple(list(roster)), list(roster)):
        assert Choices.of(same).labels == Choices.of(roster).labels
        assert Choices.of(same).unit_of("Phòng Y tế") == "A"
    other = (RosterUnit("C", "g", "Phòng Nội vụ"),)
    assert Choices.of(other).unit_of("Phòng Nội vụ") == "C" and Choices.of(roster).unit_of("Phòng Nội vụ") is None
