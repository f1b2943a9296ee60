"""The official list of administrative units, read into provinces, districts and communes."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

# The shared folder sits beside the repository (as tests/conftest.py expects).
ADMIN_LIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "admin-units-vn-2024-11.json"

# Official type prefixes, longest first; "Thị Trấn" appears with a capital T in the list.
_TYPE_PREFIXES = ("thành phố", "thị trấn", "thị xã", "huyện", "quận", "phường", "xã", "tỉnh")


@dataclass(frozen=True)
class Place:
    """A province, district or commune: its type word (lower case) and proper name."""

    code: str
    kind: str  # "thành phố", "tỉnh", "huyện", "thị xã", "quận", "xã", "phường", "thị trấn"
    proper: str  # NFC, single spaces: "Cao Lãnh", "1", "Tạ An Khương Đông"
    official: str  # the name exactly as the list writes it
    parent: Place | None = None

    @property
    def chain(self) -> tuple[Place, ...]:
        """The places this one lies in, innermost first."""
        out: list[Place] = []
        place = self.parent
        while place is not None:
            out.append(place)
            place = place.parent
        return tuple(out)

    @property
    def is_numbered(self) -> bool:
        return self.proper.isdigit()

    @property
    def level(self) -> str:
        if self.parent is None:
            return "province"
        return "district" if self.parent.parent is None else "commune"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def split_official(name: str) -> tuple[str, str]:
    """'Thị Trấn Năm Căn' → ('thị trấn', 'Năm Căn'); 'Xã Tân  Khánh Trung' → ('xã', 'Tân Khánh Trung')."""
    clean = " ".join(nfc(name).split())
    low = clean.lower()
    for prefix in _TYPE_PREFIXES:
        if low.startswith(prefix + " "):
            return prefix, clean[len(prefix) + 1:]
    raise ValueError(f"no type word in {name!r}")


def load_provinces(path: Path | None = None) -> dict[str, Place]:
    """Province code → province; districts and communes are reached through ``communes_of``."""
    raw = json.loads((path or ADMIN_LIST).read_text(encoding="utf-8"))
    provinces: dict[str, Place] = {}
    for entry in raw["data"]:
        _, proper = split_official(entry["name"])
        kind = "thành phố" if entry["type"].startswith("Thành phố") else "tỉnh"
        provinces[entry["level1_id"]] = Place(entry["level1_id"], kind, proper, entry["name"])
        _DISTRICTS[entry["level1_id"]] = entry["level2s"]
    return provinces


_DISTRICTS: dict[str, list[dict]] = {}


def districts_of(province: Place) -> list[tuple[Place, list[Place]]]:
    """Each district of the province with its communes, in the list's order."""
    out = []
    for entry in _DISTRICTS[province.code]:
        kind, proper = split_official(entry["name"])
        district = Place(entry["level2_id"], kind, proper, entry["name"], province)
        communes = []
        for sub in entry["level3s"]:
            sub_kind, sub_proper = split_official(sub["name"])
            communes.append(Place(sub["level3_id"], sub_kind, sub_proper, sub["name"], district))
        out.append((district, communes))
    return out


def units_of(province: Place) -> list[Place]:
    """Every district, then its communes, as a roster lists them."""
    units: list[Place] = []
    for district, communes in districts_of(province):
        units.append(district)
        units.extend(communes)
    return units


def unit_id(place: Place) -> str:
    return ("H-" if place.level == "district" else "X-") + place.code


def is_numbered_name(proper: str) -> bool:
    return bool(re.fullmatch(r"\d+", proper))
