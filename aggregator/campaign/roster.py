"""The roster of expected recipients (CONTRACT §4): CSV text → RosterUnit tuple."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from aggregator.errors import RosterError
from aggregator.models import RosterUnit
from aggregator.textnorm import traditional

COLUMNS = ("unit_id", "group", "name", "short_name", "aliases", "email", "source", "locality")
REQUIRED = ("unit_id", "group", "name")
SHOWN_LINES = 8  # longer lists of line numbers end with "… (N lines)"


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def _missing_columns(cells: Iterable[object]) -> list[str]:
    """The required columns a header row does not name (case and Unicode form aside)."""
    present = {_nfc(str(cell)).lower() for cell in cells if cell is not None}
    return [column for column in REQUIRED if column not in present]


def roster_header(cells: Iterable[object]) -> bool:
    """Whether a row is a roster's header: it names every required column."""
    return not _missing_columns(cells)


def _header_problem(fieldnames: Iterable[str] | None, origin: str) -> RosterError | None:
    missing = _missing_columns(fieldnames or [])
    if not missing:
        return None
    return RosterError(f"The roster {origin} lacks the column(s) {', '.join(missing)} in its header row.")


def _delimiter(text: str) -> str:
    """ "," as CONTRACT §4 says, or ";" when the header row is written with it: Excel in a Vietnamese
    (or any comma-decimal) locale saves "CSV" that way."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _unit(row: dict[str, str]) -> RosterUnit:
    aliases = tuple(a.strip() for a in row.get("aliases", "").split(";") if a.strip())
    # names are shown on the dashboard, in status.json and in the letter: tone marks in the traditional place
    return RosterUnit(row["unit_id"], row["group"], traditional(row["name"]), row.get("short_name", ""), aliases,
                      row.get("email", ""), row.get("source", ""), row.get("locality", ""))


def lines_text(lines: Sequence[int]) -> str:
    """``[3]`` → "line 3"; ``[3, 4, …]`` → "lines 3, 4, 5, 6, 7, 8, 9, 10 … (19 lines)"."""
    if len(lines) == 1:
        return f"line {lines[0]}"
    shown = ", ".join(map(str, lines[:SHOWN_LINES]))
    return f"lines {shown}" + (f" … ({len(lines)} lines)" if len(lines) > SHOWN_LINES else "")


def parse_roster(text: str, *, origin: str, groups: Sequence[str] | None = None) -> tuple[RosterUnit, ...]:
    """Parse roster CSV text; every problem is collected into one RosterError, one line per kind of problem.

    ``groups`` are the campaign's group codes, in order; a unit in any other group is a problem.

    >>> parse_roster("unit_id,group,name\\nA,g,Phòng Y tế\\n", origin="x")[0].name
    'Phòng Y tế'
    """
    # NFC once for the whole text: no character composes across a delimiter, a quote or a line break, so
    # it is each field's NFC (a 20,000-unit roster: a twentieth of the time of field by field)
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    rows = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    header = next(rows, None)
    return _parse(header, (row for row in rows if row), origin, groups)  # a blank line is no record


def roster_from_rows(rows: Sequence[Sequence[object]], *, origin: str,
                     groups: Sequence[str] | None = None) -> tuple[RosterUnit, ...]:
    """Parse a roster kept as a spreadsheet tab (header in row 1, the CSV's columns, CONTRACT §4)."""
    header = [_nfc(str(cell)) if cell is not None else "" for cell in (rows[0] if rows else ())]
    records = ([_nfc(_cell_text(cell)) if cell is not None else "" for cell in row] for row in rows[1:])
    try:
        return _parse(header, records, origin, groups)
    except RosterError as exc:  # the CSV's hint would send staff to a file they do not have
        if exc.hint != RosterError.default_hint:
            raise
        raise RosterError(exc.what, f"Fix the roster's tab (row 1: {', '.join(COLUMNS[:7])}; a line per unit) "
                                    "and run again.") from None


def _cell_text(cell: object) -> str:
    """A cell as text: 17 (a number typed as a unit_id) → "17", never "17.0"."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _parse(header: Sequence[str] | None, records: Iterable[Sequence[str]], origin: str,
           groups: Sequence[str] | None) -> tuple[RosterUnit, ...]:
    """Units from the header's cells and each record's (NFC text); a later column of the same name wins."""
    header_error = _header_problem(header, origin)
    if header_error:
        raise header_error
    assert header is not None  # a header naming the required columns
    columns = [(i, name) for i, cell in enumerate(header) if (name := cell.strip().lower())]
    units: list[tuple[int, RosterUnit]] = []
    empty: dict[str, list[int]] = {}  # "name" → lines where it is empty
    for line_no, record in enumerate(records, start=2):
        width = len(record)
        row = {name: record[i].strip() if i < width else "" for i, name in columns}
        if not any(row.values()):
            continue
        missing = [c for c in REQUIRED if not row.get(c)]
        if missing:
            empty.setdefault(", ".join(missing), []).append(line_no)
            continue
        units.append((line_no, _unit(row)))
    problems = [f"{lines_text(lines)}: empty {what}" for what, lines in empty.items()]
    problems += _group_problems(units, groups)
    dupes = sorted(k for k, n in Counter(u.unit_id for _, u in units).items() if n > 1)
    if dupes:
        problems.append(f"unit_id repeated: {', '.join(dupes)} (each unit_id must be unique and stable)")
    if not units and not problems:
        problems.append("it has no units")
    if problems:
        raise RosterError(f"The roster {origin} has {len(problems)} problem(s): {'; '.join(problems)}.")
    return tuple(unit for _, unit in units)


def _group_problems(units: Iterable[tuple[int, RosterUnit]], groups: Sequence[str] | None) -> list[str]:
    """One problem per unknown group code, with its lines and the campaign's codes."""
    if groups is None:
        return []
    unknown: dict[str, list[int]] = {}
    for line_no, unit in units:
        if unit.group not in groups:
            unknown.setdefault(unit.group, []).append(line_no)
    valid = ", ".join(groups) or "(none: the campaign's `groups` is empty)"
    return [f"group {code!r} on {lines_text(lines)} is not one of the campaign's group codes ({valid}); "
            "correct the roster or add the group to `groups` in the campaign file"
            for code, lines in unknown.items()]


def roster_csv(units: Iterable[RosterUnit]) -> str:
    """The roster as CSV text in the format ``parse_roster`` reads (CONTRACT §4), aliases ``;``-separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for u in units:
        writer.writerow([u.unit_id, u.group, u.name, u.short_name, ";".join(u.aliases), u.email, u.source,
                         u.locality])
    return out.getvalue()
