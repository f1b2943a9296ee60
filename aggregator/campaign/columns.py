"""The campaign's columns: header text → a free key, a cell type and, where it matters, a role. Pure.

Behaviour hangs on roles and types, never on how a key is spelled (CONTRACT §3): the column with role
``unit_name`` is where agencies type their name, ``submitted_at`` drives lateness and resubmissions, every
numeric column (count, money, decimal, percent) is a metric. Campaign files written before roles existed
keep working: when no column states a role, the keys those files used (``unit_name``, ``submitted_at``,
``group_hint``, ``issues_raised``) give theirs (``legacy_roles``).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from aggregator.models import NUMERIC_TYPES, ColumnRole, ColumnType

# The roles campaign files had before `role:` existed, by the key they used.
LEGACY_ROLES: Mapping[str, ColumnRole] = {
    "unit_name": ColumnRole.UNIT_NAME,
    "submitted_at": ColumnRole.SUBMITTED_AT,
    "group_hint": ColumnRole.GROUP_HINT,
    "issues_raised": ColumnRole.PROPOSALS,  # printed under section IV, as it always was
}
ROLE_TYPES: Mapping[ColumnRole, ColumnType] = {
    **{role: ColumnType.TEXT for role in ColumnRole},
    ColumnRole.SUBMITTED_AT: ColumnType.DATE,
}
SINGLE_ROLES = (ColumnRole.UNIT_NAME, ColumnRole.SUBMITTED_AT, ColumnRole.GROUP_HINT)
# What a metric's sentence pattern may use; a percent also has {min}, {max} and {n}.
SENTENCE_FIELDS = frozenset({"value", "label"})
PERCENT_FIELDS = SENTENCE_FIELDS | {"min", "max", "n"}
DEFAULT_SENTENCES: Mapping[ColumnType, str] = {
    ColumnType.COUNT: "{value} {label}",
    ColumnType.MONEY: "{value} đồng {label}",
    ColumnType.DECIMAL: "{value} {label}",
    ColumnType.PERCENT: "{label}: bình quân {value} % (thấp nhất {min} %, cao nhất {max} %; {n} đơn vị có số liệu)",
}
_KEY = re.compile(r"^(?!_)[\w.-]+$")  # no spaces; a leading "_" is kept for the cycle's own columns


class ColumnSettings(BaseModel):
    """One column of the agencies' tab, as the campaign file describes it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str  # a free name: the column's key in status.json metrics and texts
    header: str  # the header text agencies see (matched ignoring case, accents, punctuation, spacing)
    aliases: tuple[str, ...] = ()  # other header texts for the same column
    type: ColumnType = ColumnType.TEXT
    role: ColumnRole | None = None
    required: bool = False  # must be in the header row (always true for the unit-name column)
    label: str = ""  # how the report names a metric, e.g. "kinh phí thực hiện"
    sentence: str = ""  # the report's sentence for a metric, e.g. "{value} đồng kinh phí thực hiện"

    @model_validator(mode="before")
    @classmethod
    def _name_is_required(cls, data: Any) -> Any:
        """The unit-name column is always required: without it no row can be counted."""
        if isinstance(data, Mapping) and data.get("role") in (ColumnRole.UNIT_NAME, ColumnRole.UNIT_NAME.value):
            return {**data, "required": True}
        return data

    @field_validator("key")
    @classmethod
    def _plain_key(cls, value: str) -> str:
        if not _KEY.match(value):
            raise ValueError(f"key {value!r} must be one word (letters, digits, _ . -) not starting with _")
        return value

    @model_validator(mode="after")
    def _role_fits_type(self) -> ColumnSettings:
        if self.role is not None and self.type is not ROLE_TYPES[self.role] and self.type is not ColumnType.IGNORED:
            if self.type in NUMERIC_TYPES:
                raise ValueError(f"a {self.type.value} column is a metric and takes no role; remove "
                                 f"`role: {self.role.value}` or set `type: {ROLE_TYPES[self.role].value}`")
            raise ValueError(f"role {self.role.value} needs type {ROLE_TYPES[self.role].value}, not {self.type.value}")
        if self.sentence:
            _check_sentence(self.sentence, self.type)
        return self

    @property
    def is_metric(self) -> bool:
        return self.type in NUMERIC_TYPES

    @property
    def sentence_pattern(self) -> str:
        return self.sentence or DEFAULT_SENTENCES.get(self.type, "{value} {label}")


def _check_sentence(pattern: str, kind: ColumnType) -> None:
    if kind not in NUMERIC_TYPES:
        raise ValueError("only a count, money, decimal or percent column has a report `sentence`")
    allowed = PERCENT_FIELDS if kind is ColumnType.PERCENT else SENTENCE_FIELDS
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise ValueError(f"sentence {pattern!r} is not a valid pattern ({exc}); write {{value}} for the "
                         "figure") from exc
    unknown = sorted(used - allowed)
    if unknown:
        raise ValueError(f"sentence {pattern!r} uses {', '.join('{' + u + '}' for u in unknown)}; it may use "
                         f"{', '.join('{' + a + '}' for a in sorted(allowed))}")
    if "value" not in used:
        raise ValueError(f"sentence {pattern!r} never shows the figure: put {{value}} in it")


def with_legacy_roles(columns: Any) -> Any:
    """Raw ``columns`` of a campaign file, given the roles their keys stood for when no column states one."""
    if not isinstance(columns, list | tuple) or not all(isinstance(c, Mapping) for c in columns):
        return columns
    if any(c.get("role") for c in columns):
        return columns
    return [{**c, "role": LEGACY_ROLES[c["key"]]} if c.get("key") in LEGACY_ROLES else c for c in columns]


def role_problems(columns: Sequence[ColumnSettings]) -> list[str]:
    """Campaign-wide checks: one unit-name column, at most one of each single role, unique keys."""
    problems = []
    keys = [c.key for c in columns]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        problems.append(f"columns repeat the key(s) {', '.join(dupes)}")
    for role in SINGLE_ROLES:
        holders = [c.header for c in columns if c.role is role]
        if len(holders) > 1:
            problems.append(f"only one column may have role {role.value}; {', '.join(map(repr, holders))} do")
    if not any(c.role is ColumnRole.UNIT_NAME for c in columns):
        problems.append("columns need one column with `role: unit_name` (where agencies type their name)")
    return problems


def with_role(columns: Sequence[ColumnSettings], role: ColumnRole) -> tuple[ColumnSettings, ...]:
    return tuple(c for c in columns if c.role is role)


def metrics(columns: Sequence[ColumnSettings]) -> tuple[ColumnSettings, ...]:
    """Every numeric column, in sheet order: these are the figures summed (or averaged) and reported."""
    return tuple(c for c in columns if c.is_metric)
