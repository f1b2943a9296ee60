"""The roster with the names the office settled added as aliases, ready for the next campaign. Pure.

>>> from aggregator.models import Decision, DecisionKind, RosterUnit
>>> units = (RosterUnit("PX-VH", "xp", "Ủy ban nhân dân phường Vĩnh Hải"),)
>>> with_learned(units, [Decision(DecisionKind.UNIT, "f", "UBND P.VH", "PX-VH")])[0].aliases
('UBND P.VH',)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from aggregator.decisions.apply import learned_aliases
from aggregator.models import Decision, RosterUnit
from aggregator.textnorm import clean_text, fold


def with_learned(units: Sequence[RosterUnit], decisions: Iterable[Decision]) -> tuple[RosterUnit, ...]:
    """``units`` with each settled name added to its unit's aliases (as first typed), unless the unit already
    has it (folded as the matcher folds names) or the name was settled for two units."""
    decisions = list(decisions)
    aliases = learned_aliases(decisions)
    typed: dict[str, str] = {}
    for d in decisions:  # the first spelling of each folded name, as staff saw it typed
        typed.setdefault(fold(d.typed_name), clean_text(d.typed_name))
    out = []
    for unit in units:
        known = {fold(n) for n in (unit.name, unit.short_name, *unit.aliases) if n}
        added = tuple(typed[key] for key, owner in aliases.items() if owner == unit.unit_id and key not in known)
        out.append(replace(unit, aliases=(*unit.aliases, *added)) if added else unit)
    return tuple(out)
