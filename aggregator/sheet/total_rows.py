"""Rows of the sheet's own layout that carry figures but are no agency's report: "Tổng cộng", "Cộng khối xã,
phường", "Tổng số (27 đơn vị)". Pure.

Offices add a total (often a SUM formula) under the agencies' rows or under each block. Such a row matches
no unit, so without this rule it stood among the rows to settle and its figures were asked about. The label
must start the name cell and be followed by nothing, a bracket or colon, or a word that qualifies a total
("khối", "toàn", "các", a number): "Tổng công ty", "Công an phường", "Công đoàn" are names, not totals.

>>> total_labels(["Tổng cộng", "TỔNG SỐ (27 đơn vị)", "Cộng khối xã, phường", "Công an phường Vĩnh Hải",
...               "Tổng công ty Khánh Việt", None])
[True, True, True, False, False, False]
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aggregator.textnorm import base_chars, strip_marks

_TOTAL = re.compile(r"(?:tong cong|tong so|tong|cong)(?:\s*$|\s*[:(\-–/]|\s+(?:khoi|toan|cac|chung|so|cua|theo|trong|"
                    r"[0-9])\b)")
_STARTS = frozenset({"tong", "cong"})
_MARKED_FIRST = frozenset({"tổng", "cộng"})  # typed with tone marks, the first word must be one of these


def total_labels(names: Sequence[object]) -> list[bool]:
    """Whether each typed name, clean as ``textnorm.clean_text`` leaves it (a frame's TYPED_NAME), is a
    total's label (None and other non-texts are not). Without marks the words match as typed ("Tong cong");
    with marks "Công Sơn", a commune, is no "Cộng số …".

    >>> total_labels(["Tong cong", "Công Sơn", "Cộng số 3", "Tổng Cọt"])
    [True, False, True, False]
    """
    texts = [name if isinstance(name, str) else "" for name in names]
    # a label starts with tong or cong once its marks are gone: most names are read no further, and the few
    # distinct starts of a sheet's names are each folded once
    starts = {start: base_chars(start) in _STARTS for start in {text[:4] for text in texts}}
    return [starts[text[:4]] and _is_total(text.lower()) for text in texts]


def _is_total(text: str) -> bool:
    first = text.split(maxsplit=1)[0].strip(":(-–/") if text.strip() else ""
    if first != strip_marks(first) and first not in _MARKED_FIRST:
        return False
    return _TOTAL.match(strip_marks(text)) is not None
