"""What the office must fix in the sheet itself, in Vietnamese (dashboard) and English (``check``). Pure.

- a campaign column whose header is not in the header row: its figure is unknown (never 0), or its texts
  are missing from the report, until the header is put back; the closest unused header is named;
- a money column (read in đồng) whose header counts in millions ("Kinh phí (triệu đồng)"): a typed 12 is 12 đ;
- a spreadsheet whose locale reads dates month first (en_US): a typed 08/11/2024 becomes 11 August;
- rows left unmatched for a place typed after the name that nothing can confirm (no `locality`, no `area`).
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.cells.date_window import month_first
from aggregator.models import Consolidation, SourceKind

LOCALE_FIX_VI = "Tệp → Cài đặt → Khu vực: Việt Nam"
LOCALE_FIX_EN = "File → Settings → Locale: Vietnam"


@dataclass(frozen=True)
class SheetWarning:
    vi: str
    en: str


# what is lost while a column's header is missing, by what the column carries (Vietnamese, English)
_LOST = {
    "metric": ("số liệu của cột này để trống, không tính là 0",
               "its figures are unknown (not 0) in the dashboard, status.json and the report"),
    "difficulties": ("nội dung của cột này không có trong mục khó khăn, vướng mắc của báo cáo",
                     "what it says is missing from the report's difficulties"),
    "proposals": ("nội dung của cột này không có trong mục đề xuất, kiến nghị của báo cáo",
                  "what it says is missing from the report's proposals"),
    "group_hint": ("cột khối không được dùng để phân định các đơn vị trùng tên",
                   "the sheet's group column cannot break ties between units"),
}
_SHOWN = ("các ô của cột này để trống trên bảng tổng hợp và trong báo cáo",
          "its cells are left empty on the dashboard, in status.json and in the report")


def _missing_column(header: str, near: str | None, kind: str) -> SheetWarning:
    hint_vi = f" (tiêu đề gần giống chưa dùng: “{near}”)" if near else ""
    hint_en = f" (the closest unused header is {near!r})" if near else ""
    lost_vi, lost_en = _LOST.get(kind, _SHOWN)
    return SheetWarning(
        f"Không tìm thấy cột “{header}” trong dòng tiêu đề{hint_vi}: {lost_vi}. Hãy sửa lại tiêu đề trên bảng "
        "tính, hoặc thêm tiêu đề mới vào `aliases` của cột trong tệp cấu hình.",
        f"The header row has no column {header!r}{hint_en}: {lost_en}. Put the header back in the sheet, or add "
        "the new header text to that column's `aliases` in the campaign file.",
    )


def _locale(locale: str) -> SheetWarning:
    return SheetWarning(
        f"Bảng tính đang đặt khu vực {locale} (tháng trước ngày): ngày gõ 08/11/2024 bị hiểu là ngày 11 tháng 8. "
        f"Hãy đổi cài đặt: {LOCALE_FIX_VI}; các ngày có vẻ bị đảo được liệt kê ở mục các dòng cần xem lại.",
        f"The spreadsheet's locale is {locale}, which reads dates month first: a typed 08/11/2024 becomes "
        f"11 August. Change it in Google Sheets: {LOCALE_FIX_EN}; dates that look swapped are listed as "
        "problems.",
    )


def _missing_child_figure(header: str) -> SheetWarning:
    return SheetWarning(
        f"Không tệp status.json cấp dưới nào có số liệu cho cột “{header}”: số liệu của cột này để trống, không tính "
        "là 0. Hãy kiểm tra khóa (key) của cột trong tệp cấu hình: phải trùng khóa số liệu của cấp dưới.",
        f"No child status.json has a figure for {header!r}: it is unknown (not 0). Check that column's `key` in "
        "the campaign file: it must be the children's metric key.",
    )


def _scaled_money(header: str, scale: str) -> SheetWarning:
    return SheetWarning(
        f"Cột “{header}” được đọc theo đồng, nhưng tiêu đề ghi đơn vị {scale}: ô gõ “12” được tính là 12 đồng. "
        f"Hãy đổi kiểu cột thành decimal (số liệu tính theo {scale}) trong tệp cấu hình, hoặc đề nghị các đơn vị "
        "ghi kèm đơn vị (“12 triệu”).",
        f"Column {header!r} is read in đồng, but its header counts in {scale}: a typed 12 counts as 12 đồng. "
        f"Make it a decimal column (figures in {scale}) in the campaign file, or ask the agencies to write the "
        "unit (\"12 triệu\").",
    )


def _places_unchecked(rows: int) -> SheetWarning:
    return SheetWarning(
        f"{rows} dòng có ghi địa bàn (huyện, tỉnh…) sau tên đơn vị chưa xác định được đơn vị vì không có gì để "
        "đối chiếu địa bàn: danh sách đơn vị không có cột locality và tệp cấu hình chưa có `area`. Hãy thêm "
        "`area` (ví dụ \"thành phố Nha Trang, tỉnh Khánh Hòa\") hoặc cột locality vào danh sách đơn vị.",
        f"{rows} row(s) name a place (district, province…) after the unit's name that nothing can confirm: the "
        "roster has no `locality` column and the campaign file no `area`, so they stay unmatched. Set `area` "
        "(e.g. \"thành phố Nha Trang, tỉnh Khánh Hòa\") or add a `locality` column to the roster.",
    )


def sheet_warnings(result: Consolidation) -> list[SheetWarning]:
    if result.source.kind is SourceKind.STATUS_FILES:  # a roll-up reads keys, not a header row
        found = [_missing_child_figure(header) for header in result.missing_columns]
    else:
        found = [_missing_column(header, near, result.missing_kinds.get(header, "metric"))
                 for header, near in result.missing_columns.items()]
    found += [_scaled_money(header, scale) for header, scale in result.scaled_money.items()]
    if month_first(result.source.locale):
        found.append(_locale(str(result.source.locale)))
    if result.places_unchecked:
        found.append(_places_unchecked(result.places_unchecked))
    return found
