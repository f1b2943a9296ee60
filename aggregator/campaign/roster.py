"""The roster of expected recipients (CONTRACT §4): CSV text → RosterUnit tuple."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter
from collections.abc import Iterable

from aggregator.errors import RosterError
from aggregator.models import RosterUnit

COLUMNS = ("unit_id", "group", "name", "short_name", "aliases", "email", "source", "locality")
REQUIRED = ("unit_id", "group", "name")


def _nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", (text or "").strip())


def _header_problem(fieldnames: Iterable[str] | None, origin: str) -> RosterError | None:
    present = [(_nfc(f)).lower() for f in fieldnames or []]
    missing = [c for c in REQUIRED if c not in present]
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
    return RosterUnit(row["unit_id"], row["group"], row["name"], row.get("short_name", ""), aliases,
                      row.get("email", ""), row.get("source", ""), row.get("locality", ""))


def parse_roster(text: str, *, origin: str, groups: Iterable[str] | None = None) -> tuple[RosterUnit, ...]:
    """Parse roster CSV text; every problem is collected into one RosterError.

    >>> parse_roster("unit_id,group,name\\nA,g,Phòng Y tế\\n", origin="x")[0].name
    'Phòng Y tế'
    """
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    header_error = _header_problem(reader.fieldnames, origin)
    if header_error:
        raise header_error
    known_groups = set(groups) if groups is not None else None
    units: list[RosterUnit] = []
    problems: list[str] = []
    for line_no, record in enumerate(reader, start=2):
        row = {(_nfc(k)).lower(): _nfc(v) if isinstance(v, str) else "" for k, v in record.items() if k}
        if not any(row.values()):
            continue
        missing = [c for c in REQUIRED if not row.get(c)]
        if missing:
            problems.append(f"line {line_no}: empty {', '.join(missing)}")
            continue
        if known_groups is not None and row["group"] not in known_groups:
            problems.append(f"line {line_no}: group {row['group']!r} is not one of the campaign's groups")
        units.append(_unit(row))
    dupes = sorted(k for k, n in Counter(u.unit_id for u in units).items() if n > 1)
    if dupes:
        problems.append(f"unit_id repeated: {', '.join(dupes)} (each unit_id must be unique and stable)")
    if not units and not problems:
        problems.append("it has no units")
    if problems:
        raise RosterError(f"The roster {origin} has {len(problems)} problem(s): {'; '.join(problems)}.")
    return tuple(units)
