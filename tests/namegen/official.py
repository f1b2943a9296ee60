"""The official list's provinces and a matcher over a province's whole roster, for tests that check name
matching on every unit of a kind (they skip when ../shared/data is not beside the repository)."""

from __future__ import annotations

import csv
import io
from functools import cache

import pytest

from aggregator.campaign import MatchingSettings
from aggregator.campaign.roster import parse_roster
from aggregator.models import MatchKind
from aggregator.names.matching import Matcher, build_matcher, match_names
from tests.namegen.admin import Province, load
from tests.namegen.build import ADMIN, SetSpec, roster_rows


@cache
def official_provinces() -> dict[str, Province]:
    if not ADMIN.exists():
        pytest.skip(f"{ADMIN} is absent (shared/ is not beside the repository)")
    return load(ADMIN)


@cache
def province_matcher(province: str) -> Matcher:
    """A matcher over every unit of the province, named "UBND xã …" with its full locality."""
    rows = roster_rows(official_provinces()[province], SetSpec("t", province, (), "ubnd", "full", "dev", 0))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return build_matcher(parse_roster(text.getvalue(), origin="t"), MatchingSettings())


def found_in(province: str, typed: list[str]) -> list[tuple[MatchKind, str | None]]:
    """What each typed name matched in the province's roster: (kind, unit id)."""
    return [(o.kind, o.unit_id) for o in match_names(province_matcher(province), typed)]
