"""How ``aggregator init`` reads one column: its type from the header and the cells, its role from the header.

Pure. Every answer comes with the reason the proposed campaign file prints next to it, e.g.
``infer_type("Kinh phí thực hiện (đồng)", ["12.500.000", "8.000.000 đ", "2,5 triệu"], …)`` →
``(MONEY, "the header says đồng; 3 of 3 filled cells are amounts")``. Header words are matched on
the lower-case text with its accents where folding would confuse words ("tiến độ" is no "tiền", "cộng
đồng" no "đồng"), on the folded text elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

import pandas as pd

from aggregator.cells import read_counts, read_dates
from aggregator.cells.money import scale_named
from aggregator.cells.primitives import fold
from aggregator.models import CellValue, ColumnRole, ColumnType
from aggregator.textnorm import clean_text, is_empty_cell

SHARE = 0.8  # of the filled cells that must read as the proposed type
EVIDENCE = 0.1  # of the numbers that must carry a %, a unit of money or decimals to say so: not one typo
SUBMITTED_HINTS = (" dau thoi gian ", " timestamp ", " thoi diem gui ", " thoi gian gui ", " ngay gui ",
                   " ngay nop ", " thoi gian nop ", " thoi diem nop ", " ngay bao cao ", " thoi diem bao cao ",
                   " thoi gian bao cao ", " submitted ")
UNIT_HINTS = (" don vi ", " co quan ", " to chuc ")
DATE_HINTS = (" ngay ", " thoi gian ", " thoi diem ", " date ", " time ", " timestamp ")
CONTACT_HINTS = (" nguoi bao cao ", " nguoi lap ", " nguoi lien he ", " lien he ", " sdt ", " so dt ", " dien thoai ",
                 " email ", " e mail ", " ho ten ", " ho va ten ", " can bo phu trach ", " dau moi ")
# In this order: a combined "Khó khăn, vướng mắc, đề xuất" is printed with the proposals (section IV).
ROLE_HINTS: tuple[tuple[ColumnRole, tuple[str, ...]], ...] = (
    (ColumnRole.CONTACT, CONTACT_HINTS),
    (ColumnRole.PROPOSALS, (" de xuat ", " kien nghi ", " de nghi ")),
    (ColumnRole.DIFFICULTIES, (" kho khan ", " vuong mac ", " ton tai ", " han che ")),
    (ColumnRole.NOTE, (" ghi chu ", " luu y ", " y kien khac ", " thong tin khac ")),
)
GROUP_STARTS = ("khoi", "nhom", "loai don vi", "loai hinh", "linh vuc", "cap don vi")
# Words a count cell may carry (CONTRACT §3: "khoảng 200", "200 người", "không có"), folded.
COUNT_WORDS = frozenset(re.findall("[a-z]+", """khong co ko khoang gan tren hon tam chung xap xi uoc tinh it nhat
    toi thieu da qua duoi dat duoc tong cong so luong sl nhu kem nguoi luot buoi bai tin nhan cai to chiec lan hs
    hoc sinh em thue bao"""))
ZERO_WORDS = frozenset({"khong", "khong co", "ko", "-", "0"})
_MONEY_HEADER = re.compile(r"\b(?:kinh phí|kinh phi|chi phí|chi phi|số tiền|ngân sách|tiền|vnđ|vnd|thành tiền)\b"
                           r"|\((?:[^)]*\s)?(?:đồng|đ|vnđ|vnd)\)|(?:triệu|nghìn|ngàn|tỷ) đồng|đơn vị tính:? đồng")
_PERCENT_HEADER = (" ty le ", " phan tram ")
_NUMBER = r"[+-]?\d[\d.,\s]*"
_MONEY_CELL = re.compile(rf"(?:khoang |gan |tren |hon |~\s*)?{_NUMBER}\s*(?:d|dong|vnd|trieu|tr|ty|nghin|ngan|k)"
                         r"(?: dong| d)?\.?")
_PERCENT_CELL = re.compile(rf"(?:khoang |gan |tren |hon |~\s*)?{_NUMBER}\s*%")
_PLAIN_NUMBER = re.compile(rf"[a-z\s~]*{_NUMBER}[a-z\s]*")  # "1.234", "khoảng 200 người"
_DECIMAL_CELL = re.compile(r"\d{1,3}(?:\.\d{3})+,\d+|\d+,(?:\d{1,2}|\d{4,})|\d+\.\d{1,2}")
_PHONE = re.compile(r"(?:\+?84|0)[0-9]{8,10}")
_UNIT_SUFFIX = re.compile(r"\s*\((?:[^)]*\s)?(?:đồng|đ|vnđ|vnd|%|triệu đồng|nghìn đồng|ngàn đồng|tỷ đồng)\)\s*$"
                          r"|\s*[-–:,]?\s*(?:đơn vị tính|đvt):?.*$", re.IGNORECASE)


def padded(folded: str) -> str:
    return f" {folded} "


def has_hint(folded: str, hints: Iterable[str]) -> bool:
    return any(hint in padded(folded) for hint in hints)


def _lower(header: str) -> str:
    return " ".join(unicodedata.normalize("NFC", header).lower().split())


def _text(cell: CellValue) -> str:
    return " ".join(fold(clean_text(cell)).split()) if isinstance(cell, str) else ""


def _is_fraction(cell: CellValue) -> bool:
    return isinstance(cell, float) and not isinstance(cell, bool) and not cell.is_integer()


def _shape(cell: CellValue, percent_formatted: bool) -> str:
    """percent, money, decimal, number, zero or other: what one filled cell looks like."""
    if isinstance(cell, bool | dt.date):
        return "other"
    if isinstance(cell, int | float):
        return "percent" if percent_formatted else "decimal" if _is_fraction(cell) else "number"
    text = _text(cell)
    for shape, pattern in (("percent", _PERCENT_CELL), ("money", _MONEY_CELL), ("decimal", _DECIMAL_CELL)):
        if pattern.fullmatch(text):
            return shape
    if text in ZERO_WORDS:
        return "zero"
    return "number" if _PLAIN_NUMBER.fullmatch(text) and _count_words_only(text) else "other"


def _looks_like_phone(cell: CellValue) -> bool:
    return isinstance(cell, str) and _PHONE.fullmatch(re.sub(r"[\s.()-]", "", cell)) is not None


def _count_words_only(cell: CellValue) -> bool:
    """No words beyond those a count cell may carry: "khoảng 200 người" yes, "200 tại hội trường" no."""
    return not isinstance(cell, str) or all(w in COUNT_WORDS for w in re.findall("[a-z]+", fold(cell)))


def _has_digit(cell: CellValue) -> bool:
    return not isinstance(cell, bool) and (isinstance(cell, int | float) or bool(re.search("[0-9]", str(cell))))


def header_type(header: str, folded: str) -> ColumnType | None:
    """What the header alone says: percent, money, or None."""
    if "%" in header or has_hint(folded, _PERCENT_HEADER):
        return ColumnType.PERCENT
    return ColumnType.MONEY if _MONEY_HEADER.search(_lower(header)) else None


def _empty_column_type(header: str, folded: str) -> ColumnType:
    said = header_type(header, folded)
    if said is not None:
        return said
    if has_hint(folded, DATE_HINTS):
        return ColumnType.DATE
    return ColumnType.COUNT if folded.startswith("so ") and not has_hint(folded, CONTACT_HINTS) else ColumnType.TEXT


def infer_type(header: str, folded: str, cells: Sequence[CellValue], tz: ZoneInfo,
               percent_cells: Sequence[bool] = ()) -> tuple[ColumnType, str]:
    """(type, why) from a column's header and cells; ``percent_cells[i]``: cell i is formatted as a percentage."""
    flags = [*percent_cells, *[False] * (len(cells) - len(percent_cells))]
    filled = [(cell, flag) for cell, flag in zip(cells, flags, strict=False) if not is_empty_cell(cell)]
    if not filled:
        return _empty_column_type(header, folded), "no data yet: guessed from the header"
    values = [cell for cell, _ in filled]
    if has_hint(folded, CONTACT_HINTS) or sum(map(_looks_like_phone, values)) * 2 > len(values):
        return ColumnType.TEXT, "phone numbers, e-mails or names are text"
    of = f"of {len(values)} filled cells"
    dates = int(read_dates(pd.Series(values, dtype=object), tz).values.notna().sum())
    if has_hint(folded, DATE_HINTS) and dates >= SHARE * len(values):  # before numbers: "03.06.2025" is a date
        return ColumnType.DATE, f"the header names a date and {dates} {of} read as dates"
    number = _number_type(header, folded, [_shape(cell, flag) for cell, flag in filled], of)
    return number or _count_or_text(values, dates, of)


def _number_type(header: str, folded: str, shapes: list[str], of: str) -> tuple[ColumnType, str] | None:
    """Percent, money or decimal when the header or the cells say so and most cells are numbers."""
    count = {shape: shapes.count(shape) for shape in ("percent", "money", "decimal", "number", "zero")}
    numeric = sum(count.values())
    if numeric < SHARE * len(shapes) or count["zero"] == numeric:
        return None
    said = header_type(header, folded)
    seen = {shape: n >= EVIDENCE * numeric for shape, n in count.items()}
    if said is ColumnType.PERCENT or seen["percent"]:
        why = "the header says %" if said is ColumnType.PERCENT else f"{count['percent']} cells are percentages"
        fractions = "" if count["percent"] or count["number"] else ("; the cells hold fractions such as 0,85 "
                                                                    "without % format: format them as %")
        return ColumnType.PERCENT, f"{why}; {numeric} {of} are numbers{fractions}"
    if said is ColumnType.MONEY or seen["money"]:
        scaled = scale_named(header)
        if scaled and not count["money"]:  # "(triệu đồng)" over bare figures: amounts in millions, not đồng
            return ColumnType.DECIMAL, f"the figures are in {scaled}, not đồng; {numeric} {of} are numbers"
        why = "the header names money" if said is ColumnType.MONEY else f"{count['money']} cells are amounts"
        return ColumnType.MONEY, f"{why} (đồng); {numeric} {of} are amounts"
    if seen["decimal"]:
        return ColumnType.DECIMAL, f"{count['decimal']} cells have decimals (1,5); {numeric} {of} are numbers"
    return None


def _count_or_text(values: list[CellValue], dates: int, of: str) -> tuple[ColumnType, str]:
    """A cell backs "count" when ``read_counts`` reads it and it has no words a count may not carry:
    "3 buổi tại hội trường" reads as 3 but says this is a text column."""
    need = SHARE * len(values)
    readable = read_counts(pd.Series(values, dtype=object)).values.notna().tolist()
    counted = [cell for cell, ok in zip(values, readable, strict=True) if ok and _count_words_only(cell)]
    if len(counted) >= need and sum(map(_has_digit, counted)) * 2 >= len(counted):  # not a column of "Không"
        return ColumnType.COUNT, f"{len(counted)} {of} read as counts"
    if dates >= need:
        return ColumnType.DATE, f"{dates} {of} read as dates"
    if len(counted) >= need:
        return ColumnType.TEXT, "no figures, only words like “không”"
    return ColumnType.TEXT, f"free text (only {max(len(counted), dates)} {of} read as numbers or dates)"


def header_role(folded: str) -> tuple[ColumnRole, str] | None:
    """The role a free-text column's header names, with the words that say so."""
    for role, hints in ROLE_HINTS:
        found = [hint.strip() for hint in hints if hint in padded(folded)]
        if found:
            return role, f"the header says “{found[0]}”"
    starts = next((s for s in GROUP_STARTS if folded == s or folded.startswith(f"{s} ")), None)
    if starts:
        return ColumnRole.GROUP_HINT, f"the header says “{starts}”: the agency's own idea of its group"
    return None


def says_submitted(folded: str) -> str | None:
    """The submission-time words of a header, if any: "thoi diem gui" for "Thời điểm gửi"."""
    return next((hint.strip() for hint in SUBMITTED_HINTS if hint in padded(folded)), None)


def with_time_share(cells: Sequence[CellValue], tz: ZoneInfo) -> tuple[int, int]:
    """(cells read as date-times with a time of day, filled cells): a Form's timestamp column has both high."""
    values = [cell for cell in cells if not is_empty_cell(cell)]
    if not values:
        return 0, 0
    read = read_dates(pd.Series(values, dtype=object), tz)
    timed = read.values.notna() & ~read.date_only.astype(bool)
    return int(timed.sum()), len(values)


def metric_label(header: str) -> str:
    """How the report names a metric: no leading "Số ", no unit in brackets, first letter in lower case.

    ``metric_label("Kinh phí thực hiện (đồng)")`` → "kinh phí thực hiện": the sentence pattern carries the unit.
    """
    text = " ".join(unicodedata.normalize("NFC", header).split())
    text = _UNIT_SUFFIX.sub("", text) or text
    text = re.sub(r"^số\s+", "", text, flags=re.IGNORECASE) or text
    if text[:1].isupper() and not text[1:2].isupper():  # keep "SMS …" and "UBND …" as they are
        text = text[0].lower() + text[1:]
    return text


def scaled_sentence(header: str) -> str:
    """A decimal column counted in millions or billions keeps its unit in the report's sentence."""
    scaled = scale_named(header)
    return f"{{value}} {scaled} {{label}}" if scaled else ""
