"""Properties of folding and matching that must hold for any input (hypothesis)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregator.adapters.roster_file import read_roster
from aggregator.campaign import MatchingSettings
from aggregator.models import MatchKind, RosterUnit
from aggregator.names.matching import Matcher, build_matcher, match_names
from aggregator.textnorm import fold, strip_marks

DATA = Path(__file__).resolve().parent / "data_names"
PROPERTY = settings(max_examples=120, deadline=None, derandomize=True,  # deterministic in CI
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
TEXT = st.text(alphabet=st.sampled_from(VIETNAMESE + VIETNAMESE.upper() + string.digits + " .,-()/&\u200b\u00a0"),
               max_size=40)
ROSTER = read_roster(DATA / "soc-trang.roster.csv")
OTHER_PROVINCES = ("Bạc Liêu", "Hậu Giang", "Vĩnh Long", "Cà Mau", "Kiên Giang", "Bến Tre")
DISTRICT_FORMS = ("{name}, H. {d}", "{name} - huyện {d}", "{name} (huyện {d})", "{name} huyện {d}")


@pytest.fixture(scope="module")
def soctrang() -> Matcher:
    return build_matcher(ROSTER, MatchingSettings())


@PROPERTY
@given(TEXT)
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@PROPERTY
@given(TEXT)
def test_fold_ignores_case_and_accents(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower()) == fold(strip_marks(text).lower())


_WARDS = [RosterUnit(f"P{n}", "xa", f"Phường {n}") for n in (1, 2, 3, 4, 5, 7, 10, 12)]
_NUMBERED = build_matcher([*_WARDS, RosterUnit("X", "xa", "Xã Long Đức 1"), RosterUnit("Y", "xa", "Xã Long Đức 2")],
                          MatchingSettings())
_NUMBER_FORMS = ("Phường {n}", "P{n}", "P.{n:02d}", "F{n}", "UBND phường {n}", "Phuong so {n}", "UBND P {n}",
                 "Xã Long Đức {n}", "UBND xa Long Duc {n}", "Long Đức {n}")


@PROPERTY
@given(st.integers(min_value=0, max_value=30), st.sampled_from(_NUMBER_FORMS))
def test_a_typed_name_never_matches_a_unit_whose_number_differs(number: int, form: str) -> None:
    outcome = match_names(_NUMBERED, [form.format(n=number)])[0]
    if outcome.kind is MatchKind.MATCHED:
        unit = next(u for u in [*_WARDS, RosterUnit("X", "", "1"), RosterUnit("Y", "", "2")]
                    if u.unit_id == outcome.unit_id)
        assert unit.name.split()[-1] == str(number)


def _district(unit: RosterUnit) -> str | None:
    first = unit.locality.split(",")[0].strip()
    kind, _, name = first.partition(" ")
    return name if kind == "huyện" else None


_COMMUNES = [u for u in ROSTER if _district(u)]


@PROPERTY
@given(st.sampled_from(_COMMUNES), st.sampled_from(("UBND xã {p}", "Xã {p}", "{p}", "UBND {p}", "X. {p}")),
       st.sampled_from(DISTRICT_FORMS), st.booleans())
def test_an_agreeing_qualifier_never_changes_a_match(soctrang: Matcher, unit: RosterUnit, head: str, form: str,
                                                      plain: bool) -> None:
    proper = unit.name.split(" ", 4)[-1] if unit.name.startswith("Ủy ban nhân dân") else unit.name
    typed = head.format(p=proper)
    typed = strip_marks(typed) if plain else typed
    before = match_names(soctrang, [typed])[0]
    if before.kind is MatchKind.MATCHED:
        target = next(u for u in ROSTER if u.unit_id == before.unit_id)
        district = _district(target)
        if district:
            after = match_names(soctrang, [form.format(name=typed, d=district)])[0]
            assert (after.kind, after.unit_id) == (before.kind, before.unit_id)


@PROPERTY
@given(st.sampled_from(ROSTER), st.sampled_from(OTHER_PROVINCES),
       st.sampled_from((", tỉnh {x}", " - tỉnh {x}", " (tỉnh {x})", " tỉnh {x}", ", Tinh {x}")), st.booleans())
def test_a_qualifier_naming_another_province_never_matches(soctrang: Matcher, unit: RosterUnit, province: str,
                                                            form: str, plain: bool) -> None:
    typed = unit.name + form.format(x=province)
    outcome = match_names(soctrang, [strip_marks(typed) if plain else typed])[0]
    assert outcome.kind is not MatchKind.MATCHED, outcome


@PROPERTY
@given(st.lists(st.sampled_from(["UBND xã Long Đức", "Phường 1", "UBND P10", "Long Phú", "", "Công an xã Long Đức",
                                 "UBND xã Trường Khámh", "TT. Châu hành"]), max_size=12))
def test_each_name_is_matched_the_same_whatever_its_company(soctrang: Matcher, names: list[str]) -> None:
    together = match_names(soctrang, names)
    assert together == [match_names(soctrang, [name])[0] for name in names]


@PROPERTY
@given(TEXT)
def test_any_text_is_read_without_error_and_never_merged_twice(soctrang: Matcher, text: str) -> None:
    outcome = match_names(soctrang, [text])[0]
    assert outcome.kind in MatchKind
    assert (outcome.unit_id is not None) == (outcome.kind is MatchKind.MATCHED)
