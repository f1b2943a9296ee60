"""Names typed for units of every province of the official list, each in a roster of its whole province.

A name whose marks and type point at different units waits for review. Hậu Giang has xã Bình Thành
(huyện Phụng Hiệp) and phường Bình Thạnh (thị xã Long Mỹ). "UBND xã Bình Thạnh" has a wrong mark or a
wrong type, and nothing on the row says which: a match on the type alone put a ward's report into a
commune of another district. Every such pair of the official list is checked.

A district typed after the unit with its type abbreviated and a dot ("P.Nhơn Thành - TX.An Nhơn") is that
district, never initials ("TXAN" is thị xã An Nhơn, and the name that follows was read twice). A district
typed with a word in raw Telex is that district, also when the word is a letter from a roster word kept as
typed ("huyện Tu Mơ Roong", beside xã Kroong, is huyện Tu Mơ Rông). A name that opens with a letter which is
also a type's ("P Rao", "H Bông") is that name when typed without its type.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import cache

import pytest

from aggregator.campaign import MatchingSettings
from aggregator.models import MatchKind, RosterUnit
from aggregator.names.matching import Matcher, build_matcher, match_names
from aggregator.textnorm import is_syllable, strip_marks, traditional
from tests.namegen.noise import telex
from tests.redteam.admin import ADMIN_LIST, Place, load_provinces, unit_id, units_of

LEVELS = {"xã": "commune", "phường": "commune", "thị trấn": "commune", "huyện": "district", "thị xã": "district",
          "thành phố": "district", "quận": "district"}


pytestmark = pytest.mark.skipif(not ADMIN_LIST.exists(), reason="the shared official list is not beside the repository")


@cache
def _provinces() -> dict[str, Place]:
    return load_provinces() if ADMIN_LIST.exists() else {}


@cache
def _matcher(code: str) -> Matcher:
    units = units_of(_provinces()[code])
    return build_matcher([RosterUnit(unit_id(u), "x", f"UBND {u.kind} {u.proper}",
                                     locality=", ".join(f"{p.kind} {p.proper}" for p in u.chain)) for u in units],
                         MatchingSettings())


def _one_of_a_name(units: list[Place]) -> list[Place]:
    """The units that are the only one of the province with their name ("Hoà" and "Hòa" are one name)."""
    names = Counter(traditional(u.proper) for u in units)
    return [u for u in units if names[traditional(u.proper)] == 1]


def _found(code: str, typed: list[str]) -> list[object]:
    """Each typed name's unit in the province's roster, or the outcome's kind when it matched none."""
    return [o.unit_id if o.kind is MatchKind.MATCHED else o.kind for o in match_names(_matcher(code), typed)]


def _communes_of(district: Place, units: list[Place]) -> list[Place]:
    """The district's communes that have a name (no number) no other unit of the province has."""
    return [u for u in _one_of_a_name(units) if u.parent == district and not u.proper.isdigit()]


def _pairs() -> Iterator[tuple[str, Place, Place]]:
    """(province code, unit, its twin): units of one province, of one level and of different types whose names differ
    only in their marks ("Hoà" and "Hòa" are one name) and the twin's marks tell it from the unit, each the only
    unit of the province with its name."""
    for code, province in sorted(_provinces().items()):
        by_letters: dict[tuple[str, str], list[Place]] = {}
        for unit in _one_of_a_name(units_of(province)):
            if unit.kind in LEVELS:
                by_letters.setdefault((LEVELS[unit.kind], strip_marks(unit.proper).lower()), []).append(unit)
        for group in by_letters.values():
            for unit in group:
                yield from ((code, unit, twin) for twin in group if twin.kind != unit.kind and _marks_tell(twin, unit))


def _marks_tell(twin: Place, unit: Place) -> bool:
    """Whether a letter the twin's name writes with a mark is another letter in the unit's name ("Thạnh" and
    Thành, not "Chiềng An" and Chiềng Ân: a vowel typed bare may be haste)."""
    marked, other = traditional(twin.proper), traditional(unit.proper)
    return any(not a.isascii() and a != b for a, b in zip(marked, other, strict=True))


PAIRS = list(_pairs())


def test_the_official_list_has_such_pairs() -> None:
    assert len(PAIRS) >= 4  # xã Bình Thành / phường Bình Thạnh (Hậu Giang) among them
    assert any(u.proper == "Bình Thành" and t.proper == "Bình Thạnh" for _, u, t in PAIRS)


@pytest.mark.parametrize(("code", "unit", "twin"), PAIRS, ids=lambda v: getattr(v, "official", v))
def test_type_of_one_and_marks_of_the_other_stay_for_review(code: str, unit: Place, twin: Place) -> None:
    typed = [f"UBND {unit.kind} {twin.proper}", f"Ủy ban nhân dân {unit.kind} {twin.proper}"]
    for outcome in match_names(_matcher(code), typed):
        assert outcome.kind is MatchKind.AMBIGUOUS, (typed, outcome)
        assert {unit_id(unit), unit_id(twin)} <= {c.unit_id for c in outcome.candidates}


@pytest.mark.parametrize(("code", "unit", "twin"), PAIRS, ids=lambda v: getattr(v, "official", v))
def test_each_twin_typed_as_written_or_without_marks_is_found(code: str, unit: Place, twin: Place) -> None:
    typed = [f"UBND {unit.kind} {unit.proper}", f"UBND {twin.kind} {twin.proper}", f"{twin.proper}",
             strip_marks(f"UBND {unit.kind} {unit.proper}")]
    wanted = [unit_id(unit), unit_id(twin), unit_id(twin), unit_id(unit)]
    found = _found(code, typed)
    assert found == wanted, list(zip(typed, found, strict=True))


@pytest.mark.parametrize(("code", "unit", "twin"), [p for p in PAIRS if p[1].parent != p[2].parent],
                         ids=lambda v: getattr(v, "official", v))
def test_a_place_only_the_unit_lies_in_settles_it(code: str, unit: Place, twin: Place) -> None:
    assert unit.parent is not None
    typed = f"UBND {unit.kind} {twin.proper}, {unit.parent.kind} {unit.parent.proper}"
    outcome = match_names(_matcher(code), [typed])[0]
    assert (outcome.kind, outcome.unit_id) == (MatchKind.MATCHED, unit_id(unit)), (typed, outcome)


DISTRICT_ABBREVIATIONS = {"huyện": ("H", "h"), "thị xã": ("TX", "Tx"), "thành phố": ("TP", "Tp"), "quận": ("Q", "Q")}


@pytest.mark.parametrize("code", sorted(_provinces()))
def test_a_district_typed_with_a_dotted_type_is_that_district(code: str) -> None:
    """A commune of each district, typed with its district as "TX.An Nhơn", "Tp.Quy Nhơn", "(H.Tuy Phước)"."""
    units = units_of(_provinces()[code])
    typed, wanted = [], []
    for district in (u for u in units if u.kind in DISTRICT_ABBREVIATIONS and not u.proper.isdigit()):
        communes = _communes_of(district, units)
        for commune, abbreviation in zip(communes, DISTRICT_ABBREVIATIONS[district.kind], strict=False):
            typed += [f"UBND {commune.kind} {commune.proper} - {abbreviation}.{district.proper}",
                      f"{commune.kind.capitalize()} {commune.proper} ({abbreviation}.{district.proper})"]
            wanted += [unit_id(commune)] * 2
    wrong = [(t, f) for t, f, w in zip(typed, _found(code, typed), wanted, strict=True) if f != w]
    assert not wrong, wrong


@pytest.mark.parametrize("code", sorted(_provinces()))
def test_a_district_typed_in_raw_telex_is_that_district(code: str) -> None:
    """Two communes of each district, typed with the district's marked words one at a time in raw Telex."""
    units = units_of(_provinces()[code])
    typed, wanted = [], []
    for district in (u for u in units if u.kind in DISTRICT_ABBREVIATIONS):
        communes = _communes_of(district, units)[:2]
        words = district.proper.split()
        for commune in communes:
            for i in (i for i, word in enumerate(words) if not word.isascii()):
                keyed = " ".join([*words[:i], telex(words[i]), *words[i + 1:]])
                typed.append(f"UBND {commune.kind} {commune.proper}, {district.kind} {keyed}")
                wanted.append(unit_id(commune))
    wrong = [(t, f) for t, f, w in zip(typed, _found(code, typed), wanted, strict=True) if f != w]
    assert not wrong, wrong


def _lettered() -> Iterator[tuple[str, Place]]:
    """Units whose name opens with a letter that is no syllable ("P Rao", "H Bông"), each the only unit of
    the province with its name."""
    for code, province in sorted(_provinces().items()):
        for unit in _one_of_a_name(units_of(province)):
            first = strip_marks(unit.proper.split()[0]).lower()
            if len(first) == 1 and first.isalpha() and first not in "ivxlcdm" and not is_syllable(first):
                yield code, unit


@pytest.mark.parametrize(("code", "unit"), list(_lettered()), ids=lambda v: getattr(v, "official", v))
def test_a_name_opening_with_a_type_letter_is_that_name_without_its_type(code: str, unit: Place) -> None:
    assert unit.parent is not None
    district = unit.parent
    typed = [unit.proper, f"UBND {unit.proper}", f"{unit.proper.upper()} – {district.kind} {district.proper}",
             f"{strip_marks(unit.proper)} ({district.kind} {district.proper})", f"{unit.kind} {unit.proper}"]
    found = _found(code, typed)
    assert found == [unit_id(unit)] * len(typed), list(zip(typed, found, strict=True))
