"""Vietnamese numbers written in words: "ba mươi", "một trăm linh năm", "hai triệu rưỡi". Pure.

Agencies sometimes write an amount in words, alone or after its figures, as official papers restate one
("100.000.000 đồng (Một trăm triệu đồng)"). Words are read with their marks, which tell "sáu" (six) from
"sau" (after) and "mười" (ten) from "mươi" (tens); typed without marks, a phrase is read only when it holds
a word no sentence would use otherwise (trăm, nghìn, triệu, tỷ, mươi, chục, rưỡi) and every word is a number word.

>>> words_value("hai mươi lăm"), words_value("một trăm linh năm"), words_value("hai triệu rưỡi")
(Decimal('25'), Decimal('105'), Decimal('2500000'))
>>> words_value("sau"), words_value("Năm nay")  # not numbers: "after", "this year"
(None, None)
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from aggregator.cells.primitives import fold

__all__ = ["restated", "said_aside", "words_value"]

_DIGITS = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5,
           "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9}
_SCALES = {"nghìn": 10**3, "ngàn": 10**3, "triệu": 10**6, "tỷ": 10**9, "tỉ": 10**9}
_TEN, _TENS, _HUNDRED, _ZERO_TENS, _HALF = "mười", "mươi", "trăm", frozenset({"linh", "lẻ"}), "rưỡi"
_AFTER_TENS = frozenset({"mốt", "lăm", "nhăm", "tư"})  # units only after tens: "hai mươi mốt", "mười lăm"
_WORDS = frozenset({*_DIGITS, *_SCALES, _TEN, _TENS, _HUNDRED, *_ZERO_TENS, _HALF, "chục"})
# Typed without marks, each word as the number word it folds to ("sau" is sáu here; "muoi" is mươi or mười, as
# the word before it says)…
_UNMARKED = {fold(word): word for word in ("không", "một", "hai", "ba", "bốn", "tư", "năm", "lăm", "nhăm", "sáu",
                                           "bảy", "tám", "chín", "trăm", "nghìn", "ngàn", "triệu", "tỷ", "tỉ",
                                           "rưỡi", "linh", "lẻ", "chục")} | {"muoi": _TENS}
# …and a phrase holding one of these, which no sentence of a report cell would.
_TELLING = frozenset({"trăm", "nghìn", "ngàn", "triệu", "tỷ", "tỉ", "rưỡi", "chục", _TENS})


# Around an amount in words: brackets, a "bằng chữ" (in words) label, the currency.
_BRACKETED = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_AROUND = re.compile(r"[()\[\]:;,.!\-–—]|\bbằng chữ\b|\bbang chu\b|\b(?:đồng|dong|vnđ|vnd|đ|d)\b|₫", re.IGNORECASE)


# What follows figures and says them again aside: brackets, or "bằng chữ" (folded or not).
_ASIDE = re.compile(r"[\s,;:.-]*(?:[(\[]|bang chu|bằng chữ)", re.IGNORECASE)


def said_aside(after: str) -> Decimal | None:
    """The number written in words aside, in brackets or after "bằng chữ", in what follows a cell's figures
    ("300 (ba trăm)", "100.000.000 đồng, bằng chữ: …"); None when nothing is said so.

    >>> said_aside(" (ba trăm)"), said_aside(" ba trăm")
    (Decimal('300'), None)
    """
    return restated(after) if _ASIDE.match(after) else None


def restated(text: str) -> Decimal | None:
    """The number written in words in ``text`` (in its brackets when it has some) once a "bằng chữ" label and
    the currency are set aside: what follows the figures in "100.000.000 đ (Bằng chữ: Một trăm triệu đồng)" or
    "1.000 (một nghìn) người"; None when it is none.

    >>> restated(" (Bằng chữ: Một trăm triệu đồng)"), restated(" (một nghìn) người"), restated(" (tạm ứng)")
    (Decimal('100000000'), Decimal('1000'), None)
    """
    inside = _BRACKETED.search(text)
    return words_value(_AROUND.sub(" ", unicodedata.normalize("NFC", inside[1] if inside else text)))


def words_value(text: str) -> Decimal | None:
    """The number ``text`` writes in words (nothing else in it), or None when it is no such number."""
    words = unicodedata.normalize("NFC", text).lower().split()
    if words and all(word in _WORDS for word in words):
        return _value(words)
    unmarked = [_UNMARKED.get(fold(word), "") for word in words]
    if len(words) > 1 and all(unmarked) and _TELLING.intersection(unmarked):
        # "muoi" is mươi after a digit ("hai muoi"), else mười ("muoi lam")
        return _value([_TEN if word == _TENS and (at == 0 or unmarked[at - 1] not in _DIGITS) else word
                       for at, word in enumerate(unmarked)])
    return None


def _value(words: list[str]) -> Decimal | None:
    """Sections below a thousand, each times its scale; a larger scale takes the sections below it along
    ("một trăm nghìn tỷ"); "rưỡi" is half the word before it ("hai triệu rưỡi", "trăm rưỡi")."""
    parts: list[tuple[int, Decimal]] = []  # (scale, value) of the sections read, largest scale first
    section: list[str] = []
    for at, word in enumerate(words):
        if word == _HALF:
            before = words[at - 1] if at else ""
            if before in _SCALES and parts and not section:
                scale, value = parts.pop()
                parts.append((scale, value + Decimal(scale) / 2))
            elif before == _HUNDRED:
                section.append(_HALF)
            else:
                return None
        elif word in _SCALES:
            scale = _SCALES[word]
            lower = sum((value for s, value in parts if s < scale), Decimal(0))  # "nghìn" of "một nghìn tỷ"
            # alone, a scale is one of it ("triệu rưỡi"), or the sections below it taken along ("nghìn tỷ")
            below = _section(section) if section else Decimal(0) if lower else Decimal(1)
            parts = [(s, value) for s, value in parts if s >= scale]
            if below is None or below + lower == 0 or (parts and parts[-1][0] == scale):  # "hai triệu ba triệu"
                return None
            parts.append((scale, (below + lower) * scale))
            section = []
        else:
            section.append(word)
    rest = _section(section) if section else Decimal(0)
    return None if rest is None else sum((value for _, value in parts), rest)


def _section(words: list[str]) -> Decimal | None:
    """A number below a thousand: [digit] trăm [rưỡi | digit mươi | mười | linh] [digit]."""
    hundreds: int | None = None
    tens: int | None = None
    pending: int | None = None
    for word in words:
        if word in _DIGITS:
            if pending is not None or (word in _AFTER_TENS and not tens):
                return None
            pending = _DIGITS[word]
        elif word == _HUNDRED and hundreds is None and tens is None:
            hundreds, pending = (1 if pending is None else pending), None
        elif word == _HALF and hundreds is not None and tens is None and pending is None:
            tens = 5  # "trăm rưỡi": a hundred and a half
        elif word in (_TENS, "chục") and tens is None and pending is not None and pending >= 2:
            tens, pending = pending, None
        elif word == _TEN and tens is None and pending is None:
            tens = 1
        elif word in _ZERO_TENS and tens is None and pending is None and hundreds is not None:
            tens = 0
        else:
            return None
    if hundreds is None and tens is None and pending is None:
        return None
    return Decimal((hundreds or 0) * 100 + (tens or 0) * 10 + (pending or 0))
