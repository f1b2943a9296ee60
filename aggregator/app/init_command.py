"""``aggregator init`` as a command: read the sheet (and roster) through the adapters, propose, write.

The proposal itself is pure (``init_campaign``); this module only gathers its inputs and writes the
file (never over an existing one) or prints it.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click
import yaml

from aggregator.adapters import campaign_file
from aggregator.adapters.files import atomic_write
from aggregator.campaign.file_checks import placeholder_problems
from aggregator.errors import AggregatorError, ConfigError, CredentialsError, OutputError, SourceError
from aggregator.models import SourceKind

if TYPE_CHECKING:  # imported lazily at run time: `aggregator --help` needs no pandas
    from aggregator.app.init_campaign import CampaignDraft
    from aggregator.campaign import ColumnSettings
    from aggregator.models import Snapshot


@dataclass(frozen=True)
class InitOptions:
    source: str
    tab: str | None
    roster: Path | None
    campaign_id: str | None
    title: str | None
    deadline: str | None
    header_row: int | None  # None: find it
    output: Path | None
    now: dt.datetime | None
    unit_column: str | None = None
    time_column: str | None = None


def run_init(options: InitOptions) -> None:
    """Propose the campaign file, check that it reads back, then write or print it with a summary."""
    from aggregator.app.init_render import render_campaign

    output = options.output
    if output is not None and output.exists():
        raise OutputError(f"{output} already exists; `aggregator init` never overwrites a file.",
                          "Pass a new name with --output, or delete or rename the existing file first.")
    draft = _init_draft(options)
    text = render_campaign(draft)
    base = output.resolve().parent if output else Path.cwd()
    campaign_file.parse(text, origin=str(output or "proposed-campaign.yaml"), base_dir=base,
                        placeholders=True)  # round-trip: valid once each placeholder holds its example
    if output is not None:
        atomic_write(output, lambda tmp: _write_text(tmp, text))
    else:
        click.echo(text, nl=False)
    _init_summary(draft, text, output, options.tab is None)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _init_draft(options: InitOptions) -> CampaignDraft:
    """Read the sheet (and the roster) and build the proposal."""
    from aggregator.adapters.clock import SystemClock
    from aggregator.adapters.roster_file import read_roster
    from aggregator.app import init_campaign as proposal

    tz = ZoneInfo(proposal.DEFAULT_TZ)
    moment = options.now or SystemClock(tz).now()
    limit = _parse_deadline(options.deadline, tz) if options.deadline else None
    kind, snapshot = _init_read(options.source, options.tab)
    name = snapshot.tab.title if kind is SourceKind.GOOGLE_SHEETS else Path(options.source).stem
    ident = _init_id(options.campaign_id, name)
    units = read_roster(options.roster) if options.roster else ()
    choices = proposal.Choices(options.header_row, options.unit_column, options.time_column, units)
    found = proposal.propose(snapshot.tab, proposal.build_vocabulary(_known_columns()), tz, choices)
    base = options.output.resolve().parent if options.output else None
    template = campaign_file.BUNDLED_CONFIG_DIR.parent / "templates" / "report.docx"
    source = options.source
    return proposal.CampaignDraft(
        id=ident, title=options.title, deadline=limit, now=moment, kind=kind,
        location=_path_for(Path(source), base) if kind is SourceKind.XLSX else source, proposal=found,
        template=_path_for(template, base), roster=_path_for(options.roster, base) if options.roster else None,
        groups=tuple(dict.fromkeys(u.group for u in units)),
        origin=f"{Path(source).name if kind is SourceKind.XLSX else source}, tab {snapshot.tab.title!r}")


def _init_read(source: str, tab: str | None) -> tuple[SourceKind, Snapshot]:
    """(kind, snapshot) of the agencies' tab, through the same adapters (and credentials) as `run`."""
    try:
        return _read_tab(source, tab)
    except SourceError as exc:
        if "`source.tab`" not in exc.hint:  # the adapters' hint for a missing tab speaks of the campaign file
            raise
        raise type(exc)(exc.what, "Pass one of those tabs with --tab, e.g. --tab \"Báo cáo\".") from exc


def _read_tab(source: str, tab: str | None) -> tuple[SourceKind, Snapshot]:
    from aggregator.app.wiring import source_kind
    from aggregator.campaign import DashboardSettings

    kind = source_kind(source)
    if kind is SourceKind.XLSX:
        from aggregator.adapters.xlsx import XlsxSource, workbook_titles

        if tab is None:  # the first tab that is not our dashboard (a workbook copy from `run` starts with it)
            titles = workbook_titles(Path(source))
            tab = next((t for t in titles if t != DashboardSettings().tab), titles[0])
        return kind, XlsxSource(Path(source), tab).read()
    if tab is None:
        raise ConfigError("--tab", ["a Google spreadsheet needs --tab, the agencies' tab"],
                          "Pass the tab's name as shown at the bottom of the sheet, e.g. --tab \"Báo cáo\" (a "
                          "wrong name makes the error list the spreadsheet's tabs).")
    _require_credentials()
    from aggregator.adapters.sheets import GoogleSheet

    return kind, GoogleSheet(source, tab, dashboard_tab=DashboardSettings().tab, read_only=True).read()


def _require_credentials() -> None:
    """init has no campaign file yet: say where its credentials come from in its own terms."""
    from aggregator.adapters.google_auth import ENV_VAR, emulator_endpoint

    if not os.environ.get(ENV_VAR, "").strip() and emulator_endpoint() is None:
        raise CredentialsError(
            f"No Google credentials: {ENV_VAR} is not set, so init cannot read the spreadsheet.",
            "Create a service-account key in Google Cloud Console (IAM & Admin > Service accounts > Keys > Add key "
            f"> JSON), share the spreadsheet with its client_email, set {ENV_VAR} to the key file's path and run "
            "init again (or save the sheet as .xlsx and pass that file with --source).")


def _init_id(campaign_id: str | None, name: str) -> str:
    from aggregator.app.init_campaign import ID_PATTERN, slug

    ident = campaign_id if campaign_id is not None else slug(name)
    if not ID_PATTERN.match(ident):
        raise ConfigError("--id", [f"{ident!r} is not a campaign id (lower-case letters, digits and dashes)"],
                          f"Use e.g. --id {slug(ident)}.")
    return ident


def _parse_deadline(value: str, tz: ZoneInfo) -> dt.datetime:
    """An ISO date (the whole day counts) or date-time; without an offset it is in the campaign's zone."""
    try:
        moment = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise ConfigError("--deadline", [f"{value!r} is not an ISO 8601 date or date-time"],
                          "Use e.g. --deadline 2024-11-10 or --deadline 2024-11-10T23:59:59+07:00.") from exc
    if len(value.strip()) == 10:  # a date alone: late means after that whole day
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment if moment.tzinfo else moment.replace(tzinfo=tz)


def _known_columns() -> list[ColumnSettings]:
    """Every column of the bundled campaign files: the best knowledge of what headers mean."""
    columns: list[ColumnSettings] = []
    for path in sorted(campaign_file.BUNDLED_CONFIG_DIR.glob("*.yaml")):
        try:
            columns += campaign_file.load(path).columns
        except AggregatorError:
            continue
    return columns


def _path_for(path: Path, base: Path | None) -> str:
    """``path`` as the campaign file should hold it: relative to its folder, else absolute."""
    target = path.resolve()
    try:  # only when they share more than the root: "../../../srv/x.csv" helps nobody
        shared = base is not None and Path(os.path.commonpath([target, base])) != Path(target.anchor)
    except ValueError:  # another drive on Windows
        shared = False
    return Path(os.path.relpath(target, base)).as_posix() if base is not None and shared else str(target)


def _init_summary(draft: CampaignDraft, text: str, output: Path | None, used_first_tab: bool) -> None:
    from aggregator.app.init_render import summary_lines

    lines = [f"Wrote {output}." if output else "", *summary_lines(draft.proposal)]
    if used_first_tab:
        lines.append(f"No --tab given: read the first agency tab, {draft.proposal.tab!r}; pass --tab for another.")
    steps = [] if output else ["Save the YAML printed above as the campaign file, e.g. `aggregator init … > "
                               "config/my-campaign.yaml`; its paths are absolute, make them relative if you like."]
    todo = [problem.partition(":")[0] for problem in placeholder_problems(yaml.safe_load(text) or {})]
    if todo:  # counted as `check` counts them: values only, never comments
        shown = ", ".join(todo[:4]) + (", …" if len(todo) > 4 else "")
        steps.append(f"Replace the {len(todo)} \"TODO: …\" values ({shown}): `check` and `run` refuse the file "
                     "until then. Read the reason above each column and correct any choice.")
    if draft.roster is None:
        steps.append("Set `roster` to the roster CSV and list its group codes under `groups` (or run init again "
                     "with --roster): until then the file does not pass `aggregator check`.")
    file = output or "FILE"
    steps.append(f"Run `aggregator check --config {file}`, then `aggregator run --config {file}`.")
    lines += ["Next steps:", *(f"  {n}. {step}" for n, step in enumerate(steps, start=1))]
    click.echo("\n".join(line for line in lines if line), err=output is None)
