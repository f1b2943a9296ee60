"""Local history (SQLite): every row version the worker has seen, and every cycle's totals.

A row an agency deleted or overwrote by mistake can be found again with
``aggregator history``. First-seen times feed the resubmission policy when a sheet has
no timestamp column.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from itertools import chain, islice
from pathlib import Path
from typing import TypeVar, cast

from aggregator.adapters import history_decisions as kept
from aggregator.errors import OutputError
from aggregator.models import Decision, DecisionOrigin, FirstSeen
from aggregator.textnorm import fold

# Kept in its key's order (WITHOUT ROWID): a cycle looks up every row's fingerprint, and a rowid table searched
# its key's index and then the table for each (half the time for 100,000 rows; inserts are faster too).
FIRST_SEEN = """first_seen (
  tab TEXT NOT NULL, fingerprint TEXT NOT NULL, at TEXT NOT NULL, seq INTEGER NOT NULL,
  PRIMARY KEY (tab, fingerprint)) WITHOUT ROWID"""
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS row_versions (
  tab TEXT NOT NULL, row INTEGER NOT NULL, fingerprint TEXT NOT NULL,
  content TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  PRIMARY KEY (tab, row, fingerprint));
-- row_versions_fp (fingerprint) served a query that is gone, and every insert paid for it
DROP INDEX IF EXISTS row_versions_fp;
CREATE TABLE IF NOT EXISTS cycles (
  at TEXT NOT NULL, source TEXT NOT NULL, rows_read INTEGER NOT NULL, totals TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS {FIRST_SEEN};
"""
VERSION = 3  # PRAGMA user_version; 0 = before first_seen, 1 = before the office's decisions, 2 = first_seen by rowid
T = TypeVar("T")
_PER_INSERT = 100  # rows per INSERT statement; 6 × 100 values stay under SQLite's oldest limit of 999
_NOW_SEEN = ("CREATE TEMP TABLE now_seen (pos INTEGER PRIMARY KEY, row INTEGER NOT NULL, fingerprint TEXT NOT NULL, "
             "known INTEGER NOT NULL DEFAULT 0)")
_PER_FETCH = 8192  # rows fetched at a time


@dataclass(frozen=True)
class RowVersion:
    tab: str
    row: int
    content: list[object]
    first_seen: dt.datetime
    last_seen: dt.datetime


class History:
    in_files = True  # everything is in the SQLite file: a forked copy may remember a cycle's rows

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30)
            conn.executescript(SCHEMA + kept.SCHEMA)
            _migrate(conn)
            return conn
        except (sqlite3.Error, OSError) as exc:
            raise OutputError(f"Cannot open the history file {self.path} ({exc}).") from exc

    def remember(
        self, tab: str, rows: Sequence[tuple[int, str]], content: Callable[[int], str], now: dt.datetime
    ) -> FirstSeen:
        """Record the (sheet row, fingerprint) pairs seen now, in sheet order; ``content(row)`` gives the
        JSON of a row version the history does not hold yet. Returns, for each pair in that order, when
        its fingerprint was first seen. Work is set-based (a temporary table joined on the indexes)."""
        try:
            with closing(self._connect()) as conn, conn:
                conn.execute("PRAGMA temp_store = MEMORY")
                conn.execute("BEGIN IMMEDIATE")  # one writer at a time from here: the numbering cannot interleave
                conn.execute(_NOW_SEEN)
                _insert(conn, "now_seen (row, fingerprint)", 2, rows)
                _record_versions(conn, tab, content, now.isoformat(), len(rows))
                stamps, seqs = _record_first_seen(conn, tab, [fp for _, fp in rows], now.isoformat())
        except sqlite3.Error as exc:
            raise OutputError(f"Cannot update the history file {self.path} ({exc}).") from exc
        moments = {at: dt.datetime.fromisoformat(at) for at in set(stamps)}  # a few cycles' stamps
        return FirstSeen([moments[at] for at in stamps], seqs)

    def record_cycle(self, now: dt.datetime, source: str, rows_read: int, totals: dict[str, int]) -> None:
        try:
            with closing(self._connect()) as conn, conn:
                conn.execute("INSERT INTO cycles VALUES (?, ?, ?, ?)",
                             (now.isoformat(), source, rows_read, json.dumps(totals)))
        except sqlite3.Error as exc:
            raise OutputError(f"Cannot update the history file {self.path} ({exc}).") from exc

    # The office's decisions (adapters/history_decisions.py) -----------------------------------

    def _decisions(self, action: Callable[[sqlite3.Connection], T], *, write: bool = False) -> T:
        try:
            with closing(self._connect()) as conn, conn:
                if write:
                    conn.execute("BEGIN IMMEDIATE")
                return action(conn)
        except sqlite3.Error as exc:
            raise OutputError(f"Cannot {'update' if write else 'read'} the history file {self.path} ({exc}).") from exc

    def sync_sheet_decisions(self, tab: str, found: Iterable[Decision], now: dt.datetime) -> list[Decision]:
        """The decisions read from the decisions tab now, each with when it was first seen (stored)."""
        return self._decisions(lambda conn: kept.sync_sheet(conn, tab, list(found), now), write=True)

    def record_decision(self, tab: str, decision: Decision, now: dt.datetime) -> Decision:
        return self._decisions(lambda conn: kept.record(conn, tab, decision, now), write=True)

    def withdraw_decision(self, tab: str | None, item: str, now: dt.datetime) -> list[Decision]:
        return self._decisions(lambda conn: kept.withdraw(conn, tab, item, now), write=True)

    def decisions(self, tab: str | None = None, origin: DecisionOrigin | None = None) -> list[Decision]:
        """The decisions in force (every tab when ``tab`` is None), oldest first."""
        if not self.path.exists():
            return []
        return self._decisions(lambda conn: kept.stored(conn, tab, origin))

    def last_positions(self, tab: str, fingerprints: Iterable[str]) -> dict[str, tuple[int, dt.datetime]]:
        """Fingerprint → (the sheet row it was last seen in, when)."""
        found = self._decisions(lambda conn: kept.last_positions(conn, tab, fingerprints))
        return {fp: (row, dt.datetime.fromisoformat(at)) for fp, (row, at) in found.items()}

    def seen_at(self, tab: str, rows: Iterable[int], at: dt.datetime) -> dict[int, str]:
        """Sheet row → the fingerprint of the content seen there at ``at`` (a cycle's moment)."""
        return self._decisions(lambda conn: kept.seen_at(conn, tab, rows, at))

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


def _record_versions(conn: sqlite3.Connection, tab: str, content: Callable[[int], str], stamp: str,
                     seen: int) -> None:
    """Known row versions get a new last-seen time; new ones their content. ``seen``: the rows in now_seen.

    Done in SQLite, a row at a time: a large sheet's rows are never held as Python objects, and each new
    version's content (``content(row)``, the history's copy of the row) is made as SQLite inserts it.
    """
    known = conn.execute(
        "UPDATE now_seen SET known = 1 WHERE EXISTS (SELECT 1 FROM row_versions v WHERE v.tab = ? "
        "AND v.row = now_seen.row AND v.fingerprint = now_seen.fingerprint)", (tab,)).rowcount
    if known:  # a sheet whose every row moved or changed has none: no second join
        conn.execute("UPDATE row_versions SET last_seen = ? WHERE rowid IN (SELECT v.rowid FROM now_seen n JOIN "
                     "row_versions v ON v.tab = ? AND v.row = n.row AND v.fingerprint = n.fingerprint "
                     "WHERE n.known)", (stamp, tab))
    if known < seen:
        insert = ("INSERT INTO row_versions SELECT ?, row, fingerprint, row_content(row), ?, ? FROM now_seen "
                  "WHERE NOT known ORDER BY pos")
        conn.create_function("row_content", 1, content)
        try:
            conn.execute(insert, (tab, stamp, stamp))
        except sqlite3.OperationalError:  # the statement is undone; a cell with a lone surrogate has no UTF-8
            conn.create_function("row_content", 1, lambda row: _escaped(content(row)))
            conn.execute(insert, (tab, stamp, stamp))


def _escaped(content: str) -> str:
    """A row's JSON with each lone surrogate written as its JSON escape (``\\ud800``: read back, the same text)."""
    return content.encode("utf-8", "backslashreplace").decode("utf-8")


def _record_first_seen(conn: sqlite3.Connection, tab: str, fingerprints: Sequence[str],
                       stamp: str) -> tuple[list[str], list[int]]:
    """When each fingerprint (in now_seen order) was first seen, and its place in the order. Fingerprints
    never seen before are numbered after everything seen so far, in this cycle's row order, and stored."""
    found = conn.execute("SELECT f.at, f.seq FROM now_seen n LEFT JOIN first_seen f ON f.tab = ? "
                         "AND f.fingerprint = n.fingerprint ORDER BY n.pos", (tab,))
    stamps: list[str | None] = []
    seqs: list[int | None] = []
    moments: dict[str | None, str | None] = {}  # a few cycles' stamps: one text each, not one per row
    for chunk in iter(partial(found.fetchmany, _PER_FETCH), []):
        stamps += [moments.setdefault(at, at) for at, _ in chunk]
        seqs += [seq for _, seq in chunk]
    unseen = [i for i, at in enumerate(stamps) if at is None]
    if unseen:
        new = dict.fromkeys(fingerprints[i] for i in unseen)
        last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM first_seen").fetchone()[0]
        numbered = {fp: last + i for i, fp in enumerate(new, start=1)}
        # inserted in key order: the primary key's B-tree then grows page by page, not all over the file
        _insert(conn, "first_seen", 4, [(tab, fp, stamp, numbered[fp]) for fp in sorted(numbered)])
        for i in unseen:
            stamps[i], seqs[i] = stamp, numbered[fingerprints[i]]
    return cast(list[str], stamps), cast(list[int], seqs)


def _insert(conn: sqlite3.Connection, into: str, width: int, rows: Iterable[tuple[object, ...]]) -> None:
    """INSERT ``rows`` of ``width`` values each, ``_PER_INSERT`` rows per statement: a third fewer
    statement steps and resets than one row per statement, for the 100,000 rows of a large sheet. ``rows``
    is taken a statement at a time: a large sheet's new row versions (their contents, 50 MB of text) are
    never all held at once."""
    one = "(" + ", ".join("?" * width) + ")"
    last: list[tuple[object, ...]] = []  # the rows short of a whole statement, at the end

    def statements() -> Iterator[tuple[object, ...]]:
        pending = iter(rows)
        while len(chunk := list(islice(pending, _PER_INSERT))) == _PER_INSERT:
            yield tuple(chain.from_iterable(chunk))
        last.extend(chunk)

    conn.executemany(f"INSERT INTO {into} VALUES " + ", ".join([one] * _PER_INSERT), statements())
    if last:
        conn.executemany(f"INSERT INTO {into} VALUES {one}", last)


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring a file of an earlier version up to date in place; nothing is dropped."""
    if conn.execute("PRAGMA user_version").fetchone()[0] >= VERSION:
        return
    conn.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait, then find it done
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] < 1:
            _number_known_fingerprints(conn)
        _cluster_first_seen(conn)
        conn.execute(f"PRAGMA user_version = {VERSION}")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


def _cluster_first_seen(conn: sqlite3.Connection) -> None:
    """Versions 1 and 2 kept first_seen as a rowid table: copy it into the clustered one, in key order."""
    (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'first_seen'").fetchone()
    if "WITHOUT ROWID" in sql.upper():
        return
    conn.execute("ALTER TABLE first_seen RENAME TO first_seen_by_rowid")
    conn.execute("CREATE TABLE " + FIRST_SEEN)
    conn.execute("INSERT INTO first_seen SELECT tab, fingerprint, at, seq FROM first_seen_by_rowid "
                 "ORDER BY tab, fingerprint")
    conn.execute("DROP TABLE first_seen_by_rowid")


def _number_known_fingerprints(conn: sqlite3.Connection) -> None:
    """Version 0 kept only row versions: each fingerprint's first sighting is its earliest version, and
    the order among those first seen together is the row order they were seen in then."""
    versions = conn.execute("SELECT tab, fingerprint, first_seen, row FROM row_versions").fetchall()
    versions.sort(key=lambda v: (dt.datetime.fromisoformat(v[2]), v[3]))
    first: dict[tuple[str, str], str] = {}
    for tab, fp, at, _row in versions:
        first.setdefault((tab, fp), at)
    conn.executemany("INSERT OR IGNORE INTO first_seen VALUES (?, ?, ?, ?)",
                     [(tab, fp, at, seq) for seq, ((tab, fp), at) in enumerate(first.items(), start=1)])
