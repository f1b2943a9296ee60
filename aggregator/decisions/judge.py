"""Each decision's state this cycle, with the status line staff read beside it. Pure.

- ``invalid``: it names no unit of the roster, offers a choice its item does not have, or its value
  cannot be read by the column's reader: reported, never applied;
- ``needs_review``: the content it was made for is no longer in the sheet (the row was edited or
  deleted): the line says where that content was last seen and what stands there now; never applied;
- ``applied``: that content is there (in every row holding it, identical duplicates included).

A decision typed in the sheet wins over one stored by ``aggregator decide`` for the same item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from aggregator.campaign import ColumnSettings
from aggregator.cells import read_numbers
from aggregator.decisions.choices import NOT_A_UNIT, USE_THIS_ROW
from aggregator.decisions.items import decision_item
from aggregator.models import (
    NUMERIC_TYPES,
    Decision,
    DecisionKind,
    DecisionOrigin,
    DecisionOutcome,
    DecisionState,
    MetricValue,
)
from aggregator.textnorm import clean_text
from aggregator.vnformat import figure, short_datetime

# languages whose locales write a decimal point (Sheets' "Locale"); Vietnamese writes a decimal comma
DOT_DECIMAL_LANGUAGES = frozenset({"en", "zh", "ja", "ko", "th", "ms", "fil", "hi", "he", "ga", "sw"})
REVIEW = "Quyết định chưa được áp dụng; hãy xem lại và chọn lại ở dòng mới của mục này nếu cần."


@dataclass(frozen=True)
class Whereabouts:
    """Where the history last saw a row's content, and what that row holds now."""

    row: int
    seen: dt.datetime
    now_there: str | None  # the name typed in that row now; None when the row is empty or past the end
    here: int | None = None  # the row the edited content stands in now (same name), when it can be told


@dataclass(frozen=True)
class Context:
    """What judging needs from the cycle."""

    rows_of: Mapping[str, tuple[int, ...]]  # fingerprint → the sheet rows holding that content now
    units: Mapping[str, str]  # roster unit_id → name
    columns: Mapping[str, ColumnSettings]  # the campaign's columns by key
    whereabouts: Mapping[str, Whereabouts]  # fingerprint → where it was last seen (absent ones)
    tz: dt.tzinfo | None = None
    locale: str | None = None  # the sheet's locale (Google), e.g. en_US: "1.234" typed there is 1.234


def _rows(rows: Sequence[int]) -> str:
    return ", ".join(str(r) for r in rows)


def winning(decisions: Iterable[Decision]) -> list[Decision]:
    """One decision per item: the sheet's over the command's, the first of each otherwise."""
    chosen: dict[str, Decision] = {}
    for decision in sorted(decisions, key=lambda d: d.origin is not DecisionOrigin.SHEET):
        chosen.setdefault(decision_item(decision), decision)
    return list(chosen.values())


def read_value(column: ColumnSettings, typed: object) -> tuple[MetricValue, str | None]:
    """The confirmed value as the column's reader reads it: (value, None) or (None, what is wrong)."""
    text = clean_text(typed) if isinstance(typed, str) else typed
    parsed = read_numbers(column.type, pd.Series([text], dtype=object))
    problem = parsed.problems.iloc[0]
    value = parsed.values.iloc[0]
    if problem is not None or pd.isna(value):
        return None, str(problem or "Ô trống.")
    number = float(value)
    return (int(number) if column.type in ("count", "money") else number), None


def _invalid(decision: Decision, context: Context) -> tuple[str | None, MetricValue]:
    """(what makes the decision invalid, or None; the confirmed value of a VALUE decision)."""
    kind = decision.kind
    if kind is DecisionKind.UNIT and decision.unit_id not in context.units:
        shown = decision.value if decision.value is not None else decision.unit_id
        return (f"“{shown}” không có trong danh sách đơn vị; chọn một đơn vị trong danh sách "
                f"hoặc “{NOT_A_UNIT}”.", None)
    if kind is DecisionKind.PIN_ROW and decision.value is not None:
        return f"“{decision.value}” không phải lựa chọn của mục này; chỉ chọn “{USE_THIS_ROW}”.", None
    if kind is not DecisionKind.VALUE:
        return None, None
    column = context.columns.get(decision.column or "")
    if column is None or column.type not in NUMERIC_TYPES:
        return f"Cột “{decision.column}” không nhận số liệu xác nhận.", None
    value, problem = read_value(column, decision.value)
    if problem is None:
        return None, value
    return f"Không đọc được số liệu “{decision.value}”: {problem}{_locale_hint(decision.value, context.locale)}", None


def _locale_hint(typed: object, locale: str | None) -> str:
    """Why a confirmed value typed "1.234" arrives as 1.234: the sheet's locale reads the dot as a decimal point."""
    if not (isinstance(typed, float) and not typed.is_integer() and locale
            and locale.replace("-", "_").split("_")[0] in DOT_DECIMAL_LANGUAGES):
        return ""
    return (f" Có lẽ do bảng tính đang đặt khu vực {locale}, nơi dấu chấm là dấu thập phân: “1.234” gõ vào ô được "
            f"lưu thành 1,234. Hãy gõ số không có dấu chấm (ví dụ 1234), hoặc đổi cài đặt bảng tính: Tệp → Cài đặt "
            f"→ Khu vực: Việt Nam.")


def _gone(decision: Decision, context: Context) -> str:
    seen = context.whereabouts.get(decision.fingerprint)
    if seen is None:
        made = f" (dòng {decision.made_row} khi quyết định)" if decision.made_row else ""
        return f"Cần xem lại: không còn dòng có đúng nội dung này{made}. {REVIEW}"
    if seen.here is not None:
        moved = f"dòng đó nay là dòng {seen.here}," if seen.here != seen.row else f"dòng {seen.row}"
        now = f"{moved} vẫn ghi “{decision.typed_name}” nhưng các ô khác đã sửa"
    elif seen.now_there:
        now = f"dòng {seen.row} nay ghi “{seen.now_there}”"
    else:
        now = f"dòng {seen.row} nay trống hoặc đã bị xóa"
    when = short_datetime(seen.seen.astimezone(context.tz))
    return (f"Cần xem lại: dòng đã bị sửa hoặc xóa (nội dung này thấy lần cuối ở dòng {seen.row} lúc {when}; "
            f"{now}). {REVIEW}")


def _applied(decision: Decision, rows: tuple[int, ...], context: Context, value: MetricValue) -> str:
    where = f"dòng {_rows(rows)}"
    if decision.kind is DecisionKind.UNIT:
        return f"Đã áp dụng: {where} tính cho {context.units[decision.unit_id or '']}."
    if decision.kind is DecisionKind.NOT_A_UNIT:
        return f"Đã áp dụng: {where} không tính (không phải đơn vị trong danh sách)."
    if decision.kind is DecisionKind.PIN_ROW:
        return f"Đã áp dụng: dùng {where} thay cho các dòng khác của cùng đơn vị."
    column = context.columns[decision.column or ""]
    return f"Đã áp dụng: cột “{column.header}” của {where} tính là {figure(value, column.type.value)}."


def judge(decisions: Iterable[Decision], context: Context) -> tuple[DecisionOutcome, ...]:
    """Every decision (one per item) with its state, rows and status line, in item order of appearance."""
    outcomes = []
    for decision in winning(decisions):
        rows = context.rows_of.get(decision.fingerprint, ())
        problem, value = _invalid(decision, context)
        if problem:
            state, note, value = DecisionState.INVALID, f"Không hợp lệ: {problem}", None
        elif not rows:
            state, note = DecisionState.NEEDS_REVIEW, _gone(decision, context)
        else:
            state, note = DecisionState.APPLIED, _applied(decision, rows, context, value)
        column = context.columns.get(decision.column or "")
        seen = context.whereabouts.get(decision.fingerprint) if not rows else None
        outcomes.append(DecisionOutcome(decision, decision_item(decision), state, rows, note, value,
                                        column.header if column else decision.column or "",
                                        seen.here if seen else None))
    return tuple(outcomes)
