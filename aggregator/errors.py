"""One exception hierarchy; every message says what is wrong and what to do next.

Adapters translate third-party exceptions (gspread, google-auth, openpyxl, jinja2, OSError)
into these with ``raise … from exc``; nothing else leaves an adapter. The CLI prints
``error.message`` once (``app.console.AggregatorGroup``) and exits with ``error.exit_code``.
Every class has a hint (a ``default_hint`` or one its ``__init__`` builds) and pickles with its
fields, so an error crosses a process boundary (a worker pool, a log handler) intact.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from difflib import get_close_matches
from typing import Any


class AggregatorError(Exception):
    """Base class. ``what`` says what is wrong, ``hint`` what the user should do."""

    exit_code = 1
    default_hint = "Fix what this message names and run again."

    def __init__(self, what: str, hint: str | None = None) -> None:
        self.what = what
        self.hint = self.default_hint if hint is None else hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.what} {self.hint}".strip()

    def __reduce__(self) -> tuple[Any, ...]:
        # Exception pickles as cls(*args), which would run a subclass's __init__ with the wrong
        # arguments (ConfigError(path, problems) from one message string): restore the fields instead.
        return (_restore, (type(self), self.args, self.__dict__.copy()))


def _restore(cls: type[AggregatorError], args: tuple[Any, ...], state: dict[str, Any]) -> AggregatorError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ConfigError(AggregatorError):
    """The campaign file (or a CLI option) is wrong; ``problems`` lists every problem found."""

    exit_code = 2

    def __init__(self, path: str, problems: Sequence[str], hint: str | None = None) -> None:
        self.path = path
        self.problems = tuple(problems)
        listing = "; ".join(self.problems)
        if path.startswith("--") and " and --" in path:  # command-line options that go against each other
            what, default_hint = f"The options {path} cannot go together: {listing}.", "Correct them and run again."
        elif path.startswith("--"):  # a command-line option
            what, default_hint = f"The option {path} is wrong: {listing}.", "Correct it and run again."
        elif path.isupper():  # an environment variable
            what, default_hint = f"The environment variable {path} is wrong: {listing}.", "Correct it or unset it."
        elif "/" not in path and "\\" not in path and not path.endswith((".yaml", ".yml")):  # a key, e.g. source.tab
            what = f"The campaign setting `{path}` is wrong: {listing}."
            default_hint = "Fix it in the campaign file and run `aggregator check --config FILE` again."
        else:
            what = f"The campaign file {path} has {len(self.problems)} problem(s): {listing}."
            default_hint = "Fix these keys and run `aggregator check --config FILE` again."
        super().__init__(what, hint or default_hint)


class RosterError(AggregatorError):
    exit_code = 2
    default_hint = "Fix the roster CSV (columns unit_id,group,name,short_name,aliases,email,source) and run again."


class SourceError(AggregatorError):
    """The source (xlsx file or Google spreadsheet) cannot be read."""

    exit_code = 3
    default_hint = "Check the source (`source` in the campaign file, or --source) and run again."


class CredentialsError(AggregatorError):
    exit_code = 4
    default_hint = (
        "Create a service-account key in Google Cloud Console (IAM & Admin > Service accounts > Keys > "
        "Add key > JSON), save it outside the repository and set GOOGLE_APPLICATION_CREDENTIALS to its path "
        "(or `source.credentials` in the campaign file)."
    )


class SheetAccessError(SourceError):
    """Google answered 403/404, or a network/quota fault outlasted the retries."""


class TransientSourceError(SourceError):
    """A fault that may pass (quota, 5xx, network); the worker retries on the next cycle."""

    default_hint = "Nothing was changed; run again in a few minutes (the worker retries at its next cycle)."


class SchemaError(AggregatorError):
    """A required column is not in the header row (or the header row is elsewhere: ``found_in_row``)."""

    exit_code = 5

    def __init__(self, tab: str, missing: Sequence[str], headers: Iterable[str],
                 near: dict[str, str] | None = None, *, header_row: int = 1, found_in_row: int | None = None,
                 unused: Sequence[str] = ()) -> None:
        present = [h for h in headers if h]
        near = near or {}
        parts = []
        for name in missing:
            guess = f" (closest header: {near[name]!r})" if name in near else ""
            parts.append(f"{name!r}{guess}")
        self.tab = tab
        self.missing = tuple(missing)
        self.found_in_row = found_in_row
        if found_in_row is not None:  # rows were added or removed above the headers: renaming would be wrong
            what = (f"Tab {tab!r} has no column for {', '.join(map(repr, missing))} in row {header_row}, but the "
                    f"headers are in row {found_in_row}.")
            hint = (f"Set `source.header_row: {found_in_row}` in the campaign file (or move the headers back to "
                    f"row {header_row}), then run again.")
        else:
            what = (f"Tab {tab!r} has no column for {', '.join(parts)} in its header row (row {header_row})."
                    if present else f"Tab {tab!r} has an empty header row (row {header_row}: is the tab empty, or "
                    "is `header_row` wrong?).")
            if unused and any(name not in near for name in missing):  # no close header: show what is there
                shown = ", ".join(map(repr, unused[:6])) + (", …" if len(unused) > 6 else "")
                what += f" Headers the campaign does not use: {shown}."
            hint = ("Rename the header back in the sheet, or add the new header text to `aliases` of that column "
                    "in the campaign file.")
        super().__init__(what, hint)


class DuplicateColumnError(AggregatorError):
    """A campaign column's header appears more than once: nobody can tell which one agencies fill."""

    exit_code = 5

    def __init__(self, tab: str, header: str, places: Sequence[tuple[str, str]]) -> None:
        self.tab, self.header = tab, header
        self.places = tuple(places)
        listing = " and ".join(f"column {letter} ({text!r})" for letter, text in self.places)
        super().__init__(
            f"Tab {tab!r} has the header for {header!r} twice: {listing}.",
            "Rename or delete one of them in the sheet so that agencies type in one column only (and merge "
            "what was typed in the other), then run again.",
        )


class TemplateError(AggregatorError):
    """The report template cannot be used."""

    exit_code = 6
    default_hint = ("Fix the template (or regenerate it with scripts/make_template.py), check `report.template` "
                    "in the campaign file, and run again.")


class OutputError(AggregatorError):
    exit_code = 7
    default_hint = "Check that the output folder exists, is writable and has free space."


class DeliveryError(AggregatorError):
    exit_code = 8
    default_hint = ("Check `notify.smtp` in the campaign file and the addresses, then try again; nothing else "
                    "was affected.")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return " Did you mean 'x'?" for the closest choice, or ""."""
    near = get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f" Did you mean {near[0]!r}?" if near else ""


def missing_roster_tab(tab: str, where: str, titles: Iterable[str]) -> str:
    """The message for a roster tab the spreadsheet lacks (``roster: {tab: …}``)."""
    titles = list(titles)
    return (f"The roster tab {tab!r} is not in {where}; its tabs are {', '.join(map(repr, titles)) or '(none)'}."
            f"{did_you_mean(tab, titles)} Fix `roster.tab` in the campaign file (or add the tab, with the "
            "roster CSV's columns unit_id,group,name,… in its first row).")
