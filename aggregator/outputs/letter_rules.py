"""How long the short rules of the official letter are: under the issuing body's name and the trích yếu. Pure.

NĐ 30/2020 (Phụ lục I; docs/official-letter-format.md §3): the rule under the issuing body's name is 1/3 to
1/2 as long as that name, the one under the trích yếu 1/3 to 1/2 of its line, both centred. A template
can only hold one length, right for one name ("PHÒNG VĂN HÓA VÀ THÔNG TIN") and wrong for the next office's
("PHÒNG NỘI VỤ" is half as long, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" longer); so the length is worked out from
the text once it is known: its width set in Times New Roman (whose advance widths are those of the Adobe
Times faces, ``TextMetrics``), wrapped as the cell or page wraps it, and the rule 5/12 of its longest line,
the middle of what the decree allows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from aggregator.outputs.report_text import wrapped

RULE_SHARE = 5 / 12  # of the text's longest line: the middle of the decree's 1/3 to 1/2
TWIPS_PER_POINT = 20
_AFM_WIDTH = re.compile(r"^C\s+-?\d+\s*;\s*WX\s+(\d+)\s*;\s*N\s+(\S+)\s*;", re.MULTILINE)
# AFM glyph names of the characters a Vietnamese name is made of once its marks are taken off
_GLYPHS = {" ": "space", "-": "hyphen", ",": "comma", ".": "period", "(": "parenleft", ")": "parenright",
           "/": "slash", "&": "ampersand", "'": "quoteright", ":": "colon", ";": "semicolon", "%": "percent",
           '"': "quotedbl", "“": "quotedblleft", "”": "quotedblright", "‘": "quoteleft", "’": "quoteright",
           "–": "endash", "—": "emdash", "…": "ellipsis", "!": "exclam", "?": "question", "+": "plus",
           **{str(d): name for d, name in enumerate(("zero", "one", "two", "three", "four", "five", "six",
                                                      "seven", "eight", "nine"))}}


@dataclass(frozen=True)
class TextMetrics:
    """Advance widths of one face, in thousandths of an em, by character (``afm_widths``)."""

    widths: Mapping[str, int]
    fallback: int = 556  # a character the face does not list: about an average letter

    def width(self, text: str, size_pt: float) -> int:
        """``text`` set at ``size_pt``, in twips; a letter with diacritics is as wide as its base letter."""
        return round(self._ems(text) * size_pt * TWIPS_PER_POINT / 1000)

    def lines(self, text: str, size_pt: float, available: int) -> list[int]:
        """The width (twips) of each line of ``text`` (its own line breaks kept) wrapped at spaces within
        ``available`` twips, as Word wraps it."""
        limit = available * 1000 / (size_pt * TWIPS_PER_POINT)  # in thousandths of an em
        return [self.width(line, size_pt) for paragraph in text.splitlines()
                for line in wrapped(paragraph.split(), lambda line: self._ems(line) <= limit)]

    def _ems(self, text: str) -> int:
        return sum(self.widths.get(_base(char), self.fallback) for char in text)

    def rule(self, text: str, size_pt: float, available: int) -> int | None:
        """The rule's length under ``text`` (twips), or None when there is no text to measure."""
        lines = self.lines(text, size_pt, available)
        return min(round(max(lines) * RULE_SHARE), available) if lines else None


def afm_widths(afm: str) -> dict[str, int]:
    """Character → advance width from an Adobe Font Metrics file's ``C … ; WX … ; N … ;`` lines."""
    by_glyph = {name: int(width) for width, name in _AFM_WIDTH.findall(afm)}
    letters = {char: by_glyph[char] for char in map(chr, range(0x20, 0x7F)) if char in by_glyph}
    return letters | {char: by_glyph[glyph] for char, glyph in _GLYPHS.items() if glyph in by_glyph}


def _base(char: str) -> str:
    """The letter under a Vietnamese letter's marks ("Ồ" → "O", "đ" → "d")."""
    if char.isascii() or char in _GLYPHS:
        return char
    if char in "đĐ":
        return "d" if char == "đ" else "D"
    return unicodedata.normalize("NFD", char)[0]
