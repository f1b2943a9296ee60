"""``aggregator init``: a sheet's rows → a proposed column mapping with a reason for every choice. Pure.

- The header row is found under title and note rows (``sheet.layout.find_header_row``) unless given.
- Headers the bundled campaign files know (``header`` and ``aliases``, folded with ``fold_header``) keep
  their key, type, role and label. Any other header gets a type from its header and cells and, when it
  is free text, a role from its words (``init_columns``); its key is its folded text in snake_case,
  e.g. ``generated_key("so tin nhan sms", 3)`` → "so_tin_nhan_sms".
- The unit name and the submission time are chosen by ``init_roles`` (or by ``--unit-column`` and
  ``--time-column``); any other column a bundled file gave that role becomes an ordinary column.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import replace
from zoneinfo import ZoneInfo

from aggregator.app import init_columns as rules
from aggregator.app.init_model import (
    DEFAULT_TZ,
    CampaignDraft,
    Choices,
    NoUnitNameError,
    Proposal,
    ProposedColumn,
    Sheet,
    read_sheet,
)
from aggregator.app.init_roles import resolve_column, time_column, unit_column
from aggregator.campaign import ColumnSettings
from aggregator.models import NUMERIC_TYPES, ColumnRole, ColumnType, RawTab
from aggregator.sheet.headers import column_letter, fold_header
from aggregator.sheet.layout import find_header_row, header_cells

__all__ = ["DEFAULT_TZ", "CampaignDraft", "Choices", "NoUnitNameError", "Proposal", "ProposedColumn",
           "build_vocabulary", "generated_key", "propose", "resolve_column", "slug", "unique_key"]
KEY_MAX = 40
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Keys that meant a role before `role:` existed: never generated for another column, so that a file
# edited down to no roles at all still means what it says.
RESERVED_KEYS = frozenset({"unit_name", "submitted_at", "group_hint", "issues_raised", "row_number"})
ROW_NUMBER_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu", "thu tu"})


def build_vocabulary(columns: Iterable[ColumnSettings]) -> dict[str, ColumnSettings]:
    """Folded header or alias → the known column (aliases merged); headers beat aliases, first files win."""
    columns = list(columns)
    merged: dict[str, ColumnSettings] = {}
    for column in columns:
        first = merged.setdefault(column.key, column)
        names = [*first.aliases, *(n for n in (column.header, *column.aliases) if n not in first.aliases)]
        merged[column.key] = first.model_copy(update={"aliases": tuple(names), "label": first.label or column.label})
    vocabulary: dict[str, ColumnSettings] = {}
    for name, column in [(c.header, c) for c in columns] + [(a, c) for c in columns for a in c.aliases]:
        vocabulary.setdefault(fold_header(name), merged[column.key])
    return vocabulary


def propose(tab: RawTab, vocabulary: Mapping[str, ColumnSettings], tz: ZoneInfo,
            choices: Choices | None = None) -> Proposal:
    """A column for every header of the header row, each with its reasons; raises NoUnitNameError."""
    choices = choices or Choices()
    found = find_header_row(tab.rows) if choices.header_row is None else None
    header_row = choices.header_row or found or 1
    two_rows = found is not None and header_cells(tab.rows, found) != tuple(tab.rows[found - 1])
    why_row = "" if choices.header_row else (
        f"found: a two-row header, rows {found - 1}–{found} (a heading merged over several columns; the lower "
        f"row is read, each empty cell taking the text above it)" if found and two_rows else
        f"found: the first row that reads like headers above the data (rows above it: {found - 1})"
        if found else "no row reads like headers: row 1 assumed")
    sheet = read_sheet(tab, header_row)
    columns: dict[int, ProposedColumn] = {}
    skipped: list[str] = []
    for index, (text, folded) in enumerate(zip(sheet.texts, sheet.folds, strict=True)):
        if text and (not folded or folded in sheet.folds[:index]):  # map_headers could never reach it
            skipped.append(text)
        elif text:
            columns[index] = _known(text, folded, vocabulary, set(sheet.folds)) or _guessed(sheet, index, tz)
    columns = _one_per_role(columns, sheet, tz)
    unit = unit_column(sheet, columns, choices, header_row)
    if unit is None:
        raise NoUnitNameError(tab.title, header_row, sheet.texts)
    columns = _assign(columns, sheet, tz, ColumnRole.UNIT_NAME, unit)
    time = time_column(sheet, columns, choices, header_row, tz)
    columns = _assign(columns, sheet, tz, ColumnRole.SUBMITTED_AT, time) if time else _drop(
        columns, sheet, tz, ColumnRole.SUBMITTED_AT)
    return Proposal(tab.title, header_row, _with_keys(columns, sheet, vocabulary), tuple(skipped), why_row)


def _known(text: str, folded: str, vocabulary: Mapping[str, ColumnSettings],
           sheet_folds: set[str]) -> ProposedColumn | None:
    known = vocabulary.get(folded)
    if known is None:
        return None
    aliases: dict[str, str] = {}  # folded → name; never another header of this sheet (it would be stolen)
    for name in (known.header, *known.aliases):
        if fold_header(name) not in sheet_folds:
            aliases.setdefault(fold_header(name), _nfc(name))
    label, todo = known.label, False
    if known.type in NUMERIC_TYPES and not label:
        label, todo = rules.metric_label(text), True
    return ProposedColumn(text, known.key, known.type, known.role, known.required, label, tuple(aliases.values()),
                          known.sentence, known=True, label_todo=todo)


def _guessed(sheet: Sheet, index: int, tz: ZoneInfo) -> ProposedColumn:
    text, folded = sheet.texts[index], sheet.folds[index]
    if folded in ROW_NUMBER_HEADERS:
        return ProposedColumn(text, "", ColumnType.IGNORED, why_type="a row number (STT) is ignored")
    kind, why = rules.infer_type(text, folded, sheet.cells[index], tz, sheet.percent[index])
    if kind in NUMERIC_TYPES:
        sentence = rules.scaled_sentence(text) if kind is ColumnType.DECIMAL else ""
        return ProposedColumn(text, "", kind, label=rules.metric_label(text), sentence=sentence, why_type=why,
                              label_todo=True)
    role = rules.header_role(folded) if kind is ColumnType.TEXT else None
    if role is None:
        return ProposedColumn(text, "", kind, why_type=why)
    return ProposedColumn(text, "", kind, role[0], why_type=why, why_role=role[1])


def _one_per_role(columns: dict[int, ProposedColumn], sheet: Sheet, tz: ZoneInfo) -> dict[int, ProposedColumn]:
    """A group hint is one column: the first one keeps the role, a later one is read as an ordinary column."""
    holders = [i for i, c in columns.items() if c.role is ColumnRole.GROUP_HINT]
    return {i: (_plain(c, sheet, i, tz) if i in holders[1:] else c) for i, c in columns.items()}


def _plain(column: ProposedColumn, sheet: Sheet, index: int, tz: ZoneInfo) -> ProposedColumn:
    """The column read as if no bundled file knew it and it had no single role."""
    guessed = _guessed(sheet, index, tz)
    if guessed.role in (ColumnRole.UNIT_NAME, ColumnRole.SUBMITTED_AT, ColumnRole.GROUP_HINT):
        guessed = replace(guessed, role=None, why_role="")
    return guessed


def _assign(columns: dict[int, ProposedColumn], sheet: Sheet, tz: ZoneInfo, role: ColumnRole,
            choice: tuple[int, str]) -> dict[int, ProposedColumn]:
    """Give ``role`` to the chosen column (with why); any other holder of it becomes an ordinary column."""
    index, why = choice
    kind = ColumnType.TEXT if role is ColumnRole.UNIT_NAME else ColumnType.DATE
    out = {}
    for i, column in columns.items():
        if i == index:
            keep = column.known and column.role is role
            read = column.why_type if role is ColumnRole.SUBMITTED_AT and column.type is kind else ""
            why_type = "" if keep else read or ("names are text" if kind is ColumnType.TEXT else "a submission time")
            out[i] = replace(column, role=role, type=kind, required=role is ColumnRole.UNIT_NAME, label="",
                             sentence="", why_role=why, why_type=why_type, known=keep, label_todo=False)
        else:
            out[i] = _plain(column, sheet, i, tz) if column.role is role else column
    return out


def _drop(columns: dict[int, ProposedColumn], sheet: Sheet, tz: ZoneInfo,
          role: ColumnRole) -> dict[int, ProposedColumn]:
    return {i: (_plain(c, sheet, i, tz) if c.role is role else c) for i, c in columns.items()}


def _with_keys(columns: Mapping[int, ProposedColumn], sheet: Sheet,
               vocabulary: Mapping[str, ColumnSettings]) -> tuple[ProposedColumn, ...]:
    """Known columns keep their key; every other key comes from the header, unique and never a known one."""
    known_keys = {c.key for c in vocabulary.values()}
    taken: set[str] = set()
    out = []
    for index, column in sorted(columns.items()):
        if column.known and column.key and column.key not in taken:
            key = column.key
        else:
            key = unique_key(generated_key(sheet.folds[index], index), taken | known_keys)
        taken.add(key)
        out.append(replace(column, key=key))
    return tuple(out)


def generated_key(folded: str, index: int) -> str:
    """ASCII snake_case from the folded header, at most ~40 characters; a column letter if it is empty."""
    key = ""
    for word in folded.split():
        longer = f"{key}_{word}" if key else word
        if len(longer) > KEY_MAX and key:
            break
        key = longer[:KEY_MAX]
    if not key:
        return f"column_{column_letter(index).lower()}"
    return key if key[0].isalpha() else f"col_{key}"


def unique_key(key: str, taken: set[str]) -> str:
    """``key``, or ``key_2``, ``key_3`` … when it is taken, reserved or a Python keyword."""
    base = f"{key}_col" if keyword.iskeyword(key) else key
    candidate, n = base, 1
    while candidate in taken or candidate in RESERVED_KEYS:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def slug(text: str) -> str:
    """A campaign id from a file or tab name: ``slug("Câu trả lời biểu mẫu 1")`` → "cau-tra-loi-bieu-mau-1"."""
    return "-".join(fold_header(text).split())[:60].strip("-") or "campaign"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
