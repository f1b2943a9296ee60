"""The campaign's roster: the CSV on disk (CONTRACT §4), or a tab of the source spreadsheet read in the
cycle's one request (campaign ``roster: {tab: …}``); both parsed by ``campaign.roster``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aggregator.campaign import Campaign
from aggregator.campaign.roster import parse_roster, roster_from_rows
from aggregator.errors import RosterError
from aggregator.models import RosterUnit, Snapshot
from aggregator.sheet.merges import filled_rows

_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def read_roster(path: Path, groups: Sequence[str] | None = None) -> tuple[RosterUnit, ...]:
    """Read and parse a roster CSV file (UTF-8, with or without BOM), or a workbook (.xlsx) whose tab has the
    CSV's columns in its first row: offices keep their list of units in Excel."""
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        return _read_workbook(path, groups)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise _absent(path) from exc
    except UnicodeDecodeError as exc:
        if path.read_bytes().startswith(b"PK"):  # a workbook under another name
            return _read_workbook(path, groups)
        hint = "Save it as 'CSV UTF-8' (or as an .xlsx workbook) and run again."
        raise RosterError(f"The roster file {path} is not UTF-8 text.", hint) from exc
    except OSError as exc:
        raise RosterError(f"The roster file {path} cannot be read ({exc.strerror}).") from exc
    return parse_roster(text, origin=str(path), groups=groups)


def _absent(path: Path) -> RosterError:
    return RosterError(f"The roster file {path} does not exist.", "Check `roster` in the campaign file or --roster.")


def _read_workbook(path: Path, groups: Sequence[str] | None) -> tuple[RosterUnit, ...]:
    from aggregator.adapters.xlsx import roster_rows  # openpyxl is imported only for a workbook roster

    if not path.is_file():
        raise _absent(path)
    title, rows, merges = roster_rows(path)
    return roster_from_rows(filled_rows(rows, merges), origin=f"{path} (tab {title!r})", groups=groups)


def roster_in_sheet(campaign: Campaign) -> bool:
    """Whether the roster is a tab of the source spreadsheet (read with the agencies' rows)."""
    return campaign.roster_tab is not None


def campaign_roster(campaign: Campaign, override: Path | None = None,
                    snapshot: Snapshot | None = None) -> tuple[RosterUnit, ...]:
    """The campaign's roster (or ``override``), every unit in one of the campaign's groups.

    ``run``, ``check``, ``remind`` and the worker all read it this way, so they refuse the same roster.
    A roster tab needs the ``snapshot`` that read it.
    """
    groups = [g.code for g in campaign.groups]
    if (path := override or campaign.roster_path) is not None:
        return read_roster(path, groups)
    tab = campaign.roster_tab
    if snapshot is None or snapshot.roster is None:
        raise RosterError(f"The roster tab {tab!r} was not read from the source.",
                          "Check `roster.tab` in the campaign file: the tab must be in the agencies' spreadsheet.")
    # a group merged over its units is in the first cell only (sheet/merges.py)
    rows = filled_rows(snapshot.roster.rows, snapshot.roster.merges)
    return roster_from_rows(rows, origin=f"tab {snapshot.roster.title!r}", groups=groups)
