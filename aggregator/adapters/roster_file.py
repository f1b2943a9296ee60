"""The roster CSV on disk (CONTRACT §4): read it and hand its text to ``campaign.roster.parse_roster``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aggregator.campaign import Campaign
from aggregator.campaign.roster import parse_roster
from aggregator.errors import RosterError
from aggregator.models import RosterUnit


def read_roster(path: Path, groups: Sequence[str] | None = None) -> tuple[RosterUnit, ...]:
    """Read and parse a roster CSV file (UTF-8, with or without BOM)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        hint = "Check `roster` in the campaign file or --roster."
        raise RosterError(f"The roster file {path} does not exist.", hint) from exc
    except UnicodeDecodeError as exc:
        hint = "Save it as 'CSV UTF-8' and run again."
        raise RosterError(f"The roster file {path} is not UTF-8 text.", hint) from exc
    except OSError as exc:
        raise RosterError(f"The roster file {path} cannot be read ({exc.strerror}).") from exc
    return parse_roster(text, origin=str(path), groups=groups)


def campaign_roster(campaign: Campaign, override: Path | None = None) -> tuple[RosterUnit, ...]:
    """The campaign's roster (or ``override``), every unit in one of the campaign's groups.

    ``run``, ``check``, ``remind`` and the worker all read it this way, so they refuse the same roster.
    """
    return read_roster(override or campaign.resolve(campaign.roster), [g.code for g in campaign.groups])
