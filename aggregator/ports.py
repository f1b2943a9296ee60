"""The small interfaces the cycle talks to; adapters implement them, app/wiring.py plugs them in.

The cycle (app/pipeline.py) and the pure core import no adapter: what a cycle reads, writes and remembers
comes in through these, so the same steps serve an .xlsx copy, a Google spreadsheet or a roll-up of
status files, and tests can hand in anything that has the same methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from aggregator.models import (
    Consolidation,
    DashboardLayout,
    Decision,
    DecisionOrigin,
    FirstSeen,
    RosterUnit,
    Snapshot,
    WorkerTab,
)


class SheetSource(Protocol):
    def read(self) -> Snapshot:
        """Read the agency tab (one request for a Google source). Raises SourceError/SchemaError."""
        ...


class DashboardSink(Protocol):
    def write(self, layout: DashboardLayout, decisions: WorkerTab | None = None) -> str:
        """Write the dashboard tab (and the decisions tab); return where the dashboard went (a path or a
        URL) for status.json."""
        ...


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Timezone-aware current time."""
        ...


class RowHistory(Protocol):
    """Every row version seen, first-seen order, the office's decisions, each cycle's totals."""

    # Kept in files only: ``remember`` may run in a forked copy of the process (app/beside.py).
    in_files: bool

    def remember(self, tab: str, rows: Sequence[tuple[int, str]], content: Callable[[int], str],
                 now: dt.datetime) -> FirstSeen: ...

    def record_cycle(self, now: dt.datetime, source: str, rows_read: int, totals: dict[str, int]) -> None: ...

    def sync_sheet_decisions(self, tab: str, found: Iterable[Decision], now: dt.datetime) -> list[Decision]: ...

    def decisions(self, tab: str | None = None, origin: DecisionOrigin | None = None) -> list[Decision]: ...

    def last_positions(self, tab: str, fingerprints: Iterable[str]) -> dict[str, tuple[int, dt.datetime]]: ...

    def seen_at(self, tab: str, rows: Iterable[int], at: dt.datetime) -> dict[int, str]: ...


class StateFiles(Protocol):
    """The cycle's own small files in the output folder (status.json, changes.json), replaced atomically."""

    folder: Path

    def read(self, name: str) -> Any | None:
        """The JSON document, or None when it is absent or unreadable (state, not input)."""
        ...

    def write(self, name: str, document: Any) -> Path: ...

    def write_digest(self, name: str, document: Any, of: str) -> None:
        """Keep ``document``, a digest of the state file ``of`` just written (best effort)."""
        ...

    def read_digest(self, name: str, of: str) -> Any | None:
        """The digest kept at ``name``, only while ``of`` is still the file it was made from."""
        ...

    def clean(self) -> None:
        """Remove what a cycle killed before it could clean up left behind (our temporary files only)."""
        ...


class ReportRenderer(Protocol):
    """The .docx report (and its PDF): preflight before any write, then rendering."""

    def problems(self, template: Path, context: dict[str, Any]) -> list[str]: ...

    def render(self, template: Path, context: dict[str, Any], result: Consolidation, target: Path) -> Path: ...

    def require_pdf(self) -> None:
        """Raise OutputError (saying how to install LibreOffice) when no PDF can be made."""
        ...

    def to_pdf(self, report: Path, out_dir: Path) -> Path: ...


# The roster for a cycle: from the CSV, or from the roster tab of the snapshot just read (None: before the read).
RosterReader = Callable[[Snapshot | None], tuple[RosterUnit, ...] | None]
