"""The decisions tab's item ids: a question's kind + the fingerprint of the row it is about (+ the column).

An id never depends on where the row stands, so the line of a question keeps its place (and its
decision cell) however the agencies' rows move. Identical duplicate rows share one fingerprint, so
they share one question and one decision.

>>> item_id(ItemKind.VALUE, "0123456789abcdef0123", "citizens")
'V-0123456789abcdef0123-citizens'
>>> parse_item("V-0123456789abcdef0123-citizens")
ItemKey(kind=<ItemKind.VALUE: 'V'>, fingerprint='0123456789abcdef0123', column='citizens')
"""

from __future__ import annotations

import re
from typing import NamedTuple

from aggregator.models import CellValue, Decision, ItemKind
from aggregator.questions import item_id

__all__ = ["ItemKey", "item_id", "parse_item"]

_ID = re.compile(r"([NPV])-([0-9a-f]{8,40})(?:-([\w.-]+))?")


class ItemKey(NamedTuple):
    kind: ItemKind
    fingerprint: str
    column: str | None = None

    @property
    def id(self) -> str:
        return item_id(self.kind, self.fingerprint, self.column)


def parse_item(text: CellValue) -> ItemKey | None:
    """The key of an id as written in column A (None for anything else: a header, a note)."""
    if not isinstance(text, str):
        return None
    found = _ID.fullmatch(text.strip())
    if found is None:
        return None
    kind = ItemKind(found.group(1))
    if (kind is ItemKind.VALUE) != (found.group(3) is not None):
        return None
    return ItemKey(kind, found.group(2), found.group(3))


def decision_item(decision: Decision) -> str:
    """The id of the item a decision answers."""
    return item_id(decision.item_kind, decision.fingerprint, decision.column)
