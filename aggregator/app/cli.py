"""Command line: ``aggregator run | check | serve | history | remind | init``. Thin: parse, call, present.

Every user error ends as one paragraph on stderr and a non-zero exit code; no traceback
(unless ``--debug``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import click
from rich.console import Console
from rich.table import Table

from aggregator import __version__
from aggregator.adapters import campaign_file
from aggregator.adapters.files import atomic_write
from aggregator.errors import AggregatorError, ConfigError, OutputError
from aggregator.models import SourceKind

if TYPE_CHECKING:  # imported lazily at run time: `aggregator --help` needs no pandas
    from aggregator.app.init_campaign import CampaignDraft
    from aggregator.campaign import ColumnSettings
    from aggregator.models import Snapshot

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # local time, e.g. 2024-11-08 07:30:02,114
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
out_console = Console(highlight=False)


def _parse_now(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError("--now", [f"{value!r} is not an ISO 8601 date-time"],
                          "Use e.g. --now 2024-11-11T08:00:00+07:00.") from exc
    if moment.tzinfo is None:
        raise ConfigError("--now", [f"{value!r} has no UTC offset"], "Add one, e.g. 2024-11-11T08:00:00+07:00.")
    return moment


def _guarded(action: Callable[[], int], debug: bool) -> None:
    try:
        code = action()
    except AggregatorError as exc:
        err_console.print(f"[bold red]Error:[/] {exc.message}", markup=True)
        if debug:
            raise
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # a bug, not a user error: say so briefly
        if debug:
            raise
        err_console.print(f"[bold red]Internal error:[/] {type(exc).__name__}: {exc}. "
                          "Run again with --debug for the traceback and report it.", markup=True)
        sys.exit(70)
    sys.exit(code)


def _summary_table(report: Any) -> Table:
    t = report.result.totals
    table = Table(title=f"{report.result.campaign_id} — {report.result.generated_at:%Y-%m-%d %H:%M %z}",
                  show_header=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("Units reported", f"{t.units_reported} / {t.units_expected}  ({t.units_late} late)")
    table.add_row("Units missing", str(t.units_missing))
    table.add_row("Units with problem cells", str(t.units_with_problems))
    table.add_row("Rows read", f"{report.result.source.rows_read} (blank {t.rows_blank}, superseded "
                  f"{t.rows_superseded}, unmatched {t.rows_unmatched})")
    return table


def _output_lines(report: Any) -> list[str]:
    """Where the outputs went, one per line and never cut, so they can be copied."""
    lines = [f"Dashboard:   {report.dashboard_ref}"]
    if report.report_path:
        lines.append(f"Report:      {report.report_path}")
    if report.pdf_path:
        lines.append(f"PDF:         {report.pdf_path}")
    lines.append(f"status.json: {report.status_path}")
    return lines


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="aggregator")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Consolidate campaign reports typed into a shared spreadsheet."""
    ctx.obj = {"debug": debug or bool(os.environ.get("AGGREGATOR_DEBUG"))}
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format=LOG_FORMAT)


CONFIG_HELP = "Campaign file (YAML). Default: the bundled Nha Trang 2024 demo."


@cli.command()
@click.option("--config", "config", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--source", help="Override the source: an .xlsx path, or a Google spreadsheet URL or id.")
@click.option("--roster", type=click.Path(path_type=Path), help="Override the roster CSV.")
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default out/<campaign-id>/).")
@click.option("--now", help="Fix the clock, timezone-aware ISO 8601 (e.g. 2024-11-11T08:00:00+07:00).")
@click.option("--pdf", is_flag=True, help="Also write a PDF of the report (needs LibreOffice).")
@click.option("--final", is_flag=True,
              help="Final edition: fill in the report's date (the number stays blank for the clerk).")
@click.pass_context
def run(ctx: click.Context, config: Path | None, source: str | None, roster: Path | None,
        out: Path | None, now: str | None, pdf: bool, final: bool) -> None:
    """Run one full cycle: read, match, dedupe, validate, aggregate, write dashboard, report, status.json."""
    from aggregator.app.pipeline import run_cycle

    def action() -> int:
        moment = _parse_now(now)
        campaign = campaign_file.load(config)
        report = run_cycle(campaign, out_dir=out, source_override=source, roster_override=roster,
                           now=moment, pdf=pdf, final=final)
        out_console.print(_summary_table(report))
        for line in _output_lines(report):
            out_console.print(line, markup=False, soft_wrap=True)
        for line in report.changes:
            out_console.print(f"• {line}", markup=False)
        return 0

    _guarded(action, ctx.obj["debug"])


@cli.command()
@click.option("--config", "config", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--source", help="Override the source: an .xlsx path, or a Google spreadsheet URL or id.")
@click.option("--roster", type=click.Path(path_type=Path), help="Override the roster CSV.")
@click.pass_context
def check(ctx: click.Context, config: Path | None, source: str | None, roster: Path | None) -> None:
    """Validate the campaign file, source and header row, roster and template; write nothing."""
    from aggregator.app.preflight import run_checks

    def action() -> int:
        results = run_checks(config, source_override=source, roster_override=roster)
        for name, problem in results:
            mark = "[green]✓[/]" if problem is None else "[red]✗[/]"
            out_console.print(f"{mark} {name}" + ("" if problem is None else f": {problem}"), markup=True)
        failed = [p for _, p in results if p is not None]
        if failed:
            err_console.print(f"[bold red]{len(failed)} check(s) failed.[/] Fix them and run "
                              "`aggregator check` again.", markup=True)
        return 1 if failed else 0

    _guarded(action, ctx.obj["debug"])


@cli.command()
@click.option("--config", "configs", multiple=True, type=click.Path(path_type=Path),
              help="Campaign file; repeat for several campaigns in one worker. " + CONFIG_HELP)
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron).")
@click.pass_context
def serve(ctx: click.Context, configs: tuple[Path, ...], once: bool) -> None:
    """Run the scheduled worker until SIGINT/SIGTERM: sync every few minutes, drafts at set times."""
    from aggregator.app.service import serve as serve_forever

    logging.getLogger().setLevel(logging.DEBUG if ctx.obj["debug"] else logging.INFO)
    _guarded(lambda: serve_forever(list(configs) or [campaign_file.default_campaign()], once=once), ctx.obj["debug"])


@cli.command()
@click.option("--config", "config", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--out", type=click.Path(path_type=Path), help="Output folder holding history.sqlite.")
@click.option("--row", "rows", type=int, multiple=True, help="Only this sheet row (repeatable).")
@click.option("--search", help="Only versions whose content contains this text (e.g. a unit name).")
@click.pass_context
def history(ctx: click.Context, config: Path | None, out: Path | None, rows: tuple[int, ...],
            search: str | None) -> None:
    """Show every version of the agency rows the worker has seen (to recover deleted or overwritten rows)."""
    from aggregator.app.history_view import show_history

    def action() -> int:
        campaign = campaign_file.load(config)
        return show_history(campaign, out, rows or None, search, out_console)

    _guarded(action, ctx.obj["debug"])


@cli.command()
@click.option("--config", "config", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default out/<campaign-id>/).")
@click.option("--now", help="Fix the clock, timezone-aware ISO 8601 (e.g. 2024-11-08T08:00:00+07:00).")
@click.option("--send", is_flag=True, help="E-mail each unit that has an address in the roster (needs notify.smtp).")
@click.pass_context
def remind(ctx: click.Context, config: Path | None, out: Path | None, now: str | None, send: bool) -> None:
    """Reminders for units that have not reported or have problem cells: Zalo text and e-mails (reminders.txt)."""
    from aggregator.app import delivery
    from aggregator.app.pipeline import default_out_dir

    def action() -> int:
        moment = _parse_now(now)
        campaign = campaign_file.load(config)
        mailer = delivery.mailer_for(campaign) if send else None  # a missing smtp section fails before any read
        out_dir = out or default_out_dir(campaign)
        reminders = delivery.current_reminders(campaign, out_dir, moment)
        path = delivery.write_reminders(out_dir, reminders)
        if not send:
            out_console.print(path.read_text(encoding="utf-8"), markup=False, end="")
        out_console.print(f"{len(reminders.to_report)} unit(s) to remind to report, {len(reminders.to_fix)} to fix "
                          f"cells; text in {path}", markup=False)
        return _send_reminders(campaign, reminders, mailer) if mailer else 0

    _guarded(action, ctx.obj["debug"])


def _send_reminders(campaign: Any, reminders: Any, mailer: Any) -> int:
    from aggregator.app import delivery
    from aggregator.errors import DeliveryError

    run = delivery.send_reminders(campaign, reminders, mailer)
    for line in delivery.run_lines(run):
        out_console.print(line, markup=False, soft_wrap=True)
    if run.unreached:  # a unit reached at one address at least has the reminder: not a failure
        raise DeliveryError(f"{len(run.unreached)} of {len(run.outcomes)} reminder(s) could not be sent.",
                            "Fix the addresses listed as FAILED in the roster's email column, or send those "
                            "reminders by Zalo (reminders.txt).")
    return 0


@cli.command()
@click.option("--source", required=True, help="The agencies' sheet: an .xlsx path, or a Google spreadsheet URL or id.")
@click.option("--tab", help="The agencies' tab. Default: the first tab of an .xlsx; required for a Google sheet.")
@click.option("--roster", type=click.Path(path_type=Path), help="Roster CSV; its group codes become the groups.")
@click.option("--id", "campaign_id", help="Campaign id, e.g. nhatrang-2024. Default: from the file or tab name.")
@click.option("--title", help="Campaign title (Vietnamese). Default: a TODO to fill in.")
@click.option("--deadline", help="ISO 8601 date or date-time (e.g. 2024-11-10). Default: a TODO one week ahead.")
@click.option("--header-row", type=click.IntRange(min=1), default=1, show_default=True,
              help="The row that holds the headers.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the campaign file here (never overwrites). Default: print it.")
@click.option("--now", help="Fix the clock, timezone-aware ISO 8601 (e.g. 2024-11-01T08:00:00+07:00).")
@click.pass_context
def init(ctx: click.Context, source: str, tab: str | None, roster: Path | None, campaign_id: str | None,
         title: str | None, deadline: str | None, header_row: int, output: Path | None, now: str | None) -> None:
    """Propose a campaign file from an existing sheet: maps its header row to keys and types, with TODOs."""
    from aggregator.app import init_campaign as proposal

    def action() -> int:
        if output is not None and output.exists():
            raise OutputError(f"{output} already exists; `aggregator init` never overwrites a file.",
                              "Pass a new name with --output, or delete or rename the existing file first.")
        draft, used_first_tab = _init_draft(source, tab, roster, campaign_id, title, deadline, header_row,
                                            output, _parse_now(now))
        text = proposal.render_campaign(draft)
        base = output.resolve().parent if output else Path.cwd()
        campaign_file.parse(text, origin=str(output or "the proposed campaign file"), base_dir=base)  # round-trip
        if output is not None:
            atomic_write(output, lambda tmp: _write_text(tmp, text))
        else:
            click.echo(text, nl=False)
        _init_summary(draft, text, output, used_first_tab)
        return 0

    _guarded(action, ctx.obj["debug"])


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _init_draft(source: str, tab: str | None, roster: Path | None, campaign_id: str | None, title: str | None,
                deadline: str | None, header_row: int, output: Path | None,
                now: dt.datetime | None) -> tuple[CampaignDraft, bool]:
    """Read the sheet (and the roster) and build the proposal; returns (draft, the first tab was used)."""
    from aggregator.adapters.clock import SystemClock
    from aggregator.adapters.roster_file import read_roster
    from aggregator.app import init_campaign as proposal

    tz = ZoneInfo(proposal.DEFAULT_TZ)
    moment = now or SystemClock(tz).now()
    limit = _parse_deadline(deadline, tz) if deadline else None
    kind, snapshot = _init_read(source, tab, header_row)
    name = snapshot.tab.title if kind is SourceKind.GOOGLE_SHEETS else Path(source).stem
    ident = _init_id(campaign_id, name)
    groups = tuple(dict.fromkeys(u.group for u in read_roster(roster))) if roster else ()
    known = proposal.build_vocabulary(_known_columns())
    found = proposal.propose(snapshot.tab.title, header_row, snapshot.tab.rows, known, tz)
    base = output.resolve().parent if output else None
    template = campaign_file.BUNDLED_CONFIG_DIR.parent / "templates" / "report.docx"
    location = _path_for(Path(source), base) if kind is SourceKind.XLSX else source
    draft = proposal.CampaignDraft(
        id=ident, title=title, deadline=limit, now=moment, kind=kind, location=location, proposal=found,
        template=_path_for(template, base), roster=_path_for(roster, base) if roster else None, groups=groups,
        origin=f"{Path(source).name if kind is SourceKind.XLSX else source}, tab {snapshot.tab.title!r}")
    return draft, tab is None


def _init_read(source: str, tab: str | None, header_row: int) -> tuple[SourceKind, Snapshot]:
    """(kind, snapshot) of the agencies' tab, through the same adapters (and credentials) as `run`."""
    from aggregator.app.pipeline import source_kind
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
    from aggregator.adapters.sheets import GoogleSheet

    sheet = GoogleSheet(source, tab, dashboard_tab=DashboardSettings().tab, header_row=header_row, read_only=True)
    return kind, sheet.read()


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
    from aggregator.app.init_campaign import summary_lines

    lines = [f"Wrote {output}." if output else "", *summary_lines(draft.proposal)]
    if used_first_tab:
        lines.append(f"No --tab given: read the first agency tab, {draft.proposal.tab!r}; pass --tab for another.")
    steps = [] if output else ["Save the YAML printed above as the campaign file, e.g. `aggregator init … > "
                               "config/my-campaign.yaml`; its paths are absolute, make them relative if you like."]
    steps.append(f"Fill in the {text.count('# TODO')} lines marked TODO (e.g. title, group labels, letterhead, "
                 "signer) and check the columns marked guessed.")
    if draft.roster is None:
        steps.append("Set `roster` to the roster CSV and list its group codes under `groups` (or run init again "
                     "with --roster): until then the file does not pass `aggregator check`.")
    file = output or "FILE"
    steps.append(f"Run `aggregator check --config {file}`, then `aggregator run --config {file}`.")
    lines += ["Next steps:", *(f"  {n}. {step}" for n, step in enumerate(steps, start=1))]
    click.echo("\n".join(line for line in lines if line), err=output is None)

def main() -> None:
    cli(prog_name="aggregator")
