"""The independent check of issue 9 (tests/redteam): sets typed without looking at the matcher.

Main sets (Đồng Tháp, Cà Mau; two roster styles each): 0 wrong merges, recall >= 0.95, every name
that must stay unmatched left unmatched. Stretch and group-hint sets: 0 wrong merges. The probe
(look-alike names in every province of the official list): 0 wrong merges.
"""

from __future__ import annotations

import filecmp
from functools import cache

import pytest

from tests.redteam import generate, probe
from tests.redteam.admin import ADMIN_LIST
from tests.redteam.evaluate import PROVINCES, ROSTERS, Result, misses, run_probe, run_set

MAIN = [(province, roster) for province in PROVINCES for roster in ROSTERS]


@cache
def result(province: str, roster: str, part: str) -> Result:
    return run_set(province, roster, part)


@pytest.mark.parametrize(("province", "roster"), MAIN)
def test_main_set_has_no_wrong_merge(province: str, roster: str) -> None:
    outcome = result(province, roster, "typed")
    assert not outcome.wrong, misses(outcome)


@pytest.mark.parametrize(("province", "roster"), MAIN)
def test_main_set_finds_95_percent(province: str, roster: str) -> None:
    outcome = result(province, roster, "typed")
    assert outcome.recall >= 0.95, misses(outcome)


@pytest.mark.parametrize(("province", "roster"), MAIN)
def test_main_set_leaves_every_negative_unmatched(province: str, roster: str) -> None:
    outcome = result(province, roster, "typed")
    assert outcome.kept == outcome.keep, misses(outcome)


@pytest.mark.parametrize("part", ["stretch", "hints"])
@pytest.mark.parametrize(("province", "roster"), MAIN)
def test_stretch_and_hint_sets_have_no_wrong_merge(province: str, roster: str, part: str) -> None:
    outcome = result(province, roster, part)
    assert not outcome.wrong, misses(outcome)


def test_probe_of_every_province_has_no_wrong_merge() -> None:
    outcome = run_probe()
    assert not outcome.wrong, misses(outcome)


@pytest.mark.skipif(not ADMIN_LIST.exists(), reason="the shared official list is not beside the repository")
def test_sets_are_as_generated(tmp_path) -> None:
    generate.main(tmp_path)
    probe.main(tmp_path)
    names = sorted(p.name for p in generate.DATA.glob("*.csv"))
    assert names == sorted(p.name for p in tmp_path.glob("*.csv"))
    _, mismatch, errors = filecmp.cmpfiles(generate.DATA, tmp_path, names, shallow=False)
    assert not mismatch and not errors
