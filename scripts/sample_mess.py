"""How clerks really type, and the plans of the two demo sheets: data and helpers for
``scripts/make_samples.py``.

Name "mess" (abbreviations, lost diacritics, tone placement, Unicode forms, typos, notes),
count-cell forms (CONTRACT §3), date forms, people and phone numbers, then the two campaign
profiles (who reports when, which resubmission and lateness cases, which cells carry which forms).
Pure; every random choice goes through the caller's ``random.Random`` so the output is
reproducible. Each name transformation is one a careful clerk would still resolve to exactly one
roster unit."""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

HOI, NGA, DOT = "\u0309", "\u0303", "\u0323"
ZWSP = "\u200b"
_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old-style ("hòa", "ủy") → new-style ("hoà", "uỷ") placement; only at the end of a syllable.
_OLD_TONE = (
    re.compile(rf"([oO])([{_TONES}])([aAeE])(?![^\W\d_])"),
    re.compile(rf"([uU])([{_TONES}])([yY])(?![^\W\d_])"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)


# Text transformations ---------------------------------------------------------------------------
def strip_diacritics(text: str) -> str:
    """``strip_diacritics("Phường Vĩnh Hải")`` → "Phuong Vinh Hai"."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.replace("đ", "d").replace("Đ", "D")


def fold(text: str) -> str:
    """A crude comparison key: no diacritics, lower case, punctuation as spaces."""
    bare = re.sub(r"[^\w]+", " ", strip_diacritics(text).lower())
    return " ".join(bare.split())


def no_diacritics(text: str) -> str | None:
    out = strip_diacritics(text)
    return out if out != text else None


def new_tone(text: str) -> str | None:
    """Move the tone mark the "new" way: "Vĩnh Hòa" → "Vĩnh Hoà", "Thành ủy" → "Thành uỷ"."""
    out = unicodedata.normalize("NFD", text)
    for pattern in _OLD_TONE:
        out = pattern.sub(r"\1\3\2", out)
    out = unicodedata.normalize("NFC", out)
    return out if out != text else None


def nfd(text: str) -> str | None:
    out = unicodedata.normalize("NFD", text)
    return out if out != text else None


def zero_width_space(text: str, rng: random.Random) -> str | None:
    """Insert U+200B right after one of the spaces (a paste from a web page)."""
    spaces = [i for i, ch in enumerate(text) if ch == " "]
    if not spaces:
        return None
    at = rng.choice(spaces) + 1
    return text[:at] + ZWSP + text[at:]


def mojibake(text: str) -> str | None:
    """UTF-8 bytes read as Windows-1252 (a CSV opened in Excel without BOM); None if not reversible."""
    try:
        out = text.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return None
    if out == text or out.encode("cp1252").decode("utf-8") != text:
        return None
    return out


def _swap_mark(text: str, rng: random.Random, marks: str, swap: Callable[[str], str]) -> str | None:
    decomposed = unicodedata.normalize("NFD", text)
    spots = [i for i, ch in enumerate(decomposed) if ch in marks]
    if not spots:
        return None
    at = rng.choice(spots)
    changed = decomposed[:at] + swap(decomposed[at]) + decomposed[at + 1 :]
    return unicodedata.normalize("NFC", changed)


def typo_hoi_nga(text: str, rng: random.Random) -> str | None:
    """The classic Vietnamese typo: hỏi for ngã or back ("Vĩnh" → "Vỉnh", "Hải" → "Hãi")."""
    return _swap_mark(text, rng, HOI + NGA, lambda m: NGA if m == HOI else HOI)


def typo_drop_dot(text: str, rng: random.Random) -> str | None:
    """A forgotten dot below ("Lộc" → "Lôc", "Ngọc" → "Ngoc")."""
    return _swap_mark(text, rng, DOT, lambda m: "")


ROMAN = {"1": "I", "2": "II", "3": "III"}


def school_roman(text: str) -> str | None:
    """ "TH Vĩnh Lương 2" → "TH Vĩnh Lương II"."""
    match = re.search(r" ([123])$", text)
    return text[: match.start(1)] + ROMAN[match.group(1)] if match else None


def school_zero_padded(text: str) -> str | None:
    """ "TH Phước Hòa 1" → "TH Phước Hòa 01"."""
    match = re.search(r" ([1-9])$", text)
    return text[: match.start(1)] + "0" + match.group(1) if match else None


def extra_spaces(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    if len(words) > 2 and rng.random() < 0.6:
        at = rng.randrange(1, len(words))
        words[at] = " " + words[at]
    lead = rng.choice(("", " ", "  "))
    trail = rng.choice((" ", "  ", "\t")) if not lead else rng.choice(("", " "))
    return lead + " ".join(words) + trail


def odd_case(text: str, rng: random.Random) -> str:
    return text.upper() if rng.random() < 0.6 else text.lower()


def trailing_period(text: str) -> str:
    return text + "."


DONE_NOTES = (" (đã gửi)", " - ĐÃ BÁO CÁO", " ✔", " (đã gửi)", " (đã báo cáo)")
RESUBMIT_NOTES = (" (báo cáo lại)", " (bổ sung)", " (số liệu điều chỉnh)")


# Count cells (CONTRACT §3) ------------------------------------------------------------------
def thousands(value: int, sep: str) -> str:
    """``thousands(1234, ".")`` → "1.234"; ``sep`` may be ".", "," or " "."""
    return f"{value:,}".replace(",", sep)


def round_nicely(value: int) -> int:
    """What a clerk writes after "khoảng": two significant digits (70342 → 70000, 1287 → 1300), 236 → 250."""
    step = 10 ** (len(str(value)) - 2) if value >= 1000 else 50 if value >= 200 else 10
    return max(step, round(value / step) * step)


APPROX_WORDS = ("khoảng", "~", "gần", "trên", "hơn")
UNIT_WORDS = ("người", "lượt")
ZERO_WORDS = ("không", "-", "không có")


def approx_text(value: int, word: str) -> str:
    return f"~{value}" if word == "~" else f"{word} {value}"


# Dates in "Ngày báo cáo" (CONTRACT §3) -------------------------------------------------------------
DATE_FORMS = ("cell", "dmy", "dmy_short", "dmy_hm", "dmy_dash", "iso", "serial", "words", "empty")
DATE_CELL_FORMAT = "dd/mm/yyyy"
TIMESTAMP_FORMAT = "dd/mm/yyyy hh:mm:ss"


def date_cell(form: str, when: dt.datetime) -> tuple[Any, str | None, str | None]:
    """(cell value, number format, intended ISO date/datetime) for one way of typing ``when``."""
    day = when.date()
    d, m, y = day.day, day.month, day.year
    texts = {
        "dmy": f"{d:02d}/{m:02d}/{y}",
        "dmy_short": f"{d}/{m}/{y}",
        "dmy_dash": f"{d:02d}-{m:02d}-{y}",
        "iso": f"{y}-{m:02d}-{d:02d}",
        "words": f"ngày {d} tháng {m} năm {y}",
    }
    if form in texts:
        return texts[form], None, day.isoformat()
    if form == "cell":
        return dt.datetime(y, m, d), DATE_CELL_FORMAT, day.isoformat()
    if form == "dmy_hm":
        moment = when.replace(second=0, microsecond=0)
        return f"{d:02d}/{m:02d}/{y} {moment:%H:%M}", None, moment.isoformat()
    if form == "serial":
        return (day - EXCEL_EPOCH).days, None, day.isoformat()
    if form == "timestamp":
        moment = when.replace(microsecond=0)
        return moment, TIMESTAMP_FORMAT, moment.isoformat()
    return None, None, None


# People ------------------------------------------------------------------------------------
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
FEMALE = (
    ("Thị", "Thị Thu", "Thị Ngọc", "Thị Mỹ", "Ngọc", "Thanh", "Thị Kim"),
    ("Hoa", "Lan", "Hương", "Trang", "Thảo", "Nhung", "Hạnh", "Vy", "Linh", "Hằng", "Phượng", "Diễm"),
)
MALE = (
    ("Văn", "Hữu", "Minh", "Quốc", "Đức", "Ngọc", "Thanh"),
    ("Hùng", "Dũng", "Tuấn", "Phúc", "Long", "Nam", "Khoa", "Trí", "Sơn", "Tài", "Bảo", "Hiếu"),
)
MOBILE_PREFIXES = ("0905", "0914", "0935", "0986", "0978", "0356", "0389", "0702", "0772", "0799", "0834")


def person(rng: random.Random, roles: Sequence[str] = ()) -> str:
    middles, givens = FEMALE if rng.random() < 0.6 else MALE
    name = f"{rng.choice(SURNAMES)} {rng.choice(middles)} {rng.choice(givens)}"
    if roles and rng.random() < 0.25:
        name += rng.choice((" - ", " (", ", ")) + rng.choice(roles)
        name += ")" if "(" in name else ""
    return name


def phone(rng: random.Random, area: str) -> str | None:
    """Mostly a mobile number typed as text, in the usual groupings; sometimes a landline."""
    roll = rng.random()
    if roll < 0.05:
        return None
    if roll < 0.12:
        return f"{area} {rng.randint(3500, 3899)} {rng.randint(100, 999)}"
    digits = rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 999999):06d}"
    style = rng.random()
    if style < 0.5:
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if style < 0.85:
        return digits
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


# How clerks name their own unit ------------------------------------------------------------------
# (text, tag) pairs; repeated entries weight the common forms. The roster's name, short name and
# aliases are always candidates; these add the abbreviations clerks actually use.
_SCHOOL = re.compile(r"^Trường (Tiểu học|Trung học cơ sở|Mầm non|Mẫu giáo) (.+)$")
_SCHOOL_ABBR = {"Tiểu học": "TH", "Trung học cơ sở": "THCS", "Mầm non": "MN", "Mẫu giáo": "MG"}
LOCAL_BODY = re.compile(r"^Ủy ban nhân dân (phường|xã|huyện|thị xã|thành phố) (.+)$")

NHATRANG_EXTRA_FORMS: dict[str, tuple[str, ...]] = {
    "DT-VPTU": ("Văn phòng Thành ủy", "VP Thành ủy Nha Trang"),
    "DT-BTCTU": ("Ban Tổ chức Thành ủy", "Ban TC Thành ủy"),
    "DT-UBKTTU": ("UBKT Thành ủy Nha Trang", "Ủy ban Kiểm tra Thành ủy"),
    "DT-BTGTU": ("Ban Tuyên giáo Thành ủy", "Ban TG TU Nha Trang"),
    "DT-BDVTU": ("Ban Dân vận Thành ủy", "Ban DV Thành ủy"),
    "DT-TTCT": ("Trung tâm Chính trị TP", "TT Chính trị thành phố"),
    "DT-MTTQ": ("UB MTTQ Việt Nam TP Nha Trang", "Ủy ban MTTQVN thành phố", "MTTQ TP Nha Trang"),
    "DT-THANHDOAN": ("Thành Đoàn Nha Trang", "BTV Thành đoàn Nha Trang"),
    "DT-HLHPN": ("Hội Phụ nữ TP", "Hội LHPN thành phố Nha Trang"),
    "DT-HND": ("Hội ND TP Nha Trang",),
    "DT-HCCB": ("Hội CCB thành phố Nha Trang",),
    "DT-LDLD": ("LĐLĐ thành phố Nha Trang", "Liên đoàn LĐ TP"),
    "DT-HCTD": ("Hội CTĐ thành phố",),
    "DT-HNCT": ("Hội NCT thành phố Nha Trang",),
    "DT-HCTNXP": ("Hội Cựu TNXP thành phố",),
    "DT-HNNCDDC": ("Hội Nạn nhân CĐDC/dioxin TP", "Hội Nạn nhân chất độc da cam TP"),
    "CM-VP": ("Văn phòng HĐND và UBND TP", "VP HĐND-UBND thành phố"),
    "CM-TCKH": ("Phòng Tài chính - Kế hoạch", "Phòng TCKH"),
    "CM-TNMT": ("Phòng TNMT", "Phòng Tài nguyên - Môi trường TP"),
    "CM-QLDT": ("Phòng QLĐT TP Nha Trang",),
    "CM-VHTT": ("Phòng Văn hóa - Thông tin", "Phòng VHTT TP"),
    "CM-GDDT": ("Phòng GD-ĐT", "Phòng Giáo dục - Đào tạo TP"),
    "CM-LDTBXH": ("Phòng LĐTB&XH", "Phòng Lao động - TB&XH TP"),
    "SN-TTVHTTTT": ("Trung tâm VH-TT-TT TP", "TT Văn hóa, Thông tin và Thể thao TP"),
    "SN-BQLDA": ("BQL dự án các công trình xây dựng", "Ban QLDA các CTXD Nha Trang"),
    "SN-TTPTQD": ("TT Phát triển quỹ đất TP", "Trung tâm PTQĐ thành phố"),
    "SN-DOIQLTTDT": ("Đội QL trật tự đô thị TP", "Đội Quản lý TTĐT"),
    "SN-BQLVINH": ("BQL Vịnh", "Ban QL Vịnh Nha Trang"),
    "SN-BQLCHODAM": ("BQL Chợ Đầm", "Ban quản lý Chợ Đầm"),
    "SN-BQLCHOXOMMOI": ("Ban Quản lý Chợ Xóm mới",),
    "SN-TTDVNN": ("TT Dịch vụ nông nghiệp TP", "Trung tâm DVNN Nha Trang"),
    "SN-TTGDNNGDTX": ("TT GDNN-GDTX Nha Trang", "Trung tâm GDNN - GDTX TP"),
}

TRAVINH_EXTRA_FORMS: dict[str, tuple[str, ...]] = {
    "D-VPTU": ("VP Tỉnh ủy Trà Vinh",),
    "D-BTCTU": ("Ban TC Tỉnh ủy Trà Vinh",),
    "D-BTGTU": ("Ban TG Tỉnh ủy",),
    "D-UBKTTU": ("UBKT Tỉnh ủy Trà Vinh",),
    "D-MTTQ": ("Ủy ban MTTQ Việt Nam tỉnh", "UBMTTQ VN tỉnh Trà Vinh"),
    "D-TINHDOAN": ("Tỉnh Đoàn Trà Vinh",),
    "D-HLHPN": ("Hội LHPN tỉnh Trà Vinh", "Hội Phụ nữ tỉnh"),
    "D-LDLD": ("LĐLĐ tỉnh Trà Vinh",),
    "S-VPUBND": ("Văn phòng UBND tỉnh", "VP UBND tỉnh Trà Vinh"),
    "S-VPDDBQH": ("Văn phòng Đoàn ĐBQH và HĐND tỉnh Trà Vinh",),
    "S-KHDT": ("Sở KH&ĐT", "Sở Kế hoạch và Đầu tư"),
    "S-CONGTHUONG": ("Sở Công thương",),
    "S-NNPTNT": ("Sở NN&PTNT", "Sở Nông nghiệp và PTNT"),
    "S-GTVT": ("Sở GTVT Trà Vinh", "Sở Giao thông vận tải"),
    "S-TNMT": ("Sở TN&MT", "Sở TNMT Trà Vinh"),
    "S-LDTBXH": ("Sở LĐTB&XH", "Sở Lao động - TB&XH"),
    "S-VHTTDL": ("Sở VHTT&DL", "Sở Văn hóa, Thể thao và Du lịch"),
    "S-KHCN": ("Sở KH&CN Trà Vinh",),
    "S-GDDT": ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo Trà Vinh"),
    "BC-DAITV": ("Đài PTTH Trà Vinh", "Đài Phát thanh - Truyền hình Trà Vinh"),
    "DH-TVU": ("Trường ĐH Trà Vinh", "Đại học Trà Vinh"),
    "DH-CDYT": ("Trường CĐ Y tế Trà Vinh",),
    "DH-CDTV": ("Trường CĐ Trà Vinh", "Cao đẳng Trà Vinh"),
    "VT-VNPT": ("VNPT Trà Vinh", "Viễn thông Trà Vinh"),
    "VT-VIETTEL": ("Viettel Trà Vinh",),
    "VT-MOBIFONE": ("Mobifone tỉnh Trà Vinh",),
}


def _school_forms(name: str) -> list[tuple[str, str]]:
    match = _SCHOOL.match(name)
    if not match:
        return []
    level, rest = match.groups()
    abbr = _SCHOOL_ABBR[level]
    forms = [(f"Trường {abbr} {rest}", "abbrev")] * 3 + [(f"{abbr} {rest}", "abbrev")]
    forms.append((f"Trường {level.lower()} {rest}", "case"))
    if abbr in ("TH", "THCS"):
        forms.append((f"Trg {abbr} {rest}", "abbrev"))
    return forms


def _local_forms(name: str) -> list[tuple[str, str]]:
    """Ward, commune and district People's Committees: "UBND phường X", "UBND P. X", "UBND TX X"."""
    match = LOCAL_BODY.match(name)
    if not match:
        return []
    kind, place = match.groups()
    short = {"phường": "P.", "xã": "X.", "huyện": "H.", "thị xã": "TX", "thành phố": "TP"}[kind]
    forms = [(f"UBND {kind} {place}", "abbrev")] * 3 + [(f"UBND {short} {place}", "abbrev")]
    if short.endswith("."):
        forms.append((f"UBND {short}{place}", "abbrev"))
    return forms


def _suffix_forms(name: str, suffix: str, variants: tuple[str, ...], bare_ok: tuple[str, ...]) -> list:
    if not name.endswith(" " + suffix):
        return []
    stem = name[: -len(suffix) - 1]
    forms = [(f"{stem} {variant}", "abbrev") for variant in variants]
    if stem.startswith(bare_ok):
        forms.append((stem, "abbrev"))
    return forms


def clerk_forms(unit: Any, extra: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """Every way a clerk plausibly types ``unit`` (a RosterUnit), as (text, tag) pairs."""
    forms = [(unit.name, "full"), (unit.short_name, "short")] if unit.short_name else [(unit.name, "full")]
    forms += _school_forms(unit.name) + _local_forms(unit.name)
    forms += _suffix_forms(
        unit.name, "thành phố Nha Trang", ("TP Nha Trang", "TP", "thành phố"), ("Phòng", "Hội")
    )
    forms += _suffix_forms(unit.name, "Thành ủy Nha Trang", ("Thành ủy",), ())
    forms += _suffix_forms(unit.name, "tỉnh Trà Vinh", ("Trà Vinh", "tỉnh"), ("Sở",))
    forms += _suffix_forms(unit.name, "Tỉnh ủy Trà Vinh", ("Tỉnh ủy",), ())
    forms += [(text, "abbrev") for text in extra.get(unit.unit_id, ())]
    return forms


def alias_forms(unit: Any) -> list[tuple[str, str]]:
    """Former or merged names from the roster's aliases, as typed (schools abbreviated)."""
    forms: list[tuple[str, str]] = []
    for alias in unit.aliases:
        forms.append((alias, "alias"))
        forms += [(text, "alias") for text, _ in _school_forms(alias)[2:4]]
    return forms


# The plans of the two demo sheets -----------------------------------------------------------------
def at(text: str) -> dt.datetime:
    """``at("2024-11-04 09:10")``: a local (campaign timezone) moment."""
    return dt.datetime.fromisoformat(text)


@dataclass(frozen=True)
class Sub:
    """One submission: when the clerk typed it, how the date was typed, where the row sits."""

    when: dt.datetime
    form: str
    sort_when: dt.datetime | None = None  # sheet position when it differs from ``when``


@dataclass(frozen=True)
class Scenario:
    tag: str
    subs: tuple[Sub, ...]
    group: str | None = None  # roster group to draw the unit from
    prefix: str = ""  # unit_id prefix to draw from
    unit_id: str | None = None  # a fixed unit
    twin_last: bool = False  # the last two submissions are identical (pasted twice)
    early_problem: tuple[str, Any] | None = None  # a problem cell in the first (superseded) row
    winner: int = -1  # index of the intended winning submission


@dataclass(frozen=True)
class Extra:
    """A row that belongs to no roster unit."""

    kind: str
    typed: str | None
    like: str  # roster group whose figures and texts it imitates
    when: dt.datetime | None = None
    values: dict[str, int | None] | None = None


@dataclass(frozen=True)
class CellPlan:
    """A deliberately placed cell form (problem or CONTRACT §3 coverage) on a plain unit's row."""

    cells: tuple[tuple[str, Any], ...]  # (metric key, form or raw problem value)
    group: str | None = None
    prefix: str = ""
    problem: bool = False


@dataclass(frozen=True)
class Profile:
    """Everything that differs between the two campaigns."""

    stem: str
    days: tuple[tuple[str, float], ...]
    hours: tuple[int, int]
    ranges: dict[str, dict[str, tuple[int, int, float]]]
    overrides: dict[str, dict[str, tuple[int, int, float]]]
    missing: dict[str, int]
    kindergarten_run: int
    force_report: tuple[str, ...]
    force_missing: tuple[str, ...]
    scenarios: tuple[Scenario, ...]
    extras: tuple[Extra, ...]
    cell_plans: tuple[CellPlan, ...]
    major_plan: tuple[tuple[str, int], ...]
    light_plan: tuple[tuple[str, int], ...]
    date_forms: tuple[tuple[str, float], ...]
    extra_forms: dict[str, tuple[str, ...]]
    hints: dict[str, tuple[str, ...]]
    other_forms: dict[str, tuple[str, ...]]
    issues: tuple[tuple[str | None, float], ...]
    roles: dict[str, tuple[str, ...]]
    area_code: str
    widths: dict[str, float]
    header_fill: str
    modified: dt.datetime
    guide: tuple[str, ...] = ()
    blank_at: tuple[float, ...] = ()
    jitter: float = 0.0
    alias_showcase: tuple[str, ...] = ()


# fmt: off
# The two campaigns ------------------------------------------------------------------------------
NHATRANG = Profile(
    stem="nhatrang-2024",
    days=(("2024-10-30", 1), ("2024-10-31", 2), ("2024-11-01", 3), ("2024-11-02", 0.6), ("2024-11-03", 0.4),
          ("2024-11-04", 4), ("2024-11-05", 5), ("2024-11-06", 6), ("2024-11-07", 7), ("2024-11-08", 10),
          ("2024-11-09", 3), ("2024-11-10", 2)),
    hours=(7, 17),
    ranges={
        "dang_doanthe": {"officials": (12, 60, 0), "students": (0, 0, 0.7), "citizens": (150, 3200, 0.25),
                         "web_posts": (0, 6, 0.3), "social_posts": (3, 45, 0.05), "sessions": (1, 14, 0),
                         "printed": (0, 60, 0.3)},
        "chuyenmon": {"officials": (10, 55, 0), "students": (0, 0, 0.75), "citizens": (0, 400, 0.45),
                      "web_posts": (1, 12, 0.1), "social_posts": (1, 25, 0.1), "sessions": (1, 6, 0),
                      "printed": (0, 30, 0.35)},
        "sunghiep": {"officials": (15, 130, 0), "students": (0, 0, 0.7), "citizens": (100, 4200, 0.15),
                     "web_posts": (0, 8, 0.3), "social_posts": (2, 30, 0.1), "sessions": (1, 12, 0),
                     "printed": (10, 300, 0.15)},
        "truonghoc": {"officials": (18, 95, 0), "students": (250, 2600, 0.03), "citizens": (0, 0, 0.6),
                      "web_posts": (1, 10, 0.15), "social_posts": (2, 28, 0.05), "sessions": (1, 12, 0),
                      "printed": (2, 40, 0.25)},
        "xaphuong": {"officials": (18, 65, 0), "students": (0, 0, 0.65), "citizens": (600, 9500, 0),
                     "web_posts": (2, 25, 0.1), "social_posts": (8, 120, 0), "sessions": (4, 45, 0),
                     "printed": (30, 600, 0.05)},
    },
    overrides={"TR-MN-": {"students": (120, 700, 0.03)}, "TR-MG-": {"students": (100, 450, 0.03)},
               "TR-THCS-": {"students": (600, 2600, 0.03)}, "SN-TTGDNNGDTX": {"students": (150, 900, 0)},
               "DT-THANHDOAN": {"students": (200, 1500, 0.2)}},
    missing={"dang_doanthe": 3, "chuyenmon": 1, "sunghiep": 2, "xaphuong": 3, "truonghoc": 7},
    kindergarten_run=5,
    force_report=("TR-TH-PHUOCLONG1", "TR-MN-PHUOCTIEN", "TR-MN-TANLAP1", "TR-TH-PHUOCTAN", "DT-TTCT",
                  "PX-VINHTHO", "PX-VINHTRUONG", "PX-VANTHANG", "PX-VANTHANH", "PX-PHUOCHAI", "PX-PHUOCHOA",
                  "PX-VINHHAI", "TR-TH-VINHHAI1", "TR-TH-VINHHAI2", "TR-MN-VINHHAI"),
    force_missing=("TR-TH-PHUOCLONG2",),
    scenarios=(
        Scenario("dates in row order",
                 (Sub(at("2024-11-04 09:10"), "cell"), Sub(at("2024-11-07 14:05"), "cell")),
                 group="xaphuong"),
        Scenario("same day, two times",
                 (Sub(at("2024-11-06 08:20"), "dmy_hm"), Sub(at("2024-11-06 15:45"), "dmy_hm")),
                 prefix="TR-TH-"),
        Scenario("three times", (Sub(at("2024-11-01 10:00"), "cell"), Sub(at("2024-11-05 09:30"), "dmy"),
                                 Sub(at("2024-11-08 16:10"), "serial")), group="chuyenmon"),
        Scenario("earlier row has the later date",
                 (Sub(at("2024-11-09 07:50"), "dmy", sort_when=at("2024-11-04 11:00")),
                  Sub(at("2024-11-05 10:15"), "cell")), prefix="TR-MN-", winner=0),
        Scenario("no dates: row order",
                 (Sub(at("2024-11-03 09:00"), "empty"), Sub(at("2024-11-07 10:30"), "empty")),
                 group="dang_doanthe"),
        Scenario("on time, then a late correction",
                 (Sub(at("2024-11-07 08:40"), "cell"), Sub(at("2024-11-12 09:15"), "dmy")), group="xaphuong"),
        Scenario("problem fixed, then pasted twice",
                 (Sub(at("2024-10-31 15:00"), "dmy"), Sub(at("2024-11-02 09:00"), "cell"),
                  Sub(at("2024-11-04 08:10"), "dmy_short")),
                 prefix="TR-THCS-", twin_last=True, early_problem=("students", "#REF!")),
        Scenario("iso date, then words",
                 (Sub(at("2024-11-05 14:00"), "iso"), Sub(at("2024-11-09 09:20"), "words")),
                 group="sunghiep"),
        Scenario("late", (Sub(at("2024-11-11 08:05"), "cell"),), group="xaphuong"),
        Scenario("late", (Sub(at("2024-11-11 07:45"), "dmy_hm"),), prefix="TR-TH-"),
        Scenario("late", (Sub(at("2024-11-12 10:20"), "serial"),), prefix="TR-M"),
        Scenario("late", (Sub(at("2024-11-12 15:00"), "dmy"),), group="dang_doanthe"),
        Scenario("late", (Sub(at("2024-11-13 09:30"), "dmy_dash"),), group="xaphuong"),
        Scenario("deadline day, date only", (Sub(at("2024-11-10 20:30"), "dmy"),), group="chuyenmon"),
        Scenario("deadline day, with a time", (Sub(at("2024-11-10 22:15"), "dmy_hm"),), prefix="TR-THCS-"),
    ),
    extras=(
        Extra("unknown", "Ủy ban nhân dân TP Nha Trang", "chuyenmon"),  # the city itself, not a recipient
        Extra("unknown", "Trường MN tư thục Họa Mi", "truonghoc"),  # a private kindergarten
        Extra("ambiguous", "UBND P. VT", "xaphuong"),  # Vĩnh Thọ, Vĩnh Trường, Vạn Thắng or Vạn Thạnh
        Extra("ambiguous", "Trường TH Phước Long", "truonghoc"),  # 1 or 2
        Extra("no_name", None, "xaphuong"),
    ),
    cell_plans=(
        CellPlan((("sessions", "1,5"),), problem=True),
        CellPlan((("sessions", "1.5"),), problem=True),
        CellPlan((("printed", -12),), problem=True),
        CellPlan((("citizens", "chưa thống kê"),), group="xaphuong", problem=True),
        CellPlan((("students", "#REF!"),), prefix="TR-TH-", problem=True),
        CellPlan((("citizens", "đang tổng hợp"), ("social_posts", "nhiều")), group="sunghiep", problem=True),
        CellPlan((("officials", "#VALUE!"),), problem=True),
        CellPlan((("web_posts", "Không thống kê được"),), group="chuyenmon", problem=True),
        CellPlan((("citizens", "số liệu gửi sau"),), group="dang_doanthe", problem=True),
        CellPlan((("citizens", "dot"),), group="xaphuong"),
        CellPlan((("students", "dot"),), prefix="TR-THCS-"),
        CellPlan((("students", "comma"),), prefix="TR-TH-"),
        CellPlan((("citizens", "space"),), group="xaphuong"),
        CellPlan((("citizens", "khoảng"), ("printed", "khoảng")), group="xaphuong"),
        CellPlan((("students", "khoảng"),), prefix="TR-TH-"),
        CellPlan((("citizens", "~"),), group="dang_doanthe"),
        CellPlan((("students", "gần"),), prefix="TR-THCS-"),
        CellPlan((("citizens", "trên"),), group="xaphuong"),
        CellPlan((("officials", "hơn"),), group="sunghiep"),
        CellPlan((("citizens", "người"),), group="dang_doanthe"),
        CellPlan((("students", "người"),), prefix="TR-MN-"),
        CellPlan((("citizens", "lượt"),), group="sunghiep"),
        CellPlan((("students", "không"), ("printed", "-")), group="chuyenmon"),
        CellPlan((("web_posts", "-"),), prefix="TR-M"),
        CellPlan((("students", "không có"),), group="xaphuong"),
        CellPlan((("citizens", "không"),), prefix="TR-TH-"),
    ),
    major_plan=(("no_diacritics", 8), ("new_tone", 5), ("swapped", 3), ("typo_hoi_nga", 2), ("typo_dot", 1),
                ("roman", 2), ("zero_padded", 2), ("p_dot", 1), ("nfd", 2), ("zwsp", 1), ("mojibake", 2)),
    light_plan=(("note", 6), ("spaces", 8), ("case", 5), ("period", 3)),
    date_forms=(("cell", 45), ("dmy", 20), ("dmy_short", 6), ("dmy_hm", 7), ("dmy_dash", 3), ("iso", 3),
                ("serial", 2), ("words", 2), ("empty", 12)),
    extra_forms=NHATRANG_EXTRA_FORMS,
    hints={"dang_doanthe": ("Đảng - Đoàn thể", "Khối Đảng, MTTQ, đoàn thể"),
           "chuyenmon": ("Cơ quan chuyên môn", "Chuyên môn"), "sunghiep": ("Đơn vị sự nghiệp", "Sự nghiệp"),
           "truonghoc": ("Trường học", "Khối trường học"), "xaphuong": ("Xã, phường", "UBND xã, phường")},
    other_forms={
        "*": ("Chia sẻ infographic qua nhóm Zalo của cơ quan", "Treo áp phích tại bảng tin",
              "Lồng ghép trong sinh hoạt chi bộ", "Gửi Cẩm nang qua hộp thư điện tử công vụ"),
        "truonghoc": ("Gửi tài liệu qua nhóm Zalo phụ huynh các lớp", "Lồng ghép trong giờ chào cờ đầu tuần",
                      "Lồng ghép trong tiết sinh hoạt lớp", "Phát thanh măng non"),
        "xaphuong": ("Phát trên hệ thống loa truyền thanh cơ sở", "Tuyên truyền qua xe loa lưu động",
                     "Lồng ghép tại các cuộc họp tổ dân phố", "Phát tờ rơi tại chợ và khu dân cư"),
        "sunghiep": ("Phát tờ rơi cho tiểu thương", "Trình chiếu video trên màn hình LED tại trụ sở"),
        "dang_doanthe": ("Lồng ghép trong sinh hoạt chi hội", "Tổ chức cuộc thi tìm hiểu trực tuyến"),
    },
    issues=(("Không", 48), (None, 14), ("Không có", 7), ("không", 4), ("Không có khó khăn, vướng mắc", 5),
            ("Đề nghị cung cấp thêm tài liệu, video tuyên truyền ngắn", 7),
            ("Đề nghị Phòng VH&TT cấp thêm tờ rơi, áp phích", 4), ("Kinh phí in ấn tài liệu còn hạn chế", 3),
            ("Người cao tuổi ít sử dụng điện thoại thông minh nên khó tiếp cận", 3),
            ("Đề nghị tổ chức tập huấn kỹ năng nhận diện lừa đảo cho cán bộ phụ trách", 3)),
    roles={"*": ("Văn thư", "Chuyên viên", "Kế toán", "Phó Chánh Văn phòng"),
           "truonghoc": ("Phó Hiệu trưởng", "Văn thư", "Hiệu trưởng", "Giáo viên"),
           "xaphuong": ("Công chức VH-XH", "Văn hóa - Xã hội")},
    area_code="0258",
    widths={"row_number": 6, "unit_name": 44, "group_hint": 18, "other_forms": 34, "issues_raised": 42,
            "reporter": 26, "phone": 16, "submitted_at": 15},
    header_fill="FFF2CC",
    modified=dt.datetime(2024, 11, 13, 17, 30),
    guide=(
        "HƯỚNG DẪN NHẬP KẾT QUẢ TRIỂN KHAI CHIẾN DỊCH",
        "“Kỹ năng nhận diện và phòng chống lừa đảo trực tuyến bảo vệ người dân "
        "trên không gian mạng năm 2024”",
        "(Kèm theo Công văn số 2242/VHTT ngày 29/10/2024 của Phòng Văn hóa và Thông tin thành phố Nha Trang)",
        "",
        "1. Mỗi cơ quan, đơn vị nhập kết quả vào một dòng tại trang tính “Báo cáo”, "
        "ghi đầy đủ tên cơ quan, đơn vị.",
        "2. Các cột số liệu chỉ nhập số (ví dụ: 1234); nội dung nào không thực hiện thì nhập 0.",
        "3. Trường hợp điều chỉnh số liệu, đề nghị nhập thêm một dòng mới và ghi ngày báo cáo; "
        "không xóa, không sửa dòng của đơn vị khác.",
        "4. Không chèn thêm cột, không đổi tên cột và tên trang tính.",
        "5. Thời hạn báo cáo: trước ngày 10/11/2024.",
    ),
    blank_at=(0.37, 0.69),
    jitter=18.0,
    alias_showcase=("TR-MN-PHUOCTIEN", "TR-MN-TANLAP1", "TR-TH-PHUOCTAN", "DT-TTCT"),
)

_TS = "timestamp"
TRAVINH = Profile(
    stem="travinh-2024",
    days=(("2024-11-06", 1), ("2024-11-07", 2), ("2024-11-08", 3), ("2024-11-09", 0.5), ("2024-11-10", 0.3),
          ("2024-11-11", 3), ("2024-11-12", 4), ("2024-11-13", 5), ("2024-11-14", 6), ("2024-11-15", 8),
          ("2024-11-16", 2), ("2024-11-17", 1.5), ("2024-11-18", 10)),
    hours=(7, 21),
    ranges={
        "dang_doanthe": {"officials": (25, 180, 0), "students": (0, 0, 0.8), "citizens": (500, 30000, 0.2),
                         "press_items": (0, 0, 0.7), "web_posts": (2, 30, 0.1), "social_posts": (5, 80, 0),
                         "sms": (0, 0, 0.85), "sessions": (2, 40, 0)},
        "sobannganh": {"officials": (40, 400, 0), "students": (0, 0, 0.8), "citizens": (0, 5000, 0.4),
                       "press_items": (0, 3, 0.6), "web_posts": (3, 40, 0.05), "social_posts": (5, 60, 0.05),
                       "sms": (0, 0, 0.85), "sessions": (1, 20, 0)},
        "baochi": {"officials": (60, 150, 0), "students": (0, 0, 0.8), "citizens": (0, 0, 0.8),
                   "press_items": (40, 180, 0), "web_posts": (40, 200, 0), "social_posts": (80, 400, 0),
                   "sms": (0, 0, 0.9), "sessions": (0, 3, 0.3)},
        "daihoc": {"officials": (150, 900, 0), "students": (3000, 20000, 0), "citizens": (0, 800, 0.5),
                   "press_items": (0, 5, 0.5), "web_posts": (5, 30, 0), "social_posts": (10, 90, 0),
                   "sms": (0, 0, 0.9), "sessions": (3, 25, 0)},
        "vienthong": {"officials": (80, 400, 0), "students": (0, 0, 0.8), "citizens": (500, 5000, 0.2),
                      "press_items": (0, 0, 0.8), "web_posts": (2, 20, 0.2), "social_posts": (10, 120, 0),
                      "sms": (200000, 1500000, 0), "sessions": (1, 10, 0.2)},
        "huyen": {"officials": (300, 1500, 0), "students": (5000, 25000, 0.05), "citizens": (15000, 90000, 0),
                  "press_items": (2, 20, 0.2), "web_posts": (10, 80, 0), "social_posts": (30, 300, 0),
                  "sms": (0, 0, 0.8), "sessions": (20, 200, 0)},
    },
    overrides={"S-GDDT": {"students": (120000, 180000, 0)},
               "S-CONGAN": {"citizens": (20000, 90000, 0), "sessions": (50, 300, 0)},
               "D-TINHDOAN": {"students": (2000, 15000, 0)}, "DH-CDYT": {"students": (800, 3000, 0)}},
    missing={"dang_doanthe": 2, "sobannganh": 4, "daihoc": 1},
    kindergarten_run=0,
    force_report=("H-TXDH", "S-GDDT", "VT-VNPT", "DH-TVU", "DH-CDTV"),
    force_missing=("H-DUYENHAI",),
    scenarios=(
        Scenario("resubmitted", (Sub(at("2024-11-14 09:12:44"), _TS), Sub(at("2024-11-16 10:05:31"), _TS)),
                 unit_id="S-GDDT"),
        Scenario("resubmitted", (Sub(at("2024-11-12 15:20:07"), _TS), Sub(at("2024-11-13 08:47:52"), _TS)),
                 group="huyen"),
        Scenario("three times, the last one late", (Sub(at("2024-11-08 10:02:15"), _TS),
                                                    Sub(at("2024-11-15 16:30:40"), _TS),
                                                    Sub(at("2024-11-19 08:40:03"), _TS)), unit_id="VT-VNPT"),
        Scenario("late", (Sub(at("2024-11-19 00:03:12"), _TS),), group="sobannganh"),
        Scenario("late", (Sub(at("2024-11-20 14:22:09"), _TS),), group="dang_doanthe"),
        Scenario("deadline evening", (Sub(at("2024-11-18 23:41:05"), _TS),), group="huyen"),
    ),
    extras=(
        Extra("unknown", "Sở TT&TT Trà Vinh (nhập thử)", "sobannganh", when=at("2024-11-05 08:31:10"),
              values={"officials": 1, "students": None, "citizens": 1, "press_items": None, "web_posts": 1,
                      "social_posts": 1, "sms": None, "sessions": 1}),  # the collector testing its form
        Extra("unknown", "FPT Telecom Trà Vinh", "vienthong"),  # a telecom not asked to report
        Extra("ambiguous", "UBND Duyên Hải", "huyen"),  # huyện or thị xã Duyên Hải
    ),
    cell_plans=(
        CellPlan((("citizens", "chưa thống kê"),), group="sobannganh", problem=True),
        CellPlan((("sessions", "2,5"),), problem=True),
        CellPlan((("students", "đang tổng hợp"),), group="daihoc", problem=True),
        CellPlan((("press_items", -15),), group="huyen", problem=True),
        CellPlan((("sms", "dot"),), group="vienthong"),
        CellPlan((("citizens", "khoảng"),), group="huyen"),
        CellPlan((("citizens", "space"),), group="huyen"),
        CellPlan((("officials", "hơn"),), group="sobannganh"),
        CellPlan((("press_items", "không"),), group="sobannganh"),
        CellPlan((("sms", "-"),), group="dang_doanthe"),
        CellPlan((("students", "người"),), prefix="DH-"),
    ),
    major_plan=(("no_diacritics", 3), ("new_tone", 2), ("typo_hoi_nga", 1), ("nfd", 1)),
    light_plan=(("spaces", 3), ("case", 2), ("period", 1)),
    date_forms=((_TS, 1),),
    extra_forms=TRAVINH_EXTRA_FORMS,
    hints={g: ("",) for g in ("dang_doanthe", "sobannganh", "baochi", "daihoc", "vienthong", "huyen")},
    other_forms={
        "*": ("Chia sẻ infographic trên Fanpage của đơn vị", "Lồng ghép trong hội nghị báo cáo viên",
              "Gửi Cẩm nang qua hệ thống quản lý văn bản và điều hành"),
        "huyen": ("Tuyên truyền bằng tiếng Khmer tại các chùa, phum sóc",
                  "Phát trên hệ thống loa truyền thanh các xã, thị trấn"),
        "vienthong": ("Gửi tin nhắn cảnh báo đến thuê bao trên địa bàn tỉnh",),
        "baochi": ("Phát sóng phóng sự chuyên đề", "Mở chuyên mục “Cảnh giác lừa đảo trực tuyến”"),
        "daihoc": ("Lồng ghép trong tuần sinh hoạt công dân - sinh viên",),
    },
    issues=(("Không", 45), (None, 10), ("Không có", 8), ("Không có khó khăn, vướng mắc", 6),
            ("Đề nghị bổ sung tài liệu tuyên truyền bằng tiếng Khmer", 4),
            ("Đề nghị cung cấp thêm tài liệu, video tuyên truyền ngắn", 5),
            ("Đề nghị tổ chức tập huấn cho đội ngũ báo cáo viên cơ sở", 3)),
    roles={"*": ("Chuyên viên", "Phó Chánh Văn phòng", "Văn thư", "Phòng Tổ chức - Hành chính")},
    area_code="0294",
    widths={"submitted_at": 20, "unit_name": 42, "other_forms": 34, "issues_raised": 42, "reporter": 26,
            "phone": 16},
    header_fill="D9EAD3",
    modified=dt.datetime(2024, 11, 21, 8, 0),
)
# fmt: on
