"""The README's promises are checked against the code: configuration reference, exit codes, command options."""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
from types import ModuleType

import click
import pytest

import aggregator
from aggregator import errors
from aggregator.app.cli import cli
from aggregator.app.console import INTERNAL_ERROR, INTERRUPTED
from aggregator.app.init_render import REFERENCE
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def _script() -> ModuleType:
    path = REPO / "scripts" / "make_config_reference.py"
    spec = importlib.util.spec_from_file_location("make_config_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _section(heading: str) -> str:
    start = README.index(f"\n{heading}\n")
    level = heading.split(" ")[0]
    following = [m.start() for m in re.finditer(rf"\n#{{1,{len(level)}}} ", README[start + 1:])]
    return README[start: start + 1 + following[0]] if following else README[start:]


def test_docs_configuration_reference_is_generated_from_the_model() -> None:
    script = _script()
    assert script.updated(README) == README, "run: python scripts/make_config_reference.py"
    paths = [path for path, _ in script.settings()]
    reference = _section("## Configuration reference")
    assert all(f"| `{path}` |" in reference for path in paths)
    assert "columns[].role" in paths and "report.headings.weaknesses" in paths and "base_dir" not in paths


def test_docs_configuration_reference_refuses_an_undocumented_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    script = _script()
    monkeypatch.delitem(script.DOCS, "report.signer.name")
    monkeypatch.setitem(script.DOCS, "report.signer.nickname", ("gone", "x"))
    expected = r"without an entry in DOCS: \['report.signer.name'\].*\['report.signer.nickname'\]"
    with pytest.raises(SystemExit, match=expected):
        script.render()


def test_docs_campaign_files_and_init_point_to_the_reference() -> None:
    assert "\n## Configuration reference\n" in README
    assert REFERENCE == 'README.md, "Configuration reference"'
    for path in sorted((REPO / "config").glob("*.yaml")):
        assert REFERENCE in path.read_text(encoding="utf-8"), path.name


def _error_codes() -> set[int]:
    for module in pkgutil.walk_packages(aggregator.__path__, "aggregator."):
        importlib.import_module(module.name)
    found, todo = set(), [errors.AggregatorError]
    while todo:
        cls = todo.pop()
        found.add(cls.exit_code)
        todo += cls.__subclasses__()
    return found


def test_docs_every_exit_code_is_documented_once() -> None:
    table = _section("### Exit codes")
    documented = [int(code) for code in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)]
    assert len(documented) == len(set(documented))
    usage = click.UsageError("x").exit_code
    assert set(documented) == {0, usage, INTERNAL_ERROR, INTERRUPTED} | _error_codes()
    assert README.count("### Exit codes") == 1


def _command_rows() -> dict[str, str]:
    commands = _section("## Commands")
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| `aggregator (\w+)[^|]*`", commands, flags=re.MULTILINE)}


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_docs_each_command_lists_exactly_its_options(name: str) -> None:
    rows = _command_rows()
    assert name in rows, f"`aggregator {name}` is not in README's Commands table"
    documented = set(re.findall(r"--[a-z][a-z-]*", rows[name]))
    options = {opt for param in cli.commands[name].params if isinstance(param, click.Option)
               for opt in param.opts if opt.startswith("--") and opt != "--help"}
    assert documented == options


def test_docs_group_options_are_documented() -> None:
    options = {opt for param in cli.params if isinstance(param, click.Option) for opt in param.opts
               if opt.startswith("--") and opt != "--help"}
    assert all(f"`{opt}`" in _section("## Commands") for opt in options), options

