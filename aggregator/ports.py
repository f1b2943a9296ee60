"""The small interfaces the pipeline talks to; adapters implement them."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from aggregator.models import DashboardLayout, Snapshot, WorkerTab


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
