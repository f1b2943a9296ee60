"""Cells as the API shows them: ``formatted`` renders a value as ``FORMATTED_VALUE`` does (the cell's
number format, in the spreadsheet's locale), ``cell_data`` builds one ``CellData`` as
``spreadsheets.get`` returns it with grid data (docs/google-sheets-api.md; gspread's cassettes).

Number patterns are read for what the worker and typing produce: ``0``/``#`` digits with ``,`` grouping
and ``.`` decimals (``#,##0.00``), ``%``, ``E+00``, literal text around them (``"$"#,##0``, ``[$₫]``);
date patterns for ``d dd m mm yy yyyy h hh ss am/pm`` (``m`` is minutes after an hour or before
seconds). A number with no format shows as Google's automatic format does: integers plainly, up to ten
decimals, the locale's decimal mark, no grouping.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from typing import Any

from aggregator.devtools.sheets_typing import EPOCH, DateCell, Json, Locale, locale_rules

MOMENTS = ("DATE", "TIME", "DATE_TIME")
# The defaultFormat of a new spreadsheet (cassette WorksheetTest.test_format); a cell's effectiveFormat
# is this with its userEnteredFormat laid over it.
DEFAULT_FORMAT: Json = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM", "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {"foregroundColor": {}, "fontFamily": "arial,sans,sans-serif", "fontSize": 10, "bold": False,
                   "italic": False, "strikethrough": False, "underline": False,
                   "foregroundColorStyle": {"rgbColor": {}}},
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}


def is_moment(value: Any, number_format: Json | None) -> bool:
    """A date, time or date-time: a typed date, or a number in a cell with a date/time format."""
    kind = (number_format or {}).get("type")
    return isinstance(value, DateCell) or (kind in MOMENTS and _is_number(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | DateCell) and not isinstance(value, bool)


def moment_format(value: DateCell, locale: str) -> Json:
    """The format of a date cell that has none of its own (a seeded date): the locale's date or date-time."""
    rules = locale_rules(locale)
    if 0 <= value.serial < 1:
        return {"type": "TIME", "pattern": rules.time}
    if float(value.serial).is_integer():
        return {"type": "DATE", "pattern": rules.date}
    return {"type": "DATE_TIME", "pattern": f"{rules.date} {rules.time}"}


def formatted(value: Any, number_format: Json | None, locale: str) -> str:
    """``value`` as FORMATTED_VALUE shows it in a cell with ``number_format`` (None: automatic)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if not _is_number(value):
        return str(value)
    number = value.serial if isinstance(value, DateCell) else float(value)
    if isinstance(value, DateCell) and not (number_format or {}).get("type"):
        number_format = moment_format(value, locale)
    kind, pattern = (number_format or {}).get("type"), (number_format or {}).get("pattern") or ""
    rules = locale_rules(locale)
    if kind in MOMENTS:
        return _moment(number, pattern or moment_format(DateCell(number), locale)["pattern"])
    if kind in ("NUMBER", "PERCENT", "CURRENCY", "SCIENTIFIC") and pattern:
        return _numbered(number, pattern, rules)
    if kind == "PERCENT":
        return _numbered(number, "0.00%", rules)
    return automatic(number, rules)


def automatic(number: float, rules: Locale) -> str:
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = f"{number:.10f}".rstrip("0").rstrip(".")
    return text.replace(".", rules.decimal)


def _numbered(number: float, pattern: str, rules: Locale) -> str:
    section = pattern.split(";")[0]
    core = re.search(r"[#0,]*[#0](?:\.[#0]*)?(?:E[+-]?0+)?%?", section)
    if core is None:
        return automatic(number, rules)
    prefix, spec = _literal(section[:core.start()]), core.group(0)
    suffix = _literal(section[core.end():])
    if spec.endswith("%"):
        number *= 100
    places = re.search(r"\.([#0]*)", spec)
    most = len(places.group(1)) if places else 0
    least = places.group(1).count("0") if places else 0
    if "E" in spec:  # Python writes at least two exponent digits, as E+00 asks
        digits = f"{abs(number):.{most}E}"
    else:
        digits = f"{abs(number):{',' if ',' in spec.split('.')[0] else ''}.{most}f}"
        if most > least:
            digits = re.sub(rf"0{{1,{most - least}}}$", "", digits).rstrip(".")
    localised = digits.translate({ord(","): "\0", ord("."): rules.decimal}).replace("\0", rules.group)
    sign = "-" if number < 0 and re.search(r"[1-9]", digits.split("E")[0]) else ""
    return f"{sign}{prefix}{localised}{'%' if spec.endswith('%') else ''}{suffix}"


def _literal(text: str) -> str:
    """The literal text of a pattern part: quotes removed, ``[$₫-42A]`` → ``₫``, ``\\ `` → space."""
    text = re.sub(r"\[\$([^\]-]*)(?:-[^\]]*)?\]", r"\1", text)
    return re.sub(r'"([^"]*)"|\\(.)', lambda m: m.group(1) if m.group(1) is not None else m.group(2), text)


_TOKEN = re.compile(r"yyyy|yy|dd|d|mm|m|hh|h|ss|s|am/pm|\"[^\"]*\"|\\.|.", re.IGNORECASE)


def _moment(number: float, pattern: str) -> str:
    """A serial number rendered with a date/time pattern."""
    moment = EPOCH + dt.timedelta(seconds=round(number * 86400))
    tokens = [t for t in _TOKEN.findall(pattern)]
    half = any(t.lower() == "am/pm" for t in tokens)
    hour = (moment.hour % 12 or 12) if half else moment.hour
    out = []
    for i, token in enumerate(tokens):
        low = token.lower()
        if low in ("m", "mm") and _is_minute(tokens, i):
            value = moment.minute
        else:
            value = {"yyyy": moment.year, "yy": moment.year % 100, "d": moment.day, "dd": moment.day,
                     "m": moment.month, "mm": moment.month, "h": hour, "hh": hour, "s": moment.second,
                     "ss": moment.second}.get(low, -1)
        if low == "am/pm":
            out.append("PM" if moment.hour >= 12 else "AM")
        elif value >= 0:
            out.append(f"{value:0{2 if len(low) == 2 else 1}d}" if low != "yyyy" else f"{value:04d}")
        else:
            out.append(token.strip('"').removeprefix("\\"))
    return "".join(out)


def _is_minute(tokens: list[str], i: int) -> bool:
    fields = [t.lower() for t in tokens if re.fullmatch(r"[a-z/]+", t, re.IGNORECASE)]
    at = sum(1 for t in tokens[:i] if re.fullmatch(r"[a-z/]+", t, re.IGNORECASE))
    before, after = fields[at - 1] if at else "", fields[at + 1] if at + 1 < len(fields) else ""
    return before in ("h", "hh") or after in ("s", "ss")


def extended(value: Any) -> Json:
    """An ExtendedValue: ``{"numberValue": 43831}``, ``{"stringValue": "…"}``, ``{"boolValue": true}``."""
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, DateCell):
        value = value.serial
    if isinstance(value, int | float):
        return {"numberValue": int(value) if float(value).is_integer() else value}
    return {"stringValue": str(value)}


def _laid_over(base: Json, top: Json) -> Json:
    out = copy.deepcopy(base)
    for key, item in top.items():
        out[key] = _laid_over(out[key], item) if isinstance(item, dict) and isinstance(out.get(key), dict) \
            else copy.deepcopy(item)
    return out


def cell_data(value: Any, formula: bool, stored: Json, locale: str) -> Json:
    """One CellData: ``userEnteredValue``, ``effectiveValue``, ``formattedValue``, ``userEnteredFormat``,
    ``effectiveFormat`` (the default format under the cell's own), then the rest the cell holds
    (``dataValidation``, ``note``). ``stored`` is the cell's CellData minus the value; ``value`` None:
    an empty cell. A seeded date with no format shows the locale's date format, as an imported one
    would. A formula is not computed: no ``effectiveValue``, its text as ``formattedValue``."""
    out: Json = {}
    own = copy.deepcopy(stored.get("userEnteredFormat") or {})
    if isinstance(value, DateCell) and not (own.get("numberFormat") or {}).get("type"):
        own["numberFormat"] = moment_format(value, locale)
    if value is not None:
        out["userEnteredValue"] = {"formulaValue": value} if formula else extended(value)
        if not formula:
            out["effectiveValue"] = extended(value)
        out["formattedValue"] = formatted(value, own.get("numberFormat"), locale)
    if own:
        out["userEnteredFormat"] = own
    if value is not None or own:
        out["effectiveFormat"] = _laid_over(DEFAULT_FORMAT, own)
    out.update({k: copy.deepcopy(v) for k, v in stored.items() if k != "userEnteredFormat"})
    return out
