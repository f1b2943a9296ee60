"""Builders of realistic Consolidations for the report tests and the benchmark.

``make_consolidation()`` gives the bundled Nha Trang roster (152 units) with a deterministic mix
of on-time, late and missing units, blank and invalid cells, resubmissions and typed
difficulties; ``make_consolidation(n_units=5000)`` gives a synthetic roster of any size.
Sums are computed here, independently of ``aggregator.consolidation.aggregate``, with the CONTRACT §5 rules.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from aggregator.adapters import campaign_file
from aggregator.adapters.roster_file import read_roster
from aggregator.campaign import Campaign
from aggregator.models import (
    Candidate,
    Consolidation,
    GroupSummary,
    MatchKind,
    Problem,
    RosterUnit,
    SourceInfo,
    SourceKind,
    Totals,
    UnitOutcome,
    UnitStatus,
    UnmatchedRow,
)

CONFIG = Path(__file__).resolve().parents[1] / "config"
GENERATED_AT = dt.datetime(2024, 11, 11, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
# Upper bound of each figure a unit reports (unknown keys: 300).
SCALE = {"officials": 120, "students": 1500, "citizens": 3000, "web_posts": 25, "social_posts": 80,
         "sessions": 12, "printed": 150, "press_items": 40, "sms": 250000}

ISSUES = (
    "Không",
    "không có",
    "Không có khó khăn",
    "-",
    "0",
    "Đề nghị cung cấp thêm video ngắn, infographic về các thủ đoạn lừa đảo mới.",
    "đề nghị  cung cấp thêm VIDEO ngắn, infographic về các thủ đoạn lừa đảo mới",
    "De nghi cung cap them video ngan, infographic ve cac thu doan lua dao moi",
    "Thiếu kinh phí in ấn tờ rơi, áp phích",
    "- Đề nghị tổ chức tập huấn cho cán bộ phụ trách\n- Thiếu kinh phí in ấn tờ rơi, áp phích",
    "",
)


def load_campaign(name: str = "nhatrang-2024") -> Campaign:
    return campaign_file.load(CONFIG / f"{name}.yaml")


def campaign_roster(campaign: Campaign) -> tuple[RosterUnit, ...]:
    return read_roster(campaign.resolve(campaign.roster), [g.code for g in campaign.groups])


def synthetic_roster(campaign: Campaign, n_units: int) -> tuple[RosterUnit, ...]:
    """``n_units`` units spread over the campaign's groups, in group order."""
    groups = [g for g in campaign.groups]
    per_group = [n_units // len(groups) + (1 if i < n_units % len(groups) else 0) for i in range(len(groups))]
    units = []
    for group, count in zip(groups, per_group, strict=True):
        for i in range(1, count + 1):
            units.append(RosterUnit(f"{group.code.upper()}-{i:05d}", group.code,
                                    f"Đơn vị số {i} thuộc {group.label}"))
    return tuple(units)


def _status(index: int) -> UnitStatus:
    if index % 7 == 3:
        return UnitStatus.MISSING
    return UnitStatus.LATE if index % 11 == 5 else UnitStatus.REPORTED


def make_unit(index: int, unit: RosterUnit, campaign: Campaign, rng: random.Random) -> UnitOutcome:
    """One unit's outcome; the pattern depends only on ``index`` (and the seeded ``rng``)."""
    keys = [c.key for c in campaign.metric_columns]
    status = _status(index)
    if status is UnitStatus.MISSING:
        return UnitOutcome(unit.unit_id, unit.name, unit.group, status, None, (), None, dict.fromkeys(keys),
                           {}, ())
    row = 2 + index
    metrics: dict[str, int | None] = {k: rng.randint(0, SCALE.get(k, 300)) for k in keys}
    problems: tuple[Problem, ...] = ()
    if index % 13 == 0:
        metrics[keys[-1]] = None  # a blank cell: unknown, not zero
    if index % 17 == 4:
        column = campaign.metric_columns[2]
        metrics[column.key] = None
        problems = (Problem(row, column.header, "abc", "“abc” không phải là một số"),)
    notes = ("“khoảng 200” được tính là 200",) if index % 19 == 2 else ()
    late_by = dt.timedelta(days=1, hours=2) if status is UnitStatus.LATE else dt.timedelta(days=-2)
    return UnitOutcome(
        unit_id=unit.unit_id, name=unit.name, group=unit.group, status=status, row=row,
        superseded_rows=(row - 1,) if index % 23 == 1 else (),
        submitted_at=campaign.deadline + late_by, metrics=metrics,
        texts={"issues_raised": ISSUES[index % len(ISSUES)], "reporter": "Nguyễn Thị C"},
        problems=problems, notes=notes,
    )


def summarise(units: Sequence[UnitOutcome],
              campaign: Campaign) -> tuple[tuple[GroupSummary, ...], dict[str, int]]:
    keys = [c.key for c in campaign.metric_columns]

    def sums(members: Sequence[UnitOutcome]) -> dict[str, int]:
        reported = [u for u in members if u.status is not UnitStatus.MISSING]
        return {k: sum(u.metrics[k] or 0 for u in reported) for k in keys}

    groups = []
    for g in campaign.groups:
        members = [u for u in units if u.group == g.code]
        reported = sum(1 for u in members if u.status is not UnitStatus.MISSING)
        late = sum(1 for u in members if u.status is UnitStatus.LATE)
        groups.append(GroupSummary(g.code, g.label, len(members), reported, late, len(members) - reported,
                                   sums(members)))
    return tuple(groups), sums(units)


def make_consolidation(
    campaign: Campaign | None = None,
    *,
    n_units: int | None = None,
    roster: Sequence[RosterUnit] | None = None,
    generated_at: dt.datetime = GENERATED_AT,
    seed: int = 2024,
) -> Consolidation:
    """A realistic result: the campaign's own roster by default, a synthetic one of ``n_units``."""
    campaign = campaign or load_campaign()
    if roster is None:
        roster = campaign_roster(campaign) if n_units is None else synthetic_roster(campaign, n_units)
    rng = random.Random(seed)
    units = tuple(make_unit(i, u, campaign, rng) for i, u in enumerate(roster))
    groups, metrics = summarise(units, campaign)
    reported = sum(g.reported for g in groups)
    unmatched = (
        UnmatchedRow(400, "UBND P.VH", MatchKind.AMBIGUOUS, (Candidate(roster[0].unit_id, 0.71),)),
        UnmatchedRow(401, "Trường ABC", MatchKind.NO_MATCH, ()),
    )
    totals = Totals(
        units_expected=len(units), units_reported=reported, units_late=sum(g.late for g in groups),
        units_missing=len(units) - reported, units_with_problems=sum(1 for u in units if u.problems),
        rows_unmatched=len(unmatched), rows_superseded=sum(len(u.superseded_rows) for u in units),
        rows_blank=2,
    )
    return Consolidation(
        campaign_id=campaign.id, campaign_title=campaign.title, deadline=campaign.deadline,
        generated_at=generated_at,
        source=SourceInfo(SourceKind.XLSX, "sample.xlsx", campaign.source.tab, len(units)),
        totals=totals, metrics=metrics, groups=groups, units=units, unmatched_rows=unmatched,
        superseded=tuple(sorted(r for u in units for r in u.superseded_rows)),
    )


def with_units(result: Consolidation, units: Sequence[UnitOutcome], campaign: Campaign) -> Consolidation:
    """``result`` with other unit outcomes, groups and totals recomputed."""
    groups, metrics = summarise(units, campaign)
    reported = sum(g.reported for g in groups)
    totals = replace(result.totals, units_expected=len(units), units_reported=reported,
                     units_late=sum(g.late for g in groups), units_missing=len(units) - reported,
                     units_with_problems=sum(1 for u in units if u.problems))
    return replace(result, units=tuple(units), groups=groups, metrics=metrics, totals=totals)


# Reading a rendered .docx back (lxml XPath: python-docx cell access is quadratic) ------------------
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def paragraph_text(p: object) -> str:
    return "".join(p.xpath(".//w:t/text()"))  # type: ignore[attr-defined]


def body_paragraphs(doc: object) -> list[str]:
    """Text of the paragraphs outside tables, in order."""
    body = doc.element.body  # type: ignore[attr-defined]
    return [paragraph_text(p) for p in body.iterchildren(f"{W}p")]


def table_rows(table: object) -> list[list[str]]:
    """Cell texts of every row of a python-docx Table."""
    return [[paragraph_text(tc) for tc in tr.iterchildren(f"{W}tc")]
            for tr in table._tbl.iterchildren(f"{W}tr")]  # type: ignore[attr-defined]


def all_text(doc: object) -> str:
    """Every paragraph of the body, tables included, one per line."""
    return "\n".join(paragraph_text(p) for p in doc.element.body.iter(f"{W}p"))  # type: ignore[attr-defined]
