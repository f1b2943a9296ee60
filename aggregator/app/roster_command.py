"""``aggregator roster [--learned]``: the campaign's roster as CSV, with the names staff settled added as aliases."""

from __future__ import annotations

from pathlib import Path

from aggregator.adapters.files import atomic_write
from aggregator.adapters.history import History
from aggregator.adapters.roster_file import campaign_roster, roster_in_sheet
from aggregator.campaign import Campaign
from aggregator.campaign.roster import roster_csv
from aggregator.decisions.learned import with_learned
from aggregator.errors import OutputError
from aggregator.models import DecisionKind, RosterUnit


def _roster(campaign: Campaign) -> tuple[RosterUnit, ...]:
    if not roster_in_sheet(campaign):
        return campaign_roster(campaign)
    from aggregator.app.wiring import default_out_dir, open_ports

    source, _ = open_ports(campaign, default_out_dir(campaign), None, read_only=True)
    return campaign_roster(campaign, None, source.read())


def roster_text(campaign: Campaign, learned: bool, folder: Path | None) -> tuple[str, int]:
    """(the CSV text, how many aliases were added)."""
    from aggregator.app.wiring import default_out_dir, history_path

    units = _roster(campaign)
    if not learned:
        return roster_csv(units), 0
    ids = {u.unit_id for u in units}
    decisions = [d for d in History(history_path(campaign, folder or default_out_dir(campaign))).decisions()
                 if d.kind is DecisionKind.UNIT and d.unit_id in ids]
    richer = with_learned(units, decisions)
    added = sum(len(new.aliases) - len(old.aliases) for old, new in zip(units, richer, strict=True))
    return roster_csv(richer), added


def write_new(path: Path, text: str) -> Path:
    """Write ``text`` to a new file; an existing file is never overwritten."""
    if path.exists():
        raise OutputError(f"{path} already exists; the roster is never written over a file.",
                          "Give --out a new file name (or move the old file away).")
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
