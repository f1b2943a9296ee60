"""The matcher kept between cycles of one process (app/pipeline.py ``matcher_for``): reused only for the same
roster and settings, and a reused one answers exactly as a new one does."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.adapters import campaign_file
from aggregator.adapters.roster_file import campaign_roster
from aggregator.app import pipeline, wiring
from aggregator.cells.frame import TYPED_NAME
from aggregator.names.matching import build_matcher, match_names
from aggregator.textnorm import strip_marks

NOW = dt.datetime(2024, 11, 11, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.mark.parametrize("name", ["nhatrang-2024.yaml", "travinh-2024.yaml"])
def test_a_kept_matcher_answers_as_a_new_one(name: str, tmp_path: Path) -> None:
    campaign = campaign_file.load(campaign_file.BUNDLED_CONFIG_DIR / name)
    roster = campaign_roster(campaign)
    snapshot = wiring.open_ports(campaign, tmp_path, None)[0].read()
    typed = [n for n in pipeline.read_rows(campaign, snapshot, NOW)[0].table[TYPED_NAME].tolist() if n]
    messy = [variant for n in typed for variant in (n.upper(), strip_marks(n), n.replace("Ủy ban nhân dân", "UB"))]
    fresh = build_matcher(roster, campaign.matching, area=campaign.area, groups=campaign.group_labels)
    expected = match_names(fresh, typed + messy)

    kept = build_matcher(roster, campaign.matching, area=campaign.area, groups=campaign.group_labels)
    match_names(kept, list(reversed(messy)))  # an earlier cycle's names, in another order
    match_names(kept, typed[::3])

    assert match_names(kept, typed + messy) == expected
    assert sum(o.unit_id is not None for o in expected) > len(typed)  # the names do match units


@pytest.fixture
def kept() -> Iterator[None]:
    pipeline.keep_matchers()
    yield
    pipeline.keep_matchers(False)


@pytest.mark.usefixtures("kept")
def test_the_matcher_is_kept_only_for_the_same_roster_and_settings() -> None:
    campaign = campaign_file.load(campaign_file.BUNDLED_CONFIG_DIR / "nhatrang-2024.yaml")
    roster = campaign_roster(campaign)
    first = pipeline.matcher_for(campaign, roster)
    assert pipeline.matcher_for(campaign, [dataclasses.replace(u) for u in roster]) is first  # equal, not same
    learned = [dataclasses.replace(roster[0], aliases=(*roster[0].aliases, "UBND P. Vĩnh Hải cũ")), *roster[1:]]
    second = pipeline.matcher_for(campaign, learned)
    assert second is not first
    stricter = campaign.model_copy(update={"matching": campaign.matching.model_copy(update={"accept": 0.95})})
    assert pipeline.matcher_for(stricter, learned) is not second
    other = campaign_file.load(campaign_file.BUNDLED_CONFIG_DIR / "travinh-2024.yaml")
    pipeline.matcher_for(other, campaign_roster(other))
    assert pipeline.matcher_for(stricter, learned) is pipeline.matcher_for(stricter, learned)


def test_a_one_cycle_process_keeps_no_matcher() -> None:
    campaign = campaign_file.load(campaign_file.BUNDLED_CONFIG_DIR / "nhatrang-2024.yaml")
    roster = campaign_roster(campaign)
    assert pipeline.matcher_for(campaign, roster) is not pipeline.matcher_for(campaign, roster)  # as in `run`
