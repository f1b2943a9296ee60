"""Local history (SQLite): every row version the worker has seen, and every cycle's totals.

A row an agency deleted or overwrote by mistake can be found again with
``aggregator history``. First-seen times feed the resubmission policy when a sheet has
no timestamp column.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from aggregator.errors import OutputError
from aggregator.textnorm import fold

SCHEMA = """
CREATE TABLE IF NOT EXISTS row_versions (
  tab TEXT NOT NULL, row INTEGER NOT NULL, fingerprint TEXT NOT NULL,
  content TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  PRIMARY KEY (tab, row, fingerprint));
CREATE INDEX IF NOT EXISTS row_versions_fp ON row_versions (fingerprint);
CREATE TABLE IF NOT EXISTS cycles (
  at TEXT NOT NULL, source TEXT NOT NULL, rows_read INTEGER NOT NULL, totals TEXT NOT NULL);
"""


@dataclass(frozen=True)
class RowVersion:
    tab: str
    row: int
    content: list[object]
    first_seen: dt.datetime
    last_seen: dt.datetime


class History:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30)
            conn.executescript(SCHEMA)
            return conn
        except (sqlite3.Error, OSError) as exc:
            raise OutputError(f"Cannot open the history file {self.path} ({exc}).") from exc

    def remember(
        self, tab: str, rows: Sequence[tuple[int, str, str]], now: dt.datetime
    ) -> dict[str, dt.datetime]:
        """Record (row, fingerprint, content JSON) seen now; return each fingerprint's first-seen time."""
        stamp = now.isoformat()
        try:
            with closing(self._connect()) as conn, conn:
                conn.executemany(
                    "INSERT INTO row_versions VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (tab, row, fingerprint) "
                    "DO UPDATE SET last_seen = excluded.last_seen",
                    [(tab, row, fp, content, stamp, stamp) for row, fp, content in rows],
                )
                found = conn.execute(
                    "SELECT fingerprint, MIN(first_seen) FROM row_versions WHERE tab = ? GROUP BY fingerprint",
                    (tab,),
                ).fetchall()
        except sqlite3.Error as exc:
            raise OutputError(f"Cannot update the history file {self.path} ({exc}).") from exc
        return {fp: dt.datetime.fromisoformat(first) for fp, first in found}

    def record_cycle(self, now: dt.datetime, source: str, rows_read: int, totals: dict[str, int]) -> None:
        try:
            with closing(self._connect()) as conn, conn:
                conn.execute("INSERT INTO cycles VALUES (?, ?, ?, ?)",
                             (now.isoformat(), source, rows_read, json.dumps(totals)))
        except sqlite3.Error as exc:
            raise OutputError(f"Cannot update the history file {self.path} ({exc}).") from exc

    def versions(self, rows: Iterable[int] | None = None, text: str | None = None) -> list[RowVersion]:
        """Row versions, oldest first; filter by sheet rows and/or text the content contains.

        The text is compared the way the matcher compares names (``textnorm.fold``: accents, case,
        spacing, punctuation, raw Telex), so "Xuân Hội" finds a row typed "UBND xa Xuan  Hoi".
        """
        query = "SELECT tab, row, content, first_seen, last_seen FROM row_versions"
        with closing(self._connect()) as conn:
            found = conn.execute(query + " ORDER BY row, first_seen").fetchall()
        wanted = set(rows) if rows is not None else None
        needle = fold(text) if text else ""
        key = fold if needle else str.casefold  # text without letters or digits ("#REF!") is searched as typed
        needle = needle or (text or "").casefold()
        out = []
        for tab, row, content, first, last in found:
            if wanted is not None and row not in wanted:
                continue
            cells = json.loads(content)
            if needle and needle not in key(" ".join("" if c is None else str(c) for c in cells)):
                continue
            out.append(RowVersion(tab, row, cells, dt.datetime.fromisoformat(first), dt.datetime.fromisoformat(last)))
        return out
