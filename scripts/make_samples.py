"""Generate the two bundled demo workbooks and their answer keys (deterministic).

    .venv/bin/python scripts/make_samples.py [--out DIR]

writes ``nhatrang-2024.xlsx`` / ``travinh-2024.xlsx`` and the matching ``*.truth.json`` into
``config/samples/`` (or DIR). The workbooks imitate real shared sheets: names typed the way
clerks type them, resubmissions, late rows, blank rows, unknown agencies and every count-cell and
date form of CONTRACT §3. The answer key is this script's own statement of intent (which roster
unit each row is meant to be, what each count cell must parse to, which cells are problems); it
is never produced by running the project's pipeline. Same code → byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import sys
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import sample_mess as mess
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from aggregator.adapters import campaign_file as campaign_mod
from aggregator.adapters.roster_file import read_roster
from aggregator.campaign import Campaign
from aggregator.models import ColumnType, RosterUnit

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "config"
DEFAULT_OUT = CONFIG / "samples"
SEED = 2024
CREATED = dt.datetime(2024, 10, 29, 8, 0)
ZIP_TIME = (2024, 10, 29, 8, 0, 0)
KINDS = ("normal", "resubmission", "blank", "unknown", "ambiguous", "no_name")
MAJOR = (
    "no_diacritics",
    "new_tone",
    "swapped",
    "typo_hoi_nga",
    "typo_dot",
    "roman",
    "zero_padded",
    "p_dot",
    "nfd",
    "zwsp",
    "mojibake",
)


# Plan data structures ------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    raw: Any  # what is written into the sheet
    value: int | None  # what it MUST parse to (None: unknown or problem)
    problem: bool = False


@dataclass
class Row:
    kind: str
    unit_id: str | None
    typed_name: str | None
    when: dt.datetime
    date_form: str = "empty"
    date_when: dt.datetime | None = None
    counts: dict[str, Cell] = field(default_factory=dict)
    texts: dict[str, Any] = field(default_factory=dict)
    mess: list[str] = field(default_factory=list)
    winner: bool | None = None
    tag: str = ""
    number: int = 0
    stt: int | None = None


@dataclass
class Ctx:
    """One campaign's generation: its settings, roster, plan and the one seeded RNG."""

    campaign: Campaign
    units: tuple[RosterUnit, ...]
    profile: mess.Profile
    rng: random.Random
    keys: tuple[str, ...]

    @cached_property
    def by_id(self) -> dict[str, RosterUnit]:
        return {u.unit_id: u for u in self.units}


# Figures and texts ---------------------------------------------------------------------------
def unit_ranges(ctx: Ctx, group: str, unit_id: str = "") -> dict[str, tuple[int, int, float]]:
    ranges = dict(ctx.profile.ranges[group])
    for prefix, over in ctx.profile.overrides.items():
        if unit_id.startswith(prefix):
            ranges.update(over)
    return ranges


def draw_values(ctx: Ctx, group: str, unit_id: str = "") -> dict[str, int | None]:
    """Intended figures: skewed towards the low end of the group's range, some left empty."""
    rng, out = ctx.rng, {}
    for key, (lo, hi, p_empty) in unit_ranges(ctx, group, unit_id).items():
        if rng.random() < p_empty:
            out[key] = None
        else:
            out[key] = lo + int((hi - lo) * rng.random() ** 1.6)
    return out


def plain_cell(value: int | None, rng: random.Random) -> Cell:
    """Mostly a typed number; now and then "1.234" text or a zero word, as real sheets have."""
    if value is None:
        return Cell(None, None)
    if value >= 1000 and rng.random() < 0.1:
        return Cell(mess.thousands(value, "."), value)
    if value == 0 and rng.random() < 0.12:
        return Cell(rng.choice(("-", "không")), 0)
    return Cell(value, value)


def formed_cell(form: str, value: int | None, rng: random.Random) -> Cell:
    """A non-problem cell in one of CONTRACT §3's typed forms, with the value it must parse to."""
    separators = {"dot": ".", "comma": ",", "space": " "}
    if form in separators:
        number = value if value and value >= 1000 else rng.randint(1100, 4800)
        return Cell(mess.thousands(number, separators[form]), number)
    if form in mess.APPROX_WORDS:
        number = mess.round_nicely(value if value else rng.randint(150, 900))
        return Cell(mess.approx_text(number, form), number)
    if form in mess.UNIT_WORDS:
        number = value if value else rng.randint(60, 900)
        return Cell(f"{number} {form}", number)
    if form in mess.ZERO_WORDS:
        return Cell(form, 0)
    raise ValueError(f"unknown cell form {form!r}")


def earlier_values(final: dict[str, int | None], rng: random.Random) -> dict[str, int | None]:
    """A first submission that the later one corrects: partial, lower or mistyped figures."""
    out: dict[str, int | None] = {}
    for key, value in final.items():
        roll = rng.random()
        if value is None or roll < 0.45:
            out[key] = value
        elif roll < 0.75:
            out[key] = int(value * rng.uniform(0.5, 0.9))
        elif roll < 0.9:
            out[key] = None
        else:
            out[key] = value * 10 + rng.randint(0, 9)  # an extra digit
    if out == final:
        key = next(k for k, v in final.items() if v)
        out[key] = int(final[key] * 0.8)  # type: ignore[operator]
    return out


def weighted(rng: random.Random, options: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def draw_texts(ctx: Ctx, group: str) -> dict[str, Any]:
    profile, rng = ctx.profile, ctx.rng
    texts: dict[str, Any] = {}
    texts["group_hint"] = rng.choice(profile.hints[group]) if rng.random() < 0.8 else None
    pool = profile.other_forms.get(group, ()) + profile.other_forms["*"]
    texts["other_forms"] = rng.choice(pool) if rng.random() < 0.45 else None
    texts["issues_raised"] = weighted(rng, profile.issues)
    texts["reporter"] = (
        mess.person(rng, profile.roles.get(group, profile.roles["*"])) if rng.random() < 0.92 else None
    )
    texts["phone"] = mess.phone(rng, profile.area_code)
    return texts


def pick_moment(ctx: Ctx) -> dt.datetime:
    rng, (first, last) = ctx.rng, ctx.profile.hours
    day = mess.at(weighted(rng, ctx.profile.days))
    return day + dt.timedelta(minutes=rng.randint(first * 60, last * 60 + 59), seconds=rng.randint(0, 59))


# Names ----------------------------------------------------------------------------------------
def typed_name(ctx: Ctx, unit: RosterUnit, use_alias: bool = False) -> tuple[str, str]:
    forms = mess.alias_forms(unit) if use_alias else mess.clerk_forms(unit, ctx.profile.extra_forms)
    return ctx.rng.choice(forms)


def check_forms_unambiguous(ctx: Ctx) -> None:
    """No base form (folded: no accents, case or punctuation) may fit two roster units or an extra."""
    owner: dict[str, str] = {}
    for unit in ctx.units:
        for text, _ in mess.clerk_forms(unit, ctx.profile.extra_forms) + mess.alias_forms(unit):
            key = mess.fold(text)
            if owner.setdefault(key, unit.unit_id) != unit.unit_id:
                raise AssertionError(f"{text!r} fits both {owner[key]} and {unit.unit_id}")
    for extra in ctx.profile.extras:
        if extra.typed and mess.fold(extra.typed) in owner:
            raise AssertionError(f"extra row {extra.typed!r} looks like {owner[mess.fold(extra.typed)]}")


# Rows -----------------------------------------------------------------------------------------
def scenario_rows(ctx: Ctx, unit: RosterUnit, scenario: mess.Scenario) -> list[Row]:
    rng, count = ctx.rng, len(scenario.subs)
    winner = scenario.winner % count
    final = draw_values(ctx, unit.group, unit.unit_id)
    final_cells = {k: plain_cell(v, rng) for k, v in final.items()}
    texts = draw_texts(ctx, unit.group)
    rows: list[Row] = []
    for index, sub in enumerate(scenario.subs):
        twin = scenario.twin_last and index == count - 2
        if index == winner or twin:
            cells = dict(final_cells)
        else:
            cells = {k: plain_cell(v, rng) for k, v in earlier_values(final, rng).items()}
        if index == 0 and scenario.early_problem:
            key, raw = scenario.early_problem
            cells[key] = Cell(raw, None, True)
        name, tag = resubmission_name(
            ctx, unit, rows, index == 0 and unit.unit_id in ctx.profile.alias_showcase
        )
        rows.append(
            Row(
                kind="resubmission" if count > 1 else "normal",
                unit_id=unit.unit_id,
                typed_name=name,
                when=sub.sort_when or sub.when,
                date_form=sub.form,
                date_when=sub.when,
                counts=cells,
                texts=dict(texts),
                mess=[tag],
                winner=index == winner,
                tag=scenario.tag,
            )
        )
    if scenario.twin_last:
        rows[-1].typed_name, rows[-1].mess = rows[-2].typed_name, list(rows[-2].mess)
    return rows


def resubmission_name(ctx: Ctx, unit: RosterUnit, earlier: list[Row], use_alias: bool) -> tuple[str, str]:
    """Later submissions often reuse the first row's name, sometimes with a note."""
    rng = ctx.rng
    if not earlier:
        return typed_name(ctx, unit, use_alias)
    name, tag = (
        (earlier[0].typed_name or "", earlier[0].mess[0]) if rng.random() < 0.5 else typed_name(ctx, unit)
    )
    if rng.random() < 0.4:
        return name + rng.choice(mess.RESUBMIT_NOTES), f"{tag}+note"
    return name, tag


def single_scenario(ctx: Ctx) -> mess.Scenario:
    when = pick_moment(ctx)
    sort_when = None
    if ctx.profile.jitter and ctx.rng.random() < 0.2:
        sort_when = when + dt.timedelta(hours=ctx.rng.uniform(-ctx.profile.jitter, ctx.profile.jitter))
    return mess.Scenario("single", (mess.Sub(when, weighted(ctx.rng, ctx.profile.date_forms), sort_when),))


def extra_row(ctx: Ctx, extra: mess.Extra) -> Row:
    when = extra.when or pick_moment(ctx)
    values = extra.values if extra.values is not None else draw_values(ctx, extra.like)
    return Row(
        kind=extra.kind,
        unit_id=None,
        typed_name=extra.typed,
        when=when,
        date_form=weighted(ctx.rng, ctx.profile.date_forms),
        date_when=when,
        counts={k: plain_cell(v, ctx.rng) for k, v in values.items()},
        texts=draw_texts(ctx, extra.like),
        mess=["outside roster" if extra.kind == "unknown" else extra.kind],
    )


def choose_missing(ctx: Ctx) -> set[str]:
    """Missing units per group; schools also lose a run of neighbouring kindergartens."""
    profile, rng = ctx.profile, ctx.rng
    missing = set(profile.force_missing)
    keep = set(profile.force_report)
    if profile.kindergarten_run:
        run = profile.kindergarten_run
        kinder = [u.unit_id for u in ctx.units if u.unit_id.startswith(("TR-MN-", "TR-MG-"))]
        starts = [i for i in range(len(kinder) - run + 1) if not set(kinder[i : i + run]) & keep]
        start = rng.choice(starts)
        missing.update(kinder[start : start + run])
    for group, count in profile.missing.items():
        pool = [u.unit_id for u in ctx.units if u.group == group and u.unit_id not in missing | keep]
        missing.update(rng.sample(pool, count))
    return missing


def assign_scenarios(ctx: Ctx, reporting: list[RosterUnit]) -> dict[str, mess.Scenario]:
    chosen: dict[str, mess.Scenario] = {}
    for scenario in ctx.profile.scenarios:
        if scenario.unit_id:
            unit_id = scenario.unit_id
        else:
            pool = [
                u.unit_id
                for u in reporting
                if u.unit_id not in chosen
                and u.unit_id.startswith(scenario.prefix)
                and (scenario.group is None or u.group == scenario.group)
            ]
            unit_id = ctx.rng.choice(pool)
        chosen[unit_id] = scenario
    return chosen


def build_rows(ctx: Ctx) -> list[Row]:
    missing = choose_missing(ctx)
    reporting = [u for u in ctx.units if u.unit_id not in missing]
    scenarios = assign_scenarios(ctx, reporting)
    rows: list[Row] = []
    for unit in reporting:
        scenario = scenarios.get(unit.unit_id) or single_scenario(ctx)
        rows += scenario_rows(ctx, unit, scenario)
    rows += [extra_row(ctx, extra) for extra in ctx.profile.extras]
    order = sorted(range(len(rows)), key=lambda i: (rows[i].when, i))
    rows = [rows[i] for i in order]
    for fraction in ctx.profile.blank_at:
        rows.insert(
            round(len(rows) * fraction), Row(kind="blank", unit_id=None, typed_name=None, when=rows[0].when)
        )
    stt = 0
    for number, row in enumerate(rows, start=2):
        row.number = number
        if row.kind != "blank":
            stt += 1
            row.stt = None if ctx.rng.random() < 0.04 else stt
    return rows


# Name mess plan -----------------------------------------------------------------------------
def _swapped(text: str, unit: RosterUnit, rng: random.Random) -> str | None:
    """Swapped word order: "Vĩnh Lương - UBND xã", "Thành ủy - Ban Dân vận"."""
    local = mess.LOCAL_BODY.match(unit.name)
    if local and local.group(1) in ("phường", "xã"):
        return f"{local.group(2)} - UBND {local.group(1)}"
    if unit.name.startswith("Ban ") and " Thành ủy " in unit.name:
        return f"Thành ủy - {unit.name.split(' Thành ủy ')[0]}"
    return None


def _p_dot(text: str, unit: RosterUnit, rng: random.Random) -> str | None:
    """P. for Phòng (not phường): "P. Kinh tế TP"."""
    return (
        "P. " + text.removeprefix("Phòng ")
        if unit.group == "chuyenmon" and text.startswith("Phòng ")
        else None
    )


MESS_FUNCS: dict[str, Callable[[str, RosterUnit, random.Random], str | None]] = {
    "no_diacritics": lambda s, u, r: mess.no_diacritics(s),
    "new_tone": lambda s, u, r: mess.new_tone(s),
    "swapped": _swapped,
    "typo_hoi_nga": lambda s, u, r: mess.typo_hoi_nga(s, r),
    "typo_dot": lambda s, u, r: mess.typo_drop_dot(s, r),
    "roman": lambda s, u, r: mess.school_roman(s),
    "zero_padded": lambda s, u, r: mess.school_zero_padded(s),
    "p_dot": _p_dot,
    "nfd": lambda s, u, r: mess.nfd(s),
    "zwsp": lambda s, u, r: mess.zero_width_space(s, r),
    "mojibake": lambda s, u, r: mess.mojibake(s),
    "note": lambda s, u, r: s + r.choice(mess.DONE_NOTES),
    "spaces": lambda s, u, r: mess.extra_spaces(s, r),
    "case": lambda s, u, r: mess.odd_case(s, r),
    "period": lambda s, u, r: mess.trailing_period(s),
}
ENCODING = ("nfd", "zwsp", "mojibake")


def may_take(row: Row, kind: str, light: bool) -> bool:
    """At most one major and one light transformation per row; alias rows keep their spelling."""
    if any(m in MAJOR for m in row.mess) or (light and any(m in MESS_FUNCS for m in row.mess)):
        return False
    if kind == "note" and "+note" in row.mess[0]:
        return False
    return light or kind in ENCODING or not row.mess[0].startswith("alias")


def apply_mess(ctx: Ctx, rows: list[Row], kinds: Sequence[tuple[str, int]], light: bool) -> None:
    """Give ``count`` matched rows each listed transformation, picked at random among those it fits."""
    matched = [row for row in rows if row.unit_id]
    for kind, count in kinds:
        candidates = list(matched)
        ctx.rng.shuffle(candidates)
        done = 0
        for row in candidates:
            if done == count:
                break
            if not may_take(row, kind, light):
                continue
            out = MESS_FUNCS[kind](row.typed_name or "", ctx.by_id[row.unit_id or ""], ctx.rng)
            if out and out != row.typed_name:
                row.typed_name, done = out, done + 1
                row.mess.append(kind)
        if done < count:
            raise AssertionError(f"only {done} of {count} rows could take {kind!r}")


def mess_names(ctx: Ctx, rows: list[Row]) -> None:
    structural = [(k, n) for k, n in ctx.profile.major_plan if k not in ENCODING]
    encoding = [(k, n) for k, n in ctx.profile.major_plan if k in ENCODING]
    apply_mess(ctx, rows, structural, light=False)
    apply_mess(ctx, rows, ctx.profile.light_plan, light=True)
    apply_mess(ctx, rows, encoding, light=False)


# Deliberate cells --------------------------------------------------------------------------
def place_cells(ctx: Ctx, rows: list[Row]) -> None:
    """Problem cells and every CONTRACT §3 form, each on a different plain unit's only row."""
    used: set[str] = set()
    for plan in ctx.profile.cell_plans:
        pool = [
            r
            for r in rows
            if r.tag == "single"
            and r.unit_id not in used
            and (r.unit_id or "").startswith(plan.prefix)
            and (plan.group is None or ctx.by_id[r.unit_id or ""].group == plan.group)
        ]
        row = ctx.rng.choice(pool)
        used.add(row.unit_id or "")
        for key, form in plan.cells:
            if plan.problem:
                row.counts[key] = Cell(form, None, True)
            else:
                row.counts[key] = formed_cell(form, row.counts[key].value, ctx.rng)


# The answer key --------------------------------------------------------------------------------
def truth_row(row: Row, keys: Sequence[str], deadline: dt.datetime) -> dict[str, Any]:
    assert row.kind in KINDS, row.kind
    submitted = None
    if row.kind != "blank":
        _, _, submitted = mess.date_cell(row.date_form, row.date_when or row.when)
    matched = row.unit_id is not None
    return {
        "row": row.number,
        "unit_id": row.unit_id,
        "kind": row.kind,
        "typed_name": row.typed_name,
        "submitted": submitted,
        "values": {k: row.counts[k].value if k in row.counts else None for k in keys},
        "problems": [k for k in keys if k in row.counts and row.counts[k].problem],
        "winner": row.winner if matched else None,
        "late": is_late(submitted, deadline) if matched and row.winner else None,
        "mess": row.mess,
    }


def is_late(submitted: str | None, deadline: dt.datetime) -> bool:
    """A date without a time is that whole day; a time is in the campaign's zone."""
    if submitted is None:
        return False
    if "T" not in submitted:
        return dt.date.fromisoformat(submitted) > deadline.date()
    return mess.at(submitted).replace(tzinfo=deadline.tzinfo) > deadline


def derive_winners(truth: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Latest submission per unit by date; by row order when a unit's rows carry no dates."""
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for row in truth:
        if row["unit_id"]:
            by_unit.setdefault(row["unit_id"], []).append(row)
    winners = {}
    for unit_id, rows in by_unit.items():
        dated = [r["submitted"] is not None for r in rows]
        if any(dated) and not all(dated):
            raise AssertionError(f"{unit_id}: mixes dated and undated rows")
        stamps = [mess.at(r["submitted"]) for r in rows] if all(dated) else []
        if len(set(stamps)) != len(stamps):
            raise AssertionError(f"{unit_id}: two rows with the same date")
        winners[unit_id] = max(rows, key=lambda r: mess.at(r["submitted"])) if stamps else rows[-1]
    return winners


def summarize(truth: list[dict[str, Any]], ctx: Ctx) -> dict[str, Any]:
    deadline = ctx.campaign.deadline
    winners = derive_winners(truth)
    late = {u for u, r in winners.items() if is_late(r["submitted"], deadline)}
    groups = []
    for group in ctx.campaign.groups:
        ids = [u.unit_id for u in ctx.units if u.group == group.code]
        got = [i for i in ids if i in winners]
        groups.append(
            {
                "group": group.code,
                "expected": len(ids),
                "reported": len(got),
                "late": len(set(got) & late),
                "missing": len(ids) - len(got),
            }
        )
    return {
        "units_expected": len(ctx.units),
        "units_reported": len(winners),
        "units_late": len(late),
        "units_missing": len(ctx.units) - len(winners),
        "units_with_problems": sum(1 for r in winners.values() if r["problems"]),
        "rows_unmatched": sum(1 for r in truth if r["unit_id"] is None and r["kind"] != "blank"),
        "rows_superseded": sum(1 for r in truth if r["unit_id"]) - len(winners),
        "rows_blank": sum(1 for r in truth if r["kind"] == "blank"),
        "data_rows": len(truth),
        "metrics": {k: sum(r["values"][k] or 0 for r in winners.values()) for k in ctx.keys},
        "groups": groups,
        "late_units": sorted(late),
        "missing_units": [u.unit_id for u in ctx.units if u.unit_id not in winners],
    }


def check_intent(rows: list[Row], truth: list[dict[str, Any]]) -> None:
    winners = derive_winners(truth)
    for row in rows:
        if row.unit_id and row.winner != (winners[row.unit_id]["row"] == row.number):
            raise AssertionError(f"row {row.number}: the policy's winner differs from the intended one")


def answer_key(ctx: Ctx, rows: list[Row]) -> dict[str, Any]:
    truth = [truth_row(r, ctx.keys, ctx.campaign.deadline) for r in rows]
    check_intent(rows, truth)
    return {
        "campaign": ctx.campaign.id,
        "deadline": ctx.campaign.deadline.isoformat(),
        "tab": ctx.campaign.source.tab,
        "header_row": 1,
        "seed": SEED,
        "note": "Written by scripts/make_samples.py as a statement of intent, not by the pipeline. "
        "values: what each count cell must parse to (null: empty or problem); winner/late: the "
        "intended resolution; expected: totals derived from these rows (problems of winning rows only).",
        "expected": summarize(truth, ctx),
        "rows": truth,
    }


def dump_key(key: dict[str, Any]) -> str:
    """Pretty JSON with one line per sheet row, so diffs stay readable."""
    head = {k: v for k, v in key.items() if k != "rows"}
    text = json.dumps(head, ensure_ascii=False, indent=2)[:-2]
    lines = [json.dumps(r, ensure_ascii=False) for r in key["rows"]]
    return text + ',\n  "rows": [\n    ' + ",\n    ".join(lines) + "\n  ]\n}\n"


# The workbook ----------------------------------------------------------------------------------
def cell_value(row: Row, key: str) -> tuple[Any, str | None]:
    if key == "row_number":
        return row.stt, None
    if key == "unit_name":
        return row.typed_name, None
    if key == "submitted_at":
        raw, number_format, _ = mess.date_cell(row.date_form, row.date_when or row.when)
        return raw, number_format
    if key in row.counts:
        return row.counts[key].raw, None
    return row.texts.get(key), None


def write_sheet(ws: Worksheet, ctx: Ctx, rows: list[Row]) -> None:
    columns = ctx.campaign.columns
    ws.append([c.header for c in columns])
    for row in rows:
        if row.kind == "blank":
            continue
        for index, column in enumerate(columns, start=1):
            value, number_format = cell_value(row, column.key)
            if value is None:
                continue
            cell = ws.cell(row=row.number, column=index, value=value)
            if number_format:
                cell.number_format = number_format
    style_sheet(ws, ctx)


def style_sheet(ws: Worksheet, ctx: Ctx) -> None:
    fill = PatternFill("solid", fgColor=ctx.profile.header_fill)
    for index, column in enumerate(ctx.campaign.columns, start=1):
        head = ws.cell(row=1, column=index)
        head.font = Font(bold=True)
        head.fill = fill
        head.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        width = ctx.profile.widths.get(column.key, 15 if column.type is ColumnType.COUNT else 20)
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.row_dimensions[1].height = 48
    ws.freeze_panes = "A2"


def write_guide(wb: Workbook, lines: Sequence[str]) -> None:
    ws = wb.create_sheet("Hướng dẫn")
    for number, line in enumerate(lines, start=1):
        cell = ws.cell(row=number, column=1, value=line or None)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(bold=number == 1)
    ws.column_dimensions["A"].width = 110


def save_reproducible(wb: Workbook, path: Path) -> None:
    """openpyxl stamps the save time into docProps and the zip entries; pin both."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, src.read(info.filename))
    path.write_bytes(out.getvalue())


def write_workbook(path: Path, ctx: Ctx, rows: list[Row]) -> None:
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)
    ws.title = ctx.campaign.source.tab
    write_sheet(ws, ctx, rows)
    if ctx.profile.guide:
        write_guide(wb, ctx.profile.guide)
    wb.properties.creator = "aggregator scripts/make_samples.py (demo data)"
    wb.properties.lastModifiedBy = None
    wb.properties.title = ctx.campaign.title
    wb.properties.created = CREATED
    wb.properties.modified = ctx.profile.modified
    save_reproducible(wb, path)


# Driver -----------------------------------------------------------------------------------------
def make_context(profile: mess.Profile) -> Ctx:
    campaign = campaign_mod.load(CONFIG / f"{profile.stem}.yaml")
    units = read_roster(campaign.roster_path, [g.code for g in campaign.groups])  # type: ignore[arg-type]
    keys = tuple(c.key for c in campaign.metric_columns)
    return Ctx(campaign, units, profile, random.Random(SEED), keys)


def generate(profile: mess.Profile, out_dir: Path) -> dict[str, Any]:
    """Write one workbook and its answer key; returns the key."""
    ctx = make_context(profile)
    check_forms_unambiguous(ctx)
    rows = build_rows(ctx)
    mess_names(ctx, rows)
    place_cells(ctx, rows)
    key = answer_key(ctx, rows)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_workbook(out_dir / f"{profile.stem}.xlsx", ctx, rows)
    (out_dir / f"{profile.stem}.truth.json").write_text(dump_key(key), encoding="utf-8")
    return key


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: config/samples)"
    )
    args = parser.parse_args(argv)
    for profile in (mess.NHATRANG, mess.TRAVINH):
        key = generate(profile, args.out)
        expected = {k: v for k, v in key["expected"].items() if k not in ("groups", "missing_units")}
        print(f"{profile.stem}: {json.dumps(expected, ensure_ascii=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
