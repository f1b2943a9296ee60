"""Command line: ``aggregator run | check | serve | history | remind | init | decide | roster``. Thin: parse,
call, present.

Every user error ends as one paragraph on stderr and a non-zero exit code, presented once by
``console.AggregatorGroup``; no traceback (unless ``--debug``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from aggregator import __version__
from aggregator.adapters import campaign_file
from aggregator.app.console import AggregatorGroup, err_console, out_console, utf8_streams
from aggregator.app.lifetime import (
    end_process,
    ending_after_this_cycle,
    ends_with_its_command,
    keep_until_exit,
    spare_exit_collections,
)
from aggregator.errors import ConfigError

if TYPE_CHECKING:  # imported lazily at run time: `aggregator --help` needs no pandas
    from aggregator.adapters.mailer import SmtpMailer
    from aggregator.app.pipeline import CycleReport
    from aggregator.campaign import Campaign
    from aggregator.outputs.reminders import Reminders

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # local time, e.g. 2024-11-08 07:30:02,114

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


def _summary_table(report: CycleReport) -> Table:
    t = report.result.totals
    table = Table(title=f"{report.result.campaign_id} — {report.result.generated_at:%Y-%m-%d %H:%M %z}",
                  show_header=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row("Units reported", f"{t.units_reported} / {t.units_expected}  ({t.units_late} late)")
    table.add_row("Units missing", str(t.units_missing))
    table.add_row("Units with problem cells", str(t.units_with_problems))
    table.add_row("Rows read", f"{report.result.source.rows_read} (blank {t.rows_blank}, name only "
                  f"{t.rows_name_only}, the sheet's totals {t.rows_total}, superseded "
                  f"{t.rows_superseded}, unmatched {t.rows_unmatched})")
    return table


def _output_lines(report: CycleReport) -> list[str]:
    """Where the outputs went, one per line and never cut, so they can be copied."""
    lines = [f"Dashboard:   {report.dashboard_ref}"]
    if report.report_path:
        lines.append(f"Report:      {report.report_path}")
    if report.pdf_path:
        lines.append(f"PDF:         {report.pdf_path}")
    lines.append(f"status.json: {report.status_path}")
    return lines


@click.group(cls=AggregatorGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--roster", type=click.Path(path_type=Path), help="Override the roster (a CSV or .xlsx file).")
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default out/<campaign-id>/).")
@click.option("--now", help="Fix the clock, timezone-aware ISO 8601 (e.g. 2024-11-11T08:00:00+07:00).")
@click.option("--pdf", is_flag=True, help="Also write a PDF of the report (needs LibreOffice).")
@click.option("--final", is_flag=True,
              help="Final edition: fill in the report's date (the number stays blank for the clerk).")
def run(config: Path | None, source: str | None, roster: Path | None,
        out: Path | None, now: str | None, pdf: bool, final: bool) -> None:
    """Run one full cycle: read, match, dedupe, validate, aggregate, write dashboard, report, status.json."""
    from aggregator.app.wiring import run_cycle

    moment = _parse_now(now)
    campaign = campaign_file.load(config)
    ending_after_this_cycle()  # under main: the process ends with this command
    report = run_cycle(campaign, out_dir=out, source_override=source, roster_override=roster,
                       now=moment, pdf=pdf, final=final)
    keep_until_exit(report)  # the process ends next: releasing the cycle's objects one by one is no use
    out_console.print(_summary_table(report))
    for line in _output_lines(report):
        out_console.print(line, soft_wrap=True)
    for line in report.changes:
        out_console.print(f"• {line}")


@cli.command()
@click.option("--config", "config", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--source", help="Override the source: an .xlsx path, or a Google spreadsheet URL or id.")
@click.option("--roster", type=click.Path(path_type=Path), help="Override the roster (a CSV or .xlsx file).")
@click.pass_context
def check(ctx: click.Context, config: Path | None, source: str | None, roster: Path | None) -> None:
    """Validate the campaign file, source and header row, roster and template; write nothing."""
    from aggregator.app.preflight import WARNING, run_checks

    results = run_checks(config, source_override=source, roster_override=roster)
    for name, error in results:
        mark = ("✓ ", "green") if error is None else ("✗ ", "red")
        if name.startswith(WARNING):  # something to fix in the sheet that does not stop `run`
            mark, name = ("! ", "yellow"), name.removeprefix(WARNING)
        out_console.print(Text.assemble(mark, name, "" if error is None else f": {error.message}"))
    failed = [error for _, error in results if error is not None]
    if failed:
        err_console.print(Text.assemble((f"{len(failed)} check(s) failed.", "bold red"),
                                        " Fix them and run `aggregator check` again."))
        ctx.exit(failed[0].exit_code)  # the exit code `run` would end with


@cli.command()
@click.option("--config", "configs", multiple=True, type=click.Path(path_type=Path),
              help="Campaign file; repeat for several campaigns in one worker. " + CONFIG_HELP)
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron).")
@click.pass_context
def serve(ctx: click.Context, configs: tuple[Path, ...], once: bool) -> None:
    """Run the scheduled worker until SIGINT/SIGTERM: sync every few minutes, drafts at set times."""
    from aggregator.app.service import serve as serve_forever

    logging.getLogger().setLevel(logging.DEBUG if ctx.obj["debug"] else logging.INFO)
    code = serve_forever(list(configs) or [campaign_file.default_campaign()], once=once)
    if code:
        ctx.exit(code)


@cli.command()
@click.option("--config", "config", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--out", type=click.Path(path_type=Path), help="Output folder holding history.sqlite.")
@click.option("--row", "rows", type=int, multiple=True, help="Only this sheet row (repeatable).")
@click.option("--search", help="Only versions containing this text (e.g. a unit name), ignoring accents, case "
                               "and spacing.")
def history(config: Path | None, out: Path | None, rows: tuple[int, ...],
            search: str | None) -> None:
    """Show every version of the agency rows the worker has seen (to recover deleted or overwritten rows)."""
    from aggregator.app.history_view import show_history

    campaign = campaign_file.load(config)
    show_history(campaign, out, rows or None, search, out_console)


@cli.command()
@click.option("--config", "config", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--out", type=click.Path(path_type=Path), help="Output folder (default out/<campaign-id>/).")
@click.option("--now", help="Fix the clock, timezone-aware ISO 8601 (e.g. 2024-11-08T08:00:00+07:00).")
@click.option("--send", is_flag=True, help="E-mail each unit that has an address in the roster (needs notify.smtp).")
def remind(config: Path | None, out: Path | None, now: str | None, send: bool) -> None:
    """Reminders for units that have not reported or have problem cells: Zalo text and e-mails (reminders.txt)."""
    from aggregator.app import delivery
    from aggregator.app.wiring import default_out_dir

    moment = _parse_now(now)
    campaign = campaign_file.load(config)
    mailer = delivery.mailer_for(campaign) if send else None  # a missing smtp section fails before any read
    out_dir = out or default_out_dir(campaign)
    reminders = delivery.current_reminders(campaign, out_dir, moment)
    path = delivery.write_reminders(out_dir, reminders)
    if not send:
        out_console.print(path.read_text(encoding="utf-8"), end="")
    out_console.print(f"{len(reminders.to_report)} unit(s) to remind to report, {len(reminders.to_fix)} to fix "
                      f"cells; text in {path}")
    if mailer:
        _send_reminders(campaign, reminders, mailer, out_dir, moment)


def _send_reminders(campaign: Campaign, reminders: Reminders, mailer: SmtpMailer, out_dir: Path,
                    moment: dt.datetime | None) -> None:
    from aggregator.app import delivery
    from aggregator.errors import DeliveryError

    run = delivery.send_reminders_now(campaign, reminders, out_dir, moment, mailer)
    for line in delivery.run_lines(run):
        out_console.print(line)
    if run.unreached:  # a unit reached at one address at least has the reminder: not a failure
        raise DeliveryError(f"{len(run.unreached)} of {len(run.outcomes)} reminder(s) could not be sent.",
                            "Fix the addresses listed as FAILED in the roster's email column, or send those "
                            "reminders by Zalo (reminders.txt).")


@cli.command()
@click.option("--source", required=True, help="The agencies' sheet: an .xlsx path, or a Google spreadsheet URL or id.")
@click.option("--tab", help="The agencies' tab. Default: the first tab of an .xlsx; required for a Google sheet.")
@click.option("--roster", type=click.Path(path_type=Path), help="Roster, CSV or .xlsx; its groups become the groups.")
@click.option("--id", "campaign_id", help="Campaign id, e.g. nhatrang-2024. Default: from the file or tab name.")
@click.option("--title", help="Campaign title (Vietnamese). Default: a TODO to fill in.")
@click.option("--deadline", help="ISO 8601 date or date-time (e.g. 2024-11-10). Default: a TODO one week ahead.")
@click.option("--header-row", type=click.IntRange(min=1),
              help="The row that holds the headers. Default: found (the first row that reads like headers).")
@click.option("--unit-column", help="Where agencies type their name: header text, column letter or number. "
                                   "Default: the column that matches the roster best.")
@click.option("--time-column", help="When each row was sent (lateness): header text, column letter or number. "
                                   "Default: a date column named like “Thời điểm gửi” or “Dấu thời gian”.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the campaign file here (never overwrites). Default: print it.")
@click.option("--now", help="Fix the clock, timezone-aware ISO 8601 (e.g. 2024-11-01T08:00:00+07:00).")
def init(source: str, tab: str | None, roster: Path | None, campaign_id: str | None, title: str | None,
         deadline: str | None, header_row: int | None, unit_column: str | None, time_column: str | None,
         output: Path | None, now: str | None) -> None:
    """Propose a campaign file from an existing sheet: every column's role and type with the reason, TODOs to fill."""
    from aggregator.app.init_command import InitOptions, run_init

    run_init(InitOptions(source, tab, roster, campaign_id, title, deadline, header_row, output, _parse_now(now),
                         unit_column, time_column))


@cli.command()
@click.option("--config", "config", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--row", type=click.IntRange(min=1), help="The agencies' sheet row to settle, as the sheet numbers it.")
@click.option("--unit", help="The row is this unit's report (its unit_id in the roster).")
@click.option("--not-a-unit", is_flag=True, help="The row is no unit of the roster: ignore it (rows_ignored).")
@click.option("--use-this-row", is_flag=True, help="Of its unit's several rows, this one counts.")
@click.option("--column", help="A number column (its header) whose value the office confirms; with --value.")
@click.option("--value", help="The value that counts for --column (the agency's cell stays as typed).")
@click.option("--list", "listing", is_flag=True, help="List every decision and its state against the source now.")
@click.option("--withdraw", metavar="ITEM", help="Withdraw the decision made with `decide` for this item.")
@click.option("--source", help="Override the source: an .xlsx path, or a Google spreadsheet URL or id.")
@click.option("--roster", type=click.Path(path_type=Path), help="Override the roster (a CSV or .xlsx file).")
@click.option("--out", type=click.Path(path_type=Path), help="Output folder holding history.sqlite.")
@click.option("--now", help="Fix the clock, timezone-aware ISO 8601.")
def decide(config: Path | None, row: int | None, unit: str | None, not_a_unit: bool, use_this_row: bool,
           column: str | None, value: str | None, listing: bool, withdraw: str | None, source: str | None,
           roster: Path | None, out: Path | None, now: str | None) -> None:
    """Settle a row offline: row → unit, row → not a unit, pin a row, cell → value (stored in the history)."""
    from aggregator.app import decide_command as dc

    campaign = campaign_file.load(config)
    options = dc.DecideOptions(row, unit, not_a_unit, use_this_row, column, value, listing, withdraw, source,
                               roster, out, _parse_now(now))
    if listing:
        dc.listing(campaign, options, out_console)
    elif withdraw:
        for gone in dc.withdraw(campaign, options):
            out_console.print(f"Withdrawn: {withdraw} ({dc.describe(gone, {})}).")
    else:
        decision, item = dc.record(campaign, options)
        out_console.print(f"Recorded {item}: {dc.describe(decision, {})}.")
        out_console.print("The next `aggregator run` applies it; `aggregator decide --list` shows its state.")


@cli.command("roster")
@click.option("--config", "config", type=click.Path(path_type=Path), help=CONFIG_HELP)
@click.option("--learned", is_flag=True, help="Add the names the office settled as aliases of their units.")
@click.option("--out", "output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the roster CSV here (never overwrites). Default: print it.")
@click.option("--history", "folder", type=click.Path(path_type=Path),
              help="Output folder holding history.sqlite (default out/<campaign-id>/).")
def roster_command(config: Path | None, learned: bool, output: Path | None, folder: Path | None) -> None:
    """Write the campaign's roster as CSV; with --learned, ready for the next campaign."""
    from aggregator.app.roster_command import roster_text, write_new

    campaign = campaign_file.load(config)
    text, added = roster_text(campaign, learned, folder)
    if output is None:
        out_console.print(text, end="", soft_wrap=True)
        return
    write_new(output, text)
    out_console.print(f"Wrote {output} ({added} learned alias(es) added).")


def main() -> None:
    utf8_streams()
    ends_with_its_command()
    try:
        cli(prog_name="aggregator")
    except SystemExit as end:  # click ends every command so
        end_process(end.code)  # without the interpreter's teardown (the usual way while threads run)
    finally:  # the usual way out (threads running, or another exception and its traceback)
        spare_exit_collections()

