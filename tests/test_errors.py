"""Every error class says what to do, pickles with its fields, and is presented once by the CLI group."""

from __future__ import annotations

import importlib
import pickle
import pkgutil

import click
import pytest
from click.testing import CliRunner

import aggregator
from aggregator import errors
from aggregator.app.console import INTERNAL_ERROR, INTERRUPTED, AggregatorGroup
from aggregator.app.init_campaign import NoUnitNameError

# One instance of every AggregatorError class, built the way the code builds it.
SAMPLES: dict[type[errors.AggregatorError], errors.AggregatorError] = {
    errors.AggregatorError: errors.AggregatorError("Something is wrong."),
    errors.ConfigError: errors.ConfigError("config/x.yaml", ["id: must match ^[a-z0-9][a-z0-9-]*$"]),
    errors.RosterError: errors.RosterError("The roster r.csv has 1 problem(s): line 2: empty name."),
    errors.SourceError: errors.SourceError("x.xlsx is not a workbook."),
    errors.CredentialsError: errors.CredentialsError("The credentials file k.json does not exist."),
    errors.SheetAccessError: errors.SheetAccessError("Spreadsheet 1x has no tab 'A'."),
    errors.TransientSourceError: errors.TransientSourceError("Google answered 503 three times."),
    errors.SchemaError: errors.SchemaError("Báo cáo", ["Tên đơn vị"], ["STT", "Tên"], {"Tên đơn vị": "Tên"}),
    errors.DuplicateColumnError: errors.DuplicateColumnError("Báo cáo", "Số lượt", [("C", "Số lượt"),
                                                                                    ("F", "Số lượt ")]),
    errors.TemplateError: errors.TemplateError("The report template t.docx is not a .docx file."),
    errors.OutputError: errors.OutputError("Cannot write out/status.json (disk full)."),
    errors.DeliveryError: errors.DeliveryError("2 of 5 reminder(s) could not be sent."),
    NoUnitNameError: NoUnitNameError("Báo cáo", 1, ["STT", "Họ và tên"]),
}


def _every_error_class() -> set[type[errors.AggregatorError]]:
    for module in pkgutil.walk_packages(aggregator.__path__, "aggregator."):
        importlib.import_module(module.name)
    found: set[type[errors.AggregatorError]] = set()
    todo = [errors.AggregatorError]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo += cls.__subclasses__()
    return found


def test_errors_every_class_has_a_sample_here() -> None:
    missing = {c.__qualname__ for c in _every_error_class() - set(SAMPLES)}
    assert not missing, f"add a sample of {missing} to SAMPLES in tests/test_errors.py"


@pytest.mark.parametrize("error", SAMPLES.values(), ids=lambda e: type(e).__name__)
def test_errors_every_class_says_what_to_do(error: errors.AggregatorError) -> None:
    assert error.hint.strip(), f"{type(error).__name__} has no hint: give it a default_hint or build one"
    assert error.message.endswith(error.hint) and error.exit_code >= 1


@pytest.mark.parametrize("error", SAMPLES.values(), ids=lambda e: type(e).__name__)
def test_errors_pickle_with_their_fields(error: errors.AggregatorError) -> None:
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert (back.message, back.exit_code, str(back), back.args) == (error.message, error.exit_code, str(error),
                                                                   error.args)
    assert vars(back) == vars(error)


def _group_running(body: object) -> click.Group:
    @click.group(cls=AggregatorGroup)
    def root() -> None:
        pass

    @root.command()
    def act() -> None:
        raise body  # type: ignore[misc]

    return root


@pytest.mark.parametrize(("raised", "code", "needle"), [
    (errors.ConfigError("id", ["'Nha Trang' does not match ^[a-z0-9][a-z0-9-]*$"]), 2, "^[a-z0-9][a-z0-9-]*$"),
    (errors.SchemaError("[bold]Báo cáo[/]", ["Tên :x: đơn vị"], ["A"]), 5, "[bold]Báo cáo[/]"),
    (RuntimeError("a bug [red]here[/]"), INTERNAL_ERROR, "Internal error: RuntimeError: a bug [red]here[/]"),
    (KeyboardInterrupt(), INTERRUPTED, ""),
], ids=["config-pattern", "markup-and-emoji-codes", "bug", "ctrl-c"])
def test_errors_are_presented_once_with_their_exit_code_and_never_read_as_markup(
        runner: CliRunner, raised: BaseException, code: int, needle: str) -> None:
    result = runner.invoke(_group_running(raised), ["act"])
    assert result.exit_code == code
    assert needle in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 1  # one paragraph
    if isinstance(raised, errors.SchemaError):
        assert "Tên :x: đơn vị" in result.stderr  # an emoji code stays text


def test_errors_click_usage_errors_keep_their_own_code(runner: CliRunner) -> None:
    result = runner.invoke(_group_running(RuntimeError("never")), ["act", "--nope"])
    assert result.exit_code == 2 and "No such option" in result.stderr
