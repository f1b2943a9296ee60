"""The official list of administrative units (../shared/data/admin-units-vn-2024-11.json), read into
provinces → districts → wards, communes and towns, each name split into its type and proper name."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# Types as the official list writes them, longest first so "Thành phố" wins over a shorter prefix.
TYPES = ("Thành phố Trung ương", "Thành phố", "Thị xã", "Thị trấn", "Huyện", "Quận", "Tỉnh", "Phường", "Xã")
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5"}


def fold(text: str) -> str:
    """Accent- and case-free text with single spaces (the generator's own notion of equal names)."""
    bare = unicodedata.normalize("NFD", text.lower())
    bare = re.sub("[\u0300-\u036f]", "", bare).replace("đ", "d")
    return " ".join(_ROMAN.get(w.upper(), w) if w.upper() in _ROMAN else w for w in re.findall(r"\w+", bare))


@dataclass(frozen=True)
class Unit:
    uid: str
    kind: str  # "Xã", "Phường", "Thị trấn", "Huyện", "Quận", "Thị xã", "Thành phố"
    proper: str  # "Long Đức", "1", "Hòa Tú II"
    district: str  # the district-level unit's full name, "" for a district itself
    province: str  # "Tỉnh Sóc Trăng"

    @property
    def is_district(self) -> bool:
        return not self.district

    @property
    def key(self) -> str:
        """Folded proper name: what two units must share to be told apart only by type or place."""
        return fold(self.proper)


@dataclass(frozen=True)
class Province:
    name: str  # "Tỉnh Sóc Trăng"
    units: tuple[Unit, ...]  # districts first, each followed by its wards, communes and towns

    @property
    def proper(self) -> str:
        return split_type(self.name)[1]

    @property
    def kind(self) -> str:
        return split_type(self.name)[0]

    def districts(self) -> list[Unit]:
        return [u for u in self.units if u.is_district]


def split_type(name: str) -> tuple[str, str]:
    """ "Huyện Cầu Kè" → ("Huyện", "Cầu Kè"); whitespace inside the name is collapsed."""
    name = " ".join(name.split())
    for kind in TYPES:
        if name.lower().startswith(kind.lower() + " "):  # the list writes "Thành Phố" now and then
            return ("Thành phố" if kind == "Thành phố Trung ương" else kind), name[len(kind) + 1 :]
    raise ValueError(f"no unit type in {name!r}")


def full_name(unit: Unit) -> str:
    return f"{unit.kind} {unit.proper}"


def load(path: Path) -> dict[str, Province]:
    """Every province of the list by its full name ("Tỉnh Sóc Trăng")."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    provinces = {}
    for level1 in data:
        province = " ".join(level1["name"].split())
        units: list[Unit] = []
        for level2 in level1["level2s"]:
            kind, proper = split_type(level2["name"])
            district = Unit(f"H{level2['level2_id']}", kind, proper, "", province)
            units.append(district)
            for level3 in level2["level3s"]:
                kind3, proper3 = split_type(level3["name"])
                units.append(Unit(f"X{level3['level3_id']}", kind3, proper3, full_name(district), province))
        provinces[province] = Province(province, tuple(units))
    return provinces
