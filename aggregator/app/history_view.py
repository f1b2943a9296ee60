"""``aggregator history``: the row versions kept in the local SQLite history."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from aggregator.adapters.history import History
from aggregator.campaign import Campaign


def show_history(campaign: Campaign, out: Path | None, rows: tuple[int, ...] | None, search: str | None,
                 console: Console) -> int:
    from aggregator.app.wiring import default_out_dir

    folder = out or default_out_dir(campaign)
    path = campaign.resolve(campaign.history) if campaign.history else folder / "history.sqlite"
    if not path.exists():
        console.print(f"No history yet at {path}: run `aggregator run` or `aggregator serve` first.")
        return 0
    versions = History(path).versions(rows, search)
    table = Table(title=f"Row versions in {path}")
    for name in ("Row", "First seen", "Last seen", "Content"):
        table.add_column(name)
    for v in versions:
        content = " | ".join("" if c is None else str(c) for c in v.content)
        table.add_row(str(v.row), f"{v.first_seen:%Y-%m-%d %H:%M}", f"{v.last_seen:%Y-%m-%d %H:%M}", content[:300])
    console.print(table)
    console.print(f"{len(versions)} version(s).")
    return 0
