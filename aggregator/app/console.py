"""How the command line talks: the two consoles, UTF-8 streams, and errors presented once.

Every user error is an ``AggregatorError``; ``AggregatorGroup`` catches it for every command and
prints it as one paragraph on stderr with its exit code (70 for a bug, 130 for Ctrl+C), the way
click's own exceptions present themselves. Nothing printed is ever read as rich markup or emoji
codes: a message quoting ``^[a-z0-9][a-z0-9-]*$`` or a header ``:x:`` prints as typed.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

import click
from rich.console import Console
from rich.text import Text

from aggregator.errors import AggregatorError

INTERNAL_ERROR = 70  # a bug, not a user error (BSD sysexits EX_SOFTWARE)
INTERRUPTED = 130  # Ctrl+C: 128 + SIGINT, as shells report it

err_console = Console(stderr=True, highlight=False, soft_wrap=True, markup=False, emoji=False)
out_console = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)  # messages stay one line


def utf8_streams(*streams: TextIO) -> None:
    """Write UTF-8 whatever the console's code page (cp1252, cp437 on Windows), replacing what cannot be.

    Vietnamese text on a cp1252 stream would otherwise raise UnicodeEncodeError mid-output, and a
    campaign file printed by ``aggregator init > file.yaml`` must be UTF-8 to be read back.
    """
    for stream in streams or (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None:
            reconfigure(encoding="utf-8", errors="replace")


def show_error(exc: AggregatorError) -> None:
    err_console.print(Text.assemble(("Error: ", "bold red"), exc.message))


class AggregatorGroup(click.Group):
    """A click group that presents errors once for every command (instead of a wrapper per command)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise  # click's own: usage errors (exit 2), --help, explicit exits
        except AggregatorError as exc:
            if _debug(ctx):
                raise
            show_error(exc)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            ctx.exit(INTERRUPTED)
        except Exception as exc:  # a bug, not a user error: say so briefly
            if _debug(ctx):
                raise
            err_console.print(Text.assemble(("Internal error: ", "bold red"), f"{type(exc).__name__}: {exc}. "
                                            "Run again with --debug for the traceback and report it."))
            ctx.exit(INTERNAL_ERROR)


def _debug(ctx: click.Context) -> bool:
    return bool(isinstance(ctx.obj, dict) and ctx.obj.get("debug"))
