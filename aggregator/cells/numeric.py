"""What every number cell reader shares (count, money, decimal, percent): the result shape, the
column-wide engine, the Vietnamese number grammar and the words clerks put around numbers. Pure.

Each reader hands ``read_column`` one small reader per cell kind. Text cells go through a fast
column-wide regex for the common forms ("12.500.000", "38,5", "85%") and, for the rest, through a
per-distinct-text function returning a ``Reading`` (value, note, problem).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from aggregator.cells.primitives import (
    MAX_CELL_CHARS,
    CellKind,
    as_objects,
    cell_kinds,
    clean_texts,
    has_control,
    objects_or_none,
    per_unique,
    quote,
    shown,
)
from aggregator.vnformat import number

__all__ = ["NumberColumn", "read_column"]


@dataclass(frozen=True)
class NumberColumn:
    values: pd.Series  # Int64 (count, money) or Float64 (decimal, percent); <NA> when unknown or a problem
    notes: pd.Series  # object: None or a short note, e.g. "ghi “khoảng 200”, tính là 200"
    problems: pd.Series  # object: None or a Vietnamese message saying what is wrong and what to type


Reading = tuple[float, str | None, str | None]  # (value or NaN, note, problem) for one distinct text
Reader = Callable[[pd.Series], Iterator[pd.DataFrame]]  # cells of one kind (index = positions) → pieces
COLUMNS = ["value", "note", "problem"]

# Values above this are typos or pasted ids; it also keeps every whole value exact in a float64.
MAX_VALUE = 10**15

# Vietnamese first: "1.234" is one thousand two hundred thirty-four; "," and spaces also group.
PLAIN = r"[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[1-9][0-9]{0,2}(?:,[0-9]{3})+|[1-9][0-9]{0,2}(?: [0-9]{3})+"
ONE_NUMBER = re.compile(r"(?P<before>[^0-9]*?)(?P<number>[0-9](?:[0-9., ]*[0-9])?)(?P<after>[^0-9]*)")
# What Sheets and Excel show when a formula fails (compared lower-cased): #REF!, #N/A, #DIV/0! …
FORMULA_ERRORS = re.compile(r"#(?:ref!|n/a|value!|div/0!|name\?|num!|null!|error!|spill!|calc!|getting_data)")

# Compared on folded text (lower case, no diacritics), so "KHÔNG", "Không" and "khong" all match.
ZERO_WORDS = frozenset({"khong", "khong co", "ko", "ko co", "-", "--", "---", "–", "—", "−"})
MINUS = frozenset({"-", "–", "—", "−"})
APPROXIMATE = frozenset(
    {"khoang", "~", "≈", "gan", "tren", "hon", "tam", "chung", "khoang chung", "xap xi", "uoc", "uoc tinh",
     "uoc khoang", "it nhat", "toi thieu", "toi da", "khong qua", "duoi", "<", ">", "<=", ">=", "≥", "≤",
     "+", "co", "dat", "duoc", "tong", "tong cong", "tong so", "sl", "so luong", "gan nhu", "hon kem"}
)  # fmt: skip
# "2 nghìn" is 2.000, not 2: outside money, rather than guess the scale, ask for the full number.
SCALE_WORDS = frozenset({"nghin", "ngan", "k", "trieu", "tr", "ty", "ti", "van", "chuc", "tram"})

_GROUPED = re.compile(r"[1-9][0-9]{0,2}(?P<group>[., ])[0-9]{3}(?:(?P=group)[0-9]{3})*")
# At most 15 digits before the mark, so the fast path never meets a value it must refuse as too big.
_FAST_CHARS = 30
_FAST_VIETNAMESE = (  # "38,5", "1.234,5", "1 234", "1,234" (= 1.234)
    r"(?:[0-9]{1,15}|[1-9][0-9]{0,2}(?:\.[0-9]{3}){1,4}|[1-9][0-9]{0,2}(?: [0-9]{3}){1,4})(?:,[0-9]+)?"
)
_FAST_DOT = r"[0-9]{1,15}\.[0-9]{1,2}"  # "2.5", "12.34": a lone "." followed by 1–2 digits
_VIETNAMESE_TO_FLOAT = str.maketrans({".": None, " ": None, ",": ".", "%": None})
_DOT_TO_FLOAT = str.maketrans({" ": None, "%": None})
MARKED = re.compile(
    r"(?P<whole>[0-9]+|[1-9][0-9]{0,2}(?:(?P<group>[., ])[0-9]{3})+)(?P<mark>[.,])(?P<fraction>[0-9]+)"
)


def read_column(cells: pd.Series, readers: Mapping[CellKind, Reader], *, whole: bool) -> NumberColumn:
    """Run each kind's reader over its cells; ``whole`` gives Int64 values, else Float64. Index kept."""
    objects = as_objects(cells)
    kinds = cell_kinds(objects)
    readings = {
        "value": np.full(len(objects), np.nan),
        "note": np.full(len(objects), None, dtype=object),
        "problem": np.full(len(objects), None, dtype=object),
    }
    for kind, reader in readers.items():
        rows = kinds == kind
        if rows.any():
            for piece in reader(objects[rows]):
                _put(readings, piece)
    value = readings["value"]
    known = ~np.isnan(value)
    if whole:
        values: Any = pd.arrays.IntegerArray(np.where(known, value, 0).astype(np.int64), ~known)
    else:
        values = pd.arrays.FloatingArray(np.where(known, value, 0.0), ~known)
    return NumberColumn(
        values=pd.Series(values, index=cells.index),
        notes=pd.Series(readings["note"], index=cells.index, dtype=object),
        problems=pd.Series(readings["problem"], index=cells.index, dtype=object),
    )


def _put(readings: dict[str, np.ndarray], piece: pd.DataFrame) -> None:
    """Write a reader's rows (indexed by position) into the column-wide arrays."""
    rows = piece.index.to_numpy(dtype=np.intp)
    readings["value"][rows] = piece["value"].to_numpy(dtype=float)
    readings["note"][rows] = objects_or_none(piece["note"])
    readings["problem"][rows] = objects_or_none(piece["problem"])


def frame(index: pd.Index, value: Any = np.nan, problem: Any = None, note: Any = None) -> pd.DataFrame:
    return pd.DataFrame({"value": value, "note": note, "problem": problem}, index=index)


def text_reader(plain: Callable[[pd.Series], pd.Series], rare: Callable[[str], Reading],
                worded: Callable[[pd.Series], pd.DataFrame] | None = None) -> Reader:
    """Text cells: ``plain`` reads the common forms column-wide (cleaned text → values, for the rows it
    understood); ``worded``, when given, the commonest worded form among the rest (cleaned texts → a
    ``frame`` of the rows it understood, each read as ``rare`` reads it); ``rare`` reads every other
    non-empty text once per distinct text."""

    def read(texts: pd.Series) -> Iterator[pd.DataFrame]:
        clean = clean_texts(texts)
        common = plain(clean)
        yield frame(common.index, common.to_numpy(dtype=float))
        rest = clean[(clean != "").to_numpy() & ~clean.index.isin(common.index)]
        if worded is not None and len(rest):
            found = worded(rest)
            yield found
            rest = rest[~rest.index.isin(found.index)]
        if len(rest):  # empty text is an empty cell: unknown, no note, no problem
            yield per_unique(rest, rare, COLUMNS)

    return read


def always(template: str) -> Reader:
    """Checkboxes, dates and odd objects in a number column: a problem each (rare, so per cell)."""

    def read(cells: pd.Series) -> Iterator[pd.DataFrame]:
        yield frame(cells.index, problem=[template.format(v=quote(shown(value))) for value in cells])

    return read


def odd_kinds(checkbox: str, date: str, other: str) -> dict[CellKind, Reader]:
    """The readers for cells that are never a number: checkboxes, dates, unexpected objects."""
    return {
        CellKind.BOOL: always(checkbox),
        CellKind.DATETIME: always(date),
        CellKind.DATE: always(date),
        CellKind.OTHER: always(other),
    }


def checked(text: str, too_long: str, control: str, formula_error: str) -> Reading | None:
    """The problem of a text no number reader should try to read: an essay, control characters,
    a failed formula. None when the text is worth reading."""
    if len(text) > MAX_CELL_CHARS:
        return problem(too_long, text, n=number(len(text)))
    if has_control(text):
        return problem(control, text)
    if FORMULA_ERRORS.fullmatch(text.lower()):
        return problem(formula_error, text)
    return None


def read_token(token: str, *, comma_is_decimal: bool) -> Decimal | None:
    """The value of one number as a clerk types it; None when no reading is safe.

    "." groups thousands ("1.234" → 1234) unless one "." is followed by 1–2 digits ("2.5" → 2.5);
    "," groups thousands when followed by groups of three ("12,500,000") and is the decimal mark
    otherwise ("1,5", "1.234,5"). ``comma_is_decimal`` reads a single ",ddd" as decimals too:
    ``read_token("1,234", comma_is_decimal=True)`` → 1.234, with False → 1234.
    """
    if token.isdigit():
        return Decimal(token)
    grouped = _GROUPED.fullmatch(token)
    if grouped:
        if comma_is_decimal and token.count(",") == 1 and grouped["group"] == ",":
            return Decimal(token.replace(",", "."))
        return Decimal(re.sub("[., ]", "", token))
    marked = MARKED.fullmatch(token)
    if marked is None or marked["group"] == marked["mark"]:  # "1.234.5": no reading a clerk would bet on
        return None
    fraction = marked["fraction"]
    if marked["mark"] == "." and len(fraction) > 2 and marked["whole"] != "0":  # "1.2345": a typo?
        return None
    return Decimal(re.sub("[., ]", "", marked["whole"]) + "." + fraction)


def comma_is_ambiguous(token: str) -> bool:
    """True for one "," followed by exactly three digits ("1,500"): 1,5 or 1.500?"""
    grouped = _GROUPED.fullmatch(token)
    return grouped is not None and grouped["group"] == "," and token.count(",") == 1


def split_words(folded: str) -> tuple[str, str, str] | None:
    """(words before, the number, text after) of a folded text with exactly one number, else None.

    ``split_words("khoang 1.200 luot")`` → ("khoang", "1.200", " luot").
    """
    found = ONE_NUMBER.fullmatch(folded)
    if found is None:
        return None
    return " ".join(found["before"].strip(" :").split()), found["number"], found["after"]


def plain_decimals(clean: pd.Series, suffix: str = "") -> pd.Series:
    """Column-wide, the common decimal forms, then ``suffix`` (a regex of spaces and "%", e.g. r"\\s?%?"):
    "38,5", "1.234,5", "1 234", "2.5" (one "." then 1–2 digits). Values for the rows that match;
    the same values ``read_token(…, comma_is_decimal=True)`` gives, for the rest to read one by one."""
    short = clean[clean.str.len() <= _FAST_CHARS]
    vietnamese = short[short.str.fullmatch(f"(?:{_FAST_VIETNAMESE}){suffix}")]
    dotted = short[short.str.fullmatch(f"(?:{_FAST_DOT}){suffix}")]
    texts = pd.concat([vietnamese.str.translate(_VIETNAMESE_TO_FLOAT), dotted.str.translate(_DOT_TO_FLOAT)])
    return pd.Series(pd.to_numeric(texts).to_numpy(dtype=float), index=texts.index)


def problem(template: str, text: str, **extra: str) -> tuple[float, None, str]:
    return np.nan, None, template.format(v=quote(text), **extra)


def decimal_text(value: float | Decimal) -> str:
    """A value the Vietnamese way with the digits it has: 1234.5 → "1.234,5", 2500000 → "2.500.000"."""
    exact = value if isinstance(value, Decimal) else Decimal(repr(float(value)))  # shortest round-trip digits
    whole, _, fraction = format(exact, "f").partition(".")
    fraction = fraction.rstrip("0")
    grouped = number(int(whole))
    return f"{grouped},{fraction}" if fraction else grouped


def typed_problems(codes: np.ndarray, describe: Callable[[str, int], str]) -> np.ndarray:
    """Messages for the rows whose code is not "" (few by nature), from (code, position); None elsewhere."""
    problems = np.full(len(codes), None, dtype=object)
    for row in np.flatnonzero(codes != "").tolist():
        problems[row] = describe(str(codes[row]), row)
    return problems
