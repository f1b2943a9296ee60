"""A cycle's questions (aggregator/questions.py): pins kept as data give the same items, in the same
order, as a list of items would, and only the pins shown are made."""

from __future__ import annotations

from aggregator.decisions.items import item_id
from aggregator.models import ItemKind
from aggregator.questions import PinGroup, Pins, Questions, ReviewItem

PRIORITY = {ItemKind.NAME: 0, ItemKind.VALUE: 1, ItemKind.PIN: 2}


def _fp(n: int) -> str:
    return f"{n:020x}"


def _pins() -> Pins:
    """Unit A: rows 9 (counts) and 3; unit B: rows 4 (counts), 7 and 8 (the same content twice)."""
    groups = [PinGroup("A", _fp(9), (_fp(3),)), PinGroup("B", _fp(4), (_fp(7),))]
    rows = {_fp(9): (9,), _fp(3): (3,), _fp(4): (4,), _fp(7): (7, 8)}
    return Pins(groups, rows, {9: "Xã A", 3: "Xa A", 4: "Xã B", 7: "Xã B (sửa)"})


def _listed() -> list[ReviewItem]:
    return [ReviewItem(ItemKind.NAME, _fp(100), None, (3,), "Xã Lạ"),
            ReviewItem(ItemKind.VALUE, _fp(101), "citizens", (5,), "Xã C", "Số dân", "khoảng"),
            ReviewItem(ItemKind.NAME, _fp(102), None, (), open=False)]  # asked before, gone now


def test_pins_are_made_with_their_unit_rows_name_and_reason() -> None:
    questions = Questions(_listed(), _pins())
    item = questions.get(f"P-{_fp(7)}")
    assert item == ReviewItem(ItemKind.PIN, _fp(7), None, (7, 8), "Xã B (sửa)", unit_id="B", reason="superseded")
    assert questions.get(f"P-{_fp(9)}").reason == "used"  # type: ignore[union-attr]
    assert questions.get(f"N-{_fp(100)}") == _listed()[0]
    assert questions.get(f"P-{_fp(100)}") is None and questions.get("P-zz") is None
    assert len(questions) == 3 + 4


def test_walking_them_gives_open_questions_by_row_then_those_asked_before() -> None:
    walked = [(item.kind, item.rows) for item in Questions(_listed(), _pins())]
    assert walked == [(ItemKind.NAME, (3,)), (ItemKind.PIN, (3,)), (ItemKind.PIN, (4,)), (ItemKind.VALUE, (5,)),
                      (ItemKind.PIN, (7, 8)), (ItemKind.PIN, (9,)), (ItemKind.NAME, ())]


def test_the_first_questions_go_kind_by_kind_skipping_those_already_on_the_tab() -> None:
    questions = Questions(_listed(), _pins())
    chosen, more = questions.first({f"P-{_fp(3)}"}, 3, PRIORITY)
    assert [item_id(i.kind, i.fingerprint, i.column) for i in chosen] == [
        f"N-{_fp(100)}", f"N-{_fp(102)}", f"V-{_fp(101)}-citizens"]
    assert more == 3  # the pins of rows 4, 7 and 9; row 3's is on the tab already
    chosen, more = questions.first(set(), 5, PRIORITY)
    assert [i.rows[0] for i in chosen if i.kind is ItemKind.PIN] == [3, 4] and more == 2


def test_pins_listed_as_items_count_like_pins_kept_as_data() -> None:
    as_data = Questions(_listed(), _pins())
    as_items = Questions([*_listed(), *(as_data.pins.item(fp) for fp in as_data.pins.by_row)])
    assert sorted(map(repr, as_items)) == sorted(map(repr, as_data))
    assert as_items.first(set(), 4, PRIORITY) == as_data.first(set(), 4, PRIORITY)


def test_the_first_of_many_questions_are_those_of_the_whole_order() -> None:
    """A tab shows a few hundred of 100,000 pins and thousands of value questions: found without ordering or
    walking them all, the same as walking everything in full order (rows shared by several contents, and
    questions skipped among the first, included)."""
    import random

    rng = random.Random(8)
    groups = [PinGroup(f"U{u}", _fp(u * 10), tuple(_fp(u * 10 + k) for k in range(1, 4))) for u in range(500)]
    rows = {fp: (rng.randrange(1, 300), 999) for group in groups for fp in (group.winner, *group.others)}
    listed = [ReviewItem(rng.choice([ItemKind.NAME, ItemKind.VALUE, ItemKind.VALUE]), _fp(10_000 + n),
                         "citizens", (rng.randrange(1, 300),), open=rng.random() < 0.9) for n in range(3_000)]
    ids = [item_id(i.kind, i.fingerprint, i.column) for i in listed]
    skip = {f"P-{fp}" for fp in rng.sample(sorted(rows), 300)} | set(rng.sample(ids, 400)) | {"N-x", "P-not-a-pin"}

    def walked(room: int) -> tuple[list[str], int]:  # every question in full order, one by one
        chosen: list[str] = []
        more = 0
        for kind in sorted(PRIORITY, key=PRIORITY.__getitem__):
            pins = sorted(rows, key=lambda fp: rows[fp][0]) if kind is ItemKind.PIN else []
            kinds = [i for i, item in zip(ids, listed, strict=True) if item.kind is kind]
            for ident in [f"P-{fp}" for fp in pins] + kinds:
                if ident in skip:
                    continue
                if len(chosen) < room:
                    chosen.append(ident)
                else:
                    more += 1
        return chosen, more

    for room in (0, 1, 7, 250, 1_700, 5_000):
        chosen, more = Questions(listed, Pins(groups, rows, {})).first(skip, room, PRIORITY)
        assert ([item_id(i.kind, i.fingerprint, i.column) for i in chosen], more) == walked(room)
