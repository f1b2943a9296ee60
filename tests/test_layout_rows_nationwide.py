"""The layout rules (sheet/total_rows.py, names/reading.py's extras) against every unit name of the official
list of all 61 provinces, data this project did not write: no real name is a total's label, and none loses
a part as a list number or contact details."""

from __future__ import annotations

import pytest

from aggregator.names.reading import name_variants
from aggregator.sheet.total_rows import total_labels
from aggregator.textnorm import clean_text, strip_marks
from tests.conftest import SHARED_DATA
from tests.namegen.admin import full_name, load


@pytest.fixture(scope="module")
def names() -> list[str]:
    admin = SHARED_DATA / "admin-units-vn-2024-11.json"
    if not admin.exists():
        pytest.skip(f"{admin} is absent (shared/ is not beside the repository)")
    units = [u for province in load(admin).values() for u in province.units]
    written = {full_name(u) for u in units} | {u.proper for u in units}
    return sorted(written | {strip_marks(n) for n in written})


def test_no_unit_name_of_any_province_reads_as_a_total(names: list[str]) -> None:
    assert len(names) > 10_000
    typed = [*names, *(f"UBND {n}" for n in names), *(f"Công an {n}" for n in names)]
    assert [n for n, total in zip(typed, total_labels(typed), strict=True) if total] == []


def test_no_unit_name_loses_a_part_as_a_list_number_or_contact(names: list[str]) -> None:
    changed = [n for n in names if " ".join(name_variants(n)) != clean_text(n)]
    assert changed == []


def test_a_list_number_typed_before_a_unit_type_is_the_only_number_left_out(names: list[str]) -> None:
    """ "12 UBND xã …" reads as "UBND xã …" for every unit of the 61 provinces, and no unit name itself
    loses a leading word (names/reading.py, ``split_segments``)."""
    from aggregator.names.abbreviations import segment_words
    from aggregator.names.reading import read_name, split_segments
    from aggregator.names.vocabulary import Vocabulary

    vocab = Vocabulary()
    lost = [n for n in names if split_segments(n, vocab)[0][:1] != segment_words(n, vocab)[:1]]
    assert lost == []  # every name keeps its first word ("Phường 9", "9", "19/5" included)
    sample = names[:: max(1, len(names) // 3000)]
    typed = [f"UBND {n}" for n in sample] + [f"Trường THCS {n}" for n in sample]
    differ = [t for t in typed if read_name(f"12 {t}", vocab) != read_name(t, vocab)]
    assert differ == []
    assert [w.text for w in split_segments("19 tháng 5", vocab)[0]][:1] == ["19"]  # no unit type after it: kept


def test_every_unit_name_read_many_at_once_reads_as_alone(names: list[str]) -> None:
    """many_texts.py's one-search checks (what to clean, what may hold a list number or a contact, notes) give
    every real name of the 61 provinces, as typed, in capitals, with a list number, an odd space or a
    phone number, what reading it alone gives."""
    from aggregator.many_texts import clean_many
    from aggregator.names.reading import many_name_variants

    typed = [*names, *(n.upper() for n in names[::7]), *(f"{i}. UBND {n}" for i, n in enumerate(names[::11])),
             *(f" {n}  - ĐT 0905 123 456" for n in names[::13]), *(f"{n} (đã gửi)" for n in names[::17])]
    assert clean_many(typed) == [clean_text(n) for n in typed]
    assert many_name_variants(typed) == [name_variants(n) for n in typed]
