"""The ways clerks write a unit's type, its district or province, and the bodies that sit in a commune.

Each form says what it states, so the generator knows which units a typed name fits: ``kind`` is the
unit type the text states (None: no type at all; "UBND": a People's Committee of no stated level).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tests.namegen.admin import Unit

# {p}: the proper name. Styles by how often clerks use them (weights).
_HEADS: dict[str, tuple[tuple[str, float], ...]] = {
    "Xã": (("UBND xã {p}", 5), ("Ủy ban nhân dân xã {p}", 2), ("Xã {p}", 3), ("UBND X. {p}", 1),
           ("UBND X.{p}", 1), ("X. {p}", 0.5), ("UB xã {p}", 0.5), ("{p} - UBND xã", 0.3), ("UBND Xã {p}", 1)),
    "Phường": (("UBND phường {p}", 5), ("Ủy ban nhân dân phường {p}", 2), ("Phường {p}", 3), ("UBND P. {p}", 1),
               ("P.{p}", 1), ("P. {p}", 1), ("F.{p}", 0.5), ("UBND F.{p}", 0.5), ("UBND P.{p}", 1)),
    "Thị trấn": (("UBND thị trấn {p}", 5), ("Ủy ban nhân dân thị trấn {p}", 2), ("Thị trấn {p}", 3),
                 ("TT. {p}", 1), ("TT {p}", 1), ("UBND TT {p}", 1), ("UBND TT. {p}", 1)),
    "Huyện": (("UBND huyện {p}", 5), ("Ủy ban nhân dân huyện {p}", 2), ("Huyện {p}", 2), ("UBND H. {p}", 1),
              ("H. {p}", 0.5), ("UBND H.{p}", 0.5)),
    "Quận": (("UBND quận {p}", 5), ("Ủy ban nhân dân quận {p}", 2), ("Quận {p}", 2), ("UBND Q. {p}", 1)),
    "Thị xã": (("UBND thị xã {p}", 5), ("Ủy ban nhân dân thị xã {p}", 2), ("Thị xã {p}", 2), ("UBND TX {p}", 1),
               ("UBND TX. {p}", 1), ("TX. {p}", 0.5)),
    "Thành phố": (("UBND thành phố {p}", 5), ("Ủy ban nhân dân thành phố {p}", 2), ("Thành phố {p}", 2),
                  ("UBND TP {p}", 1), ("UBND TP. {p}", 1), ("TP. {p}", 0.5)),
}
# Numbered wards ("Phường 4"): {n} the number.
_NUMBERED = (("UBND phường {n}", 4), ("Phường {n}", 3), ("UBND P{n}", 1), ("P{n}", 1), ("P.{n:02d}", 1),
             ("F{n}", 0.5), ("UBND F{n}", 0.5), ("Phường {n:02d}", 1), ("UBND P.{n}", 1), ("Phường số {n}", 0.5))
_UNTYPED = (("UBND {p}", 3), ("{p}", 2), ("Ủy ban nhân dân {p}", 0.5))
# A district as a qualifier: {p} its proper name.
_DISTRICT_AS_PLACE = {
    "Huyện": (", H. {p}", " – H.{p}", " - huyện {p}", " (huyện {p})", " huyện {p}", ", huyện {p}", " - H.{p}"),
    "Thị xã": (", TX. {p}", " - TX {p}", " (thị xã {p})", " thị xã {p}", " - TX. {p}", ", thị xã {p}"),
    "Thành phố": (", TP. {p}", " - TP {p}", " (TP. {p})", " thành phố {p}", " - TP. {p}", ", thành phố {p}"),
    "Quận": (", Q. {p}", " - Q.{p}", " (quận {p})", " quận {p}", ", quận {p}"),
}
_PROVINCE_AS_PLACE = (", tỉnh {p}", " - tỉnh {p}", " (tỉnh {p})", " tỉnh {p}", ", Tỉnh {p}")
_CITY_AS_PLACE = (", TP. {p}", " - thành phố {p}", " (TP {p})", " thành phố {p}")
# Other bodies in a commune or district: never the People's Committee. {k}: the place's type word.
SUB_AGENCIES = (
    "Công an {k} {p}", "Trạm Y tế {k} {p}", "Trạm y tế {k} {p}", "Trường Tiểu học {p}", "Trường THCS {p}",
    "Trường MN {p}", "Trường Mầm non {k} {p}", "Đảng ủy {k} {p}", "Hội Nông dân {k} {p}", "Hội LHPN {k} {p}",
    "Hội CCB {k} {p}", "Ban CHQS {k} {p}", "Ban Chỉ huy Quân sự {k} {p}", "Đoàn TN {k} {p}",
    "UB MTTQ {k} {p}", "Ủy ban MTTQ Việt Nam {k} {p}", "HĐND {k} {p}", "Văn phòng Đảng ủy {k} {p}",
    "Chi bộ ấp 3, {k} {p}", "Hợp tác xã {p}", "Nhà văn hóa {k} {p}", "Bưu điện văn hóa {k} {p}",
)
DISTRICT_AGENCIES = (
    "Công an {k} {p}", "Phòng GD&ĐT {k} {p}", "Trung tâm Y tế {k} {p}", "Huyện ủy {p}", "Huyện đoàn {p}",
    "Bệnh viện Đa khoa {k} {p}", "Chi cục Thuế {k} {p}", "Phòng Văn hóa và Thông tin {k} {p}",
)
_KIND_WORDS = {"Xã": ("xã", "Xã", "X."), "Phường": ("phường", "Phường", "P."), "Thị trấn": ("thị trấn", "TT"),
               "Huyện": ("huyện", "H."), "Thị xã": ("thị xã", "TX"), "Thành phố": ("thành phố", "TP"),
               "Quận": ("quận", "Q.")}


@dataclass(frozen=True)
class Written:
    text: str
    kind: str | None  # the unit type the text states; "UBND": a committee of no stated level
    how: str


def _pick(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


def head(unit: Unit, proper: str, rng: random.Random) -> Written:
    """The unit's name with its type written one of the usual ways, or without a type."""
    if proper.isdigit():
        pattern = _pick(rng, _NUMBERED)
        kind = "Phường" if unit.kind == "Phường" else unit.kind
        return Written(pattern.format(n=int(proper)), kind, "numbered ward")
    if rng.random() < 0.14:
        pattern = _pick(rng, _UNTYPED)
        return Written(pattern.format(p=proper), "UBND" if pattern != "{p}" else None, "no type")
    pattern = _pick(rng, _HEADS[unit.kind])
    return Written(pattern.format(p=proper), unit.kind, "type")


def district_place(district: Unit, rng: random.Random) -> str:
    return rng.choice(_DISTRICT_AS_PLACE[district.kind]).format(p=district.proper)


def province_place(kind: str, proper: str, rng: random.Random, brackets: bool = True) -> str:
    forms = _CITY_AS_PLACE if kind == "Thành phố" else _PROVINCE_AS_PLACE
    return rng.choice([f for f in forms if brackets or "(" not in f]).format(p=proper)


def kind_word(kind: str, rng: random.Random) -> str:
    return rng.choice(_KIND_WORDS[kind])
